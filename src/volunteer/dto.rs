use chrono::{DateTime, FixedOffset, NaiveDate};
use entity::{
    volunteer_activities as activities, volunteer_certificates as certificates,
    volunteer_corrections as corrections, volunteer_hour_entries as entries,
    volunteer_reports as reports,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use super::rules::{Category, EntrySource};
use super::state::{ActivityAction, ReportAction};
use crate::choices::Labelled;
use crate::crypto::{mask_id_number, mask_name};
use crate::error::{ApiError, ApiResult};
use crate::media::{MediaLink, MediaStore};
use crate::time::to_china;
use crate::workflow::{NextStep, TimelineEntry};
use entity::volunteer_activities::ActivityStatus;
use entity::volunteer_corrections::CorrectionStatus;
use entity::volunteer_reports::ReportStatus;
use entity::volunteer_signups::SignupStatus;

#[derive(Debug, Serialize, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"category": "river_patrol", "title": "伊通河巡河护河", "description": "沿河捡拾垃圾、劝导游客", "place": "南关区伊通河南岭段", "latitude": 43.8601, "longitude": 125.3402, "radiusM": 500, "regionCode": "220102", "startsAt": "2026-12-05T09:00:00+08:00", "endsAt": "2026-12-05T12:00:00+08:00", "wanted": 20, "openToAll": false}))]
/// An activity as the organiser publishes it (`POST`) or replaces it (`PUT`, with `version`).
pub struct ActivityRequest {
    pub category: Category,
    #[validate(custom(
        function = "crate::input::text::visible_length::<2, 64>",
        message = "活动名称长度应为2至64个字"
    ))]
    #[schema(min_length = 2, max_length = 64)]
    pub title: String,
    #[validate(length(max = 2000, message = "活动说明不能超过2000字"))]
    #[schema(max_length = 2000)]
    pub description: String,
    #[validate(custom(
        function = "crate::input::text::visible_length::<2, 128>",
        message = "活动地点长度应为2至128个字"
    ))]
    #[schema(min_length = 2, max_length = 128)]
    pub place: String,
    /// Optional check-in point (degrees); with `radiusM`, check-ins must come from inside it.
    #[schema(minimum = -90, maximum = 90)]
    pub latitude: Option<f64>,
    #[schema(minimum = -180, maximum = 180)]
    pub longitude: Option<f64>,
    /// 50–50,000 metres.
    #[validate(range(min = 50, max = 50000, message = "签到范围应为50至50000米"))]
    #[schema(minimum = 50, maximum = 50000)]
    pub radius_m: Option<i32>,
    /// The organiser's region or a region inside it (default: the organiser's own).
    pub region_code: Option<String>,
    pub starts_at: DateTime<FixedOffset>,
    pub ends_at: DateTime<FixedOffset>,
    /// Volunteers wanted, 1–10,000; when editing, not below the number signed up.
    #[validate(range(min = 1, max = 10000, message = "招募人数应为1至10000"))]
    #[schema(minimum = 1, maximum = 10000)]
    pub wanted: i32,
    /// Youth from anywhere may sign up. Default false: only youth whose home lies in the
    /// organising unit (the organiser's).
    #[serde(default)]
    pub open_to_all: bool,
    /// Editing only (required there): the `version` the organiser looked at; when the activity
    /// changed since, 409 `ACTIVITY_CHANGED`.
    #[schema(minimum = 1)]
    #[serde(default)]
    pub version: Option<i32>,
}

