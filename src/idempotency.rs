//! `Idempotency-Key` for creates that may legitimately happen many times (a volunteer report, a
//! mentorship request, a loan application): a phone on a weak network retries, and the retry
//! must not create a second record.
//!
//! The key and a hash of the request (method, path, canonical JSON body) are stored on the
//! created row, unique per `(creator, key)` in that table. The same key with the same request
//! answers 200 with the record the first call created; with another request, 422
//! `IDEMPOTENCY_KEY_REUSED`. A concurrent first call is caught by the unique index: the loser
//! rolls back (a unique violation aborts a PostgreSQL transaction) and re-reads.
//!
//! ```ignore
//! let key = IdempotencyKey::from_request(&req, &*body)?;
//! if let Some(first) = idempotency::first_result::<reports::Entity>(&state.db, user.id(), key.as_ref()).await? {
//!     return Ok(HttpResponse::Ok().json(View::from(first)));
//! }
//! // …validate…
//! let created = idempotency::create_once::<reports::Entity, _>(&state.db, user.id(), key.as_ref(),
//!     async |txn| { /* counters, insert (with key.stored()), events — all on `txn` */ }).await?;
//! Ok(created.respond(View::from))
//! ```
use actix_web::{HttpRequest, HttpResponse};
use sea_orm::{ColumnTrait, DatabaseConnection, DatabaseTransaction, EntityTrait, QueryFilter};
use serde::Serialize;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::error::{ApiError, ApiResult, FieldError};
use crate::workflow::events::canonical_json;

/// The request header.
pub const HEADER: &str = "Idempotency-Key";
pub const MAX_LEN: usize = 64;

/// A key a client sent, with the hash of the request it came with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyKey {
    key: String,
    request_hash: String,
}

impl IdempotencyKey {
    /// The request's key, if it sent one (1–64 printable ASCII characters, else 422 on
    /// `Idempotency-Key`). `body` is the request's JSON body (the DTO it was read into).
    pub fn from_request(req: &HttpRequest, body: &impl Serialize) -> ApiResult<Option<Self>> {
        let Some(raw) = req.headers().get(HEADER) else {
            return Ok(None);
        };
        let key = raw.to_str().ok().and_then(parse_key).ok_or_else(|| {
            ApiError::field(
                HEADER,
                "FORMAT",
                "Idempotency-Key 应为1至64个可打印的英文字符",
            )
        })?;
        Ok(Some(Self {
            request_hash: request_hash(req.method().as_str(), req.path(), body),
            key,
        }))
    }

    pub fn key(&self) -> &str {
        &self.key
    }

    pub fn request_hash(&self) -> &str {
        &self.request_hash
    }
}

/// The `(idempotency_key, request_hash)` column values of a new row.
pub fn stored(key: Option<&IdempotencyKey>) -> (Option<String>, Option<String>) {
    match key {
        Some(k) => (Some(k.key.clone()), Some(k.request_hash.clone())),
        None => (None, None),
    }
}

/// 1–64 printable ASCII characters (space to `~`), surrounding spaces ignored.
pub fn parse_key(raw: &str) -> Option<String> {
    let k = raw.trim();
    (!k.is_empty() && k.len() <= MAX_LEN && k.bytes().all(|b| (0x20..=0x7e).contains(&b)))
        .then(|| k.to_owned())
}

/// Hex SHA-256 of the method, the path and the canonical JSON of the body.
pub fn request_hash(method: &str, path: &str, body: &impl Serialize) -> String {
    let mut h = Sha256::new();
    h.update(method.as_bytes());
    h.update(b"\n");
    h.update(path.as_bytes());
    h.update(b"\n");
    let canonical = serde_json::to_value(body)
        .map(|v| canonical_json(&v))
        .unwrap_or_default();
    h.update(canonical.as_bytes());
    crate::crypto::hex(&h.finalize())
}

/// A table whose rows record the key that created them, unique per `(creator, key)`.
pub trait IdempotentEntity: EntityTrait {
    /// The column naming who created the row (the key is unique per creator).
    fn creator_column() -> Self::Column;
    fn key_column() -> Self::Column;
    /// The stored request hash (`None` on rows from before hashes were kept: any body matches).
    fn stored_hash(model: &Self::Model) -> Option<&str>;
}

/// The result of a create that may have happened before.
#[derive(Debug)]
pub enum Created<M> {
    /// Made by this call: 201.
    New(M),
    /// Made earlier by a call with the same key and request: 200.
    Repeat(M),
}

