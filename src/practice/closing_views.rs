//! Reading a placement's evaluation and certificate (the staff detail, the issue and the
//! public check share them).
use entity::practice_certificates::{self, Column as C};
use entity::practice_evaluations::{self, Column as E, PracticeGrade};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::closing_dto::{PracticeCertificateView, PracticeEvaluationView};
use crate::choices::Labelled;
use crate::error::ApiResult;
use crate::time::to_china;

crate::labels!(PracticeGrade {
    Excellent: "优秀",
    Good: "良好",
    Pass: "合格",
    Fail: "不合格",
});

/// The evaluation of an application, if given.
pub async fn evaluation_of(
    db: &impl ConnectionTrait,
    application_id: Uuid,
) -> ApiResult<Option<practice_evaluations::Model>> {
    Ok(practice_evaluations::Entity::find()
        .filter(E::ApplicationId.eq(application_id))
        .one(db)
        .await?)
}

pub fn evaluation_view(e: practice_evaluations::Model) -> PracticeEvaluationView {
    PracticeEvaluationView {
        grade: e.grade,
        grade_label: e.grade.label().to_owned(),
        comment: e.comment,
        evaluated_by_kind: e.evaluated_by_kind,
        evaluated_at: to_china(e.updated_at),
    }
}

/// The certificate of an application, if issued.
pub async fn certificate_of(
    db: &impl ConnectionTrait,
    application_id: Uuid,
) -> ApiResult<Option<practice_certificates::Model>> {
    Ok(practice_certificates::Entity::find()
        .filter(C::ApplicationId.eq(application_id))
        .one(db)
        .await?)
}

pub fn certificate_view(c: practice_certificates::Model) -> PracticeCertificateView {
    PracticeCertificateView {
        number: c.number,
        holder_name: c.holder_name,
        school_name: c.school_name,
        host_name: c.host_name,
        position_title: c.position_title,
        campaign_name: c.campaign_name,
        starts_on: c.starts_on,
        ends_on: c.ends_on,
        days_confirmed: c.days_confirmed,
        grade_label: c.grade.label().to_owned(),
        grade: c.grade,
        issuer_name: c.issuer_name,
        issued_at: to_china(c.issued_at),
    }
}
