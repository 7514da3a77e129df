//! Mentors for `bench/mentors.sh` (issue 10, "Performance"): certified mentors serving the
//! province, the top-level units and the county units, mentorship requests of the seeded youths
//! spread over the statuses a programme year leaves (a third of them paired, with guidance
//! records), a fifth of the youths made startup leaders, and one county league organisation per
//! local unit (every other one with a mentor), so `GET /mentors` and the coverage stats read
//! realistic tables.
use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use entity::mentor_profiles::{self as profiles, Expertise, MentorStatus, ServiceMode};
use entity::mentoring_records::{self as records, RecordMode, RecordStatus};
use entity::mentorship_requests::{self as requests, DeclineReason, RequestKind, RequestStatus};
use entity::mentorships::{self, EndedBy, MentorshipStatus};
use entity::users::CadreLevel;
use entity::youth_organisations::{self as orgs, OrgKind, OrgLevel, OrgStatus};
use entity::{mentee_counters, org_mentor_assignments as assignments, talent_profiles, users};
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use uuid::Uuid;

use jiqing::crypto::DataCipher;
use jiqing::league::LeagueTree;
use jiqing::talents::choices::Industry;

use super::rng::Rng;

const BATCH: usize = 1_000;
const EXPERTISE: &[&str] = &[
    "cultivation",
    "processing",
    "ecommerce_marketing",
    "branding",
    "finance",
    "law_policy",
    "management",
    "rural_tourism",
];
const TOPICS: &[Expertise] = &[
    Expertise::Cultivation,
    Expertise::Processing,
    Expertise::EcommerceMarketing,
    Expertise::Branding,
    Expertise::Finance,
    Expertise::Management,
];

/// Request statuses and their share (‰).
const MIX: &[(RequestStatus, u64)] = &[
    (RequestStatus::AwaitingAssignment, 40),
    (RequestStatus::Pending, 100),
    (RequestStatus::Accepted, 450),
    (RequestStatus::Declined, 120),
    (RequestStatus::Cancelled, 120),
    (RequestStatus::Expired, 170),
];

fn pick(rng: &mut Rng) -> RequestStatus {
    let mut n = rng.below(1000);
    for (status, share) in MIX {
        if n < *share {
            return *status;
        }
        n -= share;
    }
    RequestStatus::Expired
}

/// A JSON array of 1..=max distinct codes of `from`.
fn codes(rng: &mut Rng, from: &[&str], max: u64) -> String {
    let mut picked: Vec<&str> = Vec::new();
    for _ in 0..(1 + rng.below(max)) {
        let c = from[rng.below(from.len() as u64) as usize];
        if !picked.contains(&c) {
            picked.push(c);
        }
    }
    serde_json::to_string(&picked).unwrap_or_else(|_| "[]".into())
}

