//! Serialised answers that many callers share, kept in process for a short, bounded time.
//!
//! Some reads answer every caller of a kind the same way: the mentor directory of a county is the
//! same page for each of its youth. Building it costs a statement over a few hundred rows and
//! twenty serialised items per request; keeping the finished JSON for at most
//! `JIQING_LIST_MAX_STALE_MS` (default 1000 ms; `0` = never kept) costs one map look-up instead.
//!
//! **What may be stale, and by how much.** A kept answer is served for at most the bound after
//! it was built, by the instance that built it; after that the next caller builds it afresh. Nothing
//! is decided from a kept answer: the by-id reads and every write (a request, an acceptance, a
//! seat) read the database in their own transaction. The key carries everything the answer
//! depends on (the caller's units and every filter), never who asked, so no caller sees an
//! answer meant for a different scope. Per instance and bounded in size, like the large totals of
//! [`crate::pagination`]: any number of instances may run side by side, each at most the bound
//! behind the database.
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use actix_web::HttpResponse;
use actix_web::http::header::ContentType;
use bytes::Bytes;
use serde::Serialize;

use super::Flights;
use crate::error::{ApiError, ApiResult};

/// Keys kept at most; reaching the bound first drops expired answers, then all of them.
const MAX_KEPT: usize = 10_000;

pub struct SharedAnswers {
    max_age: Duration,
    kept: Mutex<HashMap<String, (Bytes, Instant)>>,
    /// One build per key at a time: the callers missing together wait for the first one's.
    flights: Flights,
}

impl SharedAnswers {
    pub fn new(max_age: Duration) -> Self {
        Self {
            max_age,
            kept: Mutex::default(),
            flights: Flights::new(MAX_KEPT),
        }
    }

    /// The answer kept under `key`, if it is younger than the bound.
    pub fn get(&self, key: &str) -> Option<Bytes> {
        if self.max_age.is_zero() {
            return None;
        }
        let kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        kept.get(key)
            .filter(|(_, at)| at.elapsed() < self.max_age)
            .map(|(body, _)| body.clone())
    }

    /// Keep `body` under `key` (nothing when answers are never kept).
    pub fn keep(&self, key: String, body: Bytes) {
        if self.max_age.is_zero() {
            return;
        }
        let mut kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        if kept.len() >= MAX_KEPT && !kept.contains_key(&key) {
            let max_age = self.max_age;
            kept.retain(|_, (_, at)| at.elapsed() < max_age);
            if kept.len() >= MAX_KEPT {
                kept.clear();
            }
        }
        kept.insert(key, (body, Instant::now()));
    }
}

impl SharedAnswers {
    /// The JSON answer kept under `key` if it is younger than the bound; else `build`'s,
    /// serialised once and kept. The key must carry everything the answer depends on.
    pub async fn json<T: Serialize>(
        &self,
        key: String,
        build: impl Future<Output = ApiResult<T>>,
    ) -> ApiResult<HttpResponse> {
        let body = match self.get(&key) {
            Some(body) => body,
            None => {
                let _building = if self.max_age.is_zero() {
                    None
                } else {
                    Some(self.flights.hold(&key).await)
                };
                match self.get(&key) {
                    Some(body) => body,
                    None => {
                        let body = Bytes::from(serde_json::to_vec(&build.await?).map_err(|e| {
                            ApiError::Unexpected(anyhow::Error::new(e).context("shared answer"))
                        })?);
                        self.keep(key, body.clone());
                        body
                    }
                }
            }
        };
        Ok(HttpResponse::Ok()
            .content_type(ContentType::json())
            .body(body))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_kept_for_the_bound_and_never_when_it_is_zero() {
        let off = SharedAnswers::new(Duration::ZERO);
        off.keep("k".into(), Bytes::from_static(b"1"));
        assert_eq!(off.get("k"), None);

        let on = SharedAnswers::new(Duration::from_millis(50));
        on.keep("k".into(), Bytes::from_static(b"1"));
        assert_eq!(on.get("k").as_deref(), Some(&b"1"[..]));
        assert_eq!(on.get("other"), None);
        std::thread::sleep(Duration::from_millis(60));
        assert_eq!(on.get("k"), None, "older than the bound");
    }

    #[tokio::test]
    async fn callers_missing_together_wait_for_one_build() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let answers = SharedAnswers::new(Duration::from_secs(60));
        let builds = AtomicUsize::new(0);
        let ask = || {
            answers.json("page".to_owned(), async {
                builds.fetch_add(1, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(30)).await;
                Ok(vec![1, 2, 3])
            })
        };
        let all = futures_util::future::join_all((0..16).map(|_| ask())).await;
        assert!(
            all.iter()
                .all(|r| r.as_ref().is_ok_and(|r| r.status() == 200))
        );
        assert_eq!(builds.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn the_number_of_kept_answers_is_bounded() {
        let on = SharedAnswers::new(Duration::from_secs(60));
        for i in 0..MAX_KEPT + 5 {
            on.keep(format!("k{i}"), Bytes::from_static(b"1"));
        }
        assert!(on.kept.lock().unwrap().len() <= MAX_KEPT);
        assert!(on.get(&format!("k{}", MAX_KEPT + 4)).is_some());
    }
}
