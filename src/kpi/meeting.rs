//! Lines counted as local units meeting their target (`RollUp::LocalUnitsMeetingTarget`,
//! `signature_project_share`, `supervision.md` §3): a local unit's line is its townships with an
//! active verified project ÷ its townships, judged against its own target (set or inherited,
//! default 600 / 800 ‰). A unit above the local units (a city unit, the province) counts its
//! local units whose own line meets their own target ÷ its local units, against the fixed target
//! of the catalogue (1000 ‰), with the pooled township ratio beside it (`pooled`).
//!
//! The local units counted are those of the county scope (梅河口 and 长白山 always) with at least
//! one township in the township scope (a unit without one has nothing to measure). Each is judged
//! on its own line as it stands at the date: value ≥ the target applying to it then.
use chrono::NaiveDate;
use entity::kpi_targets;

use super::catalogue::Indicator;
use super::compute::Pair;
use super::dto::PooledView;
use super::goals::{self, AreaRef, Resolved, is_above_local};
use super::sources::counted_local_unit;
use super::status::Measure;
use crate::kpi_scope::CountyScope;
use crate::league::{LeagueTree, LeagueUnit};

/// The suffix of the snapshot rows holding the pooled ratio beside a unit's line
/// (`signature_project_share.pooled`): frozen like the line itself, read back for a past
/// `asOf`. Not a catalogue code: nothing else reads them.
const POOLED_SUFFIX: &str = ".pooled";

/// The snapshot code of the pooled ratio beside the lines of `ind`.
pub fn pooled_code(ind: &Indicator) -> String {
    format!("{}{POOLED_SUFFIX}", ind.code)
}

/// Whether the line of `unit` for `ind` counts local units meeting their target: a line of that
/// kind, for a unit above the local units.
pub fn rolls_up(ind: &Indicator, tree: &LeagueTree, unit: &LeagueUnit) -> bool {
    ind.above_local_target().is_some() && is_above_local(tree, unit)
}

/// Whether a local unit's own line (`pair`) meets the target applying to it at `as_of`; `None`
/// when it has nothing to measure (no township), so it is left out above it.
pub fn meets(pair: Pair, resolved: &[Resolved], as_of: NaiveDate) -> Option<bool> {
    let value = pair.value(Measure::Ratio)?;
    Some(goals::applying(resolved, as_of).is_some_and(|r| value >= r.goal.value))
}

/// The line of `unit` as local units meeting their target: of its counted local units (the unit
/// itself when it is one: 梅河口 and 长白山 as children of the province), those whose own line
/// (`pair_of` their code) meets their own target at `as_of`.
pub fn meeting(
    ind: &Indicator,
    tree: &LeagueTree,
    unit: &LeagueUnit,
    pair_of: impl Fn(&str) -> Pair,
    targets: &[kpi_targets::Model],
    as_of: NaiveDate,
    counties: CountyScope,
) -> Pair {
    let (mut n, mut d) = (0, 0);
    for (_, met) in judged_local_units(ind, tree, unit, pair_of, targets, as_of, counties) {
        d += 1;
        n += i64::from(met);
    }
    Pair {
        n: Some(n),
        d: Some(d),
    }
}

/// The counted local units inside `unit` (the county scope; the unit itself when it is one)
/// with something to measure, each with whether its own line (`pair_of` its code) meets its own
/// target at `as_of`: what the line above the local units counts, and what its work list
/// (`/kpi/gaps`: the townships of the units short of their target) is made of.
pub fn judged_local_units<'t>(
    ind: &Indicator,
    tree: &'t LeagueTree,
    unit: &LeagueUnit,
    pair_of: impl Fn(&str) -> Pair,
    targets: &[kpi_targets::Model],
    as_of: NaiveDate,
    counties: CountyScope,
) -> Vec<(&'t LeagueUnit, bool)> {
    tree.units_within(unit)
        .into_iter()
        .filter(|u| counted_local_unit(tree, u, counties))
        .filter_map(|local| {
            let resolved = goals::resolve(ind, targets, tree, AreaRef::Unit(local));
            meets(pair_of(&local.code), &resolved, as_of).map(|met| (&**local, met))
        })
        .collect()
}

/// The pooled ratio beside a line.
pub fn pooled_view(pair: Pair) -> PooledView {
    PooledView {
        numerator: pair.n,
        denominator: pair.d,
        value: pair.value(Measure::Ratio),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::league::tree::seeded_tree;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn pair(n: i64, d: i64) -> Pair {
        Pair {
            n: Some(n),
            d: Some(d),
        }
    }

    #[test]
    fn a_local_unit_meets_its_target_inclusively_and_one_without_townships_is_left_out() {
        let ind = super::super::catalogue::find("signature_project_share").unwrap();
        let tree = seeded_tree();
        let jiaohe = tree.unit("220281").unwrap();
        let resolved = goals::resolve(ind, &[], &tree, AreaRef::Unit(jiaohe));
        // 2023: 600 ‰ applies; after 2025-12-31, the 800 ‰ of 2025.
        assert_eq!(meets(pair(6, 10), &resolved, date(2023, 6, 1)), Some(true));
        assert_eq!(meets(pair(5, 10), &resolved, date(2023, 6, 1)), Some(false));
        assert_eq!(
            meets(pair(8, 10), &resolved, date(2026, 11, 30)),
            Some(true)
        );
        assert_eq!(
            meets(pair(7, 10), &resolved, date(2026, 11, 30)),
            Some(false)
        );
        assert_eq!(meets(pair(0, 0), &resolved, date(2026, 11, 30)), None);
    }

    #[test]
    fn units_above_count_their_local_units_of_the_county_scope_meeting_their_target() {
        let ind = super::super::catalogue::find("signature_project_share").unwrap();
        let tree = seeded_tree();
        let pair_of = |code: &str| match code {
            "220281" => pair(8, 10),
            "220581" => pair(19, 19),
            _ => pair(0, 3),
        };
        let today = date(2026, 11, 30);
        let count = |code: &str| {
            let unit = tree.unit(code).unwrap();
            meeting(ind, &tree, unit, pair_of, &[], today, CountyScope::Gb2260)
        };
        assert_eq!(count("220000"), pair(2, 61));
        assert_eq!(count("220200"), pair(1, 9));
        assert_eq!(count("220581"), pair(1, 1));
        assert_eq!(count("CBS"), pair(0, 1));
        let all = tree.unit("220000").unwrap();
        assert_eq!(
            meeting(ind, &tree, all, pair_of, &[], today, CountyScope::All),
            pair(2, 70)
        );
        // The fixed target above the local units, due on the catalogue's dates.
        let goals = goals::resolve(ind, &[], &tree, AreaRef::Unit(all));
        let got: Vec<(String, i64)> = goals
            .iter()
            .map(|r| (r.goal.due_on.to_string(), r.goal.value))
            .collect();
        assert_eq!(
            got,
            [("2023-12-31".into(), 1000), ("2025-12-31".into(), 1000)]
        );
    }
}
