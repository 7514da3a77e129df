//! Requests and views of manual reports.
use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset, NaiveDate};
use entity::kpi_manual_reports::{self, ManualReportStatus};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use super::state::ReportAction;
use crate::league::LeagueTree;
use crate::media::{MediaLink, MediaStore};
use crate::time::to_china;
use crate::workflow::TimelineEntry;

/// Submit a unit's figures for one indicator and period.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "indicatorCode": "youth_case_followup", "areaUnitCode": "220281", "period": "2026-Q3",
    "values": {"received": 42, "referredToCounty": 12, "followedUpWithinSla": 11, "closed": 35,
               "crisisCases": 1, "brandActivities": 3, "participants": 260},
    "evidence": "12355青少年服务台季度台账汇总", "evidenceMedia": []
}))]
pub struct CreateManualReportRequest {
    /// An indicator fed by manual reports (`ecommerce_training_person_times`: offline joint
    /// trainings; `youth_case_followup`: 12355 aggregates).
    pub indicator_code: String,
    /// The caller's own unit: a local unit, or a top-level unit for its own work.
    pub area_unit_code: String,
    /// `2026-Q1`; a period that has ended.
    #[schema(pattern = r"^\d{4}(-Q[1-4])?$", example = "2026-Q3")]
    pub period: String,
    /// The indicator's declared fields, integers 0–10,000,000 (`GET /admin/kpi/indicators`
    /// lists them under `manualFields`).
    #[schema(value_type = Object)]
    pub values: Value,
    #[serde(default)]
    #[validate(length(max = 1000, message = "说明不能超过1000个字"))]
    #[schema(max_length = 1000)]
    pub evidence: Option<String>,
    /// Keys of uploads with purpose `kpi_evidence` (images or PDF), at most 9.
    #[serde(default)]
    #[validate(length(max = 9, message = "最多上传9份材料"))]
    pub evidence_media: Vec<String>,
}

/// Change the figures of a submitted or returned report (approved ones are locked).
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "values": {"personTimes": 320, "sessions": 4}, "evidence": "与县人社局联合举办，签到表4份",
    "evidenceMedia": [], "version": 2
}))]
pub struct UpdateManualReportRequest {
    #[schema(value_type = Object)]
    pub values: Value,
    #[serde(default)]
    #[validate(length(max = 1000, message = "说明不能超过1000个字"))]
    #[schema(max_length = 1000)]
    pub evidence: Option<String>,
    #[serde(default)]
    #[validate(length(max = 9, message = "最多上传9份材料"))]
    pub evidence_media: Vec<String>,
    /// The version seen.
    pub version: i32,
}

/// Approve or accept, naming the version reviewed.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"version": 1}))]
pub struct ReportStepRequest {
    pub version: i32,
}

/// Return, unapprove or unaccept, with a reason.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"reason": "转介县级数与台账不符，请核对", "version": 1}))]
pub struct ReportReasonRequest {
    #[validate(custom(
        function = "crate::input::text::visible_length::<2, 200>",
        message = "原因应为2至200个字"
    ))]
    #[schema(min_length = 2, max_length = 200)]
    pub reason: String,
    pub version: i32,
}

/// `GET /admin/kpi/manual-reports` filters.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct ManualReportFilter {
    /// A league unit at or below the caller's (its reports and those of the units below it).
    pub region: Option<String>,
    #[param(example = "youth_case_followup")]
    pub indicator: Option<String>,
    #[param(inline)]
    pub status: Option<ManualReportStatus>,
    #[param(example = "2026-Q3", pattern = r"^\d{4}(-Q[1-4])?$")]
    pub period: Option<String>,
}

