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
