//! China time (UTC+8, no daylight saving): how times are shown, and where days, weeks, months
//! and years begin for "this week / this month" and for deadlines.
use chrono::{
    DateTime, Datelike, Duration, FixedOffset, Months, NaiveDate, SubsecRound, TimeZone, Utc,
};

pub fn china() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset")
}

/// Times go out as RFC 3339 in whole seconds with the `+08:00` offset
/// (`2026-12-01T09:00:00+08:00`): every time in a response is made here, so all have one form
/// (the black-box tests check every body).
pub fn to_china(t: DateTime<Utc>) -> DateTime<FixedOffset> {
    t.with_timezone(&china()).trunc_subsecs(0)
}

pub fn today_in_china(now: DateTime<Utc>) -> NaiveDate {
    to_china(now).date_naive()
}

/// The instant a China-time calendar day begins.
pub fn start_of_day(date: NaiveDate) -> DateTime<Utc> {
    china()
        .from_local_datetime(&date.and_hms_opt(0, 0, 0).expect("midnight exists"))
        .single()
        .expect("a fixed offset has no gaps")
        .with_timezone(&Utc)
}

/// For `retention-anonymise` on China date `date` keeping records `years` (conventions §10):
/// the first date whose records are still kept. A record is due when it ended before the start
/// of that day (with 0 years: everything that ended by the end of `date`).
pub fn retention_cutoff(years: u32, date: NaiveDate) -> NaiveDate {
    date.checked_sub_months(Months::new(12 * years))
        .unwrap_or(NaiveDate::MIN)
        .succ_opt()
        .unwrap_or(date)
}

/// Monday 00:00 China time of the week containing `now`.
pub fn start_of_week(now: DateTime<Utc>) -> DateTime<Utc> {
    let d = today_in_china(now);
    start_of_day(d - Duration::days(i64::from(d.weekday().num_days_from_monday())))
}

/// The 1st 00:00 China time of the month containing `now`.
pub fn start_of_month(now: DateTime<Utc>) -> DateTime<Utc> {
    let d = today_in_china(now);
    start_of_day(NaiveDate::from_ymd_opt(d.year(), d.month(), 1).expect("day 1 exists"))
}

/// 1 January 00:00 China time of the year containing `now`.
pub fn start_of_year(now: DateTime<Utc>) -> DateTime<Utc> {
    let d = today_in_china(now);
    start_of_day(NaiveDate::from_ymd_opt(d.year(), 1, 1).expect("1 January exists"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_begin_in_china_time() {
        // 2026-11-30 17:00 UTC is already Tuesday 1 December 01:00 in China.
        let t = Utc.with_ymd_and_hms(2026, 11, 30, 17, 0, 0).unwrap();
        assert_eq!(
            start_of_month(t),
            Utc.with_ymd_and_hms(2026, 11, 30, 16, 0, 0).unwrap()
        );
        // Monday 30 November China time begins at 29 November 16:00 UTC.
        assert_eq!(
            start_of_week(t),
            Utc.with_ymd_and_hms(2026, 11, 29, 16, 0, 0).unwrap()
        );
        assert_eq!(
            start_of_year(t),
            Utc.with_ymd_and_hms(2025, 12, 31, 16, 0, 0).unwrap()
        );
        assert_eq!(to_china(t).to_rfc3339(), "2026-12-01T01:00:00+08:00");
    }
}
