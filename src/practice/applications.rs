//! Students apply (`Idempotency-Key`, a consent naming the host, at most
//! `JIQING_PRACTICE_MAX_OPEN_APPLICATIONS` open per campaign), read their applications, and
//! answer offers: confirm (one placement per campaign), decline, or withdraw before the start.
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use entity::notifications::NotificationKind;
use entity::practice_applications::{self, ApplicationStatus, Column as A};
use entity::practice_campaigns;
use entity::practice_positions::{self, PositionStatus};
use entity::sharing_consents::{ConsentPurpose, ConsentSubject, RecipientKind};
use entity::workflow_events::ActorKind;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    Set, SqlErr,
};
use uuid::Uuid;

use super::dto::{
    ApplicationRequest, ApplicationWithdrawalRequest, ConfirmationRequest, MyApplicationItem,
    MyApplicationView,
};
use super::endings::{end_sharing, practice_started, release_held};
pub use super::host_notices::{notify_host, supervisors_of};
use super::positions::{StudentArea, student_profile_required};
use super::rules::{APPLY_MIN_AGE, HOST_SHARING_CONSENT, INSURANCE_CONSENT};
use super::seats;
use super::state::PracticeApplicationAction;
use super::views::{my_items, my_view};
use crate::app_state::AppState;
use crate::auth::CurrentUser;
use crate::consents::{self, NewConsent, Recipient, Subject as ConsentOf};
use crate::error::{ApiError, ApiResult, ErrorEnvelope, FieldError};
use crate::idempotency::{self, IdempotencyKey, IdempotentEntity};
use crate::input::Json;
use crate::notifications::deliver;
use crate::pagination::{Page, PageQuery, page_rows};
use crate::talents::rules::age_on;
use crate::time::today_in_china;
use crate::workflow::transition::{record_creation, reload};
use crate::workflow::{Actor, Applied, Subject, Transition, events};

impl IdempotentEntity for practice_applications::Entity {
    fn creator_column() -> A {
        A::StudentUserId
    }
    fn key_column() -> A {
        A::IdempotencyKey
    }
    fn stored_hash(model: &practice_applications::Model) -> Option<&str> {
        model.request_hash.as_deref()
    }
}

pub fn application_closed(message: &str) -> ApiError {
    ApiError::Conflict("APPLICATION_CLOSED", message.into())
}

fn already_applied() -> ApiError {
    ApiError::Conflict("ALREADY_APPLIED", "您已报名该岗位，请勿重复报名".into())
}

/// A unique violation of one student and one position (PostgreSQL names the index; SQLite
/// names its two columns, which no other unique index of the table has).
fn is_duplicate_application(e: &DbErr) -> bool {
    matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(m))
        if m.contains("uq_practice_applications_position_student")
            || m.contains("practice_applications.position_id, practice_applications.student_user_id"))
}

