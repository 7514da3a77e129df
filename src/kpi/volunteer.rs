//! The `volunteer_minutes` line: minutes of the signed hours ledger in a window, per region code
//! and category. A report of a unit sums them from the monthly totals the database keeps per
//! township (`volunteer_minutes_monthly`, migration 000750) and reads the ledger itself only for
//! the part of the window that is not whole months; a report of a township (its children are
//! villages) reads the ledger, which is small there.
use chrono::{Datelike, Duration, Months, NaiveDate};
use entity::volunteer_hour_entries;
use sea_orm::ConnectionTrait;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};

use super::facts::{Grain, Row, Window, counts_by_place};
use crate::error::ApiResult;
use crate::league::UnitScope;
use crate::time::start_of_day;

/// A piece of a window read from the ledger: China days `[from, until)`, added or taken away.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Piece {
    pub from: NaiveDate,
    pub until: NaiveDate,
    pub add: bool,
}

/// How a window is summed: the whole China months whose first days lie in `[months.0, months.1)`
/// from the monthly totals, and the rest from the ledger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub months: Option<(NaiveDate, NaiveDate)>,
    pub pieces: Vec<Piece>,
}

fn first_of_month(d: NaiveDate) -> NaiveDate {
    d.with_day(1).unwrap_or(d)
}

fn next_month(d: NaiveDate) -> NaiveDate {
    first_of_month(d)
        .checked_add_months(Months::new(1))
        .unwrap_or(NaiveDate::MAX)
}

/// The plan of `window` (`[from, to]`, inclusive). The days before the first whole month are
/// read from the ledger; so is the last, partial month, unless fewer of its days lie after the
/// window than inside it: then its monthly total is taken and the days after the window taken
/// away (a report of today reads nothing after it, since no service is done in the future).
pub fn plan(window: Window) -> Plan {
    let end = window.to + Duration::days(1);
    let first_whole = if window.from.day() == 1 {
        window.from
    } else {
        next_month(window.from)
    };
    let last = first_of_month(end);
    if first_whole > last {
        // Inside one month, not from its first day.
        return Plan {
            months: None,
            pieces: vec![Piece {
                from: window.from,
                until: end,
                add: true,
            }],
        };
    }
    let mut pieces = Vec::new();
    if window.from < first_whole {
        pieces.push(Piece {
            from: window.from,
            until: first_whole,
            add: true,
        });
    }
    let mut months_end = last;
    if last < end {
        let after = next_month(last);
        if (after - end) < (end - last) {
            months_end = after;
            if end < after {
                pieces.push(Piece {
                    from: end,
                    until: after,
                    add: false,
                });
            }
        } else {
            pieces.push(Piece {
                from: last,
                until: end,
                add: true,
            });
        }
    }
    Plan {
        months: (first_whole < months_end).then_some((first_whole, months_end)),
        pieces,
    }
}

/// Volunteer minutes in `window` per region code and category inside `scope`. With
/// [`Grain::Townships`] a village's minutes may come keyed by its township.
pub async fn rows(
    db: &impl ConnectionTrait,
    scope: &UnitScope,
    window: Window,
    grain: Grain,
) -> ApiResult<Vec<Row>> {
    let end = window.to + Duration::days(1);
    if grain == Grain::Villages {
        return ledger_rows(db, scope, window.from, end).await;
    }
    let plan = plan(window);
    let mut out = match plan.months {
        Some((from, until)) => month_rows(db, scope, from, until).await?,
        None => Vec::new(),
    };
    for piece in plan.pieces {
        let rows = ledger_rows(db, scope, piece.from, piece.until).await?;
        out.extend(rows.into_iter().map(|mut r| {
            if !piece.add {
                r.n = -r.n;
            }
            r
        }));
    }
    Ok(out)
}

/// The ledger's minutes served in China days `[from, until)`.
async fn ledger_rows(
    db: &impl ConnectionTrait,
    scope: &UnitScope,
    from: NaiveDate,
    until: NaiveDate,
) -> ApiResult<Vec<Row>> {
    use volunteer_hour_entries::Column as V;
    let mut select = Query::select();
    select
        .column(V::RegionCode)
        .column(V::Category)
        .expr_as(Expr::cust("CAST(SUM(minutes) AS BIGINT)"), Alias::new("n"))
        .from(volunteer_hour_entries::Entity)
        .cond_where(scope.condition(V::RegionCode))
        .and_where(Expr::col(V::ServedAt).gte(start_of_day(from)))
        .and_where(Expr::col(V::ServedAt).lt(start_of_day(until)))
        .group_by_col(V::RegionCode)
        .group_by_col(V::Category);
    counts_by_place(db, &select, "category").await
}

