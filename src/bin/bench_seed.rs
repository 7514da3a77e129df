//! `jiqing-bench-seed`: fills a (separate!) database with a realistic province for the
//! benchmarks (`bench/leaderboards.sh`, `bench/soak.sh`) — youths with talent profiles spread over the real villages, and
//! verified volunteer-hour entries over the last two years — using multi-row INSERTs; optionally
//! loan applications (`bench/loans.sh`), mentors with requests (`bench/mentors.sh`) and 返家乡
//! positions with applications (`bench/practice.sh`).
use chrono::{Duration, Utc};
use entity::{
    regions, talent_profiles, users, volunteer_hour_entries as entries,
    volunteer_ledger_state as ledger_state,
};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect, Set,
};
use uuid::Uuid;

use clap::Parser;
use entity::talent_profiles::{Education, Gender, PoliticalStatus, TalentStatus};
use entity::volunteer_hour_entries::{EntrySource, VolunteerCategory};
use jiqing::app_state::AppState;
use jiqing::config::Settings;
use jiqing::crypto::DataCipher;

#[path = "bench_seed/loans.rs"]
mod loans;
#[path = "bench_seed/mentors.rs"]
mod mentors;
#[path = "bench_seed/practice.rs"]
mod practice;
#[path = "bench_seed/recognitions.rs"]
mod recognitions;
#[path = "bench_seed/registries.rs"]
mod registries;
#[path = "bench_seed/rng.rs"]
mod rng;

use rng::Rng;

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "林", "高", "金", "崔", "姜", "于", "董",
];
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
    "超", "秀", "霞", "平", "刚", "桂", "英", "华", "玉", "建", "国", "春", "雪", "松",
];
const CATEGORIES: &[(VolunteerCategory, &str)] = &[
    (VolunteerCategory::RiverPatrol, "河小青巡河护河"),
    (VolunteerCategory::ThreeReductions, "三减一节宣传"),
    (VolunteerCategory::PolicyLecture, "政策宣讲"),
    (VolunteerCategory::Medical, "义诊服务"),
    (VolunteerCategory::RuralTeaching, "乡村支教"),
    (VolunteerCategory::OnlineTutoring, "学伴+在线辅导"),
    (VolunteerCategory::ChildrensHarbour, "童心港湾陪伴"),
];

struct SeedReport {
    youths: u64,
    entries: u64,
    skipped: bool,
}

