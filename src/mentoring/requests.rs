//! Youth ask for a mentor (a named one, or 「请团组织为我推荐导师」), read their requests, cancel
//! them and answer a mentor the league proposed. Mentors read their inbox here too.
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{DateTime, Duration, Utc};
use entity::mentee_counters;
use entity::mentor_profiles::{self as profiles, MentorStatus};
use entity::mentorship_requests::{self as requests, Column as R, RequestKind, RequestStatus};
use entity::mentorships::{self, MentorshipStatus};
use entity::notifications::{self, NotificationKind};
use entity::talent_profiles;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    QueryOrder, Set,
};
use uuid::Uuid;

use super::dto::{
    ConfirmProposalRequest, CreateMentorshipRequest, MentorshipRequestDetailView,
    MentorshipRequestView, MyRequestFilter, PartyRole, RejectProposalRequest,
};
use super::lifecycle::{
    MENTORING_PAGE, lock_counter, lock_mentor, release_open_request, request_subject,
    take_open_request,
};
use super::mentors::verified_home;
use super::queries::{profile_of, unit_covers_place};
use super::refusals;
use super::rules::{CONTACT_CONSENT, MIN_MENTEE_AGE};
use super::state::{self, MentorshipRequestAction as A};
use super::views::{Parties, Viewer, request_keys, request_views};
use crate::app_state::AppState;
use crate::auth::CurrentUser;
use crate::choices::Labelled;
use crate::config::MentoringSettings;
use crate::consents::{self, ConsentPurpose, NewConsent, Recipient, RecipientKind};
use crate::error::{ApiError, ApiResult, ErrorEnvelope};
use crate::idempotency::{self, IdempotencyKey, IdempotentEntity};
use crate::input::Json;
use crate::notifications::{deliver, notify};
use crate::pagination::{Page, PageQuery, page_rows};
use crate::talents::{home_region_of, profile_required};
use crate::time::{to_china, today_in_china};
use crate::workflow::timeline::{Audience, timeline};
use crate::workflow::transition::record_creation;
use crate::workflow::{Actor, Subject, Transition, events};

impl IdempotentEntity for requests::Entity {
    fn creator_column() -> R {
        R::MenteeUserId
    }
    fn key_column() -> R {
        R::IdempotencyKey
    }
    fn stored_hash(model: &requests::Model) -> Option<&str> {
        model.request_hash.as_deref()
    }
}

/// Whether a mentor takes new requests of this kind now.
pub fn accepts(m: &profiles::Model, kind: RequestKind) -> bool {
    m.status == MentorStatus::Certified
        && match kind {
            RequestKind::LongTerm => m.accepting,
            RequestKind::Consultation => m.accepting_consultations,
        }
}

/// The moment a request now entering `proposed` or `pending` expires.
pub fn expiry_from(state: &AppState, now: DateTime<Utc>) -> DateTime<Utc> {
    now + Duration::hours(i64::from(state.settings.mentoring.request_ttl_hours))
}

/// One more open request for the mentee (long-term ones also need a free long-term slot): 409
/// `TOO_MANY_PENDING_REQUESTS` or `MENTEE_LIMIT_REACHED` when the counter does not move.
pub async fn open_place(
    txn: &DatabaseTransaction,
    mentee: Uuid,
    kind: RequestKind,
    settings: &MentoringSettings,
) -> ApiResult<()> {
    let long_term_max = (kind == RequestKind::LongTerm).then_some(settings.max_long_term);
    if take_open_request(txn, mentee, settings.max_open_requests, long_term_max).await? {
        return Ok(());
    }
    let c = mentee_counters::Entity::find_by_id(mentee).one(txn).await?;
    let full = c.is_some_and(|c| c.open_requests >= settings.max_open_requests as i32);
    Err(if full {
        refusals::too_many_open(settings.max_open_requests)
    } else {
        refusals::mentee_limit(settings.max_long_term)
    })
}

