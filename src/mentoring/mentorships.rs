//! Working together: both parties read their pairings; either ends one with a reason; the
//! mentor completes or extends it; the mentee rates it once afterwards.
use actix_web::{get, post, web};
use chrono::{Duration, Months, Utc};
use entity::mentor_profiles::{self as profiles, Column as P};
use entity::mentorship_requests::RequestKind;
use entity::mentorships::{self, Column as M, EndedBy, MentorshipStatus};
use entity::workflow_events::ActorKind;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use super::dto::{
    CompleteMentorshipRequest, EndMentorshipRequest, ExtendMentorshipRequest, MentorshipDetailView,
    MentorshipView, MyMentorshipFilter, PartyRole, RateMentorshipRequest,
};
use super::pairings::{
    after_leaving, end_pairing, lock_parties, mentorship_detail, notify_completed,
    readable_mentorship,
};
use super::queries::profile_of;
use super::refusals;
use super::rules::{LONG_TERM_MONTHS_MAX, RATING_DAYS};
use super::state::MentorshipAction as A;
use super::views::{Viewer, mentorship_views};
use crate::app_state::AppState;
use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult, ErrorEnvelope};
use crate::input::Json;
use crate::notifications::deliver;
use crate::pagination::{Page, PageQuery, page_rows};
use crate::time::to_china;
use crate::workflow::machine::wrong_actor;
use crate::workflow::{Actor, Applied, Transition};

/// The caller's pairings as a mentee (`role=mentee`, the default) or as a mentor, newest first.
#[utoipa::path(
    tag = "mentoring",
    operation_id = "list_my_mentorships",
    security(("bearer" = [])),
    params(MyMentorshipFilter, PageQuery),
    responses(
        (status = 200, body = Page<MentorshipView>),
        (status = 422, body = ErrorEnvelope)
    )
)]
#[get("/me/mentorships")]
pub async fn list_my_mentorships(
    state: web::Data<AppState>,
    user: CurrentUser,
    filter: crate::input::Query<MyMentorshipFilter>,
    page: crate::input::Query<PageQuery>,
) -> ApiResult<web::Json<Page<MentorshipView>>> {
    let parts = page.parts()?;
    let mut q = mentorships::Entity::find();
    let viewer = match filter.role.unwrap_or(PartyRole::Mentee) {
        PartyRole::Mentee => {
            q = q.filter(M::MenteeUserId.eq(user.id()));
            Viewer::Mentee
        }
        PartyRole::Mentor => {
            let Some(me) = profile_of(&state.db, user.id()).await? else {
                return Ok(web::Json(Page::new(Vec::new(), 0, parts)));
            };
            q = q.filter(M::MentorProfileId.eq(me.id));
            Viewer::Mentor
        }
    };
    if let Some(s) = filter.status {
        q = q.filter(M::Status.eq(s));
    }
    let q = q.order_by_desc(M::StartedAt).order_by_desc(M::Id);
    let (rows, total) = page_rows(q, &state.db, parts).await?;
    let items = mentorship_views(&state.db, &state.cipher, &rows, viewer).await?;
    Ok(web::Json(Page::new(items, total, parts)))
}

/// One of the caller's pairings with its guidance records, timeline and next step.
#[utoipa::path(
    tag = "mentoring",
    operation_id = "get_my_mentorship",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = MentorshipDetailView),
        (status = 404, body = ErrorEnvelope)
    )
)]
#[get("/me/mentorships/{id}")]
pub async fn get_my_mentorship(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<MentorshipDetailView>> {
    let (p, viewer) = readable_mentorship(&state.db, &user, *id).await?;
    Ok(web::Json(
        mentorship_detail(&state, p, viewer, user.id()).await?,
    ))
}

/// End an active pairing early, with a reason (2–200 characters): the mentor or the mentee.
/// A long-term pairing frees the mentor's seat and the mentee's slot at once; the other party
/// is told.
#[utoipa::path(
    tag = "mentoring",
    operation_id = "end_mentorship",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = EndMentorshipRequest,
    responses(
        (status = 200, body = MentorshipDetailView),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "INVALID_STATE (already completed or ended)"),
        (status = 422, body = ErrorEnvelope, description = "reason: LENGTH")
    )
)]
#[post("/me/mentorships/{id}/endings")]
pub async fn end_mentorship(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<EndMentorshipRequest>,
) -> ApiResult<web::Json<MentorshipDetailView>> {
    let (p, viewer) = readable_mentorship(&state.db, &user, *id).await?;
    let (kind, by) = match viewer {
        Viewer::Mentor => (ActorKind::Mentor, EndedBy::Mentor),
        _ => (ActorKind::Youth, EndedBy::Mentee),
    };
    let actor = Actor::person(user.id(), kind);
    let ended = end_pairing(&state, &p, &actor, by, &body).await?;
    Ok(web::Json(
        mentorship_detail(&state, ended, viewer, user.id()).await?,
    ))
}

