//! The monthly digest (issue 13 point 8, `supervision.md` §3 `kpi.behind_digest`): on the 1st,
//! once across instances, each local unit's cadres are told which lines are behind and by how
//! much; cadres of other units are not, and a repeated run tells nobody twice.
use chrono::{NaiveDate, TimeZone, Utc};
use jiqing::jobs::daily::{self, Outcome};
use jiqing::kpi::digest::{self, KPI_BEHIND_DIGEST};
use jiqing::kpi_scope::VillageScope;
use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{Login, TestApp, json_of, spawn_app};
use crate::kpi::{line, report};

async fn digests(app: &TestApp, who: &Login) -> Vec<Value> {
    let list = json_of(
        app.get("/api/v1/me/notifications", Some(&who.token)).await,
        StatusCode::OK,
    )
    .await;
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["kind"] == "kpi.behind_digest")
        .cloned()
        .collect()
}

#[tokio::test]
async fn the_monthly_digest_tells_each_local_units_cadres_once_which_lines_are_behind() {
    let app = spawn_app().await;
    let other = app.spawn_another_instance().await;
    let county = app.admin_of("220281").await;
    let county_other = app.admin_of("220281").await;
    let city = app.admin_of("220200").await;
    let province = app.admin_of("220000").await;
    // One verified talent in a village committee of 蛟河市: its coverage is far below 1000 ‰,
    // whose due date (2025-12-31) has passed: `missed`.
    let village =
        crate::kpi::villages_of(&app, "220281", VillageScope::VillageCommittees).await[0].clone();
    app.youth_in("digest-talent", &village, true).await;
    let villages = report(&app, &county, "indicators=village_talent_coverage").await;
    let denominator = line(&villages, "village_talent_coverage")["denominator"]
        .as_i64()
        .unwrap();

    // 09:30 China on 1 December: both instances poll at once; one runs it.
    let now = Utc.with_ymd_and_hms(2026, 12, 1, 1, 30, 0).unwrap();
    let (a, b) = tokio::join!(
        daily::run_if_due(&app.state, &KPI_BEHIND_DIGEST, now),
        daily::run_if_due(&other.state, &KPI_BEHIND_DIGEST, now)
    );
    let first = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    let outcomes = [a.unwrap(), b.unwrap()];
    assert_eq!(
        outcomes
            .iter()
            .filter(|o| **o == Outcome::Ran(first))
            .count(),
        1,
        "{outcomes:?}"
    );
    for who in [&county, &county_other] {
        let got = digests(&app, who).await;
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0]["title"], "2026年11月考核进度提醒");
        let body = got[0]["body"].as_str().unwrap();
        assert!(
            body.starts_with("截至2026年11月30日，蛟河市团委有"),
            "{body}"
        );
        assert!(body.contains("村村都有好青年"), "{body}");
        assert!(body.contains("（已逾期未达成）"), "{body}");
        assert!(
            body.contains(&format!("还差{}个村", denominator - 1)),
            "{denominator}: {body}"
        );
    }
    // Cadres of units with units below them get none.
    assert!(digests(&app, &city).await.is_empty());
    assert!(digests(&app, &province).await.is_empty());
    // Polled again that day: done. Run again by hand: nobody is told twice.
    assert_eq!(
        daily::run_if_due(&other.state, &KPI_BEHIND_DIGEST, now)
            .await
            .unwrap(),
        Outcome::Done
    );
    assert_eq!(digest::run(&app.state, first).await.unwrap(), 0);
    assert_eq!(digests(&app, &county).await.len(), 1);
    // Any other day of the month: nothing.
    let second = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
    assert_eq!(digest::run(&app.state, second).await.unwrap(), 0);
}
