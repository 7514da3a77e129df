//! 银团合作 loans (`loans.md`): partner banks get a short name, a unified social credit code and an
//! `active` flag; loan products (terms as data, four-eyes publication), applications (one open
//! per person: partial unique index), the borrowers' guard rows, overdue periods, reveals,
//! subsidy claims (贴息) and `loan_events`.
//!
//! Money is integer fen (BIGINT), rates integer basis points; counters (`committed_fen`,
//! `subsidy_claimed_fen`, `outstanding_loans`) move by conditional updates only (conventions §6).
use sea_orm_migration::{prelude::*, schema::*};

use crate::event_table;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite alters one column per statement.
        for col in [
            string_len_null("short_name", 16),
            string_len_null("unified_credit_code", 18),
            boolean("active").default(true).to_owned(),
        ] {
            manager
                .alter_table(Table::alter().table("banks").add_column(col).to_owned())
                .await?;
        }
        let db = manager.get_connection();
        db.execute_unprepared(
            "CREATE UNIQUE INDEX IF NOT EXISTS uq_banks_unified_credit_code \
             ON banks (unified_credit_code)",
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table("loan_products")
                    .if_not_exists()
                    .col(uuid("id").primary_key())
                    .col(uuid("bank_id"))
                    .col(string_len("code", 20).unique_key())
                    .col(string_len("name", 32))
                    .col(text("description"))
                    .col(string_len("area_unit_code", 16))
                    .col(text("borrower_kinds"))
                    .col(big_integer("min_amount_fen"))
                    .col(big_integer("max_amount_fen"))
                    .col(big_integer_null("max_amount_business_fen"))
                    .col(big_integer("amount_step_fen"))
                    .col(integer("min_term_months"))
                    .col(integer("max_term_months"))
                    .col(integer("rate_min_bp"))
                    .col(integer("rate_max_bp"))
                    .col(string_len_null("rate_note", 100))
                    .col(text("guarantee_types"))
                    .col(string_len("subsidy_kind", 8))
                    .col(integer_null("subsidy_ratio_permille"))
                    .col(big_integer_null("subsidy_cap_fen"))
                    .col(string_len_null("subsidy_payer_note", 64))
                    .col(integer("age_min"))
                    .col(integer("age_max"))
                    .col(boolean("requires_verified_talent"))
                    .col(boolean("allow_concurrent_loans"))
                    .col(big_integer_null("quota_fen"))
                    .col(big_integer("committed_fen").default(0))
                    .col(integer("offer_valid_days"))
                    .col(date("valid_from"))
                    .col(date("valid_to"))
                    .col(string_len("status", 16))
                    .col(uuid("created_by"))
                    .col(string_len("created_unit_code", 16))
                    .col(uuid_null("bank_confirmed_by"))
                    .col(timestamp_with_time_zone_null("bank_confirmed_at"))
                    .col(string_len_null("change_request_note", 500))
                    .col(uuid_null("published_by"))
                    .col(timestamp_with_time_zone_null("published_at"))
                    .col(string_len_null("suspended_by_kind", 8))
                    .col(uuid_null("cloned_from_id"))
                    .col(integer("version").default(1))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .to_owned(),
            )
            .await?;
        for sql in [
            "CREATE INDEX IF NOT EXISTS idx_loan_products_status_area \
             ON loan_products (status, area_unit_code)",
            "CREATE INDEX IF NOT EXISTS idx_loan_products_bank_status \
             ON loan_products (bank_id, status)",
        ] {
            db.execute_unprepared(sql).await?;
        }

        manager
            .create_table(
                Table::create()
                    .table("loan_applications")
                    .if_not_exists()
                    .col(uuid("id").primary_key())
                    .col(string_len("number", 24).unique_key())
                    .col(uuid_null("applicant_user_id"))
                    .col(uuid_null("talent_profile_id"))
                    .col(uuid("product_id"))
                    .col(uuid("bank_id"))
                    .col(text("product_terms"))
                    .col(string_len("borrower_kind", 16))
                    .col(string_len("region_code", 12))
                    // The applicant as the bank will call them, copied at submission:
                    // the name, and the phone and ID number encrypted (DataCipher).
                    .col(string_len_null("applicant_name", 32))
                    .col(text_null("applicant_phone_enc"))
                    .col(text_null("applicant_id_number_enc"))
                    .col(big_integer("amount_fen"))
                    .col(integer("term_months"))
                    .col(string_len("purpose", 24))
                    .col(text_null("purpose_detail"))
                    .col(string_len_null("business_name", 64))
                    .col(boolean("business_registered").default(false))
                    .col(string_len_null("unified_credit_code", 18))
                    .col(big_integer_null("annual_revenue_fen"))
                    .col(big_integer_null("existing_debt_fen"))
                    .col(integer_null("jobs_created"))
                    .col(string_len("guarantee_type", 16))
                    .col(string_len_null("guarantee_detail", 300))
                    .col(text("attachments"))
                    .col(string_len("status", 16))
                    .col(integer("return_count").default(0))
                    .col(big_integer_null("recommended_amount_fen"))
                    .col(string_len_null("recommendation_note", 500))
                    .col(uuid_null("recommended_by"))
                    .col(timestamp_with_time_zone_null("recommended_at"))
                    .col(timestamp_with_time_zone("submitted_at"))
                    .col(timestamp_with_time_zone("review_due_at"))
                    .col(timestamp_with_time_zone_null("bank_due_at"))
                    .col(timestamp_with_time_zone_null("resubmit_due_at"))
                    .col(timestamp_with_time_zone_null("accepted_at"))
                    .col(timestamp_with_time_zone_null("decided_at"))
                    .col(big_integer_null("approved_amount_fen"))
                    .col(integer_null("approved_rate_bp"))
                    .col(integer_null("approved_term_months"))
                    .col(timestamp_with_time_zone_null("approved_at"))
                    .col(timestamp_with_time_zone_null("offer_expires_at"))
                    .col(big_integer_null("disbursed_amount_fen"))
                    .col(date_null("disbursed_on"))
                    .col(date_null("maturity_on"))
                    .col(timestamp_with_time_zone_null("disbursed_at"))
                    .col(string_len_null("bank_reference", 64))
                    .col(date_null("overdue_since"))
                    .col(date_null("closed_on"))
                    .col(string_len_null("closure", 16))
                    .col(big_integer("subsidy_claimed_fen").default(0))
                    .col(string_len_null("reason_code", 32))
                    .col(string_len_null("reason_note", 500))
                    .col(string_len_null("idempotency_key", 64))
                    .col(string_len_null("request_hash", 64))
                    .col(integer("version").default(1))
                    .col(timestamp_with_time_zone_null("anonymised_at"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .to_owned(),
            )
            .await?;
        for sql in [
            // One open application per person (409 APPLICATION_IN_PROGRESS, conventions §7).
            "CREATE UNIQUE INDEX IF NOT EXISTS uq_loan_applications_open \
             ON loan_applications (applicant_user_id) \
             WHERE status IN ('submitted','returned','recommended','bank_reviewing','approved')",
            "CREATE UNIQUE INDEX IF NOT EXISTS uq_loan_applications_idempotency \
             ON loan_applications (idempotency_key, applicant_user_id)",
            // A bank's reference names one loan (409 DUPLICATE_BANK_REFERENCE).
            "CREATE UNIQUE INDEX IF NOT EXISTS uq_loan_applications_bank_reference \
             ON loan_applications (bank_reference, bank_id)",
            "CREATE INDEX IF NOT EXISTS idx_loan_applications_region_status \
             ON loan_applications (region_code, status)",
            "CREATE INDEX IF NOT EXISTS idx_loan_applications_status_review_due \
             ON loan_applications (status, review_due_at)",
            "CREATE INDEX IF NOT EXISTS idx_loan_applications_bank_status_due \
             ON loan_applications (bank_id, status, bank_due_at)",
            "CREATE INDEX IF NOT EXISTS idx_loan_applications_product_status \
             ON loan_applications (product_id, status)",
            "CREATE INDEX IF NOT EXISTS idx_loan_applications_status_offer \
             ON loan_applications (status, offer_expires_at)",
            "CREATE INDEX IF NOT EXISTS idx_loan_applications_status_resubmit \
             ON loan_applications (status, resubmit_due_at)",
            "CREATE INDEX IF NOT EXISTS idx_loan_applications_applicant \
             ON loan_applications (applicant_user_id, created_at)",
        ] {
            db.execute_unprepared(sql).await?;
        }

        // The guard row of "no second loan while one is outstanding" (conventions §6).
        manager
            .create_table(
                Table::create()
                    .table("loan_borrowers")
                    .if_not_exists()
                    .col(uuid("user_id").primary_key())
                    .col(integer("outstanding_loans").default(0))
                    .col(integer("version").default(1))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("loan_overdue_periods")
                    .if_not_exists()
                    .col(uuid("id").primary_key())
                    .col(uuid("application_id"))
                    .col(date("from_on"))
                    .col(date_null("to_on"))
                    .to_owned(),
            )
            .await?;
        db.execute_unprepared(
            "CREATE INDEX IF NOT EXISTS idx_loan_overdue_periods_application \
             ON loan_overdue_periods (application_id, from_on)",
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table("loan_reveals")
                    .if_not_exists()
                    .col(uuid("id").primary_key())
                    .col(uuid_null("application_id"))
                    .col(uuid("viewer_user_id"))
                    .col(string_len("viewer_kind", 16))
                    .col(string_len("field", 16))
                    .col(string_len("reason", 200))
                    .col(integer_null("row_count"))
                    .col(timestamp_with_time_zone("created_at"))
                    .to_owned(),
            )
            .await?;
        db.execute_unprepared(
            "CREATE INDEX IF NOT EXISTS idx_loan_reveals_created \
             ON loan_reveals (created_at)",
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table("loan_subsidy_claims")
                    .if_not_exists()
                    .col(uuid("id").primary_key())
                    .col(uuid("application_id"))
                    // Copied from the application: the cadres' routing key and the bank.
                    .col(string_len("region_code", 12))
                    .col(uuid("bank_id"))
                    .col(date("period_from"))
                    .col(date("period_to"))
                    .col(big_integer("interest_paid_fen"))
                    .col(big_integer("subsidy_fen"))
                    .col(string_len("status", 16))
                    .col(uuid("submitted_by"))
                    .col(uuid_null("verified_by"))
                    .col(uuid_null("approved_by"))
                    .col(date_null("paid_on"))
                    .col(string_len_null("paid_reference", 64))
                    .col(string_len_null("reason", 500))
                    .col(string_len_null("idempotency_key", 64))
                    .col(string_len_null("request_hash", 64))
                    .col(integer("version").default(1))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .to_owned(),
            )
            .await?;
        for sql in [
            "CREATE INDEX IF NOT EXISTS idx_loan_subsidy_claims_application \
             ON loan_subsidy_claims (application_id, period_from)",
            "CREATE INDEX IF NOT EXISTS idx_loan_subsidy_claims_status_region \
             ON loan_subsidy_claims (status, region_code)",
            "CREATE UNIQUE INDEX IF NOT EXISTS uq_loan_subsidy_claims_idempotency \
             ON loan_subsidy_claims (idempotency_key, submitted_by)",
        ] {
            db.execute_unprepared(sql).await?;
        }

        event_table::create(manager, "loan_events", true).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "loan_events",
            "loan_subsidy_claims",
            "loan_reveals",
            "loan_overdue_periods",
            "loan_borrowers",
            "loan_applications",
            "loan_products",
        ] {
            manager
                .drop_table(Table::drop().table(t).if_exists().to_owned())
                .await?;
        }
        manager
            .get_connection()
            .execute_unprepared("DROP INDEX IF EXISTS uq_banks_unified_credit_code")
            .await?;
        for c in ["active", "unified_credit_code", "short_name"] {
            manager
                .alter_table(Table::alter().table("banks").drop_column(c).to_owned())
                .await?;
        }
        Ok(())
    }
}