/// The rules of applying that need no write, in the spec's order; the first refusal answers.
fn check_apply(
    state: &AppState,
    user: &CurrentUser,
    profile: &entity::student_profiles::Model,
    position: &practice_positions::Model,
    campaign: &practice_campaigns::Model,
    body: &ApplicationRequest,
    now: DateTime<Utc>,
) -> ApiResult<()> {
    if !super::campaigns::accepting(campaign, now) {
        return Err(application_closed("该实践活动当前不在报名时间内"));
    }
    if position.status != PositionStatus::Published {
        return Err(application_closed("该岗位已停止招募"));
    }
    if position.taken >= position.slots {
        return Err(seats::position_full());
    }
    let admitted = StudentArea::of(&state.league, &profile.home_region_code).is_some_and(|area| {
        area.admits(&state.league, &position.region_code, position.open_to_city)
    });
    if !admitted {
        return Err(ApiError::Forbidden(
            "OUTSIDE_HOME_REGION",
            "该岗位仅面向当地生源的学生，请选择生源地所在县（市、区）的岗位".into(),
        ));
    }
    if age_on(profile.date_of_birth, today_in_china(now)) < APPLY_MIN_AGE {
        return Err(ApiError::Forbidden(
            "AGE_NOT_ELIGIBLE",
            "年满18周岁后方可报名实践岗位".into(),
        ));
    }
    if user.user.phone_enc.is_none() {
        return Err(ApiError::Conflict(
            "PHONE_REQUIRED",
            "请先绑定微信手机号，便于接收单位与您联系".into(),
        ));
    }
    let mut errors = HOST_SHARING_CONSENT.check(
        "hostSharingConsent",
        body.host_sharing_consent,
        &body.consent_version,
    );
    for (field, day) in [
        ("availableFrom", body.available_from),
        ("availableTo", body.available_to),
    ] {
        if day.is_some_and(|d| d < position.starts_on || d > position.ends_on) {
            errors.push(FieldError::new(
                field,
                "RANGE",
                format!(
                    "可实践日期须在岗位实践期（{}至{}）内",
                    position.starts_on, position.ends_on
                ),
            ));
        }
    }
    if let (Some(from), Some(to)) = (body.available_from, body.available_to)
        && to < from
    {
        errors.push(FieldError::new(
            "availableTo",
            "RANGE",
            "结束日期不能早于开始日期",
        ));
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    Ok(())
}

/// Apply to a published position of an open campaign, in the student's home county (or a
/// city-wide one of their top-level unit), with a motivation and the consent to give the
/// application to the host unit named in it. Send an `Idempotency-Key`: a repeat with the same
/// key and body answers 200 with the first application.
#[utoipa::path(
    tag = "practice",
    operation_id = "create_practice_application",
    security(("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "The position"),
        ("Idempotency-Key" = Option<String>, Header, description = "1–64 printable ASCII characters; a repeat with the same body returns the first result")
    ),
    request_body = ApplicationRequest,
    responses(
        (status = 201, body = MyApplicationView),
        (status = 200, body = MyApplicationView, description = "a repeat of an earlier request with the same Idempotency-Key and body"),
        (status = 403, body = ErrorEnvelope, description = "YOUTH_ONLY, OUTSIDE_HOME_REGION, AGE_NOT_ELIGIBLE"),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "STUDENT_PROFILE_REQUIRED, APPLICATION_CLOSED, POSITION_FULL, PHONE_REQUIRED, ALREADY_APPLIED, TOO_MANY_APPLICATIONS, ALREADY_PLACED"),
        (status = 422, body = ErrorEnvelope, description = "IDEMPOTENCY_KEY_REUSED; field codes CONSENT_REQUIRED, CONSENT_OUTDATED, RANGE, LENGTH")
    )
)]
#[post("/practice/positions/{id}/applications")]
pub async fn create_practice_application(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<ApplicationRequest>,
) -> ApiResult<HttpResponse> {
    user.require_youth()?;
    let key = IdempotencyKey::from_request(&req, &*body)?;
    if let Some(first) = idempotency::first_result::<practice_applications::Entity>(
        &state.db,
        user.id(),
        key.as_ref(),
    )
    .await?
    {
        return Ok(HttpResponse::Ok().json(my_view(&state.db, first).await?));
    }
    let now = crate::test_hooks::now(&req);
    let profile = super::students::profile_of(&state.db, user.id())
        .await?
        .ok_or_else(student_profile_required)?;
    let position = reload::<practice_positions::Model>(&state.db, *id).await?;
    if position.status == PositionStatus::Draft {
        return Err(ApiError::not_found(practice_positions::Model::NAME));
    }
    let campaign = reload::<practice_campaigns::Model>(&state.db, position.campaign_id).await?;
    check_apply(&state, &user, &profile, &position, &campaign, &body, now)?;
    let exists = practice_applications::Entity::find()
        .filter(A::PositionId.eq(position.id))
        .filter(A::StudentUserId.eq(user.id()))
        .one(&state.db)
        .await?
        .is_some();
    if exists {
        return Err(already_applied());
    }
    let host_name = super::positions::host_names(&state.db, [position.host_unit_id])
        .await?
        .remove(&position.host_unit_id)
        .unwrap_or_default();
    let max = state.settings.practice.max_open_applications;
    let (idempotency_key, request_hash) = idempotency::stored(key.as_ref());
    let actor = Actor::person(user.id(), ActorKind::Student);
    let b = &*body;
    let created = idempotency::create_once::<practice_applications::Entity, _>(
        &state.db,
        user.id(),
        key.as_ref(),
        async |txn| {
            seats::open_application(txn, user.id(), campaign.id, max).await?;
            let app = practice_applications::ActiveModel {
                id: Set(Uuid::now_v7()),
                position_id: Set(position.id),
                campaign_id: Set(campaign.id),
                host_unit_id: Set(position.host_unit_id),
                student_user_id: Set(user.id()),
                region_code: Set(position.region_code.clone()),
                home_region_code: Set(profile.home_region_code.clone()),
                motivation: Set(Some(b.motivation.trim().to_owned())),
                available_from: Set(b.available_from),
                available_to: Set(b.available_to),
                status: Set(ApplicationStatus::Submitted),
                idempotency_key: Set(idempotency_key.clone()),
                request_hash: Set(request_hash),
                version: Set(1),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(txn)
            .await
            .map_err(|e| {
                if is_duplicate_application(&e) {
                    already_applied()
                } else {
                    e.into()
                }
            })?;
            consents::grant(
                txn,
                NewConsent {
                    user_id: user.id(),
                    purpose: ConsentPurpose::PracticeHostSharing,
                    recipient: Recipient {
                        kind: RecipientKind::HostUnit,
                        id: Some(position.host_unit_id),
                        name: &host_name,
                    },
                    subject: ConsentOf {
                        kind: ConsentSubject::PracticeApplication,
                        id: app.id,
                    },
                    consent_version: HOST_SHARING_CONSENT.version,
                },
                now,
            )
            .await?;
            record_creation(
                txn,
                &app,
                PracticeApplicationAction::Apply,
                &actor,
                events::payload(b),
                idempotency_key,
            )
            .await?;
            Ok(app)
        },
    )
    .await?;
    let is_new = created.is_new();
    if is_new {
        super::digest::on_application(&state, &position, now).await;
    }
    let view = my_view(&state.db, created.into_inner()).await?;
    Ok(if is_new {
        HttpResponse::Created().json(view)
    } else {
        HttpResponse::Ok().json(view)
    })
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct MyApplicationFilter {
    pub campaign_id: Option<Uuid>,
    pub status: Option<ApplicationStatus>,
}

/// The caller's applications, newest first, each with its next step.
#[utoipa::path(
    tag = "practice",
    operation_id = "list_my_practice_applications",
    security(("bearer" = [])),
    params(PageQuery, MyApplicationFilter),
    responses(
        (status = 200, body = Page<MyApplicationItem>),
        (status = 422, body = ErrorEnvelope, description = "A bad page or filter")
    )
)]
#[get("/me/practice/applications")]
pub async fn list_my_practice_applications(
    state: web::Data<AppState>,
    user: CurrentUser,
    page: crate::input::Query<PageQuery>,
    filter: crate::input::Query<MyApplicationFilter>,
) -> ApiResult<web::Json<Page<MyApplicationItem>>> {
    let parts = page.parts()?;
    let mut q = practice_applications::Entity::find().filter(A::StudentUserId.eq(user.id()));
    if let Some(c) = filter.campaign_id {
        q = q.filter(A::CampaignId.eq(c));
    }
    if let Some(s) = filter.status {
        q = q.filter(A::Status.eq(s));
    }
    let q = q.order_by_desc(A::CreatedAt).order_by_desc(A::Id);
    let (rows, total) = page_rows(q, &state.db, parts).await?;
    Ok(web::Json(Page::new(
        my_items(&state.db, rows).await?,
        total,
        parts,
    )))
}

