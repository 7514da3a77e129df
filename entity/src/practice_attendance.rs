use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::practice_applications::DeciderKind;

/// One China day of a placement's attendance: the student's check-in and check-out with the
/// host's rotating code, or a day the host (or a local-unit cadre) confirmed by hand.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "practice_attendance")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub application_id: Uuid,
    /// The China date.
    pub day: Date,
    pub check_in_at: Option<DateTimeUtc>,
    pub check_in_nonce: Option<String>,
    pub check_out_at: Option<DateTimeUtc>,
    pub check_out_nonce: Option<String>,
    /// Check-out − check-in, capped at the position's daily hours; a confirmed day counts the
    /// daily hours.
    pub minutes: Option<i32>,
    pub source: AttendanceSource,
    pub confirmed_by: Option<Uuid>,
    pub confirmed_by_kind: Option<DeciderKind>,
    pub confirmed_at: Option<DateTimeUtc>,
    /// Why the day was confirmed by hand (cleared by retention).
    pub reason: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// Where an attendance day came from.
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
    db_type = "String(StringLen::N(8))",
    rename_all = "snake_case"
)]
#[serde(rename_all = "snake_case")]
pub enum AttendanceSource {
    /// 扫码签到
    Code,
    /// 人工确认
    Manual,
}
