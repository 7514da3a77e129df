//! Cadres publish, edit, list and cancel trainings in their region.
use actix_web::{HttpResponse, get, post, put, web};
use chrono::{DateTime, Utc};
use entity::notifications::NotificationKind;
use entity::training_enrollments::{self as enrollments, Column as E};
use entity::trainings::{self, Column as T};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use uuid::Uuid;

use super::dto::{CancelTrainingRequest, TrainingFilter, TrainingRequest, TrainingView};
use super::listing::apply_filter;
use super::rules::{
    DEFAULT_OFFER_VALID_MINUTES, EnrollmentStatus as S, TrainingStatus, is_organiser_level,
};
use super::seats::{lock_training, offer_free_seats, training_link};
use super::state::{EnrollmentAction, TrainingAction};
use crate::app_state::AppState;
use crate::auth::Cadre;
use crate::choices;
use crate::error::{ApiError, ApiResult, ErrorEnvelope};
use crate::input::Json;
use crate::notifications::{deliver, notify};
use crate::pagination::{Page, PageQuery};
use crate::regions;
use crate::time::to_china;
use crate::workflow::transition::record_creation;
use crate::workflow::{Actor, Transition, events};

/// Check a training request against the rules no attribute can express.
async fn check(
    db: &impl ConnectionTrait,
    cadre: &Cadre,
    body: &TrainingRequest,
    now: DateTime<Utc>,
) -> ApiResult<()> {
    if body.title.trim().is_empty() {
        return Err(ApiError::field("title", "REQUIRED", "培训名称不能为空"));
    }
    regions::queries::require(db, &body.region_code, "regionCode").await?;
    if !is_organiser_level(&body.region_code) {
        return Err(ApiError::field(
            "regionCode",
            "LEVEL",
            "主办区划须为省、市（州）或县（市、区）",
        ));
    }
    cadre.ensure_covers(&body.region_code)?;
    let blank = |v: &Option<String>| v.as_deref().is_none_or(|s| s.trim().is_empty());
    if blank(&body.venue) && blank(&body.online_url) {
        return Err(ApiError::field(
            "venue",
            "REQUIRED",
            "请填写培训地点或线上链接",
        ));
    }
    if body.ends_at <= body.starts_at {
        return Err(ApiError::field("endsAt", "RANGE", "结束时间须晚于开始时间"));
    }
    if body.ends_at.with_timezone(&Utc) <= now {
        return Err(ApiError::field("endsAt", "RANGE", "培训已结束，不能发布"));
    }
    if body.signup_deadline > body.ends_at {
        return Err(ApiError::field(
            "signupDeadline",
            "RANGE",
            "报名截止时间不能晚于培训结束时间",
        ));
    }
    Ok(())
}

