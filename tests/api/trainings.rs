//! Trainings: publishing, sign-up that never oversells, the waiting list and its offers,
//! check-in by rotating code, completions and counts, participant lists.
use std::collections::HashSet;
use std::time::Duration as StdDuration;

use chrono::{Duration, Utc};
use entity::{training_enrollments, trainings};
use futures_util::future::join_all;
use reqwest::StatusCode;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::*;

pub const VILLAGE: &str = "220102001001"; // 南关区 (长春市)
const OTHER_CITY_COUNTY: &str = "220202"; // 吉林市昌邑区

/// A training in `region` that starts in two days; adjust the returned JSON as needed.
pub fn training_body(region: &str, capacity: i32) -> Value {
    let start = Utc::now() + Duration::days(2);
    json!({
        "title": "农村青年电商直播带货培训班",
        "category": "ecommerce_livestream",
        "description": "短视频与直播带货实操",
        "regionCode": region,
        "venue": "南关区青年之家",
        "startsAt": start.to_rfc3339(),
        "endsAt": (start + Duration::hours(8)).to_rfc3339(),
        "signupDeadline": (start - Duration::hours(12)).to_rfc3339(),
        "capacity": capacity,
    })
}

pub async fn publish(app: &TestApp, cadre: &Login, body: &Value) -> Value {
    json_of(
        app.post("/api/v1/admin/trainings", Some(&cadre.token), body)
            .await,
        StatusCode::CREATED,
    )
    .await
}

pub async fn sign_up(app: &TestApp, youth: &Login, training: &str) -> reqwest::Response {
    app.post(
        &format!("/api/v1/trainings/{training}/enrollments"),
        Some(&youth.token),
        &json!({}),
    )
    .await
}

async fn enroll(app: &TestApp, youth: &Login, training: &str) -> Value {
    json_of(sign_up(app, youth, training).await, StatusCode::CREATED).await
}

/// `POST /api/v1/me/enrollments/{id}/{action}` (cancellations, acceptances) as `youth`.
async fn enrollment_action(
    app: &TestApp,
    youth: &Login,
    enrollment: &str,
    action: &str,
) -> reqwest::Response {
    app.post(
        &format!("/api/v1/me/enrollments/{enrollment}/{action}"),
        Some(&youth.token),
        &json!({}),
    )
    .await
}

async fn my_enrollment(app: &TestApp, youth: &Login, training: &str) -> Value {
    let list = json_of(
        app.get("/api/v1/me/enrollments?pageSize=100", Some(&youth.token))
            .await,
        StatusCode::OK,
    )
    .await;
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["trainingId"] == training)
        .cloned()
        .expect("an enrollment for the training")
}

async fn notifications_of(app: &TestApp, youth: &Login) -> Value {
    json_of(
        app.get("/api/v1/me/notifications?pageSize=100", Some(&youth.token))
            .await,
        StatusCode::OK,
    )
    .await
}

