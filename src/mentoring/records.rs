//! Guidance records (辅导记录): the mentor logs them on an active pairing; the mentee confirms
//! or disputes each within `JIQING_MENTORING_CONFIRM_DAYS` (14), after which the daily
//! `mentoring-record-auto-confirm` confirms it. Only confirmed and auto-confirmed records count.
use actix_web::{HttpRequest, HttpResponse, post, web};
use chrono::{Duration, Utc};
use entity::media::MediaPurpose;
use entity::mentoring_records::{self as records, Column as R, RecordStatus};
use entity::mentorships::{self, Column as M};
use entity::notifications::NotificationKind;
use entity::workflow_events::ActorKind;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ActiveModelTrait, ColumnTrait, Set};
use uuid::Uuid;

use super::dto::{ConfirmRecordRequest, CreateRecordRequest, MentoringRecordView};
use super::lifecycle::MENTORING_PAGE;
use super::pairings::{count_record, readable_mentorship, record_of};
use super::refusals;
use super::state::{MentoringRecordAction, MentorshipAction};
use super::views::Viewer;
use crate::app_state::AppState;
use crate::auth::CurrentUser;
use crate::choices::json_text;
use crate::error::{ApiError, ApiResult, ErrorEnvelope, FieldError};
use crate::idempotency::{self, IdempotencyKey, IdempotentEntity};
use crate::input::Json;
use crate::media::{Attachment, MediaField};
use crate::notifications::{deliver, notify};
use crate::time::to_china;
use crate::workflow::machine::{invalid_state, wrong_actor};
use crate::workflow::transition::{record_creation, reload};
use crate::workflow::{Actor, Transition, events};

/// The photos of a record: keys uploaded with purpose `mentoring_record`.
pub const PHOTOS: MediaField = MediaField::new("photos", MediaPurpose::MentoringRecord);
/// `media.attached_kind` of a record's photos.
pub const MEDIA_KIND: &str = "mentoring_record";

impl IdempotentEntity for records::Entity {
    fn creator_column() -> R {
        R::MentorUserId
    }
    fn key_column() -> R {
        R::IdempotencyKey
    }
    fn stored_hash(model: &records::Model) -> Option<&str> {
        model.request_hash.as_deref()
    }
}

/// Log a guidance record on an active pairing (the mentor): when (not before the pairing
/// started, not in the future), how, 10–480 minutes, a summary and up to 9 photos. The mentee
/// is asked to confirm it. Send an `Idempotency-Key`: a repeat with the same body returns the
/// first record (200).
#[utoipa::path(
    tag = "mentoring",
    operation_id = "create_mentoring_record",
    security(("bearer" = [])),
    params(
        ("id" = Uuid, Path),
        ("Idempotency-Key" = Option<String>, Header, description = "1–64 printable ASCII characters; a repeat with the same body returns the first result")
    ),
    request_body = CreateRecordRequest,
    responses(
        (status = 201, body = MentoringRecordView),
        (status = 200, body = MentoringRecordView, description = "a repeat with the same Idempotency-Key and body"),
        (status = 403, body = ErrorEnvelope, description = "ROLE_REQUIRED: only the mentor logs records"),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "INVALID_STATE (the pairing is no longer active)"),
        (status = 422, body = ErrorEnvelope, description = "minutes: RANGE; summary: LENGTH; occurredAt: RANGE; photos[i]: MEDIA_KEY_INVALID; IDEMPOTENCY_KEY_REUSED")
    )
)]
#[post("/me/mentorships/{id}/records")]
pub async fn create_mentoring_record(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<CreateRecordRequest>,
) -> ApiResult<HttpResponse> {
    let p = match readable_mentorship(&state.db, &user, *id).await? {
        (p, Viewer::Mentor) => p,
        _ => return Err(wrong_actor(MentorshipAction::LogRecord)),
    };
    let key = IdempotencyKey::from_request(&req, &*body)?;
    if let Some(first) =
        idempotency::first_result::<records::Entity>(&state.db, user.id(), key.as_ref()).await?
    {
        return Ok(HttpResponse::Ok().json(MentoringRecordView::new(&first, &state.media)?));
    }
    let now = Utc::now();
    let occurred_at = body.occurred_at.to_utc();
    let record_id = Uuid::now_v7();
    let attachment = Attachment::new(MEDIA_KIND, record_id);
    let mut errors = Vec::new();
    if occurred_at < p.started_at || occurred_at > now {
        errors.push(FieldError::new(
            "occurredAt",
            "RANGE",
            "辅导时间应在结对开始之后，且不晚于现在",
        ));
    }
    errors.extend(
        PHOTOS
            .check(&state.db, user.id(), &body.photos, attachment)
            .await?,
    );
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let actor = Actor::person(user.id(), ActorKind::Mentor);
    let (idempotency_key, request_hash) = idempotency::stored(key.as_ref());
    let confirm_due_at = now + Duration::days(i64::from(state.settings.mentoring.confirm_days));
    let mut sent = Vec::new();
    let created = idempotency::create_once::<records::Entity, _>(
        &state.db,
        user.id(),
        key.as_ref(),
        async |txn| {
            // The pairing first: only an active one takes records (and its version moves, so
            // every record has its own event on the pairing's timeline).
            let moved = Transition::new(&p, MentorshipAction::LogRecord, &actor)
                .set(M::RecordsCount, Expr::col(M::RecordsCount).add(1))
                .set(M::UpdatedAt, Expr::value(now))
                .attempt(txn)
                .await?;
            if moved.is_none() {
                let cur = reload::<mentorships::Model>(txn, p.id).await?;
                return Err(invalid_state(cur.status, MentorshipAction::LogRecord));
            }
            let row = records::ActiveModel {
                id: Set(record_id),
                mentorship_id: Set(p.id),
                mentor_user_id: Set(user.id()),
                occurred_at: Set(occurred_at),
                mode: Set(body.mode),
                minutes: Set(body.minutes),
                summary: Set(Some(body.summary.trim().to_owned())),
                photos: Set(json_text(&body.photos)),
                status: Set(RecordStatus::Pending),
                confirm_due_at: Set(confirm_due_at),
                dispute_note: Set(None),
                settled_by: Set(None),
                settle_note: Set(None),
                idempotency_key: Set(idempotency_key.clone()),
                request_hash: Set(request_hash.clone()),
                version: Set(1),
                created_at: Set(now),
                updated_at: Set(now),
            }
            .insert(txn)
            .await?;
            record_creation(
                txn,
                &row,
                MentoringRecordAction::Create,
                &actor,
                events::payload(&*body),
                idempotency_key.clone(),
            )
            .await?;
            PHOTOS
                .attach(txn, user.id(), &body.photos, attachment)
                .await?;
            if let Some(mentee) = p.mentee_user_id {
                sent.push(
                    notify(
                        txn,
                        mentee,
                        NotificationKind::MentorshipRecordLogged,
                        "导师填写了辅导记录",
                        &format!(
                            "导师记录了一次{}分钟的辅导，请在{}前确认或提出异议，逾期将自动确认。",
                            body.minutes,
                            to_china(confirm_due_at).format("%m月%d日 %H:%M")
                        ),
                        Some(MENTORING_PAGE),
                    )
                    .await?,
                );
            }
            Ok(row)
        },
    )
    .await?;
    let is_new = created.is_new();
    if is_new {
        deliver(&state, sent);
    }
    let view = MentoringRecordView::new(&created.into_inner(), &state.media)?;
    Ok(if is_new {
        HttpResponse::Created().json(view)
    } else {
        HttpResponse::Ok().json(view)
    })
}

