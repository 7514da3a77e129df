//! The mentoring jobs. `mentoring-request-expiry` (every `JIQING_MENTORING_EXPIRY_SWEEP_MS`, 60 s)
//! moves proposed and pending requests past `expires_at` to `expired`, ≤200 per tick, each by a
//! conditional update: on several instances only the one whose update hit tells the mentee.
use chrono::{DateTime, Utc};
use entity::mentorship_requests::{self as requests, Column as R, RequestStatus};
use entity::notifications::{self, NotificationKind};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, DatabaseTransaction, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    TransactionTrait,
};

use super::lifecycle::{MENTORING_PAGE, lock_counter, release_open_request, request_subject};
use super::state::MentorshipRequestAction as A;
use crate::app_state::AppState;
use crate::consents;
use crate::error::ApiResult;
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
        let txn = state.db.begin().await?;
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
