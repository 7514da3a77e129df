//! Notices to a host unit's supervisors (in-app, and as subscription messages after commit).
use entity::notifications::NotificationKind;
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::endings::HOST_PAGE;
use crate::error::ApiResult;
use crate::notifications::notify;

/// The active supervisors (user ids) of a host unit.
pub async fn supervisors_of(db: &impl ConnectionTrait, host: Uuid) -> ApiResult<Vec<Uuid>> {
    use entity::host_supervisors::{self, Column as HS};
    Ok(host_supervisors::Entity::find()
        .filter(HS::HostUnitId.eq(host))
        .filter(HS::AcceptedAt.is_not_null())
        .filter(HS::RevokedAt.is_null())
        .all(db)
        .await?
        .into_iter()
        .filter_map(|s| s.user_id)
        .collect())
}

/// Notify the host's supervisors (in-app and subscription), inside the transaction.
pub async fn notify_host(
    db: &DatabaseTransaction,
    host: Uuid,
    kind: NotificationKind,
    title: &str,
    body: &str,
) -> ApiResult<Vec<entity::notifications::Model>> {
    let mut sent = Vec::new();
    for u in supervisors_of(db, host).await? {
        sent.push(notify(db, u, kind, title, body, Some(HOST_PAGE)).await?);
    }
    Ok(sent)
}
