//! Which townships, villages and counties count in KPI denominators (`supervision.md` §2):
//! rural only by default, configurable, and echoed in every report as `scopes`.
//!
//! Pure rules on region codes, read from `JIQING_KPI_TOWNSHIP_SCOPE`, `JIQING_KPI_VILLAGE_SCOPE`
//! and `JIQING_KPI_COUNTY_SCOPE` in `config.rs`.
use serde::Serialize;
use utoipa::ToSchema;

/// Townships that count: by digits 7–9 of the code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TownshipScope {
    /// 镇 + 乡 (100–399): 613 in Jilin.
    Rural,
    /// Also other township-level units (100–599): 711.
    RuralPlusOther,
    /// Every township-level code (街道 too): 1,075.
    All,
}

/// Villages that count: by digits 10–12 of the code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum VillageScope {
    /// 村民委员会 (200–399): 9,321 in Jilin.
    VillageCommittees,
    /// Also other rural units (200–599): 9,589.
    RuralUnits,
    /// Every village-level code (社区居委会 too): 11,860.
    All,
}

/// Counties that count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CountyScope {
    /// GB/T 2260 counties: drops the development zones (`^\d{4}7\d$`): 60 in Jilin.
    Gb2260,
    /// Every county-level code: 69.
    All,
}

/// The three denominator scopes in force, as reports echo them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct KpiScopes {
    pub township: TownshipScope,
    pub village: VillageScope,
    pub county: CountyScope,
}

impl Default for KpiScopes {
    fn default() -> Self {
        Self {
            township: TownshipScope::Rural,
            village: VillageScope::VillageCommittees,
            county: CountyScope::Gb2260,
        }
    }
}

fn digits(code: &str, from: usize, to: usize) -> Option<u32> {
    code.get(from..to)?.parse().ok()
}

impl TownshipScope {
    pub fn parse(v: &str) -> Option<Self> {
        Some(match v {
            "rural" => Self::Rural,
            "rural_plus_other" => Self::RuralPlusOther,
            "all" => Self::All,
            _ => return None,
        })
    }

    /// Whether a 9-digit township code counts.
    pub fn counts(self, code: &str) -> bool {
        if code.len() != 9 {
            return false;
        }
        match (self, digits(code, 6, 9)) {
            (Self::All, Some(_)) => true,
            (Self::Rural, Some(d)) => (100..=399).contains(&d),
            (Self::RuralPlusOther, Some(d)) => (100..=599).contains(&d),
            _ => false,
        }
    }
}

impl VillageScope {
    pub fn parse(v: &str) -> Option<Self> {
        Some(match v {
            "village_committees" => Self::VillageCommittees,
            "rural_units" => Self::RuralUnits,
            "all" => Self::All,
            _ => return None,
        })
    }

    /// Whether a 12-digit village code counts.
    pub fn counts(self, code: &str) -> bool {
        if code.len() != 12 {
            return false;
        }
        match (self, digits(code, 9, 12)) {
            (Self::All, Some(_)) => true,
            (Self::VillageCommittees, Some(d)) => (200..=399).contains(&d),
            (Self::RuralUnits, Some(d)) => (200..=599).contains(&d),
            _ => false,
        }
    }
}

impl CountyScope {
    pub fn parse(v: &str) -> Option<Self> {
        Some(match v {
            "gb2260" => Self::Gb2260,
            "all" => Self::All,
            _ => return None,
        })
    }

    /// Whether a 6-digit county code counts.
    pub fn counts(self, code: &str) -> bool {
        if code.len() != 6 || code.ends_with("00") {
            return false;
        }
        match self {
            Self::All => true,
            Self::Gb2260 => code.as_bytes()[4] != b'7',
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_classify_codes_by_their_digits() {
        assert!(TownshipScope::Rural.counts("220102100"));
        assert!(!TownshipScope::Rural.counts("220102001"));
        assert!(!TownshipScope::Rural.counts("220102400"));
        assert!(TownshipScope::RuralPlusOther.counts("220102400"));
        assert!(TownshipScope::All.counts("220102001"));
        assert!(VillageScope::VillageCommittees.counts("220102100201"));
        assert!(!VillageScope::VillageCommittees.counts("220102100001"));
        assert!(VillageScope::RuralUnits.counts("220102100401"));
        assert!(VillageScope::All.counts("220102100001"));
        assert!(CountyScope::Gb2260.counts("220102"));
        assert!(!CountyScope::Gb2260.counts("220171"));
        assert!(CountyScope::All.counts("220171"));
        assert!(!CountyScope::All.counts("220100"));
    }

    /// `supervision.md` §2's counts for Jilin, on the region data the migration loads.
    #[test]
    fn the_scopes_count_the_documented_numbers_of_jilin() {
        let regions = migration::league_seed::regions();
        let count = |f: &dyn Fn(&str) -> bool| regions.iter().filter(|r| f(&r.code)).count();
        assert_eq!(count(&|c| TownshipScope::Rural.counts(c)), 613);
        assert_eq!(count(&|c| TownshipScope::RuralPlusOther.counts(c)), 711);
        assert_eq!(count(&|c| TownshipScope::All.counts(c)), 1_075);
        assert_eq!(count(&|c| VillageScope::VillageCommittees.counts(c)), 9_321);
        assert_eq!(count(&|c| VillageScope::RuralUnits.counts(c)), 9_589);
        assert_eq!(count(&|c| VillageScope::All.counts(c)), 11_860);
        assert_eq!(count(&|c| CountyScope::Gb2260.counts(c)), 60);
        assert_eq!(count(&|c| CountyScope::All.counts(c)), 69);
    }
}
