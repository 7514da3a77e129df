//! Settings, read once from the environment (and an optional `.env` file) and passed in.
use std::collections::BTreeMap;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};

use crate::kpi_scope::{CountyScope, KpiScopes, TownshipScope, VillageScope};

/// Development-only defaults: they let `cargo run` work on a bare laptop and are refused in production.
pub const DEV_JWT_SECRET: &str = "jiqing-development-jwt-secret-do-not-use-in-production";
/// 32 bytes, base64: "jiqing-dev-data-key-not-for-prod".
pub const DEV_DATA_KEY: &str = "amlxaW5nLWRldi1kYXRhLWtleS1ub3QtZm9yLXByb2Q=";
pub const DEFAULT_WECHAT_API_BASE: &str = "https://api.weixin.qq.com";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Environment {
    Development,
    Production,
}

#[derive(Debug, Clone)]
pub struct WechatSettings {
    pub appid: String,
    pub secret: SecretString,
}

#[derive(Debug, Clone)]
pub struct Settings {
    pub environment: Environment,
    pub bind: String,
    pub database_url: String,
    pub redis_url: Option<String>,
    /// Prepended to every cache key (tests use one per test so they can share a Redis).
    pub cache_prefix: String,
    pub jwt_secret: SecretString,
    /// Current data-encryption key (base64, 32 bytes); previous keys still decrypt old values.
    pub data_key: SecretString,
    pub previous_data_keys: Vec<SecretString>,
    /// Key of the keyed hash used for equality look-ups of encrypted values (defaults to one
    /// derived from the data key; set it explicitly before rotating data keys).
    pub index_key: Option<SecretString>,
    pub wechat: Option<WechatSettings>,
    pub wechat_api_base: String,
    pub migrate_on_start: bool,
    pub run_background_tasks: bool,
    pub access_token_ttl: Duration,
    pub refresh_token_ttl: Duration,
    /// Staff login throttling (only failed attempts count), all within `login_window`:
    /// failures per (account, client address) before that pair waits for the window to pass,
    pub login_max_failures_per_account_address: u32,
    /// failures per client address over all accounts (a password spray),
    pub login_max_failures_per_address: u32,
    /// and failures per account from everywhere after which the account is braked: one attempt
    /// per `login_brake_interval`, never a lockout of its owner.
    pub login_brake_after_failures: u32,
    pub login_brake_interval: Duration,
    pub login_window: Duration,
    /// Rows per query while a CSV export streams (`JIQING_EXPORT_CHUNK_ROWS`).
    pub export_chunk_rows: u64,
    /// Proxies whose `X-Forwarded-For` names the client (`JIQING_TRUSTED_PROXIES`, CIDRs).
    pub trusted_proxies: crate::client_address::TrustedProxies,
    /// Ages (in full years, China time) the talent pool serves, inclusive.
    pub talent_min_age: u32,
    pub talent_max_age: u32,
    /// ID-number conflicts (409 `ID_NUMBER_TAKEN`) a user may run into per China day before
    /// saving with a new ID number is refused until midnight (`JIQING_TALENT_ID_CONFLICTS_PER_DAY`).
    pub talent_id_conflicts_per_day: u32,
    /// How often each instance looks for lapsed waiting-list offers (`JIQING_OFFER_SWEEP_MS`).
    pub offer_sweep_interval: Duration,
    /// WeChat subscription-message templates, keyed by notification kind (`talent.rejected`,
    /// from `WECHAT_TEMPLATE_TALENT_REJECTED`) or by domain (the part of a kind before the dot:
    /// `talent`, from `WECHAT_TEMPLATE_TALENT`). A kind's own template wins over its domain's;
    /// a kind with neither gets in-app notifications only. See [`Settings::subscribe_template`].
    pub subscribe_templates: BTreeMap<String, String>,
    /// Volunteer star levels: cumulative hours for 1★…5★ (national default 100/300/600/1000/1500;
    /// `JIQING_VOLUNTEER_STAR_HOURS=100,300,600,1000,1500`).
    pub volunteer_star_hours: Vec<u32>,
    /// Where uploaded files live (`JIQING_MEDIA_STORE`): `fs:<dir>`, `memory:` (tests) or an
    /// S3-compatible URL such as `s3://bucket/prefix` (credentials and endpoint from the usual
    /// `AWS_*` variables). Several instances need a shared store (S3, or one shared directory).
    pub media_store: String,
    /// How long a signed media URL works (`JIQING_MEDIA_URL_TTL_SECS`, default 600).
    pub media_url_ttl: Duration,
    /// Uploads allowed per user per hour (`JIQING_MEDIA_UPLOADS_PER_HOUR`, default 60).
    pub media_uploads_per_hour: u32,
    /// An upload no record took is deleted after this long (`JIQING_MEDIA_UNATTACHED_SECS`,
    /// default 24 h).
    pub media_unattached_ttl: Duration,
    /// How often each instance runs `media-cleanup` (`JIQING_MEDIA_CLEANUP_MS`, default 1 h).
    pub media_cleanup_interval: Duration,
    /// A review waiting longer than this many days counts as overdue in the staff to-dos
    /// (`JIQING_REVIEW_DUE_DAYS`, default 7).
    pub review_due_days: u32,
    /// Objections one user may file per 青年先锋 round (`JIQING_PIONEER_OBJECTIONS_PER_ROUND`,
    /// default 5; a counter, conventions §6).
    pub pioneer_objections_per_round: u32,
    /// How often each instance checks whether a daily job is due (`JIQING_DAILY_JOB_POLL_MS`,
    /// default 60 s).
    pub daily_job_poll_interval: Duration,
    /// Whether this instance polls the daily jobs (`jobs::DAILY_JOBS`: the KPI snapshot, …).
    pub run_daily_jobs: bool,
    /// Which townships, villages and counties count in KPI denominators and coverage
    /// (`JIQING_KPI_TOWNSHIP_SCOPE`, `JIQING_KPI_VILLAGE_SCOPE`, `JIQING_KPI_COUNTY_SCOPE`).
    pub kpi_scopes: KpiScopes,
    /// Start of the programme's cumulative targets (`JIQING_KPI_BASELINE_ON`, default
    /// 2022-08-20, the notice date).
    pub kpi_baseline_on: chrono::NaiveDate,
    /// How long live KPI counts are cached (`JIQING_KPI_CACHE_SECS`, default 300; 0 = never).
    pub kpi_cache_ttl: Duration,
    /// PostgreSQL connections per instance at most (`JIQING_DB_POOL_SIZE`, default 32).
    pub db_pool_size: u32,
    /// SQLite connections: one writes at a time, the others read beside it
    /// (`JIQING_SQLITE_CONNECTIONS`, default 4; an in-memory database keeps one).
    pub sqlite_connections: u32,
    /// `work_mem` of each PostgreSQL connection (`JIQING_DB_WORK_MEM`, default `32MB`, a number
    /// with `kB`, `MB` or `GB`; `server`: the server's own setting).
    pub db_work_mem: Option<String>,
    /// Multiplexed Redis connections per instance (`JIQING_REDIS_CONNECTIONS`, default 1).
    pub redis_connections: usize,
    /// HTTP worker threads (`JIQING_WORKERS`; default: one per physical core).
    pub workers: Option<usize>,
    /// How stale a leaderboard answer may be when another instance changed it
    /// (`JIQING_LEADERBOARD_MAX_STALE_MS`, default 1000; 0 = exact, one Redis call per read).
    pub leaderboard_max_stale: Duration,
    /// How long an instance keeps an answer that many callers share (the mentor directory of
    /// a unit), built once and served as is (`JIQING_LIST_MAX_STALE_MS`, default 1000; 0 = never
    /// kept, every read asks the database).
    pub list_max_stale: Duration,
    /// 返家乡 practice: the defaults of a new campaign's settings and the per-student limit.
    pub practice: PracticeSettings,
    /// Mentoring limits and timings (`JIQING_MENTORING_*`).
    pub mentoring: MentoringSettings,
    /// 银团合作 loan deadlines (`JIQING_LOAN_*`).
    pub loans: LoanSettings,
    /// Years that records which ended keep personal fields before `retention-anonymise` clears
    /// them (`JIQING_RETENTION_YEARS`, default 3; 0 = at the next run).
    pub retention_years: u32,
}

