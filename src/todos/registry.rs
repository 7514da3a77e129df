//! The registry of to-do queues: one line per queue, each defined next to its domain's code.
use super::queue::TodoQueue;

/// Every queue, in the order the console shows them.
pub const QUEUES: &[&TodoQueue] = &[
    &crate::talents::todos::TALENTS_TO_VERIFY,
    &crate::volunteer::todos::REPORTS_TO_REVIEW,
    &crate::volunteer::todos::CORRECTIONS_TO_REVIEW,
    &crate::loans::todos::APPLICATIONS_TO_RECOMMEND,
    &crate::loans::todos::APPLICATIONS_ESCALATED,
    &crate::loans::todos::PRODUCTS_TO_PUBLISH,
    &crate::loans::todos::REFERRALS_TO_ACCEPT,
    &crate::loans::todos::APPLICATIONS_TO_DECIDE,
    &crate::loans::todos::OFFERS_TO_DISBURSE,
    &crate::loans::todos::PRODUCTS_TO_CONFIRM,
    &crate::mentoring::todos::MENTORS_TO_CERTIFY,
    &crate::mentoring::todos::REQUESTS_TO_ASSIGN,
    &crate::mentoring::todos::RECORDS_DISPUTED,
    &crate::mentoring::todos::ORGANISATIONS_TO_VERIFY,
    &crate::practice::todos::APPLICATIONS_TO_DECIDE,
    &crate::practice::todos::REPORTS_TO_REVIEW,
    &crate::practice::todos::PLACEMENTS_TO_EVALUATE,
    &crate::practice::todos::CERTIFICATES_TO_ISSUE,
    &crate::kpi::manual::todos::REPORTS_TO_SUBMIT,
    &crate::kpi::manual::todos::REPORTS_TO_APPROVE,
    &crate::kpi::manual::todos::REPORTS_TO_ACCEPT,
    &crate::youth_homes::todos::HOMES_TO_VERIFY,
    &crate::youth_homes::todos::PROJECTS_TO_VERIFY,
    &crate::hope_rooms::todos::ROOMS_TO_ACCEPT,
    &crate::pioneers::todos::RECOGNITIONS_TO_CONFIRM,
];
