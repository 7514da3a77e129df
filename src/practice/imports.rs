//! The CSV import of positions (league staff work in bulk): a UTF-8 file (a BOM is accepted) in
//! the columns of `GET …/import-template`, one position a row, all in one campaign. Every row is
//! parsed, then checked with the rules of the single create; if any row fails nothing is
//! created and the answer names each row and field (`{created: 0, errors: [{row, field,
//! code}]}`), else every row becomes a draft in one transaction.
use std::collections::HashMap;

use actix_web::http::header;
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{NaiveDate, Utc};
use entity::host_units::{self, Column as H};
use entity::practice_positions::{PositionCategory, PositionMode};
use entity::student_profiles::DegreeLevel;
use futures_util::StreamExt;
use sea_orm::{ActiveEnum, EntityTrait, Iterable, QueryFilter};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use super::dto::PositionRequest;
use crate::app_state::AppState;
use crate::auth::Cadre;
use crate::choices::Labelled;
use crate::csv_export::{self, CsvWriter};
use crate::error::{ApiError, ApiResult, ErrorEnvelope, FieldError};

/// The largest file accepted.
pub const MAX_BYTES: usize = 4 * 1024 * 1024;
/// Rows a file may hold (besides the header).
pub const MAX_ROWS: usize = 2000;

/// The columns: the template's header label and the field of `PositionRequest` it fills.
/// A header may also name the field itself (`title`); text in brackets after a label is a hint.
const COLUMNS: [(&str, &str); 15] = [
    ("接收单位", "hostUnitId"),
    ("岗位所在地代码", "regionCode"),
    ("岗位名称", "title"),
    ("岗位介绍", "description"),
    ("岗位类别", "category"),
    ("专业要求", "majors"),
    ("学历要求", "degreeLevels"),
    ("招募人数", "slots"),
    ("开始日期", "startsOn"),
    ("结束日期", "endsOn"),
    ("每日实践时长", "dailyHours"),
    ("实践方式", "mode"),
    ("面向全市", "openToCity"),
    ("每日补贴（分）", "allowanceFenPerDay"),
    ("接收单位投保", "insuranceByHost"),
];

/// The template's header row, with hints.
const TEMPLATE_HEADER: [&str; 15] = [
    "接收单位（名称或编号）",
    "岗位所在地代码（县、乡镇或村）",
    "岗位名称",
    "岗位介绍",
    "岗位类别（如乡土调查、法治宣传、移风易俗）",
    "专业要求（多个用、分隔，空为不限）",
    "学历要求（专科、本科、硕士、博士，空为不限）",
    "招募人数（1-50）",
    "开始日期（YYYY-MM-DD）",
    "结束日期（YYYY-MM-DD）",
    "每日实践时长（1-8小时）",
    "实践方式（线下或线上）",
    "面向全市（是或否）",
    "每日补贴（分）",
    "接收单位投保（是或否）",
];

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// The campaign every row's position belongs to (required; optional in the query's type so
    /// that the caller's role is checked first: a youth gets 403, not 422).
    pub campaign_id: Option<Uuid>,
}

/// The 422 of an import: the rows' problems, or the error envelope when the query itself is
/// wrong (`campaignId` missing or not a UUID) and no row was read.
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum ImportRefusal {
    Rows(ImportResultView),
    /// Written by the query's extractor or the `campaignId` check, never built here.
    #[allow(dead_code)]
    Query(ErrorEnvelope),
}

/// One problem of one row.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct ImportError {
    /// The row as a spreadsheet numbers it (the header is row 1); 0 for the file itself.
    pub row: usize,
    /// The field of the single create (`slots`, `regionCode`, …), or `file`.
    pub field: String,
    pub code: String,
    pub message: String,
}

/// The outcome of an import: every row created, or none and the reasons.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"created": 0, "errors": [
    {"row": 3, "field": "slots", "code": "RANGE", "message": "招募人数应为1至50人"}]}))]
pub struct ImportResultView {
    pub created: usize,
    pub errors: Vec<ImportError>,
}

fn file_error(code: &str, message: impl Into<String>) -> ImportError {
    ImportError {
        row: 0,
        field: "file".into(),
        code: code.into(),
        message: message.into(),
    }
}

