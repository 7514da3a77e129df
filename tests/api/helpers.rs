//! `spawn_app()`: the real application on port 0 against a fresh database — an SQLite file by
//! default, a uniquely named PostgreSQL database when `TEST_DATABASE_URL` is set (dropped
//! afterwards) — and a per-test key prefix in Redis when `TEST_REDIS_URL` is set.
#![allow(dead_code)]

use std::sync::Arc;

use jiqing::app_state::AppState;
use jiqing::config::{Settings, WechatSettings};
use jiqing::staff::{NewStaff, create_account, dto::StaffRole};
use jiqing::startup::Application;
use reqwest::{Method, Response, StatusCode};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use serde_json::{Value, json};
use uuid::Uuid;
use wiremock::MockServer;

pub const TEST_APPID: &str = "wx_test_appid";

/// Owns the per-test database and cache keys, and removes them when the last instance is gone.
struct Resources {
    sqlite_file: Option<std::path::PathBuf>,
    media_dir: Option<std::path::PathBuf>,
    pg: Option<(String, String)>,
    redis: Option<(String, String)>,
}

impl Drop for Resources {
    fn drop(&mut self) {
        if let Some(dir) = &self.media_dir {
            let _ = std::fs::remove_dir_all(dir);
        }
        if let Some(path) = &self.sqlite_file {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
            }
        }
        let pg = self.pg.take();
        let redis = self.redis.take();
        if pg.is_none() && redis.is_none() {
            return;
        }
        // Drop runs inside the test's runtime: clean up on a thread with a runtime of its own.
        let _ = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            rt.block_on(async move {
                if let Some((admin_url, name)) = pg
                    && let Ok(admin) = Database::connect(&admin_url).await
                {
                    let _ = admin
                        .execute_unprepared(&format!(
                            "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
                        ))
                        .await;
                }
                if let Some((url, prefix)) = redis
                    && let Ok(cache) = jiqing::cache::Cache::redis(&url, &prefix).await
                {
                    let _ = cache.clear_prefix().await;
                }
            });
        })
        .join();
    }
}

/// A fully migrated PostgreSQL database that each test copies (`CREATE DATABASE … TEMPLATE`),
/// much faster than migrating and loading the region tree per test. Its name carries a hash of the
/// migration sources, so any change to a migration gets a fresh template.
async fn pg_template(admin_url: &str) -> String {
    static TEMPLATE: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
    TEMPLATE
        .get_or_init(|| async {
            let name = format!("jiqing_tpl_{}", migration_sources_hash());
            let admin = Database::connect(admin_url)
                .await
                .expect("TEST_DATABASE_URL answers");
            let exists = admin
                .query_one_raw(sea_orm::Statement::from_string(
                    sea_orm::DatabaseBackend::Postgres,
                    format!("SELECT 1 FROM pg_database WHERE datname = '{name}'"),
                ))
                .await
                .expect("query pg_database")
                .is_some();
            if !exists {
                // Build under a private name, then rename: a concurrent test process either
                // sees the finished template or builds its own and loses the rename race harmlessly.
                let building = format!("jiqing_tplb_{}", Uuid::new_v4().simple());
                admin
                    .execute_unprepared(&format!("CREATE DATABASE \"{building}\""))
                    .await
                    .expect("create template");
                let (base, _) = admin_url.rsplit_once('/').expect("URL names a database");
                let db = jiqing::db::connect(&format!("{base}/{building}"))
                    .await
                    .expect("connect");
                jiqing::db::migrate(&db).await.expect("migrate template");
                db.close().await.expect("close template");
                let renamed = admin
                    .execute_unprepared(&format!(
                        "ALTER DATABASE \"{building}\" RENAME TO \"{name}\""
                    ))
                    .await;
                if renamed.is_err() {
                    let _ = admin
                        .execute_unprepared(&format!("DROP DATABASE \"{building}\""))
                        .await;
                }
                // Templates of older migration sources are left alone here: another checkout's
                // test run may be copying one right now. `.ci/run` drops them before it starts.
            }
            let _ = admin.close().await;
            name
        })
        .await
        .clone()
}

