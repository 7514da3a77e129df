//! The wire must match the document: every response a test receives through [`TestApp`] is
//! checked against the OpenAPI operation it reached (method + path template) and its status.
//!
//! - a status the operation does not document fails the test (an undocumented answer is a
//!   surprise for a generated client just like a wrong field);
//! - a JSON body is validated against the documented schema (components inlined), strictly:
//!   an object may not carry a property its schema does not name;
//! - every timestamp in a body has one form: whole seconds, China time (`…T09:00:00+08:00`);
//! - a request that reaches no operation (unknown route, wrong method, test hooks) must still
//!   answer the error envelope when it answers JSON.
//!
//! [`TestApp`]: crate::helpers::TestApp
use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, LazyLock, Mutex};

use reqwest::{Method, Response};
use serde_json::{Value, json};

static DOC: LazyLock<Value> = LazyLock::new(|| {
    serde_json::to_value(jiqing::openapi::document()).expect("the document serialises")
});

/// The components, made strict: see [`strict`].
static COMPONENTS: LazyLock<Value> = LazyLock::new(|| {
    let mut components = DOC["components"].clone();
    let mut in_all_of = BTreeSet::new();
    all_of_members(&DOC, &mut in_all_of);
    if let Some(schemas) = components["schemas"].as_object_mut() {
        for (name, schema) in schemas.iter_mut() {
            strict(schema, in_all_of.contains(name.as_str()));
        }
    }
    components
});

type Validators = Mutex<HashMap<String, Arc<jsonschema::Validator>>>;
static VALIDATORS: LazyLock<Validators> = LazyLock::new(Default::default);

static TIMESTAMP: LazyLock<regex::Regex> =
    LazyLock::new(|| regex::Regex::new(r"^\d{4}-\d{2}-\d{2}T").unwrap());
static CHINA_SECONDS: LazyLock<regex::Regex> =
    LazyLock::new(|| regex::Regex::new(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$").unwrap());

/// Component names used as a member of an `allOf` (they are extended, so they cannot be closed).
fn all_of_members(value: &Value, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::Array(members)) = map.get("allOf") {
                for m in members {
                    if let Some(r) = m["$ref"].as_str() {
                        out.insert(r.rsplit('/').next().unwrap().to_owned());
                    }
                }
            }
            map.values().for_each(|v| all_of_members(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| all_of_members(v, out)),
        _ => {}
    }
}

/// Close every object schema (`unevaluatedProperties: false`), so a field the server sends and
/// the document does not name fails; an `allOf` is closed where it is composed, not in its parts.
fn strict(schema: &mut Value, open: bool) {
    let Value::Object(map) = schema else {
        if let Value::Array(items) = schema {
            items.iter_mut().for_each(|v| strict(v, false));
        }
        return;
    };
    let composed = map.contains_key("allOf");
    if (composed || (map.contains_key("properties") && !open))
        && !map.contains_key("additionalProperties")
    {
        map.insert("unevaluatedProperties".into(), Value::Bool(false));
    }
    for (key, value) in map.iter_mut() {
        match key.as_str() {
            "allOf" => {
                if let Value::Array(members) = value {
                    members.iter_mut().for_each(|m| strict(m, true));
                }
            }
            "example" | "examples" | "enum" | "required" => {}
            _ => strict(value, false),
        }
    }
}

/// The operation a request reaches.
enum Target<'a> {
    Operation {
        template: &'a str,
        op: &'a Value,
    },
    /// The path exists with other methods (405) or not at all (404 `ROUTE_NOT_FOUND`).
    Nothing,
}

fn target(method: &Method, path: &str) -> Target<'static> {
    let segments: Vec<&str> = path.split('/').collect();
    let mut best: Option<(usize, &str, &Value)> = None;
    for (template, item) in DOC["paths"].as_object().expect("paths") {
        let parts: Vec<&str> = template.split('/').collect();
        if parts.len() != segments.len() {
            continue;
        }
        let mut literal = 0;
        let fits = parts.iter().zip(&segments).all(|(p, s)| {
            if p.starts_with('{') {
                !s.is_empty()
            } else {
                literal += 1;
                p == s
            }
        });
        if !fits {
            continue;
        }
        let Some(op) = item.get(method.as_str().to_lowercase()) else {
            continue;
        };
        if best.is_none_or(|(l, _, _)| literal > l) {
            best = Some((literal, template.as_str(), op));
        }
    }
    match best {
        Some((_, template, op)) => Target::Operation { template, op },
        None => Target::Nothing,
    }
}

fn validator(key: &str, schema: &Value) -> Arc<jsonschema::Validator> {
    let mut cache = VALIDATORS.lock().unwrap_or_else(|e| e.into_inner());
    cache
        .entry(key.to_owned())
        .or_insert_with(|| {
            let mut root = schema.clone();
            strict(&mut root, false);
            let mut root = match root {
                Value::Object(map) => Value::Object(map),
                other => json!({ "allOf": [other] }),
            };
            root["components"] = COMPONENTS.clone();
            Arc::new(
                jsonschema::options()
                    .should_validate_formats(true)
                    .build(&root)
                    .unwrap_or_else(|e| panic!("{key}: the documented schema compiles: {e}")),
            )
        })
        .clone()
}

