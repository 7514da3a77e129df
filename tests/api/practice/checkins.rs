//! 返家乡 attendance (point 5 of issue 12): the student checks in and out with the host's
//! rotating code and a nonce, on practice days from 06:00 to 22:00 China time, once per China
//! day; minutes are capped at the daily hours; the host (or a local-unit cadre) confirms missing
//! days with a reason; nothing of it reaches the volunteer-hours ledger or the leaderboards.
//!
//! The China-time edges use the test builds' clock hook: an `x-test-now` header
//! (`jiqing::test_hooks::now`) on the code and check-in requests.
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use entity::{practice_attendance, practice_grade_quota, volunteer_hour_entries};
use reqwest::StatusCode;
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{Value, json};

use crate::helpers::*;
use crate::practice::applications::{World, applicant, applied, world};
use crate::practice::positions::date_of;
use crate::practice::{NANGUAN, NANGUAN_VILLAGE, accept, create_host, invite};

/// A China wall-clock time on `day`.
pub fn china_at(day: NaiveDate, h: u32, m: u32) -> DateTime<Utc> {
    jiqing::time::china()
        .from_local_datetime(&day.and_hms_opt(h, m, 0).unwrap())
        .unwrap()
        .to_utc()
}

pub const NOW: &str = jiqing::test_hooks::NOW_HEADER;

/// A student placed (confirmed) at a fresh position of the world's host.
pub async fn placed(w: &World, name: &str) -> (Login, String, String) {
    let position = w.position(3).await;
    placed_at(w, name, position).await
}

/// A student placed (confirmed) at `position`.
pub async fn placed_at(w: &World, name: &str, position: String) -> (Login, String, String) {
    let student = applicant(&w.app, name, NANGUAN_VILLAGE).await;
    let id = applied(&w.app, &student, &position).await;
    w.offered(&id).await;
    json_of(
        w.student_act(&student, &id, "confirmations", &json!({}))
            .await,
        StatusCode::OK,
    )
    .await;
    (student, position, id)
}

pub fn first_day(w: &World) -> NaiveDate {
    date_of(&w.campaign["practiceStartsOn"])
}

pub fn last_day(w: &World) -> NaiveDate {
    date_of(&w.campaign["practiceEndsOn"])
}

async fn code_as(
    app: &TestApp,
    path: &str,
    token: &str,
    kind: &str,
    at: DateTime<Utc>,
) -> reqwest::Response {
    app.send(
        app.client
            .get(app.url(&format!("{path}/check-in-code?kind={kind}")))
            .bearer_auth(token)
            .header(NOW, at.to_rfc3339()),
    )
    .await
}

