//! Targets (`supervision.md` §3): a cadre of a strict ancestor unit sets a unit's target for an
//! indicator and due date (the province also its own); a stale version loses with 409
//! `TARGET_CHANGED`; the allocation view sets children's count targets against the parent's.
use actix_web::{HttpResponse, get, put, web};
use chrono::{NaiveDate, Utc};
use entity::kpi_targets;
use entity::notifications::NotificationKind;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, Condition, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use super::catalogue::{self, CATALOGUE, Indicator};
use super::dto::{
    AllocationChild, AllocationQuery, SetTargetRequest, TargetAllocation, TargetRow, TargetsQuery,
};
use super::goals::{self, AreaRef};
use super::status::Measure;
use crate::app_state::AppState;
use crate::auth::{Cadre, CadreScope};
use crate::error::{ApiError, ApiResult, ErrorEnvelope};
use crate::input::Json;
use crate::league::{LeagueTree, LeagueUnit};
use crate::pagination::{Page, PageQuery};
use crate::workflow::Actor;
use crate::workflow::events::{self, EventLog, NewEvent};

/// `kpi_events`: targets and manual reports (subject ids are unique across both).
pub const EVENTS: EventLog = EventLog::single("kpi_events");

/// The largest count target (a province-wide person-time count stays far below).
pub const COUNT_MAX: i64 = 100_000_000;
/// The latest due date a target may carry.
fn latest_due() -> NaiveDate {
    NaiveDate::from_ymd_opt(2050, 12, 31).unwrap_or(NaiveDate::MAX)
}

fn changed() -> ApiError {
    ApiError::Conflict(
        "TARGET_CHANGED",
        "该目标已被他人修改，请刷新后按最新版本再设定".into(),
    )
}

/// An indicator that takes targets, by its code in `field`.
fn targetable(code: &str, field: &str) -> ApiResult<&'static Indicator> {
    let ind = catalogue::find(code.trim()).ok_or_else(|| {
        ApiError::field(
            field,
            "UNKNOWN_INDICATOR",
            format!("没有名为“{code}”的考核指标"),
        )
    })?;
    if !ind.takes_targets() {
        return Err(ApiError::field(
            field,
            "NO_TARGETS",
            "该指标只看趋势或仅作展示，不设目标",
        ));
    }
    Ok(ind)
}

/// A league unit named by `code` that the cadre covers (unknown → 422, outside → 403).
fn covered_unit<'a>(
    cadre: &'a CadreScope,
    code: &str,
    field: &str,
) -> ApiResult<&'a std::sync::Arc<LeagueUnit>> {
    let unit = cadre.tree().unit(code.trim()).ok_or_else(|| {
        ApiError::field(field, "UNKNOWN_REGION", "没有这个团组织，请填写团组织代码")
    })?;
    if !cadre.covers_unit(unit) {
        return Err(ApiError::forbidden_region());
    }
    Ok(unit)
}

fn row_view(tree: &LeagueTree, r: kpi_targets::Model) -> TargetRow {
    TargetRow {
        id: r.id,
        area_unit_name: tree
            .unit(&r.area_unit_code)
            .map(|u| u.short_name.clone())
            .unwrap_or_default(),
        indicator_code: r.indicator_code,
        area_unit_code: r.area_unit_code,
        due_on: r.due_on,
        value: r.value,
        note: r.note,
        set_by_unit: r.set_by_unit_code,
        version: r.version,
        updated_at: crate::time::to_china(r.updated_at),
    }
}

