use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A volunteer's request to correct the minutes of one ledger entry, decided by the organiser.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "volunteer_corrections")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub entry_id: Uuid,
    pub user_id: Uuid,
    /// The region whose cadres decide (the activity's, or the youth's for self-reports).
    pub region_code: String,
    pub requested_minutes: i32,
    pub reason: String,
    pub status: CorrectionStatus,
    /// Revision: every change that writes a `volunteer_events` row adds one.
    pub version: i32,
    pub decision_reason: Option<String>,
    pub decided_by: Option<Uuid>,
    pub decided_at: Option<DateTimeUtc>,
    pub result_entry_id: Option<Uuid>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// Where a correction request stands.
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
pub enum CorrectionStatus {
    /// Waiting for the organiser.
    Pending,
    /// Approved: the difference is in the ledger.
    Approved,
    /// Rejected with a reason.
    Rejected,
}
