use std::future::Future;
use std::pin::Pin;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Condition, Expr, Func};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect, Select};
use uuid::Uuid;

use crate::auth::{Cadre, Staff};
use crate::config::Settings;
use crate::error::ApiResult;

/// Items waiting in one queue for the caller, and how many of them are past their due time.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TodoCount {
    pub count: u64,
    pub overdue: u64,
}

/// What a queue's count may use: the caller, the database, the settings and the time of the
/// request.
pub struct TodoContext<'a> {
    pub db: &'a DatabaseConnection,
    pub staff: &'a Staff,
    pub settings: &'a Settings,
    pub now: DateTime<Utc>,
}

impl TodoContext<'_> {
    pub fn cadre(&self) -> Option<&Cadre> {
        match self.staff {
            Staff::Cadre(c) => Some(c),
            Staff::BankOfficer(_) => None,
        }
    }

    /// The caller's bank, for bank officers.
    pub fn bank_id(&self) -> Option<Uuid> {
        match self.staff {
            Staff::BankOfficer(o) => Some(o.bank_id),
            Staff::Cadre(_) => None,
        }
    }

    /// The acting user (to leave out items they cannot check themselves, conventions §9).
    pub fn user_id(&self) -> Uuid {
        match self.staff {
            Staff::Cadre(c) => c.user.id(),
            Staff::BankOfficer(o) => o.user.id(),
        }
    }

    /// Reviews waiting since before this instant are overdue (`JIQING_REVIEW_DUE_DAYS`, exact
    /// 24-hour days).
    pub fn review_due_before(&self) -> DateTime<Utc> {
        self.now - chrono::Duration::days(i64::from(self.settings.review_due_days))
    }
}

pub type CountFuture<'a> = Pin<Box<dyn Future<Output = ApiResult<TodoCount>> + Send + 'a>>;

/// One queue of the to-do list.
pub struct TodoQueue {
    /// Stable snake_case name (`talents_to_verify`).
    pub queue: &'static str,
    /// 「待审核人才信息」
    pub label: &'static str,
    /// The console page that lists the items (`/admin/talents?status=pending`).
    pub link: &'static str,
    /// Whether the caller acts on this queue: it is listed for them, zeros included.
    pub serves: fn(&Staff) -> bool,
    /// One indexed count in the caller's scope or bank (usually [`count_with_overdue`]).
    pub count: for<'a> fn(&'a TodoContext<'a>) -> CountFuture<'a>,
}

/// For [`TodoQueue::serves`]: every cadre.
pub fn cadres(staff: &Staff) -> bool {
    matches!(staff, Staff::Cadre(_))
}

/// For [`TodoQueue::serves`]: cadres of a local unit (no units below it: counties, 梅河口,
/// 长白山), who do the work the programme gives the county league (`LOCAL_UNIT_ONLY`).
pub fn local_cadres(staff: &Staff) -> bool {
    match staff {
        Staff::Cadre(c) => c.tree().children(&c.unit.code).is_empty(),
        Staff::BankOfficer(_) => false,
    }
}

/// For [`TodoQueue::serves`]: every bank officer.
pub fn bank_officers(staff: &Staff) -> bool {
    matches!(staff, Staff::BankOfficer(_))
}

/// `COUNT(*)` of `query` and the count of its rows matching `overdue`, in one query.
pub async fn count_with_overdue<E: EntityTrait>(
    db: &DatabaseConnection,
    query: Select<E>,
    overdue: Condition,
) -> ApiResult<TodoCount> {
    let row: Option<(i64, i64)> = query
        .select_only()
        .column_as(Expr::cust("COUNT(*)"), "n")
        .column_as(Expr::from(Func::count(Expr::case(overdue, 1))), "overdue")
        .into_tuple()
        .one(db)
        .await?;
    let (count, overdue) = row.unwrap_or_default();
    Ok(TodoCount {
        count: count.max(0) as u64,
        overdue: overdue.max(0) as u64,
    })
}

/// The common cadre queue: `items` (already narrowed to the waiting status) whose place in
/// `region` lies in the caller's scope, overdue once `since` is older than the review due time.
/// Zero for anyone who is not a cadre.
pub async fn cadre_review_queue<E: EntityTrait>(
    cx: &TodoContext<'_>,
    items: Select<E>,
    region: E::Column,
    since: E::Column,
) -> ApiResult<TodoCount> {
    let Some(cadre) = cx.cadre() else {
        return Ok(TodoCount::default());
    };
    count_with_overdue(
        cx.db,
        items.filter(cadre.unit.scope.condition(region)),
        Condition::all().add(since.lt(cx.review_due_before())),
    )
    .await
}
