//! Seats and the waiting list. Every change runs inside one transaction and moves counters by
//! conditional updates only, so capacity holds under concurrency and across instances.
//!
//! Lock order, to keep PostgreSQL free of deadlocks: a transaction that changes more than one
//! row first takes the training's row (`lock_training`), then touches enrollments.
//!
//! Waiting-list order: each newcomer takes the next number of the training's `waitlist_seq`
//! (a conditional update, hence serialised by the training's row lock); the position shown is
//! computed when read (1 + people still waiting with a smaller number), so it has no gaps and
//! moves up as people ahead leave.
use chrono::{DateTime, Utc};
use entity::notifications::{self as notes, NotificationKind};
use entity::training_enrollments::{self as enrollments, Column as E};
use entity::trainings::{self, Column as T};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, ExprTrait,
    PaginatorTrait, QueryFilter, QueryOrder, Set,
};
use uuid::Uuid;

use super::rules::{EnrollmentStatus as S, TrainingStatus, offer_deadline};
use super::state::{EnrollmentAction, is_active, on_sign_up};
use crate::error::{ApiError, ApiResult};
use crate::notifications::notify;
use crate::time::to_china;
use crate::workflow::transition::record_creation;
use crate::workflow::{Actor, Transition};

pub fn training_link(id: Uuid) -> String {
    format!("pages/training/detail?id={id}")
}

/// Take the training's row lock for the rest of the transaction (a no-op update) and read it.
pub async fn lock_training(db: &impl ConnectionTrait, id: Uuid) -> ApiResult<trainings::Model> {
    trainings::Entity::update_many()
        .col_expr(T::Taken, Expr::col(T::Taken))
        .filter(T::Id.eq(id))
        .exec(db)
        .await?;
    trainings::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("培训"))
}

/// 1 + the people still waiting ahead of number `seq`.
pub async fn waitlist_position(
    db: &impl ConnectionTrait,
    training_id: Uuid,
    seq: i32,
) -> ApiResult<u64> {
    let ahead = enrollments::Entity::find()
        .filter(E::TrainingId.eq(training_id))
        .filter(E::Status.eq(S::Waiting))
        .filter(E::WaitlistSeq.lt(seq))
        .count(db)
        .await?;
    Ok(ahead + 1)
}

fn already_enrolled() -> ApiError {
    ApiError::Conflict("ALREADY_ENROLLED", "您已报名该培训，请勿重复报名".into())
}

/// Sign `user_id` up: a seat if one is free (`taken < capacity`, checked and taken in one
/// statement), else the next waiting-list number. Returns the enrollment and, when waiting, the
/// position.
pub async fn sign_up(
    db: &DatabaseTransaction,
    training: &trainings::Model,
    user_id: Uuid,
    home_region_code: &str,
    now: DateTime<Utc>,
) -> ApiResult<(enrollments::Model, Option<u64>)> {
    let existing = enrollments::Entity::find()
        .filter(E::TrainingId.eq(training.id))
        .filter(E::UserId.eq(user_id))
        .one(db)
        .await?;
    if existing.as_ref().is_some_and(|e| is_active(e.status)) {
        return Err(already_enrolled());
    }
    let took_seat = trainings::Entity::update_many()
        .col_expr(T::Taken, Expr::col(T::Taken).add(1))
        .filter(T::Id.eq(training.id))
        .filter(T::Status.eq(TrainingStatus::Published))
        .filter(Expr::col(T::Taken).lt(Expr::col(T::Capacity)))
        .exec(db)
        .await?
        .rows_affected
        == 1;
    let (status, action) = on_sign_up(took_seat);
    let seq = if took_seat {
        None
    } else {
        let numbered = trainings::Entity::update_many()
            .col_expr(T::WaitlistSeq, Expr::col(T::WaitlistSeq).add(1))
            .filter(T::Id.eq(training.id))
            .filter(T::Status.eq(TrainingStatus::Published))
            .filter(T::WaitlistOpen.eq(true))
            .exec(db)
            .await?
            .rows_affected
            == 1;
        if !numbered {
            return Err(if training.waitlist_open {
                ApiError::Conflict("TRAINING_CANCELLED", "该培训已取消".into())
            } else {
                ApiError::Conflict("TRAINING_FULL", "该培训名额已满".into())
            });
        }
        // This transaction holds the training's row since the update above, so the number
        // read back is the one it just took.
        let seq = trainings::Entity::find_by_id(training.id)
            .one(db)
            .await?
            .ok_or_else(|| ApiError::not_found("培训"))?
            .waitlist_seq;
        Some(seq)
    };
    let actor = Actor::youth(user_id);
    let model = match existing {
        // Coming back after cancelling or letting an offer lapse: the same row, re-queued.
        Some(old) => {
            Transition::new(&old, action, &actor)
                .set(E::WaitlistSeq, Expr::value(seq))
                .set(E::OfferExpiresAt, Expr::value(None::<DateTime<Utc>>))
                .set(E::CancelledAt, Expr::value(None::<DateTime<Utc>>))
                .set(E::HomeRegionCode, Expr::value(home_region_code))
                .set(E::CreatedAt, Expr::value(now))
                .set(E::UpdatedAt, Expr::value(now))
                .attempt(db)
                .await?
                .ok_or_else(already_enrolled)?
                .0
        }
        None => {
            let model = enrollments::ActiveModel {
                id: Set(Uuid::now_v7()),
                training_id: Set(training.id),
                user_id: Set(user_id),
                home_region_code: Set(home_region_code.to_owned()),
                status: Set(status),
                waitlist_seq: Set(seq),
                offer_expires_at: Set(None),
                checked_in_at: Set(None),
                check_in_nonce: Set(None),
                completed_at: Set(None),
                completed_by: Set(None),
                cancelled_at: Set(None),
                version: Set(1),
                created_at: Set(now),
                updated_at: Set(now),
            }
            .insert(db)
            .await
            .map_err(|e| match ApiError::from(e) {
                ApiError::Conflict("DUPLICATE", _) => already_enrolled(),
                other => other,
            })?;
            record_creation(db, &model, action, &actor, None, None).await?;
            model
        }
    };
    let position = match seq {
        Some(seq) => Some(waitlist_position(db, training.id, seq).await?),
        None => None,
    };
    Ok((model, position))
}

