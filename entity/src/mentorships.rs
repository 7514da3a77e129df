use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::mentorship_requests::RequestKind;

/// A pairing of a mentor and a mentee, made by an accepted request. `counted_records` counts
/// the confirmed and auto-confirmed guidance records (the only ones that count).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "mentorships")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub request_id: Uuid,
    pub mentor_profile_id: Uuid,
    pub mentee_user_id: Option<Uuid>,
    pub mentee_region_code: String,
    pub kind: RequestKind,
    pub status: MentorshipStatus,
    pub started_at: DateTimeUtc,
    pub planned_end_on: Date,
    pub extended: bool,
    pub ended_at: Option<DateTimeUtc>,
    pub ended_by_kind: Option<EndedBy>,
    pub end_reason: Option<String>,
    pub mentor_summary: Option<String>,
    pub records_count: i32,
    pub counted_records: i32,
    pub mentee_rating: Option<i32>,
    pub mentee_comment: Option<String>,
    pub rated_at: Option<DateTimeUtc>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub anonymised_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// Where a pairing stands.
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
    db_type = "String(StringLen::N(16))",
    rename_all = "snake_case"
)]
#[serde(rename_all = "snake_case")]
pub enum MentorshipStatus {
    /// In progress.
    Active,
    /// Completed (by the mentor, or by the daily job after its planned end).
    Completed,
    /// Ended early with a reason.
    Ended,
}

/// Who ended a pairing or an assignment.
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
    db_type = "String(StringLen::N(16))",
    rename_all = "snake_case"
)]
#[serde(rename_all = "snake_case")]
pub enum EndedBy {
    /// The mentor.
    Mentor,
    /// The mentee.
    Mentee,
    /// A cadre.
    Cadre,
    /// The system.
    System,
}