fn migration_sources_hash() -> String {
    use std::hash::{Hash, Hasher};
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/migration");
    let mut files: Vec<std::path::PathBuf> = ["src", "data"]
        .iter()
        .flat_map(|sub| std::fs::read_dir(format!("{dir}/{sub}")).expect("migration dir"))
        .map(|e| e.expect("dir entry").path())
        .collect();
    files.sort();
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for f in files {
        f.file_name().hash(&mut h);
        std::fs::read(&f).expect("migration file").hash(&mut h);
    }
    format!("{:016x}", h.finish())
}

/// Everything the servers of this test process logged, as the service's JSON lines (also
/// printed when `TEST_LOG=1`).
static LOG: std::sync::Mutex<Vec<u8>> = std::sync::Mutex::new(Vec::new());

#[derive(Clone, Copy)]
struct LogWriter;

impl std::io::Write for LogWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if std::env::var("TEST_LOG").is_ok() {
            std::io::stdout().write_all(buf)?;
        }
        LOG.lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn capture_logs() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let subscriber = jiqing::telemetry::subscriber(true, || LogWriter);
        let _ = tracing::subscriber::set_global_default(subscriber);
    });
}

/// The log written so far by every server of this test process.
pub fn captured_log() -> String {
    String::from_utf8_lossy(&LOG.lock().unwrap_or_else(|e| e.into_inner())).into_owned()
}

pub struct TestApp {
    pub address: String,
    pub port: u16,
    pub client: reqwest::Client,
    pub state: AppState,
    pub settings: Settings,
    server: actix_web::dev::ServerHandle,
    resources: Arc<Resources>,
}

/// A logged-in caller.
#[derive(Debug, Clone)]
pub struct Login {
    pub token: String,
    pub refresh: String,
    pub user_id: String,
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// The app with WeChat configured against a local fake server.
pub async fn spawn_app_with_wechat() -> (TestApp, MockServer) {
    let wx = MockServer::start().await;
    let base = wx.uri();
    let app = spawn_app_with(move |s| {
        s.wechat = Some(WechatSettings {
            appid: TEST_APPID.into(),
            secret: "wx_test_secret".to_owned().into(),
        });
        s.wechat_api_base = base;
    })
    .await;
    (app, wx)
}

pub async fn spawn_app_with(customize: impl FnOnce(&mut Settings)) -> TestApp {
    capture_logs();
    let id = Uuid::new_v4().simple().to_string();
    let mut settings = Settings::defaults();
    settings.bind = "127.0.0.1:0".into();
    settings.run_background_tasks = true;
    // The real daily jobs (a KPI snapshot of the whole tree) stay off unless a test asks: each
    // would run at start-up and write rows the test did not expect.
    settings.run_daily_jobs = false;
    // Shared list answers are exact in tests (a test changes data and reads it back at once);
    // `mentoring::the_mentor_directory_is_kept_at_most_the_bound` tests the bound itself.
    settings.list_max_stale = std::time::Duration::ZERO;
    // Uploaded files go to a directory of this test's own, shared by its instances.
    let media_dir = std::env::temp_dir()
        .join("jiqing-tests")
        .join(format!("media-{id}"));
    settings.media_store = format!("fs:{}", media_dir.display());
    let mut resources = Resources {
        sqlite_file: None,
        media_dir: Some(media_dir),
        pg: None,
        redis: None,
    };
    match std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty())
    {
        Some(admin_url) => {
            let name = format!("jiqing_test_{id}");
            let admin = Database::connect(&admin_url)
                .await
                .expect("TEST_DATABASE_URL answers");
            let template = pg_template(&admin_url).await;
            admin
                .execute_unprepared(&format!(
                    "CREATE DATABASE \"{name}\" TEMPLATE \"{template}\""
                ))
                .await
                .expect("create test database");
            let (base, _) = admin_url.rsplit_once('/').expect("URL names a database");
            settings.database_url = format!("{base}/{name}");
            resources.pg = Some((admin_url, name));
        }
        None => {
            let dir = std::env::temp_dir().join("jiqing-tests");
            std::fs::create_dir_all(&dir).expect("temp dir");
            let path = dir.join(format!("{id}.db"));
            settings.database_url = format!("sqlite://{}?mode=rwc", path.display());
            resources.sqlite_file = Some(path);
        }
    }
    if let Some(url) = std::env::var("TEST_REDIS_URL")
        .ok()
        .filter(|u| !u.is_empty())
    {
        settings.cache_prefix = format!("test:{id}:");
        settings.redis_url = Some(url.clone());
        resources.redis = Some((url, settings.cache_prefix.clone()));
    }
    customize(&mut settings);
    start(settings, Arc::new(resources), None).await
}

