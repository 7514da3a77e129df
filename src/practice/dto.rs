//! Request and response types of the 返家乡 practice endpoints.
use chrono::{DateTime, FixedOffset, NaiveDate};
use entity::host_units::{HostKind, HostStatus};
use entity::practice_applications::{ApplicationStatus, DeciderKind};
use entity::practice_attendance::AttendanceSource;
use entity::practice_campaigns::{CampaignStatus, Season};
use entity::practice_positions::{PositionCategory, PositionMode, PositionStatus};
use entity::practice_reports::PracticeReportStatus;
use entity::student_profiles::{DegreeLevel, Gender};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use super::state::{
    CampaignAction, HostAction, PositionAction, PracticeApplicationAction, PracticeReportAction,
};
use crate::choices::Choice;
use crate::workflow::{NextStep, TimelineEntry};

/// A student's profile as the student saves it (PUT replaces every field).
#[derive(Debug, Serialize, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "realName": "张三", "gender": "male", "dateOfBirth": "2005-03-01",
    "schoolName": "吉林大学", "schoolProvince": "吉林省", "major": "法学",
    "degreeLevel": "bachelor", "enrollmentYear": 2023, "expectedGraduation": "2027-06",
    "homeRegionCode": "220581100001", "studentNumber": "20230001",
    "emergencyContactName": "张父", "emergencyContactPhone": "13900001111",
    "consent": true, "consentVersion": "2026-12"}))]
pub struct StudentProfileRequest {
    #[validate(custom(
        function = "crate::input::text::visible_length::<1, 20>",
        message = "姓名长度应为1至20个字"
    ))]
    #[schema(min_length = 1, max_length = 20)]
    pub real_name: String,
    pub gender: Gender,
    #[schema(value_type = String, format = Date, example = "2005-03-01")]
    pub date_of_birth: NaiveDate,
    #[validate(custom(
        function = "crate::input::text::visible_length::<2, 64>",
        message = "学校名称长度应为2至64个字"
    ))]
    #[schema(min_length = 2, max_length = 64)]
    pub school_name: String,
    /// The province (or country) the school is in.
    #[validate(custom(
        function = "crate::input::text::visible_length::<2, 32>",
        message = "学校所在省份长度应为2至32个字"
    ))]
    #[schema(min_length = 2, max_length = 32)]
    pub school_province: String,
    #[validate(custom(
        function = "crate::input::text::visible_length::<1, 32>",
        message = "专业长度应为1至32个字"
    ))]
    #[schema(min_length = 1, max_length = 32)]
    pub major: String,
    pub degree_level: DegreeLevel,
    #[schema(minimum = 2010, example = 2023)]
    pub enrollment_year: i32,
    /// `YYYY-MM`, not before the enrolment year.
    #[schema(example = "2027-06", pattern = "^[0-9]{4}-[0-9]{2}$")]
    pub expected_graduation: String,
    /// 生源地: a county, township or village code.
    #[schema(example = "220581100001")]
    pub home_region_code: String,
    #[validate(length(max = 32, message = "学号不能超过32个字符"))]
    #[schema(max_length = 32)]
    pub student_number: Option<String>,
    /// Required before confirming a placement.
    #[validate(custom(
        function = "crate::input::text::visible_length::<1, 20>",
        message = "紧急联系人姓名长度应为1至20个字"
    ))]
    #[schema(max_length = 20)]
    pub emergency_contact_name: Option<String>,
    /// A mainland mobile number; stored encrypted, shown masked.
    #[schema(example = "13900001111")]
    pub emergency_contact_phone: Option<String>,
    /// Only for positions whose host insures the student; needs `idNumberConsent`. Omit to keep
    /// the stored one.
    #[schema(example = "220581200501010011")]
    pub id_number: Option<String>,
    /// The separate consent to keep the ID number for accident insurance.
    #[serde(default)]
    pub id_number_consent: bool,
    /// Agreement to the profile consent text of `GET /practice-options`.
    pub consent: bool,
    #[schema(example = "2026-12")]
    pub consent_version: String,
}

