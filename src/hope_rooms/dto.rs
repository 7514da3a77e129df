//! Requests and views of 希望小屋. Only counts of beneficiaries, never a child's name, age,
//! family or identity: the request has no such field, and unknown fields are refused.
use chrono::{DateTime, FixedOffset, NaiveDate};
use entity::hope_rooms::{self, HopeRoomStatus, RoomFeature, RoomHostKind};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use super::state::RoomAction;
use crate::error::ApiResult;
use crate::media::{MediaLink, MediaStore};
use crate::talents::queries::json_list;
use crate::time::to_china;
use crate::workflow::TimelineEntry;

/// Register or change a room.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({
    "name": "前进村小学希望小屋", "hostKind": "school", "schoolName": "蛟河市天岗镇前进村小学",
    "youthHomeId": null, "regionCode": "220281100201", "features": ["arts", "reading"],
    "beneficiariesCount": 46, "teacherTrainingsCount": 2, "photos": [], "photosAttestation": false
}))]
pub struct HopeRoomRequest {
    #[validate(custom(
        function = "crate::input::text::visible_length::<2, 40>",
        message = "名称应为2至40个字"
    ))]
    #[schema(min_length = 2, max_length = 40)]
    pub name: String,
    pub host_kind: RoomHostKind,
    /// For `school` (422 `REQUIRED` without it).
    #[serde(default)]
    #[validate(length(max = 64, message = "学校名称不能超过64个字"))]
    #[schema(max_length = 64)]
    pub school_name: Option<String>,
    /// For `youth_home`: a Youth Home of the room's township (422 `REQUIRED` / `INVALID_VALUE`).
    #[serde(default)]
    pub youth_home_id: Option<Uuid>,
    /// A village or township of the caller's local unit (else 422 `LEVEL`).
    #[schema(example = "220281100201")]
    pub region_code: String,
    /// Up to 5, each once (acceptance needs at least one).
    #[serde(default)]
    #[validate(length(max = 5, message = "功能最多选择5项"))]
    #[schema(max_items = 5)]
    pub features: Vec<RoomFeature>,
    /// How many children it serves: a count only.
    #[validate(range(min = 0, max = 5000, message = "受益人数应为0至5000"))]
    #[serde(default)]
    pub beneficiaries_count: i32,
    #[validate(range(min = 0, max = 10000, message = "教师培训人次应为0至10000"))]
    #[serde(default)]
    pub teacher_trainings_count: i32,
    /// Up to 9 keys uploaded with purpose `hope_room`; with photos, `photosAttestation` must be
    /// `true` (「照片中无可识别儿童面部」), else 422 `ATTESTATION_REQUIRED`.
    #[serde(default)]
    #[validate(length(max = 9, message = "最多上传9张照片"))]
    #[schema(max_items = 9)]
    pub photos: Vec<String>,
    #[serde(default)]
    pub photos_attestation: bool,
    /// `PUT` only: the version edited.
    #[serde(default)]
    pub version: Option<i32>,
}

/// A status change by the local unit: `start_construction`, `put_in_service`, `close` (a
/// completed room: with a reason).
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"action": "start_construction", "reason": null, "version": 1}))]
pub struct RoomStatusChangeRequest {
    pub action: RoomStatusAction,
    #[serde(default)]
    #[validate(length(max = 200, message = "原因不能超过200个字"))]
    #[schema(max_length = 200)]
    pub reason: Option<String>,
    #[serde(default)]
    pub version: Option<i32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RoomStatusAction {
    StartConstruction,
    PutInService,
    Close,
}

impl RoomStatusAction {
    pub fn action(self) -> RoomAction {
        match self {
            Self::StartConstruction => RoomAction::StartConstruction,
            Self::PutInService => RoomAction::PutInService,
            Self::Close => RoomAction::Close,
        }
    }
}

/// Accept (验收), naming the version inspected.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"version": 3}))]
pub struct AcceptRoomRequest {
    pub version: i32,
}

/// `GET /admin/hope-rooms` filters.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct HopeRoomFilter {
    /// A league unit at or below the caller's, or a township or village inside it.
    pub region: Option<String>,
    #[param(inline)]
    pub status: Option<HopeRoomStatus>,
}