async fn start(
    settings: Settings,
    resources: Arc<Resources>,
    cache: Option<jiqing::cache::Cache>,
) -> TestApp {
    let app = match cache {
        Some(cache) => Application::build_sharing_cache(settings.clone(), cache).await,
        None => Application::build(settings.clone()).await,
    }
    .expect("app builds");
    let port = app.port();
    let state = app.state().clone();
    let server = app.handle();
    tokio::spawn(app.run_until_stopped());
    TestApp {
        address: format!("http://127.0.0.1:{port}"),
        port,
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client"),
        state,
        settings,
        server,
        resources,
    }
}

impl TestApp {
    /// A second server instance sharing this one's database and cache (as in production).
    pub async fn spawn_another_instance(&self) -> TestApp {
        let mut settings = self.settings.clone();
        settings.bind = "127.0.0.1:0".into();
        // Both instances share one cache: Redis when TEST_REDIS_URL is set, else this process's store.
        start(
            settings,
            self.resources.clone(),
            Some(self.state.cache.clone()),
        )
        .await
    }

    /// A second instance when the tests run on PostgreSQL, for races between instances; `None`
    /// on the embedded SQLite, whose single writer queues them in one process anyway.
    pub async fn second_instance_on_postgres(&self) -> Option<TestApp> {
        let on_postgres = std::env::var("TEST_DATABASE_URL").is_ok_and(|u| !u.is_empty());
        if on_postgres {
            Some(self.spawn_another_instance().await)
        } else {
            None
        }
    }

    /// Stop this server and start a new one on the same database, as after a deploy or crash.
    /// The in-process cache starts empty (Redis, when used, keeps its data, as it would).
    pub async fn restart(self) -> TestApp {
        self.server.stop(true).await;
        let mut settings = self.settings.clone();
        settings.bind = "127.0.0.1:0".into();
        start(settings, self.resources.clone(), None).await
    }

