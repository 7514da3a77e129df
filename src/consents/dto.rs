use chrono::{DateTime, FixedOffset};
use entity::sharing_consents::{self as consents, ConsentPurpose, ConsentSubject, RecipientKind};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::time::to_china;

/// 「用途」 as the youth reads it.
pub fn purpose_label(p: ConsentPurpose) -> &'static str {
    match p {
        ConsentPurpose::MentoringContact => "向创业导师提供联系方式",
        ConsentPurpose::LoanBankSharing => "向合作银行提供贷款申请信息",
        ConsentPurpose::LoanCreditInquiry => "授权合作银行查询个人征信",
        ConsentPurpose::PracticeHostSharing => "向实践单位提供报名信息",
        ConsentPurpose::PracticeInsurance => "向实践单位提供身份证号用于投保意外险",
        ConsentPurpose::PioneerPublicity => "公示乡村振兴青年先锋推荐信息",
    }
}

pub fn recipient_kind_label(k: RecipientKind) -> &'static str {
    match k {
        RecipientKind::Mentor => "创业导师",
        RecipientKind::Bank => "合作银行",
        RecipientKind::HostUnit => "实践单位",
        RecipientKind::Public => "社会公众",
    }
}

/// One consent the caller gave to share their data outside the league.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"id": "0192f4c1-a7e2-7b7d-9a5a-3c1f2e8d7b6a", "purpose": "loan_bank_sharing",
    "purposeLabel": "向合作银行提供贷款申请信息", "recipientKind": "bank", "recipientKindLabel": "合作银行",
    "recipientName": "吉林银行长春分行", "subjectKind": "loan_application",
    "subjectId": "0192f4c1-a7e2-7b7d-9a5a-3c1f2e8d7b6b", "consentVersion": "2026-12",
    "grantedAt": "2026-12-02T10:15:00+08:00", "withdrawnAt": null, "active": true}))]
pub struct SharingConsentView {
    pub id: Uuid,
    pub purpose: ConsentPurpose,
    pub purpose_label: &'static str,
    pub recipient_kind: RecipientKind,
    pub recipient_kind_label: &'static str,
    /// Who received the data; null once the record was anonymised (retention).
    pub recipient_name: Option<String>,
    /// The kind of record the consent was given for.
    pub subject_kind: ConsentSubject,
    pub subject_id: Option<Uuid>,
    pub consent_version: String,
    pub granted_at: DateTime<FixedOffset>,
    /// When the sharing ended (the request was cancelled, the application withdrawn, …).
    pub withdrawn_at: Option<DateTime<FixedOffset>>,
    /// Still in force.
    pub active: bool,
}

impl From<consents::Model> for SharingConsentView {
    fn from(c: consents::Model) -> Self {
        Self {
            id: c.id,
            purpose: c.purpose,
            purpose_label: purpose_label(c.purpose),
            recipient_kind: c.recipient_kind,
            recipient_kind_label: recipient_kind_label(c.recipient_kind),
            recipient_name: c.recipient_name,
            subject_kind: c.subject_kind,
            subject_id: c.subject_id,
            consent_version: c.consent_version,
            granted_at: to_china(c.granted_at),
            active: c.withdrawn_at.is_none(),
            withdrawn_at: c.withdrawn_at.map(to_china),
        }
    }
}
