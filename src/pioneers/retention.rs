//! 青年先锋's part of `retention-anonymise` (conventions §10): `JIQING_RETENTION_YEARS` after a
//! round closed, its objections lose the objector (`user_id`, also as actor of the nomination's
//! `object` events) and the `reason`, and the round's objection counters are deleted. Statuses,
//! dates and counts stay. Each objection moves by a conditional update, so repeated or overlapping
//! runs are harmless.
use chrono::{NaiveDate, Utc};
use entity::pioneer_objection_counters::{self as counters, Column as C};
use entity::pioneer_objections::{self as objections, Column as O};
use entity::pioneer_rounds::{self as rounds, Column as RC, RoundStatus};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::state::EVENTS_TABLE;
use crate::app_state::AppState;
use crate::time::start_of_day;

/// Anonymise the objections of the rounds closed before `date` minus the retention years (a
/// closed round changes no more: its last update is its closing). Returns how many.
pub async fn anonymise(state: &AppState, date: NaiveDate) -> anyhow::Result<u64> {
    let years = state.settings.retention_years;
    let cutoff = start_of_day(crate::time::retention_cutoff(years, date));
    let closed: Vec<Uuid> = rounds::Entity::find()
        .filter(RC::Status.eq(RoundStatus::Closed))
        .filter(RC::UpdatedAt.lt(cutoff))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|r| r.id)
        .collect();
    let mut done = 0;
    for round in closed {
        let due = objections::Entity::find()
            .filter(O::RoundId.eq(round))
            .filter(O::AnonymisedAt.is_null())
            .all(&state.db)
            .await?;
        for o in due {
            let txn = crate::db::begin(&state.db).await?;
            let hit = objections::Entity::update_many()
                .col_expr(O::UserId, Expr::value(Option::<Uuid>::None))
                .col_expr(O::Reason, Expr::value(Option::<String>::None))
                .col_expr(O::AnonymisedAt, Expr::value(Utc::now()))
                .filter(O::Id.eq(o.id))
                .filter(O::AnonymisedAt.is_null())
                .exec(&txn)
                .await?
                .rows_affected;
            if let (1, Some(user)) = (hit, o.user_id) {
                let mut unname = Query::update();
                unname
                    .table(sea_orm::sea_query::Alias::new(EVENTS_TABLE))
                    .value("actor_user_id", Expr::value(Option::<Uuid>::None))
                    .and_where(Expr::col("subject_kind").eq("nomination"))
                    .and_where(Expr::col("subject_id").eq(o.nomination_id))
                    .and_where(Expr::col("action").eq("object"))
                    .and_where(Expr::col("actor_user_id").eq(user));
                txn.execute(&unname).await?;
                done += 1;
            }
            txn.commit().await?;
        }
        counters::Entity::delete_many()
            .filter(C::RoundId.eq(round))
            .exec(&state.db)
            .await?;
    }
    Ok(done)
}
