//! Request and response bodies of the mentoring endpoints.
use chrono::{DateTime, FixedOffset};
use entity::mentor_profiles::{self, Expertise, MentorStatus, ServiceMode};
use entity::mentoring_records::{self, RecordMode, RecordStatus};
use entity::mentorship_requests::{DeclineReason, RequestKind};
use entity::youth_organisations::{self, OrgKind, OrgLevel, OrgStatus};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use super::queries::json_list;
use super::state::MentorProfileAction;
use crate::choices::Choice;
use crate::error::ApiResult;
use crate::media::{MediaLink, MediaStore};
use crate::talents::choices::Industry;
use crate::time::to_china;
use crate::workflow::{NextStep, TimelineEntry};

/// Capacity bounds of a mentor (active long-term mentees).
pub const CAPACITY_MIN: i32 = 1;
pub const CAPACITY_MAX: i32 = 20;
pub const CAPACITY_DEFAULT: i32 = 5;

/// `PUT /me/mentor-profile`: apply, or change the profile.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "realName": "王建国", "organisation": "吉林农业大学", "title": "副教授",
    "expertise": ["cultivation", "management"], "industries": ["planting"],
    "bio": "从事玉米栽培技术推广二十年。", "serviceUnitCode": "220102",
    "serviceModes": ["online", "on_site"], "capacity": 5, "accepting": true,
    "acceptingConsultations": true, "consent": true, "consentVersion": "2026-12", "version": null
}))]
pub struct MentorProfileRequest {
    /// 1–20 characters.
    #[validate(custom(
        function = "crate::input::text::visible_length::<1, 20>",
        message = "姓名应为1至20个字"
    ))]
    #[schema(min_length = 1, max_length = 20)]
    pub real_name: String,
    /// 单位, ≤64.
    #[validate(length(max = 64, message = "单位不能超过64个字"))]
    #[schema(max_length = 64)]
    #[serde(default)]
    pub organisation: Option<String>,
    /// 职务, ≤64.
    #[validate(length(max = 64, message = "职务不能超过64个字"))]
    #[schema(max_length = 64)]
    #[serde(default)]
    pub title: Option<String>,
    /// 1–5 expertise codes.
    #[validate(length(min = 1, max = 5, message = "请选择1至5项专长"))]
    #[schema(min_items = 1, max_items = 5)]
    pub expertise: Vec<Expertise>,
    /// 0–5 talent industry codes.
    #[validate(length(max = 5, message = "最多选择5个产业"))]
    #[schema(max_items = 5)]
    #[serde(default)]
    pub industries: Vec<Industry>,
    /// ≤500 characters.
    #[validate(length(max = 500, message = "简介不能超过500个字"))]
    #[schema(max_length = 500)]
    #[serde(default)]
    pub bio: String,
    /// A league unit (the province, a top-level unit or a county unit): youth whose home
    /// region it covers may ask this mentor.
    #[schema(example = "220102")]
    pub service_unit_code: String,
    /// At least one mode.
    #[validate(length(min = 1, max = 3, message = "请至少选择一种服务方式"))]
    #[schema(min_items = 1, max_items = 3)]
    pub service_modes: Vec<ServiceMode>,
    /// Active long-term mentees at most, 1–20 (default 5).
    #[validate(range(min = 1, max = 20, message = "帮带名额应为1至20人"))]
    #[schema(minimum = 1, maximum = 20)]
    #[serde(default = "default_capacity")]
    pub capacity: i32,
    /// Accepts new long-term requests (暂停接收 when false).
    #[serde(default = "yes")]
    pub accepting: bool,
    /// Accepts new consultations.
    #[serde(default = "yes")]
    pub accepting_consultations: bool,
    /// The mentor agrees that the profile is shown to youth and their phone given to accepted
    /// mentees: must be true.
    #[serde(default)]
    pub consent: bool,
    /// `consents.mentorProfile.version` of `GET /mentor-options`.
    #[serde(default)]
    pub consent_version: String,
    /// The profile version the mentor edited (required once a profile exists; a stale one is
    /// 409 `PROFILE_CHANGED`).
    #[serde(default)]
    pub version: Option<i32>,
}

fn default_capacity() -> i32 {
    CAPACITY_DEFAULT
}

fn yes() -> bool {
    true
}

/// A league unit, named.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UnitRef {
    pub code: String,
    pub name: String,
}

