//! A WeChat user's own mentor profile: apply, change, read, withdraw.
use actix_web::{HttpResponse, delete, get, put, web};
use chrono::Utc;
use entity::mentor_profiles::{self as profiles, Column as P, MentorStatus};
use entity::mentorships::{self, MentorshipStatus};
use entity::users;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QuerySelect, Set,
};
use uuid::Uuid;

use super::dto::{MentorProfileRequest, MentorView, MyMentorProfileView};
use super::lifecycle;
use super::queries::{profile_of, unit_name};
use super::rules::MENTOR_CONSENT;
use super::state::{self, MentorProfileAction};
use crate::app_state::AppState;
use crate::auth::CurrentUser;
use crate::choices::Labelled;
use crate::choices::json_text;
use crate::error::{ApiError, ApiResult, ErrorEnvelope};
use crate::input::Json;
use crate::time::to_china;
use crate::workflow::timeline::{Audience, timeline};
use crate::workflow::transition::record_creation;
use crate::workflow::{Actor, Subject, Transition, events};

pub async fn my_view(state: &AppState, m: profiles::Model) -> ApiResult<MyMentorProfileView> {
    let timeline = timeline(
        &state.db,
        profiles::Model::EVENTS,
        m.id,
        Some(m.user_id),
        Audience::Person,
    )
    .await?;
    Ok(MyMentorProfileView {
        mentor: MentorView::new(&m, unit_name(&state.league, &m.service_unit_code))?,
        status: m.status,
        status_label: m.status.label(),
        review_reason: m.review_reason.clone(),
        active_mentees: m.active_mentees,
        consent_version: m.consent_version.clone(),
        version: m.version,
        updated_at: to_china(m.updated_at),
        timeline,
        next_step: state::profile_next_step(m.status),
    })
}

fn dedup<T: PartialEq + Copy>(items: &[T]) -> Vec<T> {
    let mut out: Vec<T> = Vec::with_capacity(items.len());
    for i in items {
        if !out.contains(i) {
            out.push(*i);
        }
    }
    out
}

/// The caller's mentor profile with its timeline and next step.
#[utoipa::path(
    tag = "mentoring",
    operation_id = "get_my_mentor_profile",
    security(("bearer" = [])),
    responses(
        (status = 200, body = MyMentorProfileView),
        (status = 404, body = ErrorEnvelope, description = "The caller has not applied")
    )
)]
#[get("/me/mentor-profile")]
pub async fn get_my_mentor_profile(
    state: web::Data<AppState>,
    user: CurrentUser,
) -> ApiResult<web::Json<MyMentorProfileView>> {
    let m = profile_of(&state.db, user.id())
        .await?
        .ok_or_else(|| ApiError::not_found("导师资料"))?;
    Ok(web::Json(my_view(&state, m).await?))
}

