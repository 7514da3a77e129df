use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::practice_positions::PositionCategory;

/// A student's practice report (实践报告), one per placement: written by the student, reviewed
/// by the position's local unit.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "practice_reports")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub application_id: Uuid,
    pub student_user_id: Uuid,
    pub campaign_id: Uuid,
    /// The position's place.
    pub region_code: String,
    pub topic: Option<PositionCategory>,
    pub title: Option<String>,
    /// Cleared by retention.
    pub body: Option<String>,
    /// Media keys (`practice_report`), a JSON array.
    pub photos: String,
    pub status: PracticeReportStatus,
    /// The last China day the report may be submitted.
    pub due_on: Date,
    pub submitted_at: Option<DateTimeUtc>,
    pub reviewed_by: Option<Uuid>,
    pub reviewed_at: Option<DateTimeUtc>,
    pub review_reason: Option<String>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

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
pub enum PracticeReportStatus {
    /// 草稿
    Draft,
    /// 已提交
    Submitted,
    /// 已退回
    Returned,
    /// 已通过
    Accepted,
}