/// A certified mentor as youth see them.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "id": "0193a0a0-0000-7000-8000-000000000001", "name": "王建国", "organisation": "吉林农业大学",
    "title": "副教授", "expertise": ["cultivation"], "industries": ["planting"],
    "bio": "从事玉米栽培技术推广二十年。",
    "serviceUnit": {"code": "220102", "name": "共青团南关区委员会"}, "modes": ["online"],
    "capacity": 5, "seatsLeft": 2, "accepting": true, "acceptingConsultations": true,
    "medianResponseHours": 6, "completedMentorships": 4, "averageRatingTenths": 47
}))]
pub struct MentorView {
    pub id: Uuid,
    pub name: String,
    pub organisation: Option<String>,
    pub title: Option<String>,
    pub expertise: Vec<Expertise>,
    pub industries: Vec<Industry>,
    pub bio: String,
    pub service_unit: UnitRef,
    pub modes: Vec<ServiceMode>,
    pub capacity: i32,
    /// `max(0, capacity − active long-term mentees)`.
    pub seats_left: i32,
    /// Accepts new long-term requests.
    pub accepting: bool,
    pub accepting_consultations: bool,
    /// Median hours from a request reaching the mentor to the answer (null before the first).
    pub median_response_hours: Option<i32>,
    pub completed_mentorships: i32,
    /// Average rating × 10, rounded down (47 = 4.7★); null below 3 ratings.
    pub average_rating_tenths: Option<i32>,
}

impl MentorView {
    pub fn new(m: &mentor_profiles::Model, unit_name: String) -> ApiResult<Self> {
        Ok(Self {
            id: m.id,
            name: m.real_name.clone(),
            organisation: m.organisation.clone(),
            title: m.title.clone(),
            expertise: json_list("expertise", &m.expertise)?,
            industries: json_list("industries", &m.industries)?,
            bio: m.bio.clone(),
            service_unit: UnitRef {
                code: m.service_unit_code.clone(),
                name: unit_name,
            },
            modes: json_list("service_modes", &m.service_modes)?,
            capacity: m.capacity,
            seats_left: seats_left(m),
            accepting: m.accepting,
            accepting_consultations: m.accepting_consultations,
            median_response_hours: m.median_response_hours,
            completed_mentorships: m.completed_mentorships,
            average_rating_tenths: average_rating_tenths(m.rating_sum, m.rating_count),
        })
    }
}

pub fn seats_left(m: &mentor_profiles::Model) -> i32 {
    (m.capacity - m.active_mentees).max(0)
}

/// Average × 10, floored, shown from 3 ratings up.
pub fn average_rating_tenths(sum: i32, count: i32) -> Option<i32> {
    (count >= 3).then(|| sum * 10 / count)
}

/// The mentor's own profile.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MyMentorProfileView {
    #[serde(flatten)]
    pub mentor: MentorView,
    pub status: MentorStatus,
    pub status_label: &'static str,
    pub review_reason: Option<String>,
    pub active_mentees: i32,
    pub consent_version: String,
    pub version: i32,
    pub updated_at: DateTime<FixedOffset>,
    pub timeline: Vec<TimelineEntry<MentorStatus, MentorProfileAction>>,
    pub next_step: Option<NextStep>,
}

/// A mentor profile as cadres see it (phone masked).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AdminMentorView {
    #[serde(flatten)]
    pub mentor: MentorView,
    pub user_id: Uuid,
    pub status: MentorStatus,
    pub status_label: &'static str,
    /// 138****1234
    pub phone: Option<String>,
    pub active_mentees: i32,
    pub review_reason: Option<String>,
    pub reviewed_at: Option<DateTime<FixedOffset>>,
    /// The caller's unit covers the service unit (may review it); false for a mentor of a unit
    /// above the caller's, which they may read and propose.
    pub manageable: bool,
    pub version: i32,
    pub created_at: DateTime<FixedOffset>,
    /// The history (detail responses only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeline: Option<Vec<TimelineEntry<MentorStatus, MentorProfileAction>>>,
}

impl AdminMentorView {
    pub fn new(
        m: &mentor_profiles::Model,
        unit_name: String,
        phone: Option<String>,
        manageable: bool,
    ) -> ApiResult<Self> {
        Ok(Self {
            mentor: MentorView::new(m, unit_name)?,
            user_id: m.user_id,
            status: m.status,
            status_label: crate::choices::Labelled::label(m.status),
            phone,
            active_mentees: m.active_mentees,
            review_reason: m.review_reason.clone(),
            reviewed_at: m.reviewed_at.map(to_china),
            manageable,
            version: m.version,
            created_at: to_china(m.created_at),
            timeline: None,
        })
    }
}

/// `GET /mentors` filters.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct MentorFilter {
    pub expertise: Option<Expertise>,
    pub industry: Option<Industry>,
    pub mode: Option<ServiceMode>,
    /// `long_term`: mentors accepting long-term requests; `consultation`: accepting
    /// consultations.
    #[param(inline)]
    pub kind: Option<RequestKind>,
}

