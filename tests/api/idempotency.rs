//! `Idempotency-Key` on creates (volunteer reports are the first user of `crate::idempotency`).
use chrono::{Duration, Utc};
use entity::volunteer_activities::VolunteerCategory;
use entity::volunteer_reports::{self as reports, ReportStatus};
use jiqing::volunteer::dto::CreateReportRequest;
use reqwest::StatusCode;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Database, EntityTrait, PaginatorTrait, QueryFilter, Set,
    TransactionTrait,
};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::*;

const PATH: &str = "/api/v1/me/volunteer/reports";

fn body(minutes: i32) -> Value {
    json!({"category": "river_patrol", "content": "巡河护河", "place": "伊通河南岭段",
           "servedAt": (Utc::now() - Duration::days(1)).to_rfc3339(), "minutes": minutes,
           "description": "", "photos": []})
}

async fn send(app: &TestApp, who: &Login, key: &str, body: &Value) -> reqwest::Response {
    app.send(
        app.client
            .post(app.url(PATH))
            .bearer_auth(&who.token)
            .header("Idempotency-Key", key)
            .json(body),
    )
    .await
}

async fn reports_of(app: &TestApp, who: &Login) -> u64 {
    reports::Entity::find()
        .filter(reports::Column::UserId.eq(who.user_id.parse::<Uuid>().unwrap()))
        .count(app.db())
        .await
        .unwrap()
}

#[tokio::test]
async fn a_key_replays_the_same_body_and_refuses_another() {
    let app = spawn_app().await;
    let y = app.youth_in("retrier", "220102001001", true).await;
    let b = body(60);
    let first = json_of(send(&app, &y, "k-1", &b).await, StatusCode::CREATED).await;
    let again = json_of(send(&app, &y, "k-1", &b).await, StatusCode::OK).await;
    assert_eq!(first["id"], again["id"]);
    // The same meaning with the keys in another order is the same request.
    let reordered: Value =
        serde_json::from_str(&jiqing::workflow::events::canonical_json(&b)).unwrap();
    json_of(send(&app, &y, "k-1", &reordered).await, StatusCode::OK).await;

    let refused = assert_error(
        send(&app, &y, "k-1", &body(61)).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "IDEMPOTENCY_KEY_REUSED",
    )
    .await;
    assert_eq!(
        refused["error"]["fields"],
        json!([{"field": "Idempotency-Key", "code": "IDEMPOTENCY_KEY_REUSED",
                "message": refused["error"]["fields"][0]["message"]}])
    );
    assert_eq!(reports_of(&app, &y).await, 1);

    // Another key is another report; the same key of another user is theirs alone.
    json_of(send(&app, &y, "k-2", &body(61)).await, StatusCode::CREATED).await;
    let z = app.youth_in("neighbour", "220102001001", true).await;
    json_of(send(&app, &z, "k-1", &b).await, StatusCode::CREATED).await;
    assert_eq!(reports_of(&app, &y).await, 2);

    for bad in ["", &"x".repeat(65), "键-1"] {
        let resp = app
            .send(
                app.client
                    .post(app.url(PATH))
                    .bearer_auth(&y.token)
                    .header("Idempotency-Key", bad.as_bytes())
                    .json(&b),
            )
            .await;
        let err = assert_error(resp, StatusCode::UNPROCESSABLE_ENTITY, "VALIDATION_FAILED").await;
        assert_eq!(
            err["error"]["fields"][0]["field"], "Idempotency-Key",
            "{bad:?}"
        );
    }
    assert_eq!(reports_of(&app, &y).await, 2);
}

#[tokio::test]
async fn concurrent_first_calls_with_one_key_create_one_report() {
    let app = spawn_app().await;
    let other = app.spawn_another_instance().await;
    let y = app.youth_in("double-tapper", "220102001001", true).await;
    let b = body(45);
    let calls = (0..8).map(|i| {
        let instance = if i % 2 == 0 { &app } else { &other };
        send(instance, &y, "same-key", &b)
    });
    let responses = futures_util::future::join_all(calls).await;
    let mut created = 0;
    let mut ids = std::collections::HashSet::new();
    for r in responses {
        let status = r.status();
        let v: Value = r.json().await.unwrap();
        assert!(
            status == StatusCode::CREATED || status == StatusCode::OK,
            "{status}: {v}"
        );
        created += usize::from(status == StatusCode::CREATED);
        ids.insert(v["id"].as_str().unwrap().to_owned());
    }
    assert_eq!(created, 1, "one call created the report");
    assert_eq!(ids.len(), 1, "every call answered with it");
    assert_eq!(reports_of(&app, &y).await, 1);
}

/// The first call has inserted its row but not committed when the retry arrives: the retry's
/// insert hits the unique index (on PostgreSQL it waits for the first to commit, then fails and
/// must roll back before reading), and answers with the first call's report.
#[tokio::test]
async fn a_retry_while_the_first_call_is_still_committing_gets_the_first_report() {
    let app = spawn_app().await;
    let y = app.youth_in("impatient", "220102001001", true).await;
    let b = body(30);
    let dto: CreateReportRequest = serde_json::from_value(b.clone()).unwrap();
    let hash = jiqing::idempotency::request_hash("POST", PATH, &dto);
    let separate = Database::connect(&app.settings.database_url).await.unwrap();
    let first = separate.begin().await.unwrap();
    let id = Uuid::now_v7();
    reports::ActiveModel {
        id: Set(id),
        user_id: Set(y.user_id.parse().unwrap()),
        region_code: Set("220102001001".into()),
        category: Set(VolunteerCategory::RiverPatrol),
        content: Set("巡河护河".into()),
        place: Set("伊通河南岭段".into()),
        served_at: Set(Utc::now() - Duration::days(1)),
        minutes: Set(30),
        description: Set(String::new()),
        photos: Set("[]".into()),
        status: Set(ReportStatus::Pending),
        version: Set(1),
        review_reason: Set(None),
        reviewed_by: Set(None),
        reviewed_at: Set(None),
        entry_id: Set(None),
        idempotency_key: Set(Some("slow".into())),
        request_hash: Set(Some(hash)),
        created_at: Set(Utc::now()),
    }
    .insert(&first)
    .await
    .unwrap();
    let retry = tokio::spawn({
        let (client, url, token) = (app.client.clone(), app.url(PATH), y.token.clone());
        async move {
            let req = client
                .post(url)
                .bearer_auth(token)
                .header("Idempotency-Key", "slow")
                .json(&b);
            send_checked(&client, req).await
        }
    });
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    first.commit().await.unwrap();
    let answer = json_of(retry.await.unwrap(), StatusCode::OK).await;
    assert_eq!(answer["id"], id.to_string());
    assert_eq!(reports_of(&app, &y).await, 1);
}
