//! `practice-offer-lapse` (every `JIQING_PRACTICE_LAPSE_SWEEP_MS`, default 60 s, on every
//! instance): offers past `offer_expires_at` lapse (the seat goes back), and applications still
//! undecided when their position starts are ended (rejected, 「岗位已开始，未获录用」), so none
//! stays open for ever. Each row moves by a conditional update, so however many instances
//! sweep, a row moves once, its counters move once, and only the instance whose update hit
//! notifies.
use chrono::{DateTime, Utc};
use entity::notifications::NotificationKind;
use entity::practice_applications::{self, ApplicationStatus, Column as A};
use entity::practice_positions::{self, Column as P};
use sea_orm::sea_query::{Condition, Expr, Query};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::endings::{MY_PAGE, end_sharing, release_held};
use super::rules::STARTED_UNDECIDED_REASON;
use super::state::PracticeApplicationAction;
use crate::app_state::AppState;
use crate::notifications::{deliver, notify};
use crate::time::today_in_china;
use crate::workflow::{Actor, Transition};

/// Rows moved per tick at most.
const BATCH: u64 = 200;

/// Positions whose first day has come (China date).
fn started_positions(now: DateTime<Utc>) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column(P::Id)
        .from(practice_positions::Entity)
        .and_where(P::StartsOn.lte(today_in_china(now)))
        .to_owned()
}

pub async fn sweep(state: AppState) -> anyhow::Result<()> {
    let now = Utc::now();
    let due = practice_applications::Entity::find()
        .filter(
            Condition::any()
                .add(
                    Condition::all()
                        .add(A::Status.eq(ApplicationStatus::Offered))
                        .add(A::OfferExpiresAt.lte(now)),
                )
                .add(
                    Condition::all()
                        .add(A::Status.eq(ApplicationStatus::Submitted))
                        .add(A::PositionId.in_subquery(started_positions(now))),
                ),
        )
        .order_by_asc(A::Id)
        .limit(BATCH)
        .all(&state.db)
        .await?;
    for app in due {
        end(&state, app, now).await?;
    }
    Ok(())
}

async fn end(
    state: &AppState,
    app: practice_applications::Model,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let offer = app.status == ApplicationStatus::Offered;
    let actor = Actor::system();
    let transition = if offer {
        Transition::new(&app, PracticeApplicationAction::Lapse, &actor)
            .only_if(A::OfferExpiresAt.lte(now))
            .reason(Some("录用后未在规定时间内确认"))
    } else {
        Transition::new(&app, PracticeApplicationAction::Expire, &actor)
            .only_if(A::PositionId.in_subquery(started_positions(now)))
            .set(A::DecisionReason, Expr::value(STARTED_UNDECIDED_REASON))
            .reason(Some(STARTED_UNDECIDED_REASON))
    };
    let txn = crate::db::begin(&state.db).await?;
    // The counters first, in the lock order; rolled back below unless the row moves.
    release_held(&txn, &app).await?;
    let moved = transition
        .set(A::EndedAt, Expr::value(now))
        .set(A::UpdatedAt, Expr::value(now))
        .attempt(&txn)
        .await?;
    if moved.is_none() {
        txn.rollback().await?;
        return Ok(());
    }
    end_sharing(&txn, app.id, now).await?;
    let title = practice_positions::Entity::find_by_id(app.position_id)
        .one(&txn)
        .await?
        .map(|p| p.title)
        .unwrap_or_default();
    let note = if offer {
        notify(
            &txn,
            app.student_user_id,
            NotificationKind::PracticeOfferLapsed,
            "实践岗位录用已失效",
            &format!("您未在规定时间内确认岗位“{title}”的录用，录用已失效。"),
            Some(MY_PAGE),
        )
        .await?
    } else {
        notify(
            &txn,
            app.student_user_id,
            NotificationKind::PracticeRejected,
            "实践岗位报名结果",
            &format!("岗位“{title}”已开始实践，您的报名未获录用。"),
            Some(MY_PAGE),
        )
        .await?
    };
    txn.commit().await?;
    deliver(state, vec![note]);
    Ok(())
}
