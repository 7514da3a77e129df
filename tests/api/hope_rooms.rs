//! 希望小屋 (`supervision.md` §6, issue 13 point 6), black-box over HTTP.
//!
//! The spec's checks: 1 `an_acceptance_by_the_creator_or_another_local_unit_cadre_is_refused…`;
//! 2 `accepting_the_100th_room_since_the_baseline_turns_hope_rooms_built_to_100_and_achieved`;
//! 3 `photos_without_the_attestation_are_refused…`.
use chrono::{NaiveDate, Utc};
use entity::hope_rooms::{self, HopeRoomStatus, RoomHostKind};
use reqwest::StatusCode;
use sea_orm::{ActiveModelTrait, Set};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{Login, TestApp, assert_error, json_of, spawn_app, tiny_jpeg};
use crate::kpi::{line, report, villages_of};
use crate::youth_homes::todo_count;
use jiqing::kpi_scope::VillageScope;

const ROOMS: &str = "/api/v1/admin/hope-rooms";
const BUILT: &str = "hope_rooms_built";

fn room_body(name: &str, village: &str) -> Value {
    json!({"name": name, "hostKind": "school", "schoolName": "前进村小学", "regionCode": village,
           "features": ["arts", "reading"], "beneficiariesCount": 46, "teacherTrainingsCount": 2})
}

async fn created(app: &TestApp, cadre: &Login, body: &Value) -> Value {
    json_of(
        app.post(ROOMS, Some(&cadre.token), body).await,
        StatusCode::CREATED,
    )
    .await
}

async fn step(
    app: &TestApp,
    who: &Login,
    room: &Value,
    path: &str,
    body: &Value,
) -> reqwest::Response {
    app.post(
        &format!("{ROOMS}/{}/{path}", room["id"].as_str().unwrap()),
        Some(&who.token),
        body,
    )
    .await
}

/// A room under construction with a photo (attested), ready for acceptance.
async fn built(app: &TestApp, cadre: &Login, name: &str, village: &str) -> Value {
    let key = app.upload_key(cadre, "hope_room", &tiny_jpeg()).await;
    let mut body = room_body(name, village);
    body["photos"] = json!([key]);
    body["photosAttestation"] = json!(true);
    let room = created(app, cadre, &body).await;
    json_of(
        step(
            app,
            cadre,
            &room,
            "status-changes",
            &json!({"action": "start_construction"}),
        )
        .await,
        StatusCode::OK,
    )
    .await
}