/// Loan deadlines (`loans.md`): calendar days after the instant that starts them (0 = at once,
/// for tests).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoanSettings {
    /// How often each instance runs `loan-offer-lapse` (`JIQING_LOAN_LAPSE_SWEEP_MS`, 10 min).
    pub lapse_sweep_interval: Duration,
    /// The local unit reviews a submission within this many days (`JIQING_LOAN_REVIEW_DAYS`, 7).
    pub review_days: u32,
    /// The bank decides a recommended application within this many days
    /// (`JIQING_LOAN_BANK_DAYS`, 14).
    pub bank_days: u32,
    /// A returned application must be resubmitted within this many days, else it lapses
    /// (`JIQING_LOAN_RESUBMIT_DAYS`, 30).
    pub resubmit_days: u32,
    /// A bank may reverse its own last approval or disbursement within this many hours
    /// (`JIQING_LOAN_REVERSAL_HOURS`, 72).
    pub reversal_hours: u32,
}

/// Mentoring settings (`mentoring.md`).
#[derive(Debug, Clone)]
pub struct MentoringSettings {
    /// Hours a `proposed` or `pending` request waits before it expires
    /// (`JIQING_MENTORING_REQUEST_TTL_HOURS`, default 168 = 7 days; 0 = at once, for tests).
    pub request_ttl_hours: u32,
    /// Open requests per mentee (`JIQING_MENTORING_MAX_OPEN_REQUESTS`, default 3).
    pub max_open_requests: u32,
    /// Active long-term pairings per mentee (`JIQING_MENTORING_MAX_LONG_TERM`, default 2).
    pub max_long_term: u32,
    /// Days a mentee has to confirm a guidance record before it confirms itself
    /// (`JIQING_MENTORING_CONFIRM_DAYS`, default 14).
    pub confirm_days: u32,
    /// Talent categories that make a verified talent a startup leader (乡村创业青年骨干)
    /// (`JIQING_MENTORING_STARTUP_LEADER_CATEGORIES`, default
    /// `wealth_leader,lead_goose,returning_entrepreneur`).
    pub startup_leader_categories: Vec<String>,
    /// How often each instance runs `mentoring-request-expiry`
    /// (`JIQING_MENTORING_EXPIRY_SWEEP_MS`, default 60 s).
    pub expiry_sweep_interval: Duration,
}