/// Why an activity is called off, told to everyone signed up.
#[derive(Debug, Serialize, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"reason": "因天气原因取消", "version": 2}))]
pub struct CancelActivityRequest {
    #[validate(custom(
        function = "crate::input::text::visible_length::<2, 200>",
        message = "取消原因长度应为2至200个字符"
    ))]
    #[schema(min_length = 2, max_length = 200)]
    pub reason: String,
    /// The `version` the organiser looked at (optional).
    #[schema(minimum = 1)]
    #[serde(default)]
    pub version: Option<i32>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ActivityView {
    pub id: Uuid,
    pub region_code: String,
    pub category: Category,
    pub category_label: String,
    pub title: String,
    pub description: String,
    pub place: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub radius_m: Option<i32>,
    pub starts_at: DateTime<FixedOffset>,
    pub ends_at: DateTime<FixedOffset>,
    pub wanted: i32,
    pub signed_up: i32,
    pub status: ActivityStatus,
    #[schema(example = "已发布")]
    pub status_label: String,
    /// Send it back when editing or cancelling.
    pub version: i32,
    /// Youth from anywhere may sign up.
    pub open_to_all: bool,
    /// The organising league unit; unless `openToAll`, only youth living in it may sign up.
    pub unit_code: Option<String>,
    /// Who may sign up, for people (「仅限共青团南关区委员会所辖地区的青年报名」).
    #[schema(example = "仅限共青团南关区委员会所辖地区的青年报名")]
    pub eligibility: String,
    /// Why the organiser cancelled it.
    pub cancel_reason: Option<String>,
}

/// Who may sign up, in words, given the organising unit's name (None: open to all).
pub fn eligibility_text(open_to_all: bool, unit_name: Option<&str>) -> String {
    match (open_to_all, unit_name) {
        (true, _) => "面向全省青年开放报名".to_owned(),
        (false, None) => "仅限活动组织单位所辖地区的青年报名".to_owned(),
        (false, Some(unit)) => format!("仅限{unit}所辖地区的青年报名"),
    }
}

impl From<activities::Model> for ActivityView {
    fn from(a: activities::Model) -> Self {
        Self {
            id: a.id,
            unit_code: a.unit_code.or_else(|| Some(a.region_code.clone())),
            category_label: a.category.label().to_owned(),
            category: a.category,
            region_code: a.region_code,
            title: a.title,
            description: a.description,
            place: a.place,
            latitude: a.lat_e6.map(|v| v as f64 / 1e6),
            longitude: a.lng_e6.map(|v| v as f64 / 1e6),
            radius_m: a.radius_m,
            starts_at: to_china(a.starts_at),
            ends_at: to_china(a.ends_at),
            wanted: a.wanted,
            signed_up: a.signed_up,
            status_label: a.status.label().to_owned(),
            status: a.status,
            version: a.version,
            // Filled in with the unit's name by `activities::with_eligibility`.
            eligibility: eligibility_text(a.open_to_all, None),
            open_to_all: a.open_to_all,
            cancel_reason: a.cancel_reason,
        }
    }
}

