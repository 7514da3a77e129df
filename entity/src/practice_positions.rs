use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A 返家乡 position (实践岗位) a local-unit cadre offers at a host unit in a campaign.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "practice_positions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub campaign_id: Uuid,
    pub host_unit_id: Uuid,
    /// County, township or village, in the host's local unit.
    pub region_code: String,
    pub title: String,
    pub description: String,
    pub category: PositionCategory,
    /// JSON list of majors wanted; empty = 不限.
    pub majors: String,
    /// JSON list of degree levels wanted; empty = 不限.
    pub degree_levels: String,
    pub slots: i32,
    /// Seats held: offered, confirmed, on duty, completed, certified and dropped placements.
    pub taken: i32,
    /// China dates, inside the campaign's practice dates.
    pub starts_on: Date,
    pub ends_on: Date,
    pub daily_hours: i32,
    pub mode: PositionMode,
    /// Open to students of the whole top-level unit, not only the host's local unit.
    pub open_to_city: bool,
    /// 交通补贴 per day, in fen.
    pub allowance_fen_per_day: Option<i64>,
    /// The host insures the student (accident insurance): confirming needs the ID number.
    pub insurance_by_host: bool,
    pub status: PositionStatus,
    pub published_by: Option<Uuid>,
    pub published_at: Option<DateTimeUtc>,
    pub version: i32,
    pub created_by: Uuid,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The host unit (views read its name in the same statement as the positions).
    #[sea_orm(
        belongs_to = "super::host_units::Entity",
        from = "Column::HostUnitId",
        to = "super::host_units::Column::Id"
    )]
    Host,
}

impl Related<super::host_units::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Host.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

/// 岗位类别 (the last three are the programme's words: 乡土调查、法治宣传、移风易俗).
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
pub enum PositionCategory {
    /// 政务实践
    Government,
    /// 企业实践
    Enterprise,
    /// 公益服务
    PublicService,
    /// 社区服务
    Community,
    /// 乡村振兴
    RuralRevitalisation,
    /// 兼职锻炼
    LeaguePartTime,
    /// 文化宣传
    CulturePublicity,
    /// 云实践
    Online,
    /// 乡土调查
    FieldSurvey,
    /// 法治宣传
    LegalPublicity,
    /// 移风易俗
    CustomsReform,
}

/// 线下 / 线上
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
pub enum PositionMode {
    Onsite,
    Online,
}

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
pub enum PositionStatus {
    Draft,
    Published,
    Closed,
    Cancelled,
}
