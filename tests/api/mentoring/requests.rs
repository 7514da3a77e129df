//! Mentoring, asking and answering (issue 10, points 3 and 4): youth ask a named mentor or the
//! league, mentors accept within their seats or decline, cadres propose mentors, requests expire.
//! Races are fired for real (on PostgreSQL across two app instances).
use std::time::Duration as StdDuration;

use entity::talent_profiles;
use reqwest::StatusCode;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::*;
use crate::mentoring::{KUANCHENG, KUANCHENG_VILLAGE, NANGUAN, NANGUAN_VILLAGE, certified_mentor};

pub const DESCRIPTION: &str = "想学习玉米高产栽培技术，提高亩产和销售收入。";

pub fn ask_body(mentor: Option<&str>, kind: &str) -> Value {
    let mut b = json!({
        "kind": kind, "topic": "cultivation", "description": DESCRIPTION,
        "preferredMode": "online", "shareContact": true, "consentVersion": "2026-12"
    });
    if let Some(m) = mentor {
        b["mentorId"] = json!(m);
    }
    b
}

pub async fn ask(
    app: &TestApp,
    youth: &Login,
    mentor: Option<&str>,
    kind: &str,
) -> reqwest::Response {
    app.post(
        "/api/v1/mentorship-requests",
        Some(&youth.token),
        &ask_body(mentor, kind),
    )
    .await
}

