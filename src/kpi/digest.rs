//! The monthly digest (`supervision.md` §3, issue 13 point 8): on the 1st of each month at
//! 09:00 China, each local unit's cadres are told which of their unit's lines are `behind` or
//! `missed` at the end of the month just over, and by how much (the gap in units still needed).
//!
//! It reads that day's snapshot (the 02:00 `kpi-snapshot` froze it; if it did not run, the
//! digest takes it, as yesterday is still the day a snapshot may be taken for), so the figures
//! are those the report shows for that date. Once across instances: a daily job (lock and
//! `job_runs`), doing its work on the 1st only; a repeated run skips cadres who already have the
//! month's notice, so a run that crashed half-way is simply repeated.
use std::collections::BTreeMap;

use chrono::{Datelike, Days, NaiveDate};
use entity::kpi_snapshots::{self, KpiStatus};
use entity::notifications::{self, NotificationKind};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use super::catalogue::{self, CATALOGUE, Indicator, IndicatorUnit, PlaceKind};
use super::status::{self, Measure};
use crate::app_state::AppState;
use crate::jobs::{China, DailyJob};
use crate::league::LeagueUnit;

/// `kpi-behind-digest`: 09:00 China, on the 1st of the month.
pub const KPI_BEHIND_DIGEST: DailyJob = DailyJob {
    name: "kpi-behind-digest",
    at: China(9, 0),
    run: |state, today| Box::pin(async move { run(&state, today).await.map(|_| ()) }),
};

/// One line a unit is behind on.
#[derive(Debug, Clone)]
pub struct BehindLine {
    pub indicator: &'static Indicator,
    pub status: KpiStatus,
    pub value: i64,
    pub target: i64,
    pub due_on: NaiveDate,
    pub gap: i64,
}

/// What a gap counts, for people.
fn gap_unit(ind: &Indicator) -> &'static str {
    match (ind.unit, ind.places) {
        (IndicatorUnit::Permille, Some(PlaceKind::Village)) => "个村",
        (IndicatorUnit::Permille, Some(PlaceKind::Township)) => "个乡镇",
        (IndicatorUnit::Permille, Some(_)) => "个团组织",
        (IndicatorUnit::Count, _) if ind.code.ends_with("person_times") => "人次",
        (IndicatorUnit::Minutes, _) => "分钟",
        _ => "个",
    }
}

fn shown(ind: &Indicator, v: i64) -> String {
    match ind.unit {
        IndicatorUnit::Permille => format!("{v}‰"),
        _ => v.to_string(),
    }
}

/// The notice's text: one sentence per line, in catalogue order.
pub fn text(unit: &LeagueUnit, month_end: NaiveDate, lines: &[BehindLine]) -> String {
    let mut out = format!(
        "截至{}年{}月{}日，{}有{}项考核指标进度落后：",
        month_end.year(),
        month_end.month(),
        month_end.day(),
        unit.short_name,
        lines.len()
    );
    let parts: Vec<String> = lines
        .iter()
        .map(|l| {
            format!(
                "{}{}，当前{}，目标{}（{}前），还差{}{}",
                l.indicator.name,
                if l.status == KpiStatus::Missed {
                    "（已逾期未达成）"
                } else {
                    ""
                },
                shown(l.indicator, l.value),
                shown(l.indicator, l.target),
                l.due_on,
                l.gap,
                gap_unit(l.indicator)
            )
        })
        .collect();
    out.push_str(&parts.join("；"));
    out.push('。');
    out
}

/// The lines of `rows` (one unit's snapshot) that are behind or missed, with their gaps.
pub fn behind(rows: &[kpi_snapshots::Model]) -> Vec<BehindLine> {
    let mut out: Vec<BehindLine> = rows
        .iter()
        .filter(|r| matches!(r.status, KpiStatus::Behind | KpiStatus::Missed))
        .filter_map(|r| {
            let ind = catalogue::find(&r.indicator_code)?;
            let (target, due_on, value) = (r.target_value?, r.target_due_on?, r.value?);
            let gap = match ind.measure {
                Measure::Ratio => status::gap(Measure::Ratio, target, r.numerator?, r.denominator),
                Measure::Count => status::gap(Measure::Count, target, value, None),
            };
            Some(BehindLine {
                indicator: ind,
                status: r.status,
                value,
                target,
                due_on,
                gap,
            })
        })
        .collect();
    let rank = |code: &str| CATALOGUE.iter().position(|i| i.code == code);
    out.sort_by_key(|l| rank(l.indicator.code));
    out
}

fn title(month_end: NaiveDate) -> String {
    format!("{}年{}月考核进度提醒", month_end.year(), month_end.month())
}

