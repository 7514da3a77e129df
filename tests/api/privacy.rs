//! No personal data in any log line.
use reqwest::StatusCode;
use uuid::Uuid;

use crate::helpers::*;

#[tokio::test]
async fn a_failed_phone_or_name_search_leaves_no_trace_of_it_in_the_log() {
    let app = spawn_app().await;
    let county = app.admin_of("220102").await;
    let youth = app.login_as_youth("snoop").await;
    // A number no other test uses: 139 + 8 digits from a fresh uuid.
    let digits: String = Uuid::new_v4()
        .as_u128()
        .to_string()
        .chars()
        .take(8)
        .collect();
    let number = format!("139{digits}");
    let name = "欧阳紫萱";
    let name_encoded = "%E6%AC%A7%E9%98%B3%E7%B4%AB%E8%90%B1";
    let searches = [
        (
            format!("/api/v1/admin/talents?phone={number}"),
            &youth.token,
            StatusCode::FORBIDDEN,
        ),
        (
            format!("/api/v1/admin/talents?region=220200&phone={number}"),
            &county.token,
            StatusCode::FORBIDDEN,
        ),
        (
            format!("/api/v1/admin/talents?phone={number}9"),
            &county.token,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            format!(
                "/api/v1/admin/talents/export?region=220200&keyword={name_encoded}&phone={number}"
            ),
            &county.token,
            StatusCode::FORBIDDEN,
        ),
    ];
    let mut request_ids = Vec::new();
    for (url, token, status) in &searches {
        let resp = app.get(url, Some(token)).await;
        assert_eq!(resp.status(), *status, "{url}");
        request_ids.push(resp.headers()["x-request-id"].to_str().unwrap().to_owned());
    }
    let log = captured_log();
    for id in &request_ids {
        assert!(
            log.lines()
                .any(|l| l.contains(id.as_str()) && l.contains("/api/v1/admin/talents")),
            "the failed search {id} is logged, with its path"
        );
    }
    // The whole number and the name anywhere in the log (shared by every test of the run);
    // fragments of the number only on the lines of these requests, since 7 or 8 random digits
    // also turn up by chance among the run's other numbers (ids, timings).
    for secret in [number.as_str(), name, name_encoded] {
        assert!(!log.contains(secret), "the log holds {secret:?}");
    }
    let ours: Vec<&str> = log
        .lines()
        .filter(|l| request_ids.iter().any(|id| l.contains(id.as_str())))
        .collect();
    for fragment in [digits.as_str(), &number[3..10]] {
        assert!(
            !ours.iter().any(|l| l.contains(fragment)),
            "the log of these requests holds {fragment:?}"
        );
    }
}
