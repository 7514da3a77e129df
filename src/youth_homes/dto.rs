//! Requests and views of Youth Homes, their checks and signature projects.
use chrono::{DateTime, FixedOffset, NaiveDate};
use entity::signature_projects::{self, ProjectCategory, ProjectFrequency, ProjectStatus};
use entity::youth_home_checks::{self, CheckResult};
use entity::youth_homes::{self, HomeHostKind, YouthHomeStatus};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use super::state::{HomeAction, ProjectAction};
use crate::error::ApiResult;
use crate::media::{MediaLink, MediaStore};
use crate::talents::queries::json_list;
use crate::time::to_china;
use crate::workflow::TimelineEntry;

/// Register or change a Youth Home.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "name": "天岗镇青年之家", "townshipCode": "220281100", "villageCode": null,
    "address": "天岗镇党群服务中心二楼", "hostKind": "party_service_centre",
    "openedOn": null, "cloudPlatformId": "QNZJ220281001", "photos": []
}))]
pub struct YouthHomeRequest {
    #[validate(custom(
        function = "crate::input::text::visible_length::<2, 64>",
        message = "名称应为2至64个字"
    ))]
    #[schema(min_length = 2, max_length = 64)]
    pub name: String,
    /// A township (乡镇) of the caller's local unit (else 422 `LEVEL`).
    #[schema(example = "220281100")]
    pub township_code: String,
    /// A village under the township (else 422 `LEVEL`).
    #[serde(default)]
    pub village_code: Option<String>,
    #[serde(default)]
    #[validate(length(max = 100, message = "地址不能超过100个字"))]
    #[schema(max_length = 100)]
    pub address: Option<String>,
    pub host_kind: HomeHostKind,
    /// The day it opened (not in the future); also set by the `open` status change.
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    pub opened_on: Option<NaiveDate>,
    /// 青年之家云平台 id, unique (409 `CLOUD_PLATFORM_ID_TAKEN`).
    #[serde(default)]
    #[validate(length(max = 32, message = "云平台编号不能超过32个字符"))]
    #[schema(max_length = 32)]
    pub cloud_platform_id: Option<String>,
    /// Up to 9 keys uploaded with purpose `youth_home`.
    #[serde(default)]
    #[validate(length(max = 9, message = "最多上传9张照片"))]
    #[schema(max_items = 9)]
    pub photos: Vec<String>,
    /// `PUT` only: the version edited.
    #[serde(default)]
    pub version: Option<i32>,
}

/// A status change: `open` (sets `openedOn` to `on`), `suspend`, `resume`, `close`.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"action": "open", "on": "2026-05-04", "reason": null, "version": 2}))]
pub struct HomeStatusChangeRequest {
    pub action: HomeStatusAction,
    /// The day it happened (not in the future).
    #[schema(value_type = String, format = Date)]
    pub on: NaiveDate,
    #[serde(default)]
    #[validate(length(max = 200, message = "原因不能超过200个字"))]
    #[schema(max_length = 200)]
    pub reason: Option<String>,
    /// The version seen.
    #[serde(default)]
    pub version: Option<i32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum HomeStatusAction {
    Open,
    Suspend,
    Resume,
    Close,
}

impl HomeStatusAction {
    pub fn action(self) -> HomeAction {
        match self {
            Self::Open => HomeAction::Open,
            Self::Suspend => HomeAction::Suspend,
            Self::Resume => HomeAction::Resume,
            Self::Close => HomeAction::Close,
        }
    }
}

/// Verify, naming the version checked.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"version": 1}))]
pub struct VerifyRequest {
    pub version: i32,
}

/// A check of a Youth Home.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"checkedOn": "2026-11-20", "result": "fail", "note": "阵地长期未开放", "photos": []}))]
pub struct YouthHomeCheckRequest {
    /// Not in the future.
    #[schema(value_type = String, format = Date)]
    pub checked_on: NaiveDate,
    pub result: CheckResult,
    #[serde(default)]
    #[validate(length(max = 500, message = "检查说明不能超过500个字"))]
    #[schema(max_length = 500)]
    pub note: Option<String>,
    /// Up to 9 keys uploaded with purpose `youth_home`.
    #[serde(default)]
    #[validate(length(max = 9, message = "最多上传9张照片"))]
    #[schema(max_items = 9)]
    pub photos: Vec<String>,
}

/// `GET /admin/youth-homes` filters.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct YouthHomeFilter {
    /// A league unit at or below the caller's, or a township or village inside it.
    pub region: Option<String>,
    #[param(inline)]
    pub status: Option<YouthHomeStatus>,
    pub verified: Option<bool>,
}

