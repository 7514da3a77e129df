use std::collections::HashMap;
use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, Utc};
use entity::{talent_profiles, volunteer_hour_entries as entries};
use jiqing::time::{start_of_month, start_of_week, start_of_year};
use reqwest::StatusCode;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, TransactionTrait};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::*;
use crate::volunteer::approved_report;

const PERIODS: [&str; 4] = ["week", "month", "year", "all"];

fn range(period: &str, now: DateTime<Utc>) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    match period {
        "week" => Some((start_of_week(now), start_of_week(now) + Duration::days(7))),
        "month" => Some((
            start_of_month(now),
            start_of_month(now + Duration::days(32) - (now - start_of_month(now))),
        )),
        "year" => Some((
            start_of_year(now),
            start_of_year(now + Duration::days(370) - (now - start_of_year(now))),
        )),
        _ => None,
    }
}

fn prefix(code: &str) -> String {
    jiqing::regions::RegionCode::parse(code)
        .unwrap()
        .prefix()
        .to_owned()
}

/// The ranking computed by SQL straight from the ledger: minutes descending, user id ascending.
async fn expected(app: &TestApp, region: &str, period: &str) -> Vec<(Uuid, i64)> {
    let sum = || Expr::col(entries::Column::Minutes).sum();
    let mut q = entries::Entity::find()
        .select_only()
        .column(entries::Column::UserId)
        .column_as(sum(), "total")
        .filter(entries::Column::RegionCode.starts_with(prefix(region)));
    if let Some((from, to)) = range(period, Utc::now()) {
        q = q
            .filter(entries::Column::ServedAt.gte(from))
            .filter(entries::Column::ServedAt.lt(to));
    }
    q.group_by(entries::Column::UserId)
        .having(sum().gt(0))
        .order_by_desc(sum())
        .order_by_asc(entries::Column::UserId)
        .into_tuple()
        .all(app.db())
        .await
        .unwrap()
}

async fn masked(app: &TestApp) -> HashMap<Uuid, String> {
    talent_profiles::Entity::find()
        .all(app.db())
        .await
        .unwrap()
        .into_iter()
        .map(|p| (p.user_id, jiqing::crypto::mask_name(&p.real_name)))
        .collect()
}

async fn board(
    app: &TestApp,
    region: &str,
    period: &str,
    token: Option<&str>,
    extra: &str,
) -> Value {
    json_of(
        app.get(
            &format!(
                "/api/v1/leaderboards/volunteer-hours?region={region}&period={period}{}{extra}",
                if extra.contains("limit") {
                    ""
                } else {
                    "&limit=100"
                }
            ),
            token,
        )
        .await,
        StatusCode::OK,
    )
    .await
}

/// The board's lines equal the SQL ranking: same names, same minutes, same order.
fn assert_same(answer: &Value, want: &[(Uuid, i64)], names: &HashMap<Uuid, String>, what: &str) {
    let got: Vec<(String, i64)> = answer["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["name"].as_str().unwrap().to_owned(),
                i["minutes"].as_i64().unwrap(),
            )
        })
        .collect();
    let want: Vec<(String, i64)> = want.iter().map(|(u, m)| (names[u].clone(), *m)).collect();
    assert_eq!(got, want, "{what}: {answer}");
    assert_eq!(answer["participants"], want.len(), "{what}");
}

async fn wait_for_cache(app: &TestApp) {
    for _ in 0..100 {
        let b = board(app, "220000", "all", None, "").await;
        if b["servedFrom"] == "cache" {
            return;
        }
        tokio::time::sleep(StdDuration::from_millis(100)).await;
    }
    panic!("the leaderboards were never built");
}

/// A tiny deterministic generator so a failure can be replayed from the printed seed.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

const HOMES: [&str; 6] = [
    "220102001001",
    "220102001002",
    "220102002001",
    "220103002001",
    "220103005001",
    "220202001001",
];
const BOARDS: [&str; 11] = [
    "220000",
    "220100",
    "220200",
    "220102",
    "220103",
    "220202",
    "220102001",
    "220102002",
    "220103002",
    "220103005",
    "220202001",
];

