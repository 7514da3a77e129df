use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::mentor_profiles::{Expertise, ServiceMode};

/// A youth asking for a mentor: to a named mentor, or (no `mentor_profile_id`) for the league
/// to propose one. `mentee_region_code` is the home region at submission (the cadres' routing
/// key); `mentee_user_id` is nulled by retention.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "mentorship_requests")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub mentee_user_id: Option<Uuid>,
    pub mentor_profile_id: Option<Uuid>,
    pub origin_request_id: Option<Uuid>,
    pub kind: RequestKind,
    pub topic: Expertise,
    pub description: Option<String>,
    pub preferred_mode: ServiceMode,
    pub mentee_region_code: String,
    pub status: RequestStatus,
    pub expires_at: Option<DateTimeUtc>,
    pub pending_at: Option<DateTimeUtc>,
    pub assigned_by: Option<Uuid>,
    pub assigned_at: Option<DateTimeUtc>,
    pub responded_at: Option<DateTimeUtc>,
    pub response_reason_code: Option<DeclineReason>,
    pub response_note: Option<String>,
    pub closed_at: Option<DateTimeUtc>,
    pub idempotency_key: Option<String>,
    pub request_hash: Option<String>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub anonymised_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// What is asked for.
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
pub enum RequestKind {
    /// 导师帮带: a long-term pairing (counts against capacity).
    LongTerm,
    /// 项目巡诊/市场对接: a one-off consultation.
    Consultation,
}

/// Where a request stands.
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
    db_type = "String(StringLen::N(24))",
    rename_all = "snake_case"
)]
#[serde(rename_all = "snake_case")]
pub enum RequestStatus {
    /// Waiting for the league to propose a mentor.
    AwaitingAssignment,
    /// A mentor was proposed; the mentee confirms.
    Proposed,
    /// Waiting for the mentor.
    Pending,
    /// Accepted: a mentorship exists.
    Accepted,
    /// Declined by the mentor.
    Declined,
    /// Cancelled by the mentee or the system.
    Cancelled,
    /// Not answered in time.
    Expired,
}

/// Why a mentor declines.
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
    db_type = "String(StringLen::N(24))",
    rename_all = "snake_case"
)]
#[serde(rename_all = "snake_case")]
pub enum DeclineReason {
    /// 领域不符
    FieldMismatch,
    /// 名额已满
    NoCapacity,
    /// 时间不便
    Schedule,
    /// 不在服务区域
    OutsideRegion,
    /// 其他
    Other,
}
