use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A 标志性服务项目 of a township (`supervision.md` §4), verified as Youth Homes are; counts
/// while `active` and verified.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "signature_projects")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub township_code: String,
    pub youth_home_id: Option<Uuid>,
    pub name: String,
    pub category: ProjectCategory,
    pub description: Option<String>,
    pub frequency: ProjectFrequency,
    pub started_on: Date,
    pub ended_on: Option<Date>,
    pub status: ProjectStatus,
    pub verified_by: Option<Uuid>,
    pub verified_at: Option<DateTimeUtc>,
    pub created_by: Uuid,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// 项目类别
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
pub enum ProjectCategory {
    /// 青少年服务
    YouthServices,
    /// 志愿服务
    Volunteer,
    /// 技能培训
    SkillsTraining,
    /// 电商助农
    Ecommerce,
    /// 文化活动
    Culture,
    /// 普法宣传
    Law,
    /// 一老一小
    ElderlyChildrenCare,
    /// 其他
    Other,
}

/// 开展频次
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
pub enum ProjectFrequency {
    /// 每周
    Weekly,
    /// 每月
    Monthly,
    /// 每季度
    Quarterly,
}

/// A project's status.
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
pub enum ProjectStatus {
    /// 拟开展
    Proposed,
    /// 开展中
    Active,
    /// 已结束
    Ended,
}
