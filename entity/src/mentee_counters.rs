use sea_orm::entity::prelude::*;

/// Per-mentee limits (conventions §6): open requests and active long-term pairings. Created on
/// first use by `INSERT … ON CONFLICT DO NOTHING`, moved only by conditional updates.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "mentee_counters")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: Uuid,
    pub open_requests: i32,
    pub active_long_term: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
