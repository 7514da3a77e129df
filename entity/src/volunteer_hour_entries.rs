use sea_orm::entity::prelude::*;

/// The append-only hours ledger: verified minutes only, never updated except for the
/// `board_applied` delivery flag. Corrections and revocations are further rows with
/// `reverses_entry_id` set and signed `minutes`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "volunteer_hour_entries")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Commit order of ledger writes (strictly increasing).
    #[sea_orm(unique)]
    pub seq: i64,
    pub user_id: Uuid,
    pub minutes: i32,
    /// The youth's home region (township or village) when the hours were recorded.
    pub region_code: String,
    /// When the service was done: decides the week/month/year it counts for.
    pub served_at: DateTimeUtc,
    /// checkin | manual_makeup | self_report | correction | revocation
    pub source: String,
    pub category: String,
    pub content: String,
    pub activity_id: Option<Uuid>,
    pub report_id: Option<Uuid>,
    pub reverses_entry_id: Option<Uuid>,
    pub actor_id: Uuid,
    pub reason: Option<String>,
    /// Set once the leaderboards have taken this entry in.
    pub board_applied: bool,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
