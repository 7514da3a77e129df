use chrono::{DateTime, FixedOffset, NaiveDate};
use entity::{training_enrollments, trainings};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use super::rules::{Category, EnrollmentStatus, TrainingStatus};
use super::state::{self, EnrollmentFacts};
use crate::choices::Labelled;
use crate::time::to_china;
use crate::workflow::NextStep;

/// A training as a cadre publishes or edits it (PUT replaces every field).
#[derive(Debug, Serialize, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "title": "农村青年电商直播带货培训班", "category": "ecommerce_livestream",
    "description": "短视频与直播带货实操", "regionCode": "220102", "venue": "南关区青年之家",
    "startsAt": "2026-12-10T09:00:00+08:00", "endsAt": "2026-12-10T17:00:00+08:00",
    "signupDeadline": "2026-12-08T18:00:00+08:00", "capacity": 50,
    "requiresVerified": false, "waitlistOpen": true, "offerValidMinutes": 2880}))]
pub struct TrainingRequest {
    #[validate(custom(
        function = "crate::input::text::visible_length::<1, 64>",
        message = "培训名称长度应为1至64个字符"
    ))]
    #[schema(min_length = 1, max_length = 64)]
    pub title: String,
    pub category: Category,
    #[validate(length(max = 4000, message = "培训介绍不能超过4000个字符"))]
    #[schema(max_length = 4000)]
    #[serde(default)]
    pub description: String,
    /// Organiser region (province, city or county code): youth living inside it may sign up.
    #[schema(example = "220102")]
    pub region_code: String,
    /// Where it takes place (a venue, or an online link, or both).
    #[validate(length(max = 128, message = "培训地点不能超过128个字符"))]
    #[schema(max_length = 128)]
    pub venue: Option<String>,
    #[validate(
        url(message = "线上链接格式不正确"),
        length(max = 256, message = "线上链接不能超过256个字符")
    )]
    #[schema(max_length = 256, example = "https://live.example.cn/room/1")]
    pub online_url: Option<String>,
    pub starts_at: DateTime<FixedOffset>,
    pub ends_at: DateTime<FixedOffset>,
    /// Last moment to sign up (not after the end).
    pub signup_deadline: DateTime<FixedOffset>,
    #[validate(range(min = 1, max = 100000, message = "名额应为1至100000"))]
    #[schema(minimum = 1, maximum = 100000)]
    pub capacity: i32,
    /// Only youth whose talent profile a cadre has verified may sign up.
    #[serde(default)]
    pub requires_verified: bool,
    /// When full, further sign-ups join a waiting list (otherwise they are refused).
    #[serde(default = "yes")]
    pub waitlist_open: bool,
    /// How long a freed seat is held for the next person waiting (default 2880 = 48 hours).
    #[validate(range(min = 1, max = 20160, message = "候补确认时限应为1至20160分钟"))]
    #[schema(minimum = 1, maximum = 20160, example = 2880)]
    pub offer_valid_minutes: Option<i32>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Serialize, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CancelTrainingRequest {
    /// Why, shown to every participant.
    #[validate(custom(
        function = "crate::input::text::visible_length::<2, 200>",
        message = "取消原因长度应为2至200个字符"
    ))]
    #[schema(min_length = 2, max_length = 200, example = "因天气原因延期举办")]
    pub reason: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TrainingView {
    pub id: Uuid,
    pub title: String,
    pub category: Category,
    #[schema(example = "电商直播")]
    pub category_label: String,
    pub description: String,
    pub region_code: String,
    pub venue: Option<String>,
    pub online_url: Option<String>,
    pub starts_at: DateTime<FixedOffset>,
    pub ends_at: DateTime<FixedOffset>,
    pub signup_deadline: DateTime<FixedOffset>,
    pub capacity: i32,
    /// Seats neither taken nor held for someone on the waiting list.
    pub seats_left: i32,
    pub requires_verified: bool,
    pub waitlist_open: bool,
    pub offer_valid_minutes: i32,
    pub status: TrainingStatus,
    /// Why it was cancelled (shown to participants).
    pub cancel_reason: Option<String>,
    /// Published and the sign-up deadline has not passed.
    pub signup_open: bool,
    /// Revision: every edit and the cancellation add one.
    pub version: i32,
    pub created_at: DateTime<FixedOffset>,
}

