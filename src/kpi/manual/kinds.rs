//! What a manual report holds (`supervision.md` §3): the indicators only people can count, the
//! integer fields each declares, the period it covers (`2026-Q1`, or `2026` for a yearly kind),
//! and the rules its figures obey. Aggregates only: no field can hold a case or a person.
use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde_json::Value;

use crate::error::FieldError;
use crate::league::LeagueUnit;

/// The place a unit's manual reports are counted at: its own region code, or for a unit without
/// one (`CBS`) its first mapped area. A report then counts for its unit and every unit above it
/// (roll-ups and the tree's sums find it there), never for a place below the unit.
pub fn counted_at(unit: &LeagueUnit) -> String {
    unit.region_code()
        .map(str::to_owned)
        .or_else(|| unit.regions.first().cloned())
        .unwrap_or_else(|| unit.code.clone())
}

/// One integer field of a manual report's `values`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    /// The JSON key (camelCase).
    pub key: &'static str,
    pub label: &'static str,
}

/// How often a kind is reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Periodicity {
    Quarterly,
    Yearly,
}

/// An indicator fed by manual reports.
#[derive(Debug, Clone, Copy)]
pub struct ManualKind {
    pub indicator: &'static str,
    pub periodicity: Periodicity,
    pub fields: &'static [Field],
    /// `(smaller, larger)`: the first may never exceed the second.
    pub at_most: &'static [(&'static str, &'static str)],
    /// Whether every local unit owes one each period (a to-do until it is in).
    pub owed_by_local_units: bool,
}

const fn field(key: &'static str, label: &'static str) -> Field {
    Field { key, label }
}

/// The largest figure a field takes (a province-wide quarter stays far below it).
pub const VALUE_MAX: i64 = 10_000_000;

/// Offline joint e-commerce trainings (线下联合培训): person-times beside the platform's own
/// completions in `ecommerce_training_person_times`.
pub const ECOMMERCE_OFFLINE: ManualKind = ManualKind {
    indicator: "ecommerce_training_person_times",
    periodicity: Periodicity::Quarterly,
    fields: &[
        field("personTimes", "培训人次"),
        field("sessions", "培训场次"),
    ],
    at_most: &[],
    owed_by_local_units: false,
};

/// 12355 quarterly aggregates: counts only, never a case.
pub const YOUTH_CASE_FOLLOWUP: ManualKind = ManualKind {
    indicator: "youth_case_followup",
    periodicity: Periodicity::Quarterly,
    fields: &[
        field("received", "受理求助"),
        field("referredToCounty", "转介县级跟进"),
        field("followedUpWithinSla", "按时跟进"),
        field("closed", "办结"),
        field("crisisCases", "危机个案"),
        field("brandActivities", "品牌活动场次"),
        field("participants", "活动参与人次"),
    ],
    at_most: &[
        ("referredToCounty", "received"),
        ("followedUpWithinSla", "referredToCounty"),
        ("closed", "received"),
        ("crisisCases", "received"),
    ],
    owed_by_local_units: true,
};

pub static KINDS: &[ManualKind] = &[ECOMMERCE_OFFLINE, YOUTH_CASE_FOLLOWUP];

/// The manual kind of an indicator, if people report it.
pub fn find(indicator: &str) -> Option<&'static ManualKind> {
    KINDS.iter().find(|k| k.indicator == indicator)
}

/// A reporting period: a quarter or a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Period {
    pub year: i32,
    pub quarter: Option<u32>,
}

impl Period {
    /// `2026-Q1` or `2026` (years 2000–2099).
    pub fn parse(s: &str) -> Option<Self> {
        let (y, q) = match s.split_once("-Q") {
            Some((y, q)) => (y, Some(q)),
            None => (s, None),
        };
        if y.len() != 4 || !y.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let year: i32 = y.parse().ok().filter(|y| (2000..2100).contains(y))?;
        let quarter = match q {
            None => None,
            Some(q) if q.len() == 1 => Some(q.parse().ok().filter(|q| (1..=4).contains(q))?),
            Some(_) => return None,
        };
        Some(Self { year, quarter })
    }