/// A request made (201): its id.
pub async fn asked(app: &TestApp, youth: &Login, mentor: Option<&str>, kind: &str) -> String {
    json_of(ask(app, youth, mentor, kind).await, StatusCode::CREATED).await["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

pub async fn act(
    app: &TestApp,
    who: &Login,
    request: &str,
    action: &str,
    body: Value,
) -> reqwest::Response {
    app.post(
        &format!("/api/v1/me/mentorship-requests/{request}/{action}"),
        Some(&who.token),
        &body,
    )
    .await
}

pub async fn accept(app: &TestApp, mentor: &Login, request: &str) -> reqwest::Response {
    act(app, mentor, request, "acceptances", json!({})).await
}

async fn detail(app: &TestApp, who: &Login, request: &str) -> Value {
    json_of(
        app.get(
            &format!("/api/v1/me/mentorship-requests/{request}"),
            Some(&who.token),
        )
        .await,
        StatusCode::OK,
    )
    .await
}

async fn inbox(app: &TestApp, mentor: &Login) -> Vec<String> {
    let page = json_of(
        app.get(
            "/api/v1/me/mentorship-requests?role=mentor",
            Some(&mentor.token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect()
}

async fn notification_kinds(app: &TestApp, who: &Login) -> Vec<String> {
    let notes = json_of(
        app.get("/api/v1/me/notifications?pageSize=100", Some(&who.token))
            .await,
        StatusCode::OK,
    )
    .await;
    notes["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["kind"].as_str().unwrap().to_owned())
        .collect()
}

async fn seats_left(app: &TestApp, youth: &Login, mentor: &str) -> i64 {
    json_of(
        app.get(&format!("/api/v1/mentors/{mentor}"), Some(&youth.token))
            .await,
        StatusCode::OK,
    )
    .await["seatsLeft"]
        .as_i64()
        .unwrap()
}

/// Verified adult youths of 南关区 named `prefix0`, `prefix1`, …
async fn youths(app: &TestApp, prefix: &str, n: usize) -> Vec<Login> {
    let mut out = Vec::new();
    for i in 0..n {
        out.push(
            app.youth_in(&format!("{prefix}{i}"), NANGUAN_VILLAGE, true)
                .await,
        );
    }
    out
}

#[tokio::test]
async fn a_mentor_with_two_seats_accepts_two_youths_and_the_third_gets_mentor_at_capacity() {
    let app = spawn_app().await;
    let cadre = app.admin_of(NANGUAN).await;
    let (mentor, mentor_id) = certified_mentor(&app, &cadre, "王二座", NANGUAN, 2).await;
    let ys = youths(&app, "seat", 3).await;
    let mut ids = Vec::new();
    for y in &ys {
        ids.push(asked(&app, y, Some(&mentor_id), "long_term").await);
    }
    // Before accepting, the mentor sees a masked name and phone, the categories and the request.
    let before = detail(&app, &mentor, &ids[0]).await;
    assert_eq!(before["status"], "pending");
    assert_eq!(before["mentee"]["name"], "测******");
    assert_eq!(before["mentee"]["phone"], "138****0000");
    assert_eq!(before["description"], DESCRIPTION);
    assert_eq!(before["nextStep"]["actor"], "you");
    assert!(before["expiresAt"].as_str().unwrap().ends_with("+08:00"));
    let mine = detail(&app, &ys[0], &ids[0]).await;
    assert_eq!(mine["nextStep"]["actor"], "mentor");
    assert!(
        mine["mentor"]["phone"].is_null(),
        "no phone before acceptance"
    );
    assert_eq!(seats_left(&app, &ys[2], &mentor_id).await, 2);

    let a = json_of(accept(&app, &mentor, &ids[0]).await, StatusCode::OK).await;
    assert_eq!(a["status"], "accepted");
    assert!(a["mentorshipId"].is_string());
    assert_eq!(
        a["mentee"]["name"], "测试seat0",
        "full name after acceptance"
    );
    assert_eq!(a["mentee"]["phone"], "13800000000");
    json_of(accept(&app, &mentor, &ids[1]).await, StatusCode::OK).await;
    // The same acceptance again is a 200, and takes no second seat.
    json_of(accept(&app, &mentor, &ids[1]).await, StatusCode::OK).await;
    assert_error(
        accept(&app, &mentor, &ids[2]).await,
        StatusCode::CONFLICT,
        "MENTOR_AT_CAPACITY",
    )
    .await;
    assert_eq!(detail(&app, &ys[2], &ids[2]).await["status"], "pending");
    assert_eq!(seats_left(&app, &ys[2], &mentor_id).await, 0);
    // The mentee now has the mentor's phone, and a notice with it.
    let paired = detail(&app, &ys[0], &ids[0]).await;
    assert_eq!(paired["mentor"]["phone"], "13912345678");
    assert!(paired["nextStep"].is_null());
    assert!(
        notification_kinds(&app, &ys[0])
            .await
            .contains(&"mentorship.accepted".to_owned())
    );
    assert!(
        notification_kinds(&app, &mentor)
            .await
            .contains(&"mentorship.requested".to_owned())
    );
    // The consent names the mentor.
    let consents = json_of(
        app.get("/api/v1/me/sharing-consents", Some(&ys[0].token))
            .await,
        StatusCode::OK,
    )
    .await;
    let c = &consents["items"][0];
    assert_eq!(c["purpose"], "mentoring_contact");
    assert_eq!(c["recipientName"], "王二座");
    assert_eq!(c["active"], true);
    // The answer time is kept on the profile.
    let view = json_of(
        app.get(&format!("/api/v1/mentors/{mentor_id}"), Some(&ys[2].token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(view["medianResponseHours"], 0);
}

#[tokio::test]
async fn twenty_concurrent_accepts_on_a_mentor_with_five_seats_give_exactly_five_pairings() {
    let app = spawn_app().await;
    let other = app.spawn_another_instance().await;
    let cadre = app.admin_of(NANGUAN).await;
    let (mentor, mentor_id) = certified_mentor(&app, &cadre, "李五座", NANGUAN, 5).await;
    let ys = youths(&app, "race", 20).await;
    let mut ids = Vec::new();
    for y in &ys {
        ids.push(asked(&app, y, Some(&mentor_id), "long_term").await);
    }
    let calls = ids.iter().enumerate().map(|(i, id)| {
        let instance = if i % 2 == 0 { &app } else { &other };
        accept(instance, &mentor, id)
    });
    let answers = futures_util::future::join_all(calls).await;
    let mut ok = 0;
    let mut full = 0;
    for resp in answers {
        match resp.status() {
            StatusCode::OK => ok += 1,
            StatusCode::CONFLICT => {
                let body: Value = resp.json().await.unwrap();
                assert_eq!(body["error"]["code"], "MENTOR_AT_CAPACITY", "{body}");
                full += 1;
            }
            s => panic!("unexpected {s}: {}", resp.text().await.unwrap()),
        }
    }
    assert_eq!((ok, full), (5, 15));
    let admin = json_of(
        app.get(
            &format!("/api/v1/admin/mentors/{mentor_id}"),
            Some(&cadre.token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(admin["activeMentees"], 5);
    assert_eq!(admin["seatsLeft"], 0);
    let pairings = entity::mentorships::Entity::find()
        .filter(entity::mentorships::Column::MentorProfileId.eq(mentor_id.parse::<Uuid>().unwrap()))
        .all(app.db())
        .await
        .unwrap();
    assert_eq!(pairings.len(), 5);
    let listed = json_of(
        app.get(
            &format!("/api/v1/admin/mentorships?mentorId={mentor_id}&status=active"),
            Some(&cadre.token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(listed["total"], 5, "{listed}");
}

#[tokio::test]
async fn a_cancel_and_an_accept_fired_together_leave_one_winner_and_one_terminal_event() {
    let app = spawn_app().await;
    let other = app.spawn_another_instance().await;
    let cadre = app.admin_of(NANGUAN).await;
    let (mentor, mentor_id) = certified_mentor(&app, &cadre, "赵并发", NANGUAN, 5).await;
    for round in 0..4 {
        let y = app
            .youth_in(&format!("cancel{round}"), NANGUAN_VILLAGE, true)
            .await;
        let id = asked(&app, &y, Some(&mentor_id), "long_term").await;
        let (a, c) = tokio::join!(
            accept(&app, &mentor, &id),
            act(&other, &y, &id, "cancellations", json!({}))
        );
        let statuses = [a.status(), c.status()];
        assert!(
            statuses.contains(&StatusCode::OK) && statuses.contains(&StatusCode::CONFLICT),
            "one winner: {statuses:?}"
        );
        let d = detail(&app, &y, &id).await;
        let terminal: Vec<&Value> = d["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["action"] == "accept" || e["action"] == "cancel")
            .collect();
        assert_eq!(terminal.len(), 1, "{d}");
        let accepted = a.status() == StatusCode::OK;
        assert_eq!(d["status"], if accepted { "accepted" } else { "cancelled" });
    }
    // Seats taken equal the pairings made.
    let admin = json_of(
        app.get(
            &format!("/api/v1/admin/mentors/{mentor_id}"),
            Some(&cadre.token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let pairings = entity::mentorships::Entity::find()
        .filter(entity::mentorships::Column::MentorProfileId.eq(mentor_id.parse::<Uuid>().unwrap()))
        .all(app.db())
        .await
        .unwrap();
    assert_eq!(admin["activeMentees"], pairings.len() as i64);
}

#[tokio::test]
async fn refusals_answer_their_codes_and_change_nothing() {
    let app = spawn_app().await;
    let cadre = app.admin_of(NANGUAN).await;
    let kc_cadre = app.admin_of(KUANCHENG).await;
    let (_, mentor_id) = certified_mentor(&app, &cadre, "钱导师", NANGUAN, 5).await;
    let (_, far_id) = certified_mentor(&app, &kc_cadre, "孙导师", KUANCHENG, 5).await;
    // Unverified.
    let unverified = app.youth_in("unverified", NANGUAN_VILLAGE, false).await;
    assert_error(
        ask(&app, &unverified, Some(&mentor_id), "long_term").await,
        StatusCode::FORBIDDEN,
        "VERIFICATION_REQUIRED",
    )
    .await;
    // No talent profile.
    let nobody = app.login_as_youth("noprofile").await;
    assert_error(
        ask(&app, &nobody, Some(&mentor_id), "long_term").await,
        StatusCode::CONFLICT,
        "TALENT_PROFILE_REQUIRED",
    )
    .await;
    // Staff are not youth.
    assert_error(
        ask(&app, &cadre, Some(&mentor_id), "long_term").await,
        StatusCode::FORBIDDEN,
        "YOUTH_ONLY",
    )
    .await;
    let y = app.youth_in("refused", NANGUAN_VILLAGE, true).await;
    // A mentor serving another county.
    assert_error(
        ask(&app, &y, Some(&far_id), "long_term").await,
        StatusCode::FORBIDDEN,
        "OUTSIDE_MENTOR_REGION",
    )
    .await;
    // No consent naming the mentor.
    let mut body = ask_body(Some(&mentor_id), "long_term");
    body["shareContact"] = json!(false);
    let err = assert_error(
        app.post("/api/v1/mentorship-requests", Some(&y.token), &body)
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    assert_eq!(err["error"]["fields"][0]["field"], "shareContact");
    assert_eq!(err["error"]["fields"][0]["code"], "CONSENT_REQUIRED");
    body["shareContact"] = json!(true);
    body["consentVersion"] = json!("2020-01");
    let err = assert_error(
        app.post("/api/v1/mentorship-requests", Some(&y.token), &body)
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    assert_eq!(err["error"]["fields"][0]["code"], "CONSENT_OUTDATED");
    // A description too short.
    let mut short = ask_body(Some(&mentor_id), "long_term");
    short["description"] = json!("太短");
    assert_error(
        app.post("/api/v1/mentorship-requests", Some(&y.token), &short)
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    // The first request works; a second one to the same mentor does not.
    asked(&app, &y, Some(&mentor_id), "long_term").await;
    assert_error(
        ask(&app, &y, Some(&mentor_id), "consultation").await,
        StatusCode::CONFLICT,
        "ALREADY_REQUESTED",
    )
    .await;
    // Two more (to the league) make three open; a fourth is refused.
    asked(&app, &y, None, "consultation").await;
    asked(&app, &y, None, "long_term").await;
    assert_error(
        ask(&app, &y, None, "consultation").await,
        StatusCode::CONFLICT,
        "TOO_MANY_PENDING_REQUESTS",
    )
    .await;
    // A mentor asking themselves.
    let (self_mentor, self_id) = certified_mentor(&app, &cadre, "周自己", NANGUAN, 5).await;
    app.add_talent_profile(&self_mentor, "self", NANGUAN_VILLAGE, true)
        .await;
    assert_error(
        ask(&app, &self_mentor, Some(&self_id), "long_term").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "SELF_MENTORING",
    )
    .await;
    // A suspended mentor takes no new requests.
    let (_, paused) = certified_mentor(&app, &cadre, "吴暂停", NANGUAN, 5).await;
    json_of(
        crate::mentoring::review(
            &app,
            &cadre,
            &paused,
            json!({"decision": "suspend", "reason": "核实材料中", "version": 2}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let fresh = app.youth_in("fresh", NANGUAN_VILLAGE, true).await;
    assert_error(
        ask(&app, &fresh, Some(&paused), "long_term").await,
        StatusCode::CONFLICT,
        "MENTOR_NOT_ACCEPTING",
    )
    .await;
    // A verified youth of 17 may not ask (no mentor gets a minor's phone).
    let minor = app.youth_in("minor", NANGUAN_VILLAGE, true).await;
    let seventeen = chrono::Utc::now().date_naive() - chrono::Duration::days(17 * 365);
    talent_profiles::Entity::update_many()
        .col_expr(talent_profiles::Column::DateOfBirth, Expr::value(seventeen))
        .filter(talent_profiles::Column::UserId.eq(minor.user_id.parse::<Uuid>().unwrap()))
        .exec(app.db())
        .await
        .unwrap();
    assert_error(
        ask(&app, &minor, Some(&mentor_id), "long_term").await,
        StatusCode::FORBIDDEN,
        "AGE_NOT_ELIGIBLE",
    )
    .await;
    // … and still enrols in a training (16–17-year-olds keep trainings, conventions §10).
    let training =
        crate::trainings::publish(&app, &cadre, &crate::trainings::training_body(NANGUAN, 10))
            .await;
    json_of(
        crate::trainings::sign_up(&app, &minor, training["id"].as_str().unwrap()).await,
        StatusCode::CREATED,
    )
    .await;
    // None of the refusals made a request.
    for who in [&unverified, &minor, &fresh] {
        let mine = json_of(
            app.get("/api/v1/me/mentorship-requests", Some(&who.token))
                .await,
            StatusCode::OK,
        )
        .await;
        assert_eq!(mine["total"], 0);
    }
    let mine = json_of(
        app.get("/api/v1/me/mentorship-requests", Some(&y.token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(mine["total"], 3);
}

#[tokio::test]
async fn concurrent_requests_of_one_youth_stop_at_the_open_request_limit() {
    let app = spawn_app().await;
    let other = app.spawn_another_instance().await;
    let y = app.youth_in("burst", NANGUAN_VILLAGE, true).await;
    let calls = (0..8).map(|i| {
        let instance = if i % 2 == 0 { &app } else { &other };
        ask(instance, &y, None, "consultation")
    });
    let answers = futures_util::future::join_all(calls).await;
    let mut created = 0;
    for resp in answers {
        match resp.status() {
            StatusCode::CREATED => created += 1,
            StatusCode::CONFLICT => {
                let body: Value = resp.json().await.unwrap();
                assert_eq!(body["error"]["code"], "TOO_MANY_PENDING_REQUESTS");
            }
            s => panic!("unexpected {s}"),
        }
    }
    assert_eq!(created, 3);
    let mine = json_of(
        app.get("/api/v1/me/mentorship-requests", Some(&y.token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(mine["total"], 3);
    // Cancelling one frees a place.
    let first = mine["items"][0]["id"].as_str().unwrap().to_owned();
    json_of(
        act(&app, &y, &first, "cancellations", json!({})).await,
        StatusCode::OK,
    )
    .await;
    asked(&app, &y, None, "consultation").await;
}

#[tokio::test]
async fn with_a_zero_ttl_one_sweep_expires_a_pending_request_and_a_late_accept_is_refused() {
    let app = spawn_app_with(|s| {
        s.mentoring.request_ttl_hours = 0;
        s.mentoring.expiry_sweep_interval = StdDuration::from_millis(100);
    })
    .await;
    let cadre = app.admin_of(NANGUAN).await;
    let (mentor, mentor_id) = certified_mentor(&app, &cadre, "郑过期", NANGUAN, 5).await;
    let y = app.youth_in("late", NANGUAN_VILLAGE, true).await;
    let id = asked(&app, &y, Some(&mentor_id), "long_term").await;
    wait_for_status(&app, &y, &id, "expired").await;
    assert!(
        notification_kinds(&app, &y)
            .await
            .contains(&"mentorship.expired".to_owned())
    );
    assert_error(
        accept(&app, &mentor, &id).await,
        StatusCode::CONFLICT,
        "REQUEST_EXPIRED",
    )
    .await;
    // The expired request no longer counts as open; its consent has ended.
    for _ in 0..3 {
        asked(&app, &y, None, "consultation").await;
    }
    let consents = json_of(
        app.get("/api/v1/me/sharing-consents", Some(&y.token)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(consents["items"][0]["active"], false);
}

async fn wait_for_status(app: &TestApp, who: &Login, id: &str, status: &str) -> Value {
    for _ in 0..100 {
        let d = detail(app, who, id).await;
        if d["status"] == status {
            return d;
        }
        tokio::time::sleep(StdDuration::from_millis(50)).await;
    }
    panic!("request {id} never became {status}");
}

#[tokio::test]
async fn two_instances_sweeping_expire_a_request_once_and_tell_the_mentee_once() {
    let app = spawn_app_with(|s| {
        s.mentoring.request_ttl_hours = 0;
        s.mentoring.expiry_sweep_interval = StdDuration::from_millis(20);
    })
    .await;
    let _other = app.spawn_another_instance().await;
    let cadre = app.admin_of(NANGUAN).await;
    let (_, mentor_id) = certified_mentor(&app, &cadre, "冯双例", NANGUAN, 5).await;
    let y = app.youth_in("twice", NANGUAN_VILLAGE, true).await;
    let id = asked(&app, &y, Some(&mentor_id), "long_term").await;
    wait_for_status(&app, &y, &id, "expired").await;
    // Give both instances many more sweeps to do something twice, if they would.
    tokio::time::sleep(StdDuration::from_millis(300)).await;
    let d = detail(&app, &y, &id).await;
    let expiries = d["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "expire")
        .count();
    assert_eq!(expiries, 1);
    let notes = notification_kinds(&app, &y).await;
    assert_eq!(
        notes.iter().filter(|k| *k == "mentorship.expired").count(),
        1
    );
}

#[tokio::test]
async fn a_request_without_a_mentor_reaches_the_proposed_mentor_only_after_the_mentee_confirms() {
    let app = spawn_app().await;
    let cadre = app.admin_of(NANGUAN).await;
    let (mentor, mentor_id) = certified_mentor(&app, &cadre, "陈推荐", NANGUAN, 5).await;
    let y = app.youth_in("assigned", NANGUAN_VILLAGE, true).await;
    let created = json_of(ask(&app, &y, None, "long_term").await, StatusCode::CREATED).await;
    assert_eq!(created["status"], "awaiting_assignment");
    assert_eq!(created["nextStep"]["actor"], "county_league");
    assert_eq!(created["nextStep"]["actionLabel"], "等待南关区团委推荐导师");
    let id = created["id"].as_str().unwrap().to_owned();
    // It waits in the cadre's queue and to-dos.
    let queue = json_of(
        app.get(
            "/api/v1/admin/mentorship-requests?status=awaiting_assignment",
            Some(&cadre.token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(queue["items"][0]["id"], id.as_str());
    assert_eq!(queue["items"][0]["mentee"]["name"], "测*********");
    assert_eq!(
        todo_count(&app, &cadre, "mentorship_requests_to_assign").await,
        1
    );
    let assigned = json_of(
        app.post(
            &format!("/api/v1/admin/mentorship-requests/{id}/assignments"),
            Some(&cadre.token),
            &json!({"mentorId": mentor_id}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(assigned["status"], "proposed");
    assert_eq!(
        todo_count(&app, &cadre, "mentorship_requests_to_assign").await,
        0
    );
    // The mentor does not see it yet.
    assert!(inbox(&app, &mentor).await.is_empty());
    assert_error(
        accept(&app, &mentor, &id).await,
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
    )
    .await;
    assert_error(
        app.get(
            &format!("/api/v1/me/mentorship-requests/{id}"),
            Some(&mentor.token),
        )
        .await,
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
    )
    .await;
    let proposed = detail(&app, &y, &id).await;
    assert_eq!(proposed["mentor"]["name"], "陈推荐");
    assert_eq!(proposed["nextStep"]["actor"], "you");
    assert!(
        notification_kinds(&app, &y)
            .await
            .contains(&"mentorship.proposed".to_owned())
    );
    // Confirming needs the consent naming the mentor.
    assert_error(
        act(
            &app,
            &y,
            &id,
            "proposal-confirmations",
            json!({"shareContact": false, "consentVersion": "2026-12"}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    let confirmed = json_of(
        act(
            &app,
            &y,
            &id,
            "proposal-confirmations",
            json!({"shareContact": true, "consentVersion": "2026-12"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(confirmed["status"], "pending");
    assert_eq!(inbox(&app, &mentor).await, vec![id.clone()]);
    json_of(accept(&app, &mentor, &id).await, StatusCode::OK).await;
}

#[tokio::test]
async fn a_mentee_may_turn_a_proposal_down_and_the_request_waits_again() {
    let app = spawn_app().await;
    let cadre = app.admin_of(NANGUAN).await;
    let (_, mentor_id) = certified_mentor(&app, &cadre, "褚推荐", NANGUAN, 5).await;
    let y = app.youth_in("turndown", NANGUAN_VILLAGE, true).await;
    let id = asked(&app, &y, None, "consultation").await;
    app.post(
        &format!("/api/v1/admin/mentorship-requests/{id}/assignments"),
        Some(&cadre.token),
        &json!({"mentorId": mentor_id}),
    )
    .await;
    let back = json_of(
        act(
            &app,
            &y,
            &id,
            "proposal-rejections",
            json!({"reason": "希望找电商方向的导师"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(back["status"], "awaiting_assignment");
    assert!(back["mentor"].is_null());
    let reasons: Vec<&Value> = back["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "reject_proposal")
        .collect();
    assert_eq!(reasons[0]["reason"], "希望找电商方向的导师");
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
        .unwrap_or_else(|| panic!("{queue} listed: {list}"))["count"]
        .as_u64()
        .unwrap()
}

#[tokio::test]
async fn cadres_reach_only_their_units_requests_and_propose_only_mentors_serving_the_mentee() {
    let app = spawn_app().await;
    let nanguan = app.admin_of(NANGUAN).await;
    let kuancheng = app.admin_of(KUANCHENG).await;
    let (_, far_mentor) = certified_mentor(&app, &kuancheng, "卫宽城", KUANCHENG, 5).await;
    let y = app.youth_in("routed", NANGUAN_VILLAGE, true).await;
    let id = asked(&app, &y, None, "long_term").await;
    // A county-Y cadre: 404 by id, 403 for a region filter outside, nothing listed.
    assert_error(
        app.get(
            &format!("/api/v1/admin/mentorship-requests/{id}"),
            Some(&kuancheng.token),
        )
        .await,
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
    )
    .await;
    assert_error(
        app.get(
            &format!("/api/v1/admin/mentorship-requests?region={NANGUAN}"),
            Some(&kuancheng.token),
        )
        .await,
        StatusCode::FORBIDDEN,
        "OUTSIDE_REGION",
    )
    .await;
    let theirs = json_of(
        app.get("/api/v1/admin/mentorship-requests", Some(&kuancheng.token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(theirs["total"], 0);
    assert_error(
        app.post(
            &format!("/api/v1/admin/mentorship-requests/{id}/assignments"),
            Some(&kuancheng.token),
            &json!({"mentorId": far_mentor}),
        )
        .await,
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
    )
    .await;
    // The mentee's own county cadre may not propose a mentor serving only the other county.
    assert_error(
        app.post(
            &format!("/api/v1/admin/mentorship-requests/{id}/assignments"),
            Some(&nanguan.token),
            &json!({"mentorId": far_mentor}),
        )
        .await,
        StatusCode::FORBIDDEN,
        "OUTSIDE_MENTOR_REGION",
    )
    .await;
    let d = json_of(
        app.get(
            &format!("/api/v1/admin/mentorship-requests/{id}"),
            Some(&nanguan.token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(d["status"], "awaiting_assignment");
    assert_eq!(d["menteeRegionCode"], NANGUAN_VILLAGE);
    // A youth of 宽城区 may ask the 宽城区 mentor, not a 南关区 youth.
    let kc_youth = app.youth_in("kcyouth", KUANCHENG_VILLAGE, true).await;
    asked(&app, &kc_youth, Some(&far_mentor), "long_term").await;
}

#[tokio::test]
async fn two_cadres_proposing_at_once_make_one_proposal() {
    let app = spawn_app().await;
    let other = app.spawn_another_instance().await;
    let county = app.admin_of(NANGUAN).await;
    let city = app.admin_of("220100").await;
    let (_, m1) = certified_mentor(&app, &county, "蒋甲", NANGUAN, 5).await;
    let (_, m2) = certified_mentor(&app, &county, "沈乙", NANGUAN, 5).await;
    let y = app.youth_in("twocadres", NANGUAN_VILLAGE, true).await;
    let id = asked(&app, &y, None, "long_term").await;
    let path = format!("/api/v1/admin/mentorship-requests/{id}/assignments");
    let (b1, b2) = (json!({"mentorId": m1}), json!({"mentorId": m2}));
    let (a, b) = tokio::join!(
        app.post(&path, Some(&county.token), &b1),
        other.post(&path, Some(&city.token), &b2)
    );
    let mut statuses = vec![a.status(), b.status()];
    statuses.sort();
    assert_eq!(statuses, vec![StatusCode::OK, StatusCode::CONFLICT]);
    let d = detail(&app, &y, &id).await;
    let assigns = d["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "assign")
        .count();
    assert_eq!(assigns, 1);
}

#[tokio::test]
async fn the_same_idempotency_key_and_body_return_the_same_request() {
    let app = spawn_app().await;
    let cadre = app.admin_of(NANGUAN).await;
    let (_, mentor_id) = certified_mentor(&app, &cadre, "韩幂等", NANGUAN, 5).await;
    let y = app.youth_in("retry", NANGUAN_VILLAGE, true).await;
    let send = |body: Value| {
        app.send(
            app.client
                .post(app.url("/api/v1/mentorship-requests"))
                .bearer_auth(&y.token)
                .header("Idempotency-Key", "ask-1")
                .json(&body),
        )
    };
    let first = json_of(
        send(ask_body(Some(&mentor_id), "long_term")).await,
        StatusCode::CREATED,
    )
    .await;
    let again = json_of(
        send(ask_body(Some(&mentor_id), "long_term")).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(first["id"], again["id"]);
    let err = assert_error(
        send(ask_body(None, "long_term")).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "IDEMPOTENCY_KEY_REUSED",
    )
    .await;
    assert_eq!(err["error"]["fields"][0]["field"], "Idempotency-Key");
    let mine = json_of(
        app.get("/api/v1/me/mentorship-requests", Some(&y.token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(mine["total"], 1);
}

#[tokio::test]
async fn only_the_requested_mentor_answers_and_a_decline_needs_a_reason_code() {
    let app = spawn_app().await;
    let cadre = app.admin_of(NANGUAN).await;
    let (mentor, mentor_id) = certified_mentor(&app, &cadre, "杨婉拒", NANGUAN, 5).await;
    let (stranger, _) = certified_mentor(&app, &cadre, "朱路人", NANGUAN, 5).await;
    let y = app.youth_in("declined", NANGUAN_VILLAGE, true).await;
    let id = asked(&app, &y, Some(&mentor_id), "consultation").await;
    assert_error(
        accept(&app, &stranger, &id).await,
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
    )
    .await;
    assert_error(
        accept(&app, &y, &id).await,
        StatusCode::FORBIDDEN,
        "ROLE_REQUIRED",
    )
    .await;
    assert_error(
        act(&app, &mentor, &id, "declines", json!({"note": "忙"})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    let declined = json_of(
        act(
            &app,
            &mentor,
            &id,
            "declines",
            json!({"reasonCode": "schedule", "note": "近两个月在外地"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(declined["status"], "declined");
    assert_eq!(declined["responseReasonCode"], "schedule");
    assert!(
        notification_kinds(&app, &y)
            .await
            .contains(&"mentorship.declined".to_owned())
    );
    // Accepting now is a conflict naming the state; the mentee may ask the same mentor again.
    assert_error(
        accept(&app, &mentor, &id).await,
        StatusCode::CONFLICT,
        "INVALID_STATE",
    )
    .await;
    asked(&app, &y, Some(&mentor_id), "consultation").await;
}

#[tokio::test]
async fn reaching_the_long_term_limit_cancels_the_other_open_long_term_requests() {
    let app = spawn_app().await;
    let cadre = app.admin_of(NANGUAN).await;
    let (m1, id1) = certified_mentor(&app, &cadre, "许一", NANGUAN, 5).await;
    let (m2, id2) = certified_mentor(&app, &cadre, "何二", NANGUAN, 5).await;
    let (m3, id3) = certified_mentor(&app, &cadre, "吕三", NANGUAN, 5).await;
    let y = app.youth_in("limit", NANGUAN_VILLAGE, true).await;
    let r1 = asked(&app, &y, Some(&id1), "long_term").await;
    let r2 = asked(&app, &y, Some(&id2), "long_term").await;
    let r3 = asked(&app, &y, Some(&id3), "long_term").await;
    json_of(accept(&app, &m1, &r1).await, StatusCode::OK).await;
    assert_eq!(detail(&app, &y, &r3).await["status"], "pending");
    json_of(accept(&app, &m2, &r2).await, StatusCode::OK).await;
    let third = detail(&app, &y, &r3).await;
    assert_eq!(third["status"], "cancelled");
    let last = third["timeline"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["action"], "auto_cancel");
    assert_eq!(last["actor"]["kind"], "system");
    assert!(
        notification_kinds(&app, &m3)
            .await
            .contains(&"mentorship.auto_cancelled".to_owned())
    );
    // A third long-term pairing cannot be asked for; a consultation can.
    let (_, id4) = certified_mentor(&app, &cadre, "施四", NANGUAN, 5).await;
    assert_error(
        ask(&app, &y, Some(&id4), "long_term").await,
        StatusCode::CONFLICT,
        "MENTEE_LIMIT_REACHED",
    )
    .await;
    asked(&app, &y, Some(&id4), "consultation").await;
    // An active pair refuses another request to the same mentor.
    assert_error(
        ask(&app, &y, Some(&id1), "consultation").await,
        StatusCode::CONFLICT,
        "ALREADY_PAIRED",
    )
    .await;
}

#[tokio::test]
async fn a_declined_request_is_reassigned_once_as_a_new_proposal() {
    let app = spawn_app().await;
    let cadre = app.admin_of(NANGUAN).await;
    let (mentor, mentor_id) = certified_mentor(&app, &cadre, "孔婉拒", NANGUAN, 5).await;
    let (_, other_id) = certified_mentor(&app, &cadre, "曹接手", NANGUAN, 5).await;
    let y = app.youth_in("reassigned", NANGUAN_VILLAGE, true).await;
    let id = asked(&app, &y, Some(&mentor_id), "long_term").await;
    json_of(
        act(
            &app,
            &mentor,
            &id,
            "declines",
            json!({"reasonCode": "field_mismatch"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        todo_count(&app, &cadre, "mentorship_requests_to_assign").await,
        1
    );
    let path = format!("/api/v1/admin/mentorship-requests/{id}/assignments");
    let new = json_of(
        app.post(&path, Some(&cadre.token), &json!({"mentorId": other_id}))
            .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(new["status"], "proposed");
    assert_eq!(new["originRequestId"], id.as_str());
    assert_ne!(new["id"], id.as_str());
    assert_eq!(
        todo_count(&app, &cadre, "mentorship_requests_to_assign").await,
        0
    );
    // The same proposal again is a 200; another one a conflict.
    json_of(
        app.post(&path, Some(&cadre.token), &json!({"mentorId": other_id}))
            .await,
        StatusCode::OK,
    )
    .await;
    let second = app.admin_of(NANGUAN).await;
    assert_error(
        app.post(&path, Some(&second.token), &json!({"mentorId": mentor_id}))
            .await,
        StatusCode::CONFLICT,
        "INVALID_STATE",
    )
    .await;
    let mine = json_of(
        app.get("/api/v1/me/mentorship-requests", Some(&y.token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(mine["total"], 2);
}