/// Publish a training in the cadre's region.
#[utoipa::path(
    tag = "trainings",
    operation_id = "create_training",
    security(("bearer" = [])),
    request_body = TrainingRequest,
    responses(
        (status = 201, body = TrainingView),
        (status = 403, body = ErrorEnvelope, description = "OUTSIDE_REGION"),
        (status = 422, body = ErrorEnvelope)
    )
)]
#[post("/admin/trainings")]
pub async fn create_training(
    state: web::Data<AppState>,
    cadre: Cadre,
    body: Json<TrainingRequest>,
) -> ApiResult<HttpResponse> {
    let now = Utc::now();
    check(&state.db, &cadre, &body, now).await?;
    let payload = events::payload(&*body);
    let b = body.into_inner();
    let txn = crate::db::begin(&state.db).await?;
    let training = trainings::ActiveModel {
        id: Set(Uuid::now_v7()),
        title: Set(b.title.trim().to_owned()),
        category: Set(b.category),
        description: Set(b.description),
        region_code: Set(b.region_code),
        venue: Set(b.venue.filter(|v| !v.trim().is_empty())),
        online_url: Set(b.online_url.filter(|v| !v.trim().is_empty())),
        starts_at: Set(b.starts_at.with_timezone(&Utc)),
        ends_at: Set(b.ends_at.with_timezone(&Utc)),
        signup_deadline: Set(b.signup_deadline.with_timezone(&Utc)),
        capacity: Set(b.capacity),
        taken: Set(0),
        waitlist_seq: Set(0),
        requires_verified: Set(b.requires_verified),
        waitlist_open: Set(b.waitlist_open),
        offer_valid_minutes: Set(b.offer_valid_minutes.unwrap_or(DEFAULT_OFFER_VALID_MINUTES)),
        status: Set(TrainingStatus::Published),
        cancel_reason: Set(None),
        version: Set(1),
        created_by: Set(cadre.user_id),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    let actor = Actor::cadre(&cadre);
    record_creation(
        &txn,
        &training,
        TrainingAction::Create,
        &actor,
        payload,
        None,
    )
    .await?;
    txn.commit().await?;
    Ok(HttpResponse::Created().json(TrainingView::new(training, now)))
}

/// Edit a training (every field). The capacity cannot drop below the seats already taken; raising
/// it offers the new seats to the waiting list at once.
#[utoipa::path(
    tag = "trainings",
    operation_id = "update_training",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = TrainingRequest,
    responses(
        (status = 200, body = TrainingView),
        (status = 403, body = ErrorEnvelope, description = "OUTSIDE_REGION"),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "TRAINING_CANCELLED"),
        (status = 422, body = ErrorEnvelope, description = "capacity below the seats taken, and other field errors")
    )
)]
#[put("/admin/trainings/{id}")]
pub async fn update_training(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
    body: Json<TrainingRequest>,
) -> ApiResult<web::Json<TrainingView>> {
    let now = Utc::now();
    let id = id.into_inner();
    // 404 for trainings outside the region; the edit itself re-reads under the row lock.
    find_visible(&state.db, &cadre, id).await?;
    check(&state.db, &cadre, &body, now).await?;
    let payload = events::payload(&*body);
    let b = body.into_inner();
    let actor = Actor::cadre(&cadre);
    let txn = crate::db::begin(&state.db).await?;
    let current = lock_training(&txn, id).await?;
    if current.status == TrainingStatus::Cancelled {
        return Err(ApiError::Conflict(
            "TRAINING_CANCELLED",
            "培训已取消，不能再修改".into(),
        ));
    }
    if b.capacity < current.taken {
        return Err(ApiError::field(
            "capacity",
            "BELOW_TAKEN",
            format!("名额不能少于已占用的{}个", current.taken),
        ));
    }
    let edited = Edited {
        title: b.title.trim().to_owned(),
        category: b.category,
        description: b.description,
        region_code: b.region_code,
        venue: b.venue.filter(|v| !v.trim().is_empty()),
        online_url: b.online_url.filter(|v| !v.trim().is_empty()),
        starts_at: b.starts_at.with_timezone(&Utc),
        ends_at: b.ends_at.with_timezone(&Utc),
        signup_deadline: b.signup_deadline.with_timezone(&Utc),
        capacity: b.capacity,
        requires_verified: b.requires_verified,
        waitlist_open: b.waitlist_open,
        offer_valid_minutes: b.offer_valid_minutes.unwrap_or(DEFAULT_OFFER_VALID_MINUTES),
    };
    // The same edit again (a retry) writes nothing and logs nothing.
    if edited == Edited::of(&current) {
        txn.commit().await?;
        return Ok(web::Json(TrainingView::new(current, now)));
    }
    // Participants hear about changes to when and where.
    let moved = current.starts_at != edited.starts_at
        || current.ends_at != edited.ends_at
        || current.venue != edited.venue
        || current.online_url != edited.online_url;
    let training = Transition::new(&current, TrainingAction::Edit, &actor)
        .set(T::Title, Expr::value(edited.title))
        .set(T::Category, Expr::value(choices::code(edited.category)))
        .set(T::Description, Expr::value(edited.description))
        .set(T::RegionCode, Expr::value(edited.region_code))
        .set(T::Venue, Expr::value(edited.venue))
        .set(T::OnlineUrl, Expr::value(edited.online_url))
        .set(T::StartsAt, Expr::value(edited.starts_at))
        .set(T::EndsAt, Expr::value(edited.ends_at))
        .set(T::SignupDeadline, Expr::value(edited.signup_deadline))
        .set(T::Capacity, Expr::value(edited.capacity))
        .set(T::RequiresVerified, Expr::value(edited.requires_verified))
        .set(T::WaitlistOpen, Expr::value(edited.waitlist_open))
        .set(
            T::OfferValidMinutes,
            Expr::value(edited.offer_valid_minutes),
        )
        .set(T::UpdatedAt, Expr::value(now))
        .payload_json(payload)
        .run(&txn)
        .await?
        .into_record();
    let mut sent = Vec::new();
    if moved {
        let when = to_china(training.starts_at).format("%Y-%m-%d %H:%M");
        let place = training
            .venue
            .clone()
            .or_else(|| training.online_url.clone())
            .unwrap_or_default();
        for person in active_participants(&txn, id).await? {
            sent.push(
                notify(
                    &txn,
                    person.user_id,
                    NotificationKind::TrainingChanged,
                    "培训信息有变更",
                    &format!(
                        "「{}」的时间或地点已调整：{when}开始，地点：{place}",
                        training.title
                    ),
                    Some(&training_link(id)),
                )
                .await?,
            );
        }
    }
    sent.extend(offer_free_seats(&txn, id, now).await?);
    let training = lock_training(&txn, id).await?;
    txn.commit().await?;
    deliver(&state, sent);
    Ok(web::Json(TrainingView::new(training, now)))
}

/// The fields an edit replaces, to tell a real change from a repeat.
#[derive(Debug, PartialEq, Eq)]
struct Edited {
    title: String,
    category: super::rules::Category,
    description: String,
    region_code: String,
    venue: Option<String>,
    online_url: Option<String>,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    signup_deadline: DateTime<Utc>,
    capacity: i32,
    requires_verified: bool,
    waitlist_open: bool,
    offer_valid_minutes: i32,
}

