//! `hope_rooms_to_accept` (`supervision.md` §6): rooms under construction waiting for the
//! caller's unit (the parent of their local unit, or above), not the caller's own.
use entity::hope_rooms::{self as rooms, Column as R, HopeRoomStatus};
use sea_orm::sea_query::Condition;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::error::ApiResult;
use crate::todos::{self, TodoContext, TodoCount, TodoQueue};
use crate::youth_homes::todos::checked_places;

async fn to_accept(cx: &TodoContext<'_>) -> ApiResult<TodoCount> {
    let Some(places) = cx.cadre().and_then(|c| checked_places(c, R::RegionCode)) else {
        return Ok(TodoCount::default());
    };
    todos::count_with_overdue(
        cx.db,
        rooms::Entity::find()
            .filter(R::Status.eq(HopeRoomStatus::UnderConstruction))
            .filter(R::CreatedBy.ne(cx.user_id()))
            .filter(places),
        Condition::all().add(R::UpdatedAt.lt(cx.review_due_before())),
    )
    .await
}

pub const ROOMS_TO_ACCEPT: TodoQueue = TodoQueue {
    queue: "hope_rooms_to_accept",
    label: "待验收的希望小屋",
    link: "/admin/hope-rooms?status=under_construction",
    serves: todos::cadres,
    count: |cx| Box::pin(to_accept(cx)),
};
