//! What the end of an application gives back, shared by every way one ends (the student
//! declining or withdrawing, the host rejecting, the sweep, the position's cancellation): its
//! seat, its place in the open count, the placement, and the sharing with the host.
use chrono::{DateTime, Utc};
use entity::practice_applications::{self, ApplicationStatus};
use entity::sharing_consents::ConsentSubject;
use sea_orm::ConnectionTrait;
use uuid::Uuid;

use super::seats;
use crate::consents::{self, Subject as ConsentOf};
use crate::error::{ApiError, ApiResult};

/// The mini-program page of a student's applications.
pub const MY_PAGE: &str = "/pages/practice/mine";
/// The mini-program page of a host supervisor's positions.
pub const HOST_PAGE: &str = "/pages/practice/host";

pub fn practice_started() -> ApiError {
    ApiError::Conflict(
        "PRACTICE_STARTED",
        "岗位实践已开始，不能再办理该事项".into(),
    )
}

/// The sharing of an application ended (declined, withdrawn, rejected, …).
pub async fn end_sharing(
    db: &impl ConnectionTrait,
    application: Uuid,
    now: DateTime<Utc>,
) -> ApiResult<()> {
    for kind in [
        ConsentSubject::PracticeApplication,
        ConsentSubject::PracticePlacement,
    ] {
        consents::withdraw(
            db,
            ConsentOf {
                kind,
                id: application,
            },
            None,
            now,
        )
        .await?;
    }
    Ok(())
}

/// Give back what an application ending from its status `a.status` held: its seat, its place in
/// the open count, the placement. Called before the application's own conditional update, in
/// the lock order (position, student-campaign row, application); the caller rolls back when
/// that update does not hit, so the counters move only with it (conventions §6).
pub async fn release_held(
    db: &impl ConnectionTrait,
    a: &practice_applications::Model,
) -> ApiResult<()> {
    use ApplicationStatus as S;
    if matches!(a.status, S::Offered | S::Confirmed) {
        seats::release_seat(db, a.position_id).await?;
    }
    if matches!(a.status, S::Submitted | S::Offered) {
        seats::close_application(db, a.student_user_id, a.campaign_id).await?;
    }
    if a.status == S::Confirmed {
        seats::unplace(db, a.student_user_id, a.campaign_id, a.id).await?;
    }
    Ok(())
}
