use sea_orm::entity::prelude::*;

/// A target a unit set for a unit below it (the province also for itself): one per indicator,
/// area unit and due date. `value` is per mille for ratios, a count for counts.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "kpi_targets")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub indicator_code: String,
    pub area_unit_code: String,
    pub due_on: Date,
    pub value: i64,
    pub note: Option<String>,
    pub set_by: Uuid,
    pub set_by_unit_code: String,
    /// Every change adds one (optimistic concurrency: stale → 409 `TARGET_CHANGED`).
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
