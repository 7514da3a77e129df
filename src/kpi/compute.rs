//! Sums of the raw facts for an area and its children (or every unit of the tree), cached as
//! counts only (`kpi:live:<indicator>:<area>`, conventions §14): targets, statuses and gaps are
//! applied per request, so a new target shows at once.
use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;
use serde::{Deserialize, Serialize};

use super::catalogue::Indicator;
use super::goals::is_above_local;
use super::sources::{Grain, Raw, Window, raw};
use super::status::{Measure, permille};
use crate::app_state::AppState;
use crate::error::ApiResult;
use crate::league::LeagueTree;
use crate::league::rollup::Rollup;
use crate::mentoring::coverage::is_local_unit;

/// Numerator and denominator of one area (`None`: nothing to count).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pair {
    pub n: Option<i64>,
    pub d: Option<i64>,
}

impl Pair {
    fn add(&mut self, n: i64, d: Option<i64>) {
        self.n = Some(self.n.unwrap_or(0) + n);
        if let Some(d) = d {
            self.d = Some(self.d.unwrap_or(0) + d);
        }
    }

    /// The line's value: per mille for ratios, the count for counts.
    pub fn value(&self, measure: Measure) -> Option<i64> {
        match measure {
            Measure::Ratio => permille(self.n?, self.d?),
            Measure::Count => self.n,
        }
    }
}

/// The counts of a roll-up: the area, each child, and the area's breakdown by key.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Counts {
    pub area: Pair,
    pub children: Vec<Pair>,
    pub breakdown: BTreeMap<String, Pair>,
    pub computed_at: DateTime<Utc>,
    pub window: (chrono::NaiveDate, chrono::NaiveDate),
    /// For a line counted as local units meeting their target, of a unit above the local units:
    /// the pair of every local unit inside it, by code (empty otherwise).
    #[serde(default)]
    pub units: BTreeMap<String, Pair>,
}

/// Whether the rows carry a total per code (key "") beside the breakdown (talents: one person
/// may be in several categories).
fn has_totals(rows: &[super::sources::Row]) -> bool {
    rows.iter().any(|r| r.key.is_empty())
}

/// Sum the raw facts of an area over the area and its children.
pub fn count_rollup(raw: &Raw, rollup: &Rollup, window: Window) -> Counts {
    let mut out = Counts {
        children: vec![Pair::default(); rollup.children.len()],
        computed_at: Utc::now(),
        window: (window.from, window.to),
        ..Counts::default()
    };
    match raw {
        Raw::Nothing => {}
        Raw::PlacesOnly { places } => {
            out.area.d = Some(places.len() as i64);
            for c in out.children.iter_mut() {
                c.d = Some(0);
            }
            for p in places {
                if let Some(i) = rollup.child_of(p) {
                    *out.children[i].d.get_or_insert(0) += 1;
                }
            }
        }
        Raw::Places { places, covered } => {
            out.area = Pair {
                n: Some(0),
                d: Some(0),
            };
            for c in out.children.iter_mut() {
                *c = out.area;
            }
            for p in places {
                let hit = i64::from(covered.contains(p));
                out.area.add(hit, Some(1));
                if let Some(i) = rollup.child_of(p) {
                    out.children[i].add(hit, Some(1));
                }
            }
        }
        Raw::Rows { rows, rate } => {
            let totals = has_totals(rows);
            let zero = Pair {
                n: Some(0),
                d: rate.then_some(0),
            };
            out.area = zero;
            for c in out.children.iter_mut() {
                *c = zero;
            }
            for r in rows {
                let d = rate.then_some(r.d);
                if !r.key.is_empty() {
                    out.breakdown
                        .entry(r.key.clone())
                        .or_insert(zero)
                        .add(r.n, d);
                }
                if totals && !r.key.is_empty() {
                    continue;
                }
                out.area.add(r.n, d);
                if let Some(i) = rollup.child_of(&r.code) {
                    out.children[i].add(r.n, d);
                }
            }
        }
    }
    out
}

