//! Staff to-do counts: per queue, in the caller's scope, with overdue items.
use chrono::{Duration, Utc};
use entity::{talent_profiles, volunteer_reports};
use jiqing::staff::dto::StaffRole;
use reqwest::StatusCode;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::*;
use crate::volunteer::approved_report;

const NANGUAN: &str = "220102001001";
const JILIN: &str = "220202001001";

async fn todos(app: &TestApp, who: &Login) -> Value {
    json_of(
        app.get("/api/v1/admin/todos", Some(&who.token)).await,
        StatusCode::OK,
    )
    .await
}

/// `[queue, count, overdue]` per item, in order (the loans' queues are tested in loans.rs, the
/// manual reports' in kpi_manual_reports.rs, the practice ones in practice_supervision.rs).
fn counts(list: &Value) -> Vec<(String, u64, u64)> {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| {
            let q = i["queue"].as_str().unwrap();
            !["loan_", "kpi_", "practice_", "pioneer_"]
                .iter()
                .any(|p| q.starts_with(p))
        })
        .map(|i| {
            (
                i["queue"].as_str().unwrap().to_owned(),
                i["count"].as_u64().unwrap(),
                i["overdue"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn expect(
    talents: (u64, u64),
    reports: (u64, u64),
    corrections: (u64, u64),
) -> Vec<(String, u64, u64)> {
    vec![
        ("talents_to_verify".into(), talents.0, talents.1),
        ("volunteer_reports_to_review".into(), reports.0, reports.1),
        (
            "volunteer_corrections_to_review".into(),
            corrections.0,
            corrections.1,
        ),
        ("mentors_to_certify".into(), 0, 0),
        ("mentorship_requests_to_assign".into(), 0, 0),
        ("mentoring_records_disputed".into(), 0, 0),
        ("youth_organisations_to_verify".into(), 0, 0),
        ("youth_homes_to_verify".into(), 0, 0),
        ("signature_projects_to_verify".into(), 0, 0),
        ("hope_rooms_to_accept".into(), 0, 0),
        ("recognitions_to_confirm".into(), 0, 0),
    ]
}

async fn report(app: &TestApp, who: &Login) -> Uuid {
    let r = json_of(
        app.post(
            "/api/v1/me/volunteer/reports",
            Some(&who.token),
            &json!({"category": "other", "content": "清扫村道", "place": "村委会",
                    "servedAt": (Utc::now() - Duration::days(1)).to_rfc3339(), "minutes": 60,
                    "description": "", "photos": []}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    r["id"].as_str().unwrap().parse().unwrap()
}

async fn waiting_since(app: &TestApp, who: &Login, days: i64) {
    talent_profiles::Entity::update_many()
        .col_expr(
            talent_profiles::Column::UpdatedAt,
            Expr::value(Utc::now() - Duration::days(days)),
        )
        .filter(talent_profiles::Column::UserId.eq(who.user_id.parse::<Uuid>().unwrap()))
        .exec(app.db())
        .await
        .unwrap();
}

async fn report_sent(app: &TestApp, id: Uuid, ago: Duration) {
    volunteer_reports::Entity::update_many()
        .col_expr(
            volunteer_reports::Column::CreatedAt,
            Expr::value(Utc::now() - ago),
        )
        .filter(volunteer_reports::Column::Id.eq(id))
        .exec(app.db())
        .await
        .unwrap();
}

#[tokio::test]
async fn cadres_count_their_own_scope_and_overdue_items() {
    let app = spawn_app().await;
    // Talents waiting: two in 南关区 (one for 8 days), one in 吉林市; a verified one waits for nothing.
    let old = app.youth_in("old-pending", NANGUAN, false).await;
    app.youth_in("new-pending", NANGUAN, false).await;
    app.youth_in("jilin-pending", JILIN, false).await;
    waiting_since(&app, &old, 8).await;
    // Reports waiting: two in 南关区 (one sent 7 days and a minute ago, one 6 days ago), one in 吉林市.
    let reporter = app.youth_in("reporter", NANGUAN, true).await;
    let late = report(&app, &reporter).await;
    let recent = report(&app, &reporter).await;
    report_sent(&app, late, Duration::days(7) + Duration::minutes(1)).await;
    report_sent(&app, recent, Duration::days(6)).await;
    let jilin_youth = app.youth_in("jilin-reporter", JILIN, true).await;
    report(&app, &jilin_youth).await;
    // A correction waiting in 南关区 (its approved report is no longer waiting).
    let nanguan = app.admin_of("220102").await;
    let corrected = app.youth_in("corrected", NANGUAN, true).await;
    let r = approved_report(
        &app,
        &corrected,
        &nanguan,
        Utc::now() - Duration::days(2),
        120,
    )
    .await;
    json_of(
        app.post(
            "/api/v1/me/volunteer/corrections",
            Some(&corrected.token),
            &json!({"entryId": r["entryId"], "minutes": 100, "reason": "实际少于申报"}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;

    assert_eq!(
        counts(&todos(&app, &nanguan).await),
        expect((2, 1), (2, 1), (1, 0))
    );
    let jilin = app.admin_of("220200").await;
    assert_eq!(
        counts(&todos(&app, &jilin).await),
        expect((1, 0), (1, 0), (0, 0))
    );
    let province = app.admin_of("220000").await;
    assert_eq!(
        counts(&todos(&app, &province).await),
        expect((3, 1), (3, 1), (1, 0))
    );
    let chaoyang = app.admin_of("220104").await;
    let empty = todos(&app, &chaoyang).await;
    assert_eq!(
        counts(&empty),
        expect((0, 0), (0, 0), (0, 0)),
        "zeros are listed"
    );
    assert_eq!(empty["items"][0]["label"], "待审核人才信息");
    assert_eq!(empty["items"][0]["link"], "/admin/talents?status=pending");

    // Deciding an item takes it off the queue.
    json_of(
        app.post(
            &format!("/api/v1/admin/volunteer/reports/{late}/reviews"),
            Some(&nanguan.token),
            &json!({"decision": "approve"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        counts(&todos(&app, &nanguan).await),
        expect((2, 1), (1, 0), (1, 0))
    );
}

#[tokio::test]
async fn the_due_time_is_a_setting() {
    let app = spawn_app_with(|s| s.review_due_days = 1).await;
    let y = app.youth_in("waiting", NANGUAN, false).await;
    waiting_since(&app, &y, 2).await;
    let cadre = app.admin_of("220102").await;
    assert_eq!(
        counts(&todos(&app, &cadre).await)[0],
        ("talents_to_verify".into(), 1, 1)
    );
}

#[tokio::test]
async fn bank_officers_see_only_bank_queues_and_others_none() {
    let app = spawn_app().await;
    app.youth_in("pending", NANGUAN, false).await;
    let bank = entity::banks::ActiveModel {
        id: Set(Uuid::now_v7()),
        name: Set("吉林银行".into()),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(app.db())
    .await
    .unwrap();
    app.create_staff("todo_officer", StaffRole::BankOfficer, None, Some(bank.id))
        .await;
    let officer = app.login_staff("todo_officer").await;
    // Only the bank's queues (loans), never the cadres'.
    let queues: Vec<String> = todos(&app, &officer).await["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["queue"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        queues,
        [
            "loan_referrals_to_accept",
            "loan_applications_to_decide",
            "loan_offers_to_disburse",
            "loan_products_to_confirm"
        ]
    );

    let youth = app.login_as_youth("curious").await;
    assert_error(
        app.get("/api/v1/admin/todos", Some(&youth.token)).await,
        StatusCode::FORBIDDEN,
        "ROLE_REQUIRED",
    )
    .await;
    assert_error(
        app.get("/api/v1/admin/todos", None).await,
        StatusCode::UNAUTHORIZED,
        "UNAUTHENTICATED",
    )
    .await;
}
