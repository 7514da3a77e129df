//! Requests and responses of the talent pool. Choices travel as snake_case codes (see
//! `GET /api/v1/talent-options` for the lists with Chinese labels).
use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use super::state::ProfileAction;
use crate::regions::RegionLevel;
use crate::workflow::{NextStep, TimelineEntry};

use super::choices::{
    BusinessType, Choice, Education, Gender, Industry, PoliticalStatus, TalentCategory,
    TalentStatus,
};

/// The profile a youth submits. Choices are sent as codes and checked on the server, so that
/// every problem is reported on its own field (`null` means "not given" for optional fields).
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "realName": "张晓明", "gender": "male", "dateOfBirth": "1998-05-01",
    "phone": "13812341234", "idNumber": "220102199805010016",
    "homeRegionCode": "220102001001", "education": "junior_college",
    "industries": ["planting", "e_commerce"], "categories": ["e_commerce_talent"],
    "business": {"name": "南岭街道晓明种植专业合作社", "type": "cooperative"},
    "politicalStatus": "league_member", "skills": ["直播带货", "大棚蔬菜"],
    "introduction": "返乡种植鲜食玉米，带动周边20户增收。",
    "sensitiveInfoConsent": true, "consentVersion": "2026-11"
}))]
pub struct TalentProfileRequest {
    /// 真实姓名: 2–20 characters (汉字, letters, `·`).
    #[schema(min_length = 2, max_length = 20)]
    pub real_name: String,
    #[schema(value_type = Gender)]
    pub gender: String,
    /// `YYYY-MM-DD`; must match the ID number. Age (China time) must lie in the configured range
    /// (default 16–45).
    #[schema(value_type = String, format = Date)]
    pub date_of_birth: String,
    /// Mainland mobile number. Omitted: the phone already on the profile, else the WeChat-bound
    /// phone; with neither, 422 on `phone`.
    #[schema(nullable = false, pattern = "^(\\+?86)?1[3-9][0-9]{9}$")]
    #[serde(default)]
    pub phone: Option<String>,
    /// 18-character resident ID number with a correct GB 11643 check digit. Required for a new
    /// profile; omit it on an update to keep the stored number.
    #[schema(
        nullable = false,
        min_length = 18,
        max_length = 18,
        pattern = "^[0-9]{17}[0-9Xx]$"
    )]
    #[serde(default)]
    pub id_number: Option<String>,
    /// Code of the township (9 digits) or village (12 digits) the youth belongs to.
    #[schema(min_length = 9, max_length = 12)]
    pub home_region_code: String,
    #[schema(value_type = Education)]
    pub education: String,
    /// 1–5 industries.
    #[schema(value_type = Vec<Industry>, min_items = 1, max_items = 5)]
    pub industries: Vec<String>,
    /// The programme's talent categories the youth claims (a cadre verifies them).
    #[schema(value_type = Vec<TalentCategory>, max_items = 7)]
    #[serde(default)]
    pub categories: Vec<String>,
    /// The business the youth runs, if any.
    #[serde(default)]
    pub business: Option<BusinessRequest>,
    #[schema(value_type = PoliticalStatus)]
    pub political_status: String,
    /// Up to 10 skills, 1–20 characters each.
    #[schema(max_items = 10)]
    #[serde(default)]
    pub skills: Vec<String>,
    /// Up to 500 characters.
    #[schema(max_length = 500)]
    #[serde(default)]
    pub introduction: String,
    /// The separate consent to process sensitive personal information (PIPL art. 29): must be true.
    #[serde(default)]
    pub sensitive_info_consent: bool,
    /// Version of the consent text shown to the youth (`consent.version` of `GET /talent-options`).
    #[schema(example = "2026-11")]
    #[serde(default)]
    pub consent_version: String,
}

#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BusinessRequest {
    /// 2–64 characters.
    #[schema(min_length = 2, max_length = 64)]
    pub name: String,
    #[schema(value_type = BusinessType)]
    #[serde(rename = "type")]
    pub kind: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BusinessView {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: BusinessType,
}

