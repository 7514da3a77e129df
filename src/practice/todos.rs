//! The practice to-do queues of local-unit cadres (conventions §11, issue 12 point 7), both
//! counted by the position's place in the cadre's unit, overdue after
//! `JIQING_REVIEW_DUE_DAYS` of waiting:
//! - `practice_applications_to_decide`: submitted applications at positions whose host unit has
//!   no active supervisor (none bound, or every one revoked) or is suspended, so only the
//!   cadre can select;
//! - `practice_reports_to_review`: submitted reports;
//! - `practice_placements_to_evaluate`: placements on duty or completed whose position has ended
//!   (China date after `ends_on`) and that have no evaluation yet, overdue from `ends_on` + 7 days;
//! - `practice_certificates_to_issue`: completed placements with an accepted report (a
//!   certified one is no longer `completed`), overdue after `JIQING_REVIEW_DUE_DAYS` since
//!   completion. The issue checks (days, grade, evaluator) still decide each one.
//!
//! Only the local unit's cadres act on these (`LOCAL_UNIT_ONLY` above it), so only they have the
//! queues.
use entity::host_units::{self, Column as H, HostStatus};
use entity::practice_applications::{self as apps, ApplicationStatus, Column as A};
use entity::practice_positions::{self as positions, Column as P};
use entity::practice_reports::{self as reports, Column as R, PracticeReportStatus};
use sea_orm::sea_query::{Condition, Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::error::ApiResult;
use crate::todos::{self, TodoContext, TodoCount, TodoQueue};

/// Host units whose supervisors cannot act: suspended, or without an active supervisor.
fn hosts_without_acting_supervisor() -> Condition {
    let suspended = Query::select()
        .column(H::Id)
        .from(host_units::Entity)
        .and_where(Expr::col(H::Status).eq(crate::choices::code(HostStatus::Suspended)))
        .to_owned();
    Condition::any()
        .add(A::HostUnitId.in_subquery(suspended))
        .add(Expr::cust(
            "NOT EXISTS (SELECT 1 FROM host_supervisors s \
             WHERE s.host_unit_id = practice_applications.host_unit_id \
             AND s.accepted_at IS NOT NULL AND s.revoked_at IS NULL)",
        ))
}

async fn count_applications_to_decide(cx: &TodoContext<'_>) -> ApiResult<TodoCount> {
    todos::cadre_review_queue(
        cx,
        apps::Entity::find()
            .filter(A::Status.eq(ApplicationStatus::Submitted))
            .filter(hosts_without_acting_supervisor()),
        A::RegionCode,
        A::CreatedAt,
    )
    .await
}

async fn count_reports_to_review(cx: &TodoContext<'_>) -> ApiResult<TodoCount> {
    todos::cadre_review_queue(
        cx,
        reports::Entity::find().filter(R::Status.eq(PracticeReportStatus::Submitted)),
        R::RegionCode,
        R::SubmittedAt,
    )
    .await
}

pub const APPLICATIONS_TO_DECIDE: TodoQueue = TodoQueue {
    queue: "practice_applications_to_decide",
    label: "待选拔的实践报名（接收单位无可用联系人）",
    link: "/admin/practice/applications?status=submitted",
    serves: todos::local_cadres,
    count: |cx| Box::pin(count_applications_to_decide(cx)),
};

pub const REPORTS_TO_REVIEW: TodoQueue = TodoQueue {
    queue: "practice_reports_to_review",
    label: "待审核的实践报告",
    link: "/admin/practice/reports?status=submitted",
    serves: todos::local_cadres,
    count: |cx| Box::pin(count_reports_to_review(cx)),
};

/// Applications whose position ended before `day` (China date).
fn position_ended_before(day: chrono::NaiveDate) -> Condition {
    Condition::all().add(
        A::PositionId.in_subquery(
            Query::select()
                .column(P::Id)
                .from(positions::Entity)
                .and_where(Expr::col(P::EndsOn).lt(day))
                .to_owned(),
        ),
    )
}

async fn count_placements_to_evaluate(cx: &TodoContext<'_>) -> ApiResult<TodoCount> {
    let Some(cadre) = cx.cadre() else {
        return Ok(TodoCount::default());
    };
    let today = crate::time::today_in_china(cx.now);
    todos::count_with_overdue(
        cx.db,
        apps::Entity::find()
            .filter(A::Status.is_in([ApplicationStatus::OnDuty, ApplicationStatus::Completed]))
            .filter(cadre.unit.scope.condition(A::RegionCode))
            .filter(position_ended_before(today))
            .filter(Expr::cust(
                "NOT EXISTS (SELECT 1 FROM practice_evaluations e \
                 WHERE e.application_id = practice_applications.id)",
            )),
        position_ended_before(today - chrono::Duration::days(7)),
    )
    .await
}

async fn count_certificates_to_issue(cx: &TodoContext<'_>) -> ApiResult<TodoCount> {
    let accepted = Query::select()
        .column(R::ApplicationId)
        .from(reports::Entity)
        .and_where(Expr::col(R::Status).eq(crate::choices::code(PracticeReportStatus::Accepted)))
        .to_owned();
    todos::cadre_review_queue(
        cx,
        apps::Entity::find()
            .filter(A::Status.eq(ApplicationStatus::Completed))
            .filter(A::Id.in_subquery(accepted)),
        A::RegionCode,
        A::CompletedAt,
    )
    .await
}

pub const PLACEMENTS_TO_EVALUATE: TodoQueue = TodoQueue {
    queue: "practice_placements_to_evaluate",
    label: "待评定的实践岗位学生",
    link: "/admin/practice/applications?status=on_duty",
    serves: todos::local_cadres,
    count: |cx| Box::pin(count_placements_to_evaluate(cx)),
};

pub const CERTIFICATES_TO_ISSUE: TodoQueue = TodoQueue {
    queue: "practice_certificates_to_issue",
    label: "待颁发的社会实践证明",
    link: "/admin/practice/applications?status=completed",
    serves: todos::local_cadres,
    count: |cx| Box::pin(count_certificates_to_issue(cx)),
};
