//! The mentoring refusals (stable codes, Chinese messages), and the unique violations of the
//! request and pairing tables mapped to them (conventions §7: PostgreSQL names the index, SQLite
//! only the columns, so both spellings are matched).
use sea_orm::{DbErr, SqlErr};

use crate::error::{ApiError, FieldError};

pub fn already_requested() -> ApiError {
    ApiError::Conflict(
        "ALREADY_REQUESTED",
        "您已向该导师提交过申请，请等待导师回复".into(),
    )
}

pub fn already_paired() -> ApiError {
    ApiError::Conflict("ALREADY_PAIRED", "您与该导师正在结对中".into())
}

pub fn too_many_open(max: u32) -> ApiError {
    ApiError::Conflict(
        "TOO_MANY_PENDING_REQUESTS",
        format!("进行中的导师申请最多{max}个，请等待回复或取消后再申请"),
    )
}

pub fn mentee_limit(max: u32) -> ApiError {
    ApiError::Conflict(
        "MENTEE_LIMIT_REACHED",
        format!("同时进行的导师帮带最多{max}个，暂不能再结对"),
    )
}

pub fn not_accepting() -> ApiError {
    ApiError::Conflict("MENTOR_NOT_ACCEPTING", "该导师暂不接收新的申请".into())
}

pub fn at_capacity() -> ApiError {
    ApiError::Conflict(
        "MENTOR_AT_CAPACITY",
        "导师帮带名额已满，请在结束或完成一项帮带后再接受".into(),
    )
}

pub fn expired() -> ApiError {
    ApiError::Conflict(
        "REQUEST_EXPIRED",
        "该申请已过期，可重新申请或请团组织推荐导师".into(),
    )
}

pub fn outside_mentor_region() -> ApiError {
    ApiError::Forbidden(
        "OUTSIDE_MENTOR_REGION",
        "该导师的服务区域不包括青年所在地".into(),
    )
}

pub fn self_mentoring() -> ApiError {
    ApiError::Unprocessable {
        code: "SELF_MENTORING",
        message: "不能申请由本人担任导师".into(),
        fields: vec![FieldError::new(
            "mentorId",
            "SELF_MENTORING",
            "不能选择本人作为导师",
        )],
    }
}

pub fn age_not_eligible() -> ApiError {
    ApiError::Forbidden("AGE_NOT_ELIGIBLE", "年满18周岁后才能申请创业导师".into())
}

pub fn already_reassigned() -> ApiError {
    ApiError::Conflict(
        "INVALID_STATE",
        "该申请已重新推荐过导师，无法再次推荐".into(),
    )
}

pub fn confirmation_closed() -> ApiError {
    ApiError::Conflict(
        "CONFIRMATION_CLOSED",
        "已超过确认期限，该辅导记录已自动确认".into(),
    )
}

pub fn no_guidance_records() -> ApiError {
    ApiError::Conflict(
        "NO_GUIDANCE_RECORDS",
        "导师帮带至少需要一条已确认的辅导记录才能完成".into(),
    )
}

pub fn already_extended() -> ApiError {
    ApiError::Conflict("ALREADY_EXTENDED", "帮带期只能延长一次".into())
}

pub fn already_rated() -> ApiError {
    ApiError::Conflict("ALREADY_RATED", "您已评价过该导师的帮带".into())
}

pub fn rating_closed() -> ApiError {
    ApiError::Conflict("RATING_CLOSED", "帮带结束已超过60日，不能再评价".into())
}

pub fn same_actor() -> ApiError {
    ApiError::Forbidden(
        "SAME_ACTOR_NOT_ALLOWED",
        "组织须由登记人以外的团干部核验".into(),
    )
}

pub fn parent_unit_only() -> ApiError {
    ApiError::Forbidden(
        "PARENT_UNIT_ONLY",
        "组织须由其所属团组织的上级团组织核验".into(),
    )
}

pub fn already_assigned() -> ApiError {
    ApiError::Conflict("ALREADY_ASSIGNED", "该导师已配备给该组织".into())
}

/// An insert into `org_mentor_assignments` failed: one active assignment per organisation and
/// mentor.
pub fn assignment_insert(e: DbErr) -> ApiError {
    if let Some(m) = unique_violation(&e)
        && (m.contains("uq_org_mentor_assignments_active")
            || m.contains("org_mentor_assignments.org_id"))
    {
        return already_assigned();
    }
    ApiError::from(e)
}

/// The text of a unique violation, if `e` is one.
fn unique_violation(e: &DbErr) -> Option<String> {
    match e.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(m)) => Some(m),
        _ => None,
    }
}

/// An insert into `mentorship_requests` failed: one open request per mentee and mentor, one
/// reassignment per request. A repeated `Idempotency-Key` stays `DUPLICATE` (the caller reads
/// the first result).
pub fn request_insert(e: DbErr) -> ApiError {
    if let Some(m) = unique_violation(&e) {
        if m.contains("uq_mentorship_requests_origin") || m.contains(".origin_request_id") {
            return already_reassigned();
        }
        if m.contains("uq_mentorship_requests_open")
            || (m.contains(".mentor_profile_id") && !m.contains("idempotency"))
        {
            return already_requested();
        }
    }
    ApiError::from(e)
}

/// An insert into `mentorships` failed: one active pair per mentor and mentee.
pub fn mentorship_insert(e: DbErr) -> ApiError {
    if let Some(m) = unique_violation(&e)
        && (m.contains("uq_mentorships_active_pair") || m.contains("mentorships.mentee_user_id"))
    {
        return already_paired();
    }
    ApiError::from(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_stable() {
        assert_eq!(already_requested().code(), "ALREADY_REQUESTED");
        assert_eq!(too_many_open(3).code(), "TOO_MANY_PENDING_REQUESTS");
        assert_eq!(mentee_limit(2).code(), "MENTEE_LIMIT_REACHED");
        assert_eq!(at_capacity().code(), "MENTOR_AT_CAPACITY");
        assert_eq!(expired().code(), "REQUEST_EXPIRED");
        assert_eq!(self_mentoring().code(), "SELF_MENTORING");
        assert_eq!(age_not_eligible().code(), "AGE_NOT_ELIGIBLE");
        assert_eq!(confirmation_closed().code(), "CONFIRMATION_CLOSED");
        assert_eq!(no_guidance_records().code(), "NO_GUIDANCE_RECORDS");
        assert_eq!(already_extended().code(), "ALREADY_EXTENDED");
        assert_eq!(already_rated().code(), "ALREADY_RATED");
        assert_eq!(rating_closed().code(), "RATING_CLOSED");
    }
}
