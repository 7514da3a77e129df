//! What the pairing handlers share: who reads a pairing and as whom, its detail (records,
//! timeline, next step), and the one way a pairing leaves `active` — ended by a party, a cadre
//! or completed — freeing the long-term seat and the mentee's slot in the same transaction.
use chrono::{DateTime, Duration, Utc};
use entity::mentor_profiles::{self as profiles, Column as P};
use entity::mentoring_records::{self as records, Column as MR, RecordStatus};
use entity::mentorship_requests::RequestKind;
use entity::mentorships::{self, Column as M, EndedBy};
use entity::notifications::{self, NotificationKind};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder,
};
use uuid::Uuid;

use super::dto::{EndMentorshipRequest, MentoringRecordView, MentorshipDetailView};
use super::lifecycle::{MENTORING_PAGE, lock_counter, lock_mentor, release_long_term};
use super::queries::profile_of;
use super::rules::RATING_DAYS;
use super::state::{self, MentorshipAction};
use super::views::{Viewer, mentorship_views};
use crate::app_state::AppState;
use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult};
use crate::notifications::{deliver, notify};
use crate::workflow::timeline::{Audience, timeline};
use crate::workflow::{Actor, Applied, Subject, Transition};

pub const NAME: &str = "导师结对";

/// A pairing the caller is a party of, and as whom (anyone else: 404).
pub async fn readable_mentorship(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    id: Uuid,
) -> ApiResult<(mentorships::Model, Viewer)> {
    let p = mentorships::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found(NAME))?;
    if p.mentee_user_id == Some(user.id()) {
        return Ok((p, Viewer::Mentee));
    }
    if profile_of(db, user.id())
        .await?
        .is_some_and(|me| me.id == p.mentor_profile_id)
    {
        return Ok((p, Viewer::Mentor));
    }
    Err(ApiError::not_found(NAME))
}

/// A record of this pairing (404 otherwise).
pub async fn record_of(
    db: &impl ConnectionTrait,
    mentorship_id: Uuid,
    record_id: Uuid,
) -> ApiResult<records::Model> {
    records::Entity::find_by_id(record_id)
        .one(db)
        .await?
        .filter(|r| r.mentorship_id == mentorship_id)
        .ok_or_else(|| ApiError::not_found("辅导记录"))
}

/// Until when the mentee may rate a pairing that left `active`.
pub fn rating_due(p: &mentorships::Model) -> Option<DateTime<Utc>> {
    p.ended_at.map(|at| at + Duration::days(RATING_DAYS))
}

/// A pairing with its records, timeline and next step, for `viewer` (`reader`: their user id).
pub async fn mentorship_detail(
    state: &AppState,
    p: mentorships::Model,
    viewer: Viewer,
    reader: Uuid,
) -> ApiResult<MentorshipDetailView> {
    let now = Utc::now();
    let mentorship = mentorship_views(&state.db, &state.cipher, std::slice::from_ref(&p), viewer)
        .await?
        .pop()
        .ok_or_else(|| ApiError::not_found(NAME))?;
    let rows = records::Entity::find()
        .filter(MR::MentorshipId.eq(p.id))
        .order_by_asc(MR::OccurredAt)
        .order_by_asc(MR::Id)
        .all(&state.db)
        .await?;
    let records = rows
        .iter()
        .map(|r| MentoringRecordView::new(r, &state.media))
        .collect::<ApiResult<Vec<_>>>()?;
    let (audience, owner) = match viewer {
        Viewer::Cadre => (Audience::Staff, p.mentee_user_id),
        _ => (Audience::Person, Some(reader)),
    };
    let timeline = timeline(&state.db, mentorships::Model::EVENTS, p.id, owner, audience).await?;
    let confirm_due = rows
        .iter()
        .filter(|r| r.status == RecordStatus::Pending && r.confirm_due_at > now)
        .map(|r| r.confirm_due_at)
        .min();
    let next_step = match viewer {
        Viewer::Cadre => None,
        v => state::mentorship_next_step(
            p.status,
            v == Viewer::Mentor,
            p.mentee_rating.is_some(),
            rating_due(&p).filter(|at| *at > now),
            confirm_due,
        ),
    };
    Ok(MentorshipDetailView {
        mentorship,
        records,
        timeline,
        next_step,
    })
}

/// Lock what a pairing's leaving touches, in the order of every mentoring transaction (the
/// mentor row, then the mentee's counter), before the pairing itself changes. Returns the
/// mentor.
pub async fn lock_parties(
    txn: &DatabaseTransaction,
    p: &mentorships::Model,
) -> ApiResult<profiles::Model> {
    let mentor = lock_mentor(txn, p.mentor_profile_id).await?;
    if p.kind == RequestKind::LongTerm
        && let Some(mentee) = p.mentee_user_id
    {
        lock_counter(txn, mentee).await?;
    }
    Ok(mentor)
}

