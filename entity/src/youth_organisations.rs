use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A youth organisation (青年创业组织 and other youth organisations) of a league unit and level.
/// Verified four-eyes by the parent unit (`verified_by` ≠ `created_by`).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "youth_organisations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub name: String,
    pub kind: OrgKind,
    pub level: OrgLevel,
    pub unit_code: String,
    pub township_code: Option<String>,
    pub league_affiliated: bool,
    pub registration_no: Option<String>,
    pub founded_on: Option<Date>,
    pub members_count: Option<i32>,
    pub status: OrgStatus,
    pub dissolved_on: Option<Date>,
    pub dissolve_reason: Option<String>,
    pub verified_by: Option<Uuid>,
    pub verified_at: Option<DateTimeUtc>,
    pub created_by: Uuid,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// 组织类型
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
pub enum OrgKind {
    /// 农村青年致富带头人组织
    WealthLeaderOrg,
    /// 青年创业协会
    EntrepreneurshipAssoc,
    /// 青年电商协会
    EcommerceAssoc,
    /// 青年社会组织
    SocialOrg,
}

/// 组织层级
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
pub enum OrgLevel {
    /// 省级
    Province,
    /// 市级
    City,
    /// 县级
    County,
    /// 乡镇级
    Township,
}

/// An organisation's status.
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
pub enum OrgStatus {
    /// Active.
    Active,
    /// Dissolved.
    Dissolved,
}
