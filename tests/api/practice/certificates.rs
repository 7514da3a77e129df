//! 返家乡 closing (issue 12 point 6, second part): completion after the last day, the host's or
//! a cadre's evaluation under the per-unit 优秀 cap, and certificates issued by the local unit
//! (or a unit above it) once the report is accepted, enough days are confirmed and the grade is
//! not 不合格; checkable by anyone by number, the name masked. Acceptance checks 5, 9 and 10.
use chrono::{DateTime, Duration, NaiveDate, Utc};
use entity::{
    practice_applications, practice_certificates, practice_evaluations, practice_grade_quota,
};
use reqwest::{Method, StatusCode};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::*;
use crate::practice::applications::{World, kinds, world, world_with};
use crate::practice::checkins::{
    china_at, confirm, first_day, last_day, placed_at, scan, volunteer_standing,
};
use crate::practice::positions::position_body;
use crate::practice::reports::{full_report, on_duty, report_req};
use crate::practice::{NANGUAN, campaign_body, profile_body};

/// 10:00 China time the day after the practice's last day.
fn after(w: &World) -> DateTime<Utc> {
    china_at(last_day(w) + Duration::days(1), 10, 0)
}

fn days(w: &World, from: i64, to: i64) -> Vec<NaiveDate> {
    (from..to)
        .map(|n| first_day(w) + Duration::days(n))
        .collect()
}

/// A staff action on an application at `at` (`me/host/…` for the supervisor, `admin/practice/…`
/// for a cadre).
async fn act(
    w: &World,
    who: &Login,
    id: &str,
    act: &str,
    body: &Value,
    at: DateTime<Utc>,
) -> reqwest::Response {
    let base = if who.token == w.supervisor.token {
        "/api/v1/me/host/applications"
    } else {
        "/api/v1/admin/practice/applications"
    };
    report_req(
        w,
        who,
        Method::POST,
        &format!("{base}/{id}/{act}"),
        body,
        at,
    )
    .await
}

async fn evaluate(w: &World, who: &Login, id: &str, grade: &str) -> reqwest::Response {
    act(
        w,
        who,
        id,
        "evaluations",
        &json!({"grade": grade}),
        after(w),
    )
    .await
}

async fn issue(app: &TestApp, who: &Login, id: &str) -> reqwest::Response {
    app.post(
        &format!("/api/v1/admin/practice/applications/{id}/certificates"),
        Some(&who.token),
        &json!({}),
    )
    .await
}