/// Sum the raw facts of the whole tree per league unit (every unit an owned code lies in).
pub fn count_units(raw: &Raw, tree: &LeagueTree) -> HashMap<String, Pair> {
    let mut out: HashMap<String, Pair> = HashMap::new();
    let mut add = |code: &str, n: i64, d: Option<i64>| {
        let mut unit = tree.owner(code);
        while let Some(u) = unit {
            out.entry(u.code.clone()).or_default().add(n, d);
            unit = u.parent_code.as_deref().and_then(|p| tree.unit(p));
        }
    };
    match raw {
        Raw::Nothing => return out,
        Raw::PlacesOnly { places } => {
            for p in places {
                let mut unit = tree.owner(p);
                while let Some(u) = unit {
                    *out.entry(u.code.clone()).or_default().d.get_or_insert(0) += 1;
                    unit = u.parent_code.as_deref().and_then(|p| tree.unit(p));
                }
            }
        }
        Raw::Places { places, covered } => {
            for p in places {
                add(p, i64::from(covered.contains(p)), Some(1));
            }
        }
        Raw::Rows { rows, rate } => {
            let totals = has_totals(rows);
            for r in rows.iter().filter(|r| !totals || r.key.is_empty()) {
                add(&r.code, r.n, rate.then_some(r.d));
            }
        }
    }
    // Units with nothing counted still have a zero line (ratios without places stay empty).
    for u in tree.units() {
        out.entry(u.code.clone()).or_insert(match raw {
            Raw::Places { .. } => Pair {
                n: Some(0),
                d: Some(0),
            },
            Raw::Rows { rate, .. } => Pair {
                n: Some(0),
                d: rate.then_some(0),
            },
            Raw::PlacesOnly { .. } => Pair {
                n: None,
                d: Some(0),
            },
            Raw::Nothing => Pair::default(),
        });
    }
    out
}

fn key(indicator: &str, area: &str) -> String {
    format!("kpi:live:{indicator}:{area}")
}

/// The live counts of `indicator` over a roll-up for `window`, from the cache when a copy for
/// the same window is there (at most `JIQING_KPI_CACHE_SECS` old).
pub async fn live_counts(
    state: &AppState,
    indicator: &Indicator,
    rollup: &Rollup,
    window: Window,
) -> ApiResult<Counts> {
    let k = key(indicator.code, &rollup.area.code);
    let wants_units = per_local_unit(state, indicator, rollup);
    let ttl = state.settings.kpi_cache_ttl;
    if !ttl.is_zero() {
        match state.cache.get(&k).await {
            Ok(Some(s)) => {
                if let Ok(c) = serde_json::from_str::<Counts>(&s)
                    && c.window == (window.from, window.to)
                    && c.children.len() == rollup.children.len()
                    && c.units.is_empty() != wants_units
                {
                    return Ok(c);
                }
            }
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %e, "KPI cache read failed; counting afresh"),
        }
    }
    let counts = compute(&state.db, state, indicator, rollup, window).await?;
    if !ttl.is_zero()
        && let Ok(s) = serde_json::to_string(&counts)
        && let Err(e) = state.cache.set(&k, &s, Some(ttl)).await
    {
        tracing::warn!(error = %e, "KPI cache write failed");
    }
    Ok(counts)
}

async fn compute(
    db: &impl ConnectionTrait,
    state: &AppState,
    indicator: &Indicator,
    rollup: &Rollup,
    window: Window,
) -> ApiResult<Counts> {
    let raw = raw(
        db,
        state,
        indicator,
        &rollup.area.scope,
        window,
        Grain::of(rollup.scopes()),
    )
    .await?;
    let mut counts = count_rollup(&raw, rollup, window);
    if per_local_unit(state, indicator, rollup) {
        let tree = &state.league;
        if let Some(area) = tree.unit(&rollup.area.code) {
            counts.units = count_units(&raw, tree)
                .into_iter()
                .filter(|(code, _)| {
                    tree.unit(code)
                        .is_some_and(|u| is_local_unit(tree, u) && tree.is_within(u, area))
                })
                .collect();
        }
    }
    Ok(counts)
}

/// Whether the counts of a roll-up carry the pairs of its local units: a line counted as local
/// units meeting their target, for a unit above the local units.
fn per_local_unit(state: &AppState, indicator: &Indicator, rollup: &Rollup) -> bool {
    indicator.above_local_target().is_some()
        && state
            .league
            .unit(&rollup.area.code)
            .is_some_and(|u| is_above_local(&state.league, u))
}

/// Drop the cached counts of `indicators` for every area containing `place` (its township and
/// village, its local unit and every unit above): a registry change shows at once.
pub async fn invalidate(state: &AppState, indicators: &[&str], place: &str) {
    let mut areas: Vec<String> = Vec::new();
    if let Some(code) = crate::regions::RegionCode::parse(place) {
        areas.push(code.as_str().to_owned());
        areas.extend(code.ancestors());
    }
    let tree = &state.league;
    let mut unit = tree.owner(place);
    while let Some(u) = unit {
        areas.push(u.code.clone());
        unit = u.parent_code.as_deref().and_then(|p| tree.unit(p));
    }
    for i in indicators {
        for a in &areas {
            if let Err(e) = state.cache.del(&key(i, a)).await {
                tracing::warn!(error = %e, "KPI cache entry left to expire");
            }
        }
    }
}
