//! CSV export of a region's talents: streamed in keyset-paginated chunks, so memory stays flat
//! however many rows there are, and no transaction is held open across the download.
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, get, web};
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
use crate::csv_export::{self, CsvWriter};
use crate::error::{ApiError, ApiResult, ErrorEnvelope};
use crate::time::{to_china, today_in_china};

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
    out: &mut CsvWriter,
) -> ApiResult<()> {
    let masked = |stored: &str, mask: fn(&str) -> String| {
        cipher
            .decrypt(stored)
            .map(|v| mask(&v))
            .unwrap_or_else(|_| "***".into())
    };
    let skills: Vec<String> = json_list("skills", &p.skills)?;
    out.row([
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
    ])
}

struct Cursor {
    db: DatabaseConnection,
    cipher: Arc<DataCipher>,
    cond: Condition,
    chunk_rows: u64,
    after: Option<Uuid>,
    done: bool,
    /// Chunks fetched so far (and, in test builds, after how many to fail).
    chunks: u64,
    fault_after: Option<u64>,
}

/// The next chunk of rows: one short query (`id > last ORDER BY id LIMIT n`), so the single
/// SQLite connection is free between chunks and rows added meanwhile do not shift the pages.
async fn next_chunk(c: &mut Cursor) -> ApiResult<Option<Bytes>> {
    if c.done {
        return Ok(None);
    }
    if c.fault_after.is_some_and(|n| c.chunks >= n) {
        return Err(ApiError::Unexpected(anyhow::anyhow!(
            "export fault injected by a test"
        )));
    }
    c.chunks += 1;
    let mut query = talent_profiles::Entity::find()
        .filter(c.cond.clone())
        .order_by_asc(talent_profiles::Column::Id)
        .limit(c.chunk_rows);
    if let Some(after) = c.after {
        query = query.filter(talent_profiles::Column::Id.gt(after));
    }
    let rows = query.all(&c.db).await?;
    c.done = (rows.len() as u64) < c.chunk_rows;
    let Some(last) = rows.last() else {
        return Ok(None);
    };
    c.after = Some(last.id);
    let names = region_names(&c.db, rows.iter().map(|p| p.home_region_code.clone())).await?;
    let mut out = CsvWriter::rows();
    for p in &rows {
        let region = names
            .get(&p.home_region_code)
            .map(String::as_str)
            .unwrap_or("");
        row(&c.cipher, p, region, &mut out)?;
    }
    out.into_bytes().map(Some)
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
        (status = 403, body = ErrorEnvelope, description = "ROLE_REQUIRED; OUTSIDE_REGION for a region filter outside the cadre's own"),
        (status = 422, body = ErrorEnvelope)
    )
)]
#[get("/admin/talents/export")]
#[tracing::instrument(skip(req, state, cadre, filter), fields(cadre = %cadre.user_id))]
pub async fn export_talents(
    req: HttpRequest,
    state: web::Data<AppState>,
    cadre: Cadre,
    filter: crate::input::Query<TalentFilter>,
) -> ApiResult<HttpResponse> {
    let cond = scope_condition(&state.db, &state.cipher, &cadre, &filter).await?;
    let region = filter
        .region
        .clone()
        .filter(|r| !r.is_empty())
        .unwrap_or_else(|| cadre.unit.code.clone());
    let filename = format!(
        "talents-{region}-{}.csv",
        today_in_china(Utc::now()).format("%Y%m%d")
    );
    let mut cursor = Cursor {
        db: state.db.clone(),
        cipher: state.cipher.clone(),
        cond,
        chunk_rows: state.settings.export_chunk_rows,
        after: None,
        done: false,
        chunks: 0,
        fault_after: crate::test_hooks::export_fault_after(&req),
    };
    // The first chunk is read before the answer starts: if it fails, the answer is an error.
    let mut first = CsvWriter::with_header(&HEADER)?.into_bytes()?.to_vec();
    if let Some(rows) = next_chunk(&mut cursor).await? {
        first.extend_from_slice(&rows);
    }
    let rest = futures_util::stream::unfold(cursor, |mut c| async move {
        match next_chunk(&mut c).await {
            Ok(Some(rows)) => Some((Ok(rows), c)),
            Ok(None) => None,
            Err(e) => {
                c.done = true;
                Some((Err(e), c))
            }
        }
    });
    Ok(csv_export::response(&filename, Bytes::from(first), rest))
}
