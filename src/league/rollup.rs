//! Roll-ups by league unit (conventions §1): stats take `region` = a league-unit code or a
//! township code; a code naming a unit means the unit (`220500` = 通化 without 梅河口). The
//! children are the child units (the province lists the 11 top-level units in `sort_order`),
//! else the places the unit owns one level down (梅河口 and county units → townships, `CBS` →
//! its 3 areas, a township → villages). Every counted code falls in at most one child, so the
//! children's sums equal the parent's line.
use entity::regions;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use super::tree::{LeagueTree, LeagueUnit, UnitScope};
use crate::auth::CadreScope;
use crate::error::{ApiError, ApiResult};
use crate::regions::{RegionCode, RegionLevel};
use entity::users::CadreLevel;

/// One line of a roll-up: a league unit or a place, and the region codes it counts.
#[derive(Debug, Clone)]
pub struct Area {
    pub code: String,
    pub name: String,
    /// province, city, county (units) or township, village (places).
    pub level: RegionLevel,
    pub scope: UnitScope,
}

impl Area {
    fn of_unit(u: &LeagueUnit) -> Self {
        Self {
            code: u.code.clone(),
            name: u.short_name.clone(),
            level: match u.level {
                CadreLevel::Province => RegionLevel::Province,
                CadreLevel::City => RegionLevel::City,
                CadreLevel::County => RegionLevel::County,
            },
            scope: u.scope.clone(),
        }
    }

    fn of_region(r: regions::Model, scope: &UnitScope) -> Option<Self> {
        let code = RegionCode::parse(&r.code)?;
        Some(Self {
            scope: scope.within(&code),
            level: code.level(),
            code: r.code,
            name: r.name,
        })
    }
}

/// An area and its children.
#[derive(Debug, Clone)]
pub struct Rollup {
    pub area: Area,
    pub children: Vec<Area>,
}

impl Rollup {
    /// The child a counted code belongs to, if any.
    pub fn child_of(&self, code: &str) -> Option<usize> {
        self.children.iter().position(|c| c.scope.covers(code))
    }

    /// The scopes of the area and of each child.
    pub fn scopes(&self) -> impl Iterator<Item = &UnitScope> {
        std::iter::once(&self.area.scope).chain(self.children.iter().map(|c| &c.scope))
    }
}

/// The roll-up a cadre asks for with `region` (default: their unit). A unit not below the
/// cadre's, or a place outside it: 403 `OUTSIDE_REGION`; neither a unit nor a region: 422
/// `UNKNOWN_REGION` on `field`.
pub async fn rollup(
    db: &impl ConnectionTrait,
    cadre: &CadreScope,
    region: Option<&str>,
    field: &str,
) -> ApiResult<Rollup> {
    let tree = cadre.tree();
    let code = region.filter(|r| !r.is_empty());
    let unit = match code {
        None => Some(cadre.unit.clone()),
        Some(c) => tree.unit(c).cloned(),
    };
    if let Some(unit) = unit {
        if !cadre.covers_unit(&unit) {
            return Err(ApiError::forbidden_region());
        }
        return unit_rollup(db, tree, &unit).await;
    }
    let code = code.unwrap_or_default();
    let region = crate::regions::queries::require(db, code, field).await?;
    cadre.ensure_covers(&region.code)?;
    let area = Area::of_region(region, &cadre.unit.scope)
        .ok_or_else(|| ApiError::field(field, "UNKNOWN_REGION", "行政区划代码不存在"))?;
    let children = crate::regions::queries::children(db, &area.code)
        .await?
        .into_iter()
        .filter(|r| area.scope.covers(&r.code))
        .filter_map(|r| Area::of_region(r, &area.scope))
        .collect();
    Ok(Rollup { area, children })
}

/// The roll-up of a league unit (no caller's scope involved: jobs use it for every unit).
pub async fn unit_rollup(
    db: &impl ConnectionTrait,
    tree: &LeagueTree,
    unit: &LeagueUnit,
) -> ApiResult<Rollup> {
    let child_units = tree.children(&unit.code);
    let children = if child_units.is_empty() {
        owned_places(db, unit).await?
    } else {
        child_units.into_iter().map(|u| Area::of_unit(u)).collect()
    };
    Ok(Rollup {
        area: Area::of_unit(unit),
        children,
    })
}

/// The places a unit without child units owns one level down: the townships of 梅河口 or of a
/// county (without those another unit owns), `CBS`'s own three areas.
async fn owned_places(db: &impl ConnectionTrait, unit: &LeagueUnit) -> ApiResult<Vec<Area>> {
    let mut out = Vec::new();
    for mapped in &unit.regions {
        let Some(code) = RegionCode::parse(mapped) else {
            continue;
        };
        let rows = if code.level() >= crate::regions::RegionLevel::Township {
            regions::Entity::find_by_id(mapped.clone()).all(db).await?
        } else {
            regions::Entity::find()
                .filter(regions::Column::Parent.eq(mapped.as_str()))
                .order_by_asc(regions::Column::Code)
                .all(db)
                .await?
        };
        out.extend(
            rows.into_iter()
                .filter(|r| unit.scope.covers(&r.code))
                .filter_map(|r| Area::of_region(r, &unit.scope)),
        );
    }
    Ok(out)
}