/// What is wrong with `value` against `schema` (strict, components inlined); empty when it fits.
pub fn problems(key: &str, schema: &Value, value: &Value) -> Vec<String> {
    validator(key, schema)
        .iter_errors(value)
        .take(12)
        .map(|e| format!("{} (at {})", e, e.instance_path()))
        .collect()
}

fn timestamps(value: &Value, at: &str, out: &mut Vec<String>) {
    match value {
        Value::String(s) if TIMESTAMP.is_match(s) && !CHINA_SECONDS.is_match(s) => {
            out.push(format!("{at}: {s}"));
        }
        Value::Object(map) => {
            for (k, v) in map {
                timestamps(v, &format!("{at}/{k}"), out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                timestamps(v, &format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

/// Check `resp` (the answer to `method url`) against the document and hand it back unchanged.
pub async fn checked(method: &Method, url: &reqwest::Url, resp: Response) -> Response {
    let path = url.path();
    let status = resp.status();
    let is_json = resp
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/json"));
    let target = target(method, path);
    let documented = match &target {
        Target::Operation { op, .. } => op["responses"]
            .get(status.as_str())
            .or_else(|| op["responses"].get("default")),
        Target::Nothing => None,
    };
    if !is_json || !path.starts_with("/api/v1/") && !path.starts_with("/health") {
        if let (Target::Operation { template, .. }, None) = (&target, documented) {
            panic!("{method} {path} ({template}) answered {status}, which it does not document");
        }
        return resp;
    }
    // A JSON answer is read whole, checked, then rebuilt for the test to read.
    let mut builder = http::Response::builder().status(status);
    for (name, value) in resp.headers() {
        builder = builder.header(name, value);
    }
    let bytes = resp.bytes().await.expect("the JSON body arrives");
    let body: Value = serde_json::from_slice(&bytes).unwrap_or_else(|e| {
        panic!(
            "{method} {path} answered {status} as application/json that is not JSON ({e}): {}",
            String::from_utf8_lossy(&bytes)
        )
    });
    let (key, schema) = match (&target, documented) {
        (Target::Operation { template, .. }, None) => panic!(
            "{method} {path} ({template}) answered {status}, which it does not document; body: {body}"
        ),
        (Target::Operation { template, .. }, Some(r)) => {
            let schema = &r["content"]["application/json"]["schema"];
            assert!(
                !schema.is_null(),
                "{method} {path} ({template}) answered {status} with a JSON body it does not document: {body}"
            );
            (format!("{method} {template} {status}"), schema.clone())
        }
        (Target::Nothing, _) => {
            assert!(
                status.is_client_error() || status.is_server_error(),
                "{method} {path} reached no documented operation yet answered {status}: {body}"
            );
            (
                "error envelope".to_owned(),
                json!({"$ref": "#/components/schemas/ErrorEnvelope"}),
            )
        }
    };
    let errors: Vec<String> = validator(&key, &schema)
        .iter_errors(&body)
        .take(12)
        .map(|e| format!("{} (at {})", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{method} {path} answered {status} off the document ({key}):\n  {}\nbody: {body}",
        errors.join("\n  ")
    );
    let mut odd = Vec::new();
    timestamps(&body, "", &mut odd);
    assert!(
        odd.is_empty(),
        "{method} {path} {status}: timestamps are whole seconds in China time (…T09:00:00+08:00): {odd:?}"
    );
    Response::from(builder.body(bytes).expect("the response rebuilds"))
}

#[test]
fn the_checker_refuses_a_wrong_type_a_missing_field_an_extra_field_and_an_odd_timestamp() {
    let envelope = json!({"$ref": "#/components/schemas/ErrorEnvelope"});
    let v = validator("self-test envelope", &envelope);
    assert!(v.is_valid(&json!({"error": {"code": "X", "message": "错"}})));
    assert!(!v.is_valid(&json!({"error": {"code": 5, "message": "错"}})));
    assert!(!v.is_valid(&json!({"error": {"message": "错"}})));
    assert!(!v.is_valid(&json!({"error": {"code": "X", "message": "错", "extra": 1}})));
    let Target::Operation { template, op } = target(&Method::GET, "/api/v1/trainings/abc") else {
        panic!("the training detail is found");
    };
    assert_eq!(template, "/api/v1/trainings/{id}");
    assert!(op["responses"]["200"].is_object());
    let mut odd = Vec::new();
    timestamps(
        &json!({"a": "2026-12-01T09:00:00.5+08:00", "b": "2026-12-01T01:00:00Z",
                "c": "2026-12-01T09:00:00+08:00", "d": "2026-12-01"}),
        "",
        &mut odd,
    );
    assert_eq!(odd.len(), 2, "{odd:?}");
}
