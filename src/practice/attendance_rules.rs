//! The pure rules of attendance (在岗考勤): when a student may check in or out, how many
//! minutes a day is worth, which days count towards `days_confirmed`.
use chrono::{DateTime, NaiveDate, NaiveTime, Timelike, Utc};

use crate::error::ApiError;
use crate::time::to_china;

/// Check-ins and check-outs are taken from 06:00 (inclusive) to 22:00 (exclusive), China time.
pub const OPENS_AT_HOUR: u32 = 6;
pub const CLOSES_AT_HOUR: u32 = 22;
/// A day checked in and out by code counts with at least this many minutes.
pub const MIN_COUNTED_MINUTES: i32 = 60;
/// Days a host may confirm in one request.
pub const MAX_CONFIRMED_DAYS: usize = 31;
/// The rotating-code purposes (`checkin_codes`), one per direction.
pub const PURPOSE_IN: &str = "practice-in";
pub const PURPOSE_OUT: &str = "practice-out";

/// Why a check-in or check-out is refused at `now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WindowRefusal {
    /// The China date is not one of the position's practice days.
    OutsideDates,
    /// Before 06:00 or from 22:00 China time.
    OutsideHours,
}

impl From<WindowRefusal> for ApiError {
    fn from(r: WindowRefusal) -> Self {
        match r {
            WindowRefusal::OutsideDates => Self::Conflict(
                "OUTSIDE_PRACTICE_DATES",
                "今天不是该岗位的实践日期，不能签到签退".into(),
            ),
            WindowRefusal::OutsideHours => Self::Conflict(
                "OUTSIDE_TIME_WINDOW",
                "签到签退时间为每日6:00至22:00（北京时间）".into(),
            ),
        }
    }
}

/// The China date a check-in or check-out at `now` counts for, if it is allowed then: a
/// practice day of the position (`starts_on..=ends_on`), 06:00–22:00 China time.
pub fn attendance_day(
    now: DateTime<Utc>,
    starts_on: NaiveDate,
    ends_on: NaiveDate,
) -> Result<NaiveDate, WindowRefusal> {
    let local = to_china(now);
    let day = local.date_naive();
    if day < starts_on || day > ends_on {
        return Err(WindowRefusal::OutsideDates);
    }
    let time = local.time();
    let opens = NaiveTime::from_hms_opt(OPENS_AT_HOUR, 0, 0).unwrap_or_default();
    if time < opens || time.hour() >= CLOSES_AT_HOUR {
        return Err(WindowRefusal::OutsideHours);
    }
    Ok(day)
}

/// Whole minutes from check-in to check-out, capped at the position's daily hours.
pub fn capped_minutes(check_in: DateTime<Utc>, check_out: DateTime<Utc>, daily_hours: i32) -> i32 {
    let worked = (check_out - check_in).num_minutes().max(0);
    let cap = i64::from(daily_hours.max(0)) * 60;
    i32::try_from(worked.min(cap)).unwrap_or(0)
}

/// Whether a day counts towards `days_confirmed`: confirmed by hand, or checked in and out by
/// code for at least [`MIN_COUNTED_MINUTES`].
pub fn day_counts(confirmed: bool, minutes: Option<i32>) -> bool {
    confirmed || minutes.is_some_and(|m| m >= MIN_COUNTED_MINUTES)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::china;
    use chrono::TimeZone;

    fn at(d: u32, h: u32, m: u32, s: u32) -> DateTime<Utc> {
        china()
            .with_ymd_and_hms(2027, 1, d, h, m, s)
            .unwrap()
            .to_utc()
    }

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2027, 1, d).unwrap()
    }

    #[test]
    fn the_window_is_six_to_twenty_two_china_time_on_practice_days() {
        let (starts, ends) = (day(10), day(20));
        assert_eq!(attendance_day(at(10, 6, 0, 0), starts, ends), Ok(day(10)));
        assert_eq!(
            attendance_day(at(20, 21, 59, 59), starts, ends),
            Ok(day(20))
        );
        assert_eq!(
            attendance_day(at(10, 5, 59, 59), starts, ends),
            Err(WindowRefusal::OutsideHours)
        );
        assert_eq!(
            attendance_day(at(10, 22, 0, 0), starts, ends),
            Err(WindowRefusal::OutsideHours)
        );
        assert_eq!(
            attendance_day(at(9, 12, 0, 0), starts, ends),
            Err(WindowRefusal::OutsideDates)
        );
        assert_eq!(
            attendance_day(at(21, 12, 0, 0), starts, ends),
            Err(WindowRefusal::OutsideDates)
        );
        // 07:30 China on the 10th is still the 9th in UTC: the China date decides.
        let early = at(10, 7, 30, 0);
        assert_eq!(early.date_naive(), day(9));
        assert_eq!(attendance_day(early, starts, ends), Ok(day(10)));
    }

    #[test]
    fn minutes_are_capped_at_the_daily_hours() {
        assert_eq!(capped_minutes(at(10, 8, 0, 0), at(10, 11, 30, 59), 6), 210);
        assert_eq!(capped_minutes(at(10, 8, 0, 0), at(10, 21, 0, 0), 6), 360);
        assert_eq!(capped_minutes(at(10, 8, 0, 0), at(10, 7, 0, 0), 6), 0);
    }

    #[test]
    fn a_day_counts_when_confirmed_or_an_hour_long() {
        assert!(day_counts(true, None));
        assert!(day_counts(false, Some(60)));
        assert!(!day_counts(false, Some(59)));
        assert!(!day_counts(false, None));
    }
}
