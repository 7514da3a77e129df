//! The lifecycles of 返家乡 campaigns, host units, positions and applications.
//!
//! Campaign (cadres of the campaign's unit or above):
//!
//! | from | action | to |
//! |---|---|---|
//! | — | create | draft |
//! | draft, open | edit | same (settings and practice dates only while draft) |
//! | draft | open | open |
//! | open | close | closed |
//! | closed | archive | archived |
//!
//! Host unit (its local unit's cadres; `bind_supervisor` by the invited WeChat user):
//!
//! | from | action | to |
//! |---|---|---|
//! | — | create | active |
//! | active, suspended | edit, invite, bind_supervisor, revoke_supervisor | same |
//! | active | suspend | suspended |
//! | suspended | reinstate | active |
//!
//! Position (its local unit's cadres):
//!
//! | from | action | to |
//! |---|---|---|
//! | — | create | draft |
//! | draft, published | edit | same |
//! | draft | publish | published |
//! | published | close | closed (no new applications; those in hand carry on) |
//! | draft, published, closed | cancel(reason) | cancelled |
use chrono::{DateTime, NaiveDate, Utc};
use entity::host_units::{self, HostStatus};
use entity::practice_applications::{self, ApplicationStatus};
use entity::practice_campaigns::{self, CampaignStatus};
use entity::practice_positions::{self, PositionStatus};
use entity::practice_reports::{self, PracticeReportStatus};
use entity::workflow_events::ActorKind;

use crate::time::start_of_day;
use crate::workflow::{EventLog, NextActor, NextStep, Refusal};

crate::actions! {
    /// What happens to a campaign.
    pub enum CampaignAction {
        Create = "create", "团组织创建实践活动", "创建";
        Edit = "edit", "团组织修改实践活动", "修改";
        Open = "open", "开始报名", "开始报名";
        Close = "close", "结束报名", "结束报名";
        Archive = "archive", "归档", "归档";
    }
}

crate::actions! {
    /// What happens to a host unit.
    pub enum HostAction {
        Create = "create", "团组织登记接收单位", "登记";
        Edit = "edit", "团组织修改接收单位信息", "修改";
        Suspend = "suspend", "团组织暂停接收单位", "暂停";
        Reinstate = "reinstate", "团组织恢复接收单位", "恢复";
        Invite = "invite", "团组织邀请带教负责人", "邀请带教负责人";
        BindSupervisor = "bind_supervisor", "带教负责人接受邀请", "接受邀请";
        RevokeSupervisor = "revoke_supervisor", "团组织解除带教负责人", "解除带教负责人";
    }
}

crate::actions! {
    /// What happens to a position.
    pub enum PositionAction {
        Create = "create", "团组织创建岗位", "创建";
        Edit = "edit", "团组织修改岗位", "修改";
        Publish = "publish", "团组织发布岗位", "发布";
        Close = "close", "团组织停止招募", "停止招募";
        Cancel = "cancel", "团组织取消岗位", "取消";
    }
}

pub fn next_position(
    from: PositionStatus,
    action: PositionAction,
    actor: ActorKind,
) -> Result<PositionStatus, Refusal> {
    use PositionAction as A;
    use PositionStatus as S;
    if actor != ActorKind::Cadre {
        return Err(Refusal::WrongActor);
    }
    match (action, from) {
        (A::Edit, S::Draft) => Ok(S::Draft),
        (A::Edit, S::Published) => Ok(S::Published),
        (A::Publish, S::Draft) => Ok(S::Published),
        (A::Close, S::Published) => Ok(S::Closed),
        (A::Cancel, S::Draft | S::Published | S::Closed) => Ok(S::Cancelled),
        _ => Err(Refusal::WrongState),
    }
}

