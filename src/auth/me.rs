use actix_web::{get, web};
use entity::{banks, regions, users};
use sea_orm::EntityTrait;

use super::dto::{CadreView, MeView};
use super::extractors::CurrentUser;
use super::identity::{CadreScope, roles_of};
use crate::app_state::AppState;
use crate::crypto::mask_phone;
use crate::error::{ApiResult, ErrorEnvelope};

pub async fn me_view(state: &AppState, user: &users::Model) -> ApiResult<MeView> {
    let cadre = match CadreScope::from_user(user, &state.league) {
        Some(scope) => {
            let region_name = match &scope.region_code {
                Some(code) => regions::Entity::find_by_id(code.clone())
                    .one(&state.db)
                    .await?
                    .map(|r| r.name)
                    .unwrap_or_default(),
                None => scope.unit.short_name.clone(),
            };
            Some(CadreView {
                level: scope.level,
                unit_code: scope.unit.code.clone(),
                unit_name: scope.unit.name.clone(),
                unit_short_name: scope.unit.short_name.clone(),
                region_code: scope.region_code,
                region_name,
            })
        }
        None => None,
    };
    let bank_name = match user.bank_id {
        Some(id) => banks::Entity::find_by_id(id)
            .one(&state.db)
            .await?
            .map(|b| b.name),
        None => None,
    };
    let phone = match &user.phone_enc {
        Some(enc) => state.cipher.decrypt(enc).ok().map(|p| mask_phone(&p)),
        None => None,
    };
    Ok(MeView {
        id: user.id,
        display_name: user.display_name.clone(),
        roles: roles_of(user),
        phone,
        cadre,
        bank_id: user.bank_id,
        bank_name,
    })
}

/// The caller's own account and roles.
#[utoipa::path(
    tag = "auth",
    operation_id = "get_me",
    security(("bearer" = [])),
    responses(
        (status = 200, body = MeView),
        (status = 401, body = ErrorEnvelope)
    )
)]
#[get("/me")]
pub async fn get_me(state: web::Data<AppState>, me: CurrentUser) -> ApiResult<web::Json<MeView>> {
    Ok(web::Json(me_view(&state, &me.user).await?))
}
