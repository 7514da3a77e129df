//! The lifecycles of Youth Homes and signature projects (`supervision.md` §4): pure transition
//! tables, unit-tested below. Who of the cadres may act (the township's local unit; the parent
//! unit for verification, not the creator) is checked by the handlers (`access.rs`).
use entity::signature_projects::{self, ProjectCategory, ProjectFrequency, ProjectStatus};
use entity::workflow_events::ActorKind;
use entity::youth_home_checks::CheckResult;
use entity::youth_homes::{self, HomeHostKind, YouthHomeStatus};

use crate::workflow::{EventLog, Refusal};

/// Homes and projects share one events table.
pub const EVENTS_TABLE: &str = "youth_home_events";

crate::labels!(YouthHomeStatus {
    Planned: "筹建中",
    Operating: "运行中",
    Suspended: "暂停运行",
    Closed: "已关闭",
});

crate::labels!(HomeHostKind {
    Standalone: "独立阵地",
    PartyServiceCentre: "党群服务中心",
    School: "学校",
    Enterprise: "企业",
    Other: "其他",
});

crate::labels!(CheckResult {
    Pass: "合格",
    Fail: "不合格",
});

crate::labels!(ProjectStatus {
    Proposed: "拟开展",
    Active: "开展中",
    Ended: "已结束",
});

crate::labels!(ProjectCategory {
    YouthServices: "青少年服务",
    Volunteer: "志愿服务",
    SkillsTraining: "技能培训",
    Ecommerce: "电商助农",
    Culture: "文化活动",
    Law: "普法宣传",
    ElderlyChildrenCare: "一老一小",
    Other: "其他",
});

crate::labels!(ProjectFrequency {
    Weekly: "每周",
    Monthly: "每月",
    Quarterly: "每季度",
});

crate::actions! {
    /// What happens to a Youth Home.
    pub enum HomeAction {
        Create = "create", "县级团组织登记", "登记";
        Edit = "edit", "县级团组织修改", "修改";
        Open = "open", "投入运行", "投入运行";
        Suspend = "suspend", "暂停运行", "暂停";
        Resume = "resume", "恢复运行", "恢复运行";
        Close = "close", "关闭", "关闭";
        Verify = "verify", "上级团组织核验", "核验";
        Check = "check", "团组织检查", "检查";
    }
}

/// Whether a home counts in `youth_home_township_coverage`: operating and verified.
pub fn home_counts(status: YouthHomeStatus, verified: bool) -> bool {
    status == YouthHomeStatus::Operating && verified
}

pub fn next_home(
    from: YouthHomeStatus,
    action: HomeAction,
    actor: ActorKind,
) -> Result<YouthHomeStatus, Refusal> {
    use {HomeAction as A, YouthHomeStatus as S};
    if actor != ActorKind::Cadre {
        return Err(Refusal::WrongActor);
    }
    match (action, from) {
        (A::Open, S::Planned) => Ok(S::Operating),
        (A::Suspend, S::Operating) => Ok(S::Suspended),
        (A::Resume, S::Suspended) => Ok(S::Operating),
        (A::Close, S::Operating | S::Suspended) => Ok(S::Closed),
        (A::Edit | A::Verify, S::Planned | S::Operating | S::Suspended) => Ok(from),
        (A::Check, S::Operating | S::Suspended) => Ok(from),
        _ => Err(Refusal::WrongState),
    }
}

crate::subject! {
    youth_homes::Model {
        entity: youth_homes::Entity,
        status: YouthHomeStatus,
        action: HomeAction,
        events: EventLog::kind(EVENTS_TABLE, "home"),
        name: "青年之家",
        changed: ("YOUTH_HOME_CHANGED", "该青年之家已有更新，请刷新后重试"),
        next: next_home,
    }
}

crate::actions! {
    /// What happens to a signature project.
    pub enum ProjectAction {
        Create = "create", "县级团组织登记", "登记";
        Edit = "edit", "县级团组织修改", "修改";
        Start = "start", "开始开展", "开始开展";
        End = "end", "结束", "结束";
        Verify = "verify", "上级团组织核验", "核验";
    }
}

/// Whether a project counts in `signature_project_share`: active and verified.
pub fn project_counts(status: ProjectStatus, verified: bool) -> bool {
    status == ProjectStatus::Active && verified
}

