use sea_orm::entity::prelude::*;

/// Service done off the platform, reported by the youth and pending until a cadre reviews it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "volunteer_reports")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub user_id: Uuid,
    pub region_code: String,
    pub category: String,
    pub content: String,
    pub place: String,
    pub served_at: DateTimeUtc,
    pub minutes: i32,
    pub description: String,
    /// JSON array of photo references.
    pub photos: String,
    /// pending | approved | rejected
    pub status: String,
    pub review_reason: Option<String>,
    pub reviewed_by: Option<Uuid>,
    pub reviewed_at: Option<DateTimeUtc>,
    pub entry_id: Option<Uuid>,
    pub idempotency_key: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
