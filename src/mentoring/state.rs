//! The mentoring lifecycles (`mentoring.md`), pure: mentor profiles, requests, mentorships,
//! guidance records and youth organisations, with what each party waits for next.
//!
//! Mentor profile ("cadre" = a cadre covering the service unit):
//!
//! | from | action | to | who |
//! |---|---|---|---|
//! | — | apply | pending | mentor (the applying WeChat user) |
//! | pending, rejected, withdrawn | save | pending | mentor |
//! | certified | edit | certified | mentor |
//! | certified | move (a new service unit) | pending | mentor |
//! | pending | certify / reject | certified / rejected | cadre |
//! | certified | suspend | suspended | cadre |
//! | suspended | reinstate | certified | cadre |
//! | pending, rejected, certified, suspended | withdraw | withdrawn | mentor |
//!
//! Request:
//!
//! | from | action | to | who |
//! |---|---|---|---|
//! | — | create (with a mentor) | pending | youth |
//! | — | create (without) | awaiting_assignment | youth |
//! | awaiting_assignment | assign | proposed | cadre |
//! | — (expired, declined: a new request) | reassign | proposed | cadre |
//! | proposed | confirm_proposal | pending | youth |
//! | proposed | reject_proposal | awaiting_assignment | youth |
//! | pending | accept / decline | accepted / declined | mentor |
//! | awaiting_assignment, proposed, pending | cancel | cancelled | youth |
//! | awaiting_assignment, proposed, pending | auto_cancel | cancelled | system |
//! | proposed, pending | expire | expired | system |
//!
//! Mentorship: active → complete (mentor, system) → completed; active → end (mentor, mentee,
//! cadre, system) → ended; active → extend / log_record (mentor) → active; completed, ended →
//! rate (mentee) → unchanged.
//!
//! Record: pending → confirm / dispute (mentee), auto_confirm (system); disputed → settle_confirm /
//! settle_void (cadre).
//!
//! Organisation: active → edit / verify / assign_mentor / end_assignment (cadre) → active;
//! active → dissolve (cadre) → dissolved.
use chrono::{DateTime, Utc};
use entity::mentor_profiles::{self, Expertise, MentorStatus, ServiceMode};
use entity::mentoring_records::{self, RecordMode, RecordStatus};
use entity::mentorship_requests::{self, DeclineReason, RequestKind, RequestStatus};
use entity::mentorships::{self, EndedBy, MentorshipStatus};
use entity::workflow_events::ActorKind;
use entity::youth_organisations::{self, OrgKind, OrgLevel, OrgStatus};

use crate::workflow::{EventLog, NextActor, NextStep, Refusal};

/// The one events table of the domain.
pub const EVENTS_TABLE: &str = "mentoring_events";

crate::labels!(MentorStatus {
    Pending: "待认证",
    Certified: "已认证",
    Rejected: "未通过",
    Suspended: "已暂停",
    Withdrawn: "已退出",
});

crate::labels!(Expertise {
    Cultivation: "种养技术",
    Processing: "农产品加工",
    EcommerceMarketing: "电商营销",
    Branding: "品牌设计",
    Finance: "财务融资",
    LawPolicy: "法律政策",
    Management: "经营管理",
    RuralTourism: "乡村旅游",
    Other: "其他",
});

crate::labels!(ServiceMode {
    Online: "线上",
    Phone: "电话",
    OnSite: "实地",
});

crate::labels!(RequestKind {
    LongTerm: "导师帮带",
    Consultation: "项目巡诊/市场对接",
});

crate::labels!(RequestStatus {
    AwaitingAssignment: "待团组织推荐导师",
    Proposed: "待本人确认推荐导师",
    Pending: "待导师回复",
    Accepted: "已结对",
    Declined: "导师已婉拒",
    Cancelled: "已取消",
    Expired: "已过期",
});

crate::labels!(DeclineReason {
    FieldMismatch: "领域不符",
    NoCapacity: "名额已满",
    Schedule: "时间不便",
    OutsideRegion: "不在服务区域",
    Other: "其他",
});

crate::labels!(MentorshipStatus {
    Active: "帮带中",
    Completed: "已完成",
    Ended: "已结束",
});

crate::labels!(EndedBy {
    Mentor: "导师",
    Mentee: "青年",
    Cadre: "团组织",
    System: "系统",
});

