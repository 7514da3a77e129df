//! The CSV import of positions: the template, all rows created as drafts, or none and every
//! row's problems named by row and field.
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;
use crate::practice::positions::{KUANCHENG_VILLAGE, open_campaign};
use crate::practice::{NANGUAN, NANGUAN_VILLAGE, campaign_body, create_host};

const HEADER: &str = "接收单位（名称或编号）,岗位所在地代码（县、乡镇或村）,岗位名称,岗位介绍,岗位类别（如乡土调查、法治宣传、移风易俗）,专业要求（多个用、分隔，空为不限）,学历要求（专科、本科、硕士、博士，空为不限）,招募人数（1-50）,开始日期（YYYY-MM-DD）,结束日期（YYYY-MM-DD）,每日实践时长（1-8小时）,实践方式（线下或线上）,面向全市（是或否）,每日补贴（分）,接收单位投保（是或否）";

struct Setup {
    app: TestApp,
    cadre: Login,
    campaign: Value,
    host: String,
}

async fn setup() -> Setup {
    let app = spawn_app().await;
    let province = app.admin_of("220000").await;
    let cadre = app.admin_of(NANGUAN).await;
    let campaign = open_campaign(&app, &province, &campaign_body()).await;
    let host = create_host(&app, &cadre, "220102001").await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    Setup {
        app,
        cadre,
        campaign,
        host,
    }
}

impl Setup {
    /// A row: host cell, place, title, category, slots, dates of the campaign.
    fn row(&self, host: &str, region: &str, title: &str, category: &str, slots: &str) -> String {
        format!(
            "{host},{region},{title},走访农户，整理村史资料。,{category},法学、社会学,本科,{slots},{},{},6,线下,否,3000,否",
            self.campaign["practiceStartsOn"].as_str().unwrap(),
            self.campaign["practiceEndsOn"].as_str().unwrap(),
        )
    }

    async fn import(&self, who: &Login, body: Vec<u8>, content_type: &str) -> reqwest::Response {
        let url = self.app.url(&format!(
            "/api/v1/admin/practice/positions/imports?campaignId={}",
            self.campaign["id"].as_str().unwrap()
        ));
        self.app
            .send(
                self.app
                    .client
                    .post(url)
                    .bearer_auth(&who.token)
                    .header("Content-Type", content_type)
                    .body(body),
            )
            .await
    }

    async fn positions(&self) -> Value {
        json_of(
            self.app
                .get("/api/v1/admin/practice/positions", Some(&self.cadre.token))
                .await,
            StatusCode::OK,
        )
        .await
    }
}

fn csv(rows: &[String], bom: bool) -> Vec<u8> {
    let mut text = String::new();
    if bom {
        text.push('\u{feff}');
    }
    text.push_str(HEADER);
    for r in rows {
        text.push_str("\r\n");
        text.push_str(r);
    }
    text.push_str("\r\n");
    text.into_bytes()
}