pub fn next_campaign(
    from: CampaignStatus,
    action: CampaignAction,
    actor: ActorKind,
) -> Result<CampaignStatus, Refusal> {
    use CampaignAction as A;
    use CampaignStatus as S;
    if actor != ActorKind::Cadre {
        return Err(Refusal::WrongActor);
    }
    match (action, from) {
        (A::Edit, S::Draft) => Ok(S::Draft),
        (A::Edit, S::Open) => Ok(S::Open),
        (A::Open, S::Draft) => Ok(S::Open),
        (A::Close, S::Open) => Ok(S::Closed),
        (A::Archive, S::Closed) => Ok(S::Archived),
        _ => Err(Refusal::WrongState),
    }
}

pub fn next_host(
    from: HostStatus,
    action: HostAction,
    actor: ActorKind,
) -> Result<HostStatus, Refusal> {
    use HostAction as A;
    use HostStatus as S;
    let who = match action {
        A::BindSupervisor => ActorKind::Host,
        _ => ActorKind::Cadre,
    };
    if actor != who {
        return Err(Refusal::WrongActor);
    }
    match (action, from) {
        (A::Edit | A::Invite | A::BindSupervisor | A::RevokeSupervisor, s) => Ok(s),
        (A::Suspend, S::Active) => Ok(S::Suspended),
        (A::Reinstate, S::Suspended) => Ok(S::Active),
        _ => Err(Refusal::WrongState),
    }
}

crate::subject! {
    practice_campaigns::Model {
        entity: practice_campaigns::Entity,
        status: CampaignStatus,
        action: CampaignAction,
        events: EventLog::kind("practice_events", "campaign"),
        name: "实践活动",
        changed: ("CAMPAIGN_CHANGED", "实践活动已被修改，请刷新后重试"),
        next: next_campaign,
    }
}

crate::subject! {
    host_units::Model {
        entity: host_units::Entity,
        status: HostStatus,
        action: HostAction,
        events: EventLog::kind("practice_events", "host_unit"),
        name: "接收单位",
        changed: ("HOST_UNIT_CHANGED", "接收单位信息已被修改，请刷新后重试"),
        next: next_host,
    }
}

crate::subject! {
    practice_positions::Model {
        entity: practice_positions::Entity,
        status: PositionStatus,
        action: PositionAction,
        events: EventLog::kind("practice_events", "position"),
        name: "实践岗位",
        changed: ("POSITION_CHANGED", "岗位信息已被修改，请刷新后重试"),
        next: next_position,
    }
}

crate::actions! {
    /// What happens to an application (and the placement it becomes).
    pub enum PracticeApplicationAction {
        Apply = "apply", "学生报名", "报名";
        Offer = "offer", "接收单位录用", "录用";
        Reject = "reject", "接收单位未录用", "不予录用";
        /// The job: the position started while the application was undecided.
        Expire = "expire", "岗位已开始，报名自动结束", "结束报名";
        Confirm = "confirm", "学生确认参加", "确认参加";
        DeclineOffer = "decline_offer", "学生放弃录用", "放弃录用";
        /// The job: an offer not confirmed in time.
        Lapse = "lapse", "录用超时未确认，已失效", "使录用失效";
        Withdraw = "withdraw", "学生撤回报名", "撤回";
        ReportForDuty = "report_for_duty", "到岗报到", "报到";
        Drop = "drop", "中途退出", "办理退出";
        Complete = "complete", "实践结束", "结束实践";
        /// The host's or a local-unit cadre's grade (after `ends_on`; an on-duty placement is
        /// completed by it); changeable until the certificate exists.
        Evaluate = "evaluate", "实践评价", "评价";
        IssueCertificate = "issue_certificate", "开具实践证明", "开具证明";
        /// Days the student could not check in, confirmed by hand (the status stays).
        ConfirmAttendance = "confirm_attendance", "接收单位确认出勤", "确认出勤";
        /// In the cadre's position cancellation.
        CancelPosition = "cancel_position", "岗位取消", "取消岗位";
    }
}