/// `GET /admin/youth-homes/stats` and `/admin/hope-rooms/stats`.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct StatsFilter {
    /// A league unit at or below the caller's, or a township inside it.
    pub region: Option<String>,
}

/// `GET /api/v1/youth-homes` (public).
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct PublicHomeFilter {
    /// A township code (9 digits).
    #[param(example = "220281100")]
    pub township: String,
}

/// A check as listed on its home.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct YouthHomeCheckView {
    pub id: Uuid,
    pub checked_by: Uuid,
    pub checked_by_unit_code: String,
    #[schema(value_type = String, format = Date)]
    pub checked_on: NaiveDate,
    pub result: CheckResult,
    pub note: Option<String>,
    pub photos: Vec<MediaLink>,
    pub created_at: DateTime<FixedOffset>,
}

impl YouthHomeCheckView {
    pub fn new(c: youth_home_checks::Model, media: &MediaStore) -> ApiResult<Self> {
        let photos: Vec<String> = json_list("photos", &c.photos)?;
        Ok(Self {
            id: c.id,
            checked_by: c.checked_by,
            checked_by_unit_code: c.checked_by_unit_code,
            checked_on: c.checked_on,
            result: c.result,
            note: c.note,
            photos: media.links(&photos),
            created_at: to_china(c.created_at),
        })
    }
}

/// A Youth Home.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct YouthHomeView {
    pub id: Uuid,
    pub name: String,
    pub township_code: String,
    pub township_name: String,
    pub village_code: Option<String>,
    pub address: Option<String>,
    pub host_kind: HomeHostKind,
    #[schema(value_type = Option<String>, format = Date)]
    pub opened_on: Option<NaiveDate>,
    pub cloud_platform_id: Option<String>,
    pub photos: Vec<MediaLink>,
    pub status: YouthHomeStatus,
    pub verified: bool,
    pub verified_by: Option<Uuid>,
    pub verified_at: Option<DateTime<FixedOffset>>,
    pub last_check_at: Option<DateTime<FixedOffset>>,
    /// Whether it counts in `youth_home_township_coverage` (operating and verified).
    pub counted: bool,
    /// The township's local unit (「蛟河市团委」), which registers and runs it.
    pub local_unit: String,
    pub created_by: Uuid,
    pub version: i32,
    pub created_at: DateTime<FixedOffset>,
    pub updated_at: DateTime<FixedOffset>,
}

impl YouthHomeView {
    pub fn new(
        h: youth_homes::Model,
        township_name: String,
        local_unit: String,
        media: &MediaStore,
    ) -> ApiResult<Self> {
        let photos: Vec<String> = json_list("photos", &h.photos)?;
        Ok(Self {
            counted: super::state::home_counts(h.status, h.verified_at.is_some()),
            verified: h.verified_at.is_some(),
            photos: media.links(&photos),
            id: h.id,
            name: h.name,
            township_code: h.township_code,
            township_name,
            village_code: h.village_code,
            address: h.address,
            host_kind: h.host_kind,
            opened_on: h.opened_on,
            cloud_platform_id: h.cloud_platform_id,
            status: h.status,
            verified_by: h.verified_by,
            verified_at: h.verified_at.map(to_china),
            last_check_at: h.last_check_at.map(to_china),
            local_unit,
            created_by: h.created_by,
            version: h.version,
            created_at: to_china(h.created_at),
            updated_at: to_china(h.updated_at),
        })
    }
}

/// A Youth Home with its checks (newest first) and timeline.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct YouthHomeDetailView {
    #[serde(flatten)]
    pub home: YouthHomeView,
    pub checks: Vec<YouthHomeCheckView>,
    pub timeline: Vec<TimelineEntry<YouthHomeStatus, HomeAction>>,
}

/// A Youth Home on the public list: what the public may know of it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PublicYouthHomeView {
    pub id: Uuid,
    pub name: String,
    pub township_code: String,
    pub township_name: String,
    pub village_code: Option<String>,
    pub address: Option<String>,
    pub host_kind: HomeHostKind,
    #[schema(value_type = Option<String>, format = Date)]
    pub opened_on: Option<NaiveDate>,
    pub cloud_platform_id: Option<String>,
    pub photos: Vec<MediaLink>,
}

/// Counts per status, and verified ones (the area's, and per child).
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RegistryCounts {
    pub total: u64,
    /// Per status code.
    pub by_status: std::collections::BTreeMap<String, u64>,
    pub verified: u64,
    /// Those that count in the KPI (homes: operating and verified; projects: active and verified).
    pub counted: u64,
    /// Townships with at least one that counts.
    pub townships_covered: u64,
}

/// One child area of the stats.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RegistryStatsChild {
    pub code: String,
    pub name: String,
    pub homes: RegistryCounts,
    pub projects: RegistryCounts,
}

