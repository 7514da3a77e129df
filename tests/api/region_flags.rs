//! Region flags (`supervision.md` §3): the province marks places, every report's `flag=` keeps
//! the children inside them; other cadres only list the flags inside their unit.
use entity::regions;
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde_json::{Value, json};

use crate::helpers::{Login, TestApp, assert_error, json_of, spawn_app};
use crate::kpi::{line, report};

async fn set(app: &TestApp, who: &Login, code: &str, flags: Value) -> reqwest::Response {
    app.put(
        &format!("/api/v1/admin/region-flags/{code}"),
        Some(&who.token),
        &json!({ "flags": flags }),
    )
    .await
}

fn child_codes(report: &Value) -> Vec<String> {
    let mut codes: Vec<String> = line(report, "youth_home_township_coverage")["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["region"]["code"].as_str().unwrap().to_owned())
        .collect();
    codes.sort();
    codes
}

#[tokio::test]
async fn the_province_flags_places_and_the_reports_keep_the_children_inside_them() {
    let app = spawn_app().await;
    let province = app.admin_of("220000").await;
    // 蛟河市 and 桦甸市 (吉林市) are marked; 舒兰市 is not.
    let set_jiaohe = json_of(
        set(
            &app,
            &province,
            "220281",
            json!(["key_support_county", "poverty_exit_county"]),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(set_jiaohe["regionName"], "蛟河市");
    assert_eq!(
        set_jiaohe["flags"],
        json!([{"flag": "key_support_county", "label": "乡村振兴重点帮扶县"},
               {"flag": "poverty_exit_county", "label": "脱贫县"}])
    );
    json_of(
        set(&app, &province, "220282", json!(["poverty_exit_county"])).await,
        StatusCode::OK,
    )
    .await;
    // A township under 舒兰市 is a 示范点: it makes 舒兰市 a child of that filter only.
    let township: String = regions::Entity::find()
        .select_only()
        .column(regions::Column::Code)
        .filter(regions::Column::Level.eq("township"))
        .filter(regions::Column::Parent.eq("220283"))
        .order_by_asc(regions::Column::Code)
        .into_tuple()
        .one(app.db())
        .await
        .unwrap()
        .unwrap();
    json_of(
        set(&app, &province, &township, json!(["demonstration_site"])).await,
        StatusCode::OK,
    )
    .await;

    let city = app.admin_of("220200").await;
    let all = report(&app, &city, "").await;
    assert!(child_codes(&all).len() > 3, "{}", child_codes(&all).len());
    assert_eq!(
        child_codes(&report(&app, &city, "flag=key_support_county").await),
        vec!["220281"]
    );
    assert_eq!(
        child_codes(&report(&app, &city, "flag=poverty_exit_county").await),
        vec!["220281", "220282"]
    );
    assert_eq!(
        child_codes(&report(&app, &city, "flag=demonstration_site").await),
        vec!["220283"]
    );

    // Setting is exact: the list sent replaces the place's flags.
    json_of(
        set(&app, &province, "220281", json!(["poverty_exit_county"])).await,
        StatusCode::OK,
    )
    .await;
    assert!(child_codes(&report(&app, &city, "flag=key_support_county").await).is_empty());

    // Each cadre lists the flagged places of their own unit only.
    let listed = json_of(
        app.get("/api/v1/admin/region-flags", Some(&city.token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(listed["total"], 3, "{listed}");
    let jiaohe = app.admin_of("220281").await;
    let own = json_of(
        app.get("/api/v1/admin/region-flags", Some(&jiaohe.token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(own["total"], 1, "{own}");
    assert_eq!(own["items"][0]["regionCode"], "220281");
    let by_flag = json_of(
        app.get(
            "/api/v1/admin/region-flags?flag=demonstration_site",
            Some(&province.token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(by_flag["items"][0]["regionCode"], township.as_str());
    assert_error(
        app.get(
            "/api/v1/admin/region-flags?region=220100",
            Some(&jiaohe.token),
        )
        .await,
        StatusCode::FORBIDDEN,
        "OUTSIDE_REGION",
    )
    .await;

    // Clearing.
    let cleared = app
        .delete("/api/v1/admin/region-flags/220282", Some(&province.token))
        .await;
    assert_eq!(cleared.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        child_codes(&report(&app, &city, "flag=poverty_exit_county").await),
        vec!["220281"]
    );
}

#[tokio::test]
async fn only_province_cadres_flag_and_only_places_that_can_carry_the_flag() {
    let app = spawn_app().await;
    let province = app.admin_of("220000").await;
    let city = app.admin_of("220200").await;
    // A city cadre may not set or clear flags, not even inside their unit; nothing is written.
    assert_error(
        set(&app, &city, "220281", json!(["demonstration_site"])).await,
        StatusCode::FORBIDDEN,
        "ROLE_REQUIRED",
    )
    .await;
    assert_error(
        app.delete("/api/v1/admin/region-flags/220281", Some(&city.token))
            .await,
        StatusCode::FORBIDDEN,
        "ROLE_REQUIRED",
    )
    .await;
    let listed = json_of(
        app.get("/api/v1/admin/region-flags", Some(&province.token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(listed["total"], 0);
    // Unknown places, province or city codes, county flags below a county, unknown flags.
    for (code, flags, field, code_expected) in [
        (
            "229999",
            json!(["demonstration_site"]),
            "code",
            "UNKNOWN_REGION",
        ),
        ("220200", json!(["demonstration_site"]), "code", "LEVEL"),
        ("220000", json!([]), "code", "LEVEL"),
        ("220281001", json!(["key_support_county"]), "flags", "LEVEL"),
    ] {
        let body = json_of(
            set(&app, &province, code, flags).await,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
        assert_eq!(body["error"]["fields"][0]["field"], field, "{code}: {body}");
        assert_eq!(
            body["error"]["fields"][0]["code"], code_expected,
            "{code}: {body}"
        );
    }
    let resp = set(&app, &province, "220281", json!(["no_such_flag"])).await;
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let listed = json_of(
        app.get("/api/v1/admin/region-flags", Some(&province.token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(listed["total"], 0, "refusals wrote nothing: {listed}");
}
