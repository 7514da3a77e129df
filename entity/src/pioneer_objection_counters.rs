use sea_orm::entity::prelude::*;

/// Objections a user filed in a round (conventions §6): created on first use by `INSERT … ON
/// CONFLICT DO NOTHING`, moved only by `filed = filed + 1 WHERE filed < limit`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "pioneer_objection_counters")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub round_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: Uuid,
    pub filed: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
