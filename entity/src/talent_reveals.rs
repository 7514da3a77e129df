use sea_orm::entity::prelude::*;

/// One look at a talent's full ID number and phone by a cadre: who, whose, when and why.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "talent_reveals")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub cadre_id: Uuid,
    pub profile_id: Uuid,
    pub subject_user_id: Uuid,
    pub subject_region_code: String,
    pub reason: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
