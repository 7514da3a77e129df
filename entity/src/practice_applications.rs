use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A student's application to a 返家乡 position, and the placement it becomes (双向选择).
/// `campaign_id`, `host_unit_id` and `region_code` are the position's, copied for the guards
/// and lists; `home_region_code` is the student's 生源地 when applying.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "practice_applications")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub position_id: Uuid,
    pub campaign_id: Uuid,
    pub host_unit_id: Uuid,
    pub student_user_id: Uuid,
    pub region_code: String,
    pub home_region_code: String,
    /// Cleared by retention.
    pub motivation: Option<String>,
    pub available_from: Option<Date>,
    pub available_to: Option<Date>,
    pub status: ApplicationStatus,
    /// Until when an offer may be confirmed (never past the start of the practice).
    pub offer_expires_at: Option<DateTimeUtc>,
    pub decided_by: Option<Uuid>,
    pub decided_by_kind: Option<DeciderKind>,
    pub decision_reason: Option<String>,
    pub offered_at: Option<DateTimeUtc>,
    pub confirmed_at: Option<DateTimeUtc>,
    pub started_at: Option<DateTimeUtc>,
    pub completed_at: Option<DateTimeUtc>,
    /// When a final status was reached.
    pub ended_at: Option<DateTimeUtc>,
    pub dropped_reason: Option<String>,
    pub idempotency_key: Option<String>,
    pub request_hash: Option<String>,
    pub version: i32,
    pub anonymised_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// The application machine (`practice.md`).
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
pub enum ApplicationStatus {
    /// 已报名
    Submitted,
    /// 已录用（待确认）
    Offered,
    /// 已确认参加
    Confirmed,
    /// 在岗
    OnDuty,
    /// 已完成
    Completed,
    /// 已开具证明
    Certified,
    /// 未录用
    Rejected,
    /// 已放弃录用
    Declined,
    /// 录用已失效
    Lapsed,
    /// 已撤回
    Withdrawn,
    /// 中途退出
    Dropped,
    /// 岗位已取消
    PositionCancelled,
}

impl ApplicationStatus {
    /// Submitted or offered: counted against the per-campaign limit.
    pub const OPEN: [ApplicationStatus; 2] = [Self::Submitted, Self::Offered];
    /// Holding a seat of the position.
    pub const SEATED: [ApplicationStatus; 6] = [
        Self::Offered,
        Self::Confirmed,
        Self::OnDuty,
        Self::Completed,
        Self::Certified,
        Self::Dropped,
    ];
}

/// Who decided an application.
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
pub enum DeciderKind {
    /// The host unit's supervisor.
    Host,
    /// A cadre of the position's local unit.
    Cadre,
}
