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

/// A WeChat youth (real login against the fake) with a verified talent profile in `region`.
async fn wechat_youth(app: &TestApp, wx: &MockServer, name: &str, region: &str) -> Login {
    wechat_youth_with(app, wx, name, region, true).await
}

/// A WeChat youth whose talent profile is verified or still pending.
pub async fn wechat_youth_with(
    app: &TestApp,
    wx: &MockServer,
    name: &str,
    region: &str,
    verified: bool,
) -> Login {
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
    app.add_talent_profile(&login, name, region, verified).await;
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

/// An app whose WeChat is the local fake, with subscription templates for talent and volunteer
/// notices (and a kind of its own for rejected corrections); every send succeeds.
async fn app_with_decision_templates() -> (TestApp, MockServer) {
    let wx = MockServer::start().await;
    let base = wx.uri();
    let app = spawn_app_with(move |s| {
        s.wechat = Some(jiqing::config::WechatSettings {
            appid: TEST_APPID.into(),
            secret: "wx_test_secret".to_owned().into(),
        });
        s.wechat_api_base = base;
        for (key, template) in [
            ("talent", "TPL_TALENT"),
            ("volunteer", "TPL_VOLUNTEER"),
            ("volunteer.correction_rejected", "TPL_CORRECTION_REJECTED"),
        ] {
            s.subscribe_templates.insert(key.into(), template.into());
        }
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
    Mock::given(method("POST"))
        .and(path("/cgi-bin/message/subscribe/send"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"errcode": 0, "errmsg": "ok"})),
        )
        .mount(&wx)
        .await;
    (app, wx)
}

/// The subscription messages the fake received, once `expected` have arrived (bounded wait) and
/// a little longer, so that a duplicate would be seen too.
async fn subscription_messages(wx: &MockServer, expected: usize) -> Vec<serde_json::Value> {
    let read = || async {
        wx.received_requests()
            .await
            .unwrap_or_default()
            .into_iter()
            .filter(|r| r.url.path() == "/cgi-bin/message/subscribe/send")
            .map(|r| serde_json::from_slice::<serde_json::Value>(&r.body).unwrap())
            .collect::<Vec<_>>()
    };
    for _ in 0..50 {
        if read().await.len() >= expected {
            break;
        }
        tokio::time::sleep(StdDuration::from_millis(100)).await;
    }
    tokio::time::sleep(StdDuration::from_millis(300)).await;
    read().await
}

async fn notices(app: &TestApp, who: &Login) -> Vec<serde_json::Value> {
    let page = json_of(
        app.get("/api/v1/me/notifications?pageSize=50", Some(&who.token))
            .await,
        StatusCode::OK,
    )
    .await;
    page["items"].as_array().unwrap().clone()
}

/// POST a decision twice (a retry) and expect 200 both times.
async fn decide_twice(app: &TestApp, cadre: &Login, url: &str, body: serde_json::Value) {
    for attempt in ["first", "retry"] {
        let resp = app.post(url, Some(&cadre.token), &body).await;
        assert_eq!(resp.status(), StatusCode::OK, "{attempt} of {url}");
    }
}

fn kinds(notes: &[serde_json::Value]) -> Vec<&str> {
    notes.iter().map(|n| n["kind"].as_str().unwrap()).collect()
}

async fn profile_of(app: &TestApp, who: &Login) -> Uuid {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let user: Uuid = who.user_id.parse().unwrap();
    entity::talent_profiles::Entity::find()
        .filter(entity::talent_profiles::Column::UserId.eq(user))
        .one(app.db())
        .await
        .unwrap()
        .unwrap()
        .id
}

#[tokio::test]
async fn a_talent_review_tells_only_the_owner_once_in_app_and_by_subscription_message() {
    let (app, wx) = app_with_decision_templates().await;
    let cadre = app.admin_of("220102").await;
    let approved = wechat_youth_with(&app, &wx, "tv", VILLAGE, false).await;
    let rejected = wechat_youth_with(&app, &wx, "tr", VILLAGE, false).await;
    let bystander = wechat_youth_with(&app, &wx, "tb", VILLAGE, false).await;
    let url = |id: Uuid| format!("/api/v1/admin/talents/{id}/reviews");
    decide_twice(
        &app,
        &cadre,
        &url(profile_of(&app, &approved).await),
        json!({"decision": "approve", "version": 1}),
    )
    .await;
    decide_twice(
        &app,
        &cadre,
        &url(profile_of(&app, &rejected).await),
        json!({"decision": "reject", "reason": "身份证照片不清晰", "version": 1}),
    )
    .await;

    let notes = notices(&app, &approved).await;
    assert_eq!(
        kinds(&notes),
        ["talent.verified"],
        "one notice, retry or not"
    );
    assert_eq!(notes[0]["title"], "人才信息已认定");
    let notes = notices(&app, &rejected).await;
    assert_eq!(kinds(&notes), ["talent.rejected"]);
    assert!(
        notes[0]["body"]
            .as_str()
            .unwrap()
            .contains("身份证照片不清晰"),
        "the reason is told: {}",
        notes[0]["body"]
    );
    assert!(notices(&app, &bystander).await.is_empty());

    let sent = subscription_messages(&wx, 2).await;
    assert_eq!(sent.len(), 2, "one message per decision: {sent:?}");
    for (who, title) in [
        ("openid-tv", "人才信息已认定"),
        ("openid-tr", "人才信息未通过审核"),
    ] {
        let msg = sent.iter().find(|m| m["touser"] == who).expect(who);
        assert_eq!(msg["template_id"], "TPL_TALENT");
        assert_eq!(msg["data"]["thing1"]["value"], title);
    }
}

#[tokio::test]
async fn volunteer_report_and_correction_decisions_tell_the_youth_once_with_the_reason() {
    use chrono::{Duration, Utc};
    let (app, wx) = app_with_decision_templates().await;
    let cadre = app.admin_of("220102").await;
    let youth = wechat_youth(&app, &wx, "vr", VILLAGE).await;
    let bystander = wechat_youth(&app, &wx, "vb", VILLAGE).await;
    let report = |content: &str| {
        json!({"category": "rural_teaching", "content": content, "place": "其塔木镇中心小学",
               "servedAt": (Utc::now() - Duration::days(1)).to_rfc3339(), "minutes": 120,
               "description": "数学课", "photos": []})
    };
    let mut ids = Vec::new();
    for content in ["村小支教", "敬老院慰问"] {
        let r = json_of(
            app.post(
                "/api/v1/me/volunteer/reports",
                Some(&youth.token),
                &report(content),
            )
            .await,
            StatusCode::CREATED,
        )
        .await;
        ids.push(r["id"].as_str().unwrap().to_owned());
    }
    let review = |id: &str| format!("/api/v1/admin/volunteer/reports/{id}/reviews");
    decide_twice(
        &app,
        &cadre,
        &review(&ids[0]),
        json!({"decision": "approve"}),
    )
    .await;
    decide_twice(
        &app,
        &cadre,
        &review(&ids[1]),
        json!({"decision": "reject", "reason": "缺少服务照片"}),
    )
    .await;
    let approved = json_of(
        app.get(
            &format!("/api/v1/me/volunteer/reports/{}", ids[0]),
            Some(&youth.token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let entry = approved["entryId"].as_str().unwrap().to_owned();

    let correction =
        |minutes: i32| json!({"entryId": entry, "minutes": minutes, "reason": "实际服务1.5小时"});
    let decide = |c: &serde_json::Value| {
        format!(
            "/api/v1/admin/volunteer/corrections/{}/reviews",
            c["id"].as_str().unwrap()
        )
    };
    let first = json_of(
        app.post(
            "/api/v1/me/volunteer/corrections",
            Some(&youth.token),
            &correction(90),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    decide_twice(
        &app,
        &cadre,
        &decide(&first),
        json!({"decision": "approve"}),
    )
    .await;
    let second = json_of(
        app.post(
            "/api/v1/me/volunteer/corrections",
            Some(&youth.token),
            &correction(60),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    decide_twice(
        &app,
        &cadre,
        &decide(&second),
        json!({"decision": "reject", "reason": "与签到记录不符"}),
    )
    .await;

    let notes = notices(&app, &youth).await;
    let mut got = kinds(&notes);
    got.sort_unstable();
    assert_eq!(
        got,
        [
            "volunteer.correction_approved",
            "volunteer.correction_rejected",
            "volunteer.report_approved",
            "volunteer.report_rejected",
        ],
        "exactly one notice per decision"
    );
    let body_of = |kind: &str| {
        notes.iter().find(|n| n["kind"] == kind).unwrap()["body"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert!(body_of("volunteer.report_rejected").contains("缺少服务照片"));
    assert!(body_of("volunteer.correction_rejected").contains("与签到记录不符"));
    assert!(body_of("volunteer.correction_approved").contains("90分钟"));
    assert!(notices(&app, &bystander).await.is_empty());

    let sent = subscription_messages(&wx, 4).await;
    assert_eq!(sent.len(), 4, "one message per decision: {sent:?}");
    assert!(sent.iter().all(|m| m["touser"] == "openid-vr"));
    let templates = |t: &str| sent.iter().filter(|m| m["template_id"] == t).count();
    assert_eq!(templates("TPL_VOLUNTEER"), 3);
    assert_eq!(
        templates("TPL_CORRECTION_REJECTED"),
        1,
        "a kind's own template wins over its domain's"
    );
}

/// Issue 10, point 8: mentoring events reach WeChat with the mentoring template
/// (`WECHAT_TEMPLATE_MENTOR`, also for the `mentorship.*` kinds), each once.
#[tokio::test]
async fn mentoring_events_send_subscription_messages_with_the_mentor_template_once_each() {
    let wx = MockServer::start().await;
    let base = wx.uri();
    let app = spawn_app_with(move |s| {
        s.wechat = Some(jiqing::config::WechatSettings {
            appid: TEST_APPID.into(),
            secret: "wx_test_secret".to_owned().into(),
        });
        s.wechat_api_base = base;
        s.subscribe_templates
            .insert("mentor".into(), "TPL_MENTOR".into());
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
    Mock::given(method("POST"))
        .and(path("/wxa/business/getuserphonenumber"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "errcode": 0, "errmsg": "ok",
            "phone_info": {"phoneNumber": "13912345678", "purePhoneNumber": "13912345678",
                           "countryCode": "86",
                           "watermark": {"timestamp": 1_700_000_000, "appid": TEST_APPID}}
        })))
        .mount(&wx)
        .await;
    Mock::given(method("POST"))
        .and(path("/cgi-bin/message/subscribe/send"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"errcode": 0, "errmsg": "ok"})),
        )
        .mount(&wx)
        .await;
    use crate::mentoring::{NANGUAN, NANGUAN_VILLAGE, mentor_body, review};
    let cadre = app.admin_of(NANGUAN).await;
    let mentor = wechat_youth(&app, &wx, "mentorwx", NANGUAN_VILLAGE).await;
    json_of(
        app.post(
            "/api/v1/auth/wechat-phone",
            Some(&mentor.token),
            &json!({"code": "phone-code"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let profile = json_of(
        app.put(
            "/api/v1/me/mentor-profile",
            Some(&mentor.token),
            &mentor_body(NANGUAN, 5),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let mentor_id = profile["id"].as_str().unwrap().to_owned();
    json_of(
        review(
            &app,
            &cadre,
            &mentor_id,
            json!({"decision": "certify", "version": 1}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let mentee = wechat_youth(&app, &wx, "menteewx", NANGUAN_VILLAGE).await;
    let request =
        crate::mentoring::requests::asked(&app, &mentee, Some(&mentor_id), "long_term").await;
    json_of(
        crate::mentoring::requests::accept(&app, &mentor, &request).await,
        StatusCode::OK,
    )
    .await;
    // mentor.certified and mentorship.requested to the mentor, mentorship.accepted to the mentee.
    let sent = subscription_messages(&wx, 3).await;
    assert_eq!(sent.len(), 3, "{sent:?}");
    assert!(
        sent.iter().all(|m| m["template_id"] == "TPL_MENTOR"),
        "{sent:?}"
    );
    let to = |openid: &str| sent.iter().filter(|m| m["touser"] == openid).count();
    assert_eq!((to("openid-mentorwx"), to("openid-menteewx")), (2, 1));
}
