use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A guidance record (辅导记录) logged by the mentor; the mentee confirms or disputes it.
/// `status` is its confirmation; `photos` a JSON array of media keys.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "mentoring_records")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub mentorship_id: Uuid,
    pub mentor_user_id: Uuid,
    pub occurred_at: DateTimeUtc,
    pub mode: RecordMode,
    pub minutes: i32,
    pub summary: Option<String>,
    pub photos: String,
    pub status: RecordStatus,
    pub confirm_due_at: DateTimeUtc,
    pub dispute_note: Option<String>,
    pub settled_by: Option<Uuid>,
    pub settle_note: Option<String>,
    pub idempotency_key: Option<String>,
    pub request_hash: Option<String>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// 辅导方式
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
pub enum RecordMode {
    /// 线上
    Online,
    /// 电话
    Phone,
    /// 实地
    OnSite,
    /// 讲座
    Lecture,
}

/// A record's confirmation.
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
pub enum RecordStatus {
    /// Waiting for the mentee.
    Pending,
    /// Confirmed by the mentee (or by a cadre after a dispute).
    Confirmed,
    /// Disputed by the mentee.
    Disputed,
    /// Confirmed by itself after the confirmation window.
    AutoConfirmed,
    /// Voided by a cadre after a dispute.
    Void,
}
