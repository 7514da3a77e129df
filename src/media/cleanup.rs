//! `media-cleanup` (hourly on every instance, safe to overlap): uploads no record took within the
//! grace period go, row and file; files without a row (their record was deleted or anonymised, or
//! an upload failed half-way) go once they are older than the grace period.
use std::collections::HashSet;
use std::time::Duration;

use chrono::{DateTime, Utc};
use entity::media;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::store::MediaStore;
use crate::app_state::AppState;

const BATCH: u64 = 200;

/// What one run removed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Cleaned {
    /// Uploads never attached (rows and files).
    pub unattached: u64,
    /// Files without a row.
    pub orphans: u64,
}

/// The job, as the scheduler calls it.
pub async fn run(state: AppState) -> anyhow::Result<()> {
    let cleaned = clean(
        &state.db,
        &state.media,
        state.settings.media_unattached_ttl,
        Utc::now(),
    )
    .await?;
    if cleaned != Cleaned::default() {
        tracing::info!(?cleaned, "media-cleanup");
    }
    Ok(())
}

/// Remove what is older than `grace` at `now` (tests pass a later `now`).
pub async fn clean(
    db: &impl ConnectionTrait,
    store: &MediaStore,
    grace: Duration,
    now: DateTime<Utc>,
) -> anyhow::Result<Cleaned> {
    let cutoff = now - chrono::Duration::from_std(grace)?;
    let mut cleaned = Cleaned::default();
    loop {
        let keys: Vec<String> = media::Entity::find()
            .select_only()
            .column(media::Column::Key)
            .filter(media::Column::AttachedId.is_null())
            .filter(media::Column::CreatedAt.lt(cutoff))
            .order_by_asc(media::Column::CreatedAt)
            .limit(BATCH)
            .into_tuple()
            .all(db)
            .await?;
        for key in &keys {
            // Conditional: a record attaching the file at this moment keeps it.
            let gone = media::Entity::delete_many()
                .filter(media::Column::Key.eq(key.as_str()))
                .filter(media::Column::AttachedId.is_null())
                .exec(db)
                .await?;
            if gone.rows_affected == 1 {
                store.delete(key).await?;
                cleaned.unattached += 1;
            }
        }
        if (keys.len() as u64) < BATCH {
            break;
        }
    }
    let old_files = store.keys_written_before(cutoff).await?;
    for chunk in old_files.chunks(500) {
        let known: HashSet<String> = media::Entity::find()
            .select_only()
            .column(media::Column::Key)
            .filter(media::Column::Key.is_in(chunk.iter().map(String::as_str)))
            .into_tuple::<String>()
            .all(db)
            .await?
            .into_iter()
            .collect();
        for key in chunk.iter().filter(|k| !known.contains(*k)) {
            store.delete(key).await?;
            cleaned.orphans += 1;
        }
    }
    Ok(cleaned)
}
