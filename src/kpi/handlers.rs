//! The read side of supervision: the catalogue, the report (JSON and CSV) and the gaps list.
use std::collections::HashSet;

use actix_web::web::Bytes;
use actix_web::{HttpResponse, get, web};
use chrono::Utc;
use entity::kpi_snapshots::KpiStatus;
use entity::regions;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::catalogue::{CATALOGUE, PlaceKind};
use super::compute::count_units;
use super::dto::{
    DefaultTargetView, GapPlace, GapsQuery, IndicatorList, IndicatorView, KpiReport, LineNumbers,
    ManualFieldView, ReportQuery,
};
use super::sources::{self, Raw, Window};
use super::{goals, meeting};
use crate::app_state::AppState;
use crate::auth::Cadre;
use crate::choices::Labelled;
use crate::csv_export::{self, CsvWriter};
use crate::error::{ApiError, ApiResult, ErrorEnvelope};
use crate::league::rollup::rollup;
use crate::pagination::{Page, PageQuery};
use crate::time::today_in_china;

crate::labels!(KpiStatus {
    Achieved: "已达标",
    OnTrack: "进度正常",
    Behind: "进度滞后",
    InProgress: "推进中",
    Missed: "到期未达标",
    NoTarget: "未设目标",
    NoData: "暂无数据",
});

