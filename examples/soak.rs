//! Mixed-traffic soak against running instances (see `bench/soak.sh`, which starts two of them on
//! PostgreSQL + Redis with the benchmark data and runs this).
//!
//! `SOAK_CONNECTIONS` clients (64) each send one request after another for `SOAK_SECONDS` (600)
//! (or, with `SOAK_RATE` steps a second in all, each on a fixed schedule), round-robin over the
//! instances in `SOAK_BASES`, picking every request from a day's mix:
//! 40 % leaderboards and lists, 20 % `/me` and notifications, 15 % training and activity
//! detail, 10 % training sign-ups and cancellations, 10 % volunteer reports and cadre approvals,
//! 5 % talent-profile saves and cadre searches. Per class it reports throughput, p50/p99 and
//! errors (anything but the expected 2xx/409), samples each instance's RSS (`SOAK_PIDS`) at
//! minutes 1, 2, 5 and 10 (scaled to shorter runs), then checks that the ledger, the enrollments
//! and the leaderboards agree exactly. Exits 1 when a goal is missed or a check fails.
//!
//! Environment: the servers' own (`DATABASE_URL`, `JIQING_DATA_KEY`, …) plus the above.
use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::Utc;
use entity::{training_enrollments, trainings, volunteer_activities, volunteer_signups};
use jiqing::config::Settings;
use jiqing::staff::{NewStaff, create_account, dto::StaffRole};
use rand::Rng;
use reqwest::{Method, StatusCode};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Statement};
use serde_json::{Value, json};
use uuid::Uuid;

const COUNTY: &str = "220102";
const PASSWORD: &str = "soak-password-1234";

fn env_num(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// What a request class is for the report, and whether its p99 goal applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Class {
    Boards,
    Lists,
    Me,
    Detail,
    Signups,
    Reports,
    Talents,
}

impl Class {
    fn name(self) -> &'static str {
        match self {
            Class::Boards => "leaderboards (volunteer-hours, regions)",
            Class::Lists => "lists (trainings, activities, enrollments)",
            Class::Me => "/me and notifications",
            Class::Detail => "training and activity detail",
            Class::Signups => "sign-ups (trainings, activities) and cancellations",
            Class::Reports => "volunteer reports and approvals",
            Class::Talents => "talent-profile saves and cadre searches",
        }
    }

    fn is_read(self) -> bool {
        matches!(
            self,
            Class::Boards | Class::Lists | Class::Me | Class::Detail
        )
    }
}

#[derive(Default)]
struct Tally {
    latencies: Vec<Duration>,
    unexpected: u64,
    server_errors: u64,
    samples: Vec<String>,
}

struct Shared {
    http: reqwest::Client,
    bases: Vec<String>,
    cadre: String,
    youths: Vec<String>,
    trainings: Vec<String>,
    activities: Vec<String>,
    /// Enrollments a youth may cancel: (youth index, enrollment id).
    enrolled: Mutex<VecDeque<(usize, String)>>,
    /// Reports waiting for the cadre.
    pending: Mutex<VecDeque<String>>,
    tallies: Mutex<BTreeMap<Class, Tally>>,
}

impl Shared {
    async fn call(
        &self,
        class: Class,
        method: Method,
        path: &str,
        token: &str,
        body: Option<Value>,
        ok: &[StatusCode],
    ) -> Option<Value> {
        let base = &self.bases[rand::rng().random_range(0..self.bases.len())];
        let mut req = self
            .http
            .request(method, format!("{base}{path}"))
            .bearer_auth(token);
        if let Some(b) = &body {
            req = req.json(b);
        }
        let started = Instant::now();
        let result = req.send().await;
        let (status, text) = match result {
            Ok(r) => {
                let s = r.status();
                (Some(s), r.text().await.unwrap_or_default())
            }
            Err(e) => (None, e.to_string()),
        };
        let took = started.elapsed();
        let mut tallies = self.tallies.lock().unwrap_or_else(|e| e.into_inner());
        let t = tallies.entry(class).or_default();
        t.latencies.push(took);
        let expected = status.is_some_and(|s| ok.contains(&s));
        if !expected {
            t.unexpected += 1;
            if status.is_none_or(|s| s.is_server_error()) {
                t.server_errors += 1;
            }
            if t.samples.len() < 5 {
                t.samples.push(format!(
                    "{path} → {}: {}",
                    status.map_or("no answer".into(), |s| s.to_string()),
                    text.chars().take(200).collect::<String>()
                ));
            }
            return None;
        }
        serde_json::from_str(&text).ok().or(Some(Value::Null))
    }
}

