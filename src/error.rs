//! The one error type of the service and its JSON envelope.
//!
//! Every failure a client can see goes through [`ApiError`], so the shape is always
//! `{"error":{"code":"STABLE_CODE","message":"中文说明","fields":[…]}}`. Codes are listed in
//! `docs/api-design.md`; messages are for people and may change, codes may not.
use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, ResponseError};
use sea_orm::{DbErr, SqlErr};
use serde::Serialize;
use utoipa::ToSchema;

/// A problem with one input field.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct FieldError {
    /// The JSON field (camelCase, dotted for nested fields).
    pub field: String,
    /// Stable machine code, e.g. `REQUIRED`, `LENGTH`, `UNKNOWN_REGION`.
    pub code: String,
    /// What is wrong, in Chinese.
    pub message: String,
}

impl FieldError {
    pub fn new(field: &str, code: &str, message: impl Into<String>) -> Self {
        Self {
            field: field.to_owned(),
            code: code.to_owned(),
            message: message.into(),
        }
    }
}

/// The body of every error response.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"error": {"code": "VALIDATION_FAILED", "message": "提交的内容有误，请检查后重试", "fields": [{"field": "code", "code": "REQUIRED", "message": "不能为空"}]}}))]
pub struct ErrorEnvelope {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ErrorDetail {
    /// Stable machine code (see the API design note).
    pub code: String,
    /// A message a person can read, in Simplified Chinese.
    pub message: String,
    /// Per-field problems (validation errors only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldError>,
    /// True when the same request may succeed if retried later.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub retryable: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("validation failed: {0:?}")]
    Validation(Vec<FieldError>),
    /// A 422 with its own top-level code (e.g. `IDEMPOTENCY_KEY_REUSED`) and the fields at fault.
    #[error("{code}: {fields:?}")]
    Unprocessable {
        code: &'static str,
        message: String,
        fields: Vec<FieldError>,
    },
    #[error("{0}: {1}")]
    BadRequest(&'static str, String),
    #[error("{0}: {1}")]
    Unauthorized(&'static str, String),
    #[error("{0}: {1}")]
    Forbidden(&'static str, String),
    #[error("{0}: {1}")]
    NotFound(&'static str, String),
    #[error("{0}: {1}")]
    Conflict(&'static str, String),
    #[error("{0}: {1}")]
    Gone(&'static str, String),
    #[error("method not allowed; allowed: {allow}")]
    MethodNotAllowed { allow: String },
    #[error("{0}: {1}")]
    PayloadTooLarge(&'static str, String),
    #[error("{0}: {1}")]
    UnsupportedMediaType(&'static str, String),
    #[error("{code}: {message}")]
    RateLimited {
        code: &'static str,
        message: String,
        retry_after_secs: u64,
    },
    #[error("{0}: {1}")]
    Unavailable(&'static str, String),
    /// 503 that a retry cannot fix: the service lacks a setting (e.g. `WECHAT_NOT_CONFIGURED`).
    #[error("{0}: {1}")]
    NotConfigured(&'static str, String),
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    /// One field failed: the common case for a rule checked in a handler.
    pub fn field(field: &str, code: &str, message: impl Into<String>) -> Self {
        Self::Validation(vec![FieldError::new(field, code, message)])
    }

    pub fn not_found(what: &str) -> Self {
        Self::NotFound("NOT_FOUND", format!("{what}不存在"))
    }

    pub fn forbidden_region() -> Self {
        Self::Forbidden("OUTSIDE_REGION", "无权操作本辖区以外的数据".into())
    }

    pub fn unauthenticated() -> Self {
        Self::Unauthorized("UNAUTHENTICATED", "请先登录".into())
    }

    pub fn code(&self) -> &str {
        match self {
            Self::Validation(_) => "VALIDATION_FAILED",
            Self::Unprocessable { code, .. } => code,
            Self::BadRequest(c, _)
            | Self::Unauthorized(c, _)
            | Self::Forbidden(c, _)
            | Self::NotFound(c, _)
            | Self::Conflict(c, _)
            | Self::Gone(c, _)
            | Self::PayloadTooLarge(c, _)
            | Self::UnsupportedMediaType(c, _)
            | Self::Unavailable(c, _)
            | Self::NotConfigured(c, _) => c,
            Self::RateLimited { code, .. } => code,
            Self::MethodNotAllowed { .. } => "METHOD_NOT_ALLOWED",
            Self::Unexpected(_) => "INTERNAL_ERROR",
        }
    }

    fn message(&self) -> String {
        match self {
            Self::Validation(_) => "提交的内容有误，请检查后重试".into(),
            Self::Unprocessable { message, .. } => message.clone(),
            Self::BadRequest(_, m)
            | Self::Unauthorized(_, m)
            | Self::Forbidden(_, m)
            | Self::NotFound(_, m)
            | Self::Conflict(_, m)
            | Self::Gone(_, m)
            | Self::PayloadTooLarge(_, m)
            | Self::UnsupportedMediaType(_, m)
            | Self::Unavailable(_, m)
            | Self::NotConfigured(_, m) => m.clone(),
            Self::RateLimited { message, .. } => message.clone(),
            Self::MethodNotAllowed { .. } => "不支持该请求方法".into(),
            // Never say anything internal: the log has the cause chain.
            Self::Unexpected(_) => "服务器开小差了，请稍后再试".into(),
        }
    }

    pub fn envelope(&self) -> ErrorEnvelope {
        ErrorEnvelope {
            error: ErrorDetail {
                code: self.code().to_owned(),
                message: self.message(),
                fields: match self {
                    Self::Validation(f) | Self::Unprocessable { fields: f, .. } => f.clone(),
                    _ => Vec::new(),
                },
                retryable: matches!(self, Self::Unavailable(..) | Self::RateLimited { .. }),
            },
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::Validation(_) | Self::Unprocessable { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            Self::BadRequest(..) => StatusCode::BAD_REQUEST,
            Self::Unauthorized(..) => StatusCode::UNAUTHORIZED,
            Self::Forbidden(..) => StatusCode::FORBIDDEN,
            Self::NotFound(..) => StatusCode::NOT_FOUND,
            Self::Conflict(..) => StatusCode::CONFLICT,
            Self::Gone(..) => StatusCode::GONE,
            Self::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            Self::PayloadTooLarge(..) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType(..) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Unavailable(..) | Self::NotConfigured(..) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Unexpected(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let Self::Unexpected(e) = self {
            tracing::error!(error.cause_chain = ?e, "unexpected error");
        }
        let mut resp = HttpResponse::build(self.status_code());
        if let Self::RateLimited {
            retry_after_secs, ..
        } = self
        {
            resp.insert_header((header::RETRY_AFTER, retry_after_secs.to_string()));
        }
        if let Self::MethodNotAllowed { allow } = self {
            resp.insert_header((header::ALLOW, allow.as_str()));
        }
        resp.json(self.envelope())
    }
}

impl From<DbErr> for ApiError {
    fn from(err: DbErr) -> Self {
        match err.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => {
                return Self::Conflict("DUPLICATE", "记录已存在，请勿重复提交".into());
            }
            Some(SqlErr::ForeignKeyConstraintViolation(_)) => {
                return Self::field("", "REFERENCE_NOT_FOUND", "引用的记录不存在");
            }
            _ => {}
        }
        match err {
            DbErr::RecordNotFound(_) => Self::not_found("记录"),
            // Every pooled connection stayed busy for the whole acquire timeout: the database is
            // overloaded, not broken. A retryable 503, so the client tries again later.
            DbErr::ConnectionAcquire(e) => {
                tracing::warn!(error = %e, "no database connection within the acquire timeout");
                Self::Unavailable("DATABASE_BUSY", "服务繁忙，请稍后重试".into())
            }
            other => Self::Unexpected(anyhow::Error::new(other).context("database error")),
        }
    }
}

impl From<validator::ValidationErrors> for ApiError {
    fn from(errs: validator::ValidationErrors) -> Self {
        let mut fields = Vec::new();
        collect_validation_errors("", &errs, &mut fields);
        fields.sort_by(|a, b| a.field.cmp(&b.field));
        Self::Validation(fields)
    }
}

fn collect_validation_errors(
    prefix: &str,
    errs: &validator::ValidationErrors,
    out: &mut Vec<FieldError>,
) {
    use validator::ValidationErrorsKind as Kind;
    for (name, kind) in errs.errors() {
        let field = if prefix.is_empty() {
            camel_case(name)
        } else {
            format!("{prefix}.{}", camel_case(name))
        };
        match kind {
            Kind::Field(list) => {
                for e in list {
                    let message = e
                        .message
                        .as_ref()
                        .map(|m| m.to_string())
                        .unwrap_or_else(|| default_message(&e.code));
                    out.push(FieldError::new(&field, &e.code.to_uppercase(), message));
                }
            }
            Kind::Struct(inner) => collect_validation_errors(&field, inner, out),
            Kind::List(map) => {
                for (i, inner) in map {
                    collect_validation_errors(&format!("{field}[{i}]"), inner, out);
                }
            }
        }
    }
}

fn default_message(code: &str) -> String {
    match code {
        "length" => "长度不符合要求".into(),
        "range" => "数值超出允许范围".into(),
        "required" => "不能为空".into(),
        "email" => "邮箱格式不正确".into(),
        "url" => "网址格式不正确".into(),
        _ => "格式不正确".into(),
    }
}

/// `date_of_birth` → `dateOfBirth`, matching the JSON names clients send.
pub fn camel_case(snake: &str) -> String {
    let mut out = String::with_capacity(snake.len());
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_names_become_camel_case() {
        assert_eq!(camel_case("date_of_birth"), "dateOfBirth");
        assert_eq!(camel_case("code"), "code");
    }

    #[test]
    fn internal_errors_say_nothing_internal() {
        let e = ApiError::Unexpected(anyhow::anyhow!("password=hunter2 at db"));
        let body = serde_json::to_string(&e.envelope()).unwrap();
        assert!(!body.contains("hunter2"));
        assert!(body.contains("INTERNAL_ERROR"));
    }

    #[test]
    fn a_pool_that_gives_no_connection_in_time_is_a_retryable_503() {
        let e = ApiError::from(DbErr::ConnectionAcquire(sea_orm::ConnAcquireErr::Timeout));
        assert_eq!(e.code(), "DATABASE_BUSY");
        assert_eq!(e.status_code(), StatusCode::SERVICE_UNAVAILABLE);
        assert!(e.envelope().error.retryable);
        // Anything else the database says stays an internal error.
        let other = ApiError::from(DbErr::Custom("boom".into()));
        assert_eq!(other.code(), "INTERNAL_ERROR");
    }
}
