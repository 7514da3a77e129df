//! Cadres list, read and review mentors (certify, reject, suspend, reinstate).
use actix_web::{get, post, web};
use chrono::Utc;
use entity::mentor_profiles::{self as profiles, Column as P, MentorStatus};
use entity::notifications::NotificationKind;
use entity::users;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use super::dto::{AdminMentorFilter, AdminMentorView, MentorDecision, MentorReviewRequest};
use super::lifecycle::MENTORING_PAGE;
use super::queries::{
    Reach, managed_mentor, masked, phones, reach, region_units, unit_name, visible_mentor,
};
use super::state::MentorProfileAction;
use crate::app_state::AppState;
use crate::auth::Cadre;
use crate::error::{ApiError, ApiResult, ErrorEnvelope};
use crate::input::Json;
use crate::notifications::{deliver, notify};
use crate::pagination::{Page, PageQuery, page_rows};
use crate::workflow::timeline::{Audience, timeline};
use crate::workflow::{Actor, Subject, Transition};

async fn views(
    state: &AppState,
    cadre: &Cadre,
    rows: &[profiles::Model],
) -> ApiResult<Vec<AdminMentorView>> {
    let ids: Vec<Uuid> = rows.iter().map(|m| m.user_id).collect();
    let phones = phones(&state.db, &state.cipher, &ids).await?;
    rows.iter()
        .map(|m| {
            AdminMentorView::new(
                m,
                unit_name(&state.league, &m.service_unit_code),
                masked(phones.get(&m.user_id)),
                reach(cadre, &m.service_unit_code) == Reach::Manage,
            )
        })
        .collect()
}

/// Mentors of the caller's unit and the units below it, and (readable, for proposing) those
/// of the units above it. `region`: only those whose service unit lies inside that unit;
/// `covers`: the certified mentors serving that place.
#[utoipa::path(
    tag = "mentoring",
    operation_id = "list_admin_mentors",
    security(("bearer" = [])),
    params(AdminMentorFilter, PageQuery),
    responses(
        (status = 200, body = Page<AdminMentorView>),
        (status = 403, body = ErrorEnvelope, description = "OUTSIDE_REGION"),
        (status = 422, body = ErrorEnvelope, description = "UNKNOWN_UNIT, UNKNOWN_REGION")
    )
)]
#[get("/admin/mentors")]
pub async fn list_admin_mentors(
    state: web::Data<AppState>,
    cadre: Cadre,
    filter: crate::input::Query<AdminMentorFilter>,
    page: crate::input::Query<PageQuery>,
) -> ApiResult<web::Json<Page<AdminMentorView>>> {
    let parts = page.parts()?;
    let tree = cadre.tree();
    let units = match region_units(&cadre, filter.region.as_deref())? {
        Some(units) => units,
        None => cadre.readable_unit_codes(),
    };
    let mut q = profiles::Entity::find().filter(P::ServiceUnitCode.is_in(units));
    if let Some(place) = filter.covers.as_deref().filter(|c| !c.is_empty()) {
        crate::regions::queries::require(&state.db, place, "covers").await?;
        cadre.ensure_covers(place)?;
        q = q
            .filter(P::ServiceUnitCode.is_in(tree.codes_covering(place)))
            .filter(P::Status.eq(MentorStatus::Certified));
    }
    if let Some(s) = filter.status {
        q = q.filter(P::Status.eq(s));
    }
    if let Some(e) = filter.expertise {
        q = q.filter(Expr::col(P::Expertise).like(format!("%\"{}\"%", crate::choices::code(e))));
    }
    let q = q.order_by_asc(P::CreatedAt).order_by_asc(P::Id);
    let (rows, total) = page_rows(q, &state.db, parts).await?;
    let items = views(&state, &cadre, &rows).await?;
    Ok(web::Json(Page::new(items, total, parts)))
}

async fn detail(state: &AppState, cadre: &Cadre, m: profiles::Model) -> ApiResult<AdminMentorView> {
    let timeline = timeline(
        &state.db,
        profiles::Model::EVENTS,
        m.id,
        Some(m.user_id),
        Audience::Staff,
    )
    .await?;
    let mut mentor = views(state, cadre, std::slice::from_ref(&m))
        .await?
        .pop()
        .ok_or_else(|| ApiError::not_found("导师"))?;
    mentor.timeline = Some(timeline);
    Ok(mentor)
}

