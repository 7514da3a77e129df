//! What clients send: the text rule, JSON errors, role before body, page bounds, panics.
use chrono::{Duration, Utc};
use reqwest::{Method, StatusCode};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};

use crate::helpers::*;
use crate::talents::id_number;
use crate::trainings::training_body;

/// What the hostile value must lead to.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Expect {
    /// 422 `CONTROL_CHARACTER` on the field.
    Control,
    /// 422 on the field (too short once invisible characters are not counted, or too long).
    Refused,
    /// 400: JSON cannot carry it.
    Malformed,
    /// Anything but a 5xx (the text is fine, the endpoint decides).
    NoServerError,
}

/// Hostile strings as JSON text (so that lone surrogates can be sent at all).
fn hostile() -> Vec<(&'static str, String, Expect)> {
    vec![
        ("NUL", r#""a\u0000b""#.into(), Expect::Control),
        ("BEL", r#""警\u0007报""#.into(), Expect::Control),
        ("ESC", r#""\u001b[31m红色""#.into(), Expect::Control),
        ("line break", r#""第一行\n第二行""#.into(), Expect::Control),
        ("DEL", r#""a\u007fb""#.into(), Expect::Control),
        ("C1 NEL", r#""a\u0085b""#.into(), Expect::Control),
        (
            "RTL override",
            r#""\u202egnp.exe合作社""#.into(),
            Expect::Control,
        ),
        (
            "zero-width only",
            r#""\u200b\u200b\u200b\u200b\u200b""#.into(),
            Expect::Refused,
        ),
        (
            "fillers only",
            r#""\u3164\u3164\u2800\u3164""#.into(),
            Expect::Refused,
        ),
        (
            "very long",
            format!("\"{}\"", "长".repeat(5000)),
            Expect::Refused,
        ),
        (
            "lone high surrogate",
            r#""a\ud800b""#.into(),
            Expect::Malformed,
        ),
        (
            "lone low surrogate",
            r#""\udc00""#.into(),
            Expect::Malformed,
        ),
        (
            "combining sequence",
            r#""Cafe\u0301合作社申请""#.into(),
            Expect::NoServerError,
        ),
    ]
}

const SLOT: &str = "\u{E000}HOSTILE\u{E000}";

/// `body` with `field` replaced by the raw JSON text `value`.
fn with_raw(body: &Value, field: &str, value: &str) -> String {
    let mut body = body.clone();
    body[field] = json!(SLOT);
    body.to_string()
        .replace(&serde_json::to_string(SLOT).unwrap(), value)
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    let row = app
        .db()
        .query_one_raw(Statement::from_string(app.db().get_database_backend(), sql))
        .await
        .expect("count query")
        .expect("a row");
    row.try_get_by_index::<i64>(0).expect("a count")
}

/// Everything a refused request might have written.
async fn fingerprint(app: &TestApp) -> Vec<i64> {
    let mut out = Vec::new();
    for sql in [
        "SELECT COUNT(*) FROM trainings",
        "SELECT COUNT(*) FROM trainings WHERE status = 'cancelled'",
        "SELECT COUNT(*) FROM volunteer_activities",
        "SELECT COUNT(*) FROM volunteer_reports",
        "SELECT COUNT(*) FROM volunteer_reports WHERE status <> 'pending'",
        "SELECT COUNT(*) FROM users",
        "SELECT COUNT(*) FROM banks",
        "SELECT COUNT(*) FROM talent_profiles",
        "SELECT COUNT(*) FROM talent_profiles WHERE status <> 'pending'",
        "SELECT COUNT(*) FROM talent_reveals",
        "SELECT COUNT(*) FROM auth_sessions",
    ] {
        out.push(count(app, sql).await);
    }
    out
}

struct Target {
    what: &'static str,
    method: Method,
    path: String,
    token: Option<String>,
    body: Value,
    field: &'static str,
}

async fn send_raw(app: &TestApp, t: &Target, raw: String) -> reqwest::Response {
    let mut req = app
        .client
        .request(t.method.clone(), app.url(&t.path))
        .header("content-type", "application/json")
        .body(raw);
    if let Some(token) = &t.token {
        req = req.bearer_auth(token);
    }
    app.send(req).await
}

#[tokio::test]
async fn hostile_strings_in_bodies_never_cause_a_500_and_write_nothing() {
    let app = spawn_app().await;
    let province = app.admin_of("220000").await;
    let cadre = app.admin_of("220102").await;
    let youth = app.youth_in("hostile_youth", "220102001001", true).await;
    let applicant = app.login_as_youth("hostile_applicant").await;
    let pending = app.youth_in("hostile_pending", "220102001002", false).await;
    let talent: Value = json_of(
        app.get("/api/v1/admin/talents", Some(&cadre.token)).await,
        StatusCode::OK,
    )
    .await;
    let talent_id = talent["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["userId"] == pending.user_id.as_str())
        .expect("the pending talent")["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let training = crate::trainings::publish(&app, &cadre, &training_body("220102", 10)).await;
    let report = json_of(
        app.post(
            "/api/v1/me/volunteer/reports",
            Some(&youth.token),
            &json!({"category": "rural_teaching", "content": "村小支教", "place": "其塔木镇中心小学",
                    "servedAt": (Utc::now() - Duration::days(1)).to_rfc3339(), "minutes": 60,
                    "description": "数学课", "photos": []}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let starts = Utc::now() + Duration::days(3);
    let targets = vec![
        Target {
            what: "training title",
            method: Method::POST,
            path: "/api/v1/admin/trainings".into(),
            token: Some(cadre.token.clone()),
            body: training_body("220102", 10),
            field: "title",
        },
        Target {
            what: "training cancel reason",
            method: Method::POST,
            path: format!(
                "/api/v1/admin/trainings/{}/cancellations",
                training["id"].as_str().unwrap()
            ),
            token: Some(cadre.token.clone()),
            body: json!({"reason": "场地临时不可用"}),
            field: "reason",
        },
        Target {
            what: "activity place",
            method: Method::POST,
            path: "/api/v1/admin/volunteer/activities".into(),
            token: Some(cadre.token.clone()),
            body: json!({"category": "river_patrol", "title": "伊通河巡河护河", "description": "沿河捡拾垃圾",
                         "place": "南关区伊通河南岭段", "regionCode": "220102",
                         "startsAt": starts.to_rfc3339(), "endsAt": (starts + Duration::hours(2)).to_rfc3339(),
                         "wanted": 5}),
            field: "place",
        },
        Target {
            what: "report content",
            method: Method::POST,
            path: "/api/v1/me/volunteer/reports".into(),
            token: Some(youth.token.clone()),
            body: json!({"category": "rural_teaching", "content": "村小支教", "place": "其塔木镇中心小学",
                         "servedAt": (Utc::now() - Duration::days(2)).to_rfc3339(), "minutes": 30,
                         "description": "语文课", "photos": []}),
            field: "content",
        },
        Target {
            what: "report review reason",
            method: Method::POST,
            path: format!(
                "/api/v1/admin/volunteer/reports/{}/reviews",
                report["id"].as_str().unwrap()
            ),
            token: Some(cadre.token.clone()),
            body: json!({"decision": "reject", "reason": "照片不清楚"}),
            field: "reason",
        },
        Target {
            what: "talent review reason",
            method: Method::POST,
            path: format!("/api/v1/admin/talents/{talent_id}/reviews"),
            token: Some(cadre.token.clone()),
            body: json!({"decision": "reject", "reason": "请补充材料", "version": 1}),
            field: "reason",
        },
        Target {
            what: "reveal reason",
            method: Method::POST,
            path: format!("/api/v1/admin/talents/{talent_id}/reveals"),
            token: Some(cadre.token.clone()),
            body: json!({"reason": "核实贷款推荐材料"}),
            field: "reason",
        },
        Target {
            what: "staff display name",
            method: Method::POST,
            path: "/api/v1/admin/staff".into(),
            token: Some(province.token.clone()),
            body: json!({"username": "hostile_staff", "password": "a-long-passphrase", "displayName": "南关区团委",
                         "role": "cadre", "regionCode": "220102"}),
            field: "displayName",
        },
        Target {
            what: "bank name",
            method: Method::POST,
            path: "/api/v1/admin/banks".into(),
            token: Some(province.token.clone()),
            body: json!({"name": "吉林银行"}),
            field: "name",
        },
        Target {
            what: "login username, anonymously",
            method: Method::POST,
            path: "/api/v1/auth/login".into(),
            token: None,
            body: json!({"username": "someone", "password": "a-long-passphrase"}),
            field: "username",
        },
        Target {
            what: "talent profile name",
            method: Method::PUT,
            path: "/api/v1/me/talent-profile".into(),
            token: Some(applicant.token.clone()),
            body: json!({
                "realName": "张晓明", "gender": "male", "dateOfBirth": "1998-05-01",
                "phone": "13812345678", "idNumber": id_number("19980501", 777), "homeRegionCode": "220102001001",
                "education": "junior_college", "industries": ["planting"], "politicalStatus": "league_member",
                "sensitiveInfoConsent": true, "consentVersion": "2026-11"
            }),
            field: "realName",
        },
    ];
    for target in &targets {
        for (name, raw, expect) in hostile() {
            let before = fingerprint(&app).await;
            let resp = send_raw(&app, target, with_raw(&target.body, target.field, &raw)).await;
            let status = resp.status();
            let body: Value = resp.json().await.unwrap_or(Value::Null);
            let case = format!("{} with {name}: {status} {body}", target.what);
            assert!(!status.is_server_error(), "{case}");
            let field_codes: Vec<(&str, &str)> = body["error"]["fields"]
                .as_array()
                .map(|f| {
                    f.iter()
                        .map(|e| (e["field"].as_str().unwrap(), e["code"].as_str().unwrap()))
                        .collect()
                })
                .unwrap_or_default();
            match expect {
                Expect::Control => {
                    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{case}");
                    assert!(
                        field_codes.contains(&(target.field, "CONTROL_CHARACTER")),
                        "{case}"
                    );
                }
                Expect::Refused => {
                    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{case}");
                    assert!(
                        field_codes.iter().any(|(f, _)| *f == target.field),
                        "{case}"
                    );
                }
                Expect::Malformed => {
                    assert_eq!(status, StatusCode::BAD_REQUEST, "{case}");
                    assert_eq!(body["error"]["code"], "MALFORMED_JSON", "{case}");
                }
                Expect::NoServerError => {}
            }
            if expect != Expect::NoServerError {
                assert_eq!(fingerprint(&app).await, before, "nothing written: {case}");
            }
        }
    }
}

#[tokio::test]
async fn accepted_text_is_stored_nfc_normalised_and_trimmed_and_multi_line_texts_keep_lines() {
    let app = spawn_app().await;
    let cadre = app.admin_of("220102").await;
    let mut body = training_body("220102", 10);
    body["title"] = json!("  Cafe\u{301} 电商培训\u{200B} ");
    body["description"] = json!("第一天：选品\r\n第二天：直播\t实操");
    let created = crate::trainings::publish(&app, &cadre, &body).await;
    assert_eq!(created["title"], "Caf\u{e9} 电商培训");
    assert_eq!(created["description"], "第一天：选品\n第二天：直播\t实操");
}

#[tokio::test]
async fn hostile_query_parameters_and_path_segments_are_refused_cleanly() {
    let app = spawn_app().await;
    let cadre = app.admin_of("220102").await;
    let token = Some(cadre.token.as_str());
    for (query, field) in [
        ("keyword=%00", "keyword"),
        ("keyword=a%07b", "keyword"),
        ("keyword=%E2%80%AEabc", "keyword"),
        ("phone=1381234%005678", "phone"),
        ("region=2201%0002", "region"),
    ] {
        let body = assert_error(
            app.get(&format!("/api/v1/admin/talents?{query}"), token)
                .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "VALIDATION_FAILED",
        )
        .await;
        assert_eq!(body["error"]["fields"][0]["field"], field, "{query}");
        assert_eq!(
            body["error"]["fields"][0]["code"], "CONTROL_CHARACTER",
            "{query}"
        );
    }
    for query in [
        "keyword=%E2%80%8B%E2%80%8B",
        "keyword=%ED%A0%80",
        &format!("keyword={}", "%E9%95%BF".repeat(3000)),
        "keyword=e%CC%81",
    ] {
        let status = app
            .get(&format!("/api/v1/admin/talents?{query}"), token)
            .await
            .status();
        assert!(!status.is_server_error(), "{query}: {status}");
    }
    // A query value is NFC-normalised before the handler sees it: a decomposed "é" finds the
    // stored composed one.
    app.youth_in("caf\u{e9}", "220102001001", false).await;
    let found = json_of(
        app.get("/api/v1/admin/talents?keyword=cafe%CC%81", token)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(found["total"], 1, "{found}");
    for path in [
        "/api/v1/certificates/%00",
        "/api/v1/certificates/ab%07cd",
        "/api/v1/certificates/%ED%A0%80",
        "/api/v1/regions/%00/children",
        "/api/v1/admin/talents/%00",
    ] {
        assert_error(
            app.get(path, token).await,
            StatusCode::NOT_FOUND,
            "NOT_FOUND",
        )
        .await;
    }
}

#[tokio::test]
async fn wrong_types_and_nulls_name_every_field_at_once_in_chinese() {
    let app = spawn_app().await;
    let cadre = app.admin_of("220102").await;
    let mut body = training_body("220102", 10);
    body["title"] = json!(5);
    body["capacity"] = json!("twenty");
    body["startsAt"] = Value::Null;
    body["category"] = json!("cooking");
    body.as_object_mut().unwrap().remove("endsAt");
    body["venue"] = Value::Null;
    body["onlineUrl"] = json!("https://meeting.example/123");
    let err = assert_error(
        app.post("/api/v1/admin/trainings", Some(&cadre.token), &body)
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    let fields: Vec<(String, String)> = err["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["field"].as_str().unwrap().to_owned(),
                f["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let expected: Vec<(String, String)> = [
        ("capacity", "INVALID_TYPE"),
        ("category", "INVALID_VALUE"),
        ("endsAt", "REQUIRED"),
        ("startsAt", "REQUIRED"),
        ("title", "INVALID_TYPE"),
    ]
    .iter()
    .map(|(f, c)| ((*f).to_owned(), (*c).to_owned()))
    .collect();
    assert_eq!(fields, expected, "{err}");
    // A nested path names the item, and validator rules are reported with the type errors.
    let training = crate::trainings::publish(&app, &cadre, &training_body("220102", 10)).await;
    let err = assert_error(
        app.post(
            &format!("/api/v1/admin/trainings/{}/completions", training["id"].as_str().unwrap()),
            Some(&cadre.token),
            &json!({"enrollmentIds": ["0190d2c4-0000-7000-8000-000000000000", 7, "x"], "fromAttendance": "yes"}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    let named: Vec<&str> = err["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        named,
        ["enrollmentIds[1]", "enrollmentIds[2]", "fromAttendance"],
        "{err}"
    );
    let text = err.to_string();
    for english in ["invalid", "expected", "missing", "unknown", "at line"] {
        assert!(!text.contains(english), "no serde English: {text}");
    }
}

#[tokio::test]
async fn wechat_not_configured_is_not_retryable() {
    let app = spawn_app().await;
    let body = assert_error(
        app.post(
            "/api/v1/auth/wechat-login",
            None,
            &json!({"code": "real-code-from-wx.login"}),
        )
        .await,
        StatusCode::SERVICE_UNAVAILABLE,
        "WECHAT_NOT_CONFIGURED",
    )
    .await;
    assert!(
        body["error"].get("retryable").is_none_or(|r| r == false),
        "{body}"
    );
}

/// The operations of the committed OpenAPI document: (method, path, operation).
fn operations() -> Vec<(String, String, Value)> {
    let doc = serde_json::to_value(jiqing::openapi::document()).unwrap();
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            out.push((method.clone(), path.clone(), op.clone()));
        }
    }
    out
}

/// A concrete path for a templated one: every parameter becomes a well-formed id that names
/// nothing.
fn concrete(path: &str) -> String {
    path.split('/')
        .map(|s| {
            if s.starts_with('{') {
                "0190d2c4-0000-7000-8000-000000000000"
            } else {
                s
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[tokio::test]
async fn a_youth_posting_any_body_to_any_admin_route_gets_403_not_422() {
    let app = spawn_app().await;
    let youth = app.login_as_youth("not_a_cadre").await;
    let mut checked = 0;
    for (method, path, _) in operations() {
        if !path.starts_with("/api/v1/admin/")
            || !["post", "put", "patch"].contains(&method.as_str())
        {
            continue;
        }
        let method: Method = method.to_uppercase().parse().unwrap();
        for body in ["{}", "[]", "{\"x\":", "{\"reason\": 5}"] {
            let resp = app
                .send(
                    app.client
                        .request(method.clone(), app.url(&concrete(&path)))
                        .bearer_auth(&youth.token)
                        .header("content-type", "application/json")
                        .body(body),
                )
                .await;
            let status = resp.status();
            let text = resp.text().await.unwrap();
            assert_eq!(
                status,
                StatusCode::FORBIDDEN,
                "{method} {path} {body}: {text}"
            );
            assert!(text.contains("ROLE_REQUIRED"), "{method} {path}: {text}");
        }
        checked += 1;
    }
    assert!(checked >= 13, "every admin write was walked ({checked})");
}

#[tokio::test]
async fn a_huge_page_is_a_422_on_every_paged_list() {
    let app = spawn_app().await;
    let cadre = app.admin_of("220000").await;
    let youth = app.youth_in("pager", "220102001001", true).await;
    let bank = crate::loans::create_bank(&app, &cadre, "分页银行", None).await;
    let officer = crate::loans::officer_of(&app, &bank).await;
    // A host unit's supervisor, for the host's own lists.
    let nanguan = app.admin_of("220102").await;
    let host = crate::practice::create_host(&app, &nanguan, "220102001").await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let supervisor = app.login_as_youth("pager_host").await;
    let code = crate::practice::invite(&app, &nanguan, &host).await;
    json_of(
        crate::practice::accept(&app, &supervisor, &code).await,
        StatusCode::CREATED,
    )
    .await;
    let mut checked = 0;
    for (method, path, op) in operations() {
        let paged = op["parameters"]
            .as_array()
            .is_some_and(|ps| ps.iter().any(|p| p["name"] == "page" && p["in"] == "query"));
        if method != "get" || !paged {
            continue;
        }
        // The bank's own queues answer its officers only.
        let token = if path.starts_with("/api/v1/admin/bank/") {
            &officer.token
        } else if path.starts_with("/api/v1/me/host/") {
            &supervisor.token
        } else if path.starts_with("/api/v1/admin/") {
            &cadre.token
        } else {
            &youth.token
        };
        for page in [
            "9223372036854775807",
            "9223372036854775808",
            "18446744073709551615",
            "1000001",
        ] {
            let url = format!("{}?page={page}&pageSize=100", concrete(&path));
            let body = assert_error(
                app.get(&url, Some(token)).await,
                StatusCode::UNPROCESSABLE_ENTITY,
                "VALIDATION_FAILED",
            )
            .await;
            assert_eq!(body["error"]["fields"][0]["field"], "page", "{url}");
            assert_eq!(body["error"]["fields"][0]["code"], "RANGE", "{url}");
        }
        let url = format!("{}?page=99999999999999999999999", concrete(&path));
        let status = app.get(&url, Some(token)).await.status();
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{url}");
        checked += 1;
    }
    assert!(checked >= 11, "every paged list was walked ({checked})");
}

#[tokio::test]
async fn a_panicking_handler_answers_the_500_envelope_with_a_request_id() {
    let app = spawn_app().await;
    let resp = app.get("/__test/panic", None).await;
    let id = resp
        .headers()
        .get("x-request-id")
        .expect("the request id is on the answer")
        .to_str()
        .unwrap()
        .to_owned();
    assert!(!id.is_empty());
    let body = assert_error(resp, StatusCode::INTERNAL_SERVER_ERROR, "INTERNAL_ERROR").await;
    assert!(!body.to_string().contains("index out of bounds"));
    assert_eq!(app.get("/health", None).await.status(), StatusCode::OK);
}

/// Every `.rs` file under `src/`, with its text.
fn sources() -> Vec<(std::path::PathBuf, String)> {
    fn walk(dir: &std::path::Path, out: &mut Vec<(std::path::PathBuf, String)>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                out.push((path, text));
            }
        }
    }
    let mut out = Vec::new();
    walk(
        std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/src")),
        &mut out,
    );
    out
}

/// The text rule and the JSON errors live in `crate::input::Json`: a handler taking actix's own
/// `web::Json` body would skip both (and answer 422 before 403).
#[test]
fn every_handler_reads_its_body_through_the_checking_extractor() {
    for (path, text) in sources() {
        for (n, line) in text.lines().enumerate() {
            let param = line.trim_start();
            let takes_actix_json = param.contains(": web::Json<") && !param.contains("->");
            assert!(
                !takes_actix_json,
                "{}:{}: take `crate::input::Json<…>` instead of `web::Json<…>`",
                path.display(),
                n + 1
            );
            // `web::Query` answers a bad parameter without naming it.
            assert!(
                !param.contains("web::Query<"),
                "{}:{}: take `crate::input::Query<…>` instead of `web::Query<…>`",
                path.display(),
                n + 1
            );
        }
    }
}

/// Minimum lengths count visible characters: strings use `input::text::visible_length`, and only
/// secrets (compared byte for byte) keep `length(min = …)`.
#[test]
fn minimum_lengths_of_texts_count_visible_characters() {
    for (path, text) in sources() {
        let lines: Vec<&str> = text.lines().collect();
        for (n, line) in lines.iter().enumerate() {
            if !(line.contains("#[validate(") && line.contains("length(min")) {
                continue;
            }
            let field = lines[n + 1..]
                .iter()
                .find(|l| l.trim_start().starts_with("pub "))
                .unwrap_or(&"");
            let is_text = field.contains("String");
            assert!(
                !is_text || field.contains("password"),
                "{}:{}: use `custom(function = \"crate::input::text::visible_length::<MIN, MAX>\")`",
                path.display(),
                n + 1
            );
        }
    }
}
