//! The WeChat server API: code2session, the shared stable access token, phone numbers and
//! subscription messages. The base URL is configurable so tests run against a local fake.
use std::time::Duration;

use secrecy::ExposeSecret;
use serde::Deserialize;
use serde_json::json;

use crate::cache::Cache;
use crate::config::WechatSettings;
use crate::error::ApiError;

const TOKEN_KEY: &str = "wechat:access_token";
const TOKEN_LOCK: &str = "wechat:access_token:lock";
/// Refresh this long before WeChat's own expiry, so no instance uses a token about to lapse.
const TOKEN_EARLY_REFRESH_SECS: u64 = 300;

#[derive(Clone)]
pub struct WechatClient {
    http: reqwest::Client,
    base: String,
    settings: Option<WechatSettings>,
}

#[derive(Debug, Deserialize)]
pub struct Session {
    pub openid: String,
    pub session_key: String,
    pub unionid: Option<String>,
}

/// A WeChat answer: `errcode` (absent on success) and the rest of the JSON body.
struct Reply {
    errcode: i64,
    raw: serde_json::Value,
}

impl Reply {
    fn body<T: serde::de::DeserializeOwned>(self) -> Result<T, ApiError> {
        serde_json::from_value(self.raw).map_err(|e| {
            tracing::warn!(error = %e, "WeChat answer lacks expected fields");
            unavailable()
        })
    }
}

#[derive(Debug, Deserialize)]
struct StableToken {
    access_token: String,
    expires_in: u64,
}