/// The caller's own student profile (personal numbers masked).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StudentProfileView {
    pub id: Uuid,
    pub real_name: String,
    pub gender: Gender,
    pub date_of_birth: NaiveDate,
    pub school_name: String,
    pub school_province: String,
    pub major: String,
    pub degree_level: DegreeLevel,
    #[schema(example = "本科")]
    pub degree_level_label: String,
    pub enrollment_year: i32,
    pub expected_graduation: String,
    pub home_region_code: String,
    /// The local unit of the home region (where the student may apply by default).
    #[schema(example = "220581")]
    pub home_unit_code: Option<String>,
    pub student_number: Option<String>,
    pub emergency_contact_name: Option<String>,
    /// Masked (`139****1111`).
    pub emergency_contact_phone: Option<String>,
    /// Masked; null when none is stored.
    pub id_number: Option<String>,
    pub verified: bool,
    pub consent_version: String,
    pub version: i32,
    pub updated_at: DateTime<FixedOffset>,
}

/// A consent text as the options list it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PracticeConsentView {
    pub version: &'static str,
    /// `{recipient}` stands for the host unit's name.
    pub text: &'static str,
}

/// The settings new campaigns start with (each campaign keeps its own).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PracticeSettingsView {
    pub min_days: u32,
    pub offer_valid_hours: u32,
    pub report_due_days: u32,
    pub excellent_cap_permille: u32,
    pub max_open_applications: u32,
}

/// Every choice of the practice forms, with labels, consent texts and limits.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PracticeOptionsView {
    pub genders: Vec<Choice>,
    pub degree_levels: Vec<Choice>,
    pub seasons: Vec<Choice>,
    pub campaign_statuses: Vec<Choice>,
    pub host_kinds: Vec<Choice>,
    pub host_statuses: Vec<Choice>,
    /// 岗位类别, the programme's 乡土调查 / 法治宣传 / 移风易俗 included.
    pub position_categories: Vec<Choice>,
    pub position_modes: Vec<Choice>,
    pub position_statuses: Vec<Choice>,
    pub application_statuses: Vec<Choice>,
    /// Evaluation grades: 优秀 (capped), 良好, 合格, 不合格.
    pub grades: Vec<Choice>,
    /// Seats a position may offer (1 to this).
    pub max_slots: i32,
    /// Daily hours of a position (1 to this).
    pub max_daily_hours: i32,
    pub profile_consent: PracticeConsentView,
    pub host_sharing_consent: PracticeConsentView,
    pub insurance_consent: PracticeConsentView,
    /// Ages a profile may be saved for, and from which one may apply.
    pub student_min_age: i32,
    pub student_max_age: i32,
    pub apply_min_age: i32,
    pub first_enrollment_year: i32,
    pub defaults: PracticeSettingsView,
}

/// A campaign as its unit's cadre creates or edits it.
#[derive(Debug, Serialize, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "name": "2027年寒假“返家乡”社会实践", "season": "winter", "year": 2027,
    "applicationsOpenAt": "2026-12-10T00:00:00+08:00",
    "applicationsCloseAt": "2027-01-05T23:59:59+08:00",
    "practiceStartsOn": "2027-01-10", "practiceEndsOn": "2027-02-20",
    "minDays": 7, "offerValidHours": 72, "reportDueDays": 14, "excellentCapPermille": 300}))]
