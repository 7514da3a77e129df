//! The mentoring jobs. `mentoring-request-expiry` (every `JIQING_MENTORING_EXPIRY_SWEEP_MS`, 60 s)
//! moves proposed and pending requests past `expires_at` to `expired`, ≤200 per tick, each by a
//! conditional update: on several instances only the one whose update hit tells the mentee.
//!
//! Daily (conventions §5: once per China date across instances, each row still moved by a
//! conditional update, so an overlapping or repeated run changes nothing twice):
//! - `mentorship-auto-complete` (00:05) completes active pairings whose planned end has passed
//!   (`planned_end_on < today`), of both kinds, records or not, freeing long-term seats;
//! - `mentoring-record-auto-confirm` (00:10) confirms records the mentee left pending past their
//!   confirmation deadline.
use chrono::{DateTime, NaiveDate, Utc};
use entity::mentoring_records::{self as records, Column as MR, RecordStatus};
use entity::mentorship_requests::{self as requests, Column as R, RequestStatus};
use entity::mentorships::{self, Column as M, EndedBy, MentorshipStatus};
use entity::notifications::{self, NotificationKind};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, DatabaseTransaction, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};

use super::lifecycle::{MENTORING_PAGE, lock_counter, release_open_request, request_subject};
use super::pairings::{after_leaving, count_record, lock_parties, notify_completed};
use super::state::{MentoringRecordAction, MentorshipAction, MentorshipRequestAction as A};
use crate::app_state::AppState;
use crate::consents;
use crate::error::ApiResult;
use crate::jobs::{China, DailyJob};
use crate::notifications::{deliver, notify};
use crate::workflow::{Actor, Transition};

/// Rows one tick moves at most.
const BATCH: u64 = 200;

/// One sweep: every request past its expiry, oldest first.
pub async fn sweep_expired_requests(state: AppState) -> anyhow::Result<()> {
    let now = Utc::now();
    let due = requests::Entity::find()
        .filter(R::Status.is_in([RequestStatus::Proposed, RequestStatus::Pending]))
        .filter(R::ExpiresAt.lte(now))
        .order_by_asc(R::ExpiresAt)
        .paginate(&state.db, BATCH)
        .fetch_page(0)
        .await?;
    for r in due {
        let txn = crate::db::begin(&state.db).await?;
        let sent = expire(&txn, &r, now)
            .await
            .map_err(|e| anyhow::anyhow!("expiring mentorship request {}: {e}", r.id))?;
        txn.commit().await?;
        deliver(&state, sent);
    }
    Ok(())
}

/// Expire one request if it is still open and past its time (nothing when another instance did).
async fn expire(
    txn: &DatabaseTransaction,
    r: &requests::Model,
    now: DateTime<Utc>,
) -> ApiResult<Vec<notifications::Model>> {
    if let Some(mentee) = r.mentee_user_id {
        lock_counter(txn, mentee).await?;
    }
    let system = Actor::system();
    let moved = Transition::new(r, A::Expire, &system)
        .only_if(R::ExpiresAt.lte(now))
        .set(R::ClosedAt, Expr::value(now))
        .set(R::UpdatedAt, Expr::value(now))
        .attempt(txn)
        .await?;
    if moved.is_none() {
        return Ok(Vec::new());
    }
    consents::withdraw(txn, request_subject(r.id), None, now).await?;
    let Some(mentee) = r.mentee_user_id else {
        return Ok(Vec::new());
    };
    release_open_request(txn, mentee).await?;
    let text = if r.status == RequestStatus::Proposed {
        "团组织推荐的导师因未及时确认已过期，团组织将另行推荐。"
    } else {
        "您的导师申请未在期限内得到回复，已过期。可另选导师，或请团组织为您推荐导师。"
    };
    Ok(vec![
        notify(
            txn,
            mentee,
            NotificationKind::MentorshipExpired,
            "导师申请已过期",
            text,
            Some(MENTORING_PAGE),
        )
        .await?,
    ])
}

