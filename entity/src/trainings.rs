use sea_orm::entity::prelude::*;

/// A training published by a cadre. `taken` (seats held: enrolled + offered) and `waitlist_seq`
/// (last waiting-list number handed out) only change through conditional updates.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "trainings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub title: String,
    pub category: String,
    pub description: String,
    /// Organiser region (province, city or county): youth living inside it may join.
    pub region_code: String,
    pub venue: Option<String>,
    pub online_url: Option<String>,
    pub starts_at: DateTimeUtc,
    pub ends_at: DateTimeUtc,
    pub signup_deadline: DateTimeUtc,
    pub capacity: i32,
    pub taken: i32,
    pub waitlist_seq: i32,
    pub requires_verified: bool,
    pub waitlist_open: bool,
    pub offer_valid_minutes: i32,
    /// published | cancelled
    pub status: String,
    pub cancel_reason: Option<String>,
    pub created_by: Uuid,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
