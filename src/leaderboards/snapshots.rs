//! In-process copies of the leaderboard answers, so that reading a board costs about what a
//! static answer costs.
//!
//! All boards of a generation share one version, which every applied ledger entry bumps (in the
//! same atomic cache call as its increments) and a rebuild replaces with a new generation. Each
//! instance keeps, per board, the top list it last read (names resolved, the `items` array
//! already serialised) and, per caller, their own place, both stamped with the version they were
//! read at, and serves them while that version is current.
//!
//! **Staleness bound.** On Redis an instance asks for the current version at most once per
//! `JIQING_LEADERBOARD_MAX_STALE_MS` (default 1000 ms), so a change made through another instance
//! shows here at most that long after it was applied; a change made through this instance
//! (delivery, replay, rebuild) is read back at once. `0` asks Redis on every read (exactly fresh).
//! On the in-process store the version is read on every request (a function call), so answers
//! are exact. A region board also counts verified youth, which have no version: it is rebuilt when
//! the version moves and at least once per the same bound. Answers are never mixed from two
//! versions of one list: a top list is replaced whole.
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::value::RawValue;
use uuid::Uuid;

use super::dto::BoardEntry;
use crate::cache::{BoardStamp, CacheError, CacheResult, TopRead};
use crate::cache::{Cache, Flights};
use crate::error::ApiError;

/// Why a cached answer was not given: the cache failed (answer from the ledger instead), or
/// something else did (answer with that error).
pub enum Unserved {
    Cache(CacheError),
    Failed(ApiError),
}

impl From<CacheError> for Unserved {
    fn from(e: CacheError) -> Self {
        Unserved::Cache(e)
    }
}

impl From<ApiError> for Unserved {
    fn from(e: ApiError) -> Self {
        Unserved::Failed(e)
    }
}

/// Bounds on how many copies an instance keeps (each map is emptied when it reaches its bound).
const MAX_TOPS: usize = 10_000;
const MAX_PLACES: usize = 200_000;
const MAX_REGIONS: usize = 10_000;

/// A top list as served: the lines, who they are, and the `items` array as JSON.
pub struct Top {
    pub stamp: BoardStamp,
    pub size: usize,
    /// False when the board is empty and its region does not exist (a 422 for the caller).
    pub known_region: bool,
    pub entries: Vec<BoardEntry>,
    pub users: Vec<Option<Uuid>>,
    pub items_json: Box<RawValue>,
    /// The whole answer up to its `me` line for callers not on the list (built on first use;
    /// the board key names the region and the period, so it is the same for all of them).
    pub answer_head: std::sync::OnceLock<bytes::Bytes>,
}

impl Top {
    /// The caller's place when they are on the list itself.
    pub fn place_of(&self, me: Uuid) -> Option<(usize, i64)> {
        self.users
            .iter()
            .position(|u| *u == Some(me))
            .map(|i| (i, self.entries[i].minutes))
    }

    /// The `items` array with the caller's own line marked (`isMe`), as JSON.
    pub fn items_for(&self, me: Option<Uuid>) -> serde_json::Result<Option<Box<RawValue>>> {
        let Some(i) = me.and_then(|me| self.place_of(me)).map(|p| p.0) else {
            return Ok(None);
        };
        let marked: Vec<BoardEntry> = self
            .entries
            .iter()
            .enumerate()
            .map(|(j, e)| BoardEntry {
                is_me: j == i,
                ..e.clone()
            })
            .collect();
        serde_json::value::to_raw_value(&marked).map(Some)
    }
}

/// A region board answer, serialised whole.
pub struct RegionAnswer {
    pub stamp: BoardStamp,
    pub built: Instant,
    pub json: bytes::Bytes,
}

struct Checked {
    stamp: BoardStamp,
    at: Instant,
    epoch: u64,
}

/// One caller's place on one board: `(0-based rank, minutes)`, or `None` when not on it.
type Place = Option<(usize, i64)>;

pub struct Snapshots {
    /// How long a version read from the cache is trusted (zero: read it every time).
    recheck: Duration,
    /// The promised bound, also for what has no version (the youth counts of region boards).
    max_stale: Duration,
    checked: Mutex<Option<Checked>>,
    /// Moved by this instance's own changes, so that it reads them back at once.
    epoch: AtomicU64,
    tops: Mutex<HashMap<(String, usize), Arc<Top>>>,
    places: Mutex<HashMap<(String, String), (BoardStamp, Place)>>,
    regions: Mutex<HashMap<String, Arc<RegionAnswer>>>,
    /// One build at a time per answer (single flight).
    flights: Flights,
}

fn locked<T, R>(m: &Mutex<T>, f: impl FnOnce(&mut T) -> R) -> R {
    let mut guard = m.lock().unwrap_or_else(|e| e.into_inner());
    f(&mut guard)
}

impl Snapshots {
    /// `shared_cache`: whether other instances can change the boards (Redis).
    pub fn new(max_stale: Duration, shared_cache: bool) -> Self {
        Self {
            recheck: if shared_cache {
                max_stale
            } else {
                Duration::ZERO
            },
            max_stale,
            checked: Mutex::new(None),
            epoch: AtomicU64::new(0),
            tops: Mutex::default(),
            places: Mutex::default(),
            regions: Mutex::default(),
            flights: Flights::new(MAX_REGIONS + MAX_TOPS),
        }
    }

