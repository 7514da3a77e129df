//! Who the caller is and what they may do: roles, cadre levels, and the region guard.
use entity::users;
pub use entity::users::{CadreLevel, StaffRole};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::error::{ApiError, ApiResult};
use crate::regions::is_within;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Every WeChat user (rural youth).
    Youth,
    /// University student registered for 返家乡 practice.
    Student,
    /// Entrepreneurship mentor (创业导师).
    Mentor,
    /// League cadre (团干部) at province, city or county level.
    Cadre,
    /// Partner-bank officer (银团合作).
    BankOfficer,
}

pub fn roles_of(user: &users::Model) -> Vec<Role> {
    let mut roles = Vec::new();
    match user.staff_role {
        Some(StaffRole::Cadre) => roles.push(Role::Cadre),
        Some(StaffRole::BankOfficer) => roles.push(Role::BankOfficer),
        None => {
            roles.push(Role::Youth);
            if user.is_student {
                roles.push(Role::Student);
            }
            if user.is_mentor {
                roles.push(Role::Mentor);
            }
        }
    }
    roles
}

/// A cadre and the region they act for. Obtained only through [`Cadre`](super::extractors::Cadre).
#[derive(Debug, Clone)]
pub struct CadreScope {
    pub user_id: Uuid,
    pub level: CadreLevel,
    pub region_code: String,
}

impl CadreScope {
    pub fn from_user(user: &users::Model) -> Option<Self> {
        if user.staff_role != Some(StaffRole::Cadre) {
            return None;
        }
        Some(Self {
            user_id: user.id,
            level: user.cadre_level?,
            region_code: user.region_code.clone()?,
        })
    }

    /// The significant prefix of the cadre's region, for `starts_with` filters in SQL
    /// (`220100` → `2201`). A cadre's region is always a valid code.
    pub fn region_prefix(&self) -> &str {
        crate::regions::code::prefix_of(&self.region_code).unwrap_or(&self.region_code)
    }

    pub fn covers(&self, region_code: &str) -> bool {
        is_within(region_code, &self.region_code)
    }

    /// The one-line guard: the record's region must lie inside the cadre's own.
    pub fn ensure_covers(&self, region_code: &str) -> ApiResult<()> {
        if self.covers(region_code) {
            Ok(())
        } else {
            Err(ApiError::forbidden_region())
        }
    }

    /// Like [`ensure_covers`](Self::ensure_covers) for look-ups by id: a record outside the
    /// region is reported as missing, so ids cannot be probed.
    pub fn ensure_visible(&self, region_code: &str, what: &str) -> ApiResult<()> {
        if self.covers(region_code) {
            Ok(())
        } else {
            Err(ApiError::not_found(what))
        }
    }

    pub fn is_province(&self) -> bool {
        self.level == CadreLevel::Province
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cadre(region: &str) -> CadreScope {
        CadreScope {
            user_id: Uuid::nil(),
            level: CadreLevel::City,
            region_code: region.into(),
        }
    }

    #[test]
    fn a_changchun_cadre_covers_changchun_records_only() {
        let c = cadre("220100");
        assert!(c.ensure_covers("220102001001").is_ok());
        assert!(c.ensure_covers("220202001001").is_err());
    }
}
