//! The loans' part of `retention-anonymise` (conventions §10, `loans.md`): applications that
//! ended without a loan (`rejected`, `withdrawn`, `not_recommended`, `lapsed`) keep personal
//! fields for `JIQING_RETENTION_YEARS` after they ended, then lose them. Statuses, amounts,
//! dates, purpose and reason codes stay, so no statistic changes.
use chrono::{NaiveDate, Utc};
use entity::loan_applications::{self, Column as A, LoanStatus};
use entity::sharing_consents::ConsentSubject;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::applications::MEDIA_KIND;
use crate::app_state::AppState;
use crate::consents::{self, Subject as ConsentOf};
use crate::media::Attachment;
use crate::time::start_of_day;
use crate::workflow::{Subject, events};

const ENDED_WITHOUT_LOAN: [LoanStatus; 4] = [
    LoanStatus::Rejected,
    LoanStatus::Withdrawn,
    LoanStatus::NotRecommended,
    LoanStatus::Lapsed,
];

/// Anonymise the loan applications that ended before `date` minus the retention years.
pub async fn anonymise(state: &AppState, date: NaiveDate) -> anyhow::Result<u64> {
    let years = state.settings.retention_years;
    let cutoff = start_of_day(crate::time::retention_cutoff(years, date));
    let mut done = 0;
    loop {
        let due = loan_applications::Entity::find()
            .filter(A::Status.is_in(ENDED_WITHOUT_LOAN))
            .filter(A::AnonymisedAt.is_null())
            .filter(A::UpdatedAt.lt(cutoff))
            .order_by_asc(A::Id)
            .limit(200)
            .all(&state.db)
            .await?;
        if due.is_empty() {
            return Ok(done);
        }
        for app in due {
            let now = Utc::now();
            let txn = crate::db::begin(&state.db).await?;
            let hit = loan_applications::Entity::update_many()
                .col_expr(A::ApplicantUserId, Expr::value(None::<uuid::Uuid>))
                .col_expr(A::TalentProfileId, Expr::value(None::<uuid::Uuid>))
                .col_expr(A::ApplicantName, Expr::value(None::<String>))
                .col_expr(A::ApplicantPhoneEnc, Expr::value(None::<String>))
                .col_expr(A::ApplicantIdNumberEnc, Expr::value(None::<String>))
                .col_expr(A::PurposeDetail, Expr::value(None::<String>))
                .col_expr(A::BusinessName, Expr::value(None::<String>))
                .col_expr(A::UnifiedCreditCode, Expr::value(None::<String>))
                .col_expr(A::AnnualRevenueFen, Expr::value(None::<i64>))
                .col_expr(A::ExistingDebtFen, Expr::value(None::<i64>))
                .col_expr(A::GuaranteeDetail, Expr::value(None::<String>))
                .col_expr(A::RecommendationNote, Expr::value(None::<String>))
                .col_expr(A::ReasonNote, Expr::value(None::<String>))
                .col_expr(A::Attachments, Expr::value("[]"))
                .col_expr(
                    A::RegionCode,
                    Expr::value(state.league.kept_region(&app.region_code)),
                )
                .col_expr(A::AnonymisedAt, Expr::value(now))
                .filter(A::Id.eq(app.id))
                .filter(A::AnonymisedAt.is_null())
                .exec(&txn)
                .await?
                .rows_affected;
            if hit == 1 {
                crate::media::release(&txn, Attachment::new(MEDIA_KIND, app.id)).await?;
                events::anonymise(
                    &txn,
                    loan_applications::Model::EVENTS,
                    app.id,
                    app.applicant_user_id,
                )
                .await?;
                consents::anonymise(
                    &txn,
                    ConsentOf {
                        kind: ConsentSubject::LoanApplication,
                        id: app.id,
                    },
                )
                .await?;
                done += 1;
            }
            txn.commit().await?;
        }
    }
}
