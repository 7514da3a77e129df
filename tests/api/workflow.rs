//! The shared workflow pieces over HTTP: typed statuses, the transition helper's answers
//! (conventions §2), events and timelines (§3), `nextStep` (§4), and the action-path words
//! (§14), on the talent pool, volunteer reports and corrections, and trainings.
use chrono::{Duration, Utc};
use entity::{talent_profiles, training_enrollments, volunteer_reports};
use jiqing::workflow::{Subject, events};
use reqwest::StatusCode;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::*;
use crate::talents::{ME, register};
use crate::trainings::{VILLAGE, publish, sign_up, training_body};
use crate::volunteer::create_activity;

fn review_url(profile: &Value) -> String {
    format!(
        "/api/v1/admin/talents/{}/reviews",
        profile["id"].as_str().unwrap()
    )
}

async fn notification_kinds(app: &TestApp, who: &Login) -> Vec<String> {
    let page = json_of(
        app.get("/api/v1/me/notifications", Some(&who.token)).await,
        StatusCode::OK,
    )
    .await;
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["kind"].as_str().unwrap().to_owned())
        .collect()
}

async fn talent_event_count(app: &TestApp, profile_id: &str) -> usize {
    events::of_subject(
        app.db(),
        talent_profiles::Model::EVENTS,
        profile_id.parse().unwrap(),
    )
    .await
    .unwrap()
    .len()
}