impl Edited {
    fn of(t: &trainings::Model) -> Self {
        Self {
            title: t.title.clone(),
            category: t.category,
            description: t.description.clone(),
            region_code: t.region_code.clone(),
            venue: t.venue.clone(),
            online_url: t.online_url.clone(),
            starts_at: t.starts_at,
            ends_at: t.ends_at,
            signup_deadline: t.signup_deadline,
            capacity: t.capacity,
            requires_verified: t.requires_verified,
            waitlist_open: t.waitlist_open,
            offer_valid_minutes: t.offer_valid_minutes,
        }
    }
}

/// A training inside the cadre's region, or 404.
pub async fn find_visible(
    db: &impl ConnectionTrait,
    cadre: &Cadre,
    id: Uuid,
) -> ApiResult<trainings::Model> {
    let training = trainings::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("培训"))?;
    cadre.ensure_visible(&training.region_code, "培训")?;
    Ok(training)
}

/// Trainings organised in the cadre's region (or any region inside it), latest start first.
#[utoipa::path(
    tag = "trainings",
    operation_id = "list_admin_trainings",
    security(("bearer" = [])),
    params(PageQuery, TrainingFilter),
    responses(
        (status = 200, body = Page<TrainingView>),
        (status = 403, body = ErrorEnvelope),
        (status = 422, body = ErrorEnvelope)
    )
)]
#[get("/admin/trainings")]
pub async fn list_admin_trainings(
    state: web::Data<AppState>,
    cadre: Cadre,
    page: crate::input::Query<PageQuery>,
    filter: crate::input::Query<TrainingFilter>,
) -> ApiResult<web::Json<Page<TrainingView>>> {
    let parts = page.parts()?;
    let now = Utc::now();
    let query = apply_filter(
        trainings::Entity::find().filter(cadre.unit.scope.condition(T::RegionCode)),
        &filter,
        now,
    )
    .order_by_desc(T::StartsAt)
    .order_by_desc(T::Id);
    Ok(web::Json(
        crate::pagination::fetch_page(query, &state.db, parts, |t| TrainingView::new(t, now))
            .await?,
    ))
}

/// One training of the cadre's region.
#[utoipa::path(
    tag = "trainings",
    operation_id = "get_admin_training",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = TrainingView),
        (status = 403, body = ErrorEnvelope),
        (status = 404, body = ErrorEnvelope)
    )
)]
#[get("/admin/trainings/{id}")]
pub async fn get_admin_training(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<TrainingView>> {
    let training = find_visible(&state.db, &cadre, id.into_inner()).await?;
    Ok(web::Json(TrainingView::new(training, Utc::now())))
}

/// Cancel a training. Everyone enrolled, offered or waiting is told why. The same cadre
/// repeating it with the same reason gets 200.
#[utoipa::path(
    tag = "trainings",
    operation_id = "cancel_training",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = CancelTrainingRequest,
    responses(
        (status = 200, body = TrainingView),
        (status = 403, body = ErrorEnvelope, description = "OUTSIDE_REGION"),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "INVALID_STATE: already cancelled"),
        (status = 422, body = ErrorEnvelope)
    )
)]
#[post("/admin/trainings/{id}/cancellations")]
pub async fn cancel_training(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
    body: Json<CancelTrainingRequest>,
) -> ApiResult<web::Json<TrainingView>> {
    let reason = body.reason.trim().to_owned();
    let now = Utc::now();
    let id = id.into_inner();
    find_visible(&state.db, &cadre, id).await?;
    let actor = Actor::cadre(&cadre);
    let txn = crate::db::begin(&state.db).await?;
    let current = lock_training(&txn, id).await?;
    let applied = Transition::new(&current, TrainingAction::Cancel, &actor)
        .set(T::CancelReason, Expr::value(reason.as_str()))
        .set(T::UpdatedAt, Expr::value(now))
        .reason(Some(reason.as_str()))
        .payload(&*body)
        .run(&txn)
        .await?;
    let mut sent = Vec::new();
    if applied.is_done() {
        for person in active_participants(&txn, id).await? {
            let moved = Transition::new(&person, EnrollmentAction::TrainingCancel, &actor)
                .set(E::UpdatedAt, Expr::value(now))
                .reason(Some(reason.as_str()))
                .attempt(&txn)
                .await?
                .is_some();
            if moved {
                sent.push(
                    notify(
                        &txn,
                        person.user_id,
                        NotificationKind::TrainingCancelled,
                        "培训已取消",
                        &format!("您报名的「{}」已取消。原因：{reason}", current.title),
                        Some(&training_link(id)),
                    )
                    .await?,
                );
            }
        }
    }
    let training = lock_training(&txn, id).await?;
    txn.commit().await?;
    deliver(&state, sent);
    Ok(web::Json(TrainingView::new(training, now)))
}

/// Everyone enrolled, offered a seat or waiting.
async fn active_participants(
    db: &impl ConnectionTrait,
    training_id: Uuid,
) -> ApiResult<Vec<enrollments::Model>> {
    Ok(enrollments::Entity::find()
        .filter(E::TrainingId.eq(training_id))
        .filter(E::Status.is_in([S::Enrolled, S::Waiting, S::Offered]))
        .all(db)
        .await?)
}