/// `GET /admin/mentors` filters.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct AdminMentorFilter {
    pub status: Option<MentorStatus>,
    /// A league unit at or below the caller's: mentors whose service unit lies inside it.
    pub region: Option<String>,
    pub expertise: Option<Expertise>,
    /// A place (township or village) inside the caller's unit: the certified mentors whose
    /// service unit covers it, including units above the caller's (for assigning).
    pub covers: Option<String>,
}

/// `POST /admin/mentors/{id}/reviews`.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"decision": "certify", "reason": null, "version": 1}))]
pub struct MentorReviewRequest {
    pub decision: MentorDecision,
    /// 2–200 characters; required to reject or suspend.
    #[serde(default)]
    #[schema(max_length = 200)]
    pub reason: Option<String>,
    /// The profile version reviewed (a newer one: 409 `PROFILE_CHANGED`).
    pub version: i32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MentorDecision {
    Certify,
    Reject,
    Suspend,
    Reinstate,
}

/// A versioned consent text.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ConsentTextView {
    pub version: &'static str,
    /// The text; `{recipient}` stands for the mentor's name where the youth's consent names one.
    pub text: &'static str,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MentorConsents {
    /// What a mentor agrees to when applying.
    pub mentor_profile: ConsentTextView,
    /// What a youth agrees to when asking a named mentor (purpose `mentoring_contact`).
    pub mentoring_contact: ConsentTextView,
}

/// The limits in force.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MentoringLimits {
    pub capacity_min: i32,
    pub capacity_max: i32,
    pub capacity_default: i32,
    pub max_open_requests: u32,
    pub max_long_term: u32,
    pub request_ttl_hours: u32,
    pub confirm_days: u32,
    pub rating_days: i64,
    pub min_mentee_age: i32,
    pub record_minutes_min: i32,
    pub record_minutes_max: i32,
    pub record_photos_max: usize,
    pub long_term_months_default: u32,
    pub long_term_months_max: u32,
    pub consultation_days: i64,
}

/// `GET /mentor-options`.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "expertise": [{"value": "cultivation", "label": "种养技术"}],
    "industries": [{"value": "planting", "label": "种植业"}],
    "serviceModes": [{"value": "online", "label": "线上"}],
    "requestKinds": [{"value": "long_term", "label": "导师帮带"}],
    "mentorStatuses": [{"value": "certified", "label": "已认证"}],
    "requestStatuses": [{"value": "pending", "label": "待导师回复"}],
    "mentorshipStatuses": [{"value": "active", "label": "帮带中"}],
    "declineReasons": [{"value": "schedule", "label": "时间不便"}],
    "recordModes": [{"value": "lecture", "label": "讲座"}],
    "recordStatuses": [{"value": "pending", "label": "待确认"}],
    "organisationKinds": [{"value": "entrepreneurship_assoc", "label": "青年创业协会"}],
    "organisationLevels": [{"value": "county", "label": "县级"}],
    "consents": {"mentorProfile": {"version": "2026-12", "text": "…"},
                 "mentoringContact": {"version": "2026-12", "text": "…{recipient}…"}},
    "limits": {"capacityMin": 1, "capacityMax": 20, "capacityDefault": 5, "maxOpenRequests": 3,
               "maxLongTerm": 2, "requestTtlHours": 168, "confirmDays": 14, "ratingDays": 60,
               "minMenteeAge": 18, "recordMinutesMin": 10, "recordMinutesMax": 480,
               "recordPhotosMax": 9, "longTermMonthsDefault": 6, "longTermMonthsMax": 12,
               "consultationDays": 30}
}))]
pub struct MentorOptionsView {
    pub expertise: Vec<Choice>,
    pub industries: Vec<Choice>,
    pub service_modes: Vec<Choice>,
    pub request_kinds: Vec<Choice>,
    pub mentor_statuses: Vec<Choice>,
    pub request_statuses: Vec<Choice>,
    pub mentorship_statuses: Vec<Choice>,
    pub decline_reasons: Vec<Choice>,
    pub record_modes: Vec<Choice>,
    pub record_statuses: Vec<Choice>,
    pub organisation_kinds: Vec<Choice>,
    pub organisation_levels: Vec<Choice>,
    pub consents: MentorConsents,
    pub limits: MentoringLimits,
}

