use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// An honour of a talent (表彰荣誉, `supervision.md` §5): a 青年先锋 named by a selection round
/// (`source_round_id`), a 标兵, or another honour recorded with evidence by a cadre covering the
/// talent. A cadre of the recording unit's parent unit confirms it (never the recorder); only
/// confirmed recognitions that are not revoked count in the 青年典型 lines. `evidence` is a JSON
/// array of media keys.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "recognitions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub talent_profile_id: Uuid,
    pub kind: RecognitionKind,
    pub level: RecognitionLevel,
    pub title: String,
    pub awarded_on: Date,
    pub source_round_id: Option<Uuid>,
    pub evidence: String,
    pub status: RecognitionStatus,
    pub recorded_by: Uuid,
    pub recorded_by_unit_code: String,
    pub confirmed_by: Option<Uuid>,
    pub confirmed_at: Option<DateTimeUtc>,
    pub revoked_by: Option<Uuid>,
    pub revoked_at: Option<DateTimeUtc>,
    pub revoke_reason: Option<String>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// What the honour is.
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
pub enum RecognitionKind {
    /// 乡村振兴青年先锋
    PioneerNamed,
    /// 标兵
    PioneerModel,
    /// 其他荣誉
    OtherHonour,
}

/// Who awarded it.
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
pub enum RecognitionLevel {
    /// 国家级
    National,
    /// 省级
    Province,
    /// 市级
    City,
    /// 县级
    County,
}

/// Where a recognition stands.
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
pub enum RecognitionStatus {
    /// 待确认
    Recorded,
    /// 已确认
    Confirmed,
    /// 已撤销
    Revoked,
}