/// An activity as its organisers see it, with its history.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ActivityDetailView {
    #[serde(flatten)]
    pub activity: ActivityView,
    /// Oldest first: publication, edits, cancellation.
    pub timeline: Vec<TimelineEntry<ActivityStatus, ActivityAction>>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct AdminActivityFilter {
    /// Only activities with this status.
    #[param(inline)]
    pub status: Option<ActivityStatus>,
    /// Only the caller's own activities (default: every activity of their unit).
    pub mine: Option<bool>,
    /// Also list activities that have ended (default true for organisers).
    pub include_past: Option<bool>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct ActivityFilter {
    /// Only activities inside this region.
    pub region: Option<String>,
    /// Also list activities that have ended (default false).
    pub include_past: Option<bool>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SignupView {
    pub id: Uuid,
    pub activity_id: Uuid,
    /// `activity_cancelled` once the organiser called the activity off.
    pub status: SignupStatus,
    pub checked_in_at: Option<DateTime<FixedOffset>>,
    pub checked_out_at: Option<DateTime<FixedOffset>>,
    /// The ledger entry written at check-out.
    pub entry_id: Option<Uuid>,
}

impl From<entity::volunteer_signups::Model> for SignupView {
    fn from(s: entity::volunteer_signups::Model) -> Self {
        Self {
            id: s.id,
            activity_id: s.activity_id,
            status: s.status,
            checked_in_at: s.checked_in_at.map(to_china),
            checked_out_at: s.checked_out_at.map(to_china),
            entry_id: s.entry_id,
        }
    }
}

/// One of the caller's sign-ups, with the activity it is for.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MySignupView {
    pub id: Uuid,
    pub activity_id: Uuid,
    /// `activity_cancelled` once the organiser called the activity off.
    pub status: SignupStatus,
    #[schema(example = "河小青巡河护河志愿行动")]
    pub activity_title: String,
    pub activity_category: Category,
    pub activity_place: String,
    pub activity_starts_at: DateTime<FixedOffset>,
    pub activity_ends_at: DateTime<FixedOffset>,
    pub checked_in_at: Option<DateTime<FixedOffset>>,
    pub checked_out_at: Option<DateTime<FixedOffset>>,
    /// The ledger entry written at check-out.
    pub entry_id: Option<Uuid>,
}

impl MySignupView {
    pub fn new(
        s: entity::volunteer_signups::Model,
        a: &entity::volunteer_activities::Model,
    ) -> Self {
        Self {
            id: s.id,
            activity_id: s.activity_id,
            status: s.status,
            activity_title: a.title.clone(),
            activity_category: a.category,
            activity_place: a.place.clone(),
            activity_starts_at: to_china(a.starts_at),
            activity_ends_at: to_china(a.ends_at),
            checked_in_at: s.checked_in_at.map(to_china),
            checked_out_at: s.checked_out_at.map(to_china),
            entry_id: s.entry_id,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct CodeQuery {
    /// `in` for check-in, `out` for check-out.
    #[param(inline)]
    pub kind: CodeKind,
}

#[derive(Debug, Clone, Copy, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum CodeKind {
    In,
    Out,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CodeView {
    /// Show as a QR code; it rotates every minute.
    pub code: String,
    pub expires_at: DateTime<FixedOffset>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ScanRequest {
    /// The organiser's current code.
    #[validate(custom(
        function = "crate::input::text::visible_length::<1, 64>",
        message = "请扫描组织者的签到码"
    ))]
    #[schema(min_length = 1, max_length = 64)]
    pub code: String,
    /// The phone's position (degrees); required when the activity has a check-in area. Only
    /// compared with the area, never stored.
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MakeupRequest {
    pub user_id: Uuid,
    /// When the volunteer actually left (not later than now).
    pub checked_out_at: DateTime<FixedOffset>,
    #[validate(custom(
        function = "crate::input::text::visible_length::<2, 200>",
        message = "请说明补录原因（2至200字）"
    ))]
    #[schema(min_length = 2, max_length = 200)]
    pub reason: String,
}

#[derive(Debug, Serialize, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"category": "rural_teaching", "content": "村小暑期支教", "place": "九台区其塔木镇中心小学", "servedAt": "2026-11-20T08:30:00+08:00", "minutes": 240, "description": "为三年级学生上数学课", "photos": ["0192f4c1a7e24b7d9a5a3c1f2e8d7b6a"]}))]
pub struct CreateReportRequest {
    pub category: Category,
    /// What was done.
    #[validate(custom(
        function = "crate::input::text::visible_length::<2, 128>",
        message = "服务内容长度应为2至128个字"
    ))]
    #[schema(min_length = 2, max_length = 128)]
    pub content: String,
    #[validate(custom(
        function = "crate::input::text::visible_length::<2, 128>",
        message = "服务地点长度应为2至128个字"
    ))]
    #[schema(min_length = 2, max_length = 128)]
    pub place: String,
    /// When the service began (not in the future).
    pub served_at: DateTime<FixedOffset>,
    /// 1–1440 minutes.
    #[validate(range(min = 1, max = 1440, message = "服务时长应为1至1440分钟"))]
    #[schema(minimum = 1, maximum = 1440)]
    pub minutes: i32,
    #[validate(length(max = 2000, message = "说明不能超过2000字"))]
    #[schema(max_length = 2000)]
    pub description: String,
    /// Up to 9 photos: keys from `POST /api/v1/media` with purpose `volunteer_report`, uploaded
    /// by the caller and not used elsewhere (else 422 `MEDIA_KEY_INVALID` on `photos[i]`).
    #[validate(length(max = 9, message = "最多上传9张照片"))]
    #[schema(max_items = 9)]
    #[serde(default)]
    pub photos: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReportView {
    pub id: Uuid,
    pub region_code: String,
    pub category: Category,
    pub content: String,
    pub place: String,
    pub served_at: DateTime<FixedOffset>,
    pub minutes: i32,
    pub description: String,
    /// The photos, each with a signed URL that works for 10 minutes.
    pub photos: Vec<MediaLink>,
    pub status: ReportStatus,
    pub review_reason: Option<String>,
    pub entry_id: Option<Uuid>,
    /// Revision; a reviewer may send it back with the decision.
    pub version: i32,
    pub created_at: DateTime<FixedOffset>,
}

