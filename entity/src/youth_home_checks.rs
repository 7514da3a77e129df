use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A check of a Youth Home by a cadre covering it: `fail` clears the home's verification, a
/// later `pass` by a cadre of the parent unit restores it. `photos`: JSON array of media keys.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "youth_home_checks")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub home_id: Uuid,
    pub checked_by: Uuid,
    pub checked_by_unit_code: String,
    pub checked_on: Date,
    pub result: CheckResult,
    pub note: Option<String>,
    pub photos: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// A check's result.
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
pub enum CheckResult {
    /// 合格
    Pass,
    /// 不合格
    Fail,
}