/// Send the digest for the month that ended before `today` (nothing unless `today` is the 1st):
/// the number of notices written.
pub async fn run(state: &AppState, today: NaiveDate) -> anyhow::Result<usize> {
    if today.day() != 1 {
        return Ok(0);
    }
    let Some(month_end) = today.checked_sub_days(Days::new(1)) else {
        return Ok(0);
    };
    let db = &state.db;
    let taken = kpi_snapshots::Entity::find()
        .filter(kpi_snapshots::Column::AsOf.eq(month_end))
        .count(db)
        .await?;
    if taken == 0 {
        super::snapshot::take(state, month_end).await?;
    }
    let tree = &state.league;
    let locals: Vec<&std::sync::Arc<LeagueUnit>> = tree
        .units()
        .iter()
        .filter(|u| u.parent_code.is_some() && tree.children(&u.code).is_empty())
        .collect();
    let mut by_unit: BTreeMap<String, Vec<kpi_snapshots::Model>> = BTreeMap::new();
    for r in kpi_snapshots::Entity::find()
        .filter(kpi_snapshots::Column::AsOf.eq(month_end))
        .filter(kpi_snapshots::Column::Status.is_in([KpiStatus::Behind, KpiStatus::Missed]))
        .all(db)
        .await?
    {
        by_unit.entry(r.area_code.clone()).or_default().push(r);
    }
    let title = title(month_end);
    let mut sent = 0;
    for unit in locals {
        let lines = behind(by_unit.get(&unit.code).map_or(&[][..], Vec::as_slice));
        if lines.is_empty() {
            continue;
        }
        let body = text(unit, month_end, &lines);
        let txn = crate::db::begin(db).await?;
        for cadre in crate::staff::cadres_of_unit(&txn, unit).await? {
            // A repeated run (after a crash half-way) does not tell anyone twice.
            let already = notifications::Entity::find()
                .filter(notifications::Column::UserId.eq(cadre))
                .filter(notifications::Column::Kind.eq(NotificationKind::KpiBehindDigest))
                .filter(notifications::Column::Title.eq(title.as_str()))
                .count(&txn)
                .await?;
            if already == 0 {
                crate::notifications::notify(
                    &txn,
                    cadre,
                    NotificationKind::KpiBehindDigest,
                    &title,
                    &body,
                    Some("/pages/admin/kpi/index"),
                )
                .await?;
                sent += 1;
            }
        }
        txn.commit().await?;
    }
    Ok(sent)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    fn row(
        code: &str,
        status: KpiStatus,
        n: i64,
        d: Option<i64>,
        value: i64,
        target: i64,
    ) -> kpi_snapshots::Model {
        kpi_snapshots::Model {
            indicator_code: code.into(),
            area_code: "220281".into(),
            as_of: NaiveDate::from_ymd_opt(2026, 10, 31).unwrap(),
            numerator: Some(n),
            denominator: d,
            value: Some(value),
            target_value: Some(target),
            target_due_on: NaiveDate::from_ymd_opt(2027, 12, 31),
            status,
            computed_at: Utc::now(),
        }
    }

    #[test]
    fn behind_and_missed_lines_carry_their_gaps_in_catalogue_order() {
        let rows = [
            row(
                "ecommerce_training_person_times",
                KpiStatus::Behind,
                300,
                None,
                300,
                500,
            ),
            row(
                "village_talent_coverage",
                KpiStatus::Missed,
                62,
                Some(100),
                620,
                1000,
            ),
            row(
                "youth_home_township_coverage",
                KpiStatus::OnTrack,
                5,
                Some(10),
                500,
                800,
            ),
        ];
        let lines = behind(&rows);
        let got: Vec<(&str, i64)> = lines.iter().map(|l| (l.indicator.code, l.gap)).collect();
        assert_eq!(
            got,
            [
                ("village_talent_coverage", 38),
                ("ecommerce_training_person_times", 200)
            ]
        );
        let tree = crate::league::tree::seeded_tree();
        let unit = tree.unit("220281").unwrap();
        let t = text(unit, NaiveDate::from_ymd_opt(2026, 10, 31).unwrap(), &lines);
        assert!(
            t.starts_with("截至2026年10月31日，蛟河市团委有2项考核指标进度落后"),
            "{t}"
        );
        assert!(
            t.contains("当前620‰，目标1000‰（2027-12-31前），还差38个村"),
            "{t}"
        );
        assert!(t.contains("（已逾期未达成）"), "{t}");
        assert!(t.contains("还差200人次"), "{t}");
    }
}
