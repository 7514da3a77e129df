use actix_web::{get, post, web};
use chrono::Utc;
use entity::notifications::{self, Column};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use super::dto::{NotificationFilter, NotificationPage, NotificationView, ReadAllResult};
use crate::app_state::AppState;
use crate::auth::{CurrentUser, InlineSession};
use crate::error::{ApiError, ApiResult, ErrorEnvelope};
use crate::pagination::{EXTRA, PageQuery, TOTAL, WithExtra, total_column};

/// The caller's notifications, newest first, with the number still unread.
#[utoipa::path(
    tag = "notifications",
    operation_id = "list_my_notifications",
    security(("bearer" = [])),
    params(PageQuery, NotificationFilter),
    responses(
        (status = 200, body = NotificationPage),
        (status = 422, body = ErrorEnvelope)
    )
)]
#[get("/me/notifications")]
pub async fn list_my_notifications(
    state: web::Data<AppState>,
    user: InlineSession,
    page: crate::input::Query<PageQuery>,
    filter: crate::input::Query<NotificationFilter>,
) -> ApiResult<web::Json<NotificationPage>> {
    user.settle(my_notifications(&state, &user, &page, &filter))
        .await
        .map(web::Json)
}

/// The body of [`list_my_notifications`]: the page, and whether its statement returned rows.
async fn my_notifications(
    state: &AppState,
    user: &InlineSession,
    page: &PageQuery,
    filter: &NotificationFilter,
) -> ApiResult<(NotificationPage, bool)> {
    let (page, page_size) = page.parts()?;
    let mine = Column::UserId.eq(user.user_id);
    let mut query = notifications::Entity::find()
        .filter(mine.clone())
        .filter(user.is_live());
    if filter.unread_only == Some(true) {
        query = query.filter(Column::ReadAt.is_null());
    }
    // The page, the total and the unread count in one statement (window aggregates over the
    // filtered rows; with `unreadOnly` every row is unread, so the two counts agree).
    let rows: Vec<WithExtra<notifications::Model>> = query
        .clone()
        .column_as(total_column(), TOTAL)
        .column_as(
            Expr::cust("SUM(CASE WHEN read_at IS NULL THEN 1 ELSE 0 END) OVER ()"),
            EXTRA,
        )
        .order_by_desc(Column::CreatedAt)
        .order_by_desc(Column::Id)
        .offset((page - 1) * page_size)
        .limit(page_size)
        .into_model()
        .all(&state.db)
        .await?;
    let found = !rows.is_empty();
    let (total, unread_count) = match rows.first() {
        Some(r) => (r.row.total.max(0) as u64, r.extra.max(0) as u64),
        // An empty first page: the caller has no (unread) notifications at all.
        None if page <= 1 => (0, 0),
        None => (
            query.count(&state.db).await?,
            notifications::Entity::find()
                .filter(mine)
                .filter(Column::ReadAt.is_null())
                .count(&state.db)
                .await?,
        ),
    };
    let page = NotificationPage {
        items: rows.into_iter().map(|r| r.row.row.into()).collect(),
        total,
        page,
        page_size,
        unread_count,
    };
    Ok((page, found))
}

/// Mark one of the caller's notifications as read (repeating it changes nothing).
#[utoipa::path(
    tag = "notifications",
    operation_id = "read_notification",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = NotificationView),
        (status = 404, body = ErrorEnvelope)
    )
)]
#[post("/me/notifications/{id}/read")]
pub async fn read_notification(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<NotificationView>> {
    let id = id.into_inner();
    notifications::Entity::update_many()
        .col_expr(Column::ReadAt, Expr::value(Utc::now()))
        .filter(Column::Id.eq(id))
        .filter(Column::UserId.eq(user.id()))
        .filter(Column::ReadAt.is_null())
        .exec(&state.db)
        .await?;
    let note = notifications::Entity::find_by_id(id)
        .filter(Column::UserId.eq(user.id()))
        .one(&state.db)
        .await?
        .ok_or_else(|| ApiError::not_found("通知"))?;
    Ok(web::Json(note.into()))
}

/// Mark all of the caller's notifications as read.
#[utoipa::path(
    tag = "notifications",
    operation_id = "read_all_notifications",
    security(("bearer" = [])),
    responses(
        (status = 200, body = ReadAllResult),
        (status = 401, body = ErrorEnvelope)
    )
)]
#[post("/me/notifications/read-all")]
pub async fn read_all_notifications(
    state: web::Data<AppState>,
    user: CurrentUser,
) -> ApiResult<web::Json<ReadAllResult>> {
    let result = notifications::Entity::update_many()
        .col_expr(Column::ReadAt, Expr::value(Utc::now()))
        .filter(Column::UserId.eq(user.id()))
        .filter(Column::ReadAt.is_null())
        .exec(&state.db)
        .await?;
    Ok(web::Json(ReadAllResult {
        marked: result.rows_affected,
    }))
}
