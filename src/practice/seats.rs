//! The counters of selection (conventions §6), each moved by one conditional update in the
//! transaction of the state change, never counted then inserted:
//!
//! - a position's seats: `taken < slots` to offer, released by decline, lapse and withdrawal;
//! - a student's open applications per campaign (submitted + offered) and their one placement
//!   (`practice_student_campaigns`);
//! - placements that went on duty per campaign and local unit (`practice_grade_quota.placed`).
//!
//! Lock order: the position, then the student-campaign row, then the application.
use entity::practice_grade_quota::{self, Column as Q};
use entity::practice_positions::{self, Column as P, PositionStatus};
use entity::practice_student_campaigns::{self, Column as G};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use crate::error::{ApiError, ApiResult};

pub fn position_full() -> ApiError {
    ApiError::Conflict("POSITION_FULL", "该岗位名额已满".into())
}

pub fn already_placed() -> ApiError {
    ApiError::Conflict(
        "ALREADY_PLACED",
        "您在本次实践活动中已确认了一个岗位，不能再确认其他岗位".into(),
    )
}

pub fn too_many_applications(max: u32) -> ApiError {
    ApiError::Conflict(
        "TOO_MANY_APPLICATIONS",
        format!("同一实践活动中最多同时报名{max}个岗位，请等待结果或撤回其他报名"),
    )
}

/// Take one seat of a position still recruiting (published, or closed: a closed position keeps
/// selecting from the applications in hand). Zero rows: 409 `POSITION_FULL`.
pub async fn take_seat(db: &impl ConnectionTrait, position_id: Uuid) -> ApiResult<()> {
    let hit = practice_positions::Entity::update_many()
        .col_expr(P::Taken, Expr::col(P::Taken).add(1))
        .filter(P::Id.eq(position_id))
        .filter(P::Status.is_in([PositionStatus::Published, PositionStatus::Closed]))
        .filter(Expr::col(P::Taken).lt(Expr::col(P::Slots)))
        .exec(db)
        .await?
        .rows_affected;
    if hit == 0 {
        return Err(position_full());
    }
    Ok(())
}

/// Give a seat back (never below zero).
pub async fn release_seat(db: &impl ConnectionTrait, position_id: Uuid) -> ApiResult<()> {
    practice_positions::Entity::update_many()
        .col_expr(P::Taken, Expr::col(P::Taken).sub(1))
        .filter(P::Id.eq(position_id))
        .filter(P::Taken.gt(0))
        .exec(db)
        .await?;
    Ok(())
}

