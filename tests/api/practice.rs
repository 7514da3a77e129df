//! 返家乡 practice: student profiles, options, campaigns, host units and supervisor invitations
//! here; applications, positions, imports, attendance, reports, closing and supervision in the
//! parts below (`cargo test --test api -- practice` runs them all). The spec's acceptance checks:
//!
//! | check | test |
//! |---|---|
//! | 1 home county, city-wide, 梅河口 | `applications::students_apply_in_their_home_county_and_city_wide_in_their_top_level_unit` |
//! | 2 last seat `POSITION_FULL`, a lapse frees it | `applications::two_offers_for_the_last_seat_have_one_winner`, `applications::an_unconfirmed_offer_lapses_exactly_once` |
//! | 3 two confirmations, one `ALREADY_PLACED` | `applications::two_confirmations_of_one_student_have_one_winner` |
//! | 4 check-ins: same nonce, `ALREADY_CHECKED_IN`, `OUTSIDE_PRACTICE_DATES` | `checkins::a_placed_student_checks_in_and_out_once_a_china_day_with_the_minutes_capped`, `checkins::check_ins_outside_the_practice_days_or_06_to_22_china_time_are_refused` |
//! | 5 certificate refusals, `JQFX-…`, public check `张**` | `certificates::check_5_a_certificate_needs_an_accepted_report_enough_days_and_a_passing_grade` |
//! | 6 `APPLICATION_CLOSED` at 00:00:01 China time | `applications::applying_is_refused_with_its_code_for_every_rule` |
//! | 7 another host's application 404, invitation reuse 409 | `applications::selection_is_refused_to_the_wrong_actor_host_or_state`, `an_invitation_binds_one_supervisor_once_and_then_answers_used_expired_or_wrong` |
//! | 8 CSV import with one bad row | `imports::a_csv_import_with_bad_rows_creates_nothing_and_names_each_row_and_field` |
//! | 9 the 4th 优秀 of 10 | `certificates::check_9_the_fourth_excellent_of_ten_placements_is_refused_and_a_regrade_frees_a_place` |
//! | 10 40 hours of practice leave volunteer hours alone | `certificates::check_10_a_certified_placement_with_40_hours_leaves_volunteer_hours_and_boards_unchanged` |
//! | 11 `LOCAL_UNIT_ONLY`, `AGE_NOT_ELIGIBLE`, `HOST_SUSPENDED` | `applications::selection_is_refused_to_the_wrong_actor_host_or_state`, `applications::applying_is_refused_with_its_code_for_every_rule` |
//! | 12 retention | `supervision::retention_clears_exactly_the_personal_fields_of_finished_practice`, `certificates::check_12_a_certificate_stays_checkable_with_the_masked_name_after_retention` |
pub mod applications;
pub mod certificates;
pub mod checkins;
pub mod imports;
pub mod positions;
pub mod reports;
pub mod supervision;

use chrono::{Duration, Utc};
use entity::host_supervisors;
use reqwest::StatusCode;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

use crate::helpers::*;

pub const MEIHEKOU_VILLAGE: &str = "220581001001";
pub const NANGUAN: &str = "220102";
pub const NANGUAN_VILLAGE: &str = "220102001001";
pub const KUANCHENG: &str = "220103";