/// Confirm (`agree: true`) or dispute (`agree: false` with a note) a record of the caller's
/// pairing (the mentee), within the confirmation window (409 `CONFIRMATION_CLOSED` after it).
/// A disputed record waits for the league to settle it.
#[utoipa::path(
    tag = "mentoring",
    operation_id = "confirm_mentoring_record",
    security(("bearer" = [])),
    params(("id" = Uuid, Path), ("recordId" = Uuid, Path)),
    request_body = ConfirmRecordRequest,
    responses(
        (status = 200, body = MentoringRecordView),
        (status = 403, body = ErrorEnvelope, description = "ROLE_REQUIRED: only the mentee confirms"),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "CONFIRMATION_CLOSED, INVALID_STATE"),
        (status = 422, body = ErrorEnvelope, description = "note: REQUIRED (to dispute), LENGTH")
    )
)]
#[post("/me/mentorships/{id}/records/{recordId}/confirmations")]
pub async fn confirm_mentoring_record(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<(Uuid, Uuid)>,
    body: Json<ConfirmRecordRequest>,
) -> ApiResult<web::Json<MentoringRecordView>> {
    let (id, record_id) = path.into_inner();
    let action = if body.agree {
        MentoringRecordAction::Confirm
    } else {
        MentoringRecordAction::Dispute
    };
    let p = match readable_mentorship(&state.db, &user, id).await? {
        (p, Viewer::Mentee) => p,
        _ => return Err(wrong_actor(action)),
    };
    let note = body
        .note
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_owned);
    if !body.agree && note.is_none() {
        return Err(ApiError::field("note", "REQUIRED", "提出异议时请说明理由"));
    }
    let r = record_of(&state.db, p.id, record_id).await?;
    let now = Utc::now();
    let actor = Actor::youth(user.id());
    let txn = crate::db::begin(&state.db).await?;
    let mut t = Transition::new(&r, action, &actor)
        .only_if(R::ConfirmDueAt.gt(now))
        .or_else(move |cur| {
            (cur.status == RecordStatus::Pending && cur.confirm_due_at <= now)
                .then(refusals::confirmation_closed)
        })
        .set(R::UpdatedAt, Expr::value(now))
        .payload(&*body);
    if !body.agree {
        t = t
            .set(R::DisputeNote, Expr::value(note.clone()))
            .reason(note.clone());
    }
    let applied = t.run(&txn).await?;
    if applied.is_done() && body.agree {
        count_record(&txn, p.id).await?;
    }
    txn.commit().await?;
    Ok(web::Json(MentoringRecordView::new(
        applied.record(),
        &state.media,
    )?))
}
