//! The lifecycles of `supervision.md` §5, pure tables unit-tested below. Recognitions: recorded →
//! confirmed (by a cadre of the recording unit's parent unit, never the recorder) → revoked (with
//! a reason; also before confirmation); only confirmed ones count in the 青年典型 lines. Rounds:
//! draft → open → closed. Nominations: the spec's state table. Which cadre may act (the nominee's
//! local unit, the round's unit) is checked by the handlers.
use entity::pioneer_nominations::{self, NominatedByKind, NominationStatus};
use entity::pioneer_rounds::{self, PioneerCategory, RoundStatus};
use entity::recognitions::{self, RecognitionKind, RecognitionLevel, RecognitionStatus};
use entity::workflow_events::ActorKind;

use crate::workflow::{EventLog, Refusal};

crate::labels!(RecognitionStatus {
    Recorded: "待确认",
    Confirmed: "已确认",
    Revoked: "已撤销",
});

crate::labels!(RecognitionKind {
    PioneerNamed: "乡村振兴青年先锋",
    PioneerModel: "标兵",
    OtherHonour: "其他荣誉",
});

crate::labels!(RecognitionLevel {
    National: "国家级",
    Province: "省级",
    City: "市级",
    County: "县级",
});

crate::actions! {
    /// What happens to a recognition.
    pub enum RecognitionAction {
        Record = "record", "登记表彰荣誉", "登记";
        Confirm = "confirm", "上级团组织确认", "确认";
        Revoke = "revoke", "撤销表彰荣誉", "撤销";
    }
}

/// Whether a recognition counts in `township_typical_coverage` and `village_typical_coverage`.
pub fn counts(status: RecognitionStatus) -> bool {
    status == RecognitionStatus::Confirmed
}

pub fn next(
    from: RecognitionStatus,
    action: RecognitionAction,
    actor: ActorKind,
) -> Result<RecognitionStatus, Refusal> {
    use {RecognitionAction as A, RecognitionStatus as S};
    if actor != ActorKind::Cadre {
        return Err(Refusal::WrongActor);
    }
    match (action, from) {
        (A::Confirm, S::Recorded) => Ok(S::Confirmed),
        (A::Revoke, S::Recorded | S::Confirmed) => Ok(S::Revoked),
        _ => Err(Refusal::WrongState),
    }
}

crate::subject! {
    recognitions::Model {
        entity: recognitions::Entity,
        status: RecognitionStatus,
        action: RecognitionAction,
        events: EventLog::single("recognition_events"),
        name: "表彰荣誉",
        changed: ("RECOGNITION_CHANGED", "该表彰荣誉已有更新，请刷新后重试"),
        next: next,
    }
}

/// Rounds and nominations share one events table.
pub const EVENTS_TABLE: &str = "pioneer_events";

crate::labels!(RoundStatus {
    Draft: "筹备中",
    Open: "评选中",
    Closed: "已结束",
});

crate::labels!(PioneerCategory {
    Industry: "农村产业发展",
    Governance: "乡村治理",
    PublicService: "乡村公共服务",
    Technology: "农业农村科技",
});

crate::labels!(NominatedByKind {
    SelfNominated: "本人自荐",
    Organisation: "组织推荐",
});

crate::labels!(NominationStatus {
    Nominated: "已推荐",
    Qualified: "资格审查通过",
    Disqualified: "资格审查未通过",
    Shortlisted: "审核通过",
    NotSelected: "未入选",
    InPublicity: "公示中",
    ObjectionReview: "异议核查中",
    WithdrawnByReview: "经核查撤销",
    Named: "已命名",
    Withdrawn: "已撤回",
});

crate::actions! {
    /// What happens to a round.
    pub enum RoundAction {
        Create = "create", "创建评选", "创建";
        Edit = "edit", "修改评选", "修改";
        Open = "open", "开始评选", "开始";
        Close = "close", "结束评选", "结束";
    }
}

pub fn next_round(
    from: RoundStatus,
    action: RoundAction,
    actor: ActorKind,
) -> Result<RoundStatus, Refusal> {
    use {RoundAction as A, RoundStatus as S};
    if actor != ActorKind::Cadre {
        return Err(Refusal::WrongActor);
    }
    match (action, from) {
        (A::Open, S::Draft) => Ok(S::Open),
        (A::Edit, S::Draft | S::Open) => Ok(from),
        (A::Close, S::Draft | S::Open) => Ok(S::Closed),
        _ => Err(Refusal::WrongState),
    }
}

crate::actions! {
    /// What happens to a nomination.
    pub enum NominationAction {
        Nominate = "nominate", "推荐", "推荐";
        Qualify = "qualify", "资格审查通过", "资格审查";
        Disqualify = "disqualify", "资格审查未通过", "资格审查";
        Shortlist = "shortlist", "审核通过", "审核";
        NotSelect = "not_select", "审核未入选", "审核";
        Publicise = "publicise", "公示", "公示";
        Object = "object", "收到异议", "提出异议";
        ReopenPublicity = "reopen_publicity", "异议不成立，继续公示", "核查异议";
        UpholdObjection = "uphold_objection", "异议成立，撤销推荐", "核查异议";
        Name = "name", "命名", "命名";
        Withdraw = "withdraw", "撤回推荐", "撤回";
        CloseRound = "close_round", "评选已结束", "结束评选";
    }
}

