use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Figures only people can count (offline joint e-commerce trainings, 12355 quarterly
/// aggregates), submitted by a unit, approved by its parent, accepted by the province.
/// `values_json` is a JSON object of the indicator's declared integer fields.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "kpi_manual_reports")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub indicator_code: String,
    pub area_unit_code: String,
    /// `2026-Q1`, or `2026` for a yearly report.
    pub period: String,
    /// The period's last day (China).
    pub period_end: Date,
    pub values_json: String,
    pub evidence: Option<String>,
    /// JSON array of media keys.
    pub evidence_media: String,
    pub status: ManualReportStatus,
    pub submitted_by: Uuid,
    pub approved_by: Option<Uuid>,
    pub accepted_by: Option<Uuid>,
    pub reason: Option<String>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// Where a manual report stands (approved and accepted are locked).
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
pub enum ManualReportStatus {
    Submitted,
    Returned,
    Approved,
    Accepted,
}