/// The caller's application by id (404 for anyone else's).
pub async fn own_application(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    id: Uuid,
) -> ApiResult<practice_applications::Model> {
    reload::<practice_applications::Model>(db, id)
        .await
        .ok()
        .filter(|a| a.student_user_id == user.id())
        .ok_or_else(|| ApiError::not_found(practice_applications::Model::NAME))
}

/// One of the caller's applications with its timeline (the host and the league unit named,
/// never a person) and next step (`offerExpiresAt` is the deadline of an offer).
#[utoipa::path(
    tag = "practice",
    operation_id = "get_my_practice_application",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = MyApplicationView),
        (status = 404, body = ErrorEnvelope)
    )
)]
#[get("/me/practice/applications/{id}")]
pub async fn get_my_practice_application(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<MyApplicationView>> {
    let a = own_application(&state.db, &user, *id).await?;
    Ok(web::Json(my_view(&state.db, a).await?))
}

fn offer_expired() -> ApiError {
    ApiError::Conflict("OFFER_EXPIRED", "录用确认已超过截止时间，录用已失效".into())
}

/// Confirm an offer before `offerExpiresAt` (else 409 `OFFER_EXPIRED`): the placement. Needs
/// the emergency contact in the profile (409 `EMERGENCY_CONTACT_REQUIRED`) and, where the host
/// insures the student, the ID number (409 `ID_NUMBER_REQUIRED`) and the separate insurance
/// consent naming the host. One placement per campaign: a second confirmation, also a
/// concurrent one, is 409 `ALREADY_PLACED`.
#[utoipa::path(
    tag = "practice",
    operation_id = "confirm_practice_offer",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = ConfirmationRequest,
    responses(
        (status = 200, body = MyApplicationView),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "ALREADY_PLACED, OFFER_EXPIRED, EMERGENCY_CONTACT_REQUIRED, ID_NUMBER_REQUIRED, STUDENT_PROFILE_REQUIRED, INVALID_STATE"),
        (status = 422, body = ErrorEnvelope, description = "Field codes CONSENT_REQUIRED, CONSENT_OUTDATED (insuranceConsent)")
    )
)]
#[post("/me/practice/applications/{id}/confirmations")]
pub async fn confirm_practice_offer(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<ConfirmationRequest>,
) -> ApiResult<web::Json<MyApplicationView>> {
    let now = Utc::now();
    let actor = Actor::person(user.id(), ActorKind::Student);
    let txn = crate::db::begin(&state.db).await?;
    let current = own_application(&txn, &user, *id).await?;
    let position = reload::<practice_positions::Model>(&txn, current.position_id).await?;
    let mut insurance_host = None;
    if current.status == ApplicationStatus::Offered {
        let profile = super::students::profile_of(&txn, user.id())
            .await?
            .ok_or_else(student_profile_required)?;
        if profile.emergency_contact_name.is_none() || profile.emergency_contact_phone_enc.is_none()
        {
            return Err(ApiError::Conflict(
                "EMERGENCY_CONTACT_REQUIRED",
                "请先在实践档案中填写紧急联系人".into(),
            ));
        }
        if position.insurance_by_host {
            if profile.id_number_enc.is_none() {
                return Err(ApiError::Conflict(
                    "ID_NUMBER_REQUIRED",
                    "该岗位由接收单位办理意外伤害保险，请先在实践档案中填写身份证号".into(),
                ));
            }
            let errors = INSURANCE_CONSENT.check(
                "insuranceConsent",
                body.insurance_consent,
                body.consent_version.as_deref().unwrap_or_default(),
            );
            if !errors.is_empty() {
                return Err(ApiError::Validation(errors));
            }
            insurance_host = Some(position.host_unit_id);
        }
        // Lock order: the student's campaign row, then the application.
        seats::place(&txn, user.id(), current.campaign_id, current.id).await?;
    }
    let applied = Transition::new(&current, PracticeApplicationAction::Confirm, &actor)
        .only_if(A::OfferExpiresAt.gt(now))
        .set(A::ConfirmedAt, Expr::value(now))
        .set(A::UpdatedAt, Expr::value(now))
        .payload(&*body)
        .or_else(|a: &practice_applications::Model| {
            (a.status == ApplicationStatus::Offered
                && a.offer_expires_at.is_some_and(|at| at <= now))
            .then(offer_expired)
        })
        .run(&txn)
        .await
        // The one-placement index backs the guard row up: its violation is the same answer.
        .map_err(|e| match e {
            ApiError::Conflict("DUPLICATE", _) => seats::already_placed(),
            e => e,
        })?;
    let mut sent = Vec::new();
    if applied.is_done() {
        if let Some(host) = insurance_host {
            let host_name = super::positions::host_names(&txn, [host])
                .await?
                .remove(&host)
                .unwrap_or_default();
            consents::grant(
                &txn,
                NewConsent {
                    user_id: user.id(),
                    purpose: ConsentPurpose::PracticeInsurance,
                    recipient: Recipient {
                        kind: RecipientKind::HostUnit,
                        id: Some(host),
                        name: &host_name,
                    },
                    subject: ConsentOf {
                        kind: ConsentSubject::PracticePlacement,
                        id: current.id,
                    },
                    consent_version: INSURANCE_CONSENT.version,
                },
                now,
            )
            .await?;
        }
        sent = notify_host(
            &txn,
            position.host_unit_id,
            NotificationKind::PracticeConfirmed,
            "学生已确认参加实践",
            &format!(
                "岗位“{}”的录用学生已确认参加，请于{}做好接收安排。",
                position.title, position.starts_on
            ),
        )
        .await?;
    }
    txn.commit().await?;
    deliver(&state, sent);
    Ok(web::Json(my_view(&state.db, applied.into_record()).await?))
}

