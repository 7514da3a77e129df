//! Supervision (督导考核): the indicator catalogue, the report per league unit, its CSV and the
//! gaps list (`supervision.md` §2–§3), black-box over HTTP.
use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, TimeZone, Utc};
use entity::volunteer_hour_entries::{self, EntrySource, VolunteerCategory};
use entity::{regions, training_enrollments, trainings};
use jiqing::kpi_scope::VillageScope;
use migration::MigrationTrait;
use reqwest::StatusCode;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QuerySelect, Set};
use serde_json::Value;
use uuid::Uuid;

use crate::helpers::{Login, TestApp, assert_error, json_of, spawn_app, spawn_app_with};

/// The line of one indicator in a report.
pub fn line<'a>(report: &'a Value, code: &str) -> &'a Value {
    report["indicators"]
        .as_array()
        .expect("indicators")
        .iter()
        .find(|l| l["code"] == code)
        .unwrap_or_else(|| panic!("{code} in {report}"))
}

/// The child line of `region` in a report line.
pub fn child<'a>(line: &'a Value, region: &str) -> &'a Value {
    line["children"]
        .as_array()
        .expect("children")
        .iter()
        .find(|c| c["region"]["code"] == region)
        .unwrap_or_else(|| panic!("{region} in {line}"))
}

pub async fn report(app: &TestApp, who: &Login, query: &str) -> Value {
    json_of(
        app.get(
            &format!("/api/v1/admin/kpi/report?{query}"),
            Some(&who.token),
        )
        .await,
        StatusCode::OK,
    )
    .await
}

/// The village codes of a county (by the village scope).
pub async fn villages_of(app: &TestApp, county: &str, scope: VillageScope) -> Vec<String> {
    let mut codes: Vec<String> = regions::Entity::find()
        .select_only()
        .column(regions::Column::Code)
        .filter(regions::Column::Level.eq("village"))
        .filter(regions::Column::Code.starts_with(county))
        .into_tuple()
        .all(app.db())
        .await
        .unwrap();
    codes.retain(|c| scope.counts(c));
    codes.sort();
    codes
}

async fn a_residents_committee_of(app: &TestApp, county: &str) -> String {
    villages_of(app, county, VillageScope::All)
        .await
        .into_iter()
        .find(|c| !VillageScope::RuralUnits.counts(c))
        .expect("a 居委会")
}

/// A completed enrolment of `who` in a training of `category`, completed at `at`, written
/// straight to the database (the training flow has its own tests).
pub async fn completion(
    app: &TestApp,
    who: &Login,
    home: &str,
    category: trainings::TrainingCategory,
    at: DateTime<Utc>,
) {
    let training = Uuid::now_v7();
    trainings::ActiveModel {
        id: Set(training),
        title: Set("直播带货培训".into()),
        category: Set(category),
        description: Set("测试".into()),
        region_code: Set("220000".into()),
        venue: Set(None),
        online_url: Set(None),
        starts_at: Set(at - chrono::Duration::hours(3)),
        ends_at: Set(at - chrono::Duration::hours(1)),
        signup_deadline: Set(at - chrono::Duration::days(1)),
        capacity: Set(10),
        taken: Set(1),
        waitlist_seq: Set(0),
        requires_verified: Set(false),
        waitlist_open: Set(false),
        offer_valid_minutes: Set(60),
        status: Set(trainings::TrainingStatus::Published),
        cancel_reason: Set(None),
        version: Set(1),
        created_by: Set(who.user_id.parse().unwrap()),
        created_at: Set(at),
        updated_at: Set(at),
    }
    .insert(app.db())
    .await
    .expect("training");
    training_enrollments::ActiveModel {
        id: Set(Uuid::now_v7()),
        training_id: Set(training),
        user_id: Set(who.user_id.parse().unwrap()),
        home_region_code: Set(home.into()),
        status: Set(training_enrollments::EnrollmentStatus::Enrolled),
        waitlist_seq: Set(None),
        offer_expires_at: Set(None),
        checked_in_at: Set(None),
        check_in_nonce: Set(None),
        completed_at: Set(Some(at)),
        completed_by: Set(None),
        cancelled_at: Set(None),
        version: Set(2),
        created_at: Set(at),
        updated_at: Set(at),
    }
    .insert(app.db())
    .await
    .expect("enrolment");
}

fn china(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
    jiqing::time::china()
        .with_ymd_and_hms(y, m, d, h, 0, 0)
        .unwrap()
        .with_timezone(&Utc)
}

