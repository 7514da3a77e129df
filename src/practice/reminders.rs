//! `practice-report-reminder` (daily 09:00 China time): `practice.report_due` to each student
//! whose report is due within [`REMIND_DAYS_BEFORE`] days and not yet handed in, so normally 3
//! days before `due_on` (a run missed that day still reminds on a later one, until the due date).
//!
//! Placements on duty or completed are reminded whether or not a report was saved yet: with a
//! draft or a returned report the report's `due_on` counts, without one the position's
//! `ends_on` + the campaign's `report_due_days`. Exactly once per placement and due date: the
//! notice is written in the transaction that inserts `practice_report_reminders
//! (application_id, due_on)` with `ON CONFLICT DO NOTHING`, so a rerun, a second instance or an
//! overlapping run sends nothing more; a later due date (an extension) is reminded again.
use std::collections::HashMap;

use chrono::{Duration, NaiveDate, Utc};
use entity::notifications::NotificationKind;
use entity::practice_applications::{self, ApplicationStatus, Column as A};
use entity::practice_campaigns;
use entity::practice_positions::{self, Column as P};
use entity::practice_report_reminders::{self as reminders, Column as RR};
use entity::practice_reports::{self, Column as R, PracticeReportStatus};
use sea_orm::sea_query::{Expr, OnConflict, Query};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect, Set};
use uuid::Uuid;

use super::endings::MY_PAGE;
use crate::app_state::AppState;
use crate::jobs::daily::{China, DailyJob};
use crate::notifications::{deliver, notify};

pub const PRACTICE_REPORT_REMINDER: DailyJob = DailyJob {
    name: "practice-report-reminder",
    at: China(9, 0),
    run: |state, date| Box::pin(async move { run(&state, date).await.map(|_| ()) }),
};

/// Days before the due date the reminder goes out.
pub const REMIND_DAYS_BEFORE: i64 = 3;

/// The placements whose report may still be written.
const WRITING: [ApplicationStatus; 2] = [ApplicationStatus::OnDuty, ApplicationStatus::Completed];

/// One reminder to send: the placement, its student and the due date.
type Due = (Uuid, Uuid, NaiveDate);

/// Placements with a draft or returned report due in `[date, date + 3]`.
async fn with_report(state: &AppState, date: NaiveDate) -> anyhow::Result<Vec<Due>> {
    let writing = Query::select()
        .column(A::Id)
        .from(practice_applications::Entity)
        .and_where(A::Status.is_in(WRITING))
        .to_owned();
    Ok(practice_reports::Entity::find()
        .select_only()
        .columns([R::ApplicationId, R::StudentUserId, R::DueOn])
        .filter(R::Status.is_in([PracticeReportStatus::Draft, PracticeReportStatus::Returned]))
        .filter(R::DueOn.gte(date))
        .filter(R::DueOn.lte(date + Duration::days(REMIND_DAYS_BEFORE)))
        .filter(R::ApplicationId.in_subquery(writing))
        .into_tuple()
        .all(&state.db)
        .await?)
}

/// Placements without any report whose first due date (`ends_on` + `report_due_days`, at most
/// 90 days) falls in `[date, date + 3]`.
async fn without_report(state: &AppState, date: NaiveDate) -> anyhow::Result<Vec<Due>> {
    let last = date + Duration::days(REMIND_DAYS_BEFORE);
    let ended = Query::select()
        .column(P::Id)
        .from(practice_positions::Entity)
        .and_where(P::EndsOn.lte(last))
        .and_where(P::EndsOn.gte(date - Duration::days(90)))
        .to_owned();
    let apps: Vec<(Uuid, Uuid, Uuid, Uuid)> = practice_applications::Entity::find()
        .select_only()
        .columns([A::Id, A::StudentUserId, A::PositionId, A::CampaignId])
        .filter(A::Status.is_in(WRITING))
        .filter(A::PositionId.in_subquery(ended))
        .filter(Expr::cust(
            "NOT EXISTS (SELECT 1 FROM practice_reports r \
             WHERE r.application_id = practice_applications.id)",
        ))
        .into_tuple()
        .all(&state.db)
        .await?;
    if apps.is_empty() {
        return Ok(Vec::new());
    }
    let ends: HashMap<Uuid, NaiveDate> = practice_positions::Entity::find()
        .select_only()
        .columns([P::Id, P::EndsOn])
        .filter(P::Id.is_in(apps.iter().map(|a| a.2)))
        .into_tuple()
        .all(&state.db)
        .await?
        .into_iter()
        .collect();
    let days: HashMap<Uuid, i32> = practice_campaigns::Entity::find()
        .select_only()
        .columns([
            practice_campaigns::Column::Id,
            practice_campaigns::Column::ReportDueDays,
        ])
        .filter(practice_campaigns::Column::Id.is_in(apps.iter().map(|a| a.3)))
        .into_tuple()
        .all(&state.db)
        .await?
        .into_iter()
        .collect();
    Ok(apps
        .into_iter()
        .filter_map(|(id, student, position, campaign)| {
            let due = *ends.get(&position)? + Duration::days((*days.get(&campaign)?).into());
            (date <= due && due <= last).then_some((id, student, due))
        })
        .collect())
}

/// Send the reminders due on China date `date`: the number written by this run.
pub async fn run(state: &AppState, date: NaiveDate) -> anyhow::Result<usize> {
    let mut due = with_report(state, date).await?;
    due.extend(without_report(state, date).await?);
    let mut sent = 0;
    for (application, student, due_on) in due {
        let txn = crate::db::begin(&state.db).await?;
        let first = reminders::Entity::insert(reminders::ActiveModel {
            application_id: Set(application),
            due_on: Set(due_on),
            sent_at: Set(Utc::now()),
        })
        .on_conflict(
            OnConflict::columns([RR::ApplicationId, RR::DueOn])
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(&txn)
        .await?
            == 1;
        if !first {
            continue;
        }
        let note = notify(
            &txn,
            student,
            NotificationKind::PracticeReportDue,
            "实践报告即将截止",
            &format!(
                "您的返家乡社会实践报告将于{}截止，请尽快完成并提交。",
                due_on.format("%Y年%-m月%-d日")
            ),
            Some(MY_PAGE),
        )
        .await?;
        txn.commit().await?;
        deliver(state, vec![note]);
        sent += 1;
    }
    Ok(sent)
}
