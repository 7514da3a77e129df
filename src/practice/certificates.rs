//! Practice certificates (实践证明): a cadre of the position's local unit, or of a unit above it
//! (a checker, conventions §9), issues one per completed placement, alone or in a batch. At most
//! one exists per placement: the application's conditional update (completed → certified) lets
//! one issuer through and a unique index on `application_id` backs it up, so a second issuer,
//! a repeat or a batch racing a single issue gets the existing certificate back. Anyone checks a
//! certificate by its number, the holder's name masked.
use std::collections::HashSet;

use actix_web::{HttpRequest, HttpResponse, ResponseError, get, post, web};
use chrono::{DateTime, Utc};
use entity::notifications::NotificationKind;
use entity::practice_applications::{self, ApplicationStatus, Column as A};
use entity::practice_campaigns;
use entity::practice_certificates::{self, Column as C};
use entity::practice_evaluations::PracticeGrade;
use entity::practice_positions;
use entity::practice_reports::PracticeReportStatus;
use entity::{host_units, student_profiles};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
    TransactionTrait,
};
use uuid::Uuid;

use super::attendance_rules::day_counts;
use super::attendance_sheet::days_of;
use super::closing_dto::{
    CertificateBatchItem, CertificateBatchRequest, CertificateBatchView, CertificateOutcome,
    MyPracticeCertificatesView, PracticeCertificateRecordView, PracticeCertificateView,
};
use super::closing_views::{certificate_of, certificate_view, evaluation_of};
use super::endings::MY_PAGE;
use super::evaluations::changed;
use super::report_views::report_of;
use super::state::PracticeApplicationAction;
use crate::app_state::AppState;
use crate::auth::{Cadre, CurrentUser};
use crate::crypto::{mask_name, serial_number};
use crate::error::{ApiError, ApiResult, ErrorEnvelope};
use crate::input::Json;
use crate::notifications::{deliver, notify};
use crate::test_hooks;
use crate::workflow::machine::invalid_state;
use crate::workflow::transition::reload;
use crate::workflow::{Actor, Applied, Subject, Transition, units::unit_code_of};

/// The prefix of practice certificate numbers (「吉青返乡」).
pub const NUMBER_PREFIX: &str = "JQFX";
const NAME: &str = "实践证明";

/// What decides whether a completed placement may be certified, read in the issuing
/// transaction.
#[derive(Debug, Clone)]
pub struct Readiness {
    pub report_accepted: bool,
    /// Confirmed days counted now (attendance rules: by hand, or by code with ≥ 60 minutes).
    pub days_confirmed: i64,
    pub min_days: i32,
    pub grade: Option<PracticeGrade>,
    /// The cadre who gave the grade, when a cadre gave it.
    pub evaluating_cadre: Option<Uuid>,
}

/// Why `issuer` may not certify, in the spec's order: `REPORT_REQUIRED`, `NOT_ENOUGH_DAYS`,
/// `EVALUATION_REQUIRED`, `GRADE_FAIL`, then 403 `SAME_ACTOR_NOT_ALLOWED` (four-eyes: not the
/// cadre who evaluated).
pub fn refusal(r: &Readiness, issuer: Uuid) -> Option<ApiError> {
    if !r.report_accepted {
        return Some(ApiError::Conflict(
            "REPORT_REQUIRED",
            "实践报告尚未审核通过，不能开具实践证明".into(),
        ));
    }
    if r.days_confirmed < i64::from(r.min_days) {
        return Some(ApiError::Conflict(
            "NOT_ENOUGH_DAYS",
            format!(
                "确认出勤{}天，未达到本次活动要求的{}天",
                r.days_confirmed, r.min_days
            ),
        ));
    }
    match r.grade {
        None => Some(ApiError::Conflict(
            "EVALUATION_REQUIRED",
            "接收单位或团组织尚未评价，不能开具实践证明".into(),
        )),
        Some(PracticeGrade::Fail) => Some(ApiError::Conflict(
            "GRADE_FAIL",
            "实践评价为“不合格”，不能开具实践证明".into(),
        )),
        Some(_) if r.evaluating_cadre == Some(issuer) => Some(ApiError::Forbidden(
            "SAME_ACTOR_NOT_ALLOWED",
            "评价人不能为同一实践开具证明，请由本单位其他同志或上级团组织开具".into(),
        )),
        Some(_) => None,
    }
}

fn record_view(c: practice_certificates::Model) -> PracticeCertificateRecordView {
    PracticeCertificateRecordView {
        application_id: c.application_id,
        certificate: certificate_view(c),
    }
}

enum Issued {
    New(practice_certificates::Model),
    Existing(practice_certificates::Model),
}