#[tokio::test]
async fn the_catalogue_lists_every_dated_target_with_its_quote_and_what_is_not_built() {
    let app = spawn_app().await;
    let county = app.admin_of("220281").await;
    let list = json_of(
        app.get("/api/v1/admin/kpi/indicators", Some(&county.token))
            .await,
        StatusCode::OK,
    )
    .await;
    let item = |code: &str| {
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["code"] == code)
            .unwrap_or_else(|| panic!("{code}"))
            .clone()
    };
    assert_eq!(
        item("youth_home_township_coverage")["defaultTargets"],
        serde_json::json!([{"dueOn": "2023-12-31", "value": 800}, {"dueOn": "2025-12-31", "value": 1000}])
    );
    assert!(
        item("ecommerce_training_person_times")["programmeQuote"]
            .as_str()
            .unwrap()
            .contains("5000人次")
    );
    assert_eq!(item("village_talent_coverage")["available"], true);
    assert_eq!(item("youth_home_township_coverage")["available"], true);
    assert_eq!(item("hope_rooms_built")["available"], true);
    assert_eq!(item("township_typical_coverage")["available"], true);
    assert_eq!(item("startup_leader_mentor_coverage")["available"], true);
    assert_eq!(item("qingma_completions")["trend"], true);
    // 标志性服务项目: 600 / 800 ‰ per local unit; above them all local units meeting theirs.
    assert_eq!(
        item("signature_project_share")["defaultTargets"],
        serde_json::json!([{"dueOn": "2023-12-31", "value": 600}, {"dueOn": "2025-12-31", "value": 800}])
    );
    assert_eq!(
        item("signature_project_share")["aboveLocalUnitsTarget"],
        1000
    );
    assert!(item("youth_home_township_coverage")["aboveLocalUnitsTarget"].is_null());
    assert_eq!(list["scopes"]["village"], "village_committees");
    assert_eq!(list["baselineOn"], "2022-08-20");
    let youth = app.login_as_youth("kpi_catalogue_youth").await;
    assert_error(
        app.get("/api/v1/admin/kpi/indicators", Some(&youth.token))
            .await,
        StatusCode::FORBIDDEN,
        "ROLE_REQUIRED",
    )
    .await;
}

/// supervision.md §3 check 8.
#[tokio::test]
async fn the_province_report_lists_11_children_whose_denominators_sum_to_613_and_9321() {
    let app = spawn_app().await;
    let province = app.admin_of("220000").await;
    let r = report(&app, &province, "").await;
    assert_eq!(r["region"]["code"], "220000");
    assert_eq!(r["servedFrom"], "live");
    assert_eq!(
        r["scopes"],
        serde_json::json!({"township": "rural", "village": "village_committees", "county": "gb2260"})
    );
    let sum = |code: &str| -> (i64, i64) {
        let l = line(&r, code);
        let children = l["children"].as_array().unwrap();
        assert_eq!(children.len(), 11, "{code}");
        let codes: Vec<&str> = children
            .iter()
            .map(|c| c["region"]["code"].as_str().unwrap())
            .collect();
        assert!(codes.contains(&"CBS") && codes.contains(&"220581"));
        (
            children
                .iter()
                .map(|c| c["denominator"].as_i64().unwrap())
                .sum(),
            l["denominator"].as_i64().unwrap(),
        )
    };
    assert_eq!(sum("village_talent_coverage"), (9_321, 9_321));
    assert_eq!(sum("youth_home_township_coverage"), (613, 613));
    assert_eq!(sum("village_ecommerce_talent_coverage"), (9_321, 9_321));
}

