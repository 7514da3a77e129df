//! CSV export of a region's talents: streamed in keyset-paginated chunks, so memory stays flat
//! however many rows there are, and no transaction is held open across the download.
use actix_web::http::header::{self, ContentDisposition, DispositionParam, DispositionType};
use actix_web::web::Bytes;
use actix_web::{HttpResponse, get, web};
use chrono::Utc;
use entity::talent_profiles;
use sea_orm::sea_query::Condition;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::sync::Arc;
use uuid::Uuid;

use super::choices::{Industry, TalentCategory};
use super::dto::TalentFilter;
use super::queries::{json_list, region_names, scope_condition};
use crate::app_state::AppState;
use crate::auth::Cadre;
use crate::choices::Labelled;
use crate::crypto::{DataCipher, mask_id_number, mask_phone};
use crate::error::{ApiError, ApiResult, ErrorEnvelope};
use crate::time::{to_china, today_in_china};

/// Rows fetched per query while streaming.
pub const EXPORT_CHUNK: u64 = 500;

const HEADER: [&str; 16] = [
    "姓名",
    "性别",
    "出生日期",
    "身份证号",
    "手机号码",
    "所在地代码",
    "所在地",
    "学历",
    "政治面貌",
    "从事产业",
    "人才类别",
    "经营主体名称",
    "经营主体类型",
    "技能特长",
    "审核状态",
    "登记时间",
];

