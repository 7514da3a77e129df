use entity::users;
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;
use wiremock::matchers::{body_partial_json, method, path, query_param};
use wiremock::{Mock, ResponseTemplate};

use crate::helpers::*;

fn code2session(code: &str, body: serde_json::Value) -> Mock {
    Mock::given(method("GET"))
        .and(path("/sns/jscode2session"))
        .and(query_param("js_code", code))
        .and(query_param("appid", TEST_APPID))
        .and(query_param("grant_type", "authorization_code"))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
}

#[tokio::test]
async fn a_wechat_login_creates_the_user_once_and_keeps_the_session_key_server_side() {
    let (app, wx) = spawn_app_with_wechat().await;
    // A success without errcode, as WeChat often answers.
    code2session(
        "code-1",
        json!({"openid": "o_abc", "session_key": "SK1", "unionid": "u_1"}),
    )
    .expect(1)
    .mount(&wx)
    .await;
    code2session(
        "code-2",
        json!({"openid": "o_abc", "session_key": "SK2", "errcode": 0, "errmsg": "ok"}),
    )
    .expect(1)
    .mount(&wx)
    .await;

    let first = app
        .post(
            "/api/v1/auth/wechat-login",
            None,
            &json!({"code": "code-1"}),
        )
        .await;
    let first_text = first.text().await.unwrap();
    assert!(
        !first_text.contains("SK1"),
        "session_key never goes to the client"
    );
    let first: serde_json::Value = serde_json::from_str(&first_text).unwrap();
    assert_eq!(first["tokenType"], "Bearer");
    assert_eq!(first["user"]["roles"], json!(["youth"]));
    let second = json_of(
        app.post(
            "/api/v1/auth/wechat-login",
            None,
            &json!({"code": "code-2"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        first["user"]["id"], second["user"]["id"],
        "same openid, same user"
    );

    let stored = users::Entity::find()
        .filter(users::Column::Openid.eq("o_abc"))
        .all(app.db())
        .await
        .unwrap();
    assert_eq!(stored.len(), 1);
    let user = &stored[0];
    assert_eq!(
        user.unionid.as_deref(),
        Some("u_1"),
        "unionid kept when later absent"
    );
    let enc = user.session_key_enc.as_deref().unwrap();
    assert!(!enc.contains("SK2"), "session key encrypted at rest");
    assert_eq!(
        app.state.cipher.decrypt(enc).unwrap(),
        "SK2",
        "the newest key is kept"
    );

    let me = json_of(
        app.get("/api/v1/me", Some(second["accessToken"].as_str().unwrap()))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(me["id"], first["user"]["id"]);
}

#[tokio::test]
async fn wechat_errors_map_to_clear_answers() {
    let (app, wx) = spawn_app_with_wechat().await;
    for (code, errcode) in [
        ("used", 40029),
        ("busy", -1),
        ("fast", 45011),
        ("risky", 40226),
        ("odd", 99999),
    ] {
        code2session(code, json!({"errcode": errcode, "errmsg": "x"}))
            .mount(&wx)
            .await;
    }
    Mock::given(method("GET"))
        .and(path("/sns/jscode2session"))
        .and(query_param("js_code", "broken"))
        .respond_with(ResponseTemplate::new(502))
        .mount(&wx)
        .await;
    let cases = [
        (
            "used",
            StatusCode::UNAUTHORIZED,
            "WECHAT_CODE_INVALID",
            false,
        ),
        (
            "busy",
            StatusCode::SERVICE_UNAVAILABLE,
            "WECHAT_UNAVAILABLE",
            true,
        ),
        (
            "fast",
            StatusCode::TOO_MANY_REQUESTS,
            "WECHAT_RATE_LIMITED",
            true,
        ),
        ("risky", StatusCode::FORBIDDEN, "WECHAT_USER_BLOCKED", false),
        (
            "odd",
            StatusCode::SERVICE_UNAVAILABLE,
            "WECHAT_UNAVAILABLE",
            true,
        ),
        (
            "broken",
            StatusCode::SERVICE_UNAVAILABLE,
            "WECHAT_UNAVAILABLE",
            true,
        ),
    ];
    for (code, status, err, retryable) in cases {
        let body = assert_error(
            app.post("/api/v1/auth/wechat-login", None, &json!({"code": code}))
                .await,
            status,
            err,
        )
        .await;
        assert_eq!(
            body["error"]["retryable"].as_bool().unwrap_or(false),
            retryable,
            "{code}"
        );
    }
    assert_eq!(
        users::Entity::find().all(app.db()).await.unwrap().len(),
        0,
        "no user made"
    );
}

#[tokio::test]
async fn an_unreachable_wechat_is_a_retryable_503() {
    let app = spawn_app_with(|s| {
        s.wechat = Some(jiqing::config::WechatSettings {
            appid: TEST_APPID.into(),
            secret: "s".to_owned().into(),
        });
        // Nothing listens on port 9 here.
        s.wechat_api_base = "http://127.0.0.1:9".into();
    })
    .await;
    let body = assert_error(
        app.post("/api/v1/auth/wechat-login", None, &json!({"code": "abc"}))
            .await,
        StatusCode::SERVICE_UNAVAILABLE,
        "WECHAT_UNAVAILABLE",
    )
    .await;
    assert_eq!(body["error"]["retryable"], true);
}

#[tokio::test]
async fn development_login_gives_a_stable_user_and_is_impossible_when_wechat_is_configured() {
    let app = spawn_app().await;
    let a = app.login_as_youth("alice").await;
    let b = app.login_as_youth("alice").await;
    let c = app.login_as_youth("bob").await;
    assert_eq!(a.user_id, b.user_id);
    assert_ne!(a.user_id, c.user_id);

    let (wx_app, _wx) = spawn_app_with_wechat().await;
    assert_error(
        wx_app
            .post(
                "/api/v1/auth/wechat-login",
                None,
                &json!({"code": "dev:alice"}),
            )
            .await,
        StatusCode::UNAUTHORIZED,
        "WECHAT_CODE_INVALID",
    )
    .await;
}

#[test]
fn production_refuses_development_secrets_and_missing_wechat() {
    use jiqing::config::Settings;
    let vars = |extra: &'static [(&'static str, &'static str)]| {
        move |name: &str| {
            extra
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        }
    };
    let err = Settings::from_vars(vars(&[("JIQING_ENV", "production")])).unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("JIQING_JWT_SECRET")
            && msg.contains("JIQING_DATA_KEY")
            && msg.contains("WECHAT_APPID"),
        "{msg}"
    );
    assert!(
        !msg.contains(jiqing::config::DEV_JWT_SECRET),
        "secrets never printed"
    );
    let ok = Settings::from_vars(vars(&[
        ("JIQING_ENV", "production"),
        ("JIQING_JWT_SECRET", "0123456789abcdef0123456789abcdef-prod"),
        (
            "JIQING_DATA_KEY",
            "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
        ),
        ("WECHAT_APPID", "wx1"),
        ("WECHAT_SECRET", "s"),
    ]))
    .unwrap();
    assert!(
        !ok.dev_login_enabled(),
        "no development login in production"
    );
    let bad_key = Settings::from_vars(vars(&[("JIQING_DATA_KEY", "c2hvcnQ=")]));
    assert!(
        bad_key.is_err(),
        "a data key of the wrong length is refused"
    );
}

fn stable_token(token: &str) -> Mock {
    Mock::given(method("POST"))
        .and(path("/cgi-bin/stable_token"))
        .and(body_partial_json(
            json!({"grant_type": "client_credential", "appid": TEST_APPID}),
        ))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"access_token": token, "expires_in": 7200})),
        )
}

