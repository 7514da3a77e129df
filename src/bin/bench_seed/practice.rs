//! 返家乡 practice for `bench/practice.sh` (issue 12, "Performance"): one province-wide summer
//! campaign open for applications, one host unit per 5 positions at a random village (each with
//! a bound supervisor who logs in as `dev:benchhost<i>`), the positions, and students (`dev:
//! benchstu<i>`) homed over the real villages who applied to up to 3 positions of their own local
//! unit, the applications spread over the statuses an open campaign has (most waiting, some
//! offered, rejected, withdrawn or confirmed). Seats, the per-student counters and the
//! one-placement rule hold as the service keeps them.
use std::collections::HashMap;

use chrono::{Duration, Utc};
use entity::practice_applications::{self as apps, ApplicationStatus, DeciderKind};
use entity::practice_campaigns::{self as campaigns, CampaignStatus, Season};
use entity::practice_positions::{
    self as positions, PositionCategory, PositionMode, PositionStatus,
};
use entity::student_profiles::{self as students, DegreeLevel, Gender};
use entity::{
    host_supervisors, host_units, practice_student_campaigns as counters, regions, users,
};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use uuid::Uuid;

use jiqing::crypto::DataCipher;
use jiqing::league::LeagueTree;

use super::rng::Rng;

/// The campaign's name: `bench/practice.sh` finds it by this name.
pub const CAMPAIGN_NAME: &str = "返家乡社会实践（基准测试）";

const CATEGORIES: [PositionCategory; 6] = [
    PositionCategory::FieldSurvey,
    PositionCategory::LegalPublicity,
    PositionCategory::CustomsReform,
    PositionCategory::RuralRevitalisation,
    PositionCategory::Community,
    PositionCategory::Government,
];
const HOST_KINDS: [host_units::HostKind; 4] = [
    host_units::HostKind::VillageCommittee,
    host_units::HostKind::PartyGovernment,
    host_units::HostKind::Cooperative,
    host_units::HostKind::Enterprise,
];

#[derive(Default)]
pub struct Seeded {
    pub positions: u64,
    pub applications: u64,
    pub students: u64,
}

fn user(
    id: Uuid,
    openid: String,
    name: &str,
    student: bool,
    at: chrono::DateTime<Utc>,
) -> users::ActiveModel {
    users::ActiveModel {
        id: Set(id),
        openid: Set(Some(openid)),
        unionid: Set(None),
        session_key_enc: Set(None),
        username: Set(None),
        password_hash: Set(None),
        display_name: Set(name.to_owned()),
        phone_enc: Set(None),
        phone_index: Set(None),
        is_student: Set(student),
        is_mentor: Set(false),
        staff_role: Set(None),
        cadre_level: Set(None),
        region_code: Set(None),
        league_unit_id: Set(None),
        bank_id: Set(None),
        disabled: Set(false),
        created_at: Set(at),
        updated_at: Set(at),
    }
}