/// A report as a cadre sees it by id, with its history.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReportDetailView {
    #[serde(flatten)]
    pub report: ReportView,
    /// Oldest first (reviewers named).
    pub timeline: Vec<TimelineEntry<ReportStatus, ReportAction>>,
}

/// The youth's own report, with its history and what happens next.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MyReportView {
    #[serde(flatten)]
    pub report: ReportView,
    /// Oldest first; a reviewing cadre appears as their league unit, the youth as 「本人」.
    pub timeline: Vec<TimelineEntry<ReportStatus, ReportAction>>,
    /// Null once decided.
    pub next_step: Option<NextStep>,
}

impl ReportView {
    /// The view of a report, with signed URLs for its photos.
    pub fn new(r: reports::Model, media: &MediaStore) -> Self {
        let photos: Vec<String> = serde_json::from_str(&r.photos).unwrap_or_default();
        Self {
            id: r.id,
            region_code: r.region_code,
            category: r.category,
            content: r.content,
            place: r.place,
            served_at: to_china(r.served_at),
            minutes: r.minutes,
            description: r.description,
            photos: media.links(&photos),
            status: r.status,
            review_reason: r.review_reason,
            entry_id: r.entry_id,
            version: r.version,
            created_at: to_china(r.created_at),
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct StatusFilter {
    /// pending (default) | approved | rejected (reports and corrections share these values).
    #[param(inline, value_type = Option<entity::volunteer_reports::ReportStatus>)]
    pub status: Option<String>,
}

impl StatusFilter {
    /// The requested status, `default` when none is given.
    pub fn status<T: sea_orm::ActiveEnum<Value = String>>(&self, default: T) -> ApiResult<T> {
        match self.status.as_deref() {
            None => Ok(default),
            Some(code) => crate::choices::parse(code).ok_or_else(|| {
                ApiError::field(
                    "status",
                    "INVALID_VALUE",
                    "状态只能是pending、approved或rejected",
                )
            }),
        }
    }
}

#[derive(Debug, Serialize, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CorrectionRequest {
    pub entry_id: Uuid,
    /// What the entry should count, in minutes.
    #[validate(range(min = 0, max = 1440, message = "时长应为0至1440分钟"))]
    #[schema(minimum = 0, maximum = 1440)]
    pub minutes: i32,
    #[validate(custom(
        function = "crate::input::text::visible_length::<2, 200>",
        message = "请说明更正理由（2至200字）"
    ))]
    #[schema(min_length = 2, max_length = 200)]
    pub reason: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CorrectionView {
    pub id: Uuid,
    pub entry_id: Uuid,
    pub requested_minutes: i32,
    pub reason: String,
    pub status: CorrectionStatus,
    pub decision_reason: Option<String>,
    pub result_entry_id: Option<Uuid>,
    /// Revision; a reviewer may send it back with the decision.
    pub version: i32,
    pub created_at: DateTime<FixedOffset>,
}

