//! `loan-offer-lapse` (every `JIQING_LOAN_LAPSE_SWEEP_MS`, default 10 min, on every instance):
//! approved offers past `offer_expires_at` and returned applications past `resubmit_due_at`
//! lapse. Each row moves by a conditional update, so the quota of an offer is released exactly
//! once however many instances sweep, and only the instance whose update hit notifies.
use chrono::{DateTime, Utc};
use entity::loan_applications::{self, Column as A, LoanStatus};
use entity::notifications::NotificationKind;
use entity::sharing_consents::ConsentSubject;
use sea_orm::sea_query::{Condition, Expr};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::applications::{LOANS_PAGE, release_quota};
use super::state::ApplicationAction;
use crate::app_state::AppState;
use crate::consents::{self, Subject as ConsentOf};
use crate::notifications::{deliver, notify};
use crate::workflow::{Actor, Transition};

/// Rows moved per tick at most.
const BATCH: u64 = 200;

pub async fn sweep(state: AppState) -> anyhow::Result<()> {
    let now = Utc::now();
    let due = loan_applications::Entity::find()
        .filter(
            Condition::any()
                .add(
                    Condition::all()
                        .add(A::Status.eq(LoanStatus::Approved))
                        .add(A::OfferExpiresAt.lte(now)),
                )
                .add(
                    Condition::all()
                        .add(A::Status.eq(LoanStatus::Returned))
                        .add(A::ResubmitDueAt.lte(now)),
                ),
        )
        .order_by_asc(A::Id)
        .limit(BATCH)
        .all(&state.db)
        .await?;
    for app in due {
        lapse(&state, app, now).await?;
    }
    Ok(())
}

async fn lapse(
    state: &AppState,
    app: loan_applications::Model,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let offer = app.status == LoanStatus::Approved;
    let guard = if offer {
        A::OfferExpiresAt.lte(now)
    } else {
        A::ResubmitDueAt.lte(now)
    };
    let actor = Actor::system();
    let txn = crate::db::begin(&state.db).await?;
    let moved = Transition::new(&app, ApplicationAction::Lapse, &actor)
        .only_if(guard)
        .set(A::UpdatedAt, Expr::value(now))
        .reason(Some(if offer {
            "审批后未在有效期内放款"
        } else {
            "退回后未在期限内重新提交"
        }))
        .attempt(&txn)
        .await?;
    if moved.is_none() {
        txn.rollback().await?;
        return Ok(());
    }
    if let (true, Some(amount)) = (offer, app.approved_amount_fen) {
        release_quota(&txn, app.product_id, amount).await?;
    }
    consents::withdraw(
        &txn,
        ConsentOf {
            kind: ConsentSubject::LoanApplication,
            id: app.id,
        },
        None,
        now,
    )
    .await?;
    let text = format!(
        "贷款申请（编号{}）已失效：{}。",
        app.number,
        if offer {
            "审批后未在有效期内办理放款"
        } else {
            "退回后未在期限内重新提交"
        }
    );
    let mut sent = Vec::new();
    if let Some(user) = app.applicant_user_id {
        sent.push(
            notify(
                &txn,
                user,
                NotificationKind::LoanLapsed,
                "贷款申请已失效",
                &format!("您的{text}如仍需贷款，可重新申请。"),
                Some(LOANS_PAGE),
            )
            .await?,
        );
    }
    // The local unit's cadres are told in-app.
    if let Some(unit) = state.league.owner(&app.region_code) {
        for c in crate::staff::cadres_of_unit(&txn, unit).await? {
            notify(
                &txn,
                c,
                NotificationKind::LoanLapsed,
                "贷款申请已失效",
                &text,
                None,
            )
            .await?;
        }
    }
    txn.commit().await?;
    deliver(state, sent);
    Ok(())
}
