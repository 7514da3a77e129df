//! The append-only `<domain>_events` tables (conventions §3): one helper writes and reads them
//! all, since every such table has the same columns (`migration::event_table`).
//!
//! Events are written in the transaction of the change they record, with `seq` = the subject's
//! `version` after the change (unique per subject, so two racing writers cannot both log), and
//! are never updated, except that personal text is cleared by [`anonymise`].
use chrono::Utc;
use entity::workflow_events::EventRow;
use sea_orm::sea_query::{
    Expr, ExprTrait, Order, Query, SelectStatement, SimpleExpr, UpdateStatement,
};
use sea_orm::{ActiveEnum, ConnectionTrait, FromQueryResult};
use serde::Serialize;
use uuid::Uuid;

use super::actor::Actor;
use crate::error::{ApiError, ApiResult};

/// Longest `reason` and `internal_note` an event keeps.
pub const TEXT_MAX: usize = 500;

/// Where the events of one kind of subject go: a table, and the subject kind where the domain's
/// table holds several (`volunteer_events`: `report`, `correction`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventLog {
    pub table: &'static str,
    pub subject_kind: Option<&'static str>,
}

impl EventLog {
    /// A table of a domain with one kind of subject (no `subject_kind` column).
    pub const fn single(table: &'static str) -> Self {
        Self {
            table,
            subject_kind: None,
        }
    }

    /// One kind of subject in a table shared by several.
    pub const fn kind(table: &'static str, subject_kind: &'static str) -> Self {
        Self {
            table,
            subject_kind: Some(subject_kind),
        }
    }

    fn select(self, subject_id: Uuid) -> SelectStatement {
        let mut q = Query::select();
        q.columns([
            "id",
            "subject_id",
            "seq",
            "action",
            "from_status",
            "to_status",
            "actor_user_id",
            "actor_kind",
            "actor_unit_code",
            "actor_bank_id",
            "reason",
            "internal_note",
            "payload_json",
            "idempotency_key",
            "created_at",
        ])
        .from(self.table)
        .and_where(Expr::col("subject_id").eq(subject_id));
        if let Some(kind) = self.subject_kind {
            q.and_where(Expr::col("subject_kind").eq(kind));
        }
        q
    }
}

/// An event to append. `seq` is the subject's version after the change.
#[derive(Debug, Clone)]
pub struct NewEvent {
    pub subject_id: Uuid,
    pub seq: i32,
    pub action: &'static str,
    pub from_status: Option<String>,
    pub to_status: String,
    pub actor: Actor,
    pub reason: Option<String>,
    pub internal_note: Option<String>,
    /// Canonical JSON of the request body ([`payload`]); never personal data such as ID numbers.
    pub payload_json: Option<String>,
    pub idempotency_key: Option<String>,
}

fn checked_text(field: &str, text: Option<String>) -> ApiResult<Option<String>> {
    match text {
        Some(t) if t.chars().count() > TEXT_MAX => Err(ApiError::field(
            field,
            "LENGTH",
            format!("不能超过{TEXT_MAX}个字"),
        )),
        other => Ok(other),
    }
}

/// Append one event (call it with the transaction of the change).
pub async fn append(db: &impl ConnectionTrait, log: EventLog, e: NewEvent) -> ApiResult<EventRow> {
    let row = EventRow {
        id: Uuid::now_v7(),
        subject_id: e.subject_id,
        seq: e.seq,
        action: e.action.to_owned(),
        from_status: e.from_status,
        to_status: e.to_status,
        actor_user_id: e.actor.user_id,
        actor_kind: e.actor.kind,
        actor_unit_code: e.actor.unit_code,
        actor_bank_id: e.actor.bank_id,
        reason: checked_text("reason", e.reason)?,
        internal_note: checked_text("internalNote", e.internal_note)?,
        payload_json: e.payload_json,
        idempotency_key: e.idempotency_key,
        created_at: Utc::now(),
    };
    let mut columns = vec!["id"];
    let mut values: Vec<SimpleExpr> = vec![Expr::value(row.id)];
    if let Some(kind) = log.subject_kind {
        columns.push("subject_kind");
        values.push(Expr::value(kind));
    }
    columns.extend([
        "subject_id",
        "seq",
        "action",
        "from_status",
        "to_status",
        "actor_user_id",
        "actor_kind",
        "actor_unit_code",
        "actor_bank_id",
        "reason",
        "internal_note",
        "payload_json",
        "idempotency_key",
        "created_at",
    ]);
    values.extend([
        Expr::value(row.subject_id),
        Expr::value(row.seq),
        Expr::value(row.action.clone()),
        Expr::value(row.from_status.clone()),
        Expr::value(row.to_status.clone()),
        Expr::value(row.actor_user_id),
        Expr::value(row.actor_kind.to_value()),
        Expr::value(row.actor_unit_code.clone()),
        Expr::value(row.actor_bank_id),
        Expr::value(row.reason.clone()),
        Expr::value(row.internal_note.clone()),
        Expr::value(row.payload_json.clone()),
        Expr::value(row.idempotency_key.clone()),
        Expr::value(row.created_at),
    ]);
    let mut insert = Query::insert();
    insert
        .into_table(log.table)
        .columns(columns)
        .values(values)
        .map_err(|e| ApiError::Unexpected(anyhow::anyhow!("event insert: {e}")))?;
    db.execute(&insert).await?;
    Ok(row)
}

