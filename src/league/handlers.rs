use actix_web::{get, web};

use super::dto::{LeagueUnitQuery, LeagueUnitView};
use crate::app_state::AppState;
use crate::error::{ApiError, ApiResult, ErrorEnvelope};

fn unknown() -> ApiError {
    ApiError::not_found("团组织")
}

/// The league units (the province, the 11 top-level units, the county units) in tree order,
/// optionally of one level.
#[utoipa::path(
    tag = "league-units",
    operation_id = "list_league_units",
    params(LeagueUnitQuery),
    responses(
        (status = 200, body = [LeagueUnitView]),
        (status = 422, body = ErrorEnvelope, description = "INVALID_QUERY")
    )
)]
#[get("/league-units")]
pub async fn list_league_units(
    state: web::Data<AppState>,
    query: web::Query<LeagueUnitQuery>,
) -> ApiResult<web::Json<Vec<LeagueUnitView>>> {
    Ok(web::Json(
        state
            .league
            .units()
            .iter()
            .filter(|u| query.level.is_none_or(|l| u.level == l))
            .map(|u| LeagueUnitView::from(u.as_ref()))
            .collect(),
    ))
}

/// One league unit by its code (`220100`, `220581`, `CBS`).
#[utoipa::path(
    tag = "league-units",
    operation_id = "get_league_unit",
    params(("code" = String, Path, description = "League unit code", example = "CBS")),
    responses(
        (status = 200, body = LeagueUnitView),
        (status = 404, body = ErrorEnvelope, description = "No such unit")
    )
)]
#[get("/league-units/{code}")]
pub async fn get_league_unit(
    state: web::Data<AppState>,
    code: web::Path<String>,
) -> ApiResult<web::Json<LeagueUnitView>> {
    let unit = state.league.unit(&code).ok_or_else(unknown)?;
    Ok(web::Json(unit.as_ref().into()))
}

/// The units directly below one (`220000` → the 11 top-level units; 梅河口 and 长白山 have none).
#[utoipa::path(
    tag = "league-units",
    operation_id = "list_league_unit_children",
    params(("code" = String, Path, description = "League unit code", example = "220000")),
    responses(
        (status = 200, body = [LeagueUnitView]),
        (status = 404, body = ErrorEnvelope, description = "No such unit")
    )
)]
#[get("/league-units/{code}/children")]
pub async fn list_league_unit_children(
    state: web::Data<AppState>,
    code: web::Path<String>,
) -> ApiResult<web::Json<Vec<LeagueUnitView>>> {
    state.league.unit(&code).ok_or_else(unknown)?;
    Ok(web::Json(
        state
            .league
            .children(&code)
            .into_iter()
            .map(|u| LeagueUnitView::from(u.as_ref()))
            .collect(),
    ))
}
