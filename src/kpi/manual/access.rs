//! Who may touch a manual report, and the refusals (stable codes, Chinese messages): the area
//! unit's cadres make it, a cadre of a unit above approves it (not the maker), a province cadre
//! accepts it (not the approver). By id, a report outside the caller's unit is 404.
use entity::kpi_manual_reports;
use sea_orm::{ConnectionTrait, DbErr, EntityTrait, SqlErr};
use uuid::Uuid;

use super::dto::ManualReportView;
use crate::app_state::AppState;
use crate::auth::CadreScope;
use crate::error::{ApiError, ApiResult};
use crate::league::LeagueUnit;
use crate::workflow::Subject;
use crate::workflow::timeline::{Audience, timeline};

pub fn report_exists() -> ApiError {
    ApiError::Conflict(
        "REPORT_EXISTS",
        "该单位本期已上报过该指标，请在原上报记录上修改".into(),
    )
}

pub fn locked() -> ApiError {
    ApiError::Conflict(
        "REPORT_LOCKED",
        "上报数据已审核，处于锁定状态；如需修改请先由上级团组织撤销审核".into(),
    )
}

pub fn area_unit_only() -> ApiError {
    ApiError::Forbidden(
        "AREA_UNIT_ONLY",
        "只有本单位的团干部可以填报或修改本单位的数据".into(),
    )
}

fn same_actor(what: &str) -> ApiError {
    ApiError::Forbidden("SAME_ACTOR_NOT_ALLOWED", what.into())
}

fn parent_unit_only(what: &str) -> ApiError {
    ApiError::Forbidden("PARENT_UNIT_ONLY", what.into())
}

/// The report by id, if the caller's unit covers its unit (else 404).
pub async fn visible(
    db: &impl ConnectionTrait,
    cadre: &CadreScope,
    id: Uuid,
) -> ApiResult<kpi_manual_reports::Model> {
    let r = kpi_manual_reports::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|r| {
            cadre
                .tree()
                .unit(&r.area_unit_code)
                .is_some_and(|u| cadre.covers_unit(u))
        })
        .ok_or_else(|| ApiError::not_found(kpi_manual_reports::Model::NAME))?;
    Ok(r)
}

/// The maker's side: a cadre of the report's own unit.
pub fn ensure_maker(cadre: &CadreScope, area_unit_code: &str) -> ApiResult<()> {
    if cadre.unit.code == area_unit_code {
        Ok(())
    } else {
        Err(area_unit_only())
    }
}

/// The checker's side of approve, return and unapprove: not the maker (`maker`: only where the
/// step is four-eyes), then a cadre of a unit strictly above the report's.
pub fn ensure_parent(
    cadre: &CadreScope,
    r: &kpi_manual_reports::Model,
    maker: Option<Uuid>,
) -> ApiResult<()> {
    if maker == Some(cadre.user_id) {
        return Err(same_actor("上报数据须由上报人以外的上级团组织团干部审核"));
    }
    let above = cadre
        .tree()
        .unit(&r.area_unit_code)
        .is_some_and(|u| u.id != cadre.unit.id && cadre.covers_unit(u));
    if above {
        Ok(())
    } else {
        Err(parent_unit_only("上报数据由上级团组织审核"))
    }
}

/// Accept and unaccept: a province cadre (`approver`: for accept, who approved it may not).
pub fn ensure_province(cadre: &CadreScope, approver: Option<Uuid>) -> ApiResult<()> {
    if approver == Some(cadre.user_id) {
        return Err(same_actor("上报数据须由审核人以外的团省委团干部接收"));
    }
    if cadre.is_province() {
        Ok(())
    } else {
        Err(parent_unit_only("上报数据由团省委接收"))
    }
}

/// Units that report: local units (county units, 梅河口, 长白山) and the top-level units for
/// their own work, which is every unit but the province (no unit above it approves).
pub fn reports_here(unit: &LeagueUnit) -> bool {
    unit.parent_code.is_some()
}

/// A unique violation on the report's key: 409 `REPORT_EXISTS` (PostgreSQL names the index,
/// SQLite the columns).
pub fn insert_error(e: DbErr) -> ApiError {
    if let Some(SqlErr::UniqueConstraintViolation(m)) = e.sql_err()
        && (m.contains("uq_kpi_manual_reports_indicator_area_period")
            || m.contains("kpi_manual_reports.indicator_code"))
    {
        return report_exists();
    }
    ApiError::from(e)
}

/// The detail view: the report and its timeline (staff audience).
pub async fn detail(state: &AppState, r: kpi_manual_reports::Model) -> ApiResult<ManualReportView> {
    let t = timeline(
        &state.db,
        kpi_manual_reports::Model::EVENTS,
        r.id,
        None,
        Audience::Staff,
    )
    .await?;
    let mut v = ManualReportView::new(r, &state.league, &state.media);
    v.timeline = Some(t);
    Ok(v)
}
