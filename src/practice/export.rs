//! CSV export of the applications a cadre may list (`csv_export`: UTF-8 with BOM, CRLF,
//! formula cells defused), phones and ID numbers masked as in the talent export. Streamed in
//! keyset chunks (`id > last`), so a province-wide campaign never sits in memory and no
//! transaction stays open across the download.
use std::collections::HashMap;
use std::sync::Arc;

use actix_web::web::Bytes;
use actix_web::{HttpResponse, get, web};
use chrono::{DateTime, FixedOffset, Utc};
use entity::practice_applications::{self, Column as A};
use entity::student_profiles;
use sea_orm::sea_query::Condition;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use super::dto::PracticeApplicationFilter;
use super::views::{Reader, staff_views};
use crate::app_state::AppState;
use crate::auth::Cadre;
use crate::choices::Labelled;
use crate::crypto::mask_id_number;
use crate::csv_export::{self, CsvWriter};
use crate::error::{ApiError, ApiResult, ErrorEnvelope};
use crate::time::today_in_china;

const HEADER: [&str; 20] = [
    "申请编号",
    "岗位",
    "接收单位",
    "岗位所在地代码",
    "实践开始日期",
    "实践结束日期",
    "学生姓名",
    "性别",
    "年龄",
    "学校",
    "专业",
    "学历层次",
    "预计毕业",
    "生源地代码",
    "手机号码",
    "身份证号",
    "状态",
    "报名时间",
    "确认时间",
    "结束时间",
];

fn time(t: Option<DateTime<FixedOffset>>) -> String {
    t.map(|t| t.format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_default()
}

/// The applications' filter as one condition (the list's: the position's place inside the
/// caller's unit or the `region` inside it, 403 outside).
async fn condition(
    state: &AppState,
    cadre: &Cadre,
    filter: &PracticeApplicationFilter,
) -> ApiResult<Condition> {
    let scope = cadre
        .filter_scope(&state.db, filter.region.as_deref(), "region")
        .await?;
    let mut cond = Condition::all().add(scope.condition(A::RegionCode));
    if let Some(c) = filter.campaign_id {
        cond = cond.add(A::CampaignId.eq(c));
    }
    if let Some(s) = filter.status {
        cond = cond.add(A::Status.eq(s));
    }
    if let Some(h) = filter.host_unit_id {
        cond = cond.add(A::HostUnitId.eq(h));
    }
    if let Some(p) = filter.position_id {
        cond = cond.add(A::PositionId.eq(p));
    }
    Ok(cond)
}

struct Cursor {
    state: Arc<AppState>,
    cond: Condition,
    chunk_rows: u64,
    after: Option<Uuid>,
    done: bool,
}

/// Masked ID numbers of some students (the profile's, when one was given).
async fn id_numbers(state: &AppState, students: Vec<Uuid>) -> ApiResult<HashMap<Uuid, String>> {
    let rows: Vec<(Uuid, Option<String>)> = student_profiles::Entity::find()
        .select_only()
        .column(student_profiles::Column::UserId)
        .column(student_profiles::Column::IdNumberEnc)
        .filter(student_profiles::Column::UserId.is_in(students))
        .into_tuple()
        .all(&state.db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(user, enc)| {
            let plain = state.cipher.decrypt(enc.as_deref()?).ok()?;
            Some((user, mask_id_number(&plain)))
        })
        .collect())
}

async fn next_chunk(c: &mut Cursor) -> ApiResult<Option<Bytes>> {
    if c.done {
        return Ok(None);
    }
    let mut q = practice_applications::Entity::find()
        .filter(c.cond.clone())
        .order_by_asc(A::Id)
        .limit(c.chunk_rows);
    if let Some(after) = c.after {
        q = q.filter(A::Id.gt(after));
    }
    let apps = q.all(&c.state.db).await?;
    c.done = (apps.len() as u64) < c.chunk_rows;
    let Some(last) = apps.last() else {
        return Ok(None);
    };
    c.after = Some(last.id);
    let students: HashMap<Uuid, Uuid> = apps.iter().map(|a| (a.id, a.student_user_id)).collect();
    let ids = id_numbers(&c.state, students.values().copied().collect()).await?;
    let mut out = CsvWriter::rows();
    for v in staff_views(&c.state, apps, Reader::OtherCadre).await? {
        let a = &v.application;
        let id_number = students
            .get(&a.id)
            .and_then(|s| ids.get(s))
            .cloned()
            .unwrap_or_default();
        let p = v.applicant.as_ref();
        let text = |f: fn(&super::dto::ApplicantView) -> String| p.map(f).unwrap_or_default();
        out.row([
            a.id.to_string(),
            a.position_title.clone(),
            a.host_name.clone(),
            a.region_code.clone(),
            a.starts_on.to_string(),
            a.ends_on.to_string(),
            text(|p| p.real_name.clone()),
            text(|p| p.gender.label().to_owned()),
            text(|p| p.age.to_string()),
            text(|p| p.school_name.clone()),
            text(|p| p.major.clone()),
            text(|p| p.degree_level_label.clone()),
            text(|p| p.expected_graduation.clone()),
            text(|p| p.home_region_code.clone()),
            text(|p| p.phone.clone().unwrap_or_default()),
            id_number,
            a.status_label.clone(),
            time(Some(a.created_at)),
            time(a.confirmed_at),
            time(a.ended_at),
        ])?;
    }
    out.into_bytes().map(Some)
}

/// Download the applications of the cadre's unit (same filters as the list) as CSV: UTF-8
/// with BOM and Chinese headers, phones and ID numbers masked, oldest first.
#[utoipa::path(
    tag = "practice",
    operation_id = "export_practice_applications",
    security(("bearer" = [])),
    params(PracticeApplicationFilter),
    responses(
        (status = 200, content_type = "text/csv", body = String,
         description = "CSV, UTF-8 with BOM, CRLF line ends",
         example = "\u{feff}申请编号,岗位,接收单位,岗位所在地代码,实践开始日期,实践结束日期,学生姓名,性别,年龄,学校,专业,学历层次,预计毕业,生源地代码,手机号码,身份证号,状态,报名时间,确认时间,结束时间\r\n01937c1e-8a2b-7c3d-9e4f-5a6b7c8d9e0f,南岭村村史调查员,南关区南岭街道办事处,220102001001,2027-01-10,2027-01-30,张三,男,22,吉林大学,法学,本科,2027-06,220102001001,139****1111,220***********0011,已确认参加,2026-12-20 10:15,2026-12-22 09:00,\r\n"),
        (status = 403, body = ErrorEnvelope, description = "ROLE_REQUIRED; OUTSIDE_REGION for a region filter outside the cadre's unit"),
        (status = 422, body = ErrorEnvelope)
    )
)]
#[get("/admin/practice/applications/export")]
#[tracing::instrument(skip(state, cadre, filter), fields(cadre = %cadre.user_id))]
pub async fn export_practice_applications(
    state: web::Data<AppState>,
    cadre: Cadre,
    filter: crate::input::Query<PracticeApplicationFilter>,
) -> ApiResult<HttpResponse> {
    let cond = condition(&state, &cadre, &filter).await?;
    let filename = format!(
        "practice-applications-{}.csv",
        today_in_china(Utc::now()).format("%Y%m%d")
    );
    let mut cursor = Cursor {
        state: state.clone().into_inner(),
        cond,
        chunk_rows: state.settings.export_chunk_rows.max(1),
        after: None,
        done: false,
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
                Some((Err::<Bytes, ApiError>(e), c))
            }
        }
    });
    Ok(csv_export::response(&filename, Bytes::from(first), rest))
}
