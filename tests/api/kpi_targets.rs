//! Supervision targets and snapshots (`supervision.md` §3, issue 13 points 3–4), black-box over
//! HTTP; the snapshot is taken through the library (as the daily job does) and the command.
use chrono::{Days, NaiveDate, Utc};
use entity::{kpi_snapshots, kpi_targets};
use jiqing::jobs::daily::{self, Outcome};
use jiqing::kpi::snapshot::{KPI_SNAPSHOT, snapshot_date, take};
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};

use crate::helpers::{Login, TestApp, assert_error, json_of, spawn_app, spawn_app_with};
use crate::kpi::{child, line, report};

const VILLAGES: &str = "village_talent_coverage";

async fn put_target(app: &TestApp, who: &Login, body: Value) -> reqwest::Response {
    app.put("/api/v1/admin/kpi/targets", Some(&who.token), &body)
        .await
}

async fn targets(app: &TestApp, who: &Login, query: &str) -> Value {
    json_of(
        app.get(
            &format!("/api/v1/admin/kpi/targets?{query}"),
            Some(&who.token),
        )
        .await,
        StatusCode::OK,
    )
    .await
}

/// A village committee of 蛟河市 (220281), by index.
async fn jiaohe_village(app: &TestApp, i: usize) -> String {
    use entity::regions;
    use sea_orm::QuerySelect;
    let mut codes: Vec<String> = regions::Entity::find()
        .select_only()
        .column(regions::Column::Code)
        .filter(regions::Column::Level.eq("village"))
        .filter(regions::Column::Code.starts_with("220281"))
        .into_tuple()
        .all(app.db())
        .await
        .unwrap();
    codes.retain(|c| jiqing::kpi_scope::VillageScope::VillageCommittees.counts(c));
    codes.sort();
    codes[i].clone()
}