fn column_of(header: &str) -> Option<&'static str> {
    let label = header
        .trim()
        .trim_start_matches('\u{feff}')
        .split(['(', '（'])
        .next()
        .unwrap_or_default()
        .trim();
    COLUMNS
        .iter()
        .find(|(l, f)| {
            let short = l.split(['(', '（']).next().unwrap_or_default();
            label == *l || label == short || label.eq_ignore_ascii_case(f)
        })
        .map(|(_, f)| *f)
}

/// A choice given by its code or its Chinese label.
fn choice<T: ActiveEnum<Value = String> + Labelled + Iterable>(cell: &str) -> Option<T> {
    T::iter().find(|v| v.to_value() == cell || v.label() == cell)
}

fn list(cell: &str) -> Vec<&str> {
    cell.split(['、', ',', '，', ';', '；', '/'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect()
}

fn yes_no(cell: &str) -> Option<bool> {
    match cell.to_ascii_lowercase().as_str() {
        "" | "否" | "false" | "0" | "n" | "no" => Some(false),
        "是" | "true" | "1" | "y" | "yes" => Some(true),
        _ => None,
    }
}

fn date(cell: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(cell, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(cell, "%Y/%m/%d"))
        .ok()
}

/// One row as a create request, or the problems of its cells.
fn parse_row(
    cells: &HashMap<&'static str, String>,
    campaign_id: Uuid,
    hosts: &HashMap<String, Vec<Uuid>>,
) -> Result<PositionRequest, Vec<FieldError>> {
    let get = |f: &str| cells.get(f).map(|s| s.trim()).unwrap_or_default();
    let mut errors = Vec::new();
    let mut bad = |field: &str, code: &str, message: &str| {
        errors.push(FieldError::new(field, code, message));
    };
    let host = get("hostUnitId");
    let host_unit_id = match Uuid::parse_str(host) {
        Ok(id) => Some(id),
        Err(_) => match hosts.get(host).map(Vec::as_slice) {
            Some([one]) => Some(*one),
            Some([_, _, ..]) => {
                bad(
                    "hostUnitId",
                    "AMBIGUOUS",
                    "有多个同名接收单位，请填写接收单位编号",
                );
                None
            }
            _ if host.is_empty() => {
                bad("hostUnitId", "REQUIRED", "请填写接收单位");
                None
            }
            _ => {
                bad("hostUnitId", "NOT_FOUND", "本单位没有该名称的接收单位");
                None
            }
        },
    };
    let category = choice::<PositionCategory>(get("category"));
    if category.is_none() {
        bad("category", "INVALID_VALUE", "岗位类别不在可选范围内");
    }
    let mode = if get("mode").is_empty() {
        Some(PositionMode::Onsite)
    } else {
        choice::<PositionMode>(get("mode"))
    };
    if mode.is_none() {
        bad("mode", "INVALID_VALUE", "实践方式应为线下或线上");
    }
    let mut degree_levels = Vec::new();
    for d in list(get("degreeLevels")) {
        match choice::<DegreeLevel>(d) {
            Some(level) => degree_levels.push(level),
            None => bad(
                "degreeLevels",
                "INVALID_VALUE",
                "学历要求应为专科、本科、硕士或博士",
            ),
        }
    }
    let mut int = |field: &str, message: &str| -> Option<i64> {
        let cell = get(field);
        if cell.is_empty() {
            return None;
        }
        let n = cell.parse::<i64>().ok();
        if n.is_none() {
            errors.push(FieldError::new(field, "FORMAT", message));
        }
        n
    };
    let slots = int("slots", "招募人数应为整数");
    let daily_hours = int("dailyHours", "每日实践时长应为整数");
    let allowance = int("allowanceFenPerDay", "每日补贴应为以分计的整数");
    let mut bad = |field: &str, code: &str, message: &str| {
        errors.push(FieldError::new(field, code, message));
    };
    for (field, value) in [("slots", slots), ("dailyHours", daily_hours)] {
        if value.is_none() && get(field).is_empty() {
            bad(field, "REQUIRED", "不能为空");
        }
    }
    let starts_on = date(get("startsOn"));
    let ends_on = date(get("endsOn"));
    for (field, value) in [("startsOn", starts_on), ("endsOn", ends_on)] {
        if value.is_none() {
            bad(field, "FORMAT", "日期格式应为YYYY-MM-DD");
        }
    }
    let open_to_city = yes_no(get("openToCity"));
    if open_to_city.is_none() {
        bad("openToCity", "INVALID_VALUE", "请填写是或否");
    }
    let insurance = yes_no(get("insuranceByHost"));
    if insurance.is_none() {
        bad("insuranceByHost", "INVALID_VALUE", "请填写是或否");
    }
    let fits = |n: Option<i64>| n.map(|v| i32::try_from(v).unwrap_or(i32::MAX));
    match (
        host_unit_id,
        category,
        mode,
        fits(slots),
        fits(daily_hours),
        starts_on,
        ends_on,
        open_to_city,
        insurance,
    ) {
        (
            Some(h),
            Some(c),
            Some(m),
            Some(s),
            Some(d),
            Some(from),
            Some(to),
            Some(city),
            Some(ins),
        ) if errors.is_empty() => Ok(PositionRequest {
            campaign_id,
            host_unit_id: h,
            region_code: get("regionCode").to_owned(),
            title: get("title").to_owned(),
            description: get("description").to_owned(),
            category: c,
            majors: list(get("majors")).into_iter().map(str::to_owned).collect(),
            degree_levels,
            slots: s,
            starts_on: from,
            ends_on: to,
            daily_hours: d,
            mode: m,
            open_to_city: city,
            allowance_fen_per_day: allowance,
            insurance_by_host: ins,
            version: None,
        }),
        _ => Err(errors),
    }
}

/// The refusals of the single create, as field problems of a row.
fn as_fields(e: ApiError) -> ApiResult<Vec<FieldError>> {
    Ok(match e {
        ApiError::Validation(fields) => fields,
        ApiError::Unprocessable { fields, .. } => fields,
        // A place outside the caller's unit, or above their local unit.
        ApiError::Forbidden(code, message) => vec![FieldError::new("regionCode", code, message)],
        // The campaign was found before the rows: a missing record is the host.
        ApiError::NotFound(code, message) => vec![FieldError::new("hostUnitId", code, message)],
        ApiError::Conflict(code, message) => vec![FieldError::new("campaignId", code, message)],
        other => return Err(other),
    })
}

/// Read the body up to [`MAX_BYTES`] (413 beyond).
async fn read_body(mut payload: web::Payload) -> ApiResult<Vec<u8>> {
    let mut body = Vec::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk
            .map_err(|e| ApiError::BadRequest("BAD_BODY", format!("请求内容读取失败：{e}")))?;
        if body.len() + chunk.len() > MAX_BYTES {
            return Err(ApiError::PayloadTooLarge(
                "PAYLOAD_TOO_LARGE",
                format!("导入文件不能超过{}MB", MAX_BYTES / 1024 / 1024),
            ));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Import positions from CSV (`Content-Type: text/csv`, UTF-8, a BOM accepted), in the
/// template's columns, into one campaign (`campaignId`). All or nothing: 201 with `created`, or
/// 422 with every row's problems (`row` is the spreadsheet row, the header being row 1; `field`
/// the single create's field) and nothing created. Each position starts as a draft.
#[utoipa::path(
    tag = "practice",
    operation_id = "import_practice_positions",
    security(("bearer" = [])),
    params(ImportQuery),
    request_body(
        content = String,
        content_type = "text/csv",
        description = "UTF-8 CSV (BOM accepted) in the columns of the import template",
        example = "\u{feff}接收单位（名称或编号）,岗位所在地代码（县、乡镇或村）,岗位名称,岗位介绍,岗位类别（如乡土调查、法治宣传、移风易俗）,专业要求（多个用、分隔，空为不限）,学历要求（专科、本科、硕士、博士，空为不限）,招募人数（1-50）,开始日期（YYYY-MM-DD）,结束日期（YYYY-MM-DD）,每日实践时长（1-8小时）,实践方式（线下或线上）,面向全市（是或否）,每日补贴（分）,接收单位投保（是或否）\r\n南关区南岭街道办事处,220102001001,乡土调查助理,走访农户，整理村史资料。,乡土调查,社会学,本科,2,2027-01-12,2027-02-10,6,线下,否,3000,否\r\n"
    ),
    responses(
        (status = 201, body = ImportResultView, example = json!({"created": 12, "errors": []})),
        (status = 403, body = ErrorEnvelope, description = "ROLE_REQUIRED"),
        (status = 404, body = ErrorEnvelope, description = "No such campaign"),
        (status = 409, body = ErrorEnvelope, description = "CAMPAIGN_CLOSED"),
        (status = 413, body = ErrorEnvelope, description = "PAYLOAD_TOO_LARGE (4 MB)"),
        (status = 415, body = ErrorEnvelope, description = "UNSUPPORTED_MEDIA_TYPE: not text/csv"),
        (status = 422, body = ImportRefusal, description = "Nothing created: each row's problems (codes of the single create, and FORMAT, REQUIRED, INVALID_VALUE, AMBIGUOUS, NOT_FOUND; file: ENCODING, HEADER, EMPTY, TOO_MANY_ROWS); or, for a missing or malformed `campaignId`, the error envelope (VALIDATION_FAILED, field campaignId)")
    )
)]
#[post("/admin/practice/positions/imports")]
pub async fn import_practice_positions(
    req: HttpRequest,
    state: web::Data<AppState>,
    cadre: Cadre,
    query: crate::input::Query<ImportQuery>,
    payload: web::Payload,
) -> ApiResult<HttpResponse> {
    let is_csv = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim().to_ascii_lowercase().starts_with("text/csv"));
    if !is_csv {
        return Err(ApiError::UnsupportedMediaType(
            "UNSUPPORTED_MEDIA_TYPE",
            "请以 text/csv 格式上传 UTF-8 编码的 CSV 文件".into(),
        ));
    }
    let campaign_id = query
        .campaign_id
        .ok_or_else(|| ApiError::field("campaignId", "REQUIRED", "缺少必填的查询参数"))?;
    let campaign = super::campaigns::find_visible(&state.db, &cadre, campaign_id).await?;
    super::positions::ensure_campaign_takes_positions(&campaign)?;
    let body = read_body(payload).await?;
    let refused = |errors: Vec<ImportError>| {
        HttpResponse::UnprocessableEntity()
            .json(ImportRefusal::Rows(ImportResultView { created: 0, errors }))
    };
    let text = body.strip_prefix("\u{feff}".as_bytes()).unwrap_or(&body);
    if std::str::from_utf8(text).is_err() {
        return Ok(refused(vec![file_error(
            "ENCODING",
            "文件不是 UTF-8 编码，请在表格软件中另存为“CSV UTF-8”",
        )]));
    }
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(false)
        .from_reader(text);
    let mut records = reader.records();
    let header = match records.next() {
        Some(Ok(h)) => h,
        _ => return Ok(refused(vec![file_error("EMPTY", "文件没有内容")])),
    };
    let columns: Vec<Option<&'static str>> = header.iter().map(column_of).collect();
    let missing: Vec<&str> = COLUMNS
        .iter()
        .filter(|(_, f)| {
            !matches!(
                *f,
                "description"
                    | "majors"
                    | "degreeLevels"
                    | "allowanceFenPerDay"
                    | "openToCity"
                    | "insuranceByHost"
                    | "mode"
            )
        })
        .filter(|(_, f)| !columns.contains(&Some(*f)))
        .map(|(l, _)| *l)
        .collect();
    if !missing.is_empty() {
        return Ok(refused(vec![ImportError {
            row: 1,
            field: "file".into(),
            code: "HEADER".into(),
            message: format!("缺少列：{}（请使用导入模板）", missing.join("、")),
        }]));
    }
    // Host names of the cadre's unit (a cell may name its host instead of the id).
    let mut hosts: HashMap<String, Vec<Uuid>> = HashMap::new();
    for h in host_units::Entity::find()
        .filter(cadre.unit.scope.condition(H::RegionCode))
        .all(&state.db)
        .await?
    {
        hosts.entry(h.name).or_default().push(h.id);
    }
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    let mut seen = 0;
    for (i, record) in records.enumerate() {
        let row = i + 2;
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                errors.push(ImportError {
                    row,
                    field: "file".into(),
                    code: "FORMAT".into(),
                    message: format!("该行无法读取：{e}"),
                });
                continue;
            }
        };
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        seen += 1;
        if seen > MAX_ROWS {
            return Ok(refused(vec![file_error(
                "TOO_MANY_ROWS",
                format!("一次最多导入{MAX_ROWS}行"),
            )]));
        }
        let cells: HashMap<&'static str, String> = columns
            .iter()
            .zip(record.iter())
            .filter_map(|(c, v)| c.map(|c| (c, v.to_owned())))
            .collect();
        let problems = match parse_row(&cells, campaign.id, &hosts) {
            Ok(body) => {
                let mut p = match body.validate() {
                    Ok(()) => Vec::new(),
                    Err(e) => as_fields(ApiError::from(e))?,
                };
                if p.is_empty()
                    && let Err(e) = super::positions::check(&state.db, &cadre, &body).await
                {
                    p = as_fields(e)?;
                }
                if p.is_empty() {
                    rows.push(body);
                }
                p
            }
            Err(p) => p,
        };
        errors.extend(problems.into_iter().map(|f| ImportError {
            row,
            field: f.field,
            code: f.code,
            message: f.message,
        }));
    }
    if !errors.is_empty() {
        return Ok(refused(errors));
    }
    if rows.is_empty() {
        return Ok(refused(vec![file_error("EMPTY", "文件中没有岗位数据")]));
    }
    let now = Utc::now();
    let txn = crate::db::begin(&state.db).await?;
    for body in &rows {
        super::positions::insert_draft(&txn, &cadre, body, now).await?;
    }
    txn.commit().await?;
    Ok(HttpResponse::Created().json(ImportResultView {
        created: rows.len(),
        errors: Vec::new(),
    }))
}

