//! 返家乡 supervision (issue 12 points 7–8): the stats per child unit, the masked CSV export, the
//! cadres' to-do queues, the report-due reminder, the hourly digest of new applications to the
//! host, and retention.
use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use entity::{
    practice_applications, practice_attendance, practice_evaluations, practice_reports,
    student_profiles,
};
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::*;
use crate::practice::applications::{World, applicant, applied, kinds, world, world_with};
use crate::practice::checkins::{NOW, china_at, first_day, last_day};
use crate::practice::positions::{KUANCHENG_VILLAGE, create_position, position_body, published};
use crate::practice::reports::{full_report, on_duty, report_req};
use crate::practice::{KUANCHENG, NANGUAN, NANGUAN_VILLAGE, create_host, id_number, profile_body};

const CHANGCHUN: &str = "220100";

pub async fn stats(app: &TestApp, who: &Login, query: &str) -> Value {
    json_of(
        app.get(
            &format!("/api/v1/admin/practice/stats{query}"),
            Some(&who.token),
        )
        .await,
        StatusCode::OK,
    )
    .await
}

fn child<'a>(view: &'a Value, code: &str) -> &'a Value {
    view["children"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == code)
        .unwrap_or_else(|| panic!("{code} in {view}"))
}

fn status_count(line: &Value, status: &str) -> u64 {
    line["byStatus"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["status"] == status)
        .unwrap()["count"]
        .as_u64()
        .unwrap()
}

fn category<'a>(line: &'a Value, category: &str) -> &'a Value {
    line["byCategory"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["category"] == category)
        .unwrap()
}

/// `unitCode → (applications, placements)`.
fn homes(line: &Value) -> BTreeMap<String, (u64, u64)> {
    line["studentsByHomeUnit"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h["unitCode"].as_str().unwrap().to_owned(),
                (
                    h["applications"].as_u64().unwrap(),
                    h["placements"].as_u64().unwrap(),
                ),
            )
        })
        .collect()
}

/// Every count of the area's line is the sum of its children's.
fn assert_children_add_up(view: &Value) {
    let area = &view["area"];
    let children = view["children"].as_array().unwrap();
    for key in [
        "positions",
        "slots",
        "applications",
        "placements",
        "reportsSubmitted",
        "reportsAccepted",
    ] {
        let sum: u64 = children.iter().map(|c| c[key].as_u64().unwrap()).sum();
        assert_eq!(area[key].as_u64().unwrap(), sum, "{key} in {view}");
    }
    for (i, s) in area["byStatus"].as_array().unwrap().iter().enumerate() {
        let sum: u64 = children
            .iter()
            .map(|c| c["byStatus"][i]["count"].as_u64().unwrap())
            .sum();
        assert_eq!(s["count"].as_u64().unwrap(), sum, "{}", s["status"]);
    }
    for (i, c) in area["byCategory"].as_array().unwrap().iter().enumerate() {
        for key in ["positions", "slots", "applications", "placements"] {
            let sum: u64 = children
                .iter()
                .map(|ch| ch["byCategory"][i][key].as_u64().unwrap())
                .sum();
            assert_eq!(c[key].as_u64().unwrap(), sum, "{} {key}", c["category"]);
        }
    }
    let mut summed: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    for c in children {
        for (unit, (n, p)) in homes(c) {
            let e = summed.entry(unit).or_default();
            e.0 += n;
            e.1 += p;
        }
    }
    assert_eq!(homes(area), summed);
}

/// The supervision fixture: 南关 (the world's host, with a supervisor) and 宽城 (a host without
/// one), in the province's open campaign.
struct Supervised {
    w: World,
    kuancheng: Login,
    /// 南关: s1 confirmed, s2 rejected, s3 offered, r1 and r2 on duty (r1's report accepted,
    /// r2's submitted). 宽城: s4 confirmed then withdrawn, s5 (homed in 南关, city-wide
    /// position) submitted. Positions: 南关 p1 (field_survey, 2 slots), p2 (legal_publicity,
    /// 3), r1's and r2's (field_survey, 3 each), a draft; 宽城 pk (field_survey, 2, city-wide).
    apps: BTreeMap<&'static str, String>,
    students: BTreeMap<&'static str, Login>,
}