/// Defaults of a 返家乡 campaign's settings (`JIQING_PRACTICE_*`); each campaign keeps its own
/// copy, changeable while it is a draft.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PracticeSettings {
    /// `JIQING_PRACTICE_MIN_DAYS` (7): confirmed days a certificate needs.
    pub min_days: u32,
    /// `JIQING_PRACTICE_OFFER_VALID_HOURS` (72): how long a student has to confirm an offer.
    pub offer_valid_hours: u32,
    /// `JIQING_PRACTICE_REPORT_DUE_DAYS` (14): days after the practice ends the report is due.
    pub report_due_days: u32,
    /// `JIQING_PRACTICE_EXCELLENT_CAP_PERMILLE` (300): share of 优秀 per campaign and local unit.
    pub excellent_cap_permille: u32,
    /// `JIQING_PRACTICE_MAX_OPEN_APPLICATIONS` (3): submitted + offered per student and campaign.
    pub max_open_applications: u32,
    /// How often each instance runs `practice-offer-lapse` (`JIQING_PRACTICE_LAPSE_SWEEP_MS`,
    /// default 60 s).
    pub lapse_sweep_interval: Duration,
    /// How often each instance runs `practice-application-digest`
    /// (`JIQING_PRACTICE_DIGEST_SWEEP_MS`, default 5 min).
    pub digest_sweep_interval: Duration,
}

/// Domains whose notifications may also go out as WeChat subscription messages.
pub const TEMPLATE_DOMAINS: &[&str] = &[
    "training",
    "talent",
    "mentor",
    "loan",
    "volunteer",
    "practice",
];

/// Every key a subscription template may be set for: each domain, then each notification kind.
pub fn template_keys() -> Vec<String> {
    use sea_orm::{ActiveEnum, Iterable};
    TEMPLATE_DOMAINS
        .iter()
        .map(|d| (*d).to_owned())
        .chain(entity::notifications::NotificationKind::iter().map(|k| k.to_value()))
        .collect()
}

/// The variable naming a template key: `talent` → `WECHAT_TEMPLATE_TALENT`,
/// `volunteer.report_approved` → `WECHAT_TEMPLATE_VOLUNTEER_REPORT_APPROVED`.
pub fn template_variable(key: &str) -> String {
    format!("WECHAT_TEMPLATE_{}", key.replace('.', "_").to_uppercase())
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("配置错误 / configuration error: {0}")]
    Invalid(String),
}

fn parse_bool(
    var: &impl Fn(&str) -> Option<String>,
    name: &str,
    default: bool,
) -> Result<bool, ConfigError> {
    match var(name).as_deref() {
        None => Ok(default),
        Some("1" | "true" | "yes" | "on") => Ok(true),
        Some("0" | "false" | "no" | "off") => Ok(false),
        Some(other) => Err(ConfigError::Invalid(format!(
            "{name} must be true or false, got {other:?}"
        ))),
    }
}

