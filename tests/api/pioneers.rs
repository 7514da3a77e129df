//! 乡村振兴青年先锋 and recognitions (`supervision.md` §5, issue 13 point 6), black-box over HTTP.
//!
//! The spec's checks: 6 `a_recognition_counts_in_both_typical_lines_once_the_parent_unit_confirms_it…`
//! (an outside honour); four-eyes `the_province_confirms_its_own_recognitions_by_another_province_cadre`;
//! region isolation `a_cadre_of_another_county_finds_no_recognition…`; bad input
//! `bad_recognitions_are_refused_with_field_codes`.
use entity::talent_profiles;
use jiqing::kpi_scope::VillageScope;
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

use crate::helpers::{Login, TestApp, assert_error, json_of, spawn_app, tiny_jpeg};
use crate::kpi::{line, report, villages_of};
use crate::youth_homes::todo_count;

const RECOGNITIONS: &str = "/api/v1/admin/recognitions";
const TOWNSHIP_LINE: &str = "township_typical_coverage";
const VILLAGE_LINE: &str = "village_typical_coverage";

/// Village committees of 蛟河 whose township counts (a rural township), by code.
pub async fn rural_villages(app: &TestApp) -> Vec<String> {
    let townships = crate::youth_homes::townships_of(app, "220281").await;
    let mut v = villages_of(app, "220281", VillageScope::VillageCommittees).await;
    v.retain(|c| townships.iter().any(|t| c.starts_with(t.as_str())));
    v
}

/// The talent profile id of a youth.
pub async fn talent_id(app: &TestApp, youth: &Login) -> String {
    talent_profiles::Entity::find()
        .filter(talent_profiles::Column::UserId.eq(youth.user_id.parse::<uuid::Uuid>().unwrap()))
        .one(app.db())
        .await
        .unwrap()
        .expect("a talent profile")
        .id
        .to_string()
}

pub async fn recognition_body(app: &TestApp, cadre: &Login, talent: &str) -> Value {
    let key = app.upload_key(cadre, "recognition", &tiny_jpeg()).await;
    json!({"talentProfileId": talent, "kind": "other_honour", "level": "city",
           "title": "吉林市优秀青年农民", "awardedOn": "2026-05-04", "evidence": [key]})
}

pub async fn recorded(app: &TestApp, cadre: &Login, talent: &str) -> Value {
    let body = recognition_body(app, cadre, talent).await;
    json_of(
        app.post(RECOGNITIONS, Some(&cadre.token), &body).await,
        StatusCode::CREATED,
    )
    .await
}

async fn act(app: &TestApp, who: &Login, r: &Value, step: &str, body: &Value) -> reqwest::Response {
    app.post(
        &format!("{RECOGNITIONS}/{}/{step}", r["id"].as_str().unwrap()),
        Some(&who.token),
        body,
    )
    .await
}

pub async fn confirmed(app: &TestApp, checker: &Login, r: &Value) -> Value {
    json_of(
        act(
            app,
            checker,
            r,
            "confirmations",
            &json!({"version": r["version"]}),
        )
        .await,
        StatusCode::OK,
    )
    .await
}

/// Numerators of the two 青年典型 lines in the caller's report.
pub async fn typical(app: &TestApp, who: &Login) -> (i64, i64) {
    let r = report(
        app,
        who,
        &format!("indicators={TOWNSHIP_LINE},{VILLAGE_LINE}"),
    )
    .await;
    (
        line(&r, TOWNSHIP_LINE)["numerator"].as_i64().unwrap(),
        line(&r, VILLAGE_LINE)["numerator"].as_i64().unwrap(),
    )
}

async fn gap_codes(app: &TestApp, who: &Login, indicator: &str) -> Vec<String> {
    let mut out = Vec::new();
    for page in 1.. {
        let g = json_of(
            app.get(
                &format!(
                    "/api/v1/admin/kpi/gaps?indicator={indicator}&region=220281&pageSize=100&page={page}"
                ),
                Some(&who.token),
            )
            .await,
            StatusCode::OK,
        )
        .await;
        let items = g["items"].as_array().unwrap();
        out.extend(items.iter().map(|i| i["code"].as_str().unwrap().to_owned()));
        if items.len() < 100 {
            break;
        }
    }
    out
}

