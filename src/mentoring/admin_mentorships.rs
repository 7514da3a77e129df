//! Cadres watch the pairings of youth in their unit, end one with a reason, and settle disputed
//! guidance records. A pairing belongs to the mentee's home region (404 outside the unit).
use actix_web::{get, post, web};
use chrono::Utc;
use entity::mentoring_records::{self as records, Column as R, RecordStatus};
use entity::mentorships::{self, Column as M, EndedBy};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use super::dto::{
    AdminMentorshipFilter, EndMentorshipRequest, MentoringRecordView, MentorshipDetailView,
    MentorshipView, SettleOutcome, SettleRecordRequest,
};
use super::pairings::{NAME, count_record, end_pairing, mentorship_detail, record_of};
use super::state::MentoringRecordAction;
use super::views::{Viewer, mentorship_views};
use crate::app_state::AppState;
use crate::auth::Cadre;
use crate::error::{ApiError, ApiResult, ErrorEnvelope};
use crate::input::Json;
use crate::pagination::{Page, PageQuery, page_rows};
use crate::workflow::{Actor, Transition};

/// The pairings of youth in the caller's unit (or the `region` inside it), newest first.
#[utoipa::path(
    tag = "mentoring",
    operation_id = "list_admin_mentorships",
    security(("bearer" = [])),
    params(AdminMentorshipFilter, PageQuery),
    responses(
        (status = 200, body = Page<MentorshipView>),
        (status = 403, body = ErrorEnvelope, description = "OUTSIDE_REGION"),
        (status = 422, body = ErrorEnvelope, description = "UNKNOWN_REGION")
    )
)]
#[get("/admin/mentorships")]
pub async fn list_admin_mentorships(
    state: web::Data<AppState>,
    cadre: Cadre,
    filter: crate::input::Query<AdminMentorshipFilter>,
    page: crate::input::Query<PageQuery>,
) -> ApiResult<web::Json<Page<MentorshipView>>> {
    let parts = page.parts()?;
    let scope = cadre
        .filter_scope(&state.db, filter.region.as_deref(), "region")
        .await?;
    let mut q = mentorships::Entity::find().filter(scope.condition(M::MenteeRegionCode));
    if let Some(s) = filter.status {
        q = q.filter(M::Status.eq(s));
    }
    if let Some(m) = filter.mentor_id {
        q = q.filter(M::MentorProfileId.eq(m));
    }
    if filter.has_disputed_records == Some(true) {
        q = q.filter(
            M::Id.in_subquery(
                Query::select()
                    .column(R::MentorshipId)
                    .from(records::Entity)
                    .and_where(R::Status.eq(RecordStatus::Disputed))
                    .to_owned(),
            ),
        );
    }
    let q = q.order_by_desc(M::StartedAt).order_by_desc(M::Id);
    let (rows, total) = page_rows(q, &state.db, parts).await?;
    let items = mentorship_views(&state.db, &state.cipher, &rows, Viewer::Cadre).await?;
    Ok(web::Json(Page::new(items, total, parts)))
}

/// A pairing of a youth in the caller's unit (404 outside it).
async fn visible_mentorship(
    db: &impl ConnectionTrait,
    cadre: &Cadre,
    id: Uuid,
) -> ApiResult<mentorships::Model> {
    let p = mentorships::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found(NAME))?;
    cadre.ensure_visible(&p.mentee_region_code, NAME)?;
    Ok(p)
}

/// One pairing with its records and history (masked mentee).
#[utoipa::path(
    tag = "mentoring",
    operation_id = "get_admin_mentorship",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = MentorshipDetailView),
        (status = 404, body = ErrorEnvelope)
    )
)]
#[get("/admin/mentorships/{id}")]
pub async fn get_admin_mentorship(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<MentorshipDetailView>> {
    let p = visible_mentorship(&state.db, &cadre, *id).await?;
    Ok(web::Json(
        mentorship_detail(&state, p, Viewer::Cadre, cadre.user_id).await?,
    ))
}

/// End an active pairing of a youth in the caller's unit, with a reason: the seat frees at
/// once and both parties are told.
#[utoipa::path(
    tag = "mentoring",
    operation_id = "end_mentorship_by_cadre",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = EndMentorshipRequest,
    responses(
        (status = 200, body = MentorshipDetailView),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "INVALID_STATE"),
        (status = 422, body = ErrorEnvelope, description = "reason: LENGTH")
    )
)]
#[post("/admin/mentorships/{id}/endings")]
pub async fn end_mentorship_by_cadre(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
    body: Json<EndMentorshipRequest>,
) -> ApiResult<web::Json<MentorshipDetailView>> {
    let p = visible_mentorship(&state.db, &cadre, *id).await?;
    let actor = Actor::cadre(&cadre);
    let ended = end_pairing(&state, &p, &actor, EndedBy::Cadre, &body).await?;
    Ok(web::Json(
        mentorship_detail(&state, ended, Viewer::Cadre, cadre.user_id).await?,
    ))
}

/// Settle a disputed guidance record of a pairing in the caller's unit: it stands (`confirm`,
/// then it counts) or is void (`void`), with a note.
#[utoipa::path(
    tag = "mentoring",
    operation_id = "settle_mentoring_record",
    security(("bearer" = [])),
    params(("id" = Uuid, Path), ("recordId" = Uuid, Path)),
    request_body = SettleRecordRequest,
    responses(
        (status = 200, body = MentoringRecordView),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "INVALID_STATE (not disputed)"),
        (status = 422, body = ErrorEnvelope, description = "note: LENGTH")
    )
)]
#[post("/admin/mentorships/{id}/records/{recordId}/settlements")]
pub async fn settle_mentoring_record(
    state: web::Data<AppState>,
    cadre: Cadre,
    path: web::Path<(Uuid, Uuid)>,
    body: Json<SettleRecordRequest>,
) -> ApiResult<web::Json<MentoringRecordView>> {
    let (id, record_id) = path.into_inner();
    let p = visible_mentorship(&state.db, &cadre, id).await?;
    let r = record_of(&state.db, p.id, record_id).await?;
    let action = match body.outcome {
        SettleOutcome::Confirm => MentoringRecordAction::SettleConfirm,
        SettleOutcome::Void => MentoringRecordAction::SettleVoid,
    };
    let note = body.note.trim().to_owned();
    let actor = Actor::cadre(&cadre);
    let txn = crate::db::begin(&state.db).await?;
    let applied = Transition::new(&r, action, &actor)
        .set(R::SettledBy, Expr::value(cadre.user_id))
        .set(R::SettleNote, Expr::value(note.clone()))
        .set(R::UpdatedAt, Expr::value(Utc::now()))
        .reason(Some(note))
        .payload(&*body)
        .run(&txn)
        .await?;
    if applied.is_done() && body.outcome == SettleOutcome::Confirm {
        count_record(&txn, p.id).await?;
    }
    txn.commit().await?;
    Ok(web::Json(MentoringRecordView::new(
        applied.record(),
        &state.media,
    )?))
}
