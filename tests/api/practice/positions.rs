//! 返家乡 positions: local-unit cadres create, edit, publish, close and cancel them; students see
//! those of their home county and the city-wide ones of their top-level unit.
use chrono::{Duration, NaiveDate};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;
use crate::practice::{
    KUANCHENG, MEIHEKOU_VILLAGE, NANGUAN, NANGUAN_VILLAGE, campaign_body, create_campaign,
    create_host, student_in,
};

pub const KUANCHENG_VILLAGE: &str = "220103002001";
pub const DONGCHANG: &str = "220502";
pub const DONGCHANG_VILLAGE: &str = "220502001001";
pub const MEIHEKOU: &str = "220581";

/// A province campaign, opened (practice starts in 10 days, for 21 days).
pub async fn open_campaign(app: &TestApp, province: &Login, body: &Value) -> Value {
    let c = create_campaign(app, province, body).await;
    json_of(
        app.post(
            &format!(
                "/api/v1/admin/practice/campaigns/{}/openings",
                c["id"].as_str().unwrap()
            ),
            Some(&province.token),
            &json!({}),
        )
        .await,
        StatusCode::OK,
    )
    .await
}

pub fn date_of(v: &Value) -> NaiveDate {
    v.as_str().unwrap().parse().unwrap()
}

/// A valid position for a campaign (its whole practice period) at `host`, in `region`.
pub fn position_body(campaign: &Value, host: &str, region: &str) -> Value {
    json!({
        "campaignId": campaign["id"], "hostUnitId": host, "regionCode": region,
        "title": "乡土调查助理", "description": "走访农户，整理村史资料。",
        "category": "field_survey", "majors": ["社会学"], "degreeLevels": ["bachelor"],
        "slots": 2, "startsOn": campaign["practiceStartsOn"], "endsOn": campaign["practiceEndsOn"],
        "dailyHours": 6, "mode": "onsite", "openToCity": false, "allowanceFenPerDay": 3000,
        "insuranceByHost": false
    })
}

pub async fn create_position(app: &TestApp, cadre: &Login, body: &Value) -> Value {
    json_of(
        app.post("/api/v1/admin/practice/positions", Some(&cadre.token), body)
            .await,
        StatusCode::CREATED,
    )
    .await
}

pub async fn publish(app: &TestApp, cadre: &Login, id: &str) -> Value {
    json_of(
        app.post(
            &format!("/api/v1/admin/practice/positions/{id}/publications"),
            Some(&cadre.token),
            &json!({}),
        )
        .await,
        StatusCode::OK,
    )
    .await
}

/// A published position made from `body`: its id.
pub async fn published(app: &TestApp, cadre: &Login, body: &Value) -> String {
    let p = create_position(app, cadre, body).await;
    let id = p["id"].as_str().unwrap().to_owned();
    publish(app, cadre, &id).await;
    id
}

fn ids(page: &Value) -> Vec<String> {
    let mut v: Vec<String> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_owned())
        .collect();
    v.sort();
    v
}

fn sorted(mut v: Vec<&str>) -> Vec<String> {
    v.sort();
    v.into_iter().map(str::to_owned).collect()
}

async fn student_list(app: &TestApp, who: &Login, query: &str) -> Value {
    json_of(
        app.get(
            &format!("/api/v1/practice/positions{query}"),
            Some(&who.token),
        )
        .await,
        StatusCode::OK,
    )
    .await
}