/// No mentor ever gets a minor's phone: 18 in full years on the China date (conventions §10).
async fn ensure_adult(db: &impl ConnectionTrait, user: Uuid, now: DateTime<Utc>) -> ApiResult<()> {
    let dob: Option<chrono::NaiveDate> = talent_profiles::Entity::find()
        .filter(talent_profiles::Column::UserId.eq(user))
        .one(db)
        .await?
        .map(|t| t.date_of_birth);
    match dob {
        Some(d) if crate::talents::rules::age_on(d, today_in_china(now)) >= MIN_MENTEE_AGE => {
            Ok(())
        }
        Some(_) => Err(refusals::age_not_eligible()),
        // Deleted since the home was read: nobody to ask for.
        None => Err(profile_required()),
    }
}

/// Give the named mentor the mentee's contact once they accept (PIPL Art. 23), for this request.
pub async fn grant_contact(
    txn: &DatabaseTransaction,
    mentee: Uuid,
    mentor: &profiles::Model,
    request_id: Uuid,
    now: DateTime<Utc>,
) -> ApiResult<()> {
    consents::grant(
        txn,
        NewConsent {
            user_id: mentee,
            purpose: ConsentPurpose::MentoringContact,
            recipient: Recipient {
                kind: RecipientKind::Mentor,
                id: Some(mentor.id),
                name: &mentor.real_name,
            },
            subject: request_subject(request_id),
            consent_version: CONTACT_CONSENT.version,
        },
        now,
    )
    .await?;
    Ok(())
}

/// Tell a mentor a request waits for them.
pub async fn notify_requested(
    txn: &DatabaseTransaction,
    mentor: &profiles::Model,
    request: &requests::Model,
) -> ApiResult<notifications::Model> {
    let due = request
        .expires_at
        .map(|at| format!("，请在{}前回复", to_china(at).format("%m月%d日 %H:%M")))
        .unwrap_or_default();
    notify(
        txn,
        mentor.user_id,
        NotificationKind::MentorshipRequested,
        "新的导师申请",
        &format!("有青年向您申请{}{due}。", request.kind.label()),
        Some(MENTORING_PAGE),
    )
    .await
}

/// A request with its timeline and the next step, for `viewer` (`reader`: their user id).
pub async fn request_detail(
    state: &AppState,
    r: requests::Model,
    viewer: Viewer,
    reader: Uuid,
) -> ApiResult<MentorshipRequestDetailView> {
    let now = Utc::now();
    let parties = Parties::load(
        &state.db,
        &state.cipher,
        &request_keys(std::slice::from_ref(&r)),
    )
    .await?;
    let request = parties.request(&r, viewer, &state.cipher, now)?;
    let (audience, owner) = match viewer {
        Viewer::Cadre => (Audience::Staff, r.mentee_user_id),
        _ => (Audience::Person, Some(reader)),
    };
    let timeline = timeline(&state.db, requests::Model::EVENTS, r.id, owner, audience).await?;
    let local = state
        .league
        .owner(&r.mentee_region_code)
        .map(|u| u.short_name.clone())
        .unwrap_or_else(|| "团组织".into());
    let next_step = match viewer {
        Viewer::Mentee => state::request_next_step_for_mentee(r.status, r.expires_at, &local),
        Viewer::Mentor => state::request_next_step_for_mentor(r.status, r.expires_at),
        Viewer::Cadre => None,
    };
    Ok(MentorshipRequestDetailView {
        request,
        timeline,
        next_step,
    })
}

