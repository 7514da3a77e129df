//! Youth Homes, signature projects and 希望小屋 for the KPI benchmark (issue 13, "Performance":
//! "plus generated Youth Homes, projects and recognitions"): about one home per rural township
//! (most operating and verified, some planned, suspended or unverified), signature projects in
//! about two thirds of the townships, and rooms in villages over the programme's years, so the
//! coverage lines and `hope_rooms_built` read realistic tables.
use chrono::{Duration, NaiveDate, Utc};
use entity::hope_rooms::{self as rooms, HopeRoomStatus, RoomHostKind};
use entity::regions;
use entity::signature_projects::{
    self as projects, ProjectCategory, ProjectFrequency, ProjectStatus,
};
use entity::youth_homes::{self as homes, HomeHostKind, YouthHomeStatus};
use jiqing::kpi_scope::{TownshipScope, VillageScope};
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect, Set,
};
use uuid::Uuid;

use super::rng::Rng;

/// What was inserted.
pub struct Seeded {
    pub homes: u64,
    pub projects: u64,
    pub rooms: u64,
}

async fn codes(db: &DatabaseConnection, level: &str) -> anyhow::Result<Vec<String>> {
    let mut codes: Vec<String> = regions::Entity::find()
        .select_only()
        .column(regions::Column::Code)
        .filter(regions::Column::Level.eq(level))
        .into_tuple()
        .all(db)
        .await?;
    codes.sort();
    Ok(codes)
}

/// Seed the registries once (`rooms`: how many 希望小屋; 0 seeds nothing). Skipped when homes
/// are there already.
pub async fn seed(db: &DatabaseConnection, rooms_wanted: u64) -> anyhow::Result<Seeded> {
    let none = Seeded {
        homes: 0,
        projects: 0,
        rooms: 0,
    };
    if rooms_wanted == 0 || homes::Entity::find().count(db).await? > 0 {
        return Ok(none);
    }
    let mut rng = Rng(0x5EED_4E61_1A7E);
    let now = Utc::now();
    let maker = Uuid::now_v7();
    let checker = Uuid::now_v7();
    let townships: Vec<String> = codes(db, "township")
        .await?
        .into_iter()
        .filter(|c| TownshipScope::Rural.counts(c))
        .collect();
    let mut home_rows = Vec::new();
    let mut project_rows = Vec::new();
    for (i, t) in townships.iter().enumerate() {
        let roll = rng.below(100);
        if roll < 90 {
            let status = match roll {
                0..=74 => YouthHomeStatus::Operating,
                75..=81 => YouthHomeStatus::Planned,
                82..=86 => YouthHomeStatus::Suspended,
                _ => YouthHomeStatus::Closed,
            };
            let verified = rng.below(100) < 85;
            home_rows.push(homes::ActiveModel {
                id: Set(Uuid::now_v7()),
                name: Set(format!("青年之家{i:04}")),
                township_code: Set(t.clone()),
                village_code: Set(None),
                address: Set(Some("乡镇党群服务中心".into())),
                host_kind: Set(HomeHostKind::PartyServiceCentre),
                opened_on: Set((status != YouthHomeStatus::Planned)
                    .then(|| NaiveDate::from_ymd_opt(2023, 5, 4).unwrap_or_default())),
                cloud_platform_id: Set(Some(format!("BENCH{i:06}"))),
                photos: Set("[]".into()),
                status: Set(status),
                verified_by: Set(verified.then_some(checker)),
                verified_at: Set(verified.then_some(now)),
                last_check_at: Set(None),
                created_by: Set(maker),
                version: Set(2),
                created_at: Set(now - Duration::days(400)),
                updated_at: Set(now),
            });
        }
        if rng.below(100) < 66 {
            let active = rng.below(100) < 85;
            project_rows.push(projects::ActiveModel {
                id: Set(Uuid::now_v7()),
                township_code: Set(t.clone()),
                youth_home_id: Set(None),
                name: Set(format!("标志性服务项目{i:04}")),
                category: Set(ProjectCategory::ElderlyChildrenCare),
                description: Set(None),
                frequency: Set(ProjectFrequency::Monthly),
                started_on: Set(NaiveDate::from_ymd_opt(2023, 3, 1).unwrap_or_default()),
                ended_on: Set(None),
                status: Set(if active {
                    ProjectStatus::Active
                } else {
                    ProjectStatus::Proposed
                }),
                verified_by: Set(Some(checker)),
                verified_at: Set(Some(now)),
                created_by: Set(maker),
                version: Set(3),
                created_at: Set(now - Duration::days(300)),
                updated_at: Set(now),
            });
        }
    }
    let out = Seeded {
        homes: home_rows.len() as u64,
        projects: project_rows.len() as u64,
        rooms: rooms_wanted,
    };
    for chunk in home_rows.chunks(500) {
        homes::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(db)
            .await?;
    }
    for chunk in project_rows.chunks(500) {
        projects::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(db)
            .await?;
    }
    let villages: Vec<String> = codes(db, "village")
        .await?
        .into_iter()
        .filter(|c| VillageScope::VillageCommittees.counts(c))
        .collect();
    let baseline = NaiveDate::from_ymd_opt(2022, 9, 1).unwrap_or_default();
    let mut batch = Vec::new();
    for i in 0..rooms_wanted {
        let village = &villages[rng.below(villages.len() as u64) as usize];
        let status = match rng.below(10) {
            0 => HopeRoomStatus::UnderConstruction,
            1..=3 => HopeRoomStatus::Completed,
            _ => HopeRoomStatus::InService,
        };
        let built = status != HopeRoomStatus::UnderConstruction;
        batch.push(rooms::ActiveModel {
            id: Set(Uuid::now_v7()),
            name: Set(format!("希望小屋{i:05}")),
            host_kind: Set(RoomHostKind::School),
            school_name: Set(Some("村小学".into())),
            youth_home_id: Set(None),
            region_code: Set(village.clone()),
            features: Set("[\"arts\",\"reading\"]".into()),
            beneficiaries_count: Set(20 + rng.below(80) as i32),
            teacher_trainings_count: Set(rng.below(5) as i32),
            status: Set(status),
            created_by: Set(maker),
            accepted_by: Set(built.then_some(checker)),
            accepted_at: Set(built.then_some(now)),
            completed_on: Set(built.then(|| baseline + Duration::days(rng.below(1500) as i64))),
            photos: Set("[]".into()),
            photos_attestation: Set(true),
            version: Set(4),
            created_at: Set(now - Duration::days(500)),
            updated_at: Set(now),
        });
        if batch.len() == 500 {
            rooms::Entity::insert_many(std::mem::take(&mut batch))
                .exec_without_returning(db)
                .await?;
        }
    }
    if !batch.is_empty() {
        rooms::Entity::insert_many(batch)
            .exec_without_returning(db)
            .await?;
    }
    Ok(out)
}
