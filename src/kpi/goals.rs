//! Which targets an area has (`supervision.md` §3): a unit's own rows; without one, a ratio
//! inherits the nearest ancestor's target for that due date, ending at the catalogue default
//! (`inherited: true`); a count has a target only where one was set (allocated), except the
//! province, which has the catalogue default. A line counted as local units meeting their
//! target (`RollUp::LocalUnitsMeetingTarget`) has, above the local units, only the fixed target
//! of the catalogue, due on each date a local unit below is judged on.
use std::collections::BTreeMap;

use chrono::NaiveDate;
use entity::kpi_targets;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use super::catalogue::Indicator;
use super::status::{Goal, Measure};
use crate::error::ApiResult;
use crate::league::{LeagueTree, LeagueUnit};

/// A target as it applies to an area.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    pub goal: Goal,
    /// The unit that set it (`None`: the catalogue default).
    pub set_by_unit: Option<String>,
    /// Not set for this area itself.
    pub inherited: bool,
}

/// Every target row of the given indicators (a small table: one row per unit, indicator and
/// due date at most).
pub async fn load(
    db: &impl ConnectionTrait,
    indicators: &[&Indicator],
) -> ApiResult<Vec<kpi_targets::Model>> {
    Ok(kpi_targets::Entity::find()
        .filter(kpi_targets::Column::IndicatorCode.is_in(indicators.iter().map(|i| i.code)))
        .all(db)
        .await?)
}

/// The area a line is about, for targets: a league unit, or a place owned by one.
#[derive(Debug, Clone, Copy)]
pub enum AreaRef<'a> {
    Unit(&'a LeagueUnit),
    Place(&'a LeagueUnit),
}

/// The targets of `indicator` for an area, by due date.
pub fn resolve(
    indicator: &Indicator,
    rows: &[kpi_targets::Model],
    tree: &LeagueTree,
    area: AreaRef<'_>,
) -> Vec<Resolved> {
    if !indicator.takes_targets() {
        return Vec::new();
    }
    let (unit, is_unit) = match area {
        AreaRef::Unit(u) => (u, true),
        AreaRef::Place(u) => (u, false),
    };
    if let Some(target) = indicator.above_local_target()
        && is_unit
        && is_above_local(tree, unit)
    {
        return roll_up_goals(indicator, rows, tree, unit, target);
    }
    // The chain from the area's unit up to the province.
    let mut chain: Vec<&LeagueUnit> = Vec::new();
    let mut cur = Some(unit);
    while let Some(u) = cur {
        chain.push(u);
        cur = u
            .parent_code
            .as_deref()
            .and_then(|p| tree.unit(p))
            .map(|a| &**a);
    }
    let is_root = is_unit && unit.parent_code.is_none();
    let mine = |code: &str| -> Vec<&kpi_targets::Model> {
        rows.iter()
            .filter(|r| r.indicator_code == indicator.code && r.area_unit_code == code)
            .collect()
    };
    let mut by_due: BTreeMap<NaiveDate, Resolved> = BTreeMap::new();
    let ratio = indicator.measure == Measure::Ratio;
    if ratio || is_root {
        for goal in indicator.default_goals() {
            by_due.insert(
                goal.due_on,
                Resolved {
                    goal,
                    set_by_unit: None,
                    inherited: true,
                },
            );
        }
    }
    // From the top down, so that nearer units override.
    for (depth, u) in chain.iter().enumerate().rev() {
        let own = depth == 0 && is_unit;
        if !own && !ratio {
            continue;
        }
        for r in mine(&u.code) {
            by_due.insert(
                r.due_on,
                Resolved {
                    goal: Goal {
                        due_on: r.due_on,
                        value: r.value,
                    },
                    set_by_unit: Some(r.set_by_unit_code.clone()),
                    inherited: !own,
                },
            );
        }
    }
    by_due.into_values().collect()
}

/// Whether a unit has units below it (a city unit, the province): not a local unit.
pub fn is_above_local(tree: &LeagueTree, unit: &LeagueUnit) -> bool {
    !tree.children(&unit.code).is_empty()
}

/// The targets of a unit above the local units for a line counted as local units meeting their
/// target (or of a local unit shown that way, as a child of the province): the fixed `target`,
/// due on every catalogue date and every date a target of a local unit inside it falls due, so
/// that the due date shown is never later than the one a local unit inside is judged on (each is
/// judged on its own line, against the target applying to it).
pub fn roll_up_goals(
    indicator: &Indicator,
    rows: &[kpi_targets::Model],
    tree: &LeagueTree,
    unit: &LeagueUnit,
    target: i64,
) -> Vec<Resolved> {
    let mut dates: Vec<NaiveDate> = indicator.default_goals().iter().map(|g| g.due_on).collect();
    dates.extend(
        rows.iter()
            .filter(|r| r.indicator_code == indicator.code)
            .filter(|r| {
                tree.unit(&r.area_unit_code)
                    .is_some_and(|u| !is_above_local(tree, u) && tree.is_within(u, unit))
            })
            .map(|r| r.due_on),
    );
    dates.sort();
    dates.dedup();
    dates
        .into_iter()
        .map(|due_on| Resolved {
            goal: Goal {
                due_on,
                value: target,
            },
            set_by_unit: None,
            inherited: true,
        })
        .collect()
}

/// The target applying at `as_of` among the resolved ones (the earliest due on or after it,
/// else the last).
pub fn applying(resolved: &[Resolved], as_of: NaiveDate) -> Option<&Resolved> {
    let goals: Vec<Goal> = resolved.iter().map(|r| r.goal).collect();
    let goal = super::status::applying(&goals, as_of)?;
    resolved.iter().find(|r| r.goal == goal)
}