#[tokio::test]
async fn every_leaderboard_equals_the_sql_ranking_after_random_approvals_reversals_and_period_boundaries()
 {
    let app = spawn_app().await;
    let seed = Utc::now().timestamp_nanos_opt().unwrap_or(7) as u64;
    println!("seed {seed}");
    let mut rng = Lcg(seed);
    let cadre = app.admin_of("220000").await;
    let mut youth = Vec::new();
    // Names of different lengths so the masked names tell people apart.
    for i in 0..10 {
        let name = "y".repeat(i + 1);
        youth.push(app.youth_in(&name, HOMES[i % HOMES.len()], true).await);
    }
    let now = Utc::now();
    let moments = [
        now - Duration::minutes(5),
        start_of_week(now),
        start_of_week(now) - Duration::seconds(1),
        start_of_month(now),
        start_of_month(now) - Duration::seconds(1),
        start_of_year(now),
        start_of_year(now) - Duration::seconds(1),
        now - Duration::days(20),
    ];
    let minutes = [30, 60, 60, 90, 120, 45];
    let mut approved = Vec::new();
    for _ in 0..36 {
        let y = &youth[rng.next(youth.len() as u64) as usize];
        let at = moments[rng.next(moments.len() as u64) as usize];
        let m = minutes[rng.next(minutes.len() as u64) as usize];
        if rng.next(6) == 0 {
            // A rejected report never counts.
            let r = json_of(
                app.post("/api/v1/me/volunteer/reports", Some(&y.token),
                    &json!({"category": "other", "content": "未核实", "place": "某地", "servedAt": at.to_rfc3339(), "minutes": m, "description": "", "photos": []})).await,
                StatusCode::CREATED,
            ).await;
            json_of(
                app.post(
                    &format!(
                        "/api/v1/admin/volunteer/reports/{}/reviews",
                        r["id"].as_str().unwrap()
                    ),
                    Some(&cadre.token),
                    &json!({"decision": "reject", "reason": "无法核实"}),
                )
                .await,
                StatusCode::OK,
            )
            .await;
            continue;
        }
        let r = approved_report(&app, y, &cadre, at, m).await;
        approved.push((y.clone(), r["entryId"].as_str().unwrap().to_owned(), m));
    }
    for (y, entry, recorded) in &approved {
        match rng.next(6) {
            0 => {
                json_of(
                    app.post(
                        &format!("/api/v1/admin/volunteer/entries/{entry}/revocations"),
                        Some(&cadre.token),
                        &json!({"reason": "核查撤销"}),
                    )
                    .await,
                    StatusCode::CREATED,
                )
                .await;
            }
            1 => {
                // A correction must change the minutes (409 NOTHING_TO_CORRECT otherwise).
                let mut minutes = 15 + rng.next(200) as i32;
                if minutes == *recorded {
                    minutes += 1;
                }
                let c = json_of(
                    app.post(
                        "/api/v1/me/volunteer/corrections",
                        Some(&y.token),
                        &json!({"entryId": entry, "minutes": minutes, "reason": "时长有误"}),
                    )
                    .await,
                    StatusCode::CREATED,
                )
                .await;
                json_of(
                    app.post(
                        &format!(
                            "/api/v1/admin/volunteer/corrections/{}/reviews",
                            c["id"].as_str().unwrap()
                        ),
                        Some(&cadre.token),
                        &json!({"decision": "approve"}),
                    )
                    .await,
                    StatusCode::OK,
                )
                .await;
            }
            _ => {}
        }
    }
    wait_for_cache(&app).await;
    let names = masked(&app).await;
    for region in BOARDS {
        for period in PERIODS {
            let want = expected(&app, region, period).await;
            let cached = board(&app, region, period, None, "").await;
            assert_eq!(cached["servedFrom"], "cache");
            assert_same(&cached, &want, &names, &format!("cache {region} {period}"));
            let by_sql = board(&app, region, period, Some(&cadre.token), "&source=db").await;
            assert_eq!(by_sql["servedFrom"], "database");
            assert_same(&by_sql, &want, &names, &format!("sql {region} {period}"));
            // Every youth sees their own place, in or out of the list.
            for y in youth.iter().take(4) {
                let uid: Uuid = y.user_id.parse().unwrap();
                let mine = board(&app, region, period, Some(&y.token), "&limit=1").await;
                let pos = want.iter().position(|(u, _)| *u == uid);
                assert_eq!(
                    mine["me"]["rank"],
                    json!(pos.map(|p| p + 1)),
                    "{region} {period}"
                );
                assert_eq!(
                    mine["me"]["minutes"],
                    pos.map_or(0, |p| want[p].1),
                    "{region} {period}"
                );
            }
        }
    }
    // Region boards: each child's minutes equal the ledger's.
    for (parent, children) in [
        ("220000", vec!["220100", "220200"]),
        ("220100", vec!["220102", "220103"]),
        ("220102", vec!["220102001", "220102002"]),
    ] {
        for period in PERIODS {
            let b = json_of(
                app.get(
                    &format!("/api/v1/leaderboards/regions?parent={parent}&period={period}"),
                    None,
                )
                .await,
                StatusCode::OK,
            )
            .await;
            assert_eq!(b["servedFrom"], "cache");
            let items = b["items"].as_array().unwrap();
            let mut last = i64::MAX;
            for item in items {
                let m = item["minutes"].as_i64().unwrap();
                assert!(m <= last, "ordered by minutes: {b}");
                last = m;
            }
            for child in &children {
                let want: i64 = expected(&app, child, period)
                    .await
                    .iter()
                    .map(|(_, m)| m)
                    .sum();
                let got = items.iter().find(|i| i["code"] == *child).unwrap();
                assert_eq!(got["minutes"], want, "{parent} {period} {child}");
            }
        }
    }
}

