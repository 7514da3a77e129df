use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A 希望小屋 (`supervision.md` §6): a 「第二课堂」 room in a remote village school or a Youth
/// Home. Only counts of beneficiaries are stored, never a child's name, age, family or identity.
/// `features` and `photos` are JSON arrays; photos carry the attestation that no child is
/// identifiable on them.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "hope_rooms")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub name: String,
    pub host_kind: RoomHostKind,
    pub school_name: Option<String>,
    pub youth_home_id: Option<Uuid>,
    pub region_code: String,
    pub features: String,
    pub beneficiaries_count: i32,
    pub teacher_trainings_count: i32,
    pub status: HopeRoomStatus,
    pub created_by: Uuid,
    pub accepted_by: Option<Uuid>,
    pub accepted_at: Option<DateTimeUtc>,
    pub completed_on: Option<Date>,
    pub photos: String,
    pub photos_attestation: bool,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// Where a room is.
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
pub enum RoomHostKind {
    /// 村小学校
    School,
    /// 青年之家
    YouthHome,
}

/// What a room offers.
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
pub enum RoomFeature {
    /// 才艺学习
    Arts,
    /// 科学实践
    Science,
    /// 体育训练
    Sports,
    /// 阅读
    Reading,
    /// 其他
    Other,
}

/// A room's status.
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
pub enum HopeRoomStatus {
    /// 规划中
    Planned,
    /// 建设中
    UnderConstruction,
    /// 已验收
    Completed,
    /// 使用中
    InService,
    /// 已关闭
    Closed,
}
