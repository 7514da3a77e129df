//! Pure rules of volunteer hours: category and source labels, minute caps, star levels, distance
//! to a point. The lifecycles of reports and corrections are in `state.rs`.
use chrono::{DateTime, Utc};
pub use entity::volunteer_activities::VolunteerCategory as Category;
pub use entity::volunteer_hour_entries::EntrySource;

crate::labels!(Category {
    RiverPatrol: "河小青巡河护河",
    ThreeReductions: "三减一节",
    PolicyLecture: "政策宣讲",
    Medical: "医疗卫生",
    RuralTeaching: "支教",
    OnlineTutoring: "学伴+",
    ChildrensHarbour: "童心港湾",
    Other: "其他",
});

crate::labels!(EntrySource {
    Checkin: "签到签退",
    ManualMakeup: "组织者补录",
    SelfReport: "个人申报",
    Correction: "更正",
    Revocation: "撤销",
});

/// Who may sign up for an activity: anyone when it is open to all, else youth whose home lies in
/// the organising unit (`unit_code`; without one, the local unit of the activity's place).
pub fn may_sign_up(
    tree: &crate::league::LeagueTree,
    open_to_all: bool,
    unit_code: Option<&str>,
    activity_region: &str,
    home_region: &str,
) -> bool {
    let unit = unit_code
        .map(str::to_owned)
        .or_else(|| tree.owner(activity_region).map(|u| u.code.clone()))
        .unwrap_or_else(|| activity_region.to_owned());
    open_to_all || crate::workflow::units::unit_covers(tree, &unit, home_region)
}

/// Longest single service record accepted (a self-report or a corrected entry): one day.
pub const MAX_ENTRY_MINUTES: i32 = 24 * 60;

/// Length of an activity in whole minutes.
pub fn activity_minutes(starts_at: DateTime<Utc>, ends_at: DateTime<Utc>) -> i32 {
    ((ends_at - starts_at).num_minutes()).clamp(0, i64::from(i32::MAX)) as i32
}

/// Minutes served between check-in and check-out, in whole minutes (rounded down), never more
/// than the activity's length and never negative.
pub fn served_minutes(
    checked_in: DateTime<Utc>,
    checked_out: DateTime<Utc>,
    activity_length: i32,
) -> i32 {
    let m = (checked_out - checked_in).num_minutes().max(0);
    m.min(i64::from(activity_length)) as i32
}

/// Star level (1–5) for cumulative minutes, given the thresholds in hours (ascending).
pub fn star_level(total_minutes: i64, thresholds_hours: &[u32]) -> u8 {
    thresholds_hours
        .iter()
        .take_while(|h| total_minutes >= i64::from(**h) * 60)
        .count()
        .min(u8::MAX as usize) as u8
}

/// Minutes still needed for the next star, if there is one.
pub fn minutes_to_next_star(total_minutes: i64, thresholds_hours: &[u32]) -> Option<i64> {
    thresholds_hours
        .iter()
        .map(|h| i64::from(*h) * 60)
        .find(|t| *t > total_minutes)
        .map(|t| t - total_minutes)
}

/// A point in integer micro-degrees (WGS-84 / GCJ-02 as the phone reports it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Point {
    pub lat_e6: i64,
    pub lng_e6: i64,
}

impl Point {
    /// From degrees as a phone sends them; `None` outside the valid ranges.
    pub fn from_degrees(lat: f64, lng: f64) -> Option<Self> {
        if !lat.is_finite() || !lng.is_finite() || lat.abs() > 90.0 || lng.abs() > 180.0 {
            return None;
        }
        Some(Self {
            lat_e6: (lat * 1e6).round() as i64,
            lng_e6: (lng * 1e6).round() as i64,
        })
    }
}