crate::labels!(RecordMode {
    Online: "线上",
    Phone: "电话",
    OnSite: "实地",
    Lecture: "讲座",
});

crate::labels!(RecordStatus {
    Pending: "待确认",
    Confirmed: "已确认",
    Disputed: "有异议",
    AutoConfirmed: "已自动确认",
    Void: "已作废",
});

crate::labels!(OrgKind {
    WealthLeaderOrg: "农村青年致富带头人组织",
    EntrepreneurshipAssoc: "青年创业协会",
    EcommerceAssoc: "青年电商协会",
    SocialOrg: "青年社会组织",
});

crate::labels!(OrgLevel {
    Province: "省级",
    City: "市级",
    County: "县级",
    Township: "乡镇级",
});

crate::labels!(OrgStatus {
    Active: "正常",
    Dissolved: "已撤销",
});

crate::actions! {
    /// What happens to a mentor profile.
    pub enum MentorProfileAction {
        Apply = "apply", "申请成为创业导师", "申请";
        Save = "save", "修改并重新提交导师资料", "提交";
        Edit = "edit", "修改导师资料", "修改";
        Move = "move", "变更服务区域，待重新认证", "变更服务区域";
        Certify = "certify", "团组织认证", "认证";
        Reject = "reject", "团组织未予认证", "退回";
        Suspend = "suspend", "团组织暂停导师资格", "暂停";
        Reinstate = "reinstate", "团组织恢复导师资格", "恢复";
        Withdraw = "withdraw", "本人退出导师团", "退出";
    }
}

/// Mentor profiles: the table above.
pub fn next_profile(
    from: MentorStatus,
    action: MentorProfileAction,
    actor: ActorKind,
) -> Result<MentorStatus, Refusal> {
    use {MentorProfileAction as A, MentorStatus as S};
    let who = match action {
        A::Apply | A::Save | A::Edit | A::Move | A::Withdraw => ActorKind::Mentor,
        A::Certify | A::Reject | A::Suspend | A::Reinstate => ActorKind::Cadre,
    };
    if actor != who {
        return Err(Refusal::WrongActor);
    }
    match (action, from) {
        (A::Save, S::Pending | S::Rejected | S::Withdrawn) => Ok(S::Pending),
        (A::Edit, S::Certified) => Ok(S::Certified),
        (A::Move, S::Certified) => Ok(S::Pending),
        (A::Certify, S::Pending) => Ok(S::Certified),
        (A::Reject, S::Pending) => Ok(S::Rejected),
        (A::Suspend, S::Certified) => Ok(S::Suspended),
        (A::Reinstate, S::Suspended) => Ok(S::Certified),
        (A::Withdraw, S::Pending | S::Rejected | S::Certified | S::Suspended) => Ok(S::Withdrawn),
        _ => Err(Refusal::WrongState),
    }
}

/// What the mentor waits for on their own profile.
pub fn profile_next_step(status: MentorStatus) -> Option<NextStep> {
    match status {
        MentorStatus::Pending => Some(NextStep::new(NextActor::CountyLeague, "等待团组织认证")),
        MentorStatus::Rejected => Some(NextStep::new(NextActor::You, "请按退回意见修改后重新提交")),
        MentorStatus::Suspended => Some(NextStep::new(
            NextActor::CountyLeague,
            "导师资格已暂停，等待团组织恢复",
        )),
        MentorStatus::Certified | MentorStatus::Withdrawn => None,
    }
}

crate::subject! {
    mentor_profiles::Model {
        entity: mentor_profiles::Entity,
        status: MentorStatus,
        action: MentorProfileAction,
        events: EventLog::kind(EVENTS_TABLE, "profile"),
        name: "导师",
        changed: ("PROFILE_CHANGED", "导师资料已被修改，请刷新后重试"),
        next: next_profile,
    }
}

crate::actions! {
    /// What happens to a mentorship request.
    pub enum MentorshipRequestAction {
        Create = "create", "提交导师申请", "提交";
        Assign = "assign", "团组织推荐导师", "推荐导师";
        Reassign = "reassign", "团组织重新推荐导师", "重新推荐导师";
        ConfirmProposal = "confirm_proposal", "本人确认推荐导师", "确认推荐导师";
        RejectProposal = "reject_proposal", "本人不接受推荐导师", "拒绝推荐导师";
        Accept = "accept", "导师接受", "接受";
        Decline = "decline", "导师婉拒", "婉拒";
        Cancel = "cancel", "本人取消申请", "取消";
        AutoCancel = "auto_cancel", "已与其他导师结对，系统取消", "取消";
        Expire = "expire", "逾期未回复，已过期", "过期";
    }
}

