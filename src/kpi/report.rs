//! `GET /admin/kpi/report` and its CSV export: every indicator for the caller's unit (or a unit or
//! township inside it) and each child, live today or from the snapshots for a past date.
use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use entity::kpi_snapshots::{self, KpiStatus};
use entity::region_flags;
use sea_orm::sea_query::{Alias, Condition, Expr, JoinType, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, Iterable, QueryFilter, QueryOrder,
    QuerySelect,
};

use super::catalogue::{CATALOGUE, Indicator, IndicatorUnit, Source};
use super::compute::{Counts, Pair, live_counts};
use super::dto::{
    AreaView, BreakdownView, KpiReport, KpiServedFrom, LineNumbers, ReportLine, ReportQuery,
    TargetView, TrendPoint,
};
use super::goals::{self, AreaRef, Resolved, is_above_local};
use super::meeting;
use super::sources::Window;
use super::status::{self, Facts, Measure};
use crate::app_state::AppState;
use crate::auth::CadreScope;
use crate::error::{ApiError, ApiResult};
use crate::league::rollup::{Area, Rollup, rollup};
use crate::league::{LeagueTree, LeagueUnit};
use crate::regions::RegionCode;
use crate::time::{to_china, today_in_china};

/// The indicators a `indicators=` list names (all when absent): unknown → 422
/// `UNKNOWN_INDICATOR`.
pub fn parse_indicators(list: Option<&str>) -> ApiResult<Vec<&'static Indicator>> {
    let Some(list) = list.map(str::trim).filter(|l| !l.is_empty()) else {
        return Ok(CATALOGUE.iter().collect());
    };
    let mut out: Vec<&'static Indicator> = Vec::new();
    for code in list.split(',').map(str::trim).filter(|c| !c.is_empty()) {
        let ind = super::catalogue::find(code).ok_or_else(|| {
            ApiError::field(
                "indicators",
                "UNKNOWN_INDICATOR",
                format!("没有名为“{code}”的考核指标"),
            )
        })?;
        if !out.iter().any(|i| i.code == ind.code) {
            out.push(ind);
        }
    }
    Ok(out)
}

/// A China date not after today: a future one → 422 `RANGE` on `field`.
pub fn past_or_today(
    date: Option<NaiveDate>,
    today: NaiveDate,
    field: &str,
) -> ApiResult<NaiveDate> {
    match date {
        Some(d) if d > today => Err(ApiError::field(field, "RANGE", "不能查询未来的日期")),
        Some(d) => Ok(d),
        None => Ok(today),
    }
}

/// The unit a line's targets follow: the unit itself, or the owner of a place.
fn area_ref<'a>(tree: &'a LeagueTree, area: &Area) -> Option<AreaRef<'a>> {
    match tree.unit(&area.code) {
        Some(u) => Some(AreaRef::Unit(u)),
        None => tree.owner(&area.code).map(|u| AreaRef::Place(u)),
    }
}

fn area_view(a: &Area) -> AreaView {
    AreaView {
        code: a.code.clone(),
        name: a.name.clone(),
        level: a.level,
    }
}

fn target_view(r: &Resolved) -> TargetView {
    TargetView {
        due_on: r.goal.due_on,
        value: r.goal.value,
        set_by_unit: r.set_by_unit.clone(),
        inherited: r.inherited,
    }
}

/// Keep the children inside places carrying `flag`.
pub async fn narrow_by_flag(
    db: &impl ConnectionTrait,
    rollup: &mut Rollup,
    flag: Option<region_flags::RegionFlag>,
) -> ApiResult<()> {
    let Some(flag) = flag else { return Ok(()) };
    let flagged: Vec<String> = region_flags::Entity::find()
        .select_only()
        .column(region_flags::Column::RegionCode)
        .filter(region_flags::Column::Flag.eq(flag))
        .into_tuple()
        .all(db)
        .await?;
    let flagged: Vec<RegionCode> = flagged
        .iter()
        .filter_map(|c| RegionCode::parse(c))
        .collect();
    rollup.children.retain(|child| {
        flagged
            .iter()
            .any(|f| child.scope.covers(f.as_str()) || child.code.starts_with(f.prefix()))
    });
    Ok(())
}

