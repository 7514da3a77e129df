//! 青年之家 and 标志性服务项目 (`supervision.md` §4, issue 13 point 6), black-box over HTTP.
//!
//! The spec's checks: 1 `a_home_created_and_verified_by_the_same_cadre_is_refused_…`;
//! 2 and 4 `verifying_a_home_raises_township_coverage_by_one_township_at_once_…`;
//! 3 `a_failed_check_removes_the_home_from_the_live_value_at_once_…`.
use chrono::NaiveDate;
use entity::regions;
use entity::youth_homes;
use jiqing::kpi::snapshot::take;
use jiqing::kpi_scope::TownshipScope;
use jiqing::workflow::{Subject, events};
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
use serde_json::{Value, json};

use crate::helpers::{Login, TestApp, assert_error, json_of, spawn_app, spawn_app_with, tiny_jpeg};
use crate::kpi::{child, line, report};

const HOMES: &str = "/api/v1/admin/youth-homes";
const PROJECTS: &str = "/api/v1/admin/signature-projects";
const COVERAGE: &str = "youth_home_township_coverage";
const SHARE: &str = "signature_project_share";

/// The rural townships of a county, by code.
pub async fn townships_of(app: &TestApp, county: &str) -> Vec<String> {
    let mut codes: Vec<String> = regions::Entity::find()
        .select_only()
        .column(regions::Column::Code)
        .filter(regions::Column::Level.eq("township"))
        .filter(regions::Column::Code.starts_with(county))
        .into_tuple()
        .all(app.db())
        .await
        .unwrap();
    codes.retain(|c| TownshipScope::Rural.counts(c));
    codes.sort();
    codes
}

pub fn home_body(name: &str, township: &str) -> Value {
    json!({"name": name, "townshipCode": township, "address": "镇党群服务中心二楼",
           "hostKind": "party_service_centre", "photos": []})
}

/// An operating home (opened on creation).
pub fn open_home_body(name: &str, township: &str) -> Value {
    let mut b = home_body(name, township);
    b["openedOn"] = json!("2026-05-04");
    b
}

pub async fn created_home(app: &TestApp, cadre: &Login, body: &Value) -> Value {
    json_of(
        app.post(HOMES, Some(&cadre.token), body).await,
        StatusCode::CREATED,
    )
    .await
}

async fn act(
    app: &TestApp,
    who: &Login,
    home: &Value,
    step: &str,
    body: &Value,
) -> reqwest::Response {
    app.post(
        &format!("{HOMES}/{}/{step}", home["id"].as_str().unwrap()),
        Some(&who.token),
        body,
    )
    .await
}

pub async fn verified_home(app: &TestApp, checker: &Login, home: &Value) -> Value {
    json_of(
        act(
            app,
            checker,
            home,
            "verifications",
            &json!({"version": home["version"]}),
        )
        .await,
        StatusCode::OK,
    )
    .await
}