/// Requests: the table above.
pub fn next_request(
    from: RequestStatus,
    action: MentorshipRequestAction,
    actor: ActorKind,
) -> Result<RequestStatus, Refusal> {
    use {MentorshipRequestAction as A, RequestStatus as S};
    let who = match action {
        A::Create | A::ConfirmProposal | A::RejectProposal | A::Cancel => ActorKind::Youth,
        A::Assign | A::Reassign => ActorKind::Cadre,
        A::Accept | A::Decline => ActorKind::Mentor,
        A::AutoCancel | A::Expire => ActorKind::System,
    };
    if actor != who {
        return Err(Refusal::WrongActor);
    }
    match (action, from) {
        (A::Assign, S::AwaitingAssignment) => Ok(S::Proposed),
        (A::ConfirmProposal, S::Proposed) => Ok(S::Pending),
        (A::RejectProposal, S::Proposed) => Ok(S::AwaitingAssignment),
        (A::Accept, S::Pending) => Ok(S::Accepted),
        (A::Decline, S::Pending) => Ok(S::Declined),
        (A::Cancel | A::AutoCancel, S::AwaitingAssignment | S::Proposed | S::Pending) => {
            Ok(S::Cancelled)
        }
        (A::Expire, S::Proposed | S::Pending) => Ok(S::Expired),
        _ => Err(Refusal::WrongState),
    }
}

/// Counts toward the mentee's `open_requests`.
pub fn is_open(status: RequestStatus) -> bool {
    matches!(
        status,
        RequestStatus::AwaitingAssignment | RequestStatus::Proposed | RequestStatus::Pending
    )
}

/// Who acts next on a request, as the mentee sees it (`local_unit`: 「南关区团委」).
pub fn request_next_step_for_mentee(
    status: RequestStatus,
    expires_at: Option<DateTime<Utc>>,
    local_unit: &str,
) -> Option<NextStep> {
    let due = |s: NextStep| match expires_at {
        Some(at) => s.due(at),
        None => s,
    };
    match status {
        RequestStatus::AwaitingAssignment => Some(NextStep::new(
            NextActor::CountyLeague,
            format!("等待{local_unit}推荐导师"),
        )),
        RequestStatus::Proposed => {
            Some(due(NextStep::new(NextActor::You, "请确认团组织推荐的导师")))
        }
        RequestStatus::Pending => Some(due(NextStep::new(NextActor::Mentor, "等待导师回复"))),
        _ => None,
    }
}

/// Who acts next on a request, as the mentor sees it.
pub fn request_next_step_for_mentor(
    status: RequestStatus,
    expires_at: Option<DateTime<Utc>>,
) -> Option<NextStep> {
    match (status, expires_at) {
        (RequestStatus::Pending, Some(at)) => {
            Some(NextStep::new(NextActor::You, "请接受或婉拒该申请").due(at))
        }
        (RequestStatus::Pending, None) => Some(NextStep::new(NextActor::You, "请接受或婉拒该申请")),
        _ => None,
    }
}

crate::subject! {
    mentorship_requests::Model {
        entity: mentorship_requests::Entity,
        status: RequestStatus,
        action: MentorshipRequestAction,
        events: EventLog::kind(EVENTS_TABLE, "request"),
        name: "导师申请",
        changed: ("REQUEST_CHANGED", "申请已被修改，请刷新后重试"),
        next: next_request,
    }
}

crate::actions! {
    /// What happens to a mentorship.
    pub enum MentorshipAction {
        Start = "start", "结对成功", "结对";
        LogRecord = "log_record", "导师填写辅导记录", "填写辅导记录";
        Extend = "extend", "导师延长帮带期", "延长";
        Complete = "complete", "帮带完成", "完成";
        End = "end", "结束帮带", "结束";
        Rate = "rate", "青年评价", "评价";
    }
}