async fn flush<E, A>(db: &DatabaseConnection, batch: &mut Vec<A>) -> anyhow::Result<()>
where
    E: EntityTrait<ActiveModel = A>,
    A: sea_orm::ActiveModelTrait<Entity = E> + Send,
{
    if !batch.is_empty() {
        E::insert_many(std::mem::take(batch))
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// Insert the campaign, hosts, `position_count` positions and about `application_count`
/// applications unless the positions table already holds as many.
pub async fn seed(
    db: &DatabaseConnection,
    cipher: &DataCipher,
    tree: &LeagueTree,
    position_count: u64,
    application_count: u64,
) -> anyhow::Result<Seeded> {
    let mut out = Seeded::default();
    if position_count == 0 || positions::Entity::find().count(db).await? >= position_count {
        return Ok(out);
    }
    let now = Utc::now();
    let today = now.date_naive();
    let root = tree
        .root()
        .ok_or_else(|| anyhow::anyhow!("no league units: run the migrations first"))?;
    let cadre: Uuid = users::Entity::find()
        .select_only()
        .column(users::Column::Id)
        .order_by_asc(users::Column::CreatedAt)
        .into_tuple()
        .one(db)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no users: seed the youths first"))?;
    let villages: Vec<String> = regions::Entity::find()
        .select_only()
        .column(regions::Column::Code)
        .filter(regions::Column::Level.eq("village"))
        .order_by_asc(regions::Column::Code)
        .into_tuple()
        .all(db)
        .await?;
    let campaign_id = Uuid::now_v7();
    let starts_on = today + Duration::days(40);
    let ends_on = today + Duration::days(70);
    campaigns::Entity::insert(campaigns::ActiveModel {
        id: Set(campaign_id),
        name: Set(CAMPAIGN_NAME.into()),
        season: Set(Season::Summer),
        year: Set(chrono::Datelike::year(&starts_on)),
        area_unit_code: Set(root.code.clone()),
        applications_open_at: Set(now - Duration::days(10)),
        applications_close_at: Set(now + Duration::days(30)),
        practice_starts_on: Set(starts_on),
        practice_ends_on: Set(ends_on),
        min_days: Set(7),
        offer_valid_hours: Set(72),
        report_due_days: Set(14),
        excellent_cap_permille: Set(300),
        status: Set(CampaignStatus::Open),
        version: Set(2),
        created_by: Set(cadre),
        created_at: Set(now - Duration::days(20)),
        updated_at: Set(now - Duration::days(10)),
    })
    .exec_without_returning(db)
    .await?;

    let mut rng = Rng(0xA076_1D64_78BD_642F);
    // Hosts with their supervisors.
    let host_count = position_count.div_ceil(5);
    let mut hosts: Vec<(Uuid, String)> = Vec::with_capacity(host_count as usize);
    let (mut hu, mut su, mut hs) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..host_count {
        let id = Uuid::now_v7();
        let village = villages[rng.below(villages.len() as u64) as usize].clone();
        hu.push(host_units::ActiveModel {
            id: Set(id),
            name: Set(format!("基准测试接收单位{i}")),
            kind: Set(HOST_KINDS[(i % HOST_KINDS.len() as u64) as usize]),
            region_code: Set(village.clone()),
            address: Set("村委会办公室".into()),
            contact_name: Set("王主任".into()),
            contact_phone_enc: Set(cipher.encrypt(&format!("139{i:08}"))),
            status: Set(host_units::HostStatus::Active),
            version: Set(1),
            created_by: Set(cadre),
            created_at: Set(now - Duration::days(15)),
            updated_at: Set(now - Duration::days(15)),
        });
        let supervisor = Uuid::now_v7();
        su.push(user(
            supervisor,
            format!("dev_benchhost{i}"),
            "带教老师",
            false,
            now - Duration::days(15),
        ));
        hs.push(host_supervisors::ActiveModel {
            id: Set(Uuid::now_v7()),
            host_unit_id: Set(id),
            user_id: Set(Some(supervisor)),
            invited_by: Set(cadre),
            invite_code_hash: Set(format!("bench-used-{i}")),
            invite_expires_at: Set(now - Duration::days(8)),
            accepted_at: Set(Some(now - Duration::days(14))),
            revoked_at: Set(None),
            revoked_by: Set(None),
            created_at: Set(now - Duration::days(15)),
        });
        hosts.push((id, village));
        if hu.len() == 1_000 {
            flush(db, &mut hu).await?;
            flush(db, &mut su).await?;
            flush(db, &mut hs).await?;
        }
    }
    flush(db, &mut hu).await?;
    flush(db, &mut su).await?;
    flush(db, &mut hs).await?;

    // Positions: five per host, grouped by the local unit that owns their place.
    struct Seat {
        id: Uuid,
        host: Uuid,
        region: String,
        slots: i32,
        taken: i32,
    }
    let mut by_unit: HashMap<i32, Vec<usize>> = HashMap::new();
    let mut seats: Vec<Seat> = Vec::with_capacity(position_count as usize);
    let mut batch = Vec::with_capacity(1_000);
    for i in 0..position_count {
        let (host, region) = &hosts[(i / 5) as usize];
        let id = Uuid::now_v7();
        let slots = 1 + rng.below(10) as i32;
        let category = CATEGORIES[rng.below(CATEGORIES.len() as u64) as usize];
        if let Some(unit) = tree.owner(region) {
            by_unit.entry(unit.id).or_default().push(seats.len());
        }
        seats.push(Seat {
            id,
            host: *host,
            region: region.clone(),
            slots,
            taken: 0,
        });
        batch.push(positions::ActiveModel {
            id: Set(id),
            campaign_id: Set(campaign_id),
            host_unit_id: Set(*host),
            region_code: Set(region.clone()),
            title: Set(format!("乡村振兴实践岗{i}")),
            description: Set("走访农户、整理村史资料、协助开展法治宣传与移风易俗活动。".into()),
            category: Set(category),
            majors: Set("[]".into()),
            degree_levels: Set("[]".into()),
            slots: Set(slots),
            taken: Set(0),
            starts_on: Set(starts_on),
            ends_on: Set(ends_on),
            daily_hours: Set(6),
            mode: Set(PositionMode::Onsite),
            open_to_city: Set(rng.below(10) == 0),
            allowance_fen_per_day: Set(Some(3_000)),
            insurance_by_host: Set(false),
            status: Set(PositionStatus::Published),
            published_by: Set(Some(cadre)),
            published_at: Set(Some(now - Duration::days(10))),
            version: Set(2),
            created_by: Set(cadre),
            created_at: Set(now - Duration::days(12)),
            updated_at: Set(now - Duration::days(10)),
        });
        if batch.len() == 1_000 {
            flush(db, &mut batch).await?;
        }
    }
    flush(db, &mut batch).await?;
    out.positions = position_count;

    // Students applying to up to 3 positions of their own local unit.
    let (mut us, mut ps, mut aps, mut cs) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut i = 0u64;
    while out.applications < application_count {
        let village = &villages[rng.below(villages.len() as u64) as usize];
        let Some(choices) = tree.owner(village).and_then(|u| by_unit.get(&u.id)) else {
            continue;
        };
        let student = Uuid::now_v7();
        let at = now - Duration::days(9) + Duration::seconds(rng.below(8 * 86_400) as i64);
        us.push(user(student, format!("dev_benchstu{i}"), "学生", true, at));
        ps.push(students::ActiveModel {
            id: Set(Uuid::now_v7()),
            user_id: Set(student),
            real_name: Set(format!("学生{i}")),
            gender: Set(if rng.below(2) == 0 {
                Gender::Male
            } else {
                Gender::Female
            }),
            date_of_birth: Set(chrono::NaiveDate::from_ymd_opt(
                2003 + rng.below(4) as i32,
                1 + rng.below(12) as u32,
                1 + rng.below(28) as u32,
            )
            .unwrap_or_default()),
            school_name: Set("吉林大学".into()),
            school_province: Set("吉林省".into()),
            major: Set("农学".into()),
            degree_level: Set(DegreeLevel::Bachelor),
            enrollment_year: Set(2024),
            expected_graduation: Set("2028-06".into()),
            home_region_code: Set(village.clone()),
            student_number: Set(None),
            emergency_contact_name: Set(Some("家长".into())),
            emergency_contact_phone_enc: Set(Some(cipher.encrypt(&format!("137{i:08}")))),
            id_number_enc: Set(None),
            id_number_index: Set(None),
            id_number_consent_at: Set(None),
            consent_version: Set("bench".into()),
            consent_at: Set(at),
            verified: Set(false),
            version: Set(1),
            anonymised_at: Set(None),
            created_at: Set(at),
            updated_at: Set(at),
        });
        let wanted = (1 + rng.below(3)).min(choices.len() as u64);
        let mut picked: Vec<usize> = Vec::new();
        while (picked.len() as u64) < wanted {
            let p = choices[rng.below(choices.len() as u64) as usize];
            if !picked.contains(&p) {
                picked.push(p);
            }
        }
        let (mut open, mut placed) = (0, None);
        for p in picked {
            let seat = &mut seats[p];
            let roll = rng.below(100);
            let has_seat = seat.taken < seat.slots;
            let status = match roll {
                0..10 if has_seat && placed.is_none() => ApplicationStatus::Confirmed,
                10..18 if has_seat => ApplicationStatus::Offered,
                18..33 => ApplicationStatus::Rejected,
                33..38 => ApplicationStatus::Withdrawn,
                _ => ApplicationStatus::Submitted,
            };
            let id = Uuid::now_v7();
            let decided = !matches!(
                status,
                ApplicationStatus::Submitted | ApplicationStatus::Withdrawn
            );
            let offered = matches!(
                status,
                ApplicationStatus::Offered | ApplicationStatus::Confirmed
            );
            if offered {
                seat.taken += 1;
            }
            if status == ApplicationStatus::Confirmed {
                placed = Some(id);
            }
            if matches!(
                status,
                ApplicationStatus::Submitted | ApplicationStatus::Offered
            ) {
                open += 1;
            }
            let decided_at = at + Duration::hours(1 + rng.below(48) as i64);
            aps.push(apps::ActiveModel {
                id: Set(id),
                position_id: Set(seat.id),
                campaign_id: Set(campaign_id),
                host_unit_id: Set(seat.host),
                student_user_id: Set(student),
                region_code: Set(seat.region.clone()),
                home_region_code: Set(village.clone()),
                motivation: Set(Some(
                    "希望利用假期回到家乡，参与乡土调查，为家乡振兴出一份力。".into(),
                )),
                available_from: Set(None),
                available_to: Set(None),
                status: Set(status),
                offer_expires_at: Set(
                    (status == ApplicationStatus::Offered).then(|| now + Duration::hours(48))
                ),
                decided_by: Set(decided.then_some(cadre)),
                decided_by_kind: Set(decided.then_some(DeciderKind::Cadre)),
                decision_reason: Set((status == ApplicationStatus::Rejected)
                    .then(|| "专业与岗位要求不符".to_owned())),
                offered_at: Set(offered.then_some(decided_at)),
                confirmed_at: Set((status == ApplicationStatus::Confirmed)
                    .then(|| decided_at + Duration::hours(5))),
                started_at: Set(None),
                completed_at: Set(None),
                ended_at: Set(matches!(
                    status,
                    ApplicationStatus::Rejected | ApplicationStatus::Withdrawn
                )
                .then_some(decided_at)),
                dropped_reason: Set(None),
                idempotency_key: Set(None),
                request_hash: Set(None),
                version: Set(if decided { 2 } else { 1 }),
                anonymised_at: Set(None),
                created_at: Set(at),
                updated_at: Set(if decided { decided_at } else { at }),
            });
            out.applications += 1;
        }
        cs.push(counters::ActiveModel {
            student_user_id: Set(student),
            campaign_id: Set(campaign_id),
            open_applications: Set(open),
            placed_application_id: Set(placed),
        });
        out.students += 1;
        i += 1;
        if aps.len() >= 1_000 {
            flush(db, &mut us).await?;
            flush(db, &mut ps).await?;
            flush(db, &mut aps).await?;
            flush(db, &mut cs).await?;
        }
    }
    flush(db, &mut us).await?;
    flush(db, &mut ps).await?;
    flush(db, &mut aps).await?;
    flush(db, &mut cs).await?;
    // The seats the offers and placements hold (as the service counts them).
    db.execute_unprepared(
        "UPDATE practice_positions SET taken = (SELECT count(*) FROM practice_applications a \
         WHERE a.position_id = practice_positions.id \
         AND a.status IN ('offered', 'confirmed', 'on_duty', 'completed', 'certified', 'dropped'))",
    )
    .await?;
    Ok(out)
}
