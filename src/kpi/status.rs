//! The status arithmetic of a KPI line (`supervision.md` §3), pure: which target applies at a
//! date, the expected progress, the status and the gap. Integers only: per mille rounded down,
//! expected progress floored, gaps rounded up to whole places.
use chrono::NaiveDate;
use entity::kpi_snapshots::KpiStatus;

/// A target: a value (per mille for ratios, a count for counts) to reach by a China date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Goal {
    pub due_on: NaiveDate,
    pub value: i64,
}

/// How the line is measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    /// numerator ÷ denominator in per mille.
    Ratio,
    /// A number (person-times, rooms).
    Count,
}

/// Where expected progress starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// From (baseline, 0): counts accumulated since the baseline.
    Cumulative,
    /// From the first snapshot (its date and value): coverage that existed before.
    Coverage,
}

/// The target applying at `as_of`: the earliest due on or after it; after the last, the last.
/// `goals` need not be sorted.
pub fn applying(goals: &[Goal], as_of: NaiveDate) -> Option<Goal> {
    let mut sorted = goals.to_vec();
    sorted.sort_by_key(|g| g.due_on);
    sorted
        .iter()
        .find(|g| g.due_on >= as_of)
        .or(sorted.last())
        .copied()
}

/// Per mille rounded down; `None` when there is nothing to divide by.
pub fn permille(numerator: i64, denominator: i64) -> Option<i64> {
    (denominator > 0).then(|| numerator.max(0) * 1000 / denominator)
}

/// The places (or units) still needed to reach `target`: for a ratio `ceil(target × denominator
/// ÷ 1000) − numerator`, for a count `target − value`; never below 0.
pub fn gap(measure: Measure, target: i64, numerator: i64, denominator: Option<i64>) -> i64 {
    let needed = match measure {
        Measure::Ratio => {
            let d = denominator.unwrap_or(0).max(0);
            (target.max(0) * d + 999) / 1000
        }
        Measure::Count => target,
    };
    (needed - numerator).max(0)
}

/// Linear progress from `(start, from)` to `(due, target)` at `as_of`, floored; the target
/// itself once the due date is reached (or when the start is not before it).
pub fn expected(start: NaiveDate, from: i64, goal: Goal, as_of: NaiveDate) -> i64 {
    let total = (goal.due_on - start).num_days();
    let done = (as_of - start).num_days().clamp(0, total.max(0));
    if total <= 0 || done >= total {
        return goal.value;
    }
    let step = (goal.value - from) * done;
    from + step.div_euclid(total)
}

/// The judgement of one line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Judgement {
    pub status: KpiStatus,
    pub expected: Option<i64>,
    pub gap: Option<i64>,
}

/// What is known about a line to judge it.
#[derive(Debug, Clone, Copy)]
pub struct Facts {
    pub measure: Measure,
    pub progress: Progress,
    pub numerator: Option<i64>,
    pub denominator: Option<i64>,
    /// The value: per mille of numerator ÷ denominator, or the count.
    pub value: Option<i64>,
    pub as_of: NaiveDate,
    pub baseline: NaiveDate,
    /// The first snapshot of the line (date, value), for coverage.
    pub first: Option<(NaiveDate, i64)>,
}

