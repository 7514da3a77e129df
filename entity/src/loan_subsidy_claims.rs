use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A bank's claim of interest subsidy (贴息) for one period of a loan: verified by the local unit,
/// approved by another cadre of the parent unit or the province, paid by the province.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "loan_subsidy_claims")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub application_id: Uuid,
    pub region_code: String,
    pub bank_id: Uuid,
    /// China dates, inclusive.
    pub period_from: Date,
    pub period_to: Date,
    pub interest_paid_fen: i64,
    pub subsidy_fen: i64,
    pub status: ClaimStatus,
    pub submitted_by: Uuid,
    pub verified_by: Option<Uuid>,
    pub approved_by: Option<Uuid>,
    pub paid_on: Option<Date>,
    pub paid_reference: Option<String>,
    pub reason: Option<String>,
    pub idempotency_key: Option<String>,
    pub request_hash: Option<String>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// Where a subsidy claim stands.
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
pub enum ClaimStatus {
    /// Waiting for the local unit.
    Submitted,
    /// Verified; waiting for the parent unit or the province.
    Verified,
    /// Approved; waiting for the province to pay.
    Approved,
    Paid,
    Rejected,
}
