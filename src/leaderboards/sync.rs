//! Keeping the cached boards equal to the ledger.
//!
//! After a ledger transaction commits, [`deliver`] applies each new entry to the boards in one
//! atomic cache call and then sets the entry's `board_applied` flag. If the cache call fails the
//! flag stays unset and the replay job ([`replay_unapplied`]) applies it later; the cache call is
//! idempotent per entry (a marker), so a replay after a lost flag update cannot count twice.
//! When the live generation is missing (Redis restarted or was flushed) reads fall back to SQL
//! and ONE instance rebuilds the boards from the ledger under a lock ([`ensure_built`]).
use std::collections::HashMap;
use std::time::Duration;

use chrono::Utc;
use entity::volunteer_hour_entries as entries;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use super::keys::{Period, increments, member_of};
use crate::app_state::AppState;
use crate::cache::{BUILDING, LIVE};
use crate::talents::masked_names;
use crate::volunteer::ledger;

const LOCK: &str = "lb:rebuild-lock";
/// Counts rebuilds (tests and operators read it).
pub const REBUILDS: &str = "lb:rebuilds";
/// Entries not yet on the boards are replayed once they are this old (the request path
/// normally applies them within milliseconds).
const REPLAY_AFTER: Duration = Duration::from_secs(3);

/// Apply committed entries to the boards; failures are logged and left to the replay job.
pub async fn deliver(state: &AppState, new: &[entries::Model]) {
    if let Err(e) = try_deliver(state, new).await {
        tracing::warn!(error = ?e, "leaderboard update deferred to the replay job");
    }
}

async fn try_deliver(state: &AppState, new: &[entries::Model]) -> anyhow::Result<()> {
    let users: Vec<Uuid> = new.iter().map(|e| e.user_id).collect();
    let names = masked_names(&state.db, &users).await?;
    for entry in new {
        let member = member_of(entry.user_id);
        let name = names.get(&entry.user_id);
        let incs = increments(
            entry.user_id,
            &entry.region_code,
            entry.served_at,
            i64::from(entry.minutes),
        );
        let live = state
            .cache
            .board_apply(
                &entry.id.simple().to_string(),
                entry.seq,
                name.map(|n| (member.as_str(), n.as_str())),
                &incs,
            )
            .await?;
        entries::Entity::update_many()
            .col_expr(entries::Column::BoardApplied, true.into())
            .filter(entries::Column::Id.eq(entry.id))
            .exec(&state.db)
            .await?;
        state.leaderboards.changed();
        if !live {
            trigger_rebuild(state);
        }
    }
    Ok(())
}

/// Periodic: apply entries whose delivery failed (cache down at the time).
pub async fn replay_unapplied(state: AppState) -> anyhow::Result<()> {
    let cutoff = Utc::now() - chrono::Duration::from_std(REPLAY_AFTER)?;
    let pending = entries::Entity::find()
        .filter(entries::Column::BoardApplied.eq(false))
        .filter(entries::Column::CreatedAt.lt(cutoff))
        .order_by_asc(entries::Column::Seq)
        .limit(500)
        .all(&state.db)
        .await?;
    if !pending.is_empty() {
        tracing::info!(
            count = pending.len(),
            "replaying ledger entries onto the leaderboards"
        );
        try_deliver(&state, &pending).await?;
    }
    ensure_built(state).await.map(|_| ())
}

/// Start a rebuild in the background if none is live (at most one runs, across instances).
pub fn trigger_rebuild(state: &AppState) {
    let state = state.clone();
    tokio::spawn(async move {
        if let Err(e) = ensure_built(state).await {
            tracing::warn!(error = ?e, "leaderboard rebuild failed");
        }
    });
}

/// Rebuild the boards when there is no live generation. Returns true if this call rebuilt.
pub async fn ensure_built(state: AppState) -> anyhow::Result<bool> {
    if state.cache.exists(LIVE).await? {
        return Ok(false);
    }
    let token = Uuid::new_v4().to_string();
    if !state
        .cache
        .set_nx(LOCK, &token, Duration::from_secs(300))
        .await?
    {
        return Ok(false);
    }
    // Re-check under the lock: another instance may have finished just now.
    let result = if state.cache.exists(LIVE).await? {
        Ok(false)
    } else {
        rebuild(&state).await.map(|_| true)
    };
    state.cache.del_if_equals(LOCK, &token).await?;
    result
}

