//! Daily jobs at a fixed China time, done once a day however many instances run (conventions §5).
//!
//! Every instance polls (`JIQING_DAILY_JOB_POLL_MS`). A job runs when its time has passed today
//! (China) and `job_runs` has no row for it and today; the instance that takes the cache lock
//! `job:<name>` (SET NX, 10 min) runs it for that date and then records the row. The work inside
//! stays conditional per row, so a run that crashed half-way can simply be repeated.
//!
//! ```ignore
//! pub const KPI_SNAPSHOT: DailyJob = DailyJob {
//!     name: "kpi-snapshot",
//!     at: China(2, 0),
//!     run: |state, date| Box::pin(snapshot(state, date)),   // async fn snapshot(AppState, NaiveDate)
//! };
//! // and one line in `jobs::DAILY_JOBS`.
//! ```
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use entity::job_runs;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ConnectionTrait, EntityTrait, Set};

use crate::app_state::AppState;
use crate::time::to_china;

/// How long one run may hold the lock before another instance may try.
pub const LOCK_TTL: Duration = Duration::from_secs(600);

pub type DailyFuture = Pin<Box<dyn Future<Output = anyhow::Result<()>> + Send>>;

/// A time of day in China (hours, minutes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct China(pub u32, pub u32);

impl China {
    fn time(self) -> NaiveTime {
        NaiveTime::from_hms_opt(self.0.min(23), self.1.min(59), 0).unwrap_or(NaiveTime::MIN)
    }
}

/// A job done once per China date, at or after `at`.
#[derive(Clone, Copy)]
pub struct DailyJob {
    /// `kpi-snapshot`, `retention-anonymise`, …: the lock and `job_runs` name.
    pub name: &'static str,
    pub at: China,
    /// The work for one China date (tests call it for any date).
    pub run: fn(AppState, NaiveDate) -> DailyFuture,
}

/// What one poll did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Today's time has not come yet.
    NotYet,
    /// Done today already.
    Done,
    /// Another instance holds the lock (it is running the job).
    Busy,
    /// This call ran it for the date.
    Ran(NaiveDate),
}

async fn finished(db: &impl ConnectionTrait, job: &str, on: NaiveDate) -> anyhow::Result<bool> {
    Ok(job_runs::Entity::find_by_id((job.to_owned(), on))
        .one(db)
        .await?
        .is_some())
}

/// Record that `job` finished for `on` (a second record for the same day is ignored).
pub async fn record_finished(
    db: &impl ConnectionTrait,
    job: &str,
    on: NaiveDate,
    at: DateTime<Utc>,
) -> anyhow::Result<()> {
    job_runs::Entity::insert(job_runs::ActiveModel {
        job: Set(job.to_owned()),
        run_on: Set(on),
        finished_at: Set(at),
    })
    .on_conflict(
        OnConflict::columns([job_runs::Column::Job, job_runs::Column::RunOn])
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Run `job` for today's China date if its time has passed and nobody has done it today.
pub async fn run_if_due(
    state: &AppState,
    job: &DailyJob,
    now: DateTime<Utc>,
) -> anyhow::Result<Outcome> {
    let china = to_china(now);
    let today = china.date_naive();
    if china.time() < job.at.time() {
        return Ok(Outcome::NotYet);
    }
    if finished(&state.db, job.name, today).await? {
        return Ok(Outcome::Done);
    }
    let lock = format!("job:{}", job.name);
    let token = uuid::Uuid::new_v4().to_string();
    if !state.cache.set_nx(&lock, &token, LOCK_TTL).await? {
        return Ok(Outcome::Busy);
    }
    let outcome = async {
        // Another instance may have finished between the look above and taking the lock.
        if finished(&state.db, job.name, today).await? {
            return Ok(Outcome::Done);
        }
        (job.run)(state.clone(), today).await?;
        record_finished(&state.db, job.name, today, Utc::now()).await?;
        Ok(Outcome::Ran(today))
    }
    .await;
    if let Err(e) = state.cache.del_if_equals(&lock, &token).await {
        tracing::warn!(job = job.name, error = %e, "daily job lock left to expire");
    }
    outcome
}

/// Poll for `job` on this instance (every `JIQING_DAILY_JOB_POLL_MS`).
pub fn spawn(state: &AppState, job: DailyJob) {
    super::periodic::spawn_periodic(
        job.name,
        state.settings.daily_job_poll_interval,
        state.clone(),
        move |state| async move {
            if let Outcome::Ran(on) = run_if_due(&state, &job, Utc::now()).await? {
                tracing::info!(job = job.name, %on, "daily job finished");
            }
            Ok(())
        },
    );
}