#[tokio::test]
async fn a_recognition_counts_in_both_typical_lines_once_the_parent_unit_confirms_it_and_revoking_removes_it()
 {
    let app = spawn_app().await;
    let village = rural_villages(&app).await[0].clone();
    let township = village[..9].to_owned();
    let youth = app.youth_in("典型甲", &village, true).await;
    let talent = talent_id(&app, &youth).await;
    let county = app.admin_of("220281").await;
    let county2 = app.admin_of("220281").await;
    let city = app.admin_of("220200").await;
    let province = app.admin_of("220000").await;
    // Read first: the counts are cached from here on.
    assert_eq!(typical(&app, &county).await, (0, 0));
    assert_eq!(typical(&app, &province).await, (0, 0));
    let r = recorded(&app, &county, &talent).await;
    assert_eq!(r["status"], "recorded");
    assert_eq!(r["counted"], false);
    assert_eq!(r["recordedByUnitCode"], "220281");
    assert_eq!(r["homeRegionCode"], json!(village));
    assert_eq!(
        typical(&app, &county).await,
        (0, 0),
        "not before confirmation"
    );
    assert_eq!(todo_count(&app, &city, "recognitions_to_confirm").await, 1);
    assert_eq!(
        todo_count(&app, &province, "recognitions_to_confirm").await,
        1
    );
    assert_eq!(
        todo_count(&app, &county2, "recognitions_to_confirm").await,
        0
    );
    // Four-eyes: the recorder, and another cadre of the recording unit, cannot confirm.
    let v = json!({"version": r["version"]});
    assert_error(
        act(&app, &county, &r, "confirmations", &v).await,
        StatusCode::FORBIDDEN,
        "SAME_ACTOR_NOT_ALLOWED",
    )
    .await;
    assert_error(
        act(&app, &county2, &r, "confirmations", &v).await,
        StatusCode::FORBIDDEN,
        "PARENT_UNIT_ONLY",
    )
    .await;
    assert_eq!(typical(&app, &county).await, (0, 0));
    let c = confirmed(&app, &city, &r).await;
    assert_eq!(c["status"], "confirmed");
    assert_eq!(c["counted"], true);
    assert_eq!(c["confirmedBy"], json!(city.user_id));
    // At once, for the county, the city and the province (their cached counts were dropped).
    assert_eq!(typical(&app, &county).await, (1, 1));
    assert_eq!(typical(&app, &city).await, (1, 1));
    assert_eq!(typical(&app, &province).await, (1, 1));
    assert_eq!(todo_count(&app, &city, "recognitions_to_confirm").await, 0);
    // The county's work lists no longer name the village and its township.
    assert!(
        !gap_codes(&app, &county, VILLAGE_LINE)
            .await
            .contains(&village)
    );
    assert!(
        !gap_codes(&app, &county, TOWNSHIP_LINE)
            .await
            .contains(&township)
    );
    // A second talent of the same village changes nothing.
    let youth2 = app.youth_in("典型乙", &village, true).await;
    let r2 = recorded(&app, &county, &talent_id(&app, &youth2).await).await;
    confirmed(&app, &city, &r2).await;
    assert_eq!(typical(&app, &county).await, (1, 1));
    // Revoking the first leaves the second; revoking both removes the village.
    let revoke = |r: &Value| json!({"reason": "经核查荣誉证明不实", "version": r["version"]});
    let gone = json_of(
        act(&app, &county, &c, "revocations", &revoke(&c)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(gone["status"], "revoked");
    assert_eq!(gone["counted"], false);
    assert_eq!(gone["revokeReason"], "经核查荣誉证明不实");
    assert_eq!(typical(&app, &county).await, (1, 1));
    let r2 = json_of(
        app.get(
            &format!("{RECOGNITIONS}/{}", r2["id"].as_str().unwrap()),
            Some(&city.token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    json_of(
        act(&app, &city, &r2, "revocations", &revoke(&r2)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(typical(&app, &county).await, (0, 0));
    assert_eq!(typical(&app, &province).await, (0, 0));
    assert!(
        gap_codes(&app, &county, VILLAGE_LINE)
            .await
            .contains(&village)
    );
    let actions: Vec<&str> = gone["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["record", "confirm", "revoke"]);
    // Revoked is final.
    assert_error(
        act(
            &app,
            &county,
            &gone,
            "revocations",
            &json!({"reason": "再次撤销"}),
        )
        .await,
        StatusCode::CONFLICT,
        "INVALID_STATE",
    )
    .await;
    assert_error(
        act(
            &app,
            &city,
            &gone,
            "confirmations",
            &json!({"version": gone["version"]}),
        )
        .await,
        StatusCode::CONFLICT,
        "INVALID_STATE",
    )
    .await;
}

#[tokio::test]
async fn the_province_confirms_its_own_recognitions_by_another_province_cadre() {
    let app = spawn_app().await;
    let village = rural_villages(&app).await[1].clone();
    let youth = app.youth_in("典型丙", &village, true).await;
    let talent = talent_id(&app, &youth).await;
    let province = app.admin_of("220000").await;
    let province2 = app.admin_of("220000").await;
    let city = app.admin_of("220200").await;
    let r = recorded(&app, &province, &talent).await;
    assert_eq!(r["recordedByUnitCode"], "220000");
    assert_eq!(
        todo_count(&app, &province2, "recognitions_to_confirm").await,
        1
    );
    assert_eq!(
        todo_count(&app, &province, "recognitions_to_confirm").await,
        0
    );
    assert_eq!(todo_count(&app, &city, "recognitions_to_confirm").await, 0);
    let v = json!({"version": r["version"]});
    assert_error(
        act(&app, &province, &r, "confirmations", &v).await,
        StatusCode::FORBIDDEN,
        "SAME_ACTOR_NOT_ALLOWED",
    )
    .await;
    // A unit below the recording unit never confirms, nor revokes.
    assert_error(
        act(&app, &city, &r, "confirmations", &v).await,
        StatusCode::FORBIDDEN,
        "PARENT_UNIT_ONLY",
    )
    .await;
    assert_error(
        act(
            &app,
            &city,
            &r,
            "revocations",
            &json!({"reason": "越级撤销"}),
        )
        .await,
        StatusCode::FORBIDDEN,
        "RECORDING_UNIT_ONLY",
    )
    .await;
    let c = confirmed(&app, &province2, &r).await;
    assert_eq!(c["counted"], true);
    // The same confirmation again is the same answer.
    let again = confirmed(&app, &province2, &r).await;
    assert_eq!(again["version"], c["version"]);
    assert_eq!(typical(&app, &city).await, (1, 1));
}

#[tokio::test]
async fn a_cadre_of_another_county_finds_no_recognition_and_cannot_record_one() {
    let app = spawn_app().await;
    let village = rural_villages(&app).await[2].clone();
    let youth = app.youth_in("典型丁", &village, true).await;
    let talent = talent_id(&app, &youth).await;
    let county = app.admin_of("220281").await;
    let other = app.admin_of("220282").await;
    let r = recorded(&app, &county, &talent).await;
    let id = r["id"].as_str().unwrap();
    let t = Some(other.token.as_str());
    for resp in [
        app.get(&format!("{RECOGNITIONS}/{id}"), t).await,
        act(&app, &other, &r, "confirmations", &json!({"version": 1})).await,
        act(
            &app,
            &other,
            &r,
            "revocations",
            &json!({"reason": "越权撤销"}),
        )
        .await,
    ] {
        assert_error(resp, StatusCode::NOT_FOUND, "NOT_FOUND").await;
    }
    assert_eq!(
        json_of(app.get(RECOGNITIONS, t).await, StatusCode::OK).await["total"],
        0
    );
    assert_error(
        app.get(&format!("{RECOGNITIONS}?region=220281"), t).await,
        StatusCode::FORBIDDEN,
        "OUTSIDE_REGION",
    )
    .await;
    let body = recognition_body(&app, &other, &talent).await;
    assert_error(
        app.post(RECOGNITIONS, t, &body).await,
        StatusCode::FORBIDDEN,
        "OUTSIDE_REGION",
    )
    .await;
    let mine = json_of(
        app.get(
            &format!("{RECOGNITIONS}?region=220281&status=recorded"),
            Some(&county.token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(mine["total"], 1);
    assert_eq!(mine["items"][0]["talentName"], "测试典型丁");
}

#[tokio::test]
async fn bad_recognitions_are_refused_with_field_codes() {
    let app = spawn_app().await;
    let village = rural_villages(&app).await[3].clone();
    let youth = app.youth_in("典型戊", &village, true).await;
    let talent = talent_id(&app, &youth).await;
    let county = app.admin_of("220281").await;
    let fields = |err: &Value| -> Vec<(String, String)> {
        err["error"]["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["field"].as_str().unwrap().to_owned(),
                    f["code"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    let post = |body: Value| {
        let app = &app;
        let token = county.token.clone();
        async move { app.post(RECOGNITIONS, Some(&token), &body).await }
    };
    let mut body = recognition_body(&app, &county, &talent).await;
    body["awardedOn"] = json!("2099-01-01");
    body["evidence"] = json!([]);
    let err = assert_error(
        post(body.clone()).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    let f = fields(&err);
    assert!(f.contains(&("awardedOn".into(), "RANGE".into())), "{f:?}");
    assert!(f.contains(&("evidence".into(), "REQUIRED".into())), "{f:?}");
    let mut short = recognition_body(&app, &county, &talent).await;
    short["title"] = json!("优");
    let err = assert_error(
        post(short).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    assert_eq!(fields(&err), [("title".to_owned(), "LENGTH".to_owned())]);
    let mut unknown = recognition_body(&app, &county, &talent).await;
    unknown["talentProfileId"] = json!(uuid::Uuid::now_v7());
    let err = assert_error(
        post(unknown).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    assert_eq!(
        fields(&err),
        [(
            "talentProfileId".to_owned(),
            "REFERENCE_NOT_FOUND".to_owned()
        )]
    );
    let mut extra = recognition_body(&app, &county, &talent).await;
    extra["idNumber"] = json!("220281200001010011");
    let err = assert_error(
        post(extra).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    assert_eq!(err["error"]["fields"][0]["code"], "UNKNOWN_FIELD");
    let mut kind = recognition_body(&app, &county, &talent).await;
    kind["level"] = json!("township");
    assert_error(
        post(kind).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    // An unverified talent has no honours recorded yet.
    let pending = app.youth_in("典型己", &village, false).await;
    let body = recognition_body(&app, &county, &talent_id(&app, &pending).await).await;
    assert_error(
        post(body).await,
        StatusCode::FORBIDDEN,
        "VERIFICATION_REQUIRED",
    )
    .await;
    // A revocation states its reason.
    let r = recorded(&app, &county, &talent).await;
    let err = assert_error(
        act(&app, &county, &r, "revocations", &json!({"reason": " "})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    assert_eq!(fields(&err), [("reason".to_owned(), "LENGTH".to_owned())]);
}

// ---- Stage 2: rounds, nominations, objections ----------------------------------------------

const ROUNDS: &str = "/api/v1/admin/pioneer-rounds";
const NOMINATIONS: &str = "/api/v1/admin/pioneer-nominations";

fn round_body(quota: i32) -> Value {
    let now = chrono::Utc::now();
    json!({"name": "蛟河市乡村振兴青年先锋", "categories": ["industry", "governance"],
           "nominationsOpenAt": (now - chrono::Duration::hours(1)).to_rfc3339(),
           "nominationsCloseAt": (now + chrono::Duration::days(7)).to_rfc3339(),
           "quota": quota})
}

/// An open round of the county's league unit.
async fn open_round(app: &TestApp, cadre: &Login, quota: i32) -> Value {
    let r = json_of(
        app.post(ROUNDS, Some(&cadre.token), &round_body(quota))
            .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(r["status"], "draft");
    json_of(
        app.post(
            &format!("{ROUNDS}/{}/openings", r["id"].as_str().unwrap()),
            Some(&cadre.token),
            &json!({"version": r["version"]}),
        )
        .await,
        StatusCode::OK,
    )
    .await
}

fn nomination_body() -> Value {
    json!({"category": "industry", "story": "返乡创办食用菌合作社，带动30户村民增收致富。",
           "achievements": "合作社年销售额200万元", "yearsInField": 5})
}

async fn self_nominate(app: &TestApp, youth: &Login, round: &Value) -> reqwest::Response {
    app.post(
        &format!(
            "/api/v1/pioneer-rounds/{}/nominations",
            round["id"].as_str().unwrap()
        ),
        Some(&youth.token),
        &nomination_body(),
    )
    .await
}

async fn step_n(
    app: &TestApp,
    who: &Login,
    id: &str,
    step: &str,
    body: &Value,
) -> reqwest::Response {
    app.post(
        &format!("{NOMINATIONS}/{id}/{step}"),
        Some(&who.token),
        body,
    )
    .await
}

async fn consent(app: &TestApp, youth: &Login, id: &str) {
    json_of(
        app.put(
            &format!("/api/v1/me/pioneer-nominations/{id}/publicity-consent"),
            Some(&youth.token),
            &json!({"agreed": true, "consentVersion": "2026-12"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
}

/// A youth of `village` nominated in `round`, qualified and shortlisted by the county (the round's
/// unit and the nominee's local unit); with `consented`, also in publicity.
async fn shortlisted(
    app: &TestApp,
    county: &Login,
    round: &Value,
    name: &str,
    village: &str,
    consented: bool,
) -> (Login, String) {
    let youth = app.youth_in(name, village, true).await;
    let n = json_of(self_nominate(app, &youth, round).await, StatusCode::CREATED).await;
    assert_eq!(n["status"], "nominated");
    let id = n["id"].as_str().unwrap().to_owned();
    json_of(
        step_n(
            app,
            county,
            &id,
            "qualifications",
            &json!({"decision": "qualified"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    json_of(
        step_n(
            app,
            county,
            &id,
            "shortlistings",
            &json!({"decision": "shortlisted"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    if consented {
        consent(app, &youth, &id).await;
        let p = json_of(
            step_n(app, county, &id, "publicisations", &json!({})).await,
            StatusCode::OK,
        )
        .await;
        assert_eq!(p["status"], "in_publicity");
    }
    (youth, id)
}

/// Publicity of a nomination ended a minute ago (as if `publicityDays` had passed).
async fn end_publicity(app: &TestApp, id: &str) {
    use entity::pioneer_nominations::{Column as N, Entity};
    use sea_orm::sea_query::Expr;
    Entity::update_many()
        .col_expr(
            N::PublicityEndsAt,
            Expr::value(chrono::Utc::now() - chrono::Duration::minutes(1)),
        )
        .filter(N::Id.eq(id.parse::<uuid::Uuid>().unwrap()))
        .exec(app.db())
        .await
        .unwrap();
}

async fn set_birth(app: &TestApp, youth: &Login, dob: chrono::NaiveDate) {
    use sea_orm::sea_query::Expr;
    talent_profiles::Entity::update_many()
        .col_expr(talent_profiles::Column::DateOfBirth, Expr::value(dob))
        .filter(talent_profiles::Column::UserId.eq(youth.user_id.parse::<uuid::Uuid>().unwrap()))
        .exec(app.db())
        .await
        .unwrap();
}

async fn nomination(app: &TestApp, who: &Login, id: &str) -> Value {
    json_of(
        app.get(&format!("{NOMINATIONS}/{id}"), Some(&who.token))
            .await,
        StatusCode::OK,
    )
    .await
}

#[tokio::test]
async fn check_1_a_nominee_aged_41_on_the_close_date_or_17_on_the_day_is_refused() {
    use chrono::{Datelike, NaiveDate};
    let app = spawn_app().await;
    let village = rural_villages(&app).await[4].clone();
    let county = app.admin_of("220281").await;
    let round = open_round(&app, &county, 5).await;
    // The round's unit edits it (the version it saw); a stale version is refused.
    let mut edit = round_body(5);
    edit["nominationsOpenAt"] = round["nominationsOpenAt"].clone();
    edit["nominationsCloseAt"] = round["nominationsCloseAt"].clone();
    edit["name"] = json!("蛟河市第一届乡村振兴青年先锋");
    edit["version"] = round["version"].clone();
    let url = format!("{ROUNDS}/{}", round["id"].as_str().unwrap());
    let round = json_of(
        app.put(&url, Some(&county.token), &edit).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(round["name"], "蛟河市第一届乡村振兴青年先锋");
    edit["name"] = json!("改名");
    assert_error(
        app.put(&url, Some(&county.token), &edit).await,
        StatusCode::CONFLICT,
        "ROUND_CHANGED",
    )
    .await;
    let close = jiqing::time::today_in_china(
        chrono::DateTime::parse_from_rfc3339(round["nominationsCloseAt"].as_str().unwrap())
            .unwrap()
            .with_timezone(&chrono::Utc),
    );
    let years_before = |d: NaiveDate, y: i32| {
        NaiveDate::from_ymd_opt(d.year() - y, d.month(), d.day().min(28)).unwrap()
    };
    let old = app.youth_in("年龄甲", &village, true).await;
    // 41 on the close date (a 41st birthday on or before it).
    set_birth(&app, &old, years_before(close, 41)).await;
    assert_error(
        self_nominate(&app, &old, &round).await,
        StatusCode::FORBIDDEN,
        "AGE_NOT_ELIGIBLE",
    )
    .await;
    let today = jiqing::time::today_in_china(chrono::Utc::now());
    let young = app.youth_in("年龄乙", &village, true).await;
    set_birth(&app, &young, years_before(today, 17)).await;
    assert_error(
        self_nominate(&app, &young, &round).await,
        StatusCode::FORBIDDEN,
        "AGE_NOT_ELIGIBLE",
    )
    .await;
    // 40 on the close date is eligible; a second nomination is a conflict.
    let forty = app.youth_in("年龄丙", &village, true).await;
    set_birth(
        &app,
        &forty,
        years_before(close, 41) + chrono::Duration::days(1),
    )
    .await;
    json_of(
        self_nominate(&app, &forty, &round).await,
        StatusCode::CREATED,
    )
    .await;
    assert_error(
        self_nominate(&app, &forty, &round).await,
        StatusCode::CONFLICT,
        "ALREADY_NOMINATED",
    )
    .await;
    // Reviewers act on the nominee's profile: it stays until the nomination is decided.
    assert_error(
        app.delete("/api/v1/me/talent-profile", Some(&forty.token))
            .await,
        StatusCode::CONFLICT,
        "TALENT_PROFILE_IN_USE",
    )
    .await;
    // Years in the field below the round's minimum: 422 RANGE.
    let green = app.youth_in("年龄丁", &village, true).await;
    let mut body = nomination_body();
    body["yearsInField"] = json!(0);
    let err = assert_error(
        app.post(
            &format!(
                "/api/v1/pioneer-rounds/{}/nominations",
                round["id"].as_str().unwrap()
            ),
            Some(&green.token),
            &body,
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    assert_eq!(err["error"]["fields"][0]["code"], "RANGE");
}

#[tokio::test]
async fn checks_2_3_4_consent_publicity_and_objections_stand_before_naming() {
    let app = spawn_app().await;
    let village = rural_villages(&app).await[5].clone();
    let county = app.admin_of("220281").await;
    let round = open_round(&app, &county, 5).await;
    let (youth, id) = shortlisted(&app, &county, &round, "公示甲", &village, false).await;
    // Check 2: no consent, no publicity.
    assert_error(
        step_n(&app, &county, &id, "publicisations", &json!({})).await,
        StatusCode::CONFLICT,
        "NOMINEE_CONSENT_REQUIRED",
    )
    .await;
    consent(&app, &youth, &id).await;
    let p = json_of(
        step_n(&app, &county, &id, "publicisations", &json!({})).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(p["status"], "in_publicity");
    let page = json_of(
        app.get(
            &format!(
                "/api/v1/pioneer-rounds/{}/publicity",
                round["id"].as_str().unwrap()
            ),
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(page["items"][0]["name"], "测试公示甲");
    // Check 3: naming before publicity ends.
    assert_error(
        step_n(&app, &county, &id, "namings", &json!({})).await,
        StatusCode::CONFLICT,
        "PUBLICITY_NOT_ENDED",
    )
    .await;
    // Check 4: an objection moves it to objection_review; naming is then OBJECTION_OPEN.
    let objector = app.login_as_youth("异议人甲").await;
    let url = format!("/api/v1/pioneer-nominations/{id}/objections");
    let reason = json!({"reason": "该同志所述合作社实际由他人经营，事迹与事实不符"});
    assert_error(
        app.post(&url, Some(&objector.token), &reason).await,
        StatusCode::CONFLICT,
        "PHONE_REQUIRED",
    )
    .await;
    crate::loans::bind_phone(&app, &objector).await;
    let o = json_of(
        app.post(&url, Some(&objector.token), &reason).await,
        StatusCode::CREATED,
    )
    .await;
    assert_error(
        app.post(&url, Some(&objector.token), &reason).await,
        StatusCode::CONFLICT,
        "ALREADY_OBJECTED",
    )
    .await;
    assert_eq!(
        nomination(&app, &county, &id).await["status"],
        "objection_review"
    );
    // The nominee never sees it.
    let mine = json_of(
        app.get("/api/v1/me/pioneer-nominations", Some(&youth.token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(mine[0]["status"], "in_publicity");
    end_publicity(&app, &id).await;
    assert_error(
        step_n(&app, &county, &id, "namings", &json!({})).await,
        StatusCode::CONFLICT,
        "OBJECTION_OPEN",
    )
    .await;
    // Dismissed: back in publicity (its end unchanged), and it can be named.
    let reviewed = json_of(
        app.post(
            &format!(
                "/api/v1/admin/pioneer-objections/{}/reviews",
                o["id"].as_str().unwrap()
            ),
            Some(&county.token),
            &json!({"decision": "dismissed", "note": "经核实，事迹属实"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(reviewed["nomination"]["status"], "in_publicity");
    let named = json_of(
        step_n(&app, &county, &id, "namings", &json!({})).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(named["status"], "named");
    // Objections after publicity ended are refused.
    let late = app.login_as_youth("异议人乙").await;
    crate::loans::bind_phone(&app, &late).await;
    assert_error(
        app.post(&url, Some(&late.token), &reason).await,
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
    )
    .await;
}

#[tokio::test]
async fn check_5_two_concurrent_namings_with_quota_1_make_one_pioneer() {
    let app = spawn_app().await;
    let second = app.second_instance_on_postgres().await;
    let other = second.as_ref().unwrap_or(&app);
    let villages = rural_villages(&app).await;
    let county = app.admin_of("220281").await;
    let county2 = app.admin_of("220281").await;
    let round = open_round(&app, &county, 1).await;
    let (_, a) = shortlisted(&app, &county, &round, "名额甲", &villages[6], true).await;
    let (_, b) = shortlisted(&app, &county, &round, "名额乙", &villages[7], true).await;
    end_publicity(&app, &a).await;
    end_publicity(&app, &b).await;
    let (ua, ub, empty) = (
        format!("{NOMINATIONS}/{a}/namings"),
        format!("{NOMINATIONS}/{b}/namings"),
        json!({}),
    );
    let (ra, rb) = tokio::join!(
        app.post(&ua, Some(&county.token), &empty),
        other.post(&ub, Some(&county2.token), &empty),
    );
    let mut statuses = [ra.status(), rb.status()];
    let bodies = [
        ra.json::<Value>().await.unwrap(),
        rb.json::<Value>().await.unwrap(),
    ];
    statuses.sort();
    assert_eq!(
        statuses,
        [StatusCode::OK, StatusCode::CONFLICT],
        "{bodies:?}"
    );
    assert!(
        bodies.iter().any(|b| b["error"]["code"] == "QUOTA_REACHED"),
        "{bodies:?}"
    );
    let r = json_of(
        app.get(
            &format!("{ROUNDS}/{}", round["id"].as_str().unwrap()),
            Some(&county.token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(r["namedCount"], 1);
}

#[tokio::test]
async fn check_6_a_named_pioneer_counts_once_the_parent_unit_confirms_the_recognition() {
    let app = spawn_app().await;
    let village = rural_villages(&app).await[8].clone();
    let county = app.admin_of("220281").await;
    let city = app.admin_of("220200").await;
    let round = open_round(&app, &county, 3).await;
    let (youth, id) = shortlisted(&app, &county, &round, "命名甲", &village, true).await;
    end_publicity(&app, &id).await;
    assert_eq!(typical(&app, &county).await, (0, 0));
    let named = json_of(
        step_n(&app, &county, &id, "namings", &json!({})).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(named["status"], "named");
    let rid = named["recognitionId"].as_str().unwrap().to_owned();
    let r = json_of(
        app.get(&format!("{RECOGNITIONS}/{rid}"), Some(&city.token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(r["kind"], "pioneer_named");
    assert_eq!(r["recordedByUnitCode"], "220281");
    assert_eq!(r["sourceRoundId"], round["id"]);
    // Not before the parent unit confirms.
    assert_eq!(typical(&app, &county).await, (0, 0));
    assert_eq!(todo_count(&app, &city, "recognitions_to_confirm").await, 1);
    confirmed(&app, &city, &r).await;
    assert_eq!(typical(&app, &county).await, (1, 1));
    // The public list shows the named pioneer while the consent stands.
    let list = json_of(
        app.get("/api/v1/pioneers?region=220281", None).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["name"], "测试命名甲");
    json_of(
        app.delete(
            &format!("/api/v1/me/pioneer-nominations/{id}/publicity-consent"),
            Some(&youth.token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let list = json_of(
        app.get("/api/v1/pioneers?region=220281", None).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(list["total"], 0);
}

#[tokio::test]
async fn check_7_a_sixth_objection_in_a_round_is_refused_and_closing_the_round_ends_the_rest() {
    // Retention 0 years: one run of `retention-anonymise` clears the closed round's objections.
    let app = crate::helpers::spawn_app_with(|s| s.retention_years = 0).await;
    let villages = rural_villages(&app).await;
    let county = app.admin_of("220281").await;
    let round = open_round(&app, &county, 5).await;
    let (_, id) = shortlisted(&app, &county, &round, "异议甲", &villages[9], true).await;
    let objector = app.login_as_youth("异议人丙").await;
    crate::loans::bind_phone(&app, &objector).await;
    let url = format!("/api/v1/pioneer-nominations/{id}/objections");
    let reason = json!({"reason": "事迹材料与实际情况不符，请核查"});
    for _ in 0..5 {
        let o = json_of(
            app.post(&url, Some(&objector.token), &reason).await,
            StatusCode::CREATED,
        )
        .await;
        json_of(
            app.post(
                &format!(
                    "/api/v1/admin/pioneer-objections/{}/reviews",
                    o["id"].as_str().unwrap()
                ),
                Some(&county.token),
                &json!({"decision": "dismissed", "note": "经核实，事迹属实"}),
            )
            .await,
            StatusCode::OK,
        )
        .await;
    }
    assert_error(
        app.post(&url, Some(&objector.token), &reason).await,
        StatusCode::CONFLICT,
        "OBJECTION_LIMIT_REACHED",
    )
    .await;
    // Another user still may; the round's unit sees the open objection in its to-dos.
    let other = app.login_as_youth("异议人丁").await;
    crate::loans::bind_phone(&app, &other).await;
    json_of(
        app.post(&url, Some(&other.token), &reason).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(
        todo_count(&app, &county, "pioneer_objections_open").await,
        1
    );
    let open = json_of(
        app.get(
            &format!("/api/v1/admin/pioneer-objections?status=open&nominationId={id}"),
            Some(&county.token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(open["total"], 1);
    assert!(
        open["items"][0].get("userId").is_none(),
        "never who filed it"
    );
    let elsewhere = app.admin_of("220282").await;
    let none = json_of(
        app.get("/api/v1/admin/pioneer-objections", Some(&elsewhere.token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(none["total"], 0);
    // A qualified nomination when the round closes: not_selected, notified.
    let youth = app.youth_in("结束甲", &villages[10], true).await;
    let n = json_of(
        self_nominate(&app, &youth, &round).await,
        StatusCode::CREATED,
    )
    .await;
    let qid = n["id"].as_str().unwrap();
    json_of(
        step_n(
            &app,
            &county,
            qid,
            "qualifications",
            &json!({"decision": "qualified"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        todo_count(&app, &county, "pioneer_nominations_to_shortlist").await,
        1
    );
    let closed = json_of(
        app.post(
            &format!("{ROUNDS}/{}/closings", round["id"].as_str().unwrap()),
            Some(&county.token),
            &json!({}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(closed["status"], "closed");
    let q = nomination(&app, &county, qid).await;
    assert_eq!(q["status"], "not_selected");
    assert_eq!(q["reason"], "评选已结束");
    assert_eq!(
        nomination(&app, &county, &id).await["status"],
        "not_selected"
    );
    assert_eq!(
        todo_count(&app, &county, "pioneer_objections_open").await,
        0
    );
    let notes = json_of(
        app.get("/api/v1/me/notifications", Some(&youth.token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert!(
        notes["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["kind"] == "pioneer.not_selected"),
        "{notes}"
    );
    // Retention: the objectors and their reasons are gone, statuses stay; the counters too.
    jiqing::retention::run(
        app.state.clone(),
        jiqing::time::today_in_china(chrono::Utc::now()),
    )
    .await
    .unwrap();
    let objections = entity::pioneer_objections::Entity::find()
        .all(app.db())
        .await
        .unwrap();
    assert_eq!(objections.len(), 6);
    assert!(
        objections
            .iter()
            .all(|o| o.user_id.is_none() && o.reason.is_none() && o.anonymised_at.is_some())
    );
    assert_eq!(
        entity::pioneer_objection_counters::Entity::find()
            .all(app.db())
            .await
            .unwrap()
            .len(),
        0
    );
}

#[tokio::test]
async fn a_profile_deleted_while_it_is_nominated_leaves_either_the_nomination_or_the_profile() {
    // Each youth deletes their profile through one instance while nominating themselves through
    // the other (two instances on PostgreSQL): the deletion and the nomination both hold the
    // youth's counter row, so one of them sees the other.
    let app = spawn_app().await;
    let second = app.second_instance_on_postgres().await;
    let on_postgres = second.is_some();
    let other = second.as_ref().unwrap_or(&app);
    let villages = rural_villages(&app).await;
    let county = app.admin_of("220281").await;
    let round = open_round(&app, &county, 3).await;
    for i in 0..if on_postgres { 12 } else { 4 } {
        let youth = app
            .youth_in(&format!("删除竞争{i}"), &villages[i % villages.len()], true)
            .await;
        let (deleted, nominated) = tokio::join!(
            app.delete("/api/v1/me/talent-profile", Some(&youth.token)),
            self_nominate(other, &youth, &round),
        );
        let (d, n) = (deleted.status(), nominated.status());
        let nominated: Value = nominated.json().await.unwrap();
        let kept = talent_profiles::Entity::find()
            .filter(
                talent_profiles::Column::UserId.eq(youth.user_id.parse::<uuid::Uuid>().unwrap()),
            )
            .one(app.db())
            .await
            .unwrap();
        let rows = entity::pioneer_nominations::Entity::find()
            .filter(
                entity::pioneer_nominations::Column::UserId
                    .eq(youth.user_id.parse::<uuid::Uuid>().unwrap()),
            )
            .all(app.db())
            .await
            .unwrap();
        match (d, n) {
            (StatusCode::NO_CONTENT, StatusCode::CONFLICT) => {
                assert_eq!(nominated["error"]["code"], "TALENT_PROFILE_REQUIRED");
                assert!(kept.is_none() && rows.is_empty(), "{rows:?}");
            }
            (StatusCode::CONFLICT, StatusCode::CREATED) => {
                assert!(kept.is_some() && rows.len() == 1, "{rows:?}");
            }
            other => panic!("deletion and nomination answered {other:?}: {nominated}"),
        }
    }
}