/// A talent profile. ID number and phone are always masked here; full values only through
/// `POST /admin/talents/{id}/reveals`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "id": "0193a1b2-0000-7000-8000-000000000001", "userId": "0193a1b2-0000-7000-8000-000000000002",
    "realName": "张晓明", "gender": "male", "dateOfBirth": "1998-05-01",
    "phone": "138****1234", "idNumber": "220***********0016",
    "homeRegionCode": "220102001001", "homeRegionName": "华阳社区",
    "education": "junior_college", "industries": ["planting", "e_commerce"],
    "categories": ["e_commerce_talent"],
    "business": {"name": "南岭街道晓明种植专业合作社", "type": "cooperative"},
    "politicalStatus": "league_member", "skills": ["直播带货"], "introduction": "返乡种植鲜食玉米。",
    "status": "rejected", "reviewReason": "请补充合作社营业执照名称", "reviewedAt": "2026-11-29T10:00:00+08:00",
    "version": 2, "consentVersion": "2026-11", "consentAt": "2026-11-29T09:00:00+08:00",
    "createdAt": "2026-11-29T09:00:00+08:00", "updatedAt": "2026-11-29T10:00:00+08:00"
}))]
pub struct TalentView {
    pub id: Uuid,
    pub user_id: Uuid,
    pub real_name: String,
    pub gender: Gender,
    pub date_of_birth: NaiveDate,
    /// Masked: `138****1234`.
    pub phone: String,
    /// Masked: `220***********1234`.
    pub id_number: String,
    pub home_region_code: String,
    pub home_region_name: String,
    pub education: Education,
    pub industries: Vec<Industry>,
    pub categories: Vec<TalentCategory>,
    pub business: Option<BusinessView>,
    pub political_status: PoliticalStatus,
    pub skills: Vec<String>,
    pub introduction: String,
    pub status: TalentStatus,
    /// Why the profile was rejected (shown to the youth).
    pub review_reason: Option<String>,
    pub reviewed_at: Option<DateTime<FixedOffset>>,
    /// Revision; send it back with a review so that a cadre never verifies a version they did not see.
    pub version: i32,
    pub consent_version: String,
    pub consent_at: DateTime<FixedOffset>,
    pub created_at: DateTime<FixedOffset>,
    pub updated_at: DateTime<FixedOffset>,
}

/// A profile as a cadre sees it by id, with its history.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TalentDetailView {
    #[serde(flatten)]
    pub profile: TalentView,
    /// What happened to the profile, oldest first (reviewers named; internal notes included).
    pub timeline: Vec<TimelineEntry<TalentStatus, ProfileAction>>,
}

/// The youth's own profile, with its history and what happens next.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MyTalentProfileView {
    #[serde(flatten)]
    pub profile: TalentView,
    /// Oldest first; a reviewing cadre appears as their league unit, the youth as 「本人」.
    pub timeline: Vec<TimelineEntry<TalentStatus, ProfileAction>>,
    /// Null once verified.
    pub next_step: Option<NextStep>,
}

/// Filters of the cadre's talent list and export.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct TalentFilter {
    /// Any region inside the cadre's own (default: the cadre's region).
    #[param(example = "220102")]
    pub region: Option<String>,
    #[param(value_type = Option<Industry>)]
    pub industry: Option<String>,
    #[param(value_type = Option<TalentCategory>)]
    pub category: Option<String>,
    #[param(value_type = Option<TalentStatus>)]
    pub status: Option<String>,
    /// Part of the real name (1–20 characters).
    #[param(max_length = 20)]
    pub keyword: Option<String>,
    /// A full mainland mobile number (exact match through its keyed hash; never stored in clear).
    #[param(example = "13812341234")]
    pub phone: Option<String>,
}

/// Why a cadre needs a talent's full ID number and phone.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"reason": "办理银团合作贷款推荐，需核对身份证号"}))]
pub struct RevealRequest {
    /// 4–200 characters, kept in the reveal log.
    #[validate(custom(
        function = "crate::input::text::visible_length::<4, 200>",
        message = "查看理由长度应为4至200个字"
    ))]
    #[schema(min_length = 4, max_length = 200)]
    pub reason: String,
}

/// Full values of one profile (the reveal is logged).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"profileId": "0193a1b2-0000-7000-8000-000000000001", "realName": "张晓明", "idNumber": "220102199805010016", "phone": "13812341234"}))]
pub struct RevealedView {
    pub profile_id: Uuid,
    pub real_name: String,
    pub id_number: String,
    pub phone: String,
}

