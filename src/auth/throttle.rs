//! Staff login throttling. Only failed attempts count, in a fixed window
//! (`JIQING_LOGIN_WINDOW_SECS`), in the shared cache so every instance sees them:
//! - per (account, client address): after `…_PER_ACCOUNT_ADDRESS` failures that address may not
//!   try that account until the window ends — a guesser is stopped, the owner elsewhere is not;
//! - per client address over all accounts: after `…_PER_ADDRESS` failures (a password spray);
//! - per account from everywhere: after `JIQING_LOGIN_BRAKE_AFTER_FAILURES` the account is
//!   braked, not locked: one attempt per `JIQING_LOGIN_BRAKE_INTERVAL_SECS`, so a distributed
//!   guesser slows to a crawl and the owner still gets in after a short wait.
//!
//! The client address is the peer, or `X-Forwarded-For` behind a trusted proxy
//! ([`crate::client_address`]).
use std::time::Duration;

use crate::cache::Cache;
use crate::config::Settings;
use crate::error::{ApiError, ApiResult};

pub struct LoginThrottle<'a> {
    cache: &'a Cache,
    settings: &'a Settings,
    pair: String,
    address: String,
    account: String,
    brake: String,
}

fn limited(retry: Option<Duration>, fallback: Duration) -> ApiError {
    ApiError::RateLimited {
        code: "LOGIN_RATE_LIMITED",
        message: "登录尝试过于频繁，请稍后再试".into(),
        retry_after_secs: retry.unwrap_or(fallback).as_secs().max(1),
    }
}

impl<'a> LoginThrottle<'a> {
    pub fn new(cache: &'a Cache, settings: &'a Settings, username: &str, address: &str) -> Self {
        Self {
            cache,
            settings,
            pair: format!("login:fail:pair:{username}:{address}"),
            address: format!("login:fail:addr:{address}"),
            account: format!("login:fail:account:{username}"),
            brake: format!("login:brake:{username}"),
        }
    }

    async fn failures(&self, key: &str) -> ApiResult<i64> {
        Ok(self
            .cache
            .get(key)
            .await?
            .and_then(|v| v.parse().ok())
            .unwrap_or(0))
    }

    async fn refuse(&self, key: &str) -> ApiError {
        let ttl = self.cache.ttl(key).await.ok().flatten();
        limited(ttl, self.settings.login_window)
    }

    /// May this attempt go ahead? (Checked before the password is.)
    pub async fn check(&self) -> ApiResult<()> {
        let s = self.settings;
        if self.failures(&self.address).await? >= i64::from(s.login_max_failures_per_address) {
            return Err(self.refuse(&self.address).await);
        }
        if self.failures(&self.pair).await? >= i64::from(s.login_max_failures_per_account_address) {
            return Err(self.refuse(&self.pair).await);
        }
        if self.failures(&self.account).await? >= i64::from(s.login_brake_after_failures)
            && !self
                .cache
                .set_nx(&self.brake, "1", s.login_brake_interval)
                .await?
        {
            let ttl = self.cache.ttl(&self.brake).await?;
            return Err(limited(ttl, s.login_brake_interval));
        }
        Ok(())
    }

    /// Count a failed attempt against the pair, the address and the account.
    pub async fn failed(&self) -> ApiResult<()> {
        let window = self.settings.login_window;
        for key in [&self.pair, &self.address, &self.account] {
            self.cache.incr_window(key, window).await?;
        }
        Ok(())
    }

    /// The owner got in from this address: its earlier typos there are forgiven. (The address
    /// and account counts stay, or one valid account would reset a spray's budget.)
    pub async fn succeeded(&self) -> ApiResult<()> {
        Ok(self.cache.del(&self.pair).await?)
    }
}
