//! The OpenAPI document: collected from the registered handlers, so a route cannot be missed.
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::AppExt;

use crate::error::{ErrorEnvelope, FieldError};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "吉青助农工程 API",
        description = "Backend of the Jilin Communist Youth League's rural-revitalisation mini-program. \
Errors always use the `ErrorEnvelope` schema; see docs/api-design.md for conventions and error codes.",
        version = "1.0.0"
    ),
    modifiers(&BearerScheme),
    components(schemas(ErrorEnvelope, FieldError)),
    tags(
        (name = "auth", description = "登录与身份"),
        (name = "regions", description = "行政区划"),
        (name = "league-units", description = "团组织（团省委、市州团委、长白山、梅河口、县级团委）"),
        (name = "staff", description = "团干部与合作银行账号"),
        (name = "talents", description = "青年人才库"),
        (name = "trainings", description = "培训报名、候补、签到与结业"),
        (name = "notifications", description = "站内通知"),
        (name = "volunteer", description = "志愿服务与时长"),
        (name = "leaderboards", description = "志愿服务排行榜"),
        (name = "practice", description = "“返家乡”大学生社会实践"),
        (name = "media", description = "图片与文件上传"),
        (name = "consents", description = "个人信息对外提供授权"),
        (name = "todos", description = "待办事项"),
        (name = "kpi", description = "督导考核：指标、目标、快照、人工填报"),
        (name = "mentoring", description = "创业导师：导师认证、导师申请、结对帮带与辅导记录"),
        (name = "youth-organisations", description = "青年组织：青年创业组织等的登记、核验、撤销与导师配备"),
        (name = "youth-organisations", description = "青年创业组织与导师配备"),
        (name = "youth-homes", description = "青年之家与标志性服务项目：登记、运行状态、核验与检查"),
        (name = "hope-rooms", description = "希望小屋：登记、建设、验收与使用（仅记录受益人数）"),
        (name = "pioneers", description = "乡村振兴青年先锋：评选、推荐、公示、命名与表彰荣誉确认"),
        (name = "loans", description = "银团合作：贷款产品、申请、推荐、银行审批与放款"),
        (name = "health", description = "运行状态")
    )
)]
pub struct ApiDoc;

struct BearerScheme;

impl Modify for BearerScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}

/// The document as served: [`ApiDoc`] plus every operation of [`crate::routes::api_routes`],
/// built without a database (the stale-document test uses this).
pub fn document() -> utoipa::openapi::OpenApi {
    let (_, doc) = actix_web::App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(crate::routes::api_routes)
        .split_for_parts();
    finish(doc)
}

/// A timeline's `fromStatus` is null on the creating step. utoipa inlines a generic argument's
/// schema and drops the `Option` around it (`TimelineEntry<S, A>` with `from_status: Option<S>`
/// comes out as a plain enum), so the null is put back here for every domain's timeline.
fn nullable_timeline_origins(doc: &mut utoipa::openapi::OpenApi) {
    let Some(components) = doc.components.as_mut() else {
        return;
    };
    for (name, schema) in components.schemas.iter_mut() {
        if !name.starts_with("TimelineEntry_") {
            continue;
        }
        let mut value = serde_json::to_value(&*schema).expect("a schema serialises");
        let Some(from) = value["properties"].get_mut("fromStatus") else {
            continue;
        };
        let statuses = from.take();
        *from = serde_json::json!({
            "oneOf": [{"type": "null"}, statuses],
            "description": "Null when the record was created."
        });
        *schema = serde_json::from_value(value).expect("the patched schema parses");
    }
}

