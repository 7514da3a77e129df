use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub use crate::pioneer_rounds::PioneerCategory;

/// A nomination of a talent in a 青年先锋 round (`supervision.md` §5). `region_code` is the
/// talent's home when nominated (the region guard); `media` a JSON array of keys;
/// `publicity_consent` mirrors the nominee's `pioneer_publicity` consent in force;
/// `open_objections` counts the open objections (the nomination is `objection_review` while any
/// is open).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "pioneer_nominations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub round_id: Uuid,
    pub talent_profile_id: Uuid,
    pub user_id: Uuid,
    pub region_code: String,
    pub category: PioneerCategory,
    pub nominated_by_kind: NominatedByKind,
    pub nominated_by: Uuid,
    pub story: String,
    pub achievements: String,
    pub years_in_field: i32,
    pub media: String,
    pub publicity_consent: bool,
    pub open_objections: i32,
    pub status: NominationStatus,
    pub reason: Option<String>,
    pub publicity_ends_at: Option<DateTimeUtc>,
    pub named_at: Option<DateTimeUtc>,
    pub recognition_id: Option<Uuid>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// Who nominated.
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
pub enum NominatedByKind {
    /// 本人自荐 (`self` in JSON; stored as `self_nominated`: `self` is no identifier for the
    /// derive)
    #[serde(rename = "self")]
    SelfNominated,
    /// 组织推荐
    Organisation,
}

/// Where a nomination stands.
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
    db_type = "String(StringLen::N(32))",
    rename_all = "snake_case"
)]
#[serde(rename_all = "snake_case")]
pub enum NominationStatus {
    Nominated,
    Qualified,
    Disqualified,
    Shortlisted,
    NotSelected,
    InPublicity,
    ObjectionReview,
    WithdrawnByReview,
    Named,
    Withdrawn,
}