#[tokio::test]
async fn a_youth_sees_their_profile_history_with_the_reviewing_unit_and_never_a_cadre_name() {
    let app = spawn_app().await;
    let (youth, created) = register(&app, "history", "周历史", 11, "220102001001").await;
    assert_eq!(created["timeline"].as_array().unwrap().len(), 1);
    let mine = json_of(app.get(ME, Some(&youth.token)).await, StatusCode::OK).await;
    let first = &mine["timeline"][0];
    assert_eq!(first["seq"], 1);
    assert_eq!(first["action"], "create");
    assert_eq!(first["actionLabel"], "本人提交登记");
    assert!(first["fromStatus"].is_null());
    assert_eq!(first["toStatus"], "pending");
    assert_eq!(first["actor"], json!({"kind": "youth", "label": "本人"}));
    assert_eq!(
        mine["nextStep"],
        json!({"actor": "county_league", "actionLabel": "等待南关区团委审核", "dueAt": null})
    );

    let county = app.admin_of("220102").await;
    json_of(
        app.post(
            &review_url(&created),
            Some(&county.token),
            &json!({"decision": "reject", "reason": "请补充合作社名称", "version": 1}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let mine = json_of(app.get(ME, Some(&youth.token)).await, StatusCode::OK).await;
    let rejected = &mine["timeline"][1];
    assert_eq!(rejected["seq"], 2);
    assert_eq!(rejected["action"], "reject");
    assert_eq!(rejected["actionLabel"], "团组织退回");
    assert_eq!(rejected["fromStatus"], "pending");
    assert_eq!(rejected["toStatus"], "rejected");
    assert_eq!(rejected["reason"], "请补充合作社名称");
    assert_eq!(
        rejected["actor"],
        json!({"kind": "cadre", "label": "共青团南关区委员会"}),
        "a cadre appears as their league unit, with no name"
    );
    assert!(
        !mine.to_string().contains("测试账号"),
        "no staff name anywhere in the youth's view"
    );
    assert_eq!(mine["nextStep"]["actor"], "you");
    assert!(
        notification_kinds(&app, &youth)
            .await
            .contains(&"talent.rejected".to_owned())
    );

    // The cadre's view names the reviewer.
    let theirs = json_of(
        app.get(
            &format!("/api/v1/admin/talents/{}", created["id"].as_str().unwrap()),
            Some(&county.token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(theirs["timeline"][1]["actor"]["name"], "测试账号");
    assert_eq!(theirs["timeline"][0]["actor"]["label"], "本人");
    assert!(theirs.get("nextStep").is_none());

    // Resubmitting and a verification follow in order; nothing is left to do after it.
    let mut body = crate::talents::profile(
        "周历史",
        &crate::talents::id_number("19980501", 11),
        "220102001001",
    );
    body["introduction"] = json!("补充了合作社名称。");
    let resubmitted = json_of(app.put(ME, Some(&youth.token), &body).await, StatusCode::OK).await;
    assert_eq!(resubmitted["status"], "pending");
    json_of(
        app.post(
            &review_url(&resubmitted),
            Some(&county.token),
            &json!({"decision": "approve", "version": resubmitted["version"]}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let mine = json_of(app.get(ME, Some(&youth.token)).await, StatusCode::OK).await;
    let actions: Vec<&str> = mine["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["create", "reject", "save", "verify"]);
    let seqs: Vec<i64> = mine["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["seq"].as_i64().unwrap())
        .collect();
    assert_eq!(seqs, [1, 2, 3, 4], "seq is the version after each change");
    assert_eq!(mine["version"], 4);
    assert!(mine["nextStep"].is_null());
    assert!(
        notification_kinds(&app, &youth)
            .await
            .contains(&"talent.verified".to_owned())
    );
}

#[tokio::test]
async fn the_same_review_repeated_by_the_same_cadre_is_a_200_that_writes_nothing() {
    let app = spawn_app().await;
    let (youth, created) = register(&app, "repeat", "周重复", 13, "220102001001").await;
    let county = app.admin_of("220102").await;
    let body = json!({"decision": "approve", "reason": "资料属实", "version": 1});
    let first = json_of(
        app.post(&review_url(&created), Some(&county.token), &body)
            .await,
        StatusCode::OK,
    )
    .await;
    let again = json_of(
        app.post(&review_url(&created), Some(&county.token), &body)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(again, first, "the current record, unchanged");
    assert_eq!(again["version"], 2);
    assert_eq!(
        talent_event_count(&app, created["id"].as_str().unwrap()).await,
        2
    );
    assert_eq!(
        notification_kinds(&app, &youth)
            .await
            .iter()
            .filter(|k| *k == "talent.verified")
            .count(),
        1
    );

    // Another cadre with the same body, or the same cadre deciding otherwise: the current status
    // is named.
    let city = app.admin_of("220100").await;
    let err = assert_error(
        app.post(&review_url(&created), Some(&city.token), &body)
            .await,
        StatusCode::CONFLICT,
        "INVALID_STATE",
    )
    .await;
    assert_eq!(err["error"]["message"], "当前状态为“已认定”，无法认定");
    let err = assert_error(
        app.post(
            &review_url(&created),
            Some(&county.token),
            &json!({"decision": "reject", "reason": "重新核实", "version": 2}),
        )
        .await,
        StatusCode::CONFLICT,
        "INVALID_STATE",
    )
    .await;
    assert_eq!(err["error"]["message"], "当前状态为“已认定”，无法退回");
    // A review without the version it was decided on is refused before anything happens.
    let err = assert_error(
        app.post(
            &review_url(&created),
            Some(&county.token),
            &json!({"decision": "approve"}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    assert_eq!(err["error"]["fields"][0]["field"], "version");
    assert_eq!(
        talent_event_count(&app, created["id"].as_str().unwrap()).await,
        2
    );
}

#[tokio::test]
async fn two_cadres_reviewing_at_once_make_one_decision_and_log_one_event() {
    let app = spawn_app().await;
    // Two instances on PostgreSQL; on the SQLite default one instance (its single connection
    // serialises transactions, and SQLite cannot upgrade two instances' read transactions).
    let second = app.second_instance_on_postgres().await;
    let other = second.as_ref().unwrap_or(&app);
    let county = app.admin_of("220102").await;
    let city = app.admin_of("220100").await;
    for round in 0..4u32 {
        let (_, created) = register(
            &app,
            &format!("race{round}"),
            "周并发",
            21 + 2 * round,
            "220102001001",
        )
        .await;
        let url = review_url(&created);
        let approve = json!({"decision": "approve", "version": 1});
        let reject = json!({"decision": "reject", "reason": "材料不全", "version": 1});
        let (a, b) = tokio::join!(
            app.post(&url, Some(&county.token), &approve),
            other.post(&url, Some(&city.token), &reject),
        );
        let statuses = [a.status(), b.status()];
        assert_eq!(
            statuses.iter().filter(|s| **s == StatusCode::OK).count(),
            1,
            "{statuses:?}"
        );
        assert_eq!(
            statuses
                .iter()
                .filter(|s| **s == StatusCode::CONFLICT)
                .count(),
            1,
            "{statuses:?}"
        );
        assert_eq!(
            talent_event_count(&app, created["id"].as_str().unwrap()).await,
            2,
            "one create and exactly one decision"
        );
    }
}

#[tokio::test]
async fn a_stored_value_that_does_not_parse_is_a_500_and_never_a_default() {
    let app = spawn_app().await;
    let (youth, created) = register(&app, "broken", "周损坏", 15, "220102001001").await;
    talent_profiles::Entity::update_many()
        .col_expr(talent_profiles::Column::Gender, Expr::value("unknown"))
        .filter(
            talent_profiles::Column::Id.eq(created["id"]
                .as_str()
                .unwrap()
                .parse::<Uuid>()
                .unwrap()),
        )
        .exec(app.db())
        .await
        .unwrap();
    assert_error(
        app.get(ME, Some(&youth.token)).await,
        StatusCode::INTERNAL_SERVER_ERROR,
        "INTERNAL_ERROR",
    )
    .await;
    let county = app.admin_of("220102").await;
    assert_error(
        app.get("/api/v1/admin/talents", Some(&county.token)).await,
        StatusCode::INTERNAL_SERVER_ERROR,
        "INTERNAL_ERROR",
    )
    .await;
}

#[tokio::test]
async fn withdrawing_a_profile_clears_the_personal_text_of_its_timeline() {
    let app = spawn_app().await;
    let (youth, created) = register(&app, "leaver", "周离开", 17, "220102001001").await;
    let county = app.admin_of("220102").await;
    json_of(
        app.post(
            &review_url(&created),
            Some(&county.token),
            &json!({"decision": "reject", "reason": "手机号与本人不符", "version": 1}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let resp = app.delete(ME, Some(&youth.token)).await;
    assert_eq!(resp.status(), StatusCode::NO_CONTENT);
    let rows = events::of_subject(
        app.db(),
        talent_profiles::Model::EVENTS,
        created["id"].as_str().unwrap().parse().unwrap(),
    )
    .await
    .unwrap();
    assert_eq!(rows.len(), 2, "who did what and when stays");
    let youth_id: Uuid = youth.user_id.parse().unwrap();
    for e in &rows {
        assert!(e.reason.is_none() && e.payload_json.is_none() && e.internal_note.is_none());
        assert_ne!(e.actor_user_id, Some(youth_id), "the owner is not named");
    }
    assert_eq!(
        rows[1].actor_kind,
        entity::workflow_events::ActorKind::Cadre
    );
}

/// A pending self-report of `youth`.
async fn report(app: &TestApp, youth: &Login) -> Value {
    json_of(
        app.post(
            "/api/v1/me/volunteer/reports",
            Some(&youth.token),
            &json!({"category": "rural_teaching", "content": "村小支教", "place": "南岭小学",
                    "servedAt": (Utc::now() - Duration::days(1)).to_rfc3339(), "minutes": 120,
                    "description": "数学课", "photos": []}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await
}

async fn total_minutes(app: &TestApp, youth: &Login) -> i64 {
    json_of(
        app.get("/api/v1/me/volunteer/summary", Some(&youth.token))
            .await,
        StatusCode::OK,
    )
    .await["totalMinutes"]
        .as_i64()
        .unwrap()
}

#[tokio::test]
async fn a_volunteer_report_has_a_timeline_and_a_next_step_and_a_repeated_approval_counts_once() {
    let app = spawn_app().await;
    let youth = app.youth_in("reporter", VILLAGE, true).await;
    let r = report(&app, &youth).await;
    let id = r["id"].as_str().unwrap();
    let mine_url = format!("/api/v1/me/volunteer/reports/{id}");
    let admin_url = format!("/api/v1/admin/volunteer/reports/{id}");
    let mine = json_of(app.get(&mine_url, Some(&youth.token)).await, StatusCode::OK).await;
    assert_eq!(mine["status"], "pending");
    assert_eq!(mine["timeline"][0]["action"], "create");
    assert_eq!(mine["timeline"][0]["actor"]["label"], "本人");
    assert_eq!(mine["nextStep"]["actor"], "county_league");
    assert_eq!(mine["nextStep"]["actionLabel"], "等待南关区团委审核");

    // Nobody else sees it by id.
    let stranger = app.youth_in("stranger", VILLAGE, true).await;
    assert_error(
        app.get(&mine_url, Some(&stranger.token)).await,
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
    )
    .await;
    let jilin = app.admin_of("220202").await;
    assert_error(
        app.get(&admin_url, Some(&jilin.token)).await,
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
    )
    .await;

    let county = app.admin_of("220102").await;
    // A version that is not the report's own is refused while the decision would be allowed.
    assert_error(
        app.post(
            &format!("{admin_url}/reviews"),
            Some(&county.token),
            &json!({"decision": "approve", "version": 7}),
        )
        .await,
        StatusCode::CONFLICT,
        "REPORT_CHANGED",
    )
    .await;
    let body = json!({"decision": "approve", "reason": "有照片为证"});
    let approved = json_of(
        app.post(&format!("{admin_url}/reviews"), Some(&county.token), &body)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(approved["status"], "approved");
    assert_eq!(approved["timeline"][1]["actor"]["name"], "测试账号");
    let again = json_of(
        app.post(&format!("{admin_url}/reviews"), Some(&county.token), &body)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(again, approved);
    assert_eq!(total_minutes(&app, &youth).await, 120, "counted once");

    let mine = json_of(app.get(&mine_url, Some(&youth.token)).await, StatusCode::OK).await;
    assert_eq!(mine["timeline"].as_array().unwrap().len(), 2);
    assert_eq!(
        mine["timeline"][1]["actor"],
        json!({"kind": "cadre", "label": "共青团南关区委员会"})
    );
    assert_eq!(mine["timeline"][1]["reason"], "有照片为证");
    assert!(mine["nextStep"].is_null());
    assert!(
        notification_kinds(&app, &youth)
            .await
            .contains(&"volunteer.report_approved".to_owned())
    );
    let stored = volunteer_reports::Entity::find_by_id(id.parse::<Uuid>().unwrap())
        .one(app.db())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.version, 2);
}

#[tokio::test]
async fn a_correction_is_reviewed_with_the_same_decision_and_a_repeat_changes_nothing() {
    let app = spawn_app().await;
    let youth = app.youth_in("corrector", VILLAGE, true).await;
    let county = app.admin_of("220102").await;
    let approved = crate::volunteer::approved_report(
        &app,
        &youth,
        &county,
        Utc::now() - Duration::days(2),
        60,
    )
    .await;
    let correction = json_of(
        app.post(
            "/api/v1/me/volunteer/corrections",
            Some(&youth.token),
            &json!({"entryId": approved["entryId"], "minutes": 90, "reason": "实际服务了一个半小时"}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let url = format!(
        "/api/v1/admin/volunteer/corrections/{}/reviews",
        correction["id"].as_str().unwrap()
    );
    let err = assert_error(
        app.post(
            &url,
            Some(&county.token),
            &json!({"decision": "reject", "reason": "否"}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    assert_eq!(err["error"]["fields"][0]["code"], "LENGTH");
    let body = json!({"decision": "approve"});
    let done = json_of(
        app.post(&url, Some(&county.token), &body).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(done["status"], "approved");
    assert_eq!(done["version"], 2);
    let again = json_of(
        app.post(&url, Some(&county.token), &body).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(again, done);
    assert_eq!(
        total_minutes(&app, &youth).await,
        90,
        "the difference is added once"
    );
    assert_error(
        app.post(
            &url,
            Some(&county.token),
            &json!({"decision": "reject", "reason": "重新核实"}),
        )
        .await,
        StatusCode::CONFLICT,
        "INVALID_STATE",
    )
    .await;
}

#[tokio::test]
async fn an_expired_check_in_code_is_the_same_410_in_volunteering_as_in_trainings() {
    let app = spawn_app().await;
    let cadre = app.admin_of("220102").await;
    let activity = create_activity(
        &app,
        &cadre,
        json!({"category": "river_patrol", "title": "伊通河巡河", "description": "", "place": "南岭段",
               "startsAt": (Utc::now() - Duration::minutes(10)).to_rfc3339(),
               "endsAt": (Utc::now() + Duration::hours(2)).to_rfc3339(), "wanted": 5}),
    )
    .await;
    let id = activity["id"].as_str().unwrap();
    let youth = app.youth_in("late", VILLAGE, true).await;
    json_of(
        app.post(
            &format!("/api/v1/volunteer/activities/{id}/signups"),
            Some(&youth.token),
            &json!({}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let old = app.state.checkin_codes.issue(
        "volunteer-in",
        id.parse().unwrap(),
        Utc::now() - Duration::minutes(5),
    );
    assert_error(
        app.post(
            &format!("/api/v1/volunteer/activities/{id}/check-ins"),
            Some(&youth.token),
            &json!({"code": old.code}),
        )
        .await,
        StatusCode::GONE,
        "CODE_EXPIRED",
    )
    .await;
}

#[tokio::test]
async fn the_old_action_paths_are_gone() {
    let app = spawn_app().await;
    let cadre = app.admin_of("220102").await;
    let training = publish(&app, &cadre, &training_body("220102", 5)).await;
    let training = training["id"].as_str().unwrap();
    let youth = app.youth_in("paths", VILLAGE, true).await;
    let enrollment = json_of(sign_up(&app, &youth, training).await, StatusCode::CREATED).await;
    let enrollment = enrollment["id"].as_str().unwrap();
    for (path, token) in [
        (
            format!("/api/v1/me/enrollments/{enrollment}/cancel"),
            &youth.token,
        ),
        (
            format!("/api/v1/me/enrollments/{enrollment}/accept"),
            &youth.token,
        ),
        (
            format!("/api/v1/admin/trainings/{training}/cancel"),
            &cadre.token,
        ),
    ] {
        assert_error(
            app.post(&path, Some(token), &json!({"reason": "因天气原因延期"}))
                .await,
            StatusCode::NOT_FOUND,
            "ROUTE_NOT_FOUND",
        )
        .await;
    }
    assert_error(
        app.get(
            &format!(
                "/api/v1/admin/volunteer/activities/{}/checkin-code?kind=in",
                Uuid::now_v7()
            ),
            Some(&cadre.token),
        )
        .await,
        StatusCode::NOT_FOUND,
        "ROUTE_NOT_FOUND",
    )
    .await;
}

#[tokio::test]
async fn every_enrollment_step_is_logged_and_the_youth_sees_what_comes_next() {
    let app = spawn_app().await;
    let cadre = app.admin_of("220102").await;
    let training = publish(&app, &cadre, &training_body("220102", 1)).await;
    let training = training["id"].as_str().unwrap();
    let a = app.youth_in("first", VILLAGE, true).await;
    let b = app.youth_in("second", VILLAGE, true).await;
    let a_enrollment = json_of(sign_up(&app, &a, training).await, StatusCode::CREATED).await;
    assert_eq!(a_enrollment["nextStep"]["actor"], "you");
    assert_eq!(
        a_enrollment["nextStep"]["dueAt"],
        a_enrollment["trainingEndsAt"]
    );
    let b_enrollment = json_of(sign_up(&app, &b, training).await, StatusCode::CREATED).await;
    assert_eq!(b_enrollment["status"], "waiting");
    assert_eq!(b_enrollment["nextStep"]["actor"], "system");
    json_of(
        app.post(
            &format!(
                "/api/v1/me/enrollments/{}/cancellations",
                a_enrollment["id"].as_str().unwrap()
            ),
            Some(&a.token),
            &json!({}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let page = json_of(
        app.get("/api/v1/me/enrollments", Some(&b.token)).await,
        StatusCode::OK,
    )
    .await;
    let offered = &page["items"][0];
    assert_eq!(offered["status"], "offered");
    assert_eq!(offered["nextStep"]["actor"], "you");
    assert_eq!(offered["nextStep"]["dueAt"], offered["offerExpiresAt"]);

    let log = |id: &str| {
        events::of_subject(
            app.db(),
            <training_enrollments::Model as Subject>::EVENTS,
            id.parse().unwrap(),
        )
    };
    let a_log = log(a_enrollment["id"].as_str().unwrap()).await.unwrap();
    let steps: Vec<(i32, &str)> = a_log.iter().map(|e| (e.seq, e.action.as_str())).collect();
    assert_eq!(steps, [(1, "enroll"), (2, "cancel")]);
    let b_log = log(b_enrollment["id"].as_str().unwrap()).await.unwrap();
    let steps: Vec<(&str, entity::workflow_events::ActorKind)> = b_log
        .iter()
        .map(|e| (e.action.as_str(), e.actor_kind))
        .collect();
    assert_eq!(
        steps,
        [
            ("wait", entity::workflow_events::ActorKind::Youth),
            ("offer", entity::workflow_events::ActorKind::System)
        ]
    );
    assert_eq!(b_log[1].from_status.as_deref(), Some("waiting"));
    assert_eq!(b_log[1].to_status, "offered");
    assert!(b_log[1].actor_user_id.is_none(), "the system is nobody");
}
