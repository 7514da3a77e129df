//! Pure rules on official region codes (NBS statistical codes).
//!
//! Province/city/county codes have 6 digits (`220000`, `220100`, `220102`), townships 9 and villages
//! 12. A child's code starts with its parent's significant digits, so containment is a prefix test.
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum RegionLevel {
    Province,
    City,
    County,
    Township,
    Village,
}

impl RegionLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Province => "province",
            Self::City => "city",
            Self::County => "county",
            Self::Township => "township",
            Self::Village => "village",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "province" => Self::Province,
            "city" => Self::City,
            "county" => Self::County,
            "township" => Self::Township,
            "village" => Self::Village,
            _ => return None,
        })
    }

    /// How many leading digits of a code are significant at this level.
    pub fn significant_digits(self) -> usize {
        match self {
            Self::Province => 2,
            Self::City => 4,
            Self::County => 6,
            Self::Township => 9,
            Self::Village => 12,
        }
    }
}

/// The level a well-formed code denotes, or `None` for anything that is not a region code.
pub fn level_of(code: &str) -> Option<RegionLevel> {
    if !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    match code.len() {
        12 => Some(RegionLevel::Village),
        9 => Some(RegionLevel::Township),
        6 if code.ends_with("0000") => Some(RegionLevel::Province),
        6 if code.ends_with("00") => Some(RegionLevel::City),
        6 => Some(RegionLevel::County),
        _ => None,
    }
}

/// The significant prefix of a code: `220100` → `2201`, `220102001` → `220102001`.
pub fn prefix_of(code: &str) -> Option<&str> {
    level_of(code).map(|l| &code[..l.significant_digits()])
}

/// True when `inner` is `outer` itself or lies anywhere below it.
pub fn is_within(inner: &str, outer: &str) -> bool {
    match (level_of(inner), prefix_of(outer)) {
        (Some(_), Some(prefix)) => inner.starts_with(prefix),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_follow_the_code_shape() {
        assert_eq!(level_of("220000"), Some(RegionLevel::Province));
        assert_eq!(level_of("220100"), Some(RegionLevel::City));
        assert_eq!(level_of("220102"), Some(RegionLevel::County));
        assert_eq!(level_of("220102001"), Some(RegionLevel::Township));
        assert_eq!(level_of("220102001001"), Some(RegionLevel::Village));
        assert_eq!(level_of("2201"), None);
        assert_eq!(level_of("22010a"), None);
    }

    #[test]
    fn containment_is_a_prefix_test_on_significant_digits() {
        assert!(is_within("220102001001", "220100"));
        assert!(is_within("220102001001", "220000"));
        assert!(is_within("220100", "220100"));
        assert!(!is_within("220202001001", "220100"));
        assert!(
            !is_within("220100", "220102"),
            "a city is not inside its county"
        );
        // Villages with zeros in the middle are not mistaken for higher levels.
        assert!(is_within("220102001010", "220102001"));
        assert!(!is_within("220102002010", "220102001"));
        assert!(!is_within("garbage", "220000"));
    }
}