/// `ago` before now, but inside the current China month (the period the test reads): in a
/// month's first hour (the first run of this test after 00:00 China time on the 1st found the
/// hours of "an hour ago" in the previous month), halfway between its start and now.
fn in_this_month(ago: Duration) -> chrono::DateTime<Utc> {
    let now = Utc::now();
    let start = jiqing::time::start_of_month(now);
    if now - ago > start {
        now - ago
    } else {
        start + (now - start) / 2
    }
}

#[tokio::test]
async fn a_flushed_cache_is_answered_from_the_database_and_rebuilt_once_by_two_instances() {
    let app = spawn_app().await;
    let other = app.spawn_another_instance().await;
    let cadre = app.admin_of("220000").await;
    let mut youth = Vec::new();
    for (i, home) in HOMES.iter().take(4).enumerate() {
        youth.push(app.youth_in(&"z".repeat(i + 1), home, true).await);
    }
    for (i, y) in youth.iter().enumerate() {
        approved_report(
            &app,
            y,
            &cadre,
            in_this_month(Duration::hours(1)),
            60 * (i as i32 + 1),
        )
        .await;
    }
    wait_for_cache(&app).await;
    let names = masked(&app).await;

    app.state.cache.clear_prefix().await.unwrap();
    // Both instances notice at once, answer correctly from the ledger meanwhile…
    let want = expected(&app, "220100", "month").await;
    let (a, b) = tokio::join!(
        board(&app, "220100", "month", None, ""),
        board(&other, "220100", "month", None, ""),
    );
    assert_same(&a, &want, &names, "instance 1 after flush");
    assert_same(&b, &want, &names, "instance 2 after flush");
    // …and hours approved while the boards are missing are not lost.
    approved_report(
        &app,
        &youth[0],
        &cadre,
        in_this_month(Duration::minutes(30)),
        500,
    )
    .await;
    wait_for_cache(&app).await;
    wait_for_cache(&other).await;
    let want = expected(&app, "220100", "month").await;
    assert_eq!(want[0].1, 560);
    for instance in [&app, &other] {
        let b = board(instance, "220100", "month", None, "").await;
        assert_eq!(b["servedFrom"], "cache");
        assert_same(&b, &want, &names, "after the rebuild");
    }
    tokio::time::sleep(StdDuration::from_millis(2500)).await;
    let rebuilds = app
        .state
        .cache
        .get(jiqing::leaderboards::sync::REBUILDS)
        .await
        .unwrap();
    assert_eq!(
        rebuilds.as_deref(),
        Some("1"),
        "one rebuild for both instances"
    );
}