pub const MENTORSHIP_AUTO_COMPLETE: DailyJob = DailyJob {
    name: "mentorship-auto-complete",
    at: China(0, 5),
    run: |state, today| Box::pin(auto_complete(state, today)),
};

pub const RECORD_AUTO_CONFIRM: DailyJob = DailyJob {
    name: "mentoring-record-auto-confirm",
    at: China(0, 10),
    run: |state, today| Box::pin(auto_confirm(state, today)),
};

/// Complete every active pairing whose planned end lies before `today` (China), in batches.
pub async fn auto_complete(state: AppState, today: NaiveDate) -> anyhow::Result<()> {
    loop {
        let due = mentorships::Entity::find()
            .filter(M::Status.eq(MentorshipStatus::Active))
            .filter(M::PlannedEndOn.lt(today))
            .order_by_asc(M::PlannedEndOn)
            .order_by_asc(M::Id)
            .paginate(&state.db, BATCH)
            .fetch_page(0)
            .await?;
        let found = due.len() as u64;
        let mut moved = 0;
        for p in due {
            let txn = crate::db::begin(&state.db).await?;
            let sent = complete_one(&txn, &p, today)
                .await
                .map_err(|e| anyhow::anyhow!("completing mentorship {}: {e}", p.id))?;
            txn.commit().await?;
            if let Some(sent) = sent {
                moved += 1;
                deliver(&state, sent);
            }
        }
        // A short batch was the last; a batch that moved nothing was taken by another instance
        // (its rows are no longer active), so the next read finds the rest or nothing.
        if found < BATCH || moved == 0 {
            return Ok(());
        }
    }
}

/// Complete one pairing if it is still active and past its planned end (`None` when another
/// instance did).
async fn complete_one(
    txn: &DatabaseTransaction,
    p: &mentorships::Model,
    today: NaiveDate,
) -> ApiResult<Option<Vec<notifications::Model>>> {
    let mentor = lock_parties(txn, p).await?;
    let now = Utc::now();
    let system = Actor::system();
    let done = Transition::new(p, MentorshipAction::Complete, &system)
        .only_if(M::PlannedEndOn.lt(today))
        .set(M::EndedAt, Expr::value(now))
        .set(M::EndedByKind, Expr::value(EndedBy::System))
        .set(M::UpdatedAt, Expr::value(now))
        .reason(Some("帮带期已满，系统自动完成"))
        .attempt(txn)
        .await?;
    let Some((record, _)) = done else {
        return Ok(None);
    };
    after_leaving(txn, &record, true).await?;
    Ok(Some(notify_completed(txn, &record, &mentor).await?))
}

/// Confirm every record still pending past its confirmation deadline, in batches. The date is
/// the run's China date; the deadline is compared with the time of the run.
pub async fn auto_confirm(state: AppState, _today: NaiveDate) -> anyhow::Result<()> {
    let now = Utc::now();
    loop {
        let due = records::Entity::find()
            .filter(MR::Status.eq(RecordStatus::Pending))
            .filter(MR::ConfirmDueAt.lte(now))
            .order_by_asc(MR::ConfirmDueAt)
            .order_by_asc(MR::Id)
            .paginate(&state.db, BATCH)
            .fetch_page(0)
            .await?;
        let found = due.len() as u64;
        let mut moved = 0;
        for r in due {
            let txn = crate::db::begin(&state.db).await?;
            let system = Actor::system();
            let done = Transition::new(&r, MentoringRecordAction::AutoConfirm, &system)
                .only_if(MR::ConfirmDueAt.lte(now))
                .set(MR::UpdatedAt, Expr::value(now))
                .attempt(&txn)
                .await
                .map_err(|e| anyhow::anyhow!("confirming mentoring record {}: {e}", r.id))?;
            if done.is_some() {
                count_record(&txn, r.mentorship_id)
                    .await
                    .map_err(|e| anyhow::anyhow!("counting mentoring record {}: {e}", r.id))?;
                moved += 1;
            }
            txn.commit().await?;
        }
        if found < BATCH || moved == 0 {
            return Ok(());
        }
    }
}
