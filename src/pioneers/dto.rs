//! Requests and views of 青年先锋 rounds, nominations and recognitions (`supervision.md` §5).
use chrono::{DateTime, FixedOffset, NaiveDate};
use entity::recognitions::{self, RecognitionKind, RecognitionLevel, RecognitionStatus};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use super::state::RecognitionAction;
use crate::error::ApiResult;
use crate::media::{MediaLink, MediaStore};
use crate::talents::queries::json_list;
use crate::time::to_china;
use crate::workflow::TimelineEntry;

/// Record an honour of a talent (a cadre covering the talent's home), with evidence.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({
    "talentProfileId": "0192a6f0-0000-7000-8000-000000000001", "kind": "other_honour",
    "level": "city", "title": "吉林市优秀青年农民", "awardedOn": "2026-05-04",
    "evidence": ["5f0c9b1a2d3e4f5a6b7c8d9e0f1a2b3c"]
}))]
pub struct RecognitionRequest {
    /// A verified talent whose home lies inside the caller's unit (403 `OUTSIDE_REGION`,
    /// `VERIFICATION_REQUIRED`; unknown: 422 `REFERENCE_NOT_FOUND`).
    pub talent_profile_id: Uuid,
    pub kind: RecognitionKind,
    pub level: RecognitionLevel,
    #[validate(custom(
        function = "crate::input::text::visible_length::<2, 60>",
        message = "荣誉名称应为2至60个字"
    ))]
    #[schema(min_length = 2, max_length = 60)]
    pub title: String,
    /// Not in the future (422 `RANGE`).
    #[schema(value_type = String, format = Date)]
    pub awarded_on: NaiveDate,
    /// 1 to 9 keys uploaded with purpose `recognition` (certificate, document): 422 `REQUIRED`
    /// without any.
    #[serde(default)]
    #[validate(length(max = 9, message = "证明材料最多上传9个"))]
    #[schema(max_items = 9)]
    pub evidence: Vec<String>,
}

/// Confirm, naming the version checked.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"version": 1}))]
pub struct ConfirmRecognitionRequest {
    pub version: i32,
}

/// Revoke, with a reason.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"reason": "经核查荣誉证明不实", "version": 2}))]
pub struct RevokeRecognitionRequest {
    #[validate(custom(
        function = "crate::input::text::visible_length::<2, 200>",
        message = "撤销原因应为2至200个字"
    ))]
    #[schema(min_length = 2, max_length = 200)]
    pub reason: String,
    #[serde(default)]
    pub version: Option<i32>,
}

/// `GET /admin/recognitions` filters.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct RecognitionFilter {
    /// A league unit at or below the caller's, or a township or village inside it (the
    /// talent's home).
    pub region: Option<String>,
    #[param(inline)]
    pub status: Option<RecognitionStatus>,
    #[param(inline)]
    pub kind: Option<RecognitionKind>,
    pub talent_profile_id: Option<Uuid>,
}

/// A recognition.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RecognitionView {
    pub id: Uuid,
    pub talent_profile_id: Uuid,
    pub talent_name: String,
    /// The talent's home (village or township).
    pub home_region_code: String,
    pub home_region_name: String,
    pub kind: RecognitionKind,
    pub level: RecognitionLevel,
    pub title: String,
    #[schema(value_type = String, format = Date)]
    pub awarded_on: NaiveDate,
    /// The 青年先锋 round that named the talent (a naming records it).
    pub source_round_id: Option<Uuid>,
    pub evidence: Vec<MediaLink>,
    pub status: RecognitionStatus,
    /// Whether it counts in the 青年典型 lines (confirmed, not revoked).
    pub counted: bool,
    pub recorded_by: Uuid,
    pub recorded_by_unit_code: String,
    pub recorded_by_unit_name: String,
    pub confirmed_by: Option<Uuid>,
    pub confirmed_at: Option<DateTime<FixedOffset>>,
    pub revoked_by: Option<Uuid>,
    pub revoked_at: Option<DateTime<FixedOffset>>,
    pub revoke_reason: Option<String>,
    pub version: i32,
    pub created_at: DateTime<FixedOffset>,
    pub updated_at: DateTime<FixedOffset>,
}

/// The talent a recognition is of, as a view shows it.
pub struct TalentLine {
    pub name: String,
    pub home: String,
    pub home_name: String,
    pub unit_name: String,
}

impl RecognitionView {
    pub fn new(r: recognitions::Model, t: TalentLine, media: &MediaStore) -> ApiResult<Self> {
        let evidence: Vec<String> = json_list("evidence", &r.evidence)?;
        Ok(Self {
            evidence: media.links(&evidence),
            counted: super::state::counts(r.status),
            id: r.id,
            talent_profile_id: r.talent_profile_id,
            talent_name: t.name,
            home_region_code: t.home,
            home_region_name: t.home_name,
            kind: r.kind,
            level: r.level,
            title: r.title,
            awarded_on: r.awarded_on,
            source_round_id: r.source_round_id,
            status: r.status,
            recorded_by: r.recorded_by,
            recorded_by_unit_code: r.recorded_by_unit_code,
            recorded_by_unit_name: t.unit_name,
            confirmed_by: r.confirmed_by,
            confirmed_at: r.confirmed_at.map(to_china),
            revoked_by: r.revoked_by,
            revoked_at: r.revoked_at.map(to_china),
            revoke_reason: r.revoke_reason,
            version: r.version,
            created_at: to_china(r.created_at),
            updated_at: to_china(r.updated_at),
        })
    }
}

/// A recognition with its timeline.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RecognitionDetailView {
    #[serde(flatten)]
    pub recognition: RecognitionView,
    pub timeline: Vec<TimelineEntry<RecognitionStatus, RecognitionAction>>,
}
