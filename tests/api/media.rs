//! Media upload: types by magic bytes, limits, metadata removal, signed URLs, key fields, cleanup.
use chrono::{Duration, Utc};
use entity::media;
use img_parts::ImageEXIF;
use img_parts::jpeg::Jpeg;
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};

use crate::helpers::*;

const REPORTS: &str = "/api/v1/me/volunteer/reports";

/// An EXIF block (little-endian TIFF) whose IFD0 points to a GPS IFD: latitude N 43°52'30".
fn gps_exif() -> Vec<u8> {
    let mut v = Vec::new();
    v.extend_from_slice(b"II*\0\x08\0\0\0");
    // IFD0: one entry, GPSInfo (0x8825, LONG) → the GPS IFD at offset 26.
    v.extend_from_slice(&[1, 0, 0x25, 0x88, 4, 0, 1, 0, 0, 0, 26, 0, 0, 0, 0, 0, 0, 0]);
    // GPS IFD: GPSLatitudeRef "N", GPSLatitude (3 RATIONAL at offset 56).
    v.extend_from_slice(&[2, 0]);
    v.extend_from_slice(&[1, 0, 2, 0, 2, 0, 0, 0, b'N', 0, 0, 0]);
    v.extend_from_slice(&[2, 0, 5, 0, 3, 0, 0, 0, 56, 0, 0, 0]);
    v.extend_from_slice(&[0, 0, 0, 0]);
    for (num, den) in [(43u32, 1u32), (52, 1), (3000, 100)] {
        v.extend_from_slice(&num.to_le_bytes());
        v.extend_from_slice(&den.to_le_bytes());
    }
    v
}

/// A real photo carrying GPS coordinates in its EXIF, as a phone camera writes it.
fn jpeg_with_gps() -> Vec<u8> {
    let mut jpeg = Jpeg::from_bytes(tiny_jpeg().into()).unwrap();
    jpeg.set_exif(Some(gps_exif().into()));
    let mut out = Vec::new();
    jpeg.encoder().write_to(&mut out).unwrap();
    out
}

fn report_body(photos: Value) -> Value {
    json!({"category": "medical", "content": "义诊服务", "place": "南岭街道卫生站",
           "servedAt": (Utc::now() - Duration::days(1)).to_rfc3339(), "minutes": 90,
           "description": "", "photos": photos})
}

async fn media_rows(app: &TestApp) -> u64 {
    media::Entity::find().count(app.db()).await.unwrap()
}

fn stored_files(app: &TestApp) -> usize {
    let dir = app.settings.media_store.strip_prefix("fs:").unwrap();
    std::fs::read_dir(dir).map(|d| d.count()).unwrap_or(0)
}

async fn fetch(app: &TestApp, url: &str) -> reqwest::Response {
    app.send(app.client.get(app.url(url))).await
}

#[tokio::test]
async fn a_photo_is_stored_without_its_gps_and_served_by_a_signed_url() {
    photo_round_trip(spawn_app().await).await;
}

#[tokio::test]
async fn the_in_memory_store_serves_the_same() {
    photo_round_trip(spawn_app_with(|s| s.media_store = "memory:".into()).await).await;
}

async fn photo_round_trip(app: TestApp) {
    let y = app.youth_in("photographer", "220102001001", true).await;
    let original = jpeg_with_gps();
    assert!(
        Jpeg::from_bytes(original.clone().into())
            .unwrap()
            .exif()
            .is_some()
    );
    let up = json_of(
        app.upload(Some(&y.token), Some("volunteer_report"), Some(&original))
            .await,
        StatusCode::CREATED,
    )
    .await;
    let key = up["key"].as_str().unwrap();
    assert_eq!(up["purpose"], "volunteer_report");
    assert_eq!(up["contentType"], "image/jpeg");
    assert!(up["sizeBytes"].as_i64().unwrap() < original.len() as i64);
    let expires = chrono::DateTime::parse_from_rfc3339(up["expiresAt"].as_str().unwrap()).unwrap();
    assert!(
        (expires.to_utc() - Utc::now() - Duration::hours(24))
            .num_minutes()
            .abs()
            <= 1
    );

    // What the store holds has no EXIF at all, and is still the picture.
    let stored = app.state.media.get(key).await.unwrap().unwrap();
    let parsed = Jpeg::from_bytes(stored.clone()).unwrap();
    assert!(parsed.exif().is_none(), "EXIF (with GPS) removed");
    assert!(
        !stored.windows(4).any(|w| w == b"II*\0"),
        "no TIFF block left"
    );
    let img = image::load_from_memory(&stored).unwrap();
    assert_eq!((img.width(), img.height()), (4, 3));

    let report = json_of(
        app.post(REPORTS, Some(&y.token), &report_body(json!([key])))
            .await,
        StatusCode::CREATED,
    )
    .await;
    let url = report["photos"][0]["url"].as_str().unwrap();
    let served = fetch(&app, url).await;
    assert_eq!(served.status(), StatusCode::OK);
    let h = served.headers();
    assert_eq!(h["content-type"], "image/jpeg");
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["cache-control"], "private, max-age=600");
    assert!(h.get("content-disposition").is_none());
    assert_eq!(served.bytes().await.unwrap(), stored);
    let row = media::Entity::find_by_id(key.to_owned())
        .one(app.db())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.attached_kind.as_deref(), Some("volunteer_report"));
    assert_eq!(
        row.attached_id.map(|i| i.to_string()),
        report["id"].as_str().map(str::to_owned)
    );
}

