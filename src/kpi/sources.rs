//! One SQL source per indicator: the raw facts inside a scope, keyed by region code, so that the
//! caller can sum them up for any area (a unit, its children, every unit of the tree).
use std::collections::{BTreeMap, HashSet};

use entity::talent_profiles::TalentStatus;
use entity::trainings::{TrainingCategory, TrainingStatus};
use entity::{
    hope_rooms, kpi_manual_reports, loan_applications, practice_applications, practice_positions,
    recognitions, regions, signature_projects, talent_profiles, training_enrollments, trainings,
    youth_homes,
};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, JoinType, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};

use super::catalogue::{Indicator, PlaceKind, Source};
pub use super::facts::{Grain, Row, Window};
use super::facts::{counts_by_place, num};
use super::manual::kinds::counted_at;
use crate::app_state::AppState;
use crate::error::ApiResult;
use crate::kpi_scope::{CountyScope, KpiScopes};
use crate::league::LeagueTree;
use crate::league::{LeagueUnit, UnitScope};
use crate::mentoring::coverage::{
    county_league_orgs, is_local_unit, startup_leaders, units_with_leader_org,
};
use entity::youth_organisations::OrgLevel;

/// What a source found inside a scope.
#[derive(Debug, Clone)]
pub enum Raw {
    /// Places of a kind, and those of them that count.
    Places {
        places: Vec<String>,
        covered: HashSet<String>,
    },
    /// Numbers by region code (`rate`: numerator ÷ denominator, else a count).
    Rows { rows: Vec<Row>, rate: bool },
    /// A coverage line whose domain is not built: the places are known (the denominator), what
    /// covers them is not.
    PlacesOnly { places: Vec<String> },
    /// The domain is not built, or the line is display only.
    Nothing,
}

/// The places of a kind inside `scope` that count under the KPI scopes in force, by code.
pub async fn places(
    db: &impl ConnectionTrait,
    scope: &UnitScope,
    kind: PlaceKind,
    scopes: KpiScopes,
) -> ApiResult<Vec<String>> {
    let level = match kind {
        PlaceKind::Township => "township",
        PlaceKind::Village => "village",
        PlaceKind::LocalUnit | PlaceKind::TopLevelUnit => return Ok(Vec::new()),
    };
    let mut codes: Vec<String> = regions::Entity::find()
        .select_only()
        .column(regions::Column::Code)
        .filter(regions::Column::Level.eq(level))
        .filter(scope.condition(regions::Column::Code))
        .into_tuple()
        .all(db)
        .await?;
    codes.retain(|c| match kind {
        PlaceKind::Township => scopes.township.counts(c),
        _ => scopes.village.counts(c),
    });
    codes.sort();
    Ok(codes)
}

/// Distinct home codes of verified talents inside `scope` (optionally of one category).
async fn talent_homes(
    db: &impl ConnectionTrait,
    scope: &UnitScope,
    category: Option<&str>,
) -> ApiResult<HashSet<String>> {
    use talent_profiles::Column as C;
    let mut q = talent_profiles::Entity::find()
        .select_only()
        .column(C::HomeRegionCode)
        .distinct()
        .filter(C::Status.eq(TalentStatus::Verified))
        .filter(scope.condition(C::HomeRegionCode));
    if let Some(cat) = category {
        // A constant category code (snake_case letters), matched as a quoted array element.
        q = q.filter(Expr::cust(format!(
            "categories LIKE '%\"{}\"%' ESCAPE '\\'",
            cat.replace('_', "\\_")
        )));
    }
    let codes: Vec<String> = q.into_tuple().all(db).await?;
    Ok(codes.into_iter().collect())
}

