use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A training published by a cadre. `taken` (seats held: enrolled + offered) and `waitlist_seq`
/// (last waiting-list number handed out) only change through conditional updates.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "trainings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub title: String,
    pub category: TrainingCategory,
    pub description: String,
    /// Organiser region (province, city or county): youth living inside it may join.
    pub region_code: String,
    pub venue: Option<String>,
    pub online_url: Option<String>,
    pub starts_at: DateTimeUtc,
    pub ends_at: DateTimeUtc,
    pub signup_deadline: DateTimeUtc,
    pub capacity: i32,
    pub taken: i32,
    pub waitlist_seq: i32,
    pub requires_verified: bool,
    pub waitlist_open: bool,
    pub offer_valid_minutes: i32,
    pub status: TrainingStatus,
    pub cancel_reason: Option<String>,
    /// Revision: every change that writes a `training_events` row adds one.
    pub version: i32,
    pub created_by: Uuid,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// 培训类别
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
pub enum TrainingCategory {
    /// 电商直播
    EcommerceLivestream,
    /// 致富带头人
    WealthLeader,
    /// 高素质农民
    YoungFarmer,
    /// 青马工程
    Qingma,
    /// 创业培训
    Entrepreneurship,
    /// 职业技能
    VocationalSkills,
    /// 其他
    Other,
}

/// Whether a training still takes place.
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
pub enum TrainingStatus {
    Published,
    Cancelled,
}