/// The targets set for the caller's unit (or a unit below it, `region`) and every unit below.
#[utoipa::path(
    tag = "kpi",
    operation_id = "list_kpi_targets",
    security(("bearer" = [])),
    params(TargetsQuery),
    responses(
        (status = 200, body = Page<TargetRow>),
        (status = 403, body = ErrorEnvelope, description = "OUTSIDE_REGION"),
        (status = 422, body = ErrorEnvelope, description = "UNKNOWN_REGION; UNKNOWN_INDICATOR; NO_TARGETS")
    )
)]
#[get("/admin/kpi/targets")]
pub async fn list_kpi_targets(
    state: web::Data<AppState>,
    cadre: Cadre,
    query: crate::input::Query<TargetsQuery>,
) -> ApiResult<web::Json<Page<TargetRow>>> {
    let parts = PageQuery {
        page: query.page,
        page_size: query.page_size,
    }
    .parts()?;
    let unit = match query.region.as_deref().filter(|r| !r.trim().is_empty()) {
        Some(code) => covered_unit(&cadre, code, "region")?,
        None => &cadre.unit,
    };
    let indicator = match query.indicator.as_deref().filter(|c| !c.trim().is_empty()) {
        Some(code) => Some(targetable(code, "indicator")?),
        None => None,
    };
    let tree = cadre.tree();
    let units = tree.units_within(unit);
    let mut cond = Condition::all()
        .add(kpi_targets::Column::AreaUnitCode.is_in(units.iter().map(|u| u.code.clone())));
    if let Some(ind) = indicator {
        cond = cond.add(kpi_targets::Column::IndicatorCode.eq(ind.code));
    }
    let mut rows = kpi_targets::Entity::find()
        .filter(cond)
        .all(&state.db)
        .await?;
    // Catalogue order, then the tree's order, then the due date.
    let rank = |code: &str| CATALOGUE.iter().position(|i| i.code == code);
    let place = |code: &str| units.iter().position(|u| u.code == code);
    rows.sort_by(|a, b| {
        (rank(&a.indicator_code), place(&a.area_unit_code), a.due_on).cmp(&(
            rank(&b.indicator_code),
            place(&b.area_unit_code),
            b.due_on,
        ))
    });
    let total = rows.len() as u64;
    let (page, size) = parts;
    let items = rows
        .into_iter()
        .skip(((page - 1) * size) as usize)
        .take(size as usize)
        .map(|r| row_view(tree, r))
        .collect();
    Ok(web::Json(Page::new(items, total, parts)))
}