/// The indicator catalogue: every dated target of the programme with its quote, unit and default
/// targets, the trend lines, and the denominator scopes in force.
#[utoipa::path(
    tag = "kpi",
    operation_id = "list_kpi_indicators",
    security(("bearer" = [])),
    responses((status = 200, body = IndicatorList))
)]
#[get("/admin/kpi/indicators")]
pub async fn list_kpi_indicators(
    state: web::Data<AppState>,
    _cadre: Cadre,
) -> ApiResult<web::Json<IndicatorList>> {
    Ok(web::Json(IndicatorList {
        scopes: state.settings.kpi_scopes,
        baseline_on: state.settings.kpi_baseline_on,
        items: CATALOGUE
            .iter()
            .map(|i| IndicatorView {
                code: i.code,
                name: i.name,
                unit: i.unit,
                programme_quote: i.programme_quote,
                places: i.places,
                takes_targets: i.takes_targets(),
                trend: i.trend,
                available: i.is_built(),
                default_targets: i
                    .default_goals()
                    .into_iter()
                    .map(|g| DefaultTargetView {
                        due_on: g.due_on,
                        value: g.value,
                    })
                    .collect(),
                components: i.components.to_vec(),
                above_local_units_target: i.above_local_target(),
                manual_fields: super::manual::kinds::find(i.code)
                    .map(|k| {
                        k.fields
                            .iter()
                            .map(|f| ManualFieldView {
                                key: f.key,
                                label: f.label,
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
                manual_periodicity: super::manual::kinds::find(i.code).map(|k| {
                    match k.periodicity {
                        super::manual::kinds::Periodicity::Quarterly => "quarterly",
                        super::manual::kinds::Periodicity::Yearly => "yearly",
                    }
                }),
            })
            .collect(),
    }))
}

/// How far every target is reached for the caller's unit (or a unit or township inside it) and
/// each child: numerator, denominator, value, target (set or inherited), expected progress,
/// status, gap and quarter-end trend. Today is live (counts cached up to
/// `JIQING_KPI_CACHE_SECS`, see `computedAt`); a past `asOf` is answered from the snapshots
/// (`servedFrom`), never from live data.
#[utoipa::path(
    tag = "kpi",
    operation_id = "get_kpi_report",
    security(("bearer" = [])),
    params(ReportQuery),
    responses(
        (status = 200, body = KpiReport),
        (status = 403, body = ErrorEnvelope, description = "OUTSIDE_REGION"),
        (status = 422, body = ErrorEnvelope, description = "UNKNOWN_REGION; UNKNOWN_INDICATOR; RANGE (a future asOf)")
    )
)]
#[get("/admin/kpi/report")]
#[tracing::instrument(skip(state, cadre, query), fields(cadre = %cadre.user_id))]
pub async fn get_kpi_report(
    state: web::Data<AppState>,
    cadre: Cadre,
    query: crate::input::Query<ReportQuery>,
) -> ApiResult<web::Json<KpiReport>> {
    Ok(web::Json(
        super::report::build(&state, &cadre, &query, Utc::now()).await?,
    ))
}

const HEADER: [&str; 16] = [
    "指标代码",
    "指标",
    "地区代码",
    "地区",
    "分子",
    "分母",
    "数值",
    "目标值",
    "目标期限",
    "预期进度",
    "状态",
    "缺口",
    "数据来源",
    // The pooled ratio beside a `signature_project_share` line above the local units.
    "合并口径分子",
    "合并口径分母",
    "合并口径数值",
];

fn opt(v: Option<i64>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

fn csv_row(
    out: &mut CsvWriter,
    code: &str,
    name: &str,
    n: &LineNumbers,
    served: &str,
) -> ApiResult<()> {
    out.row([
        code.to_owned(),
        name.to_owned(),
        n.region.code.clone(),
        n.region.name.clone(),
        opt(n.numerator),
        opt(n.denominator),
        opt(n.value),
        opt(n.target.as_ref().map(|t| t.value)),
        n.target
            .as_ref()
            .map(|t| t.due_on.to_string())
            .unwrap_or_default(),
        opt(n.expected),
        n.status.label().to_owned(),
        opt(n.gap),
        served.to_owned(),
        opt(n.pooled.as_ref().and_then(|p| p.numerator)),
        opt(n.pooled.as_ref().and_then(|p| p.denominator)),
        opt(n.pooled.as_ref().and_then(|p| p.value)),
    ])
}

/// The report as CSV (UTF-8 with BOM, Chinese headers): one row for the area and one per child
/// for each indicator.
#[utoipa::path(
    tag = "kpi",
    operation_id = "export_kpi_report",
    security(("bearer" = [])),
    params(ReportQuery),
    responses(
        (status = 200, content_type = "text/csv", body = String,
         description = "CSV, UTF-8 with BOM, CRLF line ends",
         example = "\u{feff}指标代码,指标,地区代码,地区,分子,分母,数值,目标值,目标期限,预期进度,状态,缺口,数据来源,合并口径分子,合并口径分母,合并口径数值\r\nvillage_talent_coverage,村村都有好青年（有认定人才的村占比）,220000,团省委,4660,9321,499,1000,2025-12-31,1000,到期未达标,4661,实时,,,\r\nsignature_project_share,有标志性服务项目的乡镇占比,220000,团省委,40,61,655,1000,2025-12-31,1000,到期未达标,21,实时,420,613,685\r\n"),
        (status = 403, body = ErrorEnvelope, description = "OUTSIDE_REGION"),
        (status = 422, body = ErrorEnvelope)
    )
)]
#[get("/admin/kpi/report/export")]
pub async fn export_kpi_report(
    state: web::Data<AppState>,
    cadre: Cadre,
    query: crate::input::Query<ReportQuery>,
) -> ApiResult<HttpResponse> {
    let report = super::report::build(&state, &cadre, &query, Utc::now()).await?;
    let served = match report.served_from {
        super::dto::KpiServedFrom::Live => "实时",
        super::dto::KpiServedFrom::Snapshot => "快照",
        super::dto::KpiServedFrom::None => "无快照",
    };
    let mut out = CsvWriter::with_header(&HEADER)?;
    for line in &report.indicators {
        csv_row(&mut out, line.code, line.name, &line.numbers, served)?;
        for c in &line.children {
            csv_row(&mut out, line.code, line.name, c, served)?;
        }
    }
    let filename = format!(
        "kpi-{}-{}.csv",
        report.region.code,
        report.as_of.format("%Y%m%d")
    );
    Ok(csv_export::response(
        &filename,
        out.into_bytes()?,
        futures_util::stream::empty::<Result<Bytes, ApiError>>(),
    ))
}

/// The places that do not count yet for a coverage indicator (villages without a verified
/// talent, townships without an operating verified Youth Home, …), by code: the county's work
/// list. Not a coverage indicator: 422 `NOT_A_COVERAGE_INDICATOR`; its domain not built yet: 409
/// `NO_DATA`.
#[utoipa::path(
    tag = "kpi",
    operation_id = "list_kpi_gaps",
    security(("bearer" = [])),
    params(GapsQuery),
    responses(
        (status = 200, body = Page<GapPlace>),
        (status = 403, body = ErrorEnvelope, description = "OUTSIDE_REGION"),
        (status = 409, body = ErrorEnvelope, description = "NO_DATA"),
        (status = 422, body = ErrorEnvelope, description = "UNKNOWN_INDICATOR; NOT_A_COVERAGE_INDICATOR; UNKNOWN_REGION")
    )
)]
#[get("/admin/kpi/gaps")]
pub async fn list_kpi_gaps(
    state: web::Data<AppState>,
    cadre: Cadre,
    query: crate::input::Query<GapsQuery>,
) -> ApiResult<web::Json<Page<GapPlace>>> {
    let parts = PageQuery {
        page: query.page,
        page_size: query.page_size,
    }
    .parts()?;
    let code = query
        .indicator
        .as_deref()
        .filter(|c| !c.trim().is_empty())
        .unwrap_or("village_talent_coverage");
    let ind = super::report::parse_indicators(Some(code))
        .map_err(|_| ApiError::field("indicator", "UNKNOWN_INDICATOR", "没有该考核指标"))?
        .into_iter()
        .next()
        .ok_or_else(|| ApiError::field("indicator", "REQUIRED", "请指定考核指标"))?;
    if !matches!(ind.places, Some(PlaceKind::Township | PlaceKind::Village)) {
        return Err(ApiError::field(
            "indicator",
            "NOT_A_COVERAGE_INDICATOR",
            "该指标不按乡镇或村统计，没有未覆盖名单",
        ));
    }
    let db = &state.db;
    let rollup = rollup(db, &cadre, query.region.as_deref(), "region").await?;
    if !ind.is_built() {
        return Err(ApiError::Conflict(
            "NO_DATA",
            "该指标的数据来源尚未建设，暂无未覆盖名单".into(),
        ));
    }
    let today = today_in_china(Utc::now());
    let window = Window::of(ind, state.settings.kpi_baseline_on, today, None);
    let raw = sources::raw(
        db,
        &state,
        ind,
        &rollup.area.scope,
        window,
        sources::Grain::of(rollup.scopes()),
    )
    .await?;
    let Raw::Places { places, covered } = &raw else {
        return Ok(web::Json(Page::new(Vec::new(), 0, parts)));
    };
    // A line counted as local units meeting their target, above the local units: only the
    // townships of counted local units still short of their own target move it.
    let tree = &state.league;
    let short: Option<HashSet<String>> = match tree.unit(&rollup.area.code) {
        Some(unit) if meeting::rolls_up(ind, tree, unit) => {
            let targets = goals::load(db, &[ind]).await?;
            let pairs = count_units(&raw, tree);
            let judged = meeting::judged_local_units(
                ind,
                tree,
                unit,
                |code| pairs.get(code).copied().unwrap_or_default(),
                &targets,
                today,
                state.settings.kpi_scopes.county,
            );
            Some(
                judged
                    .into_iter()
                    .filter(|(_, met)| !met)
                    .map(|(u, _)| u.code.clone())
                    .collect(),
            )
        }
        _ => None,
    };
    let missing: Vec<&String> = places
        .iter()
        .filter(|p| !covered.contains(*p))
        .filter(|p| {
            short
                .as_ref()
                .is_none_or(|short| tree.owner(p).is_some_and(|u| short.contains(&u.code)))
        })
        .collect();
    let total = missing.len() as u64;
    let (page, size) = parts;
    let chosen: Vec<String> = missing
        .into_iter()
        .skip(((page - 1) * size) as usize)
        .take(size as usize)
        .cloned()
        .collect();
    // Names of the places and of their townships.
    let mut wanted: Vec<String> = chosen.clone();
    wanted.extend(
        chosen
            .iter()
            .filter(|c| c.len() == 12)
            .map(|c| c[..9].to_owned()),
    );
    let names: std::collections::HashMap<String, String> = regions::Entity::find()
        .filter(regions::Column::Code.is_in(wanted))
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.code, r.name))
        .collect();
    let items = chosen
        .into_iter()
        .map(|code| GapPlace {
            name: names.get(&code).cloned().unwrap_or_default(),
            township_name: (code.len() == 12)
                .then(|| names.get(&code[..9]).cloned())
                .flatten(),
            local_unit: state.league.owner(&code).map(|u| u.short_name.clone()),
            code,
        })
        .collect();
    Ok(web::Json(Page::new(items, total, parts)))
}