/// A pairing just left `active` (this transaction's conditional update hit): a long-term one
/// frees the mentor's seat and the mentee's slot; a completion counts for the mentor's
/// `completedMentorships`.
pub async fn after_leaving(
    txn: &DatabaseTransaction,
    p: &mentorships::Model,
    completed: bool,
) -> ApiResult<()> {
    if p.kind == RequestKind::LongTerm {
        release_long_term(txn, p.mentor_profile_id, p.mentee_user_id).await?;
    }
    if completed {
        profiles::Entity::update_many()
            .col_expr(
                P::CompletedMentorships,
                Expr::col(P::CompletedMentorships).add(1),
            )
            .filter(P::Id.eq(p.mentor_profile_id))
            .exec(txn)
            .await?;
    }
    Ok(())
}

/// One more confirmed (or auto-confirmed) record on a pairing.
pub async fn count_record(db: &impl ConnectionTrait, mentorship_id: Uuid) -> ApiResult<()> {
    mentorships::Entity::update_many()
        .col_expr(M::CountedRecords, Expr::col(M::CountedRecords).add(1))
        .filter(M::Id.eq(mentorship_id))
        .exec(db)
        .await?;
    Ok(())
}

/// End an active pairing with a reason (the mentor, the mentee or a cadre): the seat frees in
/// the same transaction; the other party is told (both, when a cadre ends it). A repeat by the
/// same person with the same reason is a 200; anything else after the end is 409.
pub async fn end_pairing(
    state: &AppState,
    p: &mentorships::Model,
    actor: &Actor,
    by: EndedBy,
    body: &EndMentorshipRequest,
) -> ApiResult<mentorships::Model> {
    let now = Utc::now();
    let reason = body.reason.trim().to_owned();
    let txn = crate::db::begin(&state.db).await?;
    let mentor = lock_parties(&txn, p).await?;
    let applied = Transition::new(p, MentorshipAction::End, actor)
        .set(M::EndedAt, Expr::value(now))
        .set(M::EndedByKind, Expr::value(by))
        .set(M::EndReason, Expr::value(reason.clone()))
        .set(M::UpdatedAt, Expr::value(now))
        .reason(Some(reason.clone()))
        .payload(body)
        .run(&txn)
        .await?;
    let mut sent = Vec::new();
    if let Applied::Done { record, .. } = &applied {
        after_leaving(&txn, record, false).await?;
        let told: Vec<Uuid> = match by {
            EndedBy::Mentor => record.mentee_user_id.into_iter().collect(),
            EndedBy::Mentee => vec![mentor.user_id],
            EndedBy::Cadre | EndedBy::System => record
                .mentee_user_id
                .into_iter()
                .chain([mentor.user_id])
                .collect(),
        };
        let who = match by {
            EndedBy::Mentor => "导师",
            EndedBy::Mentee => "青年",
            EndedBy::Cadre => "团组织",
            EndedBy::System => "系统",
        };
        for user in told {
            sent.push(
                notify(
                    &txn,
                    user,
                    NotificationKind::MentorshipEnded,
                    "导师帮带已结束",
                    &format!("{who}结束了帮带，原因：{reason}。"),
                    Some(MENTORING_PAGE),
                )
                .await?,
            );
        }
    }
    txn.commit().await?;
    deliver(state, sent);
    Ok(applied.into_record())
}

/// Tell both parties a pairing completed (the mentee is asked to rate it).
pub async fn notify_completed(
    txn: &DatabaseTransaction,
    p: &mentorships::Model,
    mentor: &profiles::Model,
) -> ApiResult<Vec<notifications::Model>> {
    let mut sent = vec![
        notify(
            txn,
            mentor.user_id,
            NotificationKind::MentorshipCompleted,
            "导师帮带已完成",
            "一项导师帮带已完成，感谢您的指导。",
            Some(MENTORING_PAGE),
        )
        .await?,
    ];
    if let Some(mentee) = p.mentee_user_id {
        sent.push(
            notify(
                txn,
                mentee,
                NotificationKind::MentorshipCompleted,
                "导师帮带已完成",
                &format!(
                    "您与导师{}的帮带已完成，请在{}日内为导师的帮带打分。",
                    mentor.real_name, RATING_DAYS
                ),
                Some(MENTORING_PAGE),
            )
            .await?,
        );
    }
    Ok(sent)
}
