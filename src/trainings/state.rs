//! The lifecycles of trainings and enrollments, and what a youth's enrollment waits for.
//!
//! Training:
//!
//! | from | action | to | who |
//! |---|---|---|---|
//! | — | create | published | cadre |
//! | published | edit | published | cadre |
//! | published | cancel(reason) | cancelled | cadre |
//!
//! Enrollment (seats and the waiting list are counted in `seats.rs`):
//!
//! | from | action | to | who |
//! |---|---|---|---|
//! | — / cancelled, lapsed | enroll (a seat was free) | enrolled | youth |
//! | — / cancelled, lapsed | wait (full: the waiting list) | waiting | youth |
//! | waiting | offer (a seat freed) | offered | system |
//! | offered | accept (before `offer_expires_at`) | enrolled | youth |
//! | offered | lapse (`offer_expires_at` passed) | lapsed | system |
//! | enrolled, waiting, offered | cancel (not checked in) | cancelled | youth |
//! | enrolled, waiting, offered | training_cancel | training_cancelled | cadre |
//! | enrolled | check_in | enrolled | youth |
//! | enrolled | complete | enrolled | cadre |
use chrono::{DateTime, Utc};
use entity::training_enrollments::{self, EnrollmentStatus};
use entity::trainings::{self, TrainingStatus};
use entity::workflow_events::ActorKind;

use crate::regions::{RegionLevel, level_of};
use crate::workflow::{EventLog, NextActor, NextStep, Refusal};

crate::actions! {
    /// What happens to a training.
    pub enum TrainingAction {
        Create = "create", "团组织发布培训", "发布";
        Edit = "edit", "团组织修改培训信息", "修改";
        Cancel = "cancel", "团组织取消培训", "取消";
    }
}

crate::actions! {
    /// What happens to an enrollment.
    pub enum EnrollmentAction {
        Enroll = "enroll", "报名成功", "报名";
        Wait = "wait", "进入候补名单", "候补";
        Offer = "offer", "候补名额空出，待确认", "递补";
        Accept = "accept", "本人确认参加", "确认参加";
        Lapse = "lapse", "逾期未确认，名额已顺延", "过期";
        Cancel = "cancel", "本人取消报名", "取消报名";
        TrainingCancel = "training_cancel", "培训已取消", "取消培训";
        CheckIn = "check_in", "签到", "签到";
        Complete = "complete", "主办方确认结业", "标记结业";
    }
}

/// Trainings: only cadres act.
pub fn next_training(
    from: TrainingStatus,
    action: TrainingAction,
    actor: ActorKind,
) -> Result<TrainingStatus, Refusal> {
    use TrainingAction as A;
    use TrainingStatus as S;
    if actor != ActorKind::Cadre {
        return Err(Refusal::WrongActor);
    }
    match (action, from) {
        (A::Edit, S::Published) => Ok(S::Published),
        (A::Cancel, S::Published) => Ok(S::Cancelled),
        (A::Create, _) | (A::Edit | A::Cancel, S::Cancelled) => Err(Refusal::WrongState),
    }
}

/// Enrollments: the table above.
pub fn next_enrollment(
    from: EnrollmentStatus,
    action: EnrollmentAction,
    actor: ActorKind,
) -> Result<EnrollmentStatus, Refusal> {
    use EnrollmentAction as A;
    use EnrollmentStatus as S;
    let who = match action {
        A::Enroll | A::Wait | A::Accept | A::Cancel | A::CheckIn => ActorKind::Youth,
        A::Offer | A::Lapse => ActorKind::System,
        A::TrainingCancel | A::Complete => ActorKind::Cadre,
    };
    if actor != who {
        return Err(Refusal::WrongActor);
    }
    match (action, from) {
        (A::Enroll, S::Cancelled | S::Lapsed) => Ok(S::Enrolled),
        (A::Wait, S::Cancelled | S::Lapsed) => Ok(S::Waiting),
        (A::Offer, S::Waiting) => Ok(S::Offered),
        (A::Accept, S::Offered) => Ok(S::Enrolled),
        (A::Lapse, S::Offered) => Ok(S::Lapsed),
        (A::Cancel, S::Enrolled | S::Waiting | S::Offered) => Ok(S::Cancelled),
        (A::TrainingCancel, S::Enrolled | S::Waiting | S::Offered) => Ok(S::TrainingCancelled),
        (A::CheckIn | A::Complete, S::Enrolled) => Ok(S::Enrolled),
        _ => Err(Refusal::WrongState),
    }
}

/// The status of a first sign-up.
pub fn on_sign_up(seat_taken: bool) -> (EnrollmentStatus, EnrollmentAction) {
    if seat_taken {
        (EnrollmentStatus::Enrolled, EnrollmentAction::Enroll)
    } else {
        (EnrollmentStatus::Waiting, EnrollmentAction::Wait)
    }
}