    pub fn db(&self) -> &DatabaseConnection {
        &self.state.db
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub async fn request(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Response {
        let mut req = self.client.request(method, self.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(b);
        }
        self.send(req).await
    }

    /// Send a request and check the answer against the OpenAPI document
    /// ([`crate::contract::checked`]); every request of the tests goes through here.
    pub async fn send(&self, req: reqwest::RequestBuilder) -> Response {
        send_checked(&self.client, req).await
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Response {
        self.request(Method::GET, path, token, None).await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: &Value) -> Response {
        self.request(Method::POST, path, token, Some(body)).await
    }

    pub async fn put(&self, path: &str, token: Option<&str>, body: &Value) -> Response {
        self.request(Method::PUT, path, token, Some(body)).await
    }

    pub async fn delete(&self, path: &str, token: Option<&str>) -> Response {
        self.request(Method::DELETE, path, token, None).await
    }

    /// Log in through the development WeChat login as a stable youth called `name`.
    pub async fn login_as_youth(&self, name: &str) -> Login {
        let resp = self
            .post(
                "/api/v1/auth/wechat-login",
                None,
                &json!({ "code": format!("dev:{name}") }),
            )
            .await;
        assert_eq!(resp.status(), StatusCode::OK, "dev login works");
        login_from(resp.json().await.expect("json"))
    }

    /// Create a cadre account for the league unit `region` (`220100`, `220581`, `CBS`) directly
    /// and log in with it over HTTP.
    pub async fn admin_of(&self, region: &str) -> Login {
        let username = format!("cadre_{}", &Uuid::new_v4().simple().to_string()[..12]);
        self.create_staff(&username, StaffRole::Cadre, Some(region), None)
            .await;
        self.login_staff(&username).await
    }

    pub async fn create_staff(
        &self,
        username: &str,
        role: StaffRole,
        region: Option<&str>,
        bank: Option<Uuid>,
    ) {
        create_account(
            self.db(),
            NewStaff {
                username: username.into(),
                password: STAFF_PASSWORD.into(),
                display_name: "测试账号".into(),
                role,
                // Cadres are created by league unit (a province/city/county code or `CBS`).
                league_unit_code: region.map(Into::into),
                region_code: None,
                bank_id: bank,
            },
        )
        .await
        .expect("staff account created");
    }

    pub async fn login_staff(&self, username: &str) -> Login {
        let resp = self
            .post(
                "/api/v1/auth/login",
                None,
                &json!({ "username": username, "password": STAFF_PASSWORD }),
            )
            .await;
        assert_eq!(resp.status(), StatusCode::OK, "staff login works");
        login_from(resp.json().await.expect("json"))
    }
}

/// Send a request with any client and check the answer against the OpenAPI document.
pub async fn send_checked(client: &reqwest::Client, req: reqwest::RequestBuilder) -> Response {
    let req = req.build().expect("the request builds");
    let (method, url) = (req.method().clone(), req.url().clone());
    let resp = client.execute(req).await.expect("request sent");
    crate::contract::checked(&method, &url, resp).await
}

pub const STAFF_PASSWORD: &str = "correct horse battery";

pub fn login_from(body: Value) -> Login {
    Login {
        token: body["accessToken"]
            .as_str()
            .expect("accessToken")
            .to_owned(),
        refresh: body["refreshToken"]
            .as_str()
            .expect("refreshToken")
            .to_owned(),
        user_id: body["user"]["id"].as_str().expect("user id").to_owned(),
    }
}

/// Read a response as JSON, asserting its status first.
pub async fn json_of(resp: Response, status: StatusCode) -> Value {
    let actual = resp.status();
    let body: Value = resp.json().await.unwrap_or(Value::Null);
    assert_eq!(actual, status, "unexpected status; body: {body}");
    body
}

/// Assert an error envelope with the given status and code.
pub async fn assert_error(resp: Response, status: StatusCode, code: &str) -> Value {
    let body = json_of(resp, status).await;
    assert_eq!(body["error"]["code"], code, "error code; body: {body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "a message for people"
    );
    body
}

impl TestApp {
    /// A youth with a talent profile in `region` (a township or village), written straight to the
    /// database so tests of other domains do not depend on the talent-pool endpoints.
    pub async fn youth_in(&self, name: &str, region: &str, verified: bool) -> Login {
        let login = self.login_as_youth(name).await;
        self.add_talent_profile(&login, name, region, verified)
            .await;
        login
    }

    /// Give an existing youth a talent profile in `region`, written straight to the database.
    pub async fn add_talent_profile(
        &self,
        login: &Login,
        name: &str,
        region: &str,
        verified: bool,
    ) {
        use entity::talent_profiles;
        use sea_orm::{ActiveModelTrait, Set};
        let now = chrono::Utc::now();
        let cipher = &self.state.cipher;
        let fake_id = format!("{:018}", rand_u64() % 1_000_000_000_000_000_000);
        talent_profiles::ActiveModel {
            id: Set(Uuid::now_v7()),
            user_id: Set(login.user_id.parse().expect("uuid")),
            real_name: Set(format!("测试{name}")),
            gender: Set(entity::talent_profiles::Gender::Male),
            date_of_birth: Set(chrono::NaiveDate::from_ymd_opt(2000, 1, 1).expect("date")),
            phone_enc: Set(cipher.encrypt("13800000000")),
            phone_index: Set(cipher.blind_index("phone", "13800000000")),
            id_number_enc: Set(cipher.encrypt(&fake_id)),
            id_number_index: Set(cipher.blind_index("id_number", &fake_id)),
            home_region_code: Set(region.into()),
            education: Set(entity::talent_profiles::Education::HighSchool),
            industries: Set("[\"planting\"]".into()),
            categories: Set("[]".into()),
            business_name: Set(None),
            business_type: Set(None),
            political_status: Set(entity::talent_profiles::PoliticalStatus::Masses),
            skills: Set("[]".into()),
            introduction: Set(String::new()),
            status: Set(if verified {
                entity::talent_profiles::TalentStatus::Verified
            } else {
                entity::talent_profiles::TalentStatus::Pending
            }),
            version: Set(1),
            review_reason: Set(None),
            reviewed_by: Set(None),
            reviewed_at: Set(None),
            consent_version: Set("test".into()),
            consent_at: Set(now),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(self.db())
        .await
        .expect("talent profile inserted");
    }
}

fn rand_u64() -> u64 {
    u64::from_le_bytes(Uuid::new_v4().as_bytes()[..8].try_into().expect("8 bytes"))
}

/// A China-time calendar date as `YYYY-MM-DD`.
pub fn china_date(t: chrono::DateTime<chrono::Utc>) -> String {
    jiqing::time::today_in_china(t).to_string()
}

/// A `multipart/form-data` body from `(name, file name, bytes)` parts: its content type and bytes.
pub fn multipart(parts: &[(&str, Option<&str>, &[u8])]) -> (String, Vec<u8>) {
    let boundary = format!("----jiqing{}", Uuid::new_v4().simple());
    let mut body = Vec::new();
    for (name, file_name, bytes) in parts {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        match file_name {
            Some(f) => body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
            ),
            None => body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
            ),
        }
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// A small real JPEG (4 × 3 pixels).
pub fn tiny_jpeg() -> Vec<u8> {
    let img = image::RgbImage::from_pixel(4, 3, image::Rgb([20, 120, 40]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Jpeg)
        .expect("encode jpeg");
    out.into_inner()
}

impl TestApp {
    /// `POST /api/v1/media` with the given parts (`purpose` and `file` when `Some`).
    pub async fn upload(
        &self,
        token: Option<&str>,
        purpose: Option<&str>,
        file: Option<&[u8]>,
    ) -> Response {
        let mut parts: Vec<(&str, Option<&str>, &[u8])> = Vec::new();
        if let Some(p) = purpose {
            parts.push(("purpose", None, p.as_bytes()));
        }
        if let Some(f) = file {
            parts.push(("file", Some("photo.jpg"), f));
        }
        let (content_type, body) = multipart(&parts);
        let mut req = self
            .client
            .post(self.url("/api/v1/media"))
            .header("Content-Type", content_type)
            .body(body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        self.send(req).await
    }

    /// Upload `file` for `purpose` and return its key (asserting 201).
    pub async fn upload_key(&self, who: &Login, purpose: &str, file: &[u8]) -> String {
        let body = json_of(
            self.upload(Some(&who.token), Some(purpose), Some(file))
                .await,
            StatusCode::CREATED,
        )
        .await;
        body["key"].as_str().expect("key").to_owned()
    }
}
