//! Region flags (`supervision.md` §3): the province marks places — 团省委联系点, 示范点,
//! 乡村振兴重点帮扶县, 脱贫县 — and every report's `flag=` keeps the children inside them
//! (「特别关注乡村振兴重点帮扶县和脱贫县」). Only province cadres set or clear them; every cadre
//! lists the flags inside their own unit.
use std::collections::{BTreeSet, HashMap};

use actix_web::{HttpResponse, delete, get, put, web};
use chrono::Utc;
use entity::region_flags::{self, RegionFlag};
use entity::regions;
use entity::users::CadreLevel;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::app_state::AppState;
use crate::auth::{Cadre, CadreScope};
use crate::choices::Labelled;
use crate::error::{ApiError, ApiResult, ErrorEnvelope};
use crate::input::Json;
use crate::pagination::{Page, PageQuery, page_rows};
use crate::regions::{RegionLevel, level_of};

crate::labels!(RegionFlag {
    ProvinceContactPoint: "团省委联系点",
    DemonstrationSite: "示范点",
    KeySupportCounty: "乡村振兴重点帮扶县",
    PovertyExitCounty: "脱贫县",
});

/// Whether a flag names a county (重点帮扶县, 脱贫县) rather than any place.
fn county_only(flag: RegionFlag) -> bool {
    matches!(
        flag,
        RegionFlag::KeySupportCounty | RegionFlag::PovertyExitCounty
    )
}

/// `PUT /admin/region-flags/{code}`: the place's flags, all of them (an empty list clears them).
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"flags": ["key_support_county", "poverty_exit_county"]}))]
pub struct SetRegionFlags {
    #[validate(length(max = 4, code = "RANGE", message = "标记最多4个"))]
    #[schema(max_items = 4)]
    pub flags: Vec<RegionFlag>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FlagLabel {
    pub flag: RegionFlag,
    pub label: String,
}

/// A place with its flags.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"regionCode": "220281", "regionName": "蛟河市",
    "flags": [{"flag": "key_support_county", "label": "乡村振兴重点帮扶县"}]}))]
pub struct RegionFlags {
    pub region_code: String,
    pub region_name: String,
    pub flags: Vec<FlagLabel>,
}

/// `GET /admin/region-flags` filters.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct FlagFilter {
    #[param(inline)]
    pub flag: Option<RegionFlag>,
    /// A place or unit inside the caller's (default: the caller's unit).
    pub region: Option<String>,
}

fn province_only(cadre: &CadreScope) -> ApiResult<()> {
    if cadre.level == CadreLevel::Province {
        Ok(())
    } else {
        Err(ApiError::Forbidden(
            "ROLE_REQUIRED",
            "地区标记由团省委设定".into(),
        ))
    }
}

/// The place named by the path: an existing county, township or village.
async fn flaggable(state: &AppState, code: &str) -> ApiResult<regions::Model> {
    let region = crate::regions::queries::require(&state.db, code, "code").await?;
    match level_of(code) {
        Some(RegionLevel::County | RegionLevel::Township | RegionLevel::Village) => Ok(region),
        _ => Err(ApiError::field(
            "code",
            "LEVEL",
            "地区标记只能设在县（市、区）、乡镇（街道）或村（社区）",
        )),
    }
}

fn labelled(flags: impl IntoIterator<Item = RegionFlag>) -> Vec<FlagLabel> {
    flags
        .into_iter()
        .map(|flag| FlagLabel {
            flag,
            label: flag.label().to_owned(),
        })
        .collect()
}