/// The first snapshot (date, value) of each `(indicator, area)`, for the expected progress of
/// coverage lines.
pub(super) async fn first_snapshots(
    db: &impl ConnectionTrait,
    indicators: &[&Indicator],
    areas: &[String],
) -> ApiResult<HashMap<(String, String), (NaiveDate, i64)>> {
    let codes = indicators.iter().map(|i| i.code.to_owned());
    let rows = picked_snapshots(db, "MIN", codes, areas, None).await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            r.value
                .map(|v| ((r.indicator_code, r.area_code), (r.as_of, v)))
        })
        .collect())
}

/// The snapshot of each `(code, area)` taken on the date `pick` (`MIN` or `MAX`) chooses among
/// its dates up to `upto`, in one statement: the rows joined to their grouped dates. (Asking for
/// the chosen keys as a list of `(code, area, date)` conditions cost PostgreSQL 13–16 ms of
/// planning per 200 keys, most of a cached report.)
async fn picked_snapshots(
    db: &impl ConnectionTrait,
    pick: &str,
    codes: impl IntoIterator<Item = String>,
    areas: &[String],
    upto: Option<NaiveDate>,
) -> ApiResult<Vec<kpi_snapshots::Model>> {
    use kpi_snapshots::{Column as S, Entity as Snapshots};
    use sea_orm::sea_query::ExprTrait;
    let chosen = Alias::new("chosen");
    let mut dates = Query::select();
    dates
        .column(S::IndicatorCode)
        .column(S::AreaCode)
        .expr_as(Expr::cust(format!("{pick}(as_of)")), Alias::new("on_date"))
        .from(Snapshots)
        .and_where(S::IndicatorCode.is_in(codes))
        .and_where(S::AreaCode.is_in(areas.iter().cloned()))
        .group_by_col(S::IndicatorCode)
        .group_by_col(S::AreaCode);
    if let Some(upto) = upto {
        dates.and_where(S::AsOf.lte(upto));
    }
    let mut q = Query::select();
    q.columns(S::iter().map(|c| (Snapshots, c)))
        .from(Snapshots)
        .join_subquery(
            JoinType::InnerJoin,
            dates,
            chosen.clone(),
            Condition::all()
                .add(
                    Expr::col((Snapshots, S::IndicatorCode))
                        .equals((chosen.clone(), S::IndicatorCode)),
                )
                .add(Expr::col((Snapshots, S::AreaCode)).equals((chosen.clone(), S::AreaCode)))
                .add(
                    Expr::col((Snapshots, S::AsOf)).equals((chosen.clone(), Alias::new("on_date"))),
                ),
        );
    let stmt = db.get_database_backend().build(&q);
    Ok(kpi_snapshots::Model::find_by_statement(stmt)
        .all(db)
        .await?)
}

/// The latest snapshot on or before `as_of` of each `(code, area)` (indicator codes, and the
/// codes of the pooled ratios beside them: `meeting::pooled_code`).
pub async fn latest_snapshots(
    db: &impl ConnectionTrait,
    codes: &[String],
    areas: &[String],
    as_of: NaiveDate,
) -> ApiResult<HashMap<(String, String), kpi_snapshots::Model>> {
    Ok(
        picked_snapshots(db, "MAX", codes.iter().cloned(), areas, Some(as_of))
            .await?
            .into_iter()
            .map(|r| ((r.indicator_code.clone(), r.area_code.clone()), r))
            .collect(),
    )
}

/// The quarter ends from the baseline to `as_of`.
fn quarter_ends(from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
    use chrono::Datelike;
    let mut out = Vec::new();
    for y in from.year()..=to.year() {
        for (m, d) in [(3, 31), (6, 30), (9, 30), (12, 31)] {
            if let Some(q) = NaiveDate::from_ymd_opt(y, m, d)
                && q >= from
                && q <= to
            {
                out.push(q);
            }
        }
    }
    out
}

