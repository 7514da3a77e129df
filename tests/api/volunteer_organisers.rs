//! Organisers list, edit and cancel their volunteer activities; who may sign up is stated and
//! enforced.
use chrono::{Duration, Utc};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;
use crate::volunteer::create_activity;

const NANGUAN_VILLAGE: &str = "220102001001";
const CHAOYANG_VILLAGE: &str = "220104001001";
const LIST: &str = "/api/v1/admin/volunteer/activities";

fn body(title: &str, starts_in_min: i64, wanted: i32) -> Value {
    let starts = Utc::now() + Duration::minutes(starts_in_min);
    json!({
        "category": "river_patrol", "title": title, "description": "沿河捡拾垃圾",
        "place": "南关区伊通河南岭段", "regionCode": "220102",
        "startsAt": starts.to_rfc3339(), "endsAt": (starts + Duration::minutes(180)).to_rfc3339(),
        "wanted": wanted
    })
}

fn id(v: &Value) -> String {
    v["id"].as_str().expect("id").to_owned()
}

async fn sign_up(app: &TestApp, youth: &Login, activity: &str) -> reqwest::Response {
    app.post(
        &format!("/api/v1/volunteer/activities/{activity}/signups"),
        Some(&youth.token),
        &json!({}),
    )
    .await
}

