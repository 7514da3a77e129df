//! The 希望小屋 lifecycle (`supervision.md` §6): planned → under_construction → completed →
//! in_service → closed (close also from completed, with a reason), by the room's local unit,
//! except the acceptance (验收) under_construction → completed, by a cadre of the parent unit
//! other than the creator (checked by the handler). Pure table, unit-tested below.
use entity::hope_rooms::{self, HopeRoomStatus, RoomFeature, RoomHostKind};
use entity::workflow_events::ActorKind;

use crate::workflow::{EventLog, Refusal};

crate::labels!(HopeRoomStatus {
    Planned: "规划中",
    UnderConstruction: "建设中",
    Completed: "已验收",
    InService: "使用中",
    Closed: "已关闭",
});

crate::labels!(RoomHostKind {
    School: "村小学校",
    YouthHome: "青年之家",
});

crate::labels!(RoomFeature {
    Arts: "才艺学习",
    Science: "科学实践",
    Sports: "体育训练",
    Reading: "阅读",
    Other: "其他",
});

crate::actions! {
    /// What happens to a 希望小屋.
    pub enum RoomAction {
        Create = "create", "县级团组织登记", "登记";
        Edit = "edit", "县级团组织修改", "修改";
        StartConstruction = "start_construction", "开工建设", "开工建设";
        Accept = "accept", "上级团组织验收", "验收";
        PutInService = "put_in_service", "投入使用", "投入使用";
        Close = "close", "关闭", "关闭";
    }
}

/// Whether a room counts in `hope_rooms_built` (with `completed_on` in the window).
pub fn counts(status: HopeRoomStatus) -> bool {
    matches!(
        status,
        HopeRoomStatus::Completed | HopeRoomStatus::InService
    )
}

pub fn next(
    from: HopeRoomStatus,
    action: RoomAction,
    actor: ActorKind,
) -> Result<HopeRoomStatus, Refusal> {
    use {HopeRoomStatus as S, RoomAction as A};
    if actor != ActorKind::Cadre {
        return Err(Refusal::WrongActor);
    }
    match (action, from) {
        (A::StartConstruction, S::Planned) => Ok(S::UnderConstruction),
        (A::Accept, S::UnderConstruction) => Ok(S::Completed),
        (A::PutInService, S::Completed) => Ok(S::InService),
        (A::Close, S::Completed | S::InService) => Ok(S::Closed),
        (A::Edit, S::Planned | S::UnderConstruction | S::Completed | S::InService) => Ok(from),
        _ => Err(Refusal::WrongState),
    }
}

crate::subject! {
    hope_rooms::Model {
        entity: hope_rooms::Entity,
        status: HopeRoomStatus,
        action: RoomAction,
        events: EventLog::single("hope_room_events"),
        name: "希望小屋",
        changed: ("HOPE_ROOM_CHANGED", "该希望小屋已有更新，请刷新后重试"),
        next: next,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::Iterable;
    use {HopeRoomStatus as S, RoomAction as A};

    fn allowed() -> Vec<(RoomAction, HopeRoomStatus, HopeRoomStatus)> {
        let mut v = vec![
            (A::StartConstruction, S::Planned, S::UnderConstruction),
            (A::Accept, S::UnderConstruction, S::Completed),
            (A::PutInService, S::Completed, S::InService),
            (A::Close, S::Completed, S::Closed),
            (A::Close, S::InService, S::Closed),
        ];
        for s in [S::Planned, S::UnderConstruction, S::Completed, S::InService] {
            v.push((A::Edit, s, s));
        }
        v
    }

    #[test]
    fn every_allowed_cell_of_the_hope_room_table() {
        for (action, from, to) in allowed() {
            assert_eq!(
                next(from, action, ActorKind::Cadre),
                Ok(to),
                "{action:?} {from:?}"
            );
        }
    }

    #[test]
    fn every_other_hope_room_cell_is_refused_and_only_cadres_act() {
        let allowed = allowed();
        for &action in RoomAction::ALL {
            for from in S::iter() {
                if !allowed.iter().any(|c| c.0 == action && c.1 == from) {
                    assert_eq!(
                        next(from, action, ActorKind::Cadre),
                        Err(Refusal::WrongState),
                        "{action:?} {from:?}"
                    );
                }
                for actor in [ActorKind::Youth, ActorKind::System, ActorKind::BankOfficer] {
                    assert_eq!(next(from, action, actor), Err(Refusal::WrongActor));
                }
            }
        }
        // Accepting skips no step: a planned room is built first.
        assert_eq!(
            next(S::Planned, A::Accept, ActorKind::Cadre),
            Err(Refusal::WrongState)
        );
    }

    #[test]
    fn completed_and_in_service_rooms_count() {
        let counting: Vec<_> = S::iter().filter(|s| counts(*s)).collect();
        assert_eq!(counting, [S::Completed, S::InService]);
    }
}