async fn check(app: &TestApp, who: &Login, home: &Value, result: &str) -> Value {
    json_of(
        act(
            app,
            who,
            home,
            "checks",
            &json!({"checkedOn": "2026-11-20", "result": result, "note": "现场检查"}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await
}

async fn numerator(app: &TestApp, who: &Login, indicator: &str) -> i64 {
    let r = report(app, who, &format!("indicators={indicator}")).await;
    line(&r, indicator)["numerator"].as_i64().unwrap()
}

pub async fn todo_count(app: &TestApp, cadre: &Login, queue: &str) -> u64 {
    let list = json_of(
        app.get("/api/v1/admin/todos", Some(&cadre.token)).await,
        StatusCode::OK,
    )
    .await;
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["queue"] == queue)
        .unwrap_or_else(|| panic!("{queue} in {list}"))["count"]
        .as_u64()
        .unwrap()
}

#[tokio::test]
async fn a_home_created_and_verified_by_the_same_cadre_is_refused_and_only_the_parent_unit_verifies_it()
 {
    let app = spawn_app().await;
    let township = &townships_of(&app, "220281").await[0];
    let county = app.admin_of("220281").await;
    let county2 = app.admin_of("220281").await;
    let city = app.admin_of("220200").await;
    let home = created_home(&app, &county, &home_body("天岗镇青年之家", township)).await;
    assert_eq!(home["status"], "planned");
    assert_eq!(home["verified"], false);
    assert_eq!(home["localUnit"], "蛟河市团委");
    assert_eq!(todo_count(&app, &city, "youth_homes_to_verify").await, 1);
    assert_eq!(todo_count(&app, &county2, "youth_homes_to_verify").await, 0);
    let body = json!({"version": 1});
    assert_error(
        act(&app, &county, &home, "verifications", &body).await,
        StatusCode::FORBIDDEN,
        "SAME_ACTOR_NOT_ALLOWED",
    )
    .await;
    assert_error(
        act(&app, &county2, &home, "verifications", &body).await,
        StatusCode::FORBIDDEN,
        "PARENT_UNIT_ONLY",
    )
    .await;
    let verified = verified_home(&app, &city, &home).await;
    assert_eq!(verified["verified"], true);
    assert_eq!(verified["verifiedBy"], json!(city.user_id));
    assert_eq!(verified["timeline"].as_array().unwrap().len(), 2);
    assert_eq!(verified["timeline"][1]["action"], "verify");
    assert_eq!(todo_count(&app, &city, "youth_homes_to_verify").await, 0);
    // The same verification again is the same answer; another city cadre's is 409.
    let again = act(&app, &city, &home, "verifications", &body).await;
    assert_eq!(again.status(), StatusCode::OK);
    let city2 = app.admin_of("220200").await;
    assert_error(
        act(&app, &city2, &home, "verifications", &json!({"version": 2})).await,
        StatusCode::CONFLICT,
        "INVALID_STATE",
    )
    .await;
}

#[tokio::test]
async fn meihekou_homes_are_verified_by_the_province_and_hidden_from_tonghua() {
    let app = spawn_app().await;
    let township = &townships_of(&app, "220581").await[0];
    let local = app.admin_of("220581").await;
    let tonghua = app.admin_of("220500").await;
    let province = app.admin_of("220000").await;
    let home = created_home(&app, &local, &home_body("梅河口青年之家", township)).await;
    let id = home["id"].as_str().unwrap();
    assert_error(
        app.get(&format!("{HOMES}/{id}"), Some(&tonghua.token))
            .await,
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
    )
    .await;
    assert_eq!(
        todo_count(&app, &province, "youth_homes_to_verify").await,
        1
    );
    assert_eq!(
        verified_home(&app, &province, &home).await["verified"],
        true
    );
}

#[tokio::test]
async fn verifying_a_home_raises_township_coverage_by_one_township_at_once_and_a_second_home_changes_nothing()
 {
    let app = spawn_app().await;
    let townships = townships_of(&app, "220281").await;
    let county = app.admin_of("220281").await;
    let city = app.admin_of("220200").await;
    // Read first: the counts are cached from here on.
    let before = report(&app, &county, &format!("indicators={COVERAGE}")).await;
    assert_eq!(line(&before, COVERAGE)["numerator"], 0);
    assert_eq!(
        line(&before, COVERAGE)["denominator"].as_u64().unwrap() as usize,
        townships.len()
    );
    let home = created_home(
        &app,
        &county,
        &open_home_body("一号青年之家", &townships[0]),
    )
    .await;
    assert_eq!(home["status"], "operating");
    assert_eq!(numerator(&app, &county, COVERAGE).await, 0, "unverified");
    verified_home(&app, &city, &home).await;
    assert_eq!(numerator(&app, &county, COVERAGE).await, 1);
    assert_eq!(numerator(&app, &city, COVERAGE).await, 1);
    // The gaps list the other townships: the county's work list.
    let gaps = json_of(
        app.get(
            &format!("/api/v1/admin/kpi/gaps?indicator={COVERAGE}&region=220281&pageSize=100"),
            Some(&county.token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        gaps["total"].as_u64().unwrap() as usize,
        townships.len() - 1
    );
    assert!(
        gaps["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|g| g["code"] != json!(townships[0]))
    );
    // Check 4: a second operating, verified home in the same township.
    let second = created_home(
        &app,
        &county,
        &open_home_body("二号青年之家", &townships[0]),
    )
    .await;
    verified_home(&app, &city, &second).await;
    assert_eq!(numerator(&app, &county, COVERAGE).await, 1);
    // A planned, verified home does not count; opening it does.
    let planned = created_home(&app, &county, &home_body("三号青年之家", &townships[1])).await;
    let planned = verified_home(&app, &city, &planned).await;
    assert_eq!(numerator(&app, &county, COVERAGE).await, 1);
    let opened = json_of(
        act(
            &app,
            &county,
            &planned,
            "status-changes",
            &json!({"action": "open", "on": "2026-11-01", "version": planned["version"]}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(opened["openedOn"], "2026-11-01");
    assert_eq!(numerator(&app, &county, COVERAGE).await, 2);
    // Suspending it takes it out again.
    json_of(
        act(
            &app,
            &county,
            &opened,
            "status-changes",
            &json!({"action": "suspend", "on": "2026-11-02"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(numerator(&app, &county, COVERAGE).await, 1);
    // The stats say the same.
    let stats = json_of(
        app.get(&format!("{HOMES}/stats"), Some(&county.token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(stats["homes"]["total"], 3);
    assert_eq!(stats["homes"]["counted"], 2);
    assert_eq!(stats["homes"]["townshipsCovered"], 1);
    assert_eq!(stats["homes"]["byStatus"]["suspended"], 1);
    let child_sum: u64 = stats["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["homes"]["total"].as_u64().unwrap())
        .sum();
    assert_eq!(child_sum, 3);
}

#[tokio::test]
async fn a_failed_check_removes_the_home_from_the_live_value_at_once_and_a_parent_unit_pass_restores_it()
 {
    let app = spawn_app().await;
    let townships = townships_of(&app, "220281").await;
    let county = app.admin_of("220281").await;
    let city = app.admin_of("220200").await;
    let home = created_home(
        &app,
        &county,
        &open_home_body("检查青年之家", &townships[2]),
    )
    .await;
    verified_home(&app, &city, &home).await;
    assert_eq!(numerator(&app, &county, COVERAGE).await, 1);
    let failed = check(&app, &county, &home, "fail").await;
    assert_eq!(failed["verified"], false);
    assert!(failed["lastCheckAt"].is_string());
    assert_eq!(failed["checks"][0]["result"], "fail");
    assert_eq!(numerator(&app, &county, COVERAGE).await, 0);
    // A pass by the local unit records the check but does not restore the verification.
    let passed = check(&app, &county, &home, "pass").await;
    assert_eq!(passed["verified"], false);
    assert_eq!(passed["checks"].as_array().unwrap().len(), 2);
    assert_eq!(numerator(&app, &county, COVERAGE).await, 0);
    let restored = check(&app, &city, &home, "pass").await;
    assert_eq!(restored["verified"], true);
    assert_eq!(restored["verifiedBy"], json!(city.user_id));
    assert_eq!(numerator(&app, &county, COVERAGE).await, 1);
    // A planned home is not checked.
    let planned = created_home(&app, &county, &home_body("未开放青年之家", &townships[2])).await;
    assert_error(
        act(
            &app,
            &county,
            &planned,
            "checks",
            &json!({"checkedOn": "2026-11-20", "result": "pass"}),
        )
        .await,
        StatusCode::CONFLICT,
        "INVALID_STATE",
    )
    .await;
}

#[tokio::test]
async fn status_changes_follow_the_machine_and_belong_to_the_local_unit() {
    let app = spawn_app().await;
    let township = &townships_of(&app, "220281").await[3];
    let county = app.admin_of("220281").await;
    let city = app.admin_of("220200").await;
    let home = created_home(&app, &county, &home_body("状态青年之家", township)).await;
    let change = |action: &str| json!({"action": action, "on": "2026-11-01"});
    assert_error(
        act(&app, &county, &home, "status-changes", &change("suspend")).await,
        StatusCode::CONFLICT,
        "INVALID_STATE",
    )
    .await;
    assert_error(
        act(&app, &city, &home, "status-changes", &change("open")).await,
        StatusCode::FORBIDDEN,
        "LOCAL_UNIT_ONLY",
    )
    .await;
    let tomorrow = (chrono::Utc::now() + chrono::Duration::days(2)).date_naive();
    let err = assert_error(
        act(
            &app,
            &county,
            &home,
            "status-changes",
            &json!({"action": "open", "on": tomorrow.to_string()}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    assert_eq!(err["error"]["fields"][0]["code"], "RANGE");
    for (action, status) in [
        ("open", "operating"),
        ("suspend", "suspended"),
        ("resume", "operating"),
        ("close", "closed"),
    ] {
        let h = json_of(
            act(&app, &county, &home, "status-changes", &change(action)).await,
            StatusCode::OK,
        )
        .await;
        assert_eq!(h["status"], status, "{action}");
    }
    // Closed is final: no resume, no edit, no verification.
    assert_error(
        act(&app, &county, &home, "status-changes", &change("resume")).await,
        StatusCode::CONFLICT,
        "INVALID_STATE",
    )
    .await;
    assert_error(
        act(&app, &city, &home, "verifications", &json!({"version": 5})).await,
        StatusCode::CONFLICT,
        "INVALID_STATE",
    )
    .await;
}

#[tokio::test]
async fn a_cadre_of_another_county_finds_no_home_or_project_by_id_or_in_lists() {
    let app = spawn_app().await;
    let township = &townships_of(&app, "220281").await[0];
    let county = app.admin_of("220281").await;
    let other = app.admin_of("220282").await;
    let home = created_home(&app, &county, &open_home_body("区域青年之家", township)).await;
    let project = json_of(
        app.post(
            PROJECTS,
            Some(&county.token),
            &project_body("区域项目", township),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let id = home["id"].as_str().unwrap();
    let pid = project["id"].as_str().unwrap();
    let t = Some(other.token.as_str());
    for resp in [
        app.get(&format!("{HOMES}/{id}"), t).await,
        app.put(
            &format!("{HOMES}/{id}"),
            t,
            &json!({"name": "改名", "townshipCode": township,
            "hostKind": "school", "version": 1}),
        )
        .await,
        act(&app, &other, &home, "verifications", &json!({"version": 1})).await,
        act(
            &app,
            &other,
            &home,
            "checks",
            &json!({"checkedOn": "2026-11-20", "result": "fail"}),
        )
        .await,
        act(
            &app,
            &other,
            &home,
            "status-changes",
            &json!({"action": "suspend", "on": "2026-11-20"}),
        )
        .await,
        app.get(&format!("{PROJECTS}/{pid}"), t).await,
        app.post(
            &format!("{PROJECTS}/{pid}/verifications"),
            t,
            &json!({"version": 1}),
        )
        .await,
    ] {
        assert_error(resp, StatusCode::NOT_FOUND, "NOT_FOUND").await;
    }
    for path in [HOMES, PROJECTS] {
        let list = json_of(app.get(path, t).await, StatusCode::OK).await;
        assert_eq!(list["total"], 0, "{path}");
        let mine = json_of(app.get(path, Some(&county.token)).await, StatusCode::OK).await;
        assert_eq!(mine["total"], 1, "{path}");
        assert_error(
            app.get(&format!("{path}?region=220281"), t).await,
            StatusCode::FORBIDDEN,
            "OUTSIDE_REGION",
        )
        .await;
    }
    assert_error(
        app.get(&format!("{HOMES}/stats?region=220281"), t).await,
        StatusCode::FORBIDDEN,
        "OUTSIDE_REGION",
    )
    .await;
    // Registering in another county's township: 403.
    assert_error(
        app.post(HOMES, t, &home_body("越界青年之家", township))
            .await,
        StatusCode::FORBIDDEN,
        "OUTSIDE_REGION",
    )
    .await;
}

#[tokio::test]
async fn bad_registrations_answer_their_codes_and_photos_go_through_the_media_store() {
    let app = spawn_app().await;
    let township = &townships_of(&app, "220281").await[0];
    let county = app.admin_of("220281").await;
    let city = app.admin_of("220200").await;
    let field = |v: &Value| v["error"]["fields"][0]["code"].as_str().unwrap().to_owned();
    // A county code is no township; a village of another township does not fit.
    let err = assert_error(
        app.post(
            HOMES,
            Some(&county.token),
            &home_body("层级青年之家", "220281"),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    assert_eq!(field(&err), "LEVEL");
    // The city registers nothing itself: the township's local unit does.
    assert_error(
        app.post(
            HOMES,
            Some(&city.token),
            &home_body("市级青年之家", township),
        )
        .await,
        StatusCode::FORBIDDEN,
        "LOCAL_UNIT_ONLY",
    )
    .await;
    let mut bad = home_body("村级青年之家", township);
    bad["villageCode"] = json!("220282100201");
    let err = assert_error(
        app.post(HOMES, Some(&county.token), &bad).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    assert_eq!(err["error"]["fields"][0]["field"], "villageCode");
    // Photos are media keys of purpose youth_home.
    let wrong = app.upload_key(&county, "hope_room", &tiny_jpeg()).await;
    let mut b = home_body("照片青年之家", township);
    b["photos"] = json!([wrong]);
    let err = assert_error(
        app.post(HOMES, Some(&county.token), &b).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    assert_eq!(field(&err), "MEDIA_KEY_INVALID");
    let key = app.upload_key(&county, "youth_home", &tiny_jpeg()).await;
    b["photos"] = json!([key]);
    b["cloudPlatformId"] = json!("QNZJ-0001");
    let home = created_home(&app, &county, &b).await;
    assert_eq!(home["photos"][0]["key"], json!(key));
    assert!(home["photos"][0]["url"].as_str().unwrap().contains("sig="));
    // The platform id is one home's.
    let mut dup = home_body("重复青年之家", township);
    dup["cloudPlatformId"] = json!("QNZJ-0001");
    assert_error(
        app.post(HOMES, Some(&county.token), &dup).await,
        StatusCode::CONFLICT,
        "CLOUD_PLATFORM_ID_TAKEN",
    )
    .await;
    // Editing needs the version; a stale one is 409.
    let mut edit = b.clone();
    edit["name"] = json!("照片青年之家（改）");
    let err = assert_error(
        app.put(
            &format!("{HOMES}/{}", home["id"].as_str().unwrap()),
            Some(&county.token),
            &edit,
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    assert_eq!(field(&err), "REQUIRED");
    edit["version"] = json!(1);
    let edited = json_of(
        app.put(
            &format!("{HOMES}/{}", home["id"].as_str().unwrap()),
            Some(&county.token),
            &edit,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(edited["name"], "照片青年之家（改）");
    assert_eq!(edited["version"], 2);
    edit["name"] = json!("再改");
    assert_error(
        app.put(
            &format!("{HOMES}/{}", home["id"].as_str().unwrap()),
            Some(&county.token),
            &edit,
        )
        .await,
        StatusCode::CONFLICT,
        "YOUTH_HOME_CHANGED",
    )
    .await;
}

#[tokio::test]
async fn the_public_list_shows_a_townships_operating_verified_homes_only() {
    let app = spawn_app().await;
    let township = &townships_of(&app, "220281").await[4];
    let county = app.admin_of("220281").await;
    let city = app.admin_of("220200").await;
    let shown = created_home(&app, &county, &open_home_body("公开青年之家", township)).await;
    verified_home(&app, &city, &shown).await;
    created_home(&app, &county, &open_home_body("未核验青年之家", township)).await;
    let planned = created_home(&app, &county, &home_body("筹建青年之家", township)).await;
    verified_home(&app, &city, &planned).await;
    let list = json_of(
        app.get(&format!("/api/v1/youth-homes?township={township}"), None)
            .await,
        StatusCode::OK,
    )
    .await;
    let names: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["公开青年之家"]);
    assert!(list[0].get("createdBy").is_none() && list[0].get("verifiedBy").is_none());
    assert_error(
        app.get("/api/v1/youth-homes?township=220281", None).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
}

pub fn project_body(name: &str, township: &str) -> Value {
    json!({"townshipCode": township, "name": name, "category": "elderly_children_care",
           "description": "每周六为留守儿童开展课业辅导", "frequency": "weekly",
           "startedOn": "2026-03-01"})
}

#[tokio::test]
async fn signature_projects_are_verified_by_the_parent_unit_and_count_while_active() {
    let app = spawn_app().await;
    let townships = townships_of(&app, "220281").await;
    let county = app.admin_of("220281").await;
    let county2 = app.admin_of("220281").await;
    let city = app.admin_of("220200").await;
    assert_eq!(numerator(&app, &county, SHARE).await, 0);
    let p = json_of(
        app.post(
            PROJECTS,
            Some(&county.token),
            &project_body("童心港湾", &townships[0]),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(p["status"], "proposed");
    let url = |step: &str| format!("{PROJECTS}/{}/{step}", p["id"].as_str().unwrap());
    assert_eq!(
        todo_count(&app, &city, "signature_projects_to_verify").await,
        1
    );
    assert_error(
        app.post(
            &url("verifications"),
            Some(&county.token),
            &json!({"version": 1}),
        )
        .await,
        StatusCode::FORBIDDEN,
        "SAME_ACTOR_NOT_ALLOWED",
    )
    .await;
    assert_error(
        app.post(
            &url("verifications"),
            Some(&county2.token),
            &json!({"version": 1}),
        )
        .await,
        StatusCode::FORBIDDEN,
        "PARENT_UNIT_ONLY",
    )
    .await;
    json_of(
        app.post(
            &url("verifications"),
            Some(&city.token),
            &json!({"version": 1}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        todo_count(&app, &city, "signature_projects_to_verify").await,
        0
    );
    assert_eq!(numerator(&app, &county, SHARE).await, 0, "proposed");
    let started = json_of(
        app.post(
            &url("status-changes"),
            Some(&county.token),
            &json!({"action": "start", "on": "2026-04-01"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(started["status"], "active");
    assert_eq!(started["counted"], true);
    assert_eq!(started["startedOn"], "2026-04-01");
    assert_eq!(numerator(&app, &county, SHARE).await, 1);
    let ended = json_of(
        app.post(
            &url("status-changes"),
            Some(&county.token),
            &json!({"action": "end", "on": "2026-11-01", "reason": "项目周期结束"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(ended["endedOn"], "2026-11-01");
    assert_eq!(ended["timeline"].as_array().unwrap().len(), 4);
    assert_eq!(numerator(&app, &county, SHARE).await, 0);
    assert_error(
        app.post(
            &url("status-changes"),
            Some(&county.token),
            &json!({"action": "start", "on": "2026-11-02"}),
        )
        .await,
        StatusCode::CONFLICT,
        "INVALID_STATE",
    )
    .await;
}

/// §3 check 3 through the registry: active verified projects in 6 of 蛟河市's rural townships
/// give 600 ‰ and `achieved` against a 600 target with a future due date.
#[tokio::test]
async fn projects_in_six_of_ten_townships_achieve_a_600_target() {
    let app = spawn_app().await;
    let townships = townships_of(&app, "220281").await;
    let county = app.admin_of("220281").await;
    let city = app.admin_of("220200").await;
    json_of(
        app.put("/api/v1/admin/kpi/targets", Some(&city.token),
            &json!({"indicatorCode": SHARE, "areaUnitCode": "220281", "dueOn": "2030-12-31", "value": 600})).await,
        StatusCode::OK,
    )
    .await;
    let want = (townships.len() * 6).div_ceil(10);
    for t in townships.iter().take(want) {
        active_verified_project(&app, &county, &city, t).await;
    }
    let r = report(&app, &county, &format!("indicators={SHARE}")).await;
    let l = line(&r, SHARE);
    assert_eq!(l["numerator"].as_u64().unwrap() as usize, want);
    assert!(l["value"].as_i64().unwrap() >= 600, "{l}");
    assert_eq!(l["status"], "achieved", "{l}");
    // A local unit's own line has no pooled ratio beside it.
    assert!(l["pooled"].is_null(), "{l}");
}

/// A signature project in `township`, registered by its county's cadre, started and verified
/// by a cadre of the city: it counts.
async fn active_verified_project(app: &TestApp, county: &Login, city: &Login, township: &str) {
    let p = json_of(
        app.post(
            PROJECTS,
            Some(&county.token),
            &project_body("乡镇项目", township),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let url = |step: &str| format!("{PROJECTS}/{}/{step}", p["id"].as_str().unwrap());
    json_of(
        app.post(
            &url("status-changes"),
            Some(&county.token),
            &json!({"action": "start", "on": "2026-04-01"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    json_of(
        app.post(
            &url("verifications"),
            Some(&city.token),
            &json!({"version": 2}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
}

/// `signature_project_share` for `unit` with a future due date, set by `by`: 200.
async fn share_target(app: &TestApp, by: &Login, unit: &str, value: i64) {
    json_of(
        app.put(
            "/api/v1/admin/kpi/targets",
            Some(&by.token),
            &json!({"indicatorCode": SHARE, "areaUnitCode": unit, "dueOn": "2030-12-31", "value": value}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
}

/// 蛟河市 (220281) with projects in 6 of its 10 rural townships meets a 600 target; 桦甸市
/// (220282) with 5 of 9 does not. The counted local units of 吉林市 are its 9 county units of the
/// county scope (its 3 development zones are not), and its townships all together are the pooled
/// ratio beside the line.
async fn jiaohe_meets_and_huadian_misses(app: &TestApp) -> (Login, Login) {
    let city = app.admin_of("220200").await;
    let jiaohe = app.admin_of("220281").await;
    let huadian = app.admin_of("220282").await;
    share_target(app, &city, "220281", 600).await;
    share_target(app, &city, "220282", 600).await;
    for t in townships_of(app, "220281").await.iter().take(6) {
        active_verified_project(app, &jiaohe, &city, t).await;
    }
    for t in townships_of(app, "220282").await.iter().take(5) {
        active_verified_project(app, &huadian, &city, t).await;
    }
    (city, jiaohe)
}

/// supervision.md §3, `signature_project_share` above the local units: a city's line counts
/// exactly its local units whose own line meets their own target (1 of 9), against 1000 ‰,
/// with the pooled township ratio beside it; its children are the local units' own lines.
#[tokio::test]
async fn a_city_counts_exactly_its_local_units_meeting_their_target_with_the_pooled_ratio_beside() {
    let app = spawn_app().await;
    let (city, jiaohe) = jiaohe_meets_and_huadian_misses(&app).await;
    let r = report(&app, &city, &format!("indicators={SHARE}")).await;
    let l = line(&r, SHARE);
    assert_eq!(l["region"]["code"], "220200");
    assert_eq!(l["numerator"], 1, "{l}");
    assert_eq!(l["denominator"], 9, "{l}");
    assert_eq!(l["value"], 111);
    assert_eq!(l["target"]["value"], 1000);
    assert_eq!(l["target"]["dueOn"], "2030-12-31", "{l}");
    assert_eq!(l["gap"], 8);
    assert_eq!(l["status"], "in_progress");
    // The children: each local unit's own township line against its own target.
    let j = child(l, "220281");
    assert_eq!(
        (j["numerator"].as_i64(), j["denominator"].as_i64()),
        (Some(6), Some(10))
    );
    assert_eq!(j["target"]["value"], 600);
    assert_eq!(j["status"], "achieved", "{j}");
    assert!(j["pooled"].is_null());
    let h = child(l, "220282");
    assert_eq!(
        (h["numerator"].as_i64(), h["value"].as_i64()),
        (Some(5), Some(555))
    );
    assert_ne!(h["status"], "achieved", "{h}");
    let achieved = l["children"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["status"] == "achieved")
        .count();
    assert_eq!(achieved, 1);
    // The pooled ratio: every township of the city, the sum of the children's own lines.
    let townships: i64 = l["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["denominator"].as_i64().unwrap())
        .sum();
    assert_eq!(l["pooled"]["numerator"], 11, "{l}");
    assert_eq!(l["pooled"]["denominator"].as_i64(), Some(townships));
    assert_eq!(l["pooled"]["value"].as_i64(), Some(11 * 1000 / townships));
    // The CSV carries the pooled ratio in its last three columns, on the city's row only.
    let csv = app
        .get(
            &format!("/api/v1/admin/kpi/report/export?indicators={SHARE}"),
            Some(&city.token),
        )
        .await
        .text()
        .await
        .unwrap();
    let rows: Vec<&str> = csv.lines().collect();
    assert!(
        rows[0].ends_with(",合并口径分子,合并口径分母,合并口径数值"),
        "{csv}"
    );
    assert!(
        rows[1].contains(",220200,吉林市团委,1,9,111,1000,2030-12-31,"),
        "{csv}"
    );
    assert!(
        rows[1].ends_with(&format!(",11,{townships},{}", 11 * 1000 / townships)),
        "{csv}"
    );
    assert!(rows[2..].iter().all(|r| r.ends_with(",,,")), "{csv}");
    // The county's own report is its township line.
    let own = report(&app, &jiaohe, &format!("indicators={SHARE}")).await;
    assert_eq!(line(&own, SHARE)["numerator"], 6);
    assert!(line(&own, SHARE)["pooled"].is_null());
}

/// The gaps of `signature_project_share` above the local units are the townships the city's
/// line still needs: those of its counted local units short of their own target (桦甸市's 4),
/// never those of 蛟河市, which meets its target; the county's own list is all its townships
/// without a project.
#[tokio::test]
async fn a_citys_project_gaps_are_the_townships_of_its_local_units_short_of_their_target() {
    let app = spawn_app().await;
    let (city, jiaohe) = jiaohe_meets_and_huadian_misses(&app).await;
    async fn gaps(app: &TestApp, who: &Login) -> Vec<String> {
        let mut codes = Vec::new();
        for page in 1.. {
            let got = json_of(
                app.get(
                    &format!("/api/v1/admin/kpi/gaps?indicator={SHARE}&page={page}&pageSize=100"),
                    Some(&who.token),
                )
                .await,
                StatusCode::OK,
            )
            .await;
            let items = got["items"].as_array().unwrap();
            codes.extend(items.iter().map(|i| i["code"].as_str().unwrap().to_owned()));
            if items.len() < 100 {
                assert_eq!(got["total"].as_u64(), Some(codes.len() as u64));
                break;
            }
        }
        codes
    }
    let above = gaps(&app, &city).await;
    assert!(!above.iter().any(|c| c.starts_with("220281")), "{above:?}");
    let huadian: Vec<&String> = above.iter().filter(|c| c.starts_with("220282")).collect();
    assert_eq!(huadian.len(), 4, "{above:?}");
    // Only townships of counted local units (the county scope: not the development zones).
    let counties: std::collections::BTreeSet<&str> = above.iter().map(|c| &c[..6]).collect();
    assert!(counties.len() <= 8, "{counties:?}");
    // The county's own work list: all its townships without a project (its line is its own).
    assert_eq!(gaps(&app, &jiaohe).await.len(), 4);
}

/// Targets of `signature_project_share` are set for local units only: a city unit or the
/// province → 422 `TARGET_LOCAL_UNITS_ONLY`; 梅河口 (a local unit at city level) → 200.
#[tokio::test]
async fn a_project_share_target_for_a_city_unit_or_the_province_is_refused() {
    let app = spawn_app().await;
    let province = app.admin_of("220000").await;
    for unit in ["220200", "220000"] {
        let err = assert_error(
            app.put(
                "/api/v1/admin/kpi/targets",
                Some(&province.token),
                &json!({"indicatorCode": SHARE, "areaUnitCode": unit, "dueOn": "2030-12-31", "value": 900}),
            )
            .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "VALIDATION_FAILED",
        )
        .await;
        assert_eq!(err["error"]["fields"][0]["field"], "areaUnitCode", "{unit}");
        assert_eq!(
            err["error"]["fields"][0]["code"], "TARGET_LOCAL_UNITS_ONLY",
            "{unit}"
        );
    }
    share_target(&app, &province, "220581", 700).await;
    // Other ratios still take a city's target.
    json_of(
        app.put(
            "/api/v1/admin/kpi/targets",
            Some(&province.token),
            &json!({"indicatorCode": COVERAGE, "areaUnitCode": "220200", "dueOn": "2030-12-31", "value": 900}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
}

/// The province's `signature_project_share` line counts its 61 local units meeting their target,
/// and equals the sum of its 11 children (梅河口 and 长白山 each one local unit of one), the
/// pooled ratios summing to the 613 townships; a snapshot freezes the same numbers and a past
/// `asOf` answers them.
#[tokio::test]
async fn the_province_counts_the_local_units_meeting_their_target_as_the_sum_of_its_children() {
    let app = spawn_app_with(|s| s.kpi_cache_ttl = std::time::Duration::ZERO).await;
    let (city, jiaohe) = jiaohe_meets_and_huadian_misses(&app).await;
    let province = app.admin_of("220000").await;
    // 梅河口 meets a target of 0 with no project at all.
    share_target(&app, &province, "220581", 0).await;
    let check = |r: &Value, pooled: i64| {
        let l = line(r, SHARE);
        let children = l["children"].as_array().unwrap();
        assert_eq!(children.len(), 11);
        let sum = |key: &str| -> i64 { children.iter().map(|c| c[key].as_i64().unwrap()).sum() };
        let pooled_sum = |key: &str| -> i64 {
            children
                .iter()
                .map(|c| c["pooled"][key].as_i64().unwrap())
                .sum()
        };
        assert_eq!(l["numerator"], 2, "{l}");
        assert_eq!(sum("numerator"), 2);
        assert_eq!(l["denominator"], 61);
        assert_eq!(sum("denominator"), 61);
        assert_eq!(l["target"]["value"], 1000);
        assert_eq!(l["pooled"]["numerator"].as_i64(), Some(pooled));
        assert_eq!(pooled_sum("numerator"), pooled);
        assert_eq!(l["pooled"]["denominator"], 613);
        assert_eq!(pooled_sum("denominator"), 613);
        let jilin = child(l, "220200");
        assert_eq!(
            (jilin["numerator"].as_i64(), jilin["denominator"].as_i64()),
            (Some(1), Some(9))
        );
        let meihekou = child(l, "220581");
        assert_eq!(meihekou["numerator"], 1, "{meihekou}");
        assert_eq!(meihekou["denominator"], 1);
        assert_eq!(meihekou["status"], "achieved");
        assert_eq!(meihekou["pooled"]["numerator"], 0);
        assert_eq!(meihekou["pooled"]["denominator"], 19);
        let cbs = child(l, "CBS");
        assert_eq!(
            (cbs["numerator"].as_i64(), cbs["denominator"].as_i64()),
            (Some(0), Some(1))
        );
    };
    let live = report(&app, &province, &format!("indicators={SHARE}")).await;
    check(&live, 11);

    let frozen_on = "2026-11-03";
    take(&app.state, NaiveDate::from_ymd_opt(2026, 11, 3).unwrap())
        .await
        .unwrap();
    // A 7th township of 蛟河市 after the snapshot: today's pooled ratio moves, that date's not.
    let seventh = townships_of(&app, "220281").await[6].clone();
    active_verified_project(&app, &jiaohe, &city, &seventh).await;
    let past = report(
        &app,
        &province,
        &format!("indicators={SHARE}&asOf={frozen_on}"),
    )
    .await;
    assert_eq!(past["servedFrom"], "snapshot", "{past}");
    check(&past, 11);
    check(
        &report(&app, &province, &format!("indicators={SHARE}")).await,
        12,
    );
    let city_past = report(&app, &city, &format!("indicators={SHARE}&asOf={frozen_on}")).await;
    assert_eq!(line(&city_past, SHARE)["numerator"], 1);
    assert_eq!(line(&city_past, SHARE)["pooled"]["numerator"], 11);
}

/// Two cadres of the parent unit verifying the same home at once, on two instances on
/// PostgreSQL: exactly one verification, one 200 and one 409.
#[tokio::test]
async fn two_city_cadres_verifying_one_home_at_once_make_one_verification() {
    let app = spawn_app().await;
    let second = app.second_instance_on_postgres().await;
    let other = second.as_ref().unwrap_or(&app);
    let townships = townships_of(&app, "220281").await;
    let county = app.admin_of("220281").await;
    let a = app.admin_of("220200").await;
    let b = app.admin_of("220200").await;
    for (round, township) in townships.iter().take(4).enumerate() {
        let home = created_home(
            &app,
            &county,
            &open_home_body(&format!("并发青年之家{round}"), township),
        )
        .await;
        let url = format!("{HOMES}/{}/verifications", home["id"].as_str().unwrap());
        let body = json!({"version": 1});
        let (ra, rb) = tokio::join!(
            app.post(&url, Some(&a.token), &body),
            other.post(&url, Some(&b.token), &body),
        );
        let mut statuses = [ra.status(), rb.status()];
        statuses.sort();
        assert_eq!(
            statuses,
            [StatusCode::OK, StatusCode::CONFLICT],
            "round {round}"
        );
        let events = events::of_subject(
            app.db(),
            youth_homes::Model::EVENTS,
            home["id"].as_str().unwrap().parse().unwrap(),
        )
        .await
        .unwrap();
        let events: Vec<_> = events.iter().filter(|e| e.action == "verify").collect();
        assert_eq!(events.len(), 1, "round {round}");
    }
    assert_eq!(numerator(&app, &county, COVERAGE).await, 4);
}
