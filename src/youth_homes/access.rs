//! Who may touch a registry record of a place (Youth Homes, signature projects, 希望小屋;
//! `supervision.md` §4, §6) and the refusals: the place's local unit registers and runs it; a
//! cadre of the local unit's parent unit (the province for 梅河口 and 长白山), or a unit above
//! it, verifies or accepts it, never whoever created it (four-eyes). By id, a record outside
//! the caller's unit is 404.
use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::ConnectionTrait;
use sea_orm::sea_query::{Alias, Expr, ExprTrait};
use uuid::Uuid;

use super::dto::VerifyRequest;
use crate::auth::Cadre;
use crate::workflow::{Actor, Subject, Transition};

use crate::app_state::AppState;
use crate::auth::CadreScope;
use crate::error::{ApiError, ApiResult, FieldError};
use crate::league::{LeagueTree, LeagueUnit};
use crate::regions::{RegionCode, RegionLevel};
use crate::time::today_in_china;

pub fn same_actor(what: &str) -> ApiError {
    ApiError::Forbidden("SAME_ACTOR_NOT_ALLOWED", what.into())
}

pub fn parent_unit_only(what: &str) -> ApiError {
    ApiError::Forbidden("PARENT_UNIT_ONLY", what.into())
}

/// The unit whose cadres (or those above) verify a record of `place`: the parent of the
/// place's local unit.
pub fn checker_unit<'a>(tree: &'a LeagueTree, place: &str) -> Option<&'a LeagueUnit> {
    let local = tree.owner(place)?;
    tree.unit(local.parent_code.as_deref()?).map(|u| &**u)
}

/// Whether the cadre's unit is the checker unit of `place` or above it.
pub fn is_checker(cadre: &CadreScope, place: &str) -> bool {
    checker_unit(cadre.tree(), place).is_some_and(|u| cadre.covers_unit(u))
}

/// The checker's side of a four-eyes step: not `maker` (403 `SAME_ACTOR_NOT_ALLOWED`), then a
/// cadre of the parent unit or above (403 `PARENT_UNIT_ONLY`).
pub fn ensure_checker(cadre: &CadreScope, place: &str, maker: Uuid, what: &str) -> ApiResult<()> {
    if maker == cadre.user_id {
        return Err(same_actor(&format!(
            "{what}须由登记人以外的上级团组织团干部办理"
        )));
    }
    if is_checker(cadre, place) {
        Ok(())
    } else {
        Err(parent_unit_only(&format!(
            "{what}由所在地县级团组织的上级团组织办理"
        )))
    }
}

/// The local unit's short name of a place (「蛟河市团委」).
pub fn local_unit_name(tree: &LeagueTree, place: &str) -> String {
    tree.owner(place)
        .map(|u| u.short_name.clone())
        .unwrap_or_default()
}

/// A township code of the body (`field`): the caller's local unit's (403 `OUTSIDE_REGION`
/// outside the caller's unit, 403 `LOCAL_UNIT_ONLY` for a unit above), of township level and
/// known (422 `LEVEL`).
pub async fn checked_township(
    db: &impl ConnectionTrait,
    cadre: &CadreScope,
    code: &str,
    field: &str,
) -> ApiResult<String> {
    let code = code.trim();
    let is_township = RegionCode::parse(code).is_some_and(|c| c.level() == RegionLevel::Township);
    if !is_township || crate::regions::queries::find(db, code).await?.is_none() {
        return Err(ApiError::field(
            field,
            "LEVEL",
            "请填写乡镇（街道）级行政区划代码",
        ));
    }
    cadre.ensure_local_unit(code)?;
    Ok(code.to_owned())
}

/// An optional village under `township` (422 `LEVEL` on `field` otherwise).
pub async fn checked_village(
    db: &impl ConnectionTrait,
    township: &str,
    code: Option<&str>,
    field: &str,
    errors: &mut Vec<FieldError>,
) -> ApiResult<Option<String>> {
    let Some(code) = code.map(str::trim).filter(|c| !c.is_empty()) else {
        return Ok(None);
    };
    let fits = RegionCode::parse(code)
        .is_some_and(|c| c.level() == RegionLevel::Village && code.starts_with(township));
    if !fits || crate::regions::queries::find(db, code).await?.is_none() {
        errors.push(FieldError::new(
            field,
            "LEVEL",
            "请填写该乡镇下的村（社区）代码",
        ));
        return Ok(None);
    }
    Ok(Some(code.to_owned()))
}

