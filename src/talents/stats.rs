//! The region dashboard of the talent pool: verified talents per child region and category, and
//! how many villages have at least one ("村村都有好青年").
use std::collections::HashMap;

use actix_web::{get, web};
use sea_orm::{ConnectionTrait, Statement};

use super::choices::TalentCategory;
use super::dto::{RegionTalentStats, StatsQuery, TalentCategoryCount, TalentStatsView};
use crate::app_state::AppState;
use crate::auth::Cadre;
use crate::error::{ApiError, ApiResult, ErrorEnvelope};
use crate::regions::{self, code::prefix_of};

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

fn view(code: String, name: String, level: String, c: &Counts) -> RegionTalentStats {
    RegionTalentStats {
        code,
        name,
        level,
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
    Ok(v.unwrap_or(0).max(0) as u64)
}

/// Group counts by the first `digits` characters of the home-region code. `prefix` is a checked
/// region prefix (digits only) and the category codes are constants, so the SQL has no user text.
async fn grouped_counts(
    db: &impl ConnectionTrait,
    prefix: &str,
    digits: usize,
) -> ApiResult<HashMap<String, Counts>> {
    if !prefix.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ApiError::Unexpected(anyhow::anyhow!("bad region prefix")));
    }
    let backend = db.get_database_backend();
    let group = |col: &str| format!("substr({col}, 1, {digits})");
    let categories: String = TalentCategory::ALL
        .iter()
        .enumerate()
        .map(|(i, c)| {
            format!(
                ", SUM(CASE WHEN categories LIKE '%\"{}\"%' ESCAPE '\\' THEN 1 ELSE 0 END) AS c{i}",
                c.as_str().replace('_', "\\_")
            )
        })
        .collect();
    let talents = format!(
        "SELECT {g} AS grp, COUNT(*) AS n, COUNT(DISTINCT CASE WHEN length(home_region_code) = 12 \
         THEN home_region_code END) AS villages_with_talent{categories} FROM talent_profiles \
         WHERE status = 'verified' AND home_region_code LIKE '{prefix}%' GROUP BY {g}",
        g = group("home_region_code"),
    );
    let villages = format!(
        "SELECT {g} AS grp, COUNT(*) AS n FROM regions WHERE level = 'village' \
         AND code LIKE '{prefix}%' GROUP BY {g}",
        g = group("code"),
    );
    let mut out: HashMap<String, Counts> = HashMap::new();
    for row in db
        .query_all_raw(Statement::from_string(backend, talents))
        .await?
    {
        let key: String = row.try_get("", "grp")?;
        let entry = out.entry(key).or_default();
        entry.verified = count(&row, "n")?;
        entry.villages_with_talent = count(&row, "villages_with_talent")?;
        entry.by_category = (0..TalentCategory::ALL.len())
            .map(|i| count(&row, &format!("c{i}")))
            .collect::<ApiResult<_>>()?;
    }
    for row in db
        .query_all_raw(Statement::from_string(backend, villages))
        .await?
    {
        let key: String = row.try_get("", "grp")?;
        out.entry(key).or_default().villages = count(&row, "n")?;
    }
    Ok(out)
}

/// Talent-pool counts of a region and of each of its child regions: verified talents, by
/// category, and the share of villages with at least one verified talent living there
/// (`villageCoveragePermille`, an integer per mille rounded down, with both counts beside it).
#[utoipa::path(
    tag = "talents",
    operation_id = "get_talent_stats",
    security(("bearer" = [])),
    params(StatsQuery),
    responses(
        (status = 200, body = TalentStatsView),
        (status = 401, body = ErrorEnvelope),
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
    let code = query
        .region
        .clone()
        .filter(|r| !r.is_empty())
        .unwrap_or_else(|| cadre.region_code.clone());
    let region = regions::queries::require(&state.db, &code, "region").await?;
    cadre.ensure_covers(&region.code)?;
    let prefix = prefix_of(&region.code).unwrap_or("-");
    let children = regions::queries::children(&state.db, &region.code).await?;
    let digits = children
        .first()
        .and_then(|c| prefix_of(&c.code))
        .map_or(12, str::len);
    let groups = grouped_counts(&state.db, prefix, digits).await?;
    let mut total = Counts::default();
    for c in groups.values() {
        total.add(c);
    }
    let empty = Counts::default();
    let children = children
        .into_iter()
        .map(|child| {
            let c = prefix_of(&child.code)
                .and_then(|p| groups.get(p))
                .unwrap_or(&empty);
            view(child.code, child.name, child.level, c)
        })
        .collect();
    Ok(web::Json(TalentStatsView {
        region: view(region.code, region.name, region.level, &total),
        children,
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
