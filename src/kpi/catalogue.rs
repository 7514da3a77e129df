//! The indicator catalogue (`supervision.md` §3): every dated numeric target of the programme and
//! the trend lines beside them, as code (static metadata and one source each), never typed
//! formulas. An indicator whose domain is not built yet has [`Source::NotBuilt`] and reports
//! `no_data`: never a made-up number.
use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;

use super::status::{Measure, Progress};

/// What a line's number is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum IndicatorUnit {
    /// Per mille (‰) of numerator ÷ denominator, rounded down.
    Permille,
    /// A count (person-times, rooms, talents).
    Count,
    /// Volunteer minutes.
    Minutes,
    /// Display only: no number of its own.
    None,
}

/// The places a coverage indicator counts (its denominator) and its gaps list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PlaceKind {
    Township,
    Village,
    LocalUnit,
    TopLevelUnit,
}

/// Where a line's numbers come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The domain is not on this server yet: `no_data` (the name says which).
    NotBuilt(&'static str),
    /// Villages with ≥1 verified talent homed there.
    VillageTalent,
    /// Villages with ≥1 verified talent of the category `e_commerce_talent`.
    VillageEcommerceTalent,
    /// Completions of `ecommerce_livestream` trainings in [baseline, due], by home region, plus
    /// the person-times of approved or accepted manual reports of offline joint trainings whose
    /// period ends in that window.
    EcommerceTrainings,
    /// Approved or accepted manual reports of the indicator whose period ends in the year of the
    /// date: the line's numerator and denominator are two of their fields, the breakdown all.
    ManualReports {
        numerator: &'static str,
        denominator: &'static str,
    },
    /// Completions of `qingma` trainings in the year of the date.
    QingmaYear,
    /// Completions ÷ enrolments per training category.
    TrainingCompletion,
    /// Verified talents per category.
    VerifiedTalents,
    /// Volunteer minutes per category in the year of the date.
    VolunteerMinutes,
    /// Loans paid out (银团合作) in the year of the date, per purpose, by the applicant's home.
    LoansYear,
    /// 返家乡 students placed (a confirmed placement, whatever became of it) in the year of the
    /// date, per position category, by the position's place.
    PracticeYear,
    /// Startup leaders (乡村创业青年骨干) with a mentor ÷ startup leaders, by home region
    /// (`mentoring::coverage`, as `GET /admin/mentoring/stats`).
    StartupLeaderMentors,
    /// 县域团属青年创业组织 with a mentor ÷ those organisations, by their unit.
    CountyOrgMentors,
    /// Top-level units with an active verified city-level 农村致富带头人组织 ÷ top-level units.
    LeaderOrgCity,
    /// Local units (county scope) with an active verified county-level 农村致富带头人组织 (梅河口
    /// and 长白山: city-level) ÷ local units.
    LeaderOrgCounty,
    /// Townships with ≥1 `operating`, verified Youth Home (`youth_homes`).
    YouthHomes,
    /// Townships with ≥1 `active`, verified signature project (`signature_projects`).
    SignatureProjects,
    /// 希望小屋 `completed` or `in_service` with `completed_on` in [baseline, due], by place.
    HopeRooms,
    /// Townships or villages (the line's places) with ≥1 talent homed there holding a confirmed
    /// recognition (confirmed and not revoked, `recognitions`).
    Recognitions,
    /// Display only: the lines named in `components`.
    Pattern,
}

/// How a ratio's line is formed above the local units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RollUp {
    /// The places pooled: the sum of the numerators ÷ the sum of the denominators, at every
    /// level.
    Pooled,
    /// Per local unit over its places, judged against the local unit's own target; a unit above
    /// the local units counts its local units meeting their target ÷ its local units, against
    /// the fixed `target` (‰; targets are set for local units only), the pooled ratio beside it
    /// (`signature_project_share`: 「县域内60%以上乡镇团委……」 is a goal per county).
    LocalUnitsMeetingTarget { target: i64 },
}