#[tokio::test]
async fn a_local_unit_cadre_creates_edits_publishes_closes_and_cancels_a_position() {
    let app = spawn_app().await;
    let province = app.admin_of("220000").await;
    let nanguan = app.admin_of(NANGUAN).await;
    let campaign = open_campaign(&app, &province, &campaign_body()).await;
    let host = create_host(&app, &nanguan, "220102001").await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let body = position_body(&campaign, &host, NANGUAN_VILLAGE);
    let p = create_position(&app, &nanguan, &body).await;
    let id = p["id"].as_str().unwrap().to_owned();
    assert_eq!(p["status"], "draft");
    assert_eq!(p["categoryLabel"], "乡土调查");
    assert_eq!(p["modeLabel"], "线下");
    assert_eq!(p["hostName"], "南关区南岭街道办事处");
    assert_eq!(
        (p["slots"].clone(), p["slotsLeft"].clone()),
        (json!(2), json!(2))
    );
    assert_eq!(p["allowanceFenPerDay"], 3000);
    assert_eq!(p["majors"], json!(["社会学"]));
    // Edit while draft: the programme's 法治宣传, online, city-wide, 50 seats.
    let mut edit = body.clone();
    edit["category"] = json!("legal_publicity");
    edit["mode"] = json!("online");
    edit["openToCity"] = json!(true);
    edit["slots"] = json!(50);
    edit["insuranceByHost"] = json!(true);
    edit["version"] = json!(1);
    let p = json_of(
        app.put(
            &format!("/api/v1/admin/practice/positions/{id}"),
            Some(&nanguan.token),
            &edit,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        (
            p["categoryLabel"].clone(),
            p["version"].clone(),
            p["slotsLeft"].clone()
        ),
        (json!("法治宣传"), json!(2), json!(50))
    );
    assert_eq!(
        (p["openToCity"].clone(), p["insuranceByHost"].clone()),
        (json!(true), json!(true))
    );
    // A stale version is refused; the campaign and host of a position never change.
    let mut stale = edit.clone();
    stale["title"] = json!("另一个名称");
    assert_error(
        app.put(
            &format!("/api/v1/admin/practice/positions/{id}"),
            Some(&nanguan.token),
            &stale,
        )
        .await,
        StatusCode::CONFLICT,
        "POSITION_CHANGED",
    )
    .await;
    let mut moved = edit.clone();
    moved["hostUnitId"] = json!(uuid::Uuid::now_v7());
    moved["version"] = json!(2);
    let e = json_of(
        app.put(
            &format!("/api/v1/admin/practice/positions/{id}"),
            Some(&nanguan.token),
            &moved,
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(e["error"]["fields"][0]["code"], "IMMUTABLE");
    // Publish, close, cancel (with a reason), each logged.
    let p = publish(&app, &nanguan, &id).await;
    assert_eq!(p["status"], "published");
    assert!(p["publishedAt"].as_str().unwrap().ends_with("+08:00"));
    let p = json_of(
        app.post(
            &format!("/api/v1/admin/practice/positions/{id}/closings"),
            Some(&nanguan.token),
            &json!({"version": 3}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(p["statusLabel"], "停止招募");
    let cancel = json!({"reason": "接收单位调整工作安排"});
    let p = json_of(
        app.post(
            &format!("/api/v1/admin/practice/positions/{id}/cancellations"),
            Some(&nanguan.token),
            &cancel,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(p["status"], "cancelled");
    // The same cancellation again is a harmless repeat; publishing a cancelled one is not.
    json_of(
        app.post(
            &format!("/api/v1/admin/practice/positions/{id}/cancellations"),
            Some(&nanguan.token),
            &cancel,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_error(
        app.post(
            &format!("/api/v1/admin/practice/positions/{id}/publications"),
            Some(&nanguan.token),
            &json!({}),
        )
        .await,
        StatusCode::CONFLICT,
        "INVALID_STATE",
    )
    .await;
    let detail = json_of(
        app.get(
            &format!("/api/v1/admin/practice/positions/{id}"),
            Some(&nanguan.token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let actions: Vec<&str> = detail["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["create", "edit", "publish", "close", "cancel"]);
    assert_eq!(detail["timeline"][4]["reason"], "接收单位调整工作安排");
}

#[tokio::test]
async fn a_position_breaking_a_rule_is_refused_with_its_field_and_nothing_is_created() {
    let app = spawn_app().await;
    let province = app.admin_of("220000").await;
    let nanguan = app.admin_of(NANGUAN).await;
    let changchun = app.admin_of("220100").await;
    let kuancheng = app.admin_of(KUANCHENG).await;
    let campaign = open_campaign(&app, &province, &campaign_body()).await;
    let host = create_host(&app, &nanguan, "220102001").await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let starts = date_of(&campaign["practiceStartsOn"]);
    let ends = date_of(&campaign["practiceEndsOn"]);
    let cases: Vec<(Value, &str, &str)> = vec![
        (json!({"slots": 0}), "slots", "RANGE"),
        (json!({"slots": 51}), "slots", "RANGE"),
        (json!({"dailyHours": 0}), "dailyHours", "RANGE"),
        (json!({"dailyHours": 9}), "dailyHours", "RANGE"),
        (
            json!({"startsOn": (starts - Duration::days(1)).to_string()}),
            "startsOn",
            "RANGE",
        ),
        (
            json!({"endsOn": (ends + Duration::days(1)).to_string()}),
            "endsOn",
            "RANGE",
        ),
        (
            json!({"startsOn": (starts + Duration::days(5)).to_string(),
                   "endsOn": (starts + Duration::days(4)).to_string()}),
            "endsOn",
            "RANGE",
        ),
        (json!({"title": "岗"}), "title", "LENGTH"),
        (
            json!({"allowanceFenPerDay": -1}),
            "allowanceFenPerDay",
            "RANGE",
        ),
        (json!({"majors": [""]}), "majors[0]", "LENGTH"),
        (json!({"regionCode": "220100"}), "regionCode", "LEVEL"),
        (
            json!({"regionCode": "220102999999"}),
            "regionCode",
            "UNKNOWN_REGION",
        ),
        (
            json!({"category": "sightseeing"}),
            "category",
            "INVALID_VALUE",
        ),
    ];
    for (patch, field, code) in cases {
        let mut body = position_body(&campaign, &host, NANGUAN_VILLAGE);
        for (k, v) in patch.as_object().unwrap() {
            body[k] = v.clone();
        }
        let e = json_of(
            app.post(
                "/api/v1/admin/practice/positions",
                Some(&nanguan.token),
                &body,
            )
            .await,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
        let fields = e["error"]["fields"].as_array().unwrap();
        assert!(
            fields.iter().any(|f| f["field"] == field
                && (f["code"] == code || (code == "INVALID_VALUE" && f["field"] == "category"))),
            "{field} {code}: {e}"
        );
    }
    // The city above is not the local unit; the neighbour is outside; a place of another county
    // is outside the cadre's unit.
    let body = position_body(&campaign, &host, NANGUAN_VILLAGE);
    assert_error(
        app.post(
            "/api/v1/admin/practice/positions",
            Some(&changchun.token),
            &body,
        )
        .await,
        StatusCode::FORBIDDEN,
        "LOCAL_UNIT_ONLY",
    )
    .await;
    assert_error(
        app.post(
            "/api/v1/admin/practice/positions",
            Some(&kuancheng.token),
            &body,
        )
        .await,
        StatusCode::FORBIDDEN,
        "OUTSIDE_REGION",
    )
    .await;
    let mut elsewhere = body.clone();
    elsewhere["regionCode"] = json!(KUANCHENG_VILLAGE);
    assert_error(
        app.post(
            "/api/v1/admin/practice/positions",
            Some(&nanguan.token),
            &elsewhere,
        )
        .await,
        StatusCode::FORBIDDEN,
        "OUTSIDE_REGION",
    )
    .await;
    // A local campaign of another county is not there for this cadre.
    let local = create_campaign(&app, &kuancheng, &campaign_body()).await;
    let mut other_campaign = body.clone();
    other_campaign["campaignId"] = local["id"].clone();
    assert_error(
        app.post(
            "/api/v1/admin/practice/positions",
            Some(&nanguan.token),
            &other_campaign,
        )
        .await,
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
    )
    .await;
    // Nothing was created.
    let list = json_of(
        app.get("/api/v1/admin/practice/positions", Some(&nanguan.token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(list["total"], 0);
    // One that is right is created; the city reads it but may not publish it.
    let p = create_position(&app, &nanguan, &body).await;
    let id = p["id"].as_str().unwrap();
    json_of(
        app.get(
            &format!("/api/v1/admin/practice/positions/{id}"),
            Some(&changchun.token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_error(
        app.post(
            &format!("/api/v1/admin/practice/positions/{id}/publications"),
            Some(&changchun.token),
            &json!({}),
        )
        .await,
        StatusCode::FORBIDDEN,
        "LOCAL_UNIT_ONLY",
    )
    .await;
    // Once the campaign is closed, no new positions.
    json_of(
        app.post(
            &format!(
                "/api/v1/admin/practice/campaigns/{}/closings",
                campaign["id"].as_str().unwrap()
            ),
            Some(&province.token),
            &json!({}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_error(
        app.post(
            "/api/v1/admin/practice/positions",
            Some(&nanguan.token),
            &body,
        )
        .await,
        StatusCode::CONFLICT,
        "CAMPAIGN_CLOSED",
    )
    .await;
}

#[tokio::test]
async fn students_see_positions_of_their_home_county_and_city_wide_ones_of_their_top_level_unit() {
    let app = spawn_app().await;
    let province = app.admin_of("220000").await;
    let campaign = open_campaign(&app, &province, &campaign_body()).await;
    let nanguan = app.admin_of(NANGUAN).await;
    let kuancheng = app.admin_of(KUANCHENG).await;
    let dongchang = app.admin_of(DONGCHANG).await;
    let meihekou = app.admin_of(MEIHEKOU).await;
    let host_of = |cadre: &Login, region: &'static str| {
        let app = &app;
        let cadre = cadre.clone();
        async move {
            create_host(app, &cadre, region).await["id"]
                .as_str()
                .unwrap()
                .to_owned()
        }
    };
    let h_nanguan = host_of(&nanguan, "220102001").await;
    let h_kuancheng = host_of(&kuancheng, "220103002").await;
    let h_dongchang = host_of(&dongchang, "220502001").await;
    let h_meihekou = host_of(&meihekou, "220581001").await;
    let a = published(
        &app,
        &nanguan,
        &position_body(&campaign, &h_nanguan, NANGUAN_VILLAGE),
    )
    .await;
    let draft = create_position(
        &app,
        &nanguan,
        &position_body(&campaign, &h_nanguan, NANGUAN_VILLAGE),
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let c = published(
        &app,
        &kuancheng,
        &position_body(&campaign, &h_kuancheng, KUANCHENG_VILLAGE),
    )
    .await;
    let mut city_wide = position_body(&campaign, &h_kuancheng, KUANCHENG_VILLAGE);
    city_wide["openToCity"] = json!(true);
    city_wide["category"] = json!("customs_reform");
    city_wide["mode"] = json!("online");
    let d = published(&app, &kuancheng, &city_wide).await;
    let mut tonghua_wide = position_body(&campaign, &h_dongchang, DONGCHANG_VILLAGE);
    tonghua_wide["openToCity"] = json!(true);
    let e = published(&app, &dongchang, &tonghua_wide).await;
    let f = published(
        &app,
        &meihekou,
        &position_body(&campaign, &h_meihekou, MEIHEKOU_VILLAGE),
    )
    .await;
    // 南关: its own county, and 宽城's city-wide one; not 宽城's local one, not 通化's.
    let s_nanguan = student_in(&app, "pos_nanguan", NANGUAN_VILLAGE).await;
    let page = student_list(&app, &s_nanguan, "").await;
    assert_eq!(ids(&page), sorted(vec![&a, &d]));
    assert!(!ids(&page).contains(&c) && !ids(&page).contains(&draft));
    let item = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == a.as_str())
        .unwrap();
    assert_eq!(item["slotsLeft"], 2);
    assert_eq!(item["hostName"], "南关区南岭街道办事处");
    // Filters narrow inside that area.
    assert_eq!(
        ids(&student_list(&app, &s_nanguan, "?category=customs_reform").await),
        vec![d.clone()]
    );
    assert_eq!(
        ids(&student_list(&app, &s_nanguan, "?mode=onsite").await),
        vec![a.clone()]
    );
    assert_eq!(
        ids(&student_list(&app, &s_nanguan, &format!("?region={NANGUAN}")).await),
        vec![a.clone()]
    );
    assert_eq!(
        student_list(
            &app,
            &s_nanguan,
            &format!("?campaignId={}", uuid::Uuid::now_v7())
        )
        .await["total"],
        0
    );
    // 梅河口 is its own top-level unit: 通化's city-wide position is not for a 梅河口 student.
    let s_meihekou = student_in(&app, "pos_meihekou", MEIHEKOU_VILLAGE).await;
    assert_eq!(
        ids(&student_list(&app, &s_meihekou, "").await),
        vec![f.clone()]
    );
    let s_dongchang = student_in(&app, "pos_dongchang", DONGCHANG_VILLAGE).await;
    assert_eq!(
        ids(&student_list(&app, &s_dongchang, "").await),
        vec![e.clone()]
    );
    // No student profile: 409.
    let nobody = app.login_as_youth("pos_nobody").await;
    assert_error(
        app.get("/api/v1/practice/positions", Some(&nobody.token))
            .await,
        StatusCode::CONFLICT,
        "STUDENT_PROFILE_REQUIRED",
    )
    .await;
    // By id: published ones for anyone logged in, drafts never.
    let one = json_of(
        app.get(
            &format!("/api/v1/practice/positions/{c}"),
            Some(&s_nanguan.token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(one["status"], "published");
    assert_error(
        app.get(
            &format!("/api/v1/practice/positions/{draft}"),
            Some(&s_nanguan.token),
        )
        .await,
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
    )
    .await;
    // A closed position and a closed campaign take no more applicants: not listed.
    json_of(
        app.post(
            &format!("/api/v1/admin/practice/positions/{a}/closings"),
            Some(&nanguan.token),
            &json!({}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        ids(&student_list(&app, &s_nanguan, "").await),
        vec![d.clone()]
    );
    json_of(
        app.post(
            &format!(
                "/api/v1/admin/practice/campaigns/{}/closings",
                campaign["id"].as_str().unwrap()
            ),
            Some(&province.token),
            &json!({}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(student_list(&app, &s_nanguan, "").await["total"], 0);
    // Cadres: the county its own, the city all of its counties, the neighbour none of 南关's.
    let changchun = app.admin_of("220100").await;
    let all = json_of(
        app.get("/api/v1/admin/practice/positions", Some(&changchun.token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(all["total"], 4);
    let own = json_of(
        app.get(
            &format!("/api/v1/admin/practice/positions?hostUnitId={h_nanguan}&status=draft"),
            Some(&nanguan.token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(ids(&own), vec![draft]);
}

/// The students' list is the same page for every student of a local unit, so an instance keeps
/// it for at most `JIQING_LIST_MAX_STALE_MS`: within the bound it may serve the page it built,
/// while the position by id, another filter and another instance read the database; a student of
/// another county never gets this county's page; after the bound the change shows.
#[tokio::test]
async fn the_student_list_is_kept_at_most_the_bound_and_only_for_its_own_unit() {
    use sea_orm::sea_query::Expr;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let bound = std::time::Duration::from_secs(2);
    let app = spawn_app_with(|s| s.list_max_stale = bound).await;
    let province = app.admin_of("220000").await;
    let nanguan = app.admin_of(NANGUAN).await;
    let campaign = open_campaign(&app, &province, &campaign_body()).await;
    let host = create_host(&app, &nanguan, "220102001").await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let id = published(
        &app,
        &nanguan,
        &position_body(&campaign, &host, NANGUAN_VILLAGE),
    )
    .await;
    let student = student_in(&app, "kept_nanguan", NANGUAN_VILLAGE).await;
    let before = std::time::Instant::now();
    let page = student_list(&app, &student, "").await;
    assert_eq!(page["items"][0]["slotsLeft"], 2);

    // Another instance fills the seats.
    entity::practice_positions::Entity::update_many()
        .col_expr(entity::practice_positions::Column::Taken, Expr::value(2))
        .filter(entity::practice_positions::Column::Id.eq(uuid::Uuid::parse_str(&id).unwrap()))
        .exec(app.db())
        .await
        .unwrap();
    if before.elapsed() < bound {
        assert_eq!(
            student_list(&app, &student, "").await,
            page,
            "the kept page, unchanged"
        );
    }
    let one = json_of(
        app.get(
            &format!("/api/v1/practice/positions/{id}"),
            Some(&student.token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(one["slotsLeft"], 0, "by id: exact at once");
    let filtered = student_list(&app, &student, "?pageSize=5").await;
    assert_eq!(filtered["items"][0]["slotsLeft"], 0);
    let other = app.spawn_another_instance().await;
    assert_eq!(
        student_list(&other, &student, "").await["items"][0]["slotsLeft"],
        0
    );

    // A student of another county never gets this county's page.
    let elsewhere = student_in(&app, "kept_kuancheng", KUANCHENG_VILLAGE).await;
    assert_eq!(student_list(&app, &elsewhere, "").await["total"], 0);

    // After the bound, this instance answers from the database again.
    tokio::time::sleep(
        bound.saturating_sub(before.elapsed()) + std::time::Duration::from_millis(50),
    )
    .await;
    assert_eq!(
        student_list(&app, &student, "").await["items"][0]["slotsLeft"],
        0
    );
}