fn parse_choice<T>(
    var: &impl Fn(&str) -> Option<String>,
    name: &str,
    default: T,
    parse: impl Fn(&str) -> Option<T>,
    allowed: &str,
) -> Result<T, ConfigError> {
    match var(name) {
        None => Ok(default),
        Some(v) => parse(v.trim())
            .ok_or_else(|| ConfigError::Invalid(format!("{name} must be {allowed}, got {v:?}"))),
    }
}

fn parse_u32(
    var: &impl Fn(&str) -> Option<String>,
    name: &str,
    default: u32,
) -> Result<u32, ConfigError> {
    match var(name) {
        None => Ok(default),
        Some(v) => v
            .trim()
            .parse()
            .map_err(|_| ConfigError::Invalid(format!("{name} must be a whole number, got {v:?}"))),
    }
}

/// `JIQING_DB_WORK_MEM`: a PostgreSQL memory size such as `32MB`; `server` for the server's own.
fn parse_work_mem(var: &impl Fn(&str) -> Option<String>) -> Result<Option<String>, ConfigError> {
    let Some(v) = var("JIQING_DB_WORK_MEM") else {
        return Ok(Some(crate::db::DEFAULT_WORK_MEM.to_owned()));
    };
    let v = v.trim();
    if v == "server" {
        return Ok(None);
    }
    let digits = v.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let unit = &v[digits.len()..];
    if digits.parse::<u32>().is_ok_and(|n| n > 0) && matches!(unit, "kB" | "MB" | "GB") {
        Ok(Some(v.to_owned()))
    } else {
        Err(ConfigError::Invalid(format!(
            "JIQING_DB_WORK_MEM must be a size such as 32MB (kB, MB or GB) or server, got {v:?}"
        )))
    }
}

/// A duration given in milliseconds, at least `min_ms`.
fn parse_millis(
    var: &impl Fn(&str) -> Option<String>,
    name: &str,
    default_ms: u64,
    min_ms: u64,
) -> Result<Duration, ConfigError> {
    let ms = match var(name) {
        None => default_ms,
        Some(v) => v
            .trim()
            .parse::<u64>()
            .ok()
            .filter(|ms| *ms >= min_ms)
            .ok_or_else(|| {
                ConfigError::Invalid(format!(
                    "{name} must be a number of milliseconds ≥ {min_ms}, got {v:?}"
                ))
            })?,
    };
    Ok(Duration::from_millis(ms))
}

/// Ascending positive hours, e.g. `100,300,600,1000,1500`.
fn parse_thresholds(v: &str) -> Result<Vec<u32>, ConfigError> {
    let bad = || {
        ConfigError::Invalid(format!(
            "JIQING_VOLUNTEER_STAR_HOURS must be ascending whole hours like 100,300,600,1000,1500, got {v:?}"
        ))
    };
    let hours = v
        .split(',')
        .map(|h| h.trim().parse::<u32>().map_err(|_| bad()))
        .collect::<Result<Vec<_>, _>>()?;
    if hours.is_empty()
        || hours.len() > 10
        || hours[0] == 0
        || hours.windows(2).any(|w| w[0] >= w[1])
    {
        return Err(bad());
    }
    Ok(hours)
}

impl Settings {
    /// The subscription template for a notification kind: the kind's own, else its domain's.
    pub fn subscribe_template(&self, kind: &str) -> Option<&str> {
        let domain = match kind.split('.').next().unwrap_or_default() {
            // Mentorship notices go out with the mentoring template (`WECHAT_TEMPLATE_MENTOR`).
            "mentorship" => "mentor",
            other => other,
        };
        self.subscribe_templates
            .get(kind)
            .or_else(|| self.subscribe_templates.get(domain))
            .map(String::as_str)
    }

    /// Read settings from the process environment (after loading `.env` if present) and check them.
    pub fn from_env() -> Result<Self, ConfigError> {
        let _ = dotenvy::dotenv();
        Self::from_vars(|name| std::env::var(name).ok())
    }

    /// The development defaults, as `cargo run` on a bare laptop gets them.
    pub fn defaults() -> Self {
        Self::from_vars(|_| None).expect("the development defaults are valid")
    }