/// supervision.md §3 check 1 and the report's arithmetic; the children of a county are its
/// townships, summing to the county.
#[tokio::test]
async fn jiaohe_counts_its_village_committees_and_a_residents_committee_only_with_scope_all() {
    for all in [false, true] {
        let app = spawn_app_with(|s| {
            if all {
                s.kpi_scopes.village = VillageScope::All;
            }
        })
        .await;
        let villages = villages_of(&app, "220281", VillageScope::VillageCommittees).await;
        let jumin = a_residents_committee_of(&app, "220281").await;
        for (i, v) in villages.iter().take(7).enumerate() {
            app.youth_in(&format!("jiaohe_{i}"), v, true).await;
        }
        // A second talent in the first village, and a pending one elsewhere: neither counts.
        app.youth_in("jiaohe_twin", &villages[0], true).await;
        app.youth_in("jiaohe_pending", &villages[9], false).await;
        app.youth_in("jiaohe_jumin", &jumin, true).await;
        let city = app.admin_of("220200").await;
        let r = report(
            &app,
            &city,
            "region=220281&indicators=village_talent_coverage",
        )
        .await;
        assert_eq!(r["indicators"].as_array().unwrap().len(), 1);
        let l = line(&r, "village_talent_coverage");
        let expected_den = if all {
            villages_of(&app, "220281", VillageScope::All).await.len()
        } else {
            villages.len()
        } as i64;
        let n = if all { 8 } else { 7 };
        assert_eq!(l["numerator"], n, "{l}");
        assert_eq!(l["denominator"], expected_den);
        assert_eq!(l["value"], n * 1000 / expected_den);
        // All catalogue dates are past: the last (2025-12-31, 1000 ‰) applies and is missed.
        assert_eq!(l["target"]["dueOn"], "2025-12-31");
        assert_eq!(l["target"]["inherited"], true);
        assert_eq!(l["status"], "missed");
        assert_eq!(l["gap"], expected_den - n);
        let children = l["children"].as_array().unwrap();
        assert!(children.iter().all(|c| c["region"]["level"] == "township"));
        let sum = |k: &str| children.iter().map(|c| c[k].as_i64().unwrap()).sum::<i64>();
        assert_eq!(sum("numerator"), n);
        assert_eq!(sum("denominator"), expected_den);
    }
}

