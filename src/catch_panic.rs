//! A panic while answering a request becomes the 500 error envelope with its `x-request-id`
//! instead of a dropped connection; the panic is logged inside the request's span.
//!
//! The answer travels as an `Err` (the dispatcher turns it into the response): a
//! `ServiceResponse` would need a clone of the request taken before routing, which actix forbids.
use std::future::Future;
use std::panic::AssertUnwindSafe;

use actix_web::dev::{Service, ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::{Error, HttpMessage, HttpResponse, ResponseError};
use futures_util::FutureExt;
use tracing_actix_web::RequestId;

use crate::error::ApiError;

/// The answer to a request whose handler panicked.
#[derive(Debug)]
pub struct Panicked {
    request_id: Option<String>,
}

impl std::fmt::Display for Panicked {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("handler panicked")
    }
}

impl ResponseError for Panicked {
    fn status_code(&self) -> StatusCode {
        StatusCode::INTERNAL_SERVER_ERROR
    }

    fn error_response(&self) -> HttpResponse {
        let envelope = ApiError::Unexpected(anyhow::anyhow!("handler panicked")).envelope();
        let mut resp = HttpResponse::InternalServerError().json(envelope);
        if let Some(value) = self
            .request_id
            .as_deref()
            .and_then(|id| HeaderValue::from_str(id).ok())
        {
            resp.headers_mut()
                .insert(HeaderName::from_static("x-request-id"), value);
        }
        resp
    }
}

fn message(panic: &(dyn std::any::Any + Send)) -> &str {
    panic
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| panic.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("non-string panic payload")
}

/// Call `srv`, turning a panic into the 500 envelope. Use with `wrap_fn`.
pub fn call<S, B>(
    req: ServiceRequest,
    srv: &S,
) -> impl Future<Output = Result<ServiceResponse<B>, Error>> + use<S, B>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error>,
{
    let request_id = req.extensions().get::<RequestId>().map(|r| r.to_string());
    let fut = std::panic::catch_unwind(AssertUnwindSafe(|| srv.call(req)));
    async move {
        let outcome = match fut {
            Ok(fut) => AssertUnwindSafe(fut).catch_unwind().await,
            Err(panic) => Err(panic),
        };
        outcome.unwrap_or_else(|panic| {
            tracing::error!(panic = message(panic.as_ref()), "handler panicked");
            Err(Panicked { request_id }.into())
        })
    }
}

#[cfg(test)]
mod tests {
    use actix_web::{App, HttpResponse, test, web};

    async fn boom() -> HttpResponse {
        let items: Vec<u8> = Vec::new();
        let index = items.len() + 3;
        HttpResponse::Ok().body(items[index].to_string())
    }

    #[actix_web::test]
    async fn a_panicking_handler_answers_the_500_envelope() {
        let app = test::init_service(
            App::new()
                .route("/boom", web::get().to(boom))
                .route("/fine", web::get().to(HttpResponse::Ok))
                .wrap_fn(super::call),
        )
        .await;
        let err = test::try_call_service(&app, test::TestRequest::get().uri("/boom").to_request())
            .await
            .expect_err("the panic comes back as an error");
        let resp = err.error_response();
        assert_eq!(resp.status(), 500);
        let body = actix_web::body::to_bytes(resp.into_body()).await.unwrap();
        let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(body["error"]["code"], "INTERNAL_ERROR");
        assert!(!body.to_string().contains("index out of bounds"));
        let resp =
            test::call_service(&app, test::TestRequest::get().uri("/fine").to_request()).await;
        assert_eq!(resp.status(), 200, "other requests are unaffected");
    }
}