#[tokio::test]
async fn every_refused_upload_says_why_and_stores_nothing() {
    let app = spawn_app().await;
    let y = app.login_as_youth("uploader").await;
    let t = Some(y.token.as_str());
    let pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".to_vec();

    assert_error(
        app.upload(None, Some("volunteer_report"), Some(&tiny_jpeg()))
            .await,
        StatusCode::UNAUTHORIZED,
        "UNAUTHENTICATED",
    )
    .await;
    assert_error(
        app.upload(
            t,
            Some("volunteer_report"),
            Some(b"just some text, named photo.jpg"),
        )
        .await,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "UNSUPPORTED_MEDIA_TYPE",
    )
    .await;
    assert_error(
        app.upload(t, Some("volunteer_report"), Some(&pdf)).await,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "UNSUPPORTED_MEDIA_TYPE",
    )
    .await;
    let mut big = tiny_jpeg();
    big.resize(5 * 1024 * 1024 + 1, 0);
    assert_error(
        app.upload(t, Some("volunteer_report"), Some(&big)).await,
        StatusCode::PAYLOAD_TOO_LARGE,
        "PAYLOAD_TOO_LARGE",
    )
    .await;
    let jpeg = tiny_jpeg();
    let mut corrupt = jpeg[..jpeg.len() / 2].to_vec();
    corrupt.extend_from_slice(&[0x13; 64]);
    let body = assert_error(
        app.upload(t, Some("volunteer_report"), Some(&corrupt))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    assert_eq!(body["error"]["fields"][0]["field"], "file");
    assert_eq!(body["error"]["fields"][0]["code"], "CORRUPT_FILE");
    for (purpose, file, field, code) in [
        (None, Some(jpeg.as_slice()), "purpose", "REQUIRED"),
        (
            Some("selfie"),
            Some(jpeg.as_slice()),
            "purpose",
            "INVALID_VALUE",
        ),
        (Some("volunteer_report"), None, "file", "REQUIRED"),
        (Some("volunteer_report"), Some(&[][..]), "file", "REQUIRED"),
    ] {
        let body = assert_error(
            app.upload(t, purpose, file).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "VALIDATION_FAILED",
        )
        .await;
        assert_eq!(body["error"]["fields"][0]["field"], field);
        assert_eq!(body["error"]["fields"][0]["code"], code);
    }
    // A JSON body is not an upload.
    assert_error(
        app.post("/api/v1/media", t, &json!({"purpose": "volunteer_report"}))
            .await,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "UNSUPPORTED_MEDIA_TYPE",
    )
    .await;
    assert_eq!(media_rows(&app).await, 0, "no row for a refused upload");
    assert_eq!(stored_files(&app), 0, "no file for a refused upload");

    // A PDF is fine for a loan document, and is served as an attachment.
    let doc = json_of(
        app.upload(t, Some("loan_document"), Some(&pdf)).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(doc["contentType"], "application/pdf");
    assert_eq!(media_rows(&app).await, 1);
    assert_eq!(stored_files(&app), 1);
    let link = app
        .state
        .media
        .link(doc["key"].as_str().unwrap(), Utc::now());
    let served = fetch(&app, &link.url).await;
    assert_eq!(served.status(), StatusCode::OK);
    assert!(
        served.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
}

#[tokio::test]
async fn uploads_beyond_the_hourly_limit_are_refused_on_every_instance() {
    let app = spawn_app_with(|s| s.media_uploads_per_hour = 3).await;
    let other = app.spawn_another_instance().await;
    let y = app.login_as_youth("busy").await;
    for instance in [&app, &other, &app] {
        instance
            .upload_key(&y, "volunteer_report", &tiny_jpeg())
            .await;
    }
    let resp = other
        .upload(Some(&y.token), Some("volunteer_report"), Some(&tiny_jpeg()))
        .await;
    assert!(resp.headers().get("retry-after").is_some());
    let body = assert_error(resp, StatusCode::TOO_MANY_REQUESTS, "UPLOAD_RATE_LIMITED").await;
    assert_eq!(body["error"]["retryable"], true);
    assert_eq!(media_rows(&app).await, 3);
    // Someone else still may.
    let z = app.login_as_youth("calm").await;
    app.upload_key(&z, "volunteer_report", &tiny_jpeg()).await;
}

#[tokio::test]
async fn a_signed_url_stops_working_when_it_expires_or_is_tampered_with() {
    // Long enough that a loaded machine still fetches the URL before it ends (with 1 s, a busy CI
    // saw the first fetch already expired), short enough to wait for.
    let ttl = std::time::Duration::from_secs(4);
    let app = spawn_app_with(|s| s.media_url_ttl = ttl).await;
    let y = app.youth_in("expiring", "220102001001", true).await;
    let key = app.upload_key(&y, "volunteer_report", &tiny_jpeg()).await;
    let issued = tokio::time::Instant::now();
    let report = json_of(
        app.post(REPORTS, Some(&y.token), &report_body(json!([key])))
            .await,
        StatusCode::CREATED,
    )
    .await;
    let url = report["photos"][0]["url"].as_str().unwrap().to_owned();
    assert_eq!(fetch(&app, &url).await.status(), StatusCode::OK);
    let other_key = app.upload_key(&y, "volunteer_report", &tiny_jpeg()).await;
    for forged in [
        url.replace(&key, &other_key),
        // The signature's last digit changed (to a digit it is not: `0` would be no change
        // one time in sixteen).
        format!(
            "{}{}",
            &url[..url.len() - 1],
            if url.ends_with('0') { '1' } else { '0' }
        ),
        url.split('&').next().unwrap().to_owned(),
        format!("/api/v1/media/{key}"),
    ] {
        assert_error(
            fetch(&app, &forged).await,
            StatusCode::NOT_FOUND,
            "NOT_FOUND",
        )
        .await;
    }
    // Expiry is stamped in whole seconds: one more second and it has surely passed.
    tokio::time::sleep_until(issued + ttl + std::time::Duration::from_millis(1100)).await;
    assert_error(fetch(&app, &url).await, StatusCode::NOT_FOUND, "NOT_FOUND").await;
    // The record hands out a fresh URL that works again.
    let mine = json_of(app.get(REPORTS, Some(&y.token)).await, StatusCode::OK).await;
    let fresh = mine["items"][0]["photos"][0]["url"].as_str().unwrap();
    assert_eq!(fetch(&app, fresh).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn two_instances_share_one_store() {
    let app = spawn_app().await;
    let other = app.spawn_another_instance().await;
    let y = app.youth_in("traveller", "220102001001", true).await;
    let key = app.upload_key(&y, "volunteer_report", &tiny_jpeg()).await;
    let report = json_of(
        other
            .post(REPORTS, Some(&y.token), &report_body(json!([key])))
            .await,
        StatusCode::CREATED,
    )
    .await;
    let url = report["photos"][0]["url"].as_str().unwrap();
    let a = fetch(&app, url).await.bytes().await.unwrap();
    let b = fetch(&other, url).await.bytes().await.unwrap();
    assert!(!a.is_empty());
    assert_eq!(a, b);
}

#[tokio::test]
async fn a_key_field_takes_only_the_callers_free_files_of_its_purpose() {
    let app = spawn_app().await;
    let y = app.youth_in("owner", "220102001001", true).await;
    let z = app.youth_in("stranger", "220102001001", true).await;
    let mine = app.upload_key(&y, "volunteer_report", &tiny_jpeg()).await;
    let theirs = app.upload_key(&z, "volunteer_report", &tiny_jpeg()).await;
    let document = app.upload_key(&y, "loan_document", &tiny_jpeg()).await;
    let first = json_of(
        app.post(REPORTS, Some(&y.token), &report_body(json!([mine])))
            .await,
        StatusCode::CREATED,
    )
    .await;
    let fresh = app.upload_key(&y, "volunteer_report", &tiny_jpeg()).await;
    for (photos, bad) in [
        (json!([fresh, theirs]), "photos[1]"),
        (json!([document]), "photos[0]"),
        (json!([fresh, mine]), "photos[1]"),
        (json!(["media/a.jpg"]), "photos[0]"),
        (json!(["0123456789abcdef0123456789abcdef"]), "photos[0]"),
        (json!([fresh, fresh]), "photos[1]"),
    ] {
        let body = assert_error(
            app.post(REPORTS, Some(&y.token), &report_body(photos.clone()))
                .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "VALIDATION_FAILED",
        )
        .await;
        let fields = body["error"]["fields"].as_array().unwrap();
        assert_eq!(fields.len(), 1, "{photos}: {body}");
        assert_eq!(fields[0]["field"], bad, "{photos}");
        assert_eq!(fields[0]["code"], "MEDIA_KEY_INVALID");
    }
    let mine_list = json_of(app.get(REPORTS, Some(&y.token)).await, StatusCode::OK).await;
    assert_eq!(mine_list["total"], 1, "no report from a refused request");
    assert_eq!(mine_list["items"][0]["id"], first["id"]);
    let free = media::Entity::find()
        .filter(media::Column::AttachedId.is_null())
        .count(app.db())
        .await
        .unwrap();
    assert_eq!(
        free, 3,
        "theirs, the document and the fresh photo stay free"
    );
}

#[tokio::test]
async fn cleanup_deletes_unattached_uploads_and_files_without_a_record() {
    let app = spawn_app().await;
    let y = app.youth_in("tidy", "220102001001", true).await;
    let kept = app.upload_key(&y, "volunteer_report", &tiny_jpeg()).await;
    let dropped = app.upload_key(&y, "volunteer_report", &tiny_jpeg()).await;
    let released = app.upload_key(&y, "volunteer_report", &tiny_jpeg()).await;
    let report = json_of(
        app.post(
            REPORTS,
            Some(&y.token),
            &report_body(json!([kept, released])),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    // An edit keeps one photo and lets the other go.
    let id: uuid::Uuid = report["id"].as_str().unwrap().parse().unwrap();
    let record = jiqing::media::Attachment::new("volunteer_report", id);
    let photos =
        jiqing::media::MediaField::new("photos", jiqing::media::MediaPurpose::VolunteerReport);
    let owner: uuid::Uuid = y.user_id.parse().unwrap();
    photos
        .attach(app.db(), owner, std::slice::from_ref(&kept), record)
        .await
        .unwrap();
    // A file left by an upload that failed after writing it.
    let stray = jiqing::media::store::new_key();
    app.state
        .media
        .put(&stray, bytes::Bytes::from(tiny_jpeg()))
        .await
        .unwrap();

    let grace = app.settings.media_unattached_ttl;
    let soon = jiqing::media::cleanup::clean(app.db(), &app.state.media, grace, Utc::now())
        .await
        .unwrap();
    assert_eq!(soon, Default::default(), "nothing is old enough yet");
    let later = Utc::now() + Duration::hours(25);
    let cleaned = jiqing::media::cleanup::clean(app.db(), &app.state.media, grace, later)
        .await
        .unwrap();
    assert_eq!((cleaned.unattached, cleaned.orphans), (1, 2));
    let media = &app.state.media;
    assert!(media.get(&kept).await.unwrap().is_some());
    for gone in [&dropped, &released, &stray] {
        assert!(media.get(gone).await.unwrap().is_none(), "{gone} deleted");
    }
    assert_eq!(media_rows(&app).await, 1);
    let again = jiqing::media::release(app.db(), record).await.unwrap();
    assert_eq!(again, 1, "a deleted record lets its files go");
}

#[tokio::test]
async fn the_cleanup_job_runs_on_its_own() {
    let app = spawn_app_with(|s| {
        s.media_unattached_ttl = std::time::Duration::from_secs(1);
        s.media_cleanup_interval = std::time::Duration::from_millis(100);
    })
    .await;
    let y = app.login_as_youth("forgetful").await;
    let key = app.upload_key(&y, "volunteer_report", &tiny_jpeg()).await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    while app.state.media.get(&key).await.unwrap().is_some() {
        assert!(std::time::Instant::now() < deadline, "cleaned within 15 s");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(media_rows(&app).await, 0);
}

#[tokio::test]
async fn two_records_racing_for_one_photo_get_it_once() {
    let app = spawn_app().await;
    let other = app.spawn_another_instance().await;
    let y = app.youth_in("racer", "220102001001", true).await;
    let key = app.upload_key(&y, "volunteer_report", &tiny_jpeg()).await;
    let token = y.token.as_str();
    let calls = (0..6).map(|i| {
        let instance = if i % 2 == 0 { &app } else { &other };
        let mut body = report_body(json!([key]));
        body["minutes"] = json!(30 + i);
        async move { instance.post(REPORTS, Some(token), &body).await.status() }
    });
    let statuses = futures_util::future::join_all(calls).await;
    let created = statuses
        .iter()
        .filter(|s| **s == StatusCode::CREATED)
        .count();
    assert_eq!(created, 1, "{statuses:?}");
    assert!(
        statuses
            .iter()
            .all(|s| *s == StatusCode::CREATED || *s == StatusCode::UNPROCESSABLE_ENTITY),
        "{statuses:?}"
    );
    let mine = json_of(app.get(REPORTS, Some(&y.token)).await, StatusCode::OK).await;
    assert_eq!(mine["total"], 1, "the losers created nothing");
}
