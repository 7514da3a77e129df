//! The mentoring to-do queues of cadres (conventions §11):
//! - `mentors_to_certify`: pending mentor profiles whose service unit lies in the cadre's unit;
//! - `mentorship_requests_to_assign`: requests of youth in the cadre's unit waiting for a mentor,
//!   and expired or declined ones for 14 days after they ended, unless reassigned or the mentee
//!   has asked again since (so the queue can empty);
//! - `mentoring_records_disputed`: guidance records of pairings of youth in the cadre's unit
//!   that the mentee disputed, until a cadre settles them;
//! - `youth_organisations_to_verify`: active unverified organisations the cadre may verify
//!   (the unit's parent is theirs or below it; not their own registrations).
//!
//! Overdue: waiting since the last change for more than `JIQING_REVIEW_DUE_DAYS`.
use chrono::Duration;
use entity::mentor_profiles::{self as profiles, MentorStatus};
use entity::mentoring_records::{self as records, Column as MR, RecordStatus};
use entity::mentorship_requests::{self as requests, Column as R, RequestStatus};
use entity::mentorships::{self, Column as M};
use entity::youth_organisations::{self as orgs, Column as O, OrgStatus};
use sea_orm::sea_query::{Condition, Expr, Query};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::error::ApiResult;
use crate::todos::{self, TodoContext, TodoCount, TodoQueue};

/// Days an expired or declined request stays in the assignment queue.
pub const REASSIGN_QUEUE_DAYS: i64 = 14;

pub const MENTORS_TO_CERTIFY: TodoQueue = TodoQueue {
    queue: "mentors_to_certify",
    label: "待认证创业导师",
    link: "/admin/mentors?status=pending",
    serves: todos::cadres,
    count: |cx| Box::pin(count_mentors_to_certify(cx)),
};

async fn count_mentors_to_certify(cx: &TodoContext<'_>) -> ApiResult<TodoCount> {
    let Some(cadre) = cx.cadre() else {
        return Ok(TodoCount::default());
    };
    todos::count_with_overdue(
        cx.db,
        profiles::Entity::find()
            .filter(profiles::Column::Status.eq(MentorStatus::Pending))
            .filter(
                profiles::Column::ServiceUnitCode.is_in(cadre.tree().codes_within(&cadre.unit)),
            ),
        Condition::all().add(profiles::Column::UpdatedAt.lt(cx.review_due_before())),
    )
    .await
}

pub const REQUESTS_TO_ASSIGN: TodoQueue = TodoQueue {
    queue: "mentorship_requests_to_assign",
    label: "待推荐导师的申请",
    link: "/admin/mentorship-requests?status=awaiting_assignment",
    serves: todos::cadres,
    count: |cx| Box::pin(count_requests_to_assign(cx)),
};

async fn count_requests_to_assign(cx: &TodoContext<'_>) -> ApiResult<TodoCount> {
    let Some(cadre) = cx.cadre() else {
        return Ok(TodoCount::default());
    };
    let reopened = Condition::all()
        .add(R::Status.is_in([RequestStatus::Expired, RequestStatus::Declined]))
        .add(R::ClosedAt.gt(cx.now - Duration::days(REASSIGN_QUEUE_DAYS)))
        .add(Expr::cust(
            "NOT EXISTS (SELECT 1 FROM mentorship_requests o \
             WHERE o.origin_request_id = mentorship_requests.id) \
             AND NOT EXISTS (SELECT 1 FROM mentorship_requests n \
             WHERE n.mentee_user_id = mentorship_requests.mentee_user_id \
             AND n.created_at > mentorship_requests.closed_at)",
        ));
    todos::count_with_overdue(
        cx.db,
        requests::Entity::find()
            .filter(
                Condition::any()
                    .add(R::Status.eq(RequestStatus::AwaitingAssignment))
                    .add(reopened),
            )
            .filter(cadre.unit.scope.condition(R::MenteeRegionCode)),
        Condition::all().add(R::UpdatedAt.lt(cx.review_due_before())),
    )
    .await
}

pub const RECORDS_DISPUTED: TodoQueue = TodoQueue {
    queue: "mentoring_records_disputed",
    label: "有异议的辅导记录",
    link: "/admin/mentorships?hasDisputedRecords=true",
    serves: todos::cadres,
    count: |cx| Box::pin(count_records_disputed(cx)),
};

async fn count_records_disputed(cx: &TodoContext<'_>) -> ApiResult<TodoCount> {
    let Some(cadre) = cx.cadre() else {
        return Ok(TodoCount::default());
    };
    let in_unit = Query::select()
        .column(M::Id)
        .from(mentorships::Entity)
        .cond_where(cadre.unit.scope.condition(M::MenteeRegionCode))
        .to_owned();
    todos::count_with_overdue(
        cx.db,
        records::Entity::find()
            .filter(MR::Status.eq(RecordStatus::Disputed))
            .filter(MR::MentorshipId.in_subquery(in_unit)),
        Condition::all().add(MR::UpdatedAt.lt(cx.review_due_before())),
    )
    .await
}

pub const ORGANISATIONS_TO_VERIFY: TodoQueue = TodoQueue {
    queue: "youth_organisations_to_verify",
    label: "待核验青年组织",
    link: "/admin/youth-organisations?status=active&verified=false",
    serves: todos::cadres,
    count: |cx| Box::pin(count_organisations_to_verify(cx)),
};

async fn count_organisations_to_verify(cx: &TodoContext<'_>) -> ApiResult<TodoCount> {
    let Some(cadre) = cx.cadre() else {
        return Ok(TodoCount::default());
    };
    // Units whose verifier unit (their parent; the province for itself) lies inside the
    // cadre's unit.
    let checkable: Vec<String> = cadre
        .tree()
        .units_within(&cadre.unit)
        .into_iter()
        .filter(|u| u.code != cadre.unit.code || u.parent_code.is_none())
        .map(|u| u.code.clone())
        .collect();
    todos::count_with_overdue(
        cx.db,
        orgs::Entity::find()
            .filter(O::Status.eq(OrgStatus::Active))
            .filter(O::VerifiedAt.is_null())
            .filter(O::UnitCode.is_in(checkable))
            .filter(O::CreatedBy.ne(cadre.user_id)),
        Condition::all().add(O::UpdatedAt.lt(cx.review_due_before())),
    )
    .await
}