/// Status, expected progress and gap at `as_of` against `goal`.
pub fn judge(f: &Facts, goal: Option<Goal>) -> Judgement {
    let no_data = Judgement {
        status: KpiStatus::NoData,
        expected: None,
        gap: None,
    };
    let Some(value) = f.value else { return no_data };
    if f.measure == Measure::Ratio && f.denominator.unwrap_or(0) <= 0 {
        return no_data;
    }
    let Some(goal) = goal else {
        return Judgement {
            status: KpiStatus::NoTarget,
            expected: None,
            gap: None,
        };
    };
    let gap = Some(gap(
        f.measure,
        goal.value,
        f.numerator.unwrap_or(value),
        f.denominator,
    ));
    let start = match f.progress {
        Progress::Cumulative => Some((f.baseline, 0)),
        Progress::Coverage => f.first,
    };
    let expected = start.map(|(d, v)| expected(d, v, goal, f.as_of));
    let status = if value >= goal.value {
        KpiStatus::Achieved
    } else if f.as_of > goal.due_on {
        KpiStatus::Missed
    } else {
        match expected {
            None => KpiStatus::InProgress,
            Some(e) if value >= e => KpiStatus::OnTrack,
            Some(_) => KpiStatus::Behind,
        }
    };
    Judgement {
        status,
        expected,
        gap,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn goal(due: &str, value: i64) -> Goal {
        Goal {
            due_on: d(due),
            value,
        }
    }

    fn ratio(num: i64, den: i64, as_of: &str) -> Facts {
        Facts {
            measure: Measure::Ratio,
            progress: Progress::Coverage,
            numerator: Some(num),
            denominator: Some(den),
            value: permille(num, den),
            as_of: d(as_of),
            baseline: d("2022-08-20"),
            first: None,
        }
    }

    fn count(value: i64, as_of: &str) -> Facts {
        Facts {
            measure: Measure::Count,
            progress: Progress::Cumulative,
            numerator: Some(value),
            denominator: None,
            value: Some(value),
            as_of: d(as_of),
            baseline: d("2022-08-20"),
            first: None,
        }
    }

    #[test]
    fn the_earliest_target_due_on_or_after_the_date_applies_then_the_last() {
        let goals = [goal("2025-12-31", 1000), goal("2023-12-31", 800)];
        assert_eq!(applying(&goals, d("2023-06-30")), Some(goals[1]));
        assert_eq!(applying(&goals, d("2023-12-31")), Some(goals[1]));
        assert_eq!(applying(&goals, d("2024-01-01")), Some(goals[0]));
        assert_eq!(applying(&goals, d("2026-11-29")), Some(goals[0]));
        assert_eq!(applying(&[], d("2026-11-29")), None);
    }

    #[test]
    fn yishang_is_inclusive_six_of_ten_reaches_600() {
        let j = judge(&ratio(6, 10, "2026-11-29"), Some(goal("2027-12-31", 600)));
        assert_eq!(j.status, KpiStatus::Achieved);
        assert_eq!(j.gap, Some(0));
        let j = judge(&ratio(5, 10, "2026-11-29"), Some(goal("2027-12-31", 600)));
        assert_eq!(j.gap, Some(1));
    }

    #[test]
    fn per_mille_is_floored_and_gaps_are_rounded_up() {
        assert_eq!(permille(2, 3), Some(666));
        assert_eq!(permille(1, 0), None);
        // 800 ‰ of 613 townships is 490.4: 491 are needed.
        assert_eq!(gap(Measure::Ratio, 800, 0, Some(613)), 491);
        assert_eq!(gap(Measure::Ratio, 800, 491, Some(613)), 0);
        assert_eq!(gap(Measure::Ratio, 800, 600, Some(613)), 0);
        assert_eq!(gap(Measure::Count, 5000, 4200, None), 800);
        assert_eq!(gap(Measure::Count, 100, 120, None), 0);
    }

    #[test]
    fn below_target_after_the_due_date_is_missed() {
        let j = judge(&ratio(7, 10, "2024-01-01"), Some(goal("2023-12-31", 800)));
        assert_eq!(j.status, KpiStatus::Missed);
        assert_eq!(j.gap, Some(1));
        let j = judge(&count(4999, "2024-01-01"), Some(goal("2023-12-31", 5000)));
        assert_eq!(j.status, KpiStatus::Missed);
        assert_eq!(j.gap, Some(1));
    }

    #[test]
    fn cumulative_progress_runs_from_the_baseline_and_is_floored() {
        // 2022-08-20 → 2023-12-31 is 498 days; half-way (249 days) expects 2,500.
        let g = goal("2023-12-31", 5000);
        assert_eq!(expected(d("2022-08-20"), 0, g, d("2023-04-26")), 2500);
        // One day in: 5000 / 498 = 10.04 → 10.
        assert_eq!(expected(d("2022-08-20"), 0, g, d("2022-08-21")), 10);
        let j = judge(&count(2500, "2023-04-26"), Some(g));
        assert_eq!(j.status, KpiStatus::OnTrack);
        assert_eq!(j.expected, Some(2500));
        let j = judge(&count(2499, "2023-04-26"), Some(g));
        assert_eq!(j.status, KpiStatus::Behind);
        assert_eq!(j.gap, Some(2501));
    }

    #[test]
    fn coverage_progress_runs_from_the_first_snapshot_or_is_in_progress() {
        let g = goal("2027-01-10", 1000);
        let mut f = ratio(5, 10, "2027-01-05");
        assert_eq!(judge(&f, Some(g)).status, KpiStatus::InProgress);
        // First snapshot 2027-01-01 at 400: on 01-05 (4 of 9 days) 400 + 600×4/9 = 666.
        f.first = Some((d("2027-01-01"), 400));
        let j = judge(&f, Some(g));
        assert_eq!(j.expected, Some(666));
        assert_eq!(j.status, KpiStatus::Behind);
        f.numerator = Some(7);
        f.value = permille(7, 10);
        assert_eq!(judge(&f, Some(g)).status, KpiStatus::OnTrack);
    }

    #[test]
    fn on_the_due_date_the_target_itself_is_expected() {
        let g = goal("2023-12-31", 800);
        let mut f = ratio(7, 10, "2023-12-31");
        f.first = Some((d("2023-01-01"), 100));
        let j = judge(&f, Some(g));
        assert_eq!(j.expected, Some(800));
        assert_eq!(j.status, KpiStatus::Behind);
    }

    #[test]
    fn no_denominator_or_no_source_is_no_data_and_no_target_is_no_target() {
        assert_eq!(
            judge(&ratio(0, 0, "2026-11-29"), Some(goal("2025-12-31", 1000))).status,
            KpiStatus::NoData
        );
        let mut f = count(3, "2026-11-29");
        f.value = None;
        assert_eq!(judge(&f, None).status, KpiStatus::NoData);
        let j = judge(&count(3, "2026-11-29"), None);
        assert_eq!((j.status, j.gap), (KpiStatus::NoTarget, None));
    }
}
