//! League units (supervision.md §1): the public tree, the scope guard by unit, staff creation by
//! unit, and roll-ups by unit with the KPI village scope (§2).
use entity::regions;
use jiqing::kpi_scope::{TownshipScope, VillageScope};
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
use serde_json::{Value, json};

use crate::helpers::*;
use crate::talents::register;

/// 东参村, a village of 长白山保护开发区池西区 (under 抚松县).
const DONGSHEN: &str = "220621120300";
/// A 社区 of 抚松镇 (抚松县, not 长白山).
const FUSONG_TOWN: &str = "220621100001";
/// A 社区 of 梅河口市 (a county code under 通化市).
const MEIHEKOU: &str = "220581001001";

async fn review(app: &TestApp, token: &str, view: &Value) -> reqwest::Response {
    app.post(
        &format!(
            "/api/v1/admin/talents/{}/reviews",
            view["id"].as_str().unwrap()
        ),
        Some(token),
        &json!({"decision": "approve", "reason": "资料属实，予以认定", "version": view["version"]}),
    )
    .await
}

#[tokio::test]
async fn the_tree_of_league_units_is_public_with_chinese_names() {
    let app = spawn_app().await;
    let top = json_of(
        app.get("/api/v1/league-units/220000/children", None).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(top["total"], 11);
    let codes: Vec<&str> = top["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        [
            "220100", "220200", "220300", "220400", "220500", "220600", "220700", "220800",
            "222400", "CBS", "220581"
        ]
    );
    let cbs = json_of(
        app.get("/api/v1/league-units/CBS", None).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(cbs["shortName"], "长白山保护开发区团委");
    assert_eq!(cbs["level"], "city");
    assert_eq!(cbs["parentCode"], "220000");
    assert_eq!(
        cbs["regionCodes"],
        json!(["220621120", "220621121", "222426120"])
    );
    let meihekou = json_of(
        app.get("/api/v1/league-units/220581", None).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(meihekou["name"], "共青团梅河口市委员会");
    assert_eq!(meihekou["level"], "city");
    let tonghua = json_of(
        app.get("/api/v1/league-units/220500/children", None).await,
        StatusCode::OK,
    )
    .await;
    assert!(
        tonghua["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|u| u["code"] != "220581" && u["level"] == "county")
    );
    let counties = json_of(
        app.get("/api/v1/league-units?level=county&pageSize=100", None)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(counties["total"], 68);
    assert_eq!(counties["items"].as_array().unwrap().len(), 68);
    let all = json_of(
        app.get("/api/v1/league-units?page=4&pageSize=20", None)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(all["total"], 1 + 11 + 68);
    assert_eq!(all["items"].as_array().unwrap().len(), 20);
    let err = assert_error(
        app.get("/api/v1/league-units?level=town", None).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    assert_eq!(err["error"]["fields"][0]["field"], "level");
    assert_eq!(err["error"]["fields"][0]["code"], "INVALID_QUERY");
    assert_error(
        app.get("/api/v1/league-units/220621120", None).await,
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
    )
    .await;
    assert_error(
        app.get("/api/v1/league-units/XYZ/children", None).await,
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
    )
    .await;
}

/// supervision.md §1 check 1.
#[tokio::test]
async fn a_changbaishan_cadre_reviews_its_own_townships_and_nothing_else_of_the_counties() {
    let app = spawn_app().await;
    let cbs = app.admin_of("CBS").await;
    let me = json_of(
        app.get("/api/v1/me", Some(&cbs.token)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(me["cadre"]["unitCode"], "CBS");
    assert_eq!(me["cadre"]["regionCode"], Value::Null);
    let (_, inside) = register(&app, "dongshen", "东参", 31, DONGSHEN).await;
    let (_, outside) = register(&app, "fusong", "抚松", 33, FUSONG_TOWN).await;
    json_of(review(&app, &cbs.token, &inside).await, StatusCode::OK).await;
    assert_error(
        app.get(
            &format!("/api/v1/admin/talents/{}", outside["id"].as_str().unwrap()),
            Some(&cbs.token),
        )
        .await,
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
    )
    .await;
    assert_error(
        app.get("/api/v1/admin/talents?region=220621", Some(&cbs.token))
            .await,
        StatusCode::FORBIDDEN,
        "OUTSIDE_REGION",
    )
    .await;
    let list = json_of(
        app.get("/api/v1/admin/talents", Some(&cbs.token)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["id"], inside["id"]);
    // 抚松县's cadre no longer sees 长白山's township; 白山's neither.
    for unit in ["220621", "220600"] {
        let cadre = app.admin_of(unit).await;
        assert_error(
            app.get(
                &format!("/api/v1/admin/talents/{}", inside["id"].as_str().unwrap()),
                Some(&cadre.token),
            )
            .await,
            StatusCode::NOT_FOUND,
            "NOT_FOUND",
        )
        .await;
        let list = json_of(
            app.get("/api/v1/admin/talents", Some(&cadre.token)).await,
            StatusCode::OK,
        )
        .await;
        assert_eq!(list["total"], 1, "{unit} sees 抚松镇 only");
        assert_eq!(list["items"][0]["id"], outside["id"]);
    }
}

/// supervision.md §1 check 2.
#[tokio::test]
async fn meihekou_is_its_own_unit_and_tonghua_no_longer_sees_it() {
    let app = spawn_app().await;
    let (_, talent) = register(&app, "meihekou", "梅河", 35, MEIHEKOU).await;
    let id = talent["id"].as_str().unwrap();
    let tonghua = app.admin_of("220500").await;
    assert_error(
        app.get(&format!("/api/v1/admin/talents/{id}"), Some(&tonghua.token))
            .await,
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
    )
    .await;
    assert_error(
        app.get("/api/v1/admin/talents?region=220581", Some(&tonghua.token))
            .await,
        StatusCode::FORBIDDEN,
        "OUTSIDE_REGION",
    )
    .await;
    let meihekou = app.admin_of("220581").await;
    let me = json_of(
        app.get("/api/v1/me", Some(&meihekou.token)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(me["cadre"]["level"], "city");
    json_of(
        app.get(
            &format!("/api/v1/admin/talents/{id}"),
            Some(&meihekou.token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    json_of(review(&app, &meihekou.token, &talent).await, StatusCode::OK).await;
}

/// supervision.md §1 check 3, and §2: coverage counts village committees by default.
#[tokio::test]
async fn the_province_stats_list_the_11_units_whose_sums_equal_the_province_line() {
    let app = spawn_app().await;
    for (i, (region, n)) in [
        (DONGSHEN, 2),
        (MEIHEKOU, 1),
        ("220502001001", 1),
        (FUSONG_TOWN, 1),
        ("220102001001", 1),
    ]
    .into_iter()
    .enumerate()
    {
        for j in 0..n {
            app.youth_in(&format!("t{i}x{j}"), region, true).await;
        }
    }
    let province = app.admin_of("220000").await;
    let stats = json_of(
        app.get("/api/v1/admin/talents/stats", Some(&province.token))
            .await,
        StatusCode::OK,
    )
    .await;
    let children = stats["children"].as_array().unwrap();
    let codes: Vec<&str> = children
        .iter()
        .map(|c| c["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes.len(), 11);
    assert!(codes.contains(&"220581") && codes.contains(&"CBS"));
    let line = &stats["region"];
    assert_eq!(line["verifiedTalents"], 6);
    for field in ["verifiedTalents", "villages", "villagesWithTalent"] {
        let sum: u64 = children.iter().map(|c| c[field].as_u64().unwrap()).sum();
        assert_eq!(line[field].as_u64().unwrap(), sum, "{field}");
    }
    let of = |code: &str| children.iter().find(|c| c["code"] == code).unwrap();
    assert_eq!(of("CBS")["verifiedTalents"], 2);
    assert_eq!(of("220581")["verifiedTalents"], 1);
    assert_eq!(of("220500")["verifiedTalents"], 1, "通化 without 梅河口");
    assert_eq!(of("220600")["verifiedTalents"], 1, "白山 without 长白山");
    // Rural only by default: 9,321 village committees; a talent in a 社区 counts as a talent,
    // not in coverage (东参村 is a 村委会, the others are 社区).
    assert_eq!(line["villages"], 9_321);
    assert_eq!(line["villagesWithTalent"], 1);
    assert_eq!(
        stats["scopes"],
        json!({"township": "rural", "village": "village_committees", "county": "gb2260"})
    );
    // 长白山's children are its three areas; a unit code means the unit.
    let cbs = json_of(
        app.get(
            "/api/v1/admin/talents/stats?region=CBS",
            Some(&province.token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let areas: Vec<&str> = cbs["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["code"].as_str().unwrap())
        .collect();
    assert_eq!(areas, ["220621120", "220621121", "222426120"]);
    assert_eq!(cbs["region"]["verifiedTalents"], 2);
    // Training stats roll up the same way.
    let trainings = json_of(
        app.get("/api/v1/admin/trainings/stats", Some(&province.token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(trainings["regionCode"], "220000");
    // A city cadre asking for another unit: 403.
    let baishan = app.admin_of("220600").await;
    for path in [
        "/api/v1/admin/talents/stats?region=CBS",
        "/api/v1/admin/trainings/stats?region=CBS",
    ] {
        assert_error(
            app.get(path, Some(&baishan.token)).await,
            StatusCode::FORBIDDEN,
            "OUTSIDE_REGION",
        )
        .await;
    }
}

#[tokio::test]
async fn coverage_follows_the_configured_village_scope() {
    let app = spawn_app_with(|s| s.kpi_scopes.village = VillageScope::All).await;
    let province = app.admin_of("220000").await;
    let stats = json_of(
        app.get("/api/v1/admin/talents/stats", Some(&province.token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(stats["region"]["villages"], 11_860);
    assert_eq!(stats["scopes"]["village"], "all");
}

/// supervision.md §2's counts, on the region tree the migration loaded (both backends).
#[tokio::test]
async fn the_seeded_tree_has_613_rural_townships_and_9321_village_committees() {
    let app = spawn_app().await;
    let codes = |level: &'static str| {
        regions::Entity::find()
            .select_only()
            .column(regions::Column::Code)
            .filter(regions::Column::Level.eq(level))
            .into_tuple::<String>()
            .all(app.db())
    };
    let townships = codes("township").await.unwrap();
    let villages = codes("village").await.unwrap();
    let count =
        |codes: &[String], f: &dyn Fn(&str) -> bool| codes.iter().filter(|c| f(c.as_str())).count();
    assert_eq!(count(&townships, &|c| TownshipScope::Rural.counts(c)), 613);
    assert_eq!(
        count(&villages, &|c| VillageScope::VillageCommittees.counts(c)),
        9_321
    );
    assert_eq!(count(&townships, &|c| TownshipScope::All.counts(c)), 1_075);
    assert_eq!(count(&villages, &|c| VillageScope::All.counts(c)), 11_860);
}

/// supervision.md §1 check 4, and the older `regionCode` form.
#[tokio::test]
async fn a_baishan_cadre_creates_cadres_for_its_counties_but_not_for_changbaishan() {
    let app = spawn_app().await;
    let baishan = app.admin_of("220600").await;
    let body = |username: &str, unit: &str| {
        json!({"username": username, "password": STAFF_PASSWORD, "displayName": "抚松县团委",
               "role": "cadre", "leagueUnitCode": unit})
    };
    let created = json_of(
        app.post(
            "/api/v1/admin/staff",
            Some(&baishan.token),
            &body("fusong_admin", "220621"),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(created["leagueUnitCode"], "220621");
    assert_eq!(created["cadreLevel"], "county");
    assert_error(
        app.post(
            "/api/v1/admin/staff",
            Some(&baishan.token),
            &body("cbs_admin", "CBS"),
        )
        .await,
        StatusCode::FORBIDDEN,
        "OUTSIDE_REGION",
    )
    .await;
    let err = assert_error(
        app.post(
            "/api/v1/admin/staff",
            Some(&baishan.token),
            &body("nowhere_admin", "XYZ"),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    assert_eq!(err["error"]["fields"][0]["code"], "UNKNOWN_UNIT");
    // The region form still works when the code names a unit.
    let older = json_of(
        app.post(
            "/api/v1/admin/staff",
            Some(&baishan.token),
            &json!({"username": "jingyu_admin", "password": STAFF_PASSWORD,
                    "displayName": "靖宇县团委", "role": "cadre", "regionCode": "220622"}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(older["leagueUnitCode"], "220622");
    // The province creates the 长白山 cadre, who logs in and acts for the unit.
    let province = app.admin_of("220000").await;
    json_of(
        app.post(
            "/api/v1/admin/staff",
            Some(&province.token),
            &body("cbs_admin", "CBS"),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let cbs = app.login_staff("cbs_admin").await;
    let me = json_of(
        app.get("/api/v1/me", Some(&cbs.token)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(me["cadre"]["unitShortName"], "长白山保护开发区团委");
    // 白山 lists its own cadres and 抚松县's, not 长白山's.
    let staff = json_of(
        app.get("/api/v1/admin/staff", Some(&baishan.token)).await,
        StatusCode::OK,
    )
    .await;
    let units: Vec<&str> = staff["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["leagueUnitCode"].as_str().unwrap())
        .collect();
    assert!(
        units.contains(&"220621") && !units.contains(&"CBS"),
        "{units:?}"
    );
}
