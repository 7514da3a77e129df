use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub use crate::users::CadreLevel;

/// A 乡村振兴青年先锋 selection round (`supervision.md` §5) of a league unit: who may be
/// nominated (categories, ages on the China date of `nominations_close_at`, years in the field),
/// the nomination window, the publicity period and the quota of namings (`named_count`, a counter
/// moved by a conditional update). `categories` is a JSON array.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "pioneer_rounds")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub name: String,
    pub area_unit_code: String,
    pub level: CadreLevel,
    pub categories: String,
    pub age_min: i32,
    pub age_max: i32,
    pub min_years_in_field: i32,
    pub nominations_open_at: DateTimeUtc,
    pub nominations_close_at: DateTimeUtc,
    pub publicity_days: i32,
    pub quota: i32,
    pub named_count: i32,
    pub status: RoundStatus,
    pub created_by: Uuid,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// Where a round stands.
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
    db_type = "String(StringLen::N(32))",
    rename_all = "snake_case"
)]
#[serde(rename_all = "snake_case")]
pub enum RoundStatus {
    /// 筹备中
    Draft,
    /// 评选中
    Open,
    /// 已结束
    Closed,
}

/// The four fields of the programme.
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
    db_type = "String(StringLen::N(32))",
    rename_all = "snake_case"
)]
#[serde(rename_all = "snake_case")]
pub enum PioneerCategory {
    /// 农村产业发展
    Industry,
    /// 乡村治理
    Governance,
    /// 乡村公共服务
    PublicService,
    /// 农业农村科技
    Technology,
}