/// The readiness of a completed application, read in the issuing transaction.
async fn readiness(
    db: &impl ConnectionTrait,
    a: &practice_applications::Model,
    campaign: &practice_campaigns::Model,
) -> ApiResult<Readiness> {
    let report_accepted = report_of(db, a.id)
        .await?
        .is_some_and(|r| r.status == PracticeReportStatus::Accepted);
    let days_confirmed = days_of(db, a.id)
        .await?
        .iter()
        .filter(|d| day_counts(d.confirmed_by.is_some(), d.minutes))
        .count() as i64;
    let evaluation = evaluation_of(db, a.id).await?;
    Ok(Readiness {
        report_accepted,
        days_confirmed,
        min_days: campaign.min_days,
        grade: evaluation.as_ref().map(|e| e.grade),
        evaluating_cadre: evaluation
            .filter(|e| e.evaluated_by_kind == practice_applications::DeciderKind::Cadre)
            .map(|e| e.evaluated_by),
    })
}

/// Insert the certificate under a savepoint, drawing another number on the (unlikely) clash
/// of two random numbers: a unique violation would otherwise abort a PostgreSQL transaction.
async fn insert_certificate(
    txn: &sea_orm::DatabaseTransaction,
    model: practice_certificates::ActiveModel,
    year: i32,
) -> ApiResult<practice_certificates::Model> {
    let mut last = None;
    for _ in 0..3 {
        let mut m = model.clone();
        m.number = Set(serial_number(NUMBER_PREFIX, year));
        let savepoint = txn.begin().await?;
        match m.insert(&savepoint).await {
            Ok(c) => {
                savepoint.commit().await?;
                return Ok(c);
            }
            Err(e) => {
                savepoint.rollback().await?;
                last = Some(e);
            }
        }
    }
    Err(last.map_or_else(
        || ApiError::Unexpected(anyhow::anyhow!("certificate number")),
        ApiError::from,
    ))
}

async fn try_issue(
    state: &AppState,
    cadre: &Cadre,
    id: Uuid,
    now: DateTime<Utc>,
) -> ApiResult<Issued> {
    let txn = crate::db::begin(&state.db).await?;
    let a = reload::<practice_applications::Model>(&txn, id).await?;
    // The local unit or a unit above it (whose scope covers the place); others: 404.
    cadre.ensure_visible(&a.region_code, practice_applications::Model::NAME)?;
    if a.status == ApplicationStatus::Certified
        && let Some(c) = certificate_of(&txn, a.id).await?
    {
        return Ok(Issued::Existing(c));
    }
    if a.status != ApplicationStatus::Completed {
        return Err(invalid_state(
            a.status,
            PracticeApplicationAction::IssueCertificate,
        ));
    }
    let campaign = reload::<practice_campaigns::Model>(&txn, a.campaign_id).await?;
    let ready = readiness(&txn, &a, &campaign).await?;
    if let Some(err) = refusal(&ready, cadre.user_id) {
        return Err(err);
    }
    let actor = Actor::cadre(cadre);
    let seen = a.version;
    let applied = Transition::new(&a, PracticeApplicationAction::IssueCertificate, &actor)
        // A regrade or another issue meanwhile: this call's checks are stale.
        .only_if(A::Version.eq(seen))
        .or_else(move |now_is| {
            (now_is.status == ApplicationStatus::Completed && now_is.version != seen).then(changed)
        })
        .set(A::EndedAt, Expr::value(now))
        .set(A::UpdatedAt, Expr::value(now))
        .run(&txn)
        .await?;
    if let Applied::Repeated(_) = applied {
        txn.rollback().await?;
        return certificate_of(&state.db, id)
            .await?
            .map(Issued::Existing)
            .ok_or_else(|| ApiError::not_found(NAME));
    }
    let position = reload::<practice_positions::Model>(&txn, a.position_id).await?;
    let host = reload::<host_units::Model>(&txn, a.host_unit_id).await?;
    let profile = student_profiles::Entity::find()
        .filter(student_profiles::Column::UserId.eq(a.student_user_id))
        .one(&txn)
        .await?;
    let issuer_name = state
        .league
        .owner(&a.region_code)
        .map_or_else(|| cadre.unit.name.clone(), |u| u.name.clone());
    let model = practice_certificates::ActiveModel {
        id: Set(Uuid::now_v7()),
        application_id: Set(a.id),
        number: Set(String::new()),
        student_user_id: Set(a.student_user_id),
        campaign_id: Set(a.campaign_id),
        region_code: Set(a.region_code.clone()),
        holder_name: Set(profile
            .as_ref()
            .map_or_else(|| "*".into(), |p| mask_name(&p.real_name))),
        school_name: Set(profile.map(|p| p.school_name)),
        host_name: Set(Some(host.name)),
        position_title: Set(Some(position.title.clone())),
        campaign_name: Set(campaign.name.clone()),
        starts_on: Set(position.starts_on),
        ends_on: Set(position.ends_on),
        days_confirmed: Set(i32::try_from(ready.days_confirmed).unwrap_or(i32::MAX)),
        grade: Set(ready.grade.unwrap_or(PracticeGrade::Pass)),
        issuer_name: Set(issuer_name),
        issued_by: Set(cadre.user_id),
        issued_by_unit_code: Set(unit_code_of(cadre)),
        issued_at: Set(now),
    };
    let certificate = insert_certificate(&txn, model, campaign.year).await?;
    let note = notify(
        &txn,
        a.student_user_id,
        NotificationKind::PracticeCertified,
        "实践证明已开具",
        &format!(
            "您在岗位“{}”的社会实践证明已开具，编号{}，可在小程序中查看，或凭编号查验。",
            position.title, certificate.number
        ),
        Some(MY_PAGE),
    )
    .await?;
    txn.commit().await?;
    deliver(state, vec![note]);
    Ok(Issued::New(certificate))
}

