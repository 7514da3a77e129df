use sea_orm::entity::prelude::*;

/// When a position's host supervisors were last told about new applications
/// (`practice.application_received`, at most once an hour per position).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "practice_application_digests")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub position_id: Uuid,
    pub last_sent_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
