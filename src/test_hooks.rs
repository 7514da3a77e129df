//! Faults that only this crate's own test builds can provoke (feature `test-hooks`, switched on
//! by the crate's dev-dependency on itself): never compiled into a release build.
use actix_web::HttpRequest;

/// Test-only routes: `GET /__test/panic` panics inside a handler.
pub fn routes(cfg: &mut actix_web::web::ServiceConfig) {
    #[cfg(feature = "test-hooks")]
    cfg.route(
        "/__test/panic",
        actix_web::web::get().to(|| async {
            let empty: Vec<u8> = Vec::new();
            let at = empty.len() + 1;
            actix_web::HttpResponse::Ok().body(empty[at].to_string())
        }),
    );
    #[cfg(not(feature = "test-hooks"))]
    let _ = cfg;
}

/// A CSV export asked (header `x-test-export-fault-after: N`) to fail once N chunks of rows are
/// out, as a database failure in the middle of a download would.
pub fn export_fault_after(req: &HttpRequest) -> Option<u64> {
    #[cfg(feature = "test-hooks")]
    return req
        .headers()
        .get("x-test-export-fault-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok());
    #[cfg(not(feature = "test-hooks"))]
    {
        let _ = req;
        None
    }
}

/// SQL statements run while serving one request, reported in the `x-test-sql-statements`
/// response header by test builds so a test can prove a list runs the same number of statements
/// for 1 and for 100 rows. Release builds carry nothing (a zero-sized value, no header).
#[derive(Clone, Default)]
pub struct StatementCount(
    #[cfg(feature = "test-hooks")] std::sync::Arc<std::sync::atomic::AtomicU64>,
);

pub const STATEMENTS_HEADER: &str = "x-test-sql-statements";

#[cfg(feature = "test-hooks")]
tokio::task_local! {
    static STATEMENTS: StatementCount;
}

impl StatementCount {
    /// Run `fut` (one request) with this counter as the one its statements are added to.
    pub async fn around<F: std::future::Future>(&self, fut: F) -> F::Output {
        #[cfg(feature = "test-hooks")]
        return STATEMENTS.scope(self.clone(), fut).await;
        #[cfg(not(feature = "test-hooks"))]
        fut.await
    }

    /// Put the count in the response headers (test builds only).
    pub fn report(&self, headers: &mut actix_web::http::header::HeaderMap) {
        #[cfg(feature = "test-hooks")]
        headers.insert(
            actix_web::http::header::HeaderName::from_static(STATEMENTS_HEADER),
            self.0
                .load(std::sync::atomic::Ordering::Relaxed)
                .to_string()
                .parse()
                .unwrap_or_else(|_| actix_web::http::header::HeaderValue::from_static("?")),
        );
        #[cfg(not(feature = "test-hooks"))]
        let _ = headers;
    }
}

/// Count every statement `db` runs towards the request being served, if any (test builds
/// only: sea-orm calls this back after each statement, on the task that ran it, so work
/// spawned off the request is not counted).
pub fn count_statements(db: &mut sea_orm::DatabaseConnection) {
    #[cfg(feature = "test-hooks")]
    db.set_metric_callback(|_| {
        let _ = STATEMENTS.try_with(|c| c.0.fetch_add(1, std::sync::atomic::Ordering::Relaxed));
    });
    #[cfg(not(feature = "test-hooks"))]
    let _ = db;
}

pub const NOW_HEADER: &str = "x-test-now";

/// The instant a request is served at. Test builds honour an `x-test-now` header (RFC 3339) so
/// the China-time edges of a daily window (a check-in at 22:01 or 05:59 China time, the day
/// before a practice starts) can be tested over HTTP; release builds always use the real clock.
pub fn now(req: &HttpRequest) -> chrono::DateTime<chrono::Utc> {
    #[cfg(feature = "test-hooks")]
    if let Some(at) = req
        .headers()
        .get(NOW_HEADER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| chrono::DateTime::parse_from_rfc3339(v).ok())
    {
        return at.to_utc();
    }
    #[cfg(not(feature = "test-hooks"))]
    let _ = req;
    chrono::Utc::now()
}
