use sea_orm::entity::prelude::*;

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
    pub staff_role: Option<String>,
    pub cadre_level: Option<String>,
    pub region_code: Option<String>,
    pub bank_id: Option<Uuid>,
    pub disabled: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