/// Mentorships: the table above (`End` by the mentor, the mentee, a cadre or the system).
pub fn next_mentorship(
    from: MentorshipStatus,
    action: MentorshipAction,
    actor: ActorKind,
) -> Result<MentorshipStatus, Refusal> {
    use {MentorshipAction as A, MentorshipStatus as S};
    let allowed = match action {
        A::Start => false,
        A::LogRecord | A::Extend => actor == ActorKind::Mentor,
        A::Complete => matches!(actor, ActorKind::Mentor | ActorKind::System),
        A::End => matches!(
            actor,
            ActorKind::Mentor | ActorKind::Youth | ActorKind::Cadre | ActorKind::System
        ),
        A::Rate => actor == ActorKind::Youth,
    };
    if !allowed && action != A::Start {
        return Err(Refusal::WrongActor);
    }
    match (action, from) {
        (A::LogRecord | A::Extend, S::Active) => Ok(S::Active),
        (A::Complete, S::Active) => Ok(S::Completed),
        (A::End, S::Active) => Ok(S::Ended),
        (A::Rate, S::Completed | S::Ended) => Ok(from),
        _ => Err(Refusal::WrongState),
    }
}

/// What a party of a mentorship waits for (`is_mentor`: the reader is the mentor;
/// `confirm_due`: the earliest deadline of a record waiting for the mentee).
pub fn mentorship_next_step(
    status: MentorshipStatus,
    is_mentor: bool,
    rated: bool,
    rating_due: Option<DateTime<Utc>>,
    confirm_due: Option<DateTime<Utc>>,
) -> Option<NextStep> {
    match (status, is_mentor, confirm_due) {
        (_, false, Some(at)) => {
            Some(NextStep::new(NextActor::You, "请确认导师填写的辅导记录").due(at))
        }
        (MentorshipStatus::Active, true, _) => {
            Some(NextStep::new(NextActor::You, "请开展帮带并填写辅导记录"))
        }
        (MentorshipStatus::Active, false, _) => {
            Some(NextStep::new(NextActor::Mentor, "导师帮带中"))
        }
        (_, false, None) if !rated => {
            rating_due.map(|at| NextStep::new(NextActor::You, "请为导师的帮带打分").due(at))
        }
        _ => None,
    }
}

crate::subject! {
    mentorships::Model {
        entity: mentorships::Entity,
        status: MentorshipStatus,
        action: MentorshipAction,
        events: EventLog::kind(EVENTS_TABLE, "mentorship"),
        name: "导师结对",
        changed: ("MENTORSHIP_CHANGED", "结对信息已被修改，请刷新后重试"),
        next: next_mentorship,
    }
}

crate::actions! {
    /// What happens to a guidance record.
    pub enum MentoringRecordAction {
        Create = "create", "导师填写辅导记录", "填写";
        Confirm = "confirm", "青年确认", "确认";
        Dispute = "dispute", "青年提出异议", "提出异议";
        AutoConfirm = "auto_confirm", "逾期未确认，自动确认", "自动确认";
        SettleConfirm = "settle_confirm", "团组织核实后确认", "确认";
        SettleVoid = "settle_void", "团组织核实后作废", "作废";
    }
}

/// Guidance records.
pub fn next_record(
    from: RecordStatus,
    action: MentoringRecordAction,
    actor: ActorKind,
) -> Result<RecordStatus, Refusal> {
    use {MentoringRecordAction as A, RecordStatus as S};
    let who = match action {
        A::Create => ActorKind::Mentor,
        A::Confirm | A::Dispute => ActorKind::Youth,
        A::AutoConfirm => ActorKind::System,
        A::SettleConfirm | A::SettleVoid => ActorKind::Cadre,
    };
    if actor != who {
        return Err(Refusal::WrongActor);
    }
    match (action, from) {
        (A::Confirm, S::Pending) => Ok(S::Confirmed),
        (A::Dispute, S::Pending) => Ok(S::Disputed),
        (A::AutoConfirm, S::Pending) => Ok(S::AutoConfirmed),
        (A::SettleConfirm, S::Disputed) => Ok(S::Confirmed),
        (A::SettleVoid, S::Disputed) => Ok(S::Void),
        _ => Err(Refusal::WrongState),
    }
}

/// Only these count anywhere (stats, completion, coverage).
pub fn record_counts(status: RecordStatus) -> bool {
    matches!(
        status,
        RecordStatus::Confirmed | RecordStatus::AutoConfirmed
    )
}

