//! Staff to-do counts (`GET /api/v1/admin/todos`): for each queue the caller can act on, how many
//! items wait in their scope or bank and how many of those are overdue. Queues are registered in
//! [`QUEUES`], one line each; each domain defines its own next to its code. How to add one:
//! docs/todos.md.
mod dto;
mod list;
mod queue;
mod registry;

pub use queue::{
    CountFuture, TodoContext, TodoCount, TodoQueue, bank_officers, cadre_review_queue, cadres,
    count_with_overdue, local_cadres,
};
pub use registry::QUEUES;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list::list_admin_todos);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queue_names_are_unique_snake_case_and_labelled() {
        let mut seen = std::collections::HashSet::new();
        for q in QUEUES {
            assert!(seen.insert(q.queue), "{} is registered once", q.queue);
            assert!(
                q.queue.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'),
                "{} is snake_case",
                q.queue
            );
            assert!(!q.label.is_empty() && q.link.starts_with("/admin/"));
        }
    }
}
