//! Entrepreneurship mentors (创业导师): mentor profiles and their certification, youth finding
//! mentors, requests, answers and assignments, pairings, guidance records, youth organisations
//! and coverage. The spec's acceptance checks are the tests named after them, in this file and
//! its three parts (`mentoring::requests`, `mentoring::pairings`, `mentoring::stats`):
//!
//! | check | test |
//! |---|---|
//! | 1 capacity 2, the third → `MENTOR_AT_CAPACITY` | `requests::a_mentor_with_two_seats_accepts_two_youths_and_the_third_gets_mentor_at_capacity` |
//! | 2 twenty concurrent accepts, five seats | `requests::twenty_concurrent_accepts_on_a_mentor_with_five_seats_give_exactly_five_pairings` |
//! | 3 cancel and accept together | `requests::a_cancel_and_an_accept_fired_together_leave_one_winner_and_one_terminal_event` |
//! | 4 refusals | `requests::refusals_answer_their_codes_and_change_nothing` |
//! | 5 expiry sweep | `requests::with_a_zero_ttl_one_sweep_expires_a_pending_request_and_a_late_accept_is_refused` |
//! | 6 ending frees the seat | `pairings::ending_a_pairing_with_a_reason_frees_the_seat_for_a_waiting_request` |
//! | 7 region guards | `requests::cadres_reach_only_their_units_requests_and_propose_only_mentors_serving_the_mentee` |
//! | 8 waiting for assignment | `requests::a_request_without_a_mentor_reaches_the_proposed_mentor_only_after_the_mentee_confirms` |
//! | 9 idempotency | `requests::the_same_idempotency_key_and_body_return_the_same_request` |
//! | 10 startup-leader coverage 250‰ | `stats::one_of_four_startup_leaders_with_a_long_term_mentor_is_a_coverage_of_250` |
//! | 11 organisation coverage 500‰ → 1000‰ | `stats::one_of_two_county_associations_with_a_mentor_is_500_and_dissolving_the_other_makes_1000` |
//! | 12 withdrawal with active mentees | `pairings::a_mentor_with_an_active_mentee_cannot_withdraw_and_after_the_pair_ends_the_withdrawal_clears_the_role_and_ends_org_assignments` |
//! | 13 retention | `pairings::with_zero_retention_years_one_run_clears_a_pairing_the_mentee_ended_unlinks_its_consent_and_keeps_the_stats` |
//!
//! `cargo test --test api -- mentoring::` runs them all.
pub mod pairings;
pub mod requests;
pub mod stats;

use entity::{mentor_profiles, talent_profiles};
use reqwest::StatusCode;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::*;

/// 南关区 (长春市) and a neighbouring county, 宽城区.
pub const NANGUAN: &str = "220102";
pub const NANGUAN_VILLAGE: &str = "220102001001";
pub const KUANCHENG: &str = "220103";
pub const KUANCHENG_VILLAGE: &str = "220103002001";

pub fn mentor_body(unit: &str, capacity: i32) -> Value {
    json!({
        "realName": "王建国", "organisation": "吉林农业大学", "title": "副教授",
        "expertise": ["cultivation", "management"], "industries": ["planting"],
        "bio": "从事玉米栽培技术推广二十年。", "serviceUnitCode": unit,
        "serviceModes": ["online", "on_site"], "capacity": capacity,
        "consent": true, "consentVersion": "2026-12"
    })
}

/// A WeChat user with a bound phone who applied to be a mentor: (login, mentor id).
pub async fn apply_mentor(app: &TestApp, name: &str, body: &Value) -> (Login, String) {
    let login = app.login_as_youth(name).await;
    let bound = app
        .post(
            "/api/v1/auth/wechat-phone",
            Some(&login.token),
            &json!({"code": "dev:13912345678"}),
        )
        .await;
    assert_eq!(bound.status(), StatusCode::OK);
    let created = json_of(
        app.put("/api/v1/me/mentor-profile", Some(&login.token), body)
            .await,
        StatusCode::CREATED,
    )
    .await;
    (login, created["id"].as_str().unwrap().to_owned())
}

pub async fn review(app: &TestApp, cadre: &Login, mentor: &str, body: Value) -> reqwest::Response {
    app.post(
        &format!("/api/v1/admin/mentors/{mentor}/reviews"),
        Some(&cadre.token),
        &body,
    )
    .await
}