    /// Build settings from any variable source (the environment, or a map in tests).
    pub fn from_vars(get: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let var = |name: &str| get(name).filter(|v| !v.trim().is_empty());
        let environment = match var("JIQING_ENV").as_deref() {
            None | Some("development") => Environment::Development,
            Some("production") => Environment::Production,
            Some(other) => {
                return Err(ConfigError::Invalid(format!(
                    "JIQING_ENV must be development or production, got {other:?}"
                )));
            }
        };
        let wechat = match (var("WECHAT_APPID"), var("WECHAT_SECRET")) {
            (Some(appid), Some(secret)) => Some(WechatSettings {
                appid,
                secret: SecretString::from(secret),
            }),
            (None, None) => None,
            _ => {
                return Err(ConfigError::Invalid(
                    "WECHAT_APPID and WECHAT_SECRET must be set together".into(),
                ));
            }
        };
        let settings = Settings {
            environment,
            bind: var("JIQING_BIND").unwrap_or_else(|| "127.0.0.1:8080".into()),
            database_url: var("DATABASE_URL")
                .unwrap_or_else(|| "sqlite://jiqing.db?mode=rwc".into()),
            redis_url: var("REDIS_URL"),
            cache_prefix: var("JIQING_CACHE_PREFIX").unwrap_or_else(|| "jiqing:".into()),
            jwt_secret: SecretString::from(
                var("JIQING_JWT_SECRET").unwrap_or_else(|| DEV_JWT_SECRET.into()),
            ),
            data_key: SecretString::from(
                var("JIQING_DATA_KEY").unwrap_or_else(|| DEV_DATA_KEY.into()),
            ),
            previous_data_keys: var("JIQING_PREVIOUS_DATA_KEYS")
                .map(|v| {
                    v.split(',')
                        .map(|k| SecretString::from(k.trim().to_owned()))
                        .collect()
                })
                .unwrap_or_default(),
            index_key: var("JIQING_INDEX_KEY").map(SecretString::from),
            wechat,
            wechat_api_base: var("WECHAT_API_BASE")
                .unwrap_or_else(|| DEFAULT_WECHAT_API_BASE.into())
                .trim_end_matches('/')
                .to_owned(),
            migrate_on_start: parse_bool(&var, "JIQING_MIGRATE_ON_START", true)?,
            run_background_tasks: parse_bool(&var, "JIQING_BACKGROUND_TASKS", true)?,
            access_token_ttl: Duration::from_secs(2 * 3600),
            refresh_token_ttl: Duration::from_secs(30 * 24 * 3600),
            login_max_failures_per_account_address: parse_u32(
                &var,
                "JIQING_LOGIN_MAX_FAILURES_PER_ACCOUNT_ADDRESS",
                5,
            )?,
            login_max_failures_per_address: parse_u32(
                &var,
                "JIQING_LOGIN_MAX_FAILURES_PER_ADDRESS",
                20,
            )?,
            login_brake_after_failures: parse_u32(&var, "JIQING_LOGIN_BRAKE_AFTER_FAILURES", 30)?,
            login_brake_interval: Duration::from_secs(
                parse_u32(&var, "JIQING_LOGIN_BRAKE_INTERVAL_SECS", 10)?
                    .max(1)
                    .into(),
            ),
            login_window: Duration::from_secs(
                parse_u32(&var, "JIQING_LOGIN_WINDOW_SECS", 15 * 60)?
                    .max(1)
                    .into(),
            ),
            export_chunk_rows: parse_u32(&var, "JIQING_EXPORT_CHUNK_ROWS", 500)?
                .clamp(1, 10_000)
                .into(),
            trusted_proxies: crate::client_address::TrustedProxies::parse(
                &var("JIQING_TRUSTED_PROXIES").unwrap_or_default(),
            )
            .map_err(|e| ConfigError::Invalid(format!("JIQING_TRUSTED_PROXIES: {e}")))?,
            talent_min_age: parse_u32(&var, "JIQING_TALENT_MIN_AGE", 16)?,
            talent_max_age: parse_u32(&var, "JIQING_TALENT_MAX_AGE", 45)?,
            talent_id_conflicts_per_day: parse_u32(&var, "JIQING_TALENT_ID_CONFLICTS_PER_DAY", 5)?,
            offer_sweep_interval: parse_millis(&var, "JIQING_OFFER_SWEEP_MS", 30_000, 10)?,
            subscribe_templates: template_keys()
                .into_iter()
                .filter_map(|key| {
                    var(&template_variable(&key))
                        .map(|t| t.trim().to_owned())
                        .filter(|t| !t.is_empty())
                        .map(|t| (key, t))
                })
                .collect(),
            volunteer_star_hours: match var("JIQING_VOLUNTEER_STAR_HOURS") {
                None => vec![100, 300, 600, 1000, 1500],
                Some(v) => parse_thresholds(&v)?,
            },
            media_store: var("JIQING_MEDIA_STORE").unwrap_or_else(|| "fs:./media".into()),
            media_url_ttl: Duration::from_secs(
                parse_u32(&var, "JIQING_MEDIA_URL_TTL_SECS", 600)?.into(),
            ),
            media_uploads_per_hour: parse_u32(&var, "JIQING_MEDIA_UPLOADS_PER_HOUR", 60)?,
            media_unattached_ttl: Duration::from_secs(
                parse_u32(&var, "JIQING_MEDIA_UNATTACHED_SECS", 24 * 3600)?.into(),
            ),
            media_cleanup_interval: parse_millis(&var, "JIQING_MEDIA_CLEANUP_MS", 3_600_000, 10)?,
            review_due_days: parse_u32(&var, "JIQING_REVIEW_DUE_DAYS", 7)?,
            pioneer_objections_per_round: parse_u32(
                &var,
                "JIQING_PIONEER_OBJECTIONS_PER_ROUND",
                5,
            )?,
            daily_job_poll_interval: parse_millis(&var, "JIQING_DAILY_JOB_POLL_MS", 60_000, 10)?,
            run_daily_jobs: parse_bool(&var, "JIQING_DAILY_JOBS", true)?,
            kpi_scopes: KpiScopes {
                township: parse_choice(
                    &var,
                    "JIQING_KPI_TOWNSHIP_SCOPE",
                    TownshipScope::Rural,
                    TownshipScope::parse,
                    "rural, rural_plus_other or all",
                )?,
                village: parse_choice(
                    &var,
                    "JIQING_KPI_VILLAGE_SCOPE",
                    VillageScope::VillageCommittees,
                    VillageScope::parse,
                    "village_committees, rural_units or all",
                )?,
                county: parse_choice(
                    &var,
                    "JIQING_KPI_COUNTY_SCOPE",
                    CountyScope::Gb2260,
                    CountyScope::parse,
                    "gb2260 or all",
                )?,
            },
            kpi_baseline_on: match var("JIQING_KPI_BASELINE_ON") {
                None => chrono::NaiveDate::from_ymd_opt(2022, 8, 20).unwrap_or_default(),
                Some(v) => {
                    chrono::NaiveDate::parse_from_str(v.trim(), "%Y-%m-%d").map_err(|_| {
                        ConfigError::Invalid(format!(
                            "JIQING_KPI_BASELINE_ON must be a date YYYY-MM-DD, not {v:?}"
                        ))
                    })?
                }
            },
            kpi_cache_ttl: Duration::from_secs(
                parse_u32(&var, "JIQING_KPI_CACHE_SECS", 300)?.into(),
            ),
            db_pool_size: parse_u32(&var, "JIQING_DB_POOL_SIZE", crate::db::DEFAULT_POOL_SIZE)?
                .clamp(1, 1_000),
            sqlite_connections: parse_u32(
                &var,
                "JIQING_SQLITE_CONNECTIONS",
                crate::db::DEFAULT_SQLITE_CONNECTIONS,
            )?
            .clamp(1, 64),
            db_work_mem: parse_work_mem(&var)?,
            redis_connections: parse_u32(&var, "JIQING_REDIS_CONNECTIONS", 1)?.clamp(1, 64)
                as usize,
            workers: match parse_u32(&var, "JIQING_WORKERS", 0)? {
                0 => None,
                n => Some(n.min(256) as usize),
            },
            leaderboard_max_stale: parse_millis(&var, "JIQING_LEADERBOARD_MAX_STALE_MS", 1_000, 0)?,
            list_max_stale: parse_millis(&var, "JIQING_LIST_MAX_STALE_MS", 1_000, 0)?,
            practice: PracticeSettings {
                min_days: parse_u32(&var, "JIQING_PRACTICE_MIN_DAYS", 7)?.clamp(1, 366),
                offer_valid_hours: parse_u32(&var, "JIQING_PRACTICE_OFFER_VALID_HOURS", 72)?
                    .min(720),
                report_due_days: parse_u32(&var, "JIQING_PRACTICE_REPORT_DUE_DAYS", 14)?.min(90),
                excellent_cap_permille: parse_u32(
                    &var,
                    "JIQING_PRACTICE_EXCELLENT_CAP_PERMILLE",
                    300,
                )?
                .min(1000),
                max_open_applications: parse_u32(&var, "JIQING_PRACTICE_MAX_OPEN_APPLICATIONS", 3)?
                    .clamp(1, 20),
                lapse_sweep_interval: parse_millis(
                    &var,
                    "JIQING_PRACTICE_LAPSE_SWEEP_MS",
                    60_000,
                    10,
                )?,
                digest_sweep_interval: parse_millis(
                    &var,
                    "JIQING_PRACTICE_DIGEST_SWEEP_MS",
                    300_000,
                    10,
                )?,
            },
            mentoring: MentoringSettings {
                request_ttl_hours: parse_u32(&var, "JIQING_MENTORING_REQUEST_TTL_HOURS", 168)?,
                max_open_requests: parse_u32(&var, "JIQING_MENTORING_MAX_OPEN_REQUESTS", 3)?.max(1),
                max_long_term: parse_u32(&var, "JIQING_MENTORING_MAX_LONG_TERM", 2)?.max(1),
                confirm_days: parse_u32(&var, "JIQING_MENTORING_CONFIRM_DAYS", 14)?,
                startup_leader_categories: var("JIQING_MENTORING_STARTUP_LEADER_CATEGORIES")
                    .unwrap_or_else(|| "wealth_leader,lead_goose,returning_entrepreneur".into())
                    .split(',')
                    .map(|c| c.trim().to_owned())
                    .filter(|c| !c.is_empty())
                    .collect(),
                expiry_sweep_interval: parse_millis(
                    &var,
                    "JIQING_MENTORING_EXPIRY_SWEEP_MS",
                    60_000,
                    10,
                )?,
            },
            retention_years: parse_u32(&var, "JIQING_RETENTION_YEARS", 3)?.min(100),
            loans: LoanSettings {
                lapse_sweep_interval: parse_millis(
                    &var,
                    "JIQING_LOAN_LAPSE_SWEEP_MS",
                    600_000,
                    10,
                )?,
                review_days: parse_u32(&var, "JIQING_LOAN_REVIEW_DAYS", 7)?.min(365),
                bank_days: parse_u32(&var, "JIQING_LOAN_BANK_DAYS", 14)?.min(365),
                resubmit_days: parse_u32(&var, "JIQING_LOAN_RESUBMIT_DAYS", 30)?.min(365),
                reversal_hours: parse_u32(&var, "JIQING_LOAN_REVERSAL_HOURS", 72)?.min(24 * 365),
            },
        };
        settings.check()?;
        Ok(settings)
    }

