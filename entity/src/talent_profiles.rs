use sea_orm::entity::prelude::*;

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
    pub gender: String,
    pub date_of_birth: Date,
    pub phone_enc: String,
    pub phone_index: String,
    pub id_number_enc: String,
    #[sea_orm(unique)]
    pub id_number_index: String,
    pub home_region_code: String,
    pub education: String,
    pub industries: String,
    pub categories: String,
    pub business_name: Option<String>,
    pub business_type: Option<String>,
    pub political_status: String,
    pub skills: String,
    pub introduction: String,
    /// pending | verified | rejected
    pub status: String,
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
