//! The 返家乡 rules no attribute expresses: labels, consent texts, limits.
use entity::host_units::{HostKind, HostStatus};
use entity::practice_applications::{ApplicationStatus, DeciderKind};
use entity::practice_attendance::AttendanceSource;
use entity::practice_campaigns::{CampaignStatus, Season};
use entity::practice_positions::{PositionCategory, PositionMode, PositionStatus};
use entity::practice_reports::PracticeReportStatus;
use entity::student_profiles::DegreeLevel;

use crate::consents::ConsentText;

crate::labels!(DegreeLevel {
    JuniorCollege: "专科",
    Bachelor: "本科",
    Master: "硕士",
    Doctor: "博士",
});

crate::labels!(Season {
    Winter: "寒假",
    Summer: "暑假",
    Other: "其他",
});

crate::labels!(CampaignStatus {
    Draft: "草稿",
    Open: "报名中",
    Closed: "报名结束",
    Archived: "已归档",
});

crate::labels!(HostKind {
    PartyGovernment: "党政机关",
    PublicInstitution: "事业单位",
    Enterprise: "企业",
    VillageCommittee: "村（社区）",
    SocialOrg: "社会组织",
    YouthHome: "青年之家",
    Cooperative: "合作社",
});

crate::labels!(PositionCategory {
    Government: "政务实践",
    Enterprise: "企业实践",
    PublicService: "公益服务",
    Community: "社区服务",
    RuralRevitalisation: "乡村振兴",
    LeaguePartTime: "兼职锻炼",
    CulturePublicity: "文化宣传",
    Online: "云实践",
    FieldSurvey: "乡土调查",
    LegalPublicity: "法治宣传",
    CustomsReform: "移风易俗",
});

crate::labels!(PositionMode {
    Onsite: "线下",
    Online: "线上",
});

crate::labels!(PositionStatus {
    Draft: "草稿",
    Published: "招募中",
    Closed: "停止招募",
    Cancelled: "已取消",
});

crate::labels!(ApplicationStatus {
    Submitted: "已报名",
    Offered: "已录用待确认",
    Confirmed: "已确认参加",
    OnDuty: "在岗实践",
    Completed: "实践结束",
    Certified: "已开具证明",
    Rejected: "未录用",
    Declined: "已放弃录用",
    Lapsed: "录用已失效",
    Withdrawn: "已撤回",
    Dropped: "中途退出",
    PositionCancelled: "岗位已取消",
});

crate::labels!(DeciderKind {
    Host: "接收单位",
    Cadre: "团组织",
});

crate::labels!(HostStatus {
    Active: "正常",
    Suspended: "已暂停",
});

/// The student profile's own consent (processing the student's data for 返家乡 practice).
pub const PROFILE_CONSENT: ConsentText = ConsentText {
    version: "2026-12",
    template: "为组织“返家乡”社会实践，共青团吉林省委及您生源地团组织将收集并加密保存您的学校、专业、生源地和紧急联系人信息，仅用于岗位匹配、实践管理和证明开具；展示时默认脱敏。您可以在没有进行中的实践时随时删除实践档案。",
};

/// Sharing an application with the position's host unit (`practice_host_sharing`).
pub const HOST_SHARING_CONSENT: ConsentText = ConsentText {
    version: "2026-12",
    template: "我同意将我的姓名、学校、专业、手机号码和报名信息提供给{recipient}，用于“返家乡”实践岗位的选拔、联系和带教管理。",
};

/// The ID number to an insuring host (`practice_insurance`, sensitive data, PIPL Art. 29).
pub const INSURANCE_CONSENT: ConsentText = ConsentText {
    version: "2026-12",
    template: "我单独同意将我的身份证号码（敏感个人信息）提供给{recipient}，仅用于为本次实践办理意外伤害保险。",
};

/// Ages a student profile may be saved for (full years, China date).
pub const STUDENT_MIN_AGE: i32 = 16;
pub const STUDENT_MAX_AGE: i32 = 35;
/// Age from which a student may apply (conventions §10).
pub const APPLY_MIN_AGE: i32 = 18;
/// Earliest enrolment year.
pub const FIRST_ENROLLMENT_YEAR: i32 = 2010;
/// Seats a position may offer.
pub const MAX_SLOTS: i32 = 50;
/// Hours of practice a day.
pub const MAX_DAILY_HOURS: i32 = 8;
/// Majors a position may list.
pub const MAX_MAJORS: usize = 20;

/// Motivation of an application (characters).
pub const MOTIVATION_MIN: usize = 10;
pub const MOTIVATION_MAX: usize = 500;
/// The reason of an undecided application ended by the position's start.
pub const STARTED_UNDECIDED_REASON: &str = "岗位已开始，未获录用";

/// Days an invitation code stays valid.
pub const INVITATION_VALID_DAYS: i64 = 7;
/// Wrong invitation codes a user may try per hour.
pub const INVITATION_TRIES_PER_HOUR: i64 = 10;
/// The invitation alphabet (Crockford's 32: digits and letters without I, L, O, U).
pub const INVITATION_ALPHABET: &[u8] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// A new invitation code: 8 characters of [`INVITATION_ALPHABET`].
pub fn invitation_code() -> String {
    use rand::Rng;
    let mut rng = rand::rng();
    (0..8)
        .map(|_| INVITATION_ALPHABET[rng.random_range(0..32)] as char)
        .collect()
}

/// A code as typed: upper-cased, spaces and dashes removed.
pub fn normalise_code(code: &str) -> String {
    code.chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_uppercase)
        .collect()
}

crate::labels!(AttendanceSource {
    Code: "扫码签到",
    Manual: "人工确认",
});

crate::labels!(PracticeReportStatus {
    Draft: "草稿",
    Submitted: "已提交",
    Returned: "已退回",
    Accepted: "已通过",
});