/// Rebuild now even if a generation is live (operators, the benchmark): waits for the lock.
pub async fn rebuild_now(state: &AppState) -> anyhow::Result<String> {
    let token = Uuid::new_v4().to_string();
    let mut waited = 0;
    while !state
        .cache
        .set_nx(LOCK, &token, Duration::from_secs(300))
        .await?
    {
        waited += 1;
        anyhow::ensure!(waited < 600, "another rebuild holds the lock");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let result = rebuild(state).await;
    state.cache.del_if_equals(LOCK, &token).await?;
    result
}

/// Build a new generation from the ledger and make it live. Callers hold the rebuild lock.
pub async fn rebuild(state: &AppState) -> anyhow::Result<String> {
    let started = std::time::Instant::now();
    let now = Utc::now();
    let upto = ledger::last_seq(&state.db).await?;
    let generation = format!("{}{:04x}", now.timestamp_millis(), rand::random::<u16>());
    let pointer = format!("{generation}:{upto}");
    // From here on every delivered entry after `upto` also lands in the new generation.
    state
        .cache
        .set(BUILDING, &pointer, Some(Duration::from_secs(900)))
        .await?;

    // Sum per (user, home region) for each current period first, then spread over the boards.
    let bounds: Vec<Option<chrono::DateTime<Utc>>> = Period::ALL
        .iter()
        .map(|p| p.range(now).map(|r| r.0))
        .collect();
    let mut sums: HashMap<(Uuid, String), [i64; 4]> = HashMap::new();
    let mut after = 0i64;
    let mut rows_read = 0usize;
    loop {
        let batch: Vec<(i64, Uuid, String, chrono::DateTime<Utc>, i32)> = entries::Entity::find()
            .select_only()
            .column(entries::Column::Seq)
            .column(entries::Column::UserId)
            .column(entries::Column::RegionCode)
            .column(entries::Column::ServedAt)
            .column(entries::Column::Minutes)
            .filter(entries::Column::Seq.gt(after))
            .filter(entries::Column::Seq.lte(upto))
            .order_by_asc(entries::Column::Seq)
            .limit(100_000)
            .into_tuple()
            .all(&state.db)
            .await?;
        let Some(last) = batch.last() else { break };
        after = last.0;
        rows_read += batch.len();
        for (_, user, region, served_at, minutes) in batch {
            let slot = sums.entry((user, region)).or_insert([0; 4]);
            for (i, from) in bounds.iter().enumerate() {
                if from.is_none_or(|f| served_at >= f) {
                    slot[i] += i64::from(minutes);
                }
            }
        }
    }
    let current: Vec<String> = Period::ALL.iter().map(|p| p.key(now)).collect();
    let mut boards: HashMap<String, HashMap<String, i64>> = HashMap::new();
    let mut users: HashMap<Uuid, ()> = HashMap::new();
    for ((user, region), minutes) in &sums {
        users.insert(*user, ());
        let member = member_of(*user);
        let levels = super::keys::board_regions(region);
        for (i, pk) in current.iter().enumerate() {
            if minutes[i] == 0 {
                continue;
            }
            for r in &levels {
                *boards
                    .entry(super::keys::user_board(r, pk))
                    .or_default()
                    .entry(member.clone())
                    .or_insert(0) += minutes[i];
            }
            for pair in levels.windows(2) {
                *boards
                    .entry(super::keys::region_board(&pair[0], pk))
                    .or_default()
                    .entry(pair[1].clone())
                    .or_insert(0) += minutes[i];
            }
        }
    }
    let ids: Vec<Uuid> = users.into_keys().collect();
    let mut names = Vec::with_capacity(ids.len());
    names.extend(
        masked_names(&state.db, &ids)
            .await?
            .into_iter()
            .map(|(u, n)| (member_of(u), n)),
    );
    state.cache.board_fill(&generation, &boards, &names).await?;

    // Entries committed after `upto` that were delivered before the building pointer was set.
    let late = entries::Entity::find()
        .filter(entries::Column::Seq.gt(upto))
        .order_by_asc(entries::Column::Seq)
        .all(&state.db)
        .await?;
    try_deliver(state, &late).await?;

    let previous = state.cache.get(LIVE).await?;
    if state.cache.get(BUILDING).await?.as_deref() != Some(pointer.as_str()) {
        // The cache was flushed or another build took over meanwhile: leave it to the next try.
        anyhow::bail!("leaderboard build {pointer} was interrupted");
    }
    state.cache.board_promote(&pointer).await?;
    state.leaderboards.changed();
    state
        .cache
        .incr_window(REBUILDS, Duration::from_secs(30 * 24 * 3600))
        .await?;
    if let Some(old) = previous.and_then(|p| p.split(':').next().map(str::to_owned))
        && old != generation
    {
        state.cache.del_matching(&format!("lb:g{old}:")).await?;
    }
    tracing::info!(
        generation,
        upto,
        rows_read,
        boards = boards.len(),
        elapsed_ms = started.elapsed().as_millis() as u64,
        "leaderboards rebuilt"
    );
    Ok(generation)
}
