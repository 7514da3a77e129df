use std::borrow::Cow;

use serde::Serialize;
use utoipa::ToSchema;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};

use super::registry::QUEUES;

/// A queue's stable name. The document lists every registered queue as the enum, so a queue added
/// to `registry.rs` is in the contract without anyone restating it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct QueueName(pub &'static str);

impl utoipa::PartialSchema for QueueName {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .enum_values(Some(QUEUES.iter().map(|q| q.queue)))
            .into()
    }
}

impl ToSchema for QueueName {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("TodoQueueName")
    }
}

/// One queue of the caller's to-do list.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TodoItem {
    /// Stable queue name (`talents_to_verify`, `volunteer_reports_to_review`, …).
    pub queue: QueueName,
    pub label: &'static str,
    /// Items waiting in the caller's scope (cadres) or bank (officers).
    pub count: u64,
    /// Of those, the ones past their due time.
    pub overdue: u64,
    /// The console page listing them.
    pub link: &'static str,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"items": [
    {"queue": "talents_to_verify", "label": "待审核人才信息", "count": 3, "overdue": 1, "link": "/admin/talents?status=pending"},
    {"queue": "volunteer_reports_to_review", "label": "待审核志愿服务申报", "count": 0, "overdue": 0, "link": "/admin/volunteer/reports?status=pending"}
]}))]
pub struct TodoList {
    /// Every queue the caller acts on, zeros included, always in the same order.
    pub items: Vec<TodoItem>,
}
