//! The manual report machine (`supervision.md` §3, DHIS2 `DataApprovalState`: approval is the
//! lock). Who of the cadres may act (the area unit, its parent, the province; four-eyes) is
//! checked by the handlers against the stored maker; this table says what may follow what.
use entity::kpi_manual_reports::{self, ManualReportStatus};
use entity::workflow_events::ActorKind;

use crate::workflow::{EventLog, Refusal};

crate::labels!(ManualReportStatus {
    Submitted: "已上报",
    Returned: "已退回",
    Approved: "已审核",
    Accepted: "已接收",
});

crate::actions! {
    /// What happens to a manual report.
    pub enum ReportAction {
        Submit = "submit", "本级团组织上报", "上报";
        Edit = "edit", "本级团组织修改", "修改";
        Approve = "approve", "上级团组织审核通过", "审核";
        Return = "return", "上级团组织退回", "退回";
        Unapprove = "unapprove", "上级团组织撤销审核", "撤销审核";
        Accept = "accept", "团省委接收", "接收";
        Unaccept = "unaccept", "团省委撤销接收", "撤销接收";
    }
}

/// Whether the figures count in the report (and are locked).
pub fn counts(status: ManualReportStatus) -> bool {
    matches!(
        status,
        ManualReportStatus::Approved | ManualReportStatus::Accepted
    )
}

pub fn next(
    from: ManualReportStatus,
    action: ReportAction,
    actor: ActorKind,
) -> Result<ManualReportStatus, Refusal> {
    use {ManualReportStatus as S, ReportAction as A};
    if actor != ActorKind::Cadre {
        return Err(Refusal::WrongActor);
    }
    match (action, from) {
        (A::Edit, S::Submitted | S::Returned) => Ok(S::Submitted),
        (A::Approve, S::Submitted) => Ok(S::Approved),
        (A::Return, S::Submitted) => Ok(S::Returned),
        (A::Unapprove, S::Approved) => Ok(S::Submitted),
        (A::Accept, S::Approved) => Ok(S::Accepted),
        (A::Unaccept, S::Accepted) => Ok(S::Approved),
        _ => Err(Refusal::WrongState),
    }
}

crate::subject! {
    kpi_manual_reports::Model {
        entity: kpi_manual_reports::Entity,
        status: ManualReportStatus,
        action: ReportAction,
        events: EventLog::single("kpi_events"),
        name: "上报数据",
        changed: ("REPORT_CHANGED", "该上报数据已有更新，请刷新后重试"),
        next: next,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workflow::Action;
    use sea_orm::Iterable;
    use {ManualReportStatus as S, ReportAction as A};

    const CADRE: ActorKind = ActorKind::Cadre;

    fn allowed() -> Vec<(ReportAction, ManualReportStatus, ManualReportStatus)> {
        vec![
            (A::Edit, S::Submitted, S::Submitted),
            (A::Edit, S::Returned, S::Submitted),
            (A::Approve, S::Submitted, S::Approved),
            (A::Return, S::Submitted, S::Returned),
            (A::Unapprove, S::Approved, S::Submitted),
            (A::Accept, S::Approved, S::Accepted),
            (A::Unaccept, S::Accepted, S::Approved),
        ]
    }

    #[test]
    fn every_allowed_cell_of_the_table() {
        for (action, from, to) in allowed() {
            assert_eq!(
                next(from, action, CADRE),
                Ok(to),
                "{action:?} from {from:?}"
            );
        }
    }

    #[test]
    fn every_other_cell_is_refused_and_only_cadres_act() {
        let allowed = allowed();
        for &action in ReportAction::ALL {
            for from in S::iter() {
                if !allowed.iter().any(|c| c.0 == action && c.1 == from) {
                    assert_eq!(
                        next(from, action, CADRE),
                        Err(Refusal::WrongState),
                        "{action:?} from {from:?}"
                    );
                }
                for actor in [ActorKind::Youth, ActorKind::System, ActorKind::BankOfficer] {
                    assert_eq!(next(from, action, actor), Err(Refusal::WrongActor));
                }
            }
        }
        // Unapproving an accepted report needs an unaccept first; editing a locked one fails.
        assert_eq!(
            next(S::Accepted, A::Unapprove, CADRE),
            Err(Refusal::WrongState)
        );
        assert_eq!(next(S::Approved, A::Edit, CADRE), Err(Refusal::WrongState));
        assert_eq!(A::Unapprove.as_str(), "unapprove");
    }

    #[test]
    fn approved_and_accepted_figures_count() {
        let counting: Vec<_> = S::iter().filter(|s| counts(*s)).collect();
        assert_eq!(counting, [S::Approved, S::Accepted]);
    }
}