/// The mentor's own pairing (the mentee: 403 `ROLE_REQUIRED`; anyone else: 404).
async fn mentor_pairing(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    action: A,
) -> ApiResult<mentorships::Model> {
    match readable_mentorship(&state.db, user, id).await? {
        (p, Viewer::Mentor) => Ok(p),
        _ => Err(wrong_actor(action)),
    }
}

/// Complete an active pairing with a summary (the mentor). A long-term pairing needs at least
/// one confirmed or auto-confirmed guidance record (409 `NO_GUIDANCE_RECORDS`). Both parties
/// are told; the mentee may rate it within 60 days.
#[utoipa::path(
    tag = "mentoring",
    operation_id = "complete_mentorship",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = CompleteMentorshipRequest,
    responses(
        (status = 200, body = MentorshipDetailView),
        (status = 403, body = ErrorEnvelope, description = "ROLE_REQUIRED: only the mentor completes"),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "NO_GUIDANCE_RECORDS, INVALID_STATE"),
        (status = 422, body = ErrorEnvelope, description = "summary: LENGTH")
    )
)]
#[post("/me/mentorships/{id}/completions")]
pub async fn complete_mentorship(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<CompleteMentorshipRequest>,
) -> ApiResult<web::Json<MentorshipDetailView>> {
    let p = mentor_pairing(&state, &user, *id, A::Complete).await?;
    let now = Utc::now();
    let summary = body.summary.trim().to_owned();
    let actor = Actor::person(user.id(), ActorKind::Mentor);
    let txn = crate::db::begin(&state.db).await?;
    let mentor = lock_parties(&txn, &p).await?;
    let mut t = Transition::new(&p, A::Complete, &actor)
        .set(M::MentorSummary, Expr::value(summary))
        .set(M::EndedAt, Expr::value(now))
        .set(M::EndedByKind, Expr::value(EndedBy::Mentor))
        .set(M::UpdatedAt, Expr::value(now))
        .payload(&*body)
        .or_else(|cur| {
            let bare = cur.status == MentorshipStatus::Active
                && cur.kind == RequestKind::LongTerm
                && cur.counted_records < 1;
            bare.then(refusals::no_guidance_records)
        });
    if p.kind == RequestKind::LongTerm {
        t = t.only_if(M::CountedRecords.gte(1));
    }
    let applied = t.run(&txn).await?;
    let mut sent = Vec::new();
    if let Applied::Done { record, .. } = &applied {
        after_leaving(&txn, record, true).await?;
        sent = notify_completed(&txn, record, &mentor).await?;
    }
    txn.commit().await?;
    deliver(&state, sent);
    Ok(web::Json(
        mentorship_detail(&state, applied.into_record(), Viewer::Mentor, user.id()).await?,
    ))
}

