use sea_orm::entity::prelude::*;

/// A region code mapped to a league unit; each code is mapped to one unit at most. A place
/// belongs to the unit with the longest mapped code containing it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "league_unit_regions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub region_code: String,
    pub unit_id: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