/// Issue, or find the certificate another issuer made meanwhile: a losing racer's conflict
/// (`INVALID_STATE`, `APPLICATION_CHANGED`, the unique index) turns into the winner's
/// certificate. Only conflicts: a 404 never reveals one outside the caller's unit.
async fn issue_one(
    state: &AppState,
    cadre: &Cadre,
    id: Uuid,
    now: DateTime<Utc>,
) -> ApiResult<Issued> {
    match try_issue(state, cadre, id, now).await {
        Err(err @ ApiError::Conflict(..)) => match certificate_of(&state.db, id).await? {
            Some(c) => Ok(Issued::Existing(c)),
            None => Err(err),
        },
        other => other,
    }
}

/// Issue the certificate of a completed placement (201), or answer the existing one (200, not
/// reissued). Needs the report accepted, the campaign's minimum of confirmed days (counted
/// now), an evaluation other than 不合格, and an issuer other than the cadre who evaluated.
#[utoipa::path(
    tag = "practice",
    operation_id = "issue_practice_certificate",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The application")),
    responses(
        (status = 201, body = PracticeCertificateRecordView, description = "Issued"),
        (status = 200, body = PracticeCertificateRecordView, description = "Issued before: the same certificate"),
        (status = 403, body = ErrorEnvelope, description = "SAME_ACTOR_NOT_ALLOWED (the cadre who evaluated)"),
        (status = 404, body = ErrorEnvelope, description = "Not an application of the caller's unit or below"),
        (status = 409, body = ErrorEnvelope, description = "REPORT_REQUIRED, NOT_ENOUGH_DAYS, EVALUATION_REQUIRED, GRADE_FAIL, INVALID_STATE (not completed), APPLICATION_CHANGED")
    )
)]
#[post("/admin/practice/applications/{id}/certificates")]
pub async fn issue_practice_certificate(
    state: web::Data<AppState>,
    req: HttpRequest,
    cadre: Cadre,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let now = test_hooks::now(&req);
    Ok(match issue_one(&state, &cadre, *id, now).await? {
        Issued::New(c) => HttpResponse::Created().json(record_view(c)),
        Issued::Existing(c) => HttpResponse::Ok().json(record_view(c)),
    })
}

/// Issue the certificates of several placements, one answer per application in the request's
/// order: `issued`, `already_issued` (the existing certificate, not reissued) or `refused` with
/// the single issue's error. Each application is its own transaction.
#[utoipa::path(
    tag = "practice",
    operation_id = "issue_practice_certificates",
    security(("bearer" = [])),
    request_body = CertificateBatchRequest,
    responses(
        (status = 200, body = CertificateBatchView),
        (status = 422, body = ErrorEnvelope, description = "applicationIds: LENGTH (1–100)")
    )
)]
#[post("/admin/practice/certificates")]
pub async fn issue_practice_certificates(
    state: web::Data<AppState>,
    req: HttpRequest,
    cadre: Cadre,
    body: Json<CertificateBatchRequest>,
) -> ApiResult<web::Json<CertificateBatchView>> {
    let now = test_hooks::now(&req);
    let mut seen = HashSet::new();
    let mut out = CertificateBatchView {
        items: Vec::new(),
        issued: 0,
        already_issued: 0,
        refused: 0,
    };
    for id in body.application_ids.iter().copied() {
        if !seen.insert(id) {
            continue;
        }
        let item = match issue_one(&state, &cadre, id, now).await {
            Ok(Issued::New(c)) => {
                out.issued += 1;
                (CertificateOutcome::Issued, Some(certificate_view(c)), None)
            }
            Ok(Issued::Existing(c)) => {
                out.already_issued += 1;
                (
                    CertificateOutcome::AlreadyIssued,
                    Some(certificate_view(c)),
                    None,
                )
            }
            // A failure of the service is the request's, not an answer about one placement.
            Err(e) if e.status_code().is_server_error() => return Err(e),
            Err(e) => {
                out.refused += 1;
                (CertificateOutcome::Refused, None, Some(e.envelope().error))
            }
        };
        out.items.push(CertificateBatchItem {
            application_id: id,
            outcome: item.0,
            certificate: item.1,
            error: item.2,
        });
    }
    Ok(web::Json(out))
}