/// Extend an active pairing once (409 `ALREADY_EXTENDED`), to a date after its planned end and
/// at most 12 months after its start (422 `RANGE`).
#[utoipa::path(
    tag = "mentoring",
    operation_id = "extend_mentorship",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = ExtendMentorshipRequest,
    responses(
        (status = 200, body = MentorshipDetailView),
        (status = 403, body = ErrorEnvelope, description = "ROLE_REQUIRED: only the mentor extends"),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "ALREADY_EXTENDED, INVALID_STATE"),
        (status = 422, body = ErrorEnvelope, description = "plannedEndOn: RANGE")
    )
)]
#[post("/me/mentorships/{id}/extensions")]
pub async fn extend_mentorship(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<ExtendMentorshipRequest>,
) -> ApiResult<web::Json<MentorshipDetailView>> {
    let p = mentor_pairing(&state, &user, *id, A::Extend).await?;
    let start = to_china(p.started_at).date_naive();
    let latest = start
        .checked_add_months(Months::new(LONG_TERM_MONTHS_MAX))
        .unwrap_or(start);
    // Once extended, a repeat of the same extension is answered by the transition (200), any
    // other by ALREADY_EXTENDED; only a first extension must lie after the planned end.
    let too_early = !p.extended && body.planned_end_on <= p.planned_end_on;
    if too_early || body.planned_end_on > latest {
        return Err(ApiError::field(
            "plannedEndOn",
            "RANGE",
            format!("延长后的结束日期应晚于原计划结束日期，且不晚于{latest}"),
        ));
    }
    let now = Utc::now();
    let actor = Actor::person(user.id(), ActorKind::Mentor);
    let txn = crate::db::begin(&state.db).await?;
    let applied = Transition::new(&p, A::Extend, &actor)
        .only_if(M::Extended.eq(false))
        .or_else(|cur| {
            (cur.status == MentorshipStatus::Active && cur.extended)
                .then(refusals::already_extended)
        })
        .set(M::Extended, Expr::value(true))
        .set(M::PlannedEndOn, Expr::value(body.planned_end_on))
        .set(M::UpdatedAt, Expr::value(now))
        .payload(&*body)
        .run(&txn)
        .await?;
    txn.commit().await?;
    Ok(web::Json(
        mentorship_detail(&state, applied.into_record(), Viewer::Mentor, user.id()).await?,
    ))
}

/// Rate a completed or ended pairing once (409 `ALREADY_RATED`), 1–5 stars, within 60 days
/// after it ended (409 `RATING_CLOSED`): the mentee. The mentor's rating columns move in the
/// same transaction (the average shows from 3 ratings up).
#[utoipa::path(
    tag = "mentoring",
    operation_id = "rate_mentorship",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = RateMentorshipRequest,
    responses(
        (status = 200, body = MentorshipDetailView),
        (status = 403, body = ErrorEnvelope, description = "ROLE_REQUIRED: only the mentee rates"),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "ALREADY_RATED, RATING_CLOSED, INVALID_STATE (still active)"),
        (status = 422, body = ErrorEnvelope, description = "stars: RANGE; comment: LENGTH")
    )
)]
#[post("/me/mentorships/{id}/ratings")]
pub async fn rate_mentorship(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<RateMentorshipRequest>,
) -> ApiResult<web::Json<MentorshipDetailView>> {
    let p = match readable_mentorship(&state.db, &user, *id).await? {
        (p, Viewer::Mentee) => p,
        _ => return Err(wrong_actor(A::Rate)),
    };
    let now = Utc::now();
    let opened_after = now - Duration::days(RATING_DAYS);
    let comment = body
        .comment
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_owned);
    let actor = Actor::youth(user.id());
    let txn = crate::db::begin(&state.db).await?;
    // The mentor row first (lock order), so two ratings of one mentor queue there.
    lock_parties(&txn, &p).await?;
    let applied = Transition::new(&p, A::Rate, &actor)
        .only_if(M::MenteeRating.is_null())
        .only_if(M::EndedAt.gt(opened_after))
        .or_else(move |cur| {
            if cur.status == MentorshipStatus::Active {
                None
            } else if cur.mentee_rating.is_some() {
                Some(refusals::already_rated())
            } else if cur.ended_at.is_none_or(|at| at <= opened_after) {
                Some(refusals::rating_closed())
            } else {
                None
            }
        })
        .set(M::MenteeRating, Expr::value(body.stars))
        .set(M::MenteeComment, Expr::value(comment))
        .set(M::RatedAt, Expr::value(now))
        .set(M::UpdatedAt, Expr::value(now))
        .payload(&*body)
        .run(&txn)
        .await?;
    if applied.is_done() {
        profiles::Entity::update_many()
            .col_expr(P::RatingCount, Expr::col(P::RatingCount).add(1))
            .col_expr(P::RatingSum, Expr::col(P::RatingSum).add(body.stars))
            .filter(P::Id.eq(p.mentor_profile_id))
            .exec(&txn)
            .await?;
    }
    txn.commit().await?;
    Ok(web::Json(
        mentorship_detail(&state, applied.into_record(), Viewer::Mentee, user.id()).await?,
    ))
}
