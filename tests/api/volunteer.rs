use chrono::{Duration, Utc};
use entity::volunteer_signups as signups;
use reqwest::StatusCode;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::*;

pub async fn create_activity(app: &TestApp, cadre: &Login, body: Value) -> Value {
    json_of(
        app.post(
            "/api/v1/admin/volunteer/activities",
            Some(&cadre.token),
            &body,
        )
        .await,
        StatusCode::CREATED,
    )
    .await
}

fn activity_body(starts_in_min: i64, length_min: i64, wanted: i32) -> Value {
    let starts = Utc::now() + Duration::minutes(starts_in_min);
    json!({
        "category": "river_patrol", "title": "伊通河巡河护河", "description": "沿河捡拾垃圾",
        "place": "南关区伊通河南岭段", "regionCode": "220102",
        "startsAt": starts.to_rfc3339(), "endsAt": (starts + Duration::minutes(length_min)).to_rfc3339(),
        "wanted": wanted
    })
}

async fn code(app: &TestApp, cadre: &Login, activity: &str, kind: &str) -> String {
    let v = json_of(
        app.get(
            &format!("/api/v1/admin/volunteer/activities/{activity}/check-in-code?kind={kind}"),
            Some(&cadre.token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    v["code"].as_str().expect("code").to_owned()
}

/// Pretend the youth checked in `minutes_ago` (time cannot pass in a test).
async fn backdate_check_in(app: &TestApp, activity: &str, user: &str, minutes_ago: i64) {
    signups::Entity::update_many()
        .col_expr(
            signups::Column::CheckedInAt,
            Expr::value(Utc::now() - Duration::minutes(minutes_ago)),
        )
        .filter(signups::Column::ActivityId.eq(activity.parse::<Uuid>().unwrap()))
        .filter(signups::Column::UserId.eq(user.parse::<Uuid>().unwrap()))
        .exec(app.db())
        .await
        .expect("backdated");
}

async fn summary(app: &TestApp, who: &Login) -> Value {
    json_of(
        app.get("/api/v1/me/volunteer/summary", Some(&who.token))
            .await,
        StatusCode::OK,
    )
    .await
}

/// A self-report approved by `cadre`; returns the report (with its `entryId`).
pub async fn approved_report(
    app: &TestApp,
    youth: &Login,
    cadre: &Login,
    served_at: chrono::DateTime<Utc>,
    minutes: i32,
) -> Value {
    let r = json_of(
        app.post(
            "/api/v1/me/volunteer/reports",
            Some(&youth.token),
            &json!({"category": "rural_teaching", "content": "村小支教", "place": "其塔木镇中心小学",
                    "servedAt": served_at.to_rfc3339(), "minutes": minutes, "description": "数学课", "photos": []}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    json_of(
        app.post(
            &format!(
                "/api/v1/admin/volunteer/reports/{}/reviews",
                r["id"].as_str().unwrap()
            ),
            Some(&cadre.token),
            &json!({"decision": "approve"}),
        )
        .await,
        StatusCode::OK,
    )
    .await
}

#[tokio::test]
async fn a_cadre_publishes_an_activity_and_youth_sign_up_until_it_is_full() {
    let app = spawn_app().await;
    let nanguan = app.admin_of("220102").await;
    let jilin_city = app.admin_of("220200").await;
    assert_error(
        app.post(
            "/api/v1/admin/volunteer/activities",
            Some(&jilin_city.token),
            &activity_body(60, 120, 2),
        )
        .await,
        StatusCode::FORBIDDEN,
        "OUTSIDE_REGION",
    )
    .await;
    let mut bad = activity_body(60, 120, 2);
    bad["endsAt"] = bad["startsAt"].clone();
    let body = assert_error(
        app.post(
            "/api/v1/admin/volunteer/activities",
            Some(&nanguan.token),
            &bad,
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    assert_eq!(body["error"]["fields"][0]["field"], "endsAt");
    let a = create_activity(&app, &nanguan, activity_body(60, 120, 2)).await;
    assert_eq!(a["categoryLabel"], "河小青巡河护河");
    let id = a["id"].as_str().unwrap();

    let (y1, y2, y3) = (
        app.youth_in("a", "220102001001", true).await,
        app.youth_in("b", "220102001002", true).await,
        app.youth_in("c", "220102002001", true).await,
    );
    let path = format!("/api/v1/volunteer/activities/{id}/signups");
    // Two at once race for the two seats with a third: never over-filled.
    let empty = json!({});
    let (r1, r2, r3) = tokio::join!(
        app.post(&path, Some(&y1.token), &empty),
        app.post(&path, Some(&y2.token), &empty),
        app.post(&path, Some(&y3.token), &empty),
    );
    let statuses = [r1.status(), r2.status(), r3.status()];
    let mut codes = statuses.to_vec();
    codes.sort();
    assert_eq!(
        codes,
        [
            StatusCode::CREATED,
            StatusCode::CREATED,
            StatusCode::CONFLICT
        ]
    );
    let again = app.post(&path, Some(&y1.token), &json!({})).await;
    assert_eq!(again.status(), StatusCode::CONFLICT);
    let no_profile = app.login_as_youth("nobody").await;
    assert_error(
        app.post(&path, Some(&no_profile.token), &json!({})).await,
        StatusCode::CONFLICT,
        "TALENT_PROFILE_REQUIRED",
    )
    .await;

    let list = json_of(
        app.get(
            "/api/v1/volunteer/activities?region=220100",
            Some(&y1.token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["signedUp"], 2);
    let elsewhere = json_of(
        app.get(
            "/api/v1/volunteer/activities?region=220200",
            Some(&y1.token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(elsewhere["total"], 0);
    // Withdrawing frees the seat for the one who was turned away.
    let all = [&y1, &y2, &y3];
    let seated = all[statuses
        .iter()
        .position(|s| *s == StatusCode::CREATED)
        .unwrap()];
    let turned_away = all[statuses
        .iter()
        .position(|s| *s == StatusCode::CONFLICT)
        .unwrap()];
    let mine = json_of(
        app.get("/api/v1/me/volunteer/signups", Some(&seated.token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(mine["total"], 1, "a page: {mine}");
    assert_eq!(mine["items"][0]["activityId"], id);
    // A youth's list says what each sign-up is for and when, without a second request.
    assert!(
        mine["items"][0]["activityTitle"]
            .as_str()
            .is_some_and(|t| !t.is_empty())
    );
    assert!(mine["items"][0]["activityStartsAt"].is_string());
    assert!(mine["items"][0]["activityEndsAt"].is_string());
    let resp = app.delete(&format!("{path}/me"), Some(&seated.token)).await;
    assert_eq!(resp.status(), StatusCode::NO_CONTENT);
    assert_error(
        app.delete(&format!("{path}/me"), Some(&seated.token)).await,
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
    )
    .await;
    json_of(
        app.post(&path, Some(&turned_away.token), &empty).await,
        StatusCode::CREATED,
    )
    .await;
    assert_error(
        app.post(&path, Some(&seated.token), &empty).await,
        StatusCode::CONFLICT,
        "ACTIVITY_FULL",
    )
    .await;
    let cats = json_of(
        app.get("/api/v1/volunteer/categories", None).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(cats.as_array().unwrap().len(), 8);
}

#[tokio::test]
async fn check_in_and_out_by_the_rotating_code_record_whole_minutes_capped_by_the_activity() {
    let app = spawn_app().await;
    let cadre = app.admin_of("220102").await;
    // Running now: began 10 minutes ago, 60 minutes long.
    let a = create_activity(&app, &cadre, activity_body(-10, 60, 10)).await;
    let id = a["id"].as_str().unwrap();
    let y = app.youth_in("walker", "220102001001", true).await;
    let late = app.youth_in("late", "220102001001", true).await;
    for who in [&y, &late] {
        json_of(
            app.post(
                &format!("/api/v1/volunteer/activities/{id}/signups"),
                Some(&who.token),
                &json!({}),
            )
            .await,
            StatusCode::CREATED,
        )
        .await;
    }
    let check_in = format!("/api/v1/volunteer/activities/{id}/check-ins");
    let check_out = format!("/api/v1/volunteer/activities/{id}/check-outs");
    let in_code = code(&app, &cadre, id, "in").await;
    let out_code = code(&app, &cadre, id, "out").await;
    // A check-out code does not check anyone in, nor does a made-up one.
    let body = assert_error(
        app.post(&check_in, Some(&y.token), &json!({"code": out_code}))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    assert_eq!(body["error"]["fields"][0]["code"], "CODE_INVALID");
    json_of(
        app.post(&check_in, Some(&y.token), &json!({"code": in_code}))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_error(
        app.post(&check_in, Some(&y.token), &json!({"code": in_code}))
            .await,
        StatusCode::CONFLICT,
        "ALREADY_CHECKED_IN",
    )
    .await;
    json_of(
        app.post(&check_in, Some(&late.token), &json!({"code": in_code}))
            .await,
        StatusCode::OK,
    )
    .await;

    // 95 minutes and 40 seconds later: capped at the activity's 60 minutes.
    backdate_check_in(&app, id, &y.user_id, 95).await;
    // 37 minutes later: 37 whole minutes.
    backdate_check_in(&app, id, &late.user_id, 37).await;
    let done = json_of(
        app.post(&check_out, Some(&y.token), &json!({"code": out_code}))
            .await,
        StatusCode::OK,
    )
    .await;
    assert!(done["entryId"].is_string());
    json_of(
        app.post(&check_out, Some(&late.token), &json!({"code": out_code}))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_error(
        app.post(&check_out, Some(&y.token), &json!({"code": out_code}))
            .await,
        StatusCode::CONFLICT,
        "ALREADY_CHECKED_OUT",
    )
    .await;

    let s = summary(&app, &y).await;
    assert_eq!(s["totalMinutes"], 60);
    assert_eq!(s["records"][0]["source"], "checkin");
    assert_eq!(s["records"][0]["category"], "river_patrol");
    let s = summary(&app, &late).await;
    assert_eq!(s["totalMinutes"], 37);
}

#[tokio::test]
async fn an_activity_with_an_area_accepts_check_ins_from_inside_it_only() {
    let app = spawn_app().await;
    let cadre = app.admin_of("220102").await;
    let mut body = activity_body(-5, 60, 10);
    body["latitude"] = json!(43.8868);
    body["longitude"] = json!(125.3245);
    body["radiusM"] = json!(200);
    let a = create_activity(&app, &cadre, body).await;
    let id = a["id"].as_str().unwrap();
    let y = app.youth_in("geo", "220102001001", true).await;
    json_of(
        app.post(
            &format!("/api/v1/volunteer/activities/{id}/signups"),
            Some(&y.token),
            &json!({}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let path = format!("/api/v1/volunteer/activities/{id}/check-ins");
    let c = code(&app, &cadre, id, "in").await;
    let field_code = |v: Value| v["error"]["fields"][0]["code"].as_str().unwrap().to_owned();
    let r = assert_error(
        app.post(&path, Some(&y.token), &json!({"code": c})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    assert_eq!(field_code(r), "LOCATION_REQUIRED");
    // About 1.1 km north.
    let r = assert_error(
        app.post(
            &path,
            Some(&y.token),
            &json!({"code": c, "latitude": 43.8968, "longitude": 125.3245}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    assert_eq!(field_code(r), "OUTSIDE_AREA");
    // About 110 m north.
    json_of(
        app.post(
            &path,
            Some(&y.token),
            &json!({"code": c, "latitude": 43.8878, "longitude": 125.3245}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
}

#[tokio::test]
async fn a_forgotten_check_out_is_made_up_by_the_organiser_capped_and_marked_as_manual() {
    let app = spawn_app().await;
    let cadre = app.admin_of("220102").await;
    let a = create_activity(&app, &cadre, activity_body(-30, 120, 10)).await;
    let id = a["id"].as_str().unwrap();
    let y = app.youth_in("forgetful", "220102001001", true).await;
    json_of(
        app.post(
            &format!("/api/v1/volunteer/activities/{id}/signups"),
            Some(&y.token),
            &json!({}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let c = code(&app, &cadre, id, "in").await;
    json_of(
        app.post(
            &format!("/api/v1/volunteer/activities/{id}/check-ins"),
            Some(&y.token),
            &json!({"code": c}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    backdate_check_in(&app, id, &y.user_id, 300).await;
    let roster = json_of(
        app.get(
            &format!("/api/v1/admin/volunteer/activities/{id}/signups"),
            Some(&cadre.token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(roster["total"], 1, "a page: {roster}");
    let roster = &roster["items"];
    assert_eq!(roster[0]["userId"], y.user_id);
    assert!(roster[0]["checkedOutAt"].is_null());
    let path = format!("/api/v1/admin/volunteer/activities/{id}/makeups");
    let body = json!({"userId": y.user_id, "checkedOutAt": Utc::now().to_rfc3339(), "reason": "手机没电未签退"});
    let outsider = app.admin_of("220200").await;
    assert_error(
        app.post(&path, Some(&outsider.token), &body).await,
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
    )
    .await;
    let future = json!({"userId": y.user_id, "checkedOutAt": (Utc::now() + Duration::hours(1)).to_rfc3339(), "reason": "手机没电"});
    assert_error(
        app.post(&path, Some(&cadre.token), &future).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    json_of(
        app.post(&path, Some(&cadre.token), &body).await,
        StatusCode::OK,
    )
    .await;
    assert_error(
        app.post(&path, Some(&cadre.token), &body).await,
        StatusCode::CONFLICT,
        "ALREADY_CHECKED_OUT",
    )
    .await;
    let s = summary(&app, &y).await;
    assert_eq!(
        s["totalMinutes"], 120,
        "never more than the activity's length"
    );
    assert_eq!(s["records"][0]["source"], "manual_makeup");
    assert_eq!(s["records"][0]["reason"], "手机没电未签退");
    assert_eq!(s["records"][0]["actorId"], cadre.user_id);
}

#[tokio::test]
async fn self_reports_wait_for_a_cadre_of_the_region_and_only_approved_hours_count() {
    let app = spawn_app().await;
    let y = app.youth_in("reporter", "220102001001", true).await;
    let served = (Utc::now() - Duration::days(2)).to_rfc3339();
    let photo = app.upload_key(&y, "volunteer_report", &tiny_jpeg()).await;
    let body = json!({"category": "medical", "content": "义诊服务", "place": "南岭街道卫生站",
                      "servedAt": served, "minutes": 150, "description": "测血压", "photos": [photo]});
    let send = || async {
        app.send(
            app.client
                .post(app.url("/api/v1/me/volunteer/reports"))
                .bearer_auth(&y.token)
                .header("Idempotency-Key", "report-1")
                .json(&body),
        )
        .await
    };
    let first = json_of(send().await, StatusCode::CREATED).await;
    let repeat = json_of(send().await, StatusCode::OK).await;
    assert_eq!(
        first["id"], repeat["id"],
        "a retried report is the same report"
    );
    assert_eq!(first["status"], "pending");
    assert_eq!(first["photos"][0]["key"], photo.as_str());
    assert!(
        first["photos"][0]["url"]
            .as_str()
            .unwrap()
            .starts_with(&format!("/api/v1/media/{photo}?exp=")),
        "photos come with signed URLs"
    );
    let mut future = body.clone();
    future["servedAt"] = json!((Utc::now() + Duration::days(1)).to_rfc3339());
    assert_error(
        app.post("/api/v1/me/volunteer/reports", Some(&y.token), &future)
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;

    let s = summary(&app, &y).await;
    assert_eq!(s["totalMinutes"], 0);
    assert_eq!(s["pendingReports"], 1);

    let id = first["id"].as_str().unwrap();
    let review = format!("/api/v1/admin/volunteer/reports/{id}/reviews");
    let jilin = app.admin_of("220200").await;
    assert_error(
        app.post(&review, Some(&jilin.token), &json!({"decision": "approve"}))
            .await,
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
    )
    .await;
    let jilin_list = json_of(
        app.get("/api/v1/admin/volunteer/reports", Some(&jilin.token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(jilin_list["total"], 0);
    let nanguan = app.admin_of("220102").await;
    let list = json_of(
        app.get("/api/v1/admin/volunteer/reports", Some(&nanguan.token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(list["total"], 1);
    assert_error(
        app.post(
            &review,
            Some(&nanguan.token),
            &json!({"decision": "reject"}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    let approved = json_of(
        app.post(
            &review,
            Some(&nanguan.token),
            &json!({"decision": "approve"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(approved["status"], "approved");
    assert_error(
        app.post(
            &review,
            Some(&nanguan.token),
            &json!({"decision": "reject", "reason": "重复"}),
        )
        .await,
        StatusCode::CONFLICT,
        "INVALID_STATE",
    )
    .await;
    let s = summary(&app, &y).await;
    assert_eq!(s["totalMinutes"], 150);
    assert_eq!(s["pendingReports"], 0);
    assert_eq!(s["records"][0]["source"], "self_report");

    // A rejected report adds nothing.
    let mut other = body.clone();
    other["minutes"] = json!(60);
    other["photos"] = json!([]);
    let r = json_of(
        app.post("/api/v1/me/volunteer/reports", Some(&y.token), &other)
            .await,
        StatusCode::CREATED,
    )
    .await;
    let rejected = json_of(
        app.post(
            &format!(
                "/api/v1/admin/volunteer/reports/{}/reviews",
                r["id"].as_str().unwrap()
            ),
            Some(&nanguan.token),
            &json!({"decision": "reject", "reason": "无照片证明"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(rejected["reviewReason"], "无照片证明");
    assert_eq!(summary(&app, &y).await["totalMinutes"], 150);
}

#[tokio::test]
async fn corrections_and_revocations_append_reversing_entries_and_keep_the_history() {
    let app = spawn_app().await;
    let y = app.youth_in("corrected", "220102001001", true).await;
    let cadre = app.admin_of("220102").await;
    let r = approved_report(&app, &y, &cadre, Utc::now() - Duration::days(1), 240).await;
    let entry = r["entryId"].as_str().unwrap();
    let ask =
        |minutes: i32| json!({"entryId": entry, "minutes": minutes, "reason": "实际服务3小时"});
    assert_error(
        app.post(
            "/api/v1/me/volunteer/corrections",
            Some(&y.token),
            &ask(2000),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    let someone_else = app.youth_in("other", "220102001001", true).await;
    assert_error(
        app.post(
            "/api/v1/me/volunteer/corrections",
            Some(&someone_else.token),
            &ask(180),
        )
        .await,
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
    )
    .await;
    let c = json_of(
        app.post(
            "/api/v1/me/volunteer/corrections",
            Some(&y.token),
            &ask(180),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert_error(
        app.post(
            "/api/v1/me/volunteer/corrections",
            Some(&y.token),
            &ask(170),
        )
        .await,
        StatusCode::CONFLICT,
        "CORRECTION_PENDING",
    )
    .await;
    let pending = json_of(
        app.get("/api/v1/admin/volunteer/corrections", Some(&cadre.token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(pending["total"], 1);
    let decided = json_of(
        app.post(
            &format!(
                "/api/v1/admin/volunteer/corrections/{}/reviews",
                c["id"].as_str().unwrap()
            ),
            Some(&cadre.token),
            &json!({"decision": "approve", "reason": "核实无误"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(decided["status"], "approved");
    let s = summary(&app, &y).await;
    assert_eq!(s["totalMinutes"], 180);
    let records = s["records"].as_array().unwrap();
    assert_eq!(
        records.len(),
        2,
        "the original stays; a correction entry is added"
    );
    assert_eq!(records[0]["source"], "correction");
    assert_eq!(records[0]["minutes"], -60);
    assert_eq!(records[0]["reversesEntryId"], entry);
    assert_eq!(records[0]["actorId"], cadre.user_id);
    assert!(
        records[0]["reason"]
            .as_str()
            .unwrap()
            .contains("实际服务3小时")
    );
    assert_eq!(records[1]["minutes"], 240);

    let revoke = format!("/api/v1/admin/volunteer/entries/{entry}/revocations");
    let outsider = app.admin_of("220200").await;
    assert_error(
        app.post(
            &revoke,
            Some(&outsider.token),
            &json!({"reason": "虚假申报"}),
        )
        .await,
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
    )
    .await;
    // Two revocations at once: exactly one takes effect.
    let why = json!({"reason": "虚假申报"});
    let (a, b) = tokio::join!(
        app.post(&revoke, Some(&cadre.token), &why),
        app.post(&revoke, Some(&cadre.token), &why),
    );
    let mut codes = vec![a.status(), b.status()];
    codes.sort();
    assert_eq!(codes, [StatusCode::CREATED, StatusCode::CONFLICT]);
    let s = summary(&app, &y).await;
    assert_eq!(s["totalMinutes"], 0);
    assert_eq!(s["records"][0]["source"], "revocation");
    assert_eq!(s["records"][0]["minutes"], -180);
    assert_eq!(s["records"].as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn star_levels_and_yearly_totals_follow_the_verified_hours() {
    let app = spawn_app().await;
    let y = app.youth_in("stars", "220102001001", true).await;
    let cadre = app.admin_of("220000").await;
    // 5 × 24 h = 120 h: one star (100 h), 180 h short of the second (300 h).
    for d in 1..=5 {
        approved_report(&app, &y, &cadre, Utc::now() - Duration::days(d), 1440).await;
    }
    let s = summary(&app, &y).await;
    assert_eq!(s["totalMinutes"], 7200);
    assert_eq!(s["stars"], 1);
    assert_eq!(s["minutesToNextStar"], 180 * 60);
    assert_eq!(s["starThresholdsHours"], json!([100, 300, 600, 1000, 1500]));
    let years: i64 = s["byYear"]
        .as_array()
        .unwrap()
        .iter()
        .map(|y| y["minutes"].as_i64().unwrap())
        .sum();
    assert_eq!(years, 7200);
}

#[tokio::test]
async fn a_certificate_states_masked_identity_hours_and_issuer_and_anyone_can_check_it() {
    let app = spawn_app().await;
    let y = app.youth_in("certified", "220102001001", true).await;
    let cadre = app.admin_of("220102").await;
    approved_report(&app, &y, &cadre, Utc::now() - Duration::days(3), 200).await;
    let today = jiqing::time::today_in_china(Utc::now());
    let from = today - Duration::days(30);
    let empty = json!({"from": (from - Duration::days(300)).to_string(), "to": (from - Duration::days(200)).to_string()});
    let r = assert_error(
        app.post("/api/v1/me/volunteer/certificates", Some(&y.token), &empty)
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    assert_eq!(r["error"]["fields"][0]["code"], "NO_HOURS");
    let cert = json_of(
        app.post(
            "/api/v1/me/volunteer/certificates",
            Some(&y.token),
            &json!({"from": from.to_string(), "to": today.to_string()}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let number = cert["number"].as_str().unwrap();
    assert!(
        number.starts_with("JQZY-") && number.len() == 18,
        "{number}"
    );
    assert_eq!(cert["minutes"], 200);
    assert_eq!(cert["issuer"], "共青团南关区委员会");
    assert!(cert["content"].as_str().unwrap().contains("支教"));
    let masked = cert["idNumberMasked"].as_str().unwrap();
    assert!(masked.contains("***********"), "{masked}");
    // Anyone can check it, without logging in; the name is masked there.
    let public = json_of(
        app.get(&format!("/api/v1/certificates/{number}"), None)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(public["minutes"], 200);
    assert_eq!(public["idNumberMasked"], masked);
    assert_eq!(cert["name"], "测试certified");
    assert_eq!(public["name"], format!("测{}", "*".repeat(10)));
    assert_error(
        app.get("/api/v1/certificates/JQZY-2026-AAAAAAAA", None)
            .await,
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
    )
    .await;
}
