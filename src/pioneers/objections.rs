//! Objections during publicity (`supervision.md` §5): a logged-in user with a bound phone files
//! one (10–500 characters) before publicity ends, at most one open per nomination and
//! `JIQING_PIONEER_OBJECTIONS_PER_ROUND` per round (a counter, conventions §6); the nomination
//! moves to `objection_review`. A cadre of the round's unit reviews it: upheld withdraws the
//! nomination, dismissed returns it to publicity once none is open (`publicityEndsAt` unchanged).
//! Never shown to the nominee or the public.
use actix_web::{HttpResponse, get, post, web};
use chrono::Utc;
use entity::notifications::NotificationKind;
use entity::pioneer_nominations::{self as nominations, Column as N, NominationStatus};
use entity::pioneer_objection_counters::{self as counters, Column as C};
use entity::pioneer_objections::{self as objections, Column as O, ObjectionStatus};
use entity::workflow_events::ActorKind;
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{ActiveModelTrait, ColumnTrait, DbErr, EntityTrait, QueryFilter, Set, SqlErr};
use uuid::Uuid;

use super::round_dto::{
    AdminObjectionView, ObjectionDecision, ObjectionFilter, ObjectionRequest,
    ObjectionReviewRequest, ObjectionReviewView, ObjectionView,
};
use super::rounds::{ensure_round_unit, find_round};
use super::state::NominationAction as A;
use crate::app_state::AppState;
use crate::auth::{Cadre, CurrentUser};
use crate::error::{ApiError, ApiResult, ErrorEnvelope};
use crate::input::Json;
use crate::notifications::{deliver, notify};
use crate::pagination::{Page, PageQuery, page_rows};
use crate::time::to_china;
use crate::workflow::{Actor, Subject, Transition};

fn conflict(code: &'static str, message: &str) -> ApiError {
    ApiError::Conflict(code, message.into())
}

fn publicity_ended() -> ApiError {
    conflict("PUBLICITY_ENDED", "公示期已结束，不能再提出异议")
}

fn already_objected() -> ApiError {
    conflict(
        "ALREADY_OBJECTED",
        "您对该推荐的异议正在核查中，请勿重复提交",
    )
}

fn is_unique_violation(e: &DbErr) -> bool {
    matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_)))
}

