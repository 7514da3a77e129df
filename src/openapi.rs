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
        (name = "media", description = "图片与文件上传"),
        (name = "consents", description = "个人信息对外提供授权"),
        (name = "todos", description = "待办事项"),
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

/// What every operation of a kind can answer, added to each so that none can forget one:
/// a JSON body can be malformed (400), too large (413), of another type (415) or invalid (422);
/// a query can be invalid (422); a path id can name nothing (404); a token can be missing or
/// ended (401); an admin route refuses other roles (403); anything can fail unexpectedly (500).
/// Codes an operation documents itself are kept; these are added to its description.
pub fn finish(mut doc: utoipa::openapi::OpenApi) -> utoipa::openapi::OpenApi {
    use utoipa::openapi::RefOr;
    use utoipa::openapi::path::ParameterIn;
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
            }
            if path.starts_with("/api/v1/admin/") {
                add("403", &["ROLE_REQUIRED"]);
            }
            add("500", &["INTERNAL_ERROR"]);
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
