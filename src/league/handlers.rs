use actix_web::{get, web};

use super::dto::{LeagueUnitQuery, LeagueUnitView};
use super::tree::LeagueUnit;
use crate::app_state::AppState;
use crate::error::{ApiError, ApiResult, ErrorEnvelope};
use crate::input::Query;
use crate::pagination::{Page, PageQuery};

fn unknown() -> ApiError {
    ApiError::not_found("团组织")
}

/// One page of units already in tree order (the tree is in memory; at most 80 units).
fn page_of<'a>(
    units: impl Iterator<Item = &'a std::sync::Arc<LeagueUnit>>,
    page: &PageQuery,
) -> ApiResult<Page<LeagueUnitView>> {
    let (number, size) = page.parts()?;
    let all: Vec<&std::sync::Arc<LeagueUnit>> = units.collect();
    let items = all
        .iter()
        .skip(((number - 1) * size) as usize)
        .take(size as usize)
        .map(|u| LeagueUnitView::from(u.as_ref()))
        .collect();
    Ok(Page::new(items, all.len() as u64, (number, size)))
}

/// The league units (the province, the 11 top-level units, the county units) in tree order,
/// optionally of one level.
#[utoipa::path(
    tag = "league-units",
    operation_id = "list_league_units",
    params(LeagueUnitQuery, PageQuery),
    responses(
        (status = 200, body = Page<LeagueUnitView>),
        (status = 422, body = ErrorEnvelope, description = "INVALID_QUERY (level, page)")
    )
)]
#[get("/league-units")]
pub async fn list_league_units(
    state: web::Data<AppState>,
    query: Query<LeagueUnitQuery>,
    page: Query<PageQuery>,
) -> ApiResult<web::Json<Page<LeagueUnitView>>> {
    let level = query.into_inner().level;
    Ok(web::Json(page_of(
        state
            .league
            .units()
            .iter()
            .filter(|u| level.is_none_or(|l| u.level == l)),
        &page.into_inner(),
    )?))
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
    params(
        ("code" = String, Path, description = "League unit code", example = "220000"),
        PageQuery
    ),
    responses(
        (status = 200, body = Page<LeagueUnitView>),
        (status = 404, body = ErrorEnvelope, description = "No such unit")
    )
)]
#[get("/league-units/{code}/children")]
pub async fn list_league_unit_children(
    state: web::Data<AppState>,
    code: web::Path<String>,
    page: Query<PageQuery>,
) -> ApiResult<web::Json<Page<LeagueUnitView>>> {
    // The query is checked before the look-up, as on every list.
    page.parts()?;
    state.league.unit(&code).ok_or_else(unknown)?;
    Ok(web::Json(page_of(
        state.league.children(&code).into_iter(),
        &page.into_inner(),
    )?))
}
