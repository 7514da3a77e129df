use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A youth's entry in the talent pool. `*_enc` columns hold AES-GCM ciphertext (with key id);
/// `*_index` columns hold keyed hashes for equality look-ups. `industries`, `categories` and
/// `skills` are JSON arrays of strings.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "talent_profiles")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub user_id: Uuid,
    pub real_name: String,
    pub gender: Gender,
    pub date_of_birth: Date,
    pub phone_enc: String,
    pub phone_index: String,
    pub id_number_enc: String,
    #[sea_orm(unique)]
    pub id_number_index: String,
    pub home_region_code: String,
    pub education: Education,
    pub industries: String,
    pub categories: String,
    pub business_name: Option<String>,
    pub business_type: Option<BusinessType>,
    pub political_status: PoliticalStatus,
    pub skills: String,
    pub introduction: String,
    pub status: TalentStatus,
    /// Revision of the record: every save and every review adds one (optimistic concurrency).
    pub version: i32,
    pub review_reason: Option<String>,
    pub reviewed_by: Option<Uuid>,
    pub reviewed_at: Option<DateTimeUtc>,
    pub consent_version: String,
    pub consent_at: DateTimeUtc,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// Where a profile stands in review (审核状态).
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
pub enum TalentStatus {
    /// Waiting for a cadre of the home region.
    Pending,
    /// Verified by a cadre (已认定).
    Verified,
    /// Sent back with a reason; saving it again resubmits it.
    Rejected,
}

/// 性别
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
pub enum Gender {
    Male,
    Female,
}

/// 学历
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
pub enum Education {
    PrimaryOrBelow,
    JuniorHigh,
    HighSchool,
    Vocational,
    JuniorCollege,
    Bachelor,
    Postgraduate,
}

/// 经营主体类型
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
pub enum BusinessType {
    Cooperative,
    FamilyFarm,
    IndividualBusiness,
    OnlineShop,
    Company,
    Other,
}

/// 政治面貌
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
pub enum PoliticalStatus {
    PartyMember,
    ProbationaryPartyMember,
    LeagueMember,
    DemocraticParty,
    Masses,
}
