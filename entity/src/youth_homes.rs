use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A 青年之家 (`supervision.md` §4): the national 青年之家云平台 is the system of record for its
/// activities; this row keeps what the KPI needs. `photos` is a JSON array of media keys.
/// Verified four-eyes by the parent unit of the township's local unit (`verified_by` ≠
/// `created_by`); a failed check clears the verification.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "youth_homes")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub name: String,
    pub township_code: String,
    pub village_code: Option<String>,
    pub address: Option<String>,
    pub host_kind: HomeHostKind,
    pub opened_on: Option<Date>,
    pub cloud_platform_id: Option<String>,
    pub photos: String,
    pub status: YouthHomeStatus,
    pub verified_by: Option<Uuid>,
    pub verified_at: Option<DateTimeUtc>,
    pub last_check_at: Option<DateTimeUtc>,
    pub created_by: Uuid,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// Where a Youth Home is hosted.
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
pub enum HomeHostKind {
    /// 独立阵地
    Standalone,
    /// 党群服务中心
    PartyServiceCentre,
    /// 学校
    School,
    /// 企业
    Enterprise,
    /// 其他
    Other,
}

/// A Youth Home's status.
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
pub enum YouthHomeStatus {
    /// 筹建中
    Planned,
    /// 运行中
    Operating,
    /// 暂停运行
    Suspended,
    /// 已关闭
    Closed,
}
