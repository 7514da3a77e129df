//! `loan-due-digest` (daily 08:30 China time): one in-app notice to the cadres of each local unit
//! with applications still `submitted` past `review_due_at`, and to the officers of each bank with
//! applications recommended or under review past `bank_due_at`, with the count.
use std::collections::BTreeMap;

use chrono::{NaiveDate, Utc};
use entity::loan_applications::{self, Column as A, LoanStatus};
use entity::notifications::NotificationKind;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
use uuid::Uuid;

use super::applications::notify_bank;
use crate::app_state::AppState;
use crate::jobs::daily::{China, DailyJob};
use crate::notifications::notify;

pub const LOAN_DUE_DIGEST: DailyJob = DailyJob {
    name: "loan-due-digest",
    at: China(8, 30),
    run: |state, date| Box::pin(async move { run(&state, date).await.map(|_| ()) }),
};

/// Send the day's digest: the number of notices written.
pub async fn run(state: &AppState, _date: NaiveDate) -> anyhow::Result<usize> {
    let now = Utc::now();
    let mut sent = 0;
    let late_reviews: Vec<String> = loan_applications::Entity::find()
        .filter(A::Status.eq(LoanStatus::Submitted))
        .filter(A::ReviewDueAt.lte(now))
        .select_only()
        .column(A::RegionCode)
        .into_tuple()
        .all(&state.db)
        .await?;
    let mut per_unit: BTreeMap<i32, usize> = BTreeMap::new();
    for region in late_reviews {
        if let Some(unit) = state.league.owner(&region) {
            *per_unit.entry(unit.id).or_default() += 1;
        }
    }
    for (unit, count) in per_unit {
        let Some(unit) = state.league.by_id(unit) else {
            continue;
        };
        for c in crate::staff::cadres_of_unit(&state.db, unit).await? {
            notify(
                &state.db,
                c,
                NotificationKind::LoanDueDigest,
                "贷款申请推荐逾期提醒",
                &format!("有{count}笔贷款申请已超过推荐期限，请尽快处理。"),
                None,
            )
            .await?;
            sent += 1;
        }
    }
    let late_banks: Vec<Uuid> = loan_applications::Entity::find()
        .filter(A::Status.is_in([LoanStatus::Recommended, LoanStatus::BankReviewing]))
        .filter(A::BankDueAt.lte(now))
        .select_only()
        .column(A::BankId)
        .into_tuple()
        .all(&state.db)
        .await?;
    let mut per_bank: BTreeMap<Uuid, usize> = BTreeMap::new();
    for bank in late_banks {
        *per_bank.entry(bank).or_default() += 1;
    }
    for (bank, count) in per_bank {
        notify_bank(
            &state.db,
            bank,
            NotificationKind::LoanDueDigest,
            "贷款审批逾期提醒",
            &format!("有{count}笔推荐贷款申请已超过审批期限，请尽快受理和审批。"),
        )
        .await?;
        sent += 1;
    }
    Ok(sent)
}
