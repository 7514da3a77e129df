//! The facts the KPI sources return and the windows and grains they are counted in: what every
//! source shares (`sources` for the lines, `volunteer` for the ledger's monthly totals).
use chrono::{Datelike, Duration, NaiveDate};
use sea_orm::ConnectionTrait;

use super::catalogue::{Indicator, Source};
use crate::error::ApiResult;
use crate::league::UnitScope;
use crate::time::start_of_day;

/// One number keyed by the region code it belongs to (and a breakdown key).
#[derive(Debug, Clone)]
pub struct Row {
    pub code: String,
    pub key: String,
    pub n: i64,
    /// The denominator part of a rate (0 for plain counts).
    pub d: i64,
}

/// The window a line counts in: `[from, to]`, China dates, inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Window {
    /// The window of `indicator` at `as_of`: from the baseline to the target's due date (or
    /// `as_of`, whichever is first) for cumulative counts; the calendar year of `as_of` for the
    /// trend lines counted per year.
    pub fn of(
        indicator: &Indicator,
        baseline: NaiveDate,
        as_of: NaiveDate,
        due: Option<NaiveDate>,
    ) -> Self {
        match indicator.source {
            Source::QingmaYear
            | Source::ManualReports { .. }
            | Source::VolunteerMinutes
            | Source::TrainingCompletion
            | Source::LoansYear
            | Source::PracticeYear => Self {
                from: NaiveDate::from_ymd_opt(as_of.year(), 1, 1).unwrap_or(as_of),
                to: as_of,
            },
            _ => Self {
                from: baseline,
                to: due.map_or(as_of, |d| Ord::min(d, as_of)),
            },
        }
    }

    pub(super) fn start(&self) -> chrono::DateTime<chrono::Utc> {
        start_of_day(self.from)
    }

    pub(super) fn end(&self) -> chrono::DateTime<chrono::Utc> {
        start_of_day(self.to + Duration::days(1))
    }
}

/// How finely the caller sums the rows of a source into areas.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grain {
    /// No area is smaller than a township: a source may key a village's numbers by its
    /// township (the volunteer ledger's monthly totals).
    Townships,
    /// Some area is a township or a village: every row keyed by its own code.
    Villages,
}

impl Grain {
    /// The grain that serves areas of these scopes: townships unless one names a place below
    /// a township.
    pub fn of<'a>(scopes: impl IntoIterator<Item = &'a UnitScope>) -> Self {
        let township = crate::regions::RegionLevel::Township.significant_digits();
        let finer = scopes.into_iter().any(|s| {
            s.include
                .iter()
                .chain(&s.exclude)
                .any(|p| p.len() > township)
        });
        if finer {
            Self::Villages
        } else {
            Self::Townships
        }
    }
}

pub(super) fn num(row: &sea_orm::QueryResult, col: &str) -> ApiResult<i64> {
    let v: Option<i64> = row.try_get("", col)?;
    Ok(v.unwrap_or(0))
}

/// The rows of a `SELECT region_code, <key>, n … GROUP BY` (plain counts).
pub(super) async fn counts_by_place(
    db: &impl ConnectionTrait,
    select: &sea_orm::sea_query::SelectStatement,
    key: &str,
) -> ApiResult<Vec<Row>> {
    let stmt = db.get_database_backend().build(select);
    let mut out = Vec::new();
    for row in db.query_all_raw(stmt).await? {
        out.push(Row {
            code: row.try_get("", "region_code")?,
            key: row.try_get("", key)?,
            n: num(&row, "n")?,
            d: 0,
        });
    }
    Ok(out)
}