/// Training completions (and enrolments) by home region and category inside `scope`.
async fn training_rows(
    db: &impl ConnectionTrait,
    scope: &UnitScope,
    window: Window,
    category: Option<TrainingCategory>,
    rate: bool,
) -> ApiResult<Vec<Row>> {
    use training_enrollments::Column as E;
    use trainings::Column as T;
    let (e, t) = (Alias::new("e"), Alias::new("t"));
    let mut select = Query::select();
    select
        .expr_as(
            Expr::col((e.clone(), E::HomeRegionCode)),
            Alias::new("home"),
        )
        .expr_as(Expr::col((t.clone(), T::Category)), Alias::new("category"))
        .from_as(training_enrollments::Entity, e.clone())
        .join_as(
            JoinType::InnerJoin,
            trainings::Entity,
            t.clone(),
            Expr::col((t.clone(), T::Id)).equals((e.clone(), E::TrainingId)),
        )
        .cond_where(scope.condition((e.clone(), E::HomeRegionCode)))
        .group_by_col((e.clone(), E::HomeRegionCode))
        .group_by_col((t.clone(), T::Category));
    if rate {
        // Enrolments of published trainings that ended inside the window, and how many of
        // them completed.
        select
            .expr_as(
                Expr::cust("SUM(CASE WHEN e.completed_at IS NOT NULL THEN 1 ELSE 0 END)"),
                Alias::new("n"),
            )
            .expr_as(Expr::cust("COUNT(*)"), Alias::new("d"))
            .and_where(Expr::col((e.clone(), E::Status)).eq(crate::choices::code(
                entity::training_enrollments::EnrollmentStatus::Enrolled,
            )))
            .and_where(
                Expr::col((t.clone(), T::Status))
                    .eq(crate::choices::code(TrainingStatus::Published)),
            )
            .and_where(Expr::col((t.clone(), T::EndsAt)).gte(window.start()))
            .and_where(Expr::col((t.clone(), T::EndsAt)).lt(window.end()));
    } else {
        select
            .expr_as(Expr::cust("COUNT(*)"), Alias::new("n"))
            .expr_as(Expr::cust("CAST(0 AS BIGINT)"), Alias::new("d"))
            .and_where(Expr::col((e.clone(), E::CompletedAt)).gte(window.start()))
            .and_where(Expr::col((e.clone(), E::CompletedAt)).lt(window.end()));
    }
    if let Some(c) = category {
        select.and_where(Expr::col((t.clone(), T::Category)).eq(crate::choices::code(c)));
    }
    let stmt = db.get_database_backend().build(&select);
    let mut out = Vec::new();
    for row in db.query_all_raw(stmt).await? {
        out.push(Row {
            code: row.try_get("", "home")?,
            key: row.try_get("", "category")?,
            n: num(&row, "n")?,
            d: num(&row, "d")?,
        });
    }
    Ok(out)
}

/// Verified talents per home code (key "") and per category (one talent may be in several).
async fn talent_rows(db: &impl ConnectionTrait, scope: &UnitScope) -> ApiResult<Vec<Row>> {
    use crate::talents::choices::TalentCategory;
    let mut out = Vec::new();
    for (code, total, by_category) in crate::talents::stats::counts_by_home(db, scope).await? {
        out.push(Row {
            code: code.clone(),
            key: String::new(),
            n: total as i64,
            d: 0,
        });
        for (c, n) in TalentCategory::ALL.iter().zip(by_category) {
            if n > 0 {
                out.push(Row {
                    code: code.clone(),
                    key: c.as_str().to_owned(),
                    n: n as i64,
                    d: 0,
                });
            }
        }
    }
    Ok(out)
}

/// Loans paid out in the window (the bank's disbursement date, China) per region code (the
/// applicant's home) and purpose. A reversed disbursement clears the date, so it no longer
/// counts; repaid and overdue loans still do.
async fn loan_rows(
    db: &impl ConnectionTrait,
    scope: &UnitScope,
    window: Window,
) -> ApiResult<Vec<Row>> {
    use loan_applications::Column as L;
    let mut select = Query::select();
    select
        .column(L::RegionCode)
        .column(L::Purpose)
        .expr_as(Expr::cust("CAST(COUNT(*) AS BIGINT)"), Alias::new("n"))
        .from(loan_applications::Entity)
        .cond_where(scope.condition(L::RegionCode))
        .and_where(Expr::col(L::DisbursedOn).gte(window.from))
        .and_where(Expr::col(L::DisbursedOn).lte(window.to))
        .group_by_col(L::RegionCode)
        .group_by_col(L::Purpose);
    counts_by_place(db, &select, "purpose").await
}

