//! A job run every fixed interval on every instance (the job itself makes repeats harmless).
use std::future::Future;
use std::time::Duration;

use crate::app_state::AppState;

/// Run `job` every `interval`, logging failures and carrying on.
pub fn spawn_periodic<F, Fut>(name: &'static str, interval: Duration, state: AppState, job: F)
where
    F: Fn(AppState) -> Fut + Send + 'static,
    Fut: Future<Output = anyhow::Result<()>> + Send,
{
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(interval);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if let Err(e) = job(state.clone()).await {
                tracing::warn!(job = name, error = ?e, "background job failed");
            }
        }
    });
}
