//! The lifecycles of self-reported service and of correction requests: both are decided once by
//! a cadre (approve, or reject with a reason).
//!
//! | subject | from | action | to | who |
//! |---|---|---|---|---|
//! | report | — | create | pending | youth |
//! | report | pending | approve | approved (the hours enter the ledger) | cadre covering the youth's home region |
//! | report | pending | reject(reason) | rejected | same |
//! | correction | — | create | pending | youth (owner of the entry) |
//! | correction | pending | approve | approved (the difference enters the ledger) | cadre covering the activity |
//! | correction | pending | reject(reason) | rejected | same |
//! | activity | — | create | published | cadre (the organiser) |
//! | activity | published | edit (not ended; times fixed once anyone checked in) | published | cadre covering the activity |
//! | activity | published | cancel(reason) (not ended, nobody checked in) | cancelled (its sign-ups end) | same |
use entity::volunteer_activities::{self, ActivityStatus};
use entity::volunteer_corrections::{self, CorrectionStatus};
use entity::volunteer_reports::{self, ReportStatus};
use entity::volunteer_signups::SignupStatus;
use entity::workflow_events::ActorKind;

use crate::workflow::{EventLog, NextActor, NextStep, Refusal};

crate::labels!(ReportStatus {
    Pending: "待审核",
    Approved: "已通过",
    Rejected: "未通过",
});

crate::labels!(CorrectionStatus {
    Pending: "待处理",
    Approved: "已更正",
    Rejected: "未通过",
});

crate::labels!(ActivityStatus {
    Published: "已发布",
    Cancelled: "已取消",
});

crate::labels!(SignupStatus {
    Active: "已报名",
    ActivityCancelled: "活动已取消",
});

crate::actions! {
    /// What happens to a volunteer activity.
    pub enum ActivityAction {
        Create = "create", "组织者发布活动", "发布";
        Edit = "edit", "组织者修改活动信息", "修改";
        Cancel = "cancel", "组织者取消活动", "取消";
    }
}

crate::actions! {
    /// What happens to a self-report.
    pub enum ReportAction {
        Create = "create", "本人提交申报", "提交";
        Approve = "approve", "团组织审核通过", "审核通过";
        Reject = "reject", "团组织退回", "退回";
    }
}

crate::actions! {
    /// What happens to a correction request.
    pub enum CorrectionAction {
        Create = "create", "本人申请更正", "申请更正";
        Approve = "approve", "组织者同意更正", "同意更正";
        Reject = "reject", "组织者驳回更正", "驳回";
    }
}

/// Self-reports: the table above.
pub fn next_report(
    from: ReportStatus,
    action: ReportAction,
    actor: ActorKind,
) -> Result<ReportStatus, Refusal> {
    use ReportAction as A;
    use ReportStatus as S;
    match action {
        A::Create => Err(Refusal::WrongState),
        A::Approve | A::Reject if actor != ActorKind::Cadre => Err(Refusal::WrongActor),
        A::Approve if from == S::Pending => Ok(S::Approved),
        A::Reject if from == S::Pending => Ok(S::Rejected),
        A::Approve | A::Reject => Err(Refusal::WrongState),
    }
}

/// Correction requests: the table above.
pub fn next_correction(
    from: CorrectionStatus,
    action: CorrectionAction,
    actor: ActorKind,
) -> Result<CorrectionStatus, Refusal> {
    use CorrectionAction as A;
    use CorrectionStatus as S;
    match action {
        A::Create => Err(Refusal::WrongState),
        A::Approve | A::Reject if actor != ActorKind::Cadre => Err(Refusal::WrongActor),
        A::Approve if from == S::Pending => Ok(S::Approved),
        A::Reject if from == S::Pending => Ok(S::Rejected),
        A::Approve | A::Reject => Err(Refusal::WrongState),
    }
}

/// Activities: only cadres act (the time rules are checked by the handlers).
pub fn next_activity(
    from: ActivityStatus,
    action: ActivityAction,
    actor: ActorKind,
) -> Result<ActivityStatus, Refusal> {
    use ActivityAction as A;
    use ActivityStatus as S;
    if actor != ActorKind::Cadre {
        return Err(Refusal::WrongActor);
    }
    match (action, from) {
        (A::Edit, S::Published) => Ok(S::Published),
        (A::Cancel, S::Published) => Ok(S::Cancelled),
        (A::Create, _) | (A::Edit | A::Cancel, S::Cancelled) => Err(Refusal::WrongState),
    }
}

/// What the youth waits for on a report; `local_unit` is the short name of their local unit.
pub fn report_next_step(status: ReportStatus, local_unit: &str) -> Option<NextStep> {
    match status {
        ReportStatus::Pending => Some(NextStep::new(
            NextActor::CountyLeague,
            format!("等待{local_unit}审核"),
        )),
        ReportStatus::Approved | ReportStatus::Rejected => None,
    }
}