/// Still in the training (a repeat sign-up is a conflict).
pub fn is_active(s: EnrollmentStatus) -> bool {
    matches!(
        s,
        EnrollmentStatus::Enrolled | EnrollmentStatus::Waiting | EnrollmentStatus::Offered
    )
}

/// Holds one of the `capacity` seats.
pub fn holds_seat(s: EnrollmentStatus) -> bool {
    matches!(s, EnrollmentStatus::Enrolled | EnrollmentStatus::Offered)
}

/// What an enrollment's next step depends on.
#[derive(Debug, Clone, Copy)]
pub struct EnrollmentFacts {
    pub status: EnrollmentStatus,
    pub offer_expires_at: Option<DateTime<Utc>>,
    pub checked_in: bool,
    pub completed: bool,
    pub training_status: TrainingStatus,
    pub training_ends_at: DateTime<Utc>,
    /// Level of the organiser region (province, city or county).
    pub organiser: Option<RegionLevel>,
}

/// The youth's next step in one training at `now`.
pub fn next_step(f: &EnrollmentFacts, now: DateTime<Utc>) -> Option<NextStep> {
    use EnrollmentStatus as S;
    if f.training_status == TrainingStatus::Cancelled {
        return None;
    }
    match f.status {
        S::Offered => {
            let step = NextStep::new(NextActor::You, "候补名额已空出，请在截止前确认参加");
            Some(match f.offer_expires_at {
                Some(due) => step.due(due),
                None => step,
            })
        }
        S::Waiting => Some(NextStep::new(
            NextActor::System,
            "在候补名单中，有名额空出时将通知您",
        )),
        S::Enrolled if f.completed => None,
        S::Enrolled if f.checked_in => {
            let organiser = match f.organiser {
                Some(RegionLevel::Province) => NextActor::ProvinceLeague,
                Some(RegionLevel::City) => NextActor::CityLeague,
                _ => NextActor::CountyLeague,
            };
            Some(NextStep::new(organiser, "等待主办方确认结业"))
        }
        S::Enrolled if now <= f.training_ends_at => {
            Some(NextStep::new(NextActor::You, "按时参加培训并扫码签到").due(f.training_ends_at))
        }
        S::Enrolled | S::Cancelled | S::Lapsed | S::TrainingCancelled => None,
    }
}

/// The organiser level of a training, for [`EnrollmentFacts`].
pub fn organiser_level(training: &trainings::Model) -> Option<RegionLevel> {
    level_of(&training.region_code)
}

crate::subject! {
    trainings::Model {
        entity: trainings::Entity,
        status: TrainingStatus,
        action: TrainingAction,
        events: EventLog::kind("training_events", "training"),
        name: "培训",
        changed: ("TRAINING_CHANGED", "培训信息已被修改，请刷新后重试"),
        next: next_training,
    }
}

