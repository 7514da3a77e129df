use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A mentor's profile (创业导师). `expertise`, `industries` and `service_modes` are JSON arrays of
/// codes. `active_mentees` counts active long-term pairings and moves only by conditional
/// updates; `median_response_hours`, `completed_mentorships`, `rating_count` and `rating_sum` are
/// kept up to date on each response, completion and rating (never computed per list).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "mentor_profiles")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub user_id: Uuid,
    pub real_name: String,
    pub organisation: Option<String>,
    pub title: Option<String>,
    pub expertise: String,
    pub industries: String,
    pub bio: String,
    pub service_unit_code: String,
    pub service_modes: String,
    pub capacity: i32,
    pub active_mentees: i32,
    pub accepting: bool,
    pub accepting_consultations: bool,
    pub status: MentorStatus,
    pub consent_version: String,
    pub consent_at: DateTimeUtc,
    pub review_reason: Option<String>,
    pub reviewed_by: Option<Uuid>,
    pub reviewed_at: Option<DateTimeUtc>,
    pub median_response_hours: Option<i32>,
    pub completed_mentorships: i32,
    pub rating_count: i32,
    pub rating_sum: i32,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// Where a mentor profile stands.
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
pub enum MentorStatus {
    /// Waiting for a cadre covering the service unit.
    Pending,
    /// Certified (已认证): listed to youth.
    Certified,
    /// Not certified, with a reason; saving it again re-applies.
    Rejected,
    /// Suspended: no new requests, active pairs continue.
    Suspended,
    /// Withdrawn by the mentor.
    Withdrawn,
}

/// 导师专长
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
pub enum Expertise {
    /// 种养技术
    Cultivation,
    /// 农产品加工
    Processing,
    /// 电商营销
    EcommerceMarketing,
    /// 品牌设计
    Branding,
    /// 财务融资
    Finance,
    /// 法律政策
    LawPolicy,
    /// 经营管理
    Management,
    /// 乡村旅游
    RuralTourism,
    /// 其他
    Other,
}

/// 服务方式
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
pub enum ServiceMode {
    /// 线上
    Online,
    /// 电话
    Phone,
    /// 实地
    OnSite,
}