async fn rows(db: &impl ConnectionTrait, q: &SelectStatement) -> ApiResult<Vec<EventRow>> {
    let mut out = Vec::new();
    for r in db.query_all(q).await? {
        out.push(EventRow::from_query_result(&r, "")?);
    }
    Ok(out)
}

/// The subject's events, oldest first.
pub async fn of_subject(
    db: &impl ConnectionTrait,
    log: EventLog,
    subject_id: Uuid,
) -> ApiResult<Vec<EventRow>> {
    let mut q = log.select(subject_id);
    q.order_by("seq", Order::Asc);
    rows(db, &q).await
}

/// The subject's latest event.
pub async fn last(
    db: &impl ConnectionTrait,
    log: EventLog,
    subject_id: Uuid,
) -> ApiResult<Option<EventRow>> {
    let mut q = log.select(subject_id);
    q.order_by("seq", Order::Desc).limit(1);
    Ok(rows(db, &q).await?.pop())
}

/// Clear the personal text of a subject's events (conventions §10, and a talent profile's
/// withdrawal): `reason`, `internal_note` and `payload_json` go, and the owner's own events no
/// longer name them. Who else acted, what and when stay.
pub async fn anonymise(
    db: &impl ConnectionTrait,
    log: EventLog,
    subject_id: Uuid,
    owner_user_id: Option<Uuid>,
) -> ApiResult<()> {
    let scoped = |q: &mut UpdateStatement| {
        q.table(log.table)
            .and_where(Expr::col("subject_id").eq(subject_id));
        if let Some(kind) = log.subject_kind {
            q.and_where(Expr::col("subject_kind").eq(kind));
        }
    };
    let mut clear = Query::update();
    scoped(&mut clear);
    clear.values([
        ("reason", Expr::value(Option::<String>::None)),
        ("internal_note", Expr::value(Option::<String>::None)),
        ("payload_json", Expr::value(Option::<String>::None)),
    ]);
    db.execute(&clear).await?;
    if let Some(owner) = owner_user_id {
        let mut unname = Query::update();
        scoped(&mut unname);
        unname
            .value("actor_user_id", Expr::value(Option::<Uuid>::None))
            .and_where(Expr::col("actor_user_id").eq(owner));
        db.execute(&unname).await?;
    }
    Ok(())
}

/// JSON with every object's keys sorted, so equal bodies compare equal as text.
pub fn canonical_json(value: &serde_json::Value) -> String {
    fn sorted(v: &serde_json::Value) -> serde_json::Value {
        match v {
            serde_json::Value::Object(map) => {
                let mut entries: Vec<_> = map.iter().collect();
                entries.sort_by(|a, b| a.0.cmp(b.0));
                serde_json::Value::Object(
                    entries
                        .into_iter()
                        .map(|(k, v)| (k.clone(), sorted(v)))
                        .collect(),
                )
            }
            serde_json::Value::Array(items) => {
                serde_json::Value::Array(items.iter().map(sorted).collect())
            }
            other => other.clone(),
        }
    }
    // Building the object in sorted order keeps it sorted whether or not serde_json preserves
    // insertion order (utoipa turns `preserve_order` on).
    sorted(value).to_string()
}

/// The canonical payload of a request body.
pub fn payload<T: Serialize>(body: &T) -> Option<String> {
    serde_json::to_value(body)
        .ok()
        .filter(|v| !v.is_null())
        .map(|v| canonical_json(&v))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn canonical_json_sorts_keys_at_every_depth() {
        let a = json!({"b": 1, "a": {"z": [ {"y": 1, "x": 2} ], "c": null}});
        let b = json!({"a": {"c": null, "z": [ {"x": 2, "y": 1} ]}, "b": 1});
        assert_eq!(canonical_json(&a), canonical_json(&b));
        assert_eq!(
            canonical_json(&a),
            r#"{"a":{"c":null,"z":[{"x":2,"y":1}]},"b":1}"#
        );
    }
}