/// Apply to be a mentor (201, `pending`), or change the profile (200): a pending, rejected or
/// withdrawn profile goes (back) to `pending`; a certified one stays certified unless the
/// service unit changes, which needs a new certification. The contact is the WeChat-bound
/// phone (none: 409 `PHONE_REQUIRED`).
#[utoipa::path(
    tag = "mentoring",
    operation_id = "save_my_mentor_profile",
    security(("bearer" = [])),
    request_body = MentorProfileRequest,
    responses(
        (status = 201, body = MyMentorProfileView, description = "Applied"),
        (status = 200, body = MyMentorProfileView, description = "Changed"),
        (status = 403, body = ErrorEnvelope, description = "YOUTH_ONLY"),
        (status = 409, body = ErrorEnvelope, description = "PHONE_REQUIRED, PROFILE_CHANGED, INVALID_STATE (suspended)"),
        (status = 422, body = ErrorEnvelope, description = "Field codes: LENGTH, RANGE, REQUIRED, UNKNOWN_UNIT, CONSENT_REQUIRED, CONSENT_OUTDATED")
    )
)]
#[put("/me/mentor-profile")]
pub async fn save_my_mentor_profile(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: Json<MentorProfileRequest>,
) -> ApiResult<HttpResponse> {
    user.require_youth()?;
    let mut errors = MENTOR_CONSENT.check("consent", body.consent, &body.consent_version);
    if state.league.unit(&body.service_unit_code).is_none() {
        errors.push(crate::error::FieldError::new(
            "serviceUnitCode",
            "UNKNOWN_UNIT",
            "服务区域应为一个团组织（省、市、县级）",
        ));
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    if user.user.phone_enc.is_none() {
        return Err(ApiError::Conflict(
            "PHONE_REQUIRED",
            "请先绑定微信手机号，结对后青年将通过该号码联系您".into(),
        ));
    }
    let now = Utc::now();
    let actor = Actor::person(user.id(), entity::workflow_events::ActorKind::Mentor);
    let expertise = json_text(&dedup(&body.expertise));
    let industries = json_text(&dedup(&body.industries));
    let modes = json_text(&dedup(&body.service_modes));
    let organisation = body.organisation.clone().filter(|s| !s.is_empty());
    let title = body.title.clone().filter(|s| !s.is_empty());
    let existing = profile_of(&state.db, user.id()).await?;
    let txn = crate::db::begin(&state.db).await?;
    let Some(current) = existing else {
        let inserted = profiles::ActiveModel {
            id: Set(Uuid::now_v7()),
            user_id: Set(user.id()),
            real_name: Set(body.real_name.clone()),
            organisation: Set(organisation),
            title: Set(title),
            expertise: Set(expertise),
            industries: Set(industries),
            bio: Set(body.bio.clone()),
            service_unit_code: Set(body.service_unit_code.clone()),
            service_modes: Set(modes),
            capacity: Set(body.capacity),
            active_mentees: Set(0),
            accepting: Set(body.accepting),
            accepting_consultations: Set(body.accepting_consultations),
            status: Set(MentorStatus::Pending),
            consent_version: Set(body.consent_version.clone()),
            consent_at: Set(now),
            review_reason: Set(None),
            reviewed_by: Set(None),
            reviewed_at: Set(None),
            median_response_hours: Set(None),
            completed_mentorships: Set(0),
            rating_count: Set(0),
            rating_sum: Set(0),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(&txn)
        .await
        .map_err(|e| match ApiError::from(e) {
            // Two first saves at once: the other one won.
            ApiError::Conflict("DUPLICATE", _) => profile_changed(),
            other => other,
        })?;
        record_creation(
            &txn,
            &inserted,
            MentorProfileAction::Apply,
            &actor,
            events::payload(&*body),
            None,
        )
        .await?;
        txn.commit().await?;
        return Ok(HttpResponse::Created().json(my_view(&state, inserted).await?));
    };
    let Some(seen) = body.version else {
        return Err(ApiError::field(
            "version",
            "REQUIRED",
            "请提交所修改资料的版本号",
        ));
    };
    let action = match current.status {
        MentorStatus::Certified if current.service_unit_code != body.service_unit_code => {
            MentorProfileAction::Move
        }
        MentorStatus::Certified => MentorProfileAction::Edit,
        _ => MentorProfileAction::Save,
    };
    let mut t = Transition::new(&current, action, &actor)
        .seen(Some(seen))
        .set(P::RealName, Expr::value(body.real_name.clone()))
        .set(P::Organisation, Expr::value(organisation))
        .set(P::Title, Expr::value(title))
        .set(P::Expertise, Expr::value(expertise))
        .set(P::Industries, Expr::value(industries))
        .set(P::Bio, Expr::value(body.bio.clone()))
        .set(
            P::ServiceUnitCode,
            Expr::value(body.service_unit_code.clone()),
        )
        .set(P::ServiceModes, Expr::value(modes))
        .set(P::Capacity, Expr::value(body.capacity))
        .set(P::Accepting, Expr::value(body.accepting))
        .set(
            P::AcceptingConsultations,
            Expr::value(body.accepting_consultations),
        )
        .set(P::ConsentVersion, Expr::value(body.consent_version.clone()))
        .set(P::ConsentAt, Expr::value(now))
        .set(P::UpdatedAt, Expr::value(now))
        .payload(&*body);
    if action != MentorProfileAction::Edit {
        t = t.set(P::ReviewReason, Expr::value(Option::<String>::None));
    }
    let applied = t.run(&txn).await?;
    txn.commit().await?;
    Ok(HttpResponse::Ok().json(my_view(&state, applied.into_record()).await?))
}

fn profile_changed() -> ApiError {
    let (code, message) = profiles::Model::CHANGED;
    ApiError::Conflict(code, message.into())
}

/// Leave the mentor team: refused while any pairing of either kind is active (409
/// `HAS_ACTIVE_MENTEES`). Clears the mentor role, ends the mentor's organisation assignments
/// and cancels the requests waiting for them. Repeating it is a 200.
#[utoipa::path(
    tag = "mentoring",
    operation_id = "withdraw_my_mentor_profile",
    security(("bearer" = [])),
    responses(
        (status = 200, body = MyMentorProfileView),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "HAS_ACTIVE_MENTEES")
    )
)]
#[delete("/me/mentor-profile")]
pub async fn withdraw_my_mentor_profile(
    state: web::Data<AppState>,
    user: CurrentUser,
) -> ApiResult<HttpResponse> {
    let now = Utc::now();
    let actor = Actor::person(user.id(), entity::workflow_events::ActorKind::Mentor);
    let txn = crate::db::begin(&state.db).await?;
    let current = lock_mentor_of_user(&txn, user.id()).await?;
    let active: Option<Uuid> = mentorships::Entity::find()
        .select_only()
        .column(mentorships::Column::Id)
        .filter(mentorships::Column::MentorProfileId.eq(current.id))
        .filter(mentorships::Column::Status.eq(MentorshipStatus::Active))
        .into_tuple()
        .one(&txn)
        .await?;
    if active.is_some() && current.status != MentorStatus::Withdrawn {
        return Err(ApiError::Conflict(
            "HAS_ACTIVE_MENTEES",
            "您还有进行中的结对，请先结束或完成后再退出导师团".into(),
        ));
    }
    let applied = Transition::new(&current, MentorProfileAction::Withdraw, &actor)
        .set(P::UpdatedAt, Expr::value(now))
        .run(&txn)
        .await?;
    let mut sent = Vec::new();
    if applied.is_done() {
        users::Entity::update_many()
            .col_expr(users::Column::IsMentor, Expr::value(false))
            .col_expr(users::Column::UpdatedAt, Expr::value(now))
            .filter(users::Column::Id.eq(user.id()))
            .exec(&txn)
            .await?;
        lifecycle::end_mentor_assignments(&txn, current.id, now).await?;
        sent = lifecycle::cancel_requests_to_mentor(&txn, &state, current.id, now).await?;
    }
    txn.commit().await?;
    crate::notifications::deliver(&state, sent);
    Ok(HttpResponse::Ok().json(my_view(&state, applied.into_record()).await?))
}

/// The caller's mentor profile, its row locked for this transaction (lock order: the mentor row
/// first, conventions §6).
async fn lock_mentor_of_user(
    txn: &DatabaseTransaction,
    user_id: Uuid,
) -> ApiResult<profiles::Model> {
    let found = profile_of(txn, user_id)
        .await?
        .ok_or_else(|| ApiError::not_found("导师资料"))?;
    lifecycle::lock_mentor(txn, found.id).await
}