fn phone_answer(token: &str, code: &str, appid: &str, phone: &str) -> Mock {
    Mock::given(method("POST"))
        .and(path("/wxa/business/getuserphonenumber"))
        .and(query_param("access_token", token))
        .and(body_partial_json(json!({"code": code})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "errcode": 0, "errmsg": "ok",
            "phone_info": {"phoneNumber": phone, "purePhoneNumber": phone, "countryCode": "86",
                           "watermark": {"timestamp": 1_700_000_000, "appid": appid}}
        })))
}

async fn wechat_login(app: &TestApp, wx: &wiremock::MockServer, code: &str, openid: &str) -> Login {
    code2session(code, json!({"openid": openid, "session_key": "k"}))
        .mount(wx)
        .await;
    login_from(
        json_of(
            app.post("/api/v1/auth/wechat-login", None, &json!({"code": code}))
                .await,
            StatusCode::OK,
        )
        .await,
    )
}

#[tokio::test]
async fn two_instances_share_one_access_token_fetched_once() {
    let (app, wx) = spawn_app_with_wechat().await;
    let other = app.spawn_another_instance().await;
    stable_token("TOKEN-A").expect(1).mount(&wx).await;
    let mut logins = Vec::new();
    for i in 0..6 {
        let login = wechat_login(&app, &wx, &format!("c{i}"), &format!("o{i}")).await;
        phone_answer(
            "TOKEN-A",
            &format!("p{i}"),
            TEST_APPID,
            &format!("1380000000{i}"),
        )
        .mount(&wx)
        .await;
        logins.push(login);
    }
    // Bind six phones at once, half through each instance: one token fetch in all.
    let bodies: Vec<_> = (0..logins.len())
        .map(|i| json!({"code": format!("p{i}")}))
        .collect();
    let calls = logins
        .iter()
        .zip(&bodies)
        .enumerate()
        .map(|(i, (l, body))| {
            let target = if i % 2 == 0 { &app } else { &other };
            target.post("/api/v1/auth/wechat-phone", Some(&l.token), body)
        });
    for (i, resp) in futures_util::future::join_all(calls)
        .await
        .into_iter()
        .enumerate()
    {
        let body = json_of(resp, StatusCode::OK).await;
        assert_eq!(body["phone"], format!("138****000{i}"), "masked on output");
    }
    let user = users::Entity::find()
        .filter(users::Column::Openid.eq("o0"))
        .one(app.db())
        .await
        .unwrap()
        .unwrap();
    let enc = user.phone_enc.unwrap();
    assert!(!enc.contains("13800000000"), "phone encrypted at rest");
    assert_eq!(app.state.cipher.decrypt(&enc).unwrap(), "13800000000");
    // wiremock verifies `.expect(1)` on the token endpoint when `wx` drops.
}

