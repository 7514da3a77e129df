//! Who the caller is and what they may do: roles, cadre levels, and the region guard.
use entity::users;
pub use entity::users::{CadreLevel, StaffRole};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use std::sync::Arc;

use sea_orm::ConnectionTrait;

use crate::error::{ApiError, ApiResult};
use crate::league::{LeagueTree, LeagueUnit, UnitScope};
use crate::regions::RegionCode;

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

/// A cadre and the league unit they act for. Obtained only through
/// [`Cadre`](super::extractors::Cadre).
///
/// The scope is the unit's (`league::LeagueUnit::scope`): the places it owns and those of the
/// units below it. `ensure_covers`, `ensure_visible` and every list filter test membership in it.
#[derive(Debug, Clone)]
pub struct CadreScope {
    pub user_id: Uuid,
    /// The unit's level.
    pub level: CadreLevel,
    pub unit: Arc<LeagueUnit>,
    /// The unit's region for display (`None` for `CBS`).
    pub region_code: Option<String>,
    tree: Arc<LeagueTree>,
}

impl CadreScope {
    /// The scope of a cadre account: its `league_unit_id` (accounts from before the league
    /// units: the unit named by their region code).
    pub fn from_user(user: &users::Model, tree: &Arc<LeagueTree>) -> Option<Self> {
        if user.staff_role != Some(StaffRole::Cadre) {
            return None;
        }
        let unit = match user.league_unit_id {
            Some(id) => tree.by_id(id)?,
            None => tree.unit(user.region_code.as_deref()?)?,
        };
        Some(Self::of_unit(user.id, unit.clone(), tree.clone()))
    }

    /// A scope for `unit` (also used by unit tests).
    pub fn of_unit(user_id: Uuid, unit: Arc<LeagueUnit>, tree: Arc<LeagueTree>) -> Self {
        Self {
            user_id,
            level: unit.level,
            region_code: unit.region_code().map(str::to_owned),
            unit,
            tree,
        }
    }

    pub fn tree(&self) -> &LeagueTree {
        &self.tree
    }

    pub fn covers(&self, region_code: &str) -> bool {
        self.unit.scope.covers(region_code)
    }

    /// Whether `unit` is the cadre's own unit or lies below it.
    pub fn covers_unit(&self, unit: &LeagueUnit) -> bool {
        self.tree.is_within(unit, &self.unit)
    }

    /// The codes of the units whose set-ups (mentors, campaigns, loan products) a cadre reads:
    /// their own and those below (which they manage) and those above (read only).
    pub fn readable_unit_codes(&self) -> Vec<String> {
        self.tree
            .units()
            .iter()
            .filter(|u| self.covers_unit(u) || self.tree.is_within(&self.unit, u))
            .map(|u| u.code.clone())
            .collect()
    }

    /// The one-line guard: the record's region must lie inside the cadre's unit.
    pub fn ensure_covers(&self, region_code: &str) -> ApiResult<()> {
        if self.covers(region_code) {
            Ok(())
        } else {
            Err(ApiError::forbidden_region())
        }
    }

    /// Like [`ensure_covers`](Self::ensure_covers) for look-ups by id: a record outside the
    /// unit is reported as missing, so ids cannot be probed.
    pub fn ensure_visible(&self, region_code: &str, what: &str) -> ApiResult<()> {
        if self.covers(region_code) {
            Ok(())
        } else {
            Err(ApiError::not_found(what))
        }
    }

    /// County-league work (「县区实施」): only the place's local unit (its county unit, or
    /// 梅河口 / 长白山) acts; other units above it get 403 `LOCAL_UNIT_ONLY`.
    pub fn ensure_local_unit(&self, region_code: &str) -> ApiResult<()> {
        self.ensure_covers(region_code)?;
        match self.tree.owner(region_code) {
            Some(local) if local.id == self.unit.id => Ok(()),
            _ => Err(ApiError::Forbidden(
                "LOCAL_UNIT_ONLY",
                "该事项由所在地的县级团组织办理".into(),
            )),
        }
    }

