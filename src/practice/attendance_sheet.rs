//! Reading a placement's attendance: its days and what they add up to (shown on the student's,
//! the host's and the cadres' detail, counted for the certificate).
use entity::practice_applications::ApplicationStatus;
use entity::practice_attendance::{self, Column as D};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use super::attendance_rules::day_counts;
use super::dto::{AttendanceDayView, AttendanceSheetView};
use crate::choices::Labelled;
use crate::error::ApiResult;
use crate::time::to_china;

/// Statuses of a placement that has (or had) attendance.
pub fn has_attendance(status: ApplicationStatus) -> bool {
    use ApplicationStatus as S;
    matches!(
        status,
        S::Confirmed | S::OnDuty | S::Completed | S::Certified | S::Dropped
    )
}

pub fn day_view(d: practice_attendance::Model) -> AttendanceDayView {
    AttendanceDayView {
        application_id: d.application_id,
        day: d.day,
        check_in_at: d.check_in_at.map(to_china),
        check_out_at: d.check_out_at.map(to_china),
        counted: day_counts(d.confirmed_by.is_some(), d.minutes),
        minutes: d.minutes,
        source_label: d.source.label().to_owned(),
        source: d.source,
        confirmed_by_kind: d.confirmed_by_kind,
        reason: d.reason,
    }
}

/// The days of one placement, oldest first.
pub async fn days_of(
    db: &impl ConnectionTrait,
    application_id: Uuid,
) -> ApiResult<Vec<practice_attendance::Model>> {
    Ok(practice_attendance::Entity::find()
        .filter(D::ApplicationId.eq(application_id))
        .order_by_asc(D::Day)
        .all(db)
        .await?)
}

pub fn sheet(days: Vec<practice_attendance::Model>) -> AttendanceSheetView {
    let days: Vec<AttendanceDayView> = days.into_iter().map(day_view).collect();
    AttendanceSheetView {
        days_confirmed: days.iter().filter(|d| d.counted).count() as i64,
        minutes: days.iter().filter_map(|d| d.minutes).map(i64::from).sum(),
        days,
    }
}

/// The sheet of a placement, or `None` for an application that never became one.
pub async fn sheet_of(
    db: &impl ConnectionTrait,
    application_id: Uuid,
    status: ApplicationStatus,
) -> ApiResult<Option<AttendanceSheetView>> {
    if !has_attendance(status) {
        return Ok(None);
    }
    Ok(Some(sheet(days_of(db, application_id).await?)))
}