/// 返家乡 placements confirmed in the window (China days), per the position's place and
/// category. A placement withdrawn, dropped or certified later still counts: the line counts
/// students who took up a post, as the practice stats' `placements` do.
async fn practice_rows(
    db: &impl ConnectionTrait,
    scope: &UnitScope,
    window: Window,
) -> ApiResult<Vec<Row>> {
    use practice_applications::Column as A;
    use practice_positions::Column as P;
    let (a, p) = (Alias::new("a"), Alias::new("p"));
    let mut select = Query::select();
    select
        .expr_as(
            Expr::col((a.clone(), A::RegionCode)),
            Alias::new("region_code"),
        )
        .expr_as(Expr::col((p.clone(), P::Category)), Alias::new("category"))
        .expr_as(Expr::cust("CAST(COUNT(*) AS BIGINT)"), Alias::new("n"))
        .from_as(practice_applications::Entity, a.clone())
        .join_as(
            JoinType::InnerJoin,
            practice_positions::Entity,
            p.clone(),
            Expr::col((p.clone(), P::Id)).equals((a.clone(), A::PositionId)),
        )
        .cond_where(scope.condition((a.clone(), A::RegionCode)))
        .and_where(Expr::col((a.clone(), A::ConfirmedAt)).gte(window.start()))
        .and_where(Expr::col((a.clone(), A::ConfirmedAt)).lt(window.end()))
        .group_by_col((a.clone(), A::RegionCode))
        .group_by_col((p.clone(), P::Category));
    counts_by_place(db, &select, "category").await
}

/// `(code, with)` facts summed per code into rate rows: `n` those with, `d` all.
fn rate_rows(facts: impl IntoIterator<Item = (String, bool)>) -> Vec<Row> {
    let mut by_code: std::collections::BTreeMap<String, (i64, i64)> = Default::default();
    for (code, with) in facts {
        let e = by_code.entry(code).or_default();
        e.0 += i64::from(with);
        e.1 += 1;
    }
    by_code
        .into_iter()
        .map(|(code, (n, d))| Row {
            code,
            key: String::new(),
            n,
            d,
        })
        .collect()
}

/// A unit's place for the roll-ups: its first region code (its own code; for 长白山 one of its
/// areas), which the unit owns, so sums reach the unit and every unit above it.
fn place_of(unit: &LeagueUnit) -> Option<&str> {
    unit.regions.first().map(String::as_str)
}

/// The units whose place lies inside `scope`.
fn units_inside<'a>(state: &'a AppState, scope: &UnitScope) -> Vec<&'a LeagueUnit> {
    state
        .league
        .units()
        .iter()
        .map(|u| &**u)
        .filter(|u| place_of(u).is_some_and(|p| scope.covers(p)))
        .collect()
}

/// 县域团属青年创业组织 inside `scope` with (n) and without a mentor, by their unit's place.
async fn county_org_rows(
    db: &impl ConnectionTrait,
    state: &AppState,
    scope: &UnitScope,
) -> ApiResult<Vec<Row>> {
    let units = units_inside(state, scope);
    let within: Vec<String> = units.iter().map(|u| u.code.clone()).collect();
    let facts = county_league_orgs(db, &state.league, within).await?;
    Ok(rate_rows(facts.into_iter().filter_map(|(unit, with)| {
        let place = state.league.unit(&unit).and_then(|u| place_of(u))?;
        Some((place.to_owned(), with))
    })))
}