impl TrainingView {
    pub fn new(t: trainings::Model, now: chrono::DateTime<chrono::Utc>) -> Self {
        Self {
            id: t.id,
            category: t.category,
            category_label: t.category.label().to_owned(),
            signup_open: t.status == TrainingStatus::Published && now <= t.signup_deadline,
            seats_left: (t.capacity - t.taken).max(0),
            title: t.title,
            description: t.description,
            region_code: t.region_code,
            venue: t.venue,
            online_url: t.online_url,
            starts_at: to_china(t.starts_at),
            ends_at: to_china(t.ends_at),
            signup_deadline: to_china(t.signup_deadline),
            capacity: t.capacity,
            requires_verified: t.requires_verified,
            waitlist_open: t.waitlist_open,
            offer_valid_minutes: t.offer_valid_minutes,
            status: t.status,
            cancel_reason: t.cancel_reason,
            version: t.version,
            created_at: to_china(t.created_at),
        }
    }
}

/// One training category as choice lists show it (`{value, label}`, like every choice list).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"value": "ecommerce_livestream", "label": "电商直播"}))]
pub struct TrainingCategoryChoice {
    pub value: Category,
    pub label: String,
}

/// Filters of the training lists.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct TrainingFilter {
    pub category: Option<Category>,
    /// `open` (sign-up still possible), `closed` (deadline passed) or `cancelled`; default: not cancelled.
    #[param(inline)]
    pub status: Option<TrainingPhase>,
    /// Starting on or after this China-time date.
    #[param(value_type = Option<String>, format = Date, example = "2026-12-01")]
    pub from: Option<NaiveDate>,
    /// Starting on or before this China-time date.
    #[param(value_type = Option<String>, format = Date, example = "2026-12-31")]
    pub to: Option<NaiveDate>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TrainingPhase {
    Open,
    Closed,
    Cancelled,
}

/// One person's enrollment, with the training's essentials.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EnrollmentView {
    pub id: Uuid,
    pub training_id: Uuid,
    pub training_title: String,
    pub training_category: Category,
    pub training_starts_at: DateTime<FixedOffset>,
    pub training_ends_at: DateTime<FixedOffset>,
    pub training_status: TrainingStatus,
    /// Why the training was cancelled.
    pub training_cancel_reason: Option<String>,
    pub status: EnrollmentStatus,
    #[schema(example = "已报名")]
    pub status_label: String,
    /// 1 = next in line (waiting only).
    pub waitlist_position: Option<u64>,
    /// Accept before this (offered only).
    pub offer_expires_at: Option<DateTime<FixedOffset>>,
    pub checked_in_at: Option<DateTime<FixedOffset>>,
    pub completed_at: Option<DateTime<FixedOffset>>,
    pub created_at: DateTime<FixedOffset>,
    /// What the youth does or waits for next; null when nothing is left to do.
    pub next_step: Option<NextStep>,
}