pub struct CampaignRequest {
    #[validate(custom(
        function = "crate::input::text::visible_length::<2, 64>",
        message = "活动名称长度应为2至64个字"
    ))]
    #[schema(min_length = 2, max_length = 64)]
    pub name: String,
    pub season: Season,
    #[validate(range(min = 2020, max = 2100, message = "年度应为2020至2100"))]
    #[schema(minimum = 2020, maximum = 2100)]
    pub year: i32,
    pub applications_open_at: DateTime<FixedOffset>,
    /// Applications are taken while now < this instant (China time as sent).
    pub applications_close_at: DateTime<FixedOffset>,
    #[schema(value_type = String, format = Date)]
    pub practice_starts_on: NaiveDate,
    #[schema(value_type = String, format = Date)]
    pub practice_ends_on: NaiveDate,
    /// Omitted: the default in force (`JIQING_PRACTICE_MIN_DAYS`).
    #[validate(range(min = 1, max = 366, message = "最少实践天数应为1至366"))]
    #[schema(minimum = 1, maximum = 366)]
    pub min_days: Option<i32>,
    #[validate(range(min = 0, max = 720, message = "录用确认时限应为0至720小时"))]
    #[schema(minimum = 0, maximum = 720)]
    pub offer_valid_hours: Option<i32>,
    #[validate(range(min = 0, max = 90, message = "报告提交期限应为0至90天"))]
    #[schema(minimum = 0, maximum = 90)]
    pub report_due_days: Option<i32>,
    #[validate(range(min = 0, max = 1000, message = "优秀比例应为0至1000‰"))]
    #[schema(minimum = 0, maximum = 1000)]
    pub excellent_cap_permille: Option<i32>,
    /// The version edited (PUT only).
    pub version: Option<i32>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CampaignView {
    pub id: Uuid,
    pub name: String,
    pub season: Season,
    pub season_label: String,
    pub year: i32,
    #[schema(example = "220000")]
    pub area_unit_code: String,
    #[schema(example = "共青团吉林省委员会")]
    pub area_unit_name: String,
    pub applications_open_at: DateTime<FixedOffset>,
    pub applications_close_at: DateTime<FixedOffset>,
    pub practice_starts_on: NaiveDate,
    pub practice_ends_on: NaiveDate,
    pub min_days: i32,
    pub offer_valid_hours: i32,
    pub report_due_days: i32,
    pub excellent_cap_permille: i32,
    pub status: CampaignStatus,
    pub status_label: String,
    /// Open and now inside the application window.
    pub accepting_applications: bool,
    pub version: i32,
    pub created_at: DateTime<FixedOffset>,
}

/// A campaign for its cadres, with its history.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CampaignDetailView {
    #[serde(flatten)]
    pub campaign: CampaignView,
    pub timeline: Vec<TimelineEntry<CampaignStatus, CampaignAction>>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct CampaignFilter {
    pub status: Option<CampaignStatus>,
    pub year: Option<i32>,
}

/// A host unit as a local-unit cadre registers or edits it.
#[derive(Debug, Serialize, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "name": "梅河口市山城镇人民政府", "kind": "party_government", "regionCode": "220581100",
    "address": "山城镇政府路1号", "contactName": "李主任", "contactPhone": "13800002222"}))]
pub struct HostUnitRequest {
    #[validate(custom(
        function = "crate::input::text::visible_length::<2, 64>",
        message = "单位名称长度应为2至64个字"
    ))]
    #[schema(min_length = 2, max_length = 64)]
    pub name: String,
    pub kind: HostKind,
    /// County, township or village inside the cadre's local unit.
    pub region_code: String,
    #[validate(custom(
        function = "crate::input::text::visible_length::<2, 128>",
        message = "地址长度应为2至128个字"
    ))]
    #[schema(min_length = 2, max_length = 128)]
    pub address: String,
    #[validate(custom(
        function = "crate::input::text::visible_length::<1, 20>",
        message = "联系人姓名长度应为1至20个字"
    ))]
    #[schema(min_length = 1, max_length = 20)]
    pub contact_name: String,
    /// A mainland mobile number; stored encrypted, shown masked.
    #[schema(example = "13800002222")]
    pub contact_phone: String,
    /// The version edited (PUT only).
    pub version: Option<i32>,
}

