//! Counters, locks and system moves several mentoring actions share. Lock order everywhere:
//! the mentor row, then the mentee's counter row, then the request (conventions §6).
use chrono::{DateTime, Utc};
use entity::mentee_counters::{self as counters, Column as MC};
use entity::mentor_profiles::{self as profiles, Column as P};
use entity::mentorship_requests::{self as requests, Column as R, RequestStatus};
use entity::mentorships::EndedBy;
use entity::notifications::{self, NotificationKind};
use entity::org_mentor_assignments::{self as assignments, Column as OA};
use entity::sharing_consents::ConsentSubject;
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use super::state::{MentorshipRequestAction, is_open};
use crate::app_state::AppState;
use crate::consents;
use crate::error::{ApiError, ApiResult};
use crate::notifications::notify;
use crate::workflow::{Actor, Transition};

/// The mini-program page of a youth's mentoring (notification links).
pub const MENTORING_PAGE: &str = "pages/mentoring/index";

/// The consent subject of a request.
pub fn request_subject(id: Uuid) -> consents::Subject {
    consents::Subject {
        kind: ConsentSubject::MentorshipRequest,
        id,
    }
}

/// Lock a mentor row for this transaction (a no-op update holds it on PostgreSQL; SQLite
/// transactions are serial) and read it.
pub async fn lock_mentor(txn: &DatabaseTransaction, id: Uuid) -> ApiResult<profiles::Model> {
    profiles::Entity::update_many()
        .col_expr(P::Version, Expr::col(P::Version))
        .filter(P::Id.eq(id))
        .exec(txn)
        .await?;
    profiles::Entity::find_by_id(id)
        .one(txn)
        .await?
        .ok_or_else(|| ApiError::not_found("导师"))
}

