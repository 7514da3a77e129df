//! Building and running the application; `main` and the tests boot it the same way.
use std::net::TcpListener;

use actix_web::dev::{Server, Service, ServiceResponse};
use actix_web::error::{JsonPayloadError, PathError, QueryPayloadError};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::{App, HttpMessage, HttpRequest, HttpServer, web};
use futures_util::TryFutureExt;
use futures_util::future::{Either, ready};
use tracing_actix_web::{RequestId, TracingLogger};
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

use crate::app_state::AppState;
use crate::cache::Cache;
use crate::config::Settings;
use crate::error::{ApiError, FieldError};
use crate::fallback::RouteTable;
use crate::jobs;
use crate::routes::api_routes;
use crate::test_hooks::StatementCount;

/// Where the OpenAPI document is served (Swagger UI reads it from there).
const OPENAPI_PATH: &str = "/api-docs/openapi.json";

/// Bodies go through [`crate::input::Json`]; this keeps actix's own `web::Json`, should one be
/// used, inside the same envelope (and Chinese only).
fn json_error(err: JsonPayloadError, _req: &HttpRequest) -> actix_web::Error {
    let api = match &err {
        JsonPayloadError::ContentType => crate::input::json::unsupported_media_type(),
        JsonPayloadError::Overflow { .. } | JsonPayloadError::OverflowKnownLength { .. } => {
            crate::input::json::too_large()
        }
        JsonPayloadError::Deserialize(e) if e.is_data() => {
            ApiError::field("", "INVALID_VALUE", "请求内容的字段类型或取值不正确")
        }
        _ => ApiError::BadRequest("MALFORMED_JSON", "请求体不是有效的JSON".into()),
    };
    api.into()
}

fn query_error(_err: QueryPayloadError, _req: &HttpRequest) -> actix_web::Error {
    ApiError::Validation(vec![FieldError::new(
        "",
        "INVALID_QUERY",
        "查询参数的类型或取值不正确",
    )])
    .into()
}

fn path_error(_err: PathError, _req: &HttpRequest) -> actix_web::Error {
    ApiError::NotFound("NOT_FOUND", "请求的记录不存在".into()).into()
}

pub struct Application {
    port: u16,
    server: Server,
    state: AppState,
}

impl Application {
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let listener = TcpListener::bind(&settings.bind)?;
        let state = AppState::connect(settings).await?;
        Self::serve(state, listener)
    }

    /// A further instance in this process that shares `cache` with an existing one, as
    /// instances share Redis in production (tests use it on the in-process cache).
    pub async fn build_sharing_cache(settings: Settings, cache: Cache) -> anyhow::Result<Self> {
        let listener = TcpListener::bind(&settings.bind)?;
        let mut state = AppState::connect(settings).await?;
        state.cache = cache;
        Self::serve(state, listener)
    }

    pub fn serve(state: AppState, listener: TcpListener) -> anyhow::Result<Self> {
        let port = listener.local_addr()?.port();
        if state.settings.run_background_tasks {
            jobs::spawn_all(&state);
        }
        // The document is built once and served as bytes: built in every worker's app (and kept
        // there by Swagger UI) it cost 44 MB of memory per worker.
        let doc = crate::openapi::document();
        let table = web::Data::new(RouteTable::from_openapi(&doc));
        let doc_json = web::Bytes::from(doc.to_json()?);
        drop(doc);
        let data = web::Data::new(state.clone());
        let workers = state.settings.workers;
        let mut server = HttpServer::new(move || {
            let doc_json = doc_json.clone();
            App::new()
                .into_utoipa_app()
                .app_data(data.clone())
                .app_data(table.clone())
                .app_data(
                    web::JsonConfig::default()
                        .limit(crate::input::json::LIMIT)
                        .error_handler(json_error),
                )
                .app_data(web::QueryConfig::default().error_handler(query_error))
                .app_data(web::PathConfig::default().error_handler(path_error))
                .configure(api_routes)
                .default_service(web::to(crate::fallback::not_found))
                .into_app()
                .route(
                    OPENAPI_PATH,
                    web::get().to(move || {
                        let body = doc_json.clone();
                        async move {
                            actix_web::HttpResponse::Ok()
                                .content_type("application/json")
                                .body(body)
                        }
                    }),
                )
                .service(
                    SwaggerUi::new("/swagger-ui/{_:.*}")
                        .config(utoipa_swagger_ui::Config::from(OPENAPI_PATH)),
                )
                .service(web::redirect("/swagger-ui", "/swagger-ui/"))
                .configure(crate::test_hooks::routes)
                .wrap_fn(crate::catch_panic::call)
                .wrap_fn(|req, srv| {
                    let id = req.extensions().get::<RequestId>().map(|r| r.to_string());
                    let statements = StatementCount::default();
                    let fut = srv.call(req);
                    async move {
                        let mut res = statements.around(fut).await?;
                        if let Some(value) = id.and_then(|id| HeaderValue::from_str(&id).ok()) {
                            res.headers_mut()
                                .insert(HeaderName::from_static("x-request-id"), value);
                        }
                        statements.report(res.headers_mut());
                        Ok(res)
                    }
                })
                .wrap_fn(|mut req, srv| match crate::input::uri::check(&mut req) {
                    Ok(()) => {
                        Either::Left(srv.call(req).map_ok(ServiceResponse::map_into_left_body))
                    }
                    Err(e) => Either::Right(ready(Ok(req.error_response(e).map_into_right_body()))),
                })
                .wrap(TracingLogger::<crate::telemetry::RequestSpan>::new())
        });
        if let Some(n) = workers {
            server = server.workers(n);
        }
        let server = server.listen(listener)?.run();
        Ok(Self {
            port,
            server,
            state,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// A handle that stops the server (tests use it to simulate a restart).
    pub fn handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}
