use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::keys::Period;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// Redis (or the in-process store), falling back to the database when it is not built.
    Auto,
    /// Computed by SQL from the ledger (comparison and benchmark path; province cadres only).
    Db,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct VolunteerBoardQuery {
    /// Province, city, county or township code.
    #[param(example = "220102")]
    pub region: String,
    pub period: Period,
    /// How many to list, 1–100 (default 50).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// `db` computes the answer by SQL (province cadres only); default `auto`.
    #[param(inline)]
    pub source: Option<Source>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BoardEntry {
    /// 1-based; equal minutes are ordered by account (older account first).
    pub rank: u64,
    /// Masked real name (`张**`).
    pub name: String,
    pub minutes: i64,
    /// True for the caller's own line.
    pub is_me: bool,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MyPlace {
    /// The caller's rank, or null when they have no hours in this period and region.
    pub rank: Option<u64>,
    pub minutes: i64,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct VolunteerBoard {
    pub region: String,
    pub period: Period,
    /// Start of the period (China time); null for all time.
    pub from: Option<DateTime<FixedOffset>>,
    /// End of the period, exclusive.
    pub to: Option<DateTime<FixedOffset>>,
    /// Volunteers with hours in this region and period.
    pub participants: u64,
    pub items: Vec<BoardEntry>,
    /// Present when the caller sent a token.
    pub me: Option<MyPlace>,
    pub served_from: ServedFrom,
}

/// Where an answer came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ServedFrom {
    /// The leaderboard cache (Redis, or the in-process store), at most the staleness bound old.
    Cache,
    /// Computed from the hours ledger (the cache was down or not built yet, or `source=db`).
    Database,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// Total minutes.
    Total,
    /// Minutes per verified youth in the talent pool of the region.
    PerYouth,
}

#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct RegionBoardQuery {
    /// Province, city or county code; its children are ranked.
    #[param(example = "220100")]
    pub parent: String,
    pub period: Period,
    /// Default `total`.
    pub metric: Option<Metric>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RegionBoardEntry {
    pub rank: u64,
    pub code: String,
    pub name: String,
    pub minutes: i64,
    /// Verified youth in the talent pool of this region.
    pub youth_count: u64,
    /// Minutes per youth, rounded down; null when the region has no youth on record.
    pub minutes_per_youth: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RegionBoard {
    pub parent: String,
    pub period: Period,
    pub metric: Metric,
    pub items: Vec<RegionBoardEntry>,
    pub served_from: ServedFrom,
}
