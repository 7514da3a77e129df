//! Mentors assigned to youth organisations (「每个县域团属青年创业组织至少配备1名创业导师」),
//! and the registry's counts per kind and level.
use actix_web::{HttpResponse, delete, get, post, web};
use chrono::Utc;
use entity::mentor_profiles::MentorStatus;
use entity::mentorships::EndedBy;
use entity::notifications::NotificationKind;
use entity::org_mentor_assignments::{self as assignments, Column as OA};
use entity::youth_organisations::{self as orgs, Column as O, OrgKind, OrgLevel, OrgStatus};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, Iterable, QueryFilter, QuerySelect, Set,
};
use uuid::Uuid;

use super::dto::{
    AssignOrgMentorRequest, EndOrgMentorRequest, OrganisationDetailView, OrganisationStatsQuery,
    OrganisationStatsRow, OrganisationStatsView, UnitRef,
};
use super::lifecycle::lock_mentor;
use super::organisations::{org_detail, visible_org};
use super::queries::{region_units, unit_name};
use super::refusals;
use super::state::YouthOrgAction as A;
use crate::app_state::AppState;
use crate::auth::Cadre;
use crate::choices::Labelled;
use crate::error::{ApiError, ApiResult, ErrorEnvelope};
use crate::input::Json;
use crate::notifications::{deliver, notify};
use crate::workflow::{Action, Actor, Subject, Transition, events};

/// Whether a mentor serving `mentor_unit` serves an organisation: its unit is the mentor's or
/// lies below it, or (township level) the mentor's unit covers its township.
fn serves(state: &AppState, mentor_unit: &str, org: &orgs::Model) -> bool {
    let (Some(m), Some(o)) = (
        state.league.unit(mentor_unit),
        state.league.unit(&org.unit_code),
    ) else {
        return false;
    };
    state.league.is_within(o, m)
        || org
            .township_code
            .as_deref()
            .is_some_and(|t| m.scope.covers(t))
}

/// Assign a certified mentor serving the organisation (403 `OUTSIDE_MENTOR_REGION`) to an
/// active organisation of the caller's unit; the mentor is told. Once per mentor and
/// organisation while active (409 `ALREADY_ASSIGNED`; the same cadre repeating gets 200).
#[utoipa::path(
    tag = "youth-organisations",
    operation_id = "assign_organisation_mentor",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = AssignOrgMentorRequest,
    responses(
        (status = 201, body = OrganisationDetailView),
        (status = 200, body = OrganisationDetailView, description = "The same cadre assigned this mentor already"),
        (status = 403, body = ErrorEnvelope, description = "OUTSIDE_MENTOR_REGION"),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "MENTOR_NOT_ACCEPTING (not certified), ALREADY_ASSIGNED, INVALID_STATE (dissolved)")
    )
)]
#[post("/admin/youth-organisations/{id}/mentor-assignments")]
pub async fn assign_organisation_mentor(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
    body: Json<AssignOrgMentorRequest>,
) -> ApiResult<HttpResponse> {
    let o = visible_org(&state, &cadre, *id).await?;
    let now = Utc::now();
    let actor = Actor::cadre(&cadre);
    let txn = crate::db::begin(&state.db).await?;
    // Lock order: the mentor row (a withdrawal ends its assignments), the organisation, the
    // assignment.
    let m = lock_mentor(&txn, body.mentor_id).await?;
    if let Some(existing) = assignments::Entity::find()
        .filter(OA::OrgId.eq(o.id))
        .filter(OA::MentorProfileId.eq(m.id))
        .filter(OA::EndedAt.is_null())
        .one(&txn)
        .await?
    {
        txn.rollback().await?;
        if existing.assigned_by == cadre.user_id {
            return Ok(HttpResponse::Ok().json(org_detail(&state, o).await?));
        }
        return Err(refusals::already_assigned());
    }
    if m.status != MentorStatus::Certified {
        return Err(ApiError::Conflict(
            "MENTOR_NOT_ACCEPTING",
            "该导师未通过认证或已暂停，不能配备".into(),
        ));
    }
    if !serves(&state, &m.service_unit_code, &o) {
        return Err(refusals::outside_mentor_region());
    }
    let applied = Transition::new(&o, A::AssignMentor, &actor)
        .set(O::UpdatedAt, Expr::value(now))
        .reason(Some(format!("配备导师{}", m.real_name)))
        .payload(&*body)
        .run(&txn)
        .await?;
    assignments::ActiveModel {
        id: Set(Uuid::now_v7()),
        org_id: Set(o.id),
        mentor_profile_id: Set(m.id),
        assigned_by: Set(cadre.user_id),
        assigned_at: Set(now),
        ended_at: Set(None),
        ended_by_kind: Set(None),
        end_reason: Set(None),
    }
    .insert(&txn)
    .await
    .map_err(refusals::assignment_insert)?;
    let sent = vec![
        notify(
            &txn,
            m.user_id,
            NotificationKind::MentorOrgAssigned,
            "您已被配备给青年组织",
            &format!("团组织为“{}”配备您担任创业导师。", o.name),
            None,
        )
        .await?,
    ];
    txn.commit().await?;
    deliver(&state, sent);
    Ok(HttpResponse::Created().json(org_detail(&state, applied.into_record()).await?))
}

