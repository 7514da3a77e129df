//! Pure rules on official region codes (NBS statistical codes).
//!
//! Province/city/county codes have 6 digits (`220000`, `220100`, `220102`), townships 9 and villages
//! 12. A child's code starts with its parent's significant digits, so containment is a prefix test.
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
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

/// A well-formed region code. The one place that knows the code's shape: its level, its
/// significant prefix and the codes of the regions above it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RegionCode {
    code: String,
    level: RegionLevel,
}

impl RegionCode {
    /// `None` for anything that is not a region code (wrong length, not digits).
    pub fn parse(code: &str) -> Option<Self> {
        if !code.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let level = match code.len() {
            12 => RegionLevel::Village,
            9 => RegionLevel::Township,
            6 if code.ends_with("0000") => RegionLevel::Province,
            6 if code.ends_with("00") => RegionLevel::City,
            6 => RegionLevel::County,
            _ => return None,
        };
        Some(Self {
            code: code.to_owned(),
            level,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.code
    }

    pub fn level(&self) -> RegionLevel {
        self.level
    }

    /// The significant prefix: `220100` → `2201`, `220102001` → `220102001`.
    pub fn prefix(&self) -> &str {
        &self.code[..self.level.significant_digits()]
    }

    /// The code of the region at `level` containing this one (itself at its own level), or
    /// `None` when `level` is below this code's.
    pub fn at_level(&self, level: RegionLevel) -> Option<String> {
        if level > self.level {
            return None;
        }
        let digits = level.significant_digits();
        let head = &self.code[..digits];
        Some(match level {
            RegionLevel::Province => format!("{head}0000"),
            RegionLevel::City => format!("{head}00"),
            _ => head.to_owned(),
        })
    }

    /// The codes of the regions above this one, province first (`220102001001` →
    /// `220000, 220100, 220102, 220102001`).
    pub fn ancestors(&self) -> Vec<String> {
        [
            RegionLevel::Province,
            RegionLevel::City,
            RegionLevel::County,
            RegionLevel::Township,
        ]
        .into_iter()
        .filter(|l| *l < self.level)
        .filter_map(|l| self.at_level(l))
        .collect()
    }

    /// True when `inner` is this region or lies anywhere below it.
    pub fn contains(&self, inner: &str) -> bool {
        level_of(inner).is_some() && inner.starts_with(self.prefix())
    }
}

impl std::fmt::Display for RegionCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.code)
    }
}

/// The level a well-formed code denotes, or `None` for anything that is not a region code.
pub fn level_of(code: &str) -> Option<RegionLevel> {
    RegionCode::parse(code).map(|c| c.level())
}

/// True when `inner` is `outer` itself or lies anywhere below it.
pub fn is_within(inner: &str, outer: &str) -> bool {
    RegionCode::parse(outer).is_some_and(|o| o.contains(inner))
}

/// The smallest digit string of the same length above every code starting with `prefix`
/// (`220102` → `220103`, `2201` → `2202`), so "starts with the prefix" is the index range
/// `code >= prefix AND code < prefix_end(prefix)` (`LIKE 'x%'` cannot use the index under a
/// non-C collation).
pub fn prefix_end(prefix: &str) -> String {
    let mut digits: Vec<u8> = prefix.bytes().collect();
    for d in digits.iter_mut().rev() {
        if *d == b'9' {
            *d = b'0';
        } else {
            *d += 1;
            return String::from_utf8(digits).unwrap_or_default();
        }
    }
    // All nines: nothing sorts above, so use a character after every digit.
    format!("{prefix}:")
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

    #[test]
    fn a_code_knows_its_prefix_and_the_codes_above_it() {
        let v = RegionCode::parse("220102001001").unwrap();
        assert_eq!(v.level(), RegionLevel::Village);
        assert_eq!(v.prefix(), "220102001001");
        assert_eq!(v.ancestors(), ["220000", "220100", "220102", "220102001"]);
        let c = RegionCode::parse("220100").unwrap();
        assert_eq!(c.prefix(), "2201");
        assert_eq!(c.ancestors(), ["220000"]);
        assert!(RegionCode::parse("220000").unwrap().ancestors().is_empty());
        assert_eq!(c.at_level(RegionLevel::County), None);
        assert_eq!(prefix_end("2201"), "2202");
        assert_eq!(prefix_end("220199"), "220200");
    }
}
