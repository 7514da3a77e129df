//! The practice part of `retention-anonymise` (spec "Personal data and retention", conventions
//! §10). An application is finished when it reached a final status (`ended_at`) or, completed
//! without a certificate, when its report fell due (the report's `due_on`, else the position's
//! `ends_on` + the campaign's `report_due_days`). `JIQING_RETENTION_YEARS` after that it loses:
//! - its `motivation`, `decision_reason` and `dropped_reason`; its 生源地 is cut to the local
//!   unit's code (`kept_region`, so the stats by home unit do not move);
//! - its attendance days' `reason`;
//! - its report's `body`, `photos` (rows now, files with the next `media-cleanup`) and
//!   `review_reason`;
//! - the reasons, notes and payloads of the application's and report's events, and the student
//!   as their actor; the sharing consents about it end and lose their recipient and subject;
//! - whatever the parts in [`ANONYMISE_ALSO`] clear (the evaluation comment, the certificate
//!   snapshot down to the masked name).
//!
//! Statuses, dates, places of positions, minutes, titles and counts stay, so no statistic
//! changes and certificates stay checkable. Then a student profile whose every application is
//! finished (or anonymised) for the retention years, and not saved since, loses its emergency
//! contact and ID number. Every row moves by a conditional update: a rerun or an overlapping run
//! on another instance is harmless.
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use entity::practice_applications::{self, ApplicationStatus, Column as A};
use entity::practice_attendance::{self, Column as PA};
use entity::practice_campaigns;
use entity::practice_positions::{self, Column as P};
use entity::practice_reports::{self, Column as R};
use entity::sharing_consents::ConsentSubject;
use entity::student_profiles::{self, Column as SP};
use sea_orm::sea_query::{Condition, Expr, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use uuid::Uuid;

use super::reports::MEDIA_KIND;
use crate::app_state::AppState;
use crate::consents::{self, Subject as ConsentOf};
use crate::error::ApiResult;
use crate::media::Attachment;
use crate::time::{retention_cutoff, start_of_day};
use crate::workflow::{Subject, events};

const BATCH: u64 = 200;

/// Final statuses (`ended_at` set on reaching them).
const ENDED: [ApplicationStatus; 7] = [
    ApplicationStatus::Certified,
    ApplicationStatus::Rejected,
    ApplicationStatus::Declined,
    ApplicationStatus::Lapsed,
    ApplicationStatus::Withdrawn,
    ApplicationStatus::Dropped,
    ApplicationStatus::PositionCancelled,
];

/// A further part of an application's anonymisation, run in its transaction after the
/// application's own update hit (once per application).
pub type AnonymiseAlso = for<'a> fn(
    &'a DatabaseTransaction,
    &'a practice_applications::Model,
) -> Pin<Box<dyn Future<Output = ApiResult<()>> + Send + 'a>>;

/// The practice records kept beside an application that retention also clears: the
/// evaluation's comment and the certificate's snapshot (all but the masked name) register
/// their part here, next to their own code.
pub const ANONYMISE_ALSO: &[AnonymiseAlso] =
    &[|txn, app| Box::pin(clear_evaluation_comment(txn, app))];

/// The evaluation keeps its grade (certificates and the 优秀 cap need it), not its comment. The
/// certificate's snapshot holds the masked name only from the start, so it needs nothing here.
async fn clear_evaluation_comment(
    txn: &DatabaseTransaction,
    app: &practice_applications::Model,
) -> ApiResult<()> {
    use entity::practice_evaluations::{self as evaluations, Column as E};
    evaluations::Entity::update_many()
        .col_expr(E::Comment, Expr::value(Option::<String>::None))
        .filter(E::ApplicationId.eq(app.id))
        .filter(E::Comment.is_not_null())
        .exec(txn)
        .await?;
    Ok(())
}

/// What one run anonymised.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Anonymised {
    pub applications: u64,
    pub profiles: u64,
}

