use actix_web::{get, web};

use super::choices::{
    BusinessType, Education, Gender, Industry, PoliticalStatus, TalentCategory, TalentStatus,
};
use super::dto::{ConsentView, TalentOptionsView};
use super::rules::{CONSENT_TEXT, CONSENT_VERSION};
use crate::app_state::AppState;
use crate::choices::choices;

/// The lists a talent profile chooses from (codes with Chinese labels), the age range served and
/// the current consent text. Needs no login: the mini-program shows it before registration.
#[utoipa::path(
    tag = "talents",
    operation_id = "get_talent_options",
    responses((status = 200, body = TalentOptionsView))
)]
#[get("/talent-options")]
pub async fn get_talent_options(state: web::Data<AppState>) -> web::Json<TalentOptionsView> {
    web::Json(TalentOptionsView {
        genders: choices::<Gender>(),
        educations: choices::<Education>(),
        industries: Industry::choices(),
        categories: TalentCategory::choices(),
        business_types: choices::<BusinessType>(),
        political_statuses: choices::<PoliticalStatus>(),
        statuses: choices::<TalentStatus>(),
        min_age: state.settings.talent_min_age,
        max_age: state.settings.talent_max_age,
        consent: ConsentView {
            version: CONSENT_VERSION,
            text: CONSENT_TEXT,
        },
    })
}
