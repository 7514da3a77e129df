//! The `jiqing` binary itself: migrate, create-admin, and the production start-up checks.
use std::process::Command;

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::*;

fn jiqing(db_url: &str) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_jiqing"));
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DATABASE_URL", db_url)
        .env("RUST_LOG", "warn");
    cmd
}

#[tokio::test]
async fn migrate_twice_then_create_admin_bootstraps_a_province_cadre_who_can_log_in() {
    let app = spawn_app().await;
    let url = app.settings.database_url.clone();
    for _ in 0..2 {
        let out = jiqing(&url).arg("migrate").output().unwrap();
        assert!(
            out.status.success(),
            "migrate: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let out = jiqing(&url)
        .args([
            "create-admin",
            "--username",
            "province_admin",
            "--role",
            "cadre",
            "--region",
            "220000",
        ])
        .env("JIQING_ADMIN_PASSWORD", STAFF_PASSWORD)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "create-admin: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let login = app.login_staff("province_admin").await;
    let me = json_of(
        app.get("/api/v1/me", Some(&login.token)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(me["cadre"]["level"], "province");
    assert_eq!(me["cadre"]["regionName"], "吉林省");

    // A bad region is refused with the error envelope, and nothing is created.
    let out = jiqing(&url)
        .args([
            "create-admin",
            "--username",
            "nowhere",
            "--region",
            "229999",
        ])
        .env("JIQING_ADMIN_PASSWORD", STAFF_PASSWORD)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("UNKNOWN_REGION"));
    assert_eq!(
        app.post(
            "/api/v1/auth/login",
            None,
            &json!({"username": "nowhere", "password": STAFF_PASSWORD})
        )
        .await
        .status(),
        StatusCode::UNAUTHORIZED
    );
}

#[test]
fn production_refuses_to_start_with_development_secrets_and_says_why() {
    let out = jiqing("sqlite::memory:")
        .env("JIQING_ENV", "production")
        .env("JIQING_BIND", "127.0.0.1:0")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("refusing to start in production"), "{err}");
    assert!(err.contains("JIQING_JWT_SECRET"), "{err}");
}
