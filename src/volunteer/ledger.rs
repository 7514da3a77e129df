//! The append-only hours ledger. Rows are only ever inserted; a correction or revocation is a
//! further row that reverses part or all of an earlier one, with who and why.
use chrono::{DateTime, Utc};
use entity::{volunteer_hour_entries as entries, volunteer_ledger_state as ledger_state};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Set,
};
use uuid::Uuid;

use super::rules::{Category, EntrySource};
use crate::error::{ApiError, ApiResult};

/// An entry to append; `seq`, `id` and `created_at` are assigned by [`append`].
pub struct NewEntry {
    pub user_id: Uuid,
    pub minutes: i32,
    pub region_code: String,
    pub served_at: DateTime<Utc>,
    pub source: EntrySource,
    pub category: Category,
    pub content: String,
    pub activity_id: Option<Uuid>,
    pub report_id: Option<Uuid>,
    pub reverses_entry_id: Option<Uuid>,
    pub actor_id: Uuid,
    pub reason: Option<String>,
}

/// Take the next sequence number. The counter row stays locked until the transaction ends, so
/// ledger writes are serialised and `seq` follows commit order (the leaderboard rebuild relies
/// on it), and a decision that reads the ledger first (net minutes) cannot race another.
pub async fn lock_next_seq(txn: &impl ConnectionTrait) -> ApiResult<i64> {
    let res = ledger_state::Entity::update_many()
        .col_expr(
            ledger_state::Column::LastSeq,
            Expr::col(ledger_state::Column::LastSeq).add(1),
        )
        .filter(ledger_state::Column::Id.eq(1))
        .exec(txn)
        .await?;
    if res.rows_affected != 1 {
        return Err(ApiError::Unexpected(anyhow::anyhow!(
            "ledger state row missing"
        )));
    }
    let state = ledger_state::Entity::find_by_id(1)
        .one(txn)
        .await?
        .ok_or_else(|| ApiError::Unexpected(anyhow::anyhow!("ledger state row missing")))?;
    Ok(state.last_seq)
}

/// The highest sequence number committed so far.
pub async fn last_seq(db: &impl ConnectionTrait) -> ApiResult<i64> {
    Ok(ledger_state::Entity::find_by_id(1)
        .one(db)
        .await?
        .map(|s| s.last_seq)
        .unwrap_or(0))
}

/// Append an entry with sequence number `seq` (from [`lock_next_seq`] in the same transaction).
pub async fn append(
    txn: &impl ConnectionTrait,
    seq: i64,
    e: NewEntry,
) -> ApiResult<entries::Model> {
    Ok(entries::ActiveModel {
        id: Set(Uuid::now_v7()),
        seq: Set(seq),
        user_id: Set(e.user_id),
        minutes: Set(e.minutes),
        region_code: Set(e.region_code),
        served_at: Set(e.served_at),
        source: Set(e.source),
        category: Set(e.category),
        content: Set(e.content),
        activity_id: Set(e.activity_id),
        report_id: Set(e.report_id),
        reverses_entry_id: Set(e.reverses_entry_id),
        actor_id: Set(e.actor_id),
        reason: Set(e.reason),
        board_applied: Set(false),
        created_at: Set(Utc::now()),
    }
    .insert(txn)
    .await?)
}

/// What an original entry still counts: its minutes plus every entry that reverses it.
pub async fn net_minutes(db: &impl ConnectionTrait, original: &entries::Model) -> ApiResult<i64> {
    let reversed: Option<i64> = entries::Entity::find()
        .select_only()
        .column_as(Expr::col(entries::Column::Minutes).sum(), "s")
        .filter(entries::Column::ReversesEntryId.eq(original.id))
        .into_tuple::<Option<i64>>()
        .one(db)
        .await?
        .flatten();
    Ok(i64::from(original.minutes) + reversed.unwrap_or(0))
}

/// A reversing entry: same user, region, date and kind as the original, so every board it
/// counted in moves back by exactly `minutes`.
pub fn reversal_of(
    original: &entries::Model,
    minutes: i32,
    source: EntrySource,
    actor_id: Uuid,
    reason: String,
) -> NewEntry {
    NewEntry {
        user_id: original.user_id,
        minutes,
        region_code: original.region_code.clone(),
        served_at: original.served_at,
        source,
        category: original.category,
        content: original.content.clone(),
        activity_id: original.activity_id,
        report_id: original.report_id,
        reverses_entry_id: Some(original.id),
        actor_id,
        reason: Some(reason),
    }
}
