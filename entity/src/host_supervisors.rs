use sea_orm::entity::prelude::*;

/// An invitation to supervise a host unit's students, and once accepted the binding of a WeChat
/// user to the host (active while not revoked).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "host_supervisors")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub host_unit_id: Uuid,
    /// Null until the invitation is accepted.
    pub user_id: Option<Uuid>,
    pub invited_by: Uuid,
    /// SHA-256 of the code (never stored in clear).
    pub invite_code_hash: String,
    pub invite_expires_at: DateTimeUtc,
    pub accepted_at: Option<DateTimeUtc>,
    pub revoked_at: Option<DateTimeUtc>,
    pub revoked_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