/// supervision.md §3 check 2, and a new target showing at once despite the cached counts.
#[tokio::test]
async fn a_unit_above_sets_targets_for_units_below_and_reports_apply_them_at_once() {
    let app = spawn_app().await;
    let city = app.admin_of("220200").await;
    let county = app.admin_of("220281").await;
    let q = "region=220281&indicators=village_talent_coverage";
    // Counts are now cached for 220281; the target must show anyway.
    let before = report(&app, &city, q).await;
    assert_eq!(line(&before, VILLAGES)["target"]["inherited"], true);

    // The same due date as the catalogue's (so the counted window, and the cached counts, stay).
    let resp = put_target(
        &app,
        &city,
        json!({"indicatorCode": VILLAGES, "areaUnitCode": "220281", "dueOn": "2025-12-31",
               "value": 700, "note": "  山区村多，按七成安排  "}),
    )
    .await;
    let row = json_of(resp, StatusCode::OK).await;
    assert_eq!(row["version"], 1);
    assert_eq!(row["setByUnit"], "220200");
    assert_eq!(row["areaUnitName"], "蛟河市团委");
    assert_eq!(row["note"], "山区村多，按七成安排");

    let after = report(&app, &city, q).await;
    assert_eq!(
        after["computedAt"], before["computedAt"],
        "counts from the cache"
    );
    let l = line(&after, VILLAGES);
    assert_eq!(
        l["target"],
        json!({"dueOn": "2025-12-31", "value": 700, "setByUnit": "220200", "inherited": false})
    );
    assert_eq!(
        l["gap"],
        (l["denominator"].as_u64().unwrap() * 700).div_ceil(1000)
    );
    // Its townships inherit it.
    let townships = l["children"].as_array().unwrap();
    assert!(!townships.is_empty());
    for t in townships {
        assert_eq!(t["target"]["value"], 700, "{t}");
        assert_eq!(t["target"]["inherited"], true);
        assert_eq!(t["target"]["setByUnit"], "220200");
    }
    // The county's cadre is told.
    let notes = json_of(
        app.get("/api/v1/me/notifications", Some(&county.token))
            .await,
        StatusCode::OK,
    )
    .await;
    let note = notes["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["kind"] == "kpi.target_set")
        .unwrap_or_else(|| panic!("a target notice in {notes}"));
    assert!(note["body"].as_str().unwrap().contains("700‰"), "{note}");

    // Own unit: 403 TARGET_OWN_REGION; a unit above or beside: OUTSIDE_REGION.
    let own = json!({"indicatorCode": VILLAGES, "areaUnitCode": "220200", "dueOn": "2030-12-31", "value": 700});
    assert_error(
        put_target(&app, &city, own.clone()).await,
        StatusCode::FORBIDDEN,
        "TARGET_OWN_REGION",
    )
    .await;
    assert_error(
        put_target(&app, &county, own).await,
        StatusCode::FORBIDDEN,
        "OUTSIDE_REGION",
    )
    .await;
    let other_city = app.admin_of("220100").await;
    let beside = json!({"indicatorCode": VILLAGES, "areaUnitCode": "220281", "dueOn": "2031-12-31", "value": 700});
    assert_error(
        put_target(&app, &other_city, beside).await,
        StatusCode::FORBIDDEN,
        "OUTSIDE_REGION",
    )
    .await;
    // The province sets its own (it has no unit above).
    let province = app.admin_of("220000").await;
    let resp = put_target(
        &app,
        &province,
        json!({"indicatorCode": VILLAGES, "areaUnitCode": "220000", "dueOn": "2030-12-31", "value": 900}),
    )
    .await;
    json_of(resp, StatusCode::OK).await;

    // Who sees which targets.
    let mine = targets(&app, &county, "").await;
    assert_eq!(mine["total"], 1, "{mine}");
    assert_eq!(mine["items"][0]["areaUnitCode"], "220281");
    let neighbour = app.admin_of("220282").await;
    assert_eq!(targets(&app, &neighbour, "").await["total"], 0);
    assert_eq!(targets(&app, &province, "").await["total"], 2);
    assert_eq!(
        targets(
            &app,
            &province,
            "region=220200&indicator=village_talent_coverage"
        )
        .await["total"],
        1
    );
    assert_error(
        app.get(
            "/api/v1/admin/kpi/targets?region=220200",
            Some(&county.token),
        )
        .await,
        StatusCode::FORBIDDEN,
        "OUTSIDE_REGION",
    )
    .await;
}

/// Bad input is refused with a field and changes nothing; a change must name the version it saw.
#[tokio::test]
async fn bad_targets_are_refused_and_a_change_names_the_version_it_saw() {
    let app = spawn_app().await;
    let city = app.admin_of("220200").await;
    let ok = json!({"indicatorCode": VILLAGES, "areaUnitCode": "220281", "dueOn": "2030-12-31", "value": 700});
    let with = |k: &str, v: Value| {
        let mut b = ok.clone();
        b[k] = v;
        b
    };
    for (body, code, field) in [
        (
            with("indicatorCode", json!("no_such_line")),
            "UNKNOWN_INDICATOR",
            "indicatorCode",
        ),
        (
            with("indicatorCode", json!("qingma_completions")),
            "NO_TARGETS",
            "indicatorCode",
        ),
        (with("value", json!(1001)), "RANGE", "value"),
        (with("value", json!(-1)), "RANGE", "value"),
        (with("dueOn", json!("2020-12-31")), "RANGE", "dueOn"),
        (
            with("areaUnitCode", json!("229999")),
            "UNKNOWN_REGION",
            "areaUnitCode",
        ),
        (with("note", json!("长".repeat(201))), "LENGTH", "note"),
    ] {
        let err = assert_error(
            put_target(&app, &city, body.clone()).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "VALIDATION_FAILED",
        )
        .await;
        assert_eq!(err["error"]["fields"][0]["field"], field, "{body}: {err}");
        assert_eq!(err["error"]["fields"][0]["code"], code, "{body}: {err}");
    }
    assert_eq!(
        kpi_targets::Entity::find().count(app.db()).await.unwrap(),
        0
    );

    json_of(put_target(&app, &city, ok.clone()).await, StatusCode::OK).await;
    // The same target again without naming the version: someone else's change is not overwritten.
    assert_error(
        put_target(&app, &city, with("value", json!(800))).await,
        StatusCode::CONFLICT,
        "TARGET_CHANGED",
    )
    .await;
    let mut change = with("value", json!(800));
    change["version"] = json!(1);
    let row = json_of(
        put_target(&app, &city, change.clone()).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(row["version"], 2);
    assert_eq!(row["value"], 800);
    assert_error(
        put_target(&app, &city, change).await,
        StatusCode::CONFLICT,
        "TARGET_CHANGED",
    )
    .await;
    // A count target may be any count; a ratio's is per mille.
    let province = app.admin_of("220000").await;
    let resp = put_target(
        &app,
        &province,
        json!({"indicatorCode": "ecommerce_training_person_times", "areaUnitCode": "220100",
               "dueOn": "2023-12-31", "value": 1200}),
    )
    .await;
    json_of(resp, StatusCode::OK).await;
}

/// Concurrent target edits: one wins, the others get 409 (creating and changing alike).
#[tokio::test]
async fn concurrent_edits_of_one_target_let_exactly_one_win() {
    let app = spawn_app().await;
    let other = app.spawn_another_instance().await;
    let city = app.admin_of("220200").await;
    let body = |value: i64, version: Option<i64>| {
        json!({"indicatorCode": VILLAGES, "areaUnitCode": "220281", "dueOn": "2030-12-31",
               "value": value, "version": version})
    };
    for version in [None, Some(1)] {
        let mut calls = Vec::new();
        for i in 0..8i64 {
            let (app, city, b) = (
                if i % 2 == 0 { &app } else { &other },
                &city,
                body(500 + i, version),
            );
            calls.push(async move { put_target(app, city, b).await.status() });
        }
        let statuses = futures_util::future::join_all(calls).await;
        let won = statuses.iter().filter(|s| **s == StatusCode::OK).count();
        let lost = statuses
            .iter()
            .filter(|s| **s == StatusCode::CONFLICT)
            .count();
        assert_eq!((won, lost), (1, 7), "{version:?}: {statuses:?}");
    }
    let rows = kpi_targets::Entity::find().all(app.db()).await.unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].version, 2);
}

