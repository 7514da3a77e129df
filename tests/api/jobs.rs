//! Daily jobs: once per China date however many instances poll, and only after their time.
use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use entity::job_runs;
use jiqing::app_state::AppState;
use jiqing::jobs::daily::{self, DailyFuture, Outcome};
use jiqing::jobs::{China, DailyJob};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use crate::helpers::*;

static RUNS: AtomicUsize = AtomicUsize::new(0);
static LAST_DATE: std::sync::Mutex<Option<NaiveDate>> = std::sync::Mutex::new(None);

fn counted(_: AppState, on: NaiveDate) -> DailyFuture {
    Box::pin(async move {
        // Long enough for the other callers to arrive while it runs.
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        RUNS.fetch_add(1, Ordering::SeqCst);
        *LAST_DATE.lock().unwrap() = Some(on);
        Ok(())
    })
}

const DIGEST: DailyJob = DailyJob {
    name: "test-digest",
    at: China(0, 5),
    run: counted,
};

/// A China wall-clock time as a UTC instant.
fn china(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    jiqing::time::china()
        .with_ymd_and_hms(y, m, d, h, min, 0)
        .unwrap()
        .to_utc()
}

#[tokio::test]
async fn a_daily_job_runs_once_per_china_day_across_instances_and_not_before_its_time() {
    let app = spawn_app().await;
    let other = app.spawn_another_instance().await;
    let day = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();

    let early = china(2026, 12, 3, 0, 4);
    assert_eq!(
        daily::run_if_due(&app.state, &DIGEST, early).await.unwrap(),
        Outcome::NotYet
    );
    // 00:10 China is still the day before in UTC: the China date decides.
    let at = china(2026, 12, 3, 0, 10);
    assert_eq!(at.date_naive(), day.pred_opt().unwrap());
    let polls = (0..10).map(|i| {
        let state = if i % 2 == 0 { &app.state } else { &other.state };
        daily::run_if_due(state, &DIGEST, at)
    });
    let outcomes: Vec<Outcome> = futures_util::future::join_all(polls)
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        outcomes.iter().filter(|o| **o == Outcome::Ran(day)).count(),
        1,
        "{outcomes:?}"
    );
    assert!(
        outcomes
            .iter()
            .all(|o| matches!(o, Outcome::Ran(_) | Outcome::Busy | Outcome::Done))
    );
    assert_eq!(RUNS.load(Ordering::SeqCst), 1);
    assert_eq!(*LAST_DATE.lock().unwrap(), Some(day));
    assert_eq!(
        daily::run_if_due(&other.state, &DIGEST, at).await.unwrap(),
        Outcome::Done
    );

    let next = china(2026, 12, 4, 0, 5);
    assert_eq!(
        daily::run_if_due(&other.state, &DIGEST, next)
            .await
            .unwrap(),
        Outcome::Ran(day.succ_opt().unwrap())
    );
    assert_eq!(RUNS.load(Ordering::SeqCst), 2);
    // Counted for this job only: the app's own daily jobs (retention-anonymise) run too.
    assert_eq!(
        job_runs::Entity::find()
            .filter(job_runs::Column::Job.eq(DIGEST.name))
            .count(app.db())
            .await
            .unwrap(),
        2
    );
}

static SPAWNED_RUNS: AtomicUsize = AtomicUsize::new(0);

const MIDNIGHT: DailyJob = DailyJob {
    name: "test-midnight",
    at: China(0, 0),
    run: |_, _| {
        Box::pin(async {
            SPAWNED_RUNS.fetch_add(1, Ordering::SeqCst);
            Ok(())
        })
    },
};

#[tokio::test]
async fn a_polling_daily_job_runs_by_itself_once() {
    let app =
        spawn_app_with(|s| s.daily_job_poll_interval = std::time::Duration::from_millis(50)).await;
    let other = app.spawn_another_instance().await;
    daily::spawn(&app.state, MIDNIGHT);
    daily::spawn(&other.state, MIDNIGHT);
    let today = jiqing::time::today_in_china(Utc::now());
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while job_runs::Entity::find_by_id(("test-midnight".to_owned(), today))
        .one(app.db())
        .await
        .unwrap()
        .is_none()
    {
        assert!(std::time::Instant::now() < deadline, "ran within 10 s");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(SPAWNED_RUNS.load(Ordering::SeqCst), 1);
}
