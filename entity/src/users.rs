use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A person who logs in: a WeChat user (youth, optionally student/mentor) or a password staff
/// account (cadre or bank officer). Sensitive values are stored encrypted (`*_enc`), with a keyed
/// hash (`*_index`) where equality lookups are needed.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub openid: Option<String>,
    pub unionid: Option<String>,
    pub session_key_enc: Option<String>,
    #[sea_orm(unique)]
    pub username: Option<String>,
    pub password_hash: Option<String>,
    pub display_name: String,
    pub phone_enc: Option<String>,
    pub phone_index: Option<String>,
    pub is_student: bool,
    pub is_mentor: bool,
    /// Set for password staff accounts; WeChat users have none.
    pub staff_role: Option<StaffRole>,
    /// A cadre's level: their league unit's.
    pub cadre_level: Option<CadreLevel>,
    /// A cadre's region for display: their unit's code when it names one region (null for `CBS`).
    pub region_code: Option<String>,
    /// A cadre's league unit (`league_units.id`): their scope.
    pub league_unit_id: Option<i32>,
    pub bank_id: Option<Uuid>,
    pub disabled: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// The kind of a password staff account.
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
pub enum StaffRole {
    /// League cadre (团干部).
    Cadre,
    /// Partner-bank officer (银团合作).
    BankOfficer,
}

/// The level a cadre acts at.
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
pub enum CadreLevel {
    Province,
    City,
    County,
}