crate::subject! {
    volunteer_reports::Model {
        entity: volunteer_reports::Entity,
        status: ReportStatus,
        action: ReportAction,
        events: EventLog::kind("volunteer_events", "report"),
        name: "志愿服务申报",
        changed: ("REPORT_CHANGED", "该申报已有变化，请刷新后重试"),
        next: next_report,
    }
}

crate::subject! {
    volunteer_activities::Model {
        entity: volunteer_activities::Entity,
        status: ActivityStatus,
        action: ActivityAction,
        events: EventLog::kind("volunteer_events", "activity"),
        name: "志愿活动",
        changed: ("ACTIVITY_CHANGED", "该活动已有变化，请刷新后重试"),
        next: next_activity,
    }
}

crate::subject! {
    volunteer_corrections::Model {
        entity: volunteer_corrections::Entity,
        status: CorrectionStatus,
        action: CorrectionAction,
        events: EventLog::kind("volunteer_events", "correction"),
        name: "更正申请",
        changed: ("CORRECTION_CHANGED", "该更正申请已有变化，请刷新后重试"),
        next: next_correction,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CADRE: ActorKind = ActorKind::Cadre;

    #[test]
    fn every_allowed_cell() {
        use ReportStatus as R;
        assert_eq!(
            next_report(R::Pending, ReportAction::Approve, CADRE),
            Ok(R::Approved)
        );
        assert_eq!(
            next_report(R::Pending, ReportAction::Reject, CADRE),
            Ok(R::Rejected)
        );
        use CorrectionStatus as C;
        assert_eq!(
            next_correction(C::Pending, CorrectionAction::Approve, CADRE),
            Ok(C::Approved)
        );
        assert_eq!(
            next_correction(C::Pending, CorrectionAction::Reject, CADRE),
            Ok(C::Rejected)
        );
    }

    #[test]
    fn a_decided_report_or_correction_is_not_decided_again() {
        use ReportStatus as R;
        for from in [R::Approved, R::Rejected] {
            for action in [ReportAction::Approve, ReportAction::Reject] {
                assert_eq!(next_report(from, action, CADRE), Err(Refusal::WrongState));
            }
        }
        use CorrectionStatus as C;
        for from in [C::Approved, C::Rejected] {
            for action in [CorrectionAction::Approve, CorrectionAction::Reject] {
                assert_eq!(
                    next_correction(from, action, CADRE),
                    Err(Refusal::WrongState)
                );
            }
        }
        assert_eq!(
            next_report(R::Pending, ReportAction::Create, ActorKind::Youth),
            Err(Refusal::WrongState)
        );
    }

    #[test]
    fn only_cadres_decide() {
        for actor in [ActorKind::Youth, ActorKind::System, ActorKind::BankOfficer] {
            for action in [ReportAction::Approve, ReportAction::Reject] {
                assert_eq!(
                    next_report(ReportStatus::Pending, action, actor),
                    Err(Refusal::WrongActor)
                );
            }
            for action in [CorrectionAction::Approve, CorrectionAction::Reject] {
                assert_eq!(
                    next_correction(CorrectionStatus::Pending, action, actor),
                    Err(Refusal::WrongActor)
                );
            }
        }
    }

    #[test]
    fn activities_are_edited_or_cancelled_while_published_by_cadres_only() {
        use ActivityAction as A;
        use ActivityStatus as S;
        assert_eq!(
            next_activity(S::Published, A::Edit, CADRE),
            Ok(S::Published)
        );
        assert_eq!(
            next_activity(S::Published, A::Cancel, CADRE),
            Ok(S::Cancelled)
        );
        for action in [A::Edit, A::Cancel, A::Create] {
            assert_eq!(
                next_activity(S::Cancelled, action, CADRE),
                Err(Refusal::WrongState)
            );
            assert_eq!(
                next_activity(S::Published, action, ActorKind::Youth),
                Err(Refusal::WrongActor)
            );
        }
        assert_eq!(
            next_activity(S::Published, A::Create, CADRE),
            Err(Refusal::WrongState)
        );
    }

    #[test]
    fn the_next_step_per_report_status() {
        let pending = report_next_step(ReportStatus::Pending, "九台区团委").unwrap();
        assert_eq!(pending.actor, NextActor::CountyLeague);
        assert_eq!(pending.action_label, "等待九台区团委审核");
        assert_eq!(report_next_step(ReportStatus::Approved, "九台区团委"), None);
        assert_eq!(report_next_step(ReportStatus::Rejected, "九台区团委"), None);
    }
}