/// The places inside the caller's unit (or `region`) carrying flags, by code, with all their
/// flags; `flag` keeps the places carrying that one.
#[utoipa::path(
    tag = "kpi",
    operation_id = "list_region_flags",
    security(("bearer" = [])),
    params(FlagFilter, PageQuery),
    responses(
        (status = 200, body = Page<RegionFlags>),
        (status = 403, body = ErrorEnvelope, description = "OUTSIDE_REGION"),
        (status = 422, body = ErrorEnvelope, description = "UNKNOWN_REGION")
    )
)]
#[get("/admin/region-flags")]
pub async fn list_region_flags(
    state: web::Data<AppState>,
    cadre: Cadre,
    filter: crate::input::Query<FlagFilter>,
    page: crate::input::Query<PageQuery>,
) -> ApiResult<web::Json<Page<RegionFlags>>> {
    let parts = page.parts()?;
    let scope = cadre
        .filter_scope(&state.db, filter.region.as_deref(), "region")
        .await?;
    let mut flagged = sea_orm::sea_query::Query::select();
    flagged
        .column(region_flags::Column::RegionCode)
        .from(region_flags::Entity);
    if let Some(flag) = filter.flag {
        flagged.and_where(region_flags::Column::Flag.eq(flag));
    }
    let places = regions::Entity::find()
        .filter(scope.condition(regions::Column::Code))
        .filter(regions::Column::Code.in_subquery(flagged));
    let (rows, total) =
        page_rows(places.order_by_asc(regions::Column::Code), &state.db, parts).await?;
    let codes: Vec<String> = rows.iter().map(|r| r.code.clone()).collect();
    let mut by_place: HashMap<String, BTreeSet<RegionFlag>> = HashMap::new();
    for f in region_flags::Entity::find()
        .filter(region_flags::Column::RegionCode.is_in(codes))
        .all(&state.db)
        .await?
    {
        by_place.entry(f.region_code).or_default().insert(f.flag);
    }
    let items = rows
        .into_iter()
        .map(|r| RegionFlags {
            flags: labelled(by_place.remove(&r.code).unwrap_or_default()),
            region_code: r.code,
            region_name: r.name,
        })
        .collect();
    Ok(web::Json(Page::new(items, total, parts)))
}

/// Set a place's flags to exactly the list sent (province cadres). 重点帮扶县 and 脱贫县 name
/// counties only.
#[utoipa::path(
    tag = "kpi",
    operation_id = "set_region_flag",
    security(("bearer" = [])),
    params(("code" = String, Path, description = "A county, township or village code")),
    request_body = SetRegionFlags,
    responses(
        (status = 200, body = RegionFlags),
        (status = 403, body = ErrorEnvelope, description = "ROLE_REQUIRED (not a province cadre)"),
        (status = 422, body = ErrorEnvelope, description = "UNKNOWN_REGION, LEVEL (a province or city code; a county flag on a township or village)")
    )
)]
#[put("/admin/region-flags/{code}")]
pub async fn set_region_flag(
    state: web::Data<AppState>,
    cadre: Cadre,
    code: web::Path<String>,
    body: Json<SetRegionFlags>,
) -> ApiResult<web::Json<RegionFlags>> {
    province_only(&cadre)?;
    let region = flaggable(&state, &code).await?;
    let wanted: BTreeSet<RegionFlag> = body.flags.iter().copied().collect();
    if level_of(&region.code) != Some(RegionLevel::County)
        && let Some(flag) = wanted.iter().find(|f| county_only(**f))
    {
        return Err(ApiError::field(
            "flags",
            "LEVEL",
            format!("“{}”只能标记在县（市、区）", flag.label()),
        ));
    }
    let txn = crate::db::begin(&state.db).await?;
    let mut gone = region_flags::Entity::delete_many()
        .filter(region_flags::Column::RegionCode.eq(&region.code));
    if !wanted.is_empty() {
        gone = gone.filter(region_flags::Column::Flag.is_not_in(wanted.iter().copied()));
    }
    gone.exec(&txn).await?;
    if !wanted.is_empty() {
        let now = Utc::now();
        region_flags::Entity::insert_many(wanted.iter().map(|flag| region_flags::ActiveModel {
            region_code: Set(region.code.clone()),
            flag: Set(*flag),
            set_by: Set(cadre.user_id),
            created_at: Set(now),
        }))
        .on_conflict(
            OnConflict::columns([region_flags::Column::RegionCode, region_flags::Column::Flag])
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(&txn)
        .await?;
    }
    txn.commit().await?;
    Ok(web::Json(RegionFlags {
        region_code: region.code,
        region_name: region.name,
        flags: labelled(wanted),
    }))
}

/// Clear every flag of a place (province cadres); 204 also when it had none.
#[utoipa::path(
    tag = "kpi",
    operation_id = "delete_region_flag",
    security(("bearer" = [])),
    params(("code" = String, Path, description = "A county, township or village code")),
    responses(
        (status = 204, description = "The place carries no flag now"),
        (status = 403, body = ErrorEnvelope, description = "ROLE_REQUIRED (not a province cadre)"),
        (status = 422, body = ErrorEnvelope, description = "UNKNOWN_REGION, LEVEL")
    )
)]
#[delete("/admin/region-flags/{code}")]
pub async fn delete_region_flag(
    state: web::Data<AppState>,
    cadre: Cadre,
    code: web::Path<String>,
) -> ApiResult<HttpResponse> {
    province_only(&cadre)?;
    let region = flaggable(&state, &code).await?;
    region_flags::Entity::delete_many()
        .filter(region_flags::Column::RegionCode.eq(&region.code))
        .exec(&state.db)
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