impl From<corrections::Model> for CorrectionView {
    fn from(c: corrections::Model) -> Self {
        Self {
            id: c.id,
            entry_id: c.entry_id,
            requested_minutes: c.requested_minutes,
            reason: c.reason,
            status: c.status,
            decision_reason: c.decision_reason,
            result_entry_id: c.result_entry_id,
            version: c.version,
            created_at: to_china(c.created_at),
        }
    }
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RevocationRequest {
    #[validate(custom(
        function = "crate::input::text::visible_length::<2, 200>",
        message = "请说明撤销理由（2至200字）"
    ))]
    #[schema(min_length = 2, max_length = 200)]
    pub reason: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EntryView {
    pub id: Uuid,
    /// Signed: reversing entries are negative.
    pub minutes: i32,
    pub source: EntrySource,
    pub category: Category,
    pub content: String,
    pub region_code: String,
    pub served_at: DateTime<FixedOffset>,
    pub activity_id: Option<Uuid>,
    pub reverses_entry_id: Option<Uuid>,
    pub reason: Option<String>,
    /// Who recorded it.
    pub actor_id: Uuid,
    pub created_at: DateTime<FixedOffset>,
}

impl From<entries::Model> for EntryView {
    fn from(e: entries::Model) -> Self {
        Self {
            id: e.id,
            minutes: e.minutes,
            source: e.source,
            category: e.category,
            content: e.content,
            region_code: e.region_code,
            served_at: to_china(e.served_at),
            activity_id: e.activity_id,
            reverses_entry_id: e.reverses_entry_id,
            reason: e.reason,
            actor_id: e.actor_id,
            created_at: to_china(e.created_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct YearMinutes {
    pub year: i32,
    pub minutes: i64,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SummaryView {
    /// Verified minutes in total.
    pub total_minutes: i64,
    /// By China-time year of service, newest first.
    pub by_year: Vec<YearMinutes>,
    /// 0–5 stars.
    pub stars: u8,
    /// Minutes to the next star; null at the top level.
    pub minutes_to_next_star: Option<i64>,
    /// Thresholds in hours in force.
    pub star_thresholds_hours: Vec<u32>,
    /// Self-reports waiting for review.
    pub pending_reports: u64,
    /// The ledger, newest first.
    pub records: Vec<EntryView>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CertificateRequest {
    /// First day (China time), inclusive.
    pub from: NaiveDate,
    /// Last day, inclusive; not after today.
    pub to: NaiveDate,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CertificateView {
    /// Check it at `GET /api/v1/certificates/{number}`.
    pub number: String,
    /// Masked on the public check.
    pub name: String,
    pub id_number_masked: String,
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    pub minutes: i32,
    pub content: String,
    pub issuer: String,
    pub issued_at: DateTime<FixedOffset>,
}

impl CertificateView {
    pub fn public(c: certificates::Model) -> Self {
        let mut v = Self::owner(c);
        v.name = mask_name(&v.name);
        v
    }

    pub fn owner(c: certificates::Model) -> Self {
        Self {
            number: c.number,
            name: c.real_name,
            id_number_masked: c.id_number_masked,
            period_from: c.period_from,
            period_to: c.period_to,
            minutes: c.minutes,
            content: c.content,
            issuer: c.issuer,
            issued_at: to_china(c.issued_at),
        }
    }
}

pub fn masked_id(id: &str) -> String {
    mask_id_number(id)
}

/// One volunteer category as choice lists show it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"value": "river_patrol", "label": "河小青巡河护河"}))]
pub struct VolunteerCategoryChoice {
    pub value: Category,
    pub label: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RosterLine {
    pub user_id: Uuid,
    /// Masked real name.
    pub name: String,
    pub checked_in_at: Option<DateTime<FixedOffset>>,
    pub checked_out_at: Option<DateTime<FixedOffset>>,
    pub entry_id: Option<Uuid>,
}
