//! 银团合作 loans: partner banks, loan products as data with the four-eyes publication, the
//! products youth see in their home area. The spec's acceptance checks are the tests named
//! after them.
use chrono::{Duration, Utc};
use entity::users::StaffRole;
use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::*;

/// 南关区 (长春市) and a village of it; 吉林市 and a village of 船营区.
pub const NANGUAN: &str = "220102";
pub const NANGUAN_VILLAGE: &str = "220102001001";
pub const JILIN_CITY_VILLAGE: &str = "220204001001";

/// 中国农业银行 (a valid code) and another valid one (the standard's example).
pub const ABC_CODE: &str = "911100001000054748";
pub const OTHER_CODE: &str = "91350100M000100Y43";

/// Register a bank as the province: its id.
pub async fn create_bank(
    app: &TestApp,
    province: &Login,
    name: &str,
    code: Option<&str>,
) -> String {
    let body = json_of(
        app.post(
            "/api/v1/admin/banks",
            Some(&province.token),
            &json!({"name": name, "shortName": name.chars().take(8).collect::<String>(), "unifiedCreditCode": code}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    body["id"].as_str().unwrap().to_owned()
}

/// An officer of `bank`, logged in.
pub async fn officer_of(app: &TestApp, bank: &str) -> Login {
    let username = format!("officer_{}", &Uuid::new_v4().simple().to_string()[..10]);
    app.create_staff(
        &username,
        StaffRole::BankOfficer,
        None,
        Some(bank.parse().unwrap()),
    )
    .await;
    app.login_staff(&username).await
}

/// 「青创贷」 as the spec's first acceptance check sets it up: up to 30,000,000 fen, 12–36
/// months, 385–435 bp, full subsidy, valid from yesterday for a year.
pub fn product_body(bank: &str, area: &str, code: &str) -> Value {
    let now = Utc::now();
    json!({
        "bankId": bank, "code": code, "name": "青创贷",
        "description": "面向农村创业青年的信用贷款。\n团组织推荐，合作银行审批。",
        "areaUnitCode": area, "borrowerKinds": ["individual"],
        "minAmountFen": 1_000_000, "maxAmountFen": 30_000_000,
        "minTermMonths": 12, "maxTermMonths": 36, "rateMinBp": 385, "rateMaxBp": 435,
        "rateNote": "LPR−15BP", "guaranteeTypes": ["credit", "guarantor"],
        "subsidyKind": "full", "subsidyPayerNote": "省财政",
        "validFrom": china_date(now - Duration::days(1)),
        "validTo": china_date(now + Duration::days(365))
    })
}

fn product_path(id: &str, action: &str) -> String {
    format!("/api/v1/admin/loan-products/{id}/{action}")
}

fn bank_product_path(id: &str, action: &str) -> String {
    format!("/api/v1/admin/bank/loan-products/{id}/{action}")
}

/// Create a product as `maker`: its JSON.
pub async fn create_product(app: &TestApp, maker: &Login, body: &Value) -> Value {
    json_of(
        app.post("/api/v1/admin/loan-products", Some(&maker.token), body)
            .await,
        StatusCode::CREATED,
    )
    .await
}

/// Send a draft to the bank and confirm it as `officer` (the version read): its JSON.
pub async fn confirmed(app: &TestApp, maker: &Login, officer: &Login, id: &str) -> Value {
    let sent = json_of(
        app.post(
            &product_path(id, "bank-submissions"),
            Some(&maker.token),
            &json!({}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    json_of(
        app.post(
            &bank_product_path(id, "confirmations"),
            Some(&officer.token),
            &json!({"version": sent["version"]}),
        )
        .await,
        StatusCode::OK,
    )
    .await
}

/// A published product for `body`: drafted by one province cadre, confirmed by the bank's
/// officer, published by another province cadre. Its JSON.
pub async fn published_product(app: &TestApp, officer: &Login, body: &Value) -> Value {
    let maker = app.admin_of("220000").await;
    let checker = app.admin_of("220000").await;
    let id = create_product(app, &maker, body).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    confirmed(app, &maker, officer, &id).await;
    json_of(
        app.post(
            &product_path(&id, "publications"),
            Some(&checker.token),
            &json!({}),
        )
        .await,
        StatusCode::OK,
    )
    .await
}

fn actions(timeline: &Value) -> Vec<(String, String)> {
    timeline
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap().to_owned(),
                e["actor"]["kind"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn loan_options_list_every_choice_with_labels_the_consent_texts_and_the_limits() {
    let app = spawn_app().await;
    let o = json_of(app.get("/api/v1/loan-options", None).await, StatusCode::OK).await;
    assert_eq!(
        o["guaranteeTypes"],
        json!([
            {"value": "credit", "label": "信用"}, {"value": "guarantor", "label": "保证"},
            {"value": "collateral", "label": "抵押"}, {"value": "pledge", "label": "质押"},
            {"value": "guarantee_fund", "label": "担保基金"}
        ])
    );
    assert_eq!(o["purposes"].as_array().unwrap().len(), 9);
    assert_eq!(
        o["borrowerKinds"][1],
        json!({"value": "business", "label": "经营主体"})
    );
    assert_eq!(
        o["rejectReasons"][0],
        json!({"value": "credit_record", "label": "征信不良"})
    );
    assert_eq!(o["applicationStatuses"].as_array().unwrap().len(), 12);
    assert_eq!(o["notRecommendedReasons"].as_array().unwrap().len(), 5);
    assert_eq!(
        o["subsidyKinds"][1],
        json!({"value": "full", "label": "全额贴息"})
    );
    for consent in ["creditInquiry", "bankSharing"] {
        assert_eq!(o["consents"][consent]["version"], "2026-12");
        assert!(
            o["consents"][consent]["text"]
                .as_str()
                .unwrap()
                .contains("{recipient}")
        );
    }
    let l = &o["limits"];
    assert_eq!(
        (
            l["reviewDays"].as_i64(),
            l["bankDays"].as_i64(),
            l["resubmitDays"].as_i64()
        ),
        (Some(7), Some(14), Some(30))
    );
    assert_eq!(l["reversalHours"], 72);
    assert_eq!(l["returnLimit"], 3);
    assert_eq!(l["attachmentsMax"], 9);
    assert_eq!(l["ageMinFloor"], 18);
    assert_eq!(l["defaultAmountStepFen"], 100_000);
    // Settings show through.
    let app = spawn_app_with(|s| s.loans.review_days = 5).await;
    let o = json_of(app.get("/api/v1/loan-options", None).await, StatusCode::OK).await;
    assert_eq!(o["limits"]["reviewDays"], 5);
}

#[tokio::test]
async fn a_bank_is_registered_with_its_short_name_and_a_gb_32100_checked_credit_code() {
    let app = spawn_app().await;
    let province = app.admin_of("220000").await;
    let bank = json_of(
        app.post(
            "/api/v1/admin/banks",
            Some(&province.token),
            &json!({"name": "中国农业银行股份有限公司吉林省分行", "shortName": "农行吉林分行",
                    "unifiedCreditCode": "911100001000054748"}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(bank["shortName"], "农行吉林分行");
    assert_eq!(bank["unifiedCreditCode"], ABC_CODE);
    assert_eq!(bank["active"], true);
    // Lower case is taken as upper case.
    let other = json_of(
        app.post(
            "/api/v1/admin/banks",
            Some(&province.token),
            &json!({"name": "示例银行", "unifiedCreditCode": "91350100m000100y43"}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(other["unifiedCreditCode"], OTHER_CODE);
    // A wrong check character, a letter outside the alphabet, a short code: 422 FORMAT.
    for bad in [
        "911100001000054749",
        "91350100O000100Y43",
        "91110000100005474",
    ] {
        let body = assert_error(
            app.post(
                "/api/v1/admin/banks",
                Some(&province.token),
                &json!({"name": "吉林银行", "unifiedCreditCode": bad}),
            )
            .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "VALIDATION_FAILED",
        )
        .await;
        assert_eq!(
            body["error"]["fields"][0]["field"], "unifiedCreditCode",
            "{bad}"
        );
        assert_eq!(body["error"]["fields"][0]["code"], "FORMAT", "{bad}");
    }
    // One bank per code.
    assert_error(
        app.post(
            "/api/v1/admin/banks",
            Some(&province.token),
            &json!({"name": "另一家银行", "unifiedCreditCode": ABC_CODE}),
        )
        .await,
        StatusCode::CONFLICT,
        "DUPLICATE",
    )
    .await;
    let list = json_of(
        app.get("/api/v1/admin/banks", Some(&province.token)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(list["total"], 2);
}

/// Acceptance checks 1.1 and 11: drafted by a province cadre, confirmed by the bank's officer,
/// published by a second province cadre; the creator cannot publish, nobody publishes before
/// the bank confirmed, and published terms cannot be edited (a clone can).
#[tokio::test]
async fn a_product_is_drafted_confirmed_by_its_bank_and_published_by_another_cadre() {
    let app = spawn_app().await;
    let maker = app.admin_of("220000").await;
    let checker = app.admin_of("220000").await;
    let bank = create_bank(&app, &maker, "吉林银行", Some(ABC_CODE)).await;
    let other_bank = create_bank(&app, &maker, "农商银行", None).await;
    let officer = officer_of(&app, &bank).await;
    let stranger = officer_of(&app, &other_bank).await;

    let draft = create_product(&app, &maker, &product_body(&bank, "220000", "QCD_2027")).await;
    let id = draft["id"].as_str().unwrap().to_owned();
    assert_eq!(draft["status"], "draft");
    assert_eq!(draft["statusLabel"], "草稿");
    assert_eq!(
        draft["summary"],
        "最高30万元，年利率3.85%–4.35%，贴息：全额"
    );
    assert_eq!(draft["amountStepFen"], 100_000);
    assert_eq!(
        (draft["ageMin"].as_i64(), draft["ageMax"].as_i64()),
        (Some(18), Some(45))
    );
    assert_eq!(draft["offerValidDays"], 60);
    assert_eq!(draft["requiresVerifiedTalent"], true);
    assert_eq!(draft["allowConcurrentLoans"], false);
    assert_eq!(draft["bankName"], "吉林银行");
    assert_eq!(draft["manageable"], true);
    // The bank does not see drafts.
    assert_error(
        app.post(
            &bank_product_path(&id, "confirmations"),
            Some(&officer.token),
            &json!({"version": 1}),
        )
        .await,
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
    )
    .await;
    // A draft cannot be published.
    assert_error(
        app.post(
            &product_path(&id, "publications"),
            Some(&checker.token),
            &json!({}),
        )
        .await,
        StatusCode::CONFLICT,
        "INVALID_STATE",
    )
    .await;
    let sent = json_of(
        app.post(
            &product_path(&id, "bank-submissions"),
            Some(&maker.token),
            &json!({}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(sent["status"], "awaiting_bank");
    // Before the bank confirmed: 409.
    assert_error(
        app.post(
            &product_path(&id, "publications"),
            Some(&checker.token),
            &json!({}),
        )
        .await,
        StatusCode::CONFLICT,
        "BANK_CONFIRMATION_REQUIRED",
    )
    .await;
    // Another bank's officer: 404; the officer must name the version confirmed.
    assert_error(
        app.post(
            &bank_product_path(&id, "confirmations"),
            Some(&stranger.token),
            &json!({"version": sent["version"]}),
        )
        .await,
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
    )
    .await;
    assert_error(
        app.post(
            &bank_product_path(&id, "confirmations"),
            Some(&officer.token),
            &json!({}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    let ok = json_of(
        app.post(
            &bank_product_path(&id, "confirmations"),
            Some(&officer.token),
            &json!({"version": sent["version"]}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert!(ok["bankConfirmedAt"].is_string());
    // The creator may not publish their own product.
    assert_error(
        app.post(
            &product_path(&id, "publications"),
            Some(&maker.token),
            &json!({}),
        )
        .await,
        StatusCode::FORBIDDEN,
        "SAME_ACTOR_NOT_ALLOWED",
    )
    .await;
    // A cadre of a unit below the creator's may not check the province's work.
    let city = app.admin_of("220100").await;
    assert_error(
        app.post(
            &product_path(&id, "publications"),
            Some(&city.token),
            &json!({}),
        )
        .await,
        StatusCode::FORBIDDEN,
        "OUTSIDE_REGION",
    )
    .await;
    let published = json_of(
        app.post(
            &product_path(&id, "publications"),
            Some(&checker.token),
            &json!({}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(published["status"], "published");
    assert!(published["publishedAt"].is_string());
    assert_eq!(
        actions(&published["timeline"]),
        [
            ("create".into(), "cadre".into()),
            ("send_to_bank".into(), "cadre".into()),
            ("confirm_terms".into(), "bank_officer".into()),
            ("publish".into(), "cadre".into()),
        ]
    );
    assert_eq!(published["timeline"][2]["actor"]["label"], "吉林银行");
    // Repeating the publication is a 200 with the record as it is.
    json_of(
        app.post(
            &product_path(&id, "publications"),
            Some(&checker.token),
            &json!({}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    // Published terms are immutable.
    let mut edit = product_body(&bank, "220000", "QCD_2027");
    edit["rateMinBp"] = json!(300);
    edit["version"] = published["version"].clone();
    assert_error(
        app.put(
            &format!("/api/v1/admin/loan-products/{id}"),
            Some(&maker.token),
            &edit,
        )
        .await,
        StatusCode::CONFLICT,
        "PRODUCT_PUBLISHED",
    )
    .await;
    // A new version is a clone: a draft with the same terms and a new code.
    let clone = json_of(
        app.post(
            &product_path(&id, "clones"),
            Some(&checker.token),
            &json!({"code": "QCD_2028"}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(clone["status"], "draft");
    assert_eq!(clone["code"], "QCD_2028");
    assert_eq!(clone["clonedFromId"], id.as_str());
    assert_eq!(clone["rateMinBp"], 385);
    assert_eq!(clone["timeline"][0]["action"], "clone");
    assert_error(
        app.post(
            &product_path(&id, "clones"),
            Some(&checker.token),
            &json!({"code": "QCD_2028"}),
        )
        .await,
        StatusCode::CONFLICT,
        "PRODUCT_CODE_TAKEN",
    )
    .await;
    assert_error(
        app.post(
            &product_path(&id, "clones"),
            Some(&checker.token),
            &json!({"code": "qcd"}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    // The clone's creator is the checker now: the maker may publish it after confirmation.
    let clone_id = clone["id"].as_str().unwrap();
    edit["version"] = clone["version"].clone();
    edit["code"] = json!("QCD_2028");
    let edited = json_of(
        app.put(
            &format!("/api/v1/admin/loan-products/{clone_id}"),
            Some(&maker.token),
            &edit,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(edited["summary"], "最高30万元，年利率3%–4.35%，贴息：全额");
    confirmed(&app, &maker, &officer, clone_id).await;
    assert_error(
        app.post(
            &product_path(clone_id, "publications"),
            Some(&checker.token),
            &json!({}),
        )
        .await,
        StatusCode::FORBIDDEN,
        "SAME_ACTOR_NOT_ALLOWED",
    )
    .await;
    json_of(
        app.post(
            &product_path(clone_id, "publications"),
            Some(&maker.token),
            &json!({}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    // The original keeps its terms.
    let original = json_of(
        app.get(
            &format!("/api/v1/admin/loan-products/{id}"),
            Some(&maker.token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(original["rateMinBp"], 385);
}

#[tokio::test]
async fn an_edit_clears_the_banks_confirmation_and_a_stale_version_is_refused() {
    let app = spawn_app().await;
    let maker = app.admin_of("220100").await;
    let checker = app.admin_of("220100").await;
    let province = app.admin_of("220000").await;
    let bank = create_bank(&app, &province, "吉林银行", None).await;
    let officer = officer_of(&app, &bank).await;
    let id = create_product(&app, &maker, &product_body(&bank, "220100", "CC_QCD")).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let ok = confirmed(&app, &maker, &officer, &id).await;
    let mut edit = product_body(&bank, "220100", "CC_QCD");
    edit["maxAmountFen"] = json!(20_000_000);
    edit["version"] = json!(ok["version"].as_i64().unwrap() - 1);
    assert_error(
        app.put(
            &format!("/api/v1/admin/loan-products/{id}"),
            Some(&maker.token),
            &edit,
        )
        .await,
        StatusCode::CONFLICT,
        "PRODUCT_CHANGED",
    )
    .await;
    edit["version"] = ok["version"].clone();
    let edited = json_of(
        app.put(
            &format!("/api/v1/admin/loan-products/{id}"),
            Some(&maker.token),
            &edit,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(edited["status"], "awaiting_bank");
    assert!(edited["bankConfirmedAt"].is_null());
    assert_eq!(
        edited["summary"],
        "最高20万元，年利率3.85%–4.35%，贴息：全额"
    );
    assert_error(
        app.post(
            &product_path(&id, "publications"),
            Some(&checker.token),
            &json!({}),
        )
        .await,
        StatusCode::CONFLICT,
        "BANK_CONFIRMATION_REQUIRED",
    )
    .await;
    // A confirmation of the terms before the edit is stale.
    assert_error(
        app.post(
            &bank_product_path(&id, "confirmations"),
            Some(&officer.token),
            &json!({"version": ok["version"]}),
        )
        .await,
        StatusCode::CONFLICT,
        "PRODUCT_CHANGED",
    )
    .await;
    // The bank asks for changes: back to a draft with its note; drafts are not the bank's.
    let back = json_of(
        app.post(
            &bank_product_path(&id, "change-requests"),
            Some(&officer.token),
            &json!({"note": "利率下限请调整为3.95%", "version": edited["version"]}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(back["status"], "draft");
    assert_eq!(back["changeRequestNote"], "利率下限请调整为3.95%");
    let theirs = json_of(
        app.get("/api/v1/admin/bank/loan-products", Some(&officer.token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(theirs["total"], 0);
    let detail = json_of(
        app.get(
            &format!("/api/v1/admin/loan-products/{id}"),
            Some(&maker.token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let last = detail["timeline"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["action"], "request_changes");
    assert_eq!(last["reason"], "利率下限请调整为3.95%");
}

#[tokio::test]
async fn product_terms_are_checked_all_at_once_and_only_province_and_city_cadres_set_them_up() {
    let app = spawn_app().await;
    let province = app.admin_of("220000").await;
    let bank = create_bank(&app, &province, "吉林银行", None).await;
    let mut body = product_body(&bank, "220000", "bad code");
    body["maxAmountFen"] = json!(30_050_000);
    body["ageMin"] = json!(17);
    body["rateMaxBp"] = json!(2500);
    body["subsidyKind"] = json!("ratio");
    body["bankId"] = json!(Uuid::now_v7());
    let err = assert_error(
        app.post("/api/v1/admin/loan-products", Some(&province.token), &body)
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    let mut fields: Vec<(String, String)> = err["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["field"].as_str().unwrap().to_owned(),
                f["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    fields.sort();
    assert_eq!(
        fields,
        [
            ("ageMin".into(), "RANGE".into()),
            ("bankId".into(), "UNKNOWN_BANK".into()),
            ("code".into(), "FORMAT".into()),
            ("maxAmountFen".into(), "RANGE".into()),
            ("rateMaxBp".into(), "RANGE".into()),
            ("subsidyRatioPermille".into(), "REQUIRED".into()),
        ]
    );
    // A county cadre sets up no product, not even for their own county.
    let county = app.admin_of(NANGUAN).await;
    assert_error(
        app.post(
            "/api/v1/admin/loan-products",
            Some(&county.token),
            &product_body(&bank, NANGUAN, "NG_1"),
        )
        .await,
        StatusCode::FORBIDDEN,
        "PROVINCE_OR_CITY_ONLY",
    )
    .await;
    // A city cadre, not for another city; an unknown unit is a 422.
    let city = app.admin_of("220100").await;
    assert_error(
        app.post(
            "/api/v1/admin/loan-products",
            Some(&city.token),
            &product_body(&bank, "220200", "JL_1"),
        )
        .await,
        StatusCode::FORBIDDEN,
        "OUTSIDE_REGION",
    )
    .await;
    assert_error(
        app.post(
            "/api/v1/admin/loan-products",
            Some(&city.token),
            &product_body(&bank, "229999", "JL_1"),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    // Nothing was written.
    let list = json_of(
        app.get("/api/v1/admin/loan-products", Some(&province.token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(list["total"], 0);
    // The same code twice: 409.
    create_product(&app, &city, &product_body(&bank, "220100", "CC_1")).await;
    assert_error(
        app.post(
            "/api/v1/admin/loan-products",
            Some(&province.token),
            &product_body(&bank, "220000", "CC_1"),
        )
        .await,
        StatusCode::CONFLICT,
        "PRODUCT_CODE_TAKEN",
    )
    .await;
}

/// Acceptance check 14, second half.
#[tokio::test]
async fn a_product_the_bank_suspended_is_resumed_by_the_bank_only() {
    let app = spawn_app().await;
    let province = app.admin_of("220000").await;
    let bank = create_bank(&app, &province, "吉林银行", None).await;
    let officer = officer_of(&app, &bank).await;
    let p = published_product(&app, &officer, &product_body(&bank, "220000", "QCD")).await;
    let id = p["id"].as_str().unwrap();
    let suspended = json_of(
        app.post(
            &bank_product_path(id, "suspensions"),
            Some(&officer.token),
            &json!({"reason": "额度调整"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(suspended["status"], "suspended");
    assert_eq!(suspended["suspendedByKind"], "bank");
    assert_error(
        app.post(
            &product_path(id, "resumptions"),
            Some(&province.token),
            &json!({}),
        )
        .await,
        StatusCode::FORBIDDEN,
        "SUSPENDED_BY_OTHER_SIDE",
    )
    .await;
    let resumed = json_of(
        app.post(
            &bank_product_path(id, "resumptions"),
            Some(&officer.token),
            &json!({}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(resumed["status"], "published");
    assert!(resumed["suspendedByKind"].is_null());
    // And the other way round.
    json_of(
        app.post(
            &product_path(id, "suspensions"),
            Some(&province.token),
            &json!({}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_error(
        app.post(
            &bank_product_path(id, "resumptions"),
            Some(&officer.token),
            &json!({}),
        )
        .await,
        StatusCode::FORBIDDEN,
        "SUSPENDED_BY_OTHER_SIDE",
    )
    .await;
    json_of(
        app.post(
            &product_path(id, "resumptions"),
            Some(&province.token),
            &json!({}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let retired = json_of(
        app.post(
            &product_path(id, "retirements"),
            Some(&province.token),
            &json!({}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(retired["status"], "retired");
    let theirs = json_of(
        app.get(
            "/api/v1/admin/bank/loan-products?status=retired",
            Some(&officer.token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(theirs["total"], 1);
}

#[tokio::test]
async fn youth_see_the_products_of_their_home_area_as_summaries_computed_from_the_terms() {
    let app = spawn_app().await;
    let province = app.admin_of("220000").await;
    let bank = create_bank(&app, &province, "吉林银行股份有限公司", None).await;
    let officer = officer_of(&app, &bank).await;
    let provincial = published_product(&app, &officer, &product_body(&bank, "220000", "QCD")).await;
    let mut cc = product_body(&bank, "220100", "CC_CY");
    cc["name"] = json!("长春创业贷");
    cc["borrowerKinds"] = json!(["individual", "business"]);
    cc["minAmountFen"] = json!(500_000);
    cc["maxAmountFen"] = json!(2_500_000);
    cc["maxAmountBusinessFen"] = json!(50_000_000);
    cc["rateMinBp"] = json!(390);
    cc["rateMaxBp"] = json!(410);
    cc["subsidyKind"] = json!("ratio");
    cc["subsidyRatioPermille"] = json!(500);
    cc["subsidyCapFen"] = json!(1_000_000);
    let changchun = published_product(&app, &officer, &cc).await;
    let jilin = published_product(&app, &officer, &product_body(&bank, "220200", "JL")).await;
    let draft = create_product(&app, &province, &product_body(&bank, "220000", "DRAFT")).await;
    let mut old = product_body(&bank, "220000", "OLD");
    old["validFrom"] = json!(china_date(Utc::now() - Duration::days(400)));
    old["validTo"] = json!(china_date(Utc::now() - Duration::days(2)));
    published_product(&app, &officer, &old).await;

    let youth = app.youth_in("applicant", NANGUAN_VILLAGE, true).await;
    let page = json_of(
        app.get("/api/v1/loan-products", Some(&youth.token)).await,
        StatusCode::OK,
    )
    .await;
    let codes: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["code"].as_str().unwrap())
        .collect();
    assert_eq!(page["total"], 2, "{page}");
    assert!(
        codes.contains(&"QCD") && codes.contains(&"CC_CY"),
        "{codes:?}"
    );
    let cc_view = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["code"] == "CC_CY")
        .unwrap();
    assert_eq!(
        cc_view["summary"],
        "最高2.5万元，年利率3.9%–4.1%，贴息：50%（每笔最高1万元）"
    );
    assert_eq!(cc_view["open"], true);
    assert_eq!(cc_view["areaUnitName"], "共青团长春市委员会");
    assert_eq!(cc_view["bankName"], "吉林银行股份有限公司");
    let qcd = json_of(
        app.get(
            &format!(
                "/api/v1/loan-products/{}",
                provincial["id"].as_str().unwrap()
            ),
            Some(&youth.token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(qcd["summary"], "最高30万元，年利率3.85%–4.35%，贴息：全额");
    assert!(
        qcd.get("quotaFen").is_none(),
        "no internal figures for youth"
    );
    // Businesses: only products for them, with their ceiling.
    let business = json_of(
        app.get(
            "/api/v1/loan-products?borrowerKind=business",
            Some(&youth.token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(business["total"], 1);
    assert_eq!(
        business["items"][0]["summary"],
        "最高50万元，年利率3.9%–4.1%，贴息：50%（每笔最高1万元）"
    );
    // Another city's product and a draft do not exist for this youth.
    for other in [&jilin, &draft, &changchun] {
        let id = other["id"].as_str().unwrap();
        let resp = app
            .get(&format!("/api/v1/loan-products/{id}"), Some(&youth.token))
            .await;
        let expected = if other["code"] == "CC_CY" {
            StatusCode::OK
        } else {
            StatusCode::NOT_FOUND
        };
        assert_eq!(resp.status(), expected, "{}", other["code"]);
    }
    // A youth of 吉林市 sees the province's and their city's.
    let jl_youth = app.youth_in("jlapplicant", JILIN_CITY_VILLAGE, false).await;
    let page = json_of(
        app.get("/api/v1/loan-products", Some(&jl_youth.token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(page["total"], 2);
    // Without a talent profile: 409; staff: 403.
    let stranger = app.login_as_youth("noprofile").await;
    assert_error(
        app.get("/api/v1/loan-products", Some(&stranger.token))
            .await,
        StatusCode::CONFLICT,
        "TALENT_PROFILE_REQUIRED",
    )
    .await;
    assert_error(
        app.get("/api/v1/loan-products", Some(&province.token))
            .await,
        StatusCode::FORBIDDEN,
        "YOUTH_ONLY",
    )
    .await;
}

#[tokio::test]
async fn cadres_below_the_offer_area_read_a_product_and_other_units_do_not_see_it() {
    let app = spawn_app().await;
    let province = app.admin_of("220000").await;
    let bank = create_bank(&app, &province, "吉林银行", None).await;
    let officer = officer_of(&app, &bank).await;
    let provincial = published_product(&app, &officer, &product_body(&bank, "220000", "QCD")).await;
    let jilin = published_product(&app, &officer, &product_body(&bank, "220200", "JL")).await;
    let county = app.admin_of(NANGUAN).await;
    let p = json_of(
        app.get(
            &format!(
                "/api/v1/admin/loan-products/{}",
                provincial["id"].as_str().unwrap()
            ),
            Some(&county.token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(p["manageable"], false);
    assert_error(
        app.post(
            &product_path(provincial["id"].as_str().unwrap(), "suspensions"),
            Some(&county.token),
            &json!({}),
        )
        .await,
        StatusCode::FORBIDDEN,
        "OUTSIDE_REGION",
    )
    .await;
    assert_error(
        app.get(
            &format!(
                "/api/v1/admin/loan-products/{}",
                jilin["id"].as_str().unwrap()
            ),
            Some(&county.token),
        )
        .await,
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
    )
    .await;
    let list = json_of(
        app.get("/api/v1/admin/loan-products", Some(&county.token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["code"], "QCD");
    let all = json_of(
        app.get(
            "/api/v1/admin/loan-products?status=published",
            Some(&province.token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(all["total"], 2);
    assert!(
        all["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["manageable"] == true)
    );
}

#[tokio::test]
async fn a_product_made_by_the_province_is_not_published_by_a_unit_below() {
    let app = spawn_app().await;
    let province = app.admin_of("220000").await;
    let city = app.admin_of("220100").await;
    let bank = create_bank(&app, &province, "吉林银行", None).await;
    let officer = officer_of(&app, &bank).await;
    let id = create_product(&app, &province, &product_body(&bank, "220100", "CC_PROV")).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    confirmed(&app, &province, &officer, &id).await;
    assert_error(
        app.post(
            &product_path(&id, "publications"),
            Some(&city.token),
            &json!({}),
        )
        .await,
        StatusCode::FORBIDDEN,
        "PARENT_UNIT_ONLY",
    )
    .await;
    let other_province = app.admin_of("220000").await;
    json_of(
        app.post(
            &product_path(&id, "publications"),
            Some(&other_province.token),
            &json!({}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
}

// ---- Applying and the league step ----

/// Bind a phone to a youth (the bank must be able to call).
pub async fn bind_phone(app: &TestApp, youth: &Login) {
    json_of(
        app.post(
            "/api/v1/auth/wechat-phone",
            Some(&youth.token),
            &json!({"code": "dev:13912345678"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
}

/// A verified youth of `village` with a bound phone, aged 26.
pub async fn applicant(app: &TestApp, name: &str, village: &str) -> Login {
    let youth = app.youth_in(name, village, true).await;
    bind_phone(app, &youth).await;
    youth
}

pub fn application_body(product: &str) -> Value {
    json!({
        "productId": product, "borrowerKind": "individual", "amountFen": 20_000_000,
        "termMonths": 24, "purpose": "animal_husbandry",
        "purposeDetail": "扩建肉牛养殖棚舍，新增存栏三十头", "businessName": "青禾肉牛养殖场",
        "jobsCreated": 4, "guaranteeType": "credit", "attachments": [],
        "creditInquiryConsent": true, "bankSharingConsent": true, "consentVersion": "2026-12"
    })
}

async fn submit(
    app: &TestApp,
    youth: &Login,
    body: &Value,
    key: Option<&str>,
) -> reqwest::Response {
    let mut req = app
        .client
        .post(app.url("/api/v1/loan-applications"))
        .bearer_auth(&youth.token)
        .json(body);
    if let Some(k) = key {
        req = req.header("Idempotency-Key", k);
    }
    app.send(req).await
}

/// A bank with an officer and a published 「青创贷」 for the whole province: (officer, product).
async fn provincial_offer(app: &TestApp) -> (Login, Value) {
    let province = app.admin_of("220000").await;
    let bank = create_bank(app, &province, "吉林银行", None).await;
    let officer = officer_of(app, &bank).await;
    let product = published_product(app, &officer, &product_body(&bank, "220000", "QCD")).await;
    (officer, product)
}

async fn set_birth_date(app: &TestApp, youth: &Login, years_ago: i64, days_more: i64) {
    use entity::talent_profiles;
    use sea_orm::sea_query::Expr;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let today = jiqing::time::today_in_china(Utc::now());
    let dob = today
        .checked_sub_months(chrono::Months::new(12 * years_ago as u32))
        .unwrap()
        - Duration::days(days_more);
    talent_profiles::Entity::update_many()
        .col_expr(talent_profiles::Column::DateOfBirth, Expr::value(dob))
        .filter(talent_profiles::Column::UserId.eq(youth.user_id.parse::<Uuid>().unwrap()))
        .exec(app.db())
        .await
        .unwrap();
}

fn codes(reasons: &Value) -> Vec<String> {
    reasons["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].as_str().unwrap().to_owned())
        .collect()
}

async fn eligibility(app: &TestApp, youth: &Login, product: &str, body: Value) -> Value {
    json_of(
        app.post(
            &format!("/api/v1/loan-products/{product}/eligibility-checks"),
            Some(&youth.token),
            &body,
        )
        .await,
        StatusCode::OK,
    )
    .await
}

async fn my_applications(app: &TestApp, youth: &Login) -> Value {
    json_of(
        app.get("/api/v1/me/loan-applications", Some(&youth.token))
            .await,
        StatusCode::OK,
    )
    .await
}

/// Acceptance check 2: each refusal at submit, and the eligibility check reporting the same
/// codes without writing anything.
#[tokio::test]
async fn refusals_at_submit_have_their_own_codes_and_the_eligibility_check_lists_them_all() {
    let app = spawn_app().await;
    let (officer, product) = provincial_offer(&app).await;
    let id = product["id"].as_str().unwrap();
    let youth = applicant(&app, "refused", NANGUAN_VILLAGE).await;

    // 40,000,000 fen: 422 amountFen RANGE.
    let mut body = application_body(id);
    body["amountFen"] = json!(40_000_000);
    let err = assert_error(
        submit(&app, &youth, &body, None).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    assert_eq!(err["error"]["fields"][0]["field"], "amountFen");
    assert_eq!(err["error"]["fields"][0]["code"], "RANGE");
    // bankSharingConsent false: 422 CONSENT_REQUIRED.
    let mut body = application_body(id);
    body["bankSharingConsent"] = json!(false);
    let err = assert_error(
        submit(&app, &youth, &body, None).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    assert_eq!(err["error"]["fields"][0]["field"], "bankSharingConsent");
    assert_eq!(err["error"]["fields"][0]["code"], "CONSENT_REQUIRED");
    // Aged 46 today: 403 AGE_NOT_ELIGIBLE.
    set_birth_date(&app, &youth, 46, 0).await;
    assert_error(
        submit(&app, &youth, &application_body(id), None).await,
        StatusCode::FORBIDDEN,
        "AGE_NOT_ELIGIBLE",
    )
    .await;
    let check = eligibility(&app, &youth, id, json!({"amountFen": 40_000_000})).await;
    assert_eq!(check["eligible"], false);
    assert_eq!(codes(&check), ["AGE_NOT_ELIGIBLE", "RANGE"]);
    set_birth_date(&app, &youth, 30, 0).await;
    // Unverified: 403 VERIFICATION_REQUIRED.
    let unverified = app.youth_in("unverified", NANGUAN_VILLAGE, false).await;
    bind_phone(&app, &unverified).await;
    assert_error(
        submit(&app, &unverified, &application_body(id), None).await,
        StatusCode::FORBIDDEN,
        "VERIFICATION_REQUIRED",
    )
    .await;
    // A product of another city: 403 OUTSIDE_PRODUCT_REGION.
    let province = app.admin_of("220000").await;
    let jilin = published_product(
        &app,
        &officer,
        &product_body(product["bankId"].as_str().unwrap(), "220200", "JL"),
    )
    .await;
    let jl = jilin["id"].as_str().unwrap();
    assert_error(
        submit(&app, &youth, &application_body(jl), None).await,
        StatusCode::FORBIDDEN,
        "OUTSIDE_PRODUCT_REGION",
    )
    .await;
    // No phone bound: 409 PHONE_REQUIRED.
    let silent = app.youth_in("silent", NANGUAN_VILLAGE, true).await;
    assert_error(
        submit(&app, &silent, &application_body(id), None).await,
        StatusCode::CONFLICT,
        "PHONE_REQUIRED",
    )
    .await;
    // Nothing was written by any refusal.
    assert_eq!(my_applications(&app, &youth).await["total"], 0);
    let all = json_of(
        app.get("/api/v1/admin/loan-applications", Some(&province.token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(all["total"], 0);
    // The first one goes through; a second open application: 409 with the first's number.
    let first = json_of(
        submit(&app, &youth, &application_body(id), None).await,
        StatusCode::CREATED,
    )
    .await;
    let number = first["number"].as_str().unwrap();
    assert!(number.starts_with("JQD-2"), "{number}");
    let err = assert_error(
        submit(&app, &youth, &application_body(id), None).await,
        StatusCode::CONFLICT,
        "APPLICATION_IN_PROGRESS",
    )
    .await;
    assert!(err["error"]["message"].as_str().unwrap().contains(number));
    // The eligibility check: the same codes, every one at once, nothing written.
    set_birth_date(&app, &unverified, 46, 0).await;
    let check = eligibility(
        &app,
        &unverified,
        jl,
        json!({"amountFen": 40_000_000, "termMonths": 6, "guaranteeType": "pledge"}),
    )
    .await;
    assert_eq!(
        codes(&check),
        [
            "OUTSIDE_PRODUCT_REGION",
            "VERIFICATION_REQUIRED",
            "AGE_NOT_ELIGIBLE",
            "RANGE",
            "RANGE",
            "INVALID_VALUE"
        ]
    );
    assert_eq!(check["reasons"][3]["field"], "amountFen");
    let busy = eligibility(&app, &youth, id, json!({})).await;
    assert_eq!(codes(&busy), ["APPLICATION_IN_PROGRESS"]);
    let fine = eligibility(
        &app,
        &applicant(&app, "fine", NANGUAN_VILLAGE).await,
        id,
        json!({}),
    )
    .await;
    assert_eq!(fine, json!({"eligible": true, "reasons": []}));
    assert_eq!(my_applications(&app, &youth).await["total"], 1);
}

/// Acceptance checks 1.2 (the submission and the recommendation) and 4.
#[tokio::test]
async fn a_youth_applies_and_only_the_local_unit_recommends() {
    let app = spawn_app().await;
    let (_officer, product) = provincial_offer(&app).await;
    let id = product["id"].as_str().unwrap();
    let youth = applicant(&app, "applicant", NANGUAN_VILLAGE).await;
    let before = Utc::now();
    let created = json_of(
        submit(&app, &youth, &application_body(id), Some("loan-1")).await,
        StatusCode::CREATED,
    )
    .await;
    let app_id = created["id"].as_str().unwrap().to_owned();
    assert_eq!(created["status"], "submitted");
    assert_eq!(created["productName"], "青创贷");
    assert_eq!(created["productTerms"]["rateMinBp"], 385);
    // Due in the default 7 days.
    assert_eq!(created["nextStep"]["actor"], "county_league");
    assert_eq!(created["nextStep"]["actionLabel"], "等待南关区团委推荐");
    let due: chrono::DateTime<chrono::FixedOffset> = created["nextStep"]["dueAt"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let days = (due.with_timezone(&Utc) - before).num_seconds();
    assert!((7 * 86_400 - 5..=7 * 86_400 + 5).contains(&days), "{days}");
    assert_eq!(created["reviewDueAt"], created["nextStep"]["dueAt"]);
    // The same key and body: 200 with the same application; another body: 422.
    let again = json_of(
        submit(&app, &youth, &application_body(id), Some("loan-1")).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(again["id"], created["id"]);
    let mut other = application_body(id);
    other["termMonths"] = json!(12);
    assert_error(
        submit(&app, &youth, &other, Some("loan-1")).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "IDEMPOTENCY_KEY_REUSED",
    )
    .await;
    // The two consents name the bank.
    let consents = json_of(
        app.get("/api/v1/me/sharing-consents", Some(&youth.token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(consents["total"], 2);
    for c in consents["items"].as_array().unwrap() {
        assert_eq!(c["recipientName"], "吉林银行");
        assert_eq!(c["active"], true);
    }
    let purposes: Vec<&str> = consents["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["purpose"].as_str().unwrap())
        .collect();
    assert!(purposes.contains(&"loan_credit_inquiry") && purposes.contains(&"loan_bank_sharing"));

    // City and province cadres read it, masked; only the local unit recommends.
    let city = app.admin_of("220100").await;
    let seen = json_of(
        app.get(
            &format!("/api/v1/admin/loan-applications/{app_id}"),
            Some(&city.token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let masked = seen["applicantName"].as_str().unwrap();
    assert!(
        masked.starts_with('测') && masked.ends_with("**") && !masked.contains("applicant"),
        "{masked}"
    );
    assert_eq!(seen["applicantPhone"], "139****5678");
    assert_eq!(seen["localUnitCode"], NANGUAN);
    assert_eq!(seen["localUnitActs"], false);
    let recommend =
        json!({"recommendedAmountFen": 15_000_000, "note": "经营稳定，同意推荐", "version": 1});
    assert_error(
        app.post(
            &format!("/api/v1/admin/loan-applications/{app_id}/recommendations"),
            Some(&city.token),
            &recommend,
        )
        .await,
        StatusCode::FORBIDDEN,
        "LOCAL_UNIT_ONLY",
    )
    .await;
    // A cadre of another county: 404 by id, 403 for its region filter.
    let neighbour = app.admin_of("220103").await;
    assert_error(
        app.get(
            &format!("/api/v1/admin/loan-applications/{app_id}"),
            Some(&neighbour.token),
        )
        .await,
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
    )
    .await;
    assert_error(
        app.get(
            &format!("/api/v1/admin/loan-applications?region={NANGUAN}"),
            Some(&neighbour.token),
        )
        .await,
        StatusCode::FORBIDDEN,
        "OUTSIDE_REGION",
    )
    .await;
    let theirs = json_of(
        app.get("/api/v1/admin/loan-applications", Some(&neighbour.token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(theirs["total"], 0);
    // Above the amount applied for, or off the step: 422 RANGE.
    let local = app.admin_of(NANGUAN).await;
    for amount in [20_100_000, 15_050_000, 500_000] {
        let err = assert_error(
            app.post(
                &format!("/api/v1/admin/loan-applications/{app_id}/recommendations"),
                Some(&local.token),
                &json!({"recommendedAmountFen": amount, "version": 1}),
            )
            .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "VALIDATION_FAILED",
        )
        .await;
        assert_eq!(err["error"]["fields"][0]["code"], "RANGE", "{amount}");
    }
    let recommended = json_of(
        app.post(
            &format!("/api/v1/admin/loan-applications/{app_id}/recommendations"),
            Some(&local.token),
            &recommend,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(recommended["status"], "recommended");
    assert_eq!(recommended["recommendedAmountFen"], 15_000_000);
    // The youth sees the league unit's name, never a person's, and waits for the bank now.
    let mine = json_of(
        app.get(
            &format!("/api/v1/me/loan-applications/{app_id}"),
            Some(&youth.token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        actions(&mine["timeline"]),
        [
            ("submit".into(), "youth".into()),
            ("recommend".into(), "cadre".into())
        ]
    );
    assert_eq!(mine["timeline"][0]["actor"]["label"], "本人");
    assert_eq!(mine["timeline"][1]["actor"]["label"], "共青团南关区委员会");
    assert_eq!(mine["timeline"][1]["reason"], "经营稳定，同意推荐");
    assert!(mine["timeline"][1]["actor"].get("name").is_none());
    assert_eq!(mine["nextStep"]["actor"], "bank");
    assert_eq!(mine["nextStep"]["actionLabel"], "等待吉林银行受理");
    assert!(mine["nextStep"]["dueAt"].is_string());
    let notes = json_of(
        app.get("/api/v1/me/notifications", Some(&youth.token))
            .await,
        StatusCode::OK,
    )
    .await;
    let kinds: Vec<&str> = notes["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["kind"].as_str().unwrap())
        .collect();
    assert!(
        kinds.contains(&"loan.submitted") && kinds.contains(&"loan.recommended"),
        "{kinds:?}"
    );
    // The same cadre repeating the same body: 200, nothing more logged.
    json_of(
        app.post(
            &format!("/api/v1/admin/loan-applications/{app_id}/recommendations"),
            Some(&local.token),
            &recommend,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let detail = json_of(
        app.get(
            &format!("/api/v1/admin/loan-applications/{app_id}"),
            Some(&local.token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(detail["timeline"].as_array().unwrap().len(), 2);
    assert_eq!(detail["localUnitActs"], true);
}

/// Acceptance check 4, second half: two local-unit cadres recommending at once (on PostgreSQL
/// through two instances): one 200, one 409, exactly one `recommend` event.
#[tokio::test]
async fn two_local_cadres_recommending_at_once_make_one_recommendation() {
    let app = spawn_app().await;
    let second = app.second_instance_on_postgres().await;
    let other = second.as_ref().unwrap_or(&app);
    let (_officer, product) = provincial_offer(&app).await;
    let id = product["id"].as_str().unwrap();
    let a = app.admin_of(NANGUAN).await;
    let b = app.admin_of(NANGUAN).await;
    for round in 0..3 {
        let youth = applicant(&app, &format!("race{round}"), NANGUAN_VILLAGE).await;
        let created = json_of(
            submit(&app, &youth, &application_body(id), None).await,
            StatusCode::CREATED,
        )
        .await;
        let url = format!(
            "/api/v1/admin/loan-applications/{}/recommendations",
            created["id"].as_str().unwrap()
        );
        let (first, second) = (
            json!({"recommendedAmountFen": 15_000_000, "version": 1}),
            json!({"recommendedAmountFen": 16_000_000, "version": 1}),
        );
        let (x, y) = tokio::join!(
            app.post(&url, Some(&a.token), &first),
            other.post(&url, Some(&b.token), &second),
        );
        let statuses = [x.status(), y.status()];
        assert_eq!(
            statuses.iter().filter(|s| **s == StatusCode::OK).count(),
            1,
            "{statuses:?}"
        );
        assert_eq!(
            statuses
                .iter()
                .filter(|s| **s == StatusCode::CONFLICT)
                .count(),
            1,
            "{statuses:?}"
        );
        let detail = json_of(
            app.get(
                &format!(
                    "/api/v1/admin/loan-applications/{}",
                    created["id"].as_str().unwrap()
                ),
                Some(&a.token),
            )
            .await,
            StatusCode::OK,
        )
        .await;
        let recommends = detail["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["action"] == "recommend")
            .count();
        assert_eq!(recommends, 1);
    }
}

/// One open application per person, held by the partial unique index: concurrent submissions
/// with different keys (on PostgreSQL through two instances) make exactly one application.
#[tokio::test]
async fn concurrent_submissions_of_one_youth_make_one_open_application() {
    let app = spawn_app().await;
    let second = app.second_instance_on_postgres().await;
    let other = second.as_ref().unwrap_or(&app);
    let (_officer, product) = provincial_offer(&app).await;
    let id = product["id"].as_str().unwrap();
    let youth = applicant(&app, "eager", NANGUAN_VILLAGE).await;
    let body = application_body(id);
    let (x, y, z) = tokio::join!(
        submit(&app, &youth, &body, Some("k1")),
        submit(other, &youth, &body, Some("k2")),
        submit(&app, &youth, &body, Some("k3")),
    );
    let statuses = [x.status(), y.status(), z.status()];
    assert_eq!(
        statuses
            .iter()
            .filter(|s| **s == StatusCode::CREATED)
            .count(),
        1,
        "{statuses:?}"
    );
    for r in [x, y, z] {
        if r.status() != StatusCode::CREATED {
            assert_error(r, StatusCode::CONFLICT, "APPLICATION_IN_PROGRESS").await;
        }
    }
    assert_eq!(my_applications(&app, &youth).await["total"], 1);
}

#[tokio::test]
async fn the_local_unit_returns_at_most_three_times_and_the_youth_resubmits_with_the_version() {
    let app = spawn_app().await;
    let (_officer, product) = provincial_offer(&app).await;
    let id = product["id"].as_str().unwrap();
    let youth = applicant(&app, "returned", NANGUAN_VILLAGE).await;
    let created = json_of(
        submit(&app, &youth, &application_body(id), None).await,
        StatusCode::CREATED,
    )
    .await;
    let app_id = created["id"].as_str().unwrap().to_owned();
    let local = app.admin_of(NANGUAN).await;
    let url = |a: &str| format!("/api/v1/admin/loan-applications/{app_id}/{a}");
    let mut version = created["version"].as_i64().unwrap();
    for round in 1..=3 {
        let returned = json_of(
            app.post(
                &url("returns"),
                Some(&local.token),
                &json!({"reason": "请补充养殖场租赁合同", "version": version}),
            )
            .await,
            StatusCode::OK,
        )
        .await;
        assert_eq!(returned["status"], "returned");
        assert_eq!(returned["returnCount"], round);
        let mine = json_of(
            app.get(
                &format!("/api/v1/me/loan-applications/{app_id}"),
                Some(&youth.token),
            )
            .await,
            StatusCode::OK,
        )
        .await;
        assert_eq!(mine["nextStep"]["actor"], "you");
        assert!(mine["resubmitDueAt"].is_string());
        // A stale version: 409; without one: 422.
        let mut body = application_body(id);
        body["version"] = json!(version);
        assert_error(
            app.put(
                &format!("/api/v1/me/loan-applications/{app_id}"),
                Some(&youth.token),
                &body,
            )
            .await,
            StatusCode::CONFLICT,
            "APPLICATION_CHANGED",
        )
        .await;
        body["version"] = mine["version"].clone();
        body["purposeDetail"] = json!(format!("扩建肉牛养殖棚舍，已补充租赁合同（第{round}次）"));
        let resubmitted = json_of(
            app.put(
                &format!("/api/v1/me/loan-applications/{app_id}"),
                Some(&youth.token),
                &body,
            )
            .await,
            StatusCode::OK,
        )
        .await;
        assert_eq!(resubmitted["status"], "submitted");
        version = resubmitted["version"].as_i64().unwrap();
    }
    assert_error(
        app.post(
            &url("returns"),
            Some(&local.token),
            &json!({"reason": "请再补充材料", "version": version}),
        )
        .await,
        StatusCode::CONFLICT,
        "RETURN_LIMIT_REACHED",
    )
    .await;
    // Declining to recommend ends it; the sharing consents end with it.
    let declined = json_of(
        app.post(
            &url("non-recommendations"),
            Some(&local.token),
            &json!({"reasonCode": "project_not_viable", "note": "项目尚在构想阶段", "version": version}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(declined["status"], "not_recommended");
    assert_eq!(declined["reasonCode"], "project_not_viable");
    let mine = json_of(
        app.get(
            &format!("/api/v1/me/loan-applications/{app_id}"),
            Some(&youth.token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert!(mine["nextStep"].is_null());
    assert_eq!(
        mine["timeline"].as_array().unwrap().last().unwrap()["reason"],
        "项目不具备可行性：项目尚在构想阶段"
    );
    let consents = json_of(
        app.get("/api/v1/me/sharing-consents", Some(&youth.token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert!(
        consents["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["active"] == false)
    );
    // The slot is free again.
    json_of(
        submit(&app, &youth, &application_body(id), None).await,
        StatusCode::CREATED,
    )
    .await;
}

#[tokio::test]
async fn a_youth_withdraws_and_may_apply_again() {
    let app = spawn_app().await;
    let (_officer, product) = provincial_offer(&app).await;
    let id = product["id"].as_str().unwrap();
    let youth = applicant(&app, "withdrawer", NANGUAN_VILLAGE).await;
    let created = json_of(
        submit(&app, &youth, &application_body(id), None).await,
        StatusCode::CREATED,
    )
    .await;
    let app_id = created["id"].as_str().unwrap();
    let withdrawn = json_of(
        app.post(
            &format!("/api/v1/me/loan-applications/{app_id}/withdrawals"),
            Some(&youth.token),
            &json!({"reason": "已从其他渠道解决资金"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(withdrawn["status"], "withdrawn");
    // Someone else's application does not exist for them.
    let other = applicant(&app, "other", NANGUAN_VILLAGE).await;
    assert_error(
        app.get(
            &format!("/api/v1/me/loan-applications/{app_id}"),
            Some(&other.token),
        )
        .await,
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
    )
    .await;
    // An approved offer is declined, not withdrawn; a withdrawn one cannot be declined.
    assert_error(
        app.post(
            &format!("/api/v1/me/loan-applications/{app_id}/offer-declines"),
            Some(&youth.token),
            &json!({}),
        )
        .await,
        StatusCode::CONFLICT,
        "INVALID_STATE",
    )
    .await;
    json_of(
        submit(&app, &youth, &application_body(id), None).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(my_applications(&app, &youth).await["total"], 2);
}

// ---- The bank step ----

fn bank_app_path(id: &str, action: &str) -> String {
    format!("/api/v1/admin/bank/loan-applications/{id}/{action}")
}

/// Submit `body` as a new applicant of 南关 and have the local unit recommend `amount`: the
/// application's JSON as the cadre sees it.
async fn recommended(app: &TestApp, name: &str, body: &Value, amount: i64) -> Value {
    let youth = applicant(app, name, NANGUAN_VILLAGE).await;
    let created = json_of(submit(app, &youth, body, None).await, StatusCode::CREATED).await;
    let local = app.admin_of(NANGUAN).await;
    json_of(
        app.post(
            &format!(
                "/api/v1/admin/loan-applications/{}/recommendations",
                created["id"].as_str().unwrap()
            ),
            Some(&local.token),
            &json!({"recommendedAmountFen": amount, "version": created["version"]}),
        )
        .await,
        StatusCode::OK,
    )
    .await
}

fn disbursement(reference: &str, amount: i64) -> Value {
    let now = Utc::now();
    json!({"amountFen": amount, "disbursedOn": china_date(now),
           "maturityOn": china_date(now + Duration::days(730)), "bankReference": reference})
}

/// Acceptance check 1 (and 3): from the product to the disbursement, as youth, cadre and bank
/// see it.
#[tokio::test]
async fn the_happy_path_runs_from_the_product_to_the_disbursement() {
    let app = spawn_app().await;
    let province = app.admin_of("220000").await;
    let bank_b = create_bank(&app, &province, "吉林银行", Some(ABC_CODE)).await;
    let bank_c = create_bank(&app, &province, "农商银行", None).await;
    let officer_b = officer_of(&app, &bank_b).await;
    let officer_c = officer_of(&app, &bank_c).await;
    let product =
        published_product(&app, &officer_b, &product_body(&bank_b, "220000", "QCD")).await;
    let id = product["id"].as_str().unwrap();
    let youth = applicant(&app, "happy", NANGUAN_VILLAGE).await;
    set_birth_date(&app, &youth, 30, 10).await;
    let created = json_of(
        submit(&app, &youth, &application_body(id), Some("happy-1")).await,
        StatusCode::CREATED,
    )
    .await;
    let app_id = created["id"].as_str().unwrap().to_owned();
    // Still submitted: the bank does not see it.
    assert_error(
        app.get(
            &format!("/api/v1/admin/bank/loan-applications/{app_id}"),
            Some(&officer_b.token),
        )
        .await,
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
    )
    .await;
    let queue = json_of(
        app.get(
            "/api/v1/admin/bank/loan-applications",
            Some(&officer_b.token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(queue["total"], 0);
    let local = app.admin_of(NANGUAN).await;
    json_of(
        app.post(
            &format!("/api/v1/admin/loan-applications/{app_id}/recommendations"),
            Some(&local.token),
            &json!({"recommendedAmountFen": 15_000_000, "version": 1}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    // Another bank's officer: 404, also in lists.
    assert_error(
        app.get(
            &format!("/api/v1/admin/bank/loan-applications/{app_id}"),
            Some(&officer_c.token),
        )
        .await,
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
    )
    .await;
    let theirs = json_of(
        app.get(
            "/api/v1/admin/bank/loan-applications",
            Some(&officer_c.token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(theirs["total"], 0);
    // Officer B: full name and phone, the ID number masked.
    let queue = json_of(
        app.get(
            "/api/v1/admin/bank/loan-applications?status=recommended",
            Some(&officer_b.token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(queue["total"], 1);
    assert_eq!(queue["items"][0]["applicantName"], "测试happy");
    assert_eq!(queue["items"][0]["applicantPhone"], "13912345678");
    assert!(
        queue["items"][0]["applicantIdNumberMasked"]
            .as_str()
            .unwrap()
            .contains("****")
    );
    let accepted = json_of(
        app.post(
            &bank_app_path(&app_id, "acceptances"),
            Some(&officer_b.token),
            &json!({}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(accepted["status"], "bank_reviewing");
    let approved = json_of(
        app.post(
            &bank_app_path(&app_id, "decisions"),
            Some(&officer_b.token),
            &json!({"decision": "approve", "amountFen": 15_000_000, "rateBp": 385, "termMonths": 24,
                    "version": accepted["version"]}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(approved["status"], "approved");
    assert!(approved["offerExpiresAt"].is_string());
    let disbursed = json_of(
        app.post(
            &bank_app_path(&app_id, "disbursements"),
            Some(&officer_b.token),
            &disbursement("B-001", 15_000_000),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(disbursed["status"], "disbursed");
    let mine = json_of(
        app.get(
            &format!("/api/v1/me/loan-applications/{app_id}"),
            Some(&youth.token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(mine["status"], "disbursed");
    assert_eq!(
        actions(&mine["timeline"]),
        [
            ("submit".into(), "youth".into()),
            ("recommend".into(), "cadre".into()),
            ("accept_referral".into(), "bank_officer".into()),
            ("approve".into(), "bank_officer".into()),
            ("disburse".into(), "bank_officer".into()),
        ]
    );
    assert_eq!(mine["timeline"][4]["actor"]["label"], "吉林银行");
    assert_eq!(mine["nextStep"]["actor"], "you");
    let notes = json_of(
        app.get("/api/v1/me/notifications", Some(&youth.token))
            .await,
        StatusCode::OK,
    )
    .await;
    let kinds: Vec<&str> = notes["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["kind"].as_str().unwrap())
        .collect();
    assert!(
        kinds.contains(&"loan.approved") && kinds.contains(&"loan.disbursed"),
        "{kinds:?}"
    );
    let consents = json_of(
        app.get("/api/v1/me/sharing-consents", Some(&youth.token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert!(
        consents["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["recipientName"] == "吉林银行")
    );
    // The quota holds what was disbursed; no second loan while this one is outstanding.
    assert_error(
        submit(&app, &youth, &application_body(id), None).await,
        StatusCode::CONFLICT,
        "OUTSTANDING_LOAN",
    )
    .await;
}

/// Acceptance check 5.
#[tokio::test]
async fn the_bank_approves_within_the_amount_applied_for_and_the_terms_of_the_submission() {
    let app = spawn_app().await;
    let (officer, product) = provincial_offer(&app).await;
    let rec = recommended(
        &app,
        "limits",
        &application_body(product["id"].as_str().unwrap()),
        15_000_000,
    )
    .await;
    let id = rec["id"].as_str().unwrap();
    let decide = |amount: i64, rate: i64| {
        json!({"decision": "approve", "amountFen": amount, "rateBp": rate, "termMonths": 24,
               "version": rec["version"]})
    };
    for (body, field) in [
        (decide(25_000_000, 385), "amountFen"),
        (decide(15_000_000, 500), "rateBp"),
    ] {
        let err = assert_error(
            app.post(&bank_app_path(id, "decisions"), Some(&officer.token), &body)
                .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "VALIDATION_FAILED",
        )
        .await;
        assert_eq!(err["error"]["fields"][0]["field"], field);
        assert_eq!(err["error"]["fields"][0]["code"], "RANGE");
    }
    assert_error(
        app.post(
            &bank_app_path(id, "decisions"),
            Some(&officer.token),
            &json!({"decision": "reject", "version": rec["version"]}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    // Above the recommendation but within the amount applied for: allowed.
    let approved = json_of(
        app.post(
            &bank_app_path(id, "decisions"),
            Some(&officer.token),
            &decide(16_000_000, 400),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(approved["approvedAmountFen"], 16_000_000);
    assert_eq!(approved["approvedRateBp"], 400);
    let product_now = json_of(
        app.get(
            &format!(
                "/api/v1/admin/loan-products/{}",
                product["id"].as_str().unwrap()
            ),
            Some(&app.admin_of("220000").await.token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(product_now["committedFen"], 16_000_000);
    // A rejection with a reason code, on another application.
    let other = recommended(
        &app,
        "rejected",
        &application_body(product["id"].as_str().unwrap()),
        15_000_000,
    )
    .await;
    let rejected = json_of(
        app.post(
            &bank_app_path(other["id"].as_str().unwrap(), "decisions"),
            Some(&officer.token),
            &json!({"decision": "reject", "reasonCode": "insufficient_guarantee", "version": other["version"]}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(rejected["status"], "rejected");
    assert_eq!(rejected["reasonCode"], "insufficient_guarantee");
}

/// Acceptance check 6 (first half): two approvals racing for the last of the quota.
#[tokio::test]
async fn two_approvals_racing_for_the_last_quota_make_one_approval() {
    let app = spawn_app().await;
    let second = app.second_instance_on_postgres().await;
    let other = second.as_ref().unwrap_or(&app);
    let province = app.admin_of("220000").await;
    let bank = create_bank(&app, &province, "吉林银行", None).await;
    let officer = officer_of(&app, &bank).await;
    let mut body = product_body(&bank, "220000", "QUOTA");
    body["quotaFen"] = json!(50_000_000);
    let product = published_product(&app, &officer, &body).await;
    let mut ask = application_body(product["id"].as_str().unwrap());
    ask["amountFen"] = json!(30_000_000);
    let a = recommended(&app, "quota-a", &ask, 30_000_000).await;
    let b = recommended(&app, "quota-b", &ask, 30_000_000).await;
    let approve = |rec: &Value| {
        json!({"decision": "approve", "amountFen": 30_000_000, "rateBp": 385, "termMonths": 24,
               "version": rec["version"]})
    };
    let (url_a, url_b) = (
        bank_app_path(a["id"].as_str().unwrap(), "decisions"),
        bank_app_path(b["id"].as_str().unwrap(), "decisions"),
    );
    let (body_a, body_b) = (approve(&a), approve(&b));
    let (x, y) = tokio::join!(
        app.post(&url_a, Some(&officer.token), &body_a),
        other.post(&url_b, Some(&officer.token), &body_b),
    );
    let statuses = [x.status(), y.status()];
    assert_eq!(
        statuses.iter().filter(|s| **s == StatusCode::OK).count(),
        1,
        "{statuses:?}"
    );
    for r in [x, y] {
        if r.status() != StatusCode::OK {
            assert_error(r, StatusCode::CONFLICT, "PRODUCT_QUOTA_EXHAUSTED").await;
        }
    }
    let p = json_of(
        app.get(
            &format!(
                "/api/v1/admin/loan-products/{}",
                product["id"].as_str().unwrap()
            ),
            Some(&province.token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(p["committedFen"], 30_000_000);
}

/// An approval racing the youth's withdrawal of the same application: exactly one wins, the
/// loser gets 409 and writes nothing, and the product's committed quota matches the winner (on
/// PostgreSQL through two instances).
#[tokio::test]
async fn an_approval_racing_the_withdrawal_has_one_winner_and_the_quota_follows_it() {
    let app = spawn_app().await;
    let second = app.second_instance_on_postgres().await;
    let other = second.as_ref().unwrap_or(&app);
    let province = app.admin_of("220000").await;
    let bank = create_bank(&app, &province, "吉林银行", None).await;
    let officer = officer_of(&app, &bank).await;
    let mut body = product_body(&bank, "220000", "RACE");
    body["quotaFen"] = json!(500_000_000);
    let product = published_product(&app, &officer, &body).await;
    let pid = product["id"].as_str().unwrap();
    let mut approvals = 0;
    for round in 0..4 {
        let youth = applicant(&app, &format!("undecided{round}"), NANGUAN_VILLAGE).await;
        let created = json_of(
            submit(&app, &youth, &application_body(pid), None).await,
            StatusCode::CREATED,
        )
        .await;
        let id = created["id"].as_str().unwrap().to_owned();
        let local = app.admin_of(NANGUAN).await;
        let rec = json_of(
            app.post(
                &format!("/api/v1/admin/loan-applications/{id}/recommendations"),
                Some(&local.token),
                &json!({"recommendedAmountFen": 15_000_000, "version": created["version"]}),
            )
            .await,
            StatusCode::OK,
        )
        .await;
        let approve = json!({"decision": "approve", "amountFen": 15_000_000, "rateBp": 385,
                             "termMonths": 24, "version": rec["version"]});
        let decide = bank_app_path(&id, "decisions");
        let withdraw = format!("/api/v1/me/loan-applications/{id}/withdrawals");
        let reason = json!({"reason": "已从其他渠道解决资金"});
        // Alternate which request is sent first through which instance.
        let (a, w) = if round % 2 == 0 {
            tokio::join!(
                app.post(&decide, Some(&officer.token), &approve),
                other.post(&withdraw, Some(&youth.token), &reason),
            )
        } else {
            let (w, a) = tokio::join!(
                app.post(&withdraw, Some(&youth.token), &reason),
                other.post(&decide, Some(&officer.token), &approve),
            );
            (a, w)
        };
        let (sa, sw) = (a.status(), w.status());
        assert!(
            (sa == StatusCode::OK) != (sw == StatusCode::OK),
            "exactly one wins: approval {sa}, withdrawal {sw}"
        );
        // The withdrawal lost: 409. The approval lost: 409, or 404 when the application was
        // withdrawn before the bank accepted the referral (it is no longer the bank's to see).
        let (loser, allowed) = if sa == StatusCode::OK {
            (w, vec![StatusCode::CONFLICT])
        } else {
            (a, vec![StatusCode::CONFLICT, StatusCode::NOT_FOUND])
        };
        let status = loser.status();
        assert!(allowed.contains(&status), "loser answered {status}");
        let code = json_of(loser, status).await["error"]["code"]
            .as_str()
            .unwrap()
            .to_owned();
        assert!(
            ["INVALID_STATE", "APPLICATION_CHANGED", "NOT_FOUND"].contains(&code.as_str()),
            "{code}"
        );
        let mine = json_of(
            app.get(
                &format!("/api/v1/me/loan-applications/{id}"),
                Some(&youth.token),
            )
            .await,
            StatusCode::OK,
        )
        .await;
        let expected = if sa == StatusCode::OK {
            approvals += 1;
            "approved"
        } else {
            "withdrawn"
        };
        assert_eq!(mine["status"], expected);
        let finals = actions(&mine["timeline"])
            .into_iter()
            .filter(|(a, _)| a == "approve" || a == "withdraw")
            .count();
        assert_eq!(finals, 1, "{}", mine["timeline"]);
        let p = json_of(
            app.get(
                &format!("/api/v1/admin/loan-products/{pid}"),
                Some(&province.token),
            )
            .await,
            StatusCode::OK,
        )
        .await;
        assert_eq!(p["committedFen"], 15_000_000 * approvals);
    }
}

/// Acceptance check 7, and a disbursement below the approval releasing the rest of the quota.
#[tokio::test]
async fn a_disbursement_retried_answers_the_same_record_and_a_reference_names_one_loan() {
    let app = spawn_app().await;
    let (officer, product) = provincial_offer(&app).await;
    let pid = product["id"].as_str().unwrap();
    let mut approved = Vec::new();
    for name in ["ref-a", "ref-b"] {
        let rec = recommended(&app, name, &application_body(pid), 15_000_000).await;
        let id = rec["id"].as_str().unwrap().to_owned();
        json_of(
            app.post(
                &bank_app_path(&id, "decisions"),
                Some(&officer.token),
                &json!({"decision": "approve", "amountFen": 15_000_000, "rateBp": 385, "termMonths": 24,
                        "version": rec["version"]}),
            )
            .await,
            StatusCode::OK,
        )
        .await;
        approved.push(id);
    }
    let first = json_of(
        app.post(
            &bank_app_path(&approved[0], "disbursements"),
            Some(&officer.token),
            &disbursement("B-001", 14_000_000),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let again = json_of(
        app.post(
            &bank_app_path(&approved[0], "disbursements"),
            Some(&officer.token),
            &disbursement("B-001", 14_000_000),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(first["version"], again["version"]);
    assert_eq!(again["disbursedAmountFen"], 14_000_000);
    assert_error(
        app.post(
            &bank_app_path(&approved[0], "disbursements"),
            Some(&officer.token),
            &disbursement("B-001", 13_000_000),
        )
        .await,
        StatusCode::CONFLICT,
        "DUPLICATE_BANK_REFERENCE",
    )
    .await;
    assert_error(
        app.post(
            &bank_app_path(&approved[1], "disbursements"),
            Some(&officer.token),
            &disbursement("B-001", 15_000_000),
        )
        .await,
        StatusCode::CONFLICT,
        "DUPLICATE_BANK_REFERENCE",
    )
    .await;
    // More than approved, a date before the approval or in the future: 422.
    let mut late = disbursement("B-002", 15_000_000);
    late["disbursedOn"] = json!(china_date(Utc::now() + Duration::days(1)));
    assert_error(
        app.post(
            &bank_app_path(&approved[1], "disbursements"),
            Some(&officer.token),
            &late,
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    assert_error(
        app.post(
            &bank_app_path(&approved[1], "disbursements"),
            Some(&officer.token),
            &disbursement("B-002", 15_100_000),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    json_of(
        app.post(
            &bank_app_path(&approved[1], "disbursements"),
            Some(&officer.token),
            &disbursement("B-002", 15_000_000),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let p = json_of(
        app.get(
            &format!("/api/v1/admin/loan-products/{pid}"),
            Some(&app.admin_of("220000").await.token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        p["committedFen"], 29_000_000,
        "1,000,000 released by the smaller disbursement"
    );
}

/// Acceptance check 14, first half: a submission racing the disbursement of the youth's
/// approved application never succeeds alongside it.
#[tokio::test]
async fn a_submission_racing_the_disbursement_of_the_approved_application_is_refused() {
    let app = spawn_app().await;
    let second = app.second_instance_on_postgres().await;
    let other = second.as_ref().unwrap_or(&app);
    let (officer, product) = provincial_offer(&app).await;
    let pid = product["id"].as_str().unwrap();
    for round in 0..3 {
        let youth = applicant(&app, &format!("racer{round}"), NANGUAN_VILLAGE).await;
        let created = json_of(
            submit(&app, &youth, &application_body(pid), None).await,
            StatusCode::CREATED,
        )
        .await;
        let id = created["id"].as_str().unwrap().to_owned();
        let local = app.admin_of(NANGUAN).await;
        let rec = json_of(
            app.post(
                &format!("/api/v1/admin/loan-applications/{id}/recommendations"),
                Some(&local.token),
                &json!({"recommendedAmountFen": 15_000_000, "version": 1}),
            )
            .await,
            StatusCode::OK,
        )
        .await;
        json_of(
            app.post(
                &bank_app_path(&id, "decisions"),
                Some(&officer.token),
                &json!({"decision": "approve", "amountFen": 15_000_000, "rateBp": 385, "termMonths": 24,
                        "version": rec["version"]}),
            )
            .await,
            StatusCode::OK,
        )
        .await;
        let url = bank_app_path(&id, "disbursements");
        let booked = disbursement(&format!("R-{round}"), 15_000_000);
        let again = application_body(pid);
        let (d, s) = tokio::join!(
            app.post(&url, Some(&officer.token), &booked),
            submit(other, &youth, &again, None),
        );
        assert_eq!(d.status(), StatusCode::OK);
        let body = json_of(s, StatusCode::CONFLICT).await;
        let code = body["error"]["code"].as_str().unwrap();
        assert!(
            code == "APPLICATION_IN_PROGRESS" || code == "OUTSTANDING_LOAN",
            "{body}"
        );
        assert_eq!(my_applications(&app, &youth).await["total"], 1);
    }
}

async fn wait_for_status(app: &TestApp, youth: &Login, id: &str, status: &str) -> Value {
    for _ in 0..200 {
        let mine = json_of(
            app.get(
                &format!("/api/v1/me/loan-applications/{id}"),
                Some(&youth.token),
            )
            .await,
            StatusCode::OK,
        )
        .await;
        if mine["status"] == status {
            return mine;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!("{id} never became {status}");
}

/// Acceptance check 10: an approval with `offer_valid_days = 0` lapses within one sweep and the
/// product's committed amount drops back.
#[tokio::test]
async fn an_offer_not_disbursed_in_time_lapses_and_releases_the_quota() {
    let app = spawn_app_with(|s| {
        s.loans.lapse_sweep_interval = std::time::Duration::from_millis(50);
    })
    .await;
    let province = app.admin_of("220000").await;
    let bank = create_bank(&app, &province, "吉林银行", None).await;
    let officer = officer_of(&app, &bank).await;
    let mut body = product_body(&bank, "220000", "SHORT");
    body["offerValidDays"] = json!(0);
    body["quotaFen"] = json!(100_000_000);
    let product = published_product(&app, &officer, &body).await;
    let youth = applicant(&app, "lapsing", NANGUAN_VILLAGE).await;
    let created = json_of(
        submit(
            &app,
            &youth,
            &application_body(product["id"].as_str().unwrap()),
            None,
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let id = created["id"].as_str().unwrap();
    let local = app.admin_of(NANGUAN).await;
    let rec = json_of(
        app.post(
            &format!("/api/v1/admin/loan-applications/{id}/recommendations"),
            Some(&local.token),
            &json!({"recommendedAmountFen": 15_000_000, "version": 1}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    json_of(
        app.post(
            &bank_app_path(id, "decisions"),
            Some(&officer.token),
            &json!({"decision": "approve", "amountFen": 15_000_000, "rateBp": 385, "termMonths": 24,
                    "version": rec["version"]}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let lapsed = wait_for_status(&app, &youth, id, "lapsed").await;
    assert_eq!(
        lapsed["timeline"].as_array().unwrap().last().unwrap()["actor"]["kind"],
        "system"
    );
    let p = json_of(
        app.get(
            &format!(
                "/api/v1/admin/loan-products/{}",
                product["id"].as_str().unwrap()
            ),
            Some(&province.token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(p["committedFen"], 0);
    // The next sweeps release nothing more.
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let p = json_of(
        app.get(
            &format!(
                "/api/v1/admin/loan-products/{}",
                product["id"].as_str().unwrap()
            ),
            Some(&province.token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(p["committedFen"], 0);
}

/// Two instances sweeping the same offers: each lapses exactly once (one `lapse` event), and the
/// quota is released once (on SQLite one instance, two sweeps racing on one database would only
/// queue on the single writer).
#[tokio::test]
async fn two_instances_lapsing_the_same_offers_release_the_quota_once() {
    let app = spawn_app_with(|s| {
        s.loans.lapse_sweep_interval = std::time::Duration::from_millis(20);
    })
    .await;
    let _second = app.second_instance_on_postgres().await;
    let province = app.admin_of("220000").await;
    let bank = create_bank(&app, &province, "吉林银行", None).await;
    let officer = officer_of(&app, &bank).await;
    let mut body = product_body(&bank, "220000", "SWEEP");
    body["offerValidDays"] = json!(0);
    body["quotaFen"] = json!(100_000_000);
    let product = published_product(&app, &officer, &body).await;
    let pid = product["id"].as_str().unwrap();
    let local = app.admin_of(NANGUAN).await;
    let mut offers = Vec::new();
    for n in 0..4 {
        let youth = applicant(&app, &format!("sweep{n}"), NANGUAN_VILLAGE).await;
        let created = json_of(
            submit(&app, &youth, &application_body(pid), None).await,
            StatusCode::CREATED,
        )
        .await;
        let id = created["id"].as_str().unwrap().to_owned();
        let rec = json_of(
            app.post(
                &format!("/api/v1/admin/loan-applications/{id}/recommendations"),
                Some(&local.token),
                &json!({"recommendedAmountFen": 15_000_000, "version": created["version"]}),
            )
            .await,
            StatusCode::OK,
        )
        .await;
        json_of(
            app.post(
                &bank_app_path(&id, "decisions"),
                Some(&officer.token),
                &json!({"decision": "approve", "amountFen": 15_000_000, "rateBp": 385,
                        "termMonths": 24, "version": rec["version"]}),
            )
            .await,
            StatusCode::OK,
        )
        .await;
        offers.push((youth, id));
    }
    for (youth, id) in &offers {
        let lapsed = wait_for_status(&app, youth, id, "lapsed").await;
        let lapses = actions(&lapsed["timeline"])
            .into_iter()
            .filter(|(a, _)| a == "lapse")
            .count();
        assert_eq!(lapses, 1, "{}", lapsed["timeline"]);
    }
    // Let both sweepers run again over the lapsed offers: nothing more is released.
    tokio::time::sleep(std::time::Duration::from_millis(150)).await;
    let p = json_of(
        app.get(
            &format!("/api/v1/admin/loan-products/{pid}"),
            Some(&province.token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(p["committedFen"], 0);
    // Each applicant is told once.
    for (youth, _) in &offers {
        let inbox = json_of(
            app.get("/api/v1/me/notifications", Some(&youth.token))
                .await,
            StatusCode::OK,
        )
        .await;
        let told = inbox["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|n| n["kind"] == "loan.lapsed")
            .count();
        assert_eq!(told, 1, "{inbox}");
    }
}

/// Acceptance check 13, first half: with `JIQING_LOAN_RESUBMIT_DAYS=0` one sweep lapses a
/// returned application; the youth is told and may submit anew.
#[tokio::test]
async fn a_return_not_resubmitted_in_time_lapses_and_frees_the_slot() {
    let app = spawn_app_with(|s| {
        s.loans.lapse_sweep_interval = std::time::Duration::from_millis(50);
        s.loans.resubmit_days = 0;
    })
    .await;
    let (_officer, product) = provincial_offer(&app).await;
    let pid = product["id"].as_str().unwrap();
    let youth = applicant(&app, "slow", NANGUAN_VILLAGE).await;
    let created = json_of(
        submit(&app, &youth, &application_body(pid), None).await,
        StatusCode::CREATED,
    )
    .await;
    let id = created["id"].as_str().unwrap();
    let local = app.admin_of(NANGUAN).await;
    json_of(
        app.post(
            &format!("/api/v1/admin/loan-applications/{id}/returns"),
            Some(&local.token),
            &json!({"reason": "请补充经营场地证明", "version": 1}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    wait_for_status(&app, &youth, id, "lapsed").await;
    let notes = json_of(
        app.get("/api/v1/me/notifications", Some(&youth.token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert!(
        notes["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["kind"] == "loan.lapsed"),
        "{notes}"
    );
    let cadre_notes = json_of(
        app.get("/api/v1/me/notifications", Some(&local.token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert!(
        cadre_notes["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["kind"] == "loan.lapsed")
    );
    json_of(
        submit(&app, &youth, &application_body(pid), None).await,
        StatusCode::CREATED,
    )
    .await;
}

async fn todo(app: &TestApp, who: &Login, queue: &str) -> (u64, u64) {
    let list = json_of(
        app.get("/api/v1/admin/todos", Some(&who.token)).await,
        StatusCode::OK,
    )
    .await;
    let item = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["queue"] == queue)
        .unwrap_or_else(|| panic!("{queue} is not listed: {list}"))
        .clone();
    (
        item["count"].as_u64().unwrap(),
        item["overdue"].as_u64().unwrap(),
    )
}

/// Acceptance check 13, second half, and the other queues: the local unit's overdue reviews,
/// the parent unit's escalations, the products to publish (not one's own) and the bank's.
#[tokio::test]
async fn late_reviews_show_in_the_local_and_parent_units_to_dos_and_the_bank_has_its_queues() {
    let app = spawn_app_with(|s| s.loans.review_days = 0).await;
    let maker = app.admin_of("220000").await;
    let checker = app.admin_of("220000").await;
    let bank = create_bank(&app, &maker, "吉林银行", None).await;
    let officer = officer_of(&app, &bank).await;
    let draft = create_product(&app, &maker, &product_body(&bank, "220000", "TODO")).await;
    let pid = draft["id"].as_str().unwrap();
    json_of(
        app.post(
            &product_path(pid, "bank-submissions"),
            Some(&maker.token),
            &json!({}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        todo(&app, &officer, "loan_products_to_confirm").await,
        (1, 0)
    );
    let sent = json_of(
        app.get(
            &format!("/api/v1/admin/loan-products/{pid}"),
            Some(&maker.token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    json_of(
        app.post(
            &bank_product_path(pid, "confirmations"),
            Some(&officer.token),
            &json!({"version": sent["version"]}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        todo(&app, &officer, "loan_products_to_confirm").await,
        (0, 0)
    );
    // Four-eyes: the maker has nothing to publish, the checker has one.
    assert_eq!(todo(&app, &maker, "loan_products_to_publish").await, (0, 0));
    assert_eq!(
        todo(&app, &checker, "loan_products_to_publish").await,
        (1, 0)
    );
    json_of(
        app.post(
            &product_path(pid, "publications"),
            Some(&checker.token),
            &json!({}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let youth = applicant(&app, "late", NANGUAN_VILLAGE).await;
    let created = json_of(
        submit(&app, &youth, &application_body(pid), None).await,
        StatusCode::CREATED,
    )
    .await;
    let local = app.admin_of(NANGUAN).await;
    let city = app.admin_of("220100").await;
    let neighbour = app.admin_of("220103").await;
    assert_eq!(
        todo(&app, &local, "loan_applications_to_recommend").await,
        (1, 1)
    );
    assert_eq!(
        todo(&app, &neighbour, "loan_applications_to_recommend").await,
        (0, 0)
    );
    assert_eq!(
        todo(&app, &city, "loan_applications_escalated").await,
        (1, 1)
    );
    assert_eq!(
        todo(&app, &maker, "loan_applications_escalated").await,
        (1, 1)
    );
    // Listed where the caller acts only: a county does not escalate, a city does not recommend.
    let county_queues = json_of(
        app.get("/api/v1/admin/todos", Some(&local.token)).await,
        StatusCode::OK,
    )
    .await;
    assert!(
        !county_queues
            .to_string()
            .contains("loan_applications_escalated")
    );
    let city_queues = json_of(
        app.get("/api/v1/admin/todos", Some(&city.token)).await,
        StatusCode::OK,
    )
    .await;
    assert!(
        !city_queues
            .to_string()
            .contains("loan_applications_to_recommend")
    );
    let overdue = json_of(
        app.get(
            "/api/v1/admin/loan-applications?overdueReview=true",
            Some(&city.token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(overdue["total"], 1);
    assert_eq!(overdue["items"][0]["overdueReview"], true);
    json_of(
        app.post(
            &format!(
                "/api/v1/admin/loan-applications/{}/recommendations",
                created["id"].as_str().unwrap()
            ),
            Some(&local.token),
            &json!({"recommendedAmountFen": 15_000_000, "version": 1}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        todo(&app, &local, "loan_applications_to_recommend").await,
        (0, 0)
    );
    assert_eq!(
        todo(&app, &officer, "loan_referrals_to_accept").await,
        (1, 0)
    );
    let notes = json_of(
        app.get("/api/v1/me/notifications", Some(&officer.token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert!(
        notes["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["kind"] == "loan.recommended")
    );
}

/// Acceptance check 6, second half: after the first approval is reversed within the window,
/// the second application can be approved; reversing a disbursement commits the rest again.
#[tokio::test]
async fn a_reversed_approval_releases_the_quota_for_the_next_one() {
    let app = spawn_app().await;
    let province = app.admin_of("220000").await;
    let bank = create_bank(&app, &province, "吉林银行", None).await;
    let officer = officer_of(&app, &bank).await;
    let mut body = product_body(&bank, "220000", "QUOTA");
    body["quotaFen"] = json!(50_000_000);
    let product = published_product(&app, &officer, &body).await;
    let pid = product["id"].as_str().unwrap();
    let mut ask = application_body(pid);
    ask["amountFen"] = json!(30_000_000);
    let a = recommended(&app, "rev-a", &ask, 30_000_000).await;
    let b = recommended(&app, "rev-b", &ask, 30_000_000).await;
    let approve = |rec: &Value, version: &Value| {
        json!({"decision": "approve", "amountFen": 30_000_000, "rateBp": 385, "termMonths": 24,
               "version": version.clone(), "note": rec["number"].clone()})
    };
    let a_id = a["id"].as_str().unwrap();
    let b_id = b["id"].as_str().unwrap();
    let approved = json_of(
        app.post(
            &bank_app_path(a_id, "decisions"),
            Some(&officer.token),
            &approve(&a, &a["version"]),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_error(
        app.post(
            &bank_app_path(b_id, "decisions"),
            Some(&officer.token),
            &approve(&b, &b["version"]),
        )
        .await,
        StatusCode::CONFLICT,
        "PRODUCT_QUOTA_EXHAUSTED",
    )
    .await;
    // Another bank cannot reverse it; the bank that approved can.
    let other_bank = create_bank(&app, &province, "农商银行", None).await;
    let stranger = officer_of(&app, &other_bank).await;
    assert_error(
        app.post(
            &bank_app_path(a_id, "reversals"),
            Some(&stranger.token),
            &json!({"reason": "录入错误"}),
        )
        .await,
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
    )
    .await;
    let reversed = json_of(
        app.post(
            &bank_app_path(a_id, "reversals"),
            Some(&officer.token),
            &json!({"reason": "审批金额录入错误"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(reversed["status"], "recommended");
    assert!(reversed["approvedAmountFen"].is_null());
    assert_eq!(
        reversed["timeline"].as_array().unwrap().last().unwrap()["action"],
        "reverse"
    );
    assert_ne!(approved["version"], reversed["version"]);
    json_of(
        app.post(
            &bank_app_path(b_id, "decisions"),
            Some(&officer.token),
            &approve(&b, &b["version"]),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    // Nothing left to reverse on the reversed one.
    assert_error(
        app.post(
            &bank_app_path(a_id, "reversals"),
            Some(&officer.token),
            &json!({"reason": "再次撤销"}),
        )
        .await,
        StatusCode::CONFLICT,
        "REVERSAL_NOT_ALLOWED",
    )
    .await;
    // A disbursement below the approval releases the rest; reversing it commits the rest again.
    json_of(
        app.post(
            &bank_app_path(b_id, "disbursements"),
            Some(&officer.token),
            &disbursement("Q-1", 20_000_000),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let committed = |v: Value| v["committedFen"].clone();
    let product_url = format!("/api/v1/admin/loan-products/{pid}");
    let get_product = || app.get(&product_url, Some(&province.token));
    assert_eq!(
        committed(json_of(get_product().await, StatusCode::OK).await),
        20_000_000
    );
    let back = json_of(
        app.post(
            &bank_app_path(b_id, "reversals"),
            Some(&officer.token),
            &json!({"reason": "放款信息有误"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(back["status"], "approved");
    assert!(back["bankReference"].is_null());
    assert_eq!(
        committed(json_of(get_product().await, StatusCode::OK).await),
        30_000_000
    );
}

#[tokio::test]
async fn the_bank_reports_a_loan_overdue_cured_and_repaid_which_frees_the_borrower() {
    let app = spawn_app().await;
    let (officer, product) = provincial_offer(&app).await;
    let pid = product["id"].as_str().unwrap();
    let rec = recommended(&app, "repays", &application_body(pid), 15_000_000).await;
    let id = rec["id"].as_str().unwrap();
    json_of(
        app.post(
            &bank_app_path(id, "decisions"),
            Some(&officer.token),
            &json!({"decision": "approve", "amountFen": 15_000_000, "rateBp": 385, "termMonths": 24,
                    "version": rec["version"]}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    json_of(
        app.post(
            &bank_app_path(id, "disbursements"),
            Some(&officer.token),
            &disbursement("P-1", 15_000_000),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let today = china_date(Utc::now());
    let report = |kind: &str| json!({"kind": kind, "on": today});
    // Cured before overdue: not from disbursed.
    assert_error(
        app.post(
            &bank_app_path(id, "status-reports"),
            Some(&officer.token),
            &report("cured"),
        )
        .await,
        StatusCode::CONFLICT,
        "INVALID_STATE",
    )
    .await;
    let mut future = report("overdue");
    future["on"] = json!(china_date(Utc::now() + Duration::days(2)));
    assert_error(
        app.post(
            &bank_app_path(id, "status-reports"),
            Some(&officer.token),
            &future,
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    for (kind, status) in [
        ("overdue", "overdue"),
        ("cured", "disbursed"),
        ("repaid", "closed"),
    ] {
        let v = json_of(
            app.post(
                &bank_app_path(id, "status-reports"),
                Some(&officer.token),
                &report(kind),
            )
            .await,
            StatusCode::OK,
        )
        .await;
        assert_eq!(v["status"], status, "{kind}");
    }
    // Repaid: the borrower has no outstanding loan left.
    use sea_orm::EntityTrait;
    let youth_id = entity::loan_applications::Entity::find_by_id(id.parse::<Uuid>().unwrap())
        .one(app.db())
        .await
        .unwrap()
        .unwrap()
        .applicant_user_id
        .unwrap();
    let b = entity::loan_borrowers::Entity::find_by_id(youth_id)
        .one(app.db())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(b.outstanding_loans, 0);
    let closed = json_of(
        app.get(
            &format!("/api/v1/admin/bank/loan-applications/{id}"),
            Some(&officer.token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(closed["closure"], "repaid");
    assert_eq!(closed["closedOn"], today);
}

// ---- Subsidies (贴息) ----

/// A disbursed loan of a new youth of `village` on `offer` (as the local unit recommends and
/// `officer`'s bank approves and disburses it), with one subsidy claim for its first month: the
/// claim's id.
pub async fn disbursed_claim(
    app: &TestApp,
    officer: &Login,
    offer: &Value,
    village: &str,
) -> String {
    let id = disbursed_loan(app, officer, offer, village, "claimant").await;
    let created = claim(app, officer, &id, 0, 30, 123_457).await;
    json_of(created, StatusCode::CREATED).await["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// A disbursed loan (disbursed 60 days ago, maturing in two years): the application's id.
async fn disbursed_loan(
    app: &TestApp,
    officer: &Login,
    offer: &Value,
    village: &str,
    name: &str,
) -> String {
    let youth = applicant(app, name, village).await;
    let created = json_of(
        submit(
            app,
            &youth,
            &application_body(offer["id"].as_str().unwrap()),
            None,
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let id = created["id"].as_str().unwrap().to_owned();
    let local_code = app.state.league.owner(village).unwrap().code.clone();
    let local = app.admin_of(&local_code).await;
    let rec = json_of(
        app.post(
            &format!("/api/v1/admin/loan-applications/{id}/recommendations"),
            Some(&local.token),
            &json!({"recommendedAmountFen": 15_000_000, "version": 1}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    json_of(
        app.post(
            &bank_app_path(&id, "decisions"),
            Some(&officer.token),
            &json!({"decision": "approve", "amountFen": 15_000_000, "rateBp": 385, "termMonths": 24,
                    "version": rec["version"]}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    // Booked 60 days back: the approval is moved back with it.
    use entity::loan_applications;
    use sea_orm::sea_query::Expr;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    loan_applications::Entity::update_many()
        .col_expr(
            loan_applications::Column::ApprovedAt,
            Expr::value(Utc::now() - Duration::days(61)),
        )
        .filter(loan_applications::Column::Id.eq(id.parse::<Uuid>().unwrap()))
        .exec(app.db())
        .await
        .unwrap();
    let mut d = disbursement(
        &format!("D-{}", &Uuid::new_v4().simple().to_string()[..8]),
        15_000_000,
    );
    d["disbursedOn"] = json!(china_date(Utc::now() - Duration::days(60)));
    json_of(
        app.post(
            &bank_app_path(&id, "disbursements"),
            Some(&officer.token),
            &d,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    id
}

/// Claim `interest` for the days `from`..=`to` after the disbursement.
async fn claim(
    app: &TestApp,
    officer: &Login,
    id: &str,
    from: i64,
    to: i64,
    interest: i64,
) -> reqwest::Response {
    let start = Utc::now() - Duration::days(60);
    app.post(
        &bank_app_path(id, "subsidy-claims"),
        Some(&officer.token),
        &json!({"periodFrom": china_date(start + Duration::days(from)),
                "periodTo": china_date(start + Duration::days(to)), "interestPaidFen": interest}),
    )
    .await
}

/// Acceptance check 9: the same cadre verifying and approving is refused; a claim over an
/// overdue period is refused; a ratio-500 ‰ claim on 123,457 fen of interest is 61,728 fen.
#[tokio::test]
async fn subsidy_claims_are_computed_in_fen_checked_four_eyes_and_never_cover_overdue_periods() {
    let app = spawn_app().await;
    let province = app.admin_of("220000").await;
    let bank = create_bank(&app, &province, "吉林银行", None).await;
    let officer = officer_of(&app, &bank).await;
    let mut body = product_body(&bank, "220000", "RATIO");
    body["subsidyKind"] = json!("ratio");
    body["subsidyRatioPermille"] = json!(500);
    body["subsidyCapFen"] = json!(100_000);
    let offer = published_product(&app, &officer, &body).await;
    let id = disbursed_loan(&app, &officer, &offer, NANGUAN_VILLAGE, "subsidised").await;
    let first = json_of(
        claim(&app, &officer, &id, 0, 30, 123_457).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(first["subsidyFen"], 61_728);
    assert_eq!(first["status"], "submitted");
    // The same period again: 409 PERIOD_OVERLAP; the rest of the cap cuts the next claim.
    assert_error(
        claim(&app, &officer, &id, 20, 40, 10_000).await,
        StatusCode::CONFLICT,
        "PERIOD_OVERLAP",
    )
    .await;
    let second = json_of(
        claim(&app, &officer, &id, 31, 45, 123_457).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(second["subsidyFen"], 100_000 - 61_728);
    assert_error(
        claim(&app, &officer, &id, 46, 50, 1_000).await,
        StatusCode::CONFLICT,
        "SUBSIDY_CAP_REACHED",
    )
    .await;
    // Four-eyes: the verifier may not approve; a cadre of the unit above approves.
    let local = app.admin_of(NANGUAN).await;
    let cid = first["id"].as_str().unwrap();
    let url = |a: &str| format!("/api/v1/admin/loan-subsidy-claims/{cid}/{a}");
    let city = app.admin_of("220100").await;
    assert_error(
        app.post(
            &url("verifications"),
            Some(&city.token),
            &json!({"version": 1}),
        )
        .await,
        StatusCode::FORBIDDEN,
        "LOCAL_UNIT_ONLY",
    )
    .await;
    let verified = json_of(
        app.post(
            &url("verifications"),
            Some(&local.token),
            &json!({"version": 1}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(verified["status"], "verified");
    assert_error(
        app.post(
            &url("approvals"),
            Some(&local.token),
            &json!({"version": verified["version"]}),
        )
        .await,
        StatusCode::FORBIDDEN,
        "SAME_ACTOR_NOT_ALLOWED",
    )
    .await;
    let other_local = app.admin_of(NANGUAN).await;
    assert_error(
        app.post(
            &url("approvals"),
            Some(&other_local.token),
            &json!({"version": verified["version"]}),
        )
        .await,
        StatusCode::FORBIDDEN,
        "PARENT_UNIT_ONLY",
    )
    .await;
    let approved = json_of(
        app.post(
            &url("approvals"),
            Some(&city.token),
            &json!({"version": verified["version"]}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(approved["status"], "approved");
    assert_error(
        app.post(&url("payments"), Some(&city.token), &json!({"paidOn": china_date(Utc::now()), "reference": "CZ-1", "version": approved["version"]})).await,
        StatusCode::FORBIDDEN,
        "PROVINCE_CADRE_ONLY",
    )
    .await;
    let paid = json_of(
        app.post(&url("payments"), Some(&province.token), &json!({"paidOn": china_date(Utc::now()), "reference": "CZ-1", "version": approved["version"]})).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(paid["status"], "paid");
    assert_eq!(paid["paidReference"], "CZ-1");
    // Rejecting the second claim frees its share of the cap.
    let sid = second["id"].as_str().unwrap();
    json_of(
        app.post(
            &format!("/api/v1/admin/loan-subsidy-claims/{sid}/rejections"),
            Some(&local.token),
            &json!({"reason": "利息清单与计息期间不符", "version": 1}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let third = json_of(
        claim(&app, &officer, &id, 46, 50, 1_000).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(third["subsidyFen"], 500);
    // An overdue period (reported, then cured): a claim over it is refused.
    for (kind, days_ago) in [("overdue", 5), ("cured", 0)] {
        json_of(
            app.post(
                &bank_app_path(&id, "status-reports"),
                Some(&officer.token),
                &json!({"kind": kind, "on": china_date(Utc::now() - Duration::days(days_ago))}),
            )
            .await,
            StatusCode::OK,
        )
        .await;
    }
    assert_error(
        claim(&app, &officer, &id, 51, 58, 1_000).await,
        StatusCode::CONFLICT,
        "NOT_ELIGIBLE_OVERDUE",
    )
    .await;
    // The list: in the local unit's scope, not in another county's.
    let mine = json_of(
        app.get("/api/v1/admin/loan-subsidy-claims", Some(&local.token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(mine["total"], 3);
    let neighbour = app.admin_of("220103").await;
    let theirs = json_of(
        app.get("/api/v1/admin/loan-subsidy-claims", Some(&neighbour.token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(theirs["total"], 0);
    // A product without subsidy: 409 NO_SUBSIDY.
    let mut none = product_body(&bank, "220000", "NOSUB");
    none["subsidyKind"] = json!("none");
    let plain = published_product(&app, &officer, &none).await;
    let loan = disbursed_loan(&app, &officer, &plain, NANGUAN_VILLAGE, "unsubsidised").await;
    assert_error(
        claim(&app, &officer, &loan, 0, 10, 1_000).await,
        StatusCode::CONFLICT,
        "NO_SUBSIDY",
    )
    .await;
}

// ---- Supervision ----

#[tokio::test]
async fn loan_stats_count_sum_and_rate_per_unit_bank_and_product() {
    let app = spawn_app().await;
    let (officer, product) = provincial_offer(&app).await;
    disbursed_loan(&app, &officer, &product, NANGUAN_VILLAGE, "stat-a").await;
    let rec = recommended(
        &app,
        "stat-b",
        &application_body(product["id"].as_str().unwrap()),
        15_000_000,
    )
    .await;
    json_of(
        app.post(
            &bank_app_path(rec["id"].as_str().unwrap(), "decisions"),
            Some(&officer.token),
            &json!({"decision": "reject", "reasonCode": "business_risk", "version": rec["version"]}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let jl = applicant(&app, "stat-c", JILIN_CITY_VILLAGE).await;
    json_of(
        submit(
            &app,
            &jl,
            &application_body(product["id"].as_str().unwrap()),
            None,
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let province = app.admin_of("220000").await;
    let stats = json_of(
        app.get("/api/v1/admin/loans/stats", Some(&province.token))
            .await,
        StatusCode::OK,
    )
    .await;
    let area = &stats["area"];
    assert_eq!(area["applications"], 3);
    assert_eq!(area["recommended"], 2);
    assert_eq!(area["approved"], 1);
    assert_eq!(area["recommendToApprovePermille"], 500);
    assert_eq!(area["averageApprovedAmountFen"], 15_000_000);
    assert_eq!(area["averageApprovedRateBp"], 385);
    assert_eq!(area["disbursedFen"], 15_000_000);
    assert_eq!(area["localUnitsWithDisbursement"], 1);
    assert_eq!(area["medianDaysToRecommend"], 0);
    let by = |line: &Value, status: &str| {
        line["byStatus"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["status"] == status)
            .map(|s| {
                (
                    s["count"].as_u64().unwrap(),
                    s["amountFen"].as_i64().unwrap(),
                )
            })
            .unwrap()
    };
    assert_eq!(by(area, "disbursed"), (1, 20_000_000));
    assert_eq!(by(area, "rejected"), (1, 20_000_000));
    assert_eq!(by(area, "submitted"), (1, 20_000_000));
    assert_eq!(by(area, "closed"), (0, 0));
    // The province's children are its 11 units; 长春 holds two, 吉林 one, and they sum to the area.
    let children = stats["children"].as_array().unwrap();
    assert_eq!(children.len(), 11);
    let child = |code: &str| children.iter().find(|c| c["key"] == code).unwrap().clone();
    assert_eq!(child("220100")["applications"], 2);
    assert_eq!(child("220200")["applications"], 1);
    assert_eq!(
        children
            .iter()
            .map(|c| c["applications"].as_u64().unwrap())
            .sum::<u64>(),
        3
    );
    assert_eq!(stats["banks"].as_array().unwrap().len(), 1);
    assert_eq!(stats["banks"][0]["name"], "吉林银行");
    assert_eq!(stats["products"][0]["applications"], 3);
    // A county sees its own; another area is 403; the dates narrow it.
    let county = app.admin_of(NANGUAN).await;
    let own = json_of(
        app.get("/api/v1/admin/loans/stats", Some(&county.token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(own["area"]["applications"], 2);
    assert_error(
        app.get(
            "/api/v1/admin/loans/stats?region=220200",
            Some(&county.token),
        )
        .await,
        StatusCode::FORBIDDEN,
        "OUTSIDE_REGION",
    )
    .await;
    let tomorrow = china_date(Utc::now() + Duration::days(1));
    let none = json_of(
        app.get(
            &format!("/api/v1/admin/loans/stats?from={tomorrow}"),
            Some(&province.token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(none["area"]["applications"], 0);
    assert!(none["area"]["recommendToApprovePermille"].is_null());
}

/// Personal data: cadres see it masked and reveal name or phone with a reason; the bank's
/// officer reveals the ID number for the credit inquiry; every reveal is logged for the province.
#[tokio::test]
async fn reveals_show_full_values_to_whom_the_spec_allows_and_are_logged() {
    let app = spawn_app().await;
    let (officer, product) = provincial_offer(&app).await;
    let rec = recommended(
        &app,
        "revealed",
        &application_body(product["id"].as_str().unwrap()),
        15_000_000,
    )
    .await;
    let id = rec["id"].as_str().unwrap();
    let county = app.admin_of(NANGUAN).await;
    let url = format!("/api/v1/admin/loan-applications/{id}/reveals");
    let phone = json_of(
        app.post(
            &url,
            Some(&county.token),
            &json!({"field": "phone", "reason": "电话核实经营情况"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(phone["value"], "13912345678");
    assert_error(
        app.post(
            &url,
            Some(&county.token),
            &json!({"field": "id_number", "reason": "电话核实经营情况"}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_FAILED",
    )
    .await;
    let neighbour = app.admin_of("220103").await;
    assert_error(
        app.post(
            &url,
            Some(&neighbour.token),
            &json!({"field": "phone", "reason": "电话核实经营情况"}),
        )
        .await,
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
    )
    .await;
    let id_number = json_of(
        app.post(
            &bank_app_path(id, "reveals"),
            Some(&officer.token),
            &json!({"field": "id_number", "reason": "征信查询"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(id_number["value"].as_str().unwrap().len(), 18);
    assert_error(
        app.get("/api/v1/admin/loan-reveals", Some(&county.token))
            .await,
        StatusCode::FORBIDDEN,
        "PROVINCE_CADRE_ONLY",
    )
    .await;
    let province = app.admin_of("220000").await;
    let log = json_of(
        app.get("/api/v1/admin/loan-reveals", Some(&province.token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(log["total"], 2);
    assert_eq!(log["items"][0]["field"], "id_number");
    assert_eq!(log["items"][0]["viewerKind"], "bank_officer");
    assert_eq!(log["items"][1]["reason"], "电话核实经营情况");
}

/// Acceptance check 12: with `JIQING_RETENTION_YEARS=0` one run of `retention-anonymise` clears
/// a rejected application's personal fields and its events' reasons; the loan stats are
/// unchanged and a disbursed application is untouched.
#[tokio::test]
async fn retention_clears_applications_that_ended_without_a_loan_and_keeps_the_stats() {
    let app = spawn_app_with(|s| s.retention_years = 0).await;
    let (officer, product) = provincial_offer(&app).await;
    let disbursed = disbursed_loan(&app, &officer, &product, NANGUAN_VILLAGE, "kept").await;
    let rec = recommended(
        &app,
        "forgotten",
        &application_body(product["id"].as_str().unwrap()),
        15_000_000,
    )
    .await;
    let rejected = rec["id"].as_str().unwrap().to_owned();
    json_of(
        app.post(
            &bank_app_path(&rejected, "decisions"),
            Some(&officer.token),
            &json!({"decision": "reject", "reasonCode": "business_risk", "note": "养殖场选址在河道管理范围内", "version": rec["version"]}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let province = app.admin_of("220000").await;
    let before = json_of(
        app.get("/api/v1/admin/loans/stats", Some(&province.token))
            .await,
        StatusCode::OK,
    )
    .await;
    jiqing::retention::run(app.state.clone(), jiqing::time::today_in_china(Utc::now()))
        .await
        .unwrap();
    let after = json_of(
        app.get("/api/v1/admin/loans/stats", Some(&province.token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(before, after, "statistics do not change");
    let county = app.admin_of(NANGUAN).await;
    let gone = json_of(
        app.get(
            &format!("/api/v1/admin/loan-applications/{rejected}"),
            Some(&county.token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(gone["status"], "rejected");
    assert_eq!(gone["reasonCode"], "business_risk");
    assert!(gone["applicantName"].is_null() && gone["applicantPhone"].is_null());
    assert!(gone["purposeDetail"].is_null() && gone["businessName"].is_null());
    assert!(gone["reasonNote"].is_null());
    assert_eq!(gone["regionCode"], NANGUAN);
    assert_eq!(gone["amountFen"], 20_000_000);
    assert!(
        gone["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["reason"].is_null()),
        "{}",
        gone["timeline"]
    );
    let kept = json_of(
        app.get(
            &format!("/api/v1/admin/loan-applications/{disbursed}"),
            Some(&county.token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert!(kept["applicantName"].is_string());
    assert!(kept["purposeDetail"].is_string());
    // A second run changes nothing.
    jiqing::retention::run(app.state.clone(), jiqing::time::today_in_china(Utc::now()))
        .await
        .unwrap();
}

#[tokio::test]
async fn the_bank_exports_its_queue_as_csv_without_id_numbers_and_the_export_is_logged() {
    let app = spawn_app().await;
    let (officer, product) = provincial_offer(&app).await;
    let rec = recommended(
        &app,
        "exported",
        &application_body(product["id"].as_str().unwrap()),
        15_000_000,
    )
    .await;
    // Not yet recommended: not in the file.
    let pending = applicant(&app, "pending", NANGUAN_VILLAGE).await;
    let waiting = json_of(
        submit(
            &app,
            &pending,
            &application_body(product["id"].as_str().unwrap()),
            None,
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let resp = app
        .get(
            "/api/v1/admin/bank/loan-applications/export?status=recommended",
            Some(&officer.token),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let body = resp.text().await.unwrap();
    assert!(body.starts_with('\u{feff}'));
    assert_eq!(body.lines().count(), 2, "{body}");
    assert!(body.contains(rec["number"].as_str().unwrap()));
    assert!(!body.contains(waiting["number"].as_str().unwrap()));
    assert!(body.contains("测试exported") && body.contains("13912345678"));
    let province = app.admin_of("220000").await;
    let log = json_of(
        app.get("/api/v1/admin/loan-reveals", Some(&province.token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(log["items"][0]["field"], "export");
    assert_eq!(log["items"][0]["rowCount"], 1);
}

#[tokio::test]
async fn the_daily_digest_tells_local_cadres_and_bank_officers_what_is_overdue() {
    let app = spawn_app_with(|s| {
        s.loans.review_days = 0;
        s.loans.bank_days = 0;
    })
    .await;
    let (officer, product) = provincial_offer(&app).await;
    let pid = product["id"].as_str().unwrap();
    recommended(&app, "late-bank", &application_body(pid), 15_000_000).await;
    let youth = applicant(&app, "late-review", NANGUAN_VILLAGE).await;
    json_of(
        submit(&app, &youth, &application_body(pid), None).await,
        StatusCode::CREATED,
    )
    .await;
    let local = app.admin_of(NANGUAN).await;
    let neighbour = app.admin_of("220103").await;
    jiqing::loans::digest::run(&app.state, jiqing::time::today_in_china(Utc::now()))
        .await
        .unwrap();
    let digest = |v: &Value| {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|n| n["kind"] == "loan.due_digest")
            .map(|n| n["body"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    let mine = json_of(
        app.get("/api/v1/me/notifications", Some(&local.token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(digest(&mine), ["有1笔贷款申请已超过推荐期限，请尽快处理。"]);
    let theirs = json_of(
        app.get("/api/v1/me/notifications", Some(&neighbour.token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert!(digest(&theirs).is_empty());
    let bank = json_of(
        app.get("/api/v1/me/notifications", Some(&officer.token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        digest(&bank),
        ["有1笔推荐贷款申请已超过审批期限，请尽快受理和审批。"]
    );
}

#[tokio::test]
async fn a_talent_profile_is_not_deleted_while_a_loan_application_is_open() {
    let app = spawn_app().await;
    let (_officer, product) = provincial_offer(&app).await;
    let youth = applicant(&app, "keeps", NANGUAN_VILLAGE).await;
    let created = json_of(
        submit(
            &app,
            &youth,
            &application_body(product["id"].as_str().unwrap()),
            None,
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert_error(
        app.delete("/api/v1/me/talent-profile", Some(&youth.token))
            .await,
        StatusCode::CONFLICT,
        "TALENT_PROFILE_IN_USE",
    )
    .await;
    json_of(
        app.post(
            &format!(
                "/api/v1/me/loan-applications/{}/withdrawals",
                created["id"].as_str().unwrap()
            ),
            Some(&youth.token),
            &json!({}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let resp = app
        .delete("/api/v1/me/talent-profile", Some(&youth.token))
        .await;
    assert_eq!(resp.status(), StatusCode::NO_CONTENT);
}

/// The bank's queue, the cadres' list and the youth's own list run as many statements for a
/// dozen rows as for one (they once looked up the bank once per row, and the youth's list read
/// every row's timeline).
#[tokio::test]
async fn loan_lists_run_as_many_statements_for_a_dozen_rows_as_for_one() {
    use crate::queries::statements;
    let app = spawn_app().await;
    let (officer, product) = provincial_offer(&app).await;
    let pid = product["id"].as_str().unwrap().to_owned();
    let local = app.admin_of(NANGUAN).await;
    let youth = applicant(&app, "returning", NANGUAN_VILLAGE).await;
    let queue = "/api/v1/admin/bank/loan-applications?status=recommended&pageSize=50";
    let cadres = "/api/v1/admin/loan-applications?status=recommended&pageSize=50";
    let mine = "/api/v1/me/loan-applications?pageSize=50";
    let withdrawn_one = |n: usize| {
        let (app, youth, pid) = (&app, &youth, pid.clone());
        async move {
            let created = json_of(
                submit(app, youth, &application_body(&pid), None).await,
                StatusCode::CREATED,
            )
            .await;
            json_of(
                app.post(
                    &format!(
                        "/api/v1/me/loan-applications/{}/withdrawals",
                        created["id"].as_str().unwrap()
                    ),
                    Some(&youth.token),
                    &json!({"reason": format!("第{n}次撤回")}),
                )
                .await,
                StatusCode::OK,
            )
            .await;
        }
    };
    recommended(&app, "queued0", &application_body(&pid), 15_000_000).await;
    withdrawn_one(0).await;
    let few = [
        statements(&app, queue, &officer, 1..=1).await,
        statements(&app, cadres, &local, 1..=1).await,
        statements(&app, mine, &youth, 1..=1).await,
    ];
    for n in 1..12 {
        recommended(
            &app,
            &format!("queued{n}"),
            &application_body(&pid),
            15_000_000,
        )
        .await;
        withdrawn_one(n).await;
    }
    let many = [
        statements(&app, queue, &officer, 12..=12).await,
        statements(&app, cadres, &local, 12..=12).await,
        statements(&app, mine, &youth, 12..=12).await,
    ];
    assert_eq!(
        few, many,
        "statements for one row vs a dozen (queue, cadres, mine)"
    );
}

/// The supervision report's loans line (a trend, issue 13) counts the loans paid out this year
/// by the applicant's home, per purpose, and rolls them up to the children.
#[tokio::test]
async fn the_kpi_report_counts_the_loans_paid_out_this_year_by_home_and_purpose() {
    use crate::kpi::{child, line, report};
    let app = spawn_app().await;
    let (officer, offer) = provincial_offer(&app).await;
    let province = app.admin_of("220000").await;
    // (No report before the loans: live counts are kept up to 5 minutes.)
    disbursed_loan(&app, &officer, &offer, NANGUAN_VILLAGE, "paid-a").await;
    disbursed_loan(&app, &officer, &offer, NANGUAN_VILLAGE, "paid-b").await;
    disbursed_loan(&app, &officer, &offer, JILIN_CITY_VILLAGE, "paid-c").await;
    // Recommended but not paid out: not counted.
    recommended(
        &app,
        "waiting",
        &application_body(offer["id"].as_str().unwrap()),
        15_000_000,
    )
    .await;
    let after = report(&app, &province, "indicators=loans").await;
    let l = line(&after, "loans");
    // Booked 60 days back: in this year unless the year began since.
    let today = jiqing::time::today_in_china(Utc::now());
    let expected = if (today - Duration::days(60)).format("%Y").to_string()
        == today.format("%Y").to_string()
    {
        (3, 2, 1)
    } else {
        (0, 0, 0)
    };
    assert_eq!(l["numerator"], expected.0, "{l}");
    assert_eq!(child(l, "220100")["numerator"], expected.1, "{l}");
    assert_eq!(child(l, "220200")["numerator"], expected.2, "{l}");
    assert_eq!(l["status"], "no_target");
    if expected.0 > 0 {
        let by_purpose: Vec<(String, i64)> = l["breakdown"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| {
                (
                    b["key"].as_str().unwrap().to_owned(),
                    b["numerator"].as_i64().unwrap(),
                )
            })
            .collect();
        assert_eq!(by_purpose, vec![("animal_husbandry".to_owned(), 3)], "{l}");
    }
}

/// The youth's application shows its subsidy claims (spec: the youth's detail carries them);
/// their list and the staff's views do not.
#[tokio::test]
async fn the_youth_sees_the_subsidy_claims_of_their_loan() {
    let app = spawn_app().await;
    let province = app.admin_of("220000").await;
    let bank = create_bank(&app, &province, "吉林银行", None).await;
    let officer = officer_of(&app, &bank).await;
    let offer = published_product(&app, &officer, &product_body(&bank, "220000", "SUBS")).await;
    let id = disbursed_loan(&app, &officer, &offer, NANGUAN_VILLAGE, "subsidy-owner").await;
    let youth = app.login_as_youth("subsidy-owner").await;
    let path = format!("/api/v1/me/loan-applications/{id}");
    let before = json_of(app.get(&path, Some(&youth.token)).await, StatusCode::OK).await;
    assert_eq!(before["subsidyClaims"], json!([]));
    json_of(
        claim(&app, &officer, &id, 0, 30, 123_457).await,
        StatusCode::CREATED,
    )
    .await;
    let after = json_of(app.get(&path, Some(&youth.token)).await, StatusCode::OK).await;
    let claims = after["subsidyClaims"].as_array().unwrap();
    assert_eq!(claims.len(), 1, "{after}");
    assert_eq!(claims[0]["interestPaidFen"], 123_457);
    assert_eq!(claims[0]["status"], "submitted");
    assert!(
        claims[0]["statusLabel"]
            .as_str()
            .is_some_and(|l| !l.is_empty())
    );
    assert!(claims[0].get("timeline").is_none());
    let list = json_of(
        app.get("/api/v1/me/loan-applications", Some(&youth.token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert!(list["items"][0].get("subsidyClaims").is_none(), "{list}");
}

#[tokio::test]
async fn list_items_are_summaries_and_only_the_detail_carries_the_terms_and_documents() {
    let app = spawn_app().await;
    let province = app.admin_of("220000").await;
    let bank = create_bank(&app, &province, "摘要测试银行", None).await;
    let officer = officer_of(&app, &bank).await;
    let offer = published_product(&app, &officer, &product_body(&bank, "220000", "SUMM")).await;
    let id = disbursed_loan(&app, &officer, &offer, NANGUAN_VILLAGE, "summary-owner").await;
    let youth = app.login_as_youth("summary-owner").await;
    for (list, detail, token) in [
        (
            "/api/v1/me/loan-applications".to_owned(),
            format!("/api/v1/me/loan-applications/{id}"),
            &youth.token,
        ),
        (
            "/api/v1/admin/loan-applications".to_owned(),
            format!("/api/v1/admin/loan-applications/{id}"),
            &province.token,
        ),
        (
            "/api/v1/admin/bank/loan-applications".to_owned(),
            format!("/api/v1/admin/bank/loan-applications/{id}"),
            &officer.token,
        ),
    ] {
        let page = json_of(app.get(&list, Some(token)).await, StatusCode::OK).await;
        let item = &page["items"][0];
        assert_eq!(item["id"], id.as_str(), "{list}: {page}");
        assert_eq!(item["bankName"], "摘要测试银行", "{list}: {item}");
        assert!(
            item["productName"].as_str().is_some_and(|n| !n.is_empty()),
            "{item}"
        );
        assert!(item.get("productTerms").is_none(), "{list}: {item}");
        assert!(item.get("attachments").is_none(), "{list}: {item}");
        let one = json_of(app.get(&detail, Some(token)).await, StatusCode::OK).await;
        assert_eq!(one["bankName"], "摘要测试银行", "{detail}: {one}");
        assert_eq!(
            one["productTerms"]["name"], item["productName"],
            "{detail}: {one}"
        );
        assert!(one["attachments"].is_array(), "{detail}: {one}");
    }
}

/// Performance (issue 11): the bank's queue and the unit's list are kept per loan list stamp,
/// which the database moves with every change of an application. With the time bound at 60 s,
/// every change (through either instance, and one made behind the service) shows at the next
/// read, on both instances.
#[tokio::test]
async fn the_bank_queue_and_the_unit_list_are_exact_after_every_change_while_they_are_kept() {
    let app = spawn_app_with(|s| s.list_max_stale = std::time::Duration::from_secs(60)).await;
    let other = app.spawn_another_instance().await;
    let (officer, product) = provincial_offer(&app).await;
    let local = app.admin_of(NANGUAN).await;
    async fn page(on: &TestApp, who: &Login, url: &str) -> Value {
        json_of(on.get(url, Some(&who.token)).await, StatusCode::OK).await
    }
    let queue = "/api/v1/admin/bank/loan-applications?status=recommended";
    let unit = "/api/v1/admin/loan-applications";
    let ids = |page: &Value| -> Vec<(String, String)> {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| {
                (
                    i["applicantName"].as_str().unwrap_or_default().to_owned(),
                    i["status"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    assert_eq!(page(&app, &officer, queue).await["total"], 0);
    assert_eq!(page(&app, &local, unit).await["total"], 0);

    let body = application_body(product["id"].as_str().unwrap());
    let a = recommended(&app, "kept-a", &body, 10_000_000).await;
    let a_id = a["id"].as_str().unwrap();
    for on in [&app, &other] {
        assert_eq!(page(on, &officer, queue).await["total"], 1, "recommended");
        assert_eq!(
            page(on, &local, unit).await["items"][0]["status"],
            "recommended"
        );
    }
    json_of(
        other
            .post(
                &bank_app_path(a_id, "acceptances"),
                Some(&officer.token),
                &json!({}),
            )
            .await,
        StatusCode::OK,
    )
    .await;
    for on in [&app, &other] {
        assert_eq!(
            page(on, &officer, queue).await["total"],
            0,
            "accepted elsewhere"
        );
        assert_eq!(
            page(on, &local, unit).await["items"][0]["status"],
            "bank_reviewing"
        );
    }

    let youth = applicant(&app, "kept-b", NANGUAN_VILLAGE).await;
    json_of(
        submit(&other, &youth, &body, None).await,
        StatusCode::CREATED,
    )
    .await;
    let listed = page(&app, &local, unit).await;
    assert_eq!(listed["total"], 2, "submitted through the other instance");
    assert_eq!(
        ids(&listed)
            .iter()
            .filter(|(_, s)| s == "submitted")
            .count(),
        1
    );

    // A change behind the service's back moves the stamp too: the database keeps it.
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    entity::loan_applications::Entity::update_many()
        .col_expr(
            entity::loan_applications::Column::RecommendationNote,
            sea_orm::sea_query::Expr::value("改过的推荐意见，不经服务"),
        )
        .filter(entity::loan_applications::Column::Id.eq(Uuid::parse_str(a_id).unwrap()))
        .exec(app.db())
        .await
        .unwrap();
    let listed = page(&other, &local, unit).await;
    assert!(
        listed["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["recommendationNote"] == "改过的推荐意见，不经服务"),
        "{listed}"
    );
}
