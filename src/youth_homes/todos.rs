//! The to-do queues of the registries (`supervision.md` §4): homes and projects waiting for
//! verification by the caller's unit (the parent of their township's local unit, or above),
//! not the caller's own registrations.
use entity::signature_projects::{self as projects, Column as P, ProjectStatus};
use entity::youth_homes::{self as homes, Column as H, YouthHomeStatus};
use sea_orm::sea_query::{Condition, IntoColumnRef};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::auth::CadreScope;
use crate::error::ApiResult;
use crate::todos::{self, TodoContext, TodoCount, TodoQueue};

/// The places whose records the cadre verifies: the scopes of the local units strictly below
/// the cadre's unit (their parent, the checker, is the cadre's unit or below it).
/// `None` when there are none (a local unit's cadre verifies nothing).
pub fn checked_places(cadre: &CadreScope, col: impl IntoColumnRef + Clone) -> Option<Condition> {
    let tree = cadre.tree();
    let mut any = Condition::any();
    let mut some = false;
    for u in tree.units_within(&cadre.unit) {
        if u.code != cadre.unit.code && tree.children(&u.code).is_empty() {
            some = true;
            any = any.add(u.scope.condition(col.clone()));
        }
    }
    some.then_some(any)
}

async fn homes_to_verify(cx: &TodoContext<'_>) -> ApiResult<TodoCount> {
    let Some(places) = cx.cadre().and_then(|c| checked_places(c, H::TownshipCode)) else {
        return Ok(TodoCount::default());
    };
    todos::count_with_overdue(
        cx.db,
        homes::Entity::find()
            .filter(H::Status.ne(YouthHomeStatus::Closed))
            .filter(H::VerifiedAt.is_null())
            .filter(H::CreatedBy.ne(cx.user_id()))
            .filter(places),
        Condition::all().add(H::UpdatedAt.lt(cx.review_due_before())),
    )
    .await
}

async fn projects_to_verify(cx: &TodoContext<'_>) -> ApiResult<TodoCount> {
    let Some(places) = cx.cadre().and_then(|c| checked_places(c, P::TownshipCode)) else {
        return Ok(TodoCount::default());
    };
    todos::count_with_overdue(
        cx.db,
        projects::Entity::find()
            .filter(P::Status.ne(ProjectStatus::Ended))
            .filter(P::VerifiedAt.is_null())
            .filter(P::CreatedBy.ne(cx.user_id()))
            .filter(places),
        Condition::all().add(P::UpdatedAt.lt(cx.review_due_before())),
    )
    .await
}

pub const HOMES_TO_VERIFY: TodoQueue = TodoQueue {
    queue: "youth_homes_to_verify",
    label: "待核验的青年之家",
    link: "/admin/youth-homes?verified=false",
    serves: todos::cadres,
    count: |cx| Box::pin(homes_to_verify(cx)),
};

pub const PROJECTS_TO_VERIFY: TodoQueue = TodoQueue {
    queue: "signature_projects_to_verify",
    label: "待核验的标志性服务项目",
    link: "/admin/signature-projects?verified=false",
    serves: todos::cadres,
    count: |cx| Box::pin(projects_to_verify(cx)),
};