/// Quarter-end snapshots of an area, per indicator, oldest first.
async fn trends(
    db: &impl ConnectionTrait,
    indicators: &[&Indicator],
    area: &str,
    baseline: NaiveDate,
    as_of: NaiveDate,
) -> ApiResult<HashMap<String, Vec<TrendPoint>>> {
    use kpi_snapshots::Column as S;
    let rows = kpi_snapshots::Entity::find()
        .filter(S::AreaCode.eq(area))
        .filter(S::IndicatorCode.is_in(indicators.iter().map(|i| i.code)))
        .filter(S::AsOf.is_in(quarter_ends(baseline, as_of)))
        .order_by_asc(S::AsOf)
        .all(db)
        .await?;
    let mut out: HashMap<String, Vec<TrendPoint>> = HashMap::new();
    for r in rows {
        out.entry(r.indicator_code).or_default().push(TrendPoint {
            as_of: r.as_of,
            value: r.value,
            status: r.status,
        });
    }
    Ok(out)
}

/// What a live pair is worth against the target applying at `as_of`: the value, that target
/// and the judgement (display-only lines take no target). The report and the daily snapshot
/// judge alike through this.
pub(super) fn judged<'r>(
    ind: &Indicator,
    pair: Pair,
    resolved: &'r [Resolved],
    as_of: NaiveDate,
    baseline: NaiveDate,
    first: Option<(NaiveDate, i64)>,
) -> (Option<i64>, Option<&'r Resolved>, status::Judgement) {
    let applying = goals::applying(resolved, as_of);
    let facts = Facts {
        measure: ind.measure,
        progress: ind.progress,
        numerator: pair.n,
        denominator: pair.d,
        value: if ind.is_built() && ind.unit != IndicatorUnit::None {
            pair.value(ind.measure)
        } else {
            None
        },
        as_of,
        baseline,
        first,
    };
    let mut j = status::judge(&facts, applying.map(|r| r.goal));
    if ind.source == Source::Pattern {
        j.status = KpiStatus::NoTarget;
    }
    (facts.value, applying, j)
}

/// Numbers, target and status of one area for one indicator, live.
fn live_numbers(
    ind: &Indicator,
    area: &Area,
    pair: Pair,
    resolved: &[Resolved],
    as_of: NaiveDate,
    baseline: NaiveDate,
    first: Option<(NaiveDate, i64)>,
) -> LineNumbers {
    let (value, applying, j) = judged(ind, pair, resolved, as_of, baseline, first);
    LineNumbers {
        region: area_view(area),
        numerator: pair.n,
        denominator: pair.d,
        value,
        target: applying.map(target_view),
        expected: j.expected,
        status: j.status,
        gap: j.gap,
        pooled: None,
    }
}

/// Numbers of one area from its snapshot (or `no_data` without one).
fn snapshot_numbers(
    ind: &Indicator,
    area: &Area,
    snap: Option<&kpi_snapshots::Model>,
    resolved: &[Resolved],
) -> LineNumbers {
    let Some(s) = snap else {
        return LineNumbers {
            region: area_view(area),
            numerator: None,
            denominator: None,
            value: None,
            target: None,
            expected: None,
            status: KpiStatus::NoData,
            gap: None,
            pooled: None,
        };
    };
    let target = match (s.target_due_on, s.target_value) {
        (Some(due_on), Some(value)) => Some(
            resolved
                .iter()
                .find(|r| r.goal.due_on == due_on && r.goal.value == value)
                .map(target_view)
                .unwrap_or(TargetView {
                    due_on,
                    value,
                    set_by_unit: None,
                    inherited: false,
                }),
        ),
        _ => None,
    };
    let gap = match (&target, s.numerator, s.value) {
        (Some(t), Some(n), Some(_)) if ind.measure == Measure::Ratio => {
            Some(status::gap(Measure::Ratio, t.value, n, s.denominator))
        }
        (Some(t), _, Some(v)) => Some(status::gap(Measure::Count, t.value, v, None)),
        _ => None,
    };
    LineNumbers {
        region: area_view(area),
        numerator: s.numerator,
        denominator: s.denominator,
        value: s.value,
        target,
        expected: None,
        status: s.status,
        gap,
        pooled: None,
    }
}

