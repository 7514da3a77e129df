use sea_orm::entity::prelude::*;

/// Per-student, per-campaign guard (conventions §6): open applications (submitted + offered)
/// and the one placement. Created on first use by `INSERT … ON CONFLICT DO NOTHING`, moved only
/// by conditional updates.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "practice_student_campaigns")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub student_user_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub campaign_id: Uuid,
    pub open_applications: i32,
    pub placed_application_id: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
