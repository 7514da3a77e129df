//! The daily snapshot (`supervision.md` §3): every indicator of every league unit frozen for a
//! China date, so that a past `asOf` is answered from what was known then and a due-date result
//! never changes after later data fixes.
//!
//! The daily job (`kpi-snapshot`, 02:00 China, once per day across instances) freezes
//! yesterday; `jiqing kpi-snapshot` does the same by hand. Daily rows are upserted and kept
//! [`DAILY_KEEP_DAYS`]; quarter-end and due-date rows are inserted once (`ON CONFLICT DO
//! NOTHING`) and kept for good.
use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, Days, NaiveDate, Utc};
use entity::kpi_snapshots;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect, Set};

use super::catalogue::{CATALOGUE, Indicator, Source};
use super::compute::{Pair, count_units};
use super::goals::{self, AreaRef, Resolved};
use super::meeting;
use super::report::{first_snapshots, judged};
use super::sources::{Grain, Window, raw};
use super::status::Judgement;
use crate::app_state::AppState;
use crate::jobs::{China, DailyJob};
use crate::time::today_in_china;

/// How long daily rows are kept (quarter ends and due dates are kept for good).
pub const DAILY_KEEP_DAYS: u64 = 90;

/// The units (by index in the tree) counted over one window, with their targets.
type UnitTargets = Vec<(usize, Vec<Resolved>)>;

/// Rows written per statement.
const BATCH: usize = 500;

/// `kpi-snapshot`: at 02:00 China, freeze yesterday.
pub const KPI_SNAPSHOT: DailyJob = DailyJob {
    name: "kpi-snapshot",
    at: China(2, 0),
    run: |state, today| {
        Box::pin(async move {
            let Some(yesterday) = today.checked_sub_days(Days::new(1)) else {
                return Ok(());
            };
            take(&state, yesterday).await?;
            Ok(())
        })
    },
};

/// The only date a snapshot may be taken for at `now`: yesterday in China (today is not over,
/// and an older day's counts are no longer what they were then).
pub fn snapshot_date(now: chrono::DateTime<Utc>) -> Option<NaiveDate> {
    today_in_china(now).checked_sub_days(Days::new(1))
}

fn is_quarter_end(d: NaiveDate) -> bool {
    matches!((d.month(), d.day()), (3, 31) | (6, 30) | (9, 30) | (12, 31))
}

/// What one snapshot wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Taken {
    pub as_of: NaiveDate,
    /// Lines computed (indicators × units; the pooled ratios frozen beside the lines of units
    /// above the local units are not counted).
    pub lines: usize,
    /// Whether they were kept for good (a quarter end or a due date).
    pub kept: bool,
}

/// The indicators a snapshot freezes: every built line with a number (not display-only ones).
fn frozen() -> impl Iterator<Item = &'static Indicator> {
    CATALOGUE
        .iter()
        .filter(|i| i.is_built() && i.source != Source::Pattern)
}

