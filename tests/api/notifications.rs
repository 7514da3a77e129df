//! The in-app notification list every domain writes to, and its WeChat subscription messages.
use std::time::Duration as StdDuration;

use reqwest::StatusCode;
use serde_json::json;
use uuid::Uuid;
use wiremock::matchers::{body_partial_json, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::helpers::*;
use crate::trainings::{VILLAGE, publish, sign_up, training_body};

#[tokio::test]
async fn notifications_are_listed_newest_first_with_the_unread_count_and_can_be_read() {
    let app = spawn_app().await;
    let youth = app.youth_in("n", VILLAGE, true).await;
    let other = app.youth_in("o", VILLAGE, true).await;
    let user: Uuid = youth.user_id.parse().unwrap();
    for i in 1..=3 {
        jiqing::notifications::notify(
            app.db(),
            user,
            entity::notifications::NotificationKind::TrainingChanged,
            &format!("第{i}条"),
            "内容",
            None,
        )
        .await
        .unwrap();
        tokio::time::sleep(StdDuration::from_millis(5)).await;
    }
    let page = json_of(
        app.get("/api/v1/me/notifications?pageSize=2", Some(&youth.token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(page["total"], 3);
    assert_eq!(page["unreadCount"], 3);
    assert_eq!(page["items"].as_array().unwrap().len(), 2);
    assert_eq!(page["items"][0]["title"], "第3条", "newest first");
    assert_eq!(page["items"][0]["read"], false);
    let newest = page["items"][0]["id"].as_str().unwrap().to_owned();

    // Someone else cannot read (or even see) it.
    assert_error(
        app.post(
            &format!("/api/v1/me/notifications/{newest}/read"),
            Some(&other.token),
            &json!({}),
        )
        .await,
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
    )
    .await;
    let theirs = json_of(
        app.get("/api/v1/me/notifications", Some(&other.token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(theirs["total"], 0);

    let read = json_of(
        app.post(
            &format!("/api/v1/me/notifications/{newest}/read"),
            Some(&youth.token),
            &json!({}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(read["read"], true);
    let unread = json_of(
        app.get(
            "/api/v1/me/notifications?unreadOnly=true",
            Some(&youth.token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(unread["total"], 2);
    assert_eq!(unread["unreadCount"], 2);
    let all = json_of(
        app.post(
            "/api/v1/me/notifications/read-all",
            Some(&youth.token),
            &json!({}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(all["marked"], 2);
    let after = json_of(
        app.get("/api/v1/me/notifications", Some(&youth.token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(after["unreadCount"], 0);
    assert_eq!(after["total"], 3);
    assert_error(
        app.get("/api/v1/me/notifications", None).await,
        StatusCode::UNAUTHORIZED,
        "UNAUTHENTICATED",
    )
    .await;
}

const TEMPLATE: &str = "TPL_TRAINING";

/// A WeChat youth (real login against the fake) with a talent profile in `region`.
async fn wechat_youth(app: &TestApp, wx: &MockServer, name: &str, region: &str) -> Login {
    let code = format!("code-{name}");
    Mock::given(method("GET"))
        .and(path("/sns/jscode2session"))
        .and(query_param("js_code", code.as_str()))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"openid": format!("openid-{name}"), "session_key": "k"})),
        )
        .mount(wx)
        .await;
    let login = login_from(
        json_of(
            app.post("/api/v1/auth/wechat-login", None, &json!({"code": code}))
                .await,
            StatusCode::OK,
        )
        .await,
    );
    app.add_talent_profile(&login, name, region, true).await;
    login
}

fn subscribe_send(openid: &str, errcode: i64) -> Mock {
    Mock::given(method("POST"))
        .and(path("/cgi-bin/message/subscribe/send"))
        .and(query_param("access_token", "TOKEN"))
        .and(body_partial_json(
            json!({"touser": openid, "template_id": TEMPLATE}),
        ))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"errcode": errcode, "errmsg": "x"})),
        )
}

#[tokio::test]
async fn a_sign_up_also_sends_a_wechat_subscription_message_and_not_subscribed_is_fine() {
    let wx = MockServer::start().await;
    let base = wx.uri();
    let app = spawn_app_with(move |s| {
        s.wechat = Some(jiqing::config::WechatSettings {
            appid: TEST_APPID.into(),
            secret: "wx_test_secret".to_owned().into(),
        });
        s.wechat_api_base = base;
        s.subscribe_templates
            .insert("training".into(), TEMPLATE.into());
    })
    .await;
    Mock::given(method("POST"))
        .and(path("/cgi-bin/stable_token"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"access_token": "TOKEN", "expires_in": 7200})),
        )
        .mount(&wx)
        .await;
    subscribe_send("openid-sub", 0).expect(1).mount(&wx).await;
    subscribe_send("openid-unsub", 43101)
        .expect(1)
        .mount(&wx)
        .await;
    let cadre = app.admin_of("220102").await;
    let training = publish(&app, &cadre, &training_body("220102", 5)).await;
    let training = training["id"].as_str().unwrap();
    let subscribed = wechat_youth(&app, &wx, "sub", VILLAGE).await;
    let unsubscribed = wechat_youth(&app, &wx, "unsub", VILLAGE).await;

    for y in [&subscribed, &unsubscribed] {
        let body = json_of(sign_up(&app, y, training).await, StatusCode::CREATED).await;
        assert_eq!(body["status"], "enrolled");
        let notes = json_of(
            app.get("/api/v1/me/notifications", Some(&y.token)).await,
            StatusCode::OK,
        )
        .await;
        assert_eq!(
            notes["items"][0]["kind"], "training.enrolled",
            "in-app either way"
        );
    }
    // Delivery runs after the commit, in the background: wait for both sends.
    let mut sends = 0;
    for _ in 0..50 {
        sends = wx
            .received_requests()
            .await
            .unwrap_or_default()
            .iter()
            .filter(|r| r.url.path() == "/cgi-bin/message/subscribe/send")
            .count();
        if sends >= 2 {
            break;
        }
        tokio::time::sleep(StdDuration::from_millis(100)).await;
    }
    assert_eq!(sends, 2);
    let sent = wx
        .received_requests()
        .await
        .unwrap_or_default()
        .into_iter()
        .find(|r| r.url.path() == "/cgi-bin/message/subscribe/send")
        .unwrap();
    let body: serde_json::Value = serde_json::from_slice(&sent.body).unwrap();
    assert_eq!(body["data"]["thing1"]["value"], "培训报名成功");
    assert!(body["page"].as_str().unwrap().contains(training));
}
