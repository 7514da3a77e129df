//! Youth organisations (issue 10, point 6): the registry per unit and level, four-eyes
//! verification by the parent unit, edits that clear it, dissolution, mentors assigned to
//! organisations, and the counts per kind and level.
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::*;
use crate::mentoring::{KUANCHENG, NANGUAN, apply_mentor, certified_mentor, mentor_body};

const CHANGCHUN: &str = "220100";
/// A township of 南关区, and one of 宽城区.
const NANGUAN_TOWNSHIP: &str = "220102001";
const KUANCHENG_TOWNSHIP: &str = "220103002";

pub fn org_body(name: &str, level: &str, unit: &str) -> Value {
    json!({
        "name": name, "kind": "entrepreneurship_assoc", "level": level, "unitCode": unit,
        "leagueAffiliated": true, "registrationNo": "911100001000054748",
        "foundedOn": "2021-05-04", "membersCount": 86
    })
}

pub async fn create_org(app: &TestApp, cadre: &Login, body: &Value) -> reqwest::Response {
    app.post(
        "/api/v1/admin/youth-organisations",
        Some(&cadre.token),
        body,
    )
    .await
}

/// An organisation registered (201): its detail.
pub async fn created_org(app: &TestApp, cadre: &Login, body: &Value) -> Value {
    json_of(create_org(app, cadre, body).await, StatusCode::CREATED).await
}

async fn org_action(
    app: &TestApp,
    who: &Login,
    org: &str,
    action: &str,
    body: Value,
) -> reqwest::Response {
    app.post(
        &format!("/api/v1/admin/youth-organisations/{org}/{action}"),
        Some(&who.token),
        &body,
    )
    .await
}

pub async fn verified_org(app: &TestApp, checker: &Login, org: &Value) -> Value {
    json_of(
        org_action(
            app,
            checker,
            org["id"].as_str().unwrap(),
            "verifications",
            json!({"version": org["version"]}),
        )
        .await,
        StatusCode::OK,
    )
    .await
}

async fn org_of(app: &TestApp, who: &Login, org: &str) -> Value {
    json_of(
        app.get(
            &format!("/api/v1/admin/youth-organisations/{org}"),
            Some(&who.token),
        )
        .await,
        StatusCode::OK,
    )
    .await
}

async fn todo_count(app: &TestApp, cadre: &Login, queue: &str) -> u64 {
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
        .unwrap()["count"]
        .as_u64()
        .unwrap()
}

fn field_code(err: &Value) -> (String, String) {
    (
        err["error"]["fields"][0]["field"]
            .as_str()
            .unwrap()
            .to_owned(),
        err["error"]["fields"][0]["code"]
            .as_str()
            .unwrap()
            .to_owned(),
    )
}

