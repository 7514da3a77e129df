//! Answers for requests no handler took: 405 with `Allow` when the path exists under another
//! method, 404 otherwise — both in the error envelope. The route table comes from the OpenAPI
//! document, so it lists exactly the registered handlers.
use actix_web::http::Method;
use actix_web::{HttpRequest, HttpResponse, ResponseError, web};

use crate::error::ApiError;

#[derive(Debug, Clone, Default)]
pub struct RouteTable {
    routes: Vec<(Vec<Segment>, Vec<Method>)>,
}

#[derive(Debug, Clone, PartialEq)]
enum Segment {
    Literal(String),
    Param,
}

fn split(path: &str) -> impl Iterator<Item = &str> {
    path.trim_matches('/').split('/').filter(|s| !s.is_empty())
}

impl RouteTable {
    pub fn from_openapi(doc: &utoipa::openapi::OpenApi) -> Self {
        let routes = doc
            .paths
            .paths
            .iter()
            .map(|(path, item)| {
                let segments = split(path)
                    .map(|s| {
                        if s.starts_with('{') {
                            Segment::Param
                        } else {
                            Segment::Literal(s.to_owned())
                        }
                    })
                    .collect();
                let mut methods: Vec<Method> = Vec::new();
                let ops = [
                    (&item.get, Method::GET),
                    (&item.post, Method::POST),
                    (&item.put, Method::PUT),
                    (&item.patch, Method::PATCH),
                    (&item.delete, Method::DELETE),
                ];
                for (op, m) in ops {
                    if op.is_some() {
                        methods.push(m);
                    }
                }
                (segments, methods)
            })
            .collect();
        Self { routes }
    }

    /// The methods registered for a concrete path, if the path exists at all.
    pub fn allowed(&self, path: &str) -> Option<Vec<Method>> {
        let parts: Vec<&str> = split(path).collect();
        let mut found: Vec<Method> = Vec::new();
        for (segments, methods) in &self.routes {
            let matches = segments.len() == parts.len()
                && segments.iter().zip(&parts).all(|(s, p)| match s {
                    Segment::Param => true,
                    Segment::Literal(l) => l == p,
                });
            if matches {
                found.extend(methods.iter().cloned());
            }
        }
        (!found.is_empty()).then_some(found)
    }
}

pub async fn not_found(req: HttpRequest, table: web::Data<RouteTable>) -> HttpResponse {
    match table.allowed(req.path()) {
        Some(methods) if !methods.contains(req.method()) => {
            let allow = methods
                .iter()
                .map(Method::as_str)
                .collect::<Vec<_>>()
                .join(", ");
            ApiError::MethodNotAllowed { allow }.error_response()
        }
        _ => ApiError::NotFound("ROUTE_NOT_FOUND", "请求的接口不存在".into()).error_response(),
    }
}
