//! `GET /admin/mentoring/stats`: for the area and each child (league-unit roll-up), the mentors,
//! pairings and records, and the two coverages the programme asks for:
//! 「为每名乡村创业青年骨干、每个县域团属青年创业组织至少分别配备1名创业导师」.
//!
//! Attribution: talents by their current home region, pairings and records by the mentee's
//! region, mentors by their service unit and organisations by their unit (a place line — a
//! township — holds no mentor or county organisation, so there the children need not add up).
use std::collections::HashMap;

use actix_web::{get, web};
use chrono::{DateTime, Duration, Utc};
use entity::mentor_profiles::{self as profiles, Column as P, MentorStatus};
use entity::mentoring_records::{self as records, Column as MR, RecordStatus};
use entity::mentorship_requests::RequestKind;
use entity::mentorships::{self, Column as M, MentorshipStatus};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::coverage::{county_league_orgs, startup_leaders};
use crate::app_state::AppState;
use crate::auth::Cadre;
use crate::error::{ApiResult, ErrorEnvelope};
use crate::league::LeagueTree;
use crate::league::rollup::{Area, rollup};
use crate::talents::stats::permille;

/// Days the "recent" counts look back.
pub const RECENT_DAYS: i64 = 90;

#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct MentoringStatsQuery {
    /// A league unit code or a township inside the caller's unit (default: their unit).
    pub region: Option<String>,
}

/// One line: the area or a child.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MentoringStatsLine {
    pub code: String,
    pub name: String,
    /// Certified mentors whose service unit is this unit or lies below it (0 on place lines).
    pub certified_mentors: u64,
    /// Active long-term pairings of mentees living here.
    pub active_long_term: u64,
    /// Consultations started in the last 90 days.
    pub consultations_last90_days: u64,
    /// Confirmed and auto-confirmed guidance records of the last 90 days.
    pub records_last90_days: u64,
    /// 乡村创业青年骨干: verified talents with a startup-leader category.
    pub startup_leaders: u64,
    /// … with an active long-term pairing, or one completed in the last 365 days with at least
    /// one confirmed or auto-confirmed record.
    pub startup_leaders_with_mentor: u64,
    pub startup_leader_coverage_permille: u64,
    /// 县域团属青年创业组织: active, verified, league-affiliated county organisations of the
    /// three entrepreneurship kinds (梅河口 and 长白山: their city-level ones).
    pub county_league_orgs: u64,
    /// … with at least one active assignment of a certified mentor.
    pub county_league_orgs_with_mentor: u64,
    pub org_coverage_permille: u64,
}

impl MentoringStatsLine {
    fn finish(mut self) -> Self {
        self.startup_leader_coverage_permille =
            permille(self.startup_leaders_with_mentor, self.startup_leaders);
        self.org_coverage_permille =
            permille(self.county_league_orgs_with_mentor, self.county_league_orgs);
        self
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "area": {"code": "220102", "name": "南关区", "certifiedMentors": 3, "activeLongTerm": 5,
             "consultationsLast90Days": 2, "recordsLast90Days": 14, "startupLeaders": 4,
             "startupLeadersWithMentor": 1, "startupLeaderCoveragePermille": 250,
             "countyLeagueOrgs": 2, "countyLeagueOrgsWithMentor": 1, "orgCoveragePermille": 500},
    "children": []
}))]
pub struct MentoringStatsView {
    pub area: MentoringStatsLine,
    pub children: Vec<MentoringStatsLine>,
}

/// A line of the roll-up and the league unit it is, if it is one.
struct Line<'a> {
    area: &'a Area,
    unit: Option<&'a crate::league::LeagueUnit>,
    acc: MentoringStatsLine,
}

impl Line<'_> {
    fn holds_place(&self, code: &str) -> bool {
        self.area.scope.covers(code)
    }

    fn holds_unit(&self, tree: &LeagueTree, code: &str) -> bool {
        match (self.unit, tree.unit(code)) {
            (Some(line), Some(u)) => tree.is_within(u, line),
            _ => false,
        }
    }
}

type PairingRow = (Uuid, String, RequestKind, MentorshipStatus, DateTime<Utc>);