/// Ask a mentor for long-term pairing (导师帮带) or a consultation (项目巡诊/市场对接); without
/// `mentorId` the request waits for the league to propose one. With a mentor, the consent to
/// give that mentor the youth's contact once they accept is required. Limits: open requests
/// (`TOO_MANY_PENDING_REQUESTS`), active long-term pairings (`MENTEE_LIMIT_REACHED`), one open
/// request per mentor (`ALREADY_REQUESTED`). Send an `Idempotency-Key`: a repeat with the same
/// body returns the first request (200).
#[utoipa::path(
    tag = "mentoring",
    operation_id = "create_mentorship_request",
    security(("bearer" = [])),
    request_body = CreateMentorshipRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "1–64 printable ASCII characters; a repeat with the same body returns the first result")),
    responses(
        (status = 201, body = MentorshipRequestDetailView),
        (status = 200, body = MentorshipRequestDetailView, description = "a repeat of an earlier request with the same Idempotency-Key and body"),
        (status = 403, body = ErrorEnvelope, description = "YOUTH_ONLY, VERIFICATION_REQUIRED, AGE_NOT_ELIGIBLE, OUTSIDE_MENTOR_REGION"),
        (status = 404, body = ErrorEnvelope, description = "No such certified mentor"),
        (status = 409, body = ErrorEnvelope, description = "TALENT_PROFILE_REQUIRED, MENTOR_NOT_ACCEPTING, ALREADY_REQUESTED, ALREADY_PAIRED, TOO_MANY_PENDING_REQUESTS, MENTEE_LIMIT_REACHED"),
        (status = 422, body = ErrorEnvelope, description = "SELF_MENTORING, IDEMPOTENCY_KEY_REUSED; field codes LENGTH, CONSENT_REQUIRED (shareContact), CONSENT_OUTDATED")
    )
)]
#[post("/mentorship-requests")]
pub async fn create_mentorship_request(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: CurrentUser,
    body: Json<CreateMentorshipRequest>,
) -> ApiResult<HttpResponse> {
    user.require_youth()?;
    let key = IdempotencyKey::from_request(&req, &*body)?;
    if let Some(first) =
        idempotency::first_result::<requests::Entity>(&state.db, user.id(), key.as_ref()).await?
    {
        return Ok(HttpResponse::Ok()
            .json(request_detail(&state, first, Viewer::Mentee, user.id()).await?));
    }
    let home = verified_home(&state.db, &user).await?;
    let now = Utc::now();
    ensure_adult(&state.db, user.id(), now).await?;
    let mentor = match body.mentor_id {
        None => None,
        Some(id) => {
            let errors =
                CONTACT_CONSENT.check("shareContact", body.share_contact, &body.consent_version);
            if !errors.is_empty() {
                return Err(ApiError::Validation(errors));
            }
            let m = profiles::Entity::find_by_id(id)
                .one(&state.db)
                .await?
                .ok_or_else(|| ApiError::not_found("导师"))?;
            if m.user_id == user.id() {
                return Err(refusals::self_mentoring());
            }
            if !matches!(m.status, MentorStatus::Certified | MentorStatus::Suspended) {
                return Err(ApiError::not_found("导师"));
            }
            if !unit_covers_place(&state.league, &m.service_unit_code, &home.region_code) {
                return Err(refusals::outside_mentor_region());
            }
            if !accepts(&m, body.kind) {
                return Err(refusals::not_accepting());
            }
            let paired = mentorships::Entity::find()
                .filter(mentorships::Column::MentorProfileId.eq(m.id))
                .filter(mentorships::Column::MenteeUserId.eq(user.id()))
                .filter(mentorships::Column::Status.eq(MentorshipStatus::Active))
                .one(&state.db)
                .await?;
            if paired.is_some() {
                return Err(refusals::already_paired());
            }
            Some(m)
        }
    };
    let settings = state.settings.mentoring.clone();
    let actor = Actor::youth(user.id());
    let (idempotency_key, request_hash) = idempotency::stored(key.as_ref());
    let mut sent = Vec::new();
    let created = idempotency::create_once::<requests::Entity, _>(
        &state.db,
        user.id(),
        key.as_ref(),
        async |txn| {
            // Lock order: the mentor row, the mentee's counter, the request (conventions §6).
            if let Some(m) = &mentor {
                let now_m = lock_mentor(txn, m.id).await?;
                if !accepts(&now_m, body.kind) {
                    return Err(refusals::not_accepting());
                }
            }
            open_place(txn, user.id(), body.kind, &settings).await?;
            // The counter row is held now: a deletion of the talent profile that got it first
            // has committed, and then there is no one left to ask for (conventions §10).
            if home_region_of(txn, user.id()).await?.is_none() {
                return Err(profile_required());
            }
            let pending = mentor.is_some();
            let row = requests::ActiveModel {
                id: Set(Uuid::now_v7()),
                mentee_user_id: Set(Some(user.id())),
                mentor_profile_id: Set(mentor.as_ref().map(|m| m.id)),
                origin_request_id: Set(None),
                kind: Set(body.kind),
                topic: Set(body.topic),
                description: Set(Some(body.description.trim().to_owned())),
                preferred_mode: Set(body.preferred_mode),
                mentee_region_code: Set(home.region_code.clone()),
                status: Set(if pending {
                    RequestStatus::Pending
                } else {
                    RequestStatus::AwaitingAssignment
                }),
                expires_at: Set(pending.then(|| expiry_from(&state, now))),
                pending_at: Set(pending.then_some(now)),
                assigned_by: Set(None),
                assigned_at: Set(None),
                responded_at: Set(None),
                response_reason_code: Set(None),
                response_note: Set(None),
                closed_at: Set(None),
                idempotency_key: Set(idempotency_key.clone()),
                request_hash: Set(request_hash.clone()),
                version: Set(1),
                created_at: Set(now),
                updated_at: Set(now),
                anonymised_at: Set(None),
            }
            .insert(txn)
            .await
            .map_err(refusals::request_insert)?;
            record_creation(
                txn,
                &row,
                A::Create,
                &actor,
                events::payload(&*body),
                idempotency_key.clone(),
            )
            .await?;
            if let Some(m) = &mentor {
                grant_contact(txn, user.id(), m, row.id, now).await?;
                sent.push(notify_requested(txn, m, &row).await?);
            }
            Ok(row)
        },
    )
    .await?;
    let is_new = created.is_new();
    let row = created.into_inner();
    if is_new {
        deliver(&state, sent);
    }
    let detail = request_detail(&state, row, Viewer::Mentee, user.id()).await?;
    Ok(if is_new {
        HttpResponse::Created().json(detail)
    } else {
        HttpResponse::Ok().json(detail)
    })
}