/// supervision.md §3 check 4: the county's work list.
#[tokio::test]
async fn the_gaps_list_the_village_committees_without_a_verified_talent() {
    let app = spawn_app().await;
    let villages = villages_of(&app, "220281", VillageScope::VillageCommittees).await;
    for (i, v) in villages.iter().step_by(2).enumerate() {
        app.youth_in(&format!("gap_{i}"), v, true).await;
    }
    let county = app.admin_of("220281").await;
    let mut listed = Vec::new();
    for page in 1.. {
        let p = json_of(
            app.get(
                &format!("/api/v1/admin/kpi/gaps?indicator=village_talent_coverage&region=220281&page={page}&pageSize=100"),
                Some(&county.token),
            )
            .await,
            StatusCode::OK,
        )
        .await;
        let items = p["items"].as_array().unwrap().clone();
        if page == 1 {
            assert_eq!(p["total"], (villages.len() / 2) as i64);
            assert!(
                items[0]["townshipName"]
                    .as_str()
                    .is_some_and(|n| !n.is_empty())
            );
            assert_eq!(items[0]["localUnit"], "蛟河市团委");
        }
        if items.is_empty() {
            break;
        }
        listed.extend(items.iter().map(|i| i["code"].as_str().unwrap().to_owned()));
    }
    let expected: Vec<String> = villages.iter().skip(1).step_by(2).cloned().collect();
    assert_eq!(listed, expected);
    // A count has no places; a domain not built has no list yet; a place outside: 403.
    assert_error(
        app.get(
            "/api/v1/admin/kpi/gaps?indicator=hope_rooms_built",
            Some(&county.token),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    // The 青年典型 lines list their places too (recognitions, `tests/api/pioneers.rs`).
    json_of(
        app.get(
            "/api/v1/admin/kpi/gaps?indicator=township_typical_coverage",
            Some(&county.token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_error(
        app.get(
            "/api/v1/admin/kpi/gaps?indicator=village_talent_coverage&region=220282",
            Some(&county.token),
        )
        .await,
        StatusCode::FORBIDDEN,
        "OUTSIDE_REGION",
    )
    .await;
}

#[tokio::test]
async fn unknown_indicators_units_outside_and_future_dates_are_refused() {
    let app = spawn_app().await;
    let county = app.admin_of("220281").await;
    let get = |q: &'static str| {
        let (app, token) = (&app, county.token.clone());
        async move {
            app.get(&format!("/api/v1/admin/kpi/report?{q}"), Some(&token))
                .await
        }
    };
    let body = assert_error(
        get("indicators=village_talent_coverage,no_such_line").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    assert_eq!(body["error"]["fields"][0]["field"], "indicators");
    assert_eq!(body["error"]["fields"][0]["code"], "UNKNOWN_INDICATOR");
    assert_error(
        get("region=220200").await,
        StatusCode::FORBIDDEN,
        "OUTSIDE_REGION",
    )
    .await;
    assert_error(
        get("region=220282").await,
        StatusCode::FORBIDDEN,
        "OUTSIDE_REGION",
    )
    .await;
    let body = assert_error(
        get("region=999999").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    assert_eq!(body["error"]["fields"][0]["field"], "region");
    let tomorrow = jiqing::time::today_in_china(Utc::now()) + chrono::Duration::days(1);
    let body = assert_error(
        app.get(
            &format!("/api/v1/admin/kpi/report?asOf={tomorrow}"),
            Some(&county.token),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    assert_eq!(body["error"]["fields"][0]["code"], "RANGE");
    // A township inside the unit is a valid area: its children are villages.
    let town = &villages_of(&app, "220281", VillageScope::VillageCommittees).await[0][..9];
    let r = report(
        &app,
        &county,
        &format!("region={town}&indicators=village_talent_coverage"),
    )
    .await;
    assert_eq!(r["region"]["level"], "township");
    assert!(
        line(&r, "village_talent_coverage")["children"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["region"]["level"] == "village")
    );
}

/// supervision.md §3 check 7.
#[tokio::test]
async fn ecommerce_person_times_count_each_completion_inside_the_baseline_and_due_date() {
    let app = spawn_app().await;
    let village = &villages_of(&app, "220281", VillageScope::VillageCommittees).await[0];
    let youth = app.youth_in("kpi_ecom", village, true).await;
    let other = app.youth_in("kpi_ecom_2", village, true).await;
    use trainings::TrainingCategory::{EcommerceLivestream as Ecom, Qingma};
    completion(&app, &youth, village, Ecom, china(2023, 3, 1, 10)).await;
    completion(&app, &youth, village, Ecom, china(2023, 12, 31, 20)).await;
    // 2024-01-01 00:30 China is after the due date; 2022-08-19 is before the baseline.
    completion(
        &app,
        &other,
        village,
        Ecom,
        china(2024, 1, 1, 0) + chrono::Duration::minutes(30),
    )
    .await;
    completion(&app, &other, village, Ecom, china(2022, 8, 19, 12)).await;
    completion(&app, &other, village, Qingma, china(2023, 5, 1, 12)).await;
    let province = app.admin_of("220000").await;
    let r = report(
        &app,
        &province,
        "indicators=ecommerce_training_person_times",
    )
    .await;
    let l = line(&r, "ecommerce_training_person_times");
    assert_eq!(l["numerator"], 2, "{l}");
    assert_eq!(l["value"], 2);
    assert_eq!(l["countedFrom"], "2022-08-20");
    assert_eq!(l["countedTo"], "2023-12-31");
    assert_eq!(l["target"]["value"], 5000);
    assert_eq!(l["status"], "missed");
    assert_eq!(l["gap"], 4998);
    assert_eq!(child(l, "220200")["value"], 2);
    // A count has no child target unless allocated.
    assert!(child(l, "220200")["target"].is_null());
    assert_eq!(child(l, "220200")["status"], "no_target");
}

#[tokio::test]
async fn every_line_carries_a_number_from_zero_and_display_lines_none() {
    let app = spawn_app().await;
    let province = app.admin_of("220000").await;
    let r = report(&app, &province, "").await;
    // Recognitions are built: the 青年典型 lines count from zero, never `no_data`.
    for code in ["township_typical_coverage", "village_typical_coverage"] {
        let l = line(&r, code);
        assert_ne!(l["status"], "no_data", "{code}");
        assert_eq!(l["numerator"], 0, "{code}");
        assert_eq!(l["value"], 0, "{code}");
    }
    let pattern = line(&r, "pattern_2025");
    assert_eq!(pattern["components"].as_array().unwrap().len(), 3);
    // Trend lines carry numbers and never a target.
    let v = line(&r, "verified_talents");
    assert_eq!(v["status"], "no_target");
    assert!(v["target"].is_null());
}

#[tokio::test]
async fn the_report_exports_as_csv_with_chinese_headers() {
    let app = spawn_app().await;
    let city = app.admin_of("220200").await;
    let resp = app
        .get(
            "/api/v1/admin/kpi/report/export?indicators=village_talent_coverage",
            Some(&city.token),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let text = resp.text().await.unwrap();
    assert!(text.starts_with("\u{feff}指标代码,指标,地区代码,地区,分子,分母,数值"));
    // The area and each of its county units.
    let json = report(&app, &city, "indicators=village_talent_coverage").await;
    let children = line(&json, "village_talent_coverage")["children"]
        .as_array()
        .unwrap()
        .len();
    assert!(children > 5);
    assert_eq!(text.lines().count(), 1 + 1 + children, "{text}");
    assert!(text.contains(",220281,蛟河市团委,"));
    assert!(text.contains("到期未达标"));
}

/// Counts are cached (`computedAt` stays) until they expire; with the cache off every report
/// counts afresh.
#[tokio::test]
async fn live_counts_are_cached_and_computed_at_says_when() {
    let app = spawn_app().await;
    let village = &villages_of(&app, "220281", VillageScope::VillageCommittees).await[0];
    let county = app.admin_of("220281").await;
    let q = "indicators=village_talent_coverage";
    let first = report(&app, &county, q).await;
    app.youth_in("kpi_cached", village, true).await;
    let second = report(&app, &county, q).await;
    assert_eq!(first["computedAt"], second["computedAt"]);
    assert_eq!(
        line(&second, "village_talent_coverage")["numerator"],
        0,
        "served from the cache"
    );
    let fresh = spawn_app_with(|s| s.kpi_cache_ttl = std::time::Duration::ZERO).await;
    let county = fresh.admin_of("220281").await;
    fresh.youth_in("kpi_uncached", village, true).await;
    assert_eq!(
        line(&report(&fresh, &county, q).await, "village_talent_coverage")["numerator"],
        1
    );
}

/// A ledger row written straight into the table, as a job or a hand-made fix would: the
/// database keeps the monthly totals the report reads.
async fn ledger_row(
    app: &TestApp,
    seq: i64,
    user: Uuid,
    region: &str,
    category: VolunteerCategory,
    minutes: i32,
    at: DateTime<Utc>,
) -> Uuid {
    let id = Uuid::now_v7();
    volunteer_hour_entries::ActiveModel {
        id: Set(id),
        seq: Set(1_000_000 + seq),
        user_id: Set(user),
        minutes: Set(minutes),
        region_code: Set(region.to_owned()),
        served_at: Set(at),
        source: Set(EntrySource::SelfReport),
        category: Set(category),
        content: Set("清河巡护".into()),
        activity_id: Set(None),
        report_id: Set(None),
        reverses_entry_id: Set(None),
        actor_id: Set(user),
        reason: Set(None),
        board_applied: Set(true),
        created_at: Set(at),
    }
    .insert(app.db())
    .await
    .expect("ledger row");
    id
}

/// A report's `volunteer_minutes` line as (total, minutes per category, per child).
fn minutes_of(report: &Value) -> (i64, BTreeMap<String, i64>, BTreeMap<String, i64>) {
    let l = line(report, "volunteer_minutes");
    let per = |items: &Value, key: &str| -> BTreeMap<String, i64> {
        items
            .as_array()
            .expect("items")
            .iter()
            .map(|i| {
                let k = if key == "key" {
                    i["key"].as_str()
                } else {
                    i["region"]["code"].as_str()
                };
                (
                    k.expect("key").to_owned(),
                    i["numerator"].as_i64().unwrap_or(0),
                )
            })
            .filter(|(_, n)| *n != 0)
            .collect()
    };
    (
        l["numerator"].as_i64().expect("numerator"),
        per(&l["breakdown"], "key"),
        per(&l["children"], "region"),
    )
}

#[tokio::test]
async fn volunteer_minutes_of_whole_months_and_of_days_agree_for_a_county_and_its_townships() {
    let app = spawn_app_with(|s| s.kpi_cache_ttl = std::time::Duration::ZERO).await;
    let villages = villages_of(&app, "220281", VillageScope::All).await;
    let a = villages[0].clone();
    let b = villages
        .iter()
        .find(|v| v[..9] != a[..9])
        .expect("a second township")
        .clone();
    let other_county = villages_of(&app, "220282", VillageScope::All).await[0].clone();
    let user = Uuid::parse_str(&app.login_as_youth("kpi_minutes").await.user_id).unwrap();
    let today = jiqing::time::today_in_china(Utc::now());
    let day = |d: chrono::NaiveDate| jiqing::time::start_of_day(d);
    let year_start = day(chrono::NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap());
    let month_start = day(today.with_day(1).unwrap());
    let tomorrow = day(today + chrono::Duration::days(1));
    let (river, lecture) = (
        VolunteerCategory::RiverPatrol,
        VolunteerCategory::PolicyLecture,
    );
    let secs = chrono::Duration::seconds;
    // (region, category, minutes, served at)
    let rows: Vec<(String, VolunteerCategory, i32, DateTime<Utc>)> = vec![
        (a.clone(), river, 100, year_start - secs(1)),
        (a.clone(), river, 30, year_start),
        (
            b.clone(),
            lecture,
            45,
            year_start + chrono::Duration::days(40),
        ),
        // A tenth of a millisecond before a month begins: still the month before.
        (
            b.clone(),
            river,
            7,
            month_start - chrono::Duration::microseconds(100),
        ),
        (b.clone(), river, 11, month_start),
        (a.clone(), lecture, 13, day(today) + secs(300)),
        (b.clone(), lecture, 17, day(today) - secs(3600)),
        // Recorded at the township itself, not a village.
        (b[..9].to_owned(), lecture, 19, day(today)),
        // Served tomorrow (a hand-made row): outside the window whatever the plan.
        (b.clone(), river, 1000, tomorrow + secs(60)),
        (other_county.clone(), river, 23, day(today)),
    ];
    for (i, (region, category, minutes, at)) in rows.iter().enumerate() {
        ledger_row(&app, i as i64, user, region, *category, *minutes, *at).await;
    }
    // A reversal of 20 of the first row of the year, and a row corrected by hand: the trigger
    // moves its minutes to the new category and month.
    ledger_row(&app, 100, user, &a, river, -20, year_start).await;
    let fixed = ledger_row(&app, 101, user, &a, river, 50, year_start - secs(7200)).await;
    let mut fix: volunteer_hour_entries::ActiveModel =
        volunteer_hour_entries::Entity::find_by_id(fixed)
            .one(app.db())
            .await
            .unwrap()
            .unwrap()
            .into();
    fix.minutes = Set(80);
    fix.category = Set(lecture);
    fix.served_at = Set(day(today));
    fix.update(app.db()).await.unwrap();

    // What the window [1 January, today] holds, by the rule itself.
    let mut all: Vec<(String, VolunteerCategory, i64, DateTime<Utc>)> = rows
        .iter()
        .map(|(r, c, m, t)| (r.clone(), *c, i64::from(*m), *t))
        .collect();
    all.push((a.clone(), river, -20, year_start));
    all.push((a.clone(), lecture, 80, day(today)));
    let counted = |prefix: &str| -> (i64, BTreeMap<String, i64>) {
        let mut per = BTreeMap::new();
        let mut total = 0;
        for (r, c, m, t) in &all {
            if r.starts_with(prefix) && *t >= year_start && *t < tomorrow {
                total += m;
                *per.entry(
                    serde_json::to_value(c)
                        .unwrap()
                        .as_str()
                        .unwrap()
                        .to_owned(),
                )
                .or_insert(0) += m;
            }
        }
        per.retain(|_, n| *n != 0);
        (total, per)
    };

    let province = app.admin_of("220000").await;
    let q = "indicators=volunteer_minutes";
    let county = report(&app, &province, &format!("region=220281&{q}")).await;
    let (total, per_category, per_township) = minutes_of(&county);
    assert_eq!((total, per_category), counted("220281"));
    assert_eq!(per_township.len(), 2, "{per_township:?}");
    for (township, n) in &per_township {
        assert_eq!(*n, counted(township).0, "{township}");
        // The township's own report reads the ledger by village: the same number.
        let own = report(&app, &province, &format!("region={township}&{q}")).await;
        let (t, cats, by_village) = minutes_of(&own);
        assert_eq!((t, cats), counted(township), "{township}");
        assert_eq!(
            by_village.values().sum::<i64>(),
            t - counted_at_township(&all, township, year_start, tomorrow)
        );
    }
    let whole = minutes_of(&report(&app, &province, q).await);
    assert_eq!((whole.0, whole.1.clone()), counted("22"));
    assert_eq!(whole.2["220200"], counted("2202").0);

    // A deployment with a ledger from before the monthly totals: the migration counts it.
    let manager = migration::SchemaManager::new(app.db());
    migration::VolunteerMinutesMonthly
        .down(&manager)
        .await
        .unwrap();
    migration::VolunteerMinutesMonthly
        .up(&manager)
        .await
        .unwrap();
    let again = report(&app, &province, &format!("region=220281&{q}")).await;
    assert_eq!(minutes_of(&again), minutes_of(&county));
    assert_eq!(minutes_of(&report(&app, &province, q).await), whole);
}

/// Minutes recorded at a township itself (not one of its villages) in the window.
fn counted_at_township(
    all: &[(String, VolunteerCategory, i64, DateTime<Utc>)],
    township: &str,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
) -> i64 {
    all.iter()
        .filter(|(r, _, _, t)| r == township && *t >= from && *t < until)
        .map(|(_, _, m, _)| m)
        .sum()
}