/// A valid ID number born on `dob` (`YYYYMMDD`), male.
pub fn id_number(dob: &str) -> String {
    let body = format!("220581{dob}001");
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = body
        .bytes()
        .zip(WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    let check = b"10X98765432"[(sum % 11) as usize] as char;
    format!("{body}{check}")
}

/// A full student profile homed in `region`.
pub fn profile_body(region: &str) -> Value {
    json!({
        "realName": "张三", "gender": "male", "dateOfBirth": "2004-03-01",
        "schoolName": "吉林大学", "schoolProvince": "吉林省", "major": "法学",
        "degreeLevel": "bachelor", "enrollmentYear": 2023, "expectedGraduation": "2027-06",
        "homeRegionCode": region, "studentNumber": "20230001",
        "emergencyContactName": "张父", "emergencyContactPhone": "13900001111",
        "consent": true, "consentVersion": "2026-12"
    })
}

/// A WeChat user with a student profile homed in `region`.
pub async fn student_in(app: &TestApp, name: &str, region: &str) -> Login {
    let login = app.login_as_youth(name).await;
    json_of(
        app.put(
            "/api/v1/me/student-profile",
            Some(&login.token),
            &profile_body(region),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    login
}

pub fn campaign_body() -> Value {
    let open = Utc::now() - Duration::days(1);
    let starts = jiqing::time::today_in_china(Utc::now()) + Duration::days(10);
    json!({
        "name": "2027年寒假“返家乡”社会实践", "season": "winter", "year": 2027,
        "applicationsOpenAt": open.to_rfc3339(),
        "applicationsCloseAt": format!("{}T23:59:59+08:00", starts - Duration::days(2)),
        "practiceStartsOn": starts.to_string(),
        "practiceEndsOn": (starts + Duration::days(20)).to_string(),
    })
}

pub async fn create_campaign(app: &TestApp, cadre: &Login, body: &Value) -> Value {
    json_of(
        app.post("/api/v1/admin/practice/campaigns", Some(&cadre.token), body)
            .await,
        StatusCode::CREATED,
    )
    .await
}

pub fn host_body(region: &str) -> Value {
    json!({"name": "南关区南岭街道办事处", "kind": "party_government", "regionCode": region,
           "address": "南岭大街1号", "contactName": "李主任", "contactPhone": "13800002222"})
}

pub async fn create_host(app: &TestApp, cadre: &Login, region: &str) -> Value {
    json_of(
        app.post(
            "/api/v1/admin/practice/host-units",
            Some(&cadre.token),
            &host_body(region),
        )
        .await,
        StatusCode::CREATED,
    )
    .await
}

pub async fn invite(app: &TestApp, cadre: &Login, host: &str) -> String {
    json_of(
        app.post(
            &format!("/api/v1/admin/practice/host-units/{host}/invitations"),
            Some(&cadre.token),
            &json!({}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await["code"]
        .as_str()
        .unwrap()
        .to_owned()
}

pub async fn accept(app: &TestApp, who: &Login, code: &str) -> reqwest::Response {
    app.post(
        "/api/v1/host-invitations/acceptances",
        Some(&who.token),
        &json!({ "code": code }),
    )
    .await
}

async fn roles(app: &TestApp, who: &Login) -> Vec<String> {
    let me = json_of(
        app.get("/api/v1/me", Some(&who.token)).await,
        StatusCode::OK,
    )
    .await;
    me["roles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn practice_options_list_every_choice_with_labels_consents_and_defaults_without_login() {
    let app = spawn_app().await;
    let o = json_of(
        app.get("/api/v1/practice-options", None).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        o["degreeLevels"][0],
        json!({"value": "junior_college", "label": "专科"})
    );
    assert_eq!(o["hostKinds"].as_array().unwrap().len(), 7);
    assert!(o["hostKinds"].to_string().contains("青年之家"));
    assert_eq!(o["seasons"][0]["label"], "寒假");
    assert!(
        o["hostSharingConsent"]["text"]
            .as_str()
            .unwrap()
            .contains("{recipient}")
    );
    assert_eq!(o["profileConsent"]["version"], "2026-12");
    assert_eq!(
        o["defaults"],
        json!({"minDays": 7, "offerValidHours": 72, "reportDueDays": 14,
               "excellentCapPermille": 300, "maxOpenApplications": 3})
    );
    assert_eq!(o["applyMinAge"], 18);
}

#[tokio::test]
async fn saving_a_student_profile_grants_the_student_role_masks_numbers_and_deleting_clears_it() {
    let app = spawn_app().await;
    let s = app.login_as_youth("stu1").await;
    assert!(!roles(&app, &s).await.contains(&"student".to_owned()));
    let mut body = profile_body(MEIHEKOU_VILLAGE);
    body["idNumber"] = json!(id_number("20040301"));
    body["idNumberConsent"] = json!(true);
    let p = json_of(
        app.put("/api/v1/me/student-profile", Some(&s.token), &body)
            .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(p["emergencyContactPhone"], "139****1111");
    assert!(p["idNumber"].as_str().unwrap().contains('*'));
    assert_eq!(p["homeUnitCode"], "220581");
    assert_eq!(p["degreeLevelLabel"], "本科");
    assert!(roles(&app, &s).await.contains(&"student".to_owned()));
    // Encrypted at rest: the stored columns do not hold the numbers.
    let stored = entity::student_profiles::Entity::find()
        .one(app.db())
        .await
        .unwrap()
        .unwrap();
    assert!(
        !stored
            .emergency_contact_phone_enc
            .unwrap()
            .contains("13900001111")
    );
    assert!(!stored.id_number_enc.unwrap().contains("20040301"));
    // Saving again updates (200) and keeps the ID number when none is sent.
    body["major"] = json!("社会学");
    body["idNumber"] = Value::Null;
    let p = json_of(
        app.put("/api/v1/me/student-profile", Some(&s.token), &body)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(p["major"], "社会学");
    assert!(p["idNumber"].is_string());
    assert_eq!(p["version"], 2);
    let got = json_of(
        app.get("/api/v1/me/student-profile", Some(&s.token)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(got["major"], "社会学");
    // Deleting clears the role; the profile is gone.
    let resp = app
        .delete("/api/v1/me/student-profile", Some(&s.token))
        .await;
    assert_eq!(resp.status(), StatusCode::NO_CONTENT);
    assert!(!roles(&app, &s).await.contains(&"student".to_owned()));
    assert_error(
        app.get("/api/v1/me/student-profile", Some(&s.token)).await,
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
    )
    .await;
}

#[tokio::test]
async fn a_bad_student_profile_is_refused_field_by_field_and_writes_nothing() {
    let app = spawn_app().await;
    let s = app.login_as_youth("stu2").await;
    let fifteen = jiqing::time::today_in_china(Utc::now()) - Duration::days(15 * 366);
    let cases: Vec<(Value, &str, &str)> = vec![
        (
            json!({"dateOfBirth": fifteen.to_string()}),
            "dateOfBirth",
            "AGE_RANGE",
        ),
        (
            json!({"homeRegionCode": "220500"}),
            "homeRegionCode",
            "LEVEL",
        ),
        (
            json!({"homeRegionCode": "229999"}),
            "homeRegionCode",
            "UNKNOWN_REGION",
        ),
        (
            json!({"expectedGraduation": "2027-13"}),
            "expectedGraduation",
            "FORMAT",
        ),
        (
            json!({"expectedGraduation": "2020-06"}),
            "expectedGraduation",
            "RANGE",
        ),
        (json!({"enrollmentYear": 2009}), "enrollmentYear", "RANGE"),
        (
            json!({"emergencyContactPhone": "12345"}),
            "emergencyContactPhone",
            "FORMAT",
        ),
        (
            json!({"idNumber": id_number("20040301")}),
            "idNumberConsent",
            "CONSENT_REQUIRED",
        ),
        (
            json!({"idNumber": id_number("20040302"), "idNumberConsent": true}),
            "idNumber",
            "ID_BIRTH_MISMATCH",
        ),
        (json!({"consent": false}), "consent", "CONSENT_REQUIRED"),
        (
            json!({"consentVersion": "2020-01"}),
            "consentVersion",
            "CONSENT_OUTDATED",
        ),
        (json!({"schoolName": "吉"}), "schoolName", "LENGTH"),
    ];
    for (patch, field, code) in cases {
        let mut body = profile_body(NANGUAN_VILLAGE);
        for (k, v) in patch.as_object().unwrap() {
            body[k] = v.clone();
        }
        let e = json_of(
            app.put("/api/v1/me/student-profile", Some(&s.token), &body)
                .await,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
        let fields = e["error"]["fields"].as_array().unwrap();
        assert!(
            fields
                .iter()
                .any(|f| f["field"] == field && f["code"] == code),
            "{field} {code}: {e}"
        );
        assert!(
            fields
                .iter()
                .all(|f| !f["message"].as_str().unwrap().is_empty())
        );
    }
    assert_error(
        app.get("/api/v1/me/student-profile", Some(&s.token)).await,
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
    )
    .await;
    assert!(!roles(&app, &s).await.contains(&"student".to_owned()));
    // Staff have no student profile.
    let cadre = app.admin_of(NANGUAN).await;
    assert_error(
        app.put(
            "/api/v1/me/student-profile",
            Some(&cadre.token),
            &profile_body(NANGUAN_VILLAGE),
        )
        .await,
        StatusCode::FORBIDDEN,
        "YOUTH_ONLY",
    )
    .await;
}

#[tokio::test]
async fn the_province_runs_a_campaign_with_default_settings_that_change_only_while_draft() {
    let app = spawn_app().await;
    let province = app.admin_of("220000").await;
    let county = app.admin_of(NANGUAN).await;
    let student = student_in(&app, "stu3", NANGUAN_VILLAGE).await;
    let body = campaign_body();
    let c = create_campaign(&app, &province, &body).await;
    let id = c["id"].as_str().unwrap().to_owned();
    assert_eq!(c["status"], "draft");
    assert_eq!(c["areaUnitCode"], "220000");
    assert_eq!(
        (c["minDays"].clone(), c["offerValidHours"].clone()),
        (json!(7), json!(72))
    );
    assert_eq!(
        (
            c["reportDueDays"].clone(),
            c["excellentCapPermille"].clone()
        ),
        (json!(14), json!(300))
    );
    // China time: the close instant reads back as sent.
    assert!(
        c["applicationsCloseAt"]
            .as_str()
            .unwrap()
            .ends_with("T23:59:59+08:00")
    );
    // Students do not see drafts.
    let list = json_of(
        app.get("/api/v1/practice/campaigns", Some(&student.token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(list["total"], 0);
    // Settings change while draft.
    let mut edited = body.clone();
    edited["minDays"] = json!(5);
    edited["offerValidHours"] = json!(0);
    edited["version"] = json!(1);
    let c = json_of(
        app.put(
            &format!("/api/v1/admin/practice/campaigns/{id}"),
            Some(&province.token),
            &edited,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        (
            c["minDays"].clone(),
            c["offerValidHours"].clone(),
            c["version"].clone()
        ),
        (json!(5), json!(0), json!(2))
    );
    // A county cadre sees the province's campaign but cannot change it.
    let seen = json_of(
        app.get(
            &format!("/api/v1/admin/practice/campaigns/{id}"),
            Some(&county.token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(seen["timeline"].as_array().unwrap().len(), 2);
    let listed = json_of(
        app.get("/api/v1/admin/practice/campaigns", Some(&county.token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(listed["total"], 1);
    assert_error(
        app.post(
            &format!("/api/v1/admin/practice/campaigns/{id}/openings"),
            Some(&county.token),
            &json!({}),
        )
        .await,
        StatusCode::FORBIDDEN,
        "CAMPAIGN_UNIT_ONLY",
    )
    .await;
    // Open: students see it, accepting applications.
    let c = json_of(
        app.post(
            &format!("/api/v1/admin/practice/campaigns/{id}/openings"),
            Some(&province.token),
            &json!({"version": 2}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(c["status"], "open");
    let list = json_of(
        app.get("/api/v1/practice/campaigns", Some(&student.token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["acceptingApplications"], true);
    // Once open the settings are locked; the name may still change.
    edited["minDays"] = json!(10);
    edited["version"] = json!(3);
    assert_error(
        app.put(
            &format!("/api/v1/admin/practice/campaigns/{id}"),
            Some(&province.token),
            &edited,
        )
        .await,
        StatusCode::CONFLICT,
        "CAMPAIGN_SETTINGS_LOCKED",
    )
    .await;
    edited["minDays"] = json!(5);
    edited["name"] = json!("2027年寒假“返家乡”社会实践（延长）");
    let c = json_of(
        app.put(
            &format!("/api/v1/admin/practice/campaigns/{id}"),
            Some(&province.token),
            &edited,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(c["minDays"], 5);
    // The same edit again is a harmless repeat (200); another one on the old version is stale.
    json_of(
        app.put(
            &format!("/api/v1/admin/practice/campaigns/{id}"),
            Some(&province.token),
            &edited,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    edited["name"] = json!("2027年寒假“返家乡”社会实践（再次修改）");
    assert_error(
        app.put(
            &format!("/api/v1/admin/practice/campaigns/{id}"),
            Some(&province.token),
            &edited,
        )
        .await,
        StatusCode::CONFLICT,
        "CAMPAIGN_CHANGED",
    )
    .await;
    // Archive only after closing.
    assert_error(
        app.post(
            &format!("/api/v1/admin/practice/campaigns/{id}/archivings"),
            Some(&province.token),
            &json!({}),
        )
        .await,
        StatusCode::CONFLICT,
        "INVALID_STATE",
    )
    .await;
    for step in ["closings", "archivings"] {
        json_of(
            app.post(
                &format!("/api/v1/admin/practice/campaigns/{id}/{step}"),
                Some(&province.token),
                &json!({}),
            )
            .await,
            StatusCode::OK,
        )
        .await;
    }
    let list = json_of(
        app.get("/api/v1/practice/campaigns", Some(&student.token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(list["total"], 0);
}

#[tokio::test]
async fn a_bad_campaign_is_refused_and_other_units_do_not_see_a_local_campaign() {
    let app = spawn_app().await;
    let nanguan = app.admin_of(NANGUAN).await;
    let kuancheng = app.admin_of(KUANCHENG).await;
    let changchun = app.admin_of("220100").await;
    let mut bad = campaign_body();
    bad["practiceEndsOn"] = json!("2020-01-01");
    let e = json_of(
        app.post(
            "/api/v1/admin/practice/campaigns",
            Some(&nanguan.token),
            &bad,
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(e["error"]["fields"][0]["field"], "practiceEndsOn");
    let mut bad = campaign_body();
    bad["excellentCapPermille"] = json!(1001);
    assert_error(
        app.post(
            "/api/v1/admin/practice/campaigns",
            Some(&nanguan.token),
            &bad,
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    let c = create_campaign(&app, &nanguan, &campaign_body()).await;
    assert_eq!(c["areaUnitCode"], NANGUAN);
    let id = c["id"].as_str().unwrap();
    // The neighbour county neither sees nor changes it; the city above may.
    assert_error(
        app.get(
            &format!("/api/v1/admin/practice/campaigns/{id}"),
            Some(&kuancheng.token),
        )
        .await,
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
    )
    .await;
    let listed = json_of(
        app.get("/api/v1/admin/practice/campaigns", Some(&kuancheng.token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(listed["total"], 0);
    json_of(
        app.post(
            &format!("/api/v1/admin/practice/campaigns/{id}/openings"),
            Some(&changchun.token),
            &json!({}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
}

#[tokio::test]
async fn local_unit_cadres_register_host_units_and_others_are_refused() {
    let app = spawn_app().await;
    let nanguan = app.admin_of(NANGUAN).await;
    let changchun = app.admin_of("220100").await;
    let kuancheng = app.admin_of(KUANCHENG).await;
    let h = create_host(&app, &nanguan, "220102001").await;
    assert_eq!(h["contactPhone"], "138****2222");
    assert_eq!(h["kindLabel"], "党政机关");
    assert_eq!(h["status"], "active");
    let id = h["id"].as_str().unwrap().to_owned();
    // The city above reads but is not the local unit; the neighbour is outside.
    assert_error(
        app.post(
            "/api/v1/admin/practice/host-units",
            Some(&changchun.token),
            &host_body("220102001"),
        )
        .await,
        StatusCode::FORBIDDEN,
        "LOCAL_UNIT_ONLY",
    )
    .await;
    assert_error(
        app.post(
            "/api/v1/admin/practice/host-units",
            Some(&kuancheng.token),
            &host_body("220102001"),
        )
        .await,
        StatusCode::FORBIDDEN,
        "OUTSIDE_REGION",
    )
    .await;
    json_of(
        app.get(
            &format!("/api/v1/admin/practice/host-units/{id}"),
            Some(&changchun.token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_error(
        app.post(
            &format!("/api/v1/admin/practice/host-units/{id}/invitations"),
            Some(&changchun.token),
            &json!({}),
        )
        .await,
        StatusCode::FORBIDDEN,
        "LOCAL_UNIT_ONLY",
    )
    .await;
    assert_error(
        app.get(
            &format!("/api/v1/admin/practice/host-units/{id}"),
            Some(&kuancheng.token),
        )
        .await,
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
    )
    .await;
    // Bad input.
    let mut bad = host_body("220102001");
    bad["contactPhone"] = json!("123");
    assert_error(
        app.post(
            "/api/v1/admin/practice/host-units",
            Some(&nanguan.token),
            &bad,
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    assert_error(
        app.post(
            "/api/v1/admin/practice/host-units",
            Some(&nanguan.token),
            &host_body("220100"),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    // Edit, suspend, reinstate.
    let mut edit = host_body("220102001001");
    edit["name"] = json!("南岭街道青年之家");
    edit["kind"] = json!("youth_home");
    edit["version"] = json!(1);
    let h = json_of(
        app.put(
            &format!("/api/v1/admin/practice/host-units/{id}"),
            Some(&nanguan.token),
            &edit,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(h["kindLabel"], "青年之家");
    let h = json_of(
        app.post(
            &format!("/api/v1/admin/practice/host-units/{id}/suspensions"),
            Some(&nanguan.token),
            &json!({"reason": "整改期间暂停"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(h["status"], "suspended");
    let h = json_of(
        app.post(
            &format!("/api/v1/admin/practice/host-units/{id}/reinstatements"),
            Some(&nanguan.token),
            &json!({}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(h["status"], "active");
    let list = json_of(
        app.get("/api/v1/admin/practice/host-units", Some(&changchun.token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(list["total"], 1);
    let list = json_of(
        app.get("/api/v1/admin/practice/host-units", Some(&kuancheng.token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(list["total"], 0);
    assert_error(
        app.get(
            &format!("/api/v1/admin/practice/host-units?region={NANGUAN}"),
            Some(&kuancheng.token),
        )
        .await,
        StatusCode::FORBIDDEN,
        "OUTSIDE_REGION",
    )
    .await;
    let detail = json_of(
        app.get(
            &format!("/api/v1/admin/practice/host-units/{id}"),
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
    assert_eq!(actions, ["create", "edit", "suspend", "reinstate"]);
}

#[tokio::test]
async fn an_invitation_binds_one_supervisor_once_and_then_answers_used_expired_or_wrong() {
    let app = spawn_app().await;
    let nanguan = app.admin_of(NANGUAN).await;
    let h = create_host(&app, &nanguan, "220102001").await;
    let host = h["id"].as_str().unwrap().to_owned();
    let code = invite(&app, &nanguan, &host).await;
    assert_eq!(code.len(), 8);
    // Only the hash is kept.
    let row = host_supervisors::Entity::find()
        .one(app.db())
        .await
        .unwrap()
        .unwrap();
    assert_ne!(row.invite_code_hash, code);
    let sup = app.login_as_youth("sup1").await;
    let mine = json_of(
        accept(&app, &sup, &code.to_lowercase()).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(mine["hostUnitId"], host.as_str());
    let units = json_of(
        app.get("/api/v1/me/host/units", Some(&sup.token)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(units.as_array().unwrap().len(), 1);
    // Used: by anyone, the same person included.
    let other = app.login_as_youth("sup2").await;
    assert_error(
        accept(&app, &other, &code).await,
        StatusCode::CONFLICT,
        "INVITATION_USED",
    )
    .await;
    assert_error(
        accept(&app, &sup, &code).await,
        StatusCode::CONFLICT,
        "INVITATION_USED",
    )
    .await;
    // Expired after 7 days.
    let code2 = invite(&app, &nanguan, &host).await;
    host_supervisors::Entity::update_many()
        .col_expr(
            host_supervisors::Column::InviteExpiresAt,
            Expr::value(Utc::now() - Duration::seconds(1)),
        )
        .filter(host_supervisors::Column::AcceptedAt.is_null())
        .exec(app.db())
        .await
        .unwrap();
    assert_error(
        accept(&app, &other, &code2).await,
        StatusCode::GONE,
        "INVITATION_EXPIRED",
    )
    .await;
    // The host shows its supervisor; staff cannot accept.
    let detail = json_of(
        app.get(
            &format!("/api/v1/admin/practice/host-units/{host}"),
            Some(&nanguan.token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(detail["supervisors"].as_array().unwrap().len(), 1);
    assert_eq!(detail["supervisors"][0]["userId"], sup.user_id.as_str());
    let code3 = invite(&app, &nanguan, &host).await;
    assert_error(
        accept(&app, &nanguan, &code3).await,
        StatusCode::FORBIDDEN,
        "YOUTH_ONLY",
    )
    .await;
    // Revoking removes the binding; a second revoke finds nothing.
    let path = format!(
        "/api/v1/admin/practice/host-units/{host}/supervisors/{}",
        sup.user_id
    );
    assert_eq!(
        app.delete(&path, Some(&nanguan.token)).await.status(),
        StatusCode::NO_CONTENT
    );
    assert_error(
        app.delete(&path, Some(&nanguan.token)).await,
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
    )
    .await;
    let units = json_of(
        app.get("/api/v1/me/host/units", Some(&sup.token)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(units.as_array().unwrap().len(), 0);
    // Ten wrong codes an hour, then 429 even for a right one.
    for _ in 0..10 {
        assert_error(
            accept(&app, &other, "WRONG123").await,
            StatusCode::NOT_FOUND,
            "INVITATION_NOT_FOUND",
        )
        .await;
    }
    let body = assert_error(
        accept(&app, &other, &code3).await,
        StatusCode::TOO_MANY_REQUESTS,
        "INVITATION_TRIES_EXHAUSTED",
    )
    .await;
    assert_eq!(body["error"]["retryable"], true);
}

#[tokio::test]
async fn two_people_racing_for_one_invitation_code_bind_exactly_one() {
    let app = spawn_app().await;
    let other_instance = app.spawn_another_instance().await;
    let nanguan = app.admin_of(NANGUAN).await;
    let h = create_host(&app, &nanguan, "220102001").await;
    let host = h["id"].as_str().unwrap().to_owned();
    let code = invite(&app, &nanguan, &host).await;
    let a = app.login_as_youth("racer_a").await;
    let b = app.login_as_youth("racer_b").await;
    let (ra, rb) = tokio::join!(accept(&app, &a, &code), accept(&other_instance, &b, &code));
    let mut statuses = [ra.status(), rb.status()];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::CREATED, StatusCode::CONFLICT]);
    let detail = json_of(
        app.get(
            &format!("/api/v1/admin/practice/host-units/{host}"),
            Some(&nanguan.token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(detail["supervisors"].as_array().unwrap().len(), 1);
}