/// Set (create or change) a unit's target for an indicator and due date. Only a cadre of a unit
/// above it sets one (own unit → 403 `TARGET_OWN_REGION`; the province sets its own);
/// `signature_project_share` takes targets for local units only (a city unit or the province →
/// 422 `TARGET_LOCAL_UNITS_ONLY`: above them the target is fixed at 1000 ‰); a change
/// names the version it saw (stale or missing → 409 `TARGET_CHANGED`). The unit's cadres are
/// told. Reports apply the new target at once.
#[utoipa::path(
    tag = "kpi",
    operation_id = "set_kpi_target",
    security(("bearer" = [])),
    request_body = SetTargetRequest,
    responses(
        (status = 200, body = TargetRow),
        (status = 403, body = ErrorEnvelope, description = "OUTSIDE_REGION; TARGET_OWN_REGION"),
        (status = 409, body = ErrorEnvelope, description = "TARGET_CHANGED"),
        (status = 422, body = ErrorEnvelope, description = "UNKNOWN_INDICATOR; NO_TARGETS; UNKNOWN_REGION; TARGET_LOCAL_UNITS_ONLY (signature_project_share for a city unit or the province); RANGE; LENGTH")
    )
)]
#[put("/admin/kpi/targets")]
#[tracing::instrument(skip(state, cadre, body), fields(cadre = %cadre.user_id))]
pub async fn set_kpi_target(
    state: web::Data<AppState>,
    cadre: Cadre,
    body: Json<SetTargetRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.0;
    let ind = targetable(&body.indicator_code, "indicatorCode")?;
    let unit = covered_unit(&cadre, &body.area_unit_code, "areaUnitCode")?;
    // Counted above the local units as local units meeting their target: the units above have
    // the catalogue's fixed target only.
    if ind.above_local_target().is_some() && goals::is_above_local(cadre.tree(), unit) {
        return Err(ApiError::field(
            "areaUnitCode",
            "TARGET_LOCAL_UNITS_ONLY",
            "该指标只为县级团组织（含梅河口、长白山）设定目标，市级及以上按达标县级团组织占比考核，目标固定为全部达标",
        ));
    }
    if unit.id == cadre.unit.id && unit.parent_code.is_some() {
        return Err(ApiError::Forbidden(
            "TARGET_OWN_REGION",
            "本级团组织的目标由上级团组织设定".into(),
        ));
    }
    let (lo, hi, what) = match ind.measure {
        Measure::Ratio => (0, 1000, "比例目标应为0至1000（‰）"),
        Measure::Count => (0, COUNT_MAX, "数量目标应为0至1亿之间的整数"),
    };
    if !(lo..=hi).contains(&body.value) {
        return Err(ApiError::field("value", "RANGE", what));
    }
    let baseline = state.settings.kpi_baseline_on;
    if body.due_on < baseline || body.due_on > latest_due() {
        return Err(ApiError::field(
            "dueOn",
            "RANGE",
            format!("目标期限应在{baseline}至2050-12-31之间"),
        ));
    }
    let note = body
        .note
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_owned);
    if note.as_ref().is_some_and(|n| n.chars().count() > 200) {
        return Err(ApiError::field("note", "LENGTH", "说明不能超过200个字"));
    }

    let now = Utc::now();
    let txn = crate::db::begin(&state.db).await?;
    // Write first (no read-then-write): on SQLite a reader upgrading to a writer beside another
    // instance's connection fails at once instead of waiting its turn.
    match body.version {
        None => {
            let id = Uuid::now_v7();
            let insert = kpi_targets::ActiveModel {
                id: Set(id),
                indicator_code: Set(ind.code.to_owned()),
                area_unit_code: Set(unit.code.clone()),
                due_on: Set(body.due_on),
                value: Set(body.value),
                note: Set(note.clone()),
                set_by: Set(cadre.user_id),
                set_by_unit_code: Set(cadre.unit.code.clone()),
                version: Set(1),
                created_at: Set(now),
                updated_at: Set(now),
            }
            .insert(&txn)
            .await;
            match insert.map_err(ApiError::from) {
                Ok(_) => {}
                // The target exists (set meanwhile or before): a change names its version.
                Err(ApiError::Conflict("DUPLICATE", _)) => return Err(changed()),
                Err(e) => return Err(e),
            }
        }
        Some(seen) => {
            let done = kpi_targets::Entity::update_many()
                .col_expr(kpi_targets::Column::Value, Expr::value(body.value))
                .col_expr(kpi_targets::Column::Note, Expr::value(note.clone()))
                .col_expr(kpi_targets::Column::SetBy, Expr::value(cadre.user_id))
                .col_expr(
                    kpi_targets::Column::SetByUnitCode,
                    Expr::value(cadre.unit.code.clone()),
                )
                .col_expr(kpi_targets::Column::Version, Expr::value(seen + 1))
                .col_expr(kpi_targets::Column::UpdatedAt, Expr::value(now))
                .filter(kpi_targets::Column::IndicatorCode.eq(ind.code))
                .filter(kpi_targets::Column::AreaUnitCode.eq(unit.code.clone()))
                .filter(kpi_targets::Column::DueOn.eq(body.due_on))
                .filter(kpi_targets::Column::Version.eq(seen))
                .exec(&txn)
                .await?;
            // A stale version, or a version of a target that does not exist.
            if done.rows_affected != 1 {
                return Err(changed());
            }
        }
    }
    // The row as written (read once, inside the transaction that wrote it).
    let row = kpi_targets::Entity::find()
        .filter(kpi_targets::Column::IndicatorCode.eq(ind.code))
        .filter(kpi_targets::Column::AreaUnitCode.eq(unit.code.clone()))
        .filter(kpi_targets::Column::DueOn.eq(body.due_on))
        .one(&txn)
        .await?
        .ok_or_else(changed)?;
    events::append(
        &txn,
        EVENTS,
        NewEvent {
            subject_id: row.id,
            seq: row.version,
            action: "set_target",
            from_status: None,
            to_status: body.value.to_string(),
            actor: Actor::cadre(&cadre),
            reason: note.clone(),
            internal_note: None,
            payload_json: events::payload(&serde_json::json!({
                "indicatorCode": ind.code,
                "areaUnitCode": unit.code,
                "dueOn": body.due_on,
                "value": body.value,
            })),
            idempotency_key: None,
        },
    )
    .await?;
    let mut notes = Vec::new();
    let unit_label = if ind.measure == Measure::Ratio {
        format!("{}‰", body.value)
    } else {
        body.value.to_string()
    };
    for user in crate::staff::cadres_of_unit(&txn, unit).await? {
        if user == cadre.user_id {
            continue;
        }
        notes.push(
            crate::notifications::notify(
                &txn,
                user,
                NotificationKind::KpiTargetSet,
                "考核目标已设定",
                &format!(
                    "{}为{}设定了“{}”的目标：{}年{}月{}日前达到{}。",
                    cadre.unit.short_name,
                    unit.short_name,
                    ind.name,
                    chrono::Datelike::year(&body.due_on),
                    chrono::Datelike::month(&body.due_on),
                    chrono::Datelike::day(&body.due_on),
                    unit_label
                ),
                Some("/pages/admin/kpi/index"),
            )
            .await?,
        );
    }
    txn.commit().await?;
    crate::notifications::deliver(&state, notes);
    Ok(HttpResponse::Ok().json(row_view(cadre.tree(), row)))
}

