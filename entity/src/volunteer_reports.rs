use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub use super::volunteer_activities::VolunteerCategory;

/// Service done off the platform, reported by the youth and pending until a cadre reviews it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "volunteer_reports")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub user_id: Uuid,
    pub region_code: String,
    pub category: VolunteerCategory,
    pub content: String,
    pub place: String,
    pub served_at: DateTimeUtc,
    pub minutes: i32,
    pub description: String,
    /// JSON array of media keys (purpose `volunteer_report`).
    pub photos: String,
    pub status: ReportStatus,
    /// Revision: every change that writes a `volunteer_events` row adds one.
    pub version: i32,
    pub review_reason: Option<String>,
    pub reviewed_by: Option<Uuid>,
    pub reviewed_at: Option<DateTimeUtc>,
    pub entry_id: Option<Uuid>,
    pub idempotency_key: Option<String>,
    /// SHA-256 of the request that created the report (see `crate::idempotency`).
    pub request_hash: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// Where a self-report stands.
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
pub enum ReportStatus {
    /// Waiting for a cadre of the youth's home region.
    Pending,
    /// Approved: the hours are in the ledger.
    Approved,
    /// Rejected with a reason.
    Rejected,
}