/// `POST /mentorship-requests`.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "mentorId": "0193a0a0-0000-7000-8000-000000000001", "kind": "long_term",
    "topic": "ecommerce_marketing", "description": "想把自家鲜食玉米放到直播间销售，需要指导选品和定价。",
    "preferredMode": "online", "shareContact": true, "consentVersion": "2026-12"
}))]
pub struct CreateMentorshipRequest {
    /// The mentor asked; omitted: 「请团组织为我推荐导师」.
    #[serde(default)]
    pub mentor_id: Option<Uuid>,
    pub kind: RequestKind,
    /// One expertise code.
    pub topic: Expertise,
    /// 10–1000 characters.
    #[validate(custom(
        function = "crate::input::text::visible_length::<10, 1000>",
        message = "需求描述应为10至1000个字"
    ))]
    #[schema(min_length = 10, max_length = 1000)]
    pub description: String,
    pub preferred_mode: ServiceMode,
    /// The separate consent to give the named mentor the youth's name, phone and business once
    /// they accept: required (true) with `mentorId`.
    #[serde(default)]
    pub share_contact: bool,
    /// `consents.mentoringContact.version` of `GET /mentor-options`.
    #[serde(default)]
    pub consent_version: String,
}

/// `POST …/proposal-confirmations`: the mentee accepts the proposed mentor and consents to
/// share their contact with them.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ConfirmProposalRequest {
    #[serde(default)]
    pub share_contact: bool,
    #[serde(default)]
    pub consent_version: String,
}

/// `POST …/proposal-rejections`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RejectProposalRequest {
    /// ≤200 characters.
    #[validate(length(max = 200, message = "原因不能超过200个字"))]
    #[serde(default)]
    pub reason: Option<String>,
}

/// `POST …/acceptances`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AcceptRequest {
    /// Long-term only: the planned end, 1–12 months after today (default 6 months).
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date, example = "2027-06-01")]
    pub planned_end_on: Option<chrono::NaiveDate>,
}

/// `POST …/declines`.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"reasonCode": "schedule", "note": "近两个月在外地"}))]
pub struct DeclineRequest {
    pub reason_code: DeclineReason,
    /// ≤200 characters.
    #[validate(length(max = 200, message = "说明不能超过200个字"))]
    #[serde(default)]
    pub note: Option<String>,
}

/// `POST /admin/mentorship-requests/{id}/assignments`.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AssignMentorRequest {
    pub mentor_id: Uuid,
}

/// `…/endings`.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"reason": "项目已转型，不再需要帮带"}))]
pub struct EndMentorshipRequest {
    /// 2–200 characters.
    #[validate(custom(
        function = "crate::input::text::visible_length::<2, 200>",
        message = "结束原因应为2至200个字"
    ))]
    #[schema(min_length = 2, max_length = 200)]
    pub reason: String,
}

/// The mentor of a request or pairing, as the mentee sees them.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MentorRef {
    pub id: Uuid,
    pub name: String,
    pub organisation: Option<String>,
    pub title: Option<String>,
    /// Full from acceptance until 30 days after the pairing ended; null otherwise.
    pub phone: Option<String>,
}

/// The mentee, as the mentor (or a cadre) sees them.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MenteeRef {
    /// 张** before acceptance (and always for cadres); the full name after.
    pub name: String,
    /// 138****1234 before acceptance (and for cadres); full from acceptance until 30 days
    /// after the pairing ended.
    pub phone: Option<String>,
    pub categories: Vec<crate::talents::choices::TalentCategory>,
    #[schema(value_type = Option<entity::talent_profiles::BusinessType>)]
    pub business_type: Option<entity::talent_profiles::BusinessType>,
}

/// A mentorship request.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "id": "0193a0a0-0000-7000-8000-000000000010", "kind": "long_term", "topic": "ecommerce_marketing",
    "description": "想把自家鲜食玉米放到直播间销售，需要指导选品和定价。", "preferredMode": "online",
    "status": "pending", "statusLabel": "待导师回复", "expiresAt": "2026-12-09T10:15:00+08:00",
    "mentor": {"id": "0193a0a0-0000-7000-8000-000000000001", "name": "王建国",
               "organisation": "吉林农业大学", "title": "副教授", "phone": null},
    "mentee": null, "menteeRegionCode": null, "originRequestId": null, "responseReasonCode": null,
    "responseNote": null, "mentorshipId": null, "createdAt": "2026-12-02T10:15:00+08:00", "version": 1
}))]
pub struct MentorshipRequestView {
    pub id: Uuid,
    pub kind: RequestKind,
    pub topic: Expertise,
    pub description: Option<String>,
    pub preferred_mode: ServiceMode,
    pub status: entity::mentorship_requests::RequestStatus,
    pub status_label: &'static str,
    /// While proposed or pending: when it expires.
    pub expires_at: Option<DateTime<FixedOffset>>,
    pub mentor: Option<MentorRef>,
    /// For the mentor and cadres.
    pub mentee: Option<MenteeRef>,
    /// For cadres (the routing key).
    pub mentee_region_code: Option<String>,
    /// A cadre's reassignment of this earlier request.
    pub origin_request_id: Option<Uuid>,
    pub response_reason_code: Option<DeclineReason>,
    pub response_note: Option<String>,
    /// The pairing made by accepting it.
    pub mentorship_id: Option<Uuid>,
    pub created_at: DateTime<FixedOffset>,
    pub version: i32,
}

