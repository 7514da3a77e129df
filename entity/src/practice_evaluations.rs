use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::practice_applications::DeciderKind;

/// The evaluation of a 返家乡 placement by its host supervisor or a local-unit cadre, one per
/// placement, changeable until the certificate exists. `unit_code` is the local unit whose 优秀
/// quota the grade counts in.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "practice_evaluations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub application_id: Uuid,
    pub campaign_id: Uuid,
    pub unit_code: String,
    pub grade: PracticeGrade,
    /// Cleared by retention.
    pub comment: Option<String>,
    pub evaluated_by: Uuid,
    pub evaluated_by_kind: DeciderKind,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// The grade of a placement.
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
pub enum PracticeGrade {
    /// 优秀 (capped per campaign and local unit)
    Excellent,
    /// 良好
    Good,
    /// 合格
    Pass,
    /// 不合格 (no certificate)
    Fail,
}