/// The application machine (`practice.md`). Host supervisors and local-unit cadres select; the
/// student applies, confirms, declines, withdraws; the system lapses offers and ends undecided
/// applications once the position starts.
pub fn next_application(
    from: ApplicationStatus,
    action: PracticeApplicationAction,
    actor: ActorKind,
) -> Result<ApplicationStatus, Refusal> {
    use ActorKind as K;
    use ApplicationStatus as S;
    use PracticeApplicationAction as A;
    let allowed = match action {
        A::Apply | A::Confirm | A::DeclineOffer | A::Withdraw => actor == K::Student,
        A::Offer | A::Reject | A::Drop | A::ConfirmAttendance => {
            matches!(actor, K::Host | K::Cadre)
        }
        A::Expire | A::Lapse => actor == K::System,
        A::ReportForDuty => matches!(actor, K::Student | K::Host | K::Cadre),
        A::Complete => matches!(actor, K::Host | K::Cadre | K::System),
        A::Evaluate => matches!(actor, K::Host | K::Cadre),
        A::IssueCertificate => actor == K::Cadre,
        A::CancelPosition => matches!(actor, K::Cadre | K::System),
    };
    if !allowed {
        return Err(Refusal::WrongActor);
    }
    match (action, from) {
        (A::Offer, S::Submitted) => Ok(S::Offered),
        (A::Reject | A::Expire, S::Submitted) => Ok(S::Rejected),
        (A::Confirm, S::Offered) => Ok(S::Confirmed),
        (A::DeclineOffer, S::Offered) => Ok(S::Declined),
        (A::Lapse, S::Offered) => Ok(S::Lapsed),
        (A::Withdraw, S::Submitted | S::Offered | S::Confirmed) => Ok(S::Withdrawn),
        (A::ReportForDuty, S::Confirmed) => Ok(S::OnDuty),
        (A::Drop, S::OnDuty | S::Confirmed) => Ok(S::Dropped),
        (A::Complete, S::OnDuty) => Ok(S::Completed),
        (A::Evaluate, S::OnDuty | S::Completed) => Ok(S::Completed),
        (A::ConfirmAttendance, S::OnDuty) => Ok(S::OnDuty),
        (A::ConfirmAttendance, S::Completed) => Ok(S::Completed),
        (A::IssueCertificate, S::Completed) => Ok(S::Certified),
        (A::CancelPosition, S::Submitted | S::Offered | S::Confirmed) => Ok(S::PositionCancelled),
        _ => Err(Refusal::WrongState),
    }
}

/// Whether a status is final (the application's `ended_at` is set on reaching it).
pub fn is_final(status: ApplicationStatus) -> bool {
    use ApplicationStatus as S;
    matches!(
        status,
        S::Certified
            | S::Rejected
            | S::Declined
            | S::Lapsed
            | S::Withdrawn
            | S::Dropped
            | S::PositionCancelled
    )
}

/// What the student's next step depends on besides the status.
#[derive(Debug, Clone)]
pub struct PlacementDates {
    pub offer_expires_at: Option<DateTime<Utc>>,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    /// `ends_on` + the campaign's `report_due_days`.
    pub report_due_on: NaiveDate,
    /// Today's China date.
    pub today: NaiveDate,
    /// The student's attendance today.
    pub today_attendance: TodayAttendance,
}

/// Where the student's attendance stands today.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TodayAttendance {
    None,
    CheckedIn,
    /// Checked out, or the day confirmed by the host.
    Done,
}