    pub fn periodicity(self) -> Periodicity {
        match self.quarter {
            Some(_) => Periodicity::Quarterly,
            None => Periodicity::Yearly,
        }
    }

    /// The first day.
    pub fn start(self) -> NaiveDate {
        let month = self.quarter.map_or(1, |q| 3 * q - 2);
        NaiveDate::from_ymd_opt(self.year, month, 1).unwrap_or(NaiveDate::MIN)
    }

    /// The last day (China).
    pub fn end(self) -> NaiveDate {
        let (y, m) = match self.quarter {
            Some(4) | None => (self.year + 1, 1),
            Some(q) => (self.year, 3 * q + 1),
        };
        NaiveDate::from_ymd_opt(y, m, 1)
            .and_then(|d| d.pred_opt())
            .unwrap_or(NaiveDate::MAX)
    }

    /// The last period of this periodicity that ended before `today`.
    pub fn last_ended(periodicity: Periodicity, today: NaiveDate) -> Self {
        match periodicity {
            Periodicity::Yearly => Self {
                year: today.year() - 1,
                quarter: None,
            },
            Periodicity::Quarterly => {
                let q = (today.month() - 1) / 3 + 1;
                if q == 1 {
                    Self {
                        year: today.year() - 1,
                        quarter: Some(4),
                    }
                } else {
                    Self {
                        year: today.year(),
                        quarter: Some(q - 1),
                    }
                }
            }
        }
    }
}

impl std::fmt::Display for Period {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.quarter {
            Some(q) => write!(f, "{}-Q{q}", self.year),
            None => write!(f, "{}", self.year),
        }
    }
}

/// The period of a report of `kind`: the form, then reportable once over (a period still running
/// or to come → `RANGE`) and ending after the baseline (it could never count otherwise).
pub fn period(
    kind: &ManualKind,
    text: &str,
    today: NaiveDate,
    baseline: NaiveDate,
) -> Result<Period, FieldError> {
    let example = match kind.periodicity {
        Periodicity::Quarterly => "该指标按季度填报，格式如2026-Q1",
        Periodicity::Yearly => "该指标按年度填报，格式如2026",
    };
    let p = Period::parse(text.trim())
        .filter(|p| p.periodicity() == kind.periodicity)
        .ok_or_else(|| FieldError::new("period", "FORMAT", example))?;
    if p.end() >= today {
        return Err(FieldError::new(
            "period",
            "RANGE",
            "只能填报已经结束的期间，不能填报本期或未来期间",
        ));
    }
    if p.end() < baseline {
        return Err(FieldError::new(
            "period",
            "RANGE",
            format!("只能填报{baseline}以后结束的期间"),
        ));
    }
    Ok(p)
}