/// `GET /admin/youth-homes/stats`: homes and signature projects of an area and its children.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct YouthHomeStatsView {
    pub region: String,
    pub region_name: String,
    pub homes: RegistryCounts,
    pub projects: RegistryCounts,
    pub children: Vec<RegistryStatsChild>,
}

/// Register or change a signature project.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "townshipCode": "220281100", "youthHomeId": null, "name": "“童心港湾”周末课堂",
    "category": "elderly_children_care", "description": "每周六为留守儿童开展课业辅导和兴趣活动",
    "frequency": "weekly", "startedOn": "2026-03-01"
}))]
pub struct SignatureProjectRequest {
    #[schema(example = "220281100")]
    pub township_code: String,
    /// A Youth Home of the same township.
    #[serde(default)]
    pub youth_home_id: Option<Uuid>,
    #[validate(custom(
        function = "crate::input::text::visible_length::<2, 40>",
        message = "项目名称应为2至40个字"
    ))]
    #[schema(min_length = 2, max_length = 40)]
    pub name: String,
    pub category: ProjectCategory,
    #[serde(default)]
    #[validate(length(max = 1000, message = "项目简介不能超过1000个字"))]
    #[schema(max_length = 1000)]
    pub description: Option<String>,
    pub frequency: ProjectFrequency,
    #[schema(value_type = String, format = Date)]
    pub started_on: NaiveDate,
    /// `PUT` only: the version edited.
    #[serde(default)]
    pub version: Option<i32>,
}

/// A project's status change: `start` (sets `startedOn`), `end` (sets `endedOn`).
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"action": "start", "on": "2026-03-01", "version": 1}))]
pub struct ProjectStatusChangeRequest {
    pub action: ProjectStatusAction,
    #[schema(value_type = String, format = Date)]
    pub on: NaiveDate,
    #[serde(default)]
    #[validate(length(max = 200, message = "原因不能超过200个字"))]
    #[schema(max_length = 200)]
    pub reason: Option<String>,
    #[serde(default)]
    pub version: Option<i32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProjectStatusAction {
    Start,
    End,
}

impl ProjectStatusAction {
    pub fn action(self) -> ProjectAction {
        match self {
            Self::Start => ProjectAction::Start,
            Self::End => ProjectAction::End,
        }
    }
}

/// `GET /admin/signature-projects` filters.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct ProjectFilter {
    /// A league unit at or below the caller's, or a township inside it.
    pub region: Option<String>,
    #[param(inline)]
    pub status: Option<ProjectStatus>,
    #[param(inline)]
    pub category: Option<ProjectCategory>,
    pub verified: Option<bool>,
}

/// A signature project.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SignatureProjectView {
    pub id: Uuid,
    pub township_code: String,
    pub township_name: String,
    pub youth_home_id: Option<Uuid>,
    pub name: String,
    pub category: ProjectCategory,
    pub description: Option<String>,
    pub frequency: ProjectFrequency,
    #[schema(value_type = String, format = Date)]
    pub started_on: NaiveDate,
    #[schema(value_type = Option<String>, format = Date)]
    pub ended_on: Option<NaiveDate>,
    pub status: ProjectStatus,
    pub verified: bool,
    pub verified_by: Option<Uuid>,
    pub verified_at: Option<DateTime<FixedOffset>>,
    /// Whether it counts in `signature_project_share` (active and verified).
    pub counted: bool,
    pub local_unit: String,
    pub created_by: Uuid,
    pub version: i32,
    pub created_at: DateTime<FixedOffset>,
    pub updated_at: DateTime<FixedOffset>,
}

impl SignatureProjectView {
    pub fn new(p: signature_projects::Model, township_name: String, local_unit: String) -> Self {
        Self {
            counted: super::state::project_counts(p.status, p.verified_at.is_some()),
            verified: p.verified_at.is_some(),
            id: p.id,
            township_code: p.township_code,
            township_name,
            youth_home_id: p.youth_home_id,
            name: p.name,
            category: p.category,
            description: p.description,
            frequency: p.frequency,
            started_on: p.started_on,
            ended_on: p.ended_on,
            status: p.status,
            verified_by: p.verified_by,
            verified_at: p.verified_at.map(to_china),
            local_unit,
            created_by: p.created_by,
            version: p.version,
            created_at: to_china(p.created_at),
            updated_at: to_china(p.updated_at),
        }
    }
}

/// A project with its timeline.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SignatureProjectDetailView {
    #[serde(flatten)]
    pub project: SignatureProjectView,
    pub timeline: Vec<TimelineEntry<ProjectStatus, ProjectAction>>,
}