/// One indicator of the catalogue.
#[derive(Debug, Clone, Copy)]
pub struct Indicator {
    pub code: &'static str,
    pub name: &'static str,
    pub unit: IndicatorUnit,
    pub programme_quote: &'static str,
    pub measure: Measure,
    pub progress: Progress,
    /// The places a ratio counts (also what `/gaps` lists).
    pub places: Option<PlaceKind>,
    /// Default targets `(due, value)`; counts apply them to the province only.
    pub defaults: &'static [(i32, u32, u32, i64)],
    pub source: Source,
    /// For display-only lines: the lines they put side by side.
    pub components: &'static [&'static str],
    /// A trend line: never a target.
    pub trend: bool,
    /// How the line is formed above the local units.
    pub roll_up: RollUp,
}

impl Indicator {
    pub fn default_goals(&self) -> Vec<super::status::Goal> {
        self.defaults
            .iter()
            .filter_map(|(y, m, d, v)| {
                NaiveDate::from_ymd_opt(*y, *m, *d)
                    .map(|due_on| super::status::Goal { due_on, value: *v })
            })
            .collect()
    }

    pub fn is_built(&self) -> bool {
        !matches!(self.source, Source::NotBuilt(_))
    }

    /// Whether a cadre may set targets for it.
    pub fn takes_targets(&self) -> bool {
        !self.trend && self.unit != IndicatorUnit::None
    }

    /// The fixed target (‰) of the units above the local units, for a line counted as local
    /// units meeting their target; `None` for pooled lines.
    pub fn above_local_target(&self) -> Option<i64> {
        match self.roll_up {
            RollUp::Pooled => None,
            RollUp::LocalUnitsMeetingTarget { target } => Some(target),
        }
    }
}

const fn coverage(
    code: &'static str,
    name: &'static str,
    quote: &'static str,
    places: PlaceKind,
    defaults: &'static [(i32, u32, u32, i64)],
    source: Source,
) -> Indicator {
    Indicator {
        code,
        name,
        unit: IndicatorUnit::Permille,
        programme_quote: quote,
        measure: Measure::Ratio,
        progress: Progress::Coverage,
        places: Some(places),
        defaults,
        source,
        components: &[],
        trend: false,
        roll_up: RollUp::Pooled,
    }
}

const fn trend(
    code: &'static str,
    name: &'static str,
    quote: &'static str,
    unit: IndicatorUnit,
    source: Source,
) -> Indicator {
    Indicator {
        code,
        name,
        unit,
        programme_quote: quote,
        measure: Measure::Count,
        progress: Progress::Cumulative,
        places: None,
        defaults: &[],
        source,
        components: &[],
        trend: true,
        roll_up: RollUp::Pooled,
    }
}

const Q_LEADER_ORG: &str = "到2023年，市、县两级农村致富带头人组织全面覆盖";
const Q_GOOD_YOUTH: &str = "到2025年，实现“村村都有好青年”目标";
const Q_YOUTH_HOME: &str =
    "到2023年，实现“青年之家”建设覆盖80%的乡镇……到2025年，实现乡镇“青年之家”建设全覆盖";
const Q_SIGNATURE: &str = "县域内60%以上乡镇团委至少有1个标志性服务项目；到2025年……县域内80%以上乡镇团委至少有1个标志性服务项目";
const Q_ECOMMERCE: &str = "到2023年,培训乡村电商领域青年5000人次";
const Q_ECOMMERCE_TALENT: &str = "到2025年,力争为每个村培养1名青年电商人才";
const Q_TYPICAL: &str =
    "到2023年，力争每个乡镇有1名以上乡村振兴青年典型；到2025年，每个村有1名以上乡村振兴青年典型";
const Q_HOPE: &str = "到 2025 年，打造不少于 100 个“希望小屋”";
const Q_MENTOR: &str =
    "力争为每名乡村创业青年骨干、每个县域团属青年创业组织至少分别配备1名创业导师";

