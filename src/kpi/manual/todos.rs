//! The manual reports' to-do queues (`supervision.md` §3): a local unit's report of the last
//! ended quarter still missing, reports waiting for approval by a unit above (not the caller's
//! own figures), approved reports waiting for the province (not the caller's own approval).
use entity::kpi_manual_reports::{self as reports, Column as C, ManualReportStatus};
use sea_orm::sea_query::Condition;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use super::kinds::{KINDS, Period};
use crate::auth::Staff;
use crate::error::ApiResult;
use crate::todos::{self, TodoContext, TodoCount, TodoQueue};

/// Cadres of a local unit (no units below it) owe the periodic reports.
fn local_cadres(staff: &Staff) -> bool {
    matches!(staff, Staff::Cadre(c) if c.unit.parent_code.is_some() && c.tree().children(&c.unit.code).is_empty())
}

/// Cadres of a unit with units below it approve their reports.
fn parent_cadres(staff: &Staff) -> bool {
    matches!(staff, Staff::Cadre(c) if !c.tree().children(&c.unit.code).is_empty())
}

fn province_cadres(staff: &Staff) -> bool {
    matches!(staff, Staff::Cadre(c) if c.is_province())
}

async fn to_submit(cx: &TodoContext<'_>) -> ApiResult<TodoCount> {
    let Some(cadre) = cx.cadre() else {
        return Ok(TodoCount::default());
    };
    let today = crate::time::today_in_china(cx.now);
    let mut missing = 0;
    for kind in KINDS.iter().filter(|k| k.owed_by_local_units) {
        let period = Period::last_ended(kind.periodicity, today);
        let there = reports::Entity::find()
            .filter(C::IndicatorCode.eq(kind.indicator))
            .filter(C::AreaUnitCode.eq(cadre.unit.code.as_str()))
            .filter(C::Period.eq(period.to_string()))
            .count(cx.db)
            .await?;
        missing += u64::from(there == 0);
    }
    Ok(TodoCount {
        count: missing,
        overdue: 0,
    })
}

async fn to_approve(cx: &TodoContext<'_>) -> ApiResult<TodoCount> {
    let Some(cadre) = cx.cadre() else {
        return Ok(TodoCount::default());
    };
    let below: Vec<String> = cadre
        .tree()
        .codes_within(&cadre.unit)
        .into_iter()
        .filter(|c| *c != cadre.unit.code)
        .collect();
    todos::count_with_overdue(
        cx.db,
        reports::Entity::find()
            .filter(C::Status.eq(ManualReportStatus::Submitted))
            .filter(C::AreaUnitCode.is_in(below))
            .filter(C::SubmittedBy.ne(cx.user_id())),
        Condition::all().add(C::UpdatedAt.lt(cx.review_due_before())),
    )
    .await
}

async fn to_accept(cx: &TodoContext<'_>) -> ApiResult<TodoCount> {
    todos::count_with_overdue(
        cx.db,
        reports::Entity::find()
            .filter(C::Status.eq(ManualReportStatus::Approved))
            .filter(C::ApprovedBy.ne(cx.user_id())),
        Condition::all().add(C::UpdatedAt.lt(cx.review_due_before())),
    )
    .await
}

pub const REPORTS_TO_SUBMIT: TodoQueue = TodoQueue {
    queue: "kpi_reports_to_submit",
    label: "待上报的考核数据（上一季度）",
    link: "/admin/kpi/manual-reports",
    serves: local_cadres,
    count: |cx| Box::pin(to_submit(cx)),
};

pub const REPORTS_TO_APPROVE: TodoQueue = TodoQueue {
    queue: "kpi_reports_to_approve",
    label: "待审核的下级上报数据",
    link: "/admin/kpi/manual-reports?status=submitted",
    serves: parent_cadres,
    count: |cx| Box::pin(to_approve(cx)),
};

pub const REPORTS_TO_ACCEPT: TodoQueue = TodoQueue {
    queue: "kpi_reports_to_accept",
    label: "待接收的上报数据",
    link: "/admin/kpi/manual-reports?status=approved",
    serves: province_cadres,
    count: |cx| Box::pin(to_accept(cx)),
};