/// The report for a cadre.
pub async fn build(
    state: &AppState,
    cadre: &CadreScope,
    query: &ReportQuery,
    now: DateTime<Utc>,
) -> ApiResult<KpiReport> {
    let today = today_in_china(now);
    let as_of = past_or_today(query.as_of, today, "asOf")?;
    let indicators = parse_indicators(query.indicators.as_deref())?;
    let db = &state.db;
    let mut rollup = rollup(db, cadre, query.region.as_deref(), "region").await?;
    narrow_by_flag(db, &mut rollup, query.flag).await?;
    let tree = cadre.tree();
    let baseline = state.settings.kpi_baseline_on;
    let targets = goals::load(db, &indicators).await?;
    let mut codes: Vec<String> = vec![rollup.area.code.clone()];
    codes.extend(rollup.children.iter().map(|c| c.code.clone()));
    let trend = trends(db, &indicators, &rollup.area.code, baseline, as_of).await?;
    let live = as_of == today;
    let firsts = if live {
        first_snapshots(db, &indicators, &codes).await?
    } else {
        HashMap::new()
    };
    let snaps = if live {
        HashMap::new()
    } else {
        let mut snapshot_codes: Vec<String> =
            indicators.iter().map(|i| i.code.to_owned()).collect();
        snapshot_codes.extend(
            indicators
                .iter()
                .filter(|i| i.above_local_target().is_some())
                .map(|i| meeting::pooled_code(i)),
        );
        latest_snapshots(db, &snapshot_codes, &codes, as_of).await?
    };
    let counties = state.settings.kpi_scopes.county;
    let area_unit = tree.unit(&rollup.area.code);
    let area_is_root = area_unit.is_some_and(|u| u.parent_code.is_none());
    let resolve = |ind: &Indicator, area: &Area| -> Vec<Resolved> {
        area_ref(tree, area)
            .map(|a| goals::resolve(ind, &targets, tree, a))
            .unwrap_or_default()
    };
    // A line counted as local units meeting their target, for a unit above the local units and
    // for each child of the province (梅河口 and 长白山 as one local unit of one): the unit and
    // its fixed targets.
    let rolled = |ind: &Indicator, area: &Area| -> Option<(&LeagueUnit, Vec<Resolved>)> {
        let target = ind.above_local_target()?;
        let top = area_unit.filter(|u| meeting::rolls_up(ind, tree, u))?;
        let unit = tree.unit(&area.code)?;
        (unit.code == top.code || is_above_local(tree, unit) || area_is_root).then(|| {
            (
                &**unit,
                goals::roll_up_goals(ind, &targets, tree, unit, target),
            )
        })
    };
    // The live lines are counted side by side: each is its own statement, and a cold report
    // would otherwise wait for the sum of them (the volunteer ledger's alone is half of it).
    let counted: Vec<Option<(Window, Counts)>> = if live {
        let rollup = &rollup;
        futures_util::future::try_join_all(indicators.iter().map(|ind| {
            let resolved = match rolled(ind, &rollup.area) {
                Some((_, goals)) => goals,
                None => resolve(ind, &rollup.area),
            };
            let due = goals::applying(&resolved, as_of).map(|r| r.goal.due_on);
            let window = Window::of(ind, baseline, as_of, due);
            async move {
                let counts = live_counts(state, ind, rollup, window).await?;
                Ok::<_, ApiError>(Some((window, counts)))
            }
        }))
        .await?
    } else {
        indicators.iter().map(|_| None).collect()
    };
    let mut computed_at: Option<DateTime<Utc>> = None;
    let mut lines = Vec::with_capacity(indicators.len());
    for (ind, counted) in indicators.iter().zip(counted) {
        let (numbers, children, window, breakdown) = if let Some((window, counts)) = counted {
            computed_at =
                Some(computed_at.map_or(counts.computed_at, |c| c.min(counts.computed_at)));
            let first = |code: &str| firsts.get(&(ind.code.to_owned(), code.to_owned())).copied();
            let line = |area: &Area, pair: Pair| match rolled(ind, area) {
                // Its local units meeting their target, the pooled ratio beside.
                Some((unit, goals)) => {
                    let met = meeting::meeting(
                        ind,
                        tree,
                        unit,
                        |code| counts.units.get(code).copied().unwrap_or_default(),
                        &targets,
                        as_of,
                        counties,
                    );
                    // A local unit shown as one of one: its own first snapshot is its townships'.
                    let first = first(&area.code).filter(|_| is_above_local(tree, unit));
                    let mut numbers = live_numbers(ind, area, met, &goals, as_of, baseline, first);
                    numbers.pooled = Some(meeting::pooled_view(pair));
                    numbers
                }
                None => live_numbers(
                    ind,
                    area,
                    pair,
                    &resolve(ind, area),
                    as_of,
                    baseline,
                    first(&area.code),
                ),
            };
            let numbers = line(&rollup.area, counts.area);
            let children = rollup
                .children
                .iter()
                .zip(&counts.children)
                .map(|(c, pair)| line(c, *pair))
                .collect();
            let breakdown = counts
                .breakdown
                .iter()
                .map(|(k, p)| BreakdownView {
                    key: k.clone(),
                    numerator: p.n,
                    denominator: p.d,
                    value: p.value(ind.measure),
                })
                .collect();
            (numbers, children, Some(window), breakdown)
        } else {
            let snap = |code: &str| snaps.get(&(ind.code.to_owned(), code.to_owned()));
            let pooled_code = meeting::pooled_code(ind);
            let line = |area: &Area| {
                let own = snap(&area.code);
                match rolled(ind, area) {
                    Some((unit, goals)) if is_above_local(tree, unit) => {
                        let mut numbers = snapshot_numbers(ind, area, own, &goals);
                        numbers.pooled =
                            snaps
                                .get(&(pooled_code.clone(), area.code.clone()))
                                .map(|p| {
                                    meeting::pooled_view(Pair {
                                        n: p.numerator,
                                        d: p.denominator,
                                    })
                                });
                        numbers
                    }
                    // A local unit shown as one of one (a child of the province): whether its
                    // own frozen line met the target it was judged on then.
                    Some((_, goals)) => match own {
                        Some(s) => {
                            let met = match (s.value, s.target_value) {
                                (Some(v), Some(t)) => Pair {
                                    n: Some(i64::from(v >= t)),
                                    d: Some(1),
                                },
                                (Some(_), None) => Pair {
                                    n: Some(0),
                                    d: Some(1),
                                },
                                _ => Pair {
                                    n: Some(0),
                                    d: Some(0),
                                },
                            };
                            let mut numbers =
                                live_numbers(ind, area, met, &goals, as_of, baseline, None);
                            numbers.pooled = Some(meeting::pooled_view(Pair {
                                n: s.numerator,
                                d: s.denominator,
                            }));
                            numbers
                        }
                        None => snapshot_numbers(ind, area, None, &goals),
                    },
                    None => snapshot_numbers(ind, area, own, &resolve(ind, area)),
                }
            };
            let numbers = line(&rollup.area);
            if let Some(s) = snap(&rollup.area.code) {
                computed_at = Some(computed_at.map_or(s.computed_at, |c| c.min(s.computed_at)));
            }
            let children = rollup.children.iter().map(line).collect();
            (numbers, children, None, Vec::new())
        };
        let counted = window.filter(|_| {
            matches!(
                ind.source,
                Source::EcommerceTrainings
                    | Source::ManualReports { .. }
                    | Source::QingmaYear
                    | Source::TrainingCompletion
                    | Source::VolunteerMinutes
                    | Source::LoansYear
                    | Source::PracticeYear
            )
        });
        lines.push(ReportLine {
            code: ind.code,
            name: ind.name,
            unit: ind.unit,
            programme_quote: ind.programme_quote,
            numbers,
            counted_from: counted.map(|w| w.from),
            counted_to: counted.map(|w| w.to),
            trend: trend.get(ind.code).cloned().unwrap_or_default(),
            breakdown,
            components: ind.components.to_vec(),
            children,
        });
    }
    let served_from = if live {
        KpiServedFrom::Live
    } else if snaps.is_empty() {
        KpiServedFrom::None
    } else {
        KpiServedFrom::Snapshot
    };
    Ok(KpiReport {
        region: area_view(&rollup.area),
        as_of,
        served_from,
        computed_at: computed_at.map(to_china),
        scopes: state.settings.kpi_scopes,
        flag: query.flag,
        indicators: lines,
    })
}
