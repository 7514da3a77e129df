//! Sign-up throughput benchmark against a running server (see `bench/trainings-signup.sh`).
//!
//! Prepares a cadre, one training and N youths with talent profiles (written straight to the
//! server's database, as the talent-pool endpoints are not what is measured), then fires N
//! first-time sign-ups with bounded concurrency and reports sign-ups per second and latency
//! percentiles. It also checks the outcome: exactly `capacity` enrolled, the rest waiting with
//! positions 1..n.
//!
//! Environment: the server's own (`DATABASE_URL`, `JIQING_DATA_KEY`, …) plus `BENCH_BASE_URL`
//! (default `http://127.0.0.1:18080`), `BENCH_YOUTHS` (2000), `BENCH_CAPACITY` (500) and
//! `BENCH_CONCURRENCY` (64).
use std::time::{Duration, Instant};

use chrono::Utc;
use entity::talent_profiles;
use futures_util::{StreamExt, stream};
use jiqing::config::Settings;
use jiqing::staff::{NewStaff, create_account, dto::StaffRole};
use sea_orm::{ActiveModelTrait, Set};
use serde_json::{Value, json};
use uuid::Uuid;

fn env_num(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let settings = Settings::from_env()?;
    let base = std::env::var("BENCH_BASE_URL").unwrap_or_else(|_| "http://127.0.0.1:18080".into());
    let youths = env_num("BENCH_YOUTHS", 2000);
    let capacity = env_num("BENCH_CAPACITY", 500).min(youths);
    let concurrency = env_num("BENCH_CONCURRENCY", 64);
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(concurrency)
        .build()?;
    let db = jiqing::db::connect(&settings.database_url).await?;
    let cipher = settings.data_cipher()?;
    let run = &Uuid::new_v4().simple().to_string()[..8];

    // A county cadre and a training in 南关区.
    let username = format!("bench_{run}");
    let password = "bench-password-1234".to_owned();
    create_account(
        &db,
        NewStaff {
            username: username.clone(),
            password: password.clone(),
            display_name: "压测".into(),
            role: StaffRole::Cadre,
            league_unit_code: Some("220102".into()),
            region_code: None,
            bank_id: None,
        },
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    let login: Value = http
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"username": username, "password": password}))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let cadre = login["accessToken"].as_str().unwrap_or_default().to_owned();
    let start = Utc::now() + chrono::Duration::days(3);
    let training: Value = http
        .post(format!("{base}/api/v1/admin/trainings"))
        .bearer_auth(&cadre)
        .json(&json!({
            "title": format!("压测培训 {run}"), "category": "ecommerce_livestream",
            "regionCode": "220102", "venue": "压测",
            "startsAt": start.to_rfc3339(),
            "endsAt": (start + chrono::Duration::hours(4)).to_rfc3339(),
            "signupDeadline": (start - chrono::Duration::hours(1)).to_rfc3339(),
            "capacity": capacity,
        }))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let training_id = training["id"].as_str().unwrap_or_default().to_owned();

    // N youths: development WeChat login over HTTP, talent profile in the database.
    let prep = Instant::now();
    let tokens: Vec<String> = stream::iter(0..youths)
        .map(|i| {
            let (http, base, db, cipher) = (&http, &base, &db, &cipher);
            async move {
                let body: Value = http
                    .post(format!("{base}/api/v1/auth/wechat-login"))
                    .json(&json!({"code": format!("dev:bench-{run}-{i}")}))
                    .send()
                    .await?
                    .error_for_status()?
                    .json()
                    .await?;
                let user_id: Uuid = body["user"]["id"].as_str().unwrap_or_default().parse()?;
                let now = Utc::now();
                let id_number =
                    format!("{:018}", u64::from(user_id.as_u128() as u32) * 7 + i as u64);
                talent_profiles::ActiveModel {
                    id: Set(Uuid::now_v7()),
                    user_id: Set(user_id),
                    real_name: Set(format!("压测{i}")),
                    gender: Set(entity::talent_profiles::Gender::Male),
                    date_of_birth: Set(
                        chrono::NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or_default()
                    ),
                    phone_enc: Set(cipher.encrypt("13800000000")),
                    phone_index: Set(cipher.blind_index("phone", "13800000000")),
                    id_number_enc: Set(cipher.encrypt(&id_number)),
                    id_number_index: Set(
                        cipher.blind_index("id_number", &format!("{run}{id_number}"))
                    ),
                    home_region_code: Set(format!("22010200{}", i % 9 + 1)),
                    education: Set(entity::talent_profiles::Education::HighSchool),
                    industries: Set("[]".into()),
                    categories: Set("[]".into()),
                    business_name: Set(None),
                    business_type: Set(None),
                    political_status: Set(entity::talent_profiles::PoliticalStatus::Masses),
                    skills: Set("[]".into()),
                    introduction: Set(String::new()),
                    status: Set(entity::talent_profiles::TalentStatus::Verified),
                    review_reason: Set(None),
                    reviewed_by: Set(None),
                    reviewed_at: Set(None),
                    consent_version: Set("bench".into()),
                    consent_at: Set(now),
                    created_at: Set(now),
                    updated_at: Set(now),
                    version: Set(1),
                }
                .insert(db)
                .await?;
                anyhow::Ok(body["accessToken"].as_str().unwrap_or_default().to_owned())
            }
        })
        .buffer_unordered(32)
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .collect::<anyhow::Result<_>>()?;
    drop(db);
    println!(
        "prepared {youths} youths in {:.1}s",
        prep.elapsed().as_secs_f64()
    );

    // The measurement: every youth signs up once, `concurrency` requests in flight.
    let url = format!("{base}/api/v1/trainings/{training_id}/enrollments");
    let (elapsed, results) = fire(&tokens, concurrency, |token| {
        http.post(&url).bearer_auth(token).json(&json!({}))
    })
    .await?;
    // The baseline, in the same run: the same callers each read `GET /api/v1/me` (token check,
    // session and user look-up, JSON) — the floor under any authenticated write.
    let me_url = format!("{base}/api/v1/me");
    let (baseline, _) = fire(&tokens, concurrency, |token| {
        http.get(&me_url).bearer_auth(token)
    })
    .await?;

    let mut latencies: Vec<Duration> = results.iter().map(|r| r.0).collect();
    latencies.sort_unstable();
    let failed = results.iter().filter(|r| r.1 != 201).count();
    let enrolled = results
        .iter()
        .filter(|r| r.2["status"] == "enrolled")
        .count();
    let mut positions: Vec<u64> = results
        .iter()
        .filter_map(|r| r.2["waitlistPosition"].as_u64())
        .collect();
    positions.sort_unstable();
    let consistent =
        enrolled == capacity && positions == (1..=(youths - capacity) as u64).collect::<Vec<_>>();
    println!(
        "sign-ups: {youths} (capacity {capacity}, concurrency {concurrency}) in {:.2}s = {:.0}/s",
        elapsed.as_secs_f64(),
        youths as f64 / elapsed.as_secs_f64()
    );
    println!(
        "baseline GET /api/v1/me: {youths} in {:.2}s = {:.0}/s; sign-ups run at {:.2}x the baseline",
        baseline.as_secs_f64(),
        youths as f64 / baseline.as_secs_f64(),
        baseline.as_secs_f64() / elapsed.as_secs_f64()
    );
    println!(
        "latency ms: p50 {:.1}  p95 {:.1}  p99 {:.1}  max {:.1}",
        percentile(&latencies, 0.50).as_secs_f64() * 1000.0,
        percentile(&latencies, 0.95).as_secs_f64() * 1000.0,
        percentile(&latencies, 0.99).as_secs_f64() * 1000.0,
        latencies.last().copied().unwrap_or_default().as_secs_f64() * 1000.0
    );
    println!(
        "outcome: {enrolled} enrolled, {} waiting, {failed} not 201; consistent: {consistent}",
        positions.len()
    );
    if failed > 0 || !consistent {
        anyhow::bail!("the sign-ups did not come out right");
    }
    Ok(())
}

/// One request per token, `concurrency` in flight; the wall time and each answer's latency,
/// status and body.
async fn fire<'a>(
    tokens: &'a [String],
    concurrency: usize,
    request: impl Fn(&'a str) -> reqwest::RequestBuilder,
) -> anyhow::Result<(Duration, Vec<(Duration, u16, Value)>)> {
    let started = Instant::now();
    let results = stream::iter(tokens.iter())
        .map(|token| {
            let req = request(token);
            async move {
                let t0 = Instant::now();
                let resp = req.send().await?;
                let status = resp.status().as_u16();
                let body: Value = resp.json().await.unwrap_or(Value::Null);
                anyhow::Ok((t0.elapsed(), status, body))
            }
        })
        .buffer_unordered(concurrency)
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .collect::<anyhow::Result<_>>()?;
    Ok((started.elapsed(), results))
}