#[tokio::test]
async fn the_import_template_is_a_utf8_csv_header_with_a_bom() {
    let s = setup().await;
    let resp = s
        .app
        .get(
            "/api/v1/admin/practice/positions/import-template",
            Some(&s.cadre.token),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let text = resp.text().await.unwrap();
    assert_eq!(text, format!("\u{feff}{HEADER}\r\n"));
    // Youth are refused.
    let youth = s.app.login_as_youth("notcadre").await;
    assert_error(
        s.app
            .get(
                "/api/v1/admin/practice/positions/import-template",
                Some(&youth.token),
            )
            .await,
        StatusCode::FORBIDDEN,
        "ROLE_REQUIRED",
    )
    .await;
}

#[tokio::test]
async fn a_csv_import_creates_every_row_as_a_draft() {
    let s = setup().await;
    let rows = vec![
        s.row(
            "南关区南岭街道办事处",
            NANGUAN_VILLAGE,
            "乡土调查助理",
            "乡土调查",
            "2",
        ),
        s.row(&s.host, "220102001", "法治宣传员", "legal_publicity", "5"),
        s.row(&s.host, NANGUAN_VILLAGE, "移风易俗宣讲员", "移风易俗", "50"),
    ];
    // With a BOM, and without one.
    let done = json_of(
        s.import(&s.cadre, csv(&rows, true), "text/csv; charset=utf-8")
            .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(done, json!({"created": 3, "errors": []}));
    let done = json_of(
        s.import(&s.cadre, csv(&rows[..1], false), "text/csv").await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(done["created"], 1);
    let list = s.positions().await;
    assert_eq!(list["total"], 4);
    let items = list["items"].as_array().unwrap();
    assert!(items.iter().all(|p| p["status"] == "draft"));
    let reform = items
        .iter()
        .find(|p| p["title"] == "移风易俗宣讲员")
        .unwrap();
    assert_eq!(reform["category"], "customs_reform");
    assert_eq!(reform["slots"], 50);
    assert_eq!(reform["majors"], json!(["法学", "社会学"]));
    assert_eq!(reform["degreeLevels"], json!(["bachelor"]));
    assert_eq!(reform["allowanceFenPerDay"], 3000);
    assert_eq!(reform["hostUnitId"], s.host.as_str());
}

/// Acceptance check 8: one bad row (slots 0) and nothing is created; the answer names the row
/// and the field. Every other rule of the single create is named the same way.
#[tokio::test]
async fn a_csv_import_with_bad_rows_creates_nothing_and_names_each_row_and_field() {
    let s = setup().await;
    let good = s.row(&s.host, NANGUAN_VILLAGE, "乡土调查助理", "乡土调查", "2");
    let rows = vec![
        good.clone(),
        s.row(&s.host, NANGUAN_VILLAGE, "乡土调查助理", "乡土调查", "0"),
    ];
    let e = json_of(
        s.import(&s.cadre, csv(&rows, true), "text/csv").await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(e["created"], 0);
    assert_eq!(e["errors"].as_array().unwrap().len(), 1, "{e}");
    assert_eq!(e["errors"][0]["row"], 3);
    assert_eq!(e["errors"][0]["field"], "slots");
    assert_eq!(e["errors"][0]["code"], "RANGE");
    assert_eq!(s.positions().await["total"], 0);
    // Each rule, row by row.
    let mut bad_date = s.row(&s.host, NANGUAN_VILLAGE, "日期有误", "乡土调查", "2");
    bad_date = bad_date.replacen(
        s.campaign["practiceStartsOn"].as_str().unwrap(),
        "2027-13-40",
        1,
    );
    let rows = vec![
        good,
        s.row(
            "不存在的单位",
            NANGUAN_VILLAGE,
            "单位不存在",
            "乡土调查",
            "2",
        ),
        s.row(&s.host, KUANCHENG_VILLAGE, "外县岗位", "乡土调查", "2"),
        s.row(&s.host, NANGUAN_VILLAGE, "类别有误", "打扫卫生", "2"),
        bad_date,
        s.row(&s.host, "220102", "县级岗位", "乡土调查", "两个"),
        s.row(&s.host, "220102999999", "地点不存在", "乡土调查", "2"),
    ];
    let e = json_of(
        s.import(&s.cadre, csv(&rows, false), "text/csv").await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    let got: Vec<(u64, String, String)> = e["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["row"].as_u64().unwrap(),
                x["field"].as_str().unwrap().to_owned(),
                x["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let has = |row: u64, field: &str, code: &str| {
        assert!(
            got.iter()
                .any(|g| g.0 == row && g.1 == field && g.2 == code),
            "row {row} {field} {code} in {got:?}"
        );
    };
    has(3, "hostUnitId", "NOT_FOUND");
    has(4, "regionCode", "OUTSIDE_REGION");
    has(5, "category", "INVALID_VALUE");
    has(6, "startsOn", "FORMAT");
    has(7, "slots", "FORMAT");
    has(8, "regionCode", "UNKNOWN_REGION");
    assert!(got.iter().all(|g| g.0 != 2), "the good row has no error");
    assert_eq!(s.positions().await["total"], 0);
    // A cadre above the local unit: every row is LOCAL_UNIT_ONLY.
    let city = s.app.admin_of("220100").await;
    let e = json_of(
        s.import(
            &city,
            csv(
                &[s.row(&s.host, NANGUAN_VILLAGE, "市级导入", "乡土调查", "2")],
                true,
            ),
            "text/csv",
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(e["errors"][0]["code"], "LOCAL_UNIT_ONLY");
}

#[tokio::test]
async fn an_import_that_is_not_a_utf8_csv_in_the_template_columns_is_refused() {
    let s = setup().await;
    // Not CSV at all.
    assert_error(
        s.import(&s.cadre, b"{}".to_vec(), "application/json").await,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "UNSUPPORTED_MEDIA_TYPE",
    )
    .await;
    // GBK bytes (「岗位」) are not UTF-8.
    let e = json_of(
        s.import(
            &s.cadre,
            vec![0xb8, 0xda, 0xce, 0xbb, b'\r', b'\n'],
            "text/csv",
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(e["errors"][0]["code"], "ENCODING");
    // A column missing.
    let e = json_of(
        s.import(
            &s.cadre,
            "岗位名称,招募人数\r\n助理,2\r\n".as_bytes().to_vec(),
            "text/csv",
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(
        (
            e["errors"][0]["row"].clone(),
            e["errors"][0]["code"].clone()
        ),
        (json!(1), json!("HEADER"))
    );
    // Only the header.
    let e = json_of(
        s.import(&s.cadre, csv(&[], true), "text/csv").await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(e["errors"][0]["code"], "EMPTY");
    // An unknown campaign.
    let url = s.app.url(&format!(
        "/api/v1/admin/practice/positions/imports?campaignId={}",
        uuid::Uuid::now_v7()
    ));
    assert_error(
        s.app
            .send(
                s.app
                    .client
                    .post(url)
                    .bearer_auth(&s.cadre.token)
                    .header("Content-Type", "text/csv")
                    .body(csv(&[], true)),
            )
            .await,
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
    )
    .await;
    // A missing or malformed campaignId: the error envelope (documented beside the rows'
    // answer under 422; the contract check validates the body against it).
    for query in ["", "?campaignId=not-a-uuid"] {
        let e = assert_error(
            s.app
                .send(
                    s.app
                        .client
                        .post(
                            s.app
                                .url(&format!("/api/v1/admin/practice/positions/imports{query}")),
                        )
                        .bearer_auth(&s.cadre.token)
                        .header("Content-Type", "text/csv")
                        .body(csv(&[], true)),
                )
                .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "VALIDATION_FAILED",
        )
        .await;
        assert_eq!(e["error"]["fields"][0]["field"], "campaignId", "{query}");
    }
}