/// A request with its history and what happens next.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MentorshipRequestDetailView {
    #[serde(flatten)]
    pub request: MentorshipRequestView,
    pub timeline: Vec<
        TimelineEntry<
            entity::mentorship_requests::RequestStatus,
            super::state::MentorshipRequestAction,
        >,
    >,
    /// Null for cadres and once nothing is left to do.
    pub next_step: Option<NextStep>,
}

/// `GET /me/mentorship-requests` filters.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct MyRequestFilter {
    /// `mentee` (default): the caller's requests; `mentor`: the inbox of the caller's mentor
    /// profile (requests waiting for or answered by them).
    #[param(inline)]
    pub role: Option<PartyRole>,
    #[param(inline)]
    pub status: Option<entity::mentorship_requests::RequestStatus>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PartyRole {
    Mentee,
    Mentor,
}

/// `GET /admin/mentorship-requests` filters.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct AdminRequestFilter {
    /// `awaiting_assignment` is the queue waiting for a mentor.
    #[param(inline)]
    pub status: Option<entity::mentorship_requests::RequestStatus>,
    /// A league unit or place inside the caller's unit (the mentee's home region).
    pub region: Option<String>,
}

/// A pairing.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "id": "0193a0a0-0000-7000-8000-000000000020", "requestId": "0193a0a0-0000-7000-8000-000000000010",
    "kind": "long_term", "status": "active", "statusLabel": "帮带中",
    "startedAt": "2026-12-03T09:00:00+08:00", "plannedEndOn": "2027-06-03", "extended": false,
    "endedAt": null, "endedByKind": null, "endReason": null, "mentorSummary": null,
    "recordsCount": 0, "countedRecords": 0, "menteeRating": null, "menteeComment": null,
    "ratedAt": null, "version": 1,
    "mentor": {"id": "0193a0a0-0000-7000-8000-000000000001", "name": "王建国",
               "organisation": "吉林农业大学", "title": "副教授", "phone": "13912345678"},
    "mentee": {"name": "李晓明", "phone": "13800000000", "categories": ["returning_entrepreneur"],
               "businessType": "cooperative"}
}))]
pub struct MentorshipView {
    pub id: Uuid,
    pub request_id: Uuid,
    pub kind: RequestKind,
    pub status: entity::mentorships::MentorshipStatus,
    pub status_label: &'static str,
    pub started_at: DateTime<FixedOffset>,
    #[schema(value_type = String, format = Date)]
    pub planned_end_on: chrono::NaiveDate,
    pub extended: bool,
    pub ended_at: Option<DateTime<FixedOffset>>,
    pub ended_by_kind: Option<entity::mentorships::EndedBy>,
    pub end_reason: Option<String>,
    pub mentor_summary: Option<String>,
    pub records_count: i32,
    /// Confirmed and auto-confirmed records (the only ones that count).
    pub counted_records: i32,
    pub mentee_rating: Option<i32>,
    pub mentee_comment: Option<String>,
    pub rated_at: Option<DateTime<FixedOffset>>,
    pub version: i32,
    pub mentor: MentorRef,
    pub mentee: MenteeRef,
}

/// A pairing with its guidance records, its history and what happens next.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MentorshipDetailView {
    #[serde(flatten)]
    pub mentorship: MentorshipView,
    /// The guidance records, oldest first.
    pub records: Vec<MentoringRecordView>,
    pub timeline:
        Vec<TimelineEntry<entity::mentorships::MentorshipStatus, super::state::MentorshipAction>>,
    /// Null for cadres and once nothing is left to do.
    pub next_step: Option<NextStep>,
}