/// Every indicator, in report order.
pub static CATALOGUE: &[Indicator] = &[
    coverage(
        "leader_org_city_coverage",
        "市级农村致富带头人组织覆盖率",
        Q_LEADER_ORG,
        PlaceKind::TopLevelUnit,
        &[(2023, 12, 31, 1000)],
        Source::LeaderOrgCity,
    ),
    coverage(
        "leader_org_county_coverage",
        "县级农村致富带头人组织覆盖率",
        Q_LEADER_ORG,
        PlaceKind::LocalUnit,
        &[(2023, 12, 31, 1000)],
        Source::LeaderOrgCounty,
    ),
    coverage(
        "village_talent_coverage",
        "村村都有好青年（有认定人才的村占比）",
        Q_GOOD_YOUTH,
        PlaceKind::Village,
        &[(2025, 12, 31, 1000)],
        Source::VillageTalent,
    ),
    coverage(
        "youth_home_township_coverage",
        "乡镇“青年之家”覆盖率",
        Q_YOUTH_HOME,
        PlaceKind::Township,
        &[(2023, 12, 31, 800), (2025, 12, 31, 1000)],
        Source::YouthHomes,
    ),
    // Per local unit; above them, the local units meeting their target (target 1000 ‰).
    Indicator {
        roll_up: RollUp::LocalUnitsMeetingTarget { target: 1000 },
        ..coverage(
            "signature_project_share",
            "有标志性服务项目的乡镇占比",
            Q_SIGNATURE,
            PlaceKind::Township,
            &[(2023, 12, 31, 600), (2025, 12, 31, 800)],
            Source::SignatureProjects,
        )
    },
    Indicator {
        code: "ecommerce_training_person_times",
        name: "乡村电商领域青年培训人次",
        unit: IndicatorUnit::Count,
        programme_quote: Q_ECOMMERCE,
        measure: Measure::Count,
        progress: Progress::Cumulative,
        places: None,
        defaults: &[(2023, 12, 31, 5000)],
        source: Source::EcommerceTrainings,
        components: &[],
        trend: false,
        roll_up: RollUp::Pooled,
    },
    coverage(
        "village_ecommerce_talent_coverage",
        "有青年电商人才的村占比",
        Q_ECOMMERCE_TALENT,
        PlaceKind::Village,
        &[(2025, 12, 31, 1000)],
        Source::VillageEcommerceTalent,
    ),
    coverage(
        "township_typical_coverage",
        "有乡村振兴青年典型的乡镇占比",
        Q_TYPICAL,
        PlaceKind::Township,
        &[(2023, 12, 31, 1000)],
        Source::Recognitions,
    ),
    coverage(
        "village_typical_coverage",
        "有乡村振兴青年典型的村占比",
        Q_TYPICAL,
        PlaceKind::Village,
        &[(2025, 12, 31, 1000)],
        Source::Recognitions,
    ),
    Indicator {
        code: "hope_rooms_built",
        name: "建成“希望小屋”数",
        unit: IndicatorUnit::Count,
        programme_quote: Q_HOPE,
        measure: Measure::Count,
        progress: Progress::Cumulative,
        places: None,
        defaults: &[(2025, 12, 31, 100)],
        source: Source::HopeRooms,
        components: &[],
        trend: false,
        roll_up: RollUp::Pooled,
    },
    // People, not places: no place list (`/gaps`) for it.
    Indicator {
        code: "startup_leader_mentor_coverage",
        name: "乡村创业青年骨干配备创业导师比例",
        unit: IndicatorUnit::Permille,
        programme_quote: Q_MENTOR,
        measure: Measure::Ratio,
        progress: Progress::Coverage,
        places: None,
        defaults: &[(2025, 12, 31, 1000)],
        source: Source::StartupLeaderMentors,
        components: &[],
        trend: false,
        roll_up: RollUp::Pooled,
    },
    coverage(
        "county_org_mentor_coverage",
        "县域团属青年创业组织配备创业导师比例",
        Q_MENTOR,
        PlaceKind::LocalUnit,
        &[(2025, 12, 31, 1000)],
        Source::CountyOrgMentors,
    ),
    Indicator {
        code: "pattern_2025",
        name: "“县县有组织、乡乡有阵地、村村有能人”工作格局",
        unit: IndicatorUnit::None,
        programme_quote: "到 2025 年……基本实现“县县有组织、乡乡有阵地、村村有能人”的工作格局",
        measure: Measure::Count,
        progress: Progress::Cumulative,
        places: None,
        defaults: &[],
        source: Source::Pattern,
        components: &[
            "leader_org_county_coverage",
            "youth_home_township_coverage",
            "village_talent_coverage",
        ],
        trend: false,
        roll_up: RollUp::Pooled,
    },
    Indicator {
        code: "youth_case_followup",
        name: "12355青少年个案跟进率（季度汇总）",
        unit: IndicatorUnit::Permille,
        programme_quote: "加大省 12355 青少年服务台建设力度,做好青少年个案维权办理跟进",
        measure: Measure::Ratio,
        progress: Progress::Coverage,
        places: None,
        defaults: &[],
        source: Source::ManualReports {
            numerator: "followedUpWithinSla",
            denominator: "referredToCounty",
        },
        components: &[],
        trend: true,
        roll_up: RollUp::Pooled,
    },
    trend(
        "qingma_completions",
        "“青马工程”结业人次（当年）",
        "深入实施“青马工程”，将乡村振兴青春建功行动工作内容纳入培训课程，逐步扩大培训规模",
        IndicatorUnit::Count,
        Source::QingmaYear,
    ),
    trend(
        "training_completion_rate",
        "培训结业率（结业人次 ÷ 报名人次）",
        "扩大培训覆盖面，保证培训效果",
        IndicatorUnit::Permille,
        Source::TrainingCompletion,
    ),
    trend(
        "verified_talents",
        "认定人才数（按类别）",
        "建立覆盖省市县三级的“青年人才库”",
        IndicatorUnit::Count,
        Source::VerifiedTalents,
    ),
    trend(
        "loans",
        "“银团合作”贷款放款笔数（当年，按用途）",
        "开展“银团合作”项目……为农村青年创业者提供资金帮扶",
        IndicatorUnit::Count,
        Source::LoansYear,
    ),
    trend(
        "practice",
        "返家乡社会实践上岗人数（当年，按类别）",
        "组织大学生利用假期返乡开展乡土调查、法治宣传、移风易俗等活动",
        IndicatorUnit::Count,
        Source::PracticeYear,
    ),
    trend(
        "volunteer_minutes",
        "志愿服务时长（分钟，当年，按类别）",
        "全面搭建创新创业、志愿服务、关爱帮扶、文明乡风四大平台",
        IndicatorUnit::Minutes,
        Source::VolunteerMinutes,
    ),
];

