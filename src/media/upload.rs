//! `POST /api/v1/media`: one file per request, checked, cleaned of metadata, stored; the key goes
//! into a record's key field afterwards. A refused upload stores nothing.
use actix_multipart::Multipart;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, post, web};
use bytes::{Bytes, BytesMut};
use chrono::Utc;
use entity::media::{self, MediaPurpose};
use futures_util::StreamExt;
use sea_orm::{ActiveEnum, ActiveModelTrait, Set};
use sha2::{Digest, Sha256};

use super::dto::{MediaView, UploadMediaForm};
use super::sanitize::{self, Refusal, accepts_pdf};
use super::store;
use crate::app_state::AppState;
use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult, ErrorEnvelope};
use crate::time::to_china;

/// Largest file accepted.
pub const MAX_FILE_BYTES: usize = 5 * 1024 * 1024;
/// Largest request body: the file plus the other part and the multipart framing.
const MAX_BODY_BYTES: usize = MAX_FILE_BYTES + 64 * 1024;
/// Largest `purpose` part.
const MAX_TEXT_PART: usize = 64;

fn too_large() -> ApiError {
    ApiError::PayloadTooLarge("PAYLOAD_TOO_LARGE", "文件不能超过5MB".into())
}

fn malformed() -> ApiError {
    ApiError::BadRequest(
        "MALFORMED_MULTIPART",
        "上传内容格式不正确（应为 multipart/form-data）".into(),
    )
}

pub(super) fn store_unavailable(e: anyhow::Error) -> ApiError {
    tracing::error!(error = ?e, "media store call failed");
    ApiError::Unavailable(
        "MEDIA_STORE_UNAVAILABLE",
        "文件存储暂不可用，请稍后重试".into(),
    )
}

/// The parts of an upload, read with every size limit applied while streaming.
struct Form {
    purpose: Option<String>,
    file: Option<Bytes>,
}

async fn read_form(req: &HttpRequest, payload: web::Payload) -> ApiResult<Form> {
    let is_multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim_start()
                .to_ascii_lowercase()
                .starts_with("multipart/form-data")
        });
    if !is_multipart {
        return Err(ApiError::UnsupportedMediaType(
            "UNSUPPORTED_MEDIA_TYPE",
            "请以 multipart/form-data 上传文件".into(),
        ));
    }
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > MAX_BODY_BYTES) {
        return Err(too_large());
    }
    let mut parts = Multipart::new(req.headers(), payload);
    let mut form = Form {
        purpose: None,
        file: None,
    };
    let mut total = 0usize;
    while let Some(part) = parts.next().await {
        let mut part = part.map_err(|_| malformed())?;
        let name = part.name().unwrap_or_default().to_owned();
        let limit = if name == "file" {
            MAX_FILE_BYTES
        } else {
            MAX_TEXT_PART
        };
        let mut buf = BytesMut::new();
        while let Some(chunk) = part.next().await {
            let chunk = chunk.map_err(|_| malformed())?;
            total += chunk.len();
            if total > MAX_BODY_BYTES || (name == "file" && buf.len() + chunk.len() > limit) {
                return Err(too_large());
            }
            if buf.len() + chunk.len() > limit {
                return Err(ApiError::field(&name, "LENGTH", "内容过长"));
            }
            buf.extend_from_slice(&chunk);
        }
        match name.as_str() {
            "file" if form.file.is_some() => {
                return Err(ApiError::field(
                    "file",
                    "INVALID_VALUE",
                    "每次只能上传一个文件",
                ));
            }
            "file" => form.file = Some(buf.freeze()),
            "purpose" => form.purpose = Some(String::from_utf8_lossy(&buf).trim().to_owned()),
            // Other parts (a file name field some clients add) are read and ignored.
            _ => {}
        }
    }
    Ok(form)
}

/// At most `JIQING_MEDIA_UPLOADS_PER_HOUR` attempts per user per hour, counted in the shared
/// cache so the limit holds across instances. Refused attempts count too.
async fn limit_rate(state: &AppState, user: uuid::Uuid) -> ApiResult<()> {
    let key = format!("media:uploads:{user}");
    let window = std::time::Duration::from_secs(3600);
    let n = state.cache.incr_window(&key, window).await?;
    if n > i64::from(state.settings.media_uploads_per_hour) {
        let retry = state.cache.ttl(&key).await?.unwrap_or(window);
        return Err(ApiError::RateLimited {
            code: "UPLOAD_RATE_LIMITED",
            message: "上传过于频繁，请稍后再试".into(),
            retry_after_secs: retry.as_secs().max(1),
        });
    }
    Ok(())
}