#[tokio::test]
async fn an_entry_whose_cache_update_was_lost_is_replayed_onto_the_boards() {
    let app = spawn_app().await;
    let y = app.youth_in("lost", "220102001001", true).await;
    let cadre = app.admin_of("220000").await;
    approved_report(&app, &y, &cadre, Utc::now() - Duration::hours(2), 60).await;
    wait_for_cache(&app).await;
    // Committed to the ledger, but the cache update "failed" (never sent).
    let uid: Uuid = y.user_id.parse().unwrap();
    let txn = app.db().begin().await.unwrap();
    let seq = jiqing::volunteer::ledger::lock_next_seq(&txn)
        .await
        .unwrap();
    jiqing::volunteer::ledger::append(
        &txn,
        seq,
        jiqing::volunteer::ledger::NewEntry {
            user_id: uid,
            minutes: 45,
            region_code: "220102001001".into(),
            served_at: Utc::now() - Duration::hours(1),
            source: entity::volunteer_hour_entries::EntrySource::SelfReport,
            category: entity::volunteer_hour_entries::VolunteerCategory::Other,
            content: "补记".into(),
            activity_id: None,
            report_id: None,
            reverses_entry_id: None,
            actor_id: cadre.user_id.parse().unwrap(),
            reason: None,
        },
    )
    .await
    .unwrap();
    txn.commit().await.unwrap();
    let mut seen = 0;
    for _ in 0..100 {
        let b = board(&app, "220102", "all", None, "").await;
        seen = b["items"][0]["minutes"].as_i64().unwrap();
        if seen == 105 {
            break;
        }
        tokio::time::sleep(StdDuration::from_millis(100)).await;
    }
    assert_eq!(seen, 105, "the replay job applied the entry");
    let unapplied = entries::Entity::find()
        .filter(entries::Column::BoardApplied.eq(false))
        .all(app.db())
        .await
        .unwrap();
    assert!(unapplied.is_empty());
}

