//! Sharing consents: domains record and end them; the youth lists their own.
use chrono::{Duration, Utc};
use jiqing::consents::{
    self, ConsentPurpose, ConsentSubject, NewConsent, Recipient, RecipientKind, Subject,
};
use reqwest::StatusCode;
use uuid::Uuid;

use crate::helpers::*;

fn loan(id: Uuid) -> Subject {
    Subject {
        kind: ConsentSubject::LoanApplication,
        id,
    }
}

async fn give(
    app: &TestApp,
    who: &Login,
    purpose: ConsentPurpose,
    subject: Subject,
    at_days_ago: i64,
) {
    consents::grant(
        app.db(),
        NewConsent {
            user_id: who.user_id.parse().unwrap(),
            purpose,
            recipient: Recipient {
                kind: RecipientKind::Bank,
                id: Some(Uuid::now_v7()),
                name: "吉林银行长春分行",
            },
            subject,
            consent_version: "2026-12",
        },
        Utc::now() - Duration::days(at_days_ago),
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn a_youth_lists_their_own_sharing_consents_newest_first_with_labels() {
    let app = spawn_app().await;
    let y = app.login_as_youth("borrower").await;
    let other = app.login_as_youth("someone").await;
    let (first, second) = (Uuid::now_v7(), Uuid::now_v7());
    give(&app, &y, ConsentPurpose::LoanCreditInquiry, loan(first), 3).await;
    give(&app, &y, ConsentPurpose::LoanBankSharing, loan(first), 2).await;
    give(&app, &y, ConsentPurpose::LoanBankSharing, loan(second), 1).await;
    give(
        &app,
        &other,
        ConsentPurpose::LoanBankSharing,
        loan(Uuid::now_v7()),
        1,
    )
    .await;

    // Withdrawing the first application ends both of its consents, once.
    assert_eq!(
        consents::withdraw(app.db(), loan(first), None, Utc::now())
            .await
            .unwrap(),
        2
    );
    assert_eq!(
        consents::withdraw(app.db(), loan(first), None, Utc::now())
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        consents::active_for(app.db(), loan(second))
            .await
            .unwrap()
            .len(),
        1
    );

    let list = json_of(
        app.get("/api/v1/me/sharing-consents", Some(&y.token)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(list["total"], 3, "only the caller's own");
    let items = list["items"].as_array().unwrap();
    assert_eq!(items[0]["subjectId"], second.to_string(), "newest first");
    assert_eq!(items[0]["purpose"], "loan_bank_sharing");
    assert_eq!(items[0]["purposeLabel"], "向合作银行提供贷款申请信息");
    assert_eq!(items[0]["recipientKind"], "bank");
    assert_eq!(items[0]["recipientKindLabel"], "合作银行");
    assert_eq!(items[0]["recipientName"], "吉林银行长春分行");
    assert_eq!(items[0]["active"], true);
    assert!(items[0]["withdrawnAt"].is_null());
    assert_eq!(items[2]["purposeLabel"], "授权合作银行查询个人征信");
    assert_eq!(items[2]["active"], false);
    assert!(items[2]["withdrawnAt"].is_string());

    let page = json_of(
        app.get(
            "/api/v1/me/sharing-consents?page=2&pageSize=2",
            Some(&y.token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(page["items"].as_array().unwrap().len(), 1);

    // Retention forgets the recipient and the record, not that consent was given.
    consents::anonymise(app.db(), loan(second)).await.unwrap();
    let after = json_of(
        app.get("/api/v1/me/sharing-consents", Some(&y.token)).await,
        StatusCode::OK,
    )
    .await;
    assert!(after["items"][0]["recipientName"].is_null());
    assert!(after["items"][0]["subjectId"].is_null());
    assert_eq!(after["items"][0]["purpose"], "loan_bank_sharing");

    assert_error(
        app.get("/api/v1/me/sharing-consents", None).await,
        StatusCode::UNAUTHORIZED,
        "UNAUTHENTICATED",
    )
    .await;
}
