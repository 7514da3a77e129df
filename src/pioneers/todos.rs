//! The to-do queues of 青年先锋 and recognitions (`supervision.md` §5): nominations to qualify
//! (the nominee's local unit), to shortlist and to name and open objections (the round's unit),
//! recognitions to confirm (the recording unit's parent unit or above).
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

/// The rounds of the cadre's own unit, as a condition on a `round_id` column.
fn own_rounds(
    cx: &TodoContext<'_>,
    col: impl sea_orm::sea_query::IntoColumnRef,
) -> Option<sea_orm::sea_query::SimpleExpr> {
    use entity::pioneer_rounds::{self as rounds, Column as RC};
    use sea_orm::sea_query::{Expr, ExprTrait, Query};
    let cadre = cx.cadre()?;
    Some(
        Expr::col(col).in_subquery(
            Query::select()
                .column(RC::Id)
                .from(rounds::Entity)
                .and_where(ExprTrait::eq(
                    Expr::col(RC::AreaUnitCode),
                    cadre.unit.code.clone(),
                ))
                .to_owned(),
        ),
    )
}

/// Nominations waiting for 资格审查 by the caller's local unit.
async fn to_qualify(cx: &TodoContext<'_>) -> ApiResult<TodoCount> {
    use entity::pioneer_nominations::{self as n, Column as N, NominationStatus};
    let Some(cadre) = cx.cadre() else {
        return Ok(TodoCount::default());
    };
    todos::count_with_overdue(
        cx.db,
        n::Entity::find()
            .filter(N::Status.eq(NominationStatus::Nominated))
            .filter(cadre.unit.scope.condition(N::RegionCode)),
        Condition::all().add(N::UpdatedAt.lt(cx.review_due_before())),
    )
    .await
}

/// Nominations of the caller's unit's rounds waiting in `status` (to shortlist; to name once
/// publicity has ended).
async fn of_own_rounds(
    cx: &TodoContext<'_>,
    status: entity::pioneer_nominations::NominationStatus,
) -> ApiResult<TodoCount> {
    use entity::pioneer_nominations::{self as n, Column as N, NominationStatus};
    let Some(rounds) = own_rounds(cx, N::RoundId) else {
        return Ok(TodoCount::default());
    };
    let mut q = n::Entity::find()
        .filter(N::Status.eq(status))
        .filter(rounds);
    if status == NominationStatus::InPublicity {
        q = q.filter(N::PublicityEndsAt.lte(cx.now));
    }
    todos::count_with_overdue(
        cx.db,
        q,
        Condition::all().add(N::UpdatedAt.lt(cx.review_due_before())),
    )
    .await
}

async fn objections_open(cx: &TodoContext<'_>) -> ApiResult<TodoCount> {
    use entity::pioneer_objections::{self as o, Column as O, ObjectionStatus};
    let Some(rounds) = own_rounds(cx, O::RoundId) else {
        return Ok(TodoCount::default());
    };
    todos::count_with_overdue(
        cx.db,
        o::Entity::find()
            .filter(O::Status.eq(ObjectionStatus::Open))
            .filter(rounds),
        Condition::all().add(O::CreatedAt.lt(cx.review_due_before())),
    )
    .await
}

pub const NOMINATIONS_TO_QUALIFY: TodoQueue = TodoQueue {
    queue: "pioneer_nominations_to_qualify",
    label: "待资格审查的青年先锋推荐",
    link: "/admin/pioneer-nominations?status=nominated",
    serves: todos::local_cadres,
    count: |cx| Box::pin(to_qualify(cx)),
};

pub const NOMINATIONS_TO_SHORTLIST: TodoQueue = TodoQueue {
    queue: "pioneer_nominations_to_shortlist",
    label: "待审核的青年先锋推荐",
    link: "/admin/pioneer-nominations?status=qualified",
    serves: todos::cadres,
    count: |cx| {
        Box::pin(of_own_rounds(
            cx,
            entity::pioneer_nominations::NominationStatus::Qualified,
        ))
    },
};

pub const NOMINATIONS_TO_NAME: TodoQueue = TodoQueue {
    queue: "pioneer_nominations_to_name",
    label: "公示期满待命名的青年先锋",
    link: "/admin/pioneer-nominations?status=in_publicity",
    serves: todos::cadres,
    count: |cx| {
        Box::pin(of_own_rounds(
            cx,
            entity::pioneer_nominations::NominationStatus::InPublicity,
        ))
    },
};

pub const OBJECTIONS_OPEN: TodoQueue = TodoQueue {
    queue: "pioneer_objections_open",
    label: "待核查的公示异议",
    link: "/admin/pioneer-objections?status=open",
    serves: todos::cadres,
    count: |cx| Box::pin(objections_open(cx)),
};
