//! Who takes an action, as events record it: the user (none for the system), the kind of
//! actor, and the cadre's league unit or the officer's bank at the time.
use entity::workflow_events::ActorKind;
use uuid::Uuid;

use super::units;
use crate::auth::{BankOfficer, CadreScope};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: Option<Uuid>,
    pub kind: ActorKind,
    pub unit_code: Option<String>,
    pub bank_id: Option<Uuid>,
}

impl Actor {
    /// A job or an automatic step (an offer moving on, an expiry).
    pub fn system() -> Self {
        Self {
            user_id: None,
            kind: ActorKind::System,
            unit_code: None,
            bank_id: None,
        }
    }

    /// A WeChat user acting as `kind` (youth, student, mentor, host).
    pub fn person(user_id: Uuid, kind: ActorKind) -> Self {
        Self {
            user_id: Some(user_id),
            kind,
            unit_code: None,
            bank_id: None,
        }
    }

    pub fn youth(user_id: Uuid) -> Self {
        Self::person(user_id, ActorKind::Youth)
    }

    /// A cadre, with the league unit they act for.
    pub fn cadre(cadre: &CadreScope) -> Self {
        Self {
            user_id: Some(cadre.user_id),
            kind: ActorKind::Cadre,
            unit_code: Some(units::unit_code_of(cadre)),
            bank_id: None,
        }
    }

    /// A partner-bank officer, with their bank.
    pub fn bank_officer(officer: &BankOfficer) -> Self {
        Self {
            user_id: Some(officer.user.id()),
            kind: ActorKind::BankOfficer,
            unit_code: None,
            bank_id: Some(officer.bank_id),
        }
    }
}