/// `POST /me/mentorships/{id}/records`: a guidance record (辅导记录).
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "occurredAt": "2026-12-05T14:00:00+08:00", "mode": "on_site", "minutes": 90,
    "summary": "到大棚现场查看玉米长势，讲解追肥时机和病虫害防治。",
    "photos": ["0192f4c1a7e24b7d9a5a3c1f2e8d7b6a"]
}))]
pub struct CreateRecordRequest {
    /// When the guidance took place: not before the pairing started, not in the future.
    pub occurred_at: DateTime<FixedOffset>,
    pub mode: RecordMode,
    /// 10–480 minutes.
    #[validate(range(min = 10, max = 480, message = "辅导时长应为10至480分钟"))]
    #[schema(minimum = 10, maximum = 480)]
    pub minutes: i32,
    /// 10–1000 characters.
    #[validate(custom(
        function = "crate::input::text::visible_length::<10, 1000>",
        message = "辅导内容应为10至1000个字"
    ))]
    #[schema(min_length = 10, max_length = 1000)]
    pub summary: String,
    /// Up to 9 photos: keys from `POST /api/v1/media` with purpose `mentoring_record`, uploaded
    /// by the mentor and not used elsewhere (else 422 `MEDIA_KEY_INVALID` on `photos[i]`).
    #[validate(length(max = 9, message = "最多上传9张照片"))]
    #[schema(max_items = 9)]
    #[serde(default)]
    pub photos: Vec<String>,
}

/// A guidance record.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MentoringRecordView {
    pub id: Uuid,
    pub mentorship_id: Uuid,
    pub occurred_at: DateTime<FixedOffset>,
    pub mode: RecordMode,
    pub mode_label: &'static str,
    pub minutes: i32,
    pub summary: Option<String>,
    /// Each with a signed URL that works for 10 minutes.
    pub photos: Vec<MediaLink>,
    pub status: RecordStatus,
    pub status_label: &'static str,
    /// The mentee confirms or disputes before this instant; then it confirms itself.
    pub confirm_due_at: DateTime<FixedOffset>,
    pub dispute_note: Option<String>,
    pub settle_note: Option<String>,
    pub version: i32,
    pub created_at: DateTime<FixedOffset>,
}

impl MentoringRecordView {
    pub fn new(r: &mentoring_records::Model, media: &MediaStore) -> ApiResult<Self> {
        let photos: Vec<String> = json_list("photos", &r.photos)?;
        Ok(Self {
            id: r.id,
            mentorship_id: r.mentorship_id,
            occurred_at: to_china(r.occurred_at),
            mode: r.mode,
            mode_label: crate::choices::Labelled::label(r.mode),
            minutes: r.minutes,
            summary: r.summary.clone(),
            photos: media.links(&photos),
            status: r.status,
            status_label: crate::choices::Labelled::label(r.status),
            confirm_due_at: to_china(r.confirm_due_at),
            dispute_note: r.dispute_note.clone(),
            settle_note: r.settle_note.clone(),
            version: r.version,
            created_at: to_china(r.created_at),
        })
    }
}

/// `POST …/records/{recordId}/confirmations`: the mentee confirms (`agree: true`) or disputes
/// (`agree: false`, with a note) a record.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"agree": false, "note": "当天导师未到现场"}))]
pub struct ConfirmRecordRequest {
    pub agree: bool,
    /// 2–200 characters; required to dispute.
    #[validate(custom(
        function = "crate::input::text::visible_length::<2, 200>",
        message = "异议说明应为2至200个字"
    ))]
    #[schema(min_length = 2, max_length = 200)]
    #[serde(default)]
    pub note: Option<String>,
}

/// `POST …/completions`: the mentor completes a pairing with a summary.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"summary": "帮助完成鲜食玉米直播销售，月销售额提高三成。"}))]
pub struct CompleteMentorshipRequest {
    /// 2–1000 characters.
    #[validate(custom(
        function = "crate::input::text::visible_length::<2, 1000>",
        message = "帮带总结应为2至1000个字"
    ))]
    #[schema(min_length = 2, max_length = 1000)]
    pub summary: String,
}

/// `POST …/extensions`: once, to at most 12 months after the start.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ExtendMentorshipRequest {
    /// After the current planned end, at most 12 months after the start.
    #[schema(value_type = String, format = Date, example = "2027-09-01")]
    pub planned_end_on: chrono::NaiveDate,
}

/// `POST …/ratings`: once, within 60 days after the pairing ended.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"stars": 5, "comment": "指导很实用"}))]
pub struct RateMentorshipRequest {
    /// 1–5.
    #[validate(range(min = 1, max = 5, message = "评分应为1至5星"))]
    #[schema(minimum = 1, maximum = 5)]
    pub stars: i32,
    /// ≤200 characters.
    #[validate(length(max = 200, message = "评价不能超过200个字"))]
    #[schema(max_length = 200)]
    #[serde(default)]
    pub comment: Option<String>,
}

