//! The facts behind the programme's coverage figures, shared by `GET /admin/mentoring/stats`
//! (`stats.rs`) and the KPI lines (`kpi/sources.rs`), so both count the same way:
//! - 乡村创业青年骨干 with a mentor (「为每名乡村创业青年骨干……配备1名创业导师」);
//! - 县域团属青年创业组织 with a mentor;
//! - league units with a 农村致富带头人组织 (「市、县两级农村致富带头人组织全面覆盖」).
use std::collections::HashSet;

use chrono::{DateTime, Duration, Utc};
use entity::mentor_profiles::{self as profiles, Column as P, MentorStatus};
use entity::mentorship_requests::RequestKind;
use entity::mentorships::{self, Column as M, MentorshipStatus};
use entity::org_mentor_assignments::{self as assignments, Column as OA};
use entity::talent_profiles::{self as talents, Column as T, TalentStatus};
use entity::youth_organisations::{self as orgs, Column as O, OrgKind, OrgLevel, OrgStatus};
use sea_orm::sea_query::{Condition, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use uuid::Uuid;

use super::queries::json_list;
use crate::error::ApiResult;
use crate::league::{LeagueTree, LeagueUnit, UnitScope};

/// A completed pairing covers a startup leader for this many days after it ended.
pub const COVERED_AFTER_COMPLETION_DAYS: i64 = 365;

/// Units without units below them: the county units, 梅河口 and 长白山.
pub fn is_local_unit(tree: &LeagueTree, unit: &LeagueUnit) -> bool {
    tree.children(&unit.code).is_empty() && unit.parent_code.is_some()
}

/// The startup leaders homed inside `scope` (verified talents with a category of
/// `categories`), each as `(home region code, has a mentor)`. A mentor covers a leader by an
/// active long-term pairing, or one completed in the last 365 days with at least one confirmed
/// or auto-confirmed record (the daily job completes pairings without records too). Pairings
/// count where the mentee lived when asking, as every mentoring figure does.
pub async fn startup_leaders(
    db: &impl ConnectionTrait,
    categories: &[String],
    scope: &UnitScope,
    now: DateTime<Utc>,
) -> ApiResult<Vec<(String, bool)>> {
    if categories.is_empty() {
        return Ok(Vec::new());
    }
    let covered_since = now - Duration::days(COVERED_AFTER_COMPLETION_DAYS);
    let mentored: HashSet<Uuid> = mentorships::Entity::find()
        .select_only()
        .column(M::MenteeUserId)
        .filter(M::Kind.eq(RequestKind::LongTerm))
        .filter(M::MenteeUserId.is_not_null())
        .filter(
            Condition::any()
                .add(M::Status.eq(MentorshipStatus::Active))
                .add(
                    Condition::all()
                        .add(M::Status.eq(MentorshipStatus::Completed))
                        .add(M::CountedRecords.gte(1))
                        .add(M::EndedAt.gte(covered_since)),
                ),
        )
        .filter(scope.condition(M::MenteeRegionCode))
        .into_tuple::<Option<Uuid>>()
        .all(db)
        .await?
        .into_iter()
        .flatten()
        .collect();
    // The text filter narrows the rows; the stored list decides.
    let mut any_category = Condition::any();
    for c in categories {
        any_category = any_category.add(T::Categories.like(format!("%\"{c}\"%")));
    }
    let rows: Vec<(Uuid, String, String)> = talents::Entity::find()
        .select_only()
        .columns([T::UserId, T::HomeRegionCode, T::Categories])
        .filter(T::Status.eq(TalentStatus::Verified))
        .filter(scope.condition(T::HomeRegionCode))
        .filter(any_category)
        .into_tuple()
        .all(db)
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for (user, region, stored) in rows {
        let cats: Vec<String> = json_list("categories", &stored)?;
        if cats.iter().any(|c| categories.contains(c)) {
            out.push((region, mentored.contains(&user)));
        }
    }
    Ok(out)
}

/// `(id, kind, level, unit_code, league_affiliated, verified_at)` of an organisation.
type OrgTuple = (Uuid, OrgKind, OrgLevel, String, bool, Option<DateTime<Utc>>);

/// Whether an organisation counts as a 县域团属青年创业组织: active (the query's filter),
/// verified, league-affiliated, of the three entrepreneurship kinds, at county level (梅河口 and
/// 长白山, which have no county units: their city-level ones).
fn is_county_league_org(tree: &LeagueTree, o: &OrgTuple) -> bool {
    let (_, kind, level, unit_code, league_affiliated, verified_at) = o;
    let kind = matches!(
        kind,
        OrgKind::WealthLeaderOrg | OrgKind::EntrepreneurshipAssoc | OrgKind::EcommerceAssoc
    );
    let level = match level {
        OrgLevel::County => true,
        OrgLevel::City => tree.children(unit_code).is_empty(),
        _ => false,
    };
    kind && level && *league_affiliated && verified_at.is_some()
}

/// The 县域团属青年创业组织 of the units `within`, each as `(unit code, has an active assignment
/// of a certified mentor)`.
pub async fn county_league_orgs(
    db: &impl ConnectionTrait,
    tree: &LeagueTree,
    within: Vec<String>,
) -> ApiResult<Vec<(String, bool)>> {
    if within.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<OrgTuple> = orgs::Entity::find()
        .select_only()
        .columns([
            O::Id,
            O::Kind,
            O::Level,
            O::UnitCode,
            O::LeagueAffiliated,
            O::VerifiedAt,
        ])
        .filter(O::Status.eq(OrgStatus::Active))
        .filter(O::UnitCode.is_in(within))
        .into_tuple()
        .all(db)
        .await?;
    let counted: Vec<OrgTuple> = rows
        .into_iter()
        .filter(|o| is_county_league_org(tree, o))
        .collect();
    if counted.is_empty() {
        return Ok(Vec::new());
    }
    let with_mentor: HashSet<Uuid> = assignments::Entity::find()
        .select_only()
        .column(OA::OrgId)
        .filter(OA::OrgId.is_in(counted.iter().map(|o| o.0)))
        .filter(OA::EndedAt.is_null())
        .filter(
            OA::MentorProfileId.in_subquery(
                Query::select()
                    .column(P::Id)
                    .from(profiles::Entity)
                    .and_where(P::Status.eq(MentorStatus::Certified))
                    .to_owned(),
            ),
        )
        .into_tuple::<Uuid>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    Ok(counted
        .into_iter()
        .map(|o| {
            let with = with_mentor.contains(&o.0);
            (o.3, with)
        })
        .collect())
}

/// The units holding an active, verified 农村致富带头人组织 (`wealth_leader_org`) at `level`.
pub async fn units_with_leader_org(
    db: &impl ConnectionTrait,
    level: OrgLevel,
) -> ApiResult<HashSet<String>> {
    let codes: Vec<String> = orgs::Entity::find()
        .select_only()
        .column(O::UnitCode)
        .distinct()
        .filter(O::Status.eq(OrgStatus::Active))
        .filter(O::Kind.eq(OrgKind::WealthLeaderOrg))
        .filter(O::Level.eq(level))
        .filter(O::VerifiedAt.is_not_null())
        .into_tuple()
        .all(db)
        .await?;
    Ok(codes.into_iter().collect())
}
