use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// One uploaded file (photo or PDF). The bytes live in the media store under `key`; the row says
/// whose it is, what it is for and which record, if any, it belongs to. A row without a record
/// after the grace period is deleted with its file by the `media-cleanup` job.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "media")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub key: String,
    pub owner_user_id: Uuid,
    pub purpose: MediaPurpose,
    /// `image/jpeg`, `image/png` or `application/pdf`, from the file's magic bytes.
    pub content_type: String,
    pub size_bytes: i64,
    /// Hex SHA-256 of the stored bytes (after metadata removal).
    pub sha256: String,
    /// The kind of record the file belongs to (e.g. `volunteer_report`), once attached.
    pub attached_kind: Option<String>,
    pub attached_id: Option<Uuid>,
    pub attached_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// What an upload is for: a record's key field accepts only files of its own purpose.
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
pub enum MediaPurpose {
    /// 导师指导记录照片
    MentoringRecord,
    /// 返家乡社会实践报告
    PracticeReport,
    /// 贷款申请材料
    LoanDocument,
    /// 青年之家
    YouthHome,
    /// 希望小屋
    HopeRoom,
    /// 青年先锋推荐材料
    PioneerNomination,
    /// 表彰荣誉证明
    Recognition,
    /// 考核佐证材料
    KpiEvidence,
    /// 志愿服务申报照片
    VolunteerReport,
}