fn kinds(notes: &Value) -> Vec<String> {
    notes["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["kind"].as_str().unwrap().to_owned())
        .collect()
}

fn id_of(v: &Value) -> String {
    v["id"].as_str().expect("id").to_owned()
}

async fn set_training(app: &TestApp, id: &str, col: trainings::Column, value: Expr) {
    trainings::Entity::update_many()
        .col_expr(col, value)
        .filter(trainings::Column::Id.eq(id.parse::<Uuid>().unwrap()))
        .exec(app.db())
        .await
        .unwrap();
}

#[tokio::test]
async fn a_cadre_publishes_and_edits_trainings_inside_their_region_only() {
    let app = spawn_app().await;
    let cadre = app.admin_of("220100").await;
    let outsider = app.admin_of("220200").await;

    let created = publish(&app, &cadre, &training_body("220102", 30)).await;
    assert_eq!(created["status"], "published");
    assert_eq!(created["seatsLeft"], 30);
    assert_eq!(created["offerValidMinutes"], 2880, "48 hours by default");
    assert_eq!(created["categoryLabel"], "电商直播");
    assert!(created["startsAt"].as_str().unwrap().ends_with("+08:00"));
    let id = id_of(&created);

    // Outside the cadre's region, a township as organiser, no venue, end before start.
    assert_error(
        app.post(
            "/api/v1/admin/trainings",
            Some(&cadre.token),
            &training_body("220202", 30),
        )
        .await,
        StatusCode::FORBIDDEN,
        "OUTSIDE_REGION",
    )
    .await;
    let body = assert_error(
        app.post(
            "/api/v1/admin/trainings",
            Some(&cadre.token),
            &training_body("220102001", 30),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    assert_eq!(body["error"]["fields"][0]["field"], "regionCode");
    let mut no_place = training_body("220102", 30);
    no_place["venue"] = Value::Null;
    let body = assert_error(
        app.post("/api/v1/admin/trainings", Some(&cadre.token), &no_place)
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    assert_eq!(body["error"]["fields"][0]["field"], "venue");
    let mut backwards = training_body("220102", 30);
    backwards["endsAt"] = backwards["startsAt"].clone();
    let body = assert_error(
        app.post("/api/v1/admin/trainings", Some(&cadre.token), &backwards)
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    assert_eq!(body["error"]["fields"][0]["field"], "endsAt");
    let mut zero = training_body("220102", 0);
    zero["category"] = json!("qingma");
    assert_error(
        app.post("/api/v1/admin/trainings", Some(&cadre.token), &zero)
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;

    // Edit: every field replaced.
    let mut edited = training_body("220100", 40);
    edited["title"] = json!("青马工程培训班");
    edited["category"] = json!("qingma");
    edited["offerValidMinutes"] = json!(60);
    edited["requiresVerified"] = json!(true);
    let updated = json_of(
        app.put(
            &format!("/api/v1/admin/trainings/{id}"),
            Some(&cadre.token),
            &edited,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(updated["title"], "青马工程培训班");
    assert_eq!(updated["regionCode"], "220100");
    assert_eq!(updated["capacity"], 40);
    assert_eq!(updated["offerValidMinutes"], 60);
    assert_eq!(updated["requiresVerified"], true);

    // Another city's cadre can neither see nor change it.
    assert_error(
        app.get(
            &format!("/api/v1/admin/trainings/{id}"),
            Some(&outsider.token),
        )
        .await,
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
    )
    .await;
    assert_error(
        app.put(
            &format!("/api/v1/admin/trainings/{id}"),
            Some(&outsider.token),
            &edited,
        )
        .await,
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
    )
    .await;
    let theirs = json_of(
        app.get("/api/v1/admin/trainings", Some(&outsider.token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(theirs["total"], 0);
    let mine = json_of(
        app.get("/api/v1/admin/trainings", Some(&cadre.token)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(mine["total"], 1);

    // A youth cannot publish.
    let youth = app.youth_in("y", VILLAGE, true).await;
    assert_error(
        app.post(
            "/api/v1/admin/trainings",
            Some(&youth.token),
            &training_body("220102", 30),
        )
        .await,
        StatusCode::FORBIDDEN,
        "ROLE_REQUIRED",
    )
    .await;
}

#[tokio::test]
async fn youth_see_the_trainings_of_their_home_region_with_the_seats_left() {
    let app = spawn_app().await;
    let province = app.admin_of("220000").await;
    let county = publish(&app, &province, &training_body("220102", 2)).await;
    let whole = {
        let mut b = training_body("220000", 100);
        b["category"] = json!("qingma");
        publish(&app, &province, &b).await
    };
    let elsewhere = publish(&app, &province, &training_body(OTHER_CITY_COUNTY, 10)).await;
    let youth = app.youth_in("li", VILLAGE, true).await;
    let other = app.youth_in("wang", "220102001002", true).await;
    enroll(&app, &other, &id_of(&county)).await;

    let list = json_of(
        app.get("/api/v1/trainings", Some(&youth.token)).await,
        StatusCode::OK,
    )
    .await;
    let ids: HashSet<String> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(id_of)
        .collect();
    assert_eq!(
        ids,
        HashSet::from([id_of(&county), id_of(&whole)]),
        "not the other city's training"
    );
    let county_item = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == county["id"])
        .unwrap();
    assert_eq!(county_item["seatsLeft"], 1);
    assert_eq!(county_item["signupOpen"], true);

    let qingma = json_of(
        app.get("/api/v1/trainings?category=qingma", Some(&youth.token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(qingma["total"], 1);
    assert_eq!(qingma["items"][0]["id"], whole["id"]);
    let tomorrow = crate::helpers::china_date(Utc::now() + Duration::days(1));
    let none_tomorrow = json_of(
        app.get(
            &format!("/api/v1/trainings?from={tomorrow}&to={tomorrow}"),
            Some(&youth.token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(none_tomorrow["total"], 0, "all start in two days");
    let closed = json_of(
        app.get("/api/v1/trainings?status=closed", Some(&youth.token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(closed["total"], 0);

    let one = json_of(
        app.get(
            &format!("/api/v1/trainings/{}", id_of(&elsewhere)),
            Some(&youth.token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(one["regionCode"], OTHER_CITY_COUNTY);
    let categories = json_of(
        app.get("/api/v1/training-categories", None).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(categories.as_array().unwrap().len(), 7);
    assert_eq!(categories[0]["label"], "电商直播");
    // One shape for every choice list: `{value, label}`.
    assert_eq!(categories[0]["value"], "ecommerce_livestream");
}

#[tokio::test]
async fn sign_up_enrols_then_waitlists_and_refuses_repeats_late_comers_and_outsiders() {
    let app = spawn_app().await;
    let cadre = app.admin_of("220102").await;
    let training = id_of(&publish(&app, &cadre, &training_body("220102", 1)).await);
    let first = app.youth_in("a", VILLAGE, true).await;
    let second = app.youth_in("b", VILLAGE, false).await;

    let a = enroll(&app, &first, &training).await;
    assert_eq!(a["status"], "enrolled");
    assert_eq!(a["waitlistPosition"], Value::Null);
    let b = enroll(&app, &second, &training).await;
    assert_eq!(b["status"], "waiting");
    assert_eq!(b["waitlistPosition"], 1);

    assert_error(
        sign_up(&app, &first, &training).await,
        StatusCode::CONFLICT,
        "ALREADY_ENROLLED",
    )
    .await;
    let far = app.youth_in("far", "220202001001", true).await;
    assert_error(
        sign_up(&app, &far, &training).await,
        StatusCode::FORBIDDEN,
        "OUTSIDE_TRAINING_REGION",
    )
    .await;
    let no_profile = app.login_as_youth("nobody").await;
    assert_error(
        sign_up(&app, &no_profile, &training).await,
        StatusCode::CONFLICT,
        "TALENT_PROFILE_REQUIRED",
    )
    .await;
    assert_error(
        sign_up(&app, &cadre, &training).await,
        StatusCode::FORBIDDEN,
        "YOUTH_ONLY",
    )
    .await;

    // Verified profiles only.
    let mut strict = training_body("220102", 5);
    strict["requiresVerified"] = json!(true);
    let strict = id_of(&publish(&app, &cadre, &strict).await);
    assert_error(
        sign_up(&app, &second, &strict).await,
        StatusCode::FORBIDDEN,
        "VERIFICATION_REQUIRED",
    )
    .await;
    assert_eq!(enroll(&app, &first, &strict).await["status"], "enrolled");

    // No waiting list: full is full.
    let mut closed_list = training_body("220102", 1);
    closed_list["waitlistOpen"] = json!(false);
    let closed_list = id_of(&publish(&app, &cadre, &closed_list).await);
    enroll(&app, &first, &closed_list).await;
    assert_error(
        sign_up(&app, &second, &closed_list).await,
        StatusCode::CONFLICT,
        "TRAINING_FULL",
    )
    .await;

    // After the deadline.
    let late = id_of(&publish(&app, &cadre, &training_body("220102", 5)).await);
    set_training(
        &app,
        &late,
        trainings::Column::SignupDeadline,
        Expr::value(Utc::now() - Duration::minutes(1)),
    )
    .await;
    assert_error(
        sign_up(&app, &first, &late).await,
        StatusCode::CONFLICT,
        "SIGNUP_CLOSED",
    )
    .await;

    let mine = json_of(
        app.get("/api/v1/me/enrollments", Some(&first.token)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(mine["total"], 3);
    let theirs = my_enrollment(&app, &second, &training).await;
    assert_eq!(theirs["status"], "waiting");
    assert_eq!(theirs["waitlistPosition"], 1);
    assert_eq!(theirs["trainingTitle"], "农村青年电商直播带货培训班");
    let seats = json_of(
        app.get(&format!("/api/v1/trainings/{training}"), Some(&first.token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(seats["seatsLeft"], 0);
    let notes = notifications_of(&app, &second).await;
    assert_eq!(kinds(&notes), vec!["training.waiting"]);
}

/// Point 3: 200+ concurrent sign-ups for 50 seats. On PostgreSQL (TEST_DATABASE_URL) they go
/// through two instances sharing the database. On the SQLite default each instance would hold
/// its own single connection to the same file, and SQLite cannot upgrade concurrent read
/// transactions to writes (SQLITE_BUSY_SNAPSHOT), so there they all go through ONE instance
/// (still 200+ requests in flight at once).
#[tokio::test]
async fn two_hundred_concurrent_sign_ups_for_fifty_seats_never_oversell() {
    const YOUTHS: usize = 210;
    let app = spawn_app().await;
    let second = app.second_instance_on_postgres().await;
    let cadre = app.admin_of("220100").await;
    let training = id_of(&publish(&app, &cadre, &training_body("220100", 50)).await);
    let mut youths = Vec::new();
    for chunk in (0..YOUTHS).collect::<Vec<_>>().chunks(30) {
        youths.extend(
            join_all(chunk.iter().map(|i| {
                let (name, township) = (format!("c{i}"), format!("22010200{}", i % 9 + 1));
                let app = &app;
                async move { app.youth_in(&name, &township, true).await }
            }))
            .await,
        );
    }
    let answers = join_all(youths.iter().enumerate().map(|(i, y)| {
        let target = match (&second, i % 2) {
            (Some(other), 1) => other,
            _ => &app,
        };
        let training = &training;
        async move {
            // As the mini-program does: a retryable 503 (every pooled connection busy on a
            // loaded machine, DATABASE_BUSY) is tried again; anything else is the answer.
            for _ in 0..5 {
                let resp = sign_up(target, y, training).await;
                if resp.status() != StatusCode::SERVICE_UNAVAILABLE {
                    return resp;
                }
                tokio::time::sleep(std::time::Duration::from_millis(500)).await;
            }
            sign_up(target, y, training).await
        }
    }))
    .await;
    let mut enrolled = 0;
    let mut positions = Vec::new();
    for resp in answers {
        let body = json_of(resp, StatusCode::CREATED).await;
        match body["status"].as_str().unwrap() {
            "enrolled" => enrolled += 1,
            "waiting" => positions.push(body["waitlistPosition"].as_u64().unwrap()),
            other => panic!("unexpected status {other}"),
        }
    }
    assert_eq!(enrolled, 50, "exactly the capacity is enrolled");
    positions.sort_unstable();
    assert_eq!(
        positions,
        (1..=(YOUTHS as u64 - 50)).collect::<Vec<_>>(),
        "waiting positions 1..n without gaps or duplicates"
    );

    // What is stored agrees: one row per youth, seats taken = capacity, distinct numbers.
    let rows = training_enrollments::Entity::find()
        .filter(training_enrollments::Column::TrainingId.eq(training.parse::<Uuid>().unwrap()))
        .all(app.db())
        .await
        .unwrap();
    assert_eq!(rows.len(), YOUTHS);
    assert_eq!(
        rows.iter()
            .filter(|r| r.status == entity::training_enrollments::EnrollmentStatus::Enrolled)
            .count(),
        50
    );
    let users: HashSet<Uuid> = rows.iter().map(|r| r.user_id).collect();
    assert_eq!(users.len(), YOUTHS, "no duplicates");
    let seqs: HashSet<i32> = rows.iter().filter_map(|r| r.waitlist_seq).collect();
    assert_eq!(seqs.len(), YOUTHS - 50);
    let t = json_of(
        app.get(
            &format!("/api/v1/admin/trainings/{training}"),
            Some(&cadre.token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(t["seatsLeft"], 0);
    let waiting = json_of(
        app.get(
            &format!(
                "/api/v1/admin/trainings/{training}/participants?status=waiting&pageSize=100&page=2"
            ),
            Some(&cadre.token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(waiting["total"], YOUTHS as u64 - 50);
    assert_eq!(waiting["items"][0]["waitlistPosition"], 101);
}

#[tokio::test]
async fn a_freed_seat_is_offered_to_the_first_person_waiting_who_can_accept_it() {
    let app = spawn_app().await;
    let cadre = app.admin_of("220102").await;
    let training = id_of(&publish(&app, &cadre, &training_body("220102", 1)).await);
    let a = app.youth_in("a", VILLAGE, true).await;
    let b = app.youth_in("b", VILLAGE, true).await;
    let c = app.youth_in("c", VILLAGE, true).await;
    let a_enrollment = id_of(&enroll(&app, &a, &training).await);
    let b_enrollment = id_of(&enroll(&app, &b, &training).await);
    assert_eq!(enroll(&app, &c, &training).await["waitlistPosition"], 2);

    // B cannot accept before anything is offered.
    assert_error(
        enrollment_action(&app, &b, &b_enrollment, "acceptances").await,
        StatusCode::CONFLICT,
        "NO_OFFER",
    )
    .await;
    let cancelled = json_of(
        enrollment_action(&app, &a, &a_enrollment, "cancellations").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(cancelled["status"], "cancelled");
    // A retry of the same cancellation gets the same answer and changes nothing (conventions §2).
    let repeated = json_of(
        enrollment_action(&app, &a, &a_enrollment, "cancellations").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(repeated, cancelled);

    let offered = my_enrollment(&app, &b, &training).await;
    assert_eq!(offered["status"], "offered");
    let expires =
        chrono::DateTime::parse_from_rfc3339(offered["offerExpiresAt"].as_str().unwrap()).unwrap();
    let hours = (expires.with_timezone(&Utc) - Utc::now()).num_minutes();
    assert!(
        (2870..=2880).contains(&hours),
        "48 hours to accept, got {hours} min"
    );
    assert_eq!(
        kinds(&notifications_of(&app, &b).await)
            .iter()
            .filter(|k| *k == "training.offered")
            .count(),
        1,
        "the repeated cancellation freed no second seat"
    );
    assert_eq!(
        my_enrollment(&app, &c, &training).await["waitlistPosition"],
        1
    );
    // Someone else cannot accept B's offer.
    assert_error(
        enrollment_action(&app, &c, &b_enrollment, "acceptances").await,
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
    )
    .await;
    let accepted = json_of(
        enrollment_action(&app, &b, &b_enrollment, "acceptances").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(accepted["status"], "enrolled");
    // A retry gets the same answer.
    let again = json_of(
        enrollment_action(&app, &b, &b_enrollment, "acceptances").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(again["status"], "enrolled");

    // A comes back: to the end of the queue.
    let back = enroll(&app, &a, &training).await;
    assert_eq!(back["status"], "waiting");
    assert_eq!(back["waitlistPosition"], 2);

    // Raising the capacity offers the new seat at once.
    let mut bigger = training_body("220102", 2);
    bigger["offerValidMinutes"] = json!(30);
    json_of(
        app.put(
            &format!("/api/v1/admin/trainings/{training}"),
            Some(&cadre.token),
            &bigger,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        my_enrollment(&app, &c, &training).await["status"],
        "offered"
    );
    let mut smaller = training_body("220102", 1);
    smaller["offerValidMinutes"] = json!(30);
    let body = assert_error(
        app.put(
            &format!("/api/v1/admin/trainings/{training}"),
            Some(&cadre.token),
            &smaller,
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    assert_eq!(body["error"]["fields"][0]["code"], "BELOW_TAKEN");
}

#[tokio::test]
async fn a_lapsed_offer_passes_on_by_itself_exactly_once_with_two_instances_running() {
    let app = spawn_app_with(|s| s.offer_sweep_interval = StdDuration::from_millis(200)).await;
    let _second = app.spawn_another_instance().await;
    let cadre = app.admin_of("220102").await;
    let training = id_of(&publish(&app, &cadre, &training_body("220102", 1)).await);
    let a = app.youth_in("a", VILLAGE, true).await;
    let b = app.youth_in("b", VILLAGE, true).await;
    let c = app.youth_in("c", VILLAGE, true).await;
    let a_enrollment = id_of(&enroll(&app, &a, &training).await);
    enroll(&app, &b, &training).await;
    enroll(&app, &c, &training).await;
    json_of(
        enrollment_action(&app, &a, &a_enrollment, "cancellations").await,
        StatusCode::OK,
    )
    .await;
    let b_enrollment = my_enrollment(&app, &b, &training).await;
    assert_eq!(b_enrollment["status"], "offered");

    // B's offer runs out.
    training_enrollments::Entity::update_many()
        .col_expr(
            training_enrollments::Column::OfferExpiresAt,
            Expr::value(Utc::now() - Duration::seconds(1)),
        )
        .filter(training_enrollments::Column::Id.eq(id_of(&b_enrollment).parse::<Uuid>().unwrap()))
        .exec(app.db())
        .await
        .unwrap();
    let mut moved = false;
    for _ in 0..100 {
        tokio::time::sleep(StdDuration::from_millis(100)).await;
        if my_enrollment(&app, &c, &training).await["status"] == "offered" {
            moved = true;
            break;
        }
    }
    assert!(moved, "the offer moved on to C without any request");
    // Give both instances several more sweeps to do something twice, if they would.
    tokio::time::sleep(StdDuration::from_millis(1000)).await;
    assert_eq!(my_enrollment(&app, &b, &training).await["status"], "lapsed");
    assert_eq!(
        kinds(&notifications_of(&app, &c).await)
            .iter()
            .filter(|k| *k == "training.offered")
            .count(),
        1,
        "exactly one offer notification"
    );
    assert_eq!(
        kinds(&notifications_of(&app, &b).await)
            .iter()
            .filter(|k| *k == "training.offer_lapsed")
            .count(),
        1
    );
    let t = trainings::Entity::find_by_id(training.parse::<Uuid>().unwrap())
        .one(app.db())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(t.taken, 1, "the seat is held once, by C's offer");
    // The participant list shows who left on request only.
    let listed = |status: &'static str| {
        let (app, cadre, training) = (&app, &cadre, &training);
        async move {
            let q = if status.is_empty() {
                String::new()
            } else {
                format!("?status={status}")
            };
            let page = json_of(
                app.get(
                    &format!("/api/v1/admin/trainings/{training}/participants{q}"),
                    Some(&cadre.token),
                )
                .await,
                StatusCode::OK,
            )
            .await;
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p["status"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        listed("").await,
        ["offered"],
        "by default: who holds or waits for a seat"
    );
    assert_eq!(listed("lapsed").await, ["lapsed"]);
    assert_eq!(listed("cancelled").await, ["cancelled"]);
    let mut everyone = listed("all").await;
    everyone.sort();
    assert_eq!(everyone, ["cancelled", "lapsed", "offered"]);
    // B cannot accept any more.
    assert_error(
        app.post(
            &format!(
                "/api/v1/me/enrollments/{}/acceptances",
                id_of(&b_enrollment)
            ),
            Some(&b.token),
            &json!({}),
        )
        .await,
        StatusCode::GONE,
        "OFFER_LAPSED",
    )
    .await;
}

#[tokio::test]
async fn cancelling_a_training_tells_every_participant_why() {
    let app = spawn_app().await;
    let cadre = app.admin_of("220102").await;
    let training = id_of(&publish(&app, &cadre, &training_body("220102", 1)).await);
    let a = app.youth_in("a", VILLAGE, true).await;
    let b = app.youth_in("b", VILLAGE, true).await;
    enroll(&app, &a, &training).await;
    enroll(&app, &b, &training).await;
    assert_error(
        app.post(
            &format!("/api/v1/admin/trainings/{training}/cancellations"),
            Some(&cadre.token),
            &json!({"reason": ""}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    let other_cadre = app.admin_of("220202").await;
    assert_error(
        app.post(
            &format!("/api/v1/admin/trainings/{training}/cancellations"),
            Some(&other_cadre.token),
            &json!({"reason": "因天气原因延期举办"}),
        )
        .await,
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
    )
    .await;
    let done = json_of(
        app.post(
            &format!("/api/v1/admin/trainings/{training}/cancellations"),
            Some(&cadre.token),
            &json!({"reason": "因天气原因延期举办"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(done["status"], "cancelled");
    assert_error(
        app.post(
            &format!("/api/v1/admin/trainings/{training}/cancellations"),
            Some(&cadre.token),
            &json!({"reason": "再取消一次"}),
        )
        .await,
        StatusCode::CONFLICT,
        "INVALID_STATE",
    )
    .await;
    for y in [&a, &b] {
        let e = my_enrollment(&app, y, &training).await;
        assert_eq!(e["status"], "training_cancelled");
        assert_eq!(e["trainingCancelReason"], "因天气原因延期举办");
        let notes = notifications_of(&app, y).await;
        assert_eq!(notes["items"][0]["kind"], "training.cancelled");
        assert!(
            notes["items"][0]["body"]
                .as_str()
                .unwrap()
                .contains("因天气原因延期举办")
        );
    }
    let late = app.youth_in("c", VILLAGE, true).await;
    assert_error(
        sign_up(&app, &late, &training).await,
        StatusCode::CONFLICT,
        "TRAINING_CANCELLED",
    )
    .await;
}

/// A training that is on now (started ten minutes ago).
async fn running_training(app: &TestApp, cadre: &Login, capacity: i32) -> String {
    let start = Utc::now() - Duration::minutes(10);
    let mut body = training_body("220102", capacity);
    body["startsAt"] = json!(start.to_rfc3339());
    body["endsAt"] = json!((start + Duration::hours(3)).to_rfc3339());
    body["signupDeadline"] = json!((start + Duration::hours(1)).to_rfc3339());
    id_of(&publish(app, cadre, &body).await)
}

#[tokio::test]
async fn check_in_takes_the_current_code_once_per_nonce_and_refusals_say_why() {
    let app = spawn_app().await;
    let cadre = app.admin_of("220102").await;
    let training = running_training(&app, &cadre, 1).await;
    let a = app.youth_in("a", VILLAGE, true).await;
    let b = app.youth_in("b", VILLAGE, true).await;
    enroll(&app, &a, &training).await;
    enroll(&app, &b, &training).await; // waiting: not enrolled

    let issued = json_of(
        app.get(
            &format!("/api/v1/admin/trainings/{training}/check-in-code"),
            Some(&cadre.token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(issued["rotationSeconds"], 60);
    assert!(issued["expiresAt"].as_str().unwrap().ends_with("+08:00"));
    let code = issued["code"].as_str().unwrap();
    let check_in = |who: &Login, code: &str, nonce: &str| {
        let path = format!("/api/v1/trainings/{training}/check-ins");
        let body = json!({"code": code, "nonce": nonce});
        let token = who.token.clone();
        let app = &app;
        async move { app.post(&path, Some(&token), &body).await }
    };

    assert_error(
        check_in(&b, code, "nonce-b-0001").await,
        StatusCode::CONFLICT,
        "NOT_ENROLLED",
    )
    .await;
    let body = assert_error(
        check_in(&a, "123.deadbeefdeadbeef", "nonce-a-0000").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    assert_eq!(body["error"]["fields"][0]["code"], "CODE_INVALID");
    let old = app.state.checkin_codes.issue(
        "training",
        training.parse().unwrap(),
        Utc::now() - Duration::minutes(5),
    );
    assert_error(
        check_in(&a, &old.code, "nonce-a-0000").await,
        StatusCode::GONE,
        "CODE_EXPIRED",
    )
    .await;

    let first = json_of(check_in(&a, code, "nonce-a-0001").await, StatusCode::OK).await;
    assert_eq!(first["nonce"], "nonce-a-0001");
    let replay = json_of(check_in(&a, code, "nonce-a-0001").await, StatusCode::OK).await;
    assert_eq!(replay, first, "the same nonce again is the same check-in");
    assert_error(
        check_in(&a, code, "nonce-a-0002").await,
        StatusCode::CONFLICT,
        "ALREADY_CHECKED_IN",
    )
    .await;
    assert_error(
        check_in(&b, code, "nonce-a-0001").await,
        StatusCode::CONFLICT,
        "NONCE_USED",
    )
    .await;
    let checked_in = json_of(
        app.get(
            &format!("/api/v1/admin/trainings/{training}/participants?status=checked_in"),
            Some(&cadre.token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(checked_in["total"], 1, "one check-in, not two");

    // A training that starts in two days is not open for check-in yet.
    let later = id_of(&publish(&app, &cadre, &training_body("220102", 5)).await);
    enroll(&app, &a, &later).await;
    let later_code = app
        .state
        .checkin_codes
        .issue("training", later.parse().unwrap(), Utc::now());
    assert_error(
        app.post(
            &format!("/api/v1/trainings/{later}/check-ins"),
            Some(&a.token),
            &json!({"code": later_code.code, "nonce": "nonce-a-0003"}),
        )
        .await,
        StatusCode::CONFLICT,
        "OUTSIDE_TIME_WINDOW",
    )
    .await;
    // A code of one training does not open another.
    assert_error(
        app.post(
            &format!("/api/v1/trainings/{later}/check-ins"),
            Some(&a.token),
            &json!({"code": code, "nonce": "nonce-a-0004"}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
}

#[tokio::test]
async fn completions_show_on_the_youth_record_and_count_per_category_and_region() {
    let app = spawn_app().await;
    let province = app.admin_of("220000").await;
    let county = app.admin_of("220102").await;
    let training = running_training(&app, &county, 10).await;
    let a = app.youth_in("a", VILLAGE, true).await;
    let b = app.youth_in("b", "220102002001", true).await;
    let c = app.youth_in("c", VILLAGE, true).await;
    for y in [&a, &b, &c] {
        enroll(&app, y, &training).await;
    }
    let code = app
        .state
        .checkin_codes
        .issue("training", training.parse().unwrap(), Utc::now())
        .code;
    json_of(
        app.post(
            &format!("/api/v1/trainings/{training}/check-ins"),
            Some(&a.token),
            &json!({"code": code, "nonce": "nonce-a-0001"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let b_enrollment = id_of(&my_enrollment(&app, &b, &training).await);

    let stranger = Uuid::now_v7();
    let body = assert_error(
        app.post(
            &format!("/api/v1/admin/trainings/{training}/completions"),
            Some(&county.token),
            &json!({"enrollmentIds": [stranger]}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    assert_eq!(body["error"]["fields"][0]["code"], "NOT_ENROLLED");
    // A from attendance, B by name; C neither.
    let result = json_of(
        app.post(
            &format!("/api/v1/admin/trainings/{training}/completions"),
            Some(&county.token),
            &json!({"enrollmentIds": [b_enrollment], "fromAttendance": true}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(result["marked"], 2);
    let again = json_of(
        app.post(
            &format!("/api/v1/admin/trainings/{training}/completions"),
            Some(&county.token),
            &json!({"fromAttendance": true}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(again["marked"], 0, "marking twice counts once");
    assert_eq!(again["completedTotal"], 2);

    let record = json_of(
        app.get("/api/v1/me/enrollments?completed=true", Some(&a.token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(record["total"], 1);
    assert!(record["items"][0]["completedAt"].is_string());
    let none = json_of(
        app.get("/api/v1/me/enrollments?completed=true", Some(&c.token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(none["total"], 0);
    assert_eq!(
        kinds(&notifications_of(&app, &b).await)[0],
        "training.completed"
    );

    let stats = json_of(
        app.get(
            "/api/v1/admin/trainings/stats?region=220100",
            Some(&province.token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(stats["totalCompletions"], 2);
    let ecommerce = stats["byCategory"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["category"] == "ecommerce_livestream")
        .unwrap();
    assert_eq!(ecommerce["completions"], 2);
    assert_eq!(ecommerce["trainings"], 1);
    assert_eq!(stats["byRegion"][0]["regionCode"], "220102");
    assert_eq!(stats["byRegion"][0]["ecommerceCompletions"], 2);
    let township = json_of(
        app.get("/api/v1/admin/trainings/stats", Some(&county.token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(township["regionCode"], "220102");
    let rows: Vec<(String, u64)> = township["byRegion"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["regionCode"].as_str().unwrap().to_owned(),
                r["completions"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        vec![("220102001".to_owned(), 1), ("220102002".to_owned(), 1)]
    );
    let elsewhere = json_of(
        app.get(
            "/api/v1/admin/trainings/stats?region=220200",
            Some(&province.token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(elsewhere["totalCompletions"], 0);
    let next_year = json_of(
        app.get(
            &format!(
                "/api/v1/admin/trainings/stats?region=220100&from={}",
                crate::helpers::china_date(Utc::now() + Duration::days(400))
            ),
            Some(&province.token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(next_year["totalCompletions"], 0);
    assert_error(
        app.get(
            "/api/v1/admin/trainings/stats?region=220100",
            Some(&county.token),
        )
        .await,
        StatusCode::FORBIDDEN,
        "OUTSIDE_REGION",
    )
    .await;
}

#[tokio::test]
async fn a_cadre_lists_and_exports_participants_with_personal_data_masked() {
    let app = spawn_app().await;
    let cadre = app.admin_of("220102").await;
    let training = id_of(&publish(&app, &cadre, &training_body("220102", 1)).await);
    let a = app.youth_in("甲乙", VILLAGE, true).await;
    let b = app.youth_in("丙丁", VILLAGE, true).await;
    enroll(&app, &a, &training).await;
    enroll(&app, &b, &training).await;

    let all = json_of(
        app.get(
            &format!("/api/v1/admin/trainings/{training}/participants"),
            Some(&cadre.token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(all["total"], 2);
    assert_eq!(all["items"][0]["status"], "enrolled");
    assert_eq!(all["items"][0]["name"], "测***");
    assert_eq!(all["items"][0]["phone"], "138****0000");
    assert_eq!(all["items"][1]["status"], "waiting");
    assert_eq!(all["items"][1]["waitlistPosition"], 1);
    let text = all.to_string();
    assert!(!text.contains("13800000000") && !text.contains("测试甲乙"));

    let resp = app
        .get(
            &format!("/api/v1/admin/trainings/{training}/participants/export"),
            Some(&cadre.token),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let csv = resp.text().await.unwrap();
    let lines: Vec<&str> = csv.trim_end().split("\r\n").collect();
    assert_eq!(lines.len(), 3);
    assert!(lines[0].contains("姓名") && lines[0].contains("手机号"));
    assert!(lines[1].contains("测***") && lines[1].contains("已报名"));
    assert!(lines[2].contains("候补中"));
    assert!(!csv.contains("13800000000"));

    let outsider = app.admin_of("220202").await;
    assert_error(
        app.get(
            &format!("/api/v1/admin/trainings/{training}/participants/export"),
            Some(&outsider.token),
        )
        .await,
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
    )
    .await;
}
