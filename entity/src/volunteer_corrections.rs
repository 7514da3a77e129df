use sea_orm::entity::prelude::*;

/// A volunteer's request to correct the minutes of one ledger entry, decided by the organiser.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "volunteer_corrections")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub entry_id: Uuid,
    pub user_id: Uuid,
    /// The region whose cadres decide (the activity's, or the youth's for self-reports).
    pub region_code: String,
    pub requested_minutes: i32,
    pub reason: String,
    /// pending | approved | rejected
    pub status: String,
    pub decision_reason: Option<String>,
    pub decided_by: Option<Uuid>,
    pub decided_at: Option<DateTimeUtc>,
    pub result_entry_id: Option<Uuid>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