/// The allocation view: children's count targets against the parent's.
#[tokio::test]
async fn the_allocation_view_sets_childrens_count_targets_against_the_parents() {
    let app = spawn_app().await;
    let province = app.admin_of("220000").await;
    for (unit, value) in [("220100", 1200), ("220200", 3000)] {
        let resp = put_target(
            &app,
            &province,
            json!({"indicatorCode": "ecommerce_training_person_times", "areaUnitCode": unit,
                   "dueOn": "2023-12-31", "value": value}),
        )
        .await;
        json_of(resp, StatusCode::OK).await;
    }
    let a = json_of(
        app.get(
            "/api/v1/admin/kpi/targets/allocation?indicator=ecommerce_training_person_times&dueOn=2023-12-31",
            Some(&province.token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        a["parentTarget"], 5000,
        "the catalogue's province target: {a}"
    );
    assert_eq!(a["allocated"], 4200);
    assert_eq!(a["allocationShortfall"], 800);
    let children = a["children"].as_array().unwrap();
    assert_eq!(children.len(), 11);
    assert_eq!(children.iter().filter(|c| !c["value"].is_null()).count(), 2);
    // A city's own allocation shows its target as the parent's.
    let city = app.admin_of("220100").await;
    let a = json_of(
        app.get(
            "/api/v1/admin/kpi/targets/allocation?indicator=ecommerce_training_person_times&dueOn=2023-12-31",
            Some(&city.token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(a["parentTarget"], 1200);
    assert_eq!(a["allocated"], 0);
    let err = assert_error(
        app.get(
            "/api/v1/admin/kpi/targets/allocation?indicator=village_talent_coverage",
            Some(&province.token),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    assert_eq!(err["error"]["fields"][0]["code"], "NOT_A_COUNT_INDICATOR");
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// supervision.md §3 check 5: a past date is answered from its snapshot, and a kept (due-date,
/// quarter-end) snapshot never changes after later data; a daily one is refreshed by a rerun.
#[tokio::test]
async fn a_past_date_is_answered_from_its_snapshot_and_later_data_does_not_change_it() {
    let app = spawn_app_with(|s| s.kpi_cache_ttl = std::time::Duration::ZERO).await;
    let county = app.admin_of("220281").await;
    let v0 = jiaohe_village(&app, 0).await;
    let v1 = jiaohe_village(&app, 1).await;
    app.youth_in("snap_first", &v0, true).await;

    let due = date(2023, 12, 31);
    let taken = take(&app.state, due).await.unwrap();
    assert!(taken.kept, "a due date and a quarter end are kept for good");
    let units = app.state.league.units().len();
    assert_eq!(taken.lines % units, 0);
    let q = "indicators=village_talent_coverage&asOf=2023-12-31";
    let past = report(&app, &county, q).await;
    assert_eq!(past["servedFrom"], "snapshot", "{past}");
    assert_eq!(line(&past, VILLAGES)["numerator"], 1);
    // The 2025 target was not due yet then, and nothing was frozen before to measure from.
    assert_eq!(line(&past, VILLAGES)["status"], "in_progress");
    assert_eq!(line(&past, VILLAGES)["target"]["dueOn"], "2025-12-31");

    app.youth_in("snap_second", &v1, true).await;
    // A rerun for the kept date writes nothing over it.
    take(&app.state, due).await.unwrap();
    let past = report(&app, &county, q).await;
    assert_eq!(line(&past, VILLAGES)["numerator"], 1, "frozen");
    let today = report(&app, &county, "indicators=village_talent_coverage").await;
    assert_eq!(today["servedFrom"], "live");
    assert_eq!(line(&today, VILLAGES)["numerator"], 2);
    // A date before any snapshot: `none`, no numbers.
    let none = report(
        &app,
        &county,
        "indicators=village_talent_coverage&asOf=2023-06-01",
    )
    .await;
    assert_eq!(none["servedFrom"], "none");
    assert_eq!(line(&none, VILLAGES)["status"], "no_data");
    assert!(line(&none, VILLAGES)["numerator"].is_null());

    // A daily (not kept) date is refreshed by a rerun of the same day.
    let daily_date = date(2026, 11, 3);
    take(&app.state, daily_date).await.unwrap();
    app.youth_in("snap_third", &jiaohe_village(&app, 2).await, true)
        .await;
    let t = take(&app.state, daily_date).await.unwrap();
    assert!(!t.kept);
    let row =
        kpi_snapshots::Entity::find_by_id((VILLAGES.to_owned(), "220281".to_owned(), daily_date))
            .one(app.db())
            .await
            .unwrap()
            .expect("a row for the county");
    assert_eq!(row.numerator, Some(3));
    // The children of a snapshot report come from their own rows and sum to the parent.
    let past = report(&app, &app.admin_of("220000").await, q).await;
    let l = line(&past, VILLAGES);
    assert_eq!(child(l, "220200")["numerator"], 1);
    let sum: i64 = l["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["numerator"].as_i64().unwrap())
        .sum();
    assert_eq!(sum, l["numerator"].as_i64().unwrap());
}

/// Two instances polling the daily job at the same moment: one snapshot, one row per
/// (indicator, unit, day); a second poll that day does nothing.
#[tokio::test]
async fn two_instances_take_the_daily_snapshot_once() {
    let app = spawn_app().await;
    let other = app.spawn_another_instance().await;
    let now = Utc::now();
    let (a, b) = tokio::join!(
        daily::run_if_due(&app.state, &KPI_SNAPSHOT, now),
        daily::run_if_due(&other.state, &KPI_SNAPSHOT, now)
    );
    let outcomes = [a.unwrap(), b.unwrap()];
    let today = jiqing::time::today_in_china(now);
    let ran = outcomes
        .iter()
        .filter(|o| **o == Outcome::Ran(today))
        .count();
    if today_is_after_two_in_china(now) {
        assert_eq!(ran, 1, "{outcomes:?}");
        let yesterday = snapshot_date(now).unwrap();
        let rows = kpi_snapshots::Entity::find()
            .filter(kpi_snapshots::Column::AsOf.eq(yesterday))
            .count(app.db())
            .await
            .unwrap();
        assert!(rows > 0);
        let per_area = kpi_snapshots::Entity::find()
            .filter(kpi_snapshots::Column::AsOf.eq(yesterday))
            .filter(kpi_snapshots::Column::AreaCode.eq("220281"))
            .filter(kpi_snapshots::Column::IndicatorCode.eq(VILLAGES))
            .count(app.db())
            .await
            .unwrap();
        assert_eq!(per_area, 1);
        assert_eq!(
            daily::run_if_due(&other.state, &KPI_SNAPSHOT, now)
                .await
                .unwrap(),
            Outcome::Done
        );
        // Nothing for the day before yesterday.
        let older = yesterday.checked_sub_days(Days::new(1)).unwrap();
        assert_eq!(
            kpi_snapshots::Entity::find()
                .filter(kpi_snapshots::Column::AsOf.eq(older))
                .count(app.db())
                .await
                .unwrap(),
            0
        );
    } else {
        assert_eq!(ran, 0, "before 02:00 China nothing runs: {outcomes:?}");
    }
}

fn today_is_after_two_in_china(now: chrono::DateTime<Utc>) -> bool {
    use chrono::Timelike;
    jiqing::time::to_china(now).hour() >= 2
}

/// `jiqing kpi-snapshot` freezes yesterday; any other date writes nothing and fails.
#[tokio::test]
async fn the_snapshot_command_freezes_yesterday_only() {
    let app = spawn_app().await;
    let url = app.settings.database_url.clone();
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_jiqing"))
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("DATABASE_URL", &url)
            .env("RUST_LOG", "warn")
            .arg("kpi-snapshot")
            .args(args)
            .output()
            .unwrap()
    };
    let yesterday = snapshot_date(Utc::now()).unwrap();
    let two_back = yesterday.checked_sub_days(Days::new(1)).unwrap();
    let out = run(&["--as-of", &two_back.to_string()]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("yesterday only"));
    assert_eq!(
        kpi_snapshots::Entity::find().count(app.db()).await.unwrap(),
        0
    );
    let out = run(&[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).contains(&format!("KPI snapshot for {yesterday}"))
    );
    let rows = kpi_snapshots::Entity::find()
        .filter(kpi_snapshots::Column::AsOf.eq(yesterday))
        .filter(kpi_snapshots::Column::AreaCode.eq("220000"))
        .count(app.db())
        .await
        .unwrap();
    assert!(rows >= 5, "every built indicator of the province: {rows}");
}