    /// Hold this while building the answer `key`; check for a fresh copy again once it is held.
    pub async fn flight(&self, key: &str) -> tokio::sync::OwnedMutexGuard<()> {
        self.flights.hold(key).await
    }

    /// The build of `key` if nobody is building it now (a background refresh).
    pub fn try_flight(&self, key: &str) -> Option<tokio::sync::OwnedMutexGuard<()>> {
        self.flights.try_hold(key)
    }

    /// How stale a kept region answer may be served.
    pub fn max_stale(&self) -> Duration {
        self.max_stale
    }

    /// This instance changed the boards: the next read asks the cache for the version.
    pub fn changed(&self) {
        self.epoch.fetch_add(1, Ordering::AcqRel);
    }

    /// The current version, from the cache when the last check is older than the bound (or this
    /// instance changed something since). `None`: no live generation.
    pub async fn current(&self, cache: &Cache) -> CacheResult<Option<BoardStamp>> {
        let epoch = self.epoch.load(Ordering::Acquire);
        let known = locked(&self.checked, |c| {
            c.as_ref()
                .filter(|c| c.epoch == epoch && c.at.elapsed() < self.recheck)
                .map(|c| c.stamp.clone())
        });
        if known.is_some() {
            return Ok(known);
        }
        let fresh = cache.board_stamp().await?;
        locked(&self.checked, |c| {
            *c = fresh.clone().map(|stamp| Checked {
                stamp,
                at: Instant::now(),
                epoch,
            });
        });
        Ok(fresh)
    }

    /// A read from the cache saw `stamp`: it is the current one as of now.
    fn adopt(&self, stamp: &BoardStamp) {
        let epoch = self.epoch.load(Ordering::Acquire);
        locked(&self.checked, |c| {
            if c.as_ref().is_none_or(|c| c.stamp != *stamp) {
                *c = Some(Checked {
                    stamp: stamp.clone(),
                    at: Instant::now(),
                    epoch,
                });
            }
        });
    }

    /// This instance's copy of the top `limit` of `board`, if it was read at `stamp` or later
    /// (while one reader waited to build it, another may have built it at a newer version:
    /// that copy answers the waiter too, instead of each waiter rebuilding in turn).
    pub fn top_at(&self, board: &str, limit: usize, stamp: &BoardStamp) -> Option<Arc<Top>> {
        locked(&self.tops, |t| t.get(&(board.to_owned(), limit)).cloned())
            .filter(|top| top.stamp.covers(stamp))
    }

    /// The top `limit` of `board` (with names) from the cache.
    pub async fn read_top(
        &self,
        cache: &Cache,
        board: &str,
        limit: usize,
    ) -> CacheResult<Option<TopRead>> {
        let read = cache.board_top(board, limit, true).await?;
        if let Some(r) = &read {
            self.adopt(&r.stamp);
        }
        Ok(read)
    }

    pub fn keep_top(&self, board: &str, limit: usize, top: Arc<Top>) {
        locked(&self.tops, |t| {
            if t.len() >= MAX_TOPS {
                t.clear();
            }
            t.insert((board.to_owned(), limit), top);
        });
    }

    /// `member`'s place on `board` at `stamp`, from this instance's copy when it is current.
    pub async fn place(
        &self,
        cache: &Cache,
        stamp: &BoardStamp,
        board: &str,
        member: &str,
    ) -> CacheResult<Option<Place>> {
        let key = (board.to_owned(), member.to_owned());
        if let Some((seen, place)) = locked(&self.places, |p| p.get(&key).cloned())
            && seen == *stamp
        {
            return Ok(Some(place));
        }
        let Some((seen, place)) = cache.board_place(board, member).await? else {
            return Ok(None);
        };
        self.adopt(&seen);
        locked(&self.places, |p| {
            if p.len() >= MAX_PLACES {
                p.clear();
            }
            p.insert(key, (seen, place));
        });
        Ok(Some(place))
    }

    /// The whole of a region board (children and minutes, no names), read from the cache.
    pub async fn region_top(&self, cache: &Cache, board: &str) -> CacheResult<Option<TopRead>> {
        let read = cache.board_top(board, 100_000, false).await?;
        if let Some(r) = &read {
            self.adopt(&r.stamp);
        }
        Ok(read)
    }

    /// A region board answer of the current generation built less than the bound ago, if this
    /// instance has one. Later versions do not void it: region boards promise at most the bound
    /// of staleness, and rebuilding one (a count over the talent pool) on every applied entry
    /// made readers queue behind builds under steady approvals (p99 10 s in `bench/soak.sh`).
    pub fn region(&self, key: &str, stamp: &BoardStamp) -> Option<Arc<RegionAnswer>> {
        locked(&self.regions, |r| r.get(key).cloned()).filter(|a| {
            a.stamp.generation == stamp.generation && a.built.elapsed() < self.max_stale
        })
    }

    pub fn keep_region(&self, key: String, answer: Arc<RegionAnswer>) {
        locked(&self.regions, |r| {
            if r.len() >= MAX_REGIONS {
                r.clear();
            }
            r.insert(key, answer);
        });
    }
}