/// The figures of a report of `kind`: exactly its fields, each an integer 0–[`VALUE_MAX`], and
/// the `at_most` rules; every problem at once, on `values.<key>`.
pub fn values(kind: &ManualKind, given: &Value) -> Result<BTreeMap<String, i64>, Vec<FieldError>> {
    let mut errors = Vec::new();
    let Some(obj) = given.as_object() else {
        return Err(vec![FieldError::new(
            "values",
            "INVALID_TYPE",
            "请按指标的填报项填写数字",
        )]);
    };
    for key in obj.keys() {
        if !kind.fields.iter().any(|f| f.key == key) {
            errors.push(FieldError::new(
                &format!("values.{key}"),
                "UNKNOWN_FIELD",
                "该指标没有这一填报项",
            ));
        }
    }
    let mut out = BTreeMap::new();
    for f in kind.fields {
        let path = format!("values.{}", f.key);
        match obj.get(f.key) {
            None | Some(Value::Null) => errors.push(FieldError::new(
                &path,
                "REQUIRED",
                format!("请填写{}", f.label),
            )),
            Some(v) => match v.as_i64().filter(|n| (0..=VALUE_MAX).contains(n)) {
                Some(n) => {
                    out.insert(f.key.to_owned(), n);
                }
                None => errors.push(FieldError::new(
                    &path,
                    "RANGE",
                    format!("{}应为0至1000万之间的整数", f.label),
                )),
            },
        }
    }
    for (small, large) in kind.at_most {
        if let (Some(s), Some(l)) = (out.get(*small), out.get(*large))
            && s > l
        {
            let label = |k: &str| {
                kind.fields
                    .iter()
                    .find(|f| f.key == k)
                    .map_or("", |f| f.label)
            };
            errors.push(FieldError::new(
                &format!("values.{small}"),
                "RANGE",
                format!("{}不能大于{}", label(small), label(large)),
            ));
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn periods_parse_and_know_their_days() {
        let q1 = Period::parse("2026-Q1").unwrap();
        assert_eq!((q1.start(), q1.end()), (d(2026, 1, 1), d(2026, 3, 31)));
        let q4 = Period::parse("2025-Q4").unwrap();
        assert_eq!((q4.start(), q4.end()), (d(2025, 10, 1), d(2025, 12, 31)));
        let y = Period::parse("2024").unwrap();
        assert_eq!((y.start(), y.end()), (d(2024, 1, 1), d(2024, 12, 31)));
        assert_eq!(q1.to_string(), "2026-Q1");
        for bad in [
            "2026-Q5",
            "2026-Q0",
            "26-Q1",
            "2026Q1",
            "2026-Q12",
            "1999",
            "二〇二六",
            "",
        ] {
            assert_eq!(Period::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn only_ended_periods_after_the_baseline_are_reported() {
        let k = &YOUTH_CASE_FOLLOWUP;
        let today = d(2026, 11, 30);
        let base = d(2022, 8, 20);
        assert!(period(k, "2026-Q3", today, base).is_ok());
        assert_eq!(period(k, "2026-Q4", today, base).unwrap_err().code, "RANGE");
        assert_eq!(period(k, "2027-Q1", today, base).unwrap_err().code, "RANGE");
        assert_eq!(period(k, "2022-Q2", today, base).unwrap_err().code, "RANGE");
        assert!(period(k, "2022-Q3", today, base).is_ok());
        assert_eq!(period(k, "2025", today, base).unwrap_err().code, "FORMAT");
        // The last day of a quarter is still inside it.
        assert_eq!(
            period(k, "2026-Q3", d(2026, 9, 30), base).unwrap_err().code,
            "RANGE"
        );
    }

    #[test]
    fn the_last_ended_quarter() {
        let q = |y, m, day| Period::last_ended(Periodicity::Quarterly, d(y, m, day)).to_string();
        assert_eq!(q(2026, 11, 30), "2026-Q3");
        assert_eq!(q(2026, 1, 1), "2025-Q4");
        assert_eq!(q(2026, 4, 1), "2026-Q1");
    }

    #[test]
    fn values_are_exactly_the_declared_integers_and_obey_their_rules() {
        let ok = json!({"received": 40, "referredToCounty": 10, "followedUpWithinSla": 9,
                        "closed": 30, "crisisCases": 1, "brandActivities": 2, "participants": 300});
        assert_eq!(
            values(&YOUTH_CASE_FOLLOWUP, &ok).unwrap()["followedUpWithinSla"],
            9
        );
        let bad = json!({"received": 5, "referredToCounty": 10, "followedUpWithinSla": -1,
                         "closed": 1.5, "crisisCases": 1, "brandActivities": 2, "name": 3});
        let errors = values(&YOUTH_CASE_FOLLOWUP, &bad).unwrap_err();
        let got: Vec<(&str, &str)> = errors
            .iter()
            .map(|e| (e.field.as_str(), e.code.as_str()))
            .collect();
        assert!(got.contains(&("values.name", "UNKNOWN_FIELD")), "{got:?}");
        assert!(got.contains(&("values.followedUpWithinSla", "RANGE")));
        assert!(got.contains(&("values.closed", "RANGE")));
        assert!(got.contains(&("values.participants", "REQUIRED")));
        assert!(
            got.contains(&("values.referredToCounty", "RANGE")),
            "at most received"
        );
        assert_eq!(
            values(&ECOMMERCE_OFFLINE, &json!([1])).unwrap_err()[0].code,
            "INVALID_TYPE"
        );
    }
}