/// `POST /admin/mentorships/{id}/records/{recordId}/settlements`: a cadre's decision on a
/// disputed record.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"outcome": "void", "note": "经核实当天未开展辅导"}))]
pub struct SettleRecordRequest {
    pub outcome: SettleOutcome,
    /// 2–200 characters.
    #[validate(custom(
        function = "crate::input::text::visible_length::<2, 200>",
        message = "核实意见应为2至200个字"
    ))]
    #[schema(min_length = 2, max_length = 200)]
    pub note: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SettleOutcome {
    /// The record stands (counts).
    Confirm,
    /// The record is void (never counts).
    Void,
}

/// `GET /me/mentorships` filters.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct MyMentorshipFilter {
    #[param(inline)]
    pub role: Option<PartyRole>,
    #[param(inline)]
    pub status: Option<entity::mentorships::MentorshipStatus>,
}

/// `GET /admin/mentorships` filters.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct AdminMentorshipFilter {
    #[param(inline)]
    pub status: Option<entity::mentorships::MentorshipStatus>,
    pub region: Option<String>,
    pub mentor_id: Option<Uuid>,
    /// `true`: only pairings with a disputed record waiting to be settled.
    pub has_disputed_records: Option<bool>,
}

/// `POST /admin/youth-organisations` and (with `version`) `PUT …/{id}`.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "name": "南关区青年创业协会", "kind": "entrepreneurship_assoc", "level": "county",
    "unitCode": "220102", "townshipCode": null, "leagueAffiliated": true,
    "registrationNo": "91350100M000100Y43", "foundedOn": "2021-05-04", "membersCount": 86
}))]
pub struct OrganisationRequest {
    /// 2–64 characters.
    #[validate(custom(
        function = "crate::input::text::visible_length::<2, 64>",
        message = "组织名称应为2至64个字"
    ))]
    #[schema(min_length = 2, max_length = 64)]
    pub name: String,
    pub kind: OrgKind,
    /// `province`: the province's unit; `city`: a top-level unit; `county`: a county unit;
    /// `township`: a local unit (a county unit, 梅河口 or 长白山) with `townshipCode`.
    pub level: OrgLevel,
    /// The owning league unit, inside the caller's (else 403 `OUTSIDE_REGION`).
    #[schema(example = "220102")]
    pub unit_code: String,
    /// Township level only: a township of the unit (else 422 `LEVEL`).
    #[serde(default)]
    pub township_code: Option<String>,
    /// 团属 (league-affiliated).
    pub league_affiliated: bool,
    /// 统一社会信用代码 (GB 32100, check character verified: else 422 `FORMAT`).
    #[serde(default)]
    pub registration_no: Option<String>,
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    pub founded_on: Option<chrono::NaiveDate>,
    /// Self-reported; no member list is kept.
    #[validate(range(min = 0, max = 1_000_000, message = "成员人数应为0至1000000"))]
    #[serde(default)]
    pub members_count: Option<i32>,
    /// `PUT` only: the version edited (a newer one: 409 `ORGANISATION_CHANGED`).
    #[serde(default)]
    pub version: Option<i32>,
}

/// A mentor assigned to an organisation.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OrgAssignmentView {
    pub id: Uuid,
    pub mentor_id: Uuid,
    pub mentor_name: String,
    pub assigned_at: DateTime<FixedOffset>,
    /// Null while the assignment is active.
    pub ended_at: Option<DateTime<FixedOffset>>,
    pub ended_by_kind: Option<entity::mentorships::EndedBy>,
    pub end_reason: Option<String>,
}

/// A youth organisation.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "id": "0193a0a0-0000-7000-8000-000000000030", "name": "南关区青年创业协会",
    "kind": "entrepreneurship_assoc", "kindLabel": "青年创业协会", "level": "county",
    "levelLabel": "县级", "unit": {"code": "220102", "name": "共青团南关区委员会"},
    "townshipCode": null, "leagueAffiliated": true, "registrationNo": "91350100M000100Y43",
    "foundedOn": "2021-05-04", "membersCount": 86, "status": "active", "statusLabel": "正常",
    "verified": true, "verifiedAt": "2026-12-03T09:00:00+08:00", "dissolvedOn": null,
    "dissolveReason": null, "activeMentors": 1, "version": 3,
    "createdAt": "2026-12-02T10:15:00+08:00"
}))]
pub struct OrganisationView {
    pub id: Uuid,
    pub name: String,
    pub kind: OrgKind,
    pub kind_label: &'static str,
    pub level: OrgLevel,
    pub level_label: &'static str,
    pub unit: UnitRef,
    pub township_code: Option<String>,
    pub league_affiliated: bool,
    pub registration_no: Option<String>,
    #[schema(value_type = Option<String>, format = Date)]
    pub founded_on: Option<chrono::NaiveDate>,
    pub members_count: Option<i32>,
    pub status: OrgStatus,
    pub status_label: &'static str,
    /// Verified by a cadre of the parent unit other than the creator.
    pub verified: bool,
    pub verified_at: Option<DateTime<FixedOffset>>,
    #[schema(value_type = Option<String>, format = Date)]
    pub dissolved_on: Option<chrono::NaiveDate>,
    pub dissolve_reason: Option<String>,
    /// Mentors assigned now.
    pub active_mentors: i64,
    pub version: i32,
    pub created_at: DateTime<FixedOffset>,
}

