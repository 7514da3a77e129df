//! Mentoring's part of `retention-anonymise` (conventions §10, `mentoring.md` "Retention"):
//! `JIQING_RETENTION_YEARS` after a request ended without a pairing, or after its pairing
//! ended, the request loses `description` and `response_note`, the pairing `end_reason`,
//! `mentor_summary` and `mentee_comment`, its records `summary`, `dispute_note`, `settle_note`
//! and photos (rows now, files with the next `media-cleanup`); the mentee's user id goes from
//! request and pairing, the region is cut to the county, the events lose their reasons and the
//! mentee as actor, and the `mentoring_contact` consent ends and is unlinked. Kinds, topics,
//! modes, statuses, dates, minutes, stars and counts stay. Open requests and active pairings are
//! never touched. Each row moves by a conditional update, so overlapping or repeated runs are
//! harmless.
use chrono::{DateTime, Duration, NaiveDate, Utc};
use entity::mentoring_records::{self as records, Column as MR};
use entity::mentorship_requests::{self as requests, Column as R, RequestStatus};
use entity::mentorships::{self, Column as M, MentorshipStatus};
use entity::sharing_consents::{ConsentPurpose, ConsentSubject};
use sea_orm::sea_query::{Condition, Expr};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use super::coverage::COVERED_AFTER_COMPLETION_DAYS;
use super::records::MEDIA_KIND;
use crate::app_state::AppState;
use crate::consents::{self, Subject as ConsentOf};
use crate::media::Attachment;
use crate::time::start_of_day;
use crate::workflow::{Subject, events};

const BATCH: u64 = 200;

/// Requests that ended without a pairing (an accepted one waits for its pairing).
const ENDED_WITHOUT_PAIRING: [RequestStatus; 3] = [
    RequestStatus::Declined,
    RequestStatus::Cancelled,
    RequestStatus::Expired,
];

/// What one run anonymised.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Anonymised {
    pub requests: u64,
    pub mentorships: u64,
}

/// Anonymise the requests and pairings that ended before `date` minus the retention years.
pub async fn anonymise(state: &AppState, date: NaiveDate) -> anyhow::Result<Anonymised> {
    let years = state.settings.retention_years;
    let cutoff = start_of_day(crate::time::retention_cutoff(years, date));
    // A completed pairing counts toward the startup-leader coverage for a year after it ended
    // (`stats.rs`), through its mentee: it keeps the mentee until then, so no statistic moves
    // even with a retention shorter than a year.
    let still_counted = start_of_day(date) - Duration::days(COVERED_AFTER_COMPLETION_DAYS);
    let mut done = Anonymised::default();
    loop {
        let due: Vec<mentorships::Model> = mentorships::Entity::find()
            .filter(M::Status.is_in([MentorshipStatus::Completed, MentorshipStatus::Ended]))
            .filter(M::AnonymisedAt.is_null())
            .filter(M::EndedAt.lt(cutoff))
            .filter(
                Condition::any()
                    .add(M::Status.eq(MentorshipStatus::Ended))
                    .add(M::EndedAt.lt(still_counted)),
            )
            .order_by_asc(M::Id)
            .limit(BATCH)
            .all(&state.db)
            .await?;
        if due.is_empty() {
            break;
        }
        for p in due {
            let txn = crate::db::begin(&state.db).await?;
            if mentorship(state, &txn, &p, Utc::now()).await? {
                done.mentorships += 1;
            }
            txn.commit().await?;
        }
    }
    loop {
        let due: Vec<requests::Model> = requests::Entity::find()
            .filter(R::Status.is_in(ENDED_WITHOUT_PAIRING))
            .filter(R::AnonymisedAt.is_null())
            .filter(R::ClosedAt.lt(cutoff))
            .order_by_asc(R::Id)
            .limit(BATCH)
            .all(&state.db)
            .await?;
        if due.is_empty() {
            break;
        }
        for r in due {
            let txn = crate::db::begin(&state.db).await?;
            if request(state, &txn, &r, Utc::now()).await? {
                done.requests += 1;
            }
            txn.commit().await?;
        }
    }
    Ok(done)
}

/// One request: its personal fields, events and consent. Whether this run's update hit.
async fn request(
    state: &AppState,
    db: &impl ConnectionTrait,
    r: &requests::Model,
    now: DateTime<Utc>,
) -> anyhow::Result<bool> {
    let hit = requests::Entity::update_many()
        .col_expr(R::MenteeUserId, Expr::value(None::<Uuid>))
        .col_expr(R::Description, Expr::value(None::<String>))
        .col_expr(R::ResponseNote, Expr::value(None::<String>))
        .col_expr(
            R::MenteeRegionCode,
            Expr::value(state.league.kept_region(&r.mentee_region_code)),
        )
        .col_expr(R::AnonymisedAt, Expr::value(now))
        .filter(R::Id.eq(r.id))
        .filter(R::AnonymisedAt.is_null())
        .exec(db)
        .await?
        .rows_affected
        == 1;
    if hit {
        events::anonymise(db, requests::Model::EVENTS, r.id, r.mentee_user_id).await?;
        let subject = ConsentOf {
            kind: ConsentSubject::MentorshipRequest,
            id: r.id,
        };
        // The phone stays visible for 30 days after a pairing ends, so the consent may still
        // be in force: it ends now, then loses its recipient and subject.
        consents::withdraw(db, subject, Some(ConsentPurpose::MentoringContact), now).await?;
        consents::anonymise(db, subject).await?;
    }
    Ok(hit)
}

/// One pairing, its request and its records. Whether this run's update hit.
async fn mentorship(
    state: &AppState,
    db: &impl ConnectionTrait,
    p: &mentorships::Model,
    now: DateTime<Utc>,
) -> anyhow::Result<bool> {
    let hit = mentorships::Entity::update_many()
        .col_expr(M::MenteeUserId, Expr::value(None::<Uuid>))
        .col_expr(M::EndReason, Expr::value(None::<String>))
        .col_expr(M::MentorSummary, Expr::value(None::<String>))
        .col_expr(M::MenteeComment, Expr::value(None::<String>))
        .col_expr(
            M::MenteeRegionCode,
            Expr::value(state.league.kept_region(&p.mentee_region_code)),
        )
        .col_expr(M::AnonymisedAt, Expr::value(now))
        .filter(M::Id.eq(p.id))
        .filter(M::AnonymisedAt.is_null())
        .exec(db)
        .await?
        .rows_affected
        == 1;
    if !hit {
        return Ok(false);
    }
    events::anonymise(db, mentorships::Model::EVENTS, p.id, p.mentee_user_id).await?;
    if let Some(r) = requests::Entity::find_by_id(p.request_id).one(db).await? {
        request(state, db, &r, now).await?;
    }
    let record_ids: Vec<Uuid> = records::Entity::find()
        .select_only()
        .column(MR::Id)
        .filter(MR::MentorshipId.eq(p.id))
        .into_tuple()
        .all(db)
        .await?;
    records::Entity::update_many()
        .col_expr(MR::Summary, Expr::value(None::<String>))
        .col_expr(MR::DisputeNote, Expr::value(None::<String>))
        .col_expr(MR::SettleNote, Expr::value(None::<String>))
        .col_expr(MR::Photos, Expr::value("[]"))
        .filter(MR::MentorshipId.eq(p.id))
        .exec(db)
        .await?;
    for id in record_ids {
        crate::media::release(db, Attachment::new(MEDIA_KIND, id)).await?;
        events::anonymise(db, records::Model::EVENTS, id, p.mentee_user_id).await?;
    }
    Ok(true)
}