/// Whether a unit is one of the local units a line counts (`supervision.md` §2): a county unit
/// in the county scope, or 梅河口 and 长白山 (local units at city level).
pub fn counted_local_unit(tree: &LeagueTree, unit: &LeagueUnit, counties: CountyScope) -> bool {
    use entity::users::CadreLevel;
    is_local_unit(tree, unit)
        && match unit.level {
            CadreLevel::County => counties.counts(&unit.code),
            _ => true,
        }
}

/// Units inside `scope` holding (n) a 农村致富带头人组织, out of (d) the top-level units
/// (`local: false`) or the local units in the county scope (`local: true`; 梅河口 and 长白山
/// count their city-level one).
async fn leader_org_rows(
    db: &impl ConnectionTrait,
    state: &AppState,
    scope: &UnitScope,
    local: bool,
) -> ApiResult<Vec<Row>> {
    use entity::users::CadreLevel;
    let tree = &state.league;
    let city = units_with_leader_org(db, OrgLevel::City).await?;
    let county = if local {
        units_with_leader_org(db, OrgLevel::County).await?
    } else {
        Default::default()
    };
    let counties = state.settings.kpi_scopes.county;
    let facts = units_inside(state, scope).into_iter().filter_map(|u| {
        let top_level = u.parent_code.as_deref() == tree.root().map(|r| r.code.as_str());
        let with = if local {
            if !counted_local_unit(tree, u, counties) {
                return None;
            }
            match u.level {
                CadreLevel::County => county.contains(&u.code),
                _ => city.contains(&u.code),
            }
        } else {
            if !top_level {
                return None;
            }
            city.contains(&u.code)
        };
        Some((place_of(u)?.to_owned(), with))
    });
    Ok(rate_rows(facts))
}

/// The breakdown key of offline joint trainings (manual reports) beside the platform's own.
pub const OFFLINE_TRAININGS: &str = "offline_joint";

/// The figures of the approved or accepted manual reports of `indicator` whose period ends in
/// the window, for the units inside `scope`, each keyed by a place of its unit (the unit's own
/// code, `CBS`'s first area) so that roll-ups and the tree's sums find it: a unit's report
/// counts for the unit and every unit above, never for a place below it.
async fn manual_rows(
    db: &impl ConnectionTrait,
    indicator: &str,
    scope: &UnitScope,
    window: Window,
    tree: &LeagueTree,
) -> ApiResult<Vec<(String, BTreeMap<String, i64>)>> {
    use kpi_manual_reports::{Column as M, ManualReportStatus as S};
    let rows: Vec<(String, String)> = kpi_manual_reports::Entity::find()
        .select_only()
        .column(M::AreaUnitCode)
        .column(M::ValuesJson)
        .filter(M::IndicatorCode.eq(indicator))
        .filter(M::Status.is_in([S::Approved, S::Accepted]))
        .filter(M::PeriodEnd.gte(window.from))
        .filter(M::PeriodEnd.lte(window.to))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(unit, values)| {
            let place = counted_at(tree.unit(&unit)?);
            scope
                .covers(&place)
                .then(|| (place, serde_json::from_str(&values).unwrap_or_default()))
        })
        .collect())
}

/// Townships inside `scope` with ≥1 operating verified Youth Home (`YouthHomes`) or ≥1 active
/// verified signature project (`SignatureProjects`).
async fn registry_townships(
    db: &impl ConnectionTrait,
    scope: &UnitScope,
    source: Source,
) -> ApiResult<HashSet<String>> {
    let codes: Vec<String> = if source == Source::YouthHomes {
        use youth_homes::{Column as H, YouthHomeStatus};
        youth_homes::Entity::find()
            .select_only()
            .column(H::TownshipCode)
            .distinct()
            .filter(H::Status.eq(YouthHomeStatus::Operating))
            .filter(H::VerifiedAt.is_not_null())
            .filter(scope.condition(H::TownshipCode))
            .into_tuple()
            .all(db)
            .await?
    } else {
        use signature_projects::{Column as P, ProjectStatus};
        signature_projects::Entity::find()
            .select_only()
            .column(P::TownshipCode)
            .distinct()
            .filter(P::Status.eq(ProjectStatus::Active))
            .filter(P::VerifiedAt.is_not_null())
            .filter(scope.condition(P::TownshipCode))
            .into_tuple()
            .all(db)
            .await?
    };
    Ok(codes.into_iter().collect())
}

