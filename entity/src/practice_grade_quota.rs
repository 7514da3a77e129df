use sea_orm::entity::prelude::*;

/// Per campaign and local unit: placements that went on duty and were not dropped, and the
/// 优秀 grades given (the 优秀 cap). Created on first use, moved by conditional updates.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "practice_grade_quota")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub campaign_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub unit_code: String,
    pub placed: i32,
    pub excellent: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