pub fn next_project(
    from: ProjectStatus,
    action: ProjectAction,
    actor: ActorKind,
) -> Result<ProjectStatus, Refusal> {
    use {ProjectAction as A, ProjectStatus as S};
    if actor != ActorKind::Cadre {
        return Err(Refusal::WrongActor);
    }
    match (action, from) {
        (A::Start, S::Proposed) => Ok(S::Active),
        (A::End, S::Proposed | S::Active) => Ok(S::Ended),
        (A::Edit | A::Verify, S::Proposed | S::Active) => Ok(from),
        _ => Err(Refusal::WrongState),
    }
}

crate::subject! {
    signature_projects::Model {
        entity: signature_projects::Entity,
        status: ProjectStatus,
        action: ProjectAction,
        events: EventLog::kind(EVENTS_TABLE, "project"),
        name: "标志性服务项目",
        changed: ("PROJECT_CHANGED", "该项目已有更新，请刷新后重试"),
        next: next_project,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::Iterable;

    const CADRE: ActorKind = ActorKind::Cadre;
    const OTHERS: [ActorKind; 3] = [ActorKind::Youth, ActorKind::System, ActorKind::BankOfficer];

    fn home_cells() -> Vec<(HomeAction, YouthHomeStatus, YouthHomeStatus)> {
        use {HomeAction as A, YouthHomeStatus as S};
        let mut v = vec![
            (A::Open, S::Planned, S::Operating),
            (A::Suspend, S::Operating, S::Suspended),
            (A::Resume, S::Suspended, S::Operating),
            (A::Close, S::Operating, S::Closed),
            (A::Close, S::Suspended, S::Closed),
            (A::Check, S::Operating, S::Operating),
            (A::Check, S::Suspended, S::Suspended),
        ];
        for s in [S::Planned, S::Operating, S::Suspended] {
            v.push((A::Edit, s, s));
            v.push((A::Verify, s, s));
        }
        v
    }

    #[test]
    fn every_allowed_cell_of_the_youth_home_table() {
        for (action, from, to) in home_cells() {
            assert_eq!(
                next_home(from, action, CADRE),
                Ok(to),
                "{action:?} {from:?}"
            );
        }
    }

    #[test]
    fn every_other_youth_home_cell_is_refused_and_only_cadres_act() {
        let allowed = home_cells();
        for &action in HomeAction::ALL {
            for from in YouthHomeStatus::iter() {
                if !allowed.iter().any(|c| c.0 == action && c.1 == from) {
                    assert_eq!(
                        next_home(from, action, CADRE),
                        Err(Refusal::WrongState),
                        "{action:?} {from:?}"
                    );
                }
                for actor in OTHERS {
                    assert_eq!(next_home(from, action, actor), Err(Refusal::WrongActor));
                }
            }
        }
        // Creation is no transition; a closed home stays closed.
        assert_eq!(
            next_home(YouthHomeStatus::Planned, HomeAction::Create, CADRE),
            Err(Refusal::WrongState)
        );
        assert_eq!(
            next_home(YouthHomeStatus::Closed, HomeAction::Resume, CADRE),
            Err(Refusal::WrongState)
        );
    }

    #[test]
    fn only_operating_verified_homes_count() {
        for s in YouthHomeStatus::iter() {
            assert_eq!(home_counts(s, true), s == YouthHomeStatus::Operating);
            assert!(!home_counts(s, false));
        }
    }

    fn project_cells() -> Vec<(ProjectAction, ProjectStatus, ProjectStatus)> {
        use {ProjectAction as A, ProjectStatus as S};
        vec![
            (A::Start, S::Proposed, S::Active),
            (A::End, S::Proposed, S::Ended),
            (A::End, S::Active, S::Ended),
            (A::Edit, S::Proposed, S::Proposed),
            (A::Edit, S::Active, S::Active),
            (A::Verify, S::Proposed, S::Proposed),
            (A::Verify, S::Active, S::Active),
        ]
    }

    #[test]
    fn every_cell_of_the_signature_project_table() {
        let allowed = project_cells();
        for (action, from, to) in &allowed {
            assert_eq!(next_project(*from, *action, CADRE), Ok(*to));
        }
        for &action in ProjectAction::ALL {
            for from in ProjectStatus::iter() {
                if !allowed.iter().any(|c| c.0 == action && c.1 == from) {
                    assert_eq!(
                        next_project(from, action, CADRE),
                        Err(Refusal::WrongState),
                        "{action:?} {from:?}"
                    );
                }
                for actor in OTHERS {
                    assert_eq!(next_project(from, action, actor), Err(Refusal::WrongActor));
                }
            }
        }
        for s in ProjectStatus::iter() {
            assert_eq!(project_counts(s, true), s == ProjectStatus::Active);
            assert!(!project_counts(s, false));
        }
    }
}