#[tokio::test]
async fn regions_rank_by_total_or_per_youth_and_bad_queries_are_refused() {
    let app = spawn_app().await;
    let cadre = app.admin_of("220000").await;
    let a1 = app.youth_in("a1", "220102001001", true).await;
    let a2 = app.youth_in("a2", "220102002001", true).await;
    let b1 = app.youth_in("b1", "220103002001", true).await;
    app.youth_in("b_unverified", "220103002001", false).await;
    approved_report(&app, &a1, &cadre, Utc::now() - Duration::hours(1), 200).await;
    approved_report(&app, &a2, &cadre, Utc::now() - Duration::hours(1), 100).await;
    approved_report(&app, &b1, &cadre, Utc::now() - Duration::hours(1), 200).await;
    wait_for_cache(&app).await;
    let total = json_of(
        app.get(
            "/api/v1/leaderboards/regions?parent=220100&period=all&metric=total",
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(total["items"][0]["code"], "220102");
    assert_eq!(total["items"][0]["minutes"], 300);
    assert_eq!(total["items"][0]["name"], "南关区");
    assert_eq!(total["items"][1]["code"], "220103");
    let per = json_of(
        app.get(
            "/api/v1/leaderboards/regions?parent=220100&period=all&metric=per_youth",
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(per["items"][0]["code"], "220103");
    assert_eq!(
        per["items"][0]["youthCount"], 1,
        "unverified youth do not count"
    );
    assert_eq!(per["items"][0]["minutesPerYouth"], 200);
    assert_eq!(per["items"][1]["code"], "220102");
    assert_eq!(per["items"][1]["minutesPerYouth"], 150);
    assert_eq!(per["items"][2]["minutesPerYouth"], json!(null));

    let bad = |q: &'static str| {
        app.get(
            Box::leak(format!("/api/v1/leaderboards/volunteer-hours?{q}").into_boxed_str()),
            None,
        )
    };
    let r = assert_error(
        bad("region=220102001001&period=week").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    assert_eq!(r["error"]["fields"][0]["field"], "region");
    let r = assert_error(
        bad("region=229999&period=week").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    assert_eq!(r["error"]["fields"][0]["code"], "UNKNOWN_REGION");
    assert_error(
        bad("region=220102&period=week&limit=0").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    assert_error(
        bad("region=220102&period=decade").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    assert_error(
        bad("region=220102&period=week&source=db").await,
        StatusCode::UNAUTHORIZED,
        "UNAUTHENTICATED",
    )
    .await;
    assert_error(
        app.get(
            "/api/v1/leaderboards/volunteer-hours?region=220102&period=week&source=db",
            Some(&a1.token),
        )
        .await,
        StatusCode::FORBIDDEN,
        "ROLE_REQUIRED",
    )
    .await;
    assert_error(
        app.get(
            "/api/v1/leaderboards/volunteer-hours?region=220102&period=week",
            Some("not-a-token"),
        )
        .await,
        StatusCode::UNAUTHORIZED,
        "INVALID_TOKEN",
    )
    .await;
    let jilin = app.admin_of("220200").await;
    assert_error(
        app.get(
            "/api/v1/leaderboards/volunteer-hours?region=220102&period=week&source=db",
            Some(&jilin.token),
        )
        .await,
        StatusCode::FORBIDDEN,
        "OUTSIDE_REGION",
    )
    .await;
    // Names are masked; the caller's own line is marked.
    let b = board(&app, "220100", "all", Some(&a2.token), "").await;
    assert_eq!(b["items"][0]["name"], "测***");
    assert_eq!(b["items"][2]["isMe"], true);
    assert_eq!(b["me"]["rank"], 3);
}

#[tokio::test]
async fn an_approval_through_one_instance_shows_on_the_other_within_the_staleness_bound() {
    let app = spawn_app().await;
    let other = app.spawn_another_instance().await;
    let bound = app.settings.leaderboard_max_stale;
    let cadre = app.admin_of("220000").await;
    let y = app.youth_in("fresh", "220102001001", true).await;
    approved_report(&app, &y, &cadre, Utc::now() - Duration::hours(2), 60).await;
    wait_for_cache(&app).await;
    wait_for_cache(&other).await;
    // The other instance now holds its own copy of the county board and of the youth's place.
    let before = board(&other, "220102", "all", Some(&y.token), "").await;
    assert_eq!(before["items"][0]["minutes"], 60);
    assert_eq!(before["me"]["minutes"], 60);
    let regions_before = json_of(
        other
            .get(
                "/api/v1/leaderboards/regions?parent=220100&period=all",
                None,
            )
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(regions_before["items"][0]["minutes"], 60);

    approved_report(&app, &y, &cadre, Utc::now() - Duration::hours(1), 30).await;
    // The instance that made the change shows it at once…
    let here = board(&app, "220102", "all", Some(&y.token), "").await;
    assert_eq!(here["items"][0]["minutes"], 90);
    assert_eq!(here["me"]["minutes"], 90);
    // …and the other within the bound, never anything but the old or the new answer meanwhile.
    let approved = std::time::Instant::now();
    loop {
        let b = board(&other, "220102", "all", Some(&y.token), "").await;
        let r = json_of(
            other
                .get(
                    "/api/v1/leaderboards/regions?parent=220100&period=all",
                    None,
                )
                .await,
            StatusCode::OK,
        )
        .await;
        let seen = (
            b["items"][0]["minutes"].as_i64(),
            b["me"]["minutes"].as_i64(),
            r["items"][0]["minutes"].as_i64(),
        );
        if seen == (Some(90), Some(90), Some(90)) {
            break;
        }
        for m in [seen.0, seen.1, seen.2] {
            assert!(matches!(m, Some(60 | 90)), "a wrong answer: {b} {r}");
        }
        // The bound, plus what two requests take on a loaded test machine.
        assert!(
            approved.elapsed() < bound + StdDuration::from_millis(500),
            "still stale after {:?} (bound {bound:?})",
            approved.elapsed()
        );
        tokio::time::sleep(StdDuration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn boards_rebuild_from_an_empty_ledger_and_go_live() {
    // Redis' client refuses an empty pipeline: a rebuild with nothing to fill once failed there
    // ("empty command"), so a new deployment's boards never went live.
    let app = spawn_app().await;
    app.state.cache.clear_prefix().await.unwrap();
    jiqing::leaderboards::sync::rebuild_now(&app.state)
        .await
        .expect("a rebuild of no hours succeeds");
    assert!(
        app.state.cache.exists(jiqing::cache::LIVE).await.unwrap(),
        "the empty generation is live"
    );
    let built_again = jiqing::leaderboards::sync::ensure_built(app.state.clone())
        .await
        .unwrap();
    assert!(!built_again, "a live generation is not rebuilt");
}

/// The SQL statements one answer ran (test builds report them).
fn statements_of(resp: &reqwest::Response) -> u64 {
    resp.headers()
        .get(jiqing::test_hooks::STATEMENTS_HEADER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("test builds report the statement count")
}

/// When a region board's copy is missing or out of date, many readers at once build it once
/// (single flight) instead of each querying the talent pool: under load that stampede made the
/// region board time out.
#[tokio::test]
async fn many_readers_of_a_region_board_that_is_not_built_yet_build_it_once() {
    let app = spawn_app().await;
    let cadre = app.admin_of("220000").await;
    let y = app.youth_in("flight", "220102001001", true).await;
    approved_report(&app, &y, &cadre, Utc::now() - Duration::hours(1), 45).await;
    wait_for_cache(&app).await;
    let path = "/api/v1/leaderboards/regions?parent=220000&period=all";
    let answers = futures_util::future::join_all((0..24).map(|_| app.get(path, None))).await;
    let mut total = 0;
    for resp in answers {
        total += statements_of(&resp);
        let body = json_of(resp, StatusCode::OK).await;
        assert_eq!(body["items"][0]["code"], "220100", "{body}");
        assert_eq!(body["items"][0]["minutes"], 45, "{body}");
        assert_eq!(body["servedFrom"], "cache", "{body}");
    }
    // One build's statements, measured once the copy has aged past the staleness bound.
    tokio::time::sleep(app.settings.leaderboard_max_stale + StdDuration::from_millis(100)).await;
    let one_build = statements_of(&app.get(path, None).await);
    assert!(one_build > 0, "a rebuild queries the talent pool");
    assert_eq!(
        total, one_build,
        "24 concurrent readers ran {total} statements; one build runs {one_build}"
    );
}

/// A region board's copy past half the staleness bound is rebuilt in the background, so the
/// readers find the new minutes before the copy runs out and never wait for a build.
#[tokio::test]
async fn a_region_board_copy_half_the_bound_old_is_rebuilt_before_it_runs_out() {
    let bound = StdDuration::from_secs(4);
    let app = spawn_app_with(|s| s.leaderboard_max_stale = bound).await;
    let cadre = app.admin_of("220000").await;
    let y = app.youth_in("ahead", "220102001001", true).await;
    approved_report(&app, &y, &cadre, Utc::now() - Duration::hours(2), 60).await;
    wait_for_cache(&app).await;
    let path = "/api/v1/leaderboards/regions?parent=220100&period=all";
    let minutes = |body: Value| body["items"][0]["minutes"].as_i64();
    // The copy is built at most this long ago from here on.
    let built = std::time::Instant::now();
    assert_eq!(
        minutes(json_of(app.get(path, None).await, StatusCode::OK).await),
        Some(60)
    );
    approved_report(&app, &y, &cadre, Utc::now() - Duration::hours(1), 30).await;
    let half = bound / 2 + StdDuration::from_millis(100);
    tokio::time::sleep(half.saturating_sub(built.elapsed())).await;
    // Without the refresh the copy (younger than `built.elapsed()`) would be served until the
    // bound: the new minutes must show well before it.
    loop {
        let seen = minutes(json_of(app.get(path, None).await, StatusCode::OK).await);
        if seen == Some(90) {
            break;
        }
        assert_eq!(seen, Some(60), "the old or the new answer only");
        assert!(
            built.elapsed() < bound - StdDuration::from_millis(200),
            "the copy was not rebuilt ahead of the bound ({:?})",
            built.elapsed()
        );
        tokio::time::sleep(StdDuration::from_millis(50)).await;
    }
}