/// Object to a nomination in publicity (login and a bound phone).
#[utoipa::path(
    tag = "pioneers",
    operation_id = "create_pioneer_objection",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = ObjectionRequest,
    responses(
        (status = 201, body = ObjectionView),
        (status = 404, body = ErrorEnvelope, description = "no nomination in publicity"),
        (status = 409, body = ErrorEnvelope, description = "PHONE_REQUIRED; PUBLICITY_ENDED; ALREADY_OBJECTED; OBJECTION_LIMIT_REACHED"),
        (status = 422, body = ErrorEnvelope, description = "reason: LENGTH")
    )
)]
#[post("/pioneer-nominations/{id}/objections")]
#[tracing::instrument(skip(state, me, body), fields(user = %me.id()))]
pub async fn create_pioneer_objection(
    state: web::Data<AppState>,
    me: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<ObjectionRequest>,
) -> ApiResult<HttpResponse> {
    let missing = || ApiError::not_found(nominations::Model::NAME);
    let n = nominations::Entity::find_by_id(*id)
        .one(&state.db)
        .await?
        .ok_or_else(missing)?;
    let public = matches!(
        n.status,
        NominationStatus::InPublicity | NominationStatus::ObjectionReview
    );
    if !public {
        return Err(missing());
    }
    if me.user.phone_enc.is_none() {
        return Err(conflict("PHONE_REQUIRED", "请先绑定微信手机号后再提出异议"));
    }
    let now = Utc::now();
    if n.publicity_ends_at.is_none_or(|e| e <= now) {
        return Err(publicity_ended());
    }
    let mine_open = objections::Entity::find()
        .filter(O::NominationId.eq(n.id))
        .filter(O::UserId.eq(me.id()))
        .filter(O::Status.eq(ObjectionStatus::Open))
        .one(&state.db)
        .await?
        .is_some();
    if mine_open {
        return Err(already_objected());
    }
    let limit = state.settings.pioneer_objections_per_round as i32;
    let txn = crate::db::begin(&state.db).await?;
    // The counter first (lock order: counter, then the nomination).
    counters::Entity::insert(counters::ActiveModel {
        round_id: Set(n.round_id),
        user_id: Set(me.id()),
        filed: Set(0),
    })
    .on_conflict(
        OnConflict::columns([C::RoundId, C::UserId])
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(&txn)
    .await?;
    let took = counters::Entity::update_many()
        .col_expr(C::Filed, Expr::col(C::Filed).add(1))
        .filter(C::RoundId.eq(n.round_id))
        .filter(C::UserId.eq(me.id()))
        .filter(C::Filed.lt(limit))
        .exec(&txn)
        .await?
        .rows_affected;
    if took == 0 {
        return Err(conflict(
            "OBJECTION_LIMIT_REACHED",
            &format!("每轮评选最多可提出{limit}条异议"),
        ));
    }
    let actor = Actor::person(me.id(), ActorKind::Youth);
    let applied = Transition::new(&n, A::Object, &actor)
        .only_if(N::PublicityEndsAt.gt(now))
        .set(N::OpenObjections, Expr::col(N::OpenObjections).add(1))
        .set(N::UpdatedAt, Expr::value(now))
        .attempt(&txn)
        .await?;
    if applied.is_none() {
        let cur = crate::workflow::transition::reload::<nominations::Model>(&txn, n.id).await?;
        return Err(if cur.publicity_ends_at.is_none_or(|e| e <= now) {
            publicity_ended()
        } else {
            crate::workflow::machine::invalid_state(cur.status, A::Object)
        });
    }
    let row = objections::ActiveModel {
        id: Set(Uuid::now_v7()),
        nomination_id: Set(n.id),
        round_id: Set(n.round_id),
        user_id: Set(Some(me.id())),
        reason: Set(Some(body.reason.trim().to_owned())),
        status: Set(ObjectionStatus::Open),
        reviewed_by: Set(None),
        reviewed_at: Set(None),
        review_note: Set(None),
        anonymised_at: Set(None),
        created_at: Set(now),
    }
    .insert(&txn)
    .await
    .map_err(|e| {
        if is_unique_violation(&e) {
            already_objected()
        } else {
            e.into()
        }
    })?;
    txn.commit().await?;
    Ok(HttpResponse::Created().json(ObjectionView {
        id: row.id,
        nomination_id: row.nomination_id,
        status: row.status,
        created_at: to_china(row.created_at),
    }))
}

/// Review an open objection, as a cadre of the round's unit: `upheld` withdraws the nomination
/// (`withdrawn_by_review`, notified; its other open objections are dismissed); `dismissed` returns
/// it to publicity once no objection is open.
#[utoipa::path(
    tag = "pioneers",
    operation_id = "review_pioneer_objection",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = ObjectionReviewRequest,
    responses(
        (status = 200, body = ObjectionReviewView),
        (status = 403, body = ErrorEnvelope, description = "ROUND_UNIT_ONLY"),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "INVALID_STATE (reviewed already)"),
        (status = 422, body = ErrorEnvelope, description = "note: LENGTH")
    )
)]
#[post("/admin/pioneer-objections/{id}/reviews")]
#[tracing::instrument(skip(state, cadre, body), fields(cadre = %cadre.user_id))]
pub async fn review_pioneer_objection(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
    body: Json<ObjectionReviewRequest>,
) -> ApiResult<web::Json<ObjectionReviewView>> {
    let missing = || ApiError::not_found("异议");
    let o = objections::Entity::find_by_id(*id)
        .one(&state.db)
        .await?
        .ok_or_else(missing)?;
    let n = nominations::Entity::find_by_id(o.nomination_id)
        .one(&state.db)
        .await?
        .ok_or_else(missing)?;
    cadre.ensure_visible(&n.region_code, "异议")?;
    let round = find_round(&state.db, n.round_id).await?;
    ensure_round_unit(&cadre, &round)?;
    let now = Utc::now();
    let status = match body.decision {
        ObjectionDecision::Upheld => ObjectionStatus::Upheld,
        ObjectionDecision::Dismissed => ObjectionStatus::Dismissed,
    };
    let txn = crate::db::begin(&state.db).await?;
    let reviewed = objections::Entity::update_many()
        .col_expr(O::Status, Expr::value(crate::choices::code(status)))
        .col_expr(O::ReviewedBy, Expr::value(cadre.user_id))
        .col_expr(O::ReviewedAt, Expr::value(now))
        .col_expr(O::ReviewNote, Expr::value(body.note.trim().to_owned()))
        .filter(O::Id.eq(o.id))
        .filter(O::Status.eq(ObjectionStatus::Open))
        .exec(&txn)
        .await?
        .rows_affected;
    if reviewed == 0 {
        return Err(conflict("INVALID_STATE", "该异议已核查"));
    }
    nominations::Entity::update_many()
        .col_expr(N::OpenObjections, Expr::col(N::OpenObjections).sub(1))
        .filter(N::Id.eq(n.id))
        .filter(N::OpenObjections.gt(0))
        .exec(&txn)
        .await?;
    let current = crate::workflow::transition::reload::<nominations::Model>(&txn, n.id).await?;
    let actor = Actor::cadre(&cadre);
    let mut notes = Vec::new();
    let after = match status {
        ObjectionStatus::Upheld => {
            objections::Entity::update_many()
                .col_expr(
                    O::Status,
                    Expr::value(crate::choices::code(ObjectionStatus::Dismissed)),
                )
                .col_expr(O::ReviewedBy, Expr::value(cadre.user_id))
                .col_expr(O::ReviewedAt, Expr::value(now))
                .col_expr(O::ReviewNote, Expr::value("推荐已经核查撤销"))
                .filter(O::NominationId.eq(n.id))
                .filter(O::Status.eq(ObjectionStatus::Open))
                .exec(&txn)
                .await?;
            let applied = Transition::new(&current, A::UpholdObjection, &actor)
                .set(N::OpenObjections, Expr::value(0))
                .set(N::Reason, Expr::value("公示期间收到的异议经核查成立"))
                .set(N::UpdatedAt, Expr::value(now))
                .reason(Some("公示期间收到的异议经核查成立"))
                .run(&txn)
                .await?;
            if applied.is_done() {
                notes.push(
                    notify(
                        &txn,
                        current.user_id,
                        NotificationKind::PioneerWithdrawnByReview,
                        "青年先锋评选",
                        "您的青年先锋推荐经公示核查后撤销。",
                        Some("/pages/pioneers/mine"),
                    )
                    .await?,
                );
            }
            applied.into_record()
        }
        _ if current.open_objections == 0
            && current.status == NominationStatus::ObjectionReview =>
        {
            Transition::new(&current, A::ReopenPublicity, &actor)
                .set(N::UpdatedAt, Expr::value(now))
                .run(&txn)
                .await?
                .into_record()
        }
        _ => current,
    };
    txn.commit().await?;
    deliver(&state, notes);
    Ok(web::Json(ObjectionReviewView {
        id: o.id,
        status,
        nomination: super::nominations::view(&state, after).await?,
    }))
}

