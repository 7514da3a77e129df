//! Shared cache, locks, counters and the leaderboard boards: Redis in production, an in-process store on the
//! embedded default. Both answer the same calls the same way, so callers never branch on the backend.
//!
//! Everything that must hold across app instances (locks, rate-limit counters, the WeChat access
//! token, leaderboards) lives here, never in a per-process variable.
mod answers;
mod board_types;
mod boards;
mod flights;
mod memory;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use redis::AsyncCommands;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};

pub use answers::SharedAnswers;
pub use board_types::{BUILDING, BoardIncrement, BoardRead, BoardStamp, LIVE, TopRead};
pub use flights::Flights;
pub use memory::MemoryStore;

#[derive(Clone)]
pub struct Cache {
    backend: Backend,
    prefix: Arc<str>,
}

#[derive(Clone)]
enum Backend {
    Redis(RedisConnections),
    Memory(Arc<MemoryStore>),
}

/// A few multiplexed Redis connections (`JIQING_REDIS_CONNECTIONS`), used in turn: one carries
/// many requests at once; more spread the (de)serialising over more sockets under heavy load.
#[derive(Clone)]
struct RedisConnections {
    all: Arc<[ConnectionManager]>,
    next: Arc<AtomicUsize>,
}

impl RedisConnections {
    fn next(&self) -> ConnectionManager {
        let i = self.next.fetch_add(1, Ordering::Relaxed) % self.all.len();
        self.all[i].clone()
    }
}

pub type CacheResult<T> = Result<T, CacheError>;

#[derive(Debug, thiserror::Error)]
#[error("cache unavailable: {0}")]
pub struct CacheError(String);

impl From<redis::RedisError> for CacheError {
    fn from(e: redis::RedisError) -> Self {
        CacheError(e.to_string())
    }
}

impl From<CacheError> for crate::error::ApiError {
    fn from(e: CacheError) -> Self {
        tracing::error!(error = %e, "cache call failed");
        crate::error::ApiError::Unavailable("CACHE_UNAVAILABLE", "服务繁忙，请稍后重试".into())
    }
}

/// Deletes a key only while it still holds the value we put there (lock release).
const DEL_IF_EQUALS: &str = r"if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end";
/// INCR that starts the expiry window on the first hit, atomically.
const INCR_WITH_TTL: &str = r"local n = redis.call('INCR', KEYS[1]) if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end return n";

impl Cache {
    /// Connect to Redis with a bounded connect time and few retries, so start-up and readiness
    /// checks fail fast instead of hanging when Redis is down.
    pub async fn redis(url: &str, prefix: &str) -> anyhow::Result<Self> {
        Self::redis_with(url, prefix, 1).await
    }

    /// [`Cache::redis`] over `connections` multiplexed connections, used in turn.
    pub async fn redis_with(url: &str, prefix: &str, connections: usize) -> anyhow::Result<Self> {
        let client = redis::Client::open(url)?;
        let config = ConnectionManagerConfig::new()
            .set_number_of_retries(2)
            .set_max_delay(Duration::from_millis(500))
            .set_connection_timeout(Some(Duration::from_secs(3)))
            .set_response_timeout(Some(Duration::from_secs(3)));
        let mut all = Vec::new();
        for _ in 0..connections.max(1) {
            let manager = tokio::time::timeout(
                Duration::from_secs(10),
                ConnectionManager::new_with_config(client.clone(), config.clone()),
            )
            .await
            .map_err(|_| anyhow::anyhow!("timed out connecting to Redis"))??;
            all.push(manager);
        }
        Ok(Self {
            backend: Backend::Redis(RedisConnections {
                all: all.into(),
                next: Arc::default(),
            }),
            prefix: prefix.into(),
        })
    }

    pub fn memory(prefix: &str) -> Self {
        Self {
            backend: Backend::Memory(Arc::new(MemoryStore::default())),
            prefix: prefix.into(),
        }
    }

    pub fn is_redis(&self) -> bool {
        matches!(self.backend, Backend::Redis(_))
    }

    fn key(&self, key: &str) -> String {
        format!("{}{key}", self.prefix)
    }

    pub async fn ping(&self) -> CacheResult<()> {
        match &self.backend {
            Backend::Redis(c) => {
                let _: String = redis::cmd("PING").query_async(&mut c.next()).await?;
                Ok(())
            }
            Backend::Memory(_) => Ok(()),
        }
    }