/// The caller's practice certificates, newest first.
#[utoipa::path(
    tag = "practice",
    operation_id = "list_my_practice_certificates",
    security(("bearer" = [])),
    responses((status = 200, body = MyPracticeCertificatesView))
)]
#[get("/me/practice/certificates")]
pub async fn list_my_practice_certificates(
    state: web::Data<AppState>,
    user: CurrentUser,
) -> ApiResult<web::Json<MyPracticeCertificatesView>> {
    let items = practice_certificates::Entity::find()
        .filter(C::StudentUserId.eq(user.id()))
        .order_by_desc(C::IssuedAt)
        .all(&state.db)
        .await?
        .into_iter()
        .map(record_view)
        .collect();
    Ok(web::Json(MyPracticeCertificatesView { items }))
}

/// Check a practice certificate by its number (no login): the holder's name masked (张**),
/// school, host, dates, confirmed days and grade. An unknown number is 404.
#[utoipa::path(
    tag = "practice",
    operation_id = "check_practice_certificate",
    params(("number" = String, Path, example = "JQFX-2027-7KQ2M9XD")),
    responses(
        (status = 200, body = PracticeCertificateView),
        (status = 404, body = ErrorEnvelope)
    )
)]
#[get("/practice-certificates/{number}")]
pub async fn check_practice_certificate(
    state: web::Data<AppState>,
    number: web::Path<String>,
) -> ApiResult<web::Json<PracticeCertificateView>> {
    let number = number.trim().to_ascii_uppercase();
    if number.len() > 32 {
        return Err(ApiError::not_found(NAME));
    }
    let c = practice_certificates::Entity::find()
        .filter(C::Number.eq(number))
        .one(&state.db)
        .await?
        .ok_or_else(|| ApiError::not_found(NAME))?;
    Ok(web::Json(certificate_view(c)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ready() -> Readiness {
        Readiness {
            report_accepted: true,
            days_confirmed: 7,
            min_days: 7,
            grade: Some(PracticeGrade::Good),
            evaluating_cadre: None,
        }
    }

    fn code(r: &Readiness, issuer: Uuid) -> Option<String> {
        refusal(r, issuer).map(|e| e.code().to_owned())
    }

    #[test]
    fn a_certificate_is_refused_in_the_specs_order() {
        let issuer = Uuid::now_v7();
        assert_eq!(code(&ready(), issuer), None);
        let everything_missing = Readiness {
            report_accepted: false,
            days_confirmed: 5,
            grade: None,
            evaluating_cadre: Some(issuer),
            ..ready()
        };
        assert_eq!(
            code(&everything_missing, issuer).as_deref(),
            Some("REPORT_REQUIRED")
        );
        let r = Readiness {
            report_accepted: true,
            ..everything_missing
        };
        assert_eq!(code(&r, issuer).as_deref(), Some("NOT_ENOUGH_DAYS"));
        let r = Readiness {
            days_confirmed: 7,
            ..r
        };
        assert_eq!(code(&r, issuer).as_deref(), Some("EVALUATION_REQUIRED"));
        let r = Readiness {
            grade: Some(PracticeGrade::Fail),
            ..r
        };
        assert_eq!(code(&r, issuer).as_deref(), Some("GRADE_FAIL"));
        let r = Readiness {
            grade: Some(PracticeGrade::Excellent),
            ..r
        };
        assert_eq!(code(&r, issuer).as_deref(), Some("SAME_ACTOR_NOT_ALLOWED"));
        // Another cadre of the unit (or above) may; a host's grade binds no cadre.
        assert_eq!(code(&r, Uuid::now_v7()), None);
        let by_host = Readiness {
            evaluating_cadre: None,
            ..r
        };
        assert_eq!(code(&by_host, issuer), None);
    }
}