/// One manual report.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "id": "0193a4c2-7d1e-7b3a-9c55-2f0e8d6b4a11", "indicatorCode": "youth_case_followup",
    "indicatorName": "12355青少年个案跟进率（季度汇总）", "areaUnitCode": "220281",
    "areaUnitName": "蛟河市团委", "period": "2026-Q3", "periodEnd": "2026-09-30",
    "values": {"brandActivities": 3, "closed": 35, "crisisCases": 1, "followedUpWithinSla": 11,
               "participants": 260, "received": 42, "referredToCounty": 12},
    "evidence": "12355青少年服务台季度台账汇总", "evidenceMedia": [], "status": "approved",
    "counted": true, "submittedBy": "0193a4c0-1f2e-7c4d-8e9f-0a1b2c3d4e5f",
    "approvedBy": "0193a4c1-2a3b-7c4d-9e8f-1a2b3c4d5e6f", "acceptedBy": null, "reason": null,
    "version": 2, "createdAt": "2026-10-08T09:12:00+08:00", "updatedAt": "2026-10-10T15:40:00+08:00",
    "timeline": [
        {"seq": 1, "at": "2026-10-08T09:12:00+08:00", "action": "submit", "actionLabel": "本级团组织上报",
         "fromStatus": null, "toStatus": "submitted",
         "actor": {"kind": "cadre", "label": "共青团蛟河市委员会", "name": "张敏"}, "reason": null},
        {"seq": 2, "at": "2026-10-10T15:40:00+08:00", "action": "approve", "actionLabel": "上级团组织审核通过",
         "fromStatus": "submitted", "toStatus": "approved",
         "actor": {"kind": "cadre", "label": "共青团吉林市委员会", "name": "李华"}, "reason": null}
    ]
}))]
pub struct ManualReportView {
    pub id: Uuid,
    pub indicator_code: String,
    pub indicator_name: String,
    pub area_unit_code: String,
    pub area_unit_name: String,
    /// `2026-Q3` (a quarter) or `2026` (a year).
    #[schema(pattern = r"^\d{4}(-Q[1-4])?$")]
    pub period: String,
    /// The period's last day.
    #[schema(value_type = String, format = Date)]
    pub period_end: NaiveDate,
    pub values: BTreeMap<String, i64>,
    pub evidence: Option<String>,
    pub evidence_media: Vec<MediaLink>,
    pub status: ManualReportStatus,
    /// Whether the figures count in the KPI report (approved or accepted; also locked).
    pub counted: bool,
    /// The cadre whose figures these are (the last to submit or edit them).
    pub submitted_by: Uuid,
    pub approved_by: Option<Uuid>,
    pub accepted_by: Option<Uuid>,
    /// The last return, unapproval or unacceptance reason.
    pub reason: Option<String>,
    pub version: i32,
    pub created_at: DateTime<FixedOffset>,
    pub updated_at: DateTime<FixedOffset>,
    /// Detail responses only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeline: Option<Vec<TimelineEntry<ManualReportStatus, ReportAction>>>,
}

impl ManualReportView {
    pub fn new(r: kpi_manual_reports::Model, tree: &LeagueTree, media: &MediaStore) -> Self {
        let keys: Vec<String> = serde_json::from_str(&r.evidence_media).unwrap_or_default();
        Self {
            indicator_name: crate::kpi::catalogue::find(&r.indicator_code)
                .map(|i| i.name.to_owned())
                .unwrap_or_default(),
            area_unit_name: tree
                .unit(&r.area_unit_code)
                .map(|u| u.short_name.clone())
                .unwrap_or_default(),
            values: serde_json::from_str(&r.values_json).unwrap_or_default(),
            evidence_media: media.links(&keys),
            counted: super::state::counts(r.status),
            id: r.id,
            indicator_code: r.indicator_code,
            area_unit_code: r.area_unit_code,
            period: r.period,
            period_end: r.period_end,
            evidence: r.evidence,
            status: r.status,
            submitted_by: r.submitted_by,
            approved_by: r.approved_by,
            accepted_by: r.accepted_by,
            reason: r.reason,
            version: r.version,
            created_at: to_china(r.created_at),
            updated_at: to_china(r.updated_at),
            timeline: None,
        }
    }
}
