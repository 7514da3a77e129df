use reqwest::StatusCode;

use crate::helpers::*;

/// Regenerate with: `cargo run -q -- openapi > openapi/openapi.json`
#[test]
fn the_committed_openapi_document_is_current() {
    let committed =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/openapi.json"))
            .expect("openapi/openapi.json is committed");
    let current = jiqing::openapi::document_json();
    assert!(
        committed == current,
        "openapi/openapi.json is stale: run `cargo run -q -- openapi > openapi/openapi.json`"
    );
}

#[test]
fn every_operation_has_an_id_a_tag_and_documents_its_errors() {
    let doc = serde_json::to_value(jiqing::openapi::document()).unwrap();
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
    assert!(doc["components"]["schemas"]["ErrorEnvelope"].is_object());
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (verb, op) in item.as_object().unwrap() {
            assert!(
                op["operationId"].is_string(),
                "{verb} {path} has an operationId"
            );
            assert!(
                op["tags"].as_array().is_some_and(|t| t.len() == 1),
                "{verb} {path} has one tag"
            );
            if op.get("security").is_some() {
                assert!(
                    op["responses"]["401"].is_object(),
                    "{verb} {path} documents 401"
                );
            }
        }
    }
}

#[tokio::test]
async fn the_document_and_swagger_ui_are_served_offline() {
    let app = spawn_app().await;
    let served = json_of(
        app.get("/api-docs/openapi.json", None).await,
        StatusCode::OK,
    )
    .await;
    assert!(served["paths"]["/api/v1/auth/wechat-login"]["post"].is_object());
    // The very document the code describes (built once per process, served as bytes).
    assert_eq!(
        served,
        serde_json::to_value(jiqing::openapi::document()).unwrap()
    );
    let ui = app.get("/swagger-ui/", None).await;
    assert_eq!(ui.status(), StatusCode::OK);
    assert!(ui.text().await.unwrap().contains("swagger"));
    let redirect = app.get("/swagger-ui", None).await;
    assert!(redirect.status().is_redirection());
}

/// Conventions §14: an action that is not plain CRUD is `POST` to a plural noun naming the act;
/// path segments are kebab-case.
#[test]
fn paths_are_kebab_case_and_actions_are_plural_nouns() {
    const NOT_PLURAL_NOUNS: [&str; 15] = [
        "cancel",
        "accept",
        "decide",
        "approve",
        "reject",
        "withdraw",
        "withdrawal",
        "confirmation",
        "completion",
        "ending",
        "extension",
        "publication",
        "opening",
        "closing",
        "submission",
    ];
    let doc = serde_json::to_value(jiqing::openapi::document()).unwrap();
    for path in doc["paths"].as_object().unwrap().keys() {
        for segment in path.split('/').filter(|s| !s.is_empty()) {
            if segment.starts_with('{') {
                continue;
            }
            assert!(
                segment.split('-').all(|w| !w.is_empty()
                    && w.chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())),
                "{path}: `{segment}` is not kebab-case"
            );
            assert!(
                !NOT_PLURAL_NOUNS.contains(&segment),
                "{path}: `{segment}` is a verb or a singular noun"
            );
            assert_ne!(segment, "checkin-code", "{path}: the word is check-in-code");
        }
    }
}