/// What every operation of a kind can answer, added to each so that none can forget one:
/// a JSON body can be malformed (400), too large (413), of another type (415) or invalid (422);
/// a query can be invalid (422); a path id can name nothing (404); a token can be missing or
/// ended (401) or its account disabled (403); an admin route refuses other roles (403); anything
/// can fail unexpectedly (500).
/// Codes an operation documents itself are kept; these are added to its description.
pub fn finish(mut doc: utoipa::openapi::OpenApi) -> utoipa::openapi::OpenApi {
    use utoipa::openapi::RefOr;
    use utoipa::openapi::path::ParameterIn;
    nullable_timeline_origins(&mut doc);
    let schemas = doc
        .components
        .as_ref()
        .and_then(|c| serde_json::to_value(&c.schemas).ok())
        .unwrap_or_default();
    for (path, item) in doc.paths.paths.iter_mut() {
        let ops = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ];
        for op in ops.into_iter().flatten() {
            let params: Vec<ParameterIn> = op
                .parameters
                .iter()
                .flatten()
                .filter_map(|p| match p {
                    RefOr::T(p) => Some(p.parameter_in.clone()),
                    RefOr::Ref(_) => None,
                })
                .collect();
            let secured = op.security.is_some();
            let json_body = op.request_body.as_ref().is_some_and(|b| match b {
                RefOr::T(b) => b.content.contains_key("application/json"),
                RefOr::Ref(_) => true,
            });
            let mut add = |status: &str, codes: &[&str]| add_error(op, status, codes);
            if json_body {
                add("400", &["MALFORMED_JSON"]);
                add("413", &["PAYLOAD_TOO_LARGE"]);
                add("415", &["UNSUPPORTED_MEDIA_TYPE"]);
                add("422", &["VALIDATION_FAILED"]);
            }
            if params.iter().any(|at| matches!(at, ParameterIn::Query)) {
                add("422", &["VALIDATION_FAILED"]);
            }
            if params.iter().any(|at| matches!(at, ParameterIn::Path)) {
                add("404", &["NOT_FOUND"]);
            }
            if secured {
                add(
                    "401",
                    &["UNAUTHENTICATED", "INVALID_TOKEN", "SESSION_ENDED"],
                );
                add("403", &["ACCOUNT_DISABLED"]);
            }
            if path.starts_with("/api/v1/admin/") {
                add("403", &["ROLE_REQUIRED"]);
            }
            add("500", &["INTERNAL_ERROR"]);
            add_examples(op, &schemas);
            for (status, response) in op.responses.responses.iter_mut() {
                if let RefOr::T(r) = response
                    && r.description.is_empty()
                {
                    r.description = if status.starts_with('2') {
                        "成功".into()
                    } else {
                        "错误（见 ErrorEnvelope）".into()
                    };
                }
            }
        }
    }
    doc
}

/// Add an error answer with `codes` to an operation, or the codes to the one it documents.
fn add_error(op: &mut utoipa::openapi::path::Operation, status: &str, codes: &[&str]) {
    use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
    let entry = op
        .responses
        .responses
        .entry(status.to_owned())
        .or_insert_with(|| {
            RefOr::T(
                ResponseBuilder::new()
                    .content(
                        "application/json",
                        ContentBuilder::new()
                            .schema(Some(Ref::from_schema_name("ErrorEnvelope")))
                            .build(),
                    )
                    .build(),
            )
        });
    if let RefOr::T(r) = entry {
        for code in codes {
            if !r.description.contains(code) {
                if !r.description.is_empty() {
                    r.description.push_str(", ");
                }
                r.description.push_str(code);
            }
        }
    }
}

/// Pretty JSON with a trailing newline, exactly as committed in `openapi/openapi.json`.
pub fn document_json() -> String {
    let mut s = document()
        .to_pretty_json()
        .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}

/// Give every JSON request body and success answer an example: its own (a schema's `example`)
/// where it has one, else one built from the schema ([`sample`]), so a reader of the document
/// and a generated client always see a filled-in body. `tests/api/openapi.rs` checks that each
/// example fits its schema.
fn add_examples(op: &mut utoipa::openapi::path::Operation, schemas: &serde_json::Value) {
    use utoipa::openapi::RefOr;
    let mut contents: Vec<&mut utoipa::openapi::Content> = Vec::new();
    if let Some(RefOr::T(body)) = op.request_body.as_mut()
        && let Some(RefOr::T(c)) = body.content.get_mut("application/json")
    {
        contents.push(c);
    }
    for (status, response) in op.responses.responses.iter_mut() {
        if let (true, RefOr::T(r)) = (status.starts_with('2'), response)
            && let Some(RefOr::T(c)) = r.content.get_mut("application/json")
        {
            contents.push(c);
        }
    }
    for content in contents {
        let Some(schema) = content
            .schema
            .as_ref()
            .and_then(|s| serde_json::to_value(s).ok())
        else {
            continue;
        };
        // A schema that carries its own example (through its `$ref`) already shows one.
        let mut own = &schema;
        while let Some(r) = own.get("$ref").and_then(serde_json::Value::as_str) {
            own = &schemas[r.rsplit('/').next().unwrap_or_default()];
        }
        if content.example.is_none() && content.examples.is_empty() && own.get("example").is_none()
        {
            content.example = Some(sample(&schema, schemas, 0));
        }
    }
}

const PLACEHOLDER: &str = "示例内容";

