//! Liveness and readiness probes.
use actix_web::{HttpResponse, get, web};
use serde::Serialize;
use utoipa::ToSchema;

use crate::app_state::AppState;
use crate::error::{ApiError, ErrorEnvelope};

/// A probe's verdict: the answer is only given when the part is up.
#[derive(Serialize, ToSchema, Clone, Copy)]
#[serde(rename_all = "snake_case")]
pub enum ProbeState {
    Ok,
}

/// Which cache the instance uses.
#[derive(Serialize, ToSchema, Clone, Copy)]
#[serde(rename_all = "snake_case")]
pub enum CacheBackend {
    /// Redis, shared by every instance.
    Redis,
    /// The in-process cache of the embedded default (one instance).
    Memory,
}

#[derive(Serialize, ToSchema)]
#[schema(example = json!({"status": "ok"}))]
pub struct HealthStatus {
    pub status: ProbeState,
}

#[derive(Serialize, ToSchema)]
#[schema(example = json!({"database": "ok", "cache": "redis"}))]
pub struct ReadyStatus {
    pub database: ProbeState,
    /// The cache that answered.
    pub cache: CacheBackend,
}

/// The process is alive.
#[utoipa::path(tag = "health", operation_id = "get_health", responses((status = 200, body = HealthStatus)))]
#[get("/health")]
pub async fn get_health() -> HttpResponse {
    HttpResponse::Ok().json(HealthStatus {
        status: ProbeState::Ok,
    })
}

/// The database and the cache answer; 503 when either does not.
#[utoipa::path(
    tag = "health",
    operation_id = "get_readiness",
    responses((status = 200, body = ReadyStatus), (status = 503, body = ErrorEnvelope))
)]
#[get("/health/ready")]
pub async fn get_readiness(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let timeout = std::time::Duration::from_secs(3);
    let db_ok = matches!(
        tokio::time::timeout(timeout, state.db.ping()).await,
        Ok(Ok(()))
    );
    let cache_ok = matches!(
        tokio::time::timeout(timeout, state.cache.ping()).await,
        Ok(Ok(()))
    );
    if !db_ok || !cache_ok {
        tracing::warn!(db_ok, cache_ok, "readiness check failed");
        return Err(ApiError::Unavailable(
            if db_ok {
                "CACHE_UNAVAILABLE"
            } else {
                "DATABASE_UNAVAILABLE"
            },
            "服务暂不可用，请稍后重试".into(),
        ));
    }
    Ok(HttpResponse::Ok().json(ReadyStatus {
        database: ProbeState::Ok,
        cache: if state.cache.is_redis() {
            CacheBackend::Redis
        } else {
            CacheBackend::Memory
        },
    }))
}