#[tokio::test]
async fn an_acceptance_by_the_creator_or_another_local_unit_cadre_is_refused_and_the_city_accepts()
{
    let app = spawn_app().await;
    let village = &villages_of(&app, "220281", VillageScope::VillageCommittees).await[0];
    let county = app.admin_of("220281").await;
    let county2 = app.admin_of("220281").await;
    let city = app.admin_of("220200").await;
    let room = built(&app, &county, "前进村希望小屋", village).await;
    assert_eq!(room["status"], "under_construction");
    assert_eq!(todo_count(&app, &city, "hope_rooms_to_accept").await, 1);
    assert_eq!(todo_count(&app, &county2, "hope_rooms_to_accept").await, 0);
    let v = json!({"version": room["version"]});
    assert_error(
        step(&app, &county, &room, "acceptances", &v).await,
        StatusCode::FORBIDDEN,
        "SAME_ACTOR_NOT_ALLOWED",
    )
    .await;
    assert_error(
        step(&app, &county2, &room, "acceptances", &v).await,
        StatusCode::FORBIDDEN,
        "PARENT_UNIT_ONLY",
    )
    .await;
    let accepted = json_of(
        step(&app, &city, &room, "acceptances", &v).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(accepted["status"], "completed");
    assert_eq!(accepted["acceptedBy"], json!(city.user_id));
    assert_eq!(
        accepted["completedOn"],
        json!(crate::helpers::china_date(Utc::now()))
    );
    assert_eq!(accepted["counted"], true);
    assert_eq!(todo_count(&app, &city, "hope_rooms_to_accept").await, 0);
    let in_service = json_of(
        step(
            &app,
            &county,
            &accepted,
            "status-changes",
            &json!({"action": "put_in_service"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(in_service["status"], "in_service");
    let kinds: Vec<&str> = in_service["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        ["create", "start_construction", "accept", "put_in_service"]
    );
}

#[tokio::test]
async fn an_incomplete_room_cannot_be_accepted_and_a_planned_one_is_not_accepted_at_all() {
    let app = spawn_app().await;
    let village = &villages_of(&app, "220281", VillageScope::VillageCommittees).await[1];
    let county = app.admin_of("220281").await;
    let city = app.admin_of("220200").await;
    let mut body = room_body("缺照片希望小屋", village);
    body["beneficiariesCount"] = json!(0);
    let planned = created(&app, &county, &body).await;
    assert_error(
        step(&app, &city, &planned, "acceptances", &json!({"version": 1})).await,
        StatusCode::CONFLICT,
        "INVALID_STATE",
    )
    .await;
    let room = json_of(
        step(
            &app,
            &county,
            &planned,
            "status-changes",
            &json!({"action": "start_construction"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_error(
        step(
            &app,
            &city,
            &room,
            "acceptances",
            &json!({"version": room["version"]}),
        )
        .await,
        StatusCode::CONFLICT,
        "ACCEPTANCE_INCOMPLETE",
    )
    .await;
    // Closing a completed room needs a reason; the machine refuses skipping steps.
    let ok = built(&app, &county, "完整希望小屋", village).await;
    let done = json_of(
        step(
            &app,
            &city,
            &ok,
            "acceptances",
            &json!({"version": ok["version"]}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let err = assert_error(
        step(
            &app,
            &county,
            &done,
            "status-changes",
            &json!({"action": "close"}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    assert_eq!(err["error"]["fields"][0]["field"], "reason");
    let closed = json_of(
        step(
            &app,
            &county,
            &done,
            "status-changes",
            &json!({"action": "close", "reason": "学校撤并"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(closed["status"], "closed");
    assert_eq!(closed["counted"], false);
}

#[tokio::test]
async fn photos_without_the_attestation_are_refused_and_no_childs_data_is_taken() {
    let app = spawn_app().await;
    let village = &villages_of(&app, "220281", VillageScope::VillageCommittees).await[2];
    let county = app.admin_of("220281").await;
    let key = app.upload_key(&county, "hope_room", &tiny_jpeg()).await;
    let mut body = room_body("照片希望小屋", village);
    body["photos"] = json!([key]);
    let err = assert_error(
        app.post(ROOMS, Some(&county.token), &body).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    assert_eq!(err["error"]["fields"][0]["field"], "photosAttestation");
    assert_eq!(err["error"]["fields"][0]["code"], "ATTESTATION_REQUIRED");
    body["photosAttestation"] = json!(false);
    assert_error(
        app.post(ROOMS, Some(&county.token), &body).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    // A child's name is no field of a room.
    let mut child = room_body("儿童希望小屋", village);
    child["childName"] = json!("张小明");
    let err = assert_error(
        app.post(ROOMS, Some(&county.token), &child).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    assert_eq!(err["error"]["fields"][0]["code"], "UNKNOWN_FIELD");
    body["photosAttestation"] = json!(true);
    let room = created(&app, &county, &body).await;
    assert_eq!(room["photosAttestation"], true);
    assert_eq!(room["photos"][0]["key"], json!(key));
    // A county code is not a room's place; a school room names its school.
    let err = assert_error(
        app.post(
            ROOMS,
            Some(&county.token),
            &room_body("县级希望小屋", "220281"),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    assert_eq!(err["error"]["fields"][0]["code"], "LEVEL");
    let mut no_school = room_body("无校希望小屋", village);
    no_school["schoolName"] = Value::Null;
    let err = assert_error(
        app.post(ROOMS, Some(&county.token), &no_school).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    assert_eq!(err["error"]["fields"][0]["field"], "schoolName");
}

/// Rooms completed since the baseline, stored directly (the way a long programme leaves them).
async fn completed_rooms(app: &TestApp, village: &str, n: usize, on: NaiveDate) {
    let now = Utc::now();
    for i in 0..n {
        hope_rooms::ActiveModel {
            id: Set(Uuid::now_v7()),
            name: Set(format!("既有希望小屋{i}")),
            host_kind: Set(RoomHostKind::School),
            school_name: Set(Some("村小".into())),
            youth_home_id: Set(None),
            region_code: Set(village.to_owned()),
            features: Set("[\"arts\"]".into()),
            beneficiaries_count: Set(10),
            teacher_trainings_count: Set(0),
            status: Set(if i % 2 == 0 {
                HopeRoomStatus::Completed
            } else {
                HopeRoomStatus::InService
            }),
            created_by: Set(Uuid::now_v7()),
            accepted_by: Set(Some(Uuid::now_v7())),
            accepted_at: Set(Some(now)),
            completed_on: Set(Some(on)),
            photos: Set("[]".into()),
            photos_attestation: Set(true),
            version: Set(3),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(app.db())
        .await
        .unwrap();
    }
}

#[tokio::test]
async fn accepting_the_100th_room_since_the_baseline_turns_hope_rooms_built_to_100_and_achieved() {
    let app = spawn_app().await;
    let villages = villages_of(&app, "220281", VillageScope::VillageCommittees).await;
    let county = app.admin_of("220281").await;
    let city = app.admin_of("220200").await;
    let province = app.admin_of("220000").await;
    completed_rooms(
        &app,
        &villages[0],
        99,
        NaiveDate::from_ymd_opt(2024, 6, 1).unwrap(),
    )
    .await;
    // One before the baseline does not count.
    completed_rooms(
        &app,
        &villages[0],
        1,
        NaiveDate::from_ymd_opt(2022, 8, 19).unwrap(),
    )
    .await;
    // The province's own target with a later due date (the catalogue's 2025 one has passed).
    json_of(
        app.put("/api/v1/admin/kpi/targets", Some(&province.token),
            &json!({"indicatorCode": BUILT, "areaUnitCode": "220000", "dueOn": "2030-12-31", "value": 100})).await,
        StatusCode::OK,
    )
    .await;
    let q = format!("indicators={BUILT}");
    let before = report(&app, &province, &q).await;
    assert_eq!(line(&before, BUILT)["numerator"], 99);
    assert_ne!(line(&before, BUILT)["status"], "achieved");
    let room = built(&app, &county, "第100个希望小屋", &villages[1]).await;
    json_of(
        step(
            &app,
            &city,
            &room,
            "acceptances",
            &json!({"version": room["version"]}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let after = report(&app, &province, &q).await;
    let l = line(&after, BUILT);
    assert_eq!(l["numerator"], 100, "{l}");
    assert_eq!(l["value"], 100);
    assert_eq!(l["status"], "achieved", "{l}");
    // The stats count the same rooms and their beneficiaries.
    let stats = json_of(
        app.get(&format!("{ROOMS}/stats?region=220281"), Some(&city.token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(stats["rooms"]["built"], 101);
    assert_eq!(stats["rooms"]["beneficiaries"], 100 * 10 + 46);
    // 50 stored, the one before the baseline, the one accepted now.
    assert_eq!(stats["rooms"]["byStatus"]["completed"], 52);
}

#[tokio::test]
async fn a_cadre_of_another_county_finds_no_room_and_the_public_sees_completed_rooms_only() {
    let app = spawn_app().await;
    let village = &villages_of(&app, "220281", VillageScope::VillageCommittees).await[3];
    let county = app.admin_of("220281").await;
    let other = app.admin_of("220282").await;
    let city = app.admin_of("220200").await;
    let room = built(&app, &county, "区域希望小屋", village).await;
    let id = room["id"].as_str().unwrap();
    let t = Some(other.token.as_str());
    for resp in [
        app.get(&format!("{ROOMS}/{id}"), t).await,
        app.put(
            &format!("{ROOMS}/{id}"),
            t,
            &json!({"name": "改名", "hostKind": "school",
            "schoolName": "村小", "regionCode": village, "version": 2}),
        )
        .await,
        step(&app, &other, &room, "acceptances", &json!({"version": 2})).await,
        step(
            &app,
            &other,
            &room,
            "status-changes",
            &json!({"action": "close", "reason": "越权"}),
        )
        .await,
    ] {
        assert_error(resp, StatusCode::NOT_FOUND, "NOT_FOUND").await;
    }
    assert_eq!(
        json_of(app.get(ROOMS, t).await, StatusCode::OK).await["total"],
        0
    );
    assert_eq!(
        json_of(app.get(ROOMS, Some(&county.token)).await, StatusCode::OK).await["total"],
        1
    );
    assert_error(
        app.get(&format!("{ROOMS}/stats?region=220281"), t).await,
        StatusCode::FORBIDDEN,
        "OUTSIDE_REGION",
    )
    .await;
    let list = json_of(
        app.get("/api/v1/hope-rooms?region=220281", None).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(list["total"], 0, "not accepted yet");
    json_of(
        step(
            &app,
            &city,
            &room,
            "acceptances",
            &json!({"version": room["version"]}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let list = json_of(
        app.get("/api/v1/hope-rooms?region=220281", None).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(list["total"], 1);
    let item = &list["items"][0];
    assert_eq!(item["name"], "区域希望小屋");
    assert_eq!(item["schoolName"], "前进村小学");
    assert_eq!(item["features"], json!(["arts", "reading"]));
    assert!(item.get("beneficiariesCount").is_none() && item.get("photos").is_none());
    let elsewhere = json_of(
        app.get("/api/v1/hope-rooms?region=220282", None).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(elsewhere["total"], 0);
}

/// Two city cadres accepting one room at once, on two instances on PostgreSQL: one 200, one 409.
#[tokio::test]
async fn two_city_cadres_accepting_one_room_at_once_make_one_acceptance() {
    let app = spawn_app().await;
    let second = app.second_instance_on_postgres().await;
    let other = second.as_ref().unwrap_or(&app);
    let village = &villages_of(&app, "220281", VillageScope::VillageCommittees).await[4];
    let county = app.admin_of("220281").await;
    let a = app.admin_of("220200").await;
    let b = app.admin_of("220200").await;
    for round in 0..3 {
        let room = built(&app, &county, &format!("并发希望小屋{round}"), village).await;
        let url = format!("{ROOMS}/{}/acceptances", room["id"].as_str().unwrap());
        let body = json!({"version": room["version"]});
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
        let now = json_of(
            app.get(
                &format!("{ROOMS}/{}", room["id"].as_str().unwrap()),
                Some(&county.token),
            )
            .await,
            StatusCode::OK,
        )
        .await;
        let accepts = now["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["action"] == "accept")
            .count();
        assert_eq!(accepts, 1, "round {round}");
    }
}
