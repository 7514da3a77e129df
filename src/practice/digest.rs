//! `practice.application_received` to the host's supervisors: at most one notice an hour per
//! position, none lost.
//!
//! The first application after a quiet hour is told at once (the request claims the notice);
//! applications arriving within the hour after a notice wait for the `practice-application-
//! digest` job (every `JIQING_PRACTICE_DIGEST_SWEEP_MS`, 5 minutes), which sends one notice
//! with their number once the hour has passed. A claim is one conditional statement on
//! `practice_application_digests` (`INSERT … ON CONFLICT DO NOTHING` for a position's first
//! notice, else `UPDATE … WHERE last_sent_at = :seen AND last_sent_at <= :now − 1 h`), so of
//! any number of requests, instances and job runs exactly one sends each notice.
use chrono::{DateTime, Duration, Utc};
use entity::notifications::NotificationKind;
use entity::practice_application_digests::{self as digests, Column as D};
use entity::practice_applications::{self, ApplicationStatus, Column as A};
use entity::practice_positions;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use uuid::Uuid;

use super::host_notices::notify_host;
use crate::app_state::AppState;
use crate::notifications::deliver;

/// At most one notice per position within this time.
pub const DIGEST_PERIOD_MINUTES: i64 = 60;
/// Positions one job run handles.
const BATCH: u64 = 200;

fn period() -> Duration {
    Duration::minutes(DIGEST_PERIOD_MINUTES)
}

/// Claim the next notice of a position at `now`: whether this caller sends it.
async fn claim(
    db: &impl ConnectionTrait,
    position: Uuid,
    seen: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> anyhow::Result<bool> {
    let hit = match seen {
        None => {
            digests::Entity::insert(digests::ActiveModel {
                position_id: Set(position),
                last_sent_at: Set(now),
            })
            .on_conflict(OnConflict::column(D::PositionId).do_nothing().to_owned())
            .exec_without_returning(db)
            .await?
        }
        Some(seen) => {
            digests::Entity::update_many()
                .col_expr(D::LastSentAt, Expr::value(now))
                .filter(D::PositionId.eq(position))
                .filter(D::LastSentAt.eq(seen))
                .filter(D::LastSentAt.lte(now - period()))
                .exec(db)
                .await?
                .rows_affected
        }
    };
    Ok(hit == 1)
}

/// Claim the next notice and write it to every active supervisor of the position's host, in
/// one transaction (the claim first: on SQLite a transaction writes before it reads), then
/// deliver it. Whether this caller sent it.
async fn claim_and_send(
    state: &AppState,
    position: &practice_positions::Model,
    seen: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
    new_applications: u64,
) -> anyhow::Result<bool> {
    let txn = crate::db::begin(&state.db).await?;
    if !claim(&txn, position.id, seen, now).await? {
        return Ok(false);
    }
    let body = if new_applications <= 1 {
        format!("岗位“{}”收到新的报名，请及时选拔。", position.title)
    } else {
        format!(
            "岗位“{}”新收到{new_applications}份报名，请及时选拔。",
            position.title
        )
    };
    let sent = notify_host(
        &txn,
        position.host_unit_id,
        NotificationKind::PracticeApplicationReceived,
        "收到新的实践报名",
        &body,
    )
    .await?;
    txn.commit().await?;
    deliver(state, sent);
    Ok(true)
}

/// After an application is stored: tell the host now if no notice went out in the last hour;
/// otherwise the job tells it later. Never fails the request.
pub async fn on_application(
    state: &AppState,
    position: &practice_positions::Model,
    now: DateTime<Utc>,
) {
    let result: anyhow::Result<()> = async {
        let seen = digests::Entity::find_by_id(position.id)
            .one(&state.db)
            .await?
            .map(|d| d.last_sent_at);
        if seen.is_some_and(|s| s > now - period()) {
            return Ok(());
        }
        claim_and_send(state, position, seen, now, 1).await?;
        Ok(())
    }
    .await;
    if let Err(e) = result {
        tracing::warn!(error = %e, "practice application notice not sent");
    }
}

/// One run of `practice-application-digest` at `now`: a notice for each position with
/// submitted applications that came after its last notice, once that is an hour old. The
/// number of notices claimed.
pub async fn send_due(state: &AppState, now: DateTime<Utc>) -> anyhow::Result<usize> {
    let mut done = 0;
    let mut after: Option<Uuid> = None;
    loop {
        let mut q = digests::Entity::find()
            .filter(D::LastSentAt.lte(now - period()))
            .filter(Expr::cust(
                "EXISTS (SELECT 1 FROM practice_applications a \
                 WHERE a.position_id = practice_application_digests.position_id \
                 AND a.status = 'submitted' \
                 AND a.created_at > practice_application_digests.last_sent_at)",
            ))
            .order_by_asc(D::PositionId)
            .limit(BATCH);
        if let Some(a) = after {
            q = q.filter(D::PositionId.gt(a));
        }
        let due = q.all(&state.db).await?;
        let Some(last) = due.last() else {
            return Ok(done);
        };
        after = Some(last.position_id);
        for d in due {
            let waiting = practice_applications::Entity::find()
                .filter(A::PositionId.eq(d.position_id))
                .filter(A::Status.eq(ApplicationStatus::Submitted))
                .filter(A::CreatedAt.gt(d.last_sent_at))
                .count(&state.db)
                .await?;
            let Some(position) = practice_positions::Entity::find_by_id(d.position_id)
                .one(&state.db)
                .await?
            else {
                continue;
            };
            if waiting > 0
                && claim_and_send(state, &position, Some(d.last_sent_at), now, waiting).await?
            {
                done += 1;
            }
        }
    }
}

/// The periodic job (every instance; the claims make it once per notice).
pub async fn sweep(state: AppState) -> anyhow::Result<()> {
    send_due(&state, Utc::now()).await.map(|_| ())
}
