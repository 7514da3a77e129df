//! The bank's queue and the cadres' lists of applications, kept per loan list stamp.
//!
//! Every officer of a bank reads the same queue page, and every cadre of a unit the same list
//! page; building one costs a count and a page statement over up to 100,000 applications, which
//! PostgreSQL plans afresh at every call. A page is kept (`SharedAnswers`) under the stamp of
//! migration `000530`, which the database moves with every insert, update and delete of
//! `loan_applications` — through any instance, by a daily job, or by hand — so a change shows at
//! the next read on every instance: an officer who approves sees the queue without that
//! application. Reading the stamp is one look-up of a sequence (SQLite: a one-row table).
//!
//! What the stamp does not see (a bank's name, an overdue flag that comes due with the clock)
//! shows within `JIQING_LIST_MAX_STALE_MS`, the bound of every kept answer. On PostgreSQL the
//! stamp moves at the commit, so a read racing the commit itself may keep the page before the
//! change under the new stamp — also for at most that bound.
use sea_orm::{ConnectionTrait, DatabaseBackend, Statement};

use crate::error::{ApiError, ApiResult};

/// The current loan list stamp.
pub async fn stamp(db: &impl ConnectionTrait) -> ApiResult<i64> {
    let backend = db.get_database_backend();
    let sql = match backend {
        // A fresh sequence reads (1, not called), its first value (1, called): count both.
        DatabaseBackend::Postgres => {
            "SELECT last_value + CASE WHEN is_called THEN 1 ELSE 0 END AS stamp FROM loan_list_stamp"
        }
        _ => "SELECT value AS stamp FROM loan_list_stamp WHERE id = 1",
    };
    let row = db
        .query_one_raw(Statement::from_string(backend, sql))
        .await?
        .ok_or_else(|| ApiError::Unexpected(anyhow::anyhow!("the loan list stamp is missing")))?;
    Ok(row.try_get("", "stamp")?)
}
