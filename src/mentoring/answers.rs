//! The requested mentor answers: accept (a seat is taken in the same transaction, and a
//! pairing starts) or decline with a reason code.
use actix_web::{post, web};
use chrono::{DateTime, Duration, Months, NaiveDate, Utc};
use entity::mentee_counters::{self as counters, Column as MC};
use entity::mentor_profiles::{self as profiles, Column as P, MentorStatus};
use entity::mentorship_requests::{self as requests, Column as R, RequestKind, RequestStatus};
use entity::mentorships::{self, MentorshipStatus};
use entity::notifications::NotificationKind;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use uuid::Uuid;

use super::dto::{AcceptRequest, DeclineRequest, MentorshipRequestDetailView};
use super::lifecycle::{
    MENTORING_PAGE, auto_cancel, lock_counter, lock_mentor, release_open_request, request_subject,
};
use super::refusals;
use super::requests::{accepts, expired_now, readable_request, request_detail};
use super::rules::{
    CONSULTATION_DAYS, LONG_TERM_MONTHS_DEFAULT, LONG_TERM_MONTHS_MAX, RESPONSE_SAMPLE,
    median_hours,
};
use super::state::{MentorshipAction, MentorshipRequestAction as A};
use super::views::Viewer;
use crate::app_state::AppState;
use crate::auth::CurrentUser;
use crate::choices::Labelled;
use crate::consents;
use crate::error::{ApiError, ApiResult, ErrorEnvelope};
use crate::input::Json;
use crate::notifications::{deliver, notify};
use crate::time::today_in_china;
use crate::workflow::machine::wrong_actor;
use crate::workflow::transition::record_creation;
use crate::workflow::{Actor, Applied, Transition};

/// A request that reached the caller's mentor profile (the mentee and others may not answer).
async fn request_to_me(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    action: A,
) -> ApiResult<requests::Model> {
    match readable_request(&state.db, user, id).await? {
        (r, Viewer::Mentor) => Ok(r),
        _ => Err(wrong_actor(action)),
    }
}

/// The planned end of a pairing starting today: long-term 1–12 months on (default 6),
/// a consultation 30 days on.
pub fn planned_end(
    kind: RequestKind,
    asked: Option<NaiveDate>,
    today: NaiveDate,
) -> ApiResult<NaiveDate> {
    let months = |n: u32| today.checked_add_months(Months::new(n)).unwrap_or(today);
    match kind {
        RequestKind::Consultation => Ok(today + Duration::days(CONSULTATION_DAYS)),
        RequestKind::LongTerm => match asked {
            None => Ok(months(LONG_TERM_MONTHS_DEFAULT)),
            Some(d) if d >= months(1) && d <= months(LONG_TERM_MONTHS_MAX) => Ok(d),
            Some(_) => Err(ApiError::field(
                "plannedEndOn",
                "RANGE",
                "帮带期应为1至12个月",
            )),
        },
    }
}

/// When a request reached the mentor and when they answered it.
type ReachedAndAnswered = (Option<DateTime<Utc>>, Option<DateTime<Utc>>);