/// `GET /api/v1/hope-rooms` (public).
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct PublicRoomFilter {
    /// A region code (province to village); default the whole province.
    #[param(example = "220281")]
    pub region: Option<String>,
}

/// A room.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct HopeRoomView {
    pub id: Uuid,
    pub name: String,
    pub host_kind: RoomHostKind,
    pub school_name: Option<String>,
    pub youth_home_id: Option<Uuid>,
    pub region_code: String,
    pub region_name: String,
    pub features: Vec<RoomFeature>,
    pub beneficiaries_count: i32,
    pub teacher_trainings_count: i32,
    pub status: HopeRoomStatus,
    /// Whether it counts in `hope_rooms_built` (completed or in service).
    pub counted: bool,
    pub local_unit: String,
    pub created_by: Uuid,
    pub accepted_by: Option<Uuid>,
    pub accepted_at: Option<DateTime<FixedOffset>>,
    #[schema(value_type = Option<String>, format = Date)]
    pub completed_on: Option<NaiveDate>,
    pub photos: Vec<MediaLink>,
    pub photos_attestation: bool,
    pub version: i32,
    pub created_at: DateTime<FixedOffset>,
    pub updated_at: DateTime<FixedOffset>,
}

impl HopeRoomView {
    pub fn new(
        r: hope_rooms::Model,
        region_name: String,
        local_unit: String,
        media: &MediaStore,
    ) -> ApiResult<Self> {
        let photos: Vec<String> = json_list("photos", &r.photos)?;
        Ok(Self {
            features: json_list("features", &r.features)?,
            photos: media.links(&photos),
            counted: super::state::counts(r.status),
            id: r.id,
            name: r.name,
            host_kind: r.host_kind,
            school_name: r.school_name,
            youth_home_id: r.youth_home_id,
            region_code: r.region_code,
            region_name,
            beneficiaries_count: r.beneficiaries_count,
            teacher_trainings_count: r.teacher_trainings_count,
            status: r.status,
            local_unit,
            created_by: r.created_by,
            accepted_by: r.accepted_by,
            accepted_at: r.accepted_at.map(to_china),
            completed_on: r.completed_on,
            photos_attestation: r.photos_attestation,
            version: r.version,
            created_at: to_china(r.created_at),
            updated_at: to_china(r.updated_at),
        })
    }
}

/// A room with its timeline.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct HopeRoomDetailView {
    #[serde(flatten)]
    pub room: HopeRoomView,
    pub timeline: Vec<TimelineEntry<HopeRoomStatus, RoomAction>>,
}

/// A completed room on the public list: place, school or Youth Home, features.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PublicHopeRoomView {
    pub id: Uuid,
    pub name: String,
    pub region_code: String,
    pub region_name: String,
    pub host_kind: RoomHostKind,
    pub school_name: Option<String>,
    pub youth_home_name: Option<String>,
    pub features: Vec<RoomFeature>,
    #[schema(value_type = Option<String>, format = Date)]
    pub completed_on: Option<NaiveDate>,
}

/// Rooms per status and beneficiaries of an area or child.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RoomCounts {
    pub total: u64,
    pub by_status: std::collections::BTreeMap<String, u64>,
    /// Completed or in service (whenever completed).
    pub built: u64,
    /// Beneficiaries of the rooms built.
    pub beneficiaries: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RoomStatsChild {
    pub code: String,
    pub name: String,
    pub rooms: RoomCounts,
}

/// `GET /admin/hope-rooms/stats`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct HopeRoomStatsView {
    pub region: String,
    pub region_name: String,
    pub rooms: RoomCounts,
    pub children: Vec<RoomStatsChild>,
}