/// A bound supervisor of a host unit.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct HostSupervisorView {
    pub user_id: Uuid,
    /// The name the WeChat user goes by.
    pub display_name: String,
    pub accepted_at: DateTime<FixedOffset>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct HostUnitView {
    pub id: Uuid,
    pub name: String,
    pub kind: HostKind,
    pub kind_label: String,
    pub region_code: String,
    pub address: String,
    pub contact_name: String,
    /// Masked.
    pub contact_phone: String,
    pub status: HostStatus,
    pub status_label: String,
    pub supervisors: Vec<HostSupervisorView>,
    /// Invitations neither accepted, revoked nor expired.
    pub pending_invitations: u64,
    pub version: i32,
    pub created_at: DateTime<FixedOffset>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct HostUnitDetailView {
    #[serde(flatten)]
    pub host: HostUnitView,
    pub timeline: Vec<TimelineEntry<HostStatus, HostAction>>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct HostUnitFilter {
    /// A unit or a place inside the caller's unit.
    pub region: Option<String>,
    pub status: Option<HostStatus>,
    pub kind: Option<HostKind>,
}

/// A new invitation: give the code to the future supervisor; it is shown once.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"code": "7KQ2M9XD", "expiresAt": "2026-12-08T10:00:00+08:00"}))]
pub struct InvitationView {
    pub code: String,
    pub expires_at: DateTime<FixedOffset>,
}

#[derive(Debug, Serialize, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"code": "7KQ2M9XD"}))]
pub struct InvitationAcceptance {
    #[validate(custom(
        function = "crate::input::text::visible_length::<1, 32>",
        message = "请输入邀请码"
    ))]
    #[schema(min_length = 1, max_length = 32)]
    pub code: String,
}

/// The host unit the caller now supervises.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MyHostView {
    pub host_unit_id: Uuid,
    pub name: String,
    pub kind: HostKind,
    pub region_code: String,
    pub status: HostStatus,
    pub accepted_at: DateTime<FixedOffset>,
}

/// A state change with an optional note (suspensions).
#[derive(Debug, Serialize, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"reason": "单位整改期间暂停接收"}))]
pub struct ReasonRequest {
    #[validate(custom(
        function = "crate::input::text::visible_length::<2, 200>",
        message = "原因长度应为2至200个字"
    ))]
    #[schema(min_length = 2, max_length = 200)]
    pub reason: String,
}

/// Empty body of an action that needs nothing but may name the version looked at.
#[derive(Debug, Default, Serialize, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct VersionRequest {
    pub version: Option<i32>,
}

/// A position as a local-unit cadre creates or edits it. `campaignId` and `hostUnitId` cannot
/// change once it exists.
#[derive(Debug, Serialize, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "campaignId": "01939a3e-7c1f-7d2a-9a4e-2b6c1d0e5f70",
    "hostUnitId": "01939a3e-7c1f-7d2a-9a4e-2b6c1d0e5f71",
    "regionCode": "220581100", "title": "山城镇法治宣传助理",
    "description": "协助司法所开展普法宣传、入户走访和村规民约整理。",
    "category": "legal_publicity", "majors": ["法学"], "degreeLevels": ["bachelor"],
    "slots": 3, "startsOn": "2027-01-12", "endsOn": "2027-02-10", "dailyHours": 6,
    "mode": "onsite", "openToCity": false, "allowanceFenPerDay": 3000,
    "insuranceByHost": true}))]