/// Offer every free seat to the people waiting longest. The caller holds the training's row
/// lock (`lock_training`). Returns the notifications to deliver after the commit.
pub async fn offer_free_seats(
    db: &DatabaseTransaction,
    training_id: Uuid,
    now: DateTime<Utc>,
) -> ApiResult<Vec<notes::Model>> {
    let training = trainings::Entity::find_by_id(training_id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("培训"))?;
    let mut sent = Vec::new();
    if training.status != TrainingStatus::Published || now >= training.starts_at {
        return Ok(sent);
    }
    let free = u64::try_from(training.capacity - training.taken).unwrap_or(0);
    if free == 0 {
        return Ok(sent);
    }
    let next = enrollments::Entity::find()
        .filter(E::TrainingId.eq(training_id))
        .filter(E::Status.eq(S::Waiting))
        .order_by_asc(E::WaitlistSeq)
        .order_by_asc(E::Id)
        .paginate(db, free)
        .fetch_page(0)
        .await?;
    let expires = offer_deadline(now, training.offer_valid_minutes, training.starts_at);
    let system = Actor::system();
    for person in next {
        let offered = Transition::new(&person, EnrollmentAction::Offer, &system)
            .set(E::OfferExpiresAt, Expr::value(expires))
            .set(E::UpdatedAt, Expr::value(now))
            .attempt(db)
            .await?
            .is_some();
        if !offered {
            continue;
        }
        let held = trainings::Entity::update_many()
            .col_expr(T::Taken, Expr::col(T::Taken).add(1))
            .filter(T::Id.eq(training_id))
            .filter(Expr::col(T::Taken).lt(Expr::col(T::Capacity)))
            .exec(db)
            .await?
            .rows_affected
            == 1;
        if !held {
            return Err(ApiError::Unexpected(anyhow::anyhow!(
                "training {training_id}: no seat left to offer although one was counted free"
            )));
        }
        let deadline = to_china(expires).format("%Y-%m-%d %H:%M");
        sent.push(
            notify(
                db,
                person.user_id,
                NotificationKind::TrainingOffered,
                "候补名额已为您保留",
                &format!(
                    "「{}」有名额空出，请在{deadline}前确认参加，逾期名额将顺延给下一位候补。",
                    training.title
                ),
                Some(&training_link(training_id)),
            )
            .await?,
        );
    }
    Ok(sent)
}

/// Give back one seat held by an enrollment that just stopped holding it, and offer it on.
pub async fn release_seat(
    db: &DatabaseTransaction,
    training_id: Uuid,
    now: DateTime<Utc>,
) -> ApiResult<Vec<notes::Model>> {
    trainings::Entity::update_many()
        .col_expr(T::Taken, Expr::col(T::Taken).sub(1))
        .filter(T::Id.eq(training_id))
        .filter(T::Taken.gt(0))
        .exec(db)
        .await?;
    offer_free_seats(db, training_id, now).await
}

/// Move one lapsed offer on, exactly once however many instances try: only the transaction
/// whose `offered → lapsed` update hits the row releases the seat. Returns the notifications.
pub async fn lapse_offer(
    db: &DatabaseTransaction,
    offer: &enrollments::Model,
    now: DateTime<Utc>,
) -> ApiResult<Vec<notes::Model>> {
    let training = lock_training(db, offer.training_id).await?;
    let lapsed = Transition::new(offer, EnrollmentAction::Lapse, &Actor::system())
        .only_if(E::OfferExpiresAt.lte(now))
        .set(E::UpdatedAt, Expr::value(now))
        .attempt(db)
        .await?
        .is_some();
    if !lapsed {
        return Ok(Vec::new());
    }
    let mut sent = vec![
        notify(
            db,
            offer.user_id,
            NotificationKind::TrainingOfferLapsed,
            "候补名额已过期",
            &format!(
                "您未在时限内确认参加「{}」，名额已顺延给下一位候补。",
                training.title
            ),
            Some(&training_link(training.id)),
        )
        .await?,
    ];
    sent.extend(release_seat(db, training.id, now).await?);
    Ok(sent)
}
