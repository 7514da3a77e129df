use chrono::{DateTime, FixedOffset};
use entity::media::MediaPurpose;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa::openapi::schema::{Object, ObjectBuilder, Type};

use super::sanitize::Kind;

/// `contentType` is one of the types uploads are stored as.
fn content_type_schema() -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(Kind::ALL.map(Kind::content_type)))
        .description(Some("As read from the file's bytes."))
        .build()
}

/// The `multipart/form-data` body of an upload.
#[derive(ToSchema)]
#[allow(dead_code)] // documents the body; the handler reads the parts as a stream
pub struct UploadMediaForm {
    /// What the file is for; a record's key field accepts only its own purpose.
    pub purpose: MediaPurpose,
    /// JPEG or PNG (PDF too for `loan_document`, `pioneer_nomination`, `recognition`,
    /// `kpi_evidence`), at most 5 MiB. The type is read from the file's bytes; image metadata
    /// (EXIF with GPS, XMP, comments) is removed before storing.
    #[schema(value_type = String, format = Binary, content_media_type = "application/octet-stream")]
    pub file: Vec<u8>,
}

/// A stored upload. Put its `key` in a record's key field (`photos`, `attachments`, …) before
/// `expiresAt`, or it is deleted.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"key": "0192f4c1a7e24b7d9a5a3c1f2e8d7b6a", "purpose": "volunteer_report",
    "contentType": "image/jpeg", "sizeBytes": 48211, "expiresAt": "2026-12-02T10:15:00+08:00"}))]
pub struct MediaView {
    pub key: String,
    pub purpose: MediaPurpose,
    #[schema(schema_with = content_type_schema)]
    pub content_type: String,
    /// Size as stored (after metadata removal).
    pub size_bytes: i64,
    /// When the file is deleted unless a record has taken it.
    pub expires_at: DateTime<FixedOffset>,
}
