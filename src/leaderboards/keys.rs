//! Pure rules of the leaderboards: periods in China time, board names, the region levels an
//! entry counts in, and how a user id becomes a sorted-set member so that Redis' tie order is
//! the documented one.
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::regions::{RegionCode, RegionLevel};
use crate::time::{start_of_day, start_of_month, start_of_week, start_of_year, today_in_china};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    /// This week (Monday 00:00 China time onwards).
    Week,
    /// This calendar month, China time.
    Month,
    /// This calendar year, China time.
    Year,
    /// All time.
    All,
}

impl Period {
    pub const ALL: [Period; 4] = [Self::Week, Self::Month, Self::Year, Self::All];

    /// The half-open range `[start, end)` of the period containing `now`; `None` for all time.
    pub fn range(self, now: DateTime<Utc>) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        match self {
            Self::Week => {
                let s = start_of_week(now);
                Some((s, s + Duration::days(7)))
            }
            Self::Month => {
                let d = today_in_china(now);
                let next = if d.month() == 12 {
                    NaiveDate::from_ymd_opt(d.year() + 1, 1, 1)
                } else {
                    NaiveDate::from_ymd_opt(d.year(), d.month() + 1, 1)
                };
                Some((start_of_month(now), start_of_day(next?)))
            }
            Self::Year => {
                let d = today_in_china(now);
                Some((
                    start_of_year(now),
                    start_of_day(NaiveDate::from_ymd_opt(d.year() + 1, 1, 1)?),
                ))
            }
            Self::All => None,
        }
    }

    /// The name of the period containing `at`: `w2026-48` (ISO week), `m2026-11`, `y2026`, `all`.
    pub fn key(self, at: DateTime<Utc>) -> String {
        let d = today_in_china(at);
        match self {
            Self::Week => {
                let w = d.iso_week();
                format!("w{}-{:02}", w.year(), w.week())
            }
            Self::Month => format!("m{}-{:02}", d.year(), d.month()),
            Self::Year => format!("y{}", d.year()),
            Self::All => "all".into(),
        }
    }
}

/// Levels that have leaderboards; villages are too small to rank in.
pub fn is_board_level(level: RegionLevel) -> bool {
    level != RegionLevel::Village
}

/// The codes of the province, city, county and township containing a township or village.
pub fn board_regions(home: &str) -> Vec<String> {
    match RegionCode::parse(home) {
        Some(code) if code.level() >= RegionLevel::County => {
            let mut boards = code.ancestors();
            if is_board_level(code.level()) {
                boards.push(code.as_str().to_owned());
            }
            boards
        }
        _ => Vec::new(),
    }
}

/// The board of individuals in `region` for a period.
pub fn user_board(region: &str, period_key: &str) -> String {
    format!("u:{region}:{period_key}")
}

/// The board of `parent`'s child regions for a period.
pub fn region_board(parent: &str, period_key: &str) -> String {
    format!("r:{parent}:{period_key}")
}

/// Redis orders equal scores by member, highest first. The member is the user id with every hex
/// digit complemented (`0`↔`f`), so among equal minutes the smaller user id ranks first — the
/// same rule as `ORDER BY minutes DESC, user_id ASC` in SQL.
pub fn member_of(user: Uuid) -> String {
    user.simple()
        .to_string()
        .chars()
        .map(|c| complement(c).unwrap_or(c))
        .collect()
}

pub fn user_of(member: &str) -> Option<Uuid> {
    let hex: Option<String> = member.chars().map(complement).collect();
    Uuid::parse_str(&hex?).ok()
}

fn complement(c: char) -> Option<char> {
    let v = c.to_digit(16)?;
    char::from_digit(15 - v, 16)
}

/// One increment of one board: `(board, member, minutes)`.
pub type Increment = (String, String, i64);

/// Every board increment one ledger entry causes: individual boards at each level and the
/// region boards (city in province, county in city, township in county), for the week, month,
/// year and all-time periods containing `served_at`.
pub fn increments(
    user: Uuid,
    home: &str,
    served_at: DateTime<Utc>,
    minutes: i64,
) -> Vec<Increment> {
    let member = member_of(user);
    let regions = board_regions(home);
    let mut out = Vec::with_capacity(Period::ALL.len() * (regions.len() * 2));
    for period in Period::ALL {
        let pk = period.key(served_at);
        for r in &regions {
            out.push((user_board(r, &pk), member.clone(), minutes));
        }
        for pair in regions.windows(2) {
            out.push((region_board(&pair[0], &pk), pair[1].clone(), minutes));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn periods_are_named_in_china_time() {
        // Sunday 2026-11-29 23:30 China time is still ISO week 48; 30 minutes later is week 49.
        let t = Utc.with_ymd_and_hms(2026, 11, 29, 15, 30, 0).unwrap();
        assert_eq!(Period::Week.key(t), "w2026-48");
        assert_eq!(Period::Week.key(t + Duration::hours(1)), "w2026-49");
        // 31 December 16:30 UTC is already 1 January in China.
        let ny = Utc.with_ymd_and_hms(2026, 12, 31, 16, 30, 0).unwrap();
        assert_eq!(Period::Year.key(ny), "y2027");
        assert_eq!(Period::Month.key(ny), "m2027-01");
        assert_eq!(Period::All.key(ny), "all");
        let (s, e) = Period::Month.range(ny).unwrap();
        assert_eq!(s, Utc.with_ymd_and_hms(2026, 12, 31, 16, 0, 0).unwrap());
        assert_eq!(e, Utc.with_ymd_and_hms(2027, 1, 31, 16, 0, 0).unwrap());
        let (s, e) = Period::Week.range(t).unwrap();
        assert_eq!(e - s, Duration::days(7));
        assert!(s <= t && t < e);
    }

    #[test]
    fn an_entry_counts_in_every_level_above_its_village() {
        assert_eq!(
            board_regions("220102001001"),
            ["220000", "220100", "220102", "220102001"]
        );
        assert_eq!(board_regions("220102001").len(), 4);
        assert!(board_regions("garbage").is_empty());
        let inc = increments(Uuid::nil(), "220102001001", Utc::now(), 30);
        // 4 periods × (4 individual boards + 3 region boards)
        assert_eq!(inc.len(), 28);
        assert!(
            inc.iter()
                .any(|(k, m, _)| k == "r:220100:all" && m == "220102")
        );
    }

    #[test]
    fn members_order_like_user_ids_reversed() {
        let a = Uuid::parse_str("00000000-0000-7000-8000-000000000001").unwrap();
        let b = Uuid::parse_str("00000000-0000-7000-8000-0000000000ff").unwrap();
        assert!(a < b);
        // Redis shows the greater member first among equal scores: that must be the smaller id.
        assert!(member_of(a) > member_of(b));
        assert_eq!(user_of(&member_of(a)), Some(a));
        assert_eq!(user_of("zz"), None);
    }
}