/// The import template: the header row (UTF-8 with BOM), each label with a hint of its format.
/// Categories, degree levels and modes take their Chinese label or code; 接收单位 takes the
/// host unit's exact name or its id.
#[utoipa::path(
    tag = "practice",
    operation_id = "get_practice_position_template",
    security(("bearer" = [])),
    responses(
        (status = 200, content_type = "text/csv", body = String,
         description = "CSV, UTF-8 with BOM, CRLF line ends",
         example = "\u{feff}接收单位（名称或编号）,岗位所在地代码（县、乡镇或村）,岗位名称,岗位介绍,岗位类别（如乡土调查、法治宣传、移风易俗）,专业要求（多个用、分隔，空为不限）,学历要求（专科、本科、硕士、博士，空为不限）,招募人数（1-50）,开始日期（YYYY-MM-DD）,结束日期（YYYY-MM-DD）,每日实践时长（1-8小时）,实践方式（线下或线上）,面向全市（是或否）,每日补贴（分）,接收单位投保（是或否）\r\n"),
        (status = 403, body = ErrorEnvelope, description = "ROLE_REQUIRED")
    )
)]
#[get("/admin/practice/positions/import-template")]
pub async fn get_practice_position_template(_cadre: Cadre) -> ApiResult<HttpResponse> {
    let first = CsvWriter::with_header(&TEMPLATE_HEADER)?.into_bytes()?;
    Ok(csv_export::response(
        "practice-positions-template.csv",
        first,
        futures_util::stream::empty::<Result<Bytes, ApiError>>(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_matched_by_label_hint_or_field_name() {
        assert_eq!(
            column_of("\u{feff}接收单位（名称或编号）"),
            Some("hostUnitId")
        );
        assert_eq!(column_of("招募人数(1-50)"), Some("slots"));
        assert_eq!(column_of("每日补贴（分）"), Some("allowanceFenPerDay"));
        assert_eq!(column_of("startsOn"), Some("startsOn"));
        assert_eq!(column_of("备注"), None);
        for (label, field) in TEMPLATE_HEADER.iter().zip(COLUMNS.iter().map(|c| c.1)) {
            assert_eq!(column_of(label), Some(field), "{label}");
        }
    }

    #[test]
    fn cells_take_codes_or_chinese_labels() {
        assert_eq!(
            choice::<PositionCategory>("移风易俗"),
            Some(PositionCategory::CustomsReform)
        );
        assert_eq!(
            choice::<PositionCategory>("field_survey"),
            Some(PositionCategory::FieldSurvey)
        );
        assert_eq!(choice::<PositionMode>("线上"), Some(PositionMode::Online));
        assert_eq!(choice::<DegreeLevel>("硕士"), Some(DegreeLevel::Master));
        assert_eq!(list("法学、社会学, 历史学"), ["法学", "社会学", "历史学"]);
        assert_eq!(yes_no("是"), Some(true));
        assert_eq!(yes_no(""), Some(false));
        assert_eq!(yes_no("也许"), None);
        assert_eq!(date("2027/01/12"), NaiveDate::from_ymd_opt(2027, 1, 12));
    }
}
