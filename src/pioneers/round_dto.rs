//! Requests and views of 青年先锋 rounds, nominations and objections (`supervision.md` §5).
use chrono::{DateTime, FixedOffset, Utc};
use entity::pioneer_nominations::{NominatedByKind, NominationStatus, PioneerCategory};
use entity::pioneer_objections::ObjectionStatus;
use entity::pioneer_rounds::{CadreLevel, RoundStatus};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use super::state::{NominationAction, RoundAction};
use crate::choices::Choice;
use crate::workflow::TimelineEntry;

/// Set up a round of the caller's unit (draft).
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({
    "name": "2026年度蛟河市乡村振兴青年先锋", "categories": ["industry", "governance"],
    "ageMin": 18, "ageMax": 40, "minYearsInField": 1,
    "nominationsOpenAt": "2026-12-01T00:00:00+08:00", "nominationsCloseAt": "2026-12-31T00:00:00+08:00",
    "publicityDays": 7, "quota": 10
}))]
pub struct RoundRequest {
    #[validate(custom(
        function = "crate::input::text::visible_length::<2, 60>",
        message = "评选名称应为2至60个字"
    ))]
    #[schema(min_length = 2, max_length = 60)]
    pub name: String,
    /// At least one, each once.
    #[validate(length(min = 1, max = 4, message = "请选择1至4个领域"))]
    pub categories: Vec<PioneerCategory>,
    /// Never below 18 (422 `RANGE`).
    #[serde(default = "default_age_min")]
    #[validate(range(min = 18, max = 60, message = "最低年龄应为18至60岁"))]
    pub age_min: i32,
    #[serde(default = "default_age_max")]
    #[validate(range(min = 18, max = 60, message = "最高年龄应为18至60岁"))]
    pub age_max: i32,
    #[serde(default = "default_years")]
    #[validate(range(min = 0, max = 50, message = "从业年限应为0至50年"))]
    pub min_years_in_field: i32,
    pub nominations_open_at: DateTime<Utc>,
    /// After `nominationsOpenAt` (422 `RANGE`).
    pub nominations_close_at: DateTime<Utc>,
    #[serde(default = "default_publicity_days")]
    #[validate(range(min = 1, max = 30, message = "公示期应为1至30天"))]
    pub publicity_days: i32,
    #[validate(range(min = 1, max = 10000, message = "命名名额应为1至10000"))]
    pub quota: i32,
    /// `PUT` only: the version edited.
    #[serde(default)]
    pub version: Option<i32>,
}

fn default_age_min() -> i32 {
    18
}
fn default_age_max() -> i32 {
    40
}
fn default_years() -> i32 {
    1
}
fn default_publicity_days() -> i32 {
    7
}

/// Open or close a round, naming the version seen.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"version": 1}))]
pub struct RoundStepRequest {
    #[serde(default)]
    pub version: Option<i32>,
}

/// A round.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RoundView {
    pub id: Uuid,
    pub name: String,
    pub area_unit_code: String,
    pub area_unit_name: String,
    pub level: CadreLevel,
    pub categories: Vec<PioneerCategory>,
    pub age_min: i32,
    pub age_max: i32,
    pub min_years_in_field: i32,
    pub nominations_open_at: DateTime<FixedOffset>,
    pub nominations_close_at: DateTime<FixedOffset>,
    pub publicity_days: i32,
    pub quota: i32,
    pub named_count: i32,
    pub status: RoundStatus,
    pub version: i32,
}

/// A round with its timeline (cadres).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RoundDetailView {
    #[serde(flatten)]
    pub round: RoundView,
    pub timeline: Vec<TimelineEntry<RoundStatus, RoundAction>>,
}

/// `GET /pioneer-rounds` and `GET /admin/pioneer-rounds` filters.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct RoundFilter {
    #[param(inline)]
    pub status: Option<RoundStatus>,
}