/// The host supervisor's current code of `position` at `at`.
async fn code(w: &World, position: &str, kind: &str, at: DateTime<Utc>) -> String {
    let resp = code_as(
        &w.app,
        &format!("/api/v1/me/host/positions/{position}"),
        &w.supervisor.token,
        kind,
        at,
    )
    .await;
    json_of(resp, StatusCode::OK).await["code"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// A check-in (`check-ins`) or check-out (`check-outs`) posted at `at`.
async fn scan_on(
    app: &TestApp,
    who: &Login,
    position: &str,
    what: &str,
    code: &str,
    nonce: &str,
    at: DateTime<Utc>,
) -> reqwest::Response {
    app.send(
        app.client
            .post(app.url(&format!("/api/v1/practice/positions/{position}/{what}")))
            .bearer_auth(&who.token)
            .header(NOW, at.to_rfc3339())
            .json(&json!({"code": code, "nonce": nonce})),
    )
    .await
}

/// Check in (or out) with the host's current code at `at`.
pub async fn scan(
    w: &World,
    who: &Login,
    position: &str,
    what: &str,
    nonce: &str,
    at: DateTime<Utc>,
) -> reqwest::Response {
    let kind = if what == "check-ins" { "in" } else { "out" };
    let c = code(w, position, kind, at).await;
    scan_on(&w.app, who, position, what, &c, nonce, at).await
}

async fn rows(app: &TestApp) -> u64 {
    practice_attendance::Entity::find()
        .count(app.db())
        .await
        .unwrap()
}

pub async fn confirm(
    w: &World,
    id: &str,
    days: &[NaiveDate],
    reason: &str,
    at: DateTime<Utc>,
) -> reqwest::Response {
    w.app
        .send(
            w.app
                .client
                .post(w.app.url(&format!(
                    "/api/v1/me/host/applications/{id}/attendance-confirmations"
                )))
                .bearer_auth(&w.supervisor.token)
                .header(NOW, at.to_rfc3339())
                .json(&json!({"days": days, "reason": reason})),
        )
        .await
}

#[tokio::test]
async fn a_placed_student_checks_in_and_out_once_a_china_day_with_the_minutes_capped() {
    let w = world().await;
    let (student, position, id) = placed(&w, "daily").await;
    let day1 = first_day(&w);
    let morning = china_at(day1, 8, 0);
    let first = json_of(
        scan(
            &w,
            &student,
            &position,
            "check-ins",
            "nonce-day1-in",
            morning,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(first["day"], day1.to_string());
    assert_eq!(first["source"], "code");
    assert_eq!(first["minutes"], Value::Null);
    // The first check-in is the report for duty, counted once for the 优秀 cap.
    let mine = w.mine(&student, &id).await;
    assert_eq!(mine["status"], "on_duty");
    let last = mine["timeline"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["action"], "report_for_duty");
    let quota = practice_grade_quota::Entity::find()
        .all(w.app.db())
        .await
        .unwrap();
    assert_eq!((quota[0].unit_code.as_str(), quota[0].placed), (NANGUAN, 1));
    // The same nonce again (a retry, even a minute later with an old code): the same check-in.
    let again = json_of(
        scan(
            &w,
            &student,
            &position,
            "check-ins",
            "nonce-day1-in",
            morning + Duration::minutes(1),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(again["checkInAt"], first["checkInAt"]);
    // A new nonce the same China day: refused, nothing written.
    assert_error(
        scan(
            &w,
            &student,
            &position,
            "check-ins",
            "nonce-day1-2nd",
            china_at(day1, 13, 0),
        )
        .await,
        StatusCode::CONFLICT,
        "ALREADY_CHECKED_IN",
    )
    .await;
    assert_eq!(rows(&w.app).await, 1);
    // Checking out at 21:30 after 13½ hours: capped at the position's 6 daily hours.
    let out = json_of(
        scan(
            &w,
            &student,
            &position,
            "check-outs",
            "nonce-day1-out",
            china_at(day1, 21, 30),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(out["minutes"], 360);
    assert_eq!(out["counted"], true);
    assert_eq!(
        json_of(
            scan(
                &w,
                &student,
                &position,
                "check-outs",
                "nonce-day1-out",
                china_at(day1, 21, 31)
            )
            .await,
            StatusCode::OK,
        )
        .await["checkOutAt"],
        out["checkOutAt"]
    );
    assert_error(
        scan(
            &w,
            &student,
            &position,
            "check-outs",
            "nonce-day1-out2",
            china_at(day1, 21, 40),
        )
        .await,
        StatusCode::CONFLICT,
        "ALREADY_CHECKED_OUT",
    )
    .await;
    // Day 2: the nonce of day 1 is spent; checking out first is refused; 45 minutes do not
    // make a counted day.
    let day2 = day1 + Duration::days(1);
    assert_error(
        scan(
            &w,
            &student,
            &position,
            "check-ins",
            "nonce-day1-in",
            china_at(day2, 9, 0),
        )
        .await,
        StatusCode::CONFLICT,
        "NONCE_USED",
    )
    .await;
    assert_error(
        scan(
            &w,
            &student,
            &position,
            "check-outs",
            "nonce-day2-out",
            china_at(day2, 9, 0),
        )
        .await,
        StatusCode::CONFLICT,
        "NOT_CHECKED_IN",
    )
    .await;
    json_of(
        scan(
            &w,
            &student,
            &position,
            "check-ins",
            "nonce-day2-in",
            china_at(day2, 9, 0),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let short = json_of(
        scan(
            &w,
            &student,
            &position,
            "check-outs",
            "nonce-day2-out",
            china_at(day2, 9, 45),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        (short["minutes"].as_i64(), short["counted"].as_bool()),
        (Some(45), Some(false))
    );
    // The student's detail adds it up.
    let sheet = w.mine(&student, &id).await["attendance"].clone();
    assert_eq!(sheet["daysConfirmed"], 1);
    assert_eq!(sheet["minutes"], 405);
    assert_eq!(sheet["days"].as_array().unwrap().len(), 2);
    let host_view = json_of(
        w.app
            .get(
                &format!("/api/v1/me/host/applications/{id}"),
                Some(&w.supervisor.token),
            )
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(host_view["attendance"]["daysConfirmed"], 1);
}

#[tokio::test]
async fn check_ins_outside_the_practice_days_or_06_to_22_china_time_are_refused() {
    let w = world().await;
    let (student, position, id) = placed(&w, "edges").await;
    let day1 = first_day(&w);
    let refused = [
        // 22:01 China time is still 14:01 UTC the same day.
        (china_at(day1, 22, 1), "OUTSIDE_TIME_WINDOW"),
        (china_at(day1, 22, 0), "OUTSIDE_TIME_WINDOW"),
        (china_at(day1, 5, 59), "OUTSIDE_TIME_WINDOW"),
        (
            china_at(day1 - Duration::days(1), 9, 0),
            "OUTSIDE_PRACTICE_DATES",
        ),
        (
            china_at(last_day(&w) + Duration::days(1), 9, 0),
            "OUTSIDE_PRACTICE_DATES",
        ),
    ];
    for (i, (at, code)) in refused.iter().enumerate() {
        assert_error(
            scan(
                &w,
                &student,
                &position,
                "check-ins",
                &format!("nonce-edge-{i}"),
                *at,
            )
            .await,
            StatusCode::CONFLICT,
            code,
        )
        .await;
    }
    // Nothing was written: no day, still only confirmed.
    assert_eq!(rows(&w.app).await, 0);
    assert_eq!(w.mine(&student, &id).await["status"], "confirmed");
    // 06:00 China time on the first day is 22:00 UTC the day before: the China date decides.
    let opening = china_at(day1, 6, 0);
    assert_eq!(opening.date_naive(), day1 - Duration::days(1));
    let ok = json_of(
        scan(
            &w,
            &student,
            &position,
            "check-ins",
            "nonce-edge-ok",
            opening,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(ok["day"], day1.to_string());
    // Checking out follows the same window.
    assert_error(
        scan(
            &w,
            &student,
            &position,
            "check-outs",
            "nonce-edge-out",
            china_at(day1, 22, 1),
        )
        .await,
        StatusCode::CONFLICT,
        "OUTSIDE_TIME_WINDOW",
    )
    .await;
    let detail = w.mine(&student, &id).await;
    assert_eq!(detail["attendance"]["days"][0]["checkOutAt"], Value::Null);
}

#[tokio::test]
async fn a_wrong_or_expired_code_is_refused() {
    let w = world().await;
    let (student, position, _) = placed(&w, "codes").await;
    let other = w.position(1).await;
    let at = china_at(first_day(&w), 9, 0);
    let other_code = code(&w, &other, "in", at).await;
    let out_code = code(&w, &position, "out", at).await;
    for (c, nonce) in [
        (other_code.as_str(), "nonce-code-1"),
        (out_code.as_str(), "nonce-code-2"),
        ("12345.deadbeefdeadbeef", "nonce-code-3"),
        ("garbage", "nonce-code-4"),
    ] {
        let e = assert_error(
            scan_on(&w.app, &student, &position, "check-ins", c, nonce, at).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "VALIDATION_FAILED",
        )
        .await;
        assert_eq!(e["error"]["fields"][0]["code"], "CODE_INVALID");
    }
    // A code shown three minutes ago has rotated away.
    let old = code(&w, &position, "in", at - Duration::minutes(3)).await;
    assert_error(
        scan_on(
            &w.app,
            &student,
            &position,
            "check-ins",
            &old,
            "nonce-code-5",
            at,
        )
        .await,
        StatusCode::GONE,
        "CODE_EXPIRED",
    )
    .await;
    assert_eq!(rows(&w.app).await, 0);
    // The local-unit cadre's code works as the host's does.
    let cadre_code = json_of(
        code_as(
            &w.app,
            &format!("/api/v1/admin/practice/positions/{position}"),
            &w.cadre.token,
            "in",
            at,
        )
        .await,
        StatusCode::OK,
    )
    .await["code"]
        .as_str()
        .unwrap()
        .to_owned();
    json_of(
        scan_on(
            &w.app,
            &student,
            &position,
            "check-ins",
            &cadre_code,
            "nonce-code-6",
            at,
        )
        .await,
        StatusCode::OK,
    )
    .await;
}

#[tokio::test]
async fn only_a_student_with_a_confirmed_placement_at_the_position_may_check_in() {
    let w = world().await;
    let app = &w.app;
    let position = w.position(3).await;
    let at = china_at(first_day(&w), 9, 0);
    // Submitted, offered, never applied, another position's placement: all refused.
    let submitted = applicant(app, "submitted", NANGUAN_VILLAGE).await;
    applied(app, &submitted, &position).await;
    let offered = applicant(app, "offered", NANGUAN_VILLAGE).await;
    let oid = applied(app, &offered, &position).await;
    w.offered(&oid).await;
    let stranger = applicant(app, "stranger", NANGUAN_VILLAGE).await;
    let (elsewhere, _, _) = placed(&w, "elsewhere").await;
    for (i, who) in [&submitted, &offered, &stranger, &elsewhere]
        .into_iter()
        .enumerate()
    {
        assert_error(
            scan(
                &w,
                who,
                &position,
                "check-ins",
                &format!("nonce-np-{i}"),
                at,
            )
            .await,
            StatusCode::CONFLICT,
            "NOT_PLACED",
        )
        .await;
    }
    assert_eq!(rows(app).await, 0);
}

#[tokio::test]
async fn the_host_confirms_missing_days_with_a_reason_and_they_count() {
    let w = world().await;
    let (student, position, id) = placed(&w, "missing").await;
    let day1 = first_day(&w);
    let day = |n: i64| day1 + Duration::days(n);
    let now = china_at(day(4), 20, 0);
    // Not on duty yet: nothing to confirm.
    assert_error(
        confirm(&w, &id, &[day(0)], "扫码设备故障，现场核实在岗", now).await,
        StatusCode::CONFLICT,
        "INVALID_STATE",
    )
    .await;
    // Day 0: 45 minutes by code.
    json_of(
        scan(
            &w,
            &student,
            &position,
            "check-ins",
            "nonce-m-in",
            china_at(day(0), 9, 0),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    json_of(
        scan(
            &w,
            &student,
            &position,
            "check-outs",
            "nonce-m-out",
            china_at(day(0), 9, 45),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    // Bad days: after today, outside the practice, a too-short reason; nothing written.
    let e = assert_error(
        confirm(
            &w,
            &id,
            &[day(1), day(5)],
            "扫码设备故障，现场核实在岗",
            now,
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    assert_eq!(e["error"]["fields"][0]["field"], "days[1]");
    assert_eq!(e["error"]["fields"][0]["code"], "FUTURE");
    let e = assert_error(
        confirm(&w, &id, &[day(-1)], "扫码设备故障，现场核实在岗", now).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    assert_eq!(e["error"]["fields"][0]["code"], "RANGE");
    assert_error(
        confirm(&w, &id, &[day(1)], "好", now).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    assert_eq!(rows(&w.app).await, 1);
    // Days 0 (short) and 1 (missing) confirmed: both count as full days.
    let detail = json_of(
        confirm(
            &w,
            &id,
            &[day(0), day(1)],
            "村里停电无法扫码，已现场核实在岗",
            now,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let sheet = &detail["attendance"];
    assert_eq!(sheet["daysConfirmed"], 2);
    assert_eq!(sheet["minutes"], 720);
    assert_eq!(sheet["days"][0]["source"], "code");
    assert!(sheet["days"][0]["checkInAt"].is_string());
    assert_eq!(sheet["days"][1]["source"], "manual");
    assert_eq!(sheet["days"][1]["confirmedByKind"], "host");
    assert_eq!(
        sheet["days"][1]["reason"],
        "村里停电无法扫码，已现场核实在岗"
    );
    let last = detail["timeline"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["action"], "confirm_attendance");
    assert_eq!(last["reason"], "村里停电无法扫码，已现场核实在岗");
    // The student sees it too.
    assert_eq!(
        w.mine(&student, &id).await["attendance"]["daysConfirmed"],
        2
    );
    // A local-unit cadre confirms day 2.
    let by_cadre = json_of(
        w.app
            .send(
                w.app
                    .client
                    .post(w.app.url(&format!(
                        "/api/v1/admin/practice/applications/{id}/attendance-confirmations"
                    )))
                    .bearer_auth(&w.cadre.token)
                    .header(NOW, now.to_rfc3339())
                    .json(&json!({"days": [day(2)], "reason": "接收单位无带教负责人，团委核实"})),
            )
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(by_cadre["attendance"]["daysConfirmed"], 3);
    assert_eq!(
        by_cadre["attendance"]["days"][2]["confirmedByKind"],
        "cadre"
    );
    // A day confirmed by hand is not checked in again.
    assert_error(
        scan(
            &w,
            &student,
            &position,
            "check-ins",
            "nonce-m-d2",
            china_at(day(2), 21, 0),
        )
        .await,
        StatusCode::CONFLICT,
        "ALREADY_CHECKED_IN",
    )
    .await;
}

#[tokio::test]
async fn another_hosts_supervisor_gets_404_and_a_suspended_host_gets_no_codes() {
    let w = world().await;
    let app = &w.app;
    let (student, position, id) = placed(&w, "guarded").await;
    let at = china_at(first_day(&w), 10, 0);
    json_of(
        scan(&w, &student, &position, "check-ins", "nonce-g-in", at).await,
        StatusCode::OK,
    )
    .await;
    // A supervisor of another host of the same unit.
    let other_host = create_host(app, &w.cadre, "220102001").await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let other = app.login_as_youth("other_supervisor").await;
    let code = invite(app, &w.cadre, &other_host).await;
    json_of(accept(app, &other, &code).await, StatusCode::CREATED).await;
    assert_error(
        code_as(
            app,
            &format!("/api/v1/me/host/positions/{position}"),
            &other.token,
            "in",
            at,
        )
        .await,
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
    )
    .await;
    assert_error(
        app.post(
            &format!("/api/v1/me/host/applications/{id}/attendance-confirmations"),
            Some(&other.token),
            &json!({"days": [first_day(&w)], "reason": "冒名确认出勤"}),
        )
        .await,
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
    )
    .await;
    // Someone who supervises nothing; the student themself.
    assert_error(
        code_as(
            app,
            &format!("/api/v1/me/host/positions/{position}"),
            &student.token,
            "in",
            at,
        )
        .await,
        StatusCode::FORBIDDEN,
        "HOST_SUPERVISOR_ONLY",
    )
    .await;
    // Cadres: above the local unit 403, another county 404.
    let city = app.admin_of("220100").await;
    assert_error(
        code_as(
            app,
            &format!("/api/v1/admin/practice/positions/{position}"),
            &city.token,
            "in",
            at,
        )
        .await,
        StatusCode::FORBIDDEN,
        "LOCAL_UNIT_ONLY",
    )
    .await;
    let kuancheng = app.admin_of("220103").await;
    assert_error(
        code_as(
            app,
            &format!("/api/v1/admin/practice/positions/{position}"),
            &kuancheng.token,
            "in",
            at,
        )
        .await,
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
    )
    .await;
    // A suspended host's supervisor shows no codes and confirms nothing.
    json_of(
        app.post(
            &format!("/api/v1/admin/practice/host-units/{}/suspensions", w.host),
            Some(&w.cadre.token),
            &json!({"reason": "核查安全条件"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_error(
        code_as(
            app,
            &format!("/api/v1/me/host/positions/{position}"),
            &w.supervisor.token,
            "in",
            at,
        )
        .await,
        StatusCode::FORBIDDEN,
        "HOST_SUSPENDED",
    )
    .await;
    assert_error(
        confirm(&w, &id, &[first_day(&w)], "扫码设备故障，现场核实在岗", at).await,
        StatusCode::FORBIDDEN,
        "HOST_SUSPENDED",
    )
    .await;
    assert_eq!(rows(app).await, 1);
}

/// A student's volunteer summary, their 南关 hours board, the 长春 regions board and the size
/// of the hours ledger: what practice must never change.
pub async fn volunteer_standing(app: &TestApp, student: &Login) -> (Value, Value, Value, u64) {
    let summary = json_of(
        app.get("/api/v1/me/volunteer/summary", Some(&student.token))
            .await,
        StatusCode::OK,
    )
    .await;
    let hours = json_of(
        app.get(
            "/api/v1/leaderboards/volunteer-hours?region=220102&period=all",
            Some(&student.token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let regions = json_of(
        app.get(
            "/api/v1/leaderboards/regions?parent=220100&period=all",
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let entries = volunteer_hour_entries::Entity::find()
        .count(app.db())
        .await
        .unwrap();
    (summary, hours, regions, entries)
}

/// Acceptance check 10, for attendance: practice time never enters the volunteer-hours ledger
/// or the leaderboards.
#[tokio::test]
async fn practice_attendance_never_enters_the_volunteer_hours_ledger_or_leaderboards() {
    let w = world().await;
    let app = &w.app;
    let (student, position, id) = placed(&w, "not_volunteer").await;
    let boards = || volunteer_standing(app, &student);
    let before = boards().await;
    assert_eq!(before.0["totalMinutes"], 0);
    let day1 = first_day(&w);
    for n in 0..5 {
        let day = day1 + Duration::days(n);
        json_of(
            scan(
                &w,
                &student,
                &position,
                "check-ins",
                &format!("nonce-v-in-{n}"),
                china_at(day, 8, 0),
            )
            .await,
            StatusCode::OK,
        )
        .await;
        json_of(
            scan(
                &w,
                &student,
                &position,
                "check-outs",
                &format!("nonce-v-out-{n}"),
                china_at(day, 20, 0),
            )
            .await,
            StatusCode::OK,
        )
        .await;
    }
    let days: Vec<NaiveDate> = (5..8).map(|n| day1 + Duration::days(n)).collect();
    json_of(
        confirm(
            &w,
            &id,
            &days,
            "外出走访农户，现场核实在岗",
            china_at(day1 + Duration::days(8), 9, 0),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let sheet = w.mine(&student, &id).await["attendance"].clone();
    assert_eq!(sheet["daysConfirmed"], 8);
    assert_eq!(sheet["minutes"], 8 * 360);
    assert_eq!(boards().await, before);
}

/// Two check-ins of one student the same China day at once (new nonces each): exactly one
/// wins, the other is 409 `ALREADY_CHECKED_IN`; the report for duty is counted once (two
/// instances on PostgreSQL).
#[tokio::test]
async fn two_check_ins_of_one_student_the_same_day_have_one_winner() {
    let w = world().await;
    let app = &w.app;
    let second = app.second_instance_on_postgres().await;
    let other = second.as_ref().unwrap_or(app);
    let (student, position, id) = placed(&w, "racer").await;
    let day1 = first_day(&w);
    for round in 0..3 {
        let at = china_at(day1 + Duration::days(round), 9, 0);
        let c = code(&w, &position, "in", at).await;
        let (na, nb) = (format!("race-a-{round}"), format!("race-b-{round}"));
        let (x, y) = tokio::join!(
            scan_on(app, &student, &position, "check-ins", &c, &na, at),
            scan_on(other, &student, &position, "check-ins", &c, &nb, at),
        );
        let mut statuses = [x.status(), y.status()];
        let bodies = [
            x.json::<Value>().await.unwrap(),
            y.json::<Value>().await.unwrap(),
        ];
        statuses.sort();
        assert_eq!(
            statuses,
            [StatusCode::OK, StatusCode::CONFLICT],
            "{bodies:?}"
        );
        assert!(
            bodies
                .iter()
                .any(|b| b["error"]["code"] == "ALREADY_CHECKED_IN"),
            "{bodies:?}"
        );
        assert_eq!(rows(app).await, round as u64 + 1);
    }
    assert_eq!(w.mine(&student, &id).await["status"], "on_duty");
    let quota = practice_grade_quota::Entity::find()
        .all(app.db())
        .await
        .unwrap();
    assert_eq!(quota[0].placed, 1, "reported for duty once");
}