    pub async fn get(&self, key: &str) -> CacheResult<Option<String>> {
        let key = self.key(key);
        match &self.backend {
            Backend::Redis(c) => Ok(c.next().get(key).await?),
            Backend::Memory(m) => Ok(m.get(&key)),
        }
    }

    pub async fn set(&self, key: &str, value: &str, ttl: Option<Duration>) -> CacheResult<()> {
        let key = self.key(key);
        match &self.backend {
            Backend::Redis(c) => {
                let mut c = c.next();
                match ttl {
                    Some(ttl) => c.pset_ex::<_, _, ()>(key, value, millis(ttl)).await?,
                    None => c.set::<_, _, ()>(key, value).await?,
                }
                Ok(())
            }
            Backend::Memory(m) => {
                m.set(&key, value, ttl);
                Ok(())
            }
        }
    }

    /// SET NX with expiry: true when this call created the key (a lock was taken).
    pub async fn set_nx(&self, key: &str, value: &str, ttl: Duration) -> CacheResult<bool> {
        let key = self.key(key);
        match &self.backend {
            Backend::Redis(c) => {
                let res: Option<String> = redis::cmd("SET")
                    .arg(&key)
                    .arg(value)
                    .arg("NX")
                    .arg("PX")
                    .arg(millis(ttl))
                    .query_async(&mut c.next())
                    .await?;
                Ok(res.is_some())
            }
            Backend::Memory(m) => Ok(m.set_nx(&key, value, ttl)),
        }
    }

    pub async fn del(&self, key: &str) -> CacheResult<()> {
        let key = self.key(key);
        match &self.backend {
            Backend::Redis(c) => Ok(c.next().del::<_, ()>(key).await?),
            Backend::Memory(m) => {
                m.del(&key);
                Ok(())
            }
        }
    }

    /// Delete the key only if it still holds `value` (releasing a lock we own).
    pub async fn del_if_equals(&self, key: &str, value: &str) -> CacheResult<bool> {
        let key = self.key(key);
        match &self.backend {
            Backend::Redis(c) => {
                let n: i64 = redis::Script::new(DEL_IF_EQUALS)
                    .key(key)
                    .arg(value)
                    .invoke_async(&mut c.next())
                    .await?;
                Ok(n == 1)
            }
            Backend::Memory(m) => Ok(m.del_if_equals(&key, value)),
        }
    }

    /// Count a hit in a fixed window that starts with the first hit; returns the new count.
    pub async fn incr_window(&self, key: &str, window: Duration) -> CacheResult<i64> {
        let key = self.key(key);
        match &self.backend {
            Backend::Redis(c) => Ok(redis::Script::new(INCR_WITH_TTL)
                .key(key)
                .arg(millis(window))
                .invoke_async(&mut c.next())
                .await?),
            Backend::Memory(m) => Ok(m.incr_window(&key, window)),
        }
    }

    /// Remaining time to live, if the key exists and expires.
    pub async fn ttl(&self, key: &str) -> CacheResult<Option<Duration>> {
        let key = self.key(key);
        match &self.backend {
            Backend::Redis(c) => {
                let ms: i64 = c.next().pttl(key).await?;
                Ok((ms > 0).then(|| Duration::from_millis(ms as u64)))
            }
            Backend::Memory(m) => Ok(m.ttl(&key)),
        }
    }

    pub async fn exists(&self, key: &str) -> CacheResult<bool> {
        let key = self.key(key);
        match &self.backend {
            Backend::Redis(c) => Ok(c.next().exists(key).await?),
            Backend::Memory(m) => Ok(m.exists(&key)),
        }
    }

    /// Remove every key under this cache's prefix (tests clean up after themselves with it).
    pub async fn clear_prefix(&self) -> CacheResult<()> {
        match &self.backend {
            Backend::Redis(c) => {
                let mut c = c.next();
                let pattern = format!("{}*", self.prefix);
                let mut cursor: u64 = 0;
                loop {
                    let (next, keys): (u64, Vec<String>) = redis::cmd("SCAN")
                        .arg(cursor)
                        .arg("MATCH")
                        .arg(&pattern)
                        .arg("COUNT")
                        .arg(500)
                        .query_async(&mut c)
                        .await?;
                    if !keys.is_empty() {
                        c.del::<_, ()>(keys).await?;
                    }
                    if next == 0 {
                        return Ok(());
                    }
                    cursor = next;
                }
            }
            Backend::Memory(m) => {
                m.clear_prefix(&self.prefix);
                Ok(())
            }
        }
    }
}

fn millis(d: Duration) -> u64 {
    d.as_millis().max(1) as u64
}
