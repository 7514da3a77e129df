use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub use crate::talent_profiles::Gender;

/// A university student's profile for 返家乡 practice. `*_enc` columns hold ciphertext,
/// `id_number_index` a keyed hash. Saving it makes the user a student (`users.is_student`).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "student_profiles")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub user_id: Uuid,
    pub real_name: String,
    pub gender: Gender,
    pub date_of_birth: Date,
    pub school_name: String,
    pub school_province: String,
    pub major: String,
    pub degree_level: DegreeLevel,
    pub enrollment_year: i32,
    /// `YYYY-MM`.
    pub expected_graduation: String,
    /// 生源地: county level or finer.
    pub home_region_code: String,
    pub student_number: Option<String>,
    pub emergency_contact_name: Option<String>,
    pub emergency_contact_phone_enc: Option<String>,
    pub id_number_enc: Option<String>,
    pub id_number_index: Option<String>,
    pub id_number_consent_at: Option<DateTimeUtc>,
    pub consent_version: String,
    pub consent_at: DateTimeUtc,
    pub verified: bool,
    pub version: i32,
    pub anonymised_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The student's account (staff views read the phone in the same statement as the profile).
    #[sea_orm(
        belongs_to = "super::users::Entity",
        from = "Column::UserId",
        to = "super::users::Column::Id"
    )]
    User,
}

impl Related<super::users::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::User.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

/// 学历层次
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
pub enum DegreeLevel {
    /// 专科
    JuniorCollege,
    /// 本科
    Bachelor,
    /// 硕士
    Master,
    /// 博士
    Doctor,
}