#[tokio::test]
async fn a_rejected_access_token_is_replaced_once_and_the_call_retried() {
    let (app, wx) = spawn_app_with_wechat().await;
    let login = wechat_login(&app, &wx, "c", "o").await;
    app.state
        .cache
        .set("wechat:access_token", "OLD", None)
        .await
        .unwrap();
    Mock::given(method("POST"))
        .and(path("/wxa/business/getuserphonenumber"))
        .and(query_param("access_token", "OLD"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"errcode": 40001, "errmsg": "invalid credential"})),
        )
        .mount(&wx)
        .await;
    Mock::given(method("POST"))
        .and(path("/cgi-bin/stable_token"))
        .and(body_partial_json(json!({"force_refresh": true})))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"access_token": "NEW", "expires_in": 7200})),
        )
        .expect(1)
        .mount(&wx)
        .await;
    phone_answer("NEW", "p", TEST_APPID, "13912345678")
        .mount(&wx)
        .await;
    let body = json_of(
        app.post(
            "/api/v1/auth/wechat-phone",
            Some(&login.token),
            &json!({"code": "p"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(body["phone"], "139****5678");
    assert_eq!(
        app.state
            .cache
            .get("wechat:access_token")
            .await
            .unwrap()
            .as_deref(),
        Some("NEW")
    );
}

#[tokio::test]
async fn a_phone_answer_for_another_appid_is_refused() {
    let (app, wx) = spawn_app_with_wechat().await;
    let login = wechat_login(&app, &wx, "c", "o").await;
    stable_token("T").mount(&wx).await;
    phone_answer("T", "p", "wx_someone_else", "13912345678")
        .mount(&wx)
        .await;
    assert_error(
        app.post(
            "/api/v1/auth/wechat-phone",
            Some(&login.token),
            &json!({"code": "p"}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    let user = users::Entity::find().one(app.db()).await.unwrap().unwrap();
    assert!(user.phone_enc.is_none(), "nothing stored");
}

#[tokio::test]
async fn staff_log_in_with_a_password_and_are_rate_limited_across_instances() {
    let app = spawn_app().await;
    let other = app.spawn_another_instance().await;
    let cadre = app.admin_of("220100").await;
    let me = json_of(
        app.get("/api/v1/me", Some(&cadre.token)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(me["roles"], json!(["cadre"]));
    assert_eq!(me["cadre"]["regionName"], "长春市");
    assert_eq!(me["cadre"]["level"], "city");

    app.create_staff(
        "officer1",
        jiqing::staff::dto::StaffRole::Cadre,
        Some("220000"),
        None,
    )
    .await;
    let wrong = json!({"username": "officer1", "password": "wrong password!"});
    for i in 0..5 {
        let target = if i % 2 == 0 { &app } else { &other };
        assert_error(
            target.post("/api/v1/auth/login", None, &wrong).await,
            StatusCode::UNAUTHORIZED,
            "BAD_CREDENTIALS",
        )
        .await;
    }
    // Five failures (spread over two instances) lock the account, even with the right password.
    let right = json!({"username": "officer1", "password": STAFF_PASSWORD});
    let resp = other.post("/api/v1/auth/login", None, &right).await;
    assert!(resp.headers().get("retry-after").is_some());
    assert_error(resp, StatusCode::TOO_MANY_REQUESTS, "LOGIN_RATE_LIMITED").await;
    // Unknown users get the same answer as wrong passwords.
    assert_error(
        app.post(
            "/api/v1/auth/login",
            None,
            &json!({"username": "nobody", "password": "x"}),
        )
        .await,
        StatusCode::UNAUTHORIZED,
        "BAD_CREDENTIALS",
    )
    .await;
}

async fn login_at(
    app: &TestApp,
    address: Option<&str>,
    username: &str,
    password: &str,
) -> reqwest::Response {
    let mut req = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({"username": username, "password": password}));
    if let Some(a) = address {
        req = req.header("x-forwarded-for", a);
    }
    app.send(req).await
}

#[tokio::test]
async fn thirty_correct_logins_from_one_address_are_never_blocked() {
    let app = spawn_app().await;
    app.create_staff(
        "busy_cadre",
        jiqing::staff::dto::StaffRole::Cadre,
        Some("220000"),
        None,
    )
    .await;
    for i in 0..35 {
        let resp = login_at(&app, None, "busy_cadre", STAFF_PASSWORD).await;
        assert_eq!(resp.status(), StatusCode::OK, "login {i}");
    }
}

#[tokio::test]
async fn a_password_spray_from_one_address_is_blocked() {
    let app = spawn_app_with(|s| s.login_max_failures_per_address = 8).await;
    app.create_staff(
        "sprayed",
        jiqing::staff::dto::StaffRole::Cadre,
        Some("220000"),
        None,
    )
    .await;
    for i in 0..8 {
        let resp = login_at(&app, None, &format!("guess{i}"), "Password1!").await;
        assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    }
    for username in ["guess9", "sprayed"] {
        let resp = login_at(&app, None, username, "Password1!").await;
        assert!(resp.headers().get("retry-after").is_some());
        assert_error(resp, StatusCode::TOO_MANY_REQUESTS, "LOGIN_RATE_LIMITED").await;
    }
}

#[tokio::test]
async fn the_owner_logs_in_from_another_address_while_their_account_is_attacked() {
    let app = spawn_app_with(|s| {
        s.trusted_proxies = jiqing::client_address::TrustedProxies::parse("127.0.0.1/32").unwrap()
    })
    .await;
    app.create_staff(
        "attacked",
        jiqing::staff::dto::StaffRole::Cadre,
        Some("220000"),
        None,
    )
    .await;
    let attacker = Some("203.0.113.9");
    for _ in 0..5 {
        let resp = login_at(&app, attacker, "attacked", "guess guess guess").await;
        assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    }
    // The guessing address is stopped for this account, even with the right password …
    assert_error(
        login_at(&app, attacker, "attacked", STAFF_PASSWORD).await,
        StatusCode::TOO_MANY_REQUESTS,
        "LOGIN_RATE_LIMITED",
    )
    .await;
    // … while the owner, at the office, gets in.
    let resp = login_at(&app, Some("198.51.100.7"), "attacked", STAFF_PASSWORD).await;
    assert_eq!(resp.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_distributed_attack_brakes_the_account_without_locking_the_owner_out() {
    let app = spawn_app_with(|s| {
        s.trusted_proxies = jiqing::client_address::TrustedProxies::parse("127.0.0.0/8").unwrap();
        s.login_brake_after_failures = 6;
        s.login_brake_interval = std::time::Duration::from_secs(1);
    })
    .await;
    app.create_staff(
        "braked",
        jiqing::staff::dto::StaffRole::Cadre,
        Some("220000"),
        None,
    )
    .await;
    for i in 0..6 {
        let bot = format!("203.0.113.{i}");
        let resp = login_at(&app, Some(&bot), "braked", "guess guess guess").await;
        assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    }
    // Braked: one attempt per interval on this account, from anywhere.
    let resp = login_at(&app, Some("203.0.113.100"), "braked", "guess guess guess").await;
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    let owner = Some("198.51.100.7");
    let resp = login_at(&app, owner, "braked", STAFF_PASSWORD).await;
    assert!(resp.headers().get("retry-after").is_some());
    assert_error(resp, StatusCode::TOO_MANY_REQUESTS, "LOGIN_RATE_LIMITED").await;
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let resp = login_at(&app, owner, "braked", STAFF_PASSWORD).await;
    assert_eq!(
        resp.status(),
        StatusCode::OK,
        "the owner gets in after a short wait"
    );
}

#[tokio::test]
async fn forwarded_for_from_an_untrusted_peer_is_ignored() {
    let app = spawn_app().await;
    app.create_staff(
        "spoofed",
        jiqing::staff::dto::StaffRole::Cadre,
        Some("220000"),
        None,
    )
    .await;
    for i in 0..5 {
        let fake = format!("198.51.100.{i}");
        let resp = login_at(&app, Some(&fake), "spoofed", "guess guess guess").await;
        assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    }
    // Claiming yet another address does not escape the limit of the real one.
    assert_error(
        login_at(&app, Some("192.0.2.44"), "spoofed", STAFF_PASSWORD).await,
        StatusCode::TOO_MANY_REQUESTS,
        "LOGIN_RATE_LIMITED",
    )
    .await;
}

#[tokio::test]
async fn refresh_tokens_rotate_and_a_reused_one_ends_the_whole_login() {
    let app = spawn_app().await;
    let first = app.login_as_youth("carol").await;
    let second = login_from(
        json_of(
            app.post(
                "/api/v1/auth/refresh",
                None,
                &json!({"refreshToken": first.refresh}),
            )
            .await,
            StatusCode::OK,
        )
        .await,
    );
    assert_ne!(first.refresh, second.refresh);
    assert_eq!(
        app.get("/api/v1/me", Some(&second.token)).await.status(),
        StatusCode::OK
    );

    // The old refresh token shows up again: someone copied it. The whole login ends.
    assert_error(
        app.post(
            "/api/v1/auth/refresh",
            None,
            &json!({"refreshToken": first.refresh}),
        )
        .await,
        StatusCode::UNAUTHORIZED,
        "REFRESH_TOKEN_REUSED",
    )
    .await;
    assert_login_ended(&app, &second).await;
    // Another login of the same person is unaffected.
    let other = app.login_as_youth("carol").await;
    assert_eq!(
        app.get("/api/v1/me", Some(&other.token)).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn logout_ends_the_access_and_refresh_tokens() {
    let app = spawn_app().await;
    let login = app.login_as_youth("dave").await;
    let resp = app
        .request(
            reqwest::Method::POST,
            "/api/v1/auth/logout",
            Some(&login.token),
            None,
        )
        .await;
    assert_eq!(resp.status(), StatusCode::NO_CONTENT);
    assert_login_ended(&app, &login).await;
}

#[tokio::test]
async fn requests_without_a_valid_token_are_refused() {
    let app = spawn_app().await;
    assert_error(
        app.get("/api/v1/me", None).await,
        StatusCode::UNAUTHORIZED,
        "UNAUTHENTICATED",
    )
    .await;
    assert_error(
        app.get("/api/v1/me", Some("not-a-jwt")).await,
        StatusCode::UNAUTHORIZED,
        "INVALID_TOKEN",
    )
    .await;
}

#[tokio::test]
async fn accounts_and_logins_survive_a_restart() {
    let app = spawn_app().await;
    let youth = app.login_as_youth("frank").await;
    let cadre = app.admin_of("220100").await;
    let app = app.restart().await;
    let me = json_of(
        app.get("/api/v1/me", Some(&youth.token)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(me["id"], youth.user_id.as_str());
    let refreshed = json_of(
        app.post(
            "/api/v1/auth/refresh",
            None,
            &json!({"refreshToken": cadre.refresh}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(refreshed["user"]["cadre"]["regionCode"], "220100");
}

/// Neither the access token nor the refresh token of `login` works any more.
async fn assert_login_ended(app: &TestApp, login: &Login) {
    assert_error(
        app.get("/api/v1/me", Some(&login.token)).await,
        StatusCode::UNAUTHORIZED,
        "SESSION_ENDED",
    )
    .await;
    assert_error(
        app.post(
            "/api/v1/auth/refresh",
            None,
            &json!({"refreshToken": login.refresh}),
        )
        .await,
        StatusCode::UNAUTHORIZED,
        "INVALID_REFRESH_TOKEN",
    )
    .await;
}