/// The indicator with this code.
pub fn find(code: &str) -> Option<&'static Indicator> {
    CATALOGUE.iter().find(|i| i.code == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_components_exist() {
        for (i, a) in CATALOGUE.iter().enumerate() {
            assert!(
                CATALOGUE[i + 1..].iter().all(|b| b.code != a.code),
                "{}",
                a.code
            );
            for c in a.components {
                assert!(find(c).is_some(), "{c}");
            }
            assert!(a.code.len() <= 48);
        }
    }

    #[test]
    fn every_dated_target_of_the_programme_is_in_the_catalogue() {
        let goals = |c: &str| {
            find(c)
                .unwrap()
                .default_goals()
                .iter()
                .map(|g| (g.due_on.to_string(), g.value))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            goals("youth_home_township_coverage"),
            [("2023-12-31".into(), 800), ("2025-12-31".into(), 1000)]
        );
        assert_eq!(
            goals("ecommerce_training_person_times"),
            [("2023-12-31".into(), 5000)]
        );
        assert_eq!(goals("hope_rooms_built"), [("2025-12-31".into(), 100)]);
        assert_eq!(
            goals("signature_project_share"),
            [("2023-12-31".into(), 600), ("2025-12-31".into(), 800)]
        );
        assert!(find("qingma_completions").unwrap().trend);
    }
}