async fn submit_report(w: &World, who: &Login, id: &str, at: DateTime<Utc>) {
    let path = format!("/api/v1/me/practice/applications/{id}/report");
    json_of(
        report_req(w, who, reqwest::Method::PUT, &path, &full_report(&[]), at).await,
        StatusCode::CREATED,
    )
    .await;
    json_of(
        report_req(
            w,
            who,
            reqwest::Method::POST,
            &format!("{path}/submissions"),
            &json!({}),
            at,
        )
        .await,
        StatusCode::OK,
    )
    .await;
}

async fn supervised_in(w: World) -> Supervised {
    let app = &w.app;
    let mut apps = BTreeMap::new();
    let mut students = BTreeMap::new();
    let p1 = w.position(2).await;
    let mut body = position_body(&w.campaign, &w.host, NANGUAN_VILLAGE);
    body["category"] = json!("legal_publicity");
    body["slots"] = json!(3);
    let p2 = published(app, &w.cadre, &body).await;
    create_position(
        app,
        &w.cadre,
        &position_body(&w.campaign, &w.host, NANGUAN_VILLAGE),
    )
    .await;
    // s1 with an ID number (for the masked export).
    let s1 = applicant(app, "s1", NANGUAN_VILLAGE).await;
    let mut profile = profile_body(NANGUAN_VILLAGE);
    profile["idNumber"] = json!(id_number("20040301"));
    profile["idNumberConsent"] = json!(true);
    json_of(
        app.put("/api/v1/me/student-profile", Some(&s1.token), &profile)
            .await,
        StatusCode::OK,
    )
    .await;
    let a1 = applied(app, &s1, &p1).await;
    w.offered(&a1).await;
    json_of(
        w.student_act(&s1, &a1, "confirmations", &json!({})).await,
        StatusCode::OK,
    )
    .await;
    let s2 = applicant(app, "s2", NANGUAN_VILLAGE).await;
    let a2 = applied(app, &s2, &p1).await;
    json_of(
        w.host_act(&a2, "rejections", &json!({"reason": "名额已满，感谢报名"}))
            .await,
        StatusCode::OK,
    )
    .await;
    let s3 = applicant(app, "s3", NANGUAN_VILLAGE).await;
    let a3 = applied(app, &s3, &p2).await;
    w.offered(&a3).await;
    let at = china_at(first_day(&w) + Duration::days(2), 20, 0);
    let (r1, _, ar1) = on_duty(&w, "r1").await;
    submit_report(&w, &r1, &ar1, at).await;
    json_of(
        w.cadre_act(
            &w.cadre,
            &ar1,
            "report-reviews",
            &json!({"decision": "accept"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let (r2, _, ar2) = on_duty(&w, "r2").await;
    submit_report(&w, &r2, &ar2, at).await;
    // 宽城: a host nobody supervises, a city-wide position.
    let kuancheng = app.admin_of(KUANCHENG).await;
    let host_k = create_host(app, &kuancheng, "220103002").await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut body = position_body(&w.campaign, &host_k, KUANCHENG_VILLAGE);
    body["openToCity"] = json!(true);
    let pk = published(app, &kuancheng, &body).await;
    let s4 = applicant(app, "s4", KUANCHENG_VILLAGE).await;
    let a4 = applied(app, &s4, &pk).await;
    json_of(
        w.cadre_act(&kuancheng, &a4, "offers", &json!({})).await,
        StatusCode::OK,
    )
    .await;
    json_of(
        w.student_act(&s4, &a4, "confirmations", &json!({})).await,
        StatusCode::OK,
    )
    .await;
    json_of(
        w.student_act(&s4, &a4, "withdrawals", &json!({"reason": "家中有事"}))
            .await,
        StatusCode::OK,
    )
    .await;
    let s5 = applicant(app, "s5", NANGUAN_VILLAGE).await;
    let a5 = applied(app, &s5, &pk).await;
    for (k, id, who) in [
        ("s1", a1, s1),
        ("s2", a2, s2),
        ("s3", a3, s3),
        ("r1", ar1, r1),
        ("r2", ar2, r2),
        ("s4", a4, s4),
        ("s5", a5, s5),
    ] {
        apps.insert(k, id);
        students.insert(k, who);
    }
    Supervised {
        w,
        kuancheng,
        apps,
        students,
    }
}

#[tokio::test]
async fn practice_stats_count_each_child_unit_and_the_children_add_up_to_the_area() {
    let s = supervised_in(world().await).await;
    let app = &s.w.app;
    let city = app.admin_of(CHANGCHUN).await;
    let view = stats(app, &city, "").await;
    assert_children_add_up(&view);
    let area = &view["area"];
    assert_eq!(area["code"], CHANGCHUN);
    // Draft positions are not counted: 4 in 南关 (2 + 3 + 3 + 3 slots) and 1 in 宽城 (2).
    assert_eq!(area["positions"], 5);
    assert_eq!(area["slots"], 13);
    assert_eq!(area["applications"], 7);
    // s1, r1, r2 and the withdrawn s4 reached `confirmed`.
    assert_eq!(area["placements"], 4);
    assert_eq!(area["fillRatePermille"], 4 * 1000 / 13);
    assert_eq!(area["reportsSubmitted"], 2);
    assert_eq!(area["reportsAccepted"], 1);
    assert_eq!(area["reportAcceptancePermille"], 500);
    let nanguan = child(&view, NANGUAN);
    assert_eq!(nanguan["positions"], 4);
    assert_eq!(nanguan["slots"], 11);
    assert_eq!(nanguan["applications"], 5);
    assert_eq!(status_count(nanguan, "confirmed"), 1);
    assert_eq!(status_count(nanguan, "rejected"), 1);
    assert_eq!(status_count(nanguan, "offered"), 1);
    assert_eq!(status_count(nanguan, "on_duty"), 2);
    assert_eq!(status_count(nanguan, "submitted"), 0);
    assert_eq!(nanguan["placements"], 3);
    assert_eq!(nanguan["fillRatePermille"], 3 * 1000 / 11);
    assert_eq!(nanguan["reportAcceptancePermille"], 500);
    assert_eq!(
        homes(nanguan),
        BTreeMap::from([(NANGUAN.to_owned(), (5, 3))])
    );
    let field = category(nanguan, "field_survey");
    assert_eq!(
        (
            &field["positions"],
            &field["slots"],
            &field["applications"],
            &field["placements"]
        ),
        (&json!(3), &json!(8), &json!(4), &json!(3))
    );
    let legal = category(nanguan, "legal_publicity");
    assert_eq!(
        (
            &legal["positions"],
            &legal["slots"],
            &legal["applications"],
            &legal["placements"]
        ),
        (&json!(1), &json!(3), &json!(1), &json!(0))
    );
    assert_eq!(category(nanguan, "customs_reform")["positions"], 0);
    let kuancheng = child(&view, KUANCHENG);
    assert_eq!(kuancheng["positions"], 1);
    assert_eq!(kuancheng["applications"], 2);
    assert_eq!(status_count(kuancheng, "withdrawn"), 1);
    assert_eq!(status_count(kuancheng, "submitted"), 1);
    assert_eq!(kuancheng["placements"], 1);
    assert_eq!(kuancheng["fillRatePermille"], 500);
    assert_eq!(kuancheng["reportAcceptancePermille"], 0);
    // By the student's home: a 南关 student applied to 宽城's city-wide position.
    assert_eq!(
        homes(kuancheng),
        BTreeMap::from([(NANGUAN.to_owned(), (1, 0)), (KUANCHENG.to_owned(), (1, 1))])
    );
    // The province: 长春's line is the city's area line; everything adds up again.
    let province = app.admin_of("220000").await;
    let all = stats(app, &province, "").await;
    assert_children_add_up(&all);
    assert_eq!(all["area"]["applications"], 7);
    let changchun = child(&all, CHANGCHUN);
    for key in [
        "positions",
        "slots",
        "applications",
        "placements",
        "fillRatePermille",
    ] {
        assert_eq!(changchun[key], area[key], "{key}");
    }
    // The county's own view: its townships (the positions' villages are in 南岭街道).
    let county = stats(app, &s.w.cadre, "").await;
    assert_children_add_up(&county);
    assert_eq!(county["area"]["applications"], 5);
    assert_eq!(child(&county, "220102001")["applications"], 5);
    // One campaign, or another (none).
    let campaign = s.w.campaign["id"].as_str().unwrap();
    let one = stats(app, &city, &format!("?campaignId={campaign}")).await;
    assert_eq!(one["area"], area.clone());
    let other = stats(app, &city, &format!("?campaignId={}", Uuid::now_v7())).await;
    assert_eq!(other["area"]["positions"], 0);
    assert_eq!(other["area"]["applications"], 0);
    // A unit inside the caller's: its own roll-up. Outside: 403; other units see none of it.
    let inside = stats(app, &city, &format!("?region={NANGUAN}")).await;
    assert_eq!(inside["area"]["applications"], 5);
    assert_error(
        app.get(
            &format!("/api/v1/admin/practice/stats?region={NANGUAN}"),
            Some(&s.kuancheng.token),
        )
        .await,
        StatusCode::FORBIDDEN,
        "OUTSIDE_REGION",
    )
    .await;
    let jilin = app.admin_of("220200").await;
    assert_eq!(stats(app, &jilin, "").await["area"]["applications"], 0);
    // Staff only: a student gets 403.
    assert_error(
        app.get(
            "/api/v1/admin/practice/stats",
            Some(&s.students["s1"].token),
        )
        .await,
        StatusCode::FORBIDDEN,
        "ROLE_REQUIRED",
    )
    .await;
}

async fn export(app: &TestApp, who: &Login, query: &str) -> reqwest::Response {
    app.get(
        &format!("/api/v1/admin/practice/applications/export{query}"),
        Some(&who.token),
    )
    .await
}

#[tokio::test]
async fn the_applications_export_is_a_masked_csv_of_the_cadres_unit_only() {
    let s = supervised_in(world().await).await;
    let app = &s.w.app;
    let resp = export(app, &s.w.cadre, "").await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let text = resp.text().await.unwrap();
    assert!(text.starts_with("\u{feff}申请编号,岗位,接收单位,岗位所在地代码,"));
    let lines: Vec<&str> = text.trim_end().split("\r\n").collect();
    // The header and 南关's five applications; 宽城's two are not there.
    assert_eq!(lines.len(), 6, "{text}");
    for k in ["s1", "s2", "s3", "r1", "r2"] {
        assert!(text.contains(s.apps[k].as_str()), "{k}");
    }
    for k in ["s4", "s5"] {
        assert!(!text.contains(s.apps[k].as_str()), "{k}");
    }
    // Phone and ID number masked, never in full.
    let s1 = lines
        .iter()
        .find(|l| l.contains(s.apps["s1"].as_str()))
        .unwrap();
    assert!(s1.contains("139****5678"), "{s1}");
    assert!(!text.contains("13912345678"));
    let id = id_number("20040301");
    assert!(!text.contains(&id));
    assert!(
        s1.contains(&format!("{}***********{}", &id[..3], &id[14..])),
        "{s1}"
    );
    assert!(s1.contains("张三") && s1.contains("已确认"), "{s1}");
    // Filters as the list's: a status; the city sees both units; a region outside is 403.
    let rejected = export(app, &s.w.cadre, "?status=rejected")
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(rejected.trim_end().split("\r\n").count(), 2);
    assert!(rejected.contains(s.apps["s2"].as_str()));
    let city = app.admin_of(CHANGCHUN).await;
    let all = export(app, &city, "").await.text().await.unwrap();
    assert_eq!(all.trim_end().split("\r\n").count(), 8);
    let mine = export(app, &city, &format!("?region={KUANCHENG}"))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(mine.trim_end().split("\r\n").count(), 3);
    assert_error(
        export(app, &s.kuancheng, &format!("?region={NANGUAN}")).await,
        StatusCode::FORBIDDEN,
        "OUTSIDE_REGION",
    )
    .await;
    assert_error(
        export(app, &s.students["s1"], "").await,
        StatusCode::FORBIDDEN,
        "ROLE_REQUIRED",
    )
    .await;
}

async fn queue(app: &TestApp, who: &Login, name: &str) -> Option<(u64, u64)> {
    let list = json_of(
        app.get("/api/v1/admin/todos", Some(&who.token)).await,
        StatusCode::OK,
    )
    .await;
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["queue"] == name)
        .map(|i| (i["count"].as_u64().unwrap(), i["overdue"].as_u64().unwrap()))
}

#[tokio::test]
async fn local_cadres_see_applications_only_they_can_decide_and_reports_to_review() {
    let app = spawn_app_with(|s| s.review_due_days = 0).await;
    let s = supervised_in(world_with(app, crate::practice::campaign_body()).await).await;
    let app = &s.w.app;
    const DECIDE: &str = "practice_applications_to_decide";
    const REVIEW: &str = "practice_reports_to_review";
    // 南关's host has a supervisor: nothing for the cadre to decide; r2's report waits (handed
    // in at the test clock's practice day, still ahead of the real one: not overdue yet).
    assert_eq!(queue(app, &s.w.cadre, DECIDE).await, Some((0, 0)));
    assert_eq!(queue(app, &s.w.cadre, REVIEW).await, Some((1, 0)));
    // 宽城's host has none: s5's application is the cadre's to decide.
    assert_eq!(queue(app, &s.kuancheng, DECIDE).await, Some((1, 1)));
    assert_eq!(queue(app, &s.kuancheng, REVIEW).await, Some((0, 0)));
    // A new application in 南关 waits for the supervisor … until the host is suspended.
    let p = s.w.position(2).await;
    let s6 = applicant(app, "s6", NANGUAN_VILLAGE).await;
    let a6 = applied(app, &s6, &p).await;
    assert_eq!(queue(app, &s.w.cadre, DECIDE).await, Some((0, 0)));
    json_of(
        app.post(
            &format!("/api/v1/admin/practice/host-units/{}/suspensions", s.w.host),
            Some(&s.w.cadre.token),
            &json!({"reason": "整改期间暂停"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(queue(app, &s.w.cadre, DECIDE).await, Some((1, 1)));
    json_of(
        app.post(
            &format!(
                "/api/v1/admin/practice/host-units/{}/reinstatements",
                s.w.host
            ),
            Some(&s.w.cadre.token),
            &json!({}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(queue(app, &s.w.cadre, DECIDE).await, Some((0, 0)));
    // … or its only supervisor is revoked.
    assert_eq!(
        app.delete(
            &format!(
                "/api/v1/admin/practice/host-units/{}/supervisors/{}",
                s.w.host, s.w.supervisor.user_id
            ),
            Some(&s.w.cadre.token),
        )
        .await
        .status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(queue(app, &s.w.cadre, DECIDE).await, Some((1, 1)));
    // Deciding it empties the queue; accepting the report empties the other.
    json_of(
        s.w.cadre_act(&s.w.cadre, &a6, "offers", &json!({})).await,
        StatusCode::OK,
    )
    .await;
    json_of(
        s.w.cadre_act(
            &s.w.cadre,
            &s.apps["r2"],
            "report-reviews",
            &json!({"decision": "accept"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(queue(app, &s.w.cadre, REVIEW).await, Some((0, 0)));
    // Cadres above the local unit do not decide nor review: the queues are not theirs.
    let city = app.admin_of(CHANGCHUN).await;
    assert_eq!(queue(app, &city, DECIDE).await, None);
    assert_eq!(queue(app, &city, REVIEW).await, None);
}

async fn report_due_notices(app: &TestApp, who: &Login) -> usize {
    kinds(app, who)
        .await
        .iter()
        .filter(|k| *k == "practice.report_due")
        .count()
}

#[tokio::test]
async fn the_report_due_reminder_goes_out_once_per_report_three_days_ahead() {
    let w = world().await;
    let app = &w.app;
    let at = china_at(first_day(&w) + Duration::days(2), 20, 0);
    // A draft report, a placement with no report yet, and a report already handed in.
    let (drafter, _, id) = on_duty(&w, "drafter").await;
    json_of(
        report_req(
            &w,
            &drafter,
            reqwest::Method::PUT,
            &format!("/api/v1/me/practice/applications/{id}/report"),
            &json!({"title": "南岭村调查"}),
            at,
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let (silent, _, _) = on_duty(&w, "silent").await;
    let (done, _, done_id) = on_duty(&w, "done").await;
    submit_report(&w, &done, &done_id, at).await;
    let due = last_day(&w) + Duration::days(14);
    let reminder = jiqing::practice::reminders::run;
    // Four days ahead: nothing yet.
    assert_eq!(
        reminder(&app.state, due - Duration::days(4)).await.unwrap(),
        0
    );
    // Three days ahead, on two instances at once and again: one notice each.
    let other = app.spawn_another_instance().await;
    let day = due - Duration::days(3);
    let (a, b) = tokio::join!(reminder(&app.state, day), reminder(&other.state, day));
    assert_eq!(a.unwrap() + b.unwrap(), 2);
    assert_eq!(reminder(&app.state, day).await.unwrap(), 0);
    assert_eq!(
        reminder(&app.state, day + Duration::days(1)).await.unwrap(),
        0
    );
    assert_eq!(report_due_notices(app, &drafter).await, 1);
    assert_eq!(report_due_notices(app, &silent).await, 1);
    assert_eq!(report_due_notices(app, &done).await, 0);
    // The daily job runs it once a day at 09:00 China time.
    let job = jiqing::practice::reminders::PRACTICE_REPORT_REMINDER;
    assert_eq!(job.name, "practice-report-reminder");
    assert_eq!(job.at, jiqing::jobs::China(9, 0));
    // A later due date is reminded again, once.
    let later = due + Duration::days(5);
    json_of(
        w.cadre_act(
            &w.cadre,
            &id,
            "report-deadline-extensions",
            &json!({"newDueOn": later.to_string()}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        reminder(&app.state, later - Duration::days(3))
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        reminder(&app.state, later - Duration::days(2))
            .await
            .unwrap(),
        0
    );
    assert_eq!(report_due_notices(app, &drafter).await, 2);
    assert_eq!(report_due_notices(app, &silent).await, 1);
}

async fn apply_at(w: &World, who: &Login, position: &str, at: DateTime<Utc>) {
    let resp = w
        .app
        .send(
            w.app
                .client
                .post(w.app.url(&format!(
                    "/api/v1/practice/positions/{position}/applications"
                )))
                .bearer_auth(&who.token)
                .header(NOW, at.to_rfc3339())
                .json(&crate::practice::applications::application_body()),
        )
        .await;
    json_of(resp, StatusCode::CREATED).await;
}

async fn received(w: &World) -> Vec<String> {
    let page = json_of(
        w.app
            .get(
                "/api/v1/me/notifications?pageSize=100",
                Some(&w.supervisor.token),
            )
            .await,
        StatusCode::OK,
    )
    .await;
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["kind"] == "practice.application_received")
        .map(|n| n["body"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn the_host_hears_of_new_applications_at_most_once_an_hour_per_position() {
    let w = world().await;
    let app = &w.app;
    let position = w.position(10).await;
    let t = Utc::now();
    let digest = jiqing::practice::digest::send_due;
    let a = applicant(app, "first", NANGUAN_VILLAGE).await;
    apply_at(&w, &a, &position, t).await;
    assert_eq!(received(&w).await.len(), 1);
    // Within the hour: no further notice, neither at once nor from the job.
    for (name, minutes) in [("second", 10), ("third", 30)] {
        let s = applicant(app, name, NANGUAN_VILLAGE).await;
        apply_at(&w, &s, &position, t + Duration::minutes(minutes)).await;
    }
    assert_eq!(received(&w).await.len(), 1);
    assert_eq!(
        digest(&app.state, t + Duration::minutes(59)).await.unwrap(),
        0
    );
    // After the hour, one digest of the two waiting, whatever the number of instances.
    let other = app.spawn_another_instance().await;
    let at = t + Duration::minutes(61);
    let (x, y) = tokio::join!(digest(&app.state, at), digest(&other.state, at));
    assert_eq!(x.unwrap() + y.unwrap(), 1);
    assert_eq!(digest(&app.state, at).await.unwrap(), 0);
    let bodies = received(&w).await;
    assert_eq!(bodies.len(), 2);
    assert!(
        bodies.iter().any(|b| b.contains("新收到2份报名")),
        "{bodies:?}"
    );
    // An application right after the digest waits for the next hour.
    let late = applicant(app, "fourth", NANGUAN_VILLAGE).await;
    apply_at(&w, &late, &position, t + Duration::minutes(62)).await;
    assert_eq!(received(&w).await.len(), 2);
    assert_eq!(
        digest(&app.state, t + Duration::minutes(100))
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        digest(&app.state, t + Duration::minutes(125))
            .await
            .unwrap(),
        1
    );
    assert_eq!(received(&w).await.len(), 3);
    // Another position has its own hour.
    let other_position = w.position(2).await;
    let s = applicant(app, "elsewhere", NANGUAN_VILLAGE).await;
    apply_at(&w, &s, &other_position, t + Duration::minutes(126)).await;
    assert_eq!(received(&w).await.len(), 4);
}

fn uuid(s: &str) -> Uuid {
    s.parse().unwrap()
}

async fn application_row(app: &TestApp, id: &str) -> practice_applications::Model {
    practice_applications::Entity::find_by_id(uuid(id))
        .one(app.db())
        .await
        .unwrap()
        .unwrap()
}

async fn profile_row(app: &TestApp, who: &Login) -> student_profiles::Model {
    student_profiles::Entity::find()
        .filter(student_profiles::Column::UserId.eq(uuid(&who.user_id)))
        .one(app.db())
        .await
        .unwrap()
        .unwrap()
}

#[tokio::test]
async fn retention_clears_exactly_the_personal_fields_of_finished_practice() {
    let app = spawn_app_with(|s| s.retention_years = 0).await;
    let w = world_with(app, crate::practice::campaign_body()).await;
    let app = &w.app;
    let at = china_at(first_day(&w) + Duration::days(2), 20, 0);
    // A placement on duty with a report (a photo), a day confirmed by hand, then dropped.
    let (dropped, position, id) = on_duty(&w, "dropped").await;
    let photo = app
        .upload_key(&dropped, "practice_report", &tiny_jpeg())
        .await;
    json_of(
        report_req(
            &w,
            &dropped,
            reqwest::Method::PUT,
            &format!("/api/v1/me/practice/applications/{id}/report"),
            &full_report(std::slice::from_ref(&photo)),
            at,
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let confirm = w
        .app
        .client
        .post(app.url(&format!(
            "/api/v1/me/host/applications/{id}/attendance-confirmations"
        )))
        .bearer_auth(&w.supervisor.token)
        .header(NOW, at.to_rfc3339())
        .json(&json!({"days": [(first_day(&w) + Duration::days(1)).to_string()], "reason": "停电未能扫码"}));
    json_of(app.send(confirm).await, StatusCode::OK).await;
    w.start_position_in(&position, 0).await;
    json_of(
        w.host_act(&id, "drops", &json!({"reason": "连续三天未到岗"}))
            .await,
        StatusCode::OK,
    )
    .await;
    // A rejected application, and one still open.
    let p = w.position(2).await;
    let rejected = applicant(app, "rejected", NANGUAN_VILLAGE).await;
    let rid = applied(app, &rejected, &p).await;
    json_of(
        w.host_act(&rid, "rejections", &json!({"reason": "专业不符"}))
            .await,
        StatusCode::OK,
    )
    .await;
    let open = applicant(app, "open", NANGUAN_VILLAGE).await;
    let oid = applied(app, &open, &p).await;
    // Completed without a certificate (completion is another change's: set here): finished
    // once the report fell due, not before.
    let mut completed = Vec::new();
    for (name, due_in) in [("due_past", -1), ("due_ahead", 10)] {
        let (who, _, cid) = on_duty(&w, name).await;
        json_of(
            report_req(
                &w,
                &who,
                reqwest::Method::PUT,
                &format!("/api/v1/me/practice/applications/{cid}/report"),
                &full_report(&[]),
                at,
            )
            .await,
            StatusCode::CREATED,
        )
        .await;
        // The host's evaluation after the last day completes the placement (with a comment).
        json_of(
            report_req(
                &w,
                &w.supervisor,
                reqwest::Method::POST,
                &format!("/api/v1/me/host/applications/{cid}/evaluations"),
                &json!({"grade": "good", "comment": "踏实肯干，调研扎实"}),
                china_at(last_day(&w) + Duration::days(1), 10, 0),
            )
            .await,
            StatusCode::OK,
        )
        .await;
        assert_eq!(
            application_row(app, &cid).await.status,
            practice_applications::ApplicationStatus::Completed
        );
        let due = jiqing::time::today_in_china(Utc::now()) + Duration::days(due_in);
        practice_reports::Entity::update_many()
            .col_expr(
                practice_reports::Column::DueOn,
                sea_orm::sea_query::Expr::value(due),
            )
            .filter(practice_reports::Column::ApplicationId.eq(uuid(&cid)))
            .exec(app.db())
            .await
            .unwrap();
        completed.push(cid);
    }
    let before = application_row(app, &id).await;
    let before_stats = stats(app, &w.cadre, "").await;
    jiqing::retention::run(app.state.clone(), jiqing::time::today_in_china(Utc::now()))
        .await
        .unwrap();
    // The dropped placement: the listed fields are cleared, the rest stays.
    let after = application_row(app, &id).await;
    assert_eq!(after.motivation, None);
    assert_eq!(after.dropped_reason, None);
    assert_eq!(after.decision_reason, None);
    assert!(after.anonymised_at.is_some());
    assert_eq!(
        after.home_region_code, NANGUAN,
        "cut to the local unit's code"
    );
    assert_eq!(
        (
            after.status,
            after.region_code.clone(),
            after.ended_at,
            after.confirmed_at
        ),
        (
            before.status,
            before.region_code.clone(),
            before.ended_at,
            before.confirmed_at
        )
    );
    assert_eq!(after.student_user_id, before.student_user_id);
    let days = practice_attendance::Entity::find()
        .filter(practice_attendance::Column::ApplicationId.eq(uuid(&id)))
        .all(app.db())
        .await
        .unwrap();
    assert_eq!(days.len(), 2);
    assert!(days.iter().all(|d| d.reason.is_none()));
    let manual = days.iter().find(|d| d.confirmed_by.is_some()).unwrap();
    assert_eq!(manual.minutes, Some(6 * 60));
    let report = practice_reports::Entity::find()
        .filter(practice_reports::Column::ApplicationId.eq(uuid(&id)))
        .one(app.db())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(report.body, None);
    assert_eq!(report.photos, "[]");
    assert_eq!(report.title.as_deref(), Some("南岭村村史调查报告"));
    let detail = json_of(
        app.get(
            &format!("/api/v1/admin/practice/applications/{id}"),
            Some(&w.cadre.token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let timeline = detail["timeline"].as_array().unwrap();
    assert!(timeline.len() >= 4);
    assert!(timeline.iter().all(|e| e["reason"].is_null()), "{detail}");
    assert_eq!(timeline.last().unwrap()["action"], "drop");
    // The rejection's reason is gone; the open application keeps everything.
    let r = application_row(app, &rid).await;
    assert_eq!((r.motivation, r.decision_reason), (None, None));
    let o = application_row(app, &oid).await;
    assert!(o.motivation.is_some() && o.anonymised_at.is_none());
    let past = application_row(app, &completed[0]).await;
    assert!(past.anonymised_at.is_some() && past.motivation.is_none());
    let ahead = application_row(app, &completed[1]).await;
    assert!(ahead.anonymised_at.is_none() && ahead.motivation.is_some());
    // The evaluation keeps its grade and loses its comment with the anonymised placement only.
    let comment = |cid: &str| {
        let cid = uuid(cid);
        async move {
            let e = practice_evaluations::Entity::find()
                .filter(practice_evaluations::Column::ApplicationId.eq(cid))
                .one(app.db())
                .await
                .unwrap()
                .expect("evaluated");
            (e.grade, e.comment)
        }
    };
    assert_eq!(
        comment(&completed[0]).await,
        (practice_evaluations::PracticeGrade::Good, None)
    );
    assert_eq!(
        comment(&completed[1]).await,
        (
            practice_evaluations::PracticeGrade::Good,
            Some("踏实肯干，调研扎实".to_owned())
        )
    );
    // Profiles: the dropped and rejected students' contact data go; the open one's stays.
    let gone = profile_row(app, &dropped).await;
    assert_eq!(
        (
            gone.emergency_contact_name,
            gone.emergency_contact_phone_enc
        ),
        (None, None)
    );
    assert!(gone.anonymised_at.is_some());
    assert_eq!(gone.real_name, "张三");
    assert_eq!(gone.school_name, "吉林大学");
    let kept = profile_row(app, &open).await;
    assert!(kept.emergency_contact_name.is_some() && kept.anonymised_at.is_none());
    // Statistics do not move; a second run changes nothing.
    assert_eq!(stats(app, &w.cadre, "").await, before_stats);
    jiqing::retention::run(app.state.clone(), jiqing::time::today_in_china(Utc::now()))
        .await
        .unwrap();
    assert_eq!(application_row(app, &id).await, after);
}