/// One mentor with their history (404 outside the caller's reach).
#[utoipa::path(
    tag = "mentoring",
    operation_id = "get_admin_mentor",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = AdminMentorView),
        (status = 404, body = ErrorEnvelope)
    )
)]
#[get("/admin/mentors/{id}")]
pub async fn get_admin_mentor(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<AdminMentorView>> {
    let (m, _) = visible_mentor(&state.db, &cadre, *id).await?;
    Ok(web::Json(detail(&state, &cadre, m).await?))
}

/// Certify, reject (reason), suspend (reason) or reinstate a mentor, as a cadre of the service
/// unit or a unit above it, naming the version reviewed. Certifying grants the mentor role.
#[utoipa::path(
    tag = "mentoring",
    operation_id = "review_mentor",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = MentorReviewRequest,
    responses(
        (status = 200, body = AdminMentorView),
        (status = 403, body = ErrorEnvelope, description = "OUTSIDE_REGION: a mentor of a unit above the caller's"),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "PROFILE_CHANGED, INVALID_STATE"),
        (status = 422, body = ErrorEnvelope, description = "reason: REQUIRED, LENGTH")
    )
)]
#[post("/admin/mentors/{id}/reviews")]
pub async fn review_mentor(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
    body: Json<MentorReviewRequest>,
) -> ApiResult<web::Json<AdminMentorView>> {
    let reason = body
        .reason
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty());
    let needs_reason = matches!(
        body.decision,
        MentorDecision::Reject | MentorDecision::Suspend
    );
    match reason {
        None if needs_reason => {
            return Err(ApiError::field("reason", "REQUIRED", "请填写原因"));
        }
        Some(r) if !(2..=200).contains(&r.chars().count()) => {
            return Err(ApiError::field("reason", "LENGTH", "原因应为2至200个字"));
        }
        _ => {}
    }
    let action = match body.decision {
        MentorDecision::Certify => MentorProfileAction::Certify,
        MentorDecision::Reject => MentorProfileAction::Reject,
        MentorDecision::Suspend => MentorProfileAction::Suspend,
        MentorDecision::Reinstate => MentorProfileAction::Reinstate,
    };
    let now = Utc::now();
    let actor = Actor::cadre(&cadre);
    let txn = crate::db::begin(&state.db).await?;
    let current = managed_mentor(&txn, &cadre, *id).await?;
    let applied = Transition::new(&current, action, &actor)
        .seen(Some(body.version))
        .set(P::ReviewReason, Expr::value(reason.map(str::to_owned)))
        .set(P::ReviewedBy, Expr::value(cadre.user_id))
        .set(P::ReviewedAt, Expr::value(now))
        .set(P::UpdatedAt, Expr::value(now))
        .reason(reason)
        .payload(&*body)
        .run(&txn)
        .await?;
    let mut sent = Vec::new();
    if applied.is_done() {
        if action == MentorProfileAction::Certify {
            users::Entity::update_many()
                .col_expr(users::Column::IsMentor, Expr::value(true))
                .col_expr(users::Column::UpdatedAt, Expr::value(now))
                .filter(users::Column::Id.eq(current.user_id))
                .exec(&txn)
                .await?;
        }
        let (kind, title, text) = match action {
            MentorProfileAction::Certify => (
                NotificationKind::MentorCertified,
                "导师认证通过",
                "您已通过团组织认证，成为吉林共青团青年创业导师团成员。".to_owned(),
            ),
            MentorProfileAction::Reinstate => (
                NotificationKind::MentorCertified,
                "导师资格已恢复",
                "团组织已恢复您的导师资格，可继续接收青年申请。".to_owned(),
            ),
            MentorProfileAction::Reject => (
                NotificationKind::MentorRejected,
                "导师认证未通过",
                format!("原因：{}", reason.unwrap_or_default()),
            ),
            _ => (
                NotificationKind::MentorSuspended,
                "导师资格已暂停",
                format!(
                    "原因：{}。已结对的帮带可继续进行。",
                    reason.unwrap_or_default()
                ),
            ),
        };
        sent.push(
            notify(
                &txn,
                current.user_id,
                kind,
                title,
                &text,
                Some(MENTORING_PAGE),
            )
            .await?,
        );
    }
    txn.commit().await?;
    deliver(&state, sent);
    Ok(web::Json(
        detail(&state, &cadre, applied.into_record()).await?,
    ))
}
