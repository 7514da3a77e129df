//! 银团合作 loans (`docs/loans.md`): partner banks' loan products as data (four-eyes: a cadre
//! drafts, the bank confirms, another cadre publishes), youth seeing and applying for the
//! products of their home area, the county league recommending them to the bank.
pub mod applications;
mod bank_applications;
mod bank_products;
mod bank_reports;
mod catalogue;
pub mod digest;
pub mod dto;
pub mod eligibility;
mod export;
mod kept_lists;
pub mod lapse;
mod options;
pub mod products;
pub mod queries;
pub mod retention;
mod reveals;
mod review;
pub mod rules;
pub mod state;
mod stats;
mod subsidies;
pub mod todos;
pub mod views;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(options::get_loan_options)
        .service(catalogue::list_loan_products)
        .service(catalogue::get_loan_product)
        .service(applications::check_loan_eligibility)
        .service(applications::create_loan_application)
        .service(applications::list_my_loan_applications)
        .service(applications::get_my_loan_application)
        .service(applications::update_my_loan_application)
        .service(applications::withdraw_loan_application)
        .service(applications::decline_loan_offer)
        .service(review::list_admin_loan_applications)
        .service(review::get_admin_loan_application)
        .service(review::recommend_loan_application)
        .service(review::return_loan_application)
        .service(review::decline_loan_recommendation)
        .service(reveals::reveal_loan_applicant)
        .service(reveals::reveal_bank_loan_applicant)
        .service(reveals::list_loan_reveals)
        .service(products::create_loan_product)
        .service(products::list_admin_loan_products)
        .service(products::get_admin_loan_product)
        .service(products::update_loan_product)
        .service(products::send_loan_product)
        .service(products::publish_loan_product)
        .service(products::suspend_loan_product)
        .service(products::resume_loan_product)
        .service(products::retire_loan_product)
        .service(products::clone_loan_product)
        .service(export::export_bank_loan_applications)
        .service(bank_applications::list_bank_loan_applications)
        .service(bank_applications::get_bank_loan_application)
        .service(bank_applications::accept_loan_referral)
        .service(bank_applications::decide_loan_application)
        .service(bank_applications::disburse_loan)
        .service(bank_reports::report_loan_status)
        .service(bank_reports::reverse_loan_action)
        .service(stats::get_loan_stats)
        .service(subsidies::create_loan_subsidy_claim)
        .service(subsidies::list_loan_subsidy_claims)
        .service(subsidies::verify_loan_subsidy_claim)
        .service(subsidies::approve_loan_subsidy_claim)
        .service(subsidies::reject_loan_subsidy_claim)
        .service(subsidies::pay_loan_subsidy_claim)
        .service(bank_products::list_bank_loan_products)
        .service(bank_products::confirm_bank_loan_product)
        .service(bank_products::request_changes_bank_loan_product)
        .service(bank_products::suspend_bank_loan_product)
        .service(bank_products::resume_bank_loan_product);
}