/// `nextStep` of the student's application detail.
pub fn next_step(status: ApplicationStatus, d: &PlacementDates) -> Option<NextStep> {
    use ApplicationStatus as S;
    let day_after = |day: NaiveDate| start_of_day(day + chrono::Duration::days(1));
    // Check-ins close at 22:00 China time.
    let closes = |day: NaiveDate| {
        start_of_day(day) + chrono::Duration::hours(super::attendance_rules::CLOSES_AT_HOUR.into())
    };
    Some(match status {
        S::Submitted => {
            NextStep::new(NextActor::Host, "等待接收单位选拔").due(start_of_day(d.starts_on))
        }
        S::Offered => {
            let step = NextStep::new(NextActor::You, "已获录用，请在截止前确认是否参加");
            match d.offer_expires_at {
                Some(at) => step.due(at),
                None => step,
            }
        }
        S::Confirmed if d.today < d.starts_on => NextStep::new(
            NextActor::You,
            format!("请于{}到岗，首次扫码签到即报到", d.starts_on),
        )
        .due(start_of_day(d.starts_on)),
        S::Confirmed | S::OnDuty if d.today > d.ends_on => {
            NextStep::new(NextActor::Host, "实践期已结束，等待接收单位确认完成")
        }
        S::Confirmed => {
            NextStep::new(NextActor::You, "请扫描接收单位的签到码报到").due(closes(d.today))
        }
        S::OnDuty => match d.today_attendance {
            TodayAttendance::None => {
                NextStep::new(NextActor::You, "请扫描接收单位的签到码签到").due(closes(d.today))
            }
            TodayAttendance::CheckedIn => {
                NextStep::new(NextActor::You, "请在离岗时扫码签退").due(closes(d.today))
            }
            TodayAttendance::Done => {
                NextStep::new(NextActor::You, "今日考勤已完成，请按时完成后续实践")
                    .due(day_after(d.ends_on))
            }
        },
        S::Completed => {
            NextStep::new(NextActor::You, "请提交实践报告").due(day_after(d.report_due_on))
        }
        S::Certified
        | S::Rejected
        | S::Declined
        | S::Lapsed
        | S::Withdrawn
        | S::Dropped
        | S::PositionCancelled => return None,
    })
}

