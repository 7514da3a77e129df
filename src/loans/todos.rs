//! The loans' to-do queues (`loans.md`): the local unit's applications to recommend (overdue
//! after `review_due_at`), the parent units' escalations, products to publish (four-eyes: not
//! the caller's own), and the bank's referrals, decisions, offers and products to confirm.
use entity::loan_applications::{self as apps, Column as A, LoanStatus};
use entity::loan_products::{self as products, Column as P, ProductStatus};
use entity::users::CadreLevel;
use sea_orm::sea_query::{Condition, Expr};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::auth::Staff;
use crate::error::ApiResult;
use crate::todos::{self, TodoContext, TodoCount, TodoQueue, local_cadres};

/// Nothing in the queue is ever overdue.
fn never() -> Condition {
    Condition::all().add(Expr::cust("1 = 0"))
}

/// Cadres of units with local units below them chase those units' late reviews.
fn parent_cadres(staff: &Staff) -> bool {
    matches!(staff, Staff::Cadre(_)) && !local_cadres(staff)
}

/// Province and top-level cadres publish products.
fn product_cadres(staff: &Staff) -> bool {
    matches!(staff, Staff::Cadre(c) if c.level != CadreLevel::County)
}

async fn to_recommend(cx: &TodoContext<'_>) -> ApiResult<TodoCount> {
    let Some(cadre) = cx.cadre() else {
        return Ok(TodoCount::default());
    };
    todos::count_with_overdue(
        cx.db,
        apps::Entity::find()
            .filter(A::Status.eq(LoanStatus::Submitted))
            .filter(cadre.unit.scope.condition(A::RegionCode)),
        Condition::all().add(A::ReviewDueAt.lte(cx.now)),
    )
    .await
}

async fn escalated(cx: &TodoContext<'_>) -> ApiResult<TodoCount> {
    let Some(cadre) = cx.cadre() else {
        return Ok(TodoCount::default());
    };
    todos::count_with_overdue(
        cx.db,
        apps::Entity::find()
            .filter(A::Status.eq(LoanStatus::Submitted))
            .filter(A::ReviewDueAt.lte(cx.now))
            .filter(cadre.unit.scope.condition(A::RegionCode)),
        Condition::all().add(A::ReviewDueAt.lte(cx.now)),
    )
    .await
}

async fn to_publish(cx: &TodoContext<'_>) -> ApiResult<TodoCount> {
    let Some(cadre) = cx.cadre() else {
        return Ok(TodoCount::default());
    };
    todos::count_with_overdue(
        cx.db,
        products::Entity::find()
            .filter(P::Status.eq(ProductStatus::AwaitingBank))
            .filter(P::BankConfirmedAt.is_not_null())
            .filter(P::CreatedBy.ne(cx.user_id()))
            .filter(P::AreaUnitCode.is_in(cadre.tree().codes_within(&cadre.unit))),
        never(),
    )
    .await
}

async fn bank_applications(
    cx: &TodoContext<'_>,
    status: LoanStatus,
    overdue: Condition,
) -> ApiResult<TodoCount> {
    let Some(bank) = cx.bank_id() else {
        return Ok(TodoCount::default());
    };
    todos::count_with_overdue(
        cx.db,
        apps::Entity::find()
            .filter(A::BankId.eq(bank))
            .filter(A::Status.eq(status)),
        overdue,
    )
    .await
}

async fn to_confirm(cx: &TodoContext<'_>) -> ApiResult<TodoCount> {
    let Some(bank) = cx.bank_id() else {
        return Ok(TodoCount::default());
    };
    todos::count_with_overdue(
        cx.db,
        products::Entity::find()
            .filter(P::BankId.eq(bank))
            .filter(P::Status.eq(ProductStatus::AwaitingBank))
            .filter(P::BankConfirmedAt.is_null()),
        never(),
    )
    .await
}

pub const APPLICATIONS_TO_RECOMMEND: TodoQueue = TodoQueue {
    queue: "loan_applications_to_recommend",
    label: "待推荐贷款申请",
    link: "/admin/loan-applications?status=submitted",
    serves: local_cadres,
    count: |cx| Box::pin(to_recommend(cx)),
};

pub const APPLICATIONS_ESCALATED: TodoQueue = TodoQueue {
    queue: "loan_applications_escalated",
    label: "下级团组织逾期未推荐的贷款申请",
    link: "/admin/loan-applications?overdueReview=true",
    serves: parent_cadres,
    count: |cx| Box::pin(escalated(cx)),
};

pub const PRODUCTS_TO_PUBLISH: TodoQueue = TodoQueue {
    queue: "loan_products_to_publish",
    label: "待发布贷款产品",
    link: "/admin/loan-products?status=awaiting_bank",
    serves: product_cadres,
    count: |cx| Box::pin(to_publish(cx)),
};

pub const REFERRALS_TO_ACCEPT: TodoQueue = TodoQueue {
    queue: "loan_referrals_to_accept",
    label: "待受理贷款推荐",
    link: "/admin/bank/loan-applications?status=recommended",
    serves: todos::bank_officers,
    count: |cx| {
        Box::pin(bank_applications(
            cx,
            LoanStatus::Recommended,
            Condition::all().add(A::BankDueAt.lte(cx.now)),
        ))
    },
};

pub const APPLICATIONS_TO_DECIDE: TodoQueue = TodoQueue {
    queue: "loan_applications_to_decide",
    label: "待审批贷款申请",
    link: "/admin/bank/loan-applications?status=bank_reviewing",
    serves: todos::bank_officers,
    count: |cx| {
        Box::pin(bank_applications(
            cx,
            LoanStatus::BankReviewing,
            Condition::all().add(A::BankDueAt.lte(cx.now)),
        ))
    },
};

pub const OFFERS_TO_DISBURSE: TodoQueue = TodoQueue {
    queue: "loan_offers_to_disburse",
    label: "待放款贷款",
    link: "/admin/bank/loan-applications?status=approved",
    serves: todos::bank_officers,
    count: |cx| Box::pin(bank_applications(cx, LoanStatus::Approved, never())),
};

pub const PRODUCTS_TO_CONFIRM: TodoQueue = TodoQueue {
    queue: "loan_products_to_confirm",
    label: "待确认贷款产品条款",
    link: "/admin/bank/loan-products?status=awaiting_bank",
    serves: todos::bank_officers,
    count: |cx| Box::pin(to_confirm(cx)),
};