/// A date that may not lie in the future (China date), else a `RANGE` error on `field`.
pub fn not_future(on: Option<NaiveDate>, field: &str, errors: &mut Vec<FieldError>) {
    if on.is_some_and(|d| d > today_in_china(Utc::now())) {
        errors.push(FieldError::new(field, "RANGE", "日期不能晚于今天"));
    }
}

/// Text trimmed, `None` when empty.
pub fn trimmed(text: Option<&str>) -> Option<String> {
    text.map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
}

/// Names of places by code.
pub async fn place_names(
    state: &AppState,
    codes: impl IntoIterator<Item = String>,
) -> ApiResult<HashMap<String, String>> {
    crate::talents::queries::region_names(&state.db, codes).await
}

/// A registry change that may change what counts: drop the cached KPI counts of `indicator`
/// for the place and every area above it, so the cadre sees it at once.
pub async fn counts_changed(state: &AppState, indicator: &str, place: &str) {
    crate::kpi::compute::invalidate(state, &[indicator], place).await;
}

/// Clear a record's verification in a transition (homes and projects share the columns
/// `verified_by`, `verified_at`): a failed check, a move to another township.
pub fn unverified<M: Subject>(t: Transition<'_, M>) -> Transition<'_, M> {
    t.set(Alias::new("verified_by"), Expr::value(Option::<Uuid>::None))
        .set(
            Alias::new("verified_at"),
            Expr::value(Option::<DateTime<Utc>>::None),
        )
}

/// Mark a record verified by the cadre in a transition.
pub fn verified_by<M: Subject>(
    t: Transition<'_, M>,
    cadre: Uuid,
    now: DateTime<Utc>,
) -> Transition<'_, M> {
    t.set(Alias::new("verified_by"), Expr::value(cadre))
        .set(Alias::new("verified_at"), Expr::value(now))
}

/// What a verification is of: the record's place, maker and verifier, the KPI line it feeds.
pub struct Verification<'a> {
    pub place: &'a str,
    pub maker: Uuid,
    pub verified_by: Option<Uuid>,
    pub indicator: &'static str,
    /// 「青年之家核验」
    pub what: &'static str,
}

/// The verification step of homes and projects: four-eyes against the maker (also in the
/// conditional update), a cadre of the parent unit or above, one conditional update on a record
/// not yet verified (another verifier first → 409 `INVALID_STATE`; the same verifier again →
/// the same answer), and the KPI line's cached counts dropped.
pub async fn verify<M: Subject>(
    state: &AppState,
    cadre: &Cadre,
    current: &M,
    action: M::Action,
    v: Verification<'_>,
    body: &VerifyRequest,
    verified_now: fn(&M) -> bool,
) -> ApiResult<M> {
    if v.verified_by != Some(cadre.user_id) {
        ensure_checker(cadre, v.place, v.maker, v.what)?;
    }
    let now = Utc::now();
    let actor = Actor::cadre(cadre);
    let txn = crate::db::begin(&state.db).await?;
    let t = Transition::new(current, action, &actor)
        .seen(Some(body.version))
        .only_if(Expr::col(Alias::new("verified_at")).is_null())
        .only_if(Expr::col(Alias::new("created_by")).ne(cadre.user_id))
        .or_else(move |cur| {
            verified_now(cur)
                .then(|| ApiError::Conflict("INVALID_STATE", format!("该{}已通过核验", M::NAME)))
        })
        .set(Alias::new("updated_at"), Expr::value(now))
        .payload(body);
    let applied = verified_by(t, cadre.user_id, now).run(&txn).await?;
    txn.commit().await?;
    if applied.is_done() {
        counts_changed(state, v.indicator, v.place).await;
    }
    Ok(applied.into_record())
}