pub struct PositionRequest {
    pub campaign_id: Uuid,
    pub host_unit_id: Uuid,
    /// County, township or village of the host's local unit (the place of the work).
    #[schema(example = "220581100")]
    pub region_code: String,
    #[validate(custom(
        function = "crate::input::text::visible_length::<2, 32>",
        message = "岗位名称长度应为2至32个字"
    ))]
    #[schema(min_length = 2, max_length = 32)]
    pub title: String,
    #[validate(length(max = 1000, message = "岗位介绍不能超过1000个字"))]
    #[schema(max_length = 1000)]
    #[serde(default)]
    pub description: String,
    pub category: PositionCategory,
    /// Majors wanted (each 1–32 characters, at most 20); empty = 不限.
    #[serde(default)]
    pub majors: Vec<String>,
    /// Degree levels wanted; empty = 不限.
    #[serde(default)]
    pub degree_levels: Vec<DegreeLevel>,
    #[validate(range(min = 1, max = 50, message = "招募人数应为1至50人"))]
    #[schema(minimum = 1, maximum = 50)]
    pub slots: i32,
    /// Inside the campaign's practice dates.
    #[schema(value_type = String, format = Date)]
    pub starts_on: NaiveDate,
    #[schema(value_type = String, format = Date)]
    pub ends_on: NaiveDate,
    #[validate(range(min = 1, max = 8, message = "每日实践时长应为1至8小时"))]
    #[schema(minimum = 1, maximum = 8)]
    pub daily_hours: i32,
    pub mode: PositionMode,
    /// Open to students of the whole top-level unit (city), not only the local unit.
    #[serde(default)]
    pub open_to_city: bool,
    /// 交通补贴 per day in fen (`3000` = 30元); null = none.
    #[validate(range(min = 0, max = 100000, message = "每日补贴应为0至1000元"))]
    #[schema(minimum = 0, maximum = 100000)]
    pub allowance_fen_per_day: Option<i64>,
    /// The host insures the student (accident insurance): confirming needs the ID number.
    #[serde(default)]
    pub insurance_by_host: bool,
    /// The version edited (PUT only).
    pub version: Option<i32>,
}

/// A position, as cadres, host supervisors and students see it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PositionView {
    pub id: Uuid,
    pub campaign_id: Uuid,
    pub host_unit_id: Uuid,
    #[schema(example = "梅河口市山城镇司法所")]
    pub host_name: String,
    pub region_code: String,
    pub title: String,
    pub description: String,
    pub category: PositionCategory,
    #[schema(example = "法治宣传")]
    pub category_label: String,
    pub majors: Vec<String>,
    pub degree_levels: Vec<DegreeLevel>,
    pub slots: i32,
    /// Seats held (offered or placed).
    pub taken: i32,
    /// `slots − taken`: seats still to be offered.
    pub slots_left: i32,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub daily_hours: i32,
    pub mode: PositionMode,
    pub mode_label: String,
    pub open_to_city: bool,
    pub allowance_fen_per_day: Option<i64>,
    pub insurance_by_host: bool,
    pub status: PositionStatus,
    pub status_label: String,
    pub version: i32,
    pub published_at: Option<DateTime<FixedOffset>>,
    pub created_at: DateTime<FixedOffset>,
}

/// A position for its cadres, with its history.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PositionDetailView {
    #[serde(flatten)]
    pub position: PositionView,
    pub timeline: Vec<TimelineEntry<PositionStatus, PositionAction>>,
}

/// Filters of the cadres' position list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct PositionFilter {
    pub campaign_id: Option<Uuid>,
    pub status: Option<PositionStatus>,
    /// A unit or a place inside the caller's unit.
    pub region: Option<String>,
    pub host_unit_id: Option<Uuid>,
    pub category: Option<PositionCategory>,
}

/// Filters of the students' position list (always inside the student's area).
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct StudentPositionFilter {
    pub campaign_id: Option<Uuid>,
    pub category: Option<PositionCategory>,
    /// A place (county, township or village code) to narrow the list to.
    pub region: Option<String>,
    pub mode: Option<PositionMode>,
}

/// Cancelling a position: every open application ends with it.
#[derive(Debug, Serialize, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"reason": "接收单位临时调整工作安排，岗位取消", "version": 2}))]
pub struct CancelRequest {
    #[validate(custom(
        function = "crate::input::text::visible_length::<2, 200>",
        message = "原因长度应为2至200个字"
    ))]
    #[schema(min_length = 2, max_length = 200)]
    pub reason: String,
    pub version: Option<i32>,
}

/// A student's application to a position. The host-sharing consent names the position's host
/// unit (`GET /practice-options` gives the text; `{recipient}` is the host's name).
#[derive(Debug, Serialize, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "motivation": "我是法学专业学生，家在山城镇，希望利用寒假参与普法宣传，服务家乡。",
    "availableFrom": "2027-01-12", "availableTo": "2027-02-10",
    "hostSharingConsent": true, "consentVersion": "2026-12"}))]