/// The statuses before `named` that are still in the running (withdrawal and the round's close
/// end them; the talent profile stays while one is).
pub const RUNNING: [NominationStatus; 5] = [
    NominationStatus::Nominated,
    NominationStatus::Qualified,
    NominationStatus::Shortlisted,
    NominationStatus::InPublicity,
    NominationStatus::ObjectionReview,
];

pub fn in_running(s: NominationStatus) -> bool {
    RUNNING.contains(&s)
}

pub fn next_nomination(
    from: NominationStatus,
    action: NominationAction,
    actor: ActorKind,
) -> Result<NominationStatus, Refusal> {
    use {NominationAction as A, NominationStatus as S};
    let allowed = match action {
        A::Object => actor == ActorKind::Youth,
        A::Withdraw => matches!(actor, ActorKind::Youth | ActorKind::Cadre),
        A::CloseRound => actor == ActorKind::System,
        A::Nominate => matches!(actor, ActorKind::Youth | ActorKind::Cadre),
        _ => actor == ActorKind::Cadre,
    };
    if !allowed {
        return Err(Refusal::WrongActor);
    }
    match (action, from) {
        (A::Qualify, S::Nominated) => Ok(S::Qualified),
        (A::Disqualify, S::Nominated) => Ok(S::Disqualified),
        (A::Shortlist, S::Qualified) => Ok(S::Shortlisted),
        (A::NotSelect, S::Qualified) => Ok(S::NotSelected),
        (A::Publicise, S::Shortlisted) => Ok(S::InPublicity),
        (A::Object, S::InPublicity | S::ObjectionReview) => Ok(S::ObjectionReview),
        (A::ReopenPublicity, S::ObjectionReview) => Ok(S::InPublicity),
        (A::UpholdObjection, S::ObjectionReview) => Ok(S::WithdrawnByReview),
        (A::Name, S::InPublicity) => Ok(S::Named),
        (A::Withdraw, s) if in_running(s) => Ok(S::Withdrawn),
        (A::CloseRound, s) if in_running(s) => Ok(S::NotSelected),
        _ => Err(Refusal::WrongState),
    }
}

crate::subject! {
    pioneer_rounds::Model {
        entity: pioneer_rounds::Entity,
        status: RoundStatus,
        action: RoundAction,
        events: EventLog::kind(EVENTS_TABLE, "round"),
        name: "青年先锋评选",
        changed: ("ROUND_CHANGED", "该评选已有更新，请刷新后重试"),
        next: next_round,
    }
}

crate::subject! {
    pioneer_nominations::Model {
        entity: pioneer_nominations::Entity,
        status: NominationStatus,
        action: NominationAction,
        events: EventLog::kind(EVENTS_TABLE, "nomination"),
        name: "青年先锋推荐",
        changed: ("NOMINATION_CHANGED", "该推荐已有更新，请刷新后重试"),
        next: next_nomination,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::Iterable;
    use {RecognitionAction as A, RecognitionStatus as S};

    const ALLOWED: &[(RecognitionAction, RecognitionStatus, RecognitionStatus)] = &[
        (A::Confirm, S::Recorded, S::Confirmed),
        (A::Revoke, S::Recorded, S::Revoked),
        (A::Revoke, S::Confirmed, S::Revoked),
    ];

    #[test]
    fn every_cell_of_the_recognition_table() {
        for &action in RecognitionAction::ALL {
            for from in S::iter() {
                let want = ALLOWED
                    .iter()
                    .find(|c| c.0 == action && c.1 == from)
                    .map(|c| c.2)
                    .ok_or(Refusal::WrongState);
                assert_eq!(
                    next(from, action, ActorKind::Cadre),
                    want,
                    "{action:?} {from:?}"
                );
                for actor in [ActorKind::Youth, ActorKind::System, ActorKind::BankOfficer] {
                    assert_eq!(next(from, action, actor), Err(Refusal::WrongActor));
                }
            }
        }
    }

    #[test]
    fn only_confirmed_recognitions_count() {
        let counting: Vec<_> = S::iter().filter(|s| counts(*s)).collect();
        assert_eq!(counting, [S::Confirmed]);
    }

    #[test]
    fn the_nomination_table_follows_the_spec() {
        use {NominationAction as NA, NominationStatus as N};
        let c = ActorKind::Cadre;
        assert_eq!(
            next_nomination(N::Nominated, NA::Qualify, c),
            Ok(N::Qualified)
        );
        assert_eq!(
            next_nomination(N::Qualified, NA::Shortlist, c),
            Ok(N::Shortlisted)
        );
        assert_eq!(
            next_nomination(N::Shortlisted, NA::Publicise, c),
            Ok(N::InPublicity)
        );
        assert_eq!(
            next_nomination(N::InPublicity, NA::Object, ActorKind::Youth),
            Ok(N::ObjectionReview)
        );
        assert_eq!(
            next_nomination(N::ObjectionReview, NA::Name, c),
            Err(Refusal::WrongState)
        );
        assert_eq!(next_nomination(N::InPublicity, NA::Name, c), Ok(N::Named));
        assert_eq!(
            next_nomination(N::Named, NA::Withdraw, ActorKind::Youth),
            Err(Refusal::WrongState)
        );
        assert_eq!(
            next_nomination(N::Qualified, NA::CloseRound, ActorKind::System),
            Ok(N::NotSelected)
        );
        assert_eq!(
            next_nomination(N::Qualified, NA::CloseRound, c),
            Err(Refusal::WrongActor)
        );
        for s in N::iter() {
            assert_eq!(
                next_nomination(s, NA::Withdraw, c).is_ok(),
                in_running(s),
                "{s:?}"
            );
        }
    }
}
