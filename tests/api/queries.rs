//! No list runs one query per row: test builds report the SQL statements each request ran
//! (`x-test-sql-statements`), and every list must run as many for a hundred rows as for one.
use chrono::{Duration, Utc};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;
use crate::trainings::{VILLAGE, publish, sign_up, training_body};
use crate::volunteer::create_activity;

/// The statements `path` ran for `who`, after checking the page holds `rows` items (a range).
pub async fn statements(
    app: &TestApp,
    path: &str,
    who: &Login,
    rows: std::ops::RangeInclusive<usize>,
) -> u64 {
    let resp = app.get(path, Some(&who.token)).await;
    let count = resp
        .headers()
        .get(jiqing::test_hooks::STATEMENTS_HEADER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
        .expect("test builds report the statement count");
    let body = json_of(resp, StatusCode::OK).await;
    // A page (`items`), or a bare array for the short rosters.
    let items = body["items"]
        .as_array()
        .or(body.as_array())
        .expect("a list of items");
    assert!(rows.contains(&items.len()), "{path}: {} items", items.len());
    count
}

async fn first_id(app: &TestApp, list: &str, who: &Login) -> String {
    let page = json_of(app.get(list, Some(&who.token)).await, StatusCode::OK).await;
    page["items"][0]["id"].as_str().expect("an id").to_owned()
}

fn activity(i: i64) -> Value {
    let starts = Utc::now() + Duration::days(1) + Duration::minutes(i);
    json!({
        "category": "river_patrol", "title": format!("巡河护河{i}"), "description": "沿河捡拾垃圾",
        "place": "南关区伊通河南岭段", "regionCode": "220102",
        "startsAt": starts.to_rfc3339(), "endsAt": (starts + Duration::hours(2)).to_rfc3339(),
        "wanted": 200
    })
}

/// What one more row of every list takes: a training `youth` waits for (the first seat goes to
/// `filler`), an activity they join, a report approved and corrected, a staff account, a bank.
async fn one_more_of_each(
    app: &TestApp,
    i: i64,
    (cadre, province): (&Login, &Login),
    (youth, filler): (&Login, &Login),
) {
    let t = publish(app, cadre, &training_body("220102", 1)).await;
    let t = t["id"].as_str().unwrap();
    assert_eq!(sign_up(app, filler, t).await.status(), StatusCode::CREATED);
    let waiting = json_of(sign_up(app, youth, t).await, StatusCode::CREATED).await;
    assert_eq!(waiting["status"], "waiting");

    let a = create_activity(app, cadre, activity(i)).await;
    json_of(
        app.post(
            &format!(
                "/api/v1/volunteer/activities/{}/signups",
                a["id"].as_str().unwrap()
            ),
            Some(&youth.token),
            &json!({}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;

    let served = Utc::now() - Duration::hours(2 * i + 2);
    let r = crate::volunteer::approved_report(app, youth, cadre, served, 30).await;
    json_of(
        app.post(
            "/api/v1/me/volunteer/corrections",
            Some(&youth.token),
            &json!({"entryId": r["entryId"], "minutes": 45, "reason": "时长有误"}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;

    app.create_staff(
        &format!("staff_{i}"),
        jiqing::staff::dto::StaffRole::Cadre,
        Some("220102"),
        None,
    )
    .await;
    json_of(
        app.post(
            "/api/v1/admin/banks",
            Some(&province.token),
            &json!({"name": format!("测试银行{i}")}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
}

/// The county's and the province's cadres, a youth and the youth who takes the first seats, with
/// one row of every list.
async fn one_of_each(app: &TestApp) -> (Login, Login, Login, Login) {
    let cadre = app.admin_of("220102").await;
    let province = app.admin_of("220000").await;
    let youth = app.youth_in("counted", VILLAGE, true).await;
    let filler = app.youth_in("filler", VILLAGE, true).await;
    one_more_of_each(app, 0, (&cadre, &province), (&youth, &filler)).await;
    (cadre, province, youth, filler)
}

#[tokio::test]
async fn every_list_runs_as_many_statements_for_a_hundred_rows_as_for_one() {
    let app = spawn_app().await;
    let (cadre, province, youth, filler) = one_of_each(&app).await;
    let first_training = first_id(&app, "/api/v1/admin/trainings", &cadre).await;
    let first_activity = first_id(&app, "/api/v1/volunteer/activities", &youth).await;

    let lists: Vec<(String, &Login)> = vec![
        ("/api/v1/trainings".into(), &youth),
        ("/api/v1/me/enrollments".into(), &youth),
        ("/api/v1/me/notifications".into(), &youth),
        ("/api/v1/volunteer/activities".into(), &youth),
        ("/api/v1/me/volunteer/signups".into(), &youth),
        ("/api/v1/me/volunteer/reports".into(), &youth),
        ("/api/v1/admin/trainings".into(), &cadre),
        (
            format!("/api/v1/admin/trainings/{first_training}/participants"),
            &cadre,
        ),
        (
            format!("/api/v1/admin/volunteer/activities/{first_activity}/signups"),
            &cadre,
        ),
        (
            "/api/v1/admin/volunteer/reports?status=approved".into(),
            &cadre,
        ),
        ("/api/v1/admin/volunteer/corrections".into(), &cadre),
        ("/api/v1/admin/talents".into(), &cadre),
        ("/api/v1/admin/staff".into(), &province),
        ("/api/v1/admin/banks".into(), &province),
    ];
    let page = |p: &str| format!("{p}{}pageSize=100", if p.contains('?') { '&' } else { '?' });
    let mut few = Vec::new();
    // One of each (a few where a list also shows the people who made them).
    for (path, who) in &lists {
        few.push(statements(&app, &page(path), who, 1..=3).await);
    }

    for i in 1..100 {
        one_more_of_each(&app, i, (&cadre, &province), (&youth, &filler)).await;
    }
    // The rosters and the talent pool grow by other youths.
    for i in 0..99 {
        let other = app.youth_in(&format!("other{i}"), VILLAGE, true).await;
        assert_eq!(
            sign_up(&app, &other, &first_training).await.status(),
            StatusCode::CREATED
        );
        json_of(
            app.post(
                &format!("/api/v1/volunteer/activities/{first_activity}/signups"),
                Some(&other.token),
                &json!({}),
            )
            .await,
            StatusCode::CREATED,
        )
        .await;
    }

    let mut differ = Vec::new();
    for ((path, who), few) in lists.iter().zip(few) {
        let many = statements(&app, &page(path), who, 100..=100).await;
        println!("{path}: {few} statements for one row, {many} for a hundred");
        if many != few {
            differ.push(format!("{path}: {few} → {many}"));
        }
    }
    assert!(
        differ.is_empty(),
        "lists whose statements grow with their rows: {differ:?}"
    );
}

/// The lists a youth opens first.
const FIRST_LISTS: [&str; 4] = [
    "/api/v1/trainings",
    "/api/v1/volunteer/activities",
    "/api/v1/me/enrollments",
    "/api/v1/me/notifications",
];

/// The lists a youth opens first run one statement each when they have rows, as `/me` does: the
/// session is checked inside the page's statement (`InlineSession`), the caller's home region
/// and the count too, and the organising units' names of activities come from the league tree
/// each instance holds. An empty page runs the session look-up after it (for its exact answer).
#[tokio::test]
async fn the_first_lists_a_youth_opens_run_one_statement_with_rows() {
    let app = spawn_app().await;
    let (_, _, youth, _) = one_of_each(&app).await;
    let activities = json_of(
        app.get("/api/v1/volunteer/activities", Some(&youth.token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(activities["items"][0]["openToAll"], json!(false));
    assert!(
        activities["items"][0]["eligibility"]
            .as_str()
            .is_some_and(|e| e.contains("共青团")),
        "the organising unit is named: {}",
        activities["items"][0]
    );
    for path in FIRST_LISTS {
        assert_eq!(statements(&app, path, &youth, 1..=3).await, 1, "{path}");
    }
    let newcomer = app.youth_in("newcomer", VILLAGE, true).await;
    assert_eq!(
        statements(&app, "/api/v1/me/enrollments", &newcomer, 0..=0).await,
        2
    );
}

/// The first lists refuse an ended session and a disabled account exactly as `/me` does, with
/// rows to show or without, and before a parameter error, as the session look-up they no longer
/// run first did.
#[tokio::test]
async fn the_first_lists_refuse_an_ended_session_and_a_disabled_account() {
    use entity::users;
    use sea_orm::sea_query::Expr;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let app = spawn_app().await;
    let (_, _, youth, _) = one_of_each(&app).await;
    let disable = |on: bool| {
        users::Entity::update_many()
            .col_expr(users::Column::Disabled, Expr::value(on))
            .filter(users::Column::Id.eq(uuid::Uuid::parse_str(&youth.user_id).unwrap()))
            .exec(app.db())
    };
    // Rows, a page past the end, a page size out of range (422 for a live session).
    let suffixes = ["", "?page=99", "?pageSize=1000"];
    let token = Some(youth.token.as_str());
    let invalid = StatusCode::UNPROCESSABLE_ENTITY;
    every_first_list_answers(
        &app,
        token,
        &["?pageSize=1000"],
        invalid,
        "VALIDATION_FAILED",
    )
    .await;

    disable(true).await.unwrap();
    every_first_list_answers(
        &app,
        token,
        &suffixes,
        StatusCode::FORBIDDEN,
        "ACCOUNT_DISABLED",
    )
    .await;
    disable(false).await.unwrap();
    for path in FIRST_LISTS {
        let page = json_of(app.get(path, token).await, StatusCode::OK).await;
        assert!(!page["items"].as_array().unwrap().is_empty(), "{path}");
    }

    let resp = app
        .request(reqwest::Method::POST, "/api/v1/auth/logout", token, None)
        .await;
    assert_eq!(resp.status(), StatusCode::NO_CONTENT);
    let refused = StatusCode::UNAUTHORIZED;
    every_first_list_answers(&app, token, &suffixes, refused, "SESSION_ENDED").await;
    every_first_list_answers(&app, Some("not-a-token"), &[""], refused, "INVALID_TOKEN").await;
    every_first_list_answers(&app, None, &[""], refused, "UNAUTHENTICATED").await;
}

/// Each of [`FIRST_LISTS`] with each query `suffix` answers `status` with error `code`.
async fn every_first_list_answers(
    app: &TestApp,
    token: Option<&str>,
    suffixes: &[&str],
    status: StatusCode,
    code: &str,
) {
    for path in FIRST_LISTS {
        for suffix in suffixes {
            assert_error(
                app.get(&format!("{path}{suffix}"), token).await,
                status,
                code,
            )
            .await;
        }
    }
}

/// Database sessions ask PostgreSQL for `JIQING_DB_WORK_MEM` (default 32 MB, so that the KPI
/// report's aggregate over the volunteer ledger stays in memory); SQLite has no such setting.
#[tokio::test]
async fn postgres_sessions_use_the_configured_work_mem() {
    use sea_orm::{ConnectionTrait, DatabaseBackend, Statement};
    let app = spawn_app().await;
    if app.db().get_database_backend() != DatabaseBackend::Postgres {
        return;
    }
    let show = |app: &TestApp| {
        let db = app.db().clone();
        async move {
            db.query_one_raw(Statement::from_string(
                DatabaseBackend::Postgres,
                "SELECT current_setting('work_mem') AS v",
            ))
            .await
            .unwrap()
            .unwrap()
            .try_get::<String>("", "v")
            .unwrap()
        }
    };
    assert_eq!(show(&app).await, "32MB");
    let other = spawn_app_with(|s| s.db_work_mem = Some("8MB".into())).await;
    assert_eq!(show(&other).await, "8MB");
}

#[tokio::test]
async fn the_kpi_reports_widest_counts_have_covering_indexes_on_postgres() {
    // The cold province report reads every talent, loan paid out and 返家乡 placement of the
    // year; these indexes hold every column those statements of `kpi::sources` need, so
    // PostgreSQL answers them by an Index Only Scan instead of reading the wide rows (migration
    // 000760; the plans and the time saved are in BENCHMARKS.md, `bench/kpi.sh`). An index
    // dropped or stripped of a column fails here before it slows the report.
    use sea_orm::{ConnectionTrait, DatabaseBackend, Statement};
    let app = spawn_app().await;
    if app.db().get_database_backend() != DatabaseBackend::Postgres {
        return;
    }
    let expected = [
        (
            "idx_talent_status_region_cover",
            "ON public.talent_profiles USING btree (status, home_region_code) INCLUDE (categories, user_id, id)",
        ),
        (
            "idx_talent_region_id",
            "ON public.talent_profiles USING btree (home_region_code) INCLUDE (id)",
        ),
        (
            "idx_loan_applications_disbursed",
            "ON public.loan_applications USING btree (disbursed_on) INCLUDE (region_code, purpose) \
             WHERE (disbursed_on IS NOT NULL)",
        ),
        (
            "idx_practice_applications_confirmed",
            "ON public.practice_applications USING btree (confirmed_at) INCLUDE (region_code, \
             position_id) WHERE (confirmed_at IS NOT NULL)",
        ),
    ];
    for (name, definition) in expected {
        let row = app
            .db()
            .query_one_raw(Statement::from_sql_and_values(
                DatabaseBackend::Postgres,
                "SELECT pg_get_indexdef(c.oid) AS d FROM pg_class c JOIN pg_index i \
                 ON i.indexrelid = c.oid WHERE c.relname = $1 AND i.indisvalid",
                [name.into()],
            ))
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("{name} is missing"));
        let found: String = row.try_get("", "d").unwrap();
        assert_eq!(found, format!("CREATE INDEX {name} {definition}"));
    }
}
