use actix_web::{get, web};
use entity::host_units::{HostKind, HostStatus};
use entity::practice_applications::ApplicationStatus;
use entity::practice_campaigns::{CampaignStatus, Season};
use entity::practice_evaluations::PracticeGrade;
use entity::practice_positions::{PositionCategory, PositionMode, PositionStatus};
use entity::student_profiles::{DegreeLevel, Gender};

use super::dto::{PracticeConsentView, PracticeOptionsView, PracticeSettingsView};
use super::rules::{
    APPLY_MIN_AGE, FIRST_ENROLLMENT_YEAR, HOST_SHARING_CONSENT, INSURANCE_CONSENT, MAX_DAILY_HOURS,
    MAX_SLOTS, PROFILE_CONSENT, STUDENT_MAX_AGE, STUDENT_MIN_AGE,
};
use crate::app_state::AppState;
use crate::choices::choices;
use crate::consents::ConsentText;

fn consent(c: ConsentText) -> PracticeConsentView {
    PracticeConsentView {
        version: c.version,
        text: c.template,
    }
}

/// Every choice of the 返家乡 forms with Chinese labels, the consent texts and the limits and
/// default campaign settings in force. Needs no login.
#[utoipa::path(
    tag = "practice",
    operation_id = "get_practice_options",
    responses((status = 200, body = PracticeOptionsView))
)]
#[get("/practice-options")]
pub async fn get_practice_options(state: web::Data<AppState>) -> web::Json<PracticeOptionsView> {
    let p = state.settings.practice;
    web::Json(PracticeOptionsView {
        genders: choices::<Gender>(),
        degree_levels: choices::<DegreeLevel>(),
        seasons: choices::<Season>(),
        campaign_statuses: choices::<CampaignStatus>(),
        host_kinds: choices::<HostKind>(),
        host_statuses: choices::<HostStatus>(),
        position_categories: choices::<PositionCategory>(),
        position_modes: choices::<PositionMode>(),
        position_statuses: choices::<PositionStatus>(),
        application_statuses: choices::<ApplicationStatus>(),
        grades: choices::<PracticeGrade>(),
        max_slots: MAX_SLOTS,
        max_daily_hours: MAX_DAILY_HOURS,
        profile_consent: consent(PROFILE_CONSENT),
        host_sharing_consent: consent(HOST_SHARING_CONSENT),
        insurance_consent: consent(INSURANCE_CONSENT),
        student_min_age: STUDENT_MIN_AGE,
        student_max_age: STUDENT_MAX_AGE,
        apply_min_age: APPLY_MIN_AGE,
        first_enrollment_year: FIRST_ENROLLMENT_YEAR,
        defaults: PracticeSettingsView {
            min_days: p.min_days,
            offer_valid_hours: p.offer_valid_hours,
            report_due_days: p.report_due_days,
            excellent_cap_permille: p.excellent_cap_permille,
            max_open_applications: p.max_open_applications,
        },
    })
}