    /// The scope of a list or export: the cadre's unit, or the area a `region` filter names
    /// inside it. A code naming a league unit means the unit (`220500` = 通化 without 梅河口,
    /// `CBS`); a township or village code means that place. Outside the unit: 403
    /// `OUTSIDE_REGION`; a code that is neither: 422 `UNKNOWN_REGION` on `field`.
    pub async fn filter_scope(
        &self,
        db: &impl ConnectionTrait,
        region: Option<&str>,
        field: &str,
    ) -> ApiResult<UnitScope> {
        let Some(code) = region.filter(|r| !r.is_empty()) else {
            return Ok(self.unit.scope.clone());
        };
        if let Some(unit) = self.tree.unit(code) {
            return if self.covers_unit(unit) {
                Ok(unit.scope.clone())
            } else {
                Err(ApiError::forbidden_region())
            };
        }
        crate::regions::queries::require(db, code, field).await?;
        self.ensure_covers(code)?;
        let region = RegionCode::parse(code)
            .ok_or_else(|| ApiError::field(field, "UNKNOWN_REGION", "行政区划代码不存在"))?;
        Ok(self.unit.scope.within(&region))
    }

    /// The cadre's own region as the default place of something they create; a unit without
    /// one region (`CBS`) must name it: 422 `REQUIRED` on `field`.
    pub fn own_region(&self, field: &str) -> ApiResult<String> {
        self.region_code
            .clone()
            .ok_or_else(|| ApiError::field(field, "REQUIRED", "请指定所在的行政区划"))
    }

    pub fn is_province(&self) -> bool {
        self.level == CadreLevel::Province
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree() -> Arc<LeagueTree> {
        Arc::new(crate::league::tree::seeded_tree())
    }

    fn cadre(unit: &str) -> CadreScope {
        let tree = tree();
        let unit = tree.unit(unit).unwrap().clone();
        CadreScope::of_unit(Uuid::nil(), unit, tree)
    }

    #[test]
    fn a_changchun_cadre_covers_changchun_records_only() {
        let c = cadre("220100");
        assert!(c.ensure_covers("220102001001").is_ok());
        assert!(c.ensure_covers("220202001001").is_err());
    }

    #[test]
    fn meihekou_belongs_to_its_own_unit_not_to_tonghua() {
        assert!(cadre("220581").covers("220581100001"));
        assert!(!cadre("220500").covers("220581100001"));
        assert!(cadre("220500").covers("220502001001"));
        assert!(cadre("220000").covers("220581100001"));
    }

    #[test]
    fn changbaishan_sees_exactly_its_township_codes() {
        let cbs = cadre("CBS");
        assert!(cbs.covers("220621120300"));
        assert!(cbs.covers("220621121"));
        assert!(cbs.covers("222426120201"));
        assert!(!cbs.covers("220621100001"));
        assert!(!cbs.covers("220621"));
        assert!(!cbs.covers("222426100"));
        assert_eq!(cbs.region_code, None);
        let fusong = cadre("220621");
        assert!(!fusong.covers("220621120300"));
        assert!(fusong.covers("220621100001"));
        assert!(!cadre("220600").covers("220621121001"));
        assert!(!cadre("222400").covers("222426120001"));
    }

    #[test]
    fn county_league_work_is_for_the_local_unit_only() {
        assert!(cadre("220621").ensure_local_unit("220621100001").is_ok());
        assert!(cadre("CBS").ensure_local_unit("220621120300").is_ok());
        assert!(cadre("220581").ensure_local_unit("220581100001").is_ok());
        let err = cadre("220600")
            .ensure_local_unit("220621100001")
            .unwrap_err();
        assert!(matches!(err, ApiError::Forbidden("LOCAL_UNIT_ONLY", _)));
        let err = cadre("220621")
            .ensure_local_unit("220621120300")
            .unwrap_err();
        assert!(matches!(err, ApiError::Forbidden("OUTSIDE_REGION", _)));
    }
}
