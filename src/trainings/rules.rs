//! Pure rules of trainings: category and status labels, who may join, when check-in is open.
//! The lifecycles of trainings and enrollments are in `state.rs`.
use chrono::{DateTime, Duration, Utc};
pub use entity::training_enrollments::EnrollmentStatus;
pub use entity::trainings::{TrainingCategory as Category, TrainingStatus};

use crate::regions::{self, RegionLevel};

/// Purpose string of the rotating check-in codes for trainings.
pub const CHECKIN_PURPOSE: &str = "training";
/// Check-in opens this long before a training starts (people arrive early).
pub const CHECKIN_OPENS_BEFORE_MINUTES: i64 = 60;
/// pretix's default: a freed seat is held for the next person for 48 hours.
pub const DEFAULT_OFFER_VALID_MINUTES: i32 = 48 * 60;

crate::labels!(Category {
    EcommerceLivestream: "电商直播",
    WealthLeader: "致富带头人",
    YoungFarmer: "高素质农民",
    Qingma: "青马工程",
    Entrepreneurship: "创业培训",
    VocationalSkills: "职业技能",
    Other: "其他",
});

crate::labels!(TrainingStatus {
    Published: "已发布",
    Cancelled: "已取消",
});

crate::labels!(EnrollmentStatus {
    Enrolled: "已报名",
    Waiting: "候补中",
    Offered: "候补待确认",
    Cancelled: "已取消",
    Lapsed: "候补已过期",
    TrainingCancelled: "培训已取消",
});

/// An organiser region must be a province, city or county.
pub fn is_organiser_level(code: &str) -> bool {
    matches!(
        regions::level_of(code),
        Some(RegionLevel::Province | RegionLevel::City | RegionLevel::County)
    )
}

/// The province, city and county codes above a township or village: the organiser regions
/// whose trainings a youth living there may join.
pub fn organiser_regions_above(home: &str) -> Vec<String> {
    match regions::RegionCode::parse(home) {
        Some(code) if code.level() >= RegionLevel::Township => code
            .ancestors()
            .into_iter()
            .filter(|a| is_organiser_level(a))
            .collect(),
        _ => Vec::new(),
    }
}

/// Why a check-in at `now` is outside the training's time, if it is.
pub fn check_in_window(
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), &'static str> {
    if now < starts_at - Duration::minutes(CHECKIN_OPENS_BEFORE_MINUTES) {
        Err("培训尚未开始，开始前1小时内方可签到")
    } else if now > ends_at {
        Err("培训已结束，不能再签到")
    } else {
        Ok(())
    }
}

/// When an offer made at `now` expires: after the training's offer validity, but never after
/// the training starts.
pub fn offer_deadline(
    now: DateTime<Utc>,
    valid_minutes: i32,
    starts_at: DateTime<Utc>,
) -> DateTime<Utc> {
    (now + Duration::minutes(i64::from(valid_minutes))).min(starts_at)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_village_youth_may_join_trainings_of_its_county_city_and_province() {
        assert_eq!(
            organiser_regions_above("220102001001"),
            vec!["220000", "220100", "220102"]
        );
        assert_eq!(
            organiser_regions_above("220102001"),
            vec!["220000", "220100", "220102"]
        );
        assert!(organiser_regions_above("220100").is_empty());
    }

    #[test]
    fn organisers_are_provinces_cities_or_counties() {
        assert!(is_organiser_level("220000"));
        assert!(is_organiser_level("220100"));
        assert!(is_organiser_level("220102"));
        assert!(!is_organiser_level("220102001"));
        assert!(!is_organiser_level("220102001001"));
    }

    #[test]
    fn check_in_opens_an_hour_early_and_closes_at_the_end() {
        let start = Utc.with_ymd_and_hms(2026, 12, 1, 1, 0, 0).unwrap();
        let end = start + Duration::hours(3);
        assert!(check_in_window(start, end, start - Duration::minutes(61)).is_err());
        assert!(check_in_window(start, end, start - Duration::minutes(59)).is_ok());
        assert!(check_in_window(start, end, end).is_ok());
        assert!(check_in_window(start, end, end + Duration::seconds(1)).is_err());
    }

    #[test]
    fn offers_never_outlive_the_start_of_the_training() {
        let now = Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap();
        let far = now + Duration::days(10);
        assert_eq!(offer_deadline(now, 60, far), now + Duration::hours(1));
        let soon = now + Duration::minutes(30);
        assert_eq!(offer_deadline(now, 60, soon), soon);
    }
}
