//! A position's cancellation ends its open applications (`position_cancelled`) in the cadre's
//! transaction: seats, open counts and placements are given back, the sharing with the host
//! ends, and every student is told. Refused while a placement is on duty (409
//! `PRACTICE_STARTED`): those are dropped one by one first.
use chrono::{DateTime, Utc};
use entity::notifications::{self, NotificationKind};
use entity::practice_applications::{self, ApplicationStatus, Column as A};
use entity::practice_positions;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder, TransactionTrait,
};

use super::endings::{MY_PAGE, end_sharing, practice_started, release_held};
use super::state::PracticeApplicationAction;
use crate::error::ApiResult;
use crate::notifications::notify;
use crate::workflow::{Actor, Transition};

pub async fn end_applications(
    txn: &DatabaseTransaction,
    actor: &Actor,
    position: &practice_positions::Model,
    reason: &str,
    now: DateTime<Utc>,
) -> ApiResult<Vec<notifications::Model>> {
    use ApplicationStatus as S;
    let open = practice_applications::Entity::find()
        .filter(A::PositionId.eq(position.id))
        .filter(A::Status.is_in([S::Submitted, S::Offered, S::Confirmed, S::OnDuty]))
        .order_by_asc(A::Id)
        .all(txn)
        .await?;
    if open.iter().any(|a| a.status == S::OnDuty) {
        return Err(practice_started());
    }
    let mut sent = Vec::new();
    for a in open {
        // Per application a savepoint: its counters first (lock order), kept only if it moved.
        let one = txn.begin().await?;
        release_held(&one, &a).await?;
        let moved = Transition::new(&a, PracticeApplicationAction::CancelPosition, actor)
            .set(A::EndedAt, Expr::value(now))
            .set(A::UpdatedAt, Expr::value(now))
            .reason(Some(reason))
            .attempt(&one)
            .await?;
        if moved.is_none() {
            one.rollback().await?;
            continue;
        }
        one.commit().await?;
        end_sharing(txn, a.id, now).await?;
        sent.push(
            notify(
                txn,
                a.student_user_id,
                NotificationKind::PracticePositionCancelled,
                "实践岗位已取消",
                &format!(
                    "您报名的岗位“{}”已取消：{reason}。欢迎报名其他岗位。",
                    position.title
                ),
                Some(MY_PAGE),
            )
            .await?,
        );
    }
    Ok(sent)
}
