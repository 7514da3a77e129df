use chrono::{Datelike, Utc};
use entity::talent_consents::ConsentAction;
use entity::talent_profiles::{Education, Gender, PoliticalStatus, TalentStatus};
use entity::{talent_consents, talent_profiles, talent_reveals, users};
use reqwest::StatusCode;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, Set};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::*;

/// A resident ID number with a correct GB 11643 check digit; an odd `seq` is a man.
pub fn id_number(birth: &str, seq: u32) -> String {
    let body = format!("220102{birth}{seq:03}");
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = body
        .bytes()
        .zip(WEIGHTS)
        .map(|(c, w)| u32::from(c - b'0') * w)
        .sum();
    let check = b"10X98765432"[(sum % 11) as usize] as char;
    format!("{body}{check}")
}

/// A complete, valid submission for a man born 1998-05-01.
pub fn profile(name: &str, id: &str, region: &str) -> Value {
    json!({
        "realName": name, "gender": "male", "dateOfBirth": "1998-05-01",
        "phone": "13812345678", "idNumber": id, "homeRegionCode": region,
        "education": "junior_college", "industries": ["planting", "e_commerce"],
        "categories": ["e_commerce_talent"],
        "business": {"name": "晓明种植专业合作社", "type": "cooperative"},
        "politicalStatus": "league_member", "skills": ["直播带货"],
        "introduction": "返乡种植鲜食玉米。",
        "sensitiveInfoConsent": true, "consentVersion": "2026-11"
    })
}

pub const ME: &str = "/api/v1/me/talent-profile";

pub async fn register(
    app: &TestApp,
    who: &str,
    name: &str,
    seq: u32,
    region: &str,
) -> (Login, Value) {
    let login = app.login_as_youth(who).await;
    let body = profile(name, &id_number("19980501", seq), region);
    let view = json_of(
        app.put(ME, Some(&login.token), &body).await,
        StatusCode::CREATED,
    )
    .await;
    (login, view)
}

async fn review(app: &TestApp, token: &str, view: &Value, decision: &str) -> reqwest::Response {
    app.post(
        &format!(
            "/api/v1/admin/talents/{}/reviews",
            view["id"].as_str().unwrap()
        ),
        Some(token),
        &json!({"decision": decision, "reason": "资料属实，予以认定", "version": view["version"]}),
    )
    .await
}

