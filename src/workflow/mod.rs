//! The pieces every workflow domain is built from (conventions §2–§4; how to use them:
//! `docs/state-machines.md`):
//!
//! - [`machine`]: statuses, actions ([`actions!`](crate::actions)), `Refusal`, and the
//!   [`Subject`] trait a domain implements for its record in its pure `state.rs`;
//! - [`transition`]: the conditional update + event in the caller's transaction, and the
//!   answers when it does not apply (repeat → 200, domain code, `…_CHANGED`, `INVALID_STATE`);
//! - [`events`]: the append-only `<domain>_events` tables;
//! - [`timeline`]: the `timeline` of detail responses; [`next_step`]: `nextStep`;
//! - [`review`]: the one approve-or-reject decision; [`actor`]: who acts;
//! - [`units`]: league-unit names (the one place that changes when league units land).
pub mod actor;
pub mod events;
pub mod machine;
pub mod next_step;
pub mod review;
pub mod timeline;
pub mod transition;
pub mod units;

pub use actor::Actor;
pub use events::EventLog;
pub use machine::{Action, Refusal, Status, Subject};
pub use next_step::{NextActor, NextStep};
pub use review::{ReviewDecision, ReviewRequest, Verdict};
pub use timeline::{Audience, TimelineEntry};
pub use transition::{Applied, Transition};