/// A nomination: by the youth (self) or, with `talentProfileId`, by a cadre covering the nominee.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({
    "category": "industry", "story": "返乡创办食用菌合作社，带动30户村民增收。",
    "achievements": "合作社年销售额200万元", "yearsInField": 5, "media": []
}))]
pub struct NominationRequest {
    /// Cadres only: the nominee (a verified talent homed inside the caller's unit and the round's
    /// area).
    #[serde(default)]
    pub talent_profile_id: Option<Uuid>,
    /// One of the round's categories (422 `INVALID_VALUE`).
    pub category: PioneerCategory,
    #[validate(custom(
        function = "crate::input::text::visible_length::<10, 2000>",
        message = "事迹应为10至2000个字"
    ))]
    #[schema(min_length = 10, max_length = 2000)]
    pub story: String,
    #[serde(default)]
    #[validate(length(max = 1000, message = "主要成绩不能超过1000个字"))]
    #[schema(max_length = 1000)]
    pub achievements: String,
    /// At least the round's `minYearsInField` (422 `RANGE`).
    #[validate(range(min = 0, max = 60, message = "从业年限应为0至60年"))]
    pub years_in_field: i32,
    /// Up to 9 keys uploaded with purpose `pioneer_nomination`.
    #[serde(default)]
    #[validate(length(max = 9, message = "最多上传9个材料"))]
    #[schema(max_items = 9)]
    pub media: Vec<String>,
}

/// A decision of a step with two outcomes (qualification, shortlisting).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum QualifyDecision {
    Qualified,
    Disqualified,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ShortlistDecision {
    Shortlisted,
    NotSelected,
}

/// `{decision, reason?}`: the negative decision needs a reason (422 `REQUIRED`).
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"decision": "qualified", "reason": null, "version": 1}))]
pub struct QualifyRequest {
    pub decision: QualifyDecision,
    #[serde(default)]
    #[validate(length(max = 500, message = "原因不能超过500个字"))]
    pub reason: Option<String>,
    #[serde(default)]
    pub version: Option<i32>,
}

#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"decision": "shortlisted", "reason": null, "version": 2}))]
pub struct ShortlistRequest {
    pub decision: ShortlistDecision,
    #[serde(default)]
    #[validate(length(max = 500, message = "原因不能超过500个字"))]
    pub reason: Option<String>,
    #[serde(default)]
    pub version: Option<i32>,
}

/// A step naming the version seen (publicise, name).
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"version": 3}))]
pub struct NominationStepRequest {
    #[serde(default)]
    pub version: Option<i32>,
}

/// Withdraw a nomination, with a reason.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"reason": "个人原因"}))]
pub struct WithdrawNominationRequest {
    #[validate(custom(
        function = "crate::input::text::visible_length::<2, 200>",
        message = "撤回原因应为2至200个字"
    ))]
    #[schema(min_length = 2, max_length = 200)]
    pub reason: String,
}

/// The nominee's consent to publicity of their name, village, category and story.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"agreed": true, "consentVersion": "2026-12"}))]
pub struct PublicityConsentRequest {
    pub agreed: bool,
    pub consent_version: String,
}

/// `GET /admin/pioneer-nominations` filters.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct NominationFilter {
    pub round_id: Option<Uuid>,
    #[param(inline)]
    pub status: Option<NominationStatus>,
    /// A league unit at or below the caller's, or a township or village inside it.
    pub region: Option<String>,
}

/// A nomination as cadres see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NominationView {
    pub id: Uuid,
    pub round_id: Uuid,
    pub round_name: String,
    pub talent_profile_id: Uuid,
    pub nominee_name: String,
    pub region_code: String,
    pub region_name: String,
    pub category: PioneerCategory,
    pub nominated_by_kind: NominatedByKind,
    pub story: String,
    pub achievements: String,
    pub years_in_field: i32,
    pub publicity_consent: bool,
    pub open_objections: i32,
    pub status: NominationStatus,
    pub reason: Option<String>,
    pub publicity_ends_at: Option<DateTime<FixedOffset>>,
    pub named_at: Option<DateTime<FixedOffset>>,
    pub recognition_id: Option<Uuid>,
    pub version: i32,
    pub created_at: DateTime<FixedOffset>,
}

