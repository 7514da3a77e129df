use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A 返家乡 campaign (「2027年寒假“返家乡”社会实践」) run by a league unit, with its own settings.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "practice_campaigns")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub name: String,
    pub season: Season,
    pub year: i32,
    /// The league unit running it (its cadres manage it; units below it read it).
    pub area_unit_code: String,
    pub applications_open_at: DateTimeUtc,
    pub applications_close_at: DateTimeUtc,
    /// China dates.
    pub practice_starts_on: Date,
    pub practice_ends_on: Date,
    pub min_days: i32,
    pub offer_valid_hours: i32,
    pub report_due_days: i32,
    pub excellent_cap_permille: i32,
    pub status: CampaignStatus,
    pub version: i32,
    pub created_by: Uuid,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// 寒假 / 暑假 / 其他
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
pub enum Season {
    Winter,
    Summer,
    Other,
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
pub enum CampaignStatus {
    Draft,
    Open,
    Closed,
    Archived,
}