fn refusal(r: Refusal, pdf_allowed: bool) -> ApiError {
    match r {
        Refusal::Unsupported => ApiError::UnsupportedMediaType(
            "UNSUPPORTED_MEDIA_TYPE",
            if pdf_allowed {
                "仅支持JPG、PNG图片或PDF文件".into()
            } else {
                "仅支持JPG、PNG图片".into()
            },
        ),
        Refusal::Corrupt => ApiError::field("file", "CORRUPT_FILE", "文件已损坏，无法识别为图片"),
        Refusal::TooLarge => ApiError::field(
            "file",
            "RANGE",
            format!("图片尺寸过大（宽、高均不能超过{}像素）", sanitize::MAX_SIDE),
        ),
    }
}

/// Upload a photo or document (≤5 MiB, `multipart/form-data` with parts `purpose` and `file`).
/// The type is read from the file's bytes: JPEG and PNG, and PDF for `loan_document`,
/// `pioneer_nomination`, `recognition` and `kpi_evidence`. Image metadata (EXIF with GPS, XMP,
/// comments) is removed before storing. At most 60 uploads per user per hour. The key expires
/// unless a record takes it (a key field such as `photos`) before `expiresAt`.
#[utoipa::path(
    tag = "media",
    operation_id = "upload_media",
    security(("bearer" = [])),
    request_body(content = UploadMediaForm, content_type = "multipart/form-data",
        example = json!({"purpose": "volunteer_report", "file": "(the photo's bytes; filename 1.jpg, Content-Type image/jpeg)"})),
    responses(
        (status = 201, body = MediaView),
        (status = 400, body = ErrorEnvelope, description = "MALFORMED_MULTIPART"),
        (status = 413, body = ErrorEnvelope, description = "PAYLOAD_TOO_LARGE: the file is over 5 MiB"),
        (status = 415, body = ErrorEnvelope, description = "UNSUPPORTED_MEDIA_TYPE: not JPEG/PNG (or PDF where the purpose allows it), or not multipart"),
        (status = 422, body = ErrorEnvelope, description = "purpose: REQUIRED, INVALID_VALUE; file: REQUIRED, CORRUPT_FILE, RANGE"),
        (status = 429, body = ErrorEnvelope, description = "UPLOAD_RATE_LIMITED (retryable; Retry-After)"),
        (status = 503, body = ErrorEnvelope, description = "MEDIA_STORE_UNAVAILABLE, CACHE_UNAVAILABLE")
    )
)]
#[post("/media")]
#[tracing::instrument(skip(req, state, user, payload), fields(user = %user.id()))]
pub async fn upload_media(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: CurrentUser,
    payload: web::Payload,
) -> ApiResult<HttpResponse> {
    limit_rate(&state, user.id()).await?;
    let form = read_form(&req, payload).await?;
    let purpose = match form.purpose.as_deref() {
        None | Some("") => return Err(ApiError::field("purpose", "REQUIRED", "请说明文件用途")),
        Some(p) => MediaPurpose::try_from_value(&p.to_owned())
            .map_err(|_| ApiError::field("purpose", "INVALID_VALUE", "文件用途不正确"))?,
    };
    let file = form
        .file
        .filter(|f| !f.is_empty())
        .ok_or_else(|| ApiError::field("file", "REQUIRED", "请选择要上传的文件"))?;
    let pdf_allowed = accepts_pdf(purpose);
    let (kind, clean) = web::block(move || sanitize::sanitize(file, pdf_allowed))
        .await
        .map_err(|e| ApiError::Unexpected(anyhow::anyhow!("upload check panicked: {e}")))?
        .map_err(|r| refusal(r, pdf_allowed))?;

    let key = store::new_key();
    let now = Utc::now();
    let size = clean.len() as i64;
    let sha256 = crate::crypto::hex(&Sha256::digest(&clean));
    state
        .media
        .put(&key, clean)
        .await
        .map_err(store_unavailable)?;
    let row = media::ActiveModel {
        key: Set(key.clone()),
        owner_user_id: Set(user.id()),
        purpose: Set(purpose),
        content_type: Set(kind.content_type().into()),
        size_bytes: Set(size),
        sha256: Set(sha256),
        attached_kind: Set(None),
        attached_id: Set(None),
        attached_at: Set(None),
        created_at: Set(now),
    }
    .insert(&state.db)
    .await;
    let row = match row {
        Ok(row) => row,
        Err(e) => {
            // No row, no file: a failed upload leaves nothing behind.
            if let Err(del) = state.media.delete(&key).await {
                tracing::warn!(error = ?del, "media file left for the cleanup job");
            }
            return Err(e.into());
        }
    };
    let expires = row.created_at
        + chrono::Duration::from_std(state.settings.media_unattached_ttl)
            .unwrap_or(chrono::Duration::hours(24));
    Ok(HttpResponse::Created().json(MediaView {
        key: row.key,
        purpose: row.purpose,
        content_type: row.content_type,
        size_bytes: row.size_bytes,
        expires_at: to_china(expires),
    }))
}
