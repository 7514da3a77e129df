//! Reading a practice report (the student's view and the staff details share it).
use entity::practice_reports::{self, Column as R};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::dto::PracticeReportView;
use crate::app_state::AppState;
use crate::choices::Labelled;
use crate::error::ApiResult;
use crate::time::to_china;

pub fn report_view(state: &AppState, r: practice_reports::Model) -> PracticeReportView {
    let photos: Vec<String> = serde_json::from_str(&r.photos).unwrap_or_default();
    PracticeReportView {
        id: r.id,
        application_id: r.application_id,
        topic: r.topic,
        topic_label: r.topic.map(|t| t.label().to_owned()),
        title: r.title,
        body: r.body,
        photos: state.media.links(&photos),
        status: r.status,
        status_label: r.status.label().to_owned(),
        due_on: r.due_on,
        submitted_at: r.submitted_at.map(to_china),
        reviewed_at: r.reviewed_at.map(to_china),
        review_reason: r.review_reason,
        version: r.version,
    }
}

/// The report of an application, if written.
pub async fn report_of(
    db: &impl ConnectionTrait,
    application_id: Uuid,
) -> ApiResult<Option<practice_reports::Model>> {
    Ok(practice_reports::Entity::find()
        .filter(R::ApplicationId.eq(application_id))
        .one(db)
        .await?)
}