pub struct ApplicationRequest {
    #[validate(custom(
        function = "crate::input::text::visible_length::<10, 500>",
        message = "报名理由长度应为10至500个字"
    ))]
    #[schema(min_length = 10, max_length = 500)]
    pub motivation: String,
    /// The days the student can serve (inside the position's dates), if they know them.
    #[schema(value_type = Option<String>, format = Date)]
    pub available_from: Option<NaiveDate>,
    #[schema(value_type = Option<String>, format = Date)]
    pub available_to: Option<NaiveDate>,
    /// Agreement to give the application to the position's host unit (`practice_host_sharing`).
    pub host_sharing_consent: bool,
    #[schema(example = "2026-12")]
    pub consent_version: String,
}

/// Confirming an offer. For a position whose host insures the student, the separate consent to
/// give the ID number to the host (`practice_insurance`) is required.
#[derive(Debug, Default, Serialize, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"insuranceConsent": true, "consentVersion": "2026-12"}))]
pub struct ConfirmationRequest {
    #[serde(default)]
    pub insurance_consent: bool,
    pub consent_version: Option<String>,
}

/// Withdrawing an application, with an optional reason.
#[derive(Debug, Default, Serialize, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"reason": "已在其他岗位实践"}))]
pub struct ApplicationWithdrawalRequest {
    #[validate(length(max = 200, message = "原因不能超过200个字"))]
    #[schema(max_length = 200)]
    pub reason: Option<String>,
}

/// A decision with a required reason (rejecting, dropping), naming the version looked at.
#[derive(Debug, Serialize, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"reason": "专业方向与岗位要求不符", "version": 1}))]
pub struct DecisionReasonRequest {
    #[validate(custom(
        function = "crate::input::text::visible_length::<2, 200>",
        message = "原因长度应为2至200个字"
    ))]
    #[schema(min_length = 2, max_length = 200)]
    pub reason: String,
    pub version: Option<i32>,
}

/// An application, as everyone who may read it sees it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ApplicationView {
    pub id: Uuid,
    pub position_id: Uuid,
    #[schema(example = "山城镇法治宣传助理")]
    pub position_title: String,
    pub campaign_id: Uuid,
    pub host_unit_id: Uuid,
    #[schema(example = "梅河口市山城镇司法所")]
    pub host_name: String,
    /// The position's place.
    pub region_code: String,
    /// The position's dates (China).
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub status: ApplicationStatus,
    #[schema(example = "已录用待确认")]
    pub status_label: String,
    /// Null once anonymised.
    pub motivation: Option<String>,
    pub available_from: Option<NaiveDate>,
    pub available_to: Option<NaiveDate>,
    /// Confirm before this instant (an offer only).
    pub offer_expires_at: Option<DateTime<FixedOffset>>,
    pub decided_by_kind: Option<DeciderKind>,
    /// The reason of a rejection.
    pub decision_reason: Option<String>,
    pub offered_at: Option<DateTime<FixedOffset>>,
    pub confirmed_at: Option<DateTime<FixedOffset>>,
    pub started_at: Option<DateTime<FixedOffset>>,
    pub ended_at: Option<DateTime<FixedOffset>>,
    pub dropped_reason: Option<String>,
    pub version: i32,
    pub created_at: DateTime<FixedOffset>,
}

/// One of the student's applications in their list.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MyApplicationItem {
    #[serde(flatten)]
    pub application: ApplicationView,
    pub next_step: Option<NextStep>,
}

/// The student's application with its history and next step.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MyApplicationView {
    #[serde(flatten)]
    pub application: ApplicationView,
    pub next_step: Option<NextStep>,
    /// The placement's attendance (null before the placement is confirmed or when it never was).
    pub attendance: Option<AttendanceSheetView>,
    pub timeline: Vec<TimelineEntry<ApplicationStatus, PracticeApplicationAction>>,
}

