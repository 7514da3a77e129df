//! The fixed numbers and texts of mentoring (`mentoring.md`); the ones a deployment may change
//! are settings (`config::MentoringSettings`).
use crate::consents::ConsentText;

/// What a mentor agrees to when applying (stored as `mentor_profiles.consent_version`).
pub const MENTOR_CONSENT: ConsentText = ConsentText {
    version: "2026-12",
    template: "我同意团组织在“吉青助农”平台向青年展示本人的导师资料（姓名、单位、职务、专长、服务区域），\
并在结对成功后向结对青年提供本人的手机号码，用于创业指导联系。",
};

/// What a youth agrees to when their contact goes to a named mentor (purpose
/// `mentoring_contact`, PIPL Art. 23): `{recipient}` is the mentor's name.
pub const CONTACT_CONSENT: ConsentText = ConsentText {
    version: "2026-12",
    template: "我同意在创业导师{recipient}接受本人的导师申请后，将本人的姓名、手机号码和创业情况提供给该导师，\
用于创业指导联系。结对结束30日后不再向其提供本人手机号码。",
};

/// A mentee must be this old (full years, China date of the request): no mentor gets a minor's
/// phone (conventions §10).
pub const MIN_MENTEE_AGE: i32 = 18;
/// Days after a pairing ended in which the mentee may rate it.
pub const RATING_DAYS: i64 = 60;
/// Guidance record minutes, inclusive.
pub const RECORD_MINUTES: (i32, i32) = (10, 480);
pub const RECORD_PHOTOS_MAX: usize = 9;
/// A long-term pairing's planned length: default and most months after its start.
pub const LONG_TERM_MONTHS_DEFAULT: u32 = 6;
pub const LONG_TERM_MONTHS_MAX: u32 = 12;
/// A consultation's planned end: this many days after it starts.
pub const CONSULTATION_DAYS: i64 = 30;
/// Days after a pairing ended during which both parties still see each other's phone.
pub const CONTACT_DAYS_AFTER_END: i64 = 30;
/// How many recent responses the median response time looks at.
pub const RESPONSE_SAMPLE: u64 = 50;

/// The median of whole hours (the lower middle of an even count); `None` without any.
pub fn median_hours(mut hours: Vec<i64>) -> Option<i32> {
    if hours.is_empty() {
        return None;
    }
    hours.sort_unstable();
    let mid = hours[(hours.len() - 1) / 2];
    Some(mid.clamp(0, i64::from(i32::MAX)) as i32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_median_is_the_middle_answer_or_the_lower_of_two() {
        assert_eq!(median_hours(vec![]), None);
        assert_eq!(median_hours(vec![5]), Some(5));
        assert_eq!(median_hours(vec![9, 1, 4]), Some(4));
        assert_eq!(median_hours(vec![10, 2, 6, 4]), Some(4));
    }
}