/// The caller's requests (`role=mentee`, the default), or their mentor inbox (`role=mentor`:
/// the requests that reached them, with `expiresAt`), newest first.
#[utoipa::path(
    tag = "mentoring",
    operation_id = "list_my_mentorship_requests",
    security(("bearer" = [])),
    params(MyRequestFilter, PageQuery),
    responses(
        (status = 200, body = Page<MentorshipRequestView>),
        (status = 422, body = ErrorEnvelope)
    )
)]
#[get("/me/mentorship-requests")]
pub async fn list_my_mentorship_requests(
    state: web::Data<AppState>,
    user: CurrentUser,
    filter: crate::input::Query<MyRequestFilter>,
    page: crate::input::Query<PageQuery>,
) -> ApiResult<web::Json<Page<MentorshipRequestView>>> {
    let parts = page.parts()?;
    let role = filter.role.unwrap_or(PartyRole::Mentee);
    let mut q = requests::Entity::find();
    let viewer = match role {
        PartyRole::Mentee => {
            q = q.filter(R::MenteeUserId.eq(user.id()));
            Viewer::Mentee
        }
        PartyRole::Mentor => {
            let Some(me) = profile_of(&state.db, user.id()).await? else {
                return Ok(web::Json(Page::new(Vec::new(), 0, parts)));
            };
            q = q
                .filter(R::MentorProfileId.eq(me.id))
                .filter(R::PendingAt.is_not_null());
            Viewer::Mentor
        }
    };
    if let Some(s) = filter.status {
        q = q.filter(R::Status.eq(s));
    }
    let q = q.order_by_desc(R::CreatedAt).order_by_desc(R::Id);
    let (rows, total) = page_rows(q, &state.db, parts).await?;
    let items = request_views(&state.db, &state.cipher, &rows, viewer).await?;
    Ok(web::Json(Page::new(items, total, parts)))
}