async fn flush<E, A>(db: &DatabaseConnection, batch: &mut Vec<A>) -> anyhow::Result<()>
where
    E: EntityTrait,
    A: sea_orm::ActiveModelTrait<Entity = E> + Send,
{
    if !batch.is_empty() {
        E::insert_many(std::mem::take(batch))
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

struct Mentor {
    id: Uuid,
    user_id: Uuid,
    capacity: i32,
    active: i32,
}

/// What was inserted (all zero when skipped).
#[derive(Debug, Default)]
pub struct Seeded {
    pub mentors: u64,
    pub requests: u64,
    pub mentorships: u64,
    pub records: u64,
}

/// Insert `mentor_count` certified mentors and `request_count` requests (each from a different
/// seeded youth) unless the tables already hold as many.
pub async fn seed(
    db: &DatabaseConnection,
    cipher: &DataCipher,
    tree: &LeagueTree,
    mentor_count: u64,
    request_count: u64,
) -> anyhow::Result<Seeded> {
    let mut out = Seeded::default();
    if mentor_count == 0 || profiles::Entity::find().count(db).await? >= mentor_count {
        return Ok(out);
    }
    let now = Utc::now();
    let cadre: Uuid = users::Entity::find()
        .select_only()
        .column(users::Column::Id)
        .order_by_asc(users::Column::CreatedAt)
        .into_tuple()
        .one(db)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no users: seed the youths first"))?;
    // Service units: 5 % the province, 25 % a top-level unit, 70 % a county unit.
    let units = tree.units();
    let root = tree
        .root()
        .ok_or_else(|| anyhow::anyhow!("no league units: run the migrations first"))?;
    let top: Vec<&str> = tree
        .children(&root.code)
        .iter()
        .map(|u| u.code.as_str())
        .collect();
    let counties: Vec<&str> = units
        .iter()
        .filter(|u| u.level == CadreLevel::County)
        .map(|u| u.code.as_str())
        .collect();
    let industries: Vec<&str> = Industry::ALL.iter().map(|i| i.as_str()).collect();
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    let mut mentors: Vec<Mentor> = Vec::with_capacity(mentor_count as usize);
    let mut by_unit: HashMap<String, Vec<usize>> = HashMap::new();
    let (mut batch_users, mut batch_profiles) = (Vec::new(), Vec::new());
    for i in 0..mentor_count {
        let roll = rng.below(100);
        let unit = if roll < 5 {
            root.code.as_str()
        } else if roll < 30 {
            top[rng.below(top.len() as u64) as usize]
        } else {
            counties[rng.below(counties.len() as u64) as usize]
        };
        let (user_id, id) = (Uuid::now_v7(), Uuid::now_v7());
        let name = format!("导师{i:05}");
        let phone = format!("139{i:08}");
        let created = now - Duration::days(400);
        batch_users.push(users::ActiveModel {
            id: Set(user_id),
            openid: Set(Some(format!("dev_benchmentor{i}"))),
            unionid: Set(None),
            session_key_enc: Set(None),
            username: Set(None),
            password_hash: Set(None),
            display_name: Set(name.clone()),
            phone_enc: Set(Some(cipher.encrypt(&phone))),
            phone_index: Set(None),
            is_student: Set(false),
            is_mentor: Set(true),
            staff_role: Set(None),
            cadre_level: Set(None),
            region_code: Set(None),
            league_unit_id: Set(None),
            bank_id: Set(None),
            disabled: Set(false),
            created_at: Set(created),
            updated_at: Set(created),
        });
        let capacity = [1, 2, 3, 5, 5, 5, 8, 10, 20][rng.below(9) as usize];
        let answered = rng.below(4) != 0;
        let ratings = rng.below(8) as i32;
        batch_profiles.push(profiles::ActiveModel {
            id: Set(id),
            user_id: Set(user_id),
            real_name: Set(name),
            organisation: Set(Some("吉林农业大学".into())),
            title: Set(Some("副教授".into())),
            expertise: Set(codes(&mut rng, EXPERTISE, 3)),
            industries: Set(codes(&mut rng, &industries, 2)),
            bio: Set("长期从事农业技术推广和青年创业指导。".into()),
            service_unit_code: Set(unit.to_owned()),
            service_modes: Set(codes(&mut rng, &["online", "phone", "on_site"], 3)),
            capacity: Set(capacity),
            active_mentees: Set(0),
            accepting: Set(rng.below(10) != 0),
            accepting_consultations: Set(rng.below(5) != 0),
            status: Set(MentorStatus::Certified),
            consent_version: Set("bench".into()),
            consent_at: Set(created),
            review_reason: Set(None),
            reviewed_by: Set(Some(cadre)),
            reviewed_at: Set(Some(created)),
            median_response_hours: Set(answered.then(|| 1 + rng.below(120) as i32)),
            completed_mentorships: Set(rng.below(15) as i32),
            rating_count: Set(ratings),
            rating_sum: Set(ratings * (3 + rng.below(3) as i32)),
            version: Set(2),
            created_at: Set(created),
            updated_at: Set(created),
        });
        by_unit
            .entry(unit.to_owned())
            .or_default()
            .push(mentors.len());
        mentors.push(Mentor {
            id,
            user_id,
            capacity,
            active: 0,
        });
        if batch_users.len() == BATCH {
            flush(db, &mut batch_users).await?;
            flush(db, &mut batch_profiles).await?;
        }
    }
    flush(db, &mut batch_users).await?;
    flush(db, &mut batch_profiles).await?;
    out.mentors = mentor_count;

    // Requests, one per youth, to a mentor serving the youth's home.
    let people: Vec<(Uuid, String)> = talent_profiles::Entity::find()
        .select_only()
        .column(talent_profiles::Column::UserId)
        .column(talent_profiles::Column::HomeRegionCode)
        .order_by_asc(talent_profiles::Column::Id)
        .limit(request_count)
        .into_tuple()
        .all(db)
        .await?;
    anyhow::ensure!(
        people.len() as u64 == request_count,
        "{request_count} requests need {request_count} youths; the database has {}",
        people.len()
    );
    let (mut reqs, mut pairs, mut recs, mut counters) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut leaders: Vec<Uuid> = Vec::new();
    for (i, (youth, home)) in people.into_iter().enumerate() {
        if i.is_multiple_of(5) {
            leaders.push(youth);
        }
        let serving: Vec<usize> = tree
            .codes_covering(&home)
            .iter()
            .filter_map(|c| by_unit.get(c))
            .flatten()
            .copied()
            .collect();
        let mut status = pick(&mut rng);
        if serving.is_empty() {
            status = RequestStatus::AwaitingAssignment;
        }
        let mentor = (status != RequestStatus::AwaitingAssignment)
            .then(|| serving[rng.below(serving.len() as u64) as usize]);
        let kind = if rng.below(10) < 7 {
            RequestKind::LongTerm
        } else {
            RequestKind::Consultation
        };
        let created = now - Duration::minutes(60 + rng.below(300 * 24 * 60) as i64);
        let pending_at = mentor.map(|_| created);
        let answered = created + Duration::hours(1 + rng.below(96) as i64);
        let open = matches!(
            status,
            RequestStatus::AwaitingAssignment | RequestStatus::Pending
        );
        let closed_at = (!open).then_some(match status {
            RequestStatus::Expired => created + Duration::days(7),
            _ => answered,
        });
        let id = Uuid::now_v7();
        reqs.push(requests::ActiveModel {
            id: Set(id),
            mentee_user_id: Set(Some(youth)),
            mentor_profile_id: Set(mentor.map(|m| mentors[m].id)),
            origin_request_id: Set(None),
            kind: Set(kind),
            topic: Set(TOPICS[rng.below(TOPICS.len() as u64) as usize]),
            description: Set(Some("想学习种植和销售方面的经验，扩大经营规模。".into())),
            preferred_mode: Set(ServiceMode::Online),
            mentee_region_code: Set(home.clone()),
            status: Set(status),
            expires_at: Set((status == RequestStatus::Pending)
                .then(|| now + Duration::hours(1 + rng.below(160) as i64))),
            pending_at: Set(pending_at),
            assigned_by: Set(None),
            assigned_at: Set(None),
            responded_at: Set(
                matches!(status, RequestStatus::Accepted | RequestStatus::Declined)
                    .then_some(answered),
            ),
            response_reason_code: Set(
                (status == RequestStatus::Declined).then_some(DeclineReason::Schedule)
            ),
            response_note: Set(None),
            closed_at: Set(closed_at),
            idempotency_key: Set(None),
            request_hash: Set(None),
            version: Set(if open { 1 } else { 2 }),
            created_at: Set(created),
            updated_at: Set(closed_at.unwrap_or(created)),
            anonymised_at: Set(None),
        });
        let mut active_long_term = 0;
        if let (RequestStatus::Accepted, Some(m)) = (status, mentor) {
            let seat = kind == RequestKind::LongTerm && mentors[m].active < mentors[m].capacity;
            let p_status = if seat && rng.below(10) < 6 {
                mentors[m].active += 1;
                active_long_term = 1;
                MentorshipStatus::Active
            } else if kind == RequestKind::Consultation && rng.below(5) == 0 {
                MentorshipStatus::Active
            } else if rng.below(4) == 0 {
                MentorshipStatus::Ended
            } else {
                MentorshipStatus::Completed
            };
            let started = answered;
            let ended_at = (p_status != MentorshipStatus::Active)
                .then(|| started + Duration::days(20 + rng.below(120) as i64))
                .map(|e| e.min(now));
            let n_records = rng.below(4) as i32;
            let pairing = Uuid::now_v7();
            for r in 0..n_records {
                let at: DateTime<Utc> = started + Duration::days(3 + 7 * r as i64);
                let at = at.min(now);
                recs.push(records::ActiveModel {
                    id: Set(Uuid::now_v7()),
                    mentorship_id: Set(pairing),
                    mentor_user_id: Set(mentors[m].user_id),
                    occurred_at: Set(at),
                    mode: Set(RecordMode::OnSite),
                    minutes: Set(30 + rng.below(150) as i32),
                    summary: Set(Some("到田间查看长势，讲解病虫害防治。".into())),
                    photos: Set("[]".into()),
                    status: Set(RecordStatus::Confirmed),
                    confirm_due_at: Set(at + Duration::days(14)),
                    dispute_note: Set(None),
                    settled_by: Set(None),
                    settle_note: Set(None),
                    idempotency_key: Set(None),
                    request_hash: Set(None),
                    version: Set(2),
                    created_at: Set(at),
                    updated_at: Set(at),
                });
            }
            out.records += n_records as u64;
            pairs.push(mentorships::ActiveModel {
                id: Set(pairing),
                request_id: Set(id),
                mentor_profile_id: Set(mentors[m].id),
                mentee_user_id: Set(Some(youth)),
                mentee_region_code: Set(home.clone()),
                kind: Set(kind),
                status: Set(p_status),
                started_at: Set(started),
                planned_end_on: Set((started + Duration::days(
                    if kind == RequestKind::LongTerm { 183 } else { 30 },
                ))
                .date_naive()),
                extended: Set(false),
                ended_at: Set(ended_at),
                ended_by_kind: Set(
                    (p_status == MentorshipStatus::Ended).then_some(EndedBy::Mentee)
                ),
                end_reason: Set((p_status == MentorshipStatus::Ended).then(|| "外出务工".into())),
                mentor_summary: Set(None),
                records_count: Set(n_records),
                counted_records: Set(n_records),
                mentee_rating: Set(None),
                mentee_comment: Set(None),
                rated_at: Set(None),
                version: Set(1 + n_records),
                created_at: Set(started),
                updated_at: Set(ended_at.unwrap_or(started)),
                anonymised_at: Set(None),
            });
            out.mentorships += 1;
        }
        if open || active_long_term > 0 {
            counters.push(mentee_counters::ActiveModel {
                user_id: Set(youth),
                open_requests: Set(i32::from(open)),
                active_long_term: Set(active_long_term),
            });
        }
        if reqs.len() == BATCH {
            flush(db, &mut reqs).await?;
            flush(db, &mut pairs).await?;
            flush(db, &mut recs).await?;
            flush(db, &mut counters).await?;
        }
    }
    flush(db, &mut reqs).await?;
    flush(db, &mut pairs).await?;
    flush(db, &mut recs).await?;
    flush(db, &mut counters).await?;
    out.requests = request_count;
    for mentor in &mentors {
        if mentor.active > 0 {
            profiles::Entity::update_many()
                .col_expr(
                    profiles::Column::ActiveMentees,
                    sea_orm::sea_query::Expr::value(mentor.active),
                )
                .filter(profiles::Column::Id.eq(mentor.id))
                .exec(db)
                .await?;
        }
    }
    // A fifth of the requesting youths are startup leaders (the coverage's denominator).
    for chunk in leaders.chunks(BATCH) {
        talent_profiles::Entity::update_many()
            .col_expr(
                talent_profiles::Column::Categories,
                sea_orm::sea_query::Expr::value("[\"wealth_leader\"]"),
            )
            .filter(talent_profiles::Column::UserId.is_in(chunk.iter().copied()))
            .exec(db)
            .await?;
    }
    // One verified county league organisation per local unit, every other one with a mentor.
    let mut n = 0usize;
    for u in units
        .iter()
        .filter(|u| u.parent_code.is_some() && tree.children(&u.code).is_empty())
    {
        let org = Uuid::now_v7();
        let level = if u.level == CadreLevel::County {
            OrgLevel::County
        } else {
            OrgLevel::City
        };
        orgs::Entity::insert(orgs::ActiveModel {
            id: Set(org),
            name: Set(format!("{}青年创业协会", u.short_name)),
            kind: Set(OrgKind::EntrepreneurshipAssoc),
            level: Set(level),
            unit_code: Set(u.code.clone()),
            township_code: Set(None),
            league_affiliated: Set(true),
            registration_no: Set(None),
            founded_on: Set(None),
            members_count: Set(Some(50)),
            status: Set(OrgStatus::Active),
            dissolved_on: Set(None),
            dissolve_reason: Set(None),
            verified_by: Set(Some(cadre)),
            verified_at: Set(Some(now)),
            created_by: Set(cadre),
            version: Set(2),
            created_at: Set(now),
            updated_at: Set(now),
        })
        .exec_without_returning(db)
        .await?;
        n += 1;
        if let Some(m) = by_unit.get(&u.code).and_then(|v| v.first())
            && n.is_multiple_of(2)
        {
            assignments::Entity::insert(assignments::ActiveModel {
                id: Set(Uuid::now_v7()),
                org_id: Set(org),
                mentor_profile_id: Set(mentors[*m].id),
                assigned_by: Set(cadre),
                assigned_at: Set(now),
                ended_at: Set(None),
                ended_by_kind: Set(None),
                end_reason: Set(None),
            })
            .exec_without_returning(db)
            .await?;
        }
    }
    Ok(out)
}
