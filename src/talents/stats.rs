//! The dashboard of the talent pool by league unit: verified talents per child unit (or place)
//! and category, and how many villages of the KPI scope have at least one ("村村都有好青年").
use actix_web::{get, web};
use entity::regions;
use entity::talent_profiles::TalentStatus;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};

use super::choices::TalentCategory;
use super::dto::{RegionTalentStats, StatsQuery, TalentCategoryCount, TalentStatsView};
use crate::app_state::AppState;
use crate::auth::Cadre;
use crate::error::{ApiResult, ErrorEnvelope};
use crate::kpi_scope::VillageScope;
use crate::league::UnitScope;
use crate::league::rollup::{Area, rollup};

/// Counts for one group of home-region codes.
#[derive(Debug, Default, Clone)]
struct Counts {
    verified: u64,
    by_category: Vec<u64>,
    villages: u64,
    villages_with_talent: u64,
}

impl Counts {
    fn add(&mut self, other: &Counts) {
        self.verified += other.verified;
        self.villages += other.villages;
        self.villages_with_talent += other.villages_with_talent;
        self.by_category.resize(TalentCategory::ALL.len(), 0);
        for (a, b) in self.by_category.iter_mut().zip(&other.by_category) {
            *a += b;
        }
    }
}

/// Per mille, rounded down; 0 of 0 is 0.
pub fn permille(part: u64, whole: u64) -> u64 {
    (part * 1000).checked_div(whole).unwrap_or(0)
}

fn view(area: &Area, c: &Counts) -> RegionTalentStats {
    RegionTalentStats {
        code: area.code.clone(),
        name: area.name.clone(),
        level: area.level,
        verified_talents: c.verified,
        by_category: TalentCategory::ALL
            .iter()
            .enumerate()
            .map(|(i, cat)| TalentCategoryCount {
                category: *cat,
                count: c.by_category.get(i).copied().unwrap_or(0),
            })
            .collect(),
        villages: c.villages,
        villages_with_talent: c.villages_with_talent,
        village_coverage_permille: permille(c.villages_with_talent, c.villages),
    }
}

fn count(row: &sea_orm::QueryResult, col: &str) -> ApiResult<u64> {
    let v: Option<i64> = row.try_get("", col)?;
    Ok(Ord::max(v.unwrap_or(0), 0) as u64)
}

/// Verified talents per home-region code inside `scope`: `(code, total, per category)`.
pub async fn counts_by_home(
    db: &impl ConnectionTrait,
    scope: &UnitScope,
) -> ApiResult<Vec<(String, u64, Vec<u64>)>> {
    use entity::talent_profiles::{self, Column as C};
    let mut select = Query::select();
    select
        .column(C::HomeRegionCode)
        .expr_as(Expr::cust("COUNT(*)"), Alias::new("n"))
        .from(talent_profiles::Entity)
        .and_where(Expr::col(C::Status).eq(crate::choices::code(TalentStatus::Verified)))
        .cond_where(scope.condition(C::HomeRegionCode))
        .group_by_col(C::HomeRegionCode);
    for (i, c) in TalentCategory::ALL.iter().enumerate() {
        // The category codes are constants (snake_case letters): no user text in the SQL.
        select.expr_as(
            Expr::cust(format!(
                "SUM(CASE WHEN categories LIKE '%\"{}\"%' ESCAPE '\\' THEN 1 ELSE 0 END)",
                c.as_str().replace('_', "\\_")
            )),
            Alias::new(format!("c{i}")),
        );
    }
    let stmt = db.get_database_backend().build(&select);
    let mut out = Vec::new();
    for row in db.query_all_raw(stmt).await? {
        let code: String = row.try_get("", "home_region_code")?;
        let by_category = (0..TalentCategory::ALL.len())
            .map(|i| count(&row, &format!("c{i}")))
            .collect::<ApiResult<_>>()?;
        out.push((code, count(&row, "n")?, by_category));
    }
    Ok(out)
}

/// The village codes inside `scope` that count under the village scope in force.
async fn counted_villages(
    db: &impl ConnectionTrait,
    scope: &UnitScope,
    village_scope: VillageScope,
) -> ApiResult<Vec<String>> {
    let codes: Vec<String> = regions::Entity::find()
        .select_only()
        .column(regions::Column::Code)
        .filter(regions::Column::Level.eq("village"))
        .filter(scope.condition(regions::Column::Code))
        .into_tuple()
        .all(db)
        .await?;
    Ok(codes
        .into_iter()
        .filter(|c| village_scope.counts(c))
        .collect())
}

/// Talent-pool counts of an area and of each of its children, rolled up by league unit
/// (`region` = a league-unit code or a place; the province lists the 11 top-level units):
/// verified talents, by category, and the share of villages in the KPI village scope with at
/// least one verified talent living there (`villagesWithTalent` ÷ `villages` =
/// `villageCoveragePermille`, per mille rounded down; `scopes` says which villages count). A
/// talent homed in a 居委会 still counts in `verifiedTalents`, not in coverage.
#[utoipa::path(
    tag = "talents",
    operation_id = "get_talent_stats",
    security(("bearer" = [])),
    params(StatsQuery),
    responses(
        (status = 200, body = TalentStatsView),
        (status = 403, body = ErrorEnvelope, description = "ROLE_REQUIRED; OUTSIDE_REGION"),
        (status = 422, body = ErrorEnvelope, description = "UNKNOWN_REGION")
    )
)]
#[get("/admin/talents/stats")]
#[tracing::instrument(skip(state, cadre, query), fields(cadre = %cadre.user_id))]
pub async fn get_talent_stats(
    state: web::Data<AppState>,
    cadre: Cadre,
    query: crate::input::Query<StatsQuery>,
) -> ApiResult<web::Json<TalentStatsView>> {
    let scopes = state.settings.kpi_scopes;
    let rollup = rollup(&state.db, &cadre, query.region.as_deref(), "region").await?;
    let mut total = Counts::default();
    let mut children = vec![Counts::default(); rollup.children.len()];
    let mut covered = std::collections::HashSet::new();
    for (code, n, by_category) in counts_by_home(&state.db, &rollup.area.scope).await? {
        let c = Counts {
            verified: n,
            by_category,
            villages: 0,
            villages_with_talent: 0,
        };
        total.add(&c);
        if let Some(i) = rollup.child_of(&code) {
            children[i].add(&c);
        }
        if scopes.village.counts(&code) {
            covered.insert(code);
        }
    }
    for village in counted_villages(&state.db, &rollup.area.scope, scopes.village).await? {
        let has_talent = u64::from(covered.contains(&village));
        total.villages += 1;
        total.villages_with_talent += has_talent;
        if let Some(i) = rollup.child_of(&village) {
            children[i].villages += 1;
            children[i].villages_with_talent += has_talent;
        }
    }
    Ok(web::Json(TalentStatsView {
        region: view(&rollup.area, &total),
        children: rollup
            .children
            .iter()
            .zip(&children)
            .map(|(a, c)| view(a, c))
            .collect(),
        scopes,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coverage_is_per_mille_rounded_down() {
        assert_eq!(permille(0, 0), 0);
        assert_eq!(permille(1, 3), 333);
        assert_eq!(permille(2, 3), 666);
        assert_eq!(permille(70, 70), 1000);
    }
}
