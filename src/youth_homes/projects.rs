//! The 标志性服务项目 registry (`supervision.md` §4): the township's local unit registers,
//! edits, starts and ends a project; a cadre of the parent unit other than the creator verifies
//! it, as for Youth Homes. It counts in `signature_project_share` while active and verified.
use actix_web::{HttpResponse, get, post, put, web};
use chrono::Utc;
use entity::signature_projects::{self as projects, Column as P, ProjectStatus};
use entity::youth_homes;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use uuid::Uuid;

use super::access::{
    Verification, checked_township, counts_changed, local_unit_name, not_future, place_names,
    trimmed, unverified, verify,
};
use super::dto::{
    ProjectFilter, ProjectStatusAction, ProjectStatusChangeRequest, SignatureProjectDetailView,
    SignatureProjectRequest, SignatureProjectView, VerifyRequest,
};
use super::state::ProjectAction as A;
use crate::app_state::AppState;
use crate::auth::Cadre;
use crate::error::{ApiError, ApiResult, ErrorEnvelope, FieldError};
use crate::input::Json;
use crate::pagination::{Page, PageQuery, page_rows};
use crate::workflow::timeline::{Audience, timeline};
use crate::workflow::transition::record_creation;
use crate::workflow::{Actor, Subject, Transition, events};

/// The KPI line projects feed.
pub const INDICATOR: &str = "signature_project_share";

/// The project by id, if the caller's unit covers its township (else 404).
async fn visible_project(state: &AppState, cadre: &Cadre, id: Uuid) -> ApiResult<projects::Model> {
    let p = projects::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or_else(|| ApiError::not_found(projects::Model::NAME))?;
    cadre.ensure_visible(&p.township_code, projects::Model::NAME)?;
    Ok(p)
}

fn view(state: &AppState, p: projects::Model, township: String) -> SignatureProjectView {
    let local = local_unit_name(&state.league, &p.township_code);
    SignatureProjectView::new(p, township, local)
}

async fn detail(state: &AppState, p: projects::Model) -> ApiResult<SignatureProjectDetailView> {
    let names = place_names(state, [p.township_code.clone()]).await?;
    let township = names.get(&p.township_code).cloned().unwrap_or_default();
    let timeline = timeline(
        &state.db,
        projects::Model::EVENTS,
        p.id,
        None,
        Audience::Staff,
    )
    .await?;
    Ok(SignatureProjectDetailView {
        project: view(state, p, township),
        timeline,
    })
}

/// Township (the caller's local unit), Youth Home (of the same township), start date.
async fn checked(
    state: &AppState,
    cadre: &Cadre,
    body: &SignatureProjectRequest,
) -> ApiResult<String> {
    let township = checked_township(&state.db, cadre, &body.township_code, "townshipCode").await?;
    let mut errors = Vec::new();
    if let Some(home) = body.youth_home_id {
        let same_township = youth_homes::Entity::find_by_id(home)
            .one(&state.db)
            .await?
            .is_some_and(|h| h.township_code == township);
        if !same_township {
            errors.push(FieldError::new(
                "youthHomeId",
                "INVALID_VALUE",
                "请选择本乡镇的青年之家",
            ));
        }
    }
    not_future(Some(body.started_on), "startedOn", &mut errors);
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    Ok(township)
}

