//! Whether a youth's talent profile is still needed by a 青年先锋 nomination (conventions §10):
//! the talent `DELETE` is refused while a nomination is before `named`, as reviewers act on the
//! name and story.
use entity::pioneer_nominations::{self as nominations, Column as N};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};
use uuid::Uuid;

use crate::error::ApiResult;

pub async fn needs_talent_profile(db: &impl ConnectionTrait, user: Uuid) -> ApiResult<bool> {
    let n = nominations::Entity::find()
        .filter(N::UserId.eq(user))
        .filter(N::Status.is_in(super::state::RUNNING))
        .count(db)
        .await?;
    Ok(n > 0)
}