impl<M> Created<M> {
    pub fn is_new(&self) -> bool {
        matches!(self, Self::New(_))
    }

    pub fn into_inner(self) -> M {
        match self {
            Self::New(m) | Self::Repeat(m) => m,
        }
    }

    /// 201 with the view of a new record, 200 with the view of the first one.
    pub fn respond<T: Serialize>(self, view: impl FnOnce(M) -> T) -> HttpResponse {
        match self {
            Self::New(m) => HttpResponse::Created().json(view(m)),
            Self::Repeat(m) => HttpResponse::Ok().json(view(m)),
        }
    }
}

fn key_reused() -> ApiError {
    ApiError::Unprocessable {
        code: "IDEMPOTENCY_KEY_REUSED",
        message: "该 Idempotency-Key 已用于另一内容的请求，请为新的提交使用新的 Key".into(),
        fields: vec![FieldError::new(
            HEADER,
            "IDEMPOTENCY_KEY_REUSED",
            "同一 Key 只能用于同一内容的请求",
        )],
    }
}

/// The record an earlier call with this key created (`None` when there is none, or no key was
/// sent); 422 `IDEMPOTENCY_KEY_REUSED` when that call sent another request. Call it before
/// validating, so a retry gets the first answer even if the rules have moved on since.
pub async fn first_result<E: IdempotentEntity>(
    db: &DatabaseConnection,
    creator: Uuid,
    key: Option<&IdempotencyKey>,
) -> ApiResult<Option<E::Model>> {
    let Some(key) = key else {
        return Ok(None);
    };
    let Some(row) = E::find()
        .filter(E::creator_column().eq(creator))
        .filter(E::key_column().eq(key.key()))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    match E::stored_hash(&row) {
        Some(h) if h != key.request_hash() => Err(key_reused()),
        _ => Ok(Some(row)),
    }
}

/// Run `create` in a transaction and commit it. When it fails and a key was sent, the
/// transaction is rolled back and the key looked up again: a concurrent call with the same key
/// that committed first (the unique index stopped this one, or a counter it took first did)
/// makes this a repeat, answered with that call's record. `create` must use only the
/// transaction it is given (SQLite has a single connection) and store the key with
/// [`stored`].
pub async fn create_once<E, F>(
    db: &DatabaseConnection,
    creator: Uuid,
    key: Option<&IdempotencyKey>,
    create: F,
) -> ApiResult<Created<E::Model>>
where
    E: IdempotentEntity,
    F: AsyncFnOnce(&DatabaseTransaction) -> ApiResult<E::Model>,
{
    let txn = crate::db::begin(db).await?;
    let failure = match create(&txn).await {
        Ok(model) => match txn.commit().await {
            Ok(()) => return Ok(Created::New(model)),
            Err(e) => ApiError::from(e),
        },
        Err(e) => {
            txn.rollback().await?;
            e
        }
    };
    match first_result::<E>(db, creator, key).await? {
        Some(first) => Ok(Created::Repeat(first)),
        None => Err(failure),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keys_are_one_to_64_printable_ascii_characters() {
        assert_eq!(parse_key(" report-1 ").as_deref(), Some("report-1"));
        assert!(parse_key(&"k".repeat(64)).is_some());
        assert!(parse_key(&"k".repeat(65)).is_none());
        assert!(parse_key("").is_none());
        assert!(parse_key("   ").is_none());
        assert!(parse_key("申报-1").is_none());
        assert!(parse_key("a\u{7f}b").is_none());
        assert!(parse_key("a b~").is_some());
    }

    #[test]
    fn the_hash_ignores_key_order_but_not_values_method_or_path() {
        let a =
            json!({"minutes": 60, "place": "村委会", "photos": ["x"], "nested": {"b": 1, "a": 2}});
        let b =
            json!({"nested": {"a": 2, "b": 1}, "photos": ["x"], "place": "村委会", "minutes": 60});
        let h = |m: &str, p: &str, v: &serde_json::Value| request_hash(m, p, v);
        assert_eq!(h("POST", "/r", &a), h("POST", "/r", &b));
        assert_ne!(h("POST", "/r", &a), h("POST", "/s", &a));
        assert_ne!(h("POST", "/r", &a), h("PUT", "/r", &a));
        let mut c = a.clone();
        c["minutes"] = json!(61);
        assert_ne!(h("POST", "/r", &a), h("POST", "/r", &c));
        assert_eq!(h("POST", "/r", &a).len(), 64);
    }
}