/// Anonymise the applications finished before `date` minus the retention years, then the
/// profiles of students whose applications are all finished that long.
pub async fn anonymise(state: &AppState, date: NaiveDate) -> anyhow::Result<Anonymised> {
    let before = retention_cutoff(state.settings.retention_years, date);
    let mut done = Anonymised::default();
    let mut after: Option<Uuid> = None;
    loop {
        let mut q = practice_applications::Entity::find()
            .filter(A::AnonymisedAt.is_null())
            .filter(
                Condition::any()
                    .add(
                        Condition::all()
                            .add(A::Status.is_in(ENDED))
                            .add(A::EndedAt.lt(start_of_day(before))),
                    )
                    .add(A::Status.eq(ApplicationStatus::Completed)),
            )
            .order_by_asc(A::Id)
            .limit(BATCH);
        if let Some(a) = after {
            q = q.filter(A::Id.gt(a));
        }
        let batch = q.all(&state.db).await?;
        let Some(last) = batch.last() else {
            break;
        };
        after = Some(last.id);
        let report_due = report_due_dates(&state.db, &batch).await?;
        for app in batch {
            let finished = match app.status {
                ApplicationStatus::Completed => {
                    report_due.get(&app.id).is_some_and(|d| *d < before)
                }
                _ => true,
            };
            if !finished {
                continue;
            }
            let txn = crate::db::begin(&state.db).await?;
            if application(state, &txn, &app, Utc::now()).await? {
                done.applications += 1;
            }
            txn.commit().await?;
        }
    }
    done.profiles = profiles(state, start_of_day(before)).await?;
    Ok(done)
}

/// The due date of each application's report: the report's `due_on`, else the position's
/// `ends_on` + the campaign's `report_due_days`.
async fn report_due_dates(
    db: &impl ConnectionTrait,
    apps: &[practice_applications::Model],
) -> ApiResult<HashMap<Uuid, NaiveDate>> {
    let completed: Vec<&practice_applications::Model> = apps
        .iter()
        .filter(|a| a.status == ApplicationStatus::Completed)
        .collect();
    if completed.is_empty() {
        return Ok(HashMap::new());
    }
    let reports: HashMap<Uuid, NaiveDate> = practice_reports::Entity::find()
        .select_only()
        .columns([R::ApplicationId, R::DueOn])
        .filter(R::ApplicationId.is_in(completed.iter().map(|a| a.id)))
        .into_tuple()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let ends: HashMap<Uuid, NaiveDate> = practice_positions::Entity::find()
        .select_only()
        .columns([P::Id, P::EndsOn])
        .filter(P::Id.is_in(completed.iter().map(|a| a.position_id)))
        .into_tuple()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let days: HashMap<Uuid, i32> = practice_campaigns::Entity::find()
        .select_only()
        .columns([
            practice_campaigns::Column::Id,
            practice_campaigns::Column::ReportDueDays,
        ])
        .filter(practice_campaigns::Column::Id.is_in(completed.iter().map(|a| a.campaign_id)))
        .into_tuple()
        .all(db)
        .await?
        .into_iter()
        .collect();
    Ok(completed
        .into_iter()
        .filter_map(|a| {
            let due = match reports.get(&a.id) {
                Some(d) => *d,
                None => {
                    *ends.get(&a.position_id)? + Duration::days((*days.get(&a.campaign_id)?).into())
                }
            };
            Some((a.id, due))
        })
        .collect())
}

