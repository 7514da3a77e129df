//! `timeline` of detail responses (conventions §3): a subject's events, oldest first, with
//! actors named for whoever is looking. Youth never see staff names: a cadre appears as their
//! league unit, a bank officer as the bank, the owner as 「本人」, the system as 「系统」.
//! `internalNote` and staff names go to staff only.
use std::collections::{HashMap, HashSet};

use chrono::{DateTime, FixedOffset};
use entity::workflow_events::{ActorKind, EventRow};
use entity::{banks, users};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::events::{self, EventLog};
use super::machine::{Action, Status};
use super::units;
use crate::error::{ApiError, ApiResult};
use crate::time::to_china;

/// Who a timeline is shown to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// The youth (student, mentor …) whose record it is, or another party of it.
    Person,
    /// A cadre or bank officer: sees staff names and internal notes.
    Staff,
}

/// One step of a record's history: `S` is the record's status enum, `A` its action enum, so the
/// document lists the values each domain's timeline can hold (`TimelineEntry_TalentStatus_ProfileAction`).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TimelineEntry<S, A> {
    /// The record's version after this step.
    pub seq: i32,
    pub at: DateTime<FixedOffset>,
    /// snake_case verb (`create`, `approve`, `reject`, …).
    pub action: A,
    pub action_label: String,
    /// Null when the record was created.
    #[schema(nullable)]
    pub from_status: Option<S>,
    pub to_status: S,
    pub actor: TimelineActor,
    pub reason: Option<String>,
    /// Staff only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub internal_note: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TimelineActor {
    pub kind: ActorKind,
    /// 「本人」, 「系统」, the league unit's or the bank's name, or the kind of person.
    pub label: String,
    /// The staff member's display name (staff audiences only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

fn kind_label(kind: ActorKind) -> &'static str {
    match kind {
        ActorKind::Youth => "青年",
        ActorKind::Student => "学生",
        ActorKind::Mentor => "创业导师",
        ActorKind::Host => "接收单位",
        ActorKind::Cadre => "团组织",
        ActorKind::BankOfficer => "合作银行",
        ActorKind::System => "系统",
    }
}

/// The timeline of one subject. `owner` is the user whose record it is (shown as 「本人」).
pub async fn timeline<S: Status, A: Action>(
    db: &impl ConnectionTrait,
    log: EventLog,
    subject_id: Uuid,
    owner: Option<Uuid>,
    audience: Audience,
) -> ApiResult<Vec<TimelineEntry<S, A>>> {
    let rows = events::of_subject(db, log, subject_id).await?;
    render(db, rows, owner, audience).await
}

/// A stored status or verb that the code does not know is corrupt data: a 500, never a guess.
fn stored<T>(value: Option<T>, what: &str, raw: &str) -> ApiResult<T> {
    value.ok_or_else(|| {
        ApiError::Unexpected(anyhow::anyhow!("unknown {what} in an event row: {raw:?}"))
    })
}

fn status_of<S: Status>(raw: &str) -> ApiResult<S> {
    stored(S::try_from_value(&raw.to_owned()).ok(), "status", raw)
}

/// Label already-read events (several subjects may share one look-up of names).
pub async fn render<S: Status, A: Action>(
    db: &impl ConnectionTrait,
    rows: Vec<EventRow>,
    owner: Option<Uuid>,
    audience: Audience,
) -> ApiResult<Vec<TimelineEntry<S, A>>> {
    let unit_codes: HashSet<String> = rows
        .iter()
        .filter(|e| e.actor_kind == ActorKind::Cadre)
        .filter_map(|e| e.actor_unit_code.clone())
        .collect();
    let units = units::unit_labels(db, unit_codes).await?;
    let bank_ids: HashSet<Uuid> = rows.iter().filter_map(|e| e.actor_bank_id).collect();
    let banks: HashMap<Uuid, String> = if bank_ids.is_empty() {
        HashMap::new()
    } else {
        banks::Entity::find()
            .filter(banks::Column::Id.is_in(bank_ids))
            .all(db)
            .await?
            .into_iter()
            .map(|b| (b.id, b.name))
            .collect()
    };
    let staff_ids: HashSet<Uuid> = rows
        .iter()
        .filter(|e| matches!(e.actor_kind, ActorKind::Cadre | ActorKind::BankOfficer))
        .filter_map(|e| e.actor_user_id)
        .collect();
    let staff_names: HashMap<Uuid, String> = if audience == Audience::Staff && !staff_ids.is_empty()
    {
        users::Entity::find()
            .filter(users::Column::Id.is_in(staff_ids))
            .all(db)
            .await?
            .into_iter()
            .map(|u| (u.id, u.display_name))
            .collect()
    } else {
        HashMap::new()
    };
    rows.into_iter()
        .map(|e| {
            let label = match e.actor_kind {
                ActorKind::System => kind_label(ActorKind::System).to_owned(),
                _ if owner.is_some() && e.actor_user_id == owner => "本人".to_owned(),
                ActorKind::Cadre => e
                    .actor_unit_code
                    .as_ref()
                    .and_then(|c| units.get(c).cloned())
                    .unwrap_or_else(|| kind_label(ActorKind::Cadre).to_owned()),
                ActorKind::BankOfficer => e
                    .actor_bank_id
                    .and_then(|b| banks.get(&b).cloned())
                    .unwrap_or_else(|| kind_label(ActorKind::BankOfficer).to_owned()),
                other => kind_label(other).to_owned(),
            };
            let action: A = stored(A::parse(&e.action), "action", &e.action)?;
            Ok(TimelineEntry {
                seq: e.seq,
                at: to_china(e.created_at),
                action_label: action.label().to_owned(),
                action,
                from_status: e.from_status.as_deref().map(status_of).transpose()?,
                to_status: status_of(&e.to_status)?,
                actor: TimelineActor {
                    kind: e.actor_kind,
                    label,
                    name: e.actor_user_id.and_then(|u| staff_names.get(&u).cloned()),
                },
                reason: e.reason,
                internal_note: e.internal_note.filter(|_| audience == Audience::Staff),
            })
        })
        .collect()
}
