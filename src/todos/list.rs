use actix_web::{HttpRequest, get, web};
use futures_util::future::try_join_all;

use super::QUEUES;
use super::dto::{TodoItem, TodoList};
use super::queue::TodoContext;
use crate::app_state::AppState;
use crate::auth::Staff;
use crate::error::{ApiResult, ErrorEnvelope};

/// The caller's to-do counts: every queue they act on (cadres: their league scope; bank officers:
/// their bank), with the number waiting and the number overdue, zeros included, in a stable
/// order. Reviews are overdue after `JIQING_REVIEW_DUE_DAYS` (default 7) days of waiting.
#[utoipa::path(
    tag = "todos",
    operation_id = "list_admin_todos",
    security(("bearer" = [])),
    responses(
        (status = 200, body = TodoList),
        (status = 403, body = ErrorEnvelope, description = "ROLE_REQUIRED: not staff")
    )
)]
#[get("/admin/todos")]
pub async fn list_admin_todos(
    req: HttpRequest,
    state: web::Data<AppState>,
    staff: Staff,
) -> ApiResult<web::Json<TodoList>> {
    let cx = TodoContext {
        db: &state.db,
        staff: &staff,
        settings: &state.settings,
        now: crate::test_hooks::now(&req),
    };
    let queues: Vec<_> = QUEUES.iter().filter(|q| (q.serves)(&staff)).collect();
    let counts = try_join_all(queues.iter().map(|q| (q.count)(&cx))).await?;
    Ok(web::Json(TodoList {
        items: queues
            .into_iter()
            .zip(counts)
            .map(|(q, c)| TodoItem {
                queue: super::dto::QueueName(q.queue),
                label: q.label,
                count: c.count,
                overdue: c.overdue,
                link: q.link,
            })
            .collect(),
    }))
}