/// A handler's function name is its operation id, so a search for either finds the other.
#[test]
fn handler_functions_are_named_after_their_operation_ids() {
    fn sources(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                sources(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    sources(
        std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/src")),
        &mut files,
    );
    let mut checked = 0;
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for (i, _) in text.match_indices("operation_id = \"") {
            let rest = &text[i + "operation_id = \"".len()..];
            let id = &rest[..rest.find('"').unwrap()];
            let after = &rest[rest.find("pub async fn ").unwrap() + "pub async fn ".len()..];
            let name = &after[..after.find('(').unwrap()];
            assert_eq!(id, name, "{}", file.display());
            checked += 1;
        }
    }
    assert!(checked >= 70, "found only {checked} handlers");
}

/// Every `$ref` in a JSON value.
fn refs(value: &serde_json::Value, out: &mut Vec<String>) {
    match value {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                match (k.as_str(), v) {
                    ("$ref", serde_json::Value::String(r)) => out.push(r.clone()),
                    _ => refs(v, out),
                }
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

/// A generated client resolves every reference: none may point at a schema that is not defined.
#[test]
fn every_schema_reference_resolves() {
    let doc = serde_json::to_value(jiqing::openapi::document()).unwrap();
    let mut found = Vec::new();
    refs(&doc, &mut found);
    assert!(found.len() > 100, "references found: {}", found.len());
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    let dangling: std::collections::BTreeSet<&String> = found
        .iter()
        .filter(|r| {
            r.strip_prefix("#/components/schemas/")
                .is_none_or(|name| !schemas.contains_key(name))
        })
        .collect();
    assert!(dangling.is_empty(), "dangling references: {dangling:?}");
}

/// utoipa names a schema after its Rust type and keeps the last one registered under a name,
/// so two types called `CategoryView` silently document one of them with the other's shape.
/// Every type deriving `ToSchema` (or renamed with `#[schema(as = …)]`) must have a name of its own.
#[test]
fn no_schema_name_is_used_by_two_types() {
    let item = regex::Regex::new(r"^pub (?:struct|enum) (\w+)").unwrap();
    let renamed = regex::Regex::new(r"#\[schema\([^\n]*\bas\s*=\s*([\w:]+)").unwrap();
    let mut names: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    rust_files(&root.join("entity/src"), &mut files);
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        // The attributes above an item: from its `#[derive(` down to `pub struct|enum Name`.
        let mut attrs: Option<String> = None;
        for line in text.lines() {
            if line.starts_with("#[derive(") {
                attrs = Some(String::new());
            }
            if line.trim().is_empty() || line == "}" {
                attrs = None;
            }
            let Some(a) = attrs.as_mut() else { continue };
            a.push_str(line);
            a.push('\n');
            if let Some(m) = item.captures(line) {
                let derives = &a[..a.find(")]").unwrap_or(a.len())];
                if derives
                    .split([',', '('])
                    .any(|d| d.trim().ends_with("ToSchema"))
                {
                    let name = renamed
                        .captures(a)
                        .map(|r| r[1].rsplit("::").next().unwrap().to_owned())
                        .unwrap_or_else(|| m[1].to_owned());
                    let at = format!("{}::{}", file.strip_prefix(root).unwrap().display(), &m[1]);
                    names.entry(name).or_default().push(at);
                }
                attrs = None;
            }
        }
    }
    assert!(names.len() > 80, "schemas found: {}", names.len());
    let reused: Vec<_> = names.iter().filter(|(_, types)| types.len() > 1).collect();
    assert!(
        reused.is_empty(),
        "schema names used by two types (rename one, or #[schema(as = …)]): {reused:?}"
    );
}

fn rust_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// A reader of the document and a generated client see a filled-in body for every JSON request
/// and success answer, and no example contradicts its schema (they are validated like responses).
#[test]
fn every_json_request_body_and_success_answer_has_an_example_that_fits_its_schema() {
    let doc = serde_json::to_value(jiqing::openapi::document()).unwrap();
    let schemas = &doc["components"]["schemas"];
    let mut checked = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (verb, op) in item.as_object().unwrap() {
            let mut contents = vec![("request".to_owned(), &op["requestBody"])];
            for (status, r) in op["responses"].as_object().unwrap() {
                if status.starts_with('2') {
                    contents.push((status.clone(), r));
                }
            }
            for (what, holder) in contents {
                // Bodies in other types than JSON (the multipart upload, CSV exports) carry an
                // example too; binary answers (a stored photo) cannot and are left out.
                let Some(types) = holder["content"].as_object() else {
                    continue;
                };
                for (media_type, content) in types {
                    let textual =
                        media_type.starts_with("text/") || media_type == "multipart/form-data";
                    if media_type != "application/json" && textual {
                        assert!(
                            content.get("example").is_some(),
                            "{verb} {path} {what} ({media_type}): no example"
                        );
                        checked += 1;
                    }
                }
                let content = &holder["content"]["application/json"];
                if content.is_null() {
                    continue;
                }
                let schema = &content["schema"];
                let mut own = schema;
                while let Some(r) = own["$ref"].as_str() {
                    own = &schemas[r.rsplit('/').next().unwrap()];
                }
                let example = content.get("example").or_else(|| own.get("example"));
                let Some(example) = example else {
                    panic!("{verb} {path} {what}: no example");
                };
                let problems = crate::contract::problems(
                    &format!("example {verb} {path} {what}"),
                    schema,
                    example,
                );
                assert!(
                    problems.is_empty(),
                    "{verb} {path} {what}: the example does not fit its schema: {problems:?}\nexample: {example}"
                );
                checked += 1;
            }
        }
    }
    assert!(checked >= 80, "examples checked: {checked}");
}

/// A property or parameter whose value is one of a fixed set, by its name.
fn names_a_choice(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [
        "status",
        "kind",
        "category",
        "categories",
        "source",
        "action",
        "queue",
        "purpose",
        "level",
        "mode",
        "modes",
        "type",
        "gender",
        "role",
        "period",
    ]
    .iter()
    .any(|s| lower.ends_with(s))
}

/// True when a schema is a free string (or an array of free strings), not an enum, a reference
/// or a string of a fixed form (`pattern`: a reporting period `2026-Q1`).
fn is_free_string(s: &serde_json::Value) -> bool {
    if s.get("$ref").is_some() || s.get("enum").is_some() || s.get("pattern").is_some() {
        return false;
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        if let Some(parts) = s[key].as_array() {
            return parts
                .iter()
                .filter(|p| p["type"] != "null")
                .any(is_free_string);
        }
    }
    match &s["type"] {
        serde_json::Value::String(t) if t == "array" => is_free_string(&s["items"]),
        serde_json::Value::String(t) => t == "string",
        serde_json::Value::Array(ts) => ts.iter().any(|t| t == "string"),
        _ => false,
    }
}

/// Every status, kind, category, source, action, queue, level … a client reads or sends is an
/// enum in the document (a generated client gets a type, not a string to guess at).
#[test]
fn every_status_kind_category_and_source_is_an_enum() {
    let doc = serde_json::to_value(jiqing::openapi::document()).unwrap();
    let mut free = Vec::new();
    let mut seen = 0;
    for (name, schema) in doc["components"]["schemas"].as_object().unwrap() {
        let Some(props) = schema["properties"].as_object() else {
            continue;
        };
        for (field, s) in props {
            if names_a_choice(field) {
                seen += 1;
                if is_free_string(s) {
                    free.push(format!("{name}.{field}"));
                }
            }
        }
    }
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (verb, op) in item.as_object().unwrap() {
            for p in op["parameters"].as_array().into_iter().flatten() {
                let name = p["name"].as_str().unwrap();
                if names_a_choice(name) {
                    seen += 1;
                    if is_free_string(&p["schema"]) {
                        free.push(format!("{verb} {path} ?{name}"));
                    }
                }
            }
        }
    }
    assert!(seen >= 40, "choice fields seen: {seen}");
    assert!(
        free.is_empty(),
        "plain strings where a choice is meant: {free:#?}"
    );
    // The timeline of each domain lists that domain's statuses and verbs.
    let timeline = &doc["components"]["schemas"]["TimelineEntry_TalentStatus_ProfileAction"];
    assert_eq!(
        timeline["properties"]["action"]["enum"],
        serde_json::json!(["create", "save", "edit", "verify", "reject"])
    );
    let from = &timeline["properties"]["fromStatus"]["oneOf"];
    assert_eq!(from[0]["type"], "null", "{timeline}");
    assert_eq!(
        from[1]["enum"],
        serde_json::json!(["pending", "verified", "rejected"])
    );
    let queues = &doc["components"]["schemas"]["TodoQueueName"]["enum"];
    assert!(
        queues
            .as_array()
            .unwrap()
            .contains(&serde_json::json!("talents_to_verify")),
        "{queues}"
    );
}
