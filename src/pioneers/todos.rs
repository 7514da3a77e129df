//! The to-do queues of 青年先锋 and recognitions (`supervision.md` §5).
use entity::recognitions::{self, Column as R, RecognitionStatus};
use sea_orm::sea_query::Condition;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::error::ApiResult;
use crate::todos::{self, TodoContext, TodoCount, TodoQueue};

/// Recognitions recorded by a unit whose parent is the caller's unit or below it (the
/// province's own for province cadres), not by the caller.
async fn recognitions_to_confirm(cx: &TodoContext<'_>) -> ApiResult<TodoCount> {
    let Some(cadre) = cx.cadre() else {
        return Ok(TodoCount::default());
    };
    let units = super::recognitions::confirmed_units(cadre);
    if units.is_empty() {
        return Ok(TodoCount::default());
    }
    todos::count_with_overdue(
        cx.db,
        recognitions::Entity::find()
            .filter(R::Status.eq(RecognitionStatus::Recorded))
            .filter(R::RecordedBy.ne(cx.user_id()))
            .filter(R::RecordedByUnitCode.is_in(units)),
        Condition::all().add(R::UpdatedAt.lt(cx.review_due_before())),
    )
    .await
}

pub const RECOGNITIONS_TO_CONFIRM: TodoQueue = TodoQueue {
    queue: "recognitions_to_confirm",
    label: "待确认的表彰荣誉",
    link: "/admin/recognitions?status=recorded",
    serves: todos::cadres,
    count: |cx| Box::pin(recognitions_to_confirm(cx)),
};
