//! `nextStep` of youth-, student- and mentor-facing detail responses (conventions §4): who acts
//! next, what they do, and by when; `null` once nothing is left to do. Each domain computes it
//! with a pure function of status and deadlines in its `state.rs`, unit-tested per status.
use chrono::{DateTime, FixedOffset, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::time::to_china;

/// Who acts next, from the reader's point of view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NextActor {
    /// The reader.
    You,
    Mentor,
    Mentee,
    /// The local unit (county units, 梅河口 and 长白山 included).
    CountyLeague,
    CityLeague,
    ProvinceLeague,
    Bank,
    Host,
    /// Happens by itself (a waiting list moving, an expiry).
    System,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"actor": "county_league", "actionLabel": "等待南关区团委审核", "dueAt": null}))]
pub struct NextStep {
    pub actor: NextActor,
    /// What happens, in words (「等待梅河口市团委推荐」, 「请在截止前确认参加」).
    pub action_label: String,
    /// The deadline, if there is one.
    pub due_at: Option<DateTime<FixedOffset>>,
}

impl NextStep {
    pub fn new(actor: NextActor, action_label: impl Into<String>) -> Self {
        Self {
            actor,
            action_label: action_label.into(),
            due_at: None,
        }
    }

    pub fn due(mut self, at: DateTime<Utc>) -> Self {
        self.due_at = Some(to_china(at));
        self
    }
}