/// One application and what hangs on it. Whether this run's update hit.
async fn application(
    state: &AppState,
    txn: &DatabaseTransaction,
    app: &practice_applications::Model,
    now: DateTime<Utc>,
) -> anyhow::Result<bool> {
    let hit = practice_applications::Entity::update_many()
        .col_expr(A::Motivation, Expr::value(None::<String>))
        .col_expr(A::DecisionReason, Expr::value(None::<String>))
        .col_expr(A::DroppedReason, Expr::value(None::<String>))
        .col_expr(
            A::HomeRegionCode,
            Expr::value(state.league.kept_region(&app.home_region_code)),
        )
        .col_expr(A::AnonymisedAt, Expr::value(now))
        .filter(A::Id.eq(app.id))
        .filter(A::AnonymisedAt.is_null())
        .exec(txn)
        .await?
        .rows_affected
        == 1;
    if !hit {
        return Ok(false);
    }
    let student = Some(app.student_user_id);
    events::anonymise(txn, practice_applications::Model::EVENTS, app.id, student).await?;
    practice_attendance::Entity::update_many()
        .col_expr(PA::Reason, Expr::value(None::<String>))
        .filter(PA::ApplicationId.eq(app.id))
        .exec(txn)
        .await?;
    if let Some(report) = practice_reports::Entity::find()
        .filter(R::ApplicationId.eq(app.id))
        .one(txn)
        .await?
    {
        practice_reports::Entity::update_many()
            .col_expr(R::Body, Expr::value(None::<String>))
            .col_expr(R::Photos, Expr::value("[]"))
            .col_expr(R::ReviewReason, Expr::value(None::<String>))
            .filter(R::Id.eq(report.id))
            .exec(txn)
            .await?;
        crate::media::release(txn, Attachment::new(MEDIA_KIND, report.id)).await?;
        events::anonymise(txn, practice_reports::Model::EVENTS, report.id, student).await?;
    }
    let subject = ConsentOf {
        kind: ConsentSubject::PracticeApplication,
        id: app.id,
    };
    consents::withdraw(txn, subject, None, now).await?;
    consents::anonymise(txn, subject).await?;
    for also in ANONYMISE_ALSO {
        also(txn, app).await?;
    }
    Ok(true)
}

/// The profile fields kept only while the student practises: the emergency contact and the ID
/// number (with its blind index and consent).
fn holds_contact_data() -> Condition {
    Condition::any()
        .add(SP::EmergencyContactName.is_not_null())
        .add(SP::EmergencyContactPhoneEnc.is_not_null())
        .add(SP::IdNumberEnc.is_not_null())
}

/// Clear the emergency contact and ID number of students whose applications all ended before
/// `before` (or were anonymised) and whose profile was not saved since. The number cleared.
async fn profiles(state: &AppState, before: DateTime<Utc>) -> anyhow::Result<u64> {
    let any_application = Query::select()
        .column(A::StudentUserId)
        .from(practice_applications::Entity)
        .to_owned();
    let still_open = Query::select()
        .column(A::StudentUserId)
        .from(practice_applications::Entity)
        .and_where(A::AnonymisedAt.is_null())
        .cond_where(
            Condition::any()
                .add(A::EndedAt.is_null())
                .add(A::EndedAt.gte(before)),
        )
        .to_owned();
    let mut done = 0;
    loop {
        let due: Vec<Uuid> = student_profiles::Entity::find()
            .select_only()
            .column(SP::Id)
            .filter(holds_contact_data())
            .filter(SP::UpdatedAt.lt(before))
            .filter(SP::UserId.in_subquery(any_application.clone()))
            .filter(SP::UserId.not_in_subquery(still_open.clone()))
            .order_by_asc(SP::Id)
            .limit(BATCH)
            .into_tuple()
            .all(&state.db)
            .await?;
        if due.is_empty() {
            return Ok(done);
        }
        for id in due {
            done += student_profiles::Entity::update_many()
                .col_expr(SP::EmergencyContactName, Expr::value(None::<String>))
                .col_expr(SP::EmergencyContactPhoneEnc, Expr::value(None::<String>))
                .col_expr(SP::IdNumberEnc, Expr::value(None::<String>))
                .col_expr(SP::IdNumberIndex, Expr::value(None::<String>))
                .col_expr(SP::IdNumberConsentAt, Expr::value(None::<DateTime<Utc>>))
                .col_expr(SP::AnonymisedAt, Expr::value(Utc::now()))
                .filter(SP::Id.eq(id))
                .filter(holds_contact_data())
                .exec(&state.db)
                .await?
                .rows_affected;
        }
    }
}
