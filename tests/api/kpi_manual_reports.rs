//! Manual reports (`supervision.md` §3, issue 13 point 5), black-box over HTTP: the unit submits,
//! a unit above approves (not the maker), the province accepts (not the approver); approval is
//! the lock; approved figures feed the KPI report at once, and an unapproval takes them out.
use chrono::{Datelike, Utc};
use entity::kpi_manual_reports;
use reqwest::StatusCode;
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{Value, json};

use crate::helpers::{Login, TestApp, assert_error, json_of, spawn_app};
use crate::kpi::{child, line, report};

const URL: &str = "/api/v1/admin/kpi/manual-reports";
const FOLLOWUP: &str = "youth_case_followup";
const ECOMMERCE: &str = "ecommerce_training_person_times";

/// The last quarter that has ended (China), and whether it lies in the current year.
fn last_quarter() -> (String, bool) {
    let today = jiqing::time::today_in_china(Utc::now());
    let q = (today.month() - 1) / 3 + 1;
    if q == 1 {
        (format!("{}-Q4", today.year() - 1), false)
    } else {
        (format!("{}-Q{}", today.year(), q - 1), true)
    }
}

fn this_quarter() -> String {
    let today = jiqing::time::today_in_china(Utc::now());
    format!("{}-Q{}", today.year(), (today.month() - 1) / 3 + 1)
}

fn followup(unit: &str, period: &str, referred: i64, within: i64) -> Value {
    json!({"indicatorCode": FOLLOWUP, "areaUnitCode": unit, "period": period,
           "values": {"received": 40, "referredToCounty": referred,
                      "followedUpWithinSla": within, "closed": 30, "crisisCases": 1,
                      "brandActivities": 2, "participants": 260},
           "evidence": "12355青少年服务台季度台账汇总"})
}

async fn submit(app: &TestApp, who: &Login, body: &Value) -> reqwest::Response {
    app.post(URL, Some(&who.token), body).await
}

async fn submitted(app: &TestApp, who: &Login, body: &Value) -> Value {
    json_of(submit(app, who, body).await, StatusCode::CREATED).await
}

async fn step(app: &TestApp, who: &Login, id: &Value, act: &str, body: Value) -> reqwest::Response {
    let id = id.as_str().expect("an id");
    app.post(&format!("{URL}/{id}/{act}"), Some(&who.token), &body)
        .await
}

async fn edit(app: &TestApp, who: &Login, r: &Value, within: i64) -> reqwest::Response {
    let id = r["id"].as_str().unwrap();
    app.put(
        &format!("{URL}/{id}"),
        Some(&who.token),
        &json!({"values": {"received": 40, "referredToCounty": 12,
                           "followedUpWithinSla": within, "closed": 30, "crisisCases": 1,
                           "brandActivities": 2, "participants": 260},
                "version": r["version"]}),
    )
    .await
}

async fn get(app: &TestApp, who: &Login, r: &Value) -> Value {
    let id = r["id"].as_str().unwrap();
    json_of(
        app.get(&format!("{URL}/{id}"), Some(&who.token)).await,
        StatusCode::OK,
    )
    .await
}

async fn rows(app: &TestApp) -> u64 {
    kpi_manual_reports::Entity::find()
        .count(app.db())
        .await
        .unwrap()
}

async fn notices(app: &TestApp, who: &Login, kind: &str) -> Vec<Value> {
    let list = json_of(
        app.get("/api/v1/me/notifications", Some(&who.token)).await,
        StatusCode::OK,
    )
    .await;
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["kind"] == kind)
        .cloned()
        .collect()
}