fn pick<T>(items: &[T]) -> &T {
    &items[rand::rng().random_range(0..items.len())]
}

/// One request (or a short sequence a person would make) from the mix.
async fn one(s: &Shared) {
    use StatusCode as S;
    let ok = [S::OK];
    let roll = rand::rng().random_range(0..100u32);
    let yi = rand::rng().random_range(0..s.youths.len());
    let youth = s.youths[yi].as_str();
    match roll {
        0..14 => {
            let path = format!(
                "/api/v1/leaderboards/volunteer-hours?region={COUNTY}&period={}&limit=50",
                pick(&["week", "month", "year", "all"])
            );
            s.call(Class::Boards, Method::GET, &path, youth, None, &ok)
                .await;
        }
        14..20 => {
            let path = format!(
                "/api/v1/leaderboards/regions?parent={}&period=month",
                pick(&["220000", "220100", COUNTY])
            );
            s.call(Class::Boards, Method::GET, &path, youth, None, &ok)
                .await;
        }
        20..27 => {
            s.call(
                Class::Lists,
                Method::GET,
                "/api/v1/trainings",
                youth,
                None,
                &ok,
            )
            .await;
        }
        27..34 => {
            s.call(
                Class::Lists,
                Method::GET,
                "/api/v1/volunteer/activities",
                youth,
                None,
                &ok,
            )
            .await;
        }
        34..40 => {
            s.call(
                Class::Lists,
                Method::GET,
                "/api/v1/me/enrollments",
                youth,
                None,
                &ok,
            )
            .await;
        }
        40..50 => {
            s.call(Class::Me, Method::GET, "/api/v1/me", youth, None, &ok)
                .await;
        }
        50..60 => {
            s.call(
                Class::Me,
                Method::GET,
                "/api/v1/me/notifications",
                youth,
                None,
                &ok,
            )
            .await;
        }
        60..68 => {
            let path = format!("/api/v1/trainings/{}", pick(&s.trainings));
            s.call(Class::Detail, Method::GET, &path, youth, None, &ok)
                .await;
        }
        68..75 => {
            let path = format!("/api/v1/volunteer/activities/{}", pick(&s.activities));
            s.call(Class::Detail, Method::GET, &path, youth, None, &ok)
                .await;
        }
        81..85 => {
            let path = format!(
                "/api/v1/volunteer/activities/{}/signups",
                pick(&s.activities)
            );
            s.call(
                Class::Signups,
                Method::POST,
                &path,
                youth,
                Some(json!({})),
                &[S::CREATED, S::CONFLICT],
            )
            .await;
        }
        75..81 => {
            let cancel = {
                let mut q = s.enrolled.lock().unwrap_or_else(|e| e.into_inner());
                if rand::rng().random_bool(0.5) {
                    q.pop_front()
                } else {
                    None
                }
            };
            match cancel {
                Some((who, id)) => {
                    let path = format!("/api/v1/me/enrollments/{id}/cancellations");
                    s.call(
                        Class::Signups,
                        Method::POST,
                        &path,
                        &s.youths[who],
                        Some(json!({})),
                        &ok,
                    )
                    .await;
                }
                None => {
                    let path = format!("/api/v1/trainings/{}/enrollments", pick(&s.trainings));
                    if let Some(e) = s
                        .call(
                            Class::Signups,
                            Method::POST,
                            &path,
                            youth,
                            Some(json!({})),
                            &[S::CREATED, S::CONFLICT],
                        )
                        .await
                        && let Some(id) = e["id"].as_str()
                    {
                        s.enrolled
                            .lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .push_back((yi, id.to_owned()));
                    }
                }
            }
        }
        85..90 => {
            let served =
                Utc::now() - chrono::Duration::minutes(rand::rng().random_range(60..60 * 24 * 20));
            let body = json!({"category": "rural_teaching", "content": "村小支教", "place": "其塔木镇中心小学",
                "servedAt": served.to_rfc3339(), "minutes": rand::rng().random_range(30..240),
                "description": "压测", "photos": []});
            if let Some(r) = s
                .call(
                    Class::Reports,
                    Method::POST,
                    "/api/v1/me/volunteer/reports",
                    youth,
                    Some(body),
                    &[S::CREATED, S::CONFLICT],
                )
                .await
                && let Some(id) = r["id"].as_str()
            {
                s.pending
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push_back(id.to_owned());
            }
        }
        90..95 => {
            let next = s
                .pending
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .pop_front();
            if let Some(id) = next {
                let path = format!("/api/v1/admin/volunteer/reports/{id}/reviews");
                s.call(
                    Class::Reports,
                    Method::POST,
                    &path,
                    &s.cadre,
                    Some(json!({"decision": "approve"})),
                    &[S::OK, S::CONFLICT],
                )
                .await;
            }
        }
        95..97 => {
            let path = format!(
                "/api/v1/admin/talents?keyword={}",
                pick(&["%E7%8E%8B", "%E6%9D%8E", "%E5%BC%A0"])
            );
            s.call(Class::Talents, Method::GET, &path, &s.cadre, None, &ok)
                .await;
        }
        _ => {
            // Re-save the own profile as the form would send it (ID number kept as stored).
            if let Some(p) = s
                .call(
                    Class::Talents,
                    Method::GET,
                    "/api/v1/me/talent-profile",
                    youth,
                    None,
                    &ok,
                )
                .await
            {
                let body = json!({
                    "realName": p["realName"], "gender": p["gender"], "dateOfBirth": p["dateOfBirth"],
                    "homeRegionCode": p["homeRegionCode"], "education": p["education"],
                    "industries": p["industries"], "categories": p["categories"],
                    "politicalStatus": p["politicalStatus"], "skills": p["skills"],
                    "introduction": "压测保存", "sensitiveInfoConsent": true,
                    "consentVersion": "2026-11",
                });
                s.call(
                    Class::Talents,
                    Method::PUT,
                    "/api/v1/me/talent-profile",
                    youth,
                    Some(body),
                    &[S::OK, S::CONFLICT],
                )
                .await;
            }
        }
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn rss_mb(pid: &str) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let kb: f64 = status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()?;
    Some(kb / 1024.0)
}

async fn login(
    http: &reqwest::Client,
    base: &str,
    path: &str,
    body: Value,
) -> anyhow::Result<String> {
    let r: Value = http
        .post(format!("{base}{path}"))
        .json(&body)
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    Ok(r["accessToken"].as_str().unwrap_or_default().to_owned())
}

async fn created(
    http: &reqwest::Client,
    base: &str,
    path: &str,
    token: &str,
    body: Value,
) -> anyhow::Result<String> {
    let r = http
        .post(format!("{base}{path}"))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await?;
    let status = r.status();
    let v: Value = r.json().await?;
    anyhow::ensure!(status == StatusCode::CREATED, "{path}: {status} {v}");
    Ok(v["id"].as_str().unwrap_or_default().to_owned())
}

async fn staff(
    db: &sea_orm::DatabaseConnection,
    username: &str,
    region: &str,
) -> anyhow::Result<()> {
    let made = create_account(
        db,
        NewStaff {
            username: username.into(),
            password: PASSWORD.into(),
            display_name: "压测".into(),
            role: StaffRole::Cadre,
            league_unit_code: Some(region.into()),
            region_code: None,
            bank_id: None,
        },
    )
    .await;
    // Reruns find the account already there.
    if let Err(e) = made
        && e.envelope().error.code != "USERNAME_TAKEN"
    {
        anyhow::bail!("{}", serde_json::to_string(&e.envelope())?);
    }
    Ok(())
}

/// Both answers of a board: cached (what youth see) and computed from the ledger by SQL.
async fn boards_agree(
    s: &Shared,
    province: &str,
    region: &str,
    period: &str,
) -> anyhow::Result<bool> {
    let url = format!(
        "{}/api/v1/leaderboards/volunteer-hours?region={region}&period={period}&limit=100",
        s.bases[0]
    );
    let mut answers = Vec::new();
    for extra in ["", "&source=db"] {
        let mut v: Value = s
            .http
            .get(format!("{url}{extra}"))
            .bearer_auth(province)
            .send()
            .await?
            .json()
            .await?;
        let from = v["servedFrom"].take();
        v["me"] = Value::Null;
        answers.push((from, v));
    }
    let same = answers[0].1 == answers[1].1 && answers[0].0 == "cache";
    println!(
        "  board {region} {period}: {} ({} lines, {} vs {})",
        if same { "cache = ledger" } else { "DIFFERENT" },
        answers[0].1["items"].as_array().map_or(0, Vec::len),
        answers[0].0,
        answers[1].0
    );
    Ok(same)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let settings = Settings::from_env()?;
    let bases: Vec<String> = std::env::var("SOAK_BASES")?
        .split(',')
        .map(|b| b.trim().to_owned())
        .collect();
    let pids: Vec<String> = std::env::var("SOAK_PIDS")
        .unwrap_or_default()
        .split(',')
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .collect();
    let seconds = env_num("SOAK_SECONDS", 600);
    let connections = env_num("SOAK_CONNECTIONS", 64) as usize;
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(connections)
        // Below the servers' keep-alive (actix: 5 s): a connection the server is closing must
        // not be picked for the next request (the 7 "no answer" errors of the 04:32 run).
        .pool_idle_timeout(Duration::from_secs(4))
        .timeout(Duration::from_secs(30))
        .build()?;
    let db = jiqing::db::connect_with(&settings.database_url, 4, settings.db_work_mem.as_deref())
        .await?;
    let base = bases[0].clone();

    // Staff, youths of the county (seeded by jiqing-bench-seed), trainings and activities.
    staff(&db, "soak_cadre_220102", COUNTY).await?;
    staff(&db, "soak_cadre_220000", "220000").await?;
    let cadre = login(
        &http,
        &base,
        "/api/v1/auth/login",
        json!({"username": "soak_cadre_220102", "password": PASSWORD}),
    )
    .await?;
    let province = login(
        &http,
        &base,
        "/api/v1/auth/login",
        json!({"username": "soak_cadre_220000", "password": PASSWORD}),
    )
    .await?;
    let rows = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            format!(
                "SELECT u.openid FROM users u JOIN talent_profiles p ON p.user_id = u.id \
                 WHERE u.openid LIKE 'dev\\_bench%' AND p.home_region_code LIKE '{COUNTY}%' \
                 ORDER BY u.openid LIMIT 400"
            ),
        ))
        .await?;
    let mut youths = Vec::new();
    for row in rows {
        let openid: String = row.try_get("", "openid")?;
        let name = openid.trim_start_matches("dev_");
        youths.push(
            login(
                &http,
                &base,
                "/api/v1/auth/wechat-login",
                json!({"code": format!("dev:{name}")}),
            )
            .await?,
        );
    }
    anyhow::ensure!(
        !youths.is_empty(),
        "no seeded youths in {COUNTY}: run jiqing-bench-seed"
    );
    let start = Utc::now() + chrono::Duration::days(3);
    let mut trainings_made = Vec::new();
    let mut activities_made = Vec::new();
    for i in 0..20 {
        let at = start + chrono::Duration::hours(i);
        trainings_made.push(created(&http, &base, "/api/v1/admin/trainings", &cadre, json!({
            "title": format!("压测培训{i}"), "category": "ecommerce_livestream", "description": "压测",
            "regionCode": COUNTY, "venue": "南关区青年之家", "startsAt": at.to_rfc3339(),
            "endsAt": (at + chrono::Duration::hours(4)).to_rfc3339(),
            "signupDeadline": (at - chrono::Duration::hours(12)).to_rfc3339(), "capacity": 30,
        })).await?);
        activities_made.push(created(&http, &base, "/api/v1/admin/volunteer/activities", &cadre, json!({
            "category": "river_patrol", "title": format!("压测巡河{i}"), "description": "压测",
            "place": "南关区伊通河南岭段", "regionCode": COUNTY, "startsAt": at.to_rfc3339(),
            "endsAt": (at + chrono::Duration::hours(2)).to_rfc3339(), "wanted": 100,
        })).await?);
    }
    println!(
        "soak: {} instances, {connections} connections, {seconds} s, {} youths, {} trainings, {} activities",
        bases.len(),
        youths.len(),
        trainings_made.len(),
        activities_made.len()
    );

    let shared = Arc::new(Shared {
        http,
        bases,
        cadre,
        youths,
        trainings: trainings_made.clone(),
        activities: activities_made.clone(),
        enrolled: Mutex::default(),
        pending: Mutex::default(),
        tallies: Mutex::default(),
    });
    let started = Instant::now();
    let deadline = started + Duration::from_secs(seconds);
    // Paced (`SOAK_RATE` > 0): each connection starts its next step of the mix on a fixed
    // schedule, the total being SOAK_RATE steps a second, as people do not queue for the next
    // answer; a step starting more than 10 ms after its slot counts as late (the schedule is kept,
    // so a stall shows as late steps, not as silently fewer requests). 0: a closed loop, as fast
    // as the servers answer (their saturation).
    let rate = env_num("SOAK_RATE", 0);
    let late = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let steps = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let mut workers = Vec::new();
    for i in 0..connections {
        let s = shared.clone();
        let (late, steps) = (late.clone(), steps.clone());
        let interval =
            (rate > 0).then(|| Duration::from_secs_f64(connections as f64 / rate as f64));
        workers.push(tokio::spawn(async move {
            let mut slot = started
                + interval.map_or(Duration::ZERO, |iv| {
                    iv.mul_f64(i as f64 / connections as f64)
                });
            while Instant::now() < deadline {
                if let Some(iv) = interval {
                    let now = Instant::now();
                    if slot > now {
                        tokio::time::sleep_until(slot.into()).await;
                    } else if now - slot > Duration::from_millis(10) {
                        late.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    }
                    slot += iv;
                }
                steps.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                one(&s).await;
            }
        }));
    }
    // RSS at minutes 1, 2, 5 and 10 (the same fractions of a shorter run).
    let marks: Vec<(String, u64)> = [("1", 60u64), ("2", 120), ("5", 300), ("10", 600)]
        .iter()
        .map(|(m, at)| ((*m).to_owned(), at * seconds / 600))
        .collect();
    let mut rss: Vec<(String, Vec<f64>)> = Vec::new();
    for (minute, at) in &marks {
        let wait = Duration::from_secs(*at).saturating_sub(started.elapsed());
        tokio::time::sleep(wait.saturating_sub(Duration::from_millis(500))).await;
        rss.push((
            minute.clone(),
            pids.iter().map(|p| rss_mb(p).unwrap_or(f64::NAN)).collect(),
        ));
    }
    for w in workers {
        w.await?;
    }
    let elapsed = started.elapsed().as_secs_f64();
    let (late, steps) = (
        late.load(std::sync::atomic::Ordering::Relaxed),
        steps.load(std::sync::atomic::Ordering::Relaxed),
    );
    if rate > 0 {
        println!(
            "\npaced at {rate} steps/s: {steps} steps, {late} started > 10 ms after their slot ({:.2} %)",
            late as f64 * 100.0 / steps.max(1) as f64
        );
    } else {
        println!("\nclosed loop: {steps} steps");
    }

    let mut failed = Vec::new();
    println!("\n| class | requests | req/s | p50 ms | p99 ms | unexpected | 5xx |");
    println!("|---|---|---|---|---|---|---|");
    let tallies = std::mem::take(&mut *shared.tallies.lock().unwrap_or_else(|e| e.into_inner()));
    let (mut total, mut all_lat) = (0usize, Vec::new());
    for (class, mut t) in tallies {
        t.latencies.sort();
        let (p50, p99) = (
            percentile(&t.latencies, 0.5),
            percentile(&t.latencies, 0.99),
        );
        total += t.latencies.len();
        all_lat.extend(t.latencies.iter().copied());
        println!(
            "| {} | {} | {:.0} | {:.1} | {:.1} | {} | {} |",
            class.name(),
            t.latencies.len(),
            t.latencies.len() as f64 / elapsed,
            p50.as_secs_f64() * 1e3,
            p99.as_secs_f64() * 1e3,
            t.unexpected,
            t.server_errors
        );
        for sample in &t.samples {
            println!("    e.g. {sample}");
        }
        if t.unexpected > 0 {
            failed.push(format!(
                "{}: {} unexpected answers",
                class.name(),
                t.unexpected
            ));
        }
        if class.is_read() && p99 > Duration::from_millis(50) {
            failed.push(format!(
                "{}: p99 {:.1} ms ≥ 50 ms",
                class.name(),
                p99.as_secs_f64() * 1e3
            ));
        }
    }
    all_lat.sort();
    println!(
        "| all | {total} | {:.0} | {:.1} | {:.1} | | |",
        total as f64 / elapsed,
        percentile(&all_lat, 0.5).as_secs_f64() * 1e3,
        percentile(&all_lat, 0.99).as_secs_f64() * 1e3
    );

    println!("\nRSS (MB) per instance at minute:");
    println!(
        "| minute | {} |",
        (1..=pids.len())
            .map(|i| format!("instance {i}"))
            .collect::<Vec<_>>()
            .join(" | ")
    );
    println!("|---|{}", "---|".repeat(pids.len()));
    for (minute, values) in &rss {
        println!(
            "| {minute} | {} |",
            values
                .iter()
                .map(|v| format!("{v:.1}"))
                .collect::<Vec<_>>()
                .join(" | ")
        );
    }
    let at = |m: &str| {
        rss.iter()
            .find(|(k, _)| k == m)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    for (i, (two, ten)) in at("2").iter().zip(at("10")).enumerate() {
        if ten >= 150.0 || ten.is_nan() {
            failed.push(format!("instance {}: RSS {ten:.1} MB (goal < 150)", i + 1));
        }
        if ten > two * 1.10 {
            failed.push(format!(
                "instance {}: RSS grew {two:.1} → {ten:.1} MB (> 10 %)",
                i + 1
            ));
        }
    }

    // Consistency: let the boards settle (the replay job runs every few seconds), then compare.
    println!("\nconsistency checks:");
    tokio::time::sleep(Duration::from_secs(8)).await;
    let unapplied = entity::volunteer_hour_entries::Entity::find()
        .filter(entity::volunteer_hour_entries::Column::BoardApplied.eq(false))
        .count(&db)
        .await?;
    println!("  ledger entries not on the boards: {unapplied}");
    if unapplied > 0 {
        failed.push(format!("{unapplied} ledger entries not on the boards"));
    }
    let approved_without_entry = entity::volunteer_reports::Entity::find()
        .filter(
            entity::volunteer_reports::Column::Status
                .eq(entity::volunteer_reports::ReportStatus::Approved),
        )
        .filter(entity::volunteer_reports::Column::EntryId.is_null())
        .count(&db)
        .await?;
    println!("  approved reports without a ledger entry: {approved_without_entry}");
    if approved_without_entry > 0 {
        failed.push(format!(
            "{approved_without_entry} approved reports without a ledger entry"
        ));
    }
    for region in [COUNTY, "220100", "220000"] {
        for period in ["month", "all"] {
            if !boards_agree(&shared, &province, region, period).await? {
                failed.push(format!(
                    "board {region} {period}: cache differs from the ledger"
                ));
            }
        }
    }
    let mut seats_off = 0;
    for id in &trainings_made {
        let id: Uuid = id.parse()?;
        let t = trainings::Entity::find_by_id(id)
            .one(&db)
            .await?
            .ok_or_else(|| anyhow::anyhow!("training gone"))?;
        let holding = training_enrollments::Entity::find()
            .filter(training_enrollments::Column::TrainingId.eq(id))
            .all(&db)
            .await?
            .into_iter()
            .filter(|e| jiqing::trainings::state::holds_seat(e.status))
            .count() as i32;
        if holding != t.taken || t.taken > t.capacity {
            seats_off += 1;
            println!(
                "  training {id}: taken {} but {holding} hold a seat (capacity {})",
                t.taken, t.capacity
            );
        }
    }
    println!("  trainings whose seat count differs from their enrollments: {seats_off}");
    let mut signups_off = 0;
    for id in &activities_made {
        let id: Uuid = id.parse()?;
        let a = volunteer_activities::Entity::find_by_id(id)
            .one(&db)
            .await?
            .ok_or_else(|| anyhow::anyhow!("activity gone"))?;
        let n = volunteer_signups::Entity::find()
            .filter(volunteer_signups::Column::ActivityId.eq(id))
            .count(&db)
            .await? as i32;
        if n != a.signed_up {
            signups_off += 1;
        }
    }
    println!("  activities whose sign-up count differs from their sign-ups: {signups_off}");
    if seats_off + signups_off > 0 {
        failed.push(format!(
            "{seats_off} trainings and {signups_off} activities with wrong counts"
        ));
    }

    if failed.is_empty() {
        println!("\nall goals met");
        Ok(())
    } else {
        println!("\nMISSED:");
        for f in &failed {
            println!("  - {f}");
        }
        std::process::exit(1);
    }
}