/// Decline an offer: the seat goes back to the position (it is not offered on by itself).
#[utoipa::path(
    tag = "practice",
    operation_id = "decline_practice_offer",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = ApplicationWithdrawalRequest,
    responses(
        (status = 200, body = MyApplicationView),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "INVALID_STATE"),
        (status = 422, body = ErrorEnvelope, description = "reason: LENGTH")
    )
)]
#[post("/me/practice/applications/{id}/offer-declines")]
pub async fn decline_practice_offer(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<ApplicationWithdrawalRequest>,
) -> ApiResult<web::Json<MyApplicationView>> {
    end_by_student(
        &state,
        &user,
        *id,
        PracticeApplicationAction::DeclineOffer,
        &body,
    )
    .await
}

/// Withdraw an application, an offer or a confirmed placement before the practice starts
/// (China date; else 409 `PRACTICE_STARTED`): a seat held goes back to the position.
#[utoipa::path(
    tag = "practice",
    operation_id = "withdraw_practice_application",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = ApplicationWithdrawalRequest,
    responses(
        (status = 200, body = MyApplicationView),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "PRACTICE_STARTED, INVALID_STATE"),
        (status = 422, body = ErrorEnvelope, description = "reason: LENGTH")
    )
)]
#[post("/me/practice/applications/{id}/withdrawals")]
pub async fn withdraw_practice_application(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<ApplicationWithdrawalRequest>,
) -> ApiResult<web::Json<MyApplicationView>> {
    end_by_student(
        &state,
        &user,
        *id,
        PracticeApplicationAction::Withdraw,
        &body,
    )
    .await
}

