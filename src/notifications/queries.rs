use chrono::Utc;
use entity::notifications::{self, NotificationKind};
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};
use uuid::Uuid;

use crate::error::ApiResult;

/// Record a notification for `user_id`. Call it with the domain's transaction so the notice
/// exists exactly when the change it announces does; hand the returned rows to
/// [`deliver`](super::deliver) after the commit.
///
/// `kind` is `<domain>.<event>` (`training.offered`; a variant of [`NotificationKind`]); `link`
/// is a mini-program page path.
pub async fn notify(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    kind: NotificationKind,
    title: &str,
    body: &str,
    link: Option<&str>,
) -> ApiResult<notifications::Model> {
    Ok(notifications::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(user_id),
        kind: Set(kind),
        title: Set(title.chars().take(64).collect()),
        body: Set(body.to_owned()),
        link: Set(link.map(|l| l.chars().take(256).collect())),
        read_at: Set(None),
        created_at: Set(Utc::now()),
    }
    .insert(db)
    .await?)
}