/// Great-circle distance in metres (haversine on a sphere of radius 6,371,008.8 m).
pub fn distance_m(a: Point, b: Point) -> f64 {
    const R: f64 = 6_371_008.8;
    let to_rad = |e6: i64| (e6 as f64 / 1e6).to_radians();
    let (lat1, lat2) = (to_rad(a.lat_e6), to_rad(b.lat_e6));
    let dlat = lat2 - lat1;
    let dlng = to_rad(b.lng_e6) - to_rad(a.lng_e6);
    let h = (dlat / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * (dlng / 2.0).sin().powi(2);
    2.0 * R * h.sqrt().min(1.0).asin()
}

/// True when `at` lies within `radius_m` metres of `centre`.
pub fn within_radius(centre: Point, radius_m: i32, at: Point) -> bool {
    distance_m(centre, at) <= f64::from(radius_m)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};

    #[test]
    fn only_youth_of_the_organising_unit_sign_up_unless_open_to_all() {
        let tree = crate::league::tree::seeded_tree();
        let may = |open, unit, home| may_sign_up(&tree, open, unit, "220102001001", home);
        // A 南关区 activity held in one of its villages, organised by the 南关区 unit.
        assert!(may(false, Some("220102"), "220102003004"));
        assert!(!may(false, Some("220102"), "220104001001"));
        assert!(may(true, Some("220102"), "220104001001"));
        // A city unit covers its counties; 通化's unit does not cover 梅河口, which has its own.
        assert!(may(false, Some("220100"), "220183100200"));
        assert!(!may(false, Some("220500"), "220581100001"));
        assert!(may(false, Some("220581"), "220581100001"));
        // Without a stored unit, the activity's own region decides.
        assert!(may(false, None, "220102001002"));
        assert!(!may(false, None, "220103001001"));
    }

    #[test]
    fn served_minutes_are_whole_and_capped_by_the_activity() {
        let t = Utc.with_ymd_and_hms(2026, 11, 1, 1, 0, 0).unwrap();
        assert_eq!(
            served_minutes(t, t + Duration::seconds(90 * 60 + 59), 240),
            90
        );
        assert_eq!(served_minutes(t, t + Duration::hours(9), 240), 240);
        assert_eq!(served_minutes(t, t - Duration::hours(1), 240), 0);
        assert_eq!(activity_minutes(t, t + Duration::hours(3)), 180);
    }

    #[test]
    fn stars_follow_the_national_thresholds() {
        let national = [100, 300, 600, 1000, 1500];
        assert_eq!(star_level(0, &national), 0);
        assert_eq!(star_level(100 * 60 - 1, &national), 0);
        assert_eq!(star_level(100 * 60, &national), 1);
        assert_eq!(star_level(600 * 60, &national), 3);
        assert_eq!(star_level(1500 * 60, &national), 5);
        assert_eq!(star_level(9_999 * 60, &national), 5);
        assert_eq!(minutes_to_next_star(250 * 60, &national), Some(50 * 60));
        assert_eq!(minutes_to_next_star(1500 * 60, &national), None);
        // Other places set other thresholds.
        assert_eq!(star_level(50 * 60, &[50, 100]), 1);
    }

    #[test]
    fn haversine_distances_match_known_values() {
        // Changchun People's Square to Jilin City centre: about 95 km.
        let changchun = Point::from_degrees(43.8868, 125.3245).unwrap();
        let jilin = Point::from_degrees(43.8378, 126.5494).unwrap();
        let d = distance_m(changchun, jilin);
        assert!((97_000.0..100_000.0).contains(&d), "{d}");
        // 0.001 degrees of latitude is about 111 m.
        let north = Point::from_degrees(43.8878, 125.3245).unwrap();
        let d = distance_m(changchun, north);
        assert!((110.0..112.5).contains(&d), "{d}");
        assert!(within_radius(changchun, 120, north));
        assert!(!within_radius(changchun, 100, north));
        assert_eq!(distance_m(changchun, changchun), 0.0);
        assert!(Point::from_degrees(91.0, 0.0).is_none());
        assert!(Point::from_degrees(f64::NAN, 0.0).is_none());
    }
}