/// A request the caller may read, and as whom: their own (mentee), or one that reached their
/// mentor profile (a proposal the mentee has not confirmed has not). Anything else is 404.
pub async fn readable_request(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    id: Uuid,
) -> ApiResult<(requests::Model, Viewer)> {
    let r = requests::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("导师申请"))?;
    if r.mentee_user_id == Some(user.id()) {
        return Ok((r, Viewer::Mentee));
    }
    if r.pending_at.is_some()
        && let Some(mentor) = r.mentor_profile_id
        && profile_of(db, user.id())
            .await?
            .is_some_and(|me| me.id == mentor)
    {
        return Ok((r, Viewer::Mentor));
    }
    Err(ApiError::not_found("导师申请"))
}

/// One of the caller's requests (mentee or mentor) with its timeline and next step.
#[utoipa::path(
    tag = "mentoring",
    operation_id = "get_my_mentorship_request",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = MentorshipRequestDetailView),
        (status = 404, body = ErrorEnvelope)
    )
)]
#[get("/me/mentorship-requests/{id}")]
pub async fn get_my_mentorship_request(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<MentorshipRequestDetailView>> {
    let (r, viewer) = readable_request(&state.db, &user, *id).await?;
    Ok(web::Json(
        request_detail(&state, r, viewer, user.id()).await?,
    ))
}

/// The caller's own request (404 otherwise).
async fn own_request(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    id: Uuid,
) -> ApiResult<requests::Model> {
    requests::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|r| r.mentee_user_id == Some(user.id()))
        .ok_or_else(|| ApiError::not_found("导师申请"))
}

/// Whether a request has passed its expiry (or was swept): 409 `REQUEST_EXPIRED`.
pub fn expired_now(r: &requests::Model, now: DateTime<Utc>) -> Option<ApiError> {
    let late = state::is_open(r.status) && r.expires_at.is_some_and(|at| at <= now);
    (r.status == RequestStatus::Expired || late).then(refusals::expired)
}

