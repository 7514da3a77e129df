use sea_orm::entity::prelude::*;

use crate::users::CadreLevel;

/// A league organisation (团组织): the province, the 11 top-level units and the county units.
/// Loaded by a migration; units change only by migration.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "league_units")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i32,
    /// The region code when the unit's area is exactly one region; `CBS` for 长白山.
    #[sea_orm(unique)]
    pub code: String,
    /// 「共青团长春市委员会」
    pub name: String,
    /// 「长春市团委」
    pub short_name: String,
    /// province, city or county (梅河口 and 长白山 are city).
    pub level: CadreLevel,
    pub parent_id: Option<i32>,
    pub sort_order: i32,
    pub active: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
