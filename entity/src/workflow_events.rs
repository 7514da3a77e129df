//! One row of any `<domain>_events` table (`talent_events`, `volunteer_events`,
//! `training_events`, …). Every such table has the same columns (created by
//! `migration::event_table`), so one helper (`crate::workflow::events` in the service) writes
//! and reads them all. Rows are only ever inserted.
use sea_orm::FromQueryResult;
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// One event, without `subject_kind` (the reader names the subject it asks for).
#[derive(Clone, Debug, PartialEq, Eq, FromQueryResult)]
pub struct EventRow {
    pub id: Uuid,
    pub subject_id: Uuid,
    /// The subject's `version` after the change.
    pub seq: i32,
    /// snake_case verb of the domain's transition table (`create`, `approve`, …).
    pub action: String,
    /// Null on create.
    pub from_status: Option<String>,
    pub to_status: String,
    /// Null for the system.
    pub actor_user_id: Option<Uuid>,
    pub actor_kind: ActorKind,
    /// The cadre's league unit at the time.
    pub actor_unit_code: Option<String>,
    /// The bank officer's bank at the time.
    pub actor_bank_id: Option<Uuid>,
    /// Shown to everyone who sees the timeline (≤500 characters).
    pub reason: Option<String>,
    /// Staff only (≤500 characters).
    pub internal_note: Option<String>,
    /// The action's request body, canonical JSON (keys sorted).
    pub payload_json: Option<String>,
    pub idempotency_key: Option<String>,
    pub created_at: DateTimeUtc,
}

/// Who acted: the kind of account, or the system (jobs, automatic steps).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    EnumIter,
    DeriveActiveEnum,
    Serialize,
    Deserialize,
    ToSchema,
)]
#[sea_orm(
    rs_type = "String",
    db_type = "String(StringLen::N(16))",
    rename_all = "snake_case"
)]
#[serde(rename_all = "snake_case")]
pub enum ActorKind {
    Youth,
    Student,
    Mentor,
    /// A 返家乡 host unit's contact.
    Host,
    Cadre,
    BankOfficer,
    System,
}