/// Make the mentee's counter row if it is missing (`INSERT … ON CONFLICT DO NOTHING`).
pub async fn ensure_counter(db: &impl ConnectionTrait, user_id: Uuid) -> ApiResult<()> {
    counters::Entity::insert(counters::ActiveModel {
        user_id: Set(user_id),
        open_requests: Set(0),
        active_long_term: Set(0),
    })
    .on_conflict(OnConflict::column(MC::UserId).do_nothing().to_owned())
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Lock the mentee's counter row (after the mentor's, before the request's).
pub async fn lock_counter(db: &impl ConnectionTrait, user_id: Uuid) -> ApiResult<()> {
    ensure_counter(db, user_id).await?;
    counters::Entity::update_many()
        .col_expr(MC::OpenRequests, Expr::col(MC::OpenRequests))
        .filter(MC::UserId.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Whether the youth's mentoring still needs their talent profile (conventions §10): an open
/// request (waiting for assignment, proposed or pending) or an active pairing as mentee, as the
/// mentor and the cadres act on the name and phone. The caller already holds the mentee's counter
/// row ([`lock_counter`], its transaction's first statement): a request being made at this moment
/// takes the same row, so it either shows here or waits for the deletion and finds no profile.
pub async fn needs_talent_profile(db: &impl ConnectionTrait, user_id: Uuid) -> ApiResult<bool> {
    use entity::mentorships::{self, Column as M, MentorshipStatus};
    let open = requests::Entity::find()
        .filter(R::MenteeUserId.eq(user_id))
        .filter(R::Status.is_in([
            RequestStatus::AwaitingAssignment,
            RequestStatus::Proposed,
            RequestStatus::Pending,
        ]))
        .one(db)
        .await?;
    if open.is_some() {
        return Ok(true);
    }
    Ok(mentorships::Entity::find()
        .filter(M::MenteeUserId.eq(user_id))
        .filter(M::Status.eq(MentorshipStatus::Active))
        .one(db)
        .await?
        .is_some())
}

/// One more open request, if under the limit (and, for long-term, under the pairing limit).
/// Zero rows: the caller answers the limit's 409.
pub async fn take_open_request(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    max_open: u32,
    long_term_max: Option<u32>,
) -> ApiResult<bool> {
    ensure_counter(db, user_id).await?;
    let mut q = counters::Entity::update_many()
        .col_expr(MC::OpenRequests, Expr::col(MC::OpenRequests).add(1))
        .filter(MC::UserId.eq(user_id))
        .filter(MC::OpenRequests.lt(max_open as i32));
    if let Some(max) = long_term_max {
        q = q.filter(MC::ActiveLongTerm.lt(max as i32));
    }
    Ok(q.exec(db).await?.rows_affected == 1)
}

/// A request left the open states.
pub async fn release_open_request(db: &impl ConnectionTrait, user_id: Uuid) -> ApiResult<()> {
    counters::Entity::update_many()
        .col_expr(MC::OpenRequests, Expr::col(MC::OpenRequests).sub(1))
        .filter(MC::UserId.eq(user_id))
        .filter(MC::OpenRequests.gt(0))
        .exec(db)
        .await?;
    Ok(())
}

/// A long-term pairing left `active`: the mentor's seat and the mentee's slot free.
pub async fn release_long_term(
    db: &impl ConnectionTrait,
    mentor_id: Uuid,
    mentee: Option<Uuid>,
) -> ApiResult<()> {
    profiles::Entity::update_many()
        .col_expr(P::ActiveMentees, Expr::col(P::ActiveMentees).sub(1))
        .filter(P::Id.eq(mentor_id))
        .filter(P::ActiveMentees.gt(0))
        .exec(db)
        .await?;
    if let Some(user) = mentee {
        counters::Entity::update_many()
            .col_expr(MC::ActiveLongTerm, Expr::col(MC::ActiveLongTerm).sub(1))
            .filter(MC::UserId.eq(user))
            .filter(MC::ActiveLongTerm.gt(0))
            .exec(db)
            .await?;
    }
    Ok(())
}

/// Move one open request to `cancelled` by the system (`auto_cancel`), releasing the mentee's
/// counter and ending the contact consent; `None` when it had moved on already.
pub async fn auto_cancel(
    txn: &DatabaseTransaction,
    request: &requests::Model,
    reason: &str,
    now: DateTime<Utc>,
) -> ApiResult<Option<requests::Model>> {
    if !is_open(request.status) {
        return Ok(None);
    }
    if let Some(mentee) = request.mentee_user_id {
        lock_counter(txn, mentee).await?;
    }
    let system = Actor::system();
    let done = Transition::new(request, MentorshipRequestAction::AutoCancel, &system)
        .set(R::ClosedAt, Expr::value(now))
        .set(R::ExpiresAt, Expr::value(Option::<DateTime<Utc>>::None))
        .set(R::UpdatedAt, Expr::value(now))
        .reason(Some(reason))
        .attempt(txn)
        .await;
    let Ok(Some((moved, _))) = done else {
        return Ok(None);
    };
    if let Some(mentee) = request.mentee_user_id {
        release_open_request(txn, mentee).await?;
    }
    consents::withdraw(txn, request_subject(request.id), None, now).await?;
    Ok(Some(moved))
}

/// A withdrawing mentor's waiting requests (proposed and pending) are cancelled by the system;
/// each mentee is told. Returns the notices to deliver after the commit.
pub async fn cancel_requests_to_mentor(
    txn: &DatabaseTransaction,
    _state: &AppState,
    mentor_id: Uuid,
    now: DateTime<Utc>,
) -> ApiResult<Vec<notifications::Model>> {
    let waiting = requests::Entity::find()
        .filter(R::MentorProfileId.eq(mentor_id))
        .filter(R::Status.is_in([RequestStatus::Proposed, RequestStatus::Pending]))
        .all(txn)
        .await?;
    let mut sent = Vec::new();
    for r in waiting {
        if auto_cancel(txn, &r, "导师已退出导师团", now)
            .await?
            .is_some()
            && let Some(mentee) = r.mentee_user_id
        {
            sent.push(
                notify(
                    txn,
                    mentee,
                    NotificationKind::MentorshipAutoCancelled,
                    "导师申请已取消",
                    "您申请的导师已退出导师团，申请已自动取消，可另选导师或请团组织推荐。",
                    Some(MENTORING_PAGE),
                )
                .await?,
            );
        }
    }
    Ok(sent)
}

/// End every active organisation assignment of a mentor (system), e.g. when they withdraw.
pub async fn end_mentor_assignments(
    db: &impl ConnectionTrait,
    mentor_id: Uuid,
    now: DateTime<Utc>,
) -> ApiResult<u64> {
    Ok(assignments::Entity::update_many()
        .col_expr(OA::EndedAt, Expr::value(now))
        .col_expr(OA::EndedByKind, Expr::value(EndedBy::System))
        .col_expr(OA::EndReason, Expr::value("导师已退出导师团"))
        .filter(OA::MentorProfileId.eq(mentor_id))
        .filter(OA::EndedAt.is_null())
        .exec(db)
        .await?
        .rows_affected)
}