/// Register a signature project of a township of the caller's local unit (proposed).
#[utoipa::path(
    tag = "youth-homes",
    operation_id = "create_signature_project",
    security(("bearer" = [])),
    request_body = SignatureProjectRequest,
    responses(
        (status = 201, body = SignatureProjectDetailView),
        (status = 403, body = ErrorEnvelope, description = "OUTSIDE_REGION; LOCAL_UNIT_ONLY"),
        (status = 422, body = ErrorEnvelope, description = "name: LENGTH; townshipCode: LEVEL; youthHomeId: INVALID_VALUE; startedOn: RANGE; description: LENGTH")
    )
)]
#[post("/admin/signature-projects")]
#[tracing::instrument(skip(state, cadre, body), fields(cadre = %cadre.user_id))]
pub async fn create_signature_project(
    state: web::Data<AppState>,
    cadre: Cadre,
    body: Json<SignatureProjectRequest>,
) -> ApiResult<HttpResponse> {
    let township = checked(&state, &cadre, &body).await?;
    let now = Utc::now();
    let txn = crate::db::begin(&state.db).await?;
    let row = projects::ActiveModel {
        id: Set(Uuid::now_v7()),
        township_code: Set(township),
        youth_home_id: Set(body.youth_home_id),
        name: Set(body.name.trim().to_owned()),
        category: Set(body.category),
        description: Set(trimmed(body.description.as_deref())),
        frequency: Set(body.frequency),
        started_on: Set(body.started_on),
        ended_on: Set(None),
        status: Set(ProjectStatus::Proposed),
        verified_by: Set(None),
        verified_at: Set(None),
        created_by: Set(cadre.user_id),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    record_creation(
        &txn,
        &row,
        A::Create,
        &Actor::cadre(&cadre),
        events::payload(&*body),
        None,
    )
    .await?;
    txn.commit().await?;
    Ok(HttpResponse::Created().json(detail(&state, row).await?))
}

/// The projects of the caller's unit (or of the `region` inside it), by township and name.
#[utoipa::path(
    tag = "youth-homes",
    operation_id = "list_signature_projects",
    security(("bearer" = [])),
    params(ProjectFilter, PageQuery),
    responses(
        (status = 200, body = Page<SignatureProjectView>),
        (status = 403, body = ErrorEnvelope, description = "OUTSIDE_REGION"),
        (status = 422, body = ErrorEnvelope, description = "region: UNKNOWN_REGION")
    )
)]
#[get("/admin/signature-projects")]
pub async fn list_signature_projects(
    state: web::Data<AppState>,
    cadre: Cadre,
    filter: crate::input::Query<ProjectFilter>,
    page: crate::input::Query<PageQuery>,
) -> ApiResult<web::Json<Page<SignatureProjectView>>> {
    let parts = page.parts()?;
    let scope = cadre
        .filter_scope(&state.db, filter.region.as_deref(), "region")
        .await?;
    let mut q = projects::Entity::find().filter(scope.condition(P::TownshipCode));
    if let Some(s) = filter.status {
        q = q.filter(P::Status.eq(s));
    }
    if let Some(c) = filter.category {
        q = q.filter(P::Category.eq(c));
    }
    match filter.verified {
        Some(true) => q = q.filter(P::VerifiedAt.is_not_null()),
        Some(false) => q = q.filter(P::VerifiedAt.is_null()),
        None => {}
    }
    let q = q
        .order_by_asc(P::TownshipCode)
        .order_by_asc(P::Name)
        .order_by_asc(P::Id);
    let (rows, total) = page_rows(q, &state.db, parts).await?;
    let names = place_names(&state, rows.iter().map(|p| p.township_code.clone())).await?;
    let items = rows
        .into_iter()
        .map(|p| {
            let township = names.get(&p.township_code).cloned().unwrap_or_default();
            view(&state, p, township)
        })
        .collect();
    Ok(web::Json(Page::new(items, total, parts)))
}

/// One project with its timeline (404 outside the caller's unit).
#[utoipa::path(
    tag = "youth-homes",
    operation_id = "get_signature_project",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = SignatureProjectDetailView),
        (status = 404, body = ErrorEnvelope)
    )
)]
#[get("/admin/signature-projects/{id}")]
pub async fn get_signature_project(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<SignatureProjectDetailView>> {
    let p = visible_project(&state, &cadre, *id).await?;
    Ok(web::Json(detail(&state, p).await?))
}

/// Change a proposed or active project (send the `version` edited), as its local unit. Moving
/// it to another township clears its verification.
#[utoipa::path(
    tag = "youth-homes",
    operation_id = "update_signature_project",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = SignatureProjectRequest,
    responses(
        (status = 200, body = SignatureProjectDetailView),
        (status = 403, body = ErrorEnvelope, description = "OUTSIDE_REGION, LOCAL_UNIT_ONLY"),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "PROJECT_CHANGED; INVALID_STATE (ended)"),
        (status = 422, body = ErrorEnvelope, description = "version: REQUIRED; as create")
    )
)]
#[put("/admin/signature-projects/{id}")]
#[tracing::instrument(skip(state, cadre, body), fields(cadre = %cadre.user_id))]
pub async fn update_signature_project(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
    body: Json<SignatureProjectRequest>,
) -> ApiResult<web::Json<SignatureProjectDetailView>> {
    let p = visible_project(&state, &cadre, *id).await?;
    cadre.ensure_local_unit(&p.township_code)?;
    let Some(version) = body.version else {
        return Err(ApiError::field(
            "version",
            "REQUIRED",
            "请提交所修改的版本号",
        ));
    };
    let township = checked(&state, &cadre, &body).await?;
    let moved = township != p.township_code;
    let now = Utc::now();
    let actor = Actor::cadre(&cadre);
    let txn = crate::db::begin(&state.db).await?;
    let mut t = Transition::new(&p, A::Edit, &actor)
        .seen(Some(version))
        .set(P::TownshipCode, Expr::value(township.clone()))
        .set(P::YouthHomeId, Expr::value(body.youth_home_id))
        .set(P::Name, Expr::value(body.name.trim().to_owned()))
        .set(P::Category, Expr::value(body.category))
        .set(
            P::Description,
            Expr::value(trimmed(body.description.as_deref())),
        )
        .set(P::Frequency, Expr::value(body.frequency))
        .set(P::StartedOn, Expr::value(body.started_on))
        .set(P::UpdatedAt, Expr::value(now))
        .payload(&*body);
    if moved {
        t = unverified(t).reason(Some("所在乡镇变更，需重新核验"));
    }
    let applied = t.run(&txn).await?;
    txn.commit().await?;
    if applied.is_done() && moved {
        counts_changed(&state, INDICATOR, &p.township_code).await;
        counts_changed(&state, INDICATOR, &township).await;
    }
    Ok(web::Json(detail(&state, applied.into_record()).await?))
}