/// The places inside `scope` with ≥1 talent homed there holding a confirmed (unrevoked)
/// recognition: the talents' homes (`Village`), or their townships (`Township`; a home is a
/// village or a township, whose first 9 digits are the township).
async fn recognised_places(
    db: &impl ConnectionTrait,
    scope: &UnitScope,
    kind: PlaceKind,
) -> ApiResult<HashSet<String>> {
    use recognitions::{Column as R, RecognitionStatus};
    use talent_profiles::Column as T;
    let (r, t) = (Alias::new("r"), Alias::new("t"));
    let mut select = Query::select();
    select
        .distinct()
        .expr_as(
            Expr::col((t.clone(), T::HomeRegionCode)),
            Alias::new("home"),
        )
        .from_as(recognitions::Entity, r.clone())
        .join_as(
            JoinType::InnerJoin,
            talent_profiles::Entity,
            t.clone(),
            Expr::col((t.clone(), T::Id)).equals((r.clone(), R::TalentProfileId)),
        )
        .cond_where(scope.condition((t.clone(), T::HomeRegionCode)))
        .and_where(
            Expr::col((r.clone(), R::Status))
                .eq(crate::choices::code(RecognitionStatus::Confirmed)),
        );
    let stmt = db.get_database_backend().build(&select);
    let mut out = HashSet::new();
    for row in db.query_all_raw(stmt).await? {
        let home: String = row.try_get("", "home")?;
        let place = match kind {
            PlaceKind::Township => home.get(..9).map(str::to_owned),
            _ => Some(home),
        };
        out.extend(place);
    }
    Ok(out)
}

/// 希望小屋 accepted (`completed`, then `in_service`) with `completed_on` in the window, per
/// place (village or township) and host kind.
async fn hope_room_rows(
    db: &impl ConnectionTrait,
    scope: &UnitScope,
    window: Window,
) -> ApiResult<Vec<Row>> {
    use hope_rooms::{Column as R, HopeRoomStatus};
    let mut select = Query::select();
    select
        .column(R::RegionCode)
        .column(R::HostKind)
        .expr_as(Expr::cust("CAST(COUNT(*) AS BIGINT)"), Alias::new("n"))
        .from(hope_rooms::Entity)
        .cond_where(scope.condition(R::RegionCode))
        .and_where(Expr::col(R::Status).is_in([
            crate::choices::code(HopeRoomStatus::Completed),
            crate::choices::code(HopeRoomStatus::InService),
        ]))
        .and_where(Expr::col(R::CompletedOn).gte(window.from))
        .and_where(Expr::col(R::CompletedOn).lte(window.to))
        .group_by_col(R::RegionCode)
        .group_by_col(R::HostKind);
    counts_by_place(db, &select, "host_kind").await
}

