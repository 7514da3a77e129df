use reqwest::StatusCode;

use crate::helpers::*;

#[tokio::test]
async fn unknown_routes_and_wrong_methods_use_the_envelope() {
    let app = spawn_app().await;
    assert_error(
        app.get("/api/v1/nothing-here", None).await,
        StatusCode::NOT_FOUND,
        "ROUTE_NOT_FOUND",
    )
    .await;
    let resp = app.delete("/api/v1/regions/220000", None).await;
    assert_eq!(resp.headers()["allow"], "GET");
    assert_error(resp, StatusCode::METHOD_NOT_ALLOWED, "METHOD_NOT_ALLOWED").await;
    let resp = app.get("/api/v1/auth/login", None).await;
    assert_eq!(resp.headers()["allow"], "POST");
    assert!(
        resp.headers().get("x-request-id").is_some(),
        "every response names its request"
    );
}

#[tokio::test]
async fn malformed_oversized_and_mistyped_bodies_are_clear_errors() {
    let app = spawn_app().await;
    let url = app.url("/api/v1/auth/wechat-login");
    let send = |body: String, ct: &'static str| {
        let req = app.client.post(&url).header("content-type", ct).body(body);
        app.send(req)
    };

    assert_error(
        send("{\"code\":".into(), "application/json").await,
        StatusCode::BAD_REQUEST,
        "MALFORMED_JSON",
    )
    .await;
    assert_error(
        send("{\"code\":\"x\"}".into(), "text/plain").await,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "UNSUPPORTED_MEDIA_TYPE",
    )
    .await;
    let huge = format!("{{\"code\":\"{}\"}}", "x".repeat(300 * 1024));
    assert_error(
        send(huge, "application/json").await,
        StatusCode::PAYLOAD_TOO_LARGE,
        "PAYLOAD_TOO_LARGE",
    )
    .await;
    let body = assert_error(
        send("{\"code\": 5}".into(), "application/json").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    assert_eq!(body["error"]["fields"][0]["field"], "code");
    assert_eq!(body["error"]["fields"][0]["code"], "INVALID_TYPE");
    let body = assert_error(
        send("{\"code\": \"\"}".into(), "application/json").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    assert_eq!(body["error"]["fields"][0]["field"], "code");
    assert_eq!(body["error"]["fields"][0]["message"], "登录凭证不能为空");
}

#[tokio::test]
async fn bad_query_parameters_are_a_422_naming_the_parameter() {
    let app = spawn_app().await;
    let cadre = app.admin_of("220000").await;
    let body = assert_error(
        app.get("/api/v1/admin/staff?page=abc", Some(&cadre.token))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    assert_eq!(body["error"]["fields"][0]["field"], "page", "{body}");
    assert_eq!(body["error"]["fields"][0]["code"], "INVALID_QUERY");
    let body = assert_error(
        app.get(
            "/api/v1/admin/trainings?status=sideways",
            Some(&cadre.token),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    assert_eq!(body["error"]["fields"][0]["field"], "status", "{body}");
    assert_eq!(
        body["error"]["fields"][0]["message"],
        "查询参数不是可选的取值之一"
    );
    assert_error(
        app.get("/api/v1/admin/staff?pageSize=1000", Some(&cadre.token))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
}

#[tokio::test]
async fn health_and_readiness_answer() {
    let app = spawn_app().await;
    assert_eq!(app.get("/health", None).await.status(), StatusCode::OK);
    let ready = json_of(app.get("/health/ready", None).await, StatusCode::OK).await;
    assert_eq!(ready["database"], "ok");
    let expected = if std::env::var("TEST_REDIS_URL").is_ok_and(|u| !u.is_empty()) {
        "redis"
    } else {
        "memory"
    };
    assert_eq!(ready["cache"], expected);
}

#[tokio::test]
async fn readiness_is_503_when_the_database_is_gone() {
    let app = spawn_app().await;
    app.db().clone().close().await.unwrap();
    assert_error(
        app.get("/health/ready", None).await,
        StatusCode::SERVICE_UNAVAILABLE,
        "DATABASE_UNAVAILABLE",
    )
    .await;
}

/// The field codes the sources can answer: the literals inside `FieldError::new(…)` and
/// `…::field(…)` calls, the codes the body extractor maps problems to, the text rule's constants
/// and the `validator` rules in use (`length` → `LENGTH`).
fn field_codes_in_sources() -> std::collections::BTreeMap<String, String> {
    fn files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                files(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let literal = regex::Regex::new(r#""([A-Z][A-Z0-9_]+)""#).unwrap();
    let arm = regex::Regex::new(r#"=> \(\s*"([A-Z][A-Z0-9_]+)""#).unwrap();
    let constant = regex::Regex::new(r#"pub const \w+: &str = "([A-Z][A-Z0-9_]+)""#).unwrap();
    let validate = regex::Regex::new(r"#\[validate\(([^\]]*)\)\]").unwrap();
    let rule =
        regex::Regex::new(r"\b(length|range|required|email|url|regex|must_match|contains)\(")
            .unwrap();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut found = std::collections::BTreeMap::new();
    let mut paths = Vec::new();
    files(&root.join("src"), &mut paths);
    for path in paths {
        let text = std::fs::read_to_string(&path).unwrap();
        let at = path.strip_prefix(root).unwrap().display().to_string();
        let mut add = |code: &str| {
            found.entry(code.to_owned()).or_insert_with(|| at.clone());
        };
        for call in ["FieldError::new(", "::field("] {
            for (start, _) in text.match_indices(call) {
                let args = &text[start + call.len()..];
                let mut depth = 1;
                let end = args
                    .char_indices()
                    .find(|(_, c)| {
                        match c {
                            '(' => depth += 1,
                            ')' => depth -= 1,
                            _ => {}
                        }
                        depth == 0
                    })
                    .map_or(args.len(), |(i, _)| i);
                for m in literal.captures_iter(&args[..end]) {
                    add(&m[1]);
                }
            }
        }
        if at.starts_with("src/input/") {
            for m in arm
                .captures_iter(&text)
                .chain(constant.captures_iter(&text))
            {
                add(&m[1]);
            }
        }
        for v in validate.captures_iter(&text) {
            for r in rule.captures_iter(&v[1]) {
                add(&r[1].to_uppercase());
            }
        }
    }
    found
}

#[test]
fn every_field_code_in_the_sources_is_listed_in_the_api_design_note() {
    let note = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/api-design.md"))
        .unwrap();
    let codes = field_codes_in_sources();
    for expected in [
        "INVALID_TYPE",
        "REQUIRED",
        "LENGTH",
        "CONTROL_CHARACTER",
        "UNKNOWN_BANK",
    ] {
        assert!(
            codes.contains_key(expected),
            "the scan finds {expected}: {codes:?}"
        );
    }
    let missing: Vec<_> = codes
        .iter()
        .filter(|(code, _)| !note.contains(&format!("`{code}`")))
        .collect();
    assert!(
        missing.is_empty(),
        "field codes missing from docs/api-design.md (code, first source): {missing:?}"
    );
}