/// Insert `youths` youths and `entry_count` ledger entries, unless the ledger already holds at
/// least `entry_count` entries (then nothing is done).
async fn seed(
    db: &DatabaseConnection,
    cipher: &DataCipher,
    youths: u64,
    entry_count: u64,
) -> anyhow::Result<SeedReport> {
    let existing = entries::Entity::find().count(db).await?;
    if existing >= entry_count {
        return Ok(SeedReport {
            youths: talent_profiles::Entity::find().count(db).await?,
            entries: existing,
            skipped: true,
        });
    }
    anyhow::ensure!(
        existing == 0,
        "the ledger holds {existing} entries: seed an empty database"
    );
    let villages: Vec<String> = regions::Entity::find()
        .select_only()
        .column(regions::Column::Code)
        .filter(regions::Column::Level.eq("village"))
        .into_tuple()
        .all(db)
        .await?;
    anyhow::ensure!(
        !villages.is_empty(),
        "no villages: run the migrations first"
    );
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let now = Utc::now();
    let mut people: Vec<(Uuid, String)> = Vec::with_capacity(youths as usize);
    let mut batch_users = Vec::new();
    let mut batch_profiles = Vec::new();
    for i in 0..youths {
        let id = Uuid::now_v7();
        let village = villages[rng.below(villages.len() as u64) as usize].clone();
        let mut name = SURNAMES[rng.below(SURNAMES.len() as u64) as usize].to_owned();
        for _ in 0..(1 + rng.below(2)) {
            name.push_str(GIVEN[rng.below(GIVEN.len() as u64) as usize]);
        }
        let phone = format!("138{:08}", i);
        let id_number = format!("{}{:012}", &village[..6], i);
        let created = now - Duration::days(800);
        batch_users.push(users::ActiveModel {
            id: Set(id),
            openid: Set(Some(format!("dev_bench{i}"))),
            unionid: Set(None),
            session_key_enc: Set(None),
            username: Set(None),
            password_hash: Set(None),
            display_name: Set(name.clone()),
            phone_enc: Set(None),
            phone_index: Set(None),
            is_student: Set(false),
            is_mentor: Set(false),
            staff_role: Set(None),
            cadre_level: Set(None),
            region_code: Set(None),
            league_unit_id: Set(None),
            bank_id: Set(None),
            disabled: Set(false),
            created_at: Set(created),
            updated_at: Set(created),
        });
        batch_profiles.push(talent_profiles::ActiveModel {
            id: Set(Uuid::now_v7()),
            user_id: Set(id),
            real_name: Set(name),
            gender: Set(if rng.below(2) == 0 {
                Gender::Male
            } else {
                Gender::Female
            }),
            date_of_birth: Set(chrono::NaiveDate::from_ymd_opt(
                1990 + rng.below(15) as i32,
                1 + rng.below(12) as u32,
                1 + rng.below(28) as u32,
            )
            .unwrap_or_default()),
            phone_enc: Set(cipher.encrypt(&phone)),
            phone_index: Set(cipher.blind_index("phone", &phone)),
            id_number_enc: Set(cipher.encrypt(&id_number)),
            id_number_index: Set(cipher.blind_index("id_number", &id_number)),
            home_region_code: Set(village.clone()),
            education: Set(Education::HighSchool),
            industries: Set("[\"planting\"]".into()),
            categories: Set("[]".into()),
            business_name: Set(None),
            business_type: Set(None),
            political_status: Set(PoliticalStatus::LeagueMember),
            skills: Set("[]".into()),
            introduction: Set(String::new()),
            status: Set(TalentStatus::Verified),
            review_reason: Set(None),
            reviewed_by: Set(None),
            reviewed_at: Set(Some(created)),
            consent_version: Set("bench".into()),
            consent_at: Set(created),
            created_at: Set(created),
            updated_at: Set(created),
            version: Set(1),
        });
        people.push((id, village));
        if batch_users.len() == 1_000 {
            users::Entity::insert_many(std::mem::take(&mut batch_users))
                .exec_without_returning(db)
                .await?;
            talent_profiles::Entity::insert_many(std::mem::take(&mut batch_profiles))
                .exec_without_returning(db)
                .await?;
        }
    }
    if !batch_users.is_empty() {
        users::Entity::insert_many(batch_users)
            .exec_without_returning(db)
            .await?;
        talent_profiles::Entity::insert_many(batch_profiles)
            .exec_without_returning(db)
            .await?;
    }
    tracing::info!(youths, "youths inserted");

    let actor = people[0].0;
    let span_secs = 730 * 24 * 3600;
    let mut batch = Vec::with_capacity(2_000);
    for seq in 1..=entry_count as i64 {
        // Activity is skewed: a few youths volunteer a lot, most a little.
        let who = ((rng.unit().powi(2)) * people.len() as f64) as usize;
        let (user, village) = &people[who.min(people.len() - 1)];
        let (category, content) = CATEGORIES[rng.below(CATEGORIES.len() as u64) as usize];
        let served_at = now - Duration::seconds(rng.below(span_secs) as i64 + 60);
        batch.push(entries::ActiveModel {
            id: Set(Uuid::now_v7()),
            seq: Set(seq),
            user_id: Set(*user),
            minutes: Set(30 + rng.below(451) as i32),
            region_code: Set(village.clone()),
            served_at: Set(served_at),
            source: Set(if rng.below(3) == 0 {
                EntrySource::SelfReport
            } else {
                EntrySource::Checkin
            }),
            category: Set(category),
            content: Set(content.into()),
            activity_id: Set(None),
            report_id: Set(None),
            reverses_entry_id: Set(None),
            actor_id: Set(actor),
            reason: Set(None),
            board_applied: Set(true),
            created_at: Set(served_at),
        });
        if batch.len() == 2_000 {
            entries::Entity::insert_many(std::mem::take(&mut batch))
                .exec_without_returning(db)
                .await?;
            if seq % 100_000 == 0 {
                tracing::info!(seq, "ledger entries inserted");
            }
        }
    }
    if !batch.is_empty() {
        entries::Entity::insert_many(batch)
            .exec_without_returning(db)
            .await?;
    }
    ledger_state::Entity::update_many()
        .col_expr(
            ledger_state::Column::LastSeq,
            Expr::value(entry_count as i64),
        )
        .filter(ledger_state::Column::Id.eq(1))
        .exec(db)
        .await?;
    if db.get_database_backend() == sea_orm::DbBackend::Postgres {
        use sea_orm::ConnectionTrait;
        db.execute_unprepared("ANALYZE").await?;
    }
    Ok(SeedReport {
        youths,
        entries: entry_count,
        skipped: false,
    })
}