/// The applicant, as the host and the cadres see them (numbers masked unless the placement
/// lets the host call the student).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ApplicantView {
    pub real_name: String,
    pub gender: Gender,
    /// Full years on today's China date.
    pub age: i32,
    pub school_name: String,
    pub major: String,
    pub degree_level: DegreeLevel,
    pub degree_level_label: String,
    pub expected_graduation: String,
    pub home_region_code: String,
    /// Masked (`139****5678`); in full for the host supervisor from confirmation until 30 days
    /// after the practice ends.
    pub phone: Option<String>,
    /// Only for the host supervisor and the local unit's cadres of a confirmed placement.
    pub emergency_contact_name: Option<String>,
    pub emergency_contact_phone: Option<String>,
}

/// An application for the host supervisor or a cadre.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StaffApplicationView {
    #[serde(flatten)]
    pub application: ApplicationView,
    /// Null when the student has deleted their profile.
    pub applicant: Option<ApplicantView>,
}

/// An application for the host supervisor or a cadre, with its history.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StaffApplicationDetailView {
    #[serde(flatten)]
    pub application: ApplicationView,
    /// Null when the student has deleted their profile.
    pub applicant: Option<ApplicantView>,
    /// The placement's attendance (null before the placement is confirmed or when it never was).
    pub attendance: Option<AttendanceSheetView>,
    /// The student's practice report, once saved.
    pub report: Option<PracticeReportView>,
    /// The host's or a cadre's grade, once given.
    pub evaluation: Option<super::closing_dto::PracticeEvaluationView>,
    /// The certificate, once issued.
    pub certificate: Option<super::closing_dto::PracticeCertificateView>,
    pub timeline: Vec<TimelineEntry<ApplicationStatus, PracticeApplicationAction>>,
}

/// Applications of a position per status.
#[derive(Debug, Default, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ApplicationCounts {
    /// Waiting for a decision.
    pub submitted: u64,
    pub offered: u64,
    pub confirmed: u64,
    pub on_duty: u64,
    pub completed: u64,
    pub certified: u64,
    pub rejected: u64,
    pub declined: u64,
    pub lapsed: u64,
    pub withdrawn: u64,
    pub dropped: u64,
    pub position_cancelled: u64,
}

/// A position of the supervisor's host, with its applications counted per status.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct HostPositionView {
    #[serde(flatten)]
    pub position: PositionView,
    pub applications: ApplicationCounts,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct HostPositionFilter {
    pub campaign_id: Option<Uuid>,
    pub status: Option<PositionStatus>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct ApplicationStatusFilter {
    pub status: Option<ApplicationStatus>,
}

/// Filters of the cadres' application list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct PracticeApplicationFilter {
    pub campaign_id: Option<Uuid>,
    pub status: Option<ApplicationStatus>,
    /// A unit or a place inside the caller's unit (the position's place).
    pub region: Option<String>,
    pub host_unit_id: Option<Uuid>,
    pub position_id: Option<Uuid>,
}

/// One China day of a placement's attendance.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AttendanceDayView {
    pub application_id: Uuid,
    /// The China date.
    pub day: NaiveDate,
    pub check_in_at: Option<DateTime<FixedOffset>>,
    pub check_out_at: Option<DateTime<FixedOffset>>,
    /// Check-out − check-in, capped at the position's daily hours; a day confirmed by hand
    /// counts the daily hours.
    pub minutes: Option<i32>,
    pub source: AttendanceSource,
    pub source_label: String,
    /// Counts towards the confirmed days (confirmed by hand, or ≥ 60 minutes by code).
    pub counted: bool,
    /// Who confirmed the day by hand.
    pub confirmed_by_kind: Option<DeciderKind>,
    pub reason: Option<String>,
}

/// A placement's attendance: the days so far and what they add up to.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AttendanceSheetView {
    /// Days that count (the certificate needs the campaign's `minDays`).
    pub days_confirmed: i64,
    /// Minutes of all days.
    pub minutes: i64,
    /// Oldest first.
    pub days: Vec<AttendanceDayView>,
}

