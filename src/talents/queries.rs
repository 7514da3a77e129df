use entity::talent_profiles;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::error::ApiResult;

pub const STATUS_PENDING: &str = "pending";
pub const STATUS_VERIFIED: &str = "verified";
pub const STATUS_REJECTED: &str = "rejected";

/// Where a youth belongs, from their talent profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HomeRegion {
    /// Township or village code.
    pub region_code: String,
    /// A cadre has verified the profile.
    pub verified: bool,
    /// The real name on the profile (mask it before showing it to others).
    pub real_name: String,
}

/// The home region of a youth, or `None` when they have no talent profile.
pub async fn home_region_of(
    db: &impl ConnectionTrait,
    user_id: Uuid,
) -> ApiResult<Option<HomeRegion>> {
    Ok(talent_profiles::Entity::find()
        .filter(talent_profiles::Column::UserId.eq(user_id))
        .one(db)
        .await?
        .map(|p| HomeRegion {
            verified: p.status == STATUS_VERIFIED,
            region_code: p.home_region_code,
            real_name: p.real_name,
        }))
}