/// Objections to nominations homed inside the caller's unit (or `region`), oldest first; never
/// who filed them.
#[utoipa::path(
    tag = "pioneers",
    operation_id = "list_pioneer_objections",
    security(("bearer" = [])),
    params(ObjectionFilter, PageQuery),
    responses(
        (status = 200, body = Page<AdminObjectionView>),
        (status = 403, body = ErrorEnvelope, description = "OUTSIDE_REGION"),
        (status = 422, body = ErrorEnvelope, description = "region: UNKNOWN_REGION")
    )
)]
#[get("/admin/pioneer-objections")]
pub async fn list_pioneer_objections(
    state: web::Data<AppState>,
    cadre: Cadre,
    filter: crate::input::Query<ObjectionFilter>,
    page: crate::input::Query<PageQuery>,
) -> ApiResult<web::Json<Page<AdminObjectionView>>> {
    use sea_orm::QueryOrder;
    use sea_orm::sea_query::Query;
    let parts = page.parts()?;
    let scope = cadre
        .filter_scope(&state.db, filter.region.as_deref(), "region")
        .await?;
    let mut q = objections::Entity::find().filter(
        Expr::col(O::NominationId).in_subquery(
            Query::select()
                .column(N::Id)
                .from(nominations::Entity)
                .cond_where(scope.condition(N::RegionCode))
                .to_owned(),
        ),
    );
    if let Some(r) = filter.round_id {
        q = q.filter(O::RoundId.eq(r));
    }
    if let Some(n) = filter.nomination_id {
        q = q.filter(O::NominationId.eq(n));
    }
    if let Some(s) = filter.status {
        q = q.filter(O::Status.eq(s));
    }
    let q = q.order_by_asc(O::CreatedAt).order_by_asc(O::Id);
    let (rows, total) = page_rows(q, &state.db, parts).await?;
    let items = rows
        .into_iter()
        .map(|o| AdminObjectionView {
            id: o.id,
            nomination_id: o.nomination_id,
            round_id: o.round_id,
            status: o.status,
            reason: o.reason,
            review_note: o.review_note,
            reviewed_at: o.reviewed_at.map(to_china),
            created_at: to_china(o.created_at),
        })
        .collect();
    Ok(web::Json(Page::new(items, total, parts)))
}
