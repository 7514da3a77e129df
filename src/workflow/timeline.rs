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
use super::machine::Action;
use super::units;
use crate::error::ApiResult;
use crate::time::to_china;

/// Who a timeline is shown to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// The youth (student, mentor …) whose record it is, or another party of it.
    Person,
    /// A cadre or bank officer: sees staff names and internal notes.
    Staff,
}

/// One step of a record's history.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"seq": 2, "at": "2026-12-02T10:15:00+08:00", "action": "approve",
    "actionLabel": "团组织认定", "fromStatus": "pending", "toStatus": "verified",
    "actor": {"kind": "cadre", "label": "共青团南关区委员会"}, "reason": "资料属实"}))]
pub struct TimelineEntry {
    /// The record's version after this step.
    pub seq: i32,
    pub at: DateTime<FixedOffset>,
    /// snake_case verb (`create`, `approve`, `reject`, …).
    pub action: String,
    pub action_label: String,
    /// Null when the record was created.
    pub from_status: Option<String>,
    pub to_status: String,
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
pub async fn timeline<A: Action>(
    db: &impl ConnectionTrait,
    log: EventLog,
    subject_id: Uuid,
    owner: Option<Uuid>,
    audience: Audience,
) -> ApiResult<Vec<TimelineEntry>> {
    let rows = events::of_subject(db, log, subject_id).await?;
    render::<A>(db, rows, owner, audience).await
}

/// Label already-read events (several subjects may share one look-up of names).
pub async fn render<A: Action>(
    db: &impl ConnectionTrait,
    rows: Vec<EventRow>,
    owner: Option<Uuid>,
    audience: Audience,
) -> ApiResult<Vec<TimelineEntry>> {
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
    Ok(rows
        .into_iter()
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
            TimelineEntry {
                seq: e.seq,
                at: to_china(e.created_at),
                action_label: A::parse(&e.action)
                    .map(|a| a.label().to_owned())
                    .unwrap_or_else(|| e.action.clone()),
                action: e.action,
                from_status: e.from_status,
                to_status: e.to_status,
                actor: TimelineActor {
                    kind: e.actor_kind,
                    label,
                    name: e.actor_user_id.and_then(|u| staff_names.get(&u).cloned()),
                },
                reason: e.reason,
                internal_note: e.internal_note.filter(|_| audience == Audience::Staff),
            }
        })
        .collect())
}