/// The monthly totals of the months whose first days lie in `[from, until)`.
async fn month_rows(
    db: &impl ConnectionTrait,
    scope: &UnitScope,
    from: NaiveDate,
    until: NaiveDate,
) -> ApiResult<Vec<Row>> {
    let place = Alias::new("place_code");
    let month = Alias::new("month");
    let mut select = Query::select();
    select
        .expr_as(Expr::col(place.clone()), Alias::new("region_code"))
        .column(Alias::new("category"))
        .expr_as(Expr::cust("CAST(SUM(minutes) AS BIGINT)"), Alias::new("n"))
        .from(Alias::new("volunteer_minutes_monthly"))
        .cond_where(scope.condition(place.clone()))
        .and_where(Expr::col(month.clone()).gte(from))
        .and_where(Expr::col(month).lt(until))
        .group_by_col(place)
        .group_by_col(Alias::new("category"));
    counts_by_place(db, &select, "category").await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn piece(from: NaiveDate, until: NaiveDate, add: bool) -> Piece {
        Piece { from, until, add }
    }

    fn plan_of(from: NaiveDate, to: NaiveDate) -> Plan {
        plan(Window { from, to })
    }

    #[test]
    fn a_year_to_a_month_end_is_whole_months_only() {
        assert_eq!(
            plan_of(d(2026, 1, 1), d(2026, 11, 30)),
            Plan {
                months: Some((d(2026, 1, 1), d(2026, 12, 1))),
                pieces: vec![],
            }
        );
    }

    #[test]
    fn an_early_day_of_a_month_reads_its_days_from_the_ledger() {
        assert_eq!(
            plan_of(d(2026, 1, 1), d(2026, 12, 1)),
            Plan {
                months: Some((d(2026, 1, 1), d(2026, 12, 1))),
                pieces: vec![piece(d(2026, 12, 1), d(2026, 12, 2), true)],
            }
        );
    }

    #[test]
    fn a_late_day_of_a_month_takes_the_month_less_the_days_after() {
        assert_eq!(
            plan_of(d(2026, 1, 1), d(2026, 11, 20)),
            Plan {
                months: Some((d(2026, 1, 1), d(2026, 12, 1))),
                pieces: vec![piece(d(2026, 11, 21), d(2026, 12, 1), false)],
            }
        );
        // Exactly half: the days inside are read.
        assert_eq!(
            plan_of(d(2026, 1, 1), d(2026, 11, 15)).pieces,
            vec![piece(d(2026, 11, 1), d(2026, 11, 16), true)]
        );
    }

    #[test]
    fn january_alone_is_one_partial_month() {
        assert_eq!(
            plan_of(d(2026, 1, 1), d(2026, 1, 3)),
            Plan {
                months: None,
                pieces: vec![piece(d(2026, 1, 1), d(2026, 1, 4), true)],
            }
        );
        assert_eq!(
            plan_of(d(2026, 1, 1), d(2026, 1, 29)),
            Plan {
                months: Some((d(2026, 1, 1), d(2026, 2, 1))),
                pieces: vec![piece(d(2026, 1, 30), d(2026, 2, 1), false)],
            }
        );
    }

    #[test]
    fn a_window_from_inside_a_month_reads_its_head_from_the_ledger() {
        assert_eq!(
            plan_of(d(2025, 6, 10), d(2026, 2, 28)),
            Plan {
                months: Some((d(2025, 7, 1), d(2026, 3, 1))),
                pieces: vec![piece(d(2025, 6, 10), d(2025, 7, 1), true)],
            }
        );
        assert_eq!(
            plan_of(d(2025, 6, 10), d(2025, 6, 25)),
            Plan {
                months: None,
                pieces: vec![piece(d(2025, 6, 10), d(2025, 6, 26), true)],
            }
        );
        assert_eq!(
            plan_of(d(2025, 6, 10), d(2025, 7, 3)),
            Plan {
                months: None,
                pieces: vec![
                    piece(d(2025, 6, 10), d(2025, 7, 1), true),
                    piece(d(2025, 7, 1), d(2025, 7, 4), true),
                ],
            }
        );
    }

    #[test]
    fn every_day_of_a_window_is_counted_exactly_once() {
        // Walk many windows and count each day's sign: +1 inside, 0 outside.
        let start = d(2024, 12, 20);
        for from_off in 0..70 {
            for len in 0..120 {
                let from = start + Duration::days(from_off);
                let to = from + Duration::days(len);
                let p = plan_of(from, to);
                let mut day = from - Duration::days(40);
                while day < to + Duration::days(40) {
                    let mut n = 0;
                    if let Some((a, b)) = p.months
                        && (a..b).contains(&first_of_month(day))
                    {
                        n += 1;
                    }
                    for pc in &p.pieces {
                        if day >= pc.from && day < pc.until {
                            n += if pc.add { 1 } else { -1 };
                        }
                    }
                    let want = i32::from(day >= from && day <= to);
                    assert_eq!(n, want, "{from}..={to} on {day}: {p:?}");
                    day += Duration::days(1);
                }
            }
        }
    }
}
