use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub use super::volunteer_activities::VolunteerCategory;

/// The append-only hours ledger: verified minutes only, never updated except for the
/// `board_applied` delivery flag. Corrections and revocations are further rows with
/// `reverses_entry_id` set and signed `minutes`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "volunteer_hour_entries")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Commit order of ledger writes (strictly increasing).
    #[sea_orm(unique)]
    pub seq: i64,
    pub user_id: Uuid,
    pub minutes: i32,
    /// The youth's home region (township or village) when the hours were recorded.
    pub region_code: String,
    /// When the service was done: decides the week/month/year it counts for.
    pub served_at: DateTimeUtc,
    pub source: EntrySource,
    pub category: VolunteerCategory,
    pub content: String,
    pub activity_id: Option<Uuid>,
    pub report_id: Option<Uuid>,
    pub reverses_entry_id: Option<Uuid>,
    pub actor_id: Uuid,
    pub reason: Option<String>,
    /// Set once the leaderboards have taken this entry in.
    pub board_applied: bool,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// Where a ledger entry came from.
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
pub enum EntrySource {
    /// Check-in and check-out by the organiser's code.
    Checkin,
    /// A forgotten check-out made up by the organiser.
    ManualMakeup,
    /// An approved self-report.
    SelfReport,
    /// An approved correction (the difference).
    Correction,
    /// A revocation (minus what the entry still counted).
    Revocation,
}