async fn notice_kinds(app: &TestApp, who: &Login) -> Vec<(String, String)> {
    let page = json_of(
        app.get("/api/v1/me/notifications?pageSize=100", Some(&who.token))
            .await,
        StatusCode::OK,
    )
    .await;
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            (
                n["kind"].as_str().unwrap().to_owned(),
                n["body"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

async fn titles(app: &TestApp, cadre: &Login, query: &str) -> Vec<String> {
    let page = json_of(
        app.get(&format!("{LIST}{query}"), Some(&cadre.token)).await,
        StatusCode::OK,
    )
    .await;
    let mut t: Vec<String> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["title"].as_str().unwrap().to_owned())
        .collect();
    t.sort();
    t
}

/// The items of a list, whether it answers the page envelope or a bare array.
fn items(v: &Value) -> Vec<Value> {
    v.get("items")
        .unwrap_or(v)
        .as_array()
        .cloned()
        .unwrap_or_default()
}

#[tokio::test]
async fn organisers_list_their_units_activities_by_status_and_another_county_cannot_touch_them() {
    let app = spawn_app().await;
    let nanguan = app.admin_of("220102").await;
    let colleague = app.admin_of("220102").await;
    let chaoyang = app.admin_of("220104").await;
    let patrol = create_activity(&app, &nanguan, body("巡河护河", 120, 5)).await;
    create_activity(&app, &colleague, body("政策宣讲", 240, 5)).await;
    let mut theirs = body("朝阳区支教", 120, 5);
    theirs["regionCode"] = json!("220104");
    create_activity(&app, &chaoyang, theirs).await;

    assert_eq!(titles(&app, &nanguan, "").await, ["巡河护河", "政策宣讲"]);
    assert_eq!(titles(&app, &nanguan, "?mine=true").await, ["巡河护河"]);
    assert_eq!(titles(&app, &chaoyang, "").await, ["朝阳区支教"]);
    let url = format!("{LIST}/{}", id(&patrol));
    json_of(
        app.post(
            &format!("{url}/cancellations"),
            Some(&colleague.token),
            &json!({"reason": "因河道施工取消", "version": 1}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        titles(&app, &nanguan, "?status=cancelled").await,
        ["巡河护河"]
    );
    assert_eq!(
        titles(&app, &nanguan, "?status=published").await,
        ["政策宣讲"]
    );
    assert_error(
        app.get(&format!("{LIST}?status=ended"), Some(&nanguan.token))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;

    // Another county's cadre: not listed, and by id it does not exist.
    assert_error(
        app.get(&url, Some(&chaoyang.token)).await,
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
    )
    .await;
    let mut edit = body("巡河护河", 120, 5);
    edit["version"] = json!(2);
    assert_error(
        app.put(&url, Some(&chaoyang.token), &edit).await,
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
    )
    .await;
    assert_error(
        app.post(
            &format!("{LIST}/{}/cancellations", id(&patrol)),
            Some(&chaoyang.token),
            &json!({"reason": "越权取消"}),
        )
        .await,
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
    )
    .await;
    let youth = app.youth_in("y", NANGUAN_VILLAGE, true).await;
    assert_error(
        app.get(LIST, Some(&youth.token)).await,
        StatusCode::FORBIDDEN,
        "ROLE_REQUIRED",
    )
    .await;

    let detail = json_of(app.get(&url, Some(&nanguan.token)).await, StatusCode::OK).await;
    assert_eq!(detail["status"], "cancelled");
    assert_eq!(detail["cancelReason"], "因河道施工取消");
    let actions: Vec<&str> = detail["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["create", "cancel"]);
}

#[tokio::test]
async fn an_edit_needs_the_version_seen_keeps_wanted_above_the_sign_ups_and_tells_signed_up_youth_of_a_new_time()
 {
    let app = spawn_app().await;
    let cadre = app.admin_of("220102").await;
    let a = create_activity(&app, &cadre, body("巡河护河", 120, 3)).await;
    let url = format!("{LIST}/{}", id(&a));
    let signed: Vec<Login> = {
        let mut v = Vec::new();
        for name in ["e1", "e2"] {
            let y = app.youth_in(name, NANGUAN_VILLAGE, true).await;
            json_of(sign_up(&app, &y, &id(&a)).await, StatusCode::CREATED).await;
            v.push(y);
        }
        v
    };
    let bystander = app.youth_in("e3", NANGUAN_VILLAGE, true).await;

    let mut edit = body("巡河护河", 180, 3);
    edit["place"] = json!("南关区伊通河永安桥段");
    let no_version = assert_error(
        app.put(&url, Some(&cadre.token), &edit).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    assert_eq!(no_version["error"]["fields"][0]["field"], "version");
    edit["version"] = json!(1);
    let mut too_few = edit.clone();
    too_few["wanted"] = json!(1);
    let below = assert_error(
        app.put(&url, Some(&cadre.token), &too_few).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    assert_eq!(below["error"]["fields"][0]["code"], "BELOW_TAKEN");
    let mut moved_region = edit.clone();
    moved_region["regionCode"] = json!("220104");
    let immutable = assert_error(
        app.put(&url, Some(&cadre.token), &moved_region).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    assert_eq!(immutable["error"]["fields"][0]["code"], "IMMUTABLE");

    let edited = json_of(
        app.put(&url, Some(&cadre.token), &edit).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(edited["version"], 2);
    assert_eq!(edited["place"], "南关区伊通河永安桥段");
    assert_eq!(edited["signedUp"], 2);
    // A retry of the same edit changes and tells nothing more.
    let again = json_of(
        app.put(&url, Some(&cadre.token), &edit).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(again["version"], 2);
    // Someone else's stale edit is refused.
    let mut stale = edit.clone();
    stale["title"] = json!("伊通河巡河");
    assert_error(
        app.put(&url, Some(&cadre.token), &stale).await,
        StatusCode::CONFLICT,
        "ACTIVITY_CHANGED",
    )
    .await;
    // A new title only is not news for the volunteers.
    stale["version"] = json!(2);
    json_of(
        app.put(&url, Some(&cadre.token), &stale).await,
        StatusCode::OK,
    )
    .await;

    for y in &signed {
        let notes = notice_kinds(&app, y).await;
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert_eq!(notes[0].0, "volunteer.activity_changed");
        assert!(notes[0].1.contains("永安桥段"), "{}", notes[0].1);
    }
    assert!(notice_kinds(&app, &bystander).await.is_empty());
}

#[tokio::test]
async fn cancelling_ends_every_sign_up_tells_each_youth_why_once_and_refuses_what_follows() {
    let app = spawn_app().await;
    let cadre = app.admin_of("220102").await;
    let a = create_activity(&app, &cadre, body("巡河护河", 120, 5)).await;
    let activity = id(&a);
    let url = format!("{LIST}/{activity}");
    let mut signed = Vec::new();
    for name in ["c1", "c2"] {
        let y = app.youth_in(name, NANGUAN_VILLAGE, true).await;
        json_of(sign_up(&app, &y, &activity).await, StatusCode::CREATED).await;
        signed.push(y);
    }
    let late = app.youth_in("c3", NANGUAN_VILLAGE, true).await;
    assert_error(
        app.post(
            &format!("{url}/cancellations"),
            Some(&cadre.token),
            &json!({"reason": "  "}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    let cancel = json!({"reason": "因暴雨预警取消", "version": 1});
    for attempt in ["first", "retry"] {
        let done = json_of(
            app.post(&format!("{url}/cancellations"), Some(&cadre.token), &cancel)
                .await,
            StatusCode::OK,
        )
        .await;
        assert_eq!(done["status"], "cancelled", "{attempt}");
        assert_eq!(done["version"], 2, "{attempt}");
    }
    for y in &signed {
        let notes = notice_kinds(&app, y).await;
        assert_eq!(notes.len(), 1, "one notice, retry or not: {notes:?}");
        assert_eq!(notes[0].0, "volunteer.activity_cancelled");
        assert!(notes[0].1.contains("因暴雨预警取消"));
        let mine = json_of(
            app.get("/api/v1/me/volunteer/signups", Some(&y.token))
                .await,
            StatusCode::OK,
        )
        .await;
        assert_eq!(items(&mine)[0]["status"], "activity_cancelled");
        assert_error(
            app.delete(
                &format!("/api/v1/volunteer/activities/{activity}/signups/me"),
                Some(&y.token),
            )
            .await,
            StatusCode::CONFLICT,
            "ACTIVITY_CANCELLED",
        )
        .await;
    }
    assert!(notice_kinds(&app, &late).await.is_empty());
    assert_error(
        sign_up(&app, &late, &activity).await,
        StatusCode::CONFLICT,
        "ACTIVITY_CANCELLED",
    )
    .await;
    let public = json_of(
        app.get("/api/v1/volunteer/activities", Some(&late.token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(public["total"], 0, "cancelled activities leave the list");
    let seen = json_of(
        app.get(
            &format!("/api/v1/volunteer/activities/{activity}"),
            Some(&late.token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(seen["status"], "cancelled");
    assert_eq!(seen["cancelReason"], "因暴雨预警取消");
    let mut edit = body("巡河护河", 120, 5);
    edit["version"] = json!(2);
    assert_error(
        app.put(&url, Some(&cadre.token), &edit).await,
        StatusCode::CONFLICT,
        "INVALID_STATE",
    )
    .await;
    assert_error(
        app.get(&format!("{url}/check-in-code?kind=in"), Some(&cadre.token))
            .await,
        StatusCode::CONFLICT,
        "ACTIVITY_CANCELLED",
    )
    .await;
}

#[tokio::test]
async fn once_someone_checked_in_the_activity_keeps_its_times_and_cannot_be_cancelled() {
    let app = spawn_app().await;
    let cadre = app.admin_of("220102").await;
    let a = create_activity(&app, &cadre, body("巡河护河", 10, 5)).await;
    let activity = id(&a);
    let url = format!("{LIST}/{activity}");
    let y = app.youth_in("in", NANGUAN_VILLAGE, true).await;
    json_of(sign_up(&app, &y, &activity).await, StatusCode::CREATED).await;
    let code = json_of(
        app.get(&format!("{url}/check-in-code?kind=in"), Some(&cadre.token))
            .await,
        StatusCode::OK,
    )
    .await["code"]
        .as_str()
        .unwrap()
        .to_owned();
    json_of(
        app.post(
            &format!("/api/v1/volunteer/activities/{activity}/check-ins"),
            Some(&y.token),
            &json!({"code": code}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_error(
        app.post(
            &format!("{url}/cancellations"),
            Some(&cadre.token),
            &json!({"reason": "临时取消"}),
        )
        .await,
        StatusCode::CONFLICT,
        "ATTENDANCE_STARTED",
    )
    .await;
    let mut later = body("巡河护河", 60, 5);
    later["version"] = json!(1);
    assert_error(
        app.put(&url, Some(&cadre.token), &later).await,
        StatusCode::CONFLICT,
        "ATTENDANCE_STARTED",
    )
    .await;
    let detail = json_of(app.get(&url, Some(&cadre.token)).await, StatusCode::OK).await;
    assert_eq!(
        detail["status"], "published",
        "the refused cancellation left nothing"
    );
    assert_eq!(detail["version"], 1);
    assert!(notice_kinds(&app, &y).await.is_empty());
}

#[tokio::test]
async fn only_youth_living_in_the_organising_unit_sign_up_unless_the_activity_is_open_to_all() {
    let app = spawn_app().await;
    let nanguan = app.admin_of("220102").await;
    let local = app.youth_in("local", NANGUAN_VILLAGE, true).await;
    let outsider = app.youth_in("outsider", CHAOYANG_VILLAGE, true).await;

    let closed = create_activity(&app, &nanguan, body("巡河护河", 120, 5)).await;
    assert_eq!(closed["openToAll"], false);
    assert_eq!(closed["unitCode"], "220102");
    let rule = closed["eligibility"].as_str().unwrap().to_owned();
    assert!(
        rule.starts_with("仅限") && rule.contains("南关区"),
        "{rule}"
    );
    let refused = assert_error(
        sign_up(&app, &outsider, &id(&closed)).await,
        StatusCode::FORBIDDEN,
        "OUTSIDE_ACTIVITY_AREA",
    )
    .await;
    assert!(
        refused["error"]["message"]
            .as_str()
            .unwrap()
            .contains(&rule),
        "the refusal states the rule: {refused}"
    );
    json_of(
        sign_up(&app, &local, &id(&closed)).await,
        StatusCode::CREATED,
    )
    .await;

    let mut open = body("政策宣讲", 120, 5);
    open["openToAll"] = json!(true);
    let open = create_activity(&app, &nanguan, open).await;
    assert_eq!(open["eligibility"], "面向全省青年开放报名");
    json_of(
        sign_up(&app, &outsider, &id(&open)).await,
        StatusCode::CREATED,
    )
    .await;

    // Opening a closed activity later lets the outsider in.
    let mut opened = body("巡河护河", 120, 5);
    opened["openToAll"] = json!(true);
    opened["version"] = json!(1);
    let url = format!("{LIST}/{}", id(&closed));
    json_of(
        app.put(&url, Some(&nanguan.token), &opened).await,
        StatusCode::OK,
    )
    .await;
    json_of(
        sign_up(&app, &outsider, &id(&closed)).await,
        StatusCode::CREATED,
    )
    .await;

    // A city's activity is open to every county of the city.
    let changchun = app.admin_of("220100").await;
    let mut city = body("市级志愿活动", 120, 5);
    city["regionCode"] = json!("220100");
    let city = create_activity(&app, &changchun, city).await;
    json_of(
        sign_up(&app, &outsider, &id(&city)).await,
        StatusCode::CREATED,
    )
    .await;
}
