//! The recognition lifecycle (`supervision.md` §5): recorded → confirmed (by a cadre of the
//! recording unit's parent unit, never the recorder) → revoked (with a reason; also before
//! confirmation). Only confirmed recognitions count in the 青年典型 lines. Who of the cadres may
//! act is checked by the handlers (`recognitions.rs`). Pure table, unit-tested below.
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
}