/// One CSV field: quoted when needed, and defused when a spreadsheet would run it as a formula.
fn field(value: &str) -> String {
    let value = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

fn line(fields: &[String], out: &mut String) {
    let joined: Vec<String> = fields.iter().map(|f| field(f)).collect();
    out.push_str(&joined.join(","));
    out.push_str("\r\n");
}

fn labels<T: Labelled>(codes: Vec<T>) -> String {
    codes
        .into_iter()
        .map(Labelled::label)
        .collect::<Vec<_>>()
        .join("、")
}

fn row(
    cipher: &DataCipher,
    p: &talent_profiles::Model,
    region: &str,
    out: &mut String,
) -> ApiResult<()> {
    let masked = |stored: &str, mask: fn(&str) -> String| {
        cipher
            .decrypt(stored)
            .map(|v| mask(&v))
            .unwrap_or_else(|_| "***".into())
    };
    let skills: Vec<String> = json_list("skills", &p.skills)?;
    line(
        &[
            p.real_name.clone(),
            p.gender.label().into(),
            p.date_of_birth.format("%Y-%m-%d").to_string(),
            masked(&p.id_number_enc, mask_id_number),
            masked(&p.phone_enc, mask_phone),
            p.home_region_code.clone(),
            region.to_owned(),
            p.education.label().into(),
            p.political_status.label().into(),
            labels(json_list::<Industry>("industries", &p.industries)?),
            labels(json_list::<TalentCategory>("categories", &p.categories)?),
            p.business_name.clone().unwrap_or_default(),
            p.business_type
                .map(Labelled::label)
                .unwrap_or_default()
                .into(),
            skills.join("、"),
            p.status.label().into(),
            to_china(p.created_at).format("%Y-%m-%d %H:%M").to_string(),
        ],
        out,
    );
    Ok(())
}

struct Cursor {
    db: DatabaseConnection,
    cipher: Arc<DataCipher>,
    cond: Condition,
    after: Option<Uuid>,
    started: bool,
    done: bool,
}

/// The next piece of the file: the header first, then one chunk of rows per call. Each chunk is
/// its own short query (`id > last ORDER BY id LIMIT n`), so the single SQLite connection is free
/// between chunks and rows added meanwhile do not shift the pages.
async fn next_piece(mut c: Cursor) -> Option<(Result<Bytes, actix_web::Error>, Cursor)> {
    if c.done {
        return None;
    }
    if !c.started {
        c.started = true;
        let mut out = String::from("\u{feff}");
        line(&HEADER.map(String::from), &mut out);
        return Some((Ok(Bytes::from(out)), c));
    }
    let mut query = talent_profiles::Entity::find()
        .filter(c.cond.clone())
        .order_by_asc(talent_profiles::Column::Id)
        .limit(EXPORT_CHUNK);
    if let Some(after) = c.after {
        query = query.filter(talent_profiles::Column::Id.gt(after));
    }
    let rows = match query.all(&c.db).await {
        Ok(rows) => rows,
        Err(e) => {
            c.done = true;
            return Some((Err(ApiError::from(e).into()), c));
        }
    };
    if (rows.len() as u64) < EXPORT_CHUNK {
        c.done = true;
    }
    let last = rows.last()?.id;
    c.after = Some(last);
    let names = match region_names(&c.db, rows.iter().map(|p| p.home_region_code.clone())).await {
        Ok(n) => n,
        Err(e) => {
            c.done = true;
            return Some((Err(e.into()), c));
        }
    };
    let mut out = String::with_capacity(rows.len() * 256);
    for p in &rows {
        let region = names
            .get(&p.home_region_code)
            .map(String::as_str)
            .unwrap_or("");
        if let Err(e) = row(&c.cipher, p, region, &mut out) {
            c.done = true;
            return Some((Err(e.into()), c));
        }
    }
    Some((Ok(Bytes::from(out)), c))
}

/// Download the region's talents as CSV (UTF-8 with BOM, so Excel shows Chinese correctly; ID
/// numbers and phones masked). Same filters as the list. Streamed: memory use does not grow
/// with the number of rows.
#[utoipa::path(
    tag = "talents",
    operation_id = "export_talents",
    security(("bearer" = [])),
    params(TalentFilter),
    responses(
        (status = 200, content_type = "text/csv", body = String,
         description = "CSV, UTF-8 with BOM, CRLF line ends",
         example = "\u{feff}姓名,性别,出生日期,身份证号,手机号码,所在地代码,所在地,学历,政治面貌,从事产业,人才类别,经营主体名称,经营主体类型,技能特长,审核状态,登记时间\r\n张晓明,男,1998-05-01,220***********0016,138****1234,220102001001,华阳社区,大学专科,共青团员,种植业、电商直播,青年电商人才,南岭街道晓明种植专业合作社,农民专业合作社,直播带货,已认定,2026-11-29 09:00\r\n"),
        (status = 401, body = ErrorEnvelope),
        (status = 403, body = ErrorEnvelope, description = "ROLE_REQUIRED; OUTSIDE_REGION for a region filter outside the cadre's own"),
        (status = 422, body = ErrorEnvelope)
    )
)]
#[get("/admin/talents/export")]
#[tracing::instrument(skip(state, cadre, filter), fields(cadre = %cadre.user_id))]
pub async fn export_talents(
    state: web::Data<AppState>,
    cadre: Cadre,
    filter: web::Query<TalentFilter>,
) -> ApiResult<HttpResponse> {
    let cond = scope_condition(&state.db, &state.cipher, &cadre, &filter).await?;
    let region = filter
        .region
        .clone()
        .unwrap_or_else(|| cadre.region_code.clone());
    let filename = format!(
        "talents-{region}-{}.csv",
        today_in_china(Utc::now()).format("%Y%m%d")
    );
    let cursor = Cursor {
        db: state.db.clone(),
        cipher: state.cipher.clone(),
        cond,
        after: None,
        started: false,
        done: false,
    };
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/csv; charset=utf-8"))
        .insert_header(ContentDisposition {
            disposition: DispositionType::Attachment,
            parameters: vec![DispositionParam::Filename(filename)],
        })
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .streaming(futures_util::stream::unfold(cursor, next_piece)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_and_formulas_defused() {
        assert_eq!(field("张三"), "张三");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("=HYPERLINK(1)"), "'=HYPERLINK(1)");
        assert_eq!(field("+1,2"), "\"'+1,2\"");
    }
}