/// Withdraw a request that is still open. The mentor it had reached is told.
#[utoipa::path(
    tag = "mentoring",
    operation_id = "cancel_mentorship_request",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = MentorshipRequestDetailView),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "INVALID_STATE (accepted, declined, expired)")
    )
)]
#[post("/me/mentorship-requests/{id}/cancellations")]
pub async fn cancel_mentorship_request(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<MentorshipRequestDetailView>> {
    let r = own_request(&state.db, &user, *id).await?;
    let now = Utc::now();
    let actor = Actor::youth(user.id());
    let txn = crate::db::begin(&state.db).await?;
    lock_counter(&txn, user.id()).await?;
    let applied = Transition::new(&r, A::Cancel, &actor)
        .set(R::ClosedAt, Expr::value(now))
        .set(R::ExpiresAt, Expr::value(Option::<DateTime<Utc>>::None))
        .set(R::UpdatedAt, Expr::value(now))
        .run(&txn)
        .await?;
    let mut sent = Vec::new();
    if let crate::workflow::Applied::Done { record, .. } = &applied {
        release_open_request(&txn, user.id()).await?;
        consents::withdraw(&txn, request_subject(r.id), None, now).await?;
        if record.pending_at.is_some()
            && let Some(mid) = record.mentor_profile_id
            && let Some(m) = profiles::Entity::find_by_id(mid).one(&txn).await?
        {
            sent.push(
                notify(
                    &txn,
                    m.user_id,
                    NotificationKind::MentorshipCancelled,
                    "导师申请已取消",
                    "向您提交的一份导师申请已由青年本人取消。",
                    Some(MENTORING_PAGE),
                )
                .await?,
            );
        }
    }
    txn.commit().await?;
    deliver(&state, sent);
    Ok(web::Json(
        request_detail(&state, applied.into_record(), Viewer::Mentee, user.id()).await?,
    ))
}

/// Accept the mentor the league proposed, consenting to give them the youth's contact once
/// they accept: only now does the request reach the mentor (and its expiry restart).
#[utoipa::path(
    tag = "mentoring",
    operation_id = "confirm_mentor_proposal",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = ConfirmProposalRequest,
    responses(
        (status = 200, body = MentorshipRequestDetailView),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "MENTOR_NOT_ACCEPTING, REQUEST_EXPIRED, INVALID_STATE"),
        (status = 422, body = ErrorEnvelope, description = "Field codes CONSENT_REQUIRED (shareContact), CONSENT_OUTDATED")
    )
)]
#[post("/me/mentorship-requests/{id}/proposal-confirmations")]
pub async fn confirm_mentor_proposal(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<ConfirmProposalRequest>,
) -> ApiResult<web::Json<MentorshipRequestDetailView>> {
    let errors = CONTACT_CONSENT.check("shareContact", body.share_contact, &body.consent_version);
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let r = own_request(&state.db, &user, *id).await?;
    let now = Utc::now();
    let actor = Actor::youth(user.id());
    let txn = crate::db::begin(&state.db).await?;
    let mentor = match r.mentor_profile_id {
        Some(mid) => Some(lock_mentor(&txn, mid).await?),
        None => None,
    };
    if r.status == RequestStatus::Proposed
        && let Some(m) = &mentor
        && !accepts(m, r.kind)
    {
        return Err(refusals::not_accepting());
    }
    let applied = Transition::new(&r, A::ConfirmProposal, &actor)
        .only_if(R::ExpiresAt.gt(now))
        .or_else(move |cur| expired_now(cur, now))
        .set(R::ExpiresAt, Expr::value(expiry_from(&state, now)))
        .set(R::PendingAt, Expr::value(now))
        .set(R::UpdatedAt, Expr::value(now))
        .payload(&*body)
        .run(&txn)
        .await?;
    let mut sent = Vec::new();
    if let (crate::workflow::Applied::Done { record, .. }, Some(m)) = (&applied, &mentor) {
        grant_contact(&txn, user.id(), m, r.id, now).await?;
        sent.push(notify_requested(&txn, m, record).await?);
    }
    txn.commit().await?;
    deliver(&state, sent);
    Ok(web::Json(
        request_detail(&state, applied.into_record(), Viewer::Mentee, user.id()).await?,
    ))
}

/// Turn down the mentor the league proposed: the request waits for another proposal.
#[utoipa::path(
    tag = "mentoring",
    operation_id = "reject_mentor_proposal",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = RejectProposalRequest,
    responses(
        (status = 200, body = MentorshipRequestDetailView),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "INVALID_STATE")
    )
)]
#[post("/me/mentorship-requests/{id}/proposal-rejections")]
pub async fn reject_mentor_proposal(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<RejectProposalRequest>,
) -> ApiResult<web::Json<MentorshipRequestDetailView>> {
    let r = own_request(&state.db, &user, *id).await?;
    let now = Utc::now();
    let actor = Actor::youth(user.id());
    let reason = body
        .reason
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let txn = crate::db::begin(&state.db).await?;
    let applied = Transition::new(&r, A::RejectProposal, &actor)
        .set(R::MentorProfileId, Expr::value(Option::<Uuid>::None))
        .set(R::ExpiresAt, Expr::value(Option::<DateTime<Utc>>::None))
        .set(R::UpdatedAt, Expr::value(now))
        .reason(reason)
        .payload(&*body)
        .run(&txn)
        .await?;
    txn.commit().await?;
    Ok(web::Json(
        request_detail(&state, applied.into_record(), Viewer::Mentee, user.id()).await?,
    ))
}
