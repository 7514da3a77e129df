//! Request and response types of the closing of a placement: completion, evaluation and
//! certificates (`docs/practice.md`, "Evaluation and certificates").
use chrono::{DateTime, FixedOffset, NaiveDate};
use entity::practice_applications::DeciderKind;
use entity::practice_evaluations::PracticeGrade;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

use crate::error::ErrorDetail;

/// The host's or a local-unit cadre's evaluation of a placement (after its last day).
#[derive(Debug, Serialize, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"grade": "excellent", "comment": "工作认真负责，走访农户30余户，整理村史资料2万字。", "version": 7}))]
pub struct EvaluationRequest {
    /// 优秀 `excellent` (capped per campaign and local unit), 良好 `good`, 合格 `pass`, 不合格
    /// `fail` (no certificate).
    pub grade: PracticeGrade,
    /// Up to 500 characters, shown to the student on the timeline.
    #[validate(length(max = 500, message = "评语不能超过500个字"))]
    #[schema(max_length = 500)]
    pub comment: Option<String>,
    /// The application's version the evaluator read.
    pub version: Option<i32>,
}

/// A placement's evaluation.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PracticeEvaluationView {
    pub grade: PracticeGrade,
    /// 优秀, 良好, 合格, 不合格.
    pub grade_label: String,
    pub comment: Option<String>,
    /// Who gave the grade last: the host supervisor or a local-unit cadre.
    pub evaluated_by_kind: DeciderKind,
    pub evaluated_at: DateTime<FixedOffset>,
}

/// Applications to issue certificates for, one answer each.
#[derive(Debug, Serialize, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"applicationIds": ["01939a3e-7c1f-7d2a-9a4e-2b6c1d0e5f70", "01939a3e-7c1f-7d2a-9a4e-2b6c1d0e5f71"]}))]
pub struct CertificateBatchRequest {
    /// 1–100 application ids (a repeated id is answered once).
    #[validate(length(min = 1, max = 100, message = "请选择1至100条实践记录"))]
    #[schema(min_items = 1, max_items = 100)]
    pub application_ids: Vec<Uuid>,
}

/// A practice certificate as anyone checking its number sees it: the holder's name masked.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"number": "JQFX-2027-7KQ2M9XD", "holderName": "张**", "schoolName": "吉林大学",
    "hostName": "南关区南岭街道办事处", "positionTitle": "乡土调查助理",
    "campaignName": "2027年寒假“返家乡”社会实践", "startsOn": "2027-01-10", "endsOn": "2027-01-30",
    "daysConfirmed": 15, "grade": "excellent", "gradeLabel": "优秀",
    "issuerName": "共青团长春市南关区委员会", "issuedAt": "2027-02-20T10:15:00+08:00"}))]
pub struct PracticeCertificateView {
    /// `JQFX-<campaign year>-<8 random characters>`.
    pub number: String,
    /// Masked: the first character and `*` (张**).
    pub holder_name: String,
    pub school_name: Option<String>,
    pub host_name: Option<String>,
    pub position_title: Option<String>,
    pub campaign_name: String,
    /// The position's practice days.
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    /// Confirmed attendance days, counted when the certificate was issued.
    pub days_confirmed: i32,
    pub grade: PracticeGrade,
    pub grade_label: String,
    /// The position's local unit (共青团…委员会).
    pub issuer_name: String,
    pub issued_at: DateTime<FixedOffset>,
}

/// A certificate with the application it certifies (the student's own list, staff answers).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PracticeCertificateRecordView {
    pub application_id: Uuid,
    #[serde(flatten)]
    pub certificate: PracticeCertificateView,
}

/// The caller's practice certificates, newest first.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MyPracticeCertificatesView {
    pub items: Vec<PracticeCertificateRecordView>,
}

/// What the batch did for one application.
#[derive(Debug, Clone, Copy, Serialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum CertificateOutcome {
    /// Issued by this request.
    Issued,
    /// It already had one: returned, not reissued.
    AlreadyIssued,
    /// Refused: `error` says why (the single issue's code: `REPORT_REQUIRED`, …, `NOT_FOUND`).
    Refused,
}

/// One answer of a batch issue.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CertificateBatchItem {
    pub application_id: Uuid,
    pub outcome: CertificateOutcome,
    pub certificate: Option<PracticeCertificateView>,
    pub error: Option<ErrorDetail>,
}

/// The batch's answers, in the order of the request (a repeated id once).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CertificateBatchView {
    pub items: Vec<CertificateBatchItem>,
    pub issued: u32,
    pub already_issued: u32,
    pub refused: u32,
}