#[tokio::test]
async fn a_county_registers_an_organisation_and_only_another_cadre_of_the_parent_unit_verifies_it()
{
    let app = spawn_app().await;
    let county = app.admin_of(NANGUAN).await;
    let colleague = app.admin_of(NANGUAN).await;
    let city = app.admin_of(CHANGCHUN).await;
    let province = app.admin_of("220000").await;
    let outsider = app.admin_of(KUANCHENG).await;

    let org = created_org(
        &app,
        &county,
        &org_body("南关区青年创业协会", "county", NANGUAN),
    )
    .await;
    let id = org["id"].as_str().unwrap().to_owned();
    assert_eq!(org["verified"], false);
    assert_eq!(org["unit"]["code"], NANGUAN);
    assert_eq!(org["kindLabel"], "青年创业协会");
    assert_eq!(org["timeline"][0]["action"], "create");
    assert_eq!(
        todo_count(&app, &city, "youth_organisations_to_verify").await,
        1
    );
    assert_eq!(
        todo_count(&app, &county, "youth_organisations_to_verify").await,
        0
    );

    // Four-eyes: the creator first, then a cadre below the parent unit.
    assert_error(
        org_action(&app, &county, &id, "verifications", json!({"version": 1})).await,
        StatusCode::FORBIDDEN,
        "SAME_ACTOR_NOT_ALLOWED",
    )
    .await;
    assert_error(
        org_action(
            &app,
            &colleague,
            &id,
            "verifications",
            json!({"version": 1}),
        )
        .await,
        StatusCode::FORBIDDEN,
        "PARENT_UNIT_ONLY",
    )
    .await;
    assert_error(
        org_action(&app, &outsider, &id, "verifications", json!({"version": 1})).await,
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
    )
    .await;
    let v = verified_org(&app, &city, &org).await;
    assert_eq!(v["verified"], true);
    assert_eq!(v["version"], 2);
    json_of(
        org_action(&app, &city, &id, "verifications", json!({"version": 1})).await,
        StatusCode::OK,
    )
    .await;
    assert_error(
        org_action(&app, &province, &id, "verifications", json!({"version": 2})).await,
        StatusCode::CONFLICT,
        "INVALID_STATE",
    )
    .await;
    assert_eq!(
        todo_count(&app, &city, "youth_organisations_to_verify").await,
        0
    );

    // A new name keeps the verification; a new kind clears it; a stale version is refused.
    let edit = |name: &str, kind: &str, version: i64| {
        let mut b = org_body(name, "county", NANGUAN);
        b["kind"] = json!(kind);
        b["version"] = json!(version);
        b
    };
    let path = format!("/api/v1/admin/youth-organisations/{id}");
    let renamed = json_of(
        app.put(
            &path,
            Some(&county.token),
            &edit("南关区青年创业者协会", "entrepreneurship_assoc", 2),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(renamed["verified"], true);
    assert_error(
        app.put(
            &path,
            Some(&county.token),
            &edit("南关区青年电商协会", "ecommerce_assoc", 2),
        )
        .await,
        StatusCode::CONFLICT,
        "ORGANISATION_CHANGED",
    )
    .await;
    let moved = json_of(
        app.put(
            &path,
            Some(&county.token),
            &edit("南关区青年电商协会", "ecommerce_assoc", 3),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(moved["verified"], false);
    assert_eq!(moved["kind"], "ecommerce_assoc");
    // The city cadre who changed the kind may not verify their own change; the province may.
    let city_edit = json_of(
        app.put(
            &path,
            Some(&city.token),
            &edit("南关区青年电商协会", "social_org", 4),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_error(
        org_action(
            &app,
            &city,
            &id,
            "verifications",
            json!({"version": city_edit["version"]}),
        )
        .await,
        StatusCode::FORBIDDEN,
        "SAME_ACTOR_NOT_ALLOWED",
    )
    .await;
    verified_org(&app, &province, &city_edit).await;

    // Lists: the owner's and the city's, not the neighbour's; filters.
    for (who, total) in [(&county, 1), (&city, 1), (&outsider, 0)] {
        let list = json_of(
            app.get("/api/v1/admin/youth-organisations", Some(&who.token))
                .await,
            StatusCode::OK,
        )
        .await;
        assert_eq!(list["total"], total);
    }
    let filtered = json_of(
        app.get(
            "/api/v1/admin/youth-organisations?kind=social_org&level=county&verified=true&status=active",
            Some(&city.token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(filtered["total"], 1);
    assert_error(
        app.get(
            &format!("/api/v1/admin/youth-organisations?region={KUANCHENG}"),
            Some(&county.token),
        )
        .await,
        StatusCode::FORBIDDEN,
        "OUTSIDE_REGION",
    )
    .await;
    assert_error(
        app.get(&path, Some(&outsider.token)).await,
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
    )
    .await;
}

#[tokio::test]
async fn bad_registrations_answer_their_codes_and_store_nothing() {
    let app = spawn_app().await;
    let county = app.admin_of(NANGUAN).await;
    let mut township = org_body("新春街道青年电商协会", "township", NANGUAN);
    township["townshipCode"] = json!(NANGUAN_TOWNSHIP);
    let cases: Vec<(Value, &str, &str)> = vec![
        (
            org_body("南关区青年创业协会", "city", NANGUAN),
            "level",
            "LEVEL",
        ),
        (
            org_body("南关区青年创业协会", "township", NANGUAN),
            "townshipCode",
            "REQUIRED",
        ),
        (
            {
                let mut b = township.clone();
                b["townshipCode"] = json!(KUANCHENG_TOWNSHIP);
                b
            },
            "townshipCode",
            "LEVEL",
        ),
        (
            {
                let mut b = org_body("南关区青年创业协会", "county", NANGUAN);
                b["townshipCode"] = json!(NANGUAN_TOWNSHIP);
                b
            },
            "townshipCode",
            "LEVEL",
        ),
        (
            {
                let mut b = org_body("南关区青年创业协会", "county", NANGUAN);
                b["registrationNo"] = json!("911100001000054749");
                b
            },
            "registrationNo",
            "FORMAT",
        ),
        (org_body("南", "county", NANGUAN), "name", "LENGTH"),
        (
            org_body("某某协会", "county", "999999"),
            "unitCode",
            "UNKNOWN_UNIT",
        ),
    ];
    for (body, field, code) in cases {
        let e = assert_error(
            create_org(&app, &county, &body).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "VALIDATION_FAILED",
        )
        .await;
        assert_eq!(
            field_code(&e),
            (field.to_owned(), code.to_owned()),
            "{body}"
        );
    }
    assert_error(
        create_org(
            &app,
            &county,
            &org_body("宽城区青年创业协会", "county", KUANCHENG),
        )
        .await,
        StatusCode::FORBIDDEN,
        "OUTSIDE_REGION",
    )
    .await;
    let list = json_of(
        app.get("/api/v1/admin/youth-organisations", Some(&county.token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(list["total"], 0);
    // A township organisation of the county's own township is fine.
    let t = created_org(&app, &county, &township).await;
    assert_eq!(t["townshipCode"], NANGUAN_TOWNSHIP);
}

#[tokio::test]
async fn mentors_serving_an_organisation_are_assigned_and_dissolving_it_ends_the_assignments() {
    let app = spawn_app().await;
    let county = app.admin_of(NANGUAN).await;
    let city = app.admin_of(CHANGCHUN).await;
    let province = app.admin_of("220000").await;
    let kc = app.admin_of(KUANCHENG).await;
    let org = created_org(
        &app,
        &county,
        &org_body("南关区青年创业协会", "county", NANGUAN),
    )
    .await;
    let id = org["id"].as_str().unwrap().to_owned();
    let (mentor, mentor_id) = certified_mentor(&app, &county, "钱协会", NANGUAN, 5).await;
    let (_, far_id) = certified_mentor(&app, &kc, "宽城导师", KUANCHENG, 5).await;
    let (_, province_id) = certified_mentor(&app, &province, "省级导师", "220000", 5).await;
    let mut pending = mentor_body(NANGUAN, 5);
    pending["realName"] = json!("待认证");
    let (_, pending_id) = apply_mentor(&app, "mentor-pending-org", &pending).await;

    let assign = |who: &Login, mentor: &str| {
        let url = format!("/api/v1/admin/youth-organisations/{id}/mentor-assignments");
        let body = json!({"mentorId": mentor});
        let token = who.token.clone();
        let app = &app;
        async move { app.post(&url, Some(&token), &body).await }
    };
    let a = json_of(assign(&county, &mentor_id).await, StatusCode::CREATED).await;
    assert_eq!(a["activeMentors"], 1);
    assert_eq!(a["assignments"][0]["mentorName"], "钱协会");
    let kinds = json_of(
        app.get("/api/v1/me/notifications?pageSize=100", Some(&mentor.token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert!(
        kinds["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["kind"] == "mentor.org_assigned")
    );
    json_of(assign(&county, &mentor_id).await, StatusCode::OK).await;
    assert_error(
        assign(&city, &mentor_id).await,
        StatusCode::CONFLICT,
        "ALREADY_ASSIGNED",
    )
    .await;
    assert_error(
        assign(&county, &far_id).await,
        StatusCode::FORBIDDEN,
        "OUTSIDE_MENTOR_REGION",
    )
    .await;
    assert_error(
        assign(&county, &pending_id).await,
        StatusCode::CONFLICT,
        "MENTOR_NOT_ACCEPTING",
    )
    .await;
    let both = json_of(assign(&county, &province_id).await, StatusCode::CREATED).await;
    assert_eq!(both["activeMentors"], 2);

    // Ending one assignment, with a reason; a repeat is a 200, anything else a 409.
    let assignment = both["assignments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["mentorId"] == province_id.as_str())
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let end = |who: &Login, reason: &str| {
        let url = format!("/api/v1/admin/youth-organisations/{id}/mentor-assignments/{assignment}");
        let body = json!({"reason": reason});
        let app = &app;
        let token = who.token.clone();
        async move {
            app.request(Method::DELETE, &url, Some(&token), Some(&body))
                .await
        }
    };
    let ended = json_of(end(&county, "导师工作调整").await, StatusCode::OK).await;
    assert_eq!(ended["activeMentors"], 1);
    json_of(end(&county, "导师工作调整").await, StatusCode::OK).await;
    assert_error(
        end(&city, "另作安排").await,
        StatusCode::CONFLICT,
        "INVALID_STATE",
    )
    .await;
    assert_error(
        end(&kc, "另作安排").await,
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
    )
    .await;

    // The counts per kind and level.
    let stats = json_of(
        app.get(
            &format!("/api/v1/admin/youth-organisations/stats?region={NANGUAN}"),
            Some(&city.token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let row = |s: &Value, kind: &str, level: &str| {
        s["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["kind"] == kind && r["level"] == level)
            .unwrap()
            .clone()
    };
    assert_eq!(stats["items"].as_array().unwrap().len(), 16);
    assert_eq!(row(&stats, "entrepreneurship_assoc", "county")["active"], 1);
    assert_eq!(
        row(&stats, "entrepreneurship_assoc", "county")["verified"],
        0
    );
    verified_org(&app, &city, &org_of(&app, &city, &id).await).await;
    let stats = json_of(
        app.get("/api/v1/admin/youth-organisations/stats", Some(&city.token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(stats["area"]["code"], CHANGCHUN);
    let r = row(&stats, "entrepreneurship_assoc", "county");
    assert_eq!(
        (
            r["active"].as_i64(),
            r["verified"].as_i64(),
            r["leagueAffiliated"].as_i64()
        ),
        (Some(1), Some(1), Some(1))
    );

    // Withdrawing ends the mentor's assignments (the pairing rule lets them: no mentees).
    let (leaving, leaving_id) = certified_mentor(&app, &county, "孙离任", NANGUAN, 5).await;
    json_of(assign(&county, &leaving_id).await, StatusCode::CREATED).await;
    let gone = app
        .delete("/api/v1/me/mentor-profile", Some(&leaving.token))
        .await;
    assert!(gone.status().is_success(), "{}", gone.status());
    let d = org_of(&app, &county, &id).await;
    let theirs = d["assignments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["mentorId"] == leaving_id.as_str())
        .unwrap()
        .clone();
    assert_eq!(theirs["endedByKind"], "system");
    assert_eq!(d["activeMentors"], 1);

    // Dissolving ends the remaining assignment; nothing changes it afterwards.
    let version = d["version"].clone();
    let dissolved = json_of(
        org_action(
            &app,
            &county,
            &id,
            "dissolutions",
            json!({"reason": "协会已注销登记", "version": version}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(dissolved["status"], "dissolved");
    assert_eq!(dissolved["activeMentors"], 0);
    assert!(
        dissolved["assignments"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| !a["endedAt"].is_null())
    );
    assert_error(
        assign(&county, &mentor_id).await,
        StatusCode::CONFLICT,
        "INVALID_STATE",
    )
    .await;
    let mut again = org_body("南关区青年创业协会", "county", NANGUAN);
    again["version"] = dissolved["version"].clone();
    assert_error(
        app.put(
            &format!("/api/v1/admin/youth-organisations/{id}"),
            Some(&county.token),
            &again,
        )
        .await,
        StatusCode::CONFLICT,
        "INVALID_STATE",
    )
    .await;
    let stats = json_of(
        app.get("/api/v1/admin/youth-organisations/stats", Some(&city.token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(row(&stats, "entrepreneurship_assoc", "county")["active"], 0);
}