/// Freeze every indicator of every league unit for `as_of` (counting the data as it is now).
/// The job and the command call it for yesterday only; tests may call it for any date.
pub async fn take(state: &AppState, as_of: NaiveDate) -> anyhow::Result<Taken> {
    let db = &state.db;
    let tree = &state.league;
    let Some(root) = tree.root() else {
        anyhow::bail!("the league tree has no root unit");
    };
    let baseline = state.settings.kpi_baseline_on;
    let indicators: Vec<&Indicator> = frozen().collect();
    let targets = goals::load(db, &indicators).await?;
    let unit_codes: Vec<String> = tree.units().iter().map(|u| u.code.clone()).collect();
    let firsts = first_snapshots(db, &indicators, &unit_codes).await?;
    // Due dates of every target in force: their rows are kept like quarter ends.
    let mut due_dates: BTreeSet<NaiveDate> = targets.iter().map(|t| t.due_on).collect();
    for ind in &indicators {
        due_dates.extend(ind.default_goals().iter().map(|g| g.due_on));
    }
    let kept = is_quarter_end(as_of) || due_dates.contains(&as_of);
    let computed_at = Utc::now();
    let counties = state.settings.kpi_scopes.county;
    let row = |code: &str,
               area: &str,
               pair: Pair,
               value: Option<i64>,
               applying: Option<&Resolved>,
               j: Judgement| kpi_snapshots::ActiveModel {
        indicator_code: Set(code.to_owned()),
        area_code: Set(area.to_owned()),
        as_of: Set(as_of),
        numerator: Set(pair.n),
        denominator: Set(pair.d),
        value: Set(value),
        target_value: Set(applying.map(|r| r.goal.value)),
        target_due_on: Set(applying.map(|r| r.goal.due_on)),
        status: Set(j.status),
        computed_at: Set(computed_at),
    };
    let mut rows: Vec<kpi_snapshots::ActiveModel> = Vec::new();
    let mut lines = 0;
    for ind in indicators {
        // Units whose targets fall due on different dates count cumulative lines over
        // different windows: one count of the whole tree per window.
        let mut by_window: BTreeMap<(NaiveDate, NaiveDate), UnitTargets> = BTreeMap::new();
        for (i, unit) in tree.units().iter().enumerate() {
            let resolved = goals::resolve(ind, &targets, tree, AreaRef::Unit(unit));
            let due = goals::applying(&resolved, as_of).map(|r| r.goal.due_on);
            let w = Window::of(ind, baseline, as_of, due);
            by_window
                .entry((w.from, w.to))
                .or_default()
                .push((i, resolved));
        }
        // Every unit's area is a unit's: the whole tree is summed by township unless a unit
        // names a village.
        let grain = Grain::of(tree.units().iter().map(|u| &u.scope));
        for ((from, to), units) in by_window {
            let window = Window { from, to };
            let facts = raw(db, state, ind, &root.scope, window, grain).await?;
            let counts = count_units(&facts, tree);
            let pair_of = |code: &str| counts.get(code).copied().unwrap_or_default();
            for (i, resolved) in units {
                let unit = &tree.units()[i];
                let mut pair: Pair = pair_of(&unit.code);
                if meeting::rolls_up(ind, tree, unit) {
                    // Its local units meeting their target; the pooled ratio in a row beside.
                    let (value, _, j) = judged(ind, pair, &[], as_of, baseline, None);
                    rows.push(row(
                        &meeting::pooled_code(ind),
                        &unit.code,
                        pair,
                        value,
                        None,
                        j,
                    ));
                    pair = meeting::meeting(ind, tree, unit, pair_of, &targets, as_of, counties);
                }
                let first = firsts
                    .get(&(ind.code.to_owned(), unit.code.clone()))
                    .copied();
                let (value, applying, j) = judged(ind, pair, &resolved, as_of, baseline, first);
                rows.push(row(ind.code, &unit.code, pair, value, applying, j));
                lines += 1;
            }
        }
    }
    use kpi_snapshots::Column as S;
    let key = [S::IndicatorCode, S::AreaCode, S::AsOf];
    let on_conflict = if kept {
        OnConflict::columns(key).do_nothing().to_owned()
    } else {
        OnConflict::columns(key)
            .update_columns([
                S::Numerator,
                S::Denominator,
                S::Value,
                S::TargetValue,
                S::TargetDueOn,
                S::Status,
                S::ComputedAt,
            ])
            .to_owned()
    };
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let batch: Vec<_> = rows.by_ref().take(BATCH).collect();
        kpi_snapshots::Entity::insert_many(batch)
            .on_conflict(on_conflict.clone())
            .exec_without_returning(db)
            .await?;
    }
    // Retention: daily rows older than the window, except quarter ends and due dates.
    if let Some(oldest) = as_of.checked_sub_days(Days::new(DAILY_KEEP_DAYS)) {
        let old: Vec<NaiveDate> = kpi_snapshots::Entity::find()
            .select_only()
            .column(S::AsOf)
            .distinct()
            .filter(S::AsOf.lt(oldest))
            .into_tuple()
            .all(db)
            .await?;
        let drop: Vec<NaiveDate> = old
            .into_iter()
            .filter(|d| !is_quarter_end(*d) && !due_dates.contains(d))
            .collect();
        if !drop.is_empty() {
            kpi_snapshots::Entity::delete_many()
                .filter(S::AsOf.is_in(drop))
                .exec(db)
                .await?;
        }
    }
    Ok(Taken { as_of, lines, kept })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quarter_ends_are_the_last_days_of_march_june_september_and_december() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert!(is_quarter_end(d(2023, 12, 31)));
        assert!(is_quarter_end(d(2024, 3, 31)));
        assert!(is_quarter_end(d(2024, 6, 30)));
        assert!(is_quarter_end(d(2024, 9, 30)));
        assert!(!is_quarter_end(d(2024, 9, 29)));
        assert!(!is_quarter_end(d(2024, 1, 31)));
    }

    #[test]
    fn a_snapshot_is_taken_for_yesterday_in_china() {
        // 2026-11-30 17:00 UTC is 2026-12-01 01:00 in China: yesterday there is 11-30.
        let now = chrono::DateTime::parse_from_rfc3339("2026-11-30T17:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(snapshot_date(now), NaiveDate::from_ymd_opt(2026, 11, 30));
    }
}