impl OrganisationView {
    pub fn new(o: &youth_organisations::Model, unit_name: String, active_mentors: i64) -> Self {
        use crate::choices::Labelled;
        Self {
            id: o.id,
            name: o.name.clone(),
            kind: o.kind,
            kind_label: o.kind.label(),
            level: o.level,
            level_label: o.level.label(),
            unit: UnitRef {
                code: o.unit_code.clone(),
                name: unit_name,
            },
            township_code: o.township_code.clone(),
            league_affiliated: o.league_affiliated,
            registration_no: o.registration_no.clone(),
            founded_on: o.founded_on,
            members_count: o.members_count,
            status: o.status,
            status_label: o.status.label(),
            verified: o.verified_at.is_some(),
            verified_at: o.verified_at.map(to_china),
            dissolved_on: o.dissolved_on,
            dissolve_reason: o.dissolve_reason.clone(),
            active_mentors,
            version: o.version,
            created_at: to_china(o.created_at),
        }
    }
}

/// An organisation with its mentor assignments and history.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OrganisationDetailView {
    #[serde(flatten)]
    pub organisation: OrganisationView,
    /// Active first, then ended, newest first.
    pub assignments: Vec<OrgAssignmentView>,
    pub timeline: Vec<TimelineEntry<OrgStatus, super::state::YouthOrgAction>>,
}

/// `GET /admin/youth-organisations` filters.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct OrganisationFilter {
    #[param(inline)]
    pub kind: Option<OrgKind>,
    #[param(inline)]
    pub level: Option<OrgLevel>,
    /// A league unit at or below the caller's: organisations of it and the units below it.
    pub region: Option<String>,
    #[param(inline)]
    pub status: Option<OrgStatus>,
    pub verified: Option<bool>,
}

/// `POST …/{id}/verifications`.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct VerifyOrganisationRequest {
    /// The version checked (a newer one: 409 `ORGANISATION_CHANGED`).
    pub version: i32,
}

/// `POST …/{id}/dissolutions`.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"dissolvedOn": "2026-12-01", "reason": "协会已注销登记", "version": 3}))]
pub struct DissolveOrganisationRequest {
    /// Not in the future; default today.
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    pub dissolved_on: Option<chrono::NaiveDate>,
    /// 2–200 characters.
    #[validate(custom(
        function = "crate::input::text::visible_length::<2, 200>",
        message = "撤销原因应为2至200个字"
    ))]
    #[schema(min_length = 2, max_length = 200)]
    pub reason: String,
    /// The version seen (a newer one: 409 `ORGANISATION_CHANGED`).
    #[serde(default)]
    pub version: Option<i32>,
}

/// `POST …/{id}/mentor-assignments`.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AssignOrgMentorRequest {
    pub mentor_id: Uuid,
}

/// `DELETE …/{id}/mentor-assignments/{assignmentId}`.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EndOrgMentorRequest {
    /// 2–200 characters.
    #[validate(custom(
        function = "crate::input::text::visible_length::<2, 200>",
        message = "解除原因应为2至200个字"
    ))]
    #[schema(min_length = 2, max_length = 200)]
    pub reason: String,
}

/// `GET /admin/youth-organisations/stats` filter.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct OrganisationStatsQuery {
    /// A league unit at or below the caller's (default: the caller's unit).
    pub region: Option<String>,
}

/// Organisations of one kind and level in the area.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OrganisationStatsRow {
    pub kind: OrgKind,
    pub kind_label: &'static str,
    pub level: OrgLevel,
    pub level_label: &'static str,
    /// Active (not dissolved).
    pub active: i64,
    /// Active and verified.
    pub verified: i64,
    /// Active, verified and league-affiliated (团属).
    pub league_affiliated: i64,
}

/// `GET /admin/youth-organisations/stats`: every kind × level, zeros included.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OrganisationStatsView {
    pub area: UnitRef,
    pub items: Vec<OrganisationStatsRow>,
}