/// The host's (or a local-unit cadre's) confirmation of days the student could not check in.
#[derive(Debug, Serialize, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"days": ["2027-01-12", "2027-01-13"], "reason": "村里停电，扫码签到无法使用，已现场核实在岗", "version": 5}))]
pub struct AttendanceConfirmationRequest {
    /// China dates within the position's practice days, not after today; 1–31 of them.
    #[validate(length(min = 1, max = 31, message = "请选择1至31个日期"))]
    #[schema(min_items = 1, max_items = 31)]
    pub days: Vec<NaiveDate>,
    #[validate(custom(
        function = "crate::input::text::visible_length::<2, 200>",
        message = "原因长度应为2至200个字"
    ))]
    #[schema(min_length = 2, max_length = 200)]
    pub reason: String,
    pub version: Option<i32>,
}

/// The student's report as saved (a draft may be partial; submitting checks it is complete:
/// title 2–40, body 300–5000 characters, a topic).
#[derive(Debug, Serialize, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"topic": "field_survey", "title": "南岭村村史调查报告", "body": "……（300至5000字）", "photos": ["0192f4c1a7e24b7d9a5a3c1f2e8d7b6a"], "version": 2}))]
pub struct PracticeReportRequest {
    /// One of the position categories.
    pub topic: Option<PositionCategory>,
    #[validate(custom(
        function = "crate::input::text::visible_length::<0, 40>",
        message = "标题不能超过40个字"
    ))]
    #[schema(max_length = 40)]
    pub title: Option<String>,
    #[validate(custom(
        function = "crate::input::text::visible_length::<0, 5000>",
        message = "正文不能超过5000字"
    ))]
    #[schema(max_length = 5000)]
    pub body: Option<String>,
    /// Up to 9 photos: keys from `POST /api/v1/media` with purpose `practice_report`, uploaded
    /// by the caller (else 422 `MEDIA_KEY_INVALID` on `photos[i]`).
    #[validate(length(max = 9, message = "最多上传9张照片"))]
    #[schema(max_items = 9)]
    #[serde(default)]
    pub photos: Vec<String>,
    /// The version read (409 `REPORT_CHANGED` when it moved meanwhile).
    pub version: Option<i32>,
}

/// A practice report.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PracticeReportView {
    pub id: Uuid,
    pub application_id: Uuid,
    pub topic: Option<PositionCategory>,
    pub topic_label: Option<String>,
    pub title: Option<String>,
    pub body: Option<String>,
    /// Each with a signed URL that works for 10 minutes.
    pub photos: Vec<crate::media::MediaLink>,
    pub status: PracticeReportStatus,
    pub status_label: String,
    /// The last China day to submit (until 23:59:59 China time).
    pub due_on: NaiveDate,
    pub submitted_at: Option<DateTime<FixedOffset>>,
    pub reviewed_at: Option<DateTime<FixedOffset>>,
    /// Why it was returned.
    pub review_reason: Option<String>,
    pub version: i32,
}

/// The report with its history, for the student.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MyPracticeReportView {
    #[serde(flatten)]
    pub report: PracticeReportView,
    pub next_step: Option<NextStep>,
    pub timeline: Vec<TimelineEntry<PracticeReportStatus, PracticeReportAction>>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum PracticeReportDecision {
    Accept,
    Return,
}

/// A cadre's review of a submitted report.
#[derive(Debug, Serialize, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"decision": "return", "reason": "请补充调查数据和走访照片", "version": 3}))]
pub struct PracticeReportReviewRequest {
    pub decision: PracticeReportDecision,
    /// Required to return (2–200 characters), shown to the student.
    #[validate(custom(
        function = "crate::input::text::visible_length::<2, 200>",
        message = "原因长度应为2至200个字"
    ))]
    #[schema(min_length = 2, max_length = 200)]
    pub reason: Option<String>,
    /// The report's version the cadre read.
    pub version: Option<i32>,
}

/// A later due date for a report.
#[derive(Debug, Serialize, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"newDueOn": "2027-03-10"}))]
pub struct PracticeReportDeadlineRequest {
    /// A China date after the current due date.
    pub new_due_on: NaiveDate,
}
