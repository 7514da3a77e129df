//! Who is enrolled, waiting, offered, checked in or completed: for the organiser, masked.
use std::collections::HashMap;

use actix_web::{HttpResponse, get, web};
use chrono::Utc;
use entity::talent_profiles;
use entity::training_enrollments::{self as enrollments, Column as E};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use super::admin::find_visible;
use super::dto::{ParticipantFilter, ParticipantStatus, ParticipantView};
use super::rules::EnrollmentStatus as S;
use crate::app_state::AppState;
use crate::auth::Cadre;
use crate::choices::Labelled;
use crate::crypto::{mask_name, mask_phone};
use crate::csv_export::{self, CsvWriter};
use crate::error::{ApiResult, ErrorEnvelope};
use crate::pagination::{Page, PageQuery};
use crate::time::to_china;

/// Every participant of the training matching the filter, in list order: enrolled and offered by
/// sign-up time, then the waiting list in order.
async fn participants(
    state: &AppState,
    cadre: &Cadre,
    id: Uuid,
    status: Option<ParticipantStatus>,
) -> ApiResult<Vec<ParticipantView>> {
    let training = find_visible(&state.db, cadre, id).await?;
    let mut query = enrollments::Entity::find().filter(E::TrainingId.eq(training.id));
    query = match status {
        None => query.filter(E::Status.is_in([S::Enrolled, S::Offered, S::Waiting])),
        Some(ParticipantStatus::Enrolled) => query.filter(E::Status.eq(S::Enrolled)),
        Some(ParticipantStatus::Waiting) => query.filter(E::Status.eq(S::Waiting)),
        Some(ParticipantStatus::Offered) => query.filter(E::Status.eq(S::Offered)),
        Some(ParticipantStatus::CheckedIn) => query.filter(E::CheckedInAt.is_not_null()),
        Some(ParticipantStatus::Completed) => query.filter(E::CompletedAt.is_not_null()),
        Some(ParticipantStatus::Cancelled) => query.filter(E::Status.eq(S::Cancelled)),
        Some(ParticipantStatus::Lapsed) => query.filter(E::Status.eq(S::Lapsed)),
        Some(ParticipantStatus::TrainingCancelled) => {
            query.filter(E::Status.eq(S::TrainingCancelled))
        }
        Some(ParticipantStatus::All) => query,
    };
    let rows = query
        .order_by_asc(E::WaitlistSeq.is_not_null())
        .order_by_asc(E::WaitlistSeq)
        .order_by_asc(E::CreatedAt)
        .order_by_asc(E::Id)
        .all(&state.db)
        .await?;
    // Positions count only the people still waiting, in number order.
    let waiting = enrollments::Entity::find()
        .filter(E::TrainingId.eq(training.id))
        .filter(E::Status.eq(S::Waiting))
        .order_by_asc(E::WaitlistSeq)
        .all(&state.db)
        .await?;
    let positions: HashMap<Uuid, u64> =
        waiting.iter().zip(1u64..).map(|(e, p)| (e.id, p)).collect();
    let users: Vec<Uuid> = rows.iter().map(|e| e.user_id).collect();
    let profiles: HashMap<Uuid, talent_profiles::Model> = talent_profiles::Entity::find()
        .filter(talent_profiles::Column::UserId.is_in(users))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|p| (p.user_id, p))
        .collect();
    Ok(rows
        .into_iter()
        .map(|e| {
            let profile = profiles.get(&e.user_id);
            let phone = profile
                .and_then(|p| state.cipher.decrypt(&p.phone_enc).ok())
                .map(|p| mask_phone(&p))
                .unwrap_or_default();
            ParticipantView {
                enrollment_id: e.id,
                name: profile.map(|p| mask_name(&p.real_name)).unwrap_or_default(),
                phone,
                waitlist_position: positions.get(&e.id).copied(),
                status: e.status,
                home_region_code: e.home_region_code,
                offer_expires_at: e.offer_expires_at.map(to_china),
                checked_in_at: e.checked_in_at.map(to_china),
                completed_at: e.completed_at.map(to_china),
                signed_up_at: to_china(e.created_at),
            }
        })
        .collect())
}

/// Participants of a training (names and phones masked).
#[utoipa::path(
    tag = "trainings",
    operation_id = "list_participants",
    security(("bearer" = [])),
    params(("id" = Uuid, Path), PageQuery, ParticipantFilter),
    responses(
        (status = 200, body = Page<ParticipantView>),
        (status = 403, body = ErrorEnvelope),
        (status = 404, body = ErrorEnvelope),
        (status = 422, body = ErrorEnvelope)
    )
)]
#[get("/admin/trainings/{id}/participants")]
pub async fn list_participants(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
    page: crate::input::Query<PageQuery>,
    filter: crate::input::Query<ParticipantFilter>,
) -> ApiResult<web::Json<Page<ParticipantView>>> {
    let parts = page.parts()?;
    let all = participants(&state, &cadre, id.into_inner(), filter.status).await?;
    let total = all.len() as u64;
    let skip = usize::try_from((parts.0 - 1) * parts.1).unwrap_or(usize::MAX);
    let take = usize::try_from(parts.1).unwrap_or(usize::MAX);
    let items = all.into_iter().skip(skip).take(take).collect();
    Ok(web::Json(Page::new(items, total, parts)))
}

fn time_cell(t: Option<chrono::DateTime<chrono::FixedOffset>>) -> String {
    t.map(|t| t.format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_default()
}

/// The participant list as CSV (UTF-8 with BOM so spreadsheet programs show the Chinese).
#[utoipa::path(
    tag = "trainings",
    operation_id = "export_participants",
    security(("bearer" = [])),
    params(("id" = Uuid, Path), ParticipantFilter),
    responses(
        (status = 200, content_type = "text/csv", body = String,
         description = "CSV, UTF-8 with BOM, CRLF line ends; phones masked",
         example = "\u{feff}序号,姓名,手机号,家乡区划,状态,候补位次,签到时间,结业时间,报名时间\r\n1,张*明,138****1234,220102001001,已结业,,2026-12-05 09:02,2026-12-05 17:00,2026-11-29 10:15\r\n"),
        (status = 403, body = ErrorEnvelope),
        (status = 404, body = ErrorEnvelope)
    )
)]
#[get("/admin/trainings/{id}/participants/export")]
pub async fn export_participants(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
    filter: crate::input::Query<ParticipantFilter>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let all = participants(&state, &cadre, id, filter.status).await?;
    let mut out = CsvWriter::with_header(&[
        "序号",
        "姓名",
        "手机号",
        "家乡区划",
        "状态",
        "候补位次",
        "签到时间",
        "结业时间",
        "报名时间",
    ])?;
    for (i, p) in all.iter().enumerate() {
        out.row([
            (i + 1).to_string(),
            p.name.clone(),
            p.phone.clone(),
            p.home_region_code.clone(),
            p.status.label().to_owned(),
            p.waitlist_position
                .map(|n| n.to_string())
                .unwrap_or_default(),
            time_cell(p.checked_in_at),
            time_cell(p.completed_at),
            time_cell(Some(p.signed_up_at)),
        ])?;
    }
    let filename = format!(
        "training-{id}-participants-{}.csv",
        crate::time::today_in_china(Utc::now())
    );
    // Every row is read before the answer starts, so nothing can fail half way.
    Ok(csv_export::response(
        &filename,
        out.into_bytes()?,
        futures_util::stream::empty(),
    ))
}
