//! Mentoring coverage (issue 10, point 7): startup leaders with a mentor and county league
//! organisations with a mentor, as numerator, denominator and permille per child unit.
use entity::talent_profiles;
use reqwest::StatusCode;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::*;
use crate::kpi::{child as kpi_child, line, report};
use crate::mentoring::requests::{accept, asked};
use crate::mentoring::{KUANCHENG, NANGUAN, NANGUAN_VILLAGE, certified_mentor};
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
    // The KPI line counts the same: 1 of 4, 250‰, no longer `no_data`.
    let r = report(&app, &city, "indicators=startup_leader_mentor_coverage").await;
    let l = line(&r, "startup_leader_mentor_coverage");
    assert_eq!(
        (&l["numerator"], &l["denominator"]),
        (&json!(1), &json!(4)),
        "{l}"
    );
    assert_eq!(l["value"], 250);
    assert_ne!(l["status"], "no_data");
    let n = kpi_child(l, NANGUAN);
    assert_eq!(
        (&n["numerator"], &n["denominator"], &n["value"]),
        (&json!(1), &json!(4), &json!(250))
    );
    assert_eq!(
        kpi_child(l, KUANCHENG)["status"],
        "no_data",
        "no startup leaders there"
    );
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
    let r = report(&app, &city, "indicators=county_org_mentor_coverage").await;
    let l = line(&r, "county_org_mentor_coverage");
    assert_eq!(
        (&l["numerator"], &l["denominator"], &l["value"]),
        (&json!(1), &json!(2), &json!(500)),
        "{l}"
    );
    assert_eq!(kpi_child(l, NANGUAN)["value"], 500);

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
    let r = report(&app, &county, "indicators=county_org_mentor_coverage").await;
    let l = line(&r, "county_org_mentor_coverage");
    assert_eq!(
        (&l["numerator"], &l["denominator"], &l["value"]),
        (&json!(1), &json!(1), &json!(1000)),
        "{l}"
    );
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

#[tokio::test]
async fn leader_organisation_lines_count_the_units_holding_a_verified_wealth_leader_organisation() {
    let app = spawn_app().await;
    let province = app.admin_of("220000").await;
    let city = app.admin_of(CHANGCHUN).await;
    let county = app.admin_of(NANGUAN).await;
    let mhk = app.admin_of("220581").await;
    let leader_org = |name: &str, level: &str, unit: &str| {
        let mut b = org_body(name, level, unit);
        b["kind"] = json!("wealth_leader_org");
        b
    };
    let changchun = created_org(
        &app,
        &city,
        &leader_org("长春市农村青年致富带头人协会", "city", CHANGCHUN),
    )
    .await;
    verified_org(&app, &province, &changchun).await;
    let nanguan = created_org(
        &app,
        &county,
        &leader_org("南关区农村青年致富带头人协会", "county", NANGUAN),
    )
    .await;
    verified_org(&app, &city, &nanguan).await;
    // 梅河口 has no county units: its city-level organisation counts on both lines.
    let meihekou = created_org(
        &app,
        &mhk,
        &leader_org("梅河口市农村青年致富带头人协会", "city", "220581"),
    )
    .await;
    verified_org(&app, &province, &meihekou).await;
    // Not counted: unverified, or another kind.
    let other = app.admin_of(KUANCHENG).await;
    created_org(
        &app,
        &other,
        &leader_org("宽城区未核验协会", "county", KUANCHENG),
    )
    .await;
    verified_org(
        &app,
        &city,
        &created_org(
            &app,
            &other,
            &org_body("宽城区青年创业协会", "county", KUANCHENG),
        )
        .await,
    )
    .await;

    let r = report(
        &app,
        &province,
        "indicators=leader_org_city_coverage,leader_org_county_coverage",
    )
    .await;
    let l = line(&r, "leader_org_city_coverage");
    assert_eq!(
        (&l["numerator"], &l["denominator"], &l["value"]),
        (&json!(2), &json!(11), &json!(181)),
        "{l}"
    );
    assert_eq!(kpi_child(l, CHANGCHUN)["value"], 1000);
    assert_eq!(kpi_child(l, "220581")["value"], 1000);
    assert_eq!(kpi_child(l, "220200")["value"], 0);
    let l = line(&r, "leader_org_county_coverage");
    assert_eq!(
        (&l["numerator"], &l["denominator"]),
        (&json!(2), &json!(61)),
        "{l}"
    );
    assert_eq!(l["value"], 32);
    assert_eq!(kpi_child(l, "220581")["value"], 1000);
    let c = kpi_child(l, CHANGCHUN);
    assert_eq!(c["numerator"], 1);
    let r = report(&app, &city, "indicators=leader_org_county_coverage").await;
    let l = line(&r, "leader_org_county_coverage");
    assert_eq!(kpi_child(l, NANGUAN)["value"], 1000);
    assert_eq!(kpi_child(l, KUANCHENG)["value"], 0);
}