/// A certified mentor of `unit` named `name`: (login, mentor id).
pub async fn certified_mentor(
    app: &TestApp,
    cadre: &Login,
    name: &str,
    unit: &str,
    capacity: i32,
) -> (Login, String) {
    let mut body = mentor_body(unit, capacity);
    body["realName"] = json!(name);
    let (login, id) = apply_mentor(app, &format!("mentor-{name}"), &body).await;
    json_of(
        review(
            app,
            cadre,
            &id,
            json!({"decision": "certify", "version": 1}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    (login, id)
}

async fn set_mentor(app: &TestApp, id: &str, col: mentor_profiles::Column, value: Expr) {
    mentor_profiles::Entity::update_many()
        .col_expr(col, value)
        .filter(mentor_profiles::Column::Id.eq(id.parse::<Uuid>().unwrap()))
        .exec(app.db())
        .await
        .unwrap();
}

async fn mentor_list(app: &TestApp, youth: &Login, query: &str) -> Value {
    json_of(
        app.get(&format!("/api/v1/mentors{query}"), Some(&youth.token))
            .await,
        StatusCode::OK,
    )
    .await
}

fn names(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["name"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn mentor_options_list_every_choice_with_labels_the_consent_texts_and_the_limits() {
    let app = spawn_app().await;
    let o = json_of(
        app.get("/api/v1/mentor-options", None).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(o["expertise"].as_array().unwrap().len(), 9);
    assert!(
        o["expertise"]
            .as_array()
            .unwrap()
            .contains(&json!({"value": "ecommerce_marketing", "label": "电商营销"}))
    );
    assert_eq!(
        o["serviceModes"][2],
        json!({"value": "on_site", "label": "实地"})
    );
    assert_eq!(
        o["requestKinds"][0],
        json!({"value": "long_term", "label": "导师帮带"})
    );
    assert_eq!(o["declineReasons"].as_array().unwrap().len(), 5);
    assert_eq!(
        o["recordModes"][3],
        json!({"value": "lecture", "label": "讲座"})
    );
    assert_eq!(o["organisationKinds"].as_array().unwrap().len(), 4);
    assert!(o["industries"].as_array().unwrap().len() >= 5);
    assert_eq!(o["consents"]["mentorProfile"]["version"], "2026-12");
    assert!(
        o["consents"]["mentoringContact"]["text"]
            .as_str()
            .unwrap()
            .contains("{recipient}")
    );
    let l = &o["limits"];
    assert_eq!(
        (
            l["capacityMin"].as_i64(),
            l["capacityMax"].as_i64(),
            l["capacityDefault"].as_i64()
        ),
        (Some(1), Some(20), Some(5))
    );
    assert_eq!(l["maxOpenRequests"], 3);
    assert_eq!(l["maxLongTerm"], 2);
    assert_eq!(l["requestTtlHours"], 168);
    assert_eq!(l["confirmDays"], 14);
    assert_eq!(l["minMenteeAge"], 18);
    // Settings show through.
    let app = spawn_app_with(|s| s.mentoring.max_open_requests = 5).await;
    let o = json_of(
        app.get("/api/v1/mentor-options", None).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(o["limits"]["maxOpenRequests"], 5);
}

#[tokio::test]
async fn applying_needs_a_bound_phone_a_consent_a_known_unit_and_a_capacity_of_one_to_twenty() {
    let app = spawn_app().await;
    let user = app.login_as_youth("applicant").await;
    let t = Some(user.token.as_str());
    // No phone bound yet.
    assert_error(
        app.put("/api/v1/me/mentor-profile", t, &mentor_body(NANGUAN, 5))
            .await,
        StatusCode::CONFLICT,
        "PHONE_REQUIRED",
    )
    .await;
    app.post(
        "/api/v1/auth/wechat-phone",
        t,
        &json!({"code": "dev:13912345678"}),
    )
    .await;
    let mut body = mentor_body(NANGUAN, 21);
    body["consent"] = json!(false);
    body["serviceUnitCode"] = json!("220102001");
    body["expertise"] = json!([]);
    let err = assert_error(
        app.put("/api/v1/me/mentor-profile", t, &body).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    let fields: Vec<(String, String)> = err["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["field"].as_str().unwrap().to_owned(),
                f["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    for expected in [("capacity", "RANGE"), ("expertise", "LENGTH")] {
        assert!(
            fields.contains(&(expected.0.into(), expected.1.into())),
            "{expected:?} in {fields:?}"
        );
    }
    let mut body = mentor_body(NANGUAN, 5);
    body["consent"] = json!(false);
    let err = assert_error(
        app.put("/api/v1/me/mentor-profile", t, &body).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    assert_eq!(err["error"]["fields"][0]["field"], "consent");
    assert_eq!(err["error"]["fields"][0]["code"], "CONSENT_REQUIRED");
    let mut body = mentor_body("220102001", 5);
    body["consentVersion"] = json!("2020-01");
    let err = assert_error(
        app.put("/api/v1/me/mentor-profile", t, &body).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    let codes: Vec<&str> = err["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert!(
        codes.contains(&"CONSENT_OUTDATED") && codes.contains(&"UNKNOWN_UNIT"),
        "{codes:?}"
    );
    // Nothing was stored.
    assert_error(
        app.get("/api/v1/me/mentor-profile", t).await,
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
    )
    .await;
    let created = json_of(
        app.put("/api/v1/me/mentor-profile", t, &mentor_body(NANGUAN, 5))
            .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(created["status"], "pending");
    assert_eq!(created["seatsLeft"], 5);
    assert_eq!(created["serviceUnit"]["name"], "共青团南关区委员会");
    assert_eq!(created["nextStep"]["actor"], "county_league");
    assert_eq!(created["timeline"][0]["action"], "apply");
    assert_eq!(created["timeline"][0]["actor"]["label"], "本人");
    // A change needs the version seen.
    let mut changed = mentor_body(NANGUAN, 3);
    assert_error(
        app.put("/api/v1/me/mentor-profile", t, &changed).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    changed["version"] = json!(1);
    let saved = json_of(
        app.put("/api/v1/me/mentor-profile", t, &changed).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        (saved["capacity"].as_i64(), saved["version"].as_i64()),
        (Some(3), Some(2))
    );
    // Sending the old version again: the same save repeated is a 200, another change a 409.
    json_of(
        app.put("/api/v1/me/mentor-profile", t, &changed).await,
        StatusCode::OK,
    )
    .await;
    changed["capacity"] = json!(4);
    assert_error(
        app.put("/api/v1/me/mentor-profile", t, &changed).await,
        StatusCode::CONFLICT,
        "PROFILE_CHANGED",
    )
    .await;
    // Staff cannot apply.
    let cadre = app.admin_of(NANGUAN).await;
    assert_error(
        app.put(
            "/api/v1/me/mentor-profile",
            Some(&cadre.token),
            &mentor_body(NANGUAN, 5),
        )
        .await,
        StatusCode::FORBIDDEN,
        "YOUTH_ONLY",
    )
    .await;
}

#[tokio::test]
async fn a_covering_cadre_certifies_a_mentor_who_then_serves_the_youth_of_that_area() {
    let app = spawn_app().await;
    let (mentor, id) = apply_mentor(&app, "m1", &mentor_body(NANGUAN, 5)).await;
    let youth = app.youth_in("y1", NANGUAN_VILLAGE, true).await;
    assert_eq!(
        mentor_list(&app, &youth, "").await["total"],
        0,
        "pending: not listed"
    );
    // A neighbouring county cannot see or review it; the city above can.
    let neighbour = app.admin_of(KUANCHENG).await;
    assert_error(
        app.get(
            &format!("/api/v1/admin/mentors/{id}"),
            Some(&neighbour.token),
        )
        .await,
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
    )
    .await;
    assert_error(
        review(
            &app,
            &neighbour,
            &id,
            json!({"decision": "certify", "version": 1}),
        )
        .await,
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
    )
    .await;
    let listed = json_of(
        app.get("/api/v1/admin/mentors", Some(&neighbour.token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(listed["total"], 0);
    let city = app.admin_of("220100").await;
    let pending = json_of(
        app.get("/api/v1/admin/mentors?status=pending", Some(&city.token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(pending["total"], 1);
    assert_eq!(
        pending["items"][0]["phone"], "139****5678",
        "masked for cadres"
    );
    assert_eq!(pending["items"][0]["manageable"], true);
    let certified = json_of(
        review(
            &app,
            &city,
            &id,
            json!({"decision": "certify", "version": 1}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(certified["status"], "certified");
    assert_eq!(certified["timeline"][1]["action"], "certify");
    assert_eq!(
        certified["timeline"][1]["actor"]["label"],
        "共青团长春市委员会"
    );
    // The same review repeated is a 200; the mentor role is granted.
    json_of(
        review(
            &app,
            &city,
            &id,
            json!({"decision": "certify", "version": 1}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let me = json_of(
        app.get("/api/v1/me", Some(&mentor.token)).await,
        StatusCode::OK,
    )
    .await;
    assert!(
        me["roles"].as_array().unwrap().contains(&json!("mentor")),
        "{me}"
    );
    let notes = json_of(
        app.get("/api/v1/me/notifications", Some(&mentor.token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(notes["items"][0]["kind"], "mentor.certified");

    // The youth of 南关区 find them with their seats; 宽城区's youth do not.
    let page = mentor_list(&app, &youth, "").await;
    assert_eq!(page["total"], 1);
    let m = &page["items"][0];
    assert_eq!(m["id"], id.as_str());
    assert_eq!(m["seatsLeft"], 5);
    assert_eq!(m["completedMentorships"], 0);
    assert!(m["averageRatingTenths"].is_null());
    assert!(m.get("phone").is_none(), "no phone before a pairing");
    json_of(
        app.get(&format!("/api/v1/mentors/{id}"), Some(&youth.token))
            .await,
        StatusCode::OK,
    )
    .await;
    let outsider = app.youth_in("y2", KUANCHENG_VILLAGE, true).await;
    assert_eq!(mentor_list(&app, &outsider, "").await["total"], 0);
    assert_error(
        app.get(&format!("/api/v1/mentors/{id}"), Some(&outsider.token))
            .await,
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
    )
    .await;
    // Unverified, without a profile, staff: refused.
    let unverified = app.youth_in("y3", NANGUAN_VILLAGE, false).await;
    assert_error(
        app.get("/api/v1/mentors", Some(&unverified.token)).await,
        StatusCode::FORBIDDEN,
        "VERIFICATION_REQUIRED",
    )
    .await;
    let nobody = app.login_as_youth("y4").await;
    assert_error(
        app.get("/api/v1/mentors", Some(&nobody.token)).await,
        StatusCode::CONFLICT,
        "TALENT_PROFILE_REQUIRED",
    )
    .await;
    assert_error(
        app.get("/api/v1/mentors", Some(&city.token)).await,
        StatusCode::FORBIDDEN,
        "YOUTH_ONLY",
    )
    .await;
    // A province mentor serves everyone; a county cadre reads it but cannot review it.
    let province = app.admin_of("220000").await;
    let (_, p_id) = certified_mentor(&app, &province, "省级导师", "220000", 5).await;
    assert_eq!(mentor_list(&app, &outsider, "").await["total"], 1);
    let county = app.admin_of(NANGUAN).await;
    let read = json_of(
        app.get(
            &format!("/api/v1/admin/mentors/{p_id}"),
            Some(&county.token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(read["manageable"], false);
    assert_error(
        review(
            &app,
            &county,
            &p_id,
            json!({"decision": "suspend", "reason": "核查", "version": 2}),
        )
        .await,
        StatusCode::FORBIDDEN,
        "OUTSIDE_REGION",
    )
    .await;
    let all = json_of(
        app.get("/api/v1/admin/mentors", Some(&county.token)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(all["total"], 2, "its own and the province's");
    let covers = json_of(
        app.get(
            &format!("/api/v1/admin/mentors?covers={NANGUAN_VILLAGE}"),
            Some(&county.token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(covers["total"], 2);
    assert_error(
        app.get(
            &format!("/api/v1/admin/mentors?covers={KUANCHENG_VILLAGE}"),
            Some(&county.token),
        )
        .await,
        StatusCode::FORBIDDEN,
        "OUTSIDE_REGION",
    )
    .await;
    assert_error(
        app.get(
            &format!("/api/v1/admin/mentors?region={KUANCHENG}"),
            Some(&county.token),
        )
        .await,
        StatusCode::FORBIDDEN,
        "OUTSIDE_REGION",
    )
    .await;
    // The data survives a restart.
    let app = app.restart().await;
    assert_eq!(mentor_list(&app, &youth, "").await["total"], 2);
}

#[tokio::test]
async fn reviews_need_reasons_the_current_version_and_follow_the_state_table() {
    let app = spawn_app().await;
    let cadre = app.admin_of(NANGUAN).await;
    let (mentor, id) = apply_mentor(&app, "m1", &mentor_body(NANGUAN, 5)).await;
    let youth = app.youth_in("y1", NANGUAN_VILLAGE, true).await;
    let err = assert_error(
        review(
            &app,
            &cadre,
            &id,
            json!({"decision": "reject", "version": 1}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    assert_eq!(err["error"]["fields"][0]["field"], "reason");
    assert_error(
        review(
            &app,
            &cadre,
            &id,
            json!({"decision": "reject", "reason": "不", "version": 1}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    assert_error(
        review(
            &app,
            &cadre,
            &id,
            json!({"decision": "suspend", "reason": "暂停一下", "version": 1}),
        )
        .await,
        StatusCode::CONFLICT,
        "INVALID_STATE",
    )
    .await;
    let rejected = json_of(
        review(
            &app,
            &cadre,
            &id,
            json!({"decision": "reject", "reason": "请补充单位信息", "version": 1}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(rejected["status"], "rejected");
    let mine = json_of(
        app.get("/api/v1/me/mentor-profile", Some(&mentor.token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(mine["reviewReason"], "请补充单位信息");
    assert_eq!(mine["nextStep"]["actor"], "you");
    // The mentor resubmits; the old version is stale now.
    let mut again = mentor_body(NANGUAN, 5);
    again["version"] = json!(2);
    let resubmitted = json_of(
        app.put("/api/v1/me/mentor-profile", Some(&mentor.token), &again)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(resubmitted["status"], "pending");
    assert!(resubmitted["reviewReason"].is_null());
    assert_error(
        review(
            &app,
            &cadre,
            &id,
            json!({"decision": "certify", "version": 2}),
        )
        .await,
        StatusCode::CONFLICT,
        "PROFILE_CHANGED",
    )
    .await;
    json_of(
        review(
            &app,
            &cadre,
            &id,
            json!({"decision": "certify", "version": 3}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(mentor_list(&app, &youth, "").await["total"], 1);
    let suspended = json_of(
        review(
            &app,
            &cadre,
            &id,
            json!({"decision": "suspend", "reason": "暂停接收申请", "version": 4}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(suspended["status"], "suspended");
    assert_eq!(mentor_list(&app, &youth, "").await["total"], 0);
    // A suspended mentor cannot edit; a reinstated one is listed again.
    let mut edit = mentor_body(NANGUAN, 5);
    edit["version"] = json!(5);
    assert_error(
        app.put("/api/v1/me/mentor-profile", Some(&mentor.token), &edit)
            .await,
        StatusCode::CONFLICT,
        "INVALID_STATE",
    )
    .await;
    json_of(
        review(
            &app,
            &cadre,
            &id,
            json!({"decision": "reinstate", "version": 5}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(mentor_list(&app, &youth, "").await["total"], 1);
    let kinds: Vec<String> = json_of(
        app.get("/api/v1/me/notifications", Some(&mentor.token))
            .await,
        StatusCode::OK,
    )
    .await["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["kind"].as_str().unwrap().to_owned())
        .collect();
    for k in ["mentor.rejected", "mentor.certified", "mentor.suspended"] {
        assert!(kinds.contains(&k.to_owned()), "{k} in {kinds:?}");
    }
    // A youth may not review.
    assert_error(
        review(
            &app,
            &youth,
            &id,
            json!({"decision": "suspend", "reason": "x", "version": 6}),
        )
        .await,
        StatusCode::FORBIDDEN,
        "ROLE_REQUIRED",
    )
    .await;
}

#[tokio::test]
async fn a_certified_mentor_edits_freely_but_a_new_service_unit_waits_for_certification_again() {
    let app = spawn_app().await;
    let cadre = app.admin_of("220100").await;
    let (mentor, _) = certified_mentor(&app, &cadre, "王老师", NANGUAN, 5).await;
    let youth = app.youth_in("y1", NANGUAN_VILLAGE, true).await;
    let mut edit = mentor_body(NANGUAN, 8);
    edit["realName"] = json!("王老师");
    edit["accepting"] = json!(false);
    edit["version"] = json!(2);
    let edited = json_of(
        app.put("/api/v1/me/mentor-profile", Some(&mentor.token), &edit)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(edited["status"], "certified");
    assert_eq!(edited["capacity"], 8);
    assert_eq!(
        mentor_list(&app, &youth, "?kind=long_term").await["total"],
        0
    );
    assert_eq!(
        mentor_list(&app, &youth, "?kind=consultation").await["total"],
        1
    );
    let mut moved = edit.clone();
    moved["serviceUnitCode"] = json!(KUANCHENG);
    moved["version"] = json!(3);
    let moved = json_of(
        app.put("/api/v1/me/mentor-profile", Some(&mentor.token), &moved)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(moved["status"], "pending");
    assert_eq!(moved["timeline"][3]["action"], "move");
    assert_eq!(mentor_list(&app, &youth, "").await["total"], 0);
}

#[tokio::test]
async fn youth_find_mentors_by_expertise_industry_and_mode_with_free_seats_first() {
    let app = spawn_app().await;
    let cadre = app.admin_of(NANGUAN).await;
    let (_, full) = certified_mentor(&app, &cadre, "甲导师", NANGUAN, 2).await;
    let (_, slow) = certified_mentor(&app, &cadre, "乙导师", NANGUAN, 2).await;
    let (_, quick) = certified_mentor(&app, &cadre, "丙导师", NANGUAN, 2).await;
    set_mentor(
        &app,
        &full,
        mentor_profiles::Column::ActiveMentees,
        Expr::value(2),
    )
    .await;
    set_mentor(
        &app,
        &full,
        mentor_profiles::Column::MedianResponseHours,
        Expr::value(1),
    )
    .await;
    set_mentor(
        &app,
        &slow,
        mentor_profiles::Column::MedianResponseHours,
        Expr::value(30),
    )
    .await;
    set_mentor(
        &app,
        &quick,
        mentor_profiles::Column::MedianResponseHours,
        Expr::value(3),
    )
    .await;
    set_mentor(
        &app,
        &quick,
        mentor_profiles::Column::Expertise,
        Expr::value("[\"finance\"]"),
    )
    .await;
    set_mentor(
        &app,
        &quick,
        mentor_profiles::Column::ServiceModes,
        Expr::value("[\"phone\"]"),
    )
    .await;
    set_mentor(
        &app,
        &slow,
        mentor_profiles::Column::RatingCount,
        Expr::value(2),
    )
    .await;
    set_mentor(
        &app,
        &slow,
        mentor_profiles::Column::RatingSum,
        Expr::value(9),
    )
    .await;
    set_mentor(
        &app,
        &quick,
        mentor_profiles::Column::RatingCount,
        Expr::value(3),
    )
    .await;
    set_mentor(
        &app,
        &quick,
        mentor_profiles::Column::RatingSum,
        Expr::value(14),
    )
    .await;
    let youth = app.youth_in("y1", NANGUAN_VILLAGE, true).await;
    let page = mentor_list(&app, &youth, "").await;
    assert_eq!(names(&page), ["丙导师", "乙导师", "甲导师"]);
    assert_eq!(page["items"][2]["seatsLeft"], 0);
    assert_eq!(
        page["items"][0]["averageRatingTenths"], 46,
        "14/3 = 4.66…, floored"
    );
    assert!(
        page["items"][1]["averageRatingTenths"].is_null(),
        "below 3 ratings"
    );
    assert_eq!(
        names(&mentor_list(&app, &youth, "?expertise=finance").await),
        ["丙导师"]
    );
    assert_eq!(
        names(&mentor_list(&app, &youth, "?expertise=management").await),
        ["乙导师", "甲导师"]
    );
    assert_eq!(
        names(&mentor_list(&app, &youth, "?mode=phone").await),
        ["丙导师"]
    );
    assert_eq!(
        mentor_list(&app, &youth, "?industry=planting").await["total"],
        3
    );
    assert_eq!(
        mentor_list(&app, &youth, "?industry=aquaculture").await["total"],
        0
    );
    assert_eq!(
        names(&mentor_list(&app, &youth, "?pageSize=1&page=2").await),
        ["乙导师"]
    );
    assert_error(
        app.get("/api/v1/mentors?expertise=cooking", Some(&youth.token))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    // Talent data is not touched by listing.
    let count = talent_profiles::Entity::find()
        .all(app.db())
        .await
        .unwrap()
        .len();
    assert_eq!(count, 1);
}

#[tokio::test]
async fn a_withdrawn_mentor_loses_the_role_and_may_apply_again() {
    let app = spawn_app().await;
    let cadre = app.admin_of(NANGUAN).await;
    let (mentor, id) = certified_mentor(&app, &cadre, "王老师", NANGUAN, 5).await;
    let youth = app.youth_in("y1", NANGUAN_VILLAGE, true).await;
    let gone = json_of(
        app.delete("/api/v1/me/mentor-profile", Some(&mentor.token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(gone["status"], "withdrawn");
    assert!(gone["nextStep"].is_null());
    // Repeating is harmless.
    json_of(
        app.delete("/api/v1/me/mentor-profile", Some(&mentor.token))
            .await,
        StatusCode::OK,
    )
    .await;
    let me = json_of(
        app.get("/api/v1/me", Some(&mentor.token)).await,
        StatusCode::OK,
    )
    .await;
    assert!(
        !me["roles"].as_array().unwrap().contains(&json!("mentor")),
        "{me}"
    );
    assert_eq!(mentor_list(&app, &youth, "").await["total"], 0);
    assert_error(
        review(
            &app,
            &cadre,
            &id,
            json!({"decision": "certify", "version": 3}),
        )
        .await,
        StatusCode::CONFLICT,
        "INVALID_STATE",
    )
    .await;
    let mut again = mentor_body(NANGUAN, 5);
    again["version"] = json!(3);
    let back = json_of(
        app.put("/api/v1/me/mentor-profile", Some(&mentor.token), &again)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(back["status"], "pending");
    assert_eq!(back["id"], id.as_str(), "the same profile, re-applied");
    // Someone who never applied has nothing to withdraw.
    assert_error(
        app.delete("/api/v1/me/mentor-profile", Some(&youth.token))
            .await,
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
    )
    .await;
}

#[tokio::test]
async fn the_mentor_directory_is_kept_at_most_the_bound_and_only_for_its_own_units() {
    let bound = std::time::Duration::from_secs(2);
    let app = spawn_app_with(|s| s.list_max_stale = bound).await;
    let cadre = app.admin_of(NANGUAN).await;
    let (_, id) = certified_mentor(&app, &cadre, "甲导师", NANGUAN, 2).await;
    let youth = app.youth_in("y1", NANGUAN_VILLAGE, true).await;
    let before = std::time::Instant::now();
    let page = mentor_list(&app, &youth, "").await;
    assert_eq!(page["items"][0]["seatsLeft"], 2);

    // Another instance fills the mentor's seats.
    set_mentor(
        &app,
        &id,
        mentor_profiles::Column::ActiveMentees,
        Expr::value(2),
    )
    .await;
    // Within the bound this instance may serve the page it built; the mentor's own page, another
    // filter and another instance read the database.
    if before.elapsed() < bound {
        let kept = mentor_list(&app, &youth, "").await;
        assert_eq!(kept, page, "the kept page, unchanged");
    }
    let one = json_of(
        app.get(&format!("/api/v1/mentors/{id}"), Some(&youth.token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(one["seatsLeft"], 0, "by id: exact at once");
    let filtered = mentor_list(&app, &youth, "?pageSize=5").await;
    assert_eq!(filtered["items"][0]["seatsLeft"], 0);
    let other = app.spawn_another_instance().await;
    let there = mentor_list(&other, &youth, "").await;
    assert_eq!(there["items"][0]["seatsLeft"], 0);

    // A youth of another county never gets this county's page.
    let elsewhere = app.youth_in("y2", "220204001001", true).await;
    assert_eq!(mentor_list(&app, &elsewhere, "").await["total"], 0);

    // After the bound, this instance answers from the database again.
    tokio::time::sleep(
        bound.saturating_sub(before.elapsed()) + std::time::Duration::from_millis(50),
    )
    .await;
    let fresh = mentor_list(&app, &youth, "").await;
    assert_eq!(fresh["items"][0]["seatsLeft"], 0);
}