crate::subject! {
    mentoring_records::Model {
        entity: mentoring_records::Entity,
        status: RecordStatus,
        action: MentoringRecordAction,
        events: EventLog::kind(EVENTS_TABLE, "record"),
        name: "辅导记录",
        changed: ("RECORD_CHANGED", "辅导记录已被修改，请刷新后重试"),
        next: next_record,
    }
}

crate::actions! {
    /// What happens to a youth organisation.
    pub enum YouthOrgAction {
        Create = "create", "团组织登记", "登记";
        Edit = "edit", "团组织修改信息", "修改";
        Verify = "verify", "上级团组织核验", "核验";
        Dissolve = "dissolve", "团组织登记撤销", "撤销";
        AssignMentor = "assign_mentor", "配备创业导师", "配备导师";
        EndAssignment = "end_assignment", "解除导师配备", "解除导师配备";
    }
}

/// Youth organisations: only cadres act, only on active ones.
pub fn next_org(
    from: OrgStatus,
    action: YouthOrgAction,
    actor: ActorKind,
) -> Result<OrgStatus, Refusal> {
    use {OrgStatus as S, YouthOrgAction as A};
    let system_may = matches!(action, A::EndAssignment);
    if actor != ActorKind::Cadre && !(system_may && actor == ActorKind::System) {
        return Err(Refusal::WrongActor);
    }
    match (action, from) {
        (A::Edit | A::Verify | A::AssignMentor | A::EndAssignment, S::Active) => Ok(S::Active),
        (A::Dissolve, S::Active) => Ok(S::Dissolved),
        _ => Err(Refusal::WrongState),
    }
}

