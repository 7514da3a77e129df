//! Background work that runs on every instance. Each job must be safe to run on several
//! instances at once (a conditional update in the database, or a lock in the shared cache), so
//! that it happens exactly once however many servers are up.
use std::time::Duration;

use crate::app_state::AppState;

pub mod daily;
mod periodic;

pub use daily::{China, DailyJob};
pub use periodic::spawn_periodic;

/// Jobs done once a day at a fixed China time (see [`daily`]); domains add theirs here.
pub const DAILY_JOBS: &[DailyJob] = &[
    crate::kpi::snapshot::KPI_SNAPSHOT,
    crate::kpi::digest::KPI_BEHIND_DIGEST,
    crate::retention::RETENTION_ANONYMISE,
    crate::loans::digest::LOAN_DUE_DIGEST,
    crate::mentoring::jobs::MENTORSHIP_AUTO_COMPLETE,
    crate::mentoring::jobs::RECORD_AUTO_CONFIRM,
    crate::practice::reminders::PRACTICE_REPORT_REMINDER,
];

/// Start every periodic job. Domains add theirs here.
pub fn spawn_all(state: &AppState) {
    if state.settings.run_daily_jobs {
        for job in DAILY_JOBS {
            daily::spawn(state, *job);
        }
    }
    // Uploads no record took, and files whose record is gone (conditional deletes: safe to
    // overlap across instances).
    spawn_periodic(
        "media-cleanup",
        state.settings.media_cleanup_interval,
        state.clone(),
        crate::media::cleanup::run,
    );
    // After a data-key rotation, rewrite talent data with the current key (idempotent,
    // conditional per row, so several instances may run it together).
    spawn_periodic(
        "talent_data_reencryption",
        Duration::from_secs(600),
        state.clone(),
        |state| async move {
            while crate::talents::rotation::reencrypt_batch(&state.db, &state.cipher, 200).await?
                > 0
            {}
            Ok(())
        },
    );
    spawn_periodic(
        "training-offer-sweep",
        state.settings.offer_sweep_interval,
        state.clone(),
        crate::trainings::sweep_lapsed_offers,
    );
    // Loan offers not disbursed and returns not resubmitted in time (conditional per row).
    spawn_periodic(
        "loan-offer-lapse",
        state.settings.loans.lapse_sweep_interval,
        state.clone(),
        crate::loans::lapse::sweep,
    );
    // 返家乡 offers not confirmed in time, and applications undecided when their position
    // starts (conditional per row).
    spawn_periodic(
        "practice-offer-lapse",
        state.settings.practice.lapse_sweep_interval,
        state.clone(),
        crate::practice::lapse::sweep,
    );
    // New 返家乡 applications told to the host at most once an hour per position (a
    // conditional claim per notice).
    spawn_periodic(
        "practice-application-digest",
        state.settings.practice.digest_sweep_interval,
        state.clone(),
        crate::practice::digest::sweep,
    );
    // Proposed and pending mentorship requests past their expiry (conditional per row).
    spawn_periodic(
        "mentoring-request-expiry",
        state.settings.mentoring.expiry_sweep_interval,
        state.clone(),
        crate::mentoring::jobs::sweep_expired_requests,
    );
    spawn_periodic(
        "leaderboard-replay",
        Duration::from_secs(2),
        state.clone(),
        crate::leaderboards::sync::replay_unapplied,
    );
}