crate::subject! {
    training_enrollments::Model {
        entity: training_enrollments::Entity,
        status: EnrollmentStatus,
        action: EnrollmentAction,
        events: EventLog::kind("training_events", "enrollment"),
        name: "报名记录",
        changed: ("ENROLLMENT_CHANGED", "报名信息已变化，请刷新后重试"),
        next: next_enrollment,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};
    use sea_orm::Iterable;

    use EnrollmentAction as EA;
    use EnrollmentStatus as ES;
    use TrainingAction as TA;
    use TrainingStatus as TS;

    const YOUTH: ActorKind = ActorKind::Youth;
    const CADRE: ActorKind = ActorKind::Cadre;
    const SYSTEM: ActorKind = ActorKind::System;

    #[test]
    fn every_allowed_training_cell() {
        assert_eq!(
            next_training(TS::Published, TA::Edit, CADRE),
            Ok(TS::Published)
        );
        assert_eq!(
            next_training(TS::Published, TA::Cancel, CADRE),
            Ok(TS::Cancelled)
        );
    }

    #[test]
    fn refused_training_cells() {
        assert_eq!(
            next_training(TS::Cancelled, TA::Edit, CADRE),
            Err(Refusal::WrongState)
        );
        assert_eq!(
            next_training(TS::Cancelled, TA::Cancel, CADRE),
            Err(Refusal::WrongState)
        );
        assert_eq!(
            next_training(TS::Published, TA::Create, CADRE),
            Err(Refusal::WrongState)
        );
        for actor in [YOUTH, SYSTEM, ActorKind::BankOfficer] {
            assert_eq!(
                next_training(TS::Published, TA::Cancel, actor),
                Err(Refusal::WrongActor)
            );
        }
    }

    /// Every (action, from) cell the table allows, with its result and actor.
    fn allowed() -> Vec<(
        EnrollmentAction,
        EnrollmentStatus,
        EnrollmentStatus,
        ActorKind,
    )> {
        vec![
            (EA::Enroll, ES::Cancelled, ES::Enrolled, YOUTH),
            (EA::Enroll, ES::Lapsed, ES::Enrolled, YOUTH),
            (EA::Wait, ES::Cancelled, ES::Waiting, YOUTH),
            (EA::Wait, ES::Lapsed, ES::Waiting, YOUTH),
            (EA::Offer, ES::Waiting, ES::Offered, SYSTEM),
            (EA::Accept, ES::Offered, ES::Enrolled, YOUTH),
            (EA::Lapse, ES::Offered, ES::Lapsed, SYSTEM),
            (EA::Cancel, ES::Enrolled, ES::Cancelled, YOUTH),
            (EA::Cancel, ES::Waiting, ES::Cancelled, YOUTH),
            (EA::Cancel, ES::Offered, ES::Cancelled, YOUTH),
            (
                EA::TrainingCancel,
                ES::Enrolled,
                ES::TrainingCancelled,
                CADRE,
            ),
            (
                EA::TrainingCancel,
                ES::Waiting,
                ES::TrainingCancelled,
                CADRE,
            ),
            (
                EA::TrainingCancel,
                ES::Offered,
                ES::TrainingCancelled,
                CADRE,
            ),
            (EA::CheckIn, ES::Enrolled, ES::Enrolled, YOUTH),
            (EA::Complete, ES::Enrolled, ES::Enrolled, CADRE),
        ]
    }

    #[test]
    fn every_allowed_enrollment_cell() {
        for (action, from, to, actor) in allowed() {
            assert_eq!(
                next_enrollment(from, action, actor),
                Ok(to),
                "{action:?} from {from:?}"
            );
        }
    }

    #[test]
    fn every_other_enrollment_cell_is_refused() {
        let allowed = allowed();
        for &action in EnrollmentAction::ALL {
            let actor = allowed.iter().find(|c| c.0 == action).map(|c| c.3).unwrap();
            for from in ES::iter() {
                if !allowed.iter().any(|c| c.0 == action && c.1 == from) {
                    assert_eq!(
                        next_enrollment(from, action, actor),
                        Err(Refusal::WrongState),
                        "{action:?} from {from:?}"
                    );
                }
            }
            for wrong in [YOUTH, CADRE, SYSTEM, ActorKind::BankOfficer] {
                if wrong != actor {
                    assert_eq!(
                        next_enrollment(ES::Enrolled, action, wrong),
                        Err(Refusal::WrongActor),
                        "{action:?} by {wrong:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn only_enrolled_and_offered_hold_seats_and_three_statuses_are_active() {
        for s in ES::iter() {
            assert_eq!(holds_seat(s), matches!(s, ES::Enrolled | ES::Offered));
            assert_eq!(
                is_active(s),
                matches!(s, ES::Enrolled | ES::Waiting | ES::Offered)
            );
        }
        assert_eq!(on_sign_up(true), (ES::Enrolled, EA::Enroll));
        assert_eq!(on_sign_up(false), (ES::Waiting, EA::Wait));
    }

    #[test]
    fn the_next_step_per_status() {
        let now = Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap();
        let facts = |status| EnrollmentFacts {
            status,
            offer_expires_at: Some(now + Duration::hours(48)),
            checked_in: false,
            completed: false,
            training_status: TS::Published,
            training_ends_at: now + Duration::days(3),
            organiser: Some(RegionLevel::City),
        };
        let offered = next_step(&facts(ES::Offered), now).unwrap();
        assert_eq!(offered.actor, NextActor::You);
        assert_eq!(
            offered.due_at,
            Some(crate::time::to_china(now + Duration::hours(48)))
        );
        assert_eq!(
            next_step(&facts(ES::Waiting), now).unwrap().actor,
            NextActor::System
        );
        let enrolled = next_step(&facts(ES::Enrolled), now).unwrap();
        assert_eq!(enrolled.actor, NextActor::You);
        assert_eq!(
            enrolled.due_at,
            Some(crate::time::to_china(now + Duration::days(3)))
        );
        let checked_in = EnrollmentFacts {
            checked_in: true,
            ..facts(ES::Enrolled)
        };
        assert_eq!(
            next_step(&checked_in, now).unwrap().actor,
            NextActor::CityLeague
        );
        let completed = EnrollmentFacts {
            completed: true,
            ..checked_in
        };
        assert_eq!(next_step(&completed, now), None);
        assert_eq!(
            next_step(&facts(ES::Enrolled), now + Duration::days(4)),
            None
        );
        for s in [ES::Cancelled, ES::Lapsed, ES::TrainingCancelled] {
            assert_eq!(next_step(&facts(s), now), None);
        }
        let cancelled_training = EnrollmentFacts {
            training_status: TS::Cancelled,
            ..facts(ES::Waiting)
        };
        assert_eq!(next_step(&cancelled_training, now), None);
    }
}