#[derive(Debug, Deserialize)]
struct PhoneBody {
    phone_info: PhoneInfo,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PhoneInfo {
    pub pure_phone_number: String,
    pub country_code: String,
    pub watermark: Watermark,
}

#[derive(Debug, Deserialize)]
pub struct Watermark {
    pub appid: String,
}

/// What a subscription-message send came to. "Not subscribed" is a normal outcome, not an error.
#[derive(Debug, PartialEq, Eq)]
pub enum SendOutcome {
    Sent,
    NotSubscribed,
}

fn unavailable() -> ApiError {
    ApiError::Unavailable(
        "WECHAT_UNAVAILABLE",
        "微信服务暂时不可用，请稍后重试".into(),
    )
}

impl WechatClient {
    pub fn new(base: &str, settings: Option<WechatSettings>) -> anyhow::Result<Self> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(8))
            .connect_timeout(Duration::from_secs(3))
            .build()?;
        Ok(Self {
            http,
            base: base.to_owned(),
            settings,
        })
    }

    pub fn is_configured(&self) -> bool {
        self.settings.is_some()
    }

    fn creds(&self) -> Result<&WechatSettings, ApiError> {
        self.settings.as_ref().ok_or_else(|| {
            ApiError::NotConfigured("WECHAT_NOT_CONFIGURED", "未配置微信登录".into())
        })
    }

    /// Send a request and parse WeChat's JSON answer (often served as text/plain).
    async fn call(&self, req: reqwest::RequestBuilder) -> Result<Reply, ApiError> {
        let resp = req.send().await.map_err(|e| {
            tracing::warn!(error = %e, "WeChat unreachable");
            unavailable()
        })?;
        if !resp.status().is_success() {
            tracing::warn!(status = %resp.status(), "WeChat answered with an HTTP error");
            return Err(unavailable());
        }
        let bytes = resp.bytes().await.map_err(|_| unavailable())?;
        let raw: serde_json::Value = serde_json::from_slice(&bytes).map_err(|e| {
            tracing::warn!(error = %e, "WeChat answer was not understood");
            unavailable()
        })?;
        // A success may omit errcode entirely.
        let errcode = raw.get("errcode").and_then(|c| c.as_i64()).unwrap_or(0);
        if errcode != 0 {
            let errmsg = raw.get("errmsg").and_then(|m| m.as_str()).unwrap_or("");
            tracing::info!(errcode, errmsg, "WeChat error");
        }
        Ok(Reply { errcode, raw })
    }

    /// `jscode2session`: exchange a `wx.login` code for the user's openid and session key.
    pub async fn code_to_session(&self, code: &str) -> Result<Session, ApiError> {
        let creds = self.creds()?;
        let req = self
            .http
            .get(format!("{}/sns/jscode2session", self.base))
            .query(&[
                ("appid", creds.appid.as_str()),
                ("secret", creds.secret.expose_secret()),
                ("js_code", code),
                ("grant_type", "authorization_code"),
            ]);
        let reply = self.call(req).await?;
        match reply.errcode {
            0 => reply.body(),
            40029 | 40163 => Err(ApiError::Unauthorized(
                "WECHAT_CODE_INVALID",
                "登录凭证无效或已使用，请重新登录".into(),
            )),
            45011 => Err(ApiError::RateLimited {
                code: "WECHAT_RATE_LIMITED",
                message: "登录过于频繁，请稍后再试".into(),
                retry_after_secs: 60,
            }),
            40226 => Err(ApiError::Forbidden(
                "WECHAT_USER_BLOCKED",
                "该微信账号存在风险，暂时无法登录".into(),
            )),
            _ => Err(unavailable()),
        }
    }

    /// The one access token all instances share, refreshed by one of them at a time.
    ///
    /// `stale` is a token the caller saw rejected: a cached token equal to it is not reused.
    pub async fn access_token(
        &self,
        cache: &Cache,
        stale: Option<&str>,
    ) -> Result<String, ApiError> {
        if let Some(t) = cache.get(TOKEN_KEY).await?
            && Some(t.as_str()) != stale
        {
            return Ok(t);
        }
        let owner = uuid::Uuid::new_v4().to_string();
        // Wait up to ~8 s for whichever instance holds the lock to publish a new token.
        for _ in 0..80 {
            if cache
                .set_nx(TOKEN_LOCK, &owner, Duration::from_secs(15))
                .await?
            {
                let result = self.refresh_locked(cache, stale).await;
                cache.del_if_equals(TOKEN_LOCK, &owner).await?;
                return result;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
            if let Some(t) = cache.get(TOKEN_KEY).await?
                && Some(t.as_str()) != stale
            {
                return Ok(t);
            }
        }
        Err(unavailable())
    }

    async fn refresh_locked(&self, cache: &Cache, stale: Option<&str>) -> Result<String, ApiError> {
        // Re-check under the lock: another instance may have refreshed while we waited.
        if let Some(t) = cache.get(TOKEN_KEY).await?
            && Some(t.as_str()) != stale
        {
            return Ok(t);
        }
        let creds = self.creds()?;
        let req = self
            .http
            .post(format!("{}/cgi-bin/stable_token", self.base))
            .json(&json!({
                "grant_type": "client_credential",
                "appid": creds.appid,
                "secret": creds.secret.expose_secret(),
                // Forcing is only needed when WeChat itself rejected the current token.
                "force_refresh": stale.is_some(),
            }));
        let reply = self.call(req).await?;
        if reply.errcode != 0 {
            return Err(unavailable());
        }
        let token: StableToken = reply.body()?;
        let ttl = token
            .expires_in
            .saturating_sub(TOKEN_EARLY_REFRESH_SECS)
            .max(60);
        cache
            .set(
                TOKEN_KEY,
                &token.access_token,
                Some(Duration::from_secs(ttl)),
            )
            .await?;
        Ok(token.access_token)
    }

    /// Run a call that needs the access token, retrying once with a fresh token when WeChat
    /// says the token is invalid or expired (40001, 42001).
    async fn with_token(
        &self,
        cache: &Cache,
        make: impl Fn(&str) -> reqwest::RequestBuilder,
    ) -> Result<Reply, ApiError> {
        let token = self.access_token(cache, None).await?;
        let reply = self.call(make(&token)).await?;
        if matches!(reply.errcode, 40001 | 42001) {
            let fresh = self.access_token(cache, Some(&token)).await?;
            return self.call(make(&fresh)).await;
        }
        Ok(reply)
    }

    /// `getuserphonenumber`: the phone number behind a one-time phone code, watermark checked.
    pub async fn phone_number(&self, cache: &Cache, code: &str) -> Result<PhoneInfo, ApiError> {
        let appid = self.creds()?.appid.clone();
        let url = format!("{}/wxa/business/getuserphonenumber", self.base);
        let reply = self
            .with_token(cache, |token| {
                self.http
                    .post(&url)
                    .query(&[("access_token", token)])
                    .json(&json!({ "code": code }))
            })
            .await?;
        match reply.errcode {
            0 => {
                let body: PhoneBody = reply.body()?;
                if body.phone_info.watermark.appid != appid {
                    tracing::warn!("phone number watermark names another appid");
                    return Err(ApiError::field(
                        "code",
                        "PHONE_CODE_INVALID",
                        "手机号授权凭证无效，请重新授权",
                    ));
                }
                Ok(body.phone_info)
            }
            40029 => Err(ApiError::field(
                "code",
                "PHONE_CODE_INVALID",
                "手机号授权凭证无效或已过期，请重新授权",
            )),
            _ => Err(unavailable()),
        }
    }

    /// Send a subscription message (`subscribe/send`). 43101 (user has not subscribed) is a
    /// normal outcome for us.
    pub async fn send_subscribe_message(
        &self,
        cache: &Cache,
        openid: &str,
        template_id: &str,
        page: &str,
        data: serde_json::Value,
    ) -> Result<SendOutcome, ApiError> {
        let url = format!("{}/cgi-bin/message/subscribe/send", self.base);
        let body =
            json!({ "touser": openid, "template_id": template_id, "page": page, "data": data });
        let reply = self
            .with_token(cache, |token| {
                self.http
                    .post(&url)
                    .query(&[("access_token", token)])
                    .json(&body)
            })
            .await?;
        match reply.errcode {
            0 => Ok(SendOutcome::Sent),
            43101 => Ok(SendOutcome::NotSubscribed),
            _ => Err(unavailable()),
        }
    }
}