/// One entry of the reveal log.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a1b2-0000-7000-8000-0000000000aa", "cadreId": "0193a1b2-0000-7000-8000-0000000000bb",
    "cadreName": "南关区团委", "cadreUsername": "nanguan_admin",
    "profileId": "0193a1b2-0000-7000-8000-000000000001", "subjectUserId": "0193a1b2-0000-7000-8000-000000000002",
    "subjectName": "张**", "subjectRegionCode": "220102001001", "reason": "办理银团合作贷款推荐，需核对身份证号",
    "createdAt": "2026-11-29T10:30:00+08:00"
}))]
#[serde(rename_all = "camelCase")]
pub struct RevealLogView {
    pub id: Uuid,
    pub cadre_id: Uuid,
    /// The cadre's display name and login.
    pub cadre_name: String,
    pub cadre_username: String,
    pub profile_id: Uuid,
    pub subject_user_id: Uuid,
    /// The talent's name, masked (`张**`); empty when the profile has since been withdrawn.
    pub subject_name: String,
    pub subject_region_code: String,
    pub reason: String,
    pub created_at: DateTime<FixedOffset>,
}

/// Counts for one region.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "code": "220102001", "name": "南岭街道", "level": "township", "verifiedTalents": 4,
    "byCategory": [{"category": "e_commerce_talent", "count": 3}, {"category": "wealth_leader", "count": 1}],
    "villages": 9, "villagesWithTalent": 2, "villageCoveragePermille": 222
}))]
#[serde(rename_all = "camelCase")]
pub struct RegionTalentStats {
    pub code: String,
    pub name: String,
    pub level: RegionLevel,
    /// Verified talents whose home region lies here.
    pub verified_talents: u64,
    /// Verified talents per category (one talent may count in several).
    pub by_category: Vec<TalentCategoryCount>,
    /// Villages here that count under the KPI village scope (default: 村民委员会 only): the
    /// coverage denominator.
    pub villages: u64,
    /// Of those, villages with at least one verified talent homed there: the numerator.
    pub villages_with_talent: u64,
    /// `villagesWithTalent / villages` in per mille, rounded down (0 when there are no villages).
    pub village_coverage_permille: u64,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TalentCategoryCount {
    pub category: TalentCategory,
    pub count: u64,
}

/// The region dashboard: the region itself and each child region. `byCategory` lists every
/// category (zeros included) in the order of `GET /talent-options`.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "region": {"code": "220102", "name": "南关区", "level": "county", "verifiedTalents": 5,
               "byCategory": [{"category": "e_commerce_talent", "count": 4}],
               "villages": 70, "villagesWithTalent": 3, "villageCoveragePermille": 42},
    "scopes": {"township": "rural", "village": "village_committees", "county": "gb2260"},
    "children": [{"code": "220102001", "name": "南岭街道", "level": "township", "verifiedTalents": 4,
                  "byCategory": [{"category": "e_commerce_talent", "count": 3}],
                  "villages": 9, "villagesWithTalent": 2, "villageCoveragePermille": 222}]
}))]
#[serde(rename_all = "camelCase")]
pub struct TalentStatsView {
    pub region: RegionTalentStats,
    pub children: Vec<RegionTalentStats>,
    /// Which villages count in `villages` (`JIQING_KPI_VILLAGE_SCOPE`), with the township and
    /// county scopes in force.
    pub scopes: crate::kpi_scope::KpiScopes,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct StatsQuery {
    /// A league unit at or below the cadre's (`220500` = 通化 without 梅河口, `CBS`), or a
    /// township or village inside it (default: the cadre's unit).
    #[param(example = "220100")]
    pub region: Option<String>,
}

/// The consent text the youth must agree to separately.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ConsentView {
    pub version: &'static str,
    pub text: &'static str,
}

/// The lists a profile chooses from, with Chinese labels.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "genders": [{"value": "male", "label": "男"}, {"value": "female", "label": "女"}],
    "educations": [{"value": "high_school", "label": "高中"}],
    "industries": [{"value": "planting", "label": "种植业"}, {"value": "e_commerce", "label": "电商直播"}],
    "categories": [{"value": "local_expert", "label": "土专家/田秀才"}],
    "businessTypes": [{"value": "cooperative", "label": "农民专业合作社"}],
    "politicalStatuses": [{"value": "league_member", "label": "共青团员"}],
    "statuses": [{"value": "pending", "label": "待审核"}],
    "minAge": 16, "maxAge": 45,
    "consent": {"version": "2026-11", "text": "为建立共青团吉林省委“青年人才库”……"}
}))]
#[serde(rename_all = "camelCase")]
pub struct TalentOptionsView {
    pub genders: Vec<Choice>,
    pub educations: Vec<Choice>,
    pub industries: Vec<Choice>,
    pub categories: Vec<Choice>,
    pub business_types: Vec<Choice>,
    pub political_statuses: Vec<Choice>,
    pub statuses: Vec<Choice>,
    pub min_age: u32,
    pub max_age: u32,
    pub consent: ConsentView,
}
