//! 返家乡 practice reports (issue 12 point 6): the student writes a draft (up to 9 photos) and
//! submits it until the due date (China time); the local unit returns it with a reason or
//! accepts it; a cadre may move the due date later.
use chrono::{Duration, NaiveDate};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;
use crate::practice::applications::{World, kinds, world};
use crate::practice::checkins::{NOW, china_at, first_day, last_day, placed, scan};

pub fn body_text() -> String {
    "我们走访了南岭村农户，".repeat(30)
}

pub fn full_report(photos: &[String]) -> Value {
    json!({"topic": "field_survey", "title": "南岭村村史调查报告", "body": body_text(), "photos": photos})
}

pub async fn report_req(
    w: &World,
    who: &Login,
    method: reqwest::Method,
    path: &str,
    body: &Value,
    at: chrono::DateTime<chrono::Utc>,
) -> reqwest::Response {
    w.app
        .send(
            w.app
                .client
                .request(method, w.app.url(path))
                .bearer_auth(&who.token)
                .header(NOW, at.to_rfc3339())
                .json(body),
        )
        .await
}

/// A placed student who checked in on the first day (on duty).
pub async fn on_duty(w: &World, name: &str) -> (Login, String, String) {
    let (student, position, id) = placed(w, name).await;
    json_of(
        scan(
            w,
            &student,
            &position,
            "check-ins",
            &format!("nonce-{name}-in"),
            china_at(first_day(w), 8, 0),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    (student, position, id)
}

#[tokio::test]
async fn a_student_writes_and_submits_the_report_and_the_local_unit_returns_then_accepts_it() {
    let w = world().await;
    let app = &w.app;
    let (student, _, id) = placed(&w, "writer").await;
    let path = format!("/api/v1/me/practice/applications/{id}/report");
    let at = china_at(first_day(&w) + Duration::days(2), 20, 0);
    // Not on duty yet: nothing to write.
    assert_error(
        report_req(
            &w,
            &student,
            reqwest::Method::PUT,
            &path,
            &full_report(&[]),
            at,
        )
        .await,
        StatusCode::CONFLICT,
        "REPORT_NOT_OPEN",
    )
    .await;
    let (student, _, id) = on_duty(&w, "writer2").await;
    let path = format!("/api/v1/me/practice/applications/{id}/report");
    assert_error(
        app.get(&path, Some(&student.token)).await,
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
    )
    .await;
    // A partial draft is saved; submitting it names what is missing.
    let draft = json_of(
        report_req(
            &w,
            &student,
            reqwest::Method::PUT,
            &path,
            &json!({"title": "南岭村调查"}),
            at,
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(draft["status"], "draft");
    assert_eq!(
        draft["dueOn"],
        (last_day(&w) + Duration::days(14)).to_string()
    );
    assert_eq!(draft["timeline"][0]["action"], "create");
    let e = assert_error(
        report_req(
            &w,
            &student,
            reqwest::Method::POST,
            &format!("{path}/submissions"),
            &json!({}),
            at,
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    let fields: Vec<&str> = e["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["topic", "body"]);
    // Another user's upload key is refused; the student's own photo is taken.
    let stranger = app.login_as_youth("stranger").await;
    let foreign = app
        .upload_key(&stranger, "practice_report", &tiny_jpeg())
        .await;
    let e = assert_error(
        report_req(
            &w,
            &student,
            reqwest::Method::PUT,
            &path,
            &full_report(&[foreign]),
            at,
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    assert_eq!(e["error"]["fields"][0]["code"], "MEDIA_KEY_INVALID");
    let photo = app
        .upload_key(&student, "practice_report", &tiny_jpeg())
        .await;
    let saved = json_of(
        report_req(
            &w,
            &student,
            reqwest::Method::PUT,
            &path,
            &full_report(std::slice::from_ref(&photo)),
            at,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(saved["photos"][0]["key"], photo);
    assert_eq!(saved["topicLabel"], "乡土调查");
    let submitted = json_of(
        report_req(
            &w,
            &student,
            reqwest::Method::POST,
            &format!("{path}/submissions"),
            &json!({}),
            at,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(submitted["status"], "submitted");
    assert_eq!(submitted["nextStep"]["actor"], "county_league");
    // Submitted: locked for the student.
    assert_error(
        report_req(
            &w,
            &student,
            reqwest::Method::PUT,
            &path,
            &full_report(&[]),
            at,
        )
        .await,
        StatusCode::CONFLICT,
        "REPORT_LOCKED",
    )
    .await;
    // Cadres: above the local unit 403, another county 404, a return needs a reason.
    let review = format!("/api/v1/admin/practice/applications/{id}/report-reviews");
    let city = app.admin_of("220100").await;
    assert_error(
        app.post(&review, Some(&city.token), &json!({"decision": "accept"}))
            .await,
        StatusCode::FORBIDDEN,
        "LOCAL_UNIT_ONLY",
    )
    .await;
    let kuancheng = app.admin_of("220103").await;
    assert_error(
        app.post(
            &review,
            Some(&kuancheng.token),
            &json!({"decision": "accept"}),
        )
        .await,
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
    )
    .await;
    let e = assert_error(
        app.post(
            &review,
            Some(&w.cadre.token),
            &json!({"decision": "return"}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    assert_eq!(e["error"]["fields"][0]["code"], "REQUIRED");
    let returned = json_of(
        app.post(
            &review,
            Some(&w.cadre.token),
            &json!({"decision": "return", "reason": "请补充走访数据"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(returned["report"]["status"], "returned");
    assert_eq!(returned["report"]["reviewReason"], "请补充走访数据");
    assert!(
        kinds(app, &student)
            .await
            .contains(&"practice.report_returned".to_owned())
    );
    // Revised and submitted again, then accepted; a second accept is the same answer.
    json_of(
        report_req(
            &w,
            &student,
            reqwest::Method::PUT,
            &path,
            &full_report(&[photo]),
            at,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    json_of(
        report_req(
            &w,
            &student,
            reqwest::Method::POST,
            &format!("{path}/submissions"),
            &json!({}),
            at,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    for _ in 0..2 {
        let accepted = json_of(
            app.post(
                &review,
                Some(&w.cadre.token),
                &json!({"decision": "accept"}),
            )
            .await,
            StatusCode::OK,
        )
        .await;
        assert_eq!(accepted["report"]["status"], "accepted");
    }
    assert_error(
        app.post(
            &review,
            Some(&w.cadre.token),
            &json!({"decision": "return", "reason": "再改改"}),
        )
        .await,
        StatusCode::CONFLICT,
        "INVALID_STATE",
    )
    .await;
    let mine = json_of(app.get(&path, Some(&student.token)).await, StatusCode::OK).await;
    let actions: Vec<&str> = mine["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["create", "submit", "return", "submit", "accept"]);
    assert_eq!(mine["nextStep"], Value::Null);
}

#[tokio::test]
async fn a_report_is_refused_after_its_due_date_in_china_time_unless_a_cadre_extends_it() {
    let w = world().await;
    let app = &w.app;
    let due: NaiveDate = last_day(&w) + Duration::days(14);
    let (late, _, id) = on_duty(&w, "late").await;
    let path = format!("/api/v1/me/practice/applications/{id}/report");
    let early = china_at(first_day(&w), 20, 0);
    json_of(
        report_req(
            &w,
            &late,
            reqwest::Method::PUT,
            &path,
            &full_report(&[]),
            early,
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    // 00:00:01 China time the day after the due date is still the due date in UTC: refused.
    let after = china_at(due + Duration::days(1), 0, 0) + Duration::seconds(1);
    assert_eq!(after.date_naive(), due);
    assert_error(
        report_req(
            &w,
            &late,
            reqwest::Method::POST,
            &format!("{path}/submissions"),
            &json!({}),
            after,
        )
        .await,
        StatusCode::CONFLICT,
        "REPORT_OVERDUE",
    )
    .await;
    // The cadre moves the date later (not earlier or the same).
    let extend = format!("/api/v1/admin/practice/applications/{id}/report-deadline-extensions");
    let e = assert_error(
        app.post(&extend, Some(&w.cadre.token), &json!({"newDueOn": due}))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    assert_eq!(e["error"]["fields"][0]["code"], "RANGE");
    let moved = json_of(
        app.post(
            &extend,
            Some(&w.cadre.token),
            &json!({"newDueOn": due + Duration::days(3)}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        moved["report"]["dueOn"],
        (due + Duration::days(3)).to_string()
    );
    let ok = json_of(
        report_req(
            &w,
            &late,
            reqwest::Method::POST,
            &format!("{path}/submissions"),
            &json!({}),
            after,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(ok["status"], "submitted");
    // 23:59 China time on the due date is in time.
    let (timely, _, tid) = on_duty(&w, "timely").await;
    let tpath = format!("/api/v1/me/practice/applications/{tid}/report");
    json_of(
        report_req(
            &w,
            &timely,
            reqwest::Method::PUT,
            &tpath,
            &full_report(&[]),
            early,
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    json_of(
        report_req(
            &w,
            &timely,
            reqwest::Method::POST,
            &format!("{tpath}/submissions"),
            &json!({}),
            china_at(due, 23, 59),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    // A student who wrote nothing yet gets the extension too (an empty draft with the date).
    let (silent, _, sid) = on_duty(&w, "silent").await;
    let ext = json_of(
        app.post(
            &format!("/api/v1/admin/practice/applications/{sid}/report-deadline-extensions"),
            Some(&w.cadre.token),
            &json!({"newDueOn": due + Duration::days(7)}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(ext["report"]["status"], "draft");
    let mine = json_of(
        app.get(
            &format!("/api/v1/me/practice/applications/{sid}/report"),
            Some(&silent.token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(mine["dueOn"], (due + Duration::days(7)).to_string());
}
