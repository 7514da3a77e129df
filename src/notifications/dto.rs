use chrono::{DateTime, FixedOffset};
use entity::notifications::{self, NotificationKind};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::time::to_china;

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NotificationView {
    pub id: Uuid,
    /// `<domain>.<event>`, e.g. `training.offered`.
    pub kind: NotificationKind,
    #[schema(example = "候补转正：请确认参加培训")]
    pub title: String,
    pub body: String,
    /// Mini-program page to open, if any.
    pub link: Option<String>,
    pub read: bool,
    pub read_at: Option<DateTime<FixedOffset>>,
    pub created_at: DateTime<FixedOffset>,
}

impl From<notifications::Model> for NotificationView {
    fn from(n: notifications::Model) -> Self {
        Self {
            id: n.id,
            kind: n.kind,
            title: n.title,
            body: n.body,
            link: n.link,
            read: n.read_at.is_some(),
            read_at: n.read_at.map(to_china),
            created_at: to_china(n.created_at),
        }
    }
}

/// A page of notifications, newest first, with the caller's unread count.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NotificationPage {
    pub items: Vec<NotificationView>,
    pub total: u64,
    pub page: u64,
    pub page_size: u64,
    /// Unread notifications across all pages.
    pub unread_count: u64,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct NotificationFilter {
    /// Only unread notifications.
    pub unread_only: Option<bool>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReadAllResult {
    /// How many notifications this call marked as read.
    pub marked: u64,
}
