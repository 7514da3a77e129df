//! Completing a placement (on_duty → completed) after its last day, by the host supervisor or a
//! cadre of the position's local unit. Saving an evaluation completes it too
//! (`evaluations.rs`).
use actix_web::{HttpRequest, post, web};
use chrono::{DateTime, Utc};
use entity::practice_applications::{ApplicationStatus, Column as A};
use entity::practice_positions;
use sea_orm::sea_query::Expr;
use uuid::Uuid;

use super::dto::{StaffApplicationDetailView, VersionRequest};
use super::evaluations::{has_ended, not_ended};
use super::selection::Selector;
use super::state::PracticeApplicationAction;
use super::views::staff_detail;
use crate::app_state::AppState;
use crate::auth::{Cadre, HostSupervisor};
use crate::error::{ApiResult, ErrorEnvelope};
use crate::input::Json;
use crate::test_hooks;
use crate::workflow::Transition;
use crate::workflow::transition::reload;

pub async fn complete(
    state: &AppState,
    now: DateTime<Utc>,
    sel: Selector<'_>,
    id: Uuid,
    body: &VersionRequest,
) -> ApiResult<web::Json<StaffApplicationDetailView>> {
    let actor = sel.actor();
    let txn = crate::db::begin(&state.db).await?;
    let current = sel.find(&txn, id).await?;
    if current.status == ApplicationStatus::OnDuty {
        let position = reload::<practice_positions::Model>(&txn, current.position_id).await?;
        if !has_ended(&position, now) {
            return Err(not_ended(position.ends_on));
        }
    }
    let applied = Transition::new(&current, PracticeApplicationAction::Complete, &actor)
        .seen(body.version)
        .set(A::CompletedAt, Expr::value(now))
        .set(A::UpdatedAt, Expr::value(now))
        .payload(body)
        .run(&txn)
        .await?;
    txn.commit().await?;
    Ok(web::Json(
        staff_detail(state, applied.into_record(), sel.reader()).await?,
    ))
}

/// Complete an on-duty placement after its last day (409 `PRACTICE_NOT_ENDED` before). Saving
/// an evaluation completes it as well.
#[utoipa::path(
    tag = "practice",
    operation_id = "complete_practice",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = VersionRequest,
    responses(
        (status = 200, body = StaffApplicationDetailView),
        (status = 403, body = ErrorEnvelope, description = "HOST_SUPERVISOR_ONLY, HOST_SUSPENDED"),
        (status = 404, body = ErrorEnvelope, description = "Not an application of the caller's host"),
        (status = 409, body = ErrorEnvelope, description = "PRACTICE_NOT_ENDED, APPLICATION_CHANGED, INVALID_STATE")
    )
)]
#[post("/me/host/applications/{id}/completions")]
pub async fn complete_practice(
    state: web::Data<AppState>,
    req: HttpRequest,
    host: HostSupervisor,
    id: web::Path<Uuid>,
    body: Json<VersionRequest>,
) -> ApiResult<web::Json<StaffApplicationDetailView>> {
    let now = test_hooks::now(&req);
    complete(&state, now, Selector::Host(&host), *id, &body).await
}

/// Complete an on-duty placement after its last day (409 `PRACTICE_NOT_ENDED` before). Saving
/// an evaluation completes it as well.
/// (A cadre of the position's local unit, alongside or instead of the host.)
#[utoipa::path(
    tag = "practice",
    operation_id = "complete_practice_by_cadre",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = VersionRequest,
    responses(
        (status = 200, body = StaffApplicationDetailView),
        (status = 403, body = ErrorEnvelope, description = "LOCAL_UNIT_ONLY"),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "PRACTICE_NOT_ENDED, APPLICATION_CHANGED, INVALID_STATE")
    )
)]
#[post("/admin/practice/applications/{id}/completions")]
pub async fn complete_practice_by_cadre(
    state: web::Data<AppState>,
    req: HttpRequest,
    cadre: Cadre,
    id: web::Path<Uuid>,
    body: Json<VersionRequest>,
) -> ApiResult<web::Json<StaffApplicationDetailView>> {
    let now = test_hooks::now(&req);
    complete(&state, now, Selector::Cadre(&cadre), *id, &body).await
}
