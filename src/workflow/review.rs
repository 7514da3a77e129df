//! The one review decision (talent profiles, volunteer reports, correction requests, and any
//! later "approve, or reject with a reason" step): one request shape, one reason rule, one
//! message.
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::error::{ApiError, ApiResult};
use crate::input::text::fits;

/// Shortest and longest review reason.
pub const REASON_MIN: usize = 2;
pub const REASON_MAX: usize = 200;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Approve,
    Reject,
}

/// A reviewer's decision.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"decision": "reject", "reason": "请补充合作社营业执照名称", "version": 1}))]
pub struct ReviewRequest {
    pub decision: Verdict,
    /// Required when rejecting, optional when approving: 2–200 characters, shown to the person
    /// whose record it is.
    #[schema(min_length = 2, max_length = 200)]
    #[serde(default)]
    pub reason: Option<String>,
    /// The `version` of the record the reviewer looked at. When the record changed since, the
    /// answer is 409 `…_CHANGED` and nothing happens. Required where the record's owner can
    /// still edit it (talent profiles).
    #[schema(minimum = 1)]
    #[serde(default)]
    pub version: Option<i32>,
}

/// A checked decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReviewDecision {
    /// With an optional note for the person.
    Approve(Option<String>),
    Reject(String),
}

impl ReviewDecision {
    pub fn reason(&self) -> Option<&str> {
        match self {
            Self::Approve(note) => note.as_deref(),
            Self::Reject(reason) => Some(reason),
        }
    }

    pub fn approved(&self) -> bool {
        matches!(self, Self::Approve(_))
    }
}

impl ReviewRequest {
    /// The decision, with the one reason rule: trimmed; required to reject; 2–200 characters.
    pub fn decision(&self) -> ApiResult<ReviewDecision> {
        let reason = self
            .reason
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty());
        if let Some(r) = reason
            && !fits(r, REASON_MIN, REASON_MAX)
        {
            return Err(ApiError::field(
                "reason",
                "LENGTH",
                format!("审核意见长度应为{REASON_MIN}至{REASON_MAX}个字"),
            ));
        }
        if self.version.is_some_and(|v| v < 1) {
            return Err(ApiError::field("version", "RANGE", "版本号无效"));
        }
        match (self.decision, reason) {
            (Verdict::Approve, note) => Ok(ReviewDecision::Approve(note.map(str::to_owned))),
            (Verdict::Reject, Some(r)) => Ok(ReviewDecision::Reject(r.to_owned())),
            (Verdict::Reject, None) => Err(ApiError::field(
                "reason",
                "REQUIRED",
                "驳回时请填写审核意见",
            )),
        }
    }

    /// The version the reviewer saw, where the record's owner may still edit it.
    pub fn required_version(&self) -> ApiResult<i32> {
        self.version
            .ok_or_else(|| ApiError::field("version", "REQUIRED", "请提交所审核信息的版本号"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(decision: Verdict, reason: Option<&str>) -> ReviewRequest {
        ReviewRequest {
            decision,
            reason: reason.map(str::to_owned),
            version: Some(1),
        }
    }

    fn field_code(r: ApiResult<ReviewDecision>) -> String {
        match r {
            Err(ApiError::Validation(f)) => format!("{}:{}", f[0].field, f[0].code),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn rejecting_needs_a_reason_and_approving_takes_an_optional_note() {
        assert_eq!(
            field_code(request(Verdict::Reject, None).decision()),
            "reason:REQUIRED"
        );
        assert_eq!(
            field_code(request(Verdict::Reject, Some("   ")).decision()),
            "reason:REQUIRED"
        );
        assert_eq!(
            request(Verdict::Reject, Some(" 材料不全 "))
                .decision()
                .unwrap(),
            ReviewDecision::Reject("材料不全".into())
        );
        assert_eq!(
            request(Verdict::Approve, None).decision().unwrap(),
            ReviewDecision::Approve(None)
        );
        assert_eq!(
            request(Verdict::Approve, Some("属实")).decision().unwrap(),
            ReviewDecision::Approve(Some("属实".into()))
        );
    }

    #[test]
    fn reasons_are_two_to_two_hundred_characters_after_trimming() {
        assert_eq!(
            field_code(request(Verdict::Reject, Some(" 否 ")).decision()),
            "reason:LENGTH"
        );
        let long = "字".repeat(201);
        assert_eq!(
            field_code(request(Verdict::Approve, Some(&long)).decision()),
            "reason:LENGTH"
        );
        assert!(
            request(Verdict::Reject, Some(&"字".repeat(200)))
                .decision()
                .is_ok()
        );
    }

    #[test]
    fn a_version_is_positive_and_can_be_required() {
        let mut r = request(Verdict::Approve, None);
        r.version = Some(0);
        assert_eq!(field_code(r.decision()), "version:RANGE");
        r.version = None;
        assert!(r.required_version().is_err());
    }
}