/// End an active mentor assignment of an organisation of the caller's unit, with a reason.
#[utoipa::path(
    tag = "youth-organisations",
    operation_id = "end_organisation_mentor",
    security(("bearer" = [])),
    params(("id" = Uuid, Path), ("assignmentId" = Uuid, Path)),
    request_body = EndOrgMentorRequest,
    responses(
        (status = 200, body = OrganisationDetailView),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "INVALID_STATE (ended already, dissolved)"),
        (status = 422, body = ErrorEnvelope, description = "reason: LENGTH")
    )
)]
#[delete("/admin/youth-organisations/{id}/mentor-assignments/{assignmentId}")]
pub async fn end_organisation_mentor(
    state: web::Data<AppState>,
    cadre: Cadre,
    path: web::Path<(Uuid, Uuid)>,
    body: Json<EndOrgMentorRequest>,
) -> ApiResult<web::Json<OrganisationDetailView>> {
    let (id, assignment_id) = path.into_inner();
    let o = visible_org(&state, &cadre, id).await?;
    assignments::Entity::find_by_id(assignment_id)
        .one(&state.db)
        .await?
        .filter(|a| a.org_id == o.id)
        .ok_or_else(|| ApiError::not_found("导师配备"))?;
    let now = Utc::now();
    let reason = body.reason.trim().to_owned();
    let payload = events::payload(&serde_json::json!({
        "assignmentId": assignment_id, "reason": reason
    }));
    let actor = Actor::cadre(&cadre);
    let txn = crate::db::begin(&state.db).await?;
    // The organisation first (as a dissolution does), then the assignment.
    let applied = Transition::new(&o, A::EndAssignment, &actor)
        .set(O::UpdatedAt, Expr::value(now))
        .reason(Some(reason.clone()))
        .payload_json(payload.clone())
        .run(&txn)
        .await?;
    let hit = assignments::Entity::update_many()
        .col_expr(OA::EndedAt, Expr::value(now))
        .col_expr(OA::EndedByKind, Expr::value(EndedBy::Cadre))
        .col_expr(OA::EndReason, Expr::value(reason))
        .filter(OA::Id.eq(assignment_id))
        .filter(OA::EndedAt.is_null())
        .exec(&txn)
        .await?
        .rows_affected;
    if hit == 0 {
        txn.rollback().await?;
        // The same cadre ending the same assignment again: the answer they had.
        let last = events::last(&state.db, orgs::Model::EVENTS, o.id).await?;
        let repeat = last.is_some_and(|e| {
            e.actor_user_id == Some(cadre.user_id)
                && e.action == A::EndAssignment.as_str()
                && e.payload_json == payload
        });
        if repeat {
            let now_org = visible_org(&state, &cadre, o.id).await?;
            return Ok(web::Json(org_detail(&state, now_org).await?));
        }
        return Err(ApiError::Conflict(
            "INVALID_STATE",
            "该导师配备已解除".into(),
        ));
    }
    txn.commit().await?;
    Ok(web::Json(org_detail(&state, applied.into_record()).await?))
}

/// The organisations of the caller's unit (or the `region` unit inside it) per kind and level:
/// active, verified, and verified league-affiliated ones. Every kind × level is listed.
#[utoipa::path(
    tag = "youth-organisations",
    operation_id = "get_youth_organisation_stats",
    security(("bearer" = [])),
    params(OrganisationStatsQuery),
    responses(
        (status = 200, body = OrganisationStatsView),
        (status = 403, body = ErrorEnvelope, description = "OUTSIDE_REGION"),
        (status = 422, body = ErrorEnvelope, description = "region: UNKNOWN_UNIT")
    )
)]
#[get("/admin/youth-organisations/stats")]
pub async fn get_youth_organisation_stats(
    state: web::Data<AppState>,
    cadre: Cadre,
    query: crate::input::Query<OrganisationStatsQuery>,
) -> ApiResult<web::Json<OrganisationStatsView>> {
    let (area, codes) = match region_units(&cadre, query.region.as_deref())? {
        Some(codes) => (query.region.clone().unwrap_or_default(), codes),
        None => (
            cadre.unit.code.clone(),
            cadre.tree().codes_within(&cadre.unit),
        ),
    };
    type Row = (OrgKind, OrgLevel, bool, Option<chrono::DateTime<Utc>>);
    let rows: Vec<Row> = orgs::Entity::find()
        .select_only()
        .column(O::Kind)
        .column(O::Level)
        .column(O::LeagueAffiliated)
        .column(O::VerifiedAt)
        .filter(O::UnitCode.is_in(codes))
        .filter(O::Status.eq(OrgStatus::Active))
        .into_tuple()
        .all(&state.db)
        .await?;
    let mut items = Vec::new();
    for kind in OrgKind::iter() {
        for level in OrgLevel::iter() {
            let here = rows.iter().filter(|r| r.0 == kind && r.1 == level);
            let verified = here.clone().filter(|r| r.3.is_some());
            items.push(OrganisationStatsRow {
                kind,
                kind_label: kind.label(),
                level,
                level_label: level.label(),
                active: here.count() as i64,
                verified: verified.clone().count() as i64,
                league_affiliated: verified.filter(|r| r.2).count() as i64,
            });
        }
    }
    Ok(web::Json(OrganisationStatsView {
        area: UnitRef {
            name: unit_name(&state.league, &area),
            code: area,
        },
        items,
    }))
}
