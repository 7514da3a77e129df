//! One build at a time per answer (single flight): when a kept copy goes out of date under load,
//! the first request rebuilds it and the others wait for that copy instead of all querying the
//! database at once (64 connections missing together made 64 identical page builds).
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::OwnedMutexGuard;

pub struct Flights {
    /// Gates kept at most before the ones nobody holds are dropped.
    max: usize,
    gates: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

impl Flights {
    pub fn new(max: usize) -> Self {
        Self {
            max,
            gates: Mutex::default(),
        }
    }

    fn gate(&self, key: &str) -> Arc<tokio::sync::Mutex<()>> {
        let mut gates = self.gates.lock().unwrap_or_else(|e| e.into_inner());
        if gates.len() >= self.max && !gates.contains_key(key) {
            // Dropping gates nobody holds is harmless; held ones live on in their guards.
            gates.retain(|_, g| Arc::strong_count(g) > 1);
        }
        gates.entry(key.to_owned()).or_default().clone()
    }

    /// Hold this while building the answer `key`; check for a fresh copy again once it is held.
    pub async fn hold(&self, key: &str) -> OwnedMutexGuard<()> {
        self.gate(key).lock_owned().await
    }

    /// The gate of `key` if nobody holds it now (a build in the background needs no queue).
    pub fn try_hold(&self, key: &str) -> Option<OwnedMutexGuard<()>> {
        self.gate(key).try_lock_owned().ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn one_holder_per_key_and_idle_gates_are_dropped_at_the_bound() {
        let flights = Flights::new(2);
        let a = flights.hold("a").await;
        let other = flights.hold("b").await;
        assert!(
            tokio::time::timeout(std::time::Duration::from_millis(20), flights.hold("a"))
                .await
                .is_err(),
            "a second holder of the same key waits"
        );
        drop(a);
        drop(other);
        let _c = flights.hold("c").await;
        assert!(flights.gates.lock().unwrap().len() <= 2);
        let a = flights.hold("a").await;
        assert!(flights.try_hold("a").is_none(), "held: no second build");
        drop(a);
        assert!(flights.try_hold("a").is_some(), "free again");
    }
}
