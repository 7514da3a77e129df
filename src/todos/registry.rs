//! The registry of to-do queues: one line per queue, each defined next to its domain's code.
use super::queue::TodoQueue;

/// Every queue, in the order the console shows them.
pub const QUEUES: &[&TodoQueue] = &[
    &crate::talents::todos::TALENTS_TO_VERIFY,
    &crate::volunteer::todos::REPORTS_TO_REVIEW,
    &crate::volunteer::todos::CORRECTIONS_TO_REVIEW,
];