    /// The cipher for personal data, from the configured keys.
    pub fn data_cipher(&self) -> Result<crate::crypto::DataCipher, crate::crypto::CryptoError> {
        crate::crypto::DataCipher::from_keys(
            &self.data_key,
            &self.previous_data_keys,
            self.index_key.as_ref(),
        )
    }

    /// Refuse settings that would be unsafe: in production every secret must be set and differ
    /// from the development defaults; everywhere, keys must have the right shape.
    pub fn check(&self) -> Result<(), ConfigError> {
        self.data_cipher()
            .map_err(|e| ConfigError::Invalid(e.to_string()))?;
        if self.talent_min_age > self.talent_max_age || self.talent_max_age > 120 {
            return Err(ConfigError::Invalid(
                "JIQING_TALENT_MIN_AGE must not exceed JIQING_TALENT_MAX_AGE (at most 120)".into(),
            ));
        }
        if self.media_url_ttl.is_zero() || self.media_uploads_per_hour == 0 {
            return Err(ConfigError::Invalid(
                "JIQING_MEDIA_URL_TTL_SECS and JIQING_MEDIA_UPLOADS_PER_HOUR must be at least 1"
                    .into(),
            ));
        }
        if self.environment != Environment::Production {
            return Ok(());
        }
        let mut problems = Vec::new();
        let jwt = self.jwt_secret.expose_secret();
        if jwt == DEV_JWT_SECRET || jwt.len() < 32 {
            problems
                .push("JIQING_JWT_SECRET must be set to a random value of at least 32 characters");
        }
        if self.data_key.expose_secret() == DEV_DATA_KEY {
            problems.push("JIQING_DATA_KEY must be set (base64 of 32 random bytes)");
        }
        if self.wechat.is_none() {
            problems.push("WECHAT_APPID and WECHAT_SECRET must be set");
        }
        if self.media_store == "memory:" {
            problems
                .push("JIQING_MEDIA_STORE must not be memory: (uploads would vanish on restart)");
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(ConfigError::Invalid(format!(
                "refusing to start in production: {}",
                problems.join("; ")
            )))
        }
    }

