//! Mentoring coverage (issue 10, point 7): startup leaders with a mentor and county league
//! organisations with a mentor, as numerator, denominator and permille per child unit.
use entity::talent_profiles;
use reqwest::StatusCode;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::*;
use crate::mentoring::{KUANCHENG, NANGUAN, NANGUAN_VILLAGE, certified_mentor};
use crate::mentorship_requests::{accept, asked};
use crate::youth_organisations::{created_org, org_body, verified_org};

const CHANGCHUN: &str = "220100";

async fn set_categories(app: &TestApp, who: &Login, categories: &str) {
    talent_profiles::Entity::update_many()
        .col_expr(talent_profiles::Column::Categories, Expr::value(categories))
        .filter(talent_profiles::Column::UserId.eq(who.user_id.parse::<Uuid>().unwrap()))
        .exec(app.db())
        .await
        .unwrap();
}

async fn stats(app: &TestApp, cadre: &Login, query: &str) -> Value {
    json_of(
        app.get(
            &format!("/api/v1/admin/mentoring/stats{query}"),
            Some(&cadre.token),
        )
        .await,
        StatusCode::OK,
    )
    .await
}

fn child<'a>(s: &'a Value, code: &str) -> &'a Value {
    s["children"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == code)
        .unwrap()
}

#[tokio::test]
async fn one_of_four_startup_leaders_with_a_long_term_mentor_is_a_coverage_of_250() {
    let app = spawn_app().await;
    let county = app.admin_of(NANGUAN).await;
    let city = app.admin_of(CHANGCHUN).await;
    let (mentor, mentor_id) = certified_mentor(&app, &county, "冯覆盖", NANGUAN, 5).await;
    let mut leaders = Vec::new();
    for (i, cats) in [
        r#"["wealth_leader"]"#,
        r#"["lead_goose","qualified_farmer"]"#,
        r#"["returning_entrepreneur"]"#,
        r#"["wealth_leader"]"#,
    ]
    .iter()
    .enumerate()
    {
        let y = app
            .youth_in(&format!("leader{i}"), NANGUAN_VILLAGE, true)
            .await;
        set_categories(&app, &y, cats).await;
        leaders.push(y);
    }
    let farmer = app.youth_in("farmer", NANGUAN_VILLAGE, true).await;
    set_categories(&app, &farmer, r#"["qualified_farmer"]"#).await;
    let unverified = app.youth_in("unverified", NANGUAN_VILLAGE, false).await;
    set_categories(&app, &unverified, r#"["wealth_leader"]"#).await;
    // One leader paired long-term; another only for a consultation (it does not cover).
    let r = asked(&app, &leaders[0], Some(&mentor_id), "long_term").await;
    json_of(accept(&app, &mentor, &r).await, StatusCode::OK).await;
    let c = asked(&app, &leaders[1], Some(&mentor_id), "consultation").await;
    json_of(accept(&app, &mentor, &c).await, StatusCode::OK).await;

    let s = stats(&app, &county, "").await;
    assert_eq!(s["area"]["code"], NANGUAN);
    assert_eq!(s["area"]["startupLeaders"], 4);
    assert_eq!(s["area"]["startupLeadersWithMentor"], 1);
    assert_eq!(s["area"]["startupLeaderCoveragePermille"], 250);
    assert_eq!(s["area"]["certifiedMentors"], 1);
    assert_eq!(s["area"]["activeLongTerm"], 1);
    assert_eq!(s["area"]["consultationsLast90Days"], 1);
    // The city sees the county as one of its children, with the same numbers.
    let s = stats(&app, &city, "").await;
    let nanguan = child(&s, NANGUAN);
    assert_eq!(nanguan["startupLeaders"], 4);
    assert_eq!(nanguan["startupLeaderCoveragePermille"], 250);
    assert_eq!(child(&s, KUANCHENG)["startupLeaders"], 0);
    assert_eq!(s["area"]["startupLeaders"], 4);
    let sum: u64 = s["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["startupLeaders"].as_u64().unwrap())
        .sum();
    assert_eq!(sum, 4, "the children add up to the area");
    // Outside the caller's unit: 403.
    assert_error(
        app.get(
            &format!("/api/v1/admin/mentoring/stats?region={KUANCHENG}"),
            Some(&county.token),
        )
        .await,
        StatusCode::FORBIDDEN,
        "OUTSIDE_REGION",
    )
    .await;
}

#[tokio::test]
async fn one_of_two_county_associations_with_a_mentor_is_500_and_dissolving_the_other_makes_1000() {
    let app = spawn_app().await;
    let county = app.admin_of(NANGUAN).await;
    let city = app.admin_of(CHANGCHUN).await;
    let (_, mentor_id) = certified_mentor(&app, &county, "褚协会", NANGUAN, 5).await;
    let with = created_org(
        &app,
        &county,
        &org_body("南关区青年创业协会", "county", NANGUAN),
    )
    .await;
    let without = created_org(
        &app,
        &county,
        &org_body("南关区青年创业联合会", "county", NANGUAN),
    )
    .await;
    // The creator may not verify; the city does.
    assert_error(
        app.post(
            &format!(
                "/api/v1/admin/youth-organisations/{}/verifications",
                with["id"].as_str().unwrap()
            ),
            Some(&county.token),
            &json!({"version": 1}),
        )
        .await,
        StatusCode::FORBIDDEN,
        "SAME_ACTOR_NOT_ALLOWED",
    )
    .await;
    let with = verified_org(&app, &city, &with).await;
    let without = verified_org(&app, &city, &without).await;
    // Not counted: unverified, not league-affiliated, a social organisation, township level.
    created_org(&app, &county, &org_body("未核验的协会", "county", NANGUAN)).await;
    let mut loose = org_body("非团属协会", "county", NANGUAN);
    loose["leagueAffiliated"] = json!(false);
    verified_org(&app, &city, &created_org(&app, &county, &loose).await).await;
    let mut social = org_body("青年志愿者协会", "county", NANGUAN);
    social["kind"] = json!("social_org");
    verified_org(&app, &city, &created_org(&app, &county, &social).await).await;
    json_of(
        app.post(
            &format!(
                "/api/v1/admin/youth-organisations/{}/mentor-assignments",
                with["id"].as_str().unwrap()
            ),
            Some(&county.token),
            &json!({"mentorId": mentor_id}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let s = stats(&app, &county, "").await;
    assert_eq!(s["area"]["countyLeagueOrgs"], 2);
    assert_eq!(s["area"]["countyLeagueOrgsWithMentor"], 1);
    assert_eq!(s["area"]["orgCoveragePermille"], 500);
    let s = stats(&app, &city, "").await;
    assert_eq!(child(&s, NANGUAN)["orgCoveragePermille"], 500);
    assert_eq!(s["area"]["countyLeagueOrgs"], 2);

    json_of(
        app.post(
            &format!(
                "/api/v1/admin/youth-organisations/{}/dissolutions",
                without["id"].as_str().unwrap()
            ),
            Some(&county.token),
            &json!({"reason": "协会已合并", "version": without["version"]}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let s = stats(&app, &county, &format!("?region={NANGUAN}")).await;
    assert_eq!(s["area"]["countyLeagueOrgs"], 1);
    assert_eq!(s["area"]["orgCoveragePermille"], 1000);
}

#[tokio::test]
async fn meihekou_counts_its_city_level_organisations_as_county_ones() {
    let app = spawn_app().await;
    let mhk = app.admin_of("220581").await;
    let province = app.admin_of("220000").await;
    let org = created_org(
        &app,
        &mhk,
        &org_body("梅河口市青年电商协会", "city", "220581"),
    )
    .await;
    verified_org(&app, &province, &org).await;
    let s = stats(&app, &province, "").await;
    assert_eq!(child(&s, "220581")["countyLeagueOrgs"], 1);
    assert_eq!(s["area"]["countyLeagueOrgs"], 1);
    assert_eq!(s["area"]["orgCoveragePermille"], 0);
}