crate::subject! {
    practice_applications::Model {
        entity: practice_applications::Entity,
        status: ApplicationStatus,
        action: PracticeApplicationAction,
        events: EventLog::kind("practice_events", "application"),
        name: "实践报名",
        changed: ("APPLICATION_CHANGED", "报名信息已有更新，请刷新后重试"),
        next: next_application,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::Iterable;

    use CampaignAction as CA;
    use CampaignStatus as CS;
    use HostAction as HA;
    use HostStatus as HS;

    const CAMPAIGN_CELLS: &[(CA, CS, CS)] = &[
        (CA::Edit, CS::Draft, CS::Draft),
        (CA::Edit, CS::Open, CS::Open),
        (CA::Open, CS::Draft, CS::Open),
        (CA::Close, CS::Open, CS::Closed),
        (CA::Archive, CS::Closed, CS::Archived),
    ];

    #[test]
    fn every_campaign_cell_allowed_or_refused() {
        for &action in CA::ALL {
            for from in CS::iter() {
                let expected = CAMPAIGN_CELLS
                    .iter()
                    .find(|c| c.0 == action && c.1 == from)
                    .map(|c| c.2)
                    .ok_or(Refusal::WrongState);
                assert_eq!(
                    next_campaign(from, action, ActorKind::Cadre),
                    expected,
                    "{action:?} from {from:?}"
                );
                for wrong in [ActorKind::Student, ActorKind::Host, ActorKind::System] {
                    assert_eq!(next_campaign(from, action, wrong), Err(Refusal::WrongActor));
                }
            }
        }
    }

    #[test]
    fn every_position_cell_allowed_or_refused() {
        use PositionAction as PA;
        use PositionStatus as PS;
        const CELLS: &[(PA, PS, PS)] = &[
            (PA::Edit, PS::Draft, PS::Draft),
            (PA::Edit, PS::Published, PS::Published),
            (PA::Publish, PS::Draft, PS::Published),
            (PA::Close, PS::Published, PS::Closed),
            (PA::Cancel, PS::Draft, PS::Cancelled),
            (PA::Cancel, PS::Published, PS::Cancelled),
            (PA::Cancel, PS::Closed, PS::Cancelled),
        ];
        for &action in PA::ALL {
            for from in PS::iter() {
                let expected = CELLS
                    .iter()
                    .find(|c| c.0 == action && c.1 == from)
                    .map(|c| c.2)
                    .ok_or(Refusal::WrongState);
                assert_eq!(
                    next_position(from, action, ActorKind::Cadre),
                    expected,
                    "{action:?} from {from:?}"
                );
                for wrong in [ActorKind::Student, ActorKind::Host, ActorKind::System] {
                    assert_eq!(next_position(from, action, wrong), Err(Refusal::WrongActor));
                }
            }
        }
    }

    #[test]
    fn every_host_cell_allowed_or_refused() {
        for &action in HA::ALL {
            let actor = if action == HA::BindSupervisor {
                ActorKind::Host
            } else {
                ActorKind::Cadre
            };
            for from in HS::iter() {
                let expected = match (action, from) {
                    (HA::Create, _) => Err(Refusal::WrongState),
                    (HA::Suspend, HS::Active) => Ok(HS::Suspended),
                    (HA::Reinstate, HS::Suspended) => Ok(HS::Active),
                    (HA::Suspend | HA::Reinstate, _) => Err(Refusal::WrongState),
                    (_, s) => Ok(s),
                };
                assert_eq!(
                    next_host(from, action, actor),
                    expected,
                    "{action:?} {from:?}"
                );
            }
            for wrong in [ActorKind::Student, ActorKind::System, ActorKind::Youth] {
                assert_eq!(
                    next_host(HS::Active, action, wrong),
                    Err(Refusal::WrongActor)
                );
            }
        }
    }

    #[test]
    fn every_application_cell_allowed_or_refused() {
        use ActorKind as K;
        use ApplicationStatus as S;
        use PracticeApplicationAction as A;
        // (action, from, to, the actors allowed)
        const CELLS: &[(A, S, S)] = &[
            (A::Offer, S::Submitted, S::Offered),
            (A::Reject, S::Submitted, S::Rejected),
            (A::Expire, S::Submitted, S::Rejected),
            (A::Confirm, S::Offered, S::Confirmed),
            (A::DeclineOffer, S::Offered, S::Declined),
            (A::Lapse, S::Offered, S::Lapsed),
            (A::Withdraw, S::Submitted, S::Withdrawn),
            (A::Withdraw, S::Offered, S::Withdrawn),
            (A::Withdraw, S::Confirmed, S::Withdrawn),
            (A::ReportForDuty, S::Confirmed, S::OnDuty),
            (A::Drop, S::OnDuty, S::Dropped),
            (A::Drop, S::Confirmed, S::Dropped),
            (A::Complete, S::OnDuty, S::Completed),
            (A::Evaluate, S::OnDuty, S::Completed),
            (A::Evaluate, S::Completed, S::Completed),
            (A::ConfirmAttendance, S::OnDuty, S::OnDuty),
            (A::ConfirmAttendance, S::Completed, S::Completed),
            (A::IssueCertificate, S::Completed, S::Certified),
            (A::CancelPosition, S::Submitted, S::PositionCancelled),
            (A::CancelPosition, S::Offered, S::PositionCancelled),
            (A::CancelPosition, S::Confirmed, S::PositionCancelled),
        ];
        let actors = |a: A| -> &'static [K] {
            match a {
                A::Apply | A::Confirm | A::DeclineOffer | A::Withdraw => &[K::Student],
                A::Offer | A::Reject | A::Drop | A::ConfirmAttendance => &[K::Host, K::Cadre],
                A::Expire | A::Lapse => &[K::System],
                A::ReportForDuty => &[K::Student, K::Host, K::Cadre],
                A::Complete => &[K::Host, K::Cadre, K::System],
                A::Evaluate => &[K::Host, K::Cadre],
                A::IssueCertificate => &[K::Cadre],
                A::CancelPosition => &[K::Cadre, K::System],
            }
        };
        for &action in A::ALL {
            for from in S::iter() {
                let expected = CELLS
                    .iter()
                    .find(|c| c.0 == action && c.1 == from)
                    .map(|c| c.2)
                    .ok_or(Refusal::WrongState);
                for actor in K::iter() {
                    let want = if actors(action).contains(&actor) {
                        expected
                    } else {
                        Err(Refusal::WrongActor)
                    };
                    assert_eq!(
                        next_application(from, action, actor),
                        want,
                        "{action:?} from {from:?} by {actor:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn the_student_sees_a_next_step_until_the_application_ends() {
        use ApplicationStatus as S;
        let starts = NaiveDate::from_ymd_opt(2027, 1, 10).unwrap();
        let d = PlacementDates {
            offer_expires_at: Some(start_of_day(starts) - chrono::Duration::hours(5)),
            starts_on: starts,
            ends_on: NaiveDate::from_ymd_opt(2027, 1, 30).unwrap(),
            report_due_on: NaiveDate::from_ymd_opt(2027, 2, 13).unwrap(),
            today: NaiveDate::from_ymd_opt(2027, 1, 5).unwrap(),
            today_attendance: TodayAttendance::None,
        };
        let step = |s| next_step(s, &d);
        let submitted = step(S::Submitted).unwrap();
        assert_eq!(submitted.actor, NextActor::Host);
        assert_eq!(
            submitted.due_at.unwrap().to_rfc3339(),
            "2027-01-10T00:00:00+08:00"
        );
        let offered = step(S::Offered).unwrap();
        assert_eq!(offered.actor, NextActor::You);
        assert_eq!(
            offered.due_at.unwrap().to_rfc3339(),
            "2027-01-09T19:00:00+08:00"
        );
        assert_eq!(
            step(S::Confirmed).unwrap().action_label,
            "请于2027-01-10到岗，首次扫码签到即报到"
        );
        // On a practice day: check in, then out, before 22:00.
        let on = |today: u32, t: TodayAttendance, s| {
            let d = PlacementDates {
                today: NaiveDate::from_ymd_opt(2027, 1, today).unwrap(),
                today_attendance: t,
                ..d.clone()
            };
            next_step(s, &d).unwrap()
        };
        let first = on(10, TodayAttendance::None, S::Confirmed);
        assert_eq!(first.action_label, "请扫描接收单位的签到码报到");
        assert_eq!(
            first.due_at.unwrap().to_rfc3339(),
            "2027-01-10T22:00:00+08:00"
        );
        assert_eq!(
            on(12, TodayAttendance::None, S::OnDuty).action_label,
            "请扫描接收单位的签到码签到"
        );
        let out = on(12, TodayAttendance::CheckedIn, S::OnDuty);
        assert_eq!(out.action_label, "请在离岗时扫码签退");
        assert_eq!(
            out.due_at.unwrap().to_rfc3339(),
            "2027-01-12T22:00:00+08:00"
        );
        assert_eq!(
            on(12, TodayAttendance::Done, S::OnDuty)
                .due_at
                .unwrap()
                .to_rfc3339(),
            "2027-01-31T00:00:00+08:00"
        );
        assert_eq!(
            on(31, TodayAttendance::None, S::OnDuty).actor,
            NextActor::Host
        );
        assert_eq!(
            step(S::Completed).unwrap().due_at.unwrap().to_rfc3339(),
            "2027-02-14T00:00:00+08:00"
        );
        for s in [
            S::Certified,
            S::Rejected,
            S::Declined,
            S::Lapsed,
            S::Withdrawn,
            S::Dropped,
            S::PositionCancelled,
        ] {
            assert!(step(s).is_none(), "{s:?}");
            assert!(is_final(s), "{s:?}");
        }
        for s in [
            S::Submitted,
            S::Offered,
            S::Confirmed,
            S::OnDuty,
            S::Completed,
        ] {
            assert!(!is_final(s), "{s:?}");
        }
    }
}

crate::actions! {
    /// What happens to a practice report.
    pub enum PracticeReportAction {
        Create = "create", "创建实践报告", "创建";
        Submit = "submit", "学生提交实践报告", "提交";
        Accept = "accept", "团组织审核通过", "审核通过";
        Return = "return", "团组织退回修改", "退回";
        ExtendDeadline = "extend_deadline", "团组织延长提交期限", "延长期限";
    }
}

/// The report machine: the student writes (edits are not events: `version` counts them) and
/// submits; a cadre of the local unit accepts or returns it, and may move the deadline later.
///
/// | from | action | to | who |
/// |---|---|---|---|
/// | — | create (first save, or a deadline extension) | draft | student, cadre |
/// | draft, returned | submit | submitted | student |
/// | submitted | accept | accepted | cadre |
/// | submitted | return(reason) | returned | cadre |
/// | draft, submitted, returned | extend_deadline | same | cadre |
pub fn next_report(
    from: PracticeReportStatus,
    action: PracticeReportAction,
    actor: ActorKind,
) -> Result<PracticeReportStatus, Refusal> {
    use PracticeReportAction as A;
    use PracticeReportStatus as S;
    let allowed = match action {
        A::Create => matches!(actor, ActorKind::Student | ActorKind::Cadre),
        A::Submit => actor == ActorKind::Student,
        A::Accept | A::Return | A::ExtendDeadline => actor == ActorKind::Cadre,
    };
    if !allowed {
        return Err(Refusal::WrongActor);
    }
    match (action, from) {
        (A::Submit, S::Draft | S::Returned) => Ok(S::Submitted),
        (A::Accept, S::Submitted) => Ok(S::Accepted),
        (A::Return, S::Submitted) => Ok(S::Returned),
        (A::ExtendDeadline, s @ (S::Draft | S::Submitted | S::Returned)) => Ok(s),
        _ => Err(Refusal::WrongState),
    }
}

crate::subject! {
    practice_reports::Model {
        entity: practice_reports::Entity,
        status: PracticeReportStatus,
        action: PracticeReportAction,
        events: EventLog::kind("practice_events", "report"),
        name: "实践报告",
        changed: ("REPORT_CHANGED", "实践报告已有更新，请刷新后重试"),
        next: next_report,
    }
}

#[cfg(test)]
mod report_tests {
    use super::*;
    use sea_orm::Iterable;

    #[test]
    fn every_report_cell_allowed_or_refused() {
        use PracticeReportAction as A;
        use PracticeReportStatus as S;
        const CELLS: &[(A, S, S)] = &[
            (A::Submit, S::Draft, S::Submitted),
            (A::Submit, S::Returned, S::Submitted),
            (A::Accept, S::Submitted, S::Accepted),
            (A::Return, S::Submitted, S::Returned),
            (A::ExtendDeadline, S::Draft, S::Draft),
            (A::ExtendDeadline, S::Submitted, S::Submitted),
            (A::ExtendDeadline, S::Returned, S::Returned),
        ];
        let who = |a: A| match a {
            A::Submit => ActorKind::Student,
            _ => ActorKind::Cadre,
        };
        for &action in A::ALL {
            if action == A::Create {
                continue;
            }
            for from in S::iter() {
                let expected = CELLS
                    .iter()
                    .find(|c| c.0 == action && c.1 == from)
                    .map(|c| c.2);
                assert_eq!(
                    next_report(from, action, who(action)).ok(),
                    expected,
                    "{action:?} from {from:?}"
                );
                let other = if who(action) == ActorKind::Student {
                    ActorKind::Cadre
                } else {
                    ActorKind::Student
                };
                assert_eq!(
                    next_report(from, action, other),
                    Err(Refusal::WrongActor),
                    "{action:?} by {other:?}"
                );
                assert_eq!(
                    next_report(from, action, ActorKind::Host),
                    Err(Refusal::WrongActor)
                );
            }
        }
    }
}
