use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// One indicator of one league unit frozen for a China date (counting everything up to its
/// 23:59:59). Daily rows are upserted; quarter-end and due-date rows are inserted once and kept.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "kpi_snapshots")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub indicator_code: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub area_code: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub as_of: Date,
    pub numerator: Option<i64>,
    pub denominator: Option<i64>,
    pub value: Option<i64>,
    pub target_value: Option<i64>,
    pub target_due_on: Option<Date>,
    pub status: KpiStatus,
    pub computed_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// Where an indicator stands at a date against the target applying then.
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
pub enum KpiStatus {
    /// The value reaches the target (「以上」 is inclusive).
    Achieved,
    /// Below the target, at or above the expected progress for the date.
    OnTrack,
    /// Below the expected progress.
    Behind,
    /// Below the target, no snapshot yet to draw the expected progress from.
    InProgress,
    /// Past the due date, below the target.
    Missed,
    /// No target applies.
    NoTarget,
    /// Nothing to measure: no denominator, or the source domain is not built yet.
    NoData,
}
