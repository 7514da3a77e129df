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
    doc
}

/// Pretty JSON with a trailing newline, exactly as committed in `openapi/openapi.json`.
pub fn document_json() -> String {
    let mut s = document()
        .to_pretty_json()
        .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}