fn field_codes(body: &Value) -> Vec<(String, String)> {
    body["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            assert!(
                f["message"].as_str().is_some_and(|m| !m.is_ascii()),
                "a Chinese message: {f}"
            );
            (
                f["field"].as_str().unwrap().to_owned(),
                f["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_youth_registers_reads_and_edits_their_profile_seeing_masked_values() {
    let app = spawn_app().await;
    let options = json_of(
        app.get("/api/v1/talent-options", None).await,
        StatusCode::OK,
    )
    .await;
    assert!(
        options["categories"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["value"] == "local_expert" && c["label"] == "土专家/田秀才")
    );
    assert_eq!(options["minAge"], 16);
    assert_eq!(options["maxAge"], 45);
    assert_eq!(options["consent"]["version"], "2026-11");

    let youth = app.login_as_youth("xiaoming").await;
    assert_error(
        app.get(ME, Some(&youth.token)).await,
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
    )
    .await;
    let id = id_number("19980501", 1);
    let created = json_of(
        app.put(
            ME,
            Some(&youth.token),
            &profile("张晓明", &id, "220102001001"),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(created["status"], "pending");
    assert_eq!(created["phone"], "138****5678");
    assert_eq!(created["idNumber"], format!("220***********{}", &id[14..]));
    assert_eq!(created["homeRegionName"], "华阳社区");
    assert_eq!(created["business"]["type"], "cooperative");
    assert_eq!(created["categories"], json!(["e_commerce_talent"]));
    assert_eq!(created["consentVersion"], "2026-11");
    assert!(created["consentAt"].as_str().unwrap().ends_with("+08:00"));

    let read = json_of(app.get(ME, Some(&youth.token)).await, StatusCode::OK).await;
    assert_eq!(read["id"], created["id"]);
    assert_eq!(read["realName"], "张晓明");

    // An edit may leave the ID number out: the stored one is kept.
    let mut edit = profile("张晓明", &id, "220102001001");
    edit.as_object_mut().unwrap().remove("idNumber");
    edit["introduction"] = json!("种植鲜食玉米二百亩。");
    edit["industries"] = json!(["rural_tourism"]);
    let edited = json_of(app.put(ME, Some(&youth.token), &edit).await, StatusCode::OK).await;
    assert_eq!(edited["introduction"], "种植鲜食玉米二百亩。");
    assert_eq!(edited["industries"], json!(["rural_tourism"]));
    assert_eq!(edited["idNumber"], created["idNumber"]);
    assert_eq!(edited["version"], 2);
    // A retry of the same edit writes nothing (the revision stays).
    let again = json_of(app.put(ME, Some(&youth.token), &edit).await, StatusCode::OK).await;
    assert_eq!(again["version"], 2);
    assert_eq!(again["updatedAt"], edited["updatedAt"]);

    // Cadres cannot use the youth endpoint.
    let cadre = app.admin_of("220102").await;
    assert_error(
        app.get(ME, Some(&cadre.token)).await,
        StatusCode::FORBIDDEN,
        "YOUTH_ONLY",
    )
    .await;
    assert_error(
        app.get(ME, None).await,
        StatusCode::UNAUTHORIZED,
        "UNAUTHENTICATED",
    )
    .await;
}

#[tokio::test]
async fn the_phone_defaults_to_the_wechat_bound_phone_and_is_required_without_one() {
    let app = spawn_app().await;
    let youth = app.login_as_youth("nophone").await;
    let mut body = profile("李小红", &id_number("19980501", 3), "220102001001");
    body.as_object_mut().unwrap().remove("phone");
    let err = assert_error(
        app.put(ME, Some(&youth.token), &body).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    assert_eq!(field_codes(&err), vec![("phone".into(), "REQUIRED".into())]);

    // Bind a WeChat phone (as `POST /auth/wechat-phone` would) and submit again without one.
    let user = users::Entity::find_by_id(youth.user_id.parse::<Uuid>().unwrap())
        .one(app.db())
        .await
        .unwrap()
        .unwrap();
    let mut active = user.into_active_model();
    active.phone_enc = Set(Some(app.state.cipher.encrypt("13987654321")));
    active.update(app.db()).await.unwrap();
    let created = json_of(
        app.put(ME, Some(&youth.token), &body).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(created["phone"], "139****4321");
}

#[tokio::test]
async fn bad_input_is_refused_field_by_field_in_chinese_and_changes_nothing() {
    let app = spawn_app().await;
    let youth = app.login_as_youth("careless").await;
    let good_id = id_number("19980501", 1);
    let mut wrong_check = good_id.clone();
    let last = wrong_check.pop().unwrap();
    wrong_check.push(if last == '0' { '1' } else { '0' });
    let cases: Vec<(Value, &str, &str)> = vec![
        (json!({"idNumber": wrong_check}), "idNumber", "ID_CHECKSUM"),
        (json!({"idNumber": "22010219980501"}), "idNumber", "FORMAT"),
        (
            json!({"idNumber": id_number("19980502", 1)}),
            "idNumber",
            "ID_BIRTH_MISMATCH",
        ),
        (
            json!({"idNumber": id_number("19980501", 2)}),
            "idNumber",
            "ID_GENDER_MISMATCH",
        ),
        (json!({"phone": "12345678901"}), "phone", "FORMAT"),
        (json!({"realName": "张"}), "realName", "LENGTH"),
        (json!({"realName": "张3"}), "realName", "FORMAT"),
        (
            json!({"dateOfBirth": "1998-13-01"}),
            "dateOfBirth",
            "FORMAT",
        ),
        (
            json!({"homeRegionCode": "220102"}),
            "homeRegionCode",
            "LEVEL",
        ),
        (
            json!({"homeRegionCode": "220102999999"}),
            "homeRegionCode",
            "UNKNOWN_REGION",
        ),
        (json!({"industries": []}), "industries", "REQUIRED"),
        (
            json!({"industries": ["mining"]}),
            "industries[0]",
            "INVALID_VALUE",
        ),
        (
            json!({"categories": ["hero"]}),
            "categories[0]",
            "INVALID_VALUE",
        ),
        (json!({"education": "phd"}), "education", "INVALID_VALUE"),
        (
            json!({"politicalStatus": "党员"}),
            "politicalStatus",
            "INVALID_VALUE",
        ),
        (
            json!({"business": {"name": "店", "type": "shop"}}),
            "business.name",
            "LENGTH",
        ),
        (
            json!({"business": {"name": "小店铺", "type": "shop"}}),
            "business.type",
            "INVALID_VALUE",
        ),
        (
            json!({"introduction": "好".repeat(501)}),
            "introduction",
            "LENGTH",
        ),
        (json!({"skills": ["好".repeat(21)]}), "skills[0]", "LENGTH"),
        (
            json!({"sensitiveInfoConsent": false}),
            "sensitiveInfoConsent",
            "CONSENT_REQUIRED",
        ),
        (
            json!({"consentVersion": "2020-01"}),
            "consentVersion",
            "CONSENT_OUTDATED",
        ),
    ];
    for (patch, field, code) in cases {
        let mut body = profile("张晓明", &good_id, "220102001001");
        for (k, v) in patch.as_object().unwrap() {
            body[k] = v.clone();
        }
        let err = assert_error(
            app.put(ME, Some(&youth.token), &body).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "VALIDATION_FAILED",
        )
        .await;
        let fields = field_codes(&err);
        assert!(
            fields.contains(&(field.to_owned(), code.to_owned())),
            "{patch} gives {field} {code}; got {fields:?}"
        );
    }
    // Several problems at once are all reported.
    let mut body = profile("张晓明", &good_id, "220102001001");
    body["phone"] = json!("1");
    body["education"] = json!("x");
    let err = assert_error(
        app.put(ME, Some(&youth.token), &body).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    assert_eq!(field_codes(&err).len(), 2);
    // Missing and mistyped fields are named, all at once.
    let mut body = profile("张晓明", &good_id, "220102001001");
    body.as_object_mut().unwrap().remove("realName");
    body["gender"] = Value::Null;
    body["phone"] = json!(13812345678u64);
    body["industries"] = json!("planting");
    body["business"] = json!({"name": 5});
    body["sensitiveInfoConsent"] = json!("yes");
    body["introduction"] = Value::Null;
    let err = assert_error(
        app.put(ME, Some(&youth.token), &body).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    let mut fields = field_codes(&err);
    fields.sort();
    let expected: Vec<(String, String)> = [
        ("business.name", "INVALID_TYPE"),
        ("business.type", "REQUIRED"),
        ("gender", "REQUIRED"),
        ("industries", "INVALID_TYPE"),
        ("phone", "INVALID_TYPE"),
        ("realName", "REQUIRED"),
        ("sensitiveInfoConsent", "INVALID_TYPE"),
    ]
    .iter()
    .map(|(f, c)| (f.to_string(), c.to_string()))
    .collect();
    assert_eq!(fields, expected);
    assert_error(
        app.get(ME, Some(&youth.token)).await,
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
    )
    .await;
}

#[tokio::test]
async fn the_age_range_is_configurable_and_counted_in_china_time() {
    let app = spawn_app_with(|s| {
        s.talent_min_age = 18;
        s.talent_max_age = 30;
    })
    .await;
    let youth = app.login_as_youth("older").await;
    // Born 1990: over 30 now.
    let mut body = profile("王大山", &id_number("19900101", 1), "220102001001");
    body["dateOfBirth"] = json!("1990-01-01");
    let err = assert_error(
        app.put(ME, Some(&youth.token), &body).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    assert_eq!(
        field_codes(&err),
        vec![("dateOfBirth".into(), "AGE_RANGE".into())]
    );
    assert!(
        err["error"]["fields"][0]["message"]
            .as_str()
            .unwrap()
            .contains("18至30周岁")
    );
    // Someone who turns 18 today (China time) is in; one day younger is not.
    let today = jiqing::time::today_in_china(Utc::now());
    // (On 29 February the 18th birthday of someone born on 28 February of a common year is today.)
    let eighteen = today
        .with_year(today.year() - 18)
        .or_else(|| chrono::NaiveDate::from_ymd_opt(today.year() - 18, 2, 28))
        .unwrap();
    let dob = eighteen.format("%Y-%m-%d").to_string();
    let mut body = profile(
        "王小山",
        &id_number(&eighteen.format("%Y%m%d").to_string(), 1),
        "220102001001",
    );
    body["dateOfBirth"] = json!(dob);
    json_of(
        app.put(ME, Some(&youth.token), &body).await,
        StatusCode::CREATED,
    )
    .await;
    let other = app.login_as_youth("younger").await;
    let younger = eighteen.succ_opt().unwrap();
    let mut body = profile(
        "王小水",
        &id_number(&younger.format("%Y%m%d").to_string(), 3),
        "220102001001",
    );
    body["dateOfBirth"] = json!(younger.format("%Y-%m-%d").to_string());
    assert_error(
        app.put(ME, Some(&other.token), &body).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
}

#[tokio::test]
async fn one_id_number_one_account_without_storing_it_in_plain_text() {
    let app = spawn_app().await;
    let id = id_number("19980501", 5);
    let (first, _) = register(&app, "first", "赵一", 5, "220102001001").await;
    let second = app.login_as_youth("second").await;
    assert_error(
        app.put(
            ME,
            Some(&second.token),
            &profile("赵二", &id, "220102001002"),
        )
        .await,
        StatusCode::CONFLICT,
        "ID_NUMBER_TAKEN",
    )
    .await;
    // Lower-case x or spaces do not get round it either (same normalised number).
    let spaced = format!(" {id} ");
    assert_error(
        app.put(
            ME,
            Some(&second.token),
            &profile("赵二", &spaced, "220102001002"),
        )
        .await,
        StatusCode::CONFLICT,
        "ID_NUMBER_TAKEN",
    )
    .await;
    // The owner may submit it again (a retry): same answer, not a conflict.
    json_of(
        app.put(
            ME,
            Some(&first.token),
            &profile("赵一", &id, "220102001001"),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    // At rest: ciphertext with a key id, and a keyed hash; neither the ID nor the phone in clear.
    let rows = talent_profiles::Entity::find().all(app.db()).await.unwrap();
    assert_eq!(rows.len(), 1);
    let row = format!("{:?}", rows[0]);
    assert!(
        !row.contains(&id) && !row.contains(&id[6..14]),
        "ID in clear: {row}"
    );
    assert!(!row.contains("13812345678"), "phone in clear");
    assert!(rows[0].id_number_enc.starts_with("v1."));
    assert_eq!(
        app.state.cipher.decrypt(&rows[0].id_number_enc).unwrap(),
        id
    );
    assert_eq!(rows[0].id_number_index.len(), 64);
}

#[tokio::test]
async fn consent_is_required_kept_and_withdrawal_deletes_the_data_and_frees_the_id() {
    let app = spawn_app().await;
    let county = app.admin_of("220102").await;
    let (youth, view) = register(&app, "leaver", "钱多多", 7, "220102001001").await;
    json_of(
        review(&app, &county.token, &view, "approve").await,
        StatusCode::OK,
    )
    .await;
    let stats = json_of(
        app.get(
            "/api/v1/admin/talents/stats?region=220102001",
            Some(&county.token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(stats["region"]["verifiedTalents"], 1);
    json_of(
        app.post(
            &format!(
                "/api/v1/admin/talents/{}/reveals",
                view["id"].as_str().unwrap()
            ),
            Some(&county.token),
            &json!({"reason": "电话联系培训事宜"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;

    assert_eq!(
        app.delete(ME, Some(&youth.token)).await.status(),
        StatusCode::NO_CONTENT
    );
    // No personal data is left behind in the profile table.
    assert_eq!(
        talent_profiles::Entity::find()
            .all(app.db())
            .await
            .unwrap()
            .len(),
        0
    );
    // The reveal log keeps who looked, when and why, without the person's data.
    let province = app.admin_of("220000").await;
    let log = json_of(
        app.get("/api/v1/admin/talent-reveals", Some(&province.token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(log["total"], 1);
    assert_eq!(log["items"][0]["subjectUserId"], youth.user_id);
    assert_eq!(log["items"][0]["subjectName"], "");
    assert_error(
        app.get(ME, Some(&youth.token)).await,
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
    )
    .await;
    assert_error(
        app.delete(ME, Some(&youth.token)).await,
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
    )
    .await;
    assert!(
        jiqing::talents::home_region_of(app.db(), youth.user_id.parse().unwrap())
            .await
            .unwrap()
            .is_none()
    );
    // Counts follow, the cadre's id look-up is gone, the consent history stays.
    let stats = json_of(
        app.get(
            "/api/v1/admin/talents/stats?region=220102001",
            Some(&county.token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(stats["region"]["verifiedTalents"], 0);
    assert_eq!(stats["region"]["villagesWithTalent"], 0);
    assert_error(
        app.get(
            &format!("/api/v1/admin/talents/{}", view["id"].as_str().unwrap()),
            Some(&county.token),
        )
        .await,
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
    )
    .await;
    let log = talent_consents::Entity::find()
        .filter(talent_consents::Column::UserId.eq(youth.user_id.parse::<Uuid>().unwrap()))
        .all(app.db())
        .await
        .unwrap();
    let actions: Vec<_> = log.iter().map(|c| (c.action, c.version.as_str())).collect();
    assert_eq!(
        actions,
        vec![
            (ConsentAction::Granted, "2026-11"),
            (ConsentAction::Withdrawn, "2026-11")
        ]
    );
    // The ID number is free again.
    let other = app.login_as_youth("newcomer").await;
    json_of(
        app.put(
            ME,
            Some(&other.token),
            &profile("孙新", &id_number("19980501", 7), "220102001001"),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
}

#[tokio::test]
async fn a_cadre_reviews_inside_their_region_and_key_edits_send_a_profile_back() {
    let app = spawn_app().await;
    let county = app.admin_of("220102").await;
    let (youth, view) = register(&app, "reviewed", "周到", 9, "220102001001").await;
    let url = format!(
        "/api/v1/admin/talents/{}/reviews",
        view["id"].as_str().unwrap()
    );

    let err = assert_error(
        app.post(
            &url,
            Some(&county.token),
            &json!({"decision": "reject", "version": 1}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    assert_eq!(
        field_codes(&err),
        vec![("reason".into(), "REQUIRED".into())]
    );
    let rejected = json_of(
        app.post(
            &url,
            Some(&county.token),
            &json!({"decision": "reject", "reason": "请补充合作社名称", "version": 1}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(rejected["status"], "rejected");
    let mine = json_of(app.get(ME, Some(&youth.token)).await, StatusCode::OK).await;
    assert_eq!(mine["status"], "rejected");
    assert_eq!(mine["reviewReason"], "请补充合作社名称");
    // A repeated review changes nothing.
    assert_error(
        app.post(
            &url,
            Some(&county.token),
            &json!({"decision": "approve", "version": 2}),
        )
        .await,
        StatusCode::CONFLICT,
        "INVALID_STATE",
    )
    .await;

    // Resubmitting goes back to review; a review of the version before the edit is refused.
    let resubmitted = json_of(
        app.put(
            ME,
            Some(&youth.token),
            &profile("周到", &id_number("19980501", 9), "220102001001"),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(resubmitted["status"], "pending");
    assert!(resubmitted["reviewReason"].is_null());
    assert_error(
        app.post(
            &url,
            Some(&county.token),
            &json!({"decision": "approve", "version": 2}),
        )
        .await,
        StatusCode::CONFLICT,
        "PROFILE_CHANGED",
    )
    .await;
    let verified = json_of(
        review(&app, &county.token, &resubmitted, "approve").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(verified["status"], "verified");

    // Skills and introduction are free to change; the name is not.
    let mut body = profile("周到", &id_number("19980501", 9), "220102001001");
    body["introduction"] = json!("新的简介");
    body["skills"] = json!(["育苗"]);
    let kept = json_of(app.put(ME, Some(&youth.token), &body).await, StatusCode::OK).await;
    assert_eq!(kept["status"], "verified");
    body["realName"] = json!("周全");
    let back = json_of(app.put(ME, Some(&youth.token), &body).await, StatusCode::OK).await;
    assert_eq!(back["status"], "pending");
    body["realName"] = json!("周全");
    body["homeRegionCode"] = json!("220102001002");
    let again = json_of(app.put(ME, Some(&youth.token), &body).await, StatusCode::OK).await;
    assert_eq!(again["status"], "pending");

    // A city cadre above the county may review too; a youth may not.
    let city = app.admin_of("220100").await;
    json_of(
        review(&app, &city.token, &again, "approve").await,
        StatusCode::OK,
    )
    .await;
    assert_error(
        review(&app, &youth.token, &again, "approve").await,
        StatusCode::FORBIDDEN,
        "ROLE_REQUIRED",
    )
    .await;
}

#[tokio::test]
async fn cadres_search_their_region_by_filters_with_paging_and_masked_output() {
    let app = spawn_app().await;
    let county = app.admin_of("220102").await;
    let (_, a) = register(&app, "s1", "吴一", 11, "220102001001").await;
    let (_, _b) = register(&app, "s2", "吴二", 13, "220102002001").await;
    let c_login = app.login_as_youth("s3").await;
    let mut c = profile("郑三", &id_number("19980501", 15), "220102001002");
    c["industries"] = json!(["animal_husbandry"]);
    c["categories"] = json!(["local_expert", "wealth_leader"]);
    json_of(
        app.put(ME, Some(&c_login.token), &c).await,
        StatusCode::CREATED,
    )
    .await;
    json_of(
        review(&app, &county.token, &a, "approve").await,
        StatusCode::OK,
    )
    .await;
    // Elsewhere in the province: never in this cadre's lists.
    app.youth_in("far", "220202001001", true).await;

    let list = |q: &'static str| {
        let app = &app;
        let token = county.token.clone();
        async move {
            json_of(
                app.get(&format!("/api/v1/admin/talents{q}"), Some(&token))
                    .await,
                StatusCode::OK,
            )
            .await
        }
    };
    let all = list("").await;
    assert_eq!(all["total"], 3);
    assert_eq!(all["items"][0]["phone"], "138****5678");
    assert!(
        all["items"][0]["idNumber"]
            .as_str()
            .unwrap()
            .starts_with("220***********")
    );
    assert_eq!(list("?region=220102001").await["total"], 2);
    assert_eq!(list("?region=220102001002").await["total"], 1);
    assert_eq!(list("?industry=animal_husbandry").await["total"], 1);
    assert_eq!(
        list("?category=wealth_leader").await["items"][0]["realName"],
        "郑三"
    );
    assert_eq!(list("?category=e_commerce_talent").await["total"], 2);
    assert_eq!(list("?status=verified").await["total"], 1);
    assert_eq!(list("?status=pending").await["total"], 2);
    assert_eq!(list("?keyword=%E5%90%B4").await["total"], 2); // 吴
    assert_eq!(list("?keyword=%25").await["total"], 0); // a literal %
    assert_eq!(list("?phone=138%201234%205678").await["total"], 3);
    assert_eq!(list("?phone=13900000000").await["total"], 0);
    let page = list("?pageSize=2&page=2").await;
    assert_eq!(page["total"], 3);
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    let err = assert_error(
        app.get(
            "/api/v1/admin/talents?status=done&industry=x",
            Some(&county.token),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    assert_eq!(field_codes(&err).len(), 2);
    let one = json_of(
        app.get(
            &format!("/api/v1/admin/talents/{}", a["id"].as_str().unwrap()),
            Some(&county.token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(one["realName"], "吴一");
    assert_eq!(one["phone"], "138****5678");
    // The province sees all four.
    let province = app.admin_of("220000").await;
    let all = json_of(
        app.get("/api/v1/admin/talents", Some(&province.token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(all["total"], 4);
}

#[tokio::test]
async fn nothing_outside_a_cadres_region_is_visible_through_any_admin_endpoint() {
    let app = spawn_app().await;
    let (_, view) = register(&app, "nanguan", "冯南关", 17, "220102001001").await;
    let id = view["id"].as_str().unwrap();
    let jilin_city = app.admin_of("220200").await;
    let t = Some(jilin_city.token.as_str());

    let list = json_of(app.get("/api/v1/admin/talents", t).await, StatusCode::OK).await;
    assert_eq!(list["total"], 0);
    assert_error(
        app.get("/api/v1/admin/talents?region=220102", t).await,
        StatusCode::FORBIDDEN,
        "OUTSIDE_REGION",
    )
    .await;
    assert_error(
        app.get(&format!("/api/v1/admin/talents/{id}"), t).await,
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
    )
    .await;
    assert_error(
        app.get(&format!("/api/v1/admin/talents/{}", Uuid::now_v7()), t)
            .await,
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
    )
    .await;
    assert_error(
        review(&app, &jilin_city.token, &view, "approve").await,
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
    )
    .await;
    assert_error(
        app.post(
            &format!("/api/v1/admin/talents/{id}/reveals"),
            t,
            &json!({"reason": "核对身份信息"}),
        )
        .await,
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
    )
    .await;
    let csv = app.get("/api/v1/admin/talents/export", t).await;
    assert_eq!(csv.status(), StatusCode::OK);
    let text = csv.text().await.unwrap();
    assert_eq!(text.lines().count(), 1, "header only: {text}");
    assert_error(
        app.get("/api/v1/admin/talents/export?region=220100", t)
            .await,
        StatusCode::FORBIDDEN,
        "OUTSIDE_REGION",
    )
    .await;
    assert_error(
        app.get("/api/v1/admin/talents/stats?region=220100", t)
            .await,
        StatusCode::FORBIDDEN,
        "OUTSIDE_REGION",
    )
    .await;
    let stats = json_of(
        app.get("/api/v1/admin/talents/stats", t).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(stats["region"]["verifiedTalents"], 0);
    assert_error(
        app.get("/api/v1/admin/talent-reveals", t).await,
        StatusCode::FORBIDDEN,
        "PROVINCE_CADRE_ONLY",
    )
    .await;

    // Nothing changed for the talent.
    let profile = talent_profiles::Entity::find()
        .one(app.db())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(profile.status, TalentStatus::Pending);
    assert_eq!(
        talent_reveals::Entity::find()
            .all(app.db())
            .await
            .unwrap()
            .len(),
        0
    );

    // A youth gets no admin endpoint at all.
    let youth = app.login_as_youth("nosy").await;
    for path in [
        "/api/v1/admin/talents",
        "/api/v1/admin/talents/export",
        "/api/v1/admin/talents/stats",
        "/api/v1/admin/talent-reveals",
    ] {
        assert_error(
            app.get(path, Some(&youth.token)).await,
            StatusCode::FORBIDDEN,
            "ROLE_REQUIRED",
        )
        .await;
    }
}

#[tokio::test]
async fn a_reveal_needs_a_reason_gives_full_values_and_is_logged_for_the_province() {
    let app = spawn_app().await;
    let (_, view) = register(&app, "revealed", "陈真", 19, "220102001001").await;
    let id = view["id"].as_str().unwrap();
    let county = app.admin_of("220102").await;
    let url = format!("/api/v1/admin/talents/{id}/reveals");
    let err = assert_error(
        app.post(&url, Some(&county.token), &json!({"reason": "看"}))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    assert_eq!(err["error"]["fields"][0]["field"], "reason");
    let full = json_of(
        app.post(
            &url,
            Some(&county.token),
            &json!({"reason": "办理银团合作贷款推荐"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(full["idNumber"], id_number("19980501", 19));
    assert_eq!(full["phone"], "13812345678");
    // The ordinary read stays masked.
    let read = json_of(
        app.get(&format!("/api/v1/admin/talents/{id}"), Some(&county.token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(read["phone"], "138****5678");

    let province = app.admin_of("220000").await;
    let log = json_of(
        app.get("/api/v1/admin/talent-reveals", Some(&province.token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(log["total"], 1);
    let entry = &log["items"][0];
    assert_eq!(entry["reason"], "办理银团合作贷款推荐");
    assert_eq!(entry["profileId"], id);
    assert_eq!(entry["subjectName"], "陈*");
    assert_eq!(entry["cadreId"], county.user_id);
    assert!(entry["createdAt"].as_str().unwrap().ends_with("+08:00"));
    let city = app.admin_of("220100").await;
    assert_error(
        app.get("/api/v1/admin/talent-reveals", Some(&city.token))
            .await,
        StatusCode::FORBIDDEN,
        "PROVINCE_CADRE_ONLY",
    )
    .await;
}

/// Insert `n` youths with profiles in `region` straight into the database (fast, for volume).
pub async fn seed_talents(app: &TestApp, n: usize, region: &str, status: TalentStatus) {
    let now = Utc::now();
    let cipher = &app.state.cipher;
    let mut done = 0;
    while done < n {
        let batch = (n - done).min(200);
        let mut us = Vec::with_capacity(batch);
        let mut ps = Vec::with_capacity(batch);
        for i in 0..batch {
            let uid = Uuid::now_v7();
            us.push(users::ActiveModel {
                id: Set(uid),
                openid: Set(Some(format!("seed-{uid}"))),
                unionid: Set(None),
                session_key_enc: Set(None),
                username: Set(None),
                password_hash: Set(None),
                display_name: Set("青年".into()),
                phone_enc: Set(None),
                phone_index: Set(None),
                is_student: Set(false),
                is_mentor: Set(false),
                staff_role: Set(None),
                cadre_level: Set(None),
                region_code: Set(None),
                league_unit_id: Set(None),
                bank_id: Set(None),
                disabled: Set(false),
                created_at: Set(now),
                updated_at: Set(now),
            });
            let fake_id = uid.simple().to_string();
            ps.push(talent_profiles::ActiveModel {
                id: Set(Uuid::now_v7()),
                user_id: Set(uid),
                real_name: Set(format!("青年{}", done + i)),
                gender: Set(Gender::Female),
                date_of_birth: Set(chrono::NaiveDate::from_ymd_opt(2000, 1, 1).unwrap()),
                phone_enc: Set(cipher.encrypt("13700001111")),
                phone_index: Set(cipher.blind_index("phone", "13700001111")),
                id_number_enc: Set(cipher.encrypt(&fake_id)),
                id_number_index: Set(cipher.blind_index("id_number", &fake_id)),
                home_region_code: Set(region.into()),
                education: Set(Education::Bachelor),
                industries: Set("[\"planting\"]".into()),
                categories: Set("[\"qualified_farmer\"]".into()),
                business_name: Set(None),
                business_type: Set(None),
                political_status: Set(PoliticalStatus::Masses),
                skills: Set("[]".into()),
                introduction: Set(String::new()),
                status: Set(status),
                version: Set(1),
                review_reason: Set(None),
                reviewed_by: Set(None),
                reviewed_at: Set(None),
                consent_version: Set("2026-11".into()),
                consent_at: Set(now),
                created_at: Set(now),
                updated_at: Set(now),
            });
        }
        users::Entity::insert_many(us).exec(app.db()).await.unwrap();
        talent_profiles::Entity::insert_many(ps)
            .exec(app.db())
            .await
            .unwrap();
        done += batch;
    }
}

#[tokio::test]
async fn the_export_is_a_bom_prefixed_masked_csv_of_the_region_streamed_in_chunks() {
    let app = spawn_app().await;
    let youth = app.login_as_youth("exported").await;
    let mut body = profile("韩梅梅", &id_number("19980501", 21), "220102001001");
    body["business"] = json!({"name": "=HYPERLINK(\"http://x\",\"店\")", "type": "online_shop"});
    json_of(
        app.put(ME, Some(&youth.token), &body).await,
        StatusCode::CREATED,
    )
    .await;
    // More than two chunks of 500, so the keyset pagination is crossed twice.
    seed_talents(&app, 1_203, "220102001002", TalentStatus::Verified).await;
    seed_talents(&app, 7, "220202001001", TalentStatus::Verified).await;
    let county = app.admin_of("220102").await;
    let resp = app
        .get("/api/v1/admin/talents/export", Some(&county.token))
        .await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    assert!(
        resp.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("attachment")
    );
    assert!(
        resp.headers().get("content-length").is_none(),
        "streamed (chunked)"
    );
    let bytes = resp.bytes().await.unwrap();
    assert_eq!(&bytes[..3], b"\xEF\xBB\xBF", "UTF-8 BOM");
    let text = std::str::from_utf8(&bytes[3..]).unwrap();
    let lines: Vec<&str> = text.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(lines.len(), 1 + 1 + 1_203);
    assert!(lines[0].starts_with("姓名,性别,出生日期,身份证号,手机号码"));
    let mut names: Vec<&str> = lines[1..]
        .iter()
        .map(|l| l.split(',').next().unwrap())
        .collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), 1 + 1_203, "every row once");
    assert!(!text.contains("13812345678") && !text.contains(&id_number("19980501", 21)));
    assert!(text.contains("138****5678"));
    assert!(
        text.contains("\"'=HYPERLINK(\"\"http://x\"\",\"\"店\"\")\""),
        "formulas are defused and quotes escaped"
    );
    assert!(text.contains("华阳社区") && text.contains("青年电商人才") && text.contains("待审核"));
    // Filters apply to the export too.
    let pending = app
        .get(
            "/api/v1/admin/talents/export?status=pending",
            Some(&county.token),
        )
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(pending.lines().count(), 2);
}

#[tokio::test]
async fn stats_count_verified_talents_per_child_region_and_category_and_village_coverage() {
    // Every village-level code counts here (社区 too), so the urban test places are covered;
    // the default (村民委员会 only) is tested in league_units.rs.
    let app = spawn_app_with(|s| s.kpi_scopes.village = jiqing::kpi_scope::VillageScope::All).await;
    let county = app.admin_of("220102").await;
    // 南岭街道 (220102001): two verified in 华阳社区, one in 恒安社区, one pending in 百屹社区,
    // one verified registered at the township itself.
    for (who, seq, region, verify) in [
        ("a", 31, "220102001001", true),
        ("b", 33, "220102001001", true),
        ("c", 35, "220102001002", true),
        ("d", 37, "220102001003", false),
        ("e", 39, "220102001", true),
        ("f", 41, "220102002001", true),
    ] {
        let (_, view) = register(&app, who, "统计", seq, region).await;
        if verify {
            json_of(
                review(&app, &county.token, &view, "approve").await,
                StatusCode::OK,
            )
            .await;
        }
    }
    let stats = json_of(
        app.get(
            "/api/v1/admin/talents/stats?region=220102",
            Some(&county.token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(stats["region"]["code"], "220102");
    assert_eq!(stats["region"]["verifiedTalents"], 5);
    assert_eq!(stats["region"]["villagesWithTalent"], 3);
    assert_eq!(stats["region"]["villages"], 70);
    assert_eq!(stats["region"]["villageCoveragePermille"], 3 * 1000 / 70);
    let children = stats["children"].as_array().unwrap();
    let nanling = children.iter().find(|c| c["code"] == "220102001").unwrap();
    assert_eq!(nanling["name"], "南岭街道");
    assert_eq!(nanling["verifiedTalents"], 4);
    assert_eq!(nanling["villagesWithTalent"], 2);
    let villages = json_of(
        app.get("/api/v1/regions/220102001/children", None).await,
        StatusCode::OK,
    )
    .await;
    let n = villages.as_array().unwrap().len() as u64;
    assert_eq!(nanling["villages"], n);
    assert_eq!(nanling["villageCoveragePermille"], 2 * 1000 / n);
    let ecommerce = nanling["byCategory"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["category"] == "e_commerce_talent")
        .unwrap();
    assert_eq!(ecommerce["count"], 4);
    let ziqiang = children.iter().find(|c| c["code"] == "220102002").unwrap();
    assert_eq!(ziqiang["verifiedTalents"], 1);
    // At village level the township's children are villages.
    let township = json_of(
        app.get(
            "/api/v1/admin/talents/stats?region=220102001",
            Some(&county.token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let huayang = township["children"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == "220102001001")
        .unwrap();
    assert_eq!(huayang["verifiedTalents"], 2);
    assert_eq!(huayang["villages"], 1);
    assert_eq!(huayang["villageCoveragePermille"], 1000);
    // The province dashboard rolls up by league unit: 9 cities, 长白山 and 梅河口.
    let province = app.admin_of("220000").await;
    let all = json_of(
        app.get("/api/v1/admin/talents/stats", Some(&province.token))
            .await,
        StatusCode::OK,
    )
    .await;
    let changchun = all["children"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == "220100")
        .unwrap();
    assert_eq!(changchun["verifiedTalents"], 5);
    assert_eq!(all["children"].as_array().unwrap().len(), 11);
    assert_error(
        app.get(
            "/api/v1/admin/talents/stats?region=229999",
            Some(&province.token),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
}

#[tokio::test]
async fn concurrent_registrations_of_one_id_number_let_exactly_one_account_in() {
    let app = spawn_app().await;
    let other_instance = app.spawn_another_instance().await;
    let id = id_number("19980501", 43);
    for round in 0..3 {
        let a = app.login_as_youth(&format!("race-a{round}")).await;
        let b = app.login_as_youth(&format!("race-b{round}")).await;
        let body = profile("竞赛", &id, "220102001001");
        let (ra, rb, ra2) = tokio::join!(
            app.put(ME, Some(&a.token), &body),
            other_instance.put(ME, Some(&b.token), &body),
            // The same youth retrying at once (weak network): one profile, never a 500.
            other_instance.put(ME, Some(&a.token), &body),
        );
        let mut statuses = vec![
            ra.status().as_u16(),
            rb.status().as_u16(),
            ra2.status().as_u16(),
        ];
        statuses.sort();
        assert!(
            statuses == vec![200, 201, 409] || statuses == vec![201, 409, 409],
            "round {round}: {statuses:?}"
        );
        let holders = talent_profiles::Entity::find().all(app.db()).await.unwrap();
        assert_eq!(holders.len(), 1);
        // Free the number for the next round.
        let winner = if holders[0].user_id.to_string() == a.user_id {
            &a
        } else {
            &b
        };
        assert_eq!(
            app.delete(ME, Some(&winner.token)).await.status(),
            StatusCode::NO_CONTENT
        );
    }
}

fn rss_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// Measures the export of 100,000 rows: time to first byte, total time, and how much the
/// process's peak memory grows while streaming. Run with:
/// `cargo test --release --test api talents::exporting_100k -- --ignored --nocapture`
#[tokio::test]
#[ignore = "measurement: seeds 100,000 profiles"]
async fn exporting_100k_talents_streams_with_flat_memory() {
    let app = spawn_app().await;
    seed_talents(&app, 100_000, "220102001001", TalentStatus::Verified).await;
    let county = app.admin_of("220102").await;
    // Reset the peak-RSS mark (Linux), so VmHWM shows the peak during the export only.
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let before = rss_kib("VmRSS:");
    let started = std::time::Instant::now();
    let resp = app
        .get("/api/v1/admin/talents/export", Some(&county.token))
        .await;
    assert_eq!(resp.status(), StatusCode::OK);
    let mut resp = resp;
    let (mut bytes, mut lines, mut first) = (0usize, 0usize, None);
    while let Some(chunk) = resp.chunk().await.unwrap() {
        first.get_or_insert_with(|| started.elapsed());
        bytes += chunk.len();
        lines += chunk.iter().filter(|b| **b == b'\n').count();
    }
    let total = started.elapsed();
    let peak = rss_kib("VmHWM:");
    assert_eq!(lines, 100_001);
    println!(
        "export of 100000 rows: {} bytes, first byte after {:?}, total {:?}; RSS before {} KiB, peak during export {} KiB (growth {} KiB)",
        bytes,
        first.unwrap_or_default(),
        total,
        before,
        peak,
        peak.saturating_sub(before)
    );
    // The whole file held in memory would be its size again; streaming stays far below it.
    assert!(
        (peak.saturating_sub(before) as usize) * 1024 < bytes / 2,
        "memory grew with the file"
    );
}

#[tokio::test]
async fn after_a_data_key_rotation_old_values_still_read_and_are_reencrypted() {
    use secrecy::SecretString;
    const OLD: &str = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
    const NEW: &str = "ZmVkY2JhOTg3NjU0MzIxMGZlZGNiYTk4NzY1NDMyMTA=";
    const INDEX: &str = "a fixed blind-index key that outlives data keys";
    let app = spawn_app_with(|s| {
        s.data_key = SecretString::from(NEW.to_owned());
        s.previous_data_keys = vec![SecretString::from(OLD.to_owned())];
        s.index_key = Some(SecretString::from(INDEX.to_owned()));
    })
    .await;
    let mut old_settings = jiqing::config::Settings::defaults();
    old_settings.data_key = SecretString::from(OLD.to_owned());
    old_settings.index_key = Some(SecretString::from(INDEX.to_owned()));
    let old = old_settings.data_cipher().unwrap();

    let id = id_number("19980501", 45);
    let (_, view) = register(&app, "rotated", "褚石", 45, "220102001001").await;
    // As if written before the rotation: the values made with the old key.
    let row = talent_profiles::Entity::find()
        .one(app.db())
        .await
        .unwrap()
        .unwrap();
    let mut active = row.into_active_model();
    active.id_number_enc = Set(old.encrypt(&id));
    active.phone_enc = Set(old.encrypt("13812345678"));
    active.update(app.db()).await.unwrap();

    let county = app.admin_of("220102").await;
    let read = json_of(
        app.get(
            &format!("/api/v1/admin/talents/{}", view["id"].as_str().unwrap()),
            Some(&county.token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(read["phone"], "138****5678");
    let second = app.login_as_youth("rotated-dup").await;
    assert_error(
        app.put(
            ME,
            Some(&second.token),
            &profile("褚二", &id, "220102001001"),
        )
        .await,
        StatusCode::CONFLICT,
        "ID_NUMBER_TAKEN",
    )
    .await;

    let cipher = &app.state.cipher;
    assert_eq!(
        jiqing::talents::rotation::reencrypt_batch(app.db(), cipher, 100)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        jiqing::talents::rotation::reencrypt_batch(app.db(), cipher, 100)
            .await
            .unwrap(),
        0
    );
    let row = talent_profiles::Entity::find()
        .one(app.db())
        .await
        .unwrap()
        .unwrap();
    assert!(row.id_number_enc.starts_with(&cipher.current_prefix()));
    assert!(
        old.decrypt(&row.id_number_enc).is_err(),
        "the old key is no longer needed"
    );
    let full = json_of(
        app.post(
            &format!(
                "/api/v1/admin/talents/{}/reveals",
                view["id"].as_str().unwrap()
            ),
            Some(&county.token),
            &json!({"reason": "核对密钥轮换后的数据"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(full["idNumber"], id);
    assert_eq!(full["phone"], "13812345678");
}

#[tokio::test]
async fn id_number_conflicts_are_limited_per_day_and_recorded_for_the_province() {
    let app = spawn_app().await;
    let (_holder, held) = register(&app, "holder", "张晓明", 41, "220102001001").await;
    let taken_id = id_number("19980501", 41);
    let prober = app.login_as_youth("prober").await;
    for _ in 0..5 {
        assert_error(
            app.put(
                ME,
                Some(&prober.token),
                &profile("李四", &taken_id, "220102001001"),
            )
            .await,
            StatusCode::CONFLICT,
            "ID_NUMBER_TAKEN",
        )
        .await;
    }
    // Today's checks are used up: any new number is refused, so the refusal tells nothing.
    for id in [taken_id.clone(), id_number("19980501", 43)] {
        let resp = app
            .put(
                ME,
                Some(&prober.token),
                &profile("李四", &id, "220102001001"),
            )
            .await;
        let retry: u64 = resp.headers()["retry-after"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!(
            (1..=86_400).contains(&retry),
            "retry after midnight China time: {retry}"
        );
        let body = assert_error(
            resp,
            StatusCode::TOO_MANY_REQUESTS,
            "ID_NUMBER_CHECKS_EXHAUSTED",
        )
        .await;
        assert_eq!(body["error"]["retryable"], true);
    }
    assert_error(
        app.get(ME, Some(&prober.token)).await,
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
    )
    .await;
    // The province sees every conflict, without the number itself.
    let province = app.admin_of("220000").await;
    let list = json_of(
        app.get(
            "/api/v1/admin/talents/id-number-conflicts",
            Some(&province.token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(list["total"], 5);
    assert_eq!(list["items"][0]["userId"], prober.user_id.as_str());
    assert_eq!(list["items"][0]["holderProfileId"], held["id"]);
    assert_eq!(list["items"][0]["homeRegionCode"], "220102001001");
    assert!(!list.to_string().contains(&taken_id));
    let county = app.admin_of("220102").await;
    assert_error(
        app.get(
            "/api/v1/admin/talents/id-number-conflicts",
            Some(&county.token),
        )
        .await,
        StatusCode::FORBIDDEN,
        "PROVINCE_CADRE_ONLY",
    )
    .await;
}

async fn export_with_fault(
    app: &TestApp,
    token: &str,
    fault_after: Option<u64>,
) -> reqwest::Response {
    let mut req = app
        .client
        .get(app.url("/api/v1/admin/talents/export"))
        .bearer_auth(token);
    if let Some(n) = fault_after {
        req = req.header("x-test-export-fault-after", n.to_string());
    }
    app.send(req).await
}

#[tokio::test]
async fn an_export_whose_first_query_fails_answers_an_error_envelope() {
    let app = spawn_app().await;
    seed_talents(&app, 3, "220102001002", TalentStatus::Verified).await;
    let county = app.admin_of("220102").await;
    let resp = export_with_fault(&app, &county.token, Some(0)).await;
    assert!(resp.headers().get("x-request-id").is_some());
    assert_error(resp, StatusCode::INTERNAL_SERVER_ERROR, "INTERNAL_ERROR").await;
}

#[tokio::test]
async fn an_export_failing_mid_stream_is_reported_as_a_failed_download() {
    let app = spawn_app_with(|s| s.export_chunk_rows = 2).await;
    seed_talents(&app, 5, "220102001002", TalentStatus::Verified).await;
    let county = app.admin_of("220102").await;
    // Chunks of two rows: the first is read before the answer starts, the third fails. The
    // client sees a failed download, never a shorter file: the body breaks off, or, when the
    // failure comes before actix flushed the head it had buffered with the first chunks (seen
    // under load in CI), the connection closes before the response is complete.
    let sent = app
        .client
        .get(app.url("/api/v1/admin/talents/export"))
        .bearer_auth(&county.token)
        .header("x-test-export-fault-after", "2")
        .send()
        .await;
    match sent {
        Ok(resp) => {
            assert_eq!(resp.status(), StatusCode::OK, "the download had started");
            assert!(
                resp.bytes().await.is_err(),
                "the client sees a failed download, not a shorter file"
            );
        }
        Err(e) => assert!(
            e.is_request() && !e.is_timeout(),
            "the connection broke off: {e:?}"
        ),
    }
    // Without the fault the same export completes, across three chunks.
    let resp = export_with_fault(&app, &county.token, None).await;
    let text = resp.text().await.unwrap();
    assert_eq!(text.lines().count(), 1 + 5);
}