/// Children's count targets against the parent's (`allocationShortfall`: how much of the
/// parent's target no child has taken on yet).
#[utoipa::path(
    tag = "kpi",
    operation_id = "get_kpi_target_allocation",
    security(("bearer" = [])),
    params(AllocationQuery),
    responses(
        (status = 200, body = TargetAllocation),
        (status = 403, body = ErrorEnvelope, description = "OUTSIDE_REGION"),
        (status = 422, body = ErrorEnvelope, description = "UNKNOWN_INDICATOR; NO_TARGETS; NOT_A_COUNT_INDICATOR; UNKNOWN_REGION")
    )
)]
#[get("/admin/kpi/targets/allocation")]
pub async fn get_kpi_target_allocation(
    state: web::Data<AppState>,
    cadre: Cadre,
    query: crate::input::Query<AllocationQuery>,
) -> ApiResult<web::Json<TargetAllocation>> {
    let ind = targetable(
        query
            .indicator
            .as_deref()
            .filter(|c| !c.trim().is_empty())
            .unwrap_or("ecommerce_training_person_times"),
        "indicator",
    )?;
    if ind.measure != Measure::Count {
        return Err(ApiError::field(
            "indicator",
            "NOT_A_COUNT_INDICATOR",
            "只有数量类指标可以向下分解目标",
        ));
    }
    let unit = match query.region.as_deref().filter(|r| !r.trim().is_empty()) {
        Some(code) => covered_unit(&cadre, code, "region")?,
        None => &cadre.unit,
    };
    let tree = cadre.tree();
    let rows = goals::load(&state.db, &[ind]).await?;
    let parent_targets = goals::resolve(ind, &rows, tree, AreaRef::Unit(unit));
    let due_on = match query.due_on {
        Some(d) => d,
        None => goals::applying(&parent_targets, crate::time::today_in_china(Utc::now()))
            .map(|r| r.goal.due_on)
            .or_else(|| ind.default_goals().last().map(|g| g.due_on))
            .ok_or_else(|| ApiError::field("dueOn", "REQUIRED", "请指定目标期限"))?,
    };
    let parent = parent_targets
        .iter()
        .find(|r| r.goal.due_on == due_on)
        .map(|r| r.goal.value);
    let children: Vec<AllocationChild> = tree
        .children(&unit.code)
        .into_iter()
        .map(|c| AllocationChild {
            unit_code: c.code.clone(),
            unit_name: c.short_name.clone(),
            value: rows
                .iter()
                .find(|r| r.area_unit_code == c.code && r.due_on == due_on)
                .map(|r| r.value),
        })
        .collect();
    let allocated: i64 = children.iter().filter_map(|c| c.value).sum();
    Ok(web::Json(TargetAllocation {
        indicator_code: ind.code,
        unit_code: unit.code.clone(),
        unit_name: unit.short_name.clone(),
        due_on,
        parent_target: parent,
        allocated,
        allocation_shortfall: parent.map(|p| (p - allocated).max(0)),
        children,
    }))
}
