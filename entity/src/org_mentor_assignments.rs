use sea_orm::entity::prelude::*;

use crate::mentorships::EndedBy;

/// A mentor assigned to a youth organisation; active while `ended_at` is null.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "org_mentor_assignments")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub org_id: Uuid,
    pub mentor_profile_id: Uuid,
    pub assigned_by: Uuid,
    pub assigned_at: DateTimeUtc,
    pub ended_at: Option<DateTimeUtc>,
    pub ended_by_kind: Option<EndedBy>,
    pub end_reason: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