impl EnrollmentView {
    pub fn new(
        e: training_enrollments::Model,
        t: &trainings::Model,
        waitlist_position: Option<u64>,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Self {
        let status = e.status;
        let next_step = state::next_step(
            &EnrollmentFacts {
                status,
                offer_expires_at: e.offer_expires_at,
                checked_in: e.checked_in_at.is_some(),
                completed: e.completed_at.is_some(),
                training_status: t.status,
                training_ends_at: t.ends_at,
                organiser: state::organiser_level(t),
            },
            now,
        );
        Self {
            id: e.id,
            training_id: t.id,
            training_title: t.title.clone(),
            training_category: t.category,
            training_starts_at: to_china(t.starts_at),
            training_ends_at: to_china(t.ends_at),
            training_status: t.status,
            training_cancel_reason: t.cancel_reason.clone(),
            status,
            status_label: status.label().to_owned(),
            waitlist_position,
            offer_expires_at: e.offer_expires_at.map(to_china),
            checked_in_at: e.checked_in_at.map(to_china),
            completed_at: e.completed_at.map(to_china),
            created_at: to_china(e.created_at),
            next_step,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct MyEnrollmentFilter {
    /// Only completed trainings (the youth's training record).
    pub completed: Option<bool>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CheckInCodeView {
    /// Show as a QR code; it changes every `rotationSeconds`.
    #[schema(example = "29876543.1a2b3c4d5e6f7a8b")]
    pub code: String,
    pub expires_at: DateTime<FixedOffset>,
    #[schema(example = 60)]
    pub rotation_seconds: i64,
}

#[derive(Debug, Serialize, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CheckInRequest {
    /// The code scanned from the organiser's screen.
    #[validate(custom(
        function = "crate::input::text::visible_length::<1, 64>",
        message = "签到码不能为空"
    ))]
    #[schema(min_length = 1, max_length = 64)]
    pub code: String,
    /// Random per attempt, kept by the app across retries: a repeat is not a second check-in.
    #[validate(custom(
        function = "crate::input::text::visible_length::<8, 64>",
        message = "nonce长度应为8至64个字符"
    ))]
    #[schema(
        min_length = 8,
        max_length = 64,
        example = "b1946ac92492d2347c6235b4d2611184"
    )]
    pub nonce: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CheckInView {
    pub training_id: Uuid,
    pub enrollment_id: Uuid,
    pub checked_in_at: DateTime<FixedOffset>,
    pub nonce: String,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CompletionRequest {
    /// Enrollments to mark as completed.
    #[serde(default)]
    #[validate(length(max = 1000, message = "一次最多标记1000人"))]
    #[schema(max_items = 1000)]
    pub enrollment_ids: Vec<Uuid>,
    /// Also mark everyone enrolled who checked in.
    #[serde(default)]
    pub from_attendance: bool,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CompletionResult {
    /// Newly marked as completed by this call.
    pub marked: u64,
    /// Completed in total for this training.
    pub completed_total: u64,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct ParticipantFilter {
    /// Default: everyone holding or waiting for a seat (enrolled, offered, waiting). People who
    /// left are listed on request: `cancelled` (left by themselves), `lapsed` (let an offer
    /// expire), `training_cancelled`, or `all`.
    #[param(inline)]
    pub status: Option<ParticipantStatus>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ParticipantStatus {
    Enrolled,
    Waiting,
    Offered,
    CheckedIn,
    Completed,
    Cancelled,
    Lapsed,
    TrainingCancelled,
    /// Everyone who ever signed up, whatever became of it.
    All,
}

/// A participant as a cadre sees them: personal data masked.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ParticipantView {
    pub enrollment_id: Uuid,
    #[schema(example = "张**")]
    pub name: String,
    #[schema(example = "138****1234")]
    pub phone: String,
    pub home_region_code: String,
    pub status: EnrollmentStatus,
    pub waitlist_position: Option<u64>,
    pub offer_expires_at: Option<DateTime<FixedOffset>>,
    pub checked_in_at: Option<DateTime<FixedOffset>>,
    pub completed_at: Option<DateTime<FixedOffset>>,
    pub signed_up_at: DateTime<FixedOffset>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct StatsQuery {
    /// Region to count for (default: the cadre's own); completions count by the youth's home region.
    #[param(example = "220100")]
    pub region: Option<String>,
    /// Completed on or after this China-time date.
    #[param(value_type = Option<String>, format = Date)]
    pub from: Option<NaiveDate>,
    /// Completed on or before this China-time date.
    #[param(value_type = Option<String>, format = Date)]
    pub to: Option<NaiveDate>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TrainingCategoryCount {
    pub category: Category,
    pub label: String,
    /// Trainings organised by this region or any region inside it (not cancelled).
    pub trainings: u64,
    /// Completions (trainee-times) by youth living in the region.
    pub completions: u64,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RegionCount {
    pub region_code: String,
    pub region_name: String,
    pub completions: u64,
    /// Of which 电商直播 (the e-commerce trainee-times target).
    pub ecommerce_completions: u64,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TrainingStats {
    pub region_code: String,
    pub total_completions: u64,
    pub by_category: Vec<TrainingCategoryCount>,
    /// Completions per region one level down.
    pub by_region: Vec<RegionCount>,
}
