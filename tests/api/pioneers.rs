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