/// A nomination with its timeline (cadres).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NominationDetailView {
    #[serde(flatten)]
    pub nomination: NominationView,
    pub timeline: Vec<TimelineEntry<NominationStatus, NominationAction>>,
}

/// The nominee's own view: never an objection (`objection_review` shows as `in_publicity`).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MyNominationView {
    pub id: Uuid,
    pub round_id: Uuid,
    pub round_name: String,
    pub category: PioneerCategory,
    pub status: NominationStatus,
    pub status_label: String,
    pub reason: Option<String>,
    pub publicity_consent: bool,
    pub publicity_ends_at: Option<DateTime<FixedOffset>>,
    pub named_at: Option<DateTime<FixedOffset>>,
}

/// A nomination on a round's publicity page or a named pioneer on the public list: the full
/// name the nominee consented to show, the village, the category and the story.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PublicPioneerView {
    pub nomination_id: Uuid,
    pub name: String,
    pub region_code: String,
    pub region_name: String,
    pub category: PioneerCategory,
    pub story: String,
    pub achievements: String,
    pub round_id: Uuid,
    pub round_name: String,
    pub publicity_ends_at: Option<DateTime<FixedOffset>>,
    pub named_at: Option<DateTime<FixedOffset>>,
}

/// `GET /pioneer-rounds/{id}/publicity`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PublicityView {
    pub round: RoundView,
    pub items: Vec<PublicPioneerView>,
}

/// `GET /pioneers` filters.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct PioneerFilter {
    /// A region code prefix (province to village); default the whole province.
    pub region: Option<String>,
    #[param(inline)]
    pub category: Option<PioneerCategory>,
}

/// `GET /pioneer-options`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PioneerOptionsView {
    pub categories: Vec<Choice>,
    pub min_age: i32,
    pub publicity_consent_version: String,
    pub publicity_consent_text: String,
}

/// File an objection (10–500 characters); never shown to the nominee or the public.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"reason": "该同志所述合作社实际由他人经营，事迹与事实不符"}))]
pub struct ObjectionRequest {
    #[validate(custom(
        function = "crate::input::text::visible_length::<10, 500>",
        message = "异议内容应为10至500个字"
    ))]
    #[schema(min_length = 10, max_length = 500)]
    pub reason: String,
}

/// The objection as filed (to its author).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ObjectionView {
    pub id: Uuid,
    pub nomination_id: Uuid,
    pub status: ObjectionStatus,
    pub created_at: DateTime<FixedOffset>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ObjectionDecision {
    Upheld,
    Dismissed,
}

/// The round unit's review of an objection.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"decision": "dismissed", "note": "经核实，事迹属实"}))]
pub struct ObjectionReviewRequest {
    pub decision: ObjectionDecision,
    #[validate(custom(
        function = "crate::input::text::visible_length::<2, 500>",
        message = "核查意见应为2至500个字"
    ))]
    #[schema(min_length = 2, max_length = 500)]
    pub note: String,
}

/// The reviewed objection and the nomination after it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ObjectionReviewView {
    pub id: Uuid,
    pub status: ObjectionStatus,
    pub nomination: NominationView,
}

/// `GET /admin/pioneer-objections` filters.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct ObjectionFilter {
    pub round_id: Option<Uuid>,
    pub nomination_id: Option<Uuid>,
    #[param(inline)]
    pub status: Option<ObjectionStatus>,
    /// A league unit at or below the caller's, or a township or village inside it (the
    /// nominee's place).
    pub region: Option<String>,
}

/// An objection as the reviewing cadres see it (never who filed it).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AdminObjectionView {
    pub id: Uuid,
    pub nomination_id: Uuid,
    pub round_id: Uuid,
    pub status: ObjectionStatus,
    /// Null once retention cleared it.
    pub reason: Option<String>,
    pub review_note: Option<String>,
    pub reviewed_at: Option<DateTime<FixedOffset>>,
    pub created_at: DateTime<FixedOffset>,
}