/// The raw facts of `indicator` inside `scope`.
pub async fn raw(
    db: &impl ConnectionTrait,
    state: &AppState,
    indicator: &Indicator,
    scope: &UnitScope,
    window: Window,
    grain: Grain,
) -> ApiResult<Raw> {
    let scopes = state.settings.kpi_scopes;
    let tree = &state.league;
    let places_of = |kind| places(db, scope, kind, scopes);
    Ok(match indicator.source {
        Source::NotBuilt(_) => match indicator.places {
            Some(kind @ (PlaceKind::Township | PlaceKind::Village)) => Raw::PlacesOnly {
                places: places_of(kind).await?,
            },
            _ => Raw::Nothing,
        },
        Source::Pattern => Raw::Nothing,
        // Coverage is a state: counted as it stands whatever the window.
        Source::YouthHomes | Source::SignatureProjects => Raw::Places {
            places: places_of(PlaceKind::Township).await?,
            covered: registry_townships(db, scope, indicator.source).await?,
        },
        // A state as well: the recognitions confirmed and not revoked now.
        Source::Recognitions => {
            let kind = indicator.places.unwrap_or(PlaceKind::Village);
            Raw::Places {
                places: places_of(kind).await?,
                covered: recognised_places(db, scope, kind).await?,
            }
        }
        Source::HopeRooms => Raw::Rows {
            rows: hope_room_rows(db, scope, window).await?,
            rate: false,
        },
        Source::VillageTalent | Source::VillageEcommerceTalent => {
            let category =
                (indicator.source == Source::VillageEcommerceTalent).then_some("e_commerce_talent");
            Raw::Places {
                places: places_of(PlaceKind::Village).await?,
                covered: talent_homes(db, scope, category).await?,
            }
        }
        Source::EcommerceTrainings => {
            let mut rows = training_rows(
                db,
                scope,
                window,
                Some(TrainingCategory::EcommerceLivestream),
                false,
            )
            .await?;
            rows.extend(
                manual_rows(db, indicator.code, scope, window, tree)
                    .await?
                    .into_iter()
                    .filter_map(|(code, values)| {
                        Some(Row {
                            code,
                            key: OFFLINE_TRAININGS.to_owned(),
                            n: *values.get("personTimes")?,
                            d: 0,
                        })
                    }),
            );
            Raw::Rows { rows, rate: false }
        }
        Source::ManualReports {
            numerator,
            denominator,
        } => {
            let mut rows = Vec::new();
            for (code, values) in manual_rows(db, indicator.code, scope, window, tree).await? {
                let field = |k: &str| values.get(k).copied().unwrap_or(0);
                rows.push(Row {
                    code: code.clone(),
                    key: String::new(),
                    n: field(numerator),
                    d: field(denominator),
                });
                for (k, v) in &values {
                    rows.push(Row {
                        code: code.clone(),
                        key: k.clone(),
                        n: *v,
                        d: 0,
                    });
                }
            }
            Raw::Rows { rows, rate: true }
        }
        Source::QingmaYear => Raw::Rows {
            rows: training_rows(db, scope, window, Some(TrainingCategory::Qingma), false).await?,
            rate: false,
        },
        Source::TrainingCompletion => Raw::Rows {
            rows: training_rows(db, scope, window, None, true).await?,
            rate: true,
        },
        Source::VerifiedTalents => Raw::Rows {
            rows: talent_rows(db, scope).await?,
            rate: false,
        },
        Source::VolunteerMinutes => Raw::Rows {
            rows: super::volunteer::rows(db, scope, window, grain).await?,
            rate: false,
        },
        Source::LoansYear => Raw::Rows {
            rows: loan_rows(db, scope, window).await?,
            rate: false,
        },
        Source::PracticeYear => Raw::Rows {
            rows: practice_rows(db, scope, window).await?,
            rate: false,
        },
        // Coverage is a state, not a sum over the window: counted as it stands.
        Source::StartupLeaderMentors => Raw::Rows {
            rows: rate_rows(
                startup_leaders(
                    db,
                    &state.settings.mentoring.startup_leader_categories,
                    scope,
                    chrono::Utc::now(),
                )
                .await?,
            ),
            rate: true,
        },
        Source::CountyOrgMentors => Raw::Rows {
            rows: county_org_rows(db, state, scope).await?,
            rate: true,
        },
        Source::LeaderOrgCity | Source::LeaderOrgCounty => Raw::Rows {
            rows: leader_org_rows(
                db,
                state,
                scope,
                indicator.source == Source::LeaderOrgCounty,
            )
            .await?,
            rate: true,
        },
    })
}
