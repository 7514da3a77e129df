use entity::regions;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use super::code::level_of;
use crate::error::{ApiError, ApiResult};

pub async fn find(db: &impl ConnectionTrait, code: &str) -> ApiResult<Option<regions::Model>> {
    if level_of(code).is_none() {
        return Ok(None);
    }
    Ok(regions::Entity::find_by_id(code.to_owned()).one(db).await?)
}

/// Every region code a client sends goes through here: unknown codes are a 422 on that field.
pub async fn require(
    db: &impl ConnectionTrait,
    code: &str,
    field: &str,
) -> ApiResult<regions::Model> {
    find(db, code)
        .await?
        .ok_or_else(|| ApiError::field(field, "UNKNOWN_REGION", "行政区划代码不存在"))
}

pub async fn children(db: &impl ConnectionTrait, code: &str) -> ApiResult<Vec<regions::Model>> {
    Ok(regions::Entity::find()
        .filter(regions::Column::Parent.eq(code))
        .order_by_asc(regions::Column::Code)
        .all(db)
        .await?)
}