/// The student writes and submits the report; the local cadre accepts it.
async fn accepted_report(w: &World, student: &Login, id: &str) {
    let path = format!("/api/v1/me/practice/applications/{id}/report");
    let at = china_at(last_day(w), 20, 0);
    json_of(
        report_req(w, student, Method::PUT, &path, &full_report(&[]), at).await,
        StatusCode::CREATED,
    )
    .await;
    json_of(
        report_req(
            w,
            student,
            Method::POST,
            &format!("{path}/submissions"),
            &json!({}),
            at,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    json_of(
        act(
            w,
            &w.cadre,
            id,
            "report-reviews",
            &json!({"decision": "accept"}),
            at,
        )
        .await,
        StatusCode::OK,
    )
    .await;
}

async fn confirm_days(w: &World, id: &str, days: &[NaiveDate]) {
    json_of(
        confirm(w, id, days, "外出走访农户，现场核实在岗", after(w)).await,
        StatusCode::OK,
    )
    .await;
}

/// A placement the host graded 良好 with its report accepted and 7 days confirmed: ready for
/// its certificate.
async fn ready(w: &World, name: &str) -> (Login, String) {
    let (student, _, id) = on_duty(w, name).await;
    accepted_report(w, &student, &id).await;
    confirm_days(w, &id, &days(w, 0, 7)).await;
    json_of(
        evaluate(w, &w.supervisor, &id, "good").await,
        StatusCode::OK,
    )
    .await;
    (student, id)
}

/// What a refused closing action must leave as it was.
async fn footprint(app: &TestApp, id: &str) -> (String, i32, u64, Option<String>, Vec<i32>) {
    let id: Uuid = id.parse().unwrap();
    let a = practice_applications::Entity::find_by_id(id)
        .one(app.db())
        .await
        .unwrap()
        .unwrap();
    let certificates = practice_certificates::Entity::find()
        .filter(practice_certificates::Column::ApplicationId.eq(id))
        .count(app.db())
        .await
        .unwrap();
    let grade = practice_evaluations::Entity::find()
        .filter(practice_evaluations::Column::ApplicationId.eq(id))
        .one(app.db())
        .await
        .unwrap()
        .map(|e| format!("{:?}", e.grade));
    (
        format!("{:?}", a.status),
        a.version,
        certificates,
        grade,
        quota(app).await,
    )
}

/// The 优秀 quota rows: `[placed, excellent]` of the one local unit.
async fn quota(app: &TestApp) -> Vec<i32> {
    practice_grade_quota::Entity::find()
        .all(app.db())
        .await
        .unwrap()
        .into_iter()
        .flat_map(|q| [q.placed, q.excellent])
        .collect()
}

async fn staff_detail(w: &World, id: &str) -> Value {
    json_of(
        w.app
            .get(
                &format!("/api/v1/admin/practice/applications/{id}"),
                Some(&w.cadre.token),
            )
            .await,
        StatusCode::OK,
    )
    .await
}

fn is_certificate_number(n: &str, year: &str) -> bool {
    let tail = n.strip_prefix(&format!("JQFX-{year}-")).unwrap_or("");
    tail.len() == 8
        && tail
            .chars()
            .all(|c| c.is_ascii_uppercase() && !"IO".contains(c) || ('2'..='9').contains(&c))
}

/// Acceptance check 5 with every refusal of the closing, each writing nothing: completing or
/// evaluating before the end (`PRACTICE_NOT_ENDED`), then a certificate without an accepted
/// report (`REPORT_REQUIRED`), with 5 of 7 days (`NOT_ENOUGH_DAYS`), without an evaluation
/// (`EVALUATION_REQUIRED`), on 不合格 (`GRADE_FAIL`), by the cadre who evaluated
/// (`SAME_ACTOR_NOT_ALLOWED`); then a city cadre issues `JQFX-…`, checkable without a token as
/// 张**.
#[tokio::test]
async fn check_5_a_certificate_needs_an_accepted_report_enough_days_and_a_passing_grade() {
    let w = world().await;
    let app = &w.app;
    let (student, _, id) = on_duty(&w, "cert5").await;
    let mut profile = profile_body("220102001001");
    profile["realName"] = json!("张三丰");
    json_of(
        app.put("/api/v1/me/student-profile", Some(&student.token), &profile)
            .await,
        StatusCode::OK,
    )
    .await;
    // During the practice: nothing closes yet.
    let during = china_at(first_day(&w) + Duration::days(3), 10, 0);
    let before = footprint(app, &id).await;
    for (who, what, body) in [
        (&w.supervisor, "completions", json!({})),
        (&w.cadre, "completions", json!({})),
        (&w.supervisor, "evaluations", json!({"grade": "good"})),
        (&w.cadre, "evaluations", json!({"grade": "excellent"})),
    ] {
        assert_error(
            act(&w, who, &id, what, &body, during).await,
            StatusCode::CONFLICT,
            "PRACTICE_NOT_ENDED",
        )
        .await;
    }
    // The last practice day is not yet the end (China time, 23:59 included).
    assert_error(
        act(
            &w,
            &w.cadre,
            &id,
            "completions",
            &json!({}),
            china_at(last_day(&w), 23, 59),
        )
        .await,
        StatusCode::CONFLICT,
        "PRACTICE_NOT_ENDED",
    )
    .await;
    assert_error(
        issue(app, &w.cadre, &id).await,
        StatusCode::CONFLICT,
        "INVALID_STATE",
    )
    .await;
    assert_eq!(footprint(app, &id).await, before);
    // After the last day the local cadre completes it (a repeat is the same answer).
    let done = json_of(
        act(&w, &w.cadre, &id, "completions", &json!({}), after(&w)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(done["status"], "completed");
    let again = json_of(
        act(&w, &w.cadre, &id, "completions", &json!({}), after(&w)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(again["version"], done["version"]);
    let (cadre, at) = (&w.cadre, id.as_str());
    let refused = |code: &'static str, status: StatusCode| async move {
        let before = footprint(app, at).await;
        assert_error(issue(app, cadre, at).await, status, code).await;
        assert_eq!(footprint(app, at).await, before, "{code} wrote something");
    };
    refused("REPORT_REQUIRED", StatusCode::CONFLICT).await;
    accepted_report(&w, &student, &id).await;
    // The first day's check-in has no check-out (not counted); 5 days confirmed by hand.
    confirm_days(&w, &id, &days(&w, 0, 5)).await;
    refused("NOT_ENOUGH_DAYS", StatusCode::CONFLICT).await;
    confirm_days(&w, &id, &days(&w, 5, 7)).await;
    refused("EVALUATION_REQUIRED", StatusCode::CONFLICT).await;
    json_of(
        evaluate(&w, &w.supervisor, &id, "fail").await,
        StatusCode::OK,
    )
    .await;
    refused("GRADE_FAIL", StatusCode::CONFLICT).await;
    // The cadre who evaluated is not the one who certifies (four-eyes).
    let graded = json_of(evaluate(&w, &w.cadre, &id, "good").await, StatusCode::OK).await;
    assert_eq!(graded["evaluation"]["grade"], "good");
    assert_eq!(graded["evaluation"]["gradeLabel"], "良好");
    assert_eq!(graded["evaluation"]["evaluatedByKind"], "cadre");
    refused("SAME_ACTOR_NOT_ALLOWED", StatusCode::FORBIDDEN).await;
    // Another county's cadre does not see it.
    let kuancheng = app.admin_of("220103").await;
    assert_error(
        issue(app, &kuancheng, &id).await,
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
    )
    .await;
    // A cadre of the unit above (长春) issues it.
    let city = app.admin_of("220100").await;
    let issued = json_of(issue(app, &city, &id).await, StatusCode::CREATED).await;
    let number = issued["number"].as_str().unwrap().to_owned();
    assert!(is_certificate_number(&number, "2027"), "{number}");
    assert_eq!(issued["applicationId"], id.as_str());
    assert_eq!(issued["daysConfirmed"], 7);
    // Issued again, by the same cadre or another: the same certificate, not a new one.
    for who in [&city, &w.cadre] {
        let same = json_of(issue(app, who, &id).await, StatusCode::OK).await;
        assert_eq!(same["number"], number.as_str());
    }
    assert_eq!(footprint(app, &id).await.2, 1);
    // Anyone checks it by number, without a token: the name masked.
    let public = json_of(
        app.get(&format!("/api/v1/practice-certificates/{number}"), None)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(public["holderName"], "张**");
    assert_eq!(public["schoolName"], "吉林大学");
    assert_eq!(public["hostName"], "南关区南岭街道办事处");
    assert_eq!(public["startsOn"], w.campaign["practiceStartsOn"]);
    assert_eq!(public["endsOn"], w.campaign["practiceEndsOn"]);
    assert_eq!(public["daysConfirmed"], 7);
    assert_eq!(public["grade"], "good");
    assert_eq!(public["gradeLabel"], "良好");
    assert!(!public.to_string().contains("张三丰"));
    assert!(public.get("applicationId").is_none());
    let lower = json_of(
        app.get(
            &format!("/api/v1/practice-certificates/{}", number.to_lowercase()),
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(lower["number"], number.as_str());
    assert_error(
        app.get("/api/v1/practice-certificates/JQFX-2027-AAAAAAAA", None)
            .await,
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
    )
    .await;
    // The student's own list, the notification, the status.
    let mine = json_of(
        app.get("/api/v1/me/practice/certificates", Some(&student.token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(mine["items"].as_array().unwrap().len(), 1);
    assert_eq!(mine["items"][0]["number"], number.as_str());
    assert_eq!(mine["items"][0]["applicationId"], id.as_str());
    let other = app.login_as_youth("not_the_holder").await;
    let theirs = json_of(
        app.get("/api/v1/me/practice/certificates", Some(&other.token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(theirs["items"], json!([]));
    assert!(
        kinds(app, &student)
            .await
            .contains(&"practice.certified".to_owned())
    );
    let detail = w.mine(&student, &id).await;
    assert_eq!(detail["status"], "certified");
    assert!(detail["nextStep"].is_null());
    // Once certified the grade is final.
    let before = footprint(app, &id).await;
    assert_error(
        evaluate(&w, &w.supervisor, &id, "excellent").await,
        StatusCode::CONFLICT,
        "INVALID_STATE",
    )
    .await;
    assert_eq!(footprint(app, &id).await, before);
    let staff = staff_detail(&w, &id).await;
    assert_eq!(staff["certificate"]["number"], number.as_str());
    let actions: Vec<&str> = staff["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .filter(|a| ["complete", "evaluate", "issue_certificate"].contains(a))
        .collect();
    assert_eq!(
        actions,
        ["complete", "evaluate", "evaluate", "issue_certificate"]
    );
}

/// The batch answers per application: issued, already issued (the same certificate) or refused
/// with the single issue's code; a youth gets 403 before the body is read.
#[tokio::test]
async fn a_batch_issue_answers_each_application_and_reissues_nothing() {
    let w = world().await;
    let app = &w.app;
    let (_, first) = ready(&w, "batch_a").await;
    let (_, second) = ready(&w, "batch_b").await;
    let (_, _, unready) = on_duty(&w, "batch_c").await;
    let earlier = json_of(issue(app, &w.cadre, &first).await, StatusCode::CREATED).await;
    let stranger = Uuid::now_v7().to_string();
    let token = w.cadre.token.as_str();
    let batch = |ids: Vec<&str>| {
        let body = json!({ "applicationIds": ids });
        async move {
            app.post("/api/v1/admin/practice/certificates", Some(token), &body)
                .await
        }
    };
    let answer = json_of(
        batch(vec![&first, &second, &unready, &stranger, &second]).await,
        StatusCode::OK,
    )
    .await;
    let outcomes: Vec<(&str, &str)> = answer["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["outcome"].as_str().unwrap(),
                i["error"]["code"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        outcomes,
        [
            ("already_issued", ""),
            ("issued", ""),
            ("refused", "INVALID_STATE"),
            ("refused", "NOT_FOUND"),
        ]
    );
    assert_eq!(
        answer["items"][0]["certificate"]["number"],
        earlier["number"]
    );
    assert_eq!(
        (
            answer["issued"].as_u64(),
            answer["alreadyIssued"].as_u64(),
            answer["refused"].as_u64()
        ),
        (Some(1), Some(1), Some(2))
    );
    // Again: nothing new.
    let again = json_of(batch(vec![&first, &second]).await, StatusCode::OK).await;
    assert_eq!(again["alreadyIssued"], 2);
    assert_eq!(
        again["items"][1]["certificate"]["number"],
        answer["items"][1]["certificate"]["number"]
    );
    assert_eq!(
        practice_certificates::Entity::find()
            .count(app.db())
            .await
            .unwrap(),
        2
    );
    // Another county's cadre learns nothing of them, issued or not.
    let kuancheng = app.admin_of("220103").await;
    let theirs = json_of(
        app.post(
            "/api/v1/admin/practice/certificates",
            Some(&kuancheng.token),
            &json!({ "applicationIds": [second, unready] }),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    for item in theirs["items"].as_array().unwrap() {
        assert_eq!(item["outcome"], "refused");
        assert_eq!(item["error"]["code"], "NOT_FOUND");
        assert!(item["certificate"].is_null());
    }
    // Bad bodies and wrong callers.
    let e = assert_error(
        batch(vec![]).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    assert_eq!(e["error"]["fields"][0]["field"], "applicationIds");
    let youth = app.login_as_youth("batch_youth").await;
    assert_error(
        app.post(
            "/api/v1/admin/practice/certificates",
            Some(&youth.token),
            &json!({"applicationIds": "nonsense"}),
        )
        .await,
        StatusCode::FORBIDDEN,
        "ROLE_REQUIRED",
    )
    .await;
}

/// Acceptance check 9: with 10 placements on duty in one local unit and the default cap (300‰),
/// three 优秀 are given and the 4th is 409 `EXCELLENT_QUOTA_REACHED`, writing nothing;
/// regrading one to 良好 frees a place.
#[tokio::test]
async fn check_9_the_fourth_excellent_of_ten_placements_is_refused_and_a_regrade_frees_a_place() {
    let w = world().await;
    let app = &w.app;
    let mut ids = Vec::new();
    for i in 0..10 {
        ids.push(on_duty(&w, &format!("q{i}")).await.2);
    }
    assert_eq!(quota(app).await, [10, 0]);
    for id in &ids[..3] {
        let r = json_of(
            evaluate(&w, &w.supervisor, id, "excellent").await,
            StatusCode::OK,
        )
        .await;
        assert_eq!(r["status"], "completed");
    }
    assert_eq!(quota(app).await, [10, 3]);
    let before = footprint(app, &ids[3]).await;
    assert_error(
        evaluate(&w, &w.supervisor, &ids[3], "excellent").await,
        StatusCode::CONFLICT,
        "EXCELLENT_QUOTA_REACHED",
    )
    .await;
    assert_eq!(footprint(app, &ids[3]).await, before);
    assert_eq!(before.0, "OnDuty");
    // Another grade is no trouble; 优秀 again by the same evaluator is a repeat.
    json_of(
        evaluate(&w, &w.supervisor, &ids[4], "pass").await,
        StatusCode::OK,
    )
    .await;
    let repeat_before = footprint(app, &ids[0]).await;
    json_of(
        evaluate(&w, &w.supervisor, &ids[0], "excellent").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(footprint(app, &ids[0]).await, repeat_before);
    // Regrading one to 良好 frees a place, which the 4th takes; then the cap holds again.
    json_of(
        evaluate(&w, &w.supervisor, &ids[0], "good").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(quota(app).await, [10, 2]);
    json_of(
        evaluate(&w, &w.cadre, &ids[3], "excellent").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(quota(app).await, [10, 3]);
    assert_error(
        evaluate(&w, &w.cadre, &ids[5], "excellent").await,
        StatusCode::CONFLICT,
        "EXCELLENT_QUOTA_REACHED",
    )
    .await;
    // Grades the spec does not know are refused with the field named.
    let e = assert_error(
        evaluate(&w, &w.supervisor, &ids[6], "outstanding").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    assert_eq!(e["error"]["fields"][0]["field"], "grade");
    assert_eq!(quota(app).await, [10, 3]);
}

/// Acceptance check 10: a certified placement with 40 hours of attendance (5 days of 8 hours,
/// a campaign asking 5 days) leaves the student's volunteer hours, the ledger and the
/// leaderboards as they were.
#[tokio::test]
async fn check_10_a_certified_placement_with_40_hours_leaves_volunteer_hours_and_boards_unchanged()
{
    let mut campaign = campaign_body();
    campaign["minDays"] = json!(5);
    let w = world_with(spawn_app().await, campaign).await;
    let app = &w.app;
    let mut body = position_body(&w.campaign, &w.host, "220102001001");
    body["dailyHours"] = json!(8);
    let position = crate::practice::positions::published(app, &w.cadre, &body).await;
    let (student, position, id) = placed_at(&w, "forty_hours", position).await;
    let before = volunteer_standing(app, &student).await;
    assert_eq!(before.0["totalMinutes"], 0);
    json_of(
        scan(
            &w,
            &student,
            &position,
            "check-ins",
            "nonce-forty-in",
            china_at(first_day(&w), 8, 0),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    confirm_days(&w, &id, &days(&w, 0, 5)).await;
    accepted_report(&w, &student, &id).await;
    json_of(
        evaluate(&w, &w.supervisor, &id, "excellent").await,
        StatusCode::OK,
    )
    .await;
    let c = json_of(issue(app, &w.cadre, &id).await, StatusCode::CREATED).await;
    assert_eq!(c["grade"], "excellent");
    let sheet = w.mine(&student, &id).await["attendance"].clone();
    assert_eq!(sheet["minutes"], 40 * 60);
    assert_eq!(sheet["daysConfirmed"], 5);
    assert_eq!(volunteer_standing(app, &student).await, before);
}

/// Two cadres issuing one certificate at once, then a batch racing a single issue: exactly one
/// certificate, one event, one notification; both callers get its number (two instances on
/// PostgreSQL).
#[tokio::test]
async fn two_cadres_issuing_one_certificate_at_once_get_one_certificate() {
    let w = world().await;
    let app = &w.app;
    let second = app.second_instance_on_postgres().await;
    let other = second.as_ref().unwrap_or(app);
    let colleague = app.admin_of(NANGUAN).await;
    for round in 0..4 {
        let (student, id) = ready(&w, &format!("race{round}")).await;
        let batch_body = json!({ "applicationIds": [id] });
        let single = format!("/api/v1/admin/practice/applications/{id}/certificates");
        let empty = json!({});
        let (x, y) = if round % 2 == 0 {
            tokio::join!(
                app.post(&single, Some(&w.cadre.token), &empty),
                other.post(&single, Some(&colleague.token), &empty),
            )
        } else {
            tokio::join!(
                app.post(
                    "/api/v1/admin/practice/certificates",
                    Some(&w.cadre.token),
                    &batch_body
                ),
                other.post(&single, Some(&colleague.token), &empty),
            )
        };
        let (sx, sy) = (x.status(), y.status());
        let (bx, by) = (
            x.json::<Value>().await.unwrap(),
            y.json::<Value>().await.unwrap(),
        );
        let (nx, fresh_x) = if round % 2 == 0 {
            (bx["number"].clone(), sx == StatusCode::CREATED)
        } else {
            assert_eq!(sx, StatusCode::OK, "{bx}");
            let item = &bx["items"][0];
            (
                item["certificate"]["number"].clone(),
                item["outcome"] == "issued",
            )
        };
        let fresh_y = sy == StatusCode::CREATED;
        assert!(
            fresh_x != fresh_y && (sy == StatusCode::OK || fresh_y),
            "round {round}: {bx} {by}"
        );
        assert!(nx.is_string(), "round {round}: {bx}");
        assert_eq!(nx, by["number"], "round {round}");
        let rows = practice_certificates::Entity::find()
            .filter(practice_certificates::Column::ApplicationId.eq(id.parse::<Uuid>().unwrap()))
            .count(app.db())
            .await
            .unwrap();
        assert_eq!(rows, 1);
        let issued = staff_detail(&w, &id).await["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["action"] == "issue_certificate")
            .count();
        assert_eq!(issued, 1);
        let notes = kinds(app, &student)
            .await
            .into_iter()
            .filter(|k| k == "practice.certified")
            .count();
        assert_eq!(notes, 1);
    }
}

/// The cadre's count and overdue count of one to-do queue, as of `at`.
async fn queue_at(w: &World, name: &str, at: DateTime<Utc>) -> (u64, u64) {
    let list = json_of(
        report_req(
            w,
            &w.cadre,
            Method::GET,
            "/api/v1/admin/todos",
            &json!({}),
            at,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let item = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["queue"] == name)
        .unwrap_or_else(|| panic!("{name} is one of the local cadre's queues: {list}"))
        .clone();
    (
        item["count"].as_u64().unwrap(),
        item["overdue"].as_u64().unwrap(),
    )
}

#[tokio::test]
async fn the_evaluate_and_issue_queues_follow_a_placement_to_its_certificate() {
    let w = world().await;
    let (student, _, id) = on_duty(&w, "todo_a").await;
    accepted_report(&w, &student, &id).await;
    confirm_days(&w, &id, &days(&w, 0, 7)).await;
    let evaluate_q = "practice_placements_to_evaluate";
    let issue_q = "practice_certificates_to_issue";
    assert_eq!(
        queue_at(&w, evaluate_q, china_at(last_day(&w), 10, 0)).await,
        (0, 0),
        "not before the last day is over"
    );
    assert_eq!(queue_at(&w, evaluate_q, after(&w)).await, (1, 0));
    assert_eq!(
        queue_at(&w, evaluate_q, after(&w) + Duration::days(8)).await,
        (1, 1),
        "overdue from ends_on + 7 days"
    );
    assert_eq!(queue_at(&w, issue_q, after(&w)).await, (0, 0));

    json_of(
        evaluate(&w, &w.supervisor, &id, "good").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(queue_at(&w, evaluate_q, after(&w)).await, (0, 0));
    assert_eq!(queue_at(&w, issue_q, after(&w)).await.0, 1);

    json_of(issue(&w.app, &w.cadre, &id).await, StatusCode::CREATED).await;
    assert_eq!(queue_at(&w, issue_q, after(&w)).await, (0, 0));
}

#[tokio::test]
async fn placements_taken_up_this_year_feed_the_practice_trend_line_of_the_kpi_report() {
    let app = spawn_app_with(|s| s.kpi_cache_ttl = std::time::Duration::ZERO).await;
    let w = world_with(app, crate::practice::campaign_body()).await;
    let practice_line = |r: &Value| crate::kpi::line(r, "practice").clone();
    let none = practice_line(&crate::kpi::report(&w.app, &w.cadre, "").await);
    assert_eq!(none["numerator"], 0);
    assert_eq!(
        none["status"], "no_target",
        "a trend line: numbers, never a target"
    );

    // Two students take up posts; a third only applies.
    let position = w.position(3).await;
    placed_at(&w, "kpi_a", position.clone()).await;
    placed_at(&w, "kpi_b", position.clone()).await;
    let applicant =
        crate::practice::applications::applicant(&w.app, "kpi_c", crate::practice::NANGUAN_VILLAGE)
            .await;
    crate::practice::applications::applied(&w.app, &applicant, &position).await;

    let county = practice_line(&crate::kpi::report(&w.app, &w.cadre, "").await);
    assert_eq!(county["numerator"], 2);
    let by_category: i64 = county["breakdown"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["numerator"].as_i64().unwrap())
        .sum();
    assert_eq!(by_category, 2, "{county}");
    // The province sees them under 长春市, and none under 吉林市.
    let province = w.app.admin_of("220000").await;
    let all = practice_line(&crate::kpi::report(&w.app, &province, "").await);
    assert_eq!(all["numerator"], 2);
    assert_eq!(crate::kpi::child(&all, "220100")["numerator"], 2);
    assert_eq!(crate::kpi::child(&all, "220200")["numerator"], 0);
}

/// Acceptance check 12, its last clause: with `JIQING_RETENTION_YEARS=0` one retention run
/// clears the certified placement's motivation and report body, yet the public check answers as
/// before (the name masked, nothing else lost) and the stats do not move.
#[tokio::test]
async fn check_12_a_certificate_stays_checkable_with_the_masked_name_after_retention() {
    let app = spawn_app_with(|s| s.retention_years = 0).await;
    let w = world_with(app, campaign_body()).await;
    let app = &w.app;
    let (_student, id) = ready(&w, "kept_certificate").await;
    let issued = json_of(issue(app, &w.cadre, &id).await, StatusCode::CREATED).await;
    let number = issued["number"].as_str().unwrap().to_owned();
    let check = || async {
        json_of(
            app.get(&format!("/api/v1/practice-certificates/{number}"), None)
                .await,
            StatusCode::OK,
        )
        .await
    };
    let before = check().await;
    assert_eq!(before["holderName"], "张*", "张三, masked");
    let row = |id: &str| {
        let id = Uuid::parse_str(id).unwrap();
        async move {
            practice_applications::Entity::find_by_id(id)
                .one(app.db())
                .await
                .unwrap()
                .unwrap()
        }
    };
    assert!(row(&id).await.motivation.is_some());
    let before_stats = crate::practice::supervision::stats(app, &w.cadre, "").await;
    jiqing::retention::run(app.state.clone(), jiqing::time::today_in_china(Utc::now()))
        .await
        .unwrap();
    let after = row(&id).await;
    assert!(
        after.anonymised_at.is_some(),
        "a certified placement is finished"
    );
    assert_eq!(after.motivation, None);
    let report = entity::practice_reports::Entity::find()
        .filter(entity::practice_reports::Column::ApplicationId.eq(after.id))
        .one(app.db())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(report.body, None);
    assert_eq!(check().await, before, "the certificate answers as before");
    assert!(!check().await.to_string().contains("张三"));
    assert_eq!(
        crate::practice::supervision::stats(app, &w.cadre, "").await,
        before_stats
    );
}
