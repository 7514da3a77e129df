//! Counts of Youth Homes and signature projects per area and child (`GET
//! /admin/youth-homes/stats`), and the public list of a township's homes.
use std::collections::HashSet;

use actix_web::{get, web};
use entity::signature_projects::{self as projects, Column as P, ProjectStatus};
use entity::youth_homes::{self as homes, Column as H, YouthHomeStatus};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::dto::{
    PublicHomeFilter, PublicYouthHomeView, RegistryCounts, RegistryStatsChild, StatsFilter,
    YouthHomeStatsView,
};
use super::state::{home_counts, project_counts};
use crate::app_state::AppState;
use crate::auth::Cadre;
use crate::choices::code;
use crate::error::{ApiError, ApiResult, ErrorEnvelope};
use crate::league::rollup::rollup;
use crate::regions::{RegionCode, RegionLevel};
use crate::talents::queries::json_list;

/// One registry row as counted: township, status code, verified, counts in the KPI.
type Fact = (String, String, bool, bool);

fn tally<'a>(facts: impl Iterator<Item = &'a Fact>) -> RegistryCounts {
    let mut out = RegistryCounts::default();
    let mut covered = HashSet::new();
    for (township, status, verified, counted) in facts {
        out.total += 1;
        *out.by_status.entry(status.clone()).or_default() += 1;
        out.verified += u64::from(*verified);
        if *counted {
            out.counted += 1;
            covered.insert(township.as_str());
        }
    }
    out.townships_covered = covered.len() as u64;
    out
}

/// Homes and projects of an area (a league unit at or below the caller's, or a township) and of
/// each child: per status, verified, counted in the KPI, townships covered.
#[utoipa::path(
    tag = "youth-homes",
    operation_id = "get_youth_home_stats",
    security(("bearer" = [])),
    params(StatsFilter),
    responses(
        (status = 200, body = YouthHomeStatsView),
        (status = 403, body = ErrorEnvelope, description = "OUTSIDE_REGION"),
        (status = 422, body = ErrorEnvelope, description = "region: UNKNOWN_REGION")
    )
)]
#[get("/admin/youth-homes/stats")]
pub async fn get_youth_home_stats(
    state: web::Data<AppState>,
    cadre: Cadre,
    filter: crate::input::Query<StatsFilter>,
) -> ApiResult<web::Json<YouthHomeStatsView>> {
    let r = rollup(&state.db, &cadre, filter.region.as_deref(), "region").await?;
    let home_rows: Vec<(
        String,
        YouthHomeStatus,
        Option<chrono::DateTime<chrono::Utc>>,
    )> = homes::Entity::find()
        .select_only()
        .column(H::TownshipCode)
        .column(H::Status)
        .column(H::VerifiedAt)
        .filter(r.area.scope.condition(H::TownshipCode))
        .into_tuple()
        .all(&state.db)
        .await?;
    let home_facts: Vec<Fact> = home_rows
        .into_iter()
        .map(|(t, s, v)| (t, code(s), v.is_some(), home_counts(s, v.is_some())))
        .collect();
    let project_rows: Vec<(String, ProjectStatus, Option<chrono::DateTime<chrono::Utc>>)> =
        projects::Entity::find()
            .select_only()
            .column(P::TownshipCode)
            .column(P::Status)
            .column(P::VerifiedAt)
            .filter(r.area.scope.condition(P::TownshipCode))
            .into_tuple()
            .all(&state.db)
            .await?;
    let project_facts: Vec<Fact> = project_rows
        .into_iter()
        .map(|(t, s, v)| (t, code(s), v.is_some(), project_counts(s, v.is_some())))
        .collect();
    let children = r
        .children
        .iter()
        .enumerate()
        .map(|(i, c)| RegistryStatsChild {
            code: c.code.clone(),
            name: c.name.clone(),
            homes: tally(home_facts.iter().filter(|f| r.child_of(&f.0) == Some(i))),
            projects: tally(project_facts.iter().filter(|f| r.child_of(&f.0) == Some(i))),
        })
        .collect();
    Ok(web::Json(YouthHomeStatsView {
        region: r.area.code.clone(),
        region_name: r.area.name.clone(),
        homes: tally(home_facts.iter()),
        projects: tally(project_facts.iter()),
        children,
    }))
}

/// The operating, verified Youth Homes of a township, for everyone (no login).
#[utoipa::path(
    tag = "youth-homes",
    operation_id = "list_youth_homes",
    params(PublicHomeFilter),
    responses(
        (status = 200, body = Vec<PublicYouthHomeView>),
        (status = 422, body = ErrorEnvelope, description = "township: LEVEL")
    )
)]
#[get("/youth-homes")]
pub async fn list_youth_homes(
    state: web::Data<AppState>,
    filter: crate::input::Query<PublicHomeFilter>,
) -> ApiResult<web::Json<Vec<PublicYouthHomeView>>> {
    let township = filter.township.trim();
    if RegionCode::parse(township).is_none_or(|c| c.level() != RegionLevel::Township) {
        return Err(ApiError::field(
            "township",
            "LEVEL",
            "请填写乡镇（街道）级行政区划代码",
        ));
    }
    let rows = homes::Entity::find()
        .filter(H::TownshipCode.eq(township))
        .filter(H::Status.eq(YouthHomeStatus::Operating))
        .filter(H::VerifiedAt.is_not_null())
        .order_by_asc(H::Name)
        .order_by_asc(H::Id)
        .all(&state.db)
        .await?;
    let names = crate::talents::queries::region_names(&state.db, [township.to_owned()]).await?;
    let name = names.get(township).cloned().unwrap_or_default();
    let items = rows
        .into_iter()
        .map(|h| {
            let photos: Vec<String> = json_list("photos", &h.photos)?;
            Ok(PublicYouthHomeView {
                id: h.id,
                name: h.name,
                township_code: h.township_code,
                township_name: name.clone(),
                village_code: h.village_code,
                address: h.address,
                host_kind: h.host_kind,
                opened_on: h.opened_on,
                cloud_platform_id: h.cloud_platform_id,
                photos: state.media.links(&photos),
            })
        })
        .collect::<ApiResult<Vec<_>>>()?;
    Ok(web::Json(items))
}