/// The student's guard row for a campaign, made on first use.
pub async fn ensure_student_campaign(
    db: &impl ConnectionTrait,
    student: Uuid,
    campaign: Uuid,
) -> ApiResult<()> {
    practice_student_campaigns::Entity::insert(practice_student_campaigns::ActiveModel {
        student_user_id: Set(student),
        campaign_id: Set(campaign),
        open_applications: Set(0),
        placed_application_id: Set(None),
    })
    .on_conflict(
        OnConflict::columns([G::StudentUserId, G::CampaignId])
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(())
}

async fn guard_row(
    db: &impl ConnectionTrait,
    student: Uuid,
    campaign: Uuid,
) -> ApiResult<Option<practice_student_campaigns::Model>> {
    Ok(
        practice_student_campaigns::Entity::find_by_id((student, campaign))
            .one(db)
            .await?,
    )
}

/// One more open application, while below `max` and not yet placed in the campaign: else 409
/// `TOO_MANY_APPLICATIONS` or `ALREADY_PLACED`.
pub async fn open_application(
    db: &impl ConnectionTrait,
    student: Uuid,
    campaign: Uuid,
    max: u32,
) -> ApiResult<()> {
    ensure_student_campaign(db, student, campaign).await?;
    let limit = i32::try_from(max).unwrap_or(i32::MAX);
    let hit = practice_student_campaigns::Entity::update_many()
        .col_expr(G::OpenApplications, Expr::col(G::OpenApplications).add(1))
        .filter(G::StudentUserId.eq(student))
        .filter(G::CampaignId.eq(campaign))
        .filter(G::PlacedApplicationId.is_null())
        .filter(Expr::col(G::OpenApplications).add(1).lte(limit))
        .exec(db)
        .await?
        .rows_affected;
    if hit == 0 {
        let placed = guard_row(db, student, campaign)
            .await?
            .is_some_and(|g| g.placed_application_id.is_some());
        return Err(if placed {
            already_placed()
        } else {
            too_many_applications(max)
        });
    }
    Ok(())
}

/// An application left submitted/offered for anything but `offered`.
pub async fn close_application(
    db: &impl ConnectionTrait,
    student: Uuid,
    campaign: Uuid,
) -> ApiResult<()> {
    practice_student_campaigns::Entity::update_many()
        .col_expr(G::OpenApplications, Expr::col(G::OpenApplications).sub(1))
        .filter(G::StudentUserId.eq(student))
        .filter(G::CampaignId.eq(campaign))
        .filter(G::OpenApplications.gt(0))
        .exec(db)
        .await?;
    Ok(())
}

/// Place the student with `application` (confirming an offer): the offer leaves the open
/// count. `Ok(false)` when the application already is the placement (a repeat); 409
/// `ALREADY_PLACED` when another one is.
pub async fn place(
    db: &impl ConnectionTrait,
    student: Uuid,
    campaign: Uuid,
    application: Uuid,
) -> ApiResult<bool> {
    ensure_student_campaign(db, student, campaign).await?;
    let hit = practice_student_campaigns::Entity::update_many()
        .col_expr(G::PlacedApplicationId, Expr::value(application))
        .filter(G::StudentUserId.eq(student))
        .filter(G::CampaignId.eq(campaign))
        .filter(G::PlacedApplicationId.is_null())
        .exec(db)
        .await?
        .rows_affected;
    if hit > 0 {
        close_application(db, student, campaign).await?;
        return Ok(true);
    }
    match guard_row(db, student, campaign).await? {
        Some(g) if g.placed_application_id == Some(application) => Ok(false),
        _ => Err(already_placed()),
    }
}

/// The placement ended before it began (withdrawn, position cancelled): the student may be
/// placed again in the campaign.
pub async fn unplace(
    db: &impl ConnectionTrait,
    student: Uuid,
    campaign: Uuid,
    application: Uuid,
) -> ApiResult<()> {
    practice_student_campaigns::Entity::update_many()
        .col_expr(G::PlacedApplicationId, Expr::value(Option::<Uuid>::None))
        .filter(G::StudentUserId.eq(student))
        .filter(G::CampaignId.eq(campaign))
        .filter(G::PlacedApplicationId.eq(application))
        .exec(db)
        .await?;
    Ok(())
}

/// A placement went on duty (`delta` 1) or an on-duty one was dropped (`delta` −1), in the
/// campaign's count for the position's local unit.
pub async fn count_placed(
    db: &impl ConnectionTrait,
    campaign: Uuid,
    unit_code: &str,
    delta: i32,
) -> ApiResult<()> {
    ensure_quota_row(db, campaign, unit_code).await?;
    let mut q = practice_grade_quota::Entity::update_many()
        .col_expr(Q::Placed, Expr::col(Q::Placed).add(delta))
        .filter(Q::CampaignId.eq(campaign))
        .filter(Q::UnitCode.eq(unit_code));
    if delta < 0 {
        q = q.filter(Expr::col(Q::Placed).add(delta).gte(0));
    }
    q.exec(db).await?;
    Ok(())
}

/// The 优秀 quota row of a campaign and local unit, made on first use.
pub async fn ensure_quota_row(
    db: &impl ConnectionTrait,
    campaign: Uuid,
    unit_code: &str,
) -> ApiResult<()> {
    practice_grade_quota::Entity::insert(practice_grade_quota::ActiveModel {
        campaign_id: Set(campaign),
        unit_code: Set(unit_code.to_owned()),
        placed: Set(0),
        excellent: Set(0),
    })
    .on_conflict(
        OnConflict::columns([Q::CampaignId, Q::UnitCode])
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(())
}
