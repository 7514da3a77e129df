//! `GET /mentor-options`: every list with Chinese labels, the consent texts and the limits.
use actix_web::{get, web};
use entity::mentor_profiles::{Expertise, MentorStatus, ServiceMode};
use entity::mentoring_records::{RecordMode, RecordStatus};
use entity::mentorship_requests::{DeclineReason, RequestKind, RequestStatus};
use entity::mentorships::MentorshipStatus;
use entity::youth_organisations::{OrgKind, OrgLevel};

use super::dto::{
    CAPACITY_DEFAULT, CAPACITY_MAX, CAPACITY_MIN, ConsentTextView, MentorConsents,
    MentorOptionsView, MentoringLimits,
};
use super::rules;
use crate::app_state::AppState;
use crate::choices::choices;
use crate::talents::choices::Industry;

/// The lists mentoring chooses from, the consent texts (mentor profile; a youth's consent to
/// give a named mentor their contact) and the limits in force. Needs no login.
#[utoipa::path(
    tag = "mentoring",
    operation_id = "get_mentor_options",
    responses((status = 200, body = MentorOptionsView))
)]
#[get("/mentor-options")]
pub async fn get_mentor_options(state: web::Data<AppState>) -> web::Json<MentorOptionsView> {
    let m = &state.settings.mentoring;
    web::Json(MentorOptionsView {
        expertise: choices::<Expertise>(),
        industries: Industry::choices(),
        service_modes: choices::<ServiceMode>(),
        request_kinds: choices::<RequestKind>(),
        mentor_statuses: choices::<MentorStatus>(),
        request_statuses: choices::<RequestStatus>(),
        mentorship_statuses: choices::<MentorshipStatus>(),
        decline_reasons: choices::<DeclineReason>(),
        record_modes: choices::<RecordMode>(),
        record_statuses: choices::<RecordStatus>(),
        organisation_kinds: choices::<OrgKind>(),
        organisation_levels: choices::<OrgLevel>(),
        consents: MentorConsents {
            mentor_profile: ConsentTextView {
                version: rules::MENTOR_CONSENT.version,
                text: rules::MENTOR_CONSENT.template,
            },
            mentoring_contact: ConsentTextView {
                version: rules::CONTACT_CONSENT.version,
                text: rules::CONTACT_CONSENT.template,
            },
        },
        limits: MentoringLimits {
            capacity_min: CAPACITY_MIN,
            capacity_max: CAPACITY_MAX,
            capacity_default: CAPACITY_DEFAULT,
            max_open_requests: m.max_open_requests,
            max_long_term: m.max_long_term,
            request_ttl_hours: m.request_ttl_hours,
            confirm_days: m.confirm_days,
            rating_days: rules::RATING_DAYS,
            min_mentee_age: rules::MIN_MENTEE_AGE,
            record_minutes_min: rules::RECORD_MINUTES.0,
            record_minutes_max: rules::RECORD_MINUTES.1,
            record_photos_max: rules::RECORD_PHOTOS_MAX,
            long_term_months_default: rules::LONG_TERM_MONTHS_DEFAULT,
            long_term_months_max: rules::LONG_TERM_MONTHS_MAX,
            consultation_days: rules::CONSULTATION_DAYS,
        },
    })
}