async fn end_by_student(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    action: PracticeApplicationAction,
    body: &ApplicationWithdrawalRequest,
) -> ApiResult<web::Json<MyApplicationView>> {
    let now = Utc::now();
    let actor = Actor::person(user.id(), ActorKind::Student);
    let txn = crate::db::begin(&state.db).await?;
    let current = own_application(&txn, user, id).await?;
    let position = reload::<practice_positions::Model>(&txn, current.position_id).await?;
    let open = !super::state::is_final(current.status);
    if action == PracticeApplicationAction::Withdraw
        && open
        && today_in_china(now) >= position.starts_on
    {
        return Err(practice_started());
    }
    let reason = body
        .reason
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty());
    if super::state::next_application(current.status, action, ActorKind::Student).is_ok() {
        release_held(&txn, &current).await?;
    }
    let applied = Transition::new(&current, action, &actor)
        .set(A::EndedAt, Expr::value(now))
        .set(A::UpdatedAt, Expr::value(now))
        .reason(reason)
        .payload(body)
        .run(&txn)
        .await?;
    match applied {
        Applied::Done { ref record, .. } => {
            end_sharing(&txn, record.id, now).await?;
            txn.commit().await?;
        }
        // Nothing moved: neither may the counters.
        Applied::Repeated(_) => txn.rollback().await?,
    }
    Ok(web::Json(my_view(&state.db, applied.into_record()).await?))
}
