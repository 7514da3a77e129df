//! `Query<T>`: the query-parameter extractor of every handler (use it instead of `web::Query`).
//!
//! A parameter of the wrong type or not among the choices is 422 `INVALID_QUERY` naming the
//! parameter (`fields[].field` = `pageSize`), a missing required one 422 `REQUIRED`, both with a
//! Chinese message. (The text rule for query values runs before, in [`super::uri`].)
use std::ops::Deref;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use futures_util::future::{Ready, ready};
use serde::de::DeserializeOwned;

use crate::error::{ApiError, FieldError};

/// Checked query parameters.
#[derive(Debug)]
pub struct Query<T>(pub T);

impl<T> Query<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> Deref for Query<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: DeserializeOwned> FromRequest for Query<T> {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(parse(req.query_string()).map(Query))
    }
}

/// Parse a query string into `T`, naming the first parameter at fault.
pub fn parse<T: DeserializeOwned>(query: &str) -> Result<T, ApiError> {
    let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner().to_string();
        let error = match inner
            .strip_prefix("missing field `")
            .and_then(|rest| rest.split('`').next())
        {
            Some(name) => FieldError::new(name, "REQUIRED", "缺少必填的查询参数"),
            None => FieldError::new(
                if path == "." { "" } else { &path },
                "INVALID_QUERY",
                if inner.contains("variant") {
                    "查询参数不是可选的取值之一"
                } else {
                    "查询参数的类型或取值不正确"
                },
            ),
        };
        ApiError::Validation(vec![error])
    })
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "camelCase")]
    #[allow(dead_code)]
    struct Filter {
        page_size: Option<u64>,
        kind: Kind,
    }

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "snake_case")]
    enum Kind {
        In,
    }

    fn field(query: &str) -> (String, String) {
        match parse::<Filter>(query) {
            Err(ApiError::Validation(f)) => (f[0].field.clone(), f[0].code.clone()),
            other => panic!("{query}: {other:?}"),
        }
    }

    #[test]
    fn a_bad_parameter_is_named() {
        assert!(parse::<Filter>("kind=in&pageSize=5").is_ok());
        assert_eq!(
            field("kind=in&pageSize=abc"),
            ("pageSize".into(), "INVALID_QUERY".into())
        );
        assert_eq!(
            field("kind=sideways"),
            ("kind".into(), "INVALID_QUERY".into())
        );
        assert_eq!(field("pageSize=5"), ("kind".into(), "REQUIRED".into()));
    }
}
