//! Mentoring, working together (issue 10, point 5): pairings, guidance records, confirmation
//! and disputes, endings, completions, extensions and ratings; the cadre's view, endings and
//! settlements; the daily jobs. Races are fired for real (on PostgreSQL across two instances).
use chrono::{Duration, TimeZone, Utc};
use entity::{mentee_counters, mentor_profiles, mentorships};
use jiqing::jobs::daily::{self, Outcome};
use jiqing::mentoring::jobs::{
    MENTORSHIP_AUTO_COMPLETE, RECORD_AUTO_CONFIRM, auto_complete, auto_confirm,
};
use reqwest::StatusCode;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::*;
use crate::mentoring::requests::{accept, asked};
use crate::mentoring::{KUANCHENG, NANGUAN, NANGUAN_VILLAGE, certified_mentor};

const SUMMARY: &str = "到大棚现场查看玉米长势，讲解追肥时机和病虫害防治。";

/// A youth of 南关区 paired with `mentor` (of `kind`): the pairing's id.
async fn paired(
    app: &TestApp,
    mentor: &Login,
    mentor_id: &str,
    youth: &Login,
    kind: &str,
) -> String {
    let request = asked(app, youth, Some(mentor_id), kind).await;
    json_of(accept(app, mentor, &request).await, StatusCode::OK).await["mentorshipId"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn record_body(minutes: i64, photos: &[String]) -> Value {
    json!({
        "occurredAt": Utc::now().to_rfc3339(), "mode": "on_site", "minutes": minutes,
        "summary": SUMMARY, "photos": photos
    })
}

async fn log_record(app: &TestApp, who: &Login, pairing: &str, body: &Value) -> reqwest::Response {
    app.post(
        &format!("/api/v1/me/mentorships/{pairing}/records"),
        Some(&who.token),
        body,
    )
    .await
}

/// A record logged (201): its id.
async fn logged(app: &TestApp, mentor: &Login, pairing: &str) -> String {
    json_of(
        log_record(app, mentor, pairing, &record_body(60, &[])).await,
        StatusCode::CREATED,
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn on_pairing(
    app: &TestApp,
    who: &Login,
    pairing: &str,
    action: &str,
    body: Value,
) -> reqwest::Response {
    app.post(
        &format!("/api/v1/me/mentorships/{pairing}/{action}"),
        Some(&who.token),
        &body,
    )
    .await
}

async fn confirm(
    app: &TestApp,
    who: &Login,
    pairing: &str,
    record: &str,
    body: Value,
) -> reqwest::Response {
    on_pairing(
        app,
        who,
        pairing,
        &format!("records/{record}/confirmations"),
        body,
    )
    .await
}

async fn pairing_of(app: &TestApp, who: &Login, pairing: &str) -> Value {
    json_of(
        app.get(
            &format!("/api/v1/me/mentorships/{pairing}"),
            Some(&who.token),
        )
        .await,
        StatusCode::OK,
    )
    .await
}

async fn mentor_row(app: &TestApp, id: &str) -> mentor_profiles::Model {
    mentor_profiles::Entity::find_by_id(id.parse::<Uuid>().unwrap())
        .one(app.db())
        .await
        .unwrap()
        .unwrap()
}

async fn long_term_of(app: &TestApp, youth: &Login) -> i32 {
    mentee_counters::Entity::find_by_id(youth.user_id.parse::<Uuid>().unwrap())
        .one(app.db())
        .await
        .unwrap()
        .map_or(0, |c| c.active_long_term)
}

async fn kinds_of_notices(app: &TestApp, who: &Login) -> Vec<String> {
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

fn count_of(kinds: &[String], kind: &str) -> usize {
    kinds.iter().filter(|k| *k == kind).count()
}

fn actions(detail: &Value) -> Vec<String> {
    detail["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_mentor_logs_a_record_the_mentee_confirms_it_and_the_completed_pairing_is_rated_once() {
    let app = spawn_app().await;
    let cadre = app.admin_of(NANGUAN).await;
    let (mentor, mentor_id) = certified_mentor(&app, &cadre, "周记录", NANGUAN, 2).await;
    let y = app.youth_in("work", NANGUAN_VILLAGE, true).await;
    let pairing = paired(&app, &mentor, &mentor_id, &y, "long_term").await;

    // Both parties list it; each sees the other's phone while it is active.
    let mine = json_of(
        app.get("/api/v1/me/mentorships?status=active", Some(&y.token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(mine["total"], 1);
    assert_eq!(mine["items"][0]["mentor"]["phone"], "13912345678");
    let theirs = json_of(
        app.get("/api/v1/me/mentorships?role=mentor", Some(&mentor.token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(theirs["items"][0]["id"], pairing.as_str());
    assert_eq!(theirs["items"][0]["mentee"]["phone"], "13800000000");
    let d = pairing_of(&app, &mentor, &pairing).await;
    assert_eq!(d["nextStep"]["actor"], "you");
    assert_eq!(
        pairing_of(&app, &y, &pairing).await["nextStep"]["actor"],
        "mentor"
    );

    // A long-term pairing cannot be completed without a counted record.
    let complete = json!({"summary": "帮助完成鲜食玉米直播销售。"});
    assert_error(
        on_pairing(&app, &mentor, &pairing, "completions", complete.clone()).await,
        StatusCode::CONFLICT,
        "NO_GUIDANCE_RECORDS",
    )
    .await;

    // A record with a photo, sent twice with one Idempotency-Key: one record.
    let photo = app
        .upload_key(&mentor, "mentoring_record", &tiny_jpeg())
        .await;
    let body = record_body(90, std::slice::from_ref(&photo));
    let send = |body: Value| {
        app.send(
            app.client
                .post(app.url(&format!("/api/v1/me/mentorships/{pairing}/records")))
                .bearer_auth(&mentor.token)
                .header("Idempotency-Key", "record-1")
                .json(&body),
        )
    };
    let first = json_of(send(body.clone()).await, StatusCode::CREATED).await;
    assert_eq!(first["status"], "pending");
    assert_eq!(first["photos"][0]["key"], photo.as_str());
    assert!(first["photos"][0]["url"].as_str().unwrap().contains("sig="));
    let again = json_of(send(body.clone()).await, StatusCode::OK).await;
    assert_eq!(first["id"], again["id"]);
    assert_error(
        send(record_body(100, &[])).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "IDEMPOTENCY_KEY_REUSED",
    )
    .await;
    let record = first["id"].as_str().unwrap().to_owned();
    assert!(
        kinds_of_notices(&app, &y)
            .await
            .contains(&"mentorship.record_logged".to_owned())
    );
    let d = pairing_of(&app, &y, &pairing).await;
    assert_eq!(d["recordsCount"], 1);
    assert_eq!(d["records"].as_array().unwrap().len(), 1);
    assert_eq!(d["nextStep"]["actor"], "you");
    assert!(d["nextStep"]["dueAt"].as_str().unwrap().ends_with("+08:00"));
    assert!(actions(&d).contains(&"log_record".to_owned()));

    // The mentee confirms; the same confirmation again is a 200 that counts nothing twice.
    let c = json_of(
        confirm(&app, &y, &pairing, &record, json!({"agree": true})).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(c["status"], "confirmed");
    json_of(
        confirm(&app, &y, &pairing, &record, json!({"agree": true})).await,
        StatusCode::OK,
    )
    .await;
    assert_error(
        confirm(
            &app,
            &y,
            &pairing,
            &record,
            json!({"agree": false, "note": "时间不对"}),
        )
        .await,
        StatusCode::CONFLICT,
        "INVALID_STATE",
    )
    .await;
    assert_eq!(pairing_of(&app, &y, &pairing).await["countedRecords"], 1);

    // Completing frees the seat, counts for the mentor and asks the mentee to rate.
    let done = json_of(
        on_pairing(&app, &mentor, &pairing, "completions", complete.clone()).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(done["status"], "completed");
    assert!(done["nextStep"].is_null());
    json_of(
        on_pairing(&app, &mentor, &pairing, "completions", complete).await,
        StatusCode::OK,
    )
    .await;
    let m = mentor_row(&app, &mentor_id).await;
    assert_eq!((m.active_mentees, m.completed_mentorships), (0, 1));
    assert_eq!(long_term_of(&app, &y).await, 0);
    assert_eq!(
        count_of(&kinds_of_notices(&app, &y).await, "mentorship.completed"),
        1
    );
    let d = pairing_of(&app, &y, &pairing).await;
    assert_eq!(d["nextStep"]["actor"], "you");
    assert_eq!(d["mentor"]["phone"], "13912345678", "30 days after the end");

    // Rated once; the mentor's columns move; a second rating is refused.
    let rated = json_of(
        on_pairing(
            &app,
            &y,
            &pairing,
            "ratings",
            json!({"stars": 5, "comment": "很实用"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(rated["menteeRating"], 5);
    assert!(rated["nextStep"].is_null());
    assert_error(
        on_pairing(&app, &y, &pairing, "ratings", json!({"stars": 3})).await,
        StatusCode::CONFLICT,
        "ALREADY_RATED",
    )
    .await;
    let m = mentor_row(&app, &mentor_id).await;
    assert_eq!((m.rating_count, m.rating_sum), (1, 5));
    let shown = json_of(
        app.get(&format!("/api/v1/mentors/{mentor_id}"), Some(&y.token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(shown["completedMentorships"], 1);
    assert!(shown["averageRatingTenths"].is_null(), "below 3 ratings");
    assert_eq!(shown["seatsLeft"], 2);
}

#[tokio::test]
async fn refusals_on_pairings_answer_their_codes_and_change_nothing() {
    let app = spawn_app().await;
    let cadre = app.admin_of(NANGUAN).await;
    let (mentor, mentor_id) = certified_mentor(&app, &cadre, "吴拒绝", NANGUAN, 5).await;
    let (other_mentor, _) = certified_mentor(&app, &cadre, "郑旁人", NANGUAN, 5).await;
    let y = app.youth_in("refuse", NANGUAN_VILLAGE, true).await;
    let stranger = app.youth_in("stranger", NANGUAN_VILLAGE, true).await;
    let pairing = paired(&app, &mentor, &mentor_id, &y, "long_term").await;
    let path = format!("/api/v1/me/mentorships/{pairing}");

    // Not a party: 404 for reading and acting; the mentee may not log, the mentor not rate.
    assert_error(
        app.get(&path, Some(&stranger.token)).await,
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
    )
    .await;
    assert_error(
        log_record(&app, &other_mentor, &pairing, &record_body(60, &[])).await,
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
    )
    .await;
    assert_error(
        log_record(&app, &y, &pairing, &record_body(60, &[])).await,
        StatusCode::FORBIDDEN,
        "ROLE_REQUIRED",
    )
    .await;

    // Bad records: minutes out of range, a short summary, a future time, someone else's photo.
    for (minutes, field) in [(9, "minutes"), (481, "minutes")] {
        let e = assert_error(
            log_record(&app, &mentor, &pairing, &record_body(minutes, &[])).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "VALIDATION_FAILED",
        )
        .await;
        assert_eq!(e["error"]["fields"][0]["field"], field);
        assert_eq!(e["error"]["fields"][0]["code"], "RANGE");
    }
    let mut short = record_body(60, &[]);
    short["summary"] = json!("太短");
    let e = assert_error(
        log_record(&app, &mentor, &pairing, &short).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    assert_eq!(e["error"]["fields"][0]["field"], "summary");
    let mut future = record_body(60, &[]);
    future["occurredAt"] = json!((Utc::now() + Duration::hours(2)).to_rfc3339());
    let e = assert_error(
        log_record(&app, &mentor, &pairing, &future).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    assert_eq!(e["error"]["fields"][0]["field"], "occurredAt");
    let theirs = app.upload_key(&y, "mentoring_record", &tiny_jpeg()).await;
    let e = assert_error(
        log_record(&app, &mentor, &pairing, &record_body(60, &[theirs])).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    assert_eq!(e["error"]["fields"][0]["field"], "photos[0]");
    assert_eq!(e["error"]["fields"][0]["code"], "MEDIA_KEY_INVALID");
    let ten: Vec<String> = (0..10).map(|i| format!("{i:032x}")).collect();
    assert_error(
        log_record(&app, &mentor, &pairing, &record_body(60, &ten)).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    assert_eq!(pairing_of(&app, &y, &pairing).await["recordsCount"], 0);

    // Confirming is the mentee's; a dispute needs a note.
    let record = logged(&app, &mentor, &pairing).await;
    assert_error(
        confirm(&app, &mentor, &pairing, &record, json!({"agree": true})).await,
        StatusCode::FORBIDDEN,
        "ROLE_REQUIRED",
    )
    .await;
    let e = assert_error(
        confirm(&app, &y, &pairing, &record, json!({"agree": false})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    assert_eq!(e["error"]["fields"][0]["field"], "note");
    assert_error(
        confirm(
            &app,
            &y,
            &pairing,
            &Uuid::now_v7().to_string(),
            json!({"agree": true}),
        )
        .await,
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
    )
    .await;

    // Extensions: within 12 months of the start, after the planned end, once.
    let today = jiqing::time::today_in_china(Utc::now());
    let planned = pairing_of(&app, &y, &pairing).await["plannedEndOn"]
        .as_str()
        .unwrap()
        .to_owned();
    for bad in [today + Duration::days(400), today + Duration::days(10)] {
        let e = assert_error(
            on_pairing(
                &app,
                &mentor,
                &pairing,
                "extensions",
                json!({"plannedEndOn": bad}),
            )
            .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "VALIDATION_FAILED",
        )
        .await;
        assert_eq!(e["error"]["fields"][0]["code"], "RANGE");
    }
    assert_error(
        on_pairing(
            &app,
            &y,
            &pairing,
            "extensions",
            json!({"plannedEndOn": today + Duration::days(300)}),
        )
        .await,
        StatusCode::FORBIDDEN,
        "ROLE_REQUIRED",
    )
    .await;
    let later = json!({"plannedEndOn": today + Duration::days(300)});
    let ext = json_of(
        on_pairing(&app, &mentor, &pairing, "extensions", later.clone()).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(ext["extended"], true);
    assert_ne!(ext["plannedEndOn"], planned.as_str());
    json_of(
        on_pairing(&app, &mentor, &pairing, "extensions", later).await,
        StatusCode::OK,
    )
    .await;
    assert_error(
        on_pairing(
            &app,
            &mentor,
            &pairing,
            "extensions",
            json!({"plannedEndOn": today + Duration::days(320)}),
        )
        .await,
        StatusCode::CONFLICT,
        "ALREADY_EXTENDED",
    )
    .await;

    // Ratings wait for the end; endings need a reason of 2–200 characters.
    assert_error(
        on_pairing(&app, &y, &pairing, "ratings", json!({"stars": 4})).await,
        StatusCode::CONFLICT,
        "INVALID_STATE",
    )
    .await;
    assert_error(
        on_pairing(&app, &mentor, &pairing, "ratings", json!({"stars": 4})).await,
        StatusCode::FORBIDDEN,
        "ROLE_REQUIRED",
    )
    .await;
    for reason in ["", " ", "走"] {
        let e = assert_error(
            on_pairing(&app, &y, &pairing, "endings", json!({"reason": reason})).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "VALIDATION_FAILED",
        )
        .await;
        assert_eq!(e["error"]["fields"][0]["field"], "reason");
    }
    assert_eq!(pairing_of(&app, &y, &pairing).await["status"], "active");

    // Ended: the same ending again is a 200; anything else is 409.
    let end = json!({"reason": "项目暂停，不再需要帮带"});
    json_of(
        on_pairing(&app, &y, &pairing, "endings", end.clone()).await,
        StatusCode::OK,
    )
    .await;
    json_of(
        on_pairing(&app, &y, &pairing, "endings", end.clone()).await,
        StatusCode::OK,
    )
    .await;
    assert_error(
        on_pairing(&app, &mentor, &pairing, "endings", end).await,
        StatusCode::CONFLICT,
        "INVALID_STATE",
    )
    .await;
    assert_error(
        log_record(&app, &mentor, &pairing, &record_body(60, &[])).await,
        StatusCode::CONFLICT,
        "INVALID_STATE",
    )
    .await;
    assert_error(
        on_pairing(
            &app,
            &mentor,
            &pairing,
            "completions",
            json!({"summary": "已完成帮带"}),
        )
        .await,
        StatusCode::CONFLICT,
        "INVALID_STATE",
    )
    .await;
    assert_eq!(mentor_row(&app, &mentor_id).await.active_mentees, 0);
    assert_eq!(long_term_of(&app, &y).await, 0);
    // Rating closes 60 days after the end.
    mentorships::Entity::update_many()
        .col_expr(
            mentorships::Column::EndedAt,
            Expr::value(Utc::now() - Duration::days(61)),
        )
        .filter(mentorships::Column::Id.eq(pairing.parse::<Uuid>().unwrap()))
        .exec(app.db())
        .await
        .unwrap();
    assert_error(
        on_pairing(&app, &y, &pairing, "ratings", json!({"stars": 4})).await,
        StatusCode::CONFLICT,
        "RATING_CLOSED",
    )
    .await;
    assert_eq!(mentor_row(&app, &mentor_id).await.rating_count, 0);
}

#[tokio::test]
async fn ending_a_pairing_with_a_reason_frees_the_seat_for_a_waiting_request() {
    let app = spawn_app().await;
    let cadre = app.admin_of(NANGUAN).await;
    let (mentor, mentor_id) = certified_mentor(&app, &cadre, "陈一座", NANGUAN, 1).await;
    let a = app.youth_in("first", NANGUAN_VILLAGE, true).await;
    let b = app.youth_in("waiting", NANGUAN_VILLAGE, true).await;
    let pairing = paired(&app, &mentor, &mentor_id, &a, "long_term").await;
    let waiting = asked(&app, &b, Some(&mentor_id), "long_term").await;
    assert_error(
        accept(&app, &mentor, &waiting).await,
        StatusCode::CONFLICT,
        "MENTOR_AT_CAPACITY",
    )
    .await;
    assert_error(
        on_pairing(&app, &mentor, &pairing, "endings", json!({"reason": ""})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    let ended = json_of(
        on_pairing(
            &app,
            &mentor,
            &pairing,
            "endings",
            json!({"reason": "本人工作调动，无法继续帮带"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(ended["status"], "ended");
    assert_eq!(ended["endedByKind"], "mentor");
    assert!(
        kinds_of_notices(&app, &a)
            .await
            .contains(&"mentorship.ended".to_owned())
    );
    assert!(
        !kinds_of_notices(&app, &mentor)
            .await
            .contains(&"mentorship.ended".to_owned())
    );
    json_of(accept(&app, &mentor, &waiting).await, StatusCode::OK).await;
    assert_eq!(mentor_row(&app, &mentor_id).await.active_mentees, 1);
}

#[tokio::test]
async fn a_mentor_and_a_mentee_ending_at_once_leave_one_ending_and_free_the_seat_once() {
    let app = spawn_app().await;
    let other = app.spawn_another_instance().await;
    let cadre = app.admin_of(NANGUAN).await;
    let (mentor, mentor_id) = certified_mentor(&app, &cadre, "林并发", NANGUAN, 5).await;
    let stays = app.youth_in("stays", NANGUAN_VILLAGE, true).await;
    paired(&app, &mentor, &mentor_id, &stays, "long_term").await;
    for round in 0..3 {
        let y = app
            .youth_in(&format!("both{round}"), NANGUAN_VILLAGE, true)
            .await;
        let pairing = paired(&app, &mentor, &mentor_id, &y, "long_term").await;
        assert_eq!(mentor_row(&app, &mentor_id).await.active_mentees, 2);
        let (m, e) = tokio::join!(
            on_pairing(
                &app,
                &mentor,
                &pairing,
                "endings",
                json!({"reason": "导师提出结束"})
            ),
            on_pairing(
                &other,
                &y,
                &pairing,
                "endings",
                json!({"reason": "青年提出结束"})
            )
        );
        let statuses = [m.status(), e.status()];
        assert!(
            statuses.contains(&StatusCode::OK) && statuses.contains(&StatusCode::CONFLICT),
            "one winner: {statuses:?}"
        );
        let d = pairing_of(&app, &y, &pairing).await;
        assert_eq!(actions(&d).iter().filter(|a| *a == "end").count(), 1, "{d}");
        assert_eq!(mentor_row(&app, &mentor_id).await.active_mentees, 1);
        assert_eq!(long_term_of(&app, &y).await, 0);
    }
}

#[tokio::test]
async fn two_ratings_at_once_count_once() {
    let app = spawn_app().await;
    let other = app.spawn_another_instance().await;
    let cadre = app.admin_of(NANGUAN).await;
    let (mentor, mentor_id) = certified_mentor(&app, &cadre, "黄评分", NANGUAN, 5).await;
    for round in 0..3 {
        let y = app
            .youth_in(&format!("rate{round}"), NANGUAN_VILLAGE, true)
            .await;
        let pairing = paired(&app, &mentor, &mentor_id, &y, "consultation").await;
        json_of(
            on_pairing(
                &app,
                &y,
                &pairing,
                "endings",
                json!({"reason": "问题已解决"}),
            )
            .await,
            StatusCode::OK,
        )
        .await;
        let (a, b) = tokio::join!(
            on_pairing(&app, &y, &pairing, "ratings", json!({"stars": 5})),
            on_pairing(&other, &y, &pairing, "ratings", json!({"stars": 4}))
        );
        let statuses = [a.status(), b.status()];
        assert!(
            statuses.contains(&StatusCode::OK) && statuses.contains(&StatusCode::CONFLICT),
            "one winner: {statuses:?}"
        );
        let loser = if a.status() == StatusCode::CONFLICT {
            a
        } else {
            b
        };
        assert_error(loser, StatusCode::CONFLICT, "ALREADY_RATED").await;
        assert_eq!(mentor_row(&app, &mentor_id).await.rating_count, round + 1);
    }
    // From the third rating the average shows (floored tenths).
    let m = mentor_row(&app, &mentor_id).await;
    let y = app.youth_in("reader", NANGUAN_VILLAGE, true).await;
    let shown = json_of(
        app.get(&format!("/api/v1/mentors/{mentor_id}"), Some(&y.token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(shown["averageRatingTenths"], m.rating_sum * 10 / 3);
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

#[tokio::test]
async fn a_disputed_record_waits_for_a_cadre_of_the_mentees_unit_to_settle_it() {
    let app = spawn_app().await;
    let cadre = app.admin_of(NANGUAN).await;
    let outsider = app.admin_of(KUANCHENG).await;
    let (mentor, mentor_id) = certified_mentor(&app, &cadre, "孙异议", NANGUAN, 5).await;
    let y = app.youth_in("dispute", NANGUAN_VILLAGE, true).await;
    let pairing = paired(&app, &mentor, &mentor_id, &y, "long_term").await;
    let voided = logged(&app, &mentor, &pairing).await;
    let upheld = logged(&app, &mentor, &pairing).await;
    for r in [&voided, &upheld] {
        let d = json_of(
            confirm(
                &app,
                &y,
                &pairing,
                r,
                json!({"agree": false, "note": "当天导师未到现场"}),
            )
            .await,
            StatusCode::OK,
        )
        .await;
        assert_eq!(d["status"], "disputed");
        assert_eq!(d["disputeNote"], "当天导师未到现场");
    }
    assert_eq!(
        todo_count(&app, &cadre, "mentoring_records_disputed").await,
        2
    );
    assert_eq!(
        todo_count(&app, &outsider, "mentoring_records_disputed").await,
        0
    );
    let queue = json_of(
        app.get(
            "/api/v1/admin/mentorships?hasDisputedRecords=true",
            Some(&cadre.token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(queue["total"], 1);
    let masked = queue["items"][0]["mentee"]["name"].as_str().unwrap();
    assert!(
        masked.starts_with('测') && masked.contains('*'),
        "cadres see masked names"
    );

    let settle = |who: &Login, record: &str, body: Value| {
        let url = format!("/api/v1/admin/mentorships/{pairing}/records/{record}/settlements");
        let token = who.token.clone();
        let app = &app;
        async move { app.post(&url, Some(&token), &body).await }
    };
    let void = json!({"outcome": "void", "note": "经核实当天未开展辅导"});
    assert_error(
        settle(&outsider, &voided, void.clone()).await,
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
    )
    .await;
    let e = assert_error(
        settle(&cadre, &voided, json!({"outcome": "void", "note": ""})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    assert_eq!(e["error"]["fields"][0]["field"], "note");
    let v = json_of(settle(&cadre, &voided, void.clone()).await, StatusCode::OK).await;
    assert_eq!(v["status"], "void");
    assert_eq!(v["settleNote"], "经核实当天未开展辅导");
    json_of(settle(&cadre, &voided, void).await, StatusCode::OK).await;
    assert_error(
        settle(
            &cadre,
            &voided,
            json!({"outcome": "confirm", "note": "重新核实属实"}),
        )
        .await,
        StatusCode::CONFLICT,
        "INVALID_STATE",
    )
    .await;
    let c = json_of(
        settle(
            &cadre,
            &upheld,
            json!({"outcome": "confirm", "note": "经核实辅导属实"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(c["status"], "confirmed");
    assert_eq!(
        todo_count(&app, &cadre, "mentoring_records_disputed").await,
        0
    );
    let admin = json_of(
        app.get(
            &format!("/api/v1/admin/mentorships/{pairing}"),
            Some(&cadre.token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(admin["countedRecords"], 1, "only the upheld record counts");
    assert!(admin["nextStep"].is_null());
    assert_eq!(admin["records"].as_array().unwrap().len(), 2);

    // A cadre ends the pairing: both parties are told; the list by mentor shows it ended.
    assert_error(
        app.post(
            &format!("/api/v1/admin/mentorships/{pairing}/endings"),
            Some(&outsider.token),
            &json!({"reason": "核实后结束帮带"}),
        )
        .await,
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
    )
    .await;
    let ended = json_of(
        app.post(
            &format!("/api/v1/admin/mentorships/{pairing}/endings"),
            Some(&cadre.token),
            &json!({"reason": "核实后结束帮带"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(ended["endedByKind"], "cadre");
    for who in [&y, &mentor] {
        assert!(
            kinds_of_notices(&app, who)
                .await
                .contains(&"mentorship.ended".to_owned())
        );
    }
    let by_mentor = json_of(
        app.get(
            &format!("/api/v1/admin/mentorships?mentorId={mentor_id}&status=ended"),
            Some(&cadre.token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(by_mentor["total"], 1);
    assert_eq!(mentor_row(&app, &mentor_id).await.active_mentees, 0);
}

/// A China wall-clock time on `days` days from today, as a UTC instant.
fn china_at(days: i64, h: u32, min: u32) -> chrono::DateTime<Utc> {
    let day = jiqing::time::today_in_china(Utc::now()) + Duration::days(days);
    jiqing::time::china()
        .from_local_datetime(&day.and_hms_opt(h, min, 0).unwrap())
        .unwrap()
        .to_utc()
}

#[tokio::test]
async fn a_record_left_unconfirmed_confirms_itself_once_and_a_late_answer_is_closed() {
    let app = spawn_app_with(|s| s.mentoring.confirm_days = 0).await;
    let other = app.spawn_another_instance().await;
    let cadre = app.admin_of(NANGUAN).await;
    let (mentor, mentor_id) = certified_mentor(&app, &cadre, "马自动", NANGUAN, 5).await;
    let y = app.youth_in("silent", NANGUAN_VILLAGE, true).await;
    let pairing = paired(&app, &mentor, &mentor_id, &y, "long_term").await;
    let record = logged(&app, &mentor, &pairing).await;
    assert_error(
        confirm(
            &app,
            &y,
            &pairing,
            &record,
            json!({"agree": false, "note": "时间不对"}),
        )
        .await,
        StatusCode::CONFLICT,
        "CONFIRMATION_CLOSED",
    )
    .await;
    // Two instances polling the daily job: it runs once.
    let at = china_at(1, 0, 11);
    let (a, b) = tokio::join!(
        daily::run_if_due(&app.state, &RECORD_AUTO_CONFIRM, at),
        daily::run_if_due(&other.state, &RECORD_AUTO_CONFIRM, at)
    );
    let outcomes = [a.unwrap(), b.unwrap()];
    assert_eq!(
        outcomes
            .iter()
            .filter(|o| matches!(o, Outcome::Ran(_)))
            .count(),
        1,
        "{outcomes:?}"
    );
    // And the work itself moves each record once, however often it runs.
    let today = jiqing::time::today_in_china(Utc::now());
    let (a, b) = tokio::join!(
        auto_confirm(app.state.clone(), today),
        auto_confirm(other.state.clone(), today)
    );
    a.unwrap();
    b.unwrap();
    let d = pairing_of(&app, &y, &pairing).await;
    assert_eq!(d["records"][0]["status"], "auto_confirmed");
    assert_eq!(d["countedRecords"], 1);
    // The auto-confirmed record lets the mentor complete.
    json_of(
        on_pairing(
            &app,
            &mentor,
            &pairing,
            "completions",
            json!({"summary": "帮带目标已达成"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
}

#[tokio::test]
async fn pairings_past_their_planned_end_complete_by_themselves_once() {
    let app = spawn_app().await;
    let other = app.spawn_another_instance().await;
    let cadre = app.admin_of(NANGUAN).await;
    let (mentor, mentor_id) = certified_mentor(&app, &cadre, "何到期", NANGUAN, 5).await;
    let long = app.youth_in("long", NANGUAN_VILLAGE, true).await;
    let short = app.youth_in("short", NANGUAN_VILLAGE, true).await;
    let fresh = app.youth_in("fresh", NANGUAN_VILLAGE, true).await;
    let long_pairing = paired(&app, &mentor, &mentor_id, &long, "long_term").await;
    let short_pairing = paired(&app, &mentor, &mentor_id, &short, "consultation").await;
    let fresh_pairing = paired(&app, &mentor, &mentor_id, &fresh, "long_term").await;
    // The fresh pairing was extended to 12 months: it is not due on the day the others are.
    let latest = jiqing::time::today_in_china(Utc::now())
        .checked_add_months(chrono::Months::new(12))
        .unwrap();
    json_of(
        on_pairing(
            &app,
            &mentor,
            &fresh_pairing,
            "extensions",
            json!({"plannedEndOn": latest}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(mentor_row(&app, &mentor_id).await.active_mentees, 2);

    // The planned ends (6 months, 30 days) lie before a day 200 days on.
    let before = china_at(200, 0, 4);
    assert_eq!(
        daily::run_if_due(&app.state, &MENTORSHIP_AUTO_COMPLETE, before)
            .await
            .unwrap(),
        Outcome::NotYet
    );
    let at = china_at(200, 0, 6);
    let (a, b) = tokio::join!(
        daily::run_if_due(&app.state, &MENTORSHIP_AUTO_COMPLETE, at),
        daily::run_if_due(&other.state, &MENTORSHIP_AUTO_COMPLETE, at)
    );
    let outcomes = [a.unwrap(), b.unwrap()];
    assert_eq!(
        outcomes
            .iter()
            .filter(|o| matches!(o, Outcome::Ran(_)))
            .count(),
        1,
        "{outcomes:?}"
    );
    let day = jiqing::time::today_in_china(at);
    let (a, b) = tokio::join!(
        auto_complete(app.state.clone(), day),
        auto_complete(other.state.clone(), day)
    );
    a.unwrap();
    b.unwrap();

    for (who, pairing) in [(&long, &long_pairing), (&short, &short_pairing)] {
        let d = pairing_of(&app, who, pairing).await;
        assert_eq!(d["status"], "completed", "{d}");
        assert_eq!(d["endedByKind"], "system");
        assert_eq!(actions(&d).iter().filter(|a| *a == "complete").count(), 1);
        assert_eq!(
            count_of(&kinds_of_notices(&app, who).await, "mentorship.completed"),
            1
        );
    }
    assert_eq!(
        pairing_of(&app, &fresh, &fresh_pairing).await["status"],
        "active"
    );
    let m = mentor_row(&app, &mentor_id).await;
    assert_eq!((m.active_mentees, m.completed_mentorships), (1, 2));
    assert_eq!(long_term_of(&app, &long).await, 0);
    assert_eq!(long_term_of(&app, &fresh).await, 1);
    // The mentee rates the completed pairing.
    json_of(
        on_pairing(&app, &long, &long_pairing, "ratings", json!({"stars": 4})).await,
        StatusCode::OK,
    )
    .await;
    // Nothing is due today: a run for today completes nothing.
    auto_complete(app.state.clone(), jiqing::time::today_in_china(Utc::now()))
        .await
        .unwrap();
    assert_eq!(
        pairing_of(&app, &fresh, &fresh_pairing).await["status"],
        "active"
    );
}

async fn stats_of(app: &TestApp, cadre: &Login, query: &str) -> Value {
    json_of(
        app.get(
            &format!("/api/v1/admin/mentoring/stats{query}"),
            Some(&cadre.token),
        )
        .await,
        StatusCode::OK,
    )
    .await
}

async fn admin_get(app: &TestApp, cadre: &Login, path: &str) -> Value {
    json_of(
        app.get(&format!("/api/v1/admin/{path}"), Some(&cadre.token))
            .await,
        StatusCode::OK,
    )
    .await
}

async fn consents_of(app: &TestApp, youth: &Login) -> Vec<Value> {
    json_of(
        app.get("/api/v1/me/sharing-consents", Some(&youth.token))
            .await,
        StatusCode::OK,
    )
    .await["items"]
        .as_array()
        .unwrap()
        .clone()
}

async fn run_retention(app: &TestApp) {
    jiqing::retention::run(app.state.clone(), jiqing::time::today_in_china(Utc::now()))
        .await
        .unwrap();
}

fn reasons_cleared(detail: &Value) -> bool {
    detail["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["reason"].is_null())
}

/// Acceptance check 13.
#[tokio::test]
async fn with_zero_retention_years_one_run_clears_a_pairing_the_mentee_ended_unlinks_its_consent_and_keeps_the_stats()
 {
    let app = spawn_app_with(|s| s.retention_years = 0).await;
    let cadre = app.admin_of(NANGUAN).await;
    let (mentor, mentor_id) = certified_mentor(&app, &cadre, "林守拙", NANGUAN, 5).await;
    let mentee = app.youth_in("leaving", NANGUAN_VILLAGE, true).await;
    let pairing = paired(&app, &mentor, &mentor_id, &mentee, "long_term").await;
    let photo = app
        .upload_key(&mentor, "mentoring_record", &tiny_jpeg())
        .await;
    let record = json_of(
        log_record(
            &app,
            &mentor,
            &pairing,
            &record_body(90, std::slice::from_ref(&photo)),
        )
        .await,
        StatusCode::CREATED,
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    json_of(
        confirm(
            &app,
            &mentee,
            &pairing,
            &record,
            json!({"agree": false, "note": "当天只通了电话，没有到现场"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    json_of(
        app.post(
            &format!("/api/v1/admin/mentorships/{pairing}/records/{record}/settlements"),
            Some(&cadre.token),
            &json!({"outcome": "confirm", "note": "经核实已到现场指导"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let ended = json_of(
        on_pairing(
            &app,
            &mentee,
            &pairing,
            "endings",
            json!({"reason": "家里有事，暂停养殖"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(ended["status"], "ended");
    json_of(
        on_pairing(
            &app,
            &mentee,
            &pairing,
            "ratings",
            json!({"stars": 4, "comment": "林老师讲得很实在"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let request = admin_get(&app, &cadre, &format!("mentorships/{pairing}")).await["requestId"]
        .as_str()
        .unwrap()
        .to_owned();
    let consent = consents_of(&app, &mentee).await;
    assert_eq!(consent.len(), 1);
    assert_eq!(consent[0]["recipientName"], "林守拙");
    assert_eq!(consent[0]["active"], true, "the phone stays 30 days");
    let province = app.admin_of("220000").await;
    let before = (
        stats_of(&app, &province, "").await,
        stats_of(&app, &province, "?region=220100").await,
    );
    assert_eq!(before.1["area"]["recordsLast90Days"], 1);

    run_retention(&app).await;

    let after = (
        stats_of(&app, &province, "").await,
        stats_of(&app, &province, "?region=220100").await,
    );
    assert_eq!(before, after, "statistics do not change");
    let p = admin_get(&app, &cadre, &format!("mentorships/{pairing}")).await;
    assert_eq!(
        (&p["status"], &p["kind"], &p["endedByKind"]),
        (&json!("ended"), &json!("long_term"), &json!("mentee"))
    );
    assert!(p["endReason"].is_null() && p["mentorSummary"].is_null());
    assert!(p["menteeComment"].is_null());
    assert_eq!(p["menteeRating"], 4, "stars stay");
    assert_eq!(p["recordsCount"], 1);
    assert_eq!(p["mentee"]["name"], "", "no one left to name");
    let r = &p["records"][0];
    assert_eq!(
        (&r["minutes"], &r["status"]),
        (&json!(90), &json!("confirmed"))
    );
    assert!(r["summary"].is_null() && r["disputeNote"].is_null() && r["settleNote"].is_null());
    assert_eq!(r["photos"], json!([]));
    assert!(reasons_cleared(&p), "{}", p["timeline"]);
    let q = admin_get(&app, &cadre, &format!("mentorship-requests/{request}")).await;
    assert!(q["description"].is_null());
    assert_eq!(
        (&q["status"], &q["topic"], &q["menteeRegionCode"]),
        (&json!("accepted"), &json!("cultivation"), &json!(NANGUAN))
    );
    let p_row = mentorships::Entity::find_by_id(pairing.parse::<Uuid>().unwrap())
        .one(app.db())
        .await
        .unwrap()
        .unwrap();
    assert!(p_row.mentee_user_id.is_none() && p_row.anonymised_at.is_some());
    let q_row = entity::mentorship_requests::Entity::find_by_id(request.parse::<Uuid>().unwrap())
        .one(app.db())
        .await
        .unwrap()
        .unwrap();
    assert!(q_row.mentee_user_id.is_none());
    // The consent ended and no longer names the mentor or the request.
    let consent = consents_of(&app, &mentee).await;
    assert_eq!(consent[0]["active"], false);
    assert!(consent[0]["recipientName"].is_null() && consent[0]["subjectId"].is_null());
    // The mentee no longer finds the pairing; the photo's file goes with the next cleanup.
    let mine = json_of(
        app.get("/api/v1/me/mentorships?role=mentee", Some(&mentee.token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(mine["total"], 0);
    let later = Utc::now() + Duration::hours(25);
    jiqing::media::cleanup::clean(
        app.db(),
        &app.state.media,
        app.settings.media_unattached_ttl,
        later,
    )
    .await
    .unwrap();
    assert!(app.state.media.get(&photo).await.unwrap().is_none());
    // A second run finds nothing left.
    let again = jiqing::mentoring::retention::anonymise(
        &app.state,
        jiqing::time::today_in_china(Utc::now()),
    )
    .await
    .unwrap();
    assert_eq!(again, Default::default());
}

#[tokio::test]
async fn retention_leaves_open_requests_and_active_pairings_alone_and_clears_a_declined_request() {
    let app = spawn_app_with(|s| s.retention_years = 0).await;
    let cadre = app.admin_of(NANGUAN).await;
    let (mentor, mentor_id) = certified_mentor(&app, &cadre, "林守拙", NANGUAN, 5).await;
    let active = app.youth_in("active", NANGUAN_VILLAGE, true).await;
    let pairing = paired(&app, &mentor, &mentor_id, &active, "long_term").await;
    let record = logged(&app, &mentor, &pairing).await;
    let waiting = app.youth_in("waiting", NANGUAN_VILLAGE, true).await;
    let pending = asked(&app, &waiting, Some(&mentor_id), "consultation").await;
    let unassigned = asked(&app, &waiting, None, "long_term").await;
    let turned_down = app.youth_in("declined", NANGUAN_VILLAGE, true).await;
    let declined = asked(&app, &turned_down, Some(&mentor_id), "long_term").await;
    json_of(
        crate::mentoring::requests::act(
            &app,
            &mentor,
            &declined,
            "declines",
            json!({"reasonCode": "schedule", "note": "农忙季节抽不出时间"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;

    run_retention(&app).await;

    let p = admin_get(&app, &cadre, &format!("mentorships/{pairing}")).await;
    assert_eq!(p["status"], "active");
    assert_ne!(p["mentee"]["name"], "", "the mentee is still named");
    assert_eq!(p["records"][0]["id"], json!(record));
    assert_eq!(p["records"][0]["summary"], SUMMARY);
    let row = mentorships::Entity::find_by_id(pairing.parse::<Uuid>().unwrap())
        .one(app.db())
        .await
        .unwrap()
        .unwrap();
    assert!(row.mentee_user_id.is_some() && row.anonymised_at.is_none());
    for open in [&pending, &unassigned] {
        let q = admin_get(&app, &cadre, &format!("mentorship-requests/{open}")).await;
        assert_eq!(q["description"], crate::mentoring::requests::DESCRIPTION);
        assert_eq!(q["menteeRegionCode"], NANGUAN_VILLAGE);
        assert!(q["mentee"].is_object());
    }
    let held = consents_of(&app, &waiting).await;
    assert_eq!(held.len(), 1);
    assert_eq!(held[0]["active"], true);
    assert_eq!(held[0]["recipientName"], "林守拙");
    let gone = admin_get(&app, &cadre, &format!("mentorship-requests/{declined}")).await;
    assert_eq!(gone["status"], "declined");
    assert_eq!(gone["responseReasonCode"], "schedule");
    assert!(gone["description"].is_null() && gone["responseNote"].is_null());
    assert!(gone["mentee"].is_null());
    assert_eq!(gone["menteeRegionCode"], NANGUAN);
    assert!(reasons_cleared(&gone), "{}", gone["timeline"]);
    let ended = consents_of(&app, &turned_down).await;
    assert!(ended[0]["recipientName"].is_null() && ended[0]["active"] == false);
}

#[tokio::test]
async fn a_talent_profile_is_not_deleted_while_a_mentorship_request_is_open_or_a_pairing_is_active()
{
    let app = spawn_app().await;
    let cadre = app.admin_of(NANGUAN).await;
    let (mentor, mentor_id) = certified_mentor(&app, &cadre, "陈守约", NANGUAN, 5).await;
    let youth = app.youth_in("keeps", NANGUAN_VILLAGE, true).await;
    let waiting = asked(&app, &youth, None, "long_term").await;
    refused(&app, &youth).await;
    json_of(
        crate::mentoring::requests::act(&app, &youth, &waiting, "cancellations", json!({})).await,
        StatusCode::OK,
    )
    .await;
    let pending = asked(&app, &youth, Some(&mentor_id), "consultation").await;
    refused(&app, &youth).await;
    json_of(accept(&app, &mentor, &pending).await, StatusCode::OK).await;
    let pairing = pairing_of_request(&app, &youth, &pending).await;
    refused(&app, &youth).await;
    json_of(
        on_pairing(
            &app,
            &youth,
            &pairing,
            "endings",
            json!({"reason": "问题已经解决了"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let resp = app
        .delete("/api/v1/me/talent-profile", Some(&youth.token))
        .await;
    assert_eq!(resp.status(), StatusCode::NO_CONTENT);
    // Without a profile there is no one to ask for.
    assert_error(
        crate::mentoring::requests::ask(&app, &youth, Some(&mentor_id), "consultation").await,
        StatusCode::CONFLICT,
        "TALENT_PROFILE_REQUIRED",
    )
    .await;
}

/// The talent `DELETE` answers 409 `TALENT_PROFILE_IN_USE` with a Chinese message, and the
/// profile stays.
async fn refused(app: &TestApp, youth: &Login) {
    let body = json_of(
        app.delete("/api/v1/me/talent-profile", Some(&youth.token))
            .await,
        StatusCode::CONFLICT,
    )
    .await;
    assert_eq!(body["error"]["code"], "TALENT_PROFILE_IN_USE");
    assert!(body["error"]["message"].as_str().unwrap().contains("导师"));
    json_of(
        app.get("/api/v1/me/talent-profile", Some(&youth.token))
            .await,
        StatusCode::OK,
    )
    .await;
}

async fn pairing_of_request(app: &TestApp, youth: &Login, request: &str) -> String {
    json_of(
        app.get(
            &format!("/api/v1/me/mentorship-requests/{request}"),
            Some(&youth.token),
        )
        .await,
        StatusCode::OK,
    )
    .await["mentorshipId"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Acceptance check 12.
#[tokio::test]
async fn a_mentor_with_an_active_mentee_cannot_withdraw_and_after_the_pair_ends_the_withdrawal_clears_the_role_and_ends_org_assignments()
 {
    let app = spawn_app().await;
    let cadre = app.admin_of(NANGUAN).await;
    let city = app.admin_of("220100").await;
    let (mentor, mentor_id) = certified_mentor(&app, &cadre, "韦退出", NANGUAN, 5).await;
    let org = crate::youth_organisations::created_org(
        &app,
        &cadre,
        &crate::youth_organisations::org_body("南关区青年电商协会", "county", NANGUAN),
    )
    .await;
    let org = crate::youth_organisations::verified_org(&app, &city, &org).await;
    let org_id = org["id"].as_str().unwrap().to_owned();
    json_of(
        app.post(
            &format!("/api/v1/admin/youth-organisations/{org_id}/mentor-assignments"),
            Some(&cadre.token),
            &json!({"mentorId": mentor_id}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let youth = app.youth_in("stays", NANGUAN_VILLAGE, true).await;
    let pairing = paired(&app, &mentor, &mentor_id, &youth, "consultation").await;
    assert_error(
        app.delete("/api/v1/me/mentor-profile", Some(&mentor.token))
            .await,
        StatusCode::CONFLICT,
        "HAS_ACTIVE_MENTEES",
    )
    .await;
    // Nothing changed: still certified, still a mentor, still assigned.
    let me = json_of(
        app.get("/api/v1/me", Some(&mentor.token)).await,
        StatusCode::OK,
    )
    .await;
    assert!(
        me["roles"].as_array().unwrap().contains(&json!("mentor")),
        "{me}"
    );
    assert_eq!(
        mentor_row(&app, &mentor_id).await.status,
        mentor_profiles::MentorStatus::Certified
    );
    let o = admin_get(&app, &cadre, &format!("youth-organisations/{org_id}")).await;
    assert_eq!(o["activeMentors"], 1);

    json_of(
        on_pairing(
            &app,
            &youth,
            &pairing,
            "endings",
            json!({"reason": "问题已经解决了"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let gone = json_of(
        app.delete("/api/v1/me/mentor-profile", Some(&mentor.token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(gone["status"], "withdrawn");
    let me = json_of(
        app.get("/api/v1/me", Some(&mentor.token)).await,
        StatusCode::OK,
    )
    .await;
    assert!(
        !me["roles"].as_array().unwrap().contains(&json!("mentor")),
        "{me}"
    );
    let o = admin_get(&app, &cadre, &format!("youth-organisations/{org_id}")).await;
    assert_eq!(o["activeMentors"], 0, "{o}");
}

#[tokio::test]
async fn a_talent_deletion_and_a_request_fired_together_never_leave_a_request_without_a_profile() {
    let app = spawn_app().await;
    let other = app.spawn_another_instance().await;
    let cadre = app.admin_of(NANGUAN).await;
    let (_, mentor_id) = certified_mentor(&app, &cadre, "邓并发", NANGUAN, 20).await;
    for round in 0..6 {
        let youth = app
            .youth_in(&format!("torn{round}"), NANGUAN_VILLAGE, true)
            .await;
        let (deleted, asked) = tokio::join!(
            app.delete("/api/v1/me/talent-profile", Some(&youth.token)),
            crate::mentoring::requests::ask(&other, &youth, Some(&mentor_id), "long_term")
        );
        let (d, a) = (deleted.status(), asked.status());
        assert!(
            (d == StatusCode::NO_CONTENT && a == StatusCode::CONFLICT)
                || (d == StatusCode::CONFLICT && a == StatusCode::CREATED),
            "one of them wins: delete {d}, ask {a}"
        );
        let profile = app
            .get("/api/v1/me/talent-profile", Some(&youth.token))
            .await
            .status();
        let mine = json_of(
            app.get("/api/v1/me/mentorship-requests", Some(&youth.token))
                .await,
            StatusCode::OK,
        )
        .await;
        assert_eq!(
            mine["total"] == 1,
            profile == StatusCode::OK,
            "a request exists exactly when the profile does"
        );
    }
}