/// Keep `median_response_hours` current: the median of the mentor's latest answers, from the
/// request reaching them to the answer (computed in Rust, conventions §14).
pub async fn refresh_response_hours(db: &impl ConnectionTrait, mentor_id: Uuid) -> ApiResult<()> {
    let rows: Vec<ReachedAndAnswered> = requests::Entity::find()
        .select_only()
        .column(R::PendingAt)
        .column(R::RespondedAt)
        .filter(R::MentorProfileId.eq(mentor_id))
        .filter(R::RespondedAt.is_not_null())
        .order_by_desc(R::RespondedAt)
        .limit(RESPONSE_SAMPLE)
        .into_tuple()
        .all(db)
        .await?;
    let hours: Vec<i64> = rows
        .into_iter()
        .filter_map(|(from, to)| Some((to? - from?).num_hours()))
        .collect();
    profiles::Entity::update_many()
        .col_expr(P::MedianResponseHours, Expr::value(median_hours(hours)))
        .filter(P::Id.eq(mentor_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Take the mentor's seat (long-term) or hold their row still certified (consultation).
async fn take_seat(txn: &DatabaseTransaction, mentor_id: Uuid, kind: RequestKind) -> ApiResult<()> {
    let mut q = profiles::Entity::update_many()
        .filter(P::Id.eq(mentor_id))
        .filter(P::Status.eq(MentorStatus::Certified));
    q = match kind {
        RequestKind::LongTerm => q
            .col_expr(P::ActiveMentees, Expr::col(P::ActiveMentees).add(1))
            .filter(P::Accepting.eq(true))
            .filter(Expr::col(P::ActiveMentees).lt(Expr::col(P::Capacity))),
        RequestKind::Consultation => q
            .col_expr(P::Version, Expr::col(P::Version))
            .filter(P::AcceptingConsultations.eq(true)),
    };
    if q.exec(txn).await?.rows_affected == 1 {
        return Ok(());
    }
    let now = profiles::Entity::find_by_id(mentor_id)
        .one(txn)
        .await?
        .ok_or_else(|| ApiError::not_found("导师"))?;
    Err(if accepts(&now, kind) {
        refusals::at_capacity()
    } else {
        refusals::not_accepting()
    })
}

/// Accept a request that reached the caller: a long-term one takes one of the mentor's seats in
/// the same transaction (409 `MENTOR_AT_CAPACITY` when none is left) and counts toward the
/// mentee's long-term pairings; a pairing starts (long-term: until `plannedEndOn`, 1–12 months,
/// default 6; consultation: 30 days). When the mentee reaches the long-term limit, their other
/// open long-term requests are cancelled. Repeating it is a 200.
#[utoipa::path(
    tag = "mentoring",
    operation_id = "accept_mentorship_request",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = AcceptRequest,
    responses(
        (status = 200, body = MentorshipRequestDetailView),
        (status = 403, body = ErrorEnvelope, description = "ROLE_REQUIRED: only the requested mentor answers"),
        (status = 404, body = ErrorEnvelope, description = "Not a request that reached the caller"),
        (status = 409, body = ErrorEnvelope, description = "MENTOR_AT_CAPACITY, MENTOR_NOT_ACCEPTING, MENTEE_LIMIT_REACHED, ALREADY_PAIRED, REQUEST_EXPIRED, INVALID_STATE"),
        (status = 422, body = ErrorEnvelope, description = "plannedEndOn: RANGE")
    )
)]
#[post("/me/mentorship-requests/{id}/acceptances")]
pub async fn accept_mentorship_request(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<AcceptRequest>,
) -> ApiResult<web::Json<MentorshipRequestDetailView>> {
    let r = request_to_me(&state, &user, *id, A::Accept).await?;
    let now = Utc::now();
    let planned_end_on = planned_end(r.kind, body.planned_end_on, today_in_china(now))?;
    let (Some(mentor_id), Some(mentee)) = (r.mentor_profile_id, r.mentee_user_id) else {
        return Err(ApiError::not_found("导师申请"));
    };
    let max_long_term = state.settings.mentoring.max_long_term;
    let actor = Actor::person(user.id(), entity::workflow_events::ActorKind::Mentor);
    let txn = crate::db::begin(&state.db).await?;
    if r.status == RequestStatus::Pending {
        if let Some(late) = expired_now(&r, now) {
            return Err(late);
        }
        // Lock order: the mentor row, the mentee's counter, the request (conventions §6).
        take_seat(&txn, mentor_id, r.kind).await?;
        lock_counter(&txn, mentee).await?;
        if r.kind == RequestKind::LongTerm {
            let hit = counters::Entity::update_many()
                .col_expr(MC::ActiveLongTerm, Expr::col(MC::ActiveLongTerm).add(1))
                .filter(MC::UserId.eq(mentee))
                .filter(MC::ActiveLongTerm.lt(max_long_term as i32))
                .exec(&txn)
                .await?
                .rows_affected;
            if hit == 0 {
                return Err(refusals::mentee_limit(max_long_term));
            }
        }
    }
    let applied = Transition::new(&r, A::Accept, &actor)
        .only_if(R::ExpiresAt.gt(now))
        .or_else(move |cur| expired_now(cur, now))
        .set(R::RespondedAt, Expr::value(now))
        .set(R::ClosedAt, Expr::value(now))
        .set(R::ExpiresAt, Expr::value(Option::<DateTime<Utc>>::None))
        .set(R::UpdatedAt, Expr::value(now))
        .payload(&*body)
        .run(&txn)
        .await?;
    let record = match applied {
        Applied::Done { record, .. } => record,
        Applied::Repeated(record) => {
            // The same answer again: nothing (no seat either) is taken twice.
            txn.rollback().await?;
            return Ok(web::Json(
                request_detail(&state, record, Viewer::Mentor, user.id()).await?,
            ));
        }
    };
    let pairing = mentorships::ActiveModel {
        id: Set(Uuid::now_v7()),
        request_id: Set(record.id),
        mentor_profile_id: Set(mentor_id),
        mentee_user_id: Set(Some(mentee)),
        mentee_region_code: Set(record.mentee_region_code.clone()),
        kind: Set(record.kind),
        status: Set(MentorshipStatus::Active),
        started_at: Set(now),
        planned_end_on: Set(planned_end_on),
        extended: Set(false),
        ended_at: Set(None),
        ended_by_kind: Set(None),
        end_reason: Set(None),
        mentor_summary: Set(None),
        records_count: Set(0),
        counted_records: Set(0),
        mentee_rating: Set(None),
        mentee_comment: Set(None),
        rated_at: Set(None),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        anonymised_at: Set(None),
    }
    .insert(&txn)
    .await
    .map_err(refusals::mentorship_insert)?;
    record_creation(&txn, &pairing, MentorshipAction::Start, &actor, None, None).await?;
    release_open_request(&txn, mentee).await?;
    let mut sent = Vec::new();
    if record.kind == RequestKind::LongTerm {
        let reached = counters::Entity::find_by_id(mentee)
            .one(&txn)
            .await?
            .is_some_and(|c| c.active_long_term >= max_long_term as i32);
        if reached {
            let others = requests::Entity::find()
                .filter(R::MenteeUserId.eq(mentee))
                .filter(R::Kind.eq(RequestKind::LongTerm))
                .filter(R::Status.is_in([
                    RequestStatus::AwaitingAssignment,
                    RequestStatus::Proposed,
                    RequestStatus::Pending,
                ]))
                .filter(R::Id.ne(record.id))
                .all(&txn)
                .await?;
            for o in others {
                let Some(moved) = auto_cancel(&txn, &o, "已与其他导师结对", now).await?
                else {
                    continue;
                };
                if moved.pending_at.is_some()
                    && let Some(other_mentor) = moved.mentor_profile_id
                    && let Some(m) = profiles::Entity::find_by_id(other_mentor).one(&txn).await?
                {
                    sent.push(
                        notify(
                            &txn,
                            m.user_id,
                            NotificationKind::MentorshipAutoCancelled,
                            "导师申请已取消",
                            "向您提交申请的青年已与其他导师结对，该申请已自动取消。",
                            Some(MENTORING_PAGE),
                        )
                        .await?,
                    );
                }
            }
        }
    }
    refresh_response_hours(&txn, mentor_id).await?;
    let phone = user
        .user
        .phone_enc
        .as_deref()
        .and_then(|p| state.cipher.decrypt(p).ok())
        .map(|p| format!("导师手机号：{p}。"))
        .unwrap_or_default();
    sent.push(
        notify(
            &txn,
            mentee,
            NotificationKind::MentorshipAccepted,
            "导师已接受您的申请",
            &format!("{}结对成功。{phone}", record.kind.label()),
            Some(MENTORING_PAGE),
        )
        .await?,
    );
    txn.commit().await?;
    deliver(&state, sent);
    Ok(web::Json(
        request_detail(&state, record, Viewer::Mentor, user.id()).await?,
    ))
}

/// Decline a request that reached the caller, with a reason code (and a note); the mentee is
/// told and may ask the league to propose a mentor.
#[utoipa::path(
    tag = "mentoring",
    operation_id = "decline_mentorship_request",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = DeclineRequest,
    responses(
        (status = 200, body = MentorshipRequestDetailView),
        (status = 403, body = ErrorEnvelope, description = "ROLE_REQUIRED: only the requested mentor answers"),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "REQUEST_EXPIRED, INVALID_STATE"),
        (status = 422, body = ErrorEnvelope, description = "reasonCode: REQUIRED; note: LENGTH")
    )
)]
#[post("/me/mentorship-requests/{id}/declines")]
pub async fn decline_mentorship_request(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<DeclineRequest>,
) -> ApiResult<web::Json<MentorshipRequestDetailView>> {
    let r = request_to_me(&state, &user, *id, A::Decline).await?;
    let now = Utc::now();
    let (Some(mentor_id), Some(mentee)) = (r.mentor_profile_id, r.mentee_user_id) else {
        return Err(ApiError::not_found("导师申请"));
    };
    let note = body
        .note
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned);
    let actor = Actor::person(user.id(), entity::workflow_events::ActorKind::Mentor);
    let txn = crate::db::begin(&state.db).await?;
    lock_mentor(&txn, mentor_id).await?;
    lock_counter(&txn, mentee).await?;
    let reason = match &note {
        Some(n) => format!("{}：{n}", body.reason_code.label()),
        None => body.reason_code.label().to_owned(),
    };
    let applied = Transition::new(&r, A::Decline, &actor)
        .only_if(R::ExpiresAt.gt(now))
        .or_else(move |cur| expired_now(cur, now))
        .set(R::RespondedAt, Expr::value(now))
        .set(R::ClosedAt, Expr::value(now))
        .set(R::ExpiresAt, Expr::value(Option::<DateTime<Utc>>::None))
        .set(R::ResponseReasonCode, Expr::value(body.reason_code))
        .set(R::ResponseNote, Expr::value(note.clone()))
        .set(R::UpdatedAt, Expr::value(now))
        .reason(Some(reason.clone()))
        .payload(&*body)
        .run(&txn)
        .await?;
    let mut sent = Vec::new();
    if applied.is_done() {
        release_open_request(&txn, mentee).await?;
        consents::withdraw(&txn, request_subject(r.id), None, now).await?;
        refresh_response_hours(&txn, mentor_id).await?;
        sent.push(
            notify(
                &txn,
                mentee,
                NotificationKind::MentorshipDeclined,
                "导师未能接受您的申请",
                &format!("原因：{reason}。可另选导师，或请团组织为您推荐导师。"),
                Some(MENTORING_PAGE),
            )
            .await?,
        );
    }
    txn.commit().await?;
    deliver(&state, sent);
    Ok(web::Json(
        request_detail(&state, applied.into_record(), Viewer::Mentor, user.id()).await?,
    ))
}