/// supervision.md §3 check 6: the whole approval lifecycle, the lock, and the four-eyes rule.
#[tokio::test]
async fn a_county_report_is_approved_locked_unapproved_and_accepted_by_the_province() {
    let app = spawn_app().await;
    let county = app.admin_of("220281").await;
    let county_other = app.admin_of("220281").await;
    let city = app.admin_of("220200").await;
    let province = app.admin_of("220000").await;
    let province_other = app.admin_of("220000").await;
    let (period, _) = last_quarter();

    let r = submitted(&app, &county, &followup("220281", &period, 12, 10)).await;
    assert_eq!(r["status"], "submitted");
    assert_eq!(r["counted"], false);
    assert_eq!(r["areaUnitName"], "蛟河市团委");
    assert_eq!(r["values"]["followedUpWithinSla"], 10);
    assert_eq!(r["timeline"][0]["action"], "submit");
    let id = &r["id"];

    // Four-eyes: the maker may not approve (checked first), nor another cadre of the unit.
    assert_error(
        step(&app, &county, id, "approvals", json!({"version": 1})).await,
        StatusCode::FORBIDDEN,
        "SAME_ACTOR_NOT_ALLOWED",
    )
    .await;
    assert_error(
        step(&app, &county_other, id, "approvals", json!({"version": 1})).await,
        StatusCode::FORBIDDEN,
        "PARENT_UNIT_ONLY",
    )
    .await;
    // Accepting before approval: a state refusal naming the status.
    let body = assert_error(
        step(&app, &province, id, "acceptances", json!({"version": 1})).await,
        StatusCode::CONFLICT,
        "INVALID_STATE",
    )
    .await;
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("已上报"),
        "{body}"
    );

    let approved = json_of(
        step(&app, &city, id, "approvals", json!({"version": 1})).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(approved["status"], "approved");
    assert_eq!(approved["counted"], true);
    assert_eq!(approved["approvedBy"], city.user_id.as_str());

    // Approved is locked: the unit cannot edit it.
    assert_error(
        edit(&app, &county, &approved, 11).await,
        StatusCode::CONFLICT,
        "REPORT_LOCKED",
    )
    .await;
    assert_eq!(
        get(&app, &city, &approved).await["values"]["followedUpWithinSla"],
        10
    );

    // The city unapproves; the unit edits (another of its cadres: now the maker) and the city
    // approves again.
    let unapproved = json_of(
        step(
            &app,
            &city,
            id,
            "unapprovals",
            json!({"reason": "跟进数需与台账核对", "version": approved["version"]}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(unapproved["status"], "submitted");
    assert_eq!(unapproved["approvedBy"], Value::Null);
    let edited = json_of(
        edit(&app, &county_other, &unapproved, 11).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(edited["values"]["followedUpWithinSla"], 11);
    assert_eq!(edited["submittedBy"], county_other.user_id.as_str());
    let approved = json_of(
        step(
            &app,
            &city,
            id,
            "approvals",
            json!({"version": edited["version"]}),
        )
        .await,
        StatusCode::OK,
    )
    .await;

    // The province accepts; a city cadre may not; the approver may not accept their own.
    assert_error(
        step(
            &app,
            &city,
            id,
            "acceptances",
            json!({"version": approved["version"]}),
        )
        .await,
        StatusCode::FORBIDDEN,
        "SAME_ACTOR_NOT_ALLOWED",
    )
    .await;
    let city_other = app.admin_of("220200").await;
    assert_error(
        step(
            &app,
            &city_other,
            id,
            "acceptances",
            json!({"version": approved["version"]}),
        )
        .await,
        StatusCode::FORBIDDEN,
        "PARENT_UNIT_ONLY",
    )
    .await;
    let accepted = json_of(
        step(
            &app,
            &province,
            id,
            "acceptances",
            json!({"version": approved["version"]}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(accepted["status"], "accepted");
    assert_eq!(accepted["acceptedBy"], province.user_id.as_str());

    // Accepted cannot be unapproved: unaccept first.
    let v = accepted["version"].clone();
    let body = assert_error(
        step(
            &app,
            &city,
            id,
            "unapprovals",
            json!({"reason": "需要修改", "version": v}),
        )
        .await,
        StatusCode::CONFLICT,
        "INVALID_STATE",
    )
    .await;
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("已接收"),
        "{body}"
    );
    // Unaccepting needs a reason of 2–200 characters and a province cadre.
    assert_error(
        step(
            &app,
            &province_other,
            id,
            "unacceptances",
            json!({"reason": "错", "version": v}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    assert_error(
        step(
            &app,
            &city,
            id,
            "unacceptances",
            json!({"reason": "数据有误", "version": v}),
        )
        .await,
        StatusCode::FORBIDDEN,
        "PARENT_UNIT_ONLY",
    )
    .await;
    let unaccepted = json_of(
        step(
            &app,
            &province_other,
            id,
            "unacceptances",
            json!({"reason": "办结数与省级平台不一致", "version": v}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(unaccepted["status"], "approved");
    assert_eq!(unaccepted["acceptedBy"], Value::Null);
    let back = json_of(
        step(
            &app,
            &city,
            id,
            "unapprovals",
            json!({"reason": "请按省级平台更正", "version": unaccepted["version"]}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(back["status"], "submitted");

    // Every step is on the timeline, the unaccept with its reason and the unit's name.
    let actions: Vec<&str> = back["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "submit",
            "approve",
            "unapprove",
            "edit",
            "approve",
            "accept",
            "unaccept",
            "unapprove"
        ]
    );
    let unaccept = &back["timeline"][6];
    assert_eq!(unaccept["reason"], "办结数与省级平台不一致");
    assert_eq!(unaccept["actor"]["label"], "共青团吉林省委员会");
    assert_eq!(unaccept["fromStatus"], "accepted");
    // The approver is told of the unacceptance.
    let told = notices(&app, &city, "kpi.manual_report_unaccepted").await;
    assert_eq!(told.len(), 1, "{told:?}");
    assert!(
        told[0]["body"]
            .as_str()
            .unwrap()
            .contains("办结数与省级平台不一致")
    );
}

/// A return sends the report back to its maker with the reason; they edit and it is submitted.
#[tokio::test]
async fn a_returned_report_goes_back_to_its_maker_who_edits_and_resubmits_it() {
    let app = spawn_app().await;
    let county = app.admin_of("220281").await;
    let city = app.admin_of("220200").await;
    let (period, _) = last_quarter();
    let r = submitted(&app, &county, &followup("220281", &period, 12, 10)).await;
    assert_error(
        step(
            &app,
            &city,
            &r["id"],
            "returns",
            json!({"reason": "", "version": 1}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    let returned = json_of(
        step(
            &app,
            &city,
            &r["id"],
            "returns",
            json!({"reason": "转介县级数与台账不符", "version": 1}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(returned["status"], "returned");
    assert_eq!(returned["reason"], "转介县级数与台账不符");
    let told = notices(&app, &county, "kpi.manual_report_returned").await;
    assert_eq!(told.len(), 1);
    assert!(
        told[0]["body"]
            .as_str()
            .unwrap()
            .contains("转介县级数与台账不符")
    );
    // A returned report cannot be approved until it is submitted again.
    assert_error(
        step(
            &app,
            &city,
            &r["id"],
            "approvals",
            json!({"version": returned["version"]}),
        )
        .await,
        StatusCode::CONFLICT,
        "INVALID_STATE",
    )
    .await;
    let again = json_of(edit(&app, &county, &returned, 9).await, StatusCode::OK).await;
    assert_eq!(again["status"], "submitted");
    json_of(
        step(
            &app,
            &city,
            &r["id"],
            "approvals",
            json!({"version": again["version"]}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
}

/// Every refusal of a submission with its code, and nothing written.
#[tokio::test]
async fn every_refused_submission_names_its_code_and_writes_nothing() {
    let app = spawn_app().await;
    let county = app.admin_of("220281").await;
    let city = app.admin_of("220200").await;
    let province = app.admin_of("220000").await;
    let (period, _) = last_quarter();
    let field_refusal = |body: Value, field: &'static str, code: &'static str| {
        let (app, county) = (&app, &county);
        async move {
            let resp = assert_error(
                submit(app, county, &body).await,
                StatusCode::UNPROCESSABLE_ENTITY,
                "VALIDATION_FAILED",
            )
            .await;
            let fields = resp["error"]["fields"].as_array().unwrap().clone();
            assert!(
                fields
                    .iter()
                    .any(|f| f["field"] == field && f["code"] == code),
                "{field} {code} in {resp}"
            );
        }
    };
    let mut b = followup("220281", &period, 12, 10);
    b["indicatorCode"] = json!("no_such_indicator");
    field_refusal(b, "indicatorCode", "UNKNOWN_INDICATOR").await;
    let mut b = followup("220281", &period, 12, 10);
    b["indicatorCode"] = json!("village_talent_coverage");
    field_refusal(b, "indicatorCode", "NOT_MANUAL").await;
    field_refusal(
        followup("999999", &period, 12, 10),
        "areaUnitCode",
        "UNKNOWN_UNIT",
    )
    .await;
    field_refusal(followup("220281", "2099-Q1", 12, 10), "period", "RANGE").await;
    field_refusal(
        followup("220281", &this_quarter(), 12, 10),
        "period",
        "RANGE",
    )
    .await;
    field_refusal(followup("220281", "2022-Q2", 12, 10), "period", "RANGE").await;
    field_refusal(followup("220281", "2026Q1", 12, 10), "period", "FORMAT").await;
    field_refusal(followup("220281", "2025", 12, 10), "period", "FORMAT").await;
    // Figures: more followed up than referred, a negative, an unknown field, a missing one.
    field_refusal(
        followup("220281", &period, 12, 13),
        "values.followedUpWithinSla",
        "RANGE",
    )
    .await;
    let mut b = followup("220281", &period, 12, 10);
    b["values"]["closed"] = json!(-1);
    b["values"]["caseName"] = json!(1);
    b["values"].as_object_mut().unwrap().remove("participants");
    let resp = assert_error(
        submit(&app, &county, &b).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    let got: Vec<(String, String)> = resp["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["field"].as_str().unwrap().into(),
                f["code"].as_str().unwrap().into(),
            )
        })
        .collect();
    for want in [
        ("values.closed", "RANGE"),
        ("values.caseName", "UNKNOWN_FIELD"),
        ("values.participants", "REQUIRED"),
    ] {
        assert!(
            got.contains(&(want.0.into(), want.1.into())),
            "{want:?} in {got:?}"
        );
    }
    // A unit outside the caller's: 403; a unit below it: only its own cadres report.
    assert_error(
        submit(&app, &county, &followup("220282", &period, 12, 10)).await,
        StatusCode::FORBIDDEN,
        "OUTSIDE_REGION",
    )
    .await;
    assert_error(
        submit(&app, &city, &followup("220281", &period, 12, 10)).await,
        StatusCode::FORBIDDEN,
        "AREA_UNIT_ONLY",
    )
    .await;
    // The province has no unit above it to approve its own figures.
    let resp = assert_error(
        submit(&app, &province, &followup("220000", &period, 12, 10)).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    assert_eq!(resp["error"]["fields"][0]["code"], "LEVEL");
    assert_eq!(rows(&app).await, 0, "nothing written");

    // One report per (indicator, unit, period): a second is 409, also by another cadre.
    submitted(&app, &county, &followup("220281", &period, 12, 10)).await;
    let other = app.admin_of("220281").await;
    assert_error(
        submit(&app, &other, &followup("220281", &period, 5, 5)).await,
        StatusCode::CONFLICT,
        "REPORT_EXISTS",
    )
    .await;
    assert_eq!(rows(&app).await, 1);
    // The city reports its own work, and the e-commerce kind takes its own fields.
    let own = submitted(
        &app,
        &city,
        &json!({"indicatorCode": ECOMMERCE, "areaUnitCode": "220200", "period": period,
                "values": {"personTimes": 120, "sessions": 2}}),
    )
    .await;
    assert_eq!(own["indicatorName"], "乡村电商领域青年培训人次");
    // Its approver is a province cadre (the parent unit), never the city.
    assert_error(
        step(
            &app,
            &app.admin_of("220200").await,
            &own["id"],
            "approvals",
            json!({"version": 1}),
        )
        .await,
        StatusCode::FORBIDDEN,
        "PARENT_UNIT_ONLY",
    )
    .await;
    json_of(
        step(
            &app,
            &province,
            &own["id"],
            "approvals",
            json!({"version": 1}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    // …and the province cadre who approved it cannot accept it too.
    assert_error(
        step(
            &app,
            &province,
            &own["id"],
            "acceptances",
            json!({"version": 2}),
        )
        .await,
        StatusCode::FORBIDDEN,
        "SAME_ACTOR_NOT_ALLOWED",
    )
    .await;
}

/// Conventions §2: a repeat by the same cadre with the same body is 200 and writes nothing;
/// anything else stale is 409 with the current state.
#[tokio::test]
async fn a_repeated_step_answers_200_and_a_stale_one_409_with_the_current_state() {
    let app = spawn_app().await;
    let county = app.admin_of("220281").await;
    let city = app.admin_of("220200").await;
    let city_other = app.admin_of("220200").await;
    let (period, _) = last_quarter();
    let r = submitted(&app, &county, &followup("220281", &period, 12, 10)).await;
    // An edit naming an older version: REPORT_CHANGED.
    let edited = json_of(edit(&app, &county, &r, 9).await, StatusCode::OK).await;
    assert_eq!(edited["version"], 2);
    assert_error(
        edit(&app, &county, &r, 8).await,
        StatusCode::CONFLICT,
        "REPORT_CHANGED",
    )
    .await;
    // The same edit again by the same cadre: 200, nothing written.
    let same = json_of(edit(&app, &county, &r, 9).await, StatusCode::OK).await;
    assert_eq!(same["version"], 2);

    let first = json_of(
        step(&app, &city, &r["id"], "approvals", json!({"version": 2})).await,
        StatusCode::OK,
    )
    .await;
    let repeat = json_of(
        step(&app, &city, &r["id"], "approvals", json!({"version": 2})).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(repeat["version"], first["version"]);
    assert_eq!(
        repeat["timeline"].as_array().unwrap().len(),
        first["timeline"].as_array().unwrap().len(),
        "no second event"
    );
    // Another cadre approving the same version: the report is approved already.
    let body = assert_error(
        step(
            &app,
            &city_other,
            &r["id"],
            "approvals",
            json!({"version": 2}),
        )
        .await,
        StatusCode::CONFLICT,
        "INVALID_STATE",
    )
    .await;
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("已审核"),
        "{body}"
    );
}

/// Region guards: by id outside the caller's unit 404 (also for the steps); a list filter
/// outside 403; lists never show another unit's reports.
#[tokio::test]
async fn reports_outside_the_callers_unit_are_404_by_id_and_403_by_filter() {
    let app = spawn_app().await;
    let county = app.admin_of("220281").await;
    let city = app.admin_of("220200").await;
    let outsider = app.admin_of("220100").await;
    let neighbour = app.admin_of("220282").await;
    let (period, _) = last_quarter();
    let r = submitted(&app, &county, &followup("220281", &period, 12, 10)).await;
    let id = r["id"].as_str().unwrap();
    for who in [&outsider, &neighbour] {
        assert_error(
            app.get(&format!("{URL}/{id}"), Some(&who.token)).await,
            StatusCode::NOT_FOUND,
            "NOT_FOUND",
        )
        .await;
        assert_error(
            edit(&app, who, &r, 9).await,
            StatusCode::NOT_FOUND,
            "NOT_FOUND",
        )
        .await;
        assert_error(
            step(&app, who, &r["id"], "approvals", json!({"version": 1})).await,
            StatusCode::NOT_FOUND,
            "NOT_FOUND",
        )
        .await;
        assert_error(
            step(
                &app,
                who,
                &r["id"],
                "returns",
                json!({"reason": "请核对", "version": 1}),
            )
            .await,
            StatusCode::NOT_FOUND,
            "NOT_FOUND",
        )
        .await;
        let list = json_of(app.get(URL, Some(&who.token)).await, StatusCode::OK).await;
        assert_eq!(list["total"], 0, "{list}");
    }
    assert_error(
        app.get(&format!("{URL}?region=220200"), Some(&outsider.token))
            .await,
        StatusCode::FORBIDDEN,
        "OUTSIDE_REGION",
    )
    .await;
    assert_error(
        app.get(&format!("{URL}?region=220200"), Some(&county.token))
            .await,
        StatusCode::FORBIDDEN,
        "OUTSIDE_REGION",
    )
    .await;
    let resp = assert_error(
        app.get(&format!("{URL}?region=nowhere"), Some(&city.token))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    assert_eq!(resp["error"]["fields"][0]["code"], "UNKNOWN_REGION");
    // The unit, its city and the province see it; filters narrow the list.
    for who in [&county, &city] {
        let list = json_of(app.get(URL, Some(&who.token)).await, StatusCode::OK).await;
        assert_eq!(list["items"][0]["id"], id);
    }
    let q = format!("{URL}?region=220281&indicator={FOLLOWUP}&status=submitted&period={period}");
    let list = json_of(app.get(&q, Some(&city.token)).await, StatusCode::OK).await;
    assert_eq!(list["total"], 1);
    let list = json_of(
        app.get(&format!("{URL}?status=approved"), Some(&city.token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(list["total"], 0);
    // Nothing changed by the refused calls.
    assert_eq!(get(&app, &county, &r).await["version"], 1);
}

/// Two cadres of the city approving at once (on two instances): exactly one wins, one event.
#[tokio::test]
async fn two_concurrent_approvals_let_exactly_one_win() {
    let app = spawn_app().await;
    let other = app.spawn_another_instance().await;
    let county = app.admin_of("220281").await;
    let a = app.admin_of("220200").await;
    let b = app.admin_of("220200").await;
    let (period, _) = last_quarter();
    for (i, unit) in ["220281", "220282", "220283", "220284"].iter().enumerate() {
        let maker = if i == 0 {
            county.clone()
        } else {
            app.admin_of(unit).await
        };
        let r = submitted(&app, &maker, &followup(unit, &period, 12, 10)).await;
        let (x, y) = tokio::join!(
            step(&app, &a, &r["id"], "approvals", json!({"version": 1})),
            step(&other, &b, &r["id"], "approvals", json!({"version": 1})),
        );
        let mut statuses = [x.status(), y.status()];
        statuses.sort();
        assert_eq!(statuses, [StatusCode::OK, StatusCode::CONFLICT], "{unit}");
        let now = get(&app, &a, &r).await;
        assert_eq!(now["status"], "approved");
        assert_eq!(now["version"], 2);
        let approvals = now["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["action"] == "approve")
            .count();
        assert_eq!(approvals, 1);
    }
}

/// supervision.md §3 check 9: approved figures feed the line of the unit, its city and the
/// province at once (the cached counts are dropped), and an unapproval takes them out again.
#[tokio::test]
async fn approved_figures_feed_the_kpi_report_at_once_and_an_unapproval_takes_them_out() {
    let app = spawn_app().await;
    let county = app.admin_of("220281").await;
    let city = app.admin_of("220200").await;
    let province = app.admin_of("220000").await;
    let (period, this_year) = last_quarter();
    let q = format!("indicators={FOLLOWUP},{ECOMMERCE}");
    let before = report(&app, &province, &q).await;
    assert_eq!(line(&before, FOLLOWUP)["status"], "no_data");
    let offline_before = line(&before, ECOMMERCE)["numerator"].as_i64().unwrap();

    let r = submitted(&app, &county, &followup("220281", &period, 12, 9)).await;
    // Submitted figures do not count yet.
    let city_report = report(&app, &city, &q).await;
    assert_eq!(line(&city_report, FOLLOWUP)["numerator"], 0);
    let approved = json_of(
        step(&app, &city, &r["id"], "approvals", json!({"version": 1})).await,
        StatusCode::OK,
    )
    .await;
    // An e-commerce report of offline joint trainings inside the 2023 window, approved too.
    let training = submitted(
        &app,
        &county,
        &json!({"indicatorCode": ECOMMERCE, "areaUnitCode": "220281", "period": "2023-Q2",
                "values": {"personTimes": 120, "sessions": 3}}),
    )
    .await;
    json_of(
        step(
            &app,
            &city,
            &training["id"],
            "approvals",
            json!({"version": 1}),
        )
        .await,
        StatusCode::OK,
    )
    .await;

    let after = report(&app, &province, &q).await;
    let l = line(&after, FOLLOWUP);
    if this_year {
        // 9 followed up within the SLA of 12 referred: 750 ‰, at the province and in 吉林市.
        assert_eq!(
            (l["numerator"].as_i64(), l["denominator"].as_i64()),
            (Some(9), Some(12)),
            "{l}"
        );
        assert_eq!(l["value"], 750);
        let jilin = child(l, "220200");
        assert_eq!(
            (jilin["numerator"].as_i64(), jilin["value"].as_i64()),
            (Some(9), Some(750))
        );
        assert_eq!(child(l, "220100")["numerator"], 0);
        let received = l["breakdown"]
            .as_array()
            .unwrap()
            .iter()
            .find(|b| b["key"] == "received")
            .unwrap_or_else(|| panic!("received in {l}"));
        assert_eq!(received["numerator"], 40);
        // The county's own line counts it; its townships never split a unit's report.
        let mine = report(&app, &county, &format!("indicators={FOLLOWUP}")).await;
        let mine = line(&mine, FOLLOWUP);
        assert_eq!(mine["numerator"], 9);
        assert!(
            mine["children"]
                .as_array()
                .unwrap()
                .iter()
                .all(|t| t["numerator"] == 0)
        );
    } else {
        // Last year's fourth quarter is not in this year's line.
        assert_eq!(l["numerator"], 0, "{l}");
    }
    let e = line(&after, ECOMMERCE);
    assert_eq!(
        e["numerator"].as_i64().unwrap(),
        offline_before + 120,
        "{e}"
    );
    let offline = e["breakdown"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["key"] == "offline_joint")
        .unwrap_or_else(|| panic!("offline_joint in {e}"));
    assert_eq!(offline["numerator"], 120);
    assert_eq!(child(e, "220200")["numerator"].as_i64().unwrap(), 120);
    // Accepted by the province it still counts; unaccepted (back to approved) too.
    let accepted = json_of(
        step(
            &app,
            &province,
            &training["id"],
            "acceptances",
            json!({"version": 2}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let still = report(&app, &province, &q).await;
    assert_eq!(
        line(&still, ECOMMERCE)["numerator"].as_i64().unwrap(),
        offline_before + 120
    );
    let training_back = json_of(
        step(
            &app,
            &app.admin_of("220000").await,
            &training["id"],
            "unacceptances",
            json!({"reason": "签到表不全", "version": accepted["version"]}),
        )
        .await,
        StatusCode::OK,
    )
    .await;

    // The city unapproves: at once the province line is back to what it was.
    json_of(
        step(
            &app,
            &city,
            &r["id"],
            "unapprovals",
            json!({"reason": "跟进数待核实", "version": approved["version"]}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    json_of(
        step(
            &app,
            &city,
            &training["id"],
            "unapprovals",
            json!({"reason": "签到表不全", "version": training_back["version"]}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let again = report(&app, &province, &q).await;
    assert_eq!(line(&again, FOLLOWUP)["numerator"], 0);
    assert_eq!(line(&again, FOLLOWUP)["status"], "no_data");
    assert_eq!(
        line(&again, ECOMMERCE)["numerator"].as_i64().unwrap(),
        offline_before
    );
}

fn queue(list: &Value, name: &str) -> (u64, u64) {
    let item = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["queue"] == name)
        .unwrap_or_else(|| panic!("{name} in {list}"));
    (
        item["count"].as_u64().unwrap(),
        item["overdue"].as_u64().unwrap(),
    )
}

async fn todos(app: &TestApp, who: &Login) -> Value {
    json_of(
        app.get("/api/v1/admin/todos", Some(&who.token)).await,
        StatusCode::OK,
    )
    .await
}

/// The to-do queues: the last quarter's 12355 figures owed by a local unit, reports waiting for
/// the unit above (never one's own), approved reports waiting for the province (never one's own
/// approval).
#[tokio::test]
async fn the_to_do_queues_count_reports_to_submit_approve_and_accept() {
    let app = spawn_app().await;
    let county = app.admin_of("220281").await;
    let city = app.admin_of("220200").await;
    let province = app.admin_of("220000").await;
    let province_other = app.admin_of("220000").await;
    let (period, _) = last_quarter();
    assert_eq!(
        queue(&todos(&app, &county).await, "kpi_reports_to_submit"),
        (1, 0)
    );
    let r = submitted(&app, &county, &followup("220281", &period, 12, 10)).await;
    let list = todos(&app, &county).await;
    assert_eq!(queue(&list, "kpi_reports_to_submit"), (0, 0));
    assert!(
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["queue"] != "kpi_reports_to_approve"),
        "a county has no unit below it"
    );
    assert_eq!(
        queue(&todos(&app, &city).await, "kpi_reports_to_approve"),
        (1, 0)
    );
    assert_eq!(
        queue(&todos(&app, &province).await, "kpi_reports_to_approve"),
        (1, 0)
    );
    assert_eq!(
        queue(
            &todos(&app, &app.admin_of("220100").await).await,
            "kpi_reports_to_approve"
        ),
        (0, 0)
    );
    json_of(
        step(
            &app,
            &province,
            &r["id"],
            "approvals",
            json!({"version": 1}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        queue(&todos(&app, &city).await, "kpi_reports_to_approve"),
        (0, 0)
    );
    assert_eq!(
        queue(&todos(&app, &province).await, "kpi_reports_to_accept"),
        (0, 0),
        "own approval"
    );
    assert_eq!(
        queue(&todos(&app, &province_other).await, "kpi_reports_to_accept"),
        (1, 0)
    );
}

/// Evidence files: the maker's own `kpi_evidence` uploads attach to the report and are served as
/// signed links; someone else's key is 422 `MEDIA_KEY_INVALID` and nothing is written.
#[tokio::test]
async fn evidence_files_are_the_makers_own_uploads_and_come_back_as_links() {
    let app = spawn_app().await;
    let county = app.admin_of("220281").await;
    let other = app.admin_of("220281").await;
    let city = app.admin_of("220200").await;
    let (period, _) = last_quarter();
    let theirs = app
        .upload_key(&other, "kpi_evidence", &crate::helpers::tiny_jpeg())
        .await;
    let mut body = followup("220281", &period, 12, 10);
    body["evidenceMedia"] = json!([theirs]);
    let resp = assert_error(
        submit(&app, &county, &body).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    assert_eq!(resp["error"]["fields"][0]["field"], "evidenceMedia[0]");
    assert_eq!(resp["error"]["fields"][0]["code"], "MEDIA_KEY_INVALID");
    assert_eq!(rows(&app).await, 0);

    let mine = app
        .upload_key(&county, "kpi_evidence", &crate::helpers::tiny_jpeg())
        .await;
    body["evidenceMedia"] = json!([mine]);
    let r = submitted(&app, &county, &body).await;
    assert_eq!(r["evidenceMedia"][0]["key"], mine.as_str());
    // The city reads the report with a link that works without a token.
    let seen = get(&app, &city, &r).await;
    let url = seen["evidenceMedia"][0]["url"].as_str().unwrap().to_owned();
    assert_eq!(app.get(&url, None).await.status(), StatusCode::OK);
    // The file is the report's now: it cannot go into a second report.
    let mut second = followup("220282", &period, 12, 10);
    second["evidenceMedia"] = json!([mine]);
    let neighbour = app.admin_of("220282").await;
    assert_error(
        submit(&app, &neighbour, &second).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
}