/// A plainer sample for a text field without an example, by its name (a region code, a link, a
/// masked phone), when the schema allows it.
fn named(name: &str, schema: &serde_json::Value) -> serde_json::Value {
    let lower = name.to_ascii_lowercase();
    let text = if lower.ends_with("regioncode") || lower == "region" || lower == "parent" {
        "220102"
    } else if lower.ends_with("url") {
        "https://example.cn/"
    } else if lower.ends_with("phone") {
        "138****1234"
    } else if lower.ends_with("reason") {
        "材料不全，请补充"
    } else if lower.ends_with("name") {
        "张**"
    } else {
        PLACEHOLDER
    };
    let fits = schema
        .get("maxLength")
        .and_then(serde_json::Value::as_u64)
        .is_none_or(|max| text.chars().count() as u64 <= max);
    serde_json::Value::String(if fits { text } else { PLACEHOLDER }.to_owned())
}

/// A value that fits `schema`: the schema's own example where it has one, else the first choice
/// of an enum, the first non-null variant, every property of an object, one item of an array and
/// plain values within the bounds (`minimum`, `minLength`, `maxLength`) and formats.
pub fn sample(
    schema: &serde_json::Value,
    schemas: &serde_json::Value,
    depth: usize,
) -> serde_json::Value {
    use serde_json::{Value, json};
    if depth > 12 {
        return Value::Null;
    }
    if let Some(example) = schema.get("example") {
        return example.clone();
    }
    if let Some(Value::Array(examples)) = schema.get("examples")
        && let Some(first) = examples.first()
    {
        return first.clone();
    }
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        let name = r.rsplit('/').next().unwrap_or_default();
        return sample(&schemas[name], schemas, depth + 1);
    }
    if let Some(Value::Array(choices)) = schema.get("enum")
        && let Some(first) = choices.iter().find(|c| !c.is_null())
    {
        return first.clone();
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(Value::Array(variants)) = schema.get(key) {
            let chosen = variants
                .iter()
                .find(|v| v.get("type") != Some(&json!("null")))
                .or(variants.first());
            return chosen.map_or(Value::Null, |v| sample(v, schemas, depth + 1));
        }
    }
    if let Some(Value::Array(parts)) = schema.get("allOf") {
        let mut merged = serde_json::Map::new();
        for part in parts {
            if let Value::Object(fields) = sample(part, schemas, depth + 1) {
                merged.extend(fields);
            }
        }
        return Value::Object(merged);
    }
    let kind = match schema.get("type") {
        Some(Value::String(t)) => t.as_str(),
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(Value::as_str)
            .find(|t| *t != "null")
            .unwrap_or("null"),
        _ if schema.get("properties").is_some() => "object",
        _ => "null",
    };
    let int = |key: &str| schema.get(key).and_then(Value::as_i64);
    match kind {
        "object" => Value::Object(
            schema
                .get("properties")
                .and_then(Value::as_object)
                .map(|props| {
                    props
                        .iter()
                        .map(|(name, s)| {
                            let value = match sample(s, schemas, depth + 1) {
                                Value::String(text) if text == PLACEHOLDER => named(name, s),
                                other => other,
                            };
                            (name.clone(), value)
                        })
                        .collect()
                })
                .unwrap_or_default(),
        ),
        "array" => {
            let n = int("minItems").unwrap_or(1).max(1);
            let item = schema
                .get("items")
                .map_or(Value::Null, |s| sample(s, schemas, depth + 1));
            Value::Array(vec![item; usize::try_from(n).unwrap_or(1)])
        }
        "integer" => {
            let low = int("minimum").unwrap_or(1);
            json!(int("maximum").map_or(low.max(1), |high| low.max(1).min(high)))
        }
        "number" => json!(1.0),
        "boolean" => json!(false),
        "string" => match schema.get("format").and_then(Value::as_str) {
            Some("date-time") => json!("2026-12-01T09:00:00+08:00"),
            Some("date") => json!("2026-12-01"),
            Some("uuid") => json!("0190d2c4-5b6e-7c3a-9f1e-2a4b6c8d0e1f"),
            Some("uri") => json!("https://example.cn/"),
            _ => {
                let min = usize::try_from(int("minLength").unwrap_or(0)).unwrap_or(0);
                let max = usize::try_from(int("maxLength").unwrap_or(64)).unwrap_or(64);
                let text: String = PLACEHOLDER
                    .chars()
                    .cycle()
                    .take(min.max(4).min(max))
                    .collect();
                json!(text)
            }
        },
        _ => Value::Null,
    }
}
