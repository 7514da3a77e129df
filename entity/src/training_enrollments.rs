use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// One person's place in one training: enrolled, waiting (with a number), offered a freed seat
/// (until `offer_expires_at`), or out (cancelled, lapsed, training_cancelled).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "training_enrollments")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub training_id: Uuid,
    pub user_id: Uuid,
    /// The youth's home region when they signed up (for per-region statistics).
    pub home_region_code: String,
    pub status: EnrollmentStatus,
    pub waitlist_seq: Option<i32>,
    pub offer_expires_at: Option<DateTimeUtc>,
    pub checked_in_at: Option<DateTimeUtc>,
    pub check_in_nonce: Option<String>,
    pub completed_at: Option<DateTimeUtc>,
    pub completed_by: Option<Uuid>,
    pub cancelled_at: Option<DateTimeUtc>,
    /// Revision: every change that writes a `training_events` row adds one.
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::trainings::Entity",
        from = "Column::TrainingId",
        to = "super::trainings::Column::Id"
    )]
    Training,
}

impl Related<super::trainings::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Training.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

/// Where one person stands in one training.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    EnumIter,
    DeriveActiveEnum,
    Serialize,
    Deserialize,
    ToSchema,
)]
#[sea_orm(
    rs_type = "String",
    db_type = "String(StringLen::N(24))",
    rename_all = "snake_case"
)]
#[serde(rename_all = "snake_case")]
pub enum EnrollmentStatus {
    /// Holds a seat.
    Enrolled,
    /// On the waiting list.
    Waiting,
    /// Offered a freed seat; must accept before `offerExpiresAt`.
    Offered,
    /// Left by the person.
    Cancelled,
    /// Let an offer expire.
    Lapsed,
    /// The training itself was cancelled.
    TrainingCancelled,
}
