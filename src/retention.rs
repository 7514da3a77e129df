//! `retention-anonymise` (daily 03:00 China time, conventions §10): records that ended keep
//! personal fields for `JIQING_RETENTION_YEARS`, then each domain clears them (its own rules,
//! conditional per row, so a crashed or repeated run is harmless). Domains add their part to
//! [`run`].
use chrono::NaiveDate;

use crate::app_state::AppState;
use crate::jobs::daily::{China, DailyJob};

pub const RETENTION_ANONYMISE: DailyJob = DailyJob {
    name: "retention-anonymise",
    at: China(3, 0),
    run: |state, date| Box::pin(run(state, date)),
};

/// One day's run: every domain's anonymisation for records that ended before `date` minus the
/// retention years.
pub async fn run(state: AppState, date: NaiveDate) -> anyhow::Result<()> {
    let loans = crate::loans::retention::anonymise(&state, date).await?;
    let mentoring = crate::mentoring::retention::anonymise(&state, date).await?;
    let practice = crate::practice::retention::anonymise(&state, date).await?;
    let pioneer_objections = crate::pioneers::retention::anonymise(&state, date).await?;
    tracing::info!(
        loans,
        mentoring_requests = mentoring.requests,
        mentorships = mentoring.mentorships,
        practice_applications = practice.applications,
        student_profiles = practice.profiles,
        pioneer_objections,
        "retention-anonymise"
    );
    Ok(())
}
