//! What every handler and job shares: database, cache, settings, keys and outside clients.
//!
//! It sits apart from `startup` (which wires routes and so knows every domain) so that domain
//! code depending on the state does not depend on the whole application.
use std::sync::Arc;

use sea_orm::DatabaseConnection;
use secrecy::ExposeSecret;

use crate::auth::JwtKeys;
use crate::auth::wechat::WechatClient;
use crate::cache::{Cache, SharedAnswers};
use crate::checkin_codes::CheckinCodes;
use crate::config::Settings;
use crate::crypto::DataCipher;
use crate::db;
use crate::leaderboards::snapshots::Snapshots;
use crate::league::LeagueTree;
use crate::media::MediaStore;

/// Everything a handler needs, shared by all workers (cheap to clone: handles and `Arc`s).
#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub cache: Cache,
    pub settings: Arc<Settings>,
    pub cipher: Arc<DataCipher>,
    pub jwt: JwtKeys,
    pub wechat: WechatClient,
    pub checkin_codes: Arc<CheckinCodes>,
    /// Uploaded files and their signed URLs.
    pub media: Arc<MediaStore>,
    /// The league units and their scopes, loaded at start (units change only by migration).
    pub league: Arc<LeagueTree>,
    /// This instance's copies of the leaderboard answers.
    pub leaderboards: Arc<Snapshots>,
    /// Answers many callers share, kept briefly (`JIQING_LIST_MAX_STALE_MS`).
    pub shared_answers: Arc<SharedAnswers>,
}

impl AppState {
    /// Connect to the database (migrating it unless told not to) and to the cache.
    pub async fn connect(settings: Settings) -> anyhow::Result<Self> {
        let pool_size = if db::is_sqlite(&settings.database_url) {
            settings.sqlite_connections
        } else {
            settings.db_pool_size
        };
        let mut db = db::connect_with(
            &settings.database_url,
            pool_size,
            settings.db_work_mem.as_deref(),
        )
        .await?;
        crate::test_hooks::count_statements(&mut db);
        if settings.migrate_on_start {
            db::migrate(&db).await?;
        }
        let league = Arc::new(LeagueTree::load(&db).await?);
        let cache = match &settings.redis_url {
            Some(url) => {
                Cache::redis_with(url, &settings.cache_prefix, settings.redis_connections).await?
            }
            None => Cache::memory(&settings.cache_prefix),
        };
        let cipher = Arc::new(settings.data_cipher()?);
        let jwt = JwtKeys::new(&settings.jwt_secret, settings.access_token_ttl)?;
        let wechat = WechatClient::new(&settings.wechat_api_base, settings.wechat.clone())?;
        let checkin_codes = Arc::new(CheckinCodes::new(
            settings.jwt_secret.expose_secret().as_bytes(),
        ));
        let media = Arc::new(MediaStore::open(
            &settings.media_store,
            settings.jwt_secret.expose_secret().as_bytes(),
            settings.media_url_ttl,
        )?);
        let leaderboards = Arc::new(Snapshots::new(
            settings.leaderboard_max_stale,
            settings.redis_url.is_some(),
        ));
        let shared_answers = Arc::new(SharedAnswers::new(settings.list_max_stale));
        Ok(Self {
            leaderboards,
            shared_answers,
            checkin_codes,
            media,
            league,
            db,
            cache,
            settings: Arc::new(settings),
            cipher,
            jwt,
            wechat,
        })
    }
}
