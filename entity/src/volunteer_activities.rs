use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A volunteer activity published by a cadre (the organiser) in their region. A point is stored
/// as integer micro-degrees; `signed_up` is taken by conditional update against `wanted`.
/// Who may sign up: youth whose home lies in the organising unit (`unit_code`), or anyone when
/// `open_to_all`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "volunteer_activities")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub region_code: String,
    pub category: VolunteerCategory,
    pub title: String,
    pub description: String,
    pub place: String,
    pub lat_e6: Option<i64>,
    pub lng_e6: Option<i64>,
    pub radius_m: Option<i32>,
    pub starts_at: DateTimeUtc,
    pub ends_at: DateTimeUtc,
    pub wanted: i32,
    pub signed_up: i32,
    pub organiser_id: Uuid,
    pub created_at: DateTimeUtc,
    pub status: ActivityStatus,
    /// Revision: every change that writes a `volunteer_events` row (kind `activity`) adds one.
    pub version: i32,
    /// Youth from anywhere may sign up, not only those living in the organising unit.
    pub open_to_all: bool,
    /// The organising league unit (the organiser's, at creation).
    pub unit_code: Option<String>,
    pub cancel_reason: Option<String>,
}

/// Where an activity stands. Whether it has started or ended follows from its times.
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
pub enum ActivityStatus {
    /// Open for sign-ups until it ends (or is full).
    Published,
    /// Called off by the organiser; its sign-ups ended.
    Cancelled,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// The programme's volunteer work (志愿服务类别).
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
pub enum VolunteerCategory {
    /// 河小青巡河护河
    RiverPatrol,
    /// 三减一节
    ThreeReductions,
    /// 政策宣讲
    PolicyLecture,
    /// 医疗卫生
    Medical,
    /// 支教
    RuralTeaching,
    /// 学伴+
    OnlineTutoring,
    /// 童心港湾
    ChildrensHarbour,
    /// 其他
    Other,
}
