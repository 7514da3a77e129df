use actix_web::{get, web};

use super::dto::RegionView;
use super::queries;
use crate::app_state::AppState;
use crate::error::{ApiError, ApiResult, ErrorEnvelope};

/// One region by its official code.
#[utoipa::path(
    tag = "regions",
    operation_id = "get_region",
    params(("code" = String, Path, description = "Official region code", example = "220100")),
    responses(
        (status = 200, body = RegionView),
        (status = 404, body = ErrorEnvelope, description = "No such region")
    )
)]
#[get("/regions/{code}")]
pub async fn get_region(
    state: web::Data<AppState>,
    code: web::Path<String>,
) -> ApiResult<web::Json<RegionView>> {
    let region = queries::find(&state.db, &code)
        .await?
        .ok_or_else(|| ApiError::not_found("行政区划"))?;
    Ok(web::Json(region.try_into()?))
}

/// The regions one level below (`220000` → the 9 cities and prefectures).
#[utoipa::path(
    tag = "regions",
    operation_id = "list_region_children",
    params(("code" = String, Path, description = "Official region code", example = "220000")),
    responses(
        (status = 200, body = [RegionView]),
        (status = 404, body = ErrorEnvelope, description = "No such region")
    )
)]
#[get("/regions/{code}/children")]
pub async fn list_region_children(
    state: web::Data<AppState>,
    code: web::Path<String>,
) -> ApiResult<web::Json<Vec<RegionView>>> {
    queries::find(&state.db, &code)
        .await?
        .ok_or_else(|| ApiError::not_found("行政区划"))?;
    let children = queries::children(&state.db, &code).await?;
    let views = children
        .into_iter()
        .map(TryInto::try_into)
        .collect::<ApiResult<Vec<RegionView>>>()?;
    Ok(web::Json(views))
}