/// Start or end a project, as the township's local unit.
#[utoipa::path(
    tag = "youth-homes",
    operation_id = "change_signature_project_status",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = ProjectStatusChangeRequest,
    responses(
        (status = 200, body = SignatureProjectDetailView),
        (status = 403, body = ErrorEnvelope, description = "LOCAL_UNIT_ONLY"),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "INVALID_STATE; PROJECT_CHANGED"),
        (status = 422, body = ErrorEnvelope, description = "on: RANGE; reason: LENGTH")
    )
)]
#[post("/admin/signature-projects/{id}/status-changes")]
#[tracing::instrument(skip(state, cadre, body), fields(cadre = %cadre.user_id))]
pub async fn change_signature_project_status(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
    body: Json<ProjectStatusChangeRequest>,
) -> ApiResult<web::Json<SignatureProjectDetailView>> {
    let p = visible_project(&state, &cadre, *id).await?;
    cadre.ensure_local_unit(&p.township_code)?;
    let mut errors = Vec::new();
    not_future(Some(body.on), "on", &mut errors);
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let now = Utc::now();
    let actor = Actor::cadre(&cadre);
    let txn = crate::db::begin(&state.db).await?;
    let column = match body.action {
        ProjectStatusAction::Start => P::StartedOn,
        ProjectStatusAction::End => P::EndedOn,
    };
    let applied = Transition::new(&p, body.action.action(), &actor)
        .seen(body.version)
        .set(column, Expr::value(body.on))
        .set(P::UpdatedAt, Expr::value(now))
        .reason(trimmed(body.reason.as_deref()))
        .payload(&*body)
        .run(&txn)
        .await?;
    txn.commit().await?;
    if applied.is_done() {
        counts_changed(&state, INDICATOR, &p.township_code).await;
    }
    Ok(web::Json(detail(&state, applied.into_record()).await?))
}

/// Verify a proposed or active project (send the `version` checked): a cadre of the parent unit
/// of its township's local unit or above, other than its creator.
#[utoipa::path(
    tag = "youth-homes",
    operation_id = "verify_signature_project",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = VerifyRequest,
    responses(
        (status = 200, body = SignatureProjectDetailView),
        (status = 403, body = ErrorEnvelope, description = "SAME_ACTOR_NOT_ALLOWED (the creator); PARENT_UNIT_ONLY"),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "INVALID_STATE (verified already, ended); PROJECT_CHANGED")
    )
)]
#[post("/admin/signature-projects/{id}/verifications")]
#[tracing::instrument(skip(state, cadre, body), fields(cadre = %cadre.user_id))]
pub async fn verify_signature_project(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
    body: Json<VerifyRequest>,
) -> ApiResult<web::Json<SignatureProjectDetailView>> {
    let p = visible_project(&state, &cadre, *id).await?;
    let v = Verification {
        place: &p.township_code,
        maker: p.created_by,
        verified_by: p.verified_by,
        indicator: INDICATOR,
        what: "标志性服务项目核验",
    };
    let project = verify(&state, &cadre, &p, A::Verify, v, &body, |cur| {
        cur.status != ProjectStatus::Ended && cur.verified_at.is_some()
    })
    .await?;
    Ok(web::Json(detail(&state, project).await?))
}