    pub fn is_production(&self) -> bool {
        self.environment == Environment::Production
    }

    /// Development login (`dev:<name>` codes) is possible only without WeChat and outside production.
    pub fn dev_login_enabled(&self) -> bool {
        !self.is_production() && self.wechat.is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn production(extra: &[(&str, &str)]) -> Result<Settings, ConfigError> {
        let mut vars: Vec<(String, String)> = [
            ("JIQING_ENV", "production"),
            ("JIQING_JWT_SECRET", "0123456789abcdef0123456789abcdef-prod"),
            (
                "JIQING_DATA_KEY",
                "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
            ),
            ("WECHAT_APPID", "wx1"),
            ("WECHAT_SECRET", "s"),
        ]
        .iter()
        .chain(extra)
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
        vars.reverse(); // later entries win
        Settings::from_vars(move |name| {
            vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
        })
    }

    #[test]
    fn a_kind_s_own_subscription_template_wins_over_its_domain_s() {
        let s = production(&[
            ("WECHAT_TEMPLATE_TALENT", "TPL_TALENT"),
            ("WECHAT_TEMPLATE_TALENT_REJECTED", "TPL_REJECTED"),
            ("WECHAT_TEMPLATE_VOLUNTEER_REPORT_APPROVED", " TPL_HOURS "),
        ])
        .unwrap();
        assert_eq!(
            s.subscribe_template("talent.rejected"),
            Some("TPL_REJECTED")
        );
        assert_eq!(s.subscribe_template("talent.verified"), Some("TPL_TALENT"));
        assert_eq!(
            s.subscribe_template("volunteer.report_approved"),
            Some("TPL_HOURS")
        );
        assert_eq!(s.subscribe_template("volunteer.report_rejected"), None);
        assert_eq!(s.subscribe_template("training.enrolled"), None);
        assert_eq!(
            template_variable("volunteer.correction_approved"),
            "WECHAT_TEMPLATE_VOLUNTEER_CORRECTION_APPROVED"
        );
    }

    #[test]
    fn the_work_mem_of_database_sessions_is_a_size_or_empty_for_the_servers_own() {
        let work_mem = |v: &str| production(&[("JIQING_DB_WORK_MEM", v)]).map(|s| s.db_work_mem);
        assert_eq!(
            production(&[]).unwrap().db_work_mem.as_deref(),
            Some("32MB")
        );
        assert_eq!(work_mem("64MB").unwrap().as_deref(), Some("64MB"));
        assert_eq!(work_mem(" 512kB ").unwrap().as_deref(), Some("512kB"));
        assert_eq!(work_mem("server").unwrap(), None);
        for bad in ["32", "MB", "0MB", "32mb", "32MB; DROP", "-1MB", "1.5GB"] {
            assert!(work_mem(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn media_settings_have_defaults_and_production_refuses_a_memory_store() {
        let s = production(&[]).unwrap();
        assert_eq!(s.media_store, "fs:./media");
        assert_eq!(s.media_url_ttl, Duration::from_secs(600));
        assert_eq!(s.media_uploads_per_hour, 60);
        assert_eq!(s.media_unattached_ttl, Duration::from_secs(24 * 3600));
        assert_eq!(s.review_due_days, 7);
        let err = production(&[("JIQING_MEDIA_STORE", "memory:")]).unwrap_err();
        assert!(err.to_string().contains("JIQING_MEDIA_STORE"), "{err}");
        assert!(production(&[("JIQING_MEDIA_UPLOADS_PER_HOUR", "0")]).is_err());
        assert!(production(&[("JIQING_MEDIA_CLEANUP_MS", "soon")]).is_err());
    }

    #[test]
    fn kpi_scopes_default_to_rural_and_refuse_unknown_values() {
        let s = production(&[]).unwrap();
        assert_eq!(s.kpi_scopes, KpiScopes::default());
        assert_eq!(s.kpi_scopes.township, TownshipScope::Rural);
        let s = production(&[
            ("JIQING_KPI_TOWNSHIP_SCOPE", "all"),
            ("JIQING_KPI_VILLAGE_SCOPE", "rural_units"),
            ("JIQING_KPI_COUNTY_SCOPE", "all"),
        ])
        .unwrap();
        assert_eq!(s.kpi_scopes.township, TownshipScope::All);
        assert_eq!(s.kpi_scopes.village, VillageScope::RuralUnits);
        assert_eq!(s.kpi_scopes.county, CountyScope::All);
        let err = production(&[("JIQING_KPI_VILLAGE_SCOPE", "villages")]).unwrap_err();
        assert!(
            err.to_string().contains("JIQING_KPI_VILLAGE_SCOPE"),
            "{err}"
        );
    }
}