crate::subject! {
    youth_organisations::Model {
        entity: youth_organisations::Entity,
        status: OrgStatus,
        action: YouthOrgAction,
        events: EventLog::kind(EVENTS_TABLE, "organisation"),
        name: "青年组织",
        changed: ("ORGANISATION_CHANGED", "组织信息已被修改，请刷新后重试"),
        next: next_org,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::Iterable;

    const KINDS: [ActorKind; 7] = [
        ActorKind::Youth,
        ActorKind::Student,
        ActorKind::Mentor,
        ActorKind::Host,
        ActorKind::Cadre,
        ActorKind::BankOfficer,
        ActorKind::System,
    ];

    /// Every cell of a table: the allowed ones give `to`, every other status `WrongState`, every
    /// other actor `WrongActor`.
    fn check_table<S, A>(
        next: fn(S, A, ActorKind) -> Result<S, Refusal>,
        statuses: &[S],
        allowed: &[(A, &[S], S, &[ActorKind])],
        action: A,
    ) where
        S: Copy + PartialEq + std::fmt::Debug,
        A: Copy + PartialEq + std::fmt::Debug,
    {
        for &from in statuses {
            for kind in KINDS {
                let row = allowed
                    .iter()
                    .find(|(a, froms, _, _)| *a == action && froms.contains(&from));
                let may_act = allowed
                    .iter()
                    .any(|(a, _, _, who)| *a == action && who.contains(&kind));
                let got = next(from, action, kind);
                match (may_act, row) {
                    (false, _) => assert_eq!(
                        got,
                        Err(Refusal::WrongActor),
                        "{action:?} by {kind:?} from {from:?}"
                    ),
                    (true, Some((_, _, to, who))) if who.contains(&kind) => {
                        assert_eq!(got, Ok(*to), "{action:?} by {kind:?} from {from:?}")
                    }
                    (true, _) => assert_eq!(
                        got,
                        Err(Refusal::WrongState),
                        "{action:?} by {kind:?} from {from:?}"
                    ),
                }
            }
        }
    }

    #[test]
    fn the_mentor_profile_table_holds_in_every_cell() {
        use {MentorProfileAction as A, MentorStatus as S};
        let all: Vec<S> = S::iter().collect();
        let m: &[ActorKind] = &[ActorKind::Mentor];
        let c: &[ActorKind] = &[ActorKind::Cadre];
        let table: &[(A, &[S], S, &[ActorKind])] = &[
            (A::Apply, &[], S::Pending, m),
            (
                A::Save,
                &[S::Pending, S::Rejected, S::Withdrawn],
                S::Pending,
                m,
            ),
            (A::Edit, &[S::Certified], S::Certified, m),
            (A::Move, &[S::Certified], S::Pending, m),
            (A::Certify, &[S::Pending], S::Certified, c),
            (A::Reject, &[S::Pending], S::Rejected, c),
            (A::Suspend, &[S::Certified], S::Suspended, c),
            (A::Reinstate, &[S::Suspended], S::Certified, c),
            (
                A::Withdraw,
                &[S::Pending, S::Rejected, S::Certified, S::Suspended],
                S::Withdrawn,
                m,
            ),
        ];
        for action in A::ALL {
            check_table(next_profile, &all, table, *action);
        }
    }

    #[test]
    fn the_request_table_holds_in_every_cell() {
        use {MentorshipRequestAction as A, RequestStatus as S};
        let all: Vec<S> = S::iter().collect();
        let y: &[ActorKind] = &[ActorKind::Youth];
        let open: &[S] = &[S::AwaitingAssignment, S::Proposed, S::Pending];
        let table: &[(A, &[S], S, &[ActorKind])] = &[
            (A::Create, &[], S::Pending, y),
            (A::Reassign, &[], S::Proposed, &[ActorKind::Cadre]),
            (
                A::Assign,
                &[S::AwaitingAssignment],
                S::Proposed,
                &[ActorKind::Cadre],
            ),
            (A::ConfirmProposal, &[S::Proposed], S::Pending, y),
            (A::RejectProposal, &[S::Proposed], S::AwaitingAssignment, y),
            (A::Accept, &[S::Pending], S::Accepted, &[ActorKind::Mentor]),
            (A::Decline, &[S::Pending], S::Declined, &[ActorKind::Mentor]),
            (A::Cancel, open, S::Cancelled, y),
            (A::AutoCancel, open, S::Cancelled, &[ActorKind::System]),
            (
                A::Expire,
                &[S::Proposed, S::Pending],
                S::Expired,
                &[ActorKind::System],
            ),
        ];
        for action in A::ALL {
            check_table(next_request, &all, table, *action);
        }
        for s in S::iter() {
            assert_eq!(is_open(s), open.contains(&s), "{s:?}");
        }
    }

    #[test]
    fn the_mentorship_table_holds_in_every_cell() {
        use {MentorshipAction as A, MentorshipStatus as S};
        let all: Vec<S> = S::iter().collect();
        let m: &[ActorKind] = &[ActorKind::Mentor];
        let enders: &[ActorKind] = &[
            ActorKind::Mentor,
            ActorKind::Youth,
            ActorKind::Cadre,
            ActorKind::System,
        ];
        let table: &[(A, &[S], S, &[ActorKind])] = &[
            (A::LogRecord, &[S::Active], S::Active, m),
            (A::Extend, &[S::Active], S::Active, m),
            (
                A::Complete,
                &[S::Active],
                S::Completed,
                &[ActorKind::Mentor, ActorKind::System],
            ),
            (A::End, &[S::Active], S::Ended, enders),
        ];
        for action in [A::LogRecord, A::Extend, A::Complete, A::End] {
            check_table(next_mentorship, &all, table, action);
        }
        // Rating leaves the status as it is.
        assert_eq!(
            next_mentorship(S::Completed, A::Rate, ActorKind::Youth),
            Ok(S::Completed)
        );
        assert_eq!(
            next_mentorship(S::Ended, A::Rate, ActorKind::Youth),
            Ok(S::Ended)
        );
        assert_eq!(
            next_mentorship(S::Active, A::Rate, ActorKind::Youth),
            Err(Refusal::WrongState)
        );
        assert_eq!(
            next_mentorship(S::Ended, A::Rate, ActorKind::Mentor),
            Err(Refusal::WrongActor)
        );
        for s in S::iter() {
            assert!(next_mentorship(s, A::Start, ActorKind::System).is_err());
        }
    }

    #[test]
    fn the_record_table_holds_in_every_cell() {
        use {MentoringRecordAction as A, RecordStatus as S};
        let all: Vec<S> = S::iter().collect();
        let y: &[ActorKind] = &[ActorKind::Youth];
        let c: &[ActorKind] = &[ActorKind::Cadre];
        let table: &[(A, &[S], S, &[ActorKind])] = &[
            (A::Create, &[], S::Pending, &[ActorKind::Mentor]),
            (A::Confirm, &[S::Pending], S::Confirmed, y),
            (A::Dispute, &[S::Pending], S::Disputed, y),
            (
                A::AutoConfirm,
                &[S::Pending],
                S::AutoConfirmed,
                &[ActorKind::System],
            ),
            (A::SettleConfirm, &[S::Disputed], S::Confirmed, c),
            (A::SettleVoid, &[S::Disputed], S::Void, c),
        ];
        for action in A::ALL {
            check_table(next_record, &all, table, *action);
        }
        assert!(record_counts(S::Confirmed) && record_counts(S::AutoConfirmed));
        assert!(
            !record_counts(S::Pending) && !record_counts(S::Disputed) && !record_counts(S::Void)
        );
    }

    #[test]
    fn only_cadres_act_on_organisations_and_only_while_active() {
        use {OrgStatus as S, YouthOrgAction as A};
        for action in A::ALL {
            if *action == A::Create {
                assert_eq!(
                    next_org(S::Active, *action, ActorKind::Cadre),
                    Err(Refusal::WrongState)
                );
                continue;
            }
            let to = if *action == A::Dissolve {
                S::Dissolved
            } else {
                S::Active
            };
            assert_eq!(next_org(S::Active, *action, ActorKind::Cadre), Ok(to));
            assert_eq!(
                next_org(S::Dissolved, *action, ActorKind::Cadre),
                Err(Refusal::WrongState)
            );
            assert_eq!(
                next_org(S::Active, *action, ActorKind::Youth),
                Err(Refusal::WrongActor)
            );
        }
        assert_eq!(
            next_org(S::Active, A::EndAssignment, ActorKind::System),
            Ok(S::Active)
        );
    }

    #[test]
    fn next_steps_follow_the_status() {
        use MentorStatus as M;
        assert_eq!(
            profile_next_step(M::Pending).unwrap().actor,
            NextActor::CountyLeague
        );
        assert_eq!(
            profile_next_step(M::Rejected).unwrap().actor,
            NextActor::You
        );
        assert_eq!(
            profile_next_step(M::Suspended).unwrap().actor,
            NextActor::CountyLeague
        );
        assert!(profile_next_step(M::Certified).is_none());
        assert!(profile_next_step(M::Withdrawn).is_none());
        let at = Utc::now();
        use RequestStatus as R;
        let s = request_next_step_for_mentee(R::AwaitingAssignment, None, "南关区团委").unwrap();
        assert_eq!(s.action_label, "等待南关区团委推荐导师");
        assert_eq!(s.actor, NextActor::CountyLeague);
        let s = request_next_step_for_mentee(R::Proposed, Some(at), "x").unwrap();
        assert_eq!((s.actor, s.due_at.is_some()), (NextActor::You, true));
        let s = request_next_step_for_mentee(R::Pending, Some(at), "x").unwrap();
        assert_eq!(s.actor, NextActor::Mentor);
        for r in [R::Accepted, R::Declined, R::Cancelled, R::Expired] {
            assert!(
                request_next_step_for_mentee(r, None, "x").is_none(),
                "{r:?}"
            );
            assert!(request_next_step_for_mentor(r, None).is_none(), "{r:?}");
        }
        assert_eq!(
            request_next_step_for_mentor(R::Pending, Some(at))
                .unwrap()
                .actor,
            NextActor::You
        );
        use MentorshipStatus as P;
        assert_eq!(
            mentorship_next_step(P::Active, true, false, None, None)
                .unwrap()
                .actor,
            NextActor::You
        );
        assert_eq!(
            mentorship_next_step(P::Active, false, false, None, None)
                .unwrap()
                .actor,
            NextActor::Mentor
        );
        assert_eq!(
            mentorship_next_step(P::Completed, false, false, Some(at), None)
                .unwrap()
                .actor,
            NextActor::You
        );
        assert!(mentorship_next_step(P::Completed, false, true, Some(at), None).is_none());
        let s = mentorship_next_step(P::Active, false, false, None, Some(at)).unwrap();
        assert_eq!((s.actor, s.due_at.is_some()), (NextActor::You, true));
        // A record still waiting after the pairing ended is the mentee's to confirm, not the
        // mentor's.
        assert!(mentorship_next_step(P::Ended, true, false, None, Some(at)).is_none());
        assert!(mentorship_next_step(P::Ended, true, false, Some(at), None).is_none());
    }
}