/// A separate program (not part of the server or its library): it writes synthetic people into
/// whatever `DATABASE_URL` names, so it must never ship with, or be reachable from, the service.
#[derive(Parser)]
#[command(
    name = "jiqing-bench-seed",
    about = "Fill a SEPARATE, empty database with a synthetic province for the benchmarks \
             (youths over the real villages, hour entries over two years, optionally loan \
             applications). Skips what is already filled."
)]
struct Cli {
    #[arg(long, default_value_t = 100_000)]
    youths: u64,
    #[arg(long, default_value_t = 1_000_000)]
    entries: u64,
    /// Loan applications (one per youth, with one bank and one province-wide product) for
    /// `bench/loans.sh`; 0 for none. Skipped when the table already holds as many.
    #[arg(long, default_value_t = 0)]
    loans: u64,
    /// Certified mentors over the province, city and county units for `bench/mentors.sh`; 0
    /// for none. Skipped when the table already holds as many.
    #[arg(long, default_value_t = 0)]
    mentors: u64,
    /// Mentorship requests (one per youth, with pairings and guidance records) seeded with the
    /// mentors.
    #[arg(long, default_value_t = 0)]
    mentor_requests: u64,
    /// 返家乡 positions of one open province-wide summer campaign (five per host unit) for
    /// `bench/practice.sh`; 0 for none. Skipped when the table already holds as many.
    #[arg(long, default_value_t = 0)]
    practice_positions: u64,
    /// Applications to them (students applying to up to 3 positions of their own local unit).
    #[arg(long, default_value_t = 0)]
    practice_applications: u64,
    /// 希望小屋 for the KPI benchmark, seeded with about one Youth Home per rural township and
    /// signature projects in two thirds of them; 0 for none. Skipped when homes are there.
    #[arg(long, default_value_t = 0)]
    hope_rooms: u64,
    /// Recognitions of verified talents (most confirmed) for the 青年典型 lines of the KPI
    /// benchmark; 0 for none. Skipped when the table holds some.
    #[arg(long, default_value_t = 0)]
    recognitions: u64,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let settings = Settings::from_env()?;
    let state = AppState::connect(settings).await?;
    let started = std::time::Instant::now();
    let report = seed(&state.db, &state.cipher, cli.youths, cli.entries).await?;
    if report.skipped {
        println!(
            "already seeded: {} youths, {} ledger entries",
            report.youths, report.entries
        );
    } else {
        println!(
            "seeded {} youths and {} ledger entries in {:.1} s",
            report.youths,
            report.entries,
            started.elapsed().as_secs_f64()
        );
    }
    let started = std::time::Instant::now();
    let loans = loans::seed(&state.db, cli.loans).await?;
    if loans > 0 {
        if state.db.get_database_backend() == sea_orm::DbBackend::Postgres {
            use sea_orm::ConnectionTrait;
            state
                .db
                .execute_unprepared("ANALYZE loan_applications")
                .await?;
        }
        println!(
            "seeded {loans} loan applications in {:.1} s",
            started.elapsed().as_secs_f64()
        );
    }
    let started = std::time::Instant::now();
    let seeded = mentors::seed(
        &state.db,
        &state.cipher,
        &state.league,
        cli.mentors,
        cli.mentor_requests,
    )
    .await?;
    if seeded.mentors > 0 {
        if state.db.get_database_backend() == sea_orm::DbBackend::Postgres {
            use sea_orm::ConnectionTrait;
            state.db.execute_unprepared("ANALYZE").await?;
        }
        println!(
            "seeded {} mentors, {} requests, {} pairings, {} records in {:.1} s",
            seeded.mentors,
            seeded.requests,
            seeded.mentorships,
            seeded.records,
            started.elapsed().as_secs_f64()
        );
    }
    let started = std::time::Instant::now();
    let seeded = practice::seed(
        &state.db,
        &state.cipher,
        &state.league,
        cli.practice_positions,
        cli.practice_applications,
    )
    .await?;
    if seeded.positions > 0 {
        if state.db.get_database_backend() == sea_orm::DbBackend::Postgres {
            use sea_orm::ConnectionTrait;
            state.db.execute_unprepared("ANALYZE").await?;
        }
        println!(
            "seeded {} practice positions, {} applications of {} students in {:.1} s",
            seeded.positions,
            seeded.applications,
            seeded.students,
            started.elapsed().as_secs_f64()
        );
    }
    let started = std::time::Instant::now();
    let r = registries::seed(&state.db, cli.hope_rooms).await?;
    if r.homes > 0 {
        println!(
            "seeded {} youth homes, {} signature projects, {} hope rooms in {:.1} s",
            r.homes,
            r.projects,
            r.rooms,
            started.elapsed().as_secs_f64()
        );
    }
    let started = std::time::Instant::now();
    let n = recognitions::seed(&state.db, &state.league, cli.recognitions).await?;
    if n > 0 {
        println!(
            "seeded {n} recognitions in {:.1} s",
            started.elapsed().as_secs_f64()
        );
    }
    Ok(())
}
