//! The talent profile's lifecycle: the youth submits, a cadre covering the home region verifies
//! or rejects; saving a rejected profile, or changing a key field of any profile, sends it back
//! to review.
//!
//! | from | action | to | who |
//! |---|---|---|---|
//! | — | create | pending | youth |
//! | pending, verified, rejected | save (a key field changed, or resubmitting a rejected one) | pending | youth |
//! | pending, verified | edit (only free fields: phone, industries, skills, introduction) | unchanged | youth |
//! | pending | verify | verified | cadre |
//! | pending | reject(reason) | rejected | cadre |
use entity::talent_profiles::{self, TalentStatus};
use entity::workflow_events::ActorKind;

use crate::workflow::{EventLog, NextActor, NextStep, Refusal};

crate::actions! {
    /// What happens to a talent profile.
    pub enum ProfileAction {
        Create = "create", "本人提交登记", "提交";
        Save = "save", "本人修改后提交审核", "提交";
        Edit = "edit", "本人修改信息", "修改";
        Verify = "verify", "团组织认定", "认定";
        Reject = "reject", "团组织退回", "退回";
    }
}

use ProfileAction as A;
use TalentStatus as S;

/// The status of a new profile, if `actor` may create one.
pub fn on_create(actor: ActorKind) -> Result<TalentStatus, Refusal> {
    match actor {
        ActorKind::Youth => Ok(S::Pending),
        _ => Err(Refusal::WrongActor),
    }
}

/// The transition table above.
pub fn next(
    from: TalentStatus,
    action: ProfileAction,
    actor: ActorKind,
) -> Result<TalentStatus, Refusal> {
    let by_youth = actor == ActorKind::Youth;
    let by_cadre = actor == ActorKind::Cadre;
    match (action, from) {
        (A::Create, _) => Err(Refusal::WrongState),
        (A::Save | A::Edit, _) if !by_youth => Err(Refusal::WrongActor),
        (A::Save, _) => Ok(S::Pending),
        (A::Edit, S::Pending | S::Verified) => Ok(from),
        (A::Edit, S::Rejected) => Err(Refusal::WrongState),
        (A::Verify | A::Reject, _) if !by_cadre => Err(Refusal::WrongActor),
        (A::Verify, S::Pending) => Ok(S::Verified),
        (A::Reject, S::Pending) => Ok(S::Rejected),
        (A::Verify | A::Reject, S::Verified | S::Rejected) => Err(Refusal::WrongState),
    }
}

/// Which action a youth's save is: a change of a key field, or any save of a rejected profile,
/// goes back to review.
pub fn save_action(current: TalentStatus, key_fields_changed: bool) -> ProfileAction {
    if key_fields_changed || current == S::Rejected {
        A::Save
    } else {
        A::Edit
    }
}

/// What the youth waits for; `local_unit` is the short name of their local league unit.
pub fn next_step(status: TalentStatus, local_unit: &str) -> Option<NextStep> {
    match status {
        S::Pending => Some(NextStep::new(
            NextActor::CountyLeague,
            format!("等待{local_unit}审核"),
        )),
        S::Rejected => Some(NextStep::new(NextActor::You, "请按审核意见修改后重新提交")),
        S::Verified => None,
    }
}

crate::subject! {
    talent_profiles::Model {
        entity: talent_profiles::Entity,
        status: TalentStatus,
        action: ProfileAction,
        events: EventLog::single("talent_events"),
        name: "人才信息",
        changed: ("PROFILE_CHANGED", "该人才信息已被本人修改，请刷新后重新审核"),
        next: next,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::Iterable;

    const YOUTH: ActorKind = ActorKind::Youth;
    const CADRE: ActorKind = ActorKind::Cadre;

    #[test]
    fn every_allowed_cell() {
        assert_eq!(on_create(YOUTH), Ok(S::Pending));
        for from in [S::Pending, S::Verified, S::Rejected] {
            assert_eq!(next(from, A::Save, YOUTH), Ok(S::Pending), "{from:?}");
        }
        assert_eq!(next(S::Pending, A::Edit, YOUTH), Ok(S::Pending));
        assert_eq!(next(S::Verified, A::Edit, YOUTH), Ok(S::Verified));
        assert_eq!(next(S::Pending, A::Verify, CADRE), Ok(S::Verified));
        assert_eq!(next(S::Pending, A::Reject, CADRE), Ok(S::Rejected));
    }

    #[test]
    fn wrong_states_are_refused() {
        assert_eq!(next(S::Rejected, A::Edit, YOUTH), Err(Refusal::WrongState));
        for from in [S::Verified, S::Rejected] {
            assert_eq!(next(from, A::Verify, CADRE), Err(Refusal::WrongState));
            assert_eq!(next(from, A::Reject, CADRE), Err(Refusal::WrongState));
        }
        for from in TalentStatus::iter() {
            assert_eq!(next(from, A::Create, YOUTH), Err(Refusal::WrongState));
        }
    }

    #[test]
    fn wrong_actors_are_refused() {
        for from in TalentStatus::iter() {
            for actor in [CADRE, ActorKind::System, ActorKind::BankOfficer] {
                assert_eq!(next(from, A::Save, actor), Err(Refusal::WrongActor));
                assert_eq!(next(from, A::Edit, actor), Err(Refusal::WrongActor));
            }
            for actor in [YOUTH, ActorKind::System, ActorKind::Mentor] {
                assert_eq!(next(from, A::Verify, actor), Err(Refusal::WrongActor));
                assert_eq!(next(from, A::Reject, actor), Err(Refusal::WrongActor));
            }
        }
        assert_eq!(on_create(CADRE), Err(Refusal::WrongActor));
    }

    #[test]
    fn key_fields_or_a_rejection_send_a_save_back_to_review() {
        assert_eq!(save_action(S::Verified, false), A::Edit);
        assert_eq!(save_action(S::Verified, true), A::Save);
        assert_eq!(save_action(S::Pending, false), A::Edit);
        assert_eq!(save_action(S::Rejected, false), A::Save);
        assert_eq!(
            next(S::Verified, save_action(S::Verified, false), YOUTH),
            Ok(S::Verified)
        );
        assert_eq!(
            next(S::Verified, save_action(S::Verified, true), YOUTH),
            Ok(S::Pending)
        );
        assert_eq!(
            next(S::Rejected, save_action(S::Rejected, false), YOUTH),
            Ok(S::Pending)
        );
    }

    #[test]
    fn the_next_step_per_status() {
        let pending = next_step(S::Pending, "南关区团委").unwrap();
        assert_eq!(pending.actor, NextActor::CountyLeague);
        assert_eq!(pending.action_label, "等待南关区团委审核");
        assert_eq!(
            next_step(S::Rejected, "南关区团委").unwrap().actor,
            NextActor::You
        );
        assert_eq!(next_step(S::Verified, "南关区团委"), None);
    }

    #[test]
    fn actions_round_trip() {
        use crate::workflow::Action;
        for a in ProfileAction::ALL {
            assert_eq!(ProfileAction::parse(a.as_str()), Some(*a));
        }
    }
}