/// The mentoring stats of the caller's unit (or the `region` inside it) and of each child:
/// mentors, pairings, records, and the startup-leader and county-organisation coverages as
/// numerator, denominator and permille.
#[utoipa::path(
    tag = "mentoring",
    operation_id = "get_mentoring_stats",
    security(("bearer" = [])),
    params(MentoringStatsQuery),
    responses(
        (status = 200, body = MentoringStatsView),
        (status = 403, body = ErrorEnvelope, description = "OUTSIDE_REGION"),
        (status = 422, body = ErrorEnvelope, description = "region: UNKNOWN_REGION")
    )
)]
#[get("/admin/mentoring/stats")]
pub async fn get_mentoring_stats(
    state: web::Data<AppState>,
    cadre: Cadre,
    query: crate::input::Query<MentoringStatsQuery>,
) -> ApiResult<web::Json<MentoringStatsView>> {
    let roll = rollup(&state.db, &cadre, query.region.as_deref(), "region").await?;
    let tree = cadre.tree();
    let now = Utc::now();
    let recent = now - Duration::days(RECENT_DAYS);
    let line = |a: &Area| MentoringStatsLine {
        code: a.code.clone(),
        name: a.name.clone(),
        ..Default::default()
    };
    let mut area = Line {
        area: &roll.area,
        unit: tree.unit(&roll.area.code).map(|u| &**u),
        acc: line(&roll.area),
    };
    let mut children: Vec<Line> = roll
        .children
        .iter()
        .map(|a| Line {
            area: a,
            unit: tree.unit(&a.code).map(|u| &**u),
            acc: line(a),
        })
        .collect();
    // Units inside the area (a place area holds none).
    let within: Vec<String> = match area.unit {
        Some(u) => tree.codes_within(u),
        None => Vec::new(),
    };
    // Each place or unit falls in the area and at most one child.
    let mut each =
        |place: Option<&str>, unit: Option<&str>, add: &dyn Fn(&mut MentoringStatsLine)| {
            for l in std::iter::once(&mut area).chain(children.iter_mut()) {
                let holds = match (place, unit) {
                    (Some(p), _) => l.holds_place(p),
                    (None, Some(u)) => l.holds_unit(tree, u),
                    (None, None) => false,
                };
                if holds {
                    add(&mut l.acc);
                }
            }
        };

    // Mentors, by service unit (only units inside the area can fall in it).
    let mentor_units: Vec<String> = if within.is_empty() {
        Vec::new()
    } else {
        profiles::Entity::find()
            .select_only()
            .column(P::ServiceUnitCode)
            .filter(P::Status.eq(MentorStatus::Certified))
            .filter(P::ServiceUnitCode.is_in(within.clone()))
            .into_tuple()
            .all(&state.db)
            .await?
    };
    for u in &mentor_units {
        each(None, Some(u.as_str()), &|l| l.certified_mentors += 1);
    }

    // Pairings of mentees living in the area.
    let pairings: Vec<PairingRow> = mentorships::Entity::find()
        .select_only()
        .columns([M::Id, M::MenteeRegionCode, M::Kind, M::Status, M::StartedAt])
        .filter(roll.area.scope.condition(M::MenteeRegionCode))
        .into_tuple()
        .all(&state.db)
        .await?;
    let mut region_of: HashMap<Uuid, String> = HashMap::new();
    for (id, region, kind, status, started) in &pairings {
        region_of.insert(*id, region.clone());
        if *kind == RequestKind::LongTerm && *status == MentorshipStatus::Active {
            each(Some(region.as_str()), None, &|l| l.active_long_term += 1);
        }
        if *kind == RequestKind::Consultation && *started >= recent {
            each(Some(region.as_str()), None, &|l| {
                l.consultations_last90_days += 1
            });
        }
    }

    // Counted records of the last 90 days, by their pairing's mentee region.
    let recent_records: Vec<Uuid> = records::Entity::find()
        .select_only()
        .column(MR::MentorshipId)
        .filter(MR::Status.is_in([RecordStatus::Confirmed, RecordStatus::AutoConfirmed]))
        .filter(MR::OccurredAt.gte(recent))
        .filter(
            MR::MentorshipId.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(M::Id)
                    .from(mentorships::Entity)
                    .cond_where(roll.area.scope.condition(M::MenteeRegionCode))
                    .to_owned(),
            ),
        )
        .into_tuple()
        .all(&state.db)
        .await?;
    for m in &recent_records {
        if let Some(region) = region_of.get(m) {
            each(Some(region.as_str()), None, &|l| l.records_last90_days += 1);
        }
    }

    // Startup leaders, by home region; county league organisations, by unit.
    let leaders = startup_leaders(
        &state.db,
        &state.settings.mentoring.startup_leader_categories,
        &roll.area.scope,
        now,
    )
    .await?;
    for (region, with) in &leaders {
        let with = *with;
        each(Some(region.as_str()), None, &|l| {
            l.startup_leaders += 1;
            if with {
                l.startup_leaders_with_mentor += 1;
            }
        });
    }
    for (unit, with) in county_league_orgs(&state.db, tree, within).await? {
        each(None, Some(unit.as_str()), &|l| {
            l.county_league_orgs += 1;
            if with {
                l.county_league_orgs_with_mentor += 1;
            }
        });
    }

    Ok(web::Json(MentoringStatsView {
        area: area.acc.finish(),
        children: children.into_iter().map(|l| l.acc.finish()).collect(),
    }))
}
