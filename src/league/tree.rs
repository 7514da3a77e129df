//! The league's units in memory: loaded once per instance at start (units change only by
//! migration), with each unit's scope derived as include / exclude prefixes.
//!
//! **Ownership.** A region code belongs to the unit with the longest mapped code containing it
//! (梅河口's villages → `220581`, not `220500`; 池西区 → `CBS`). A unit's **scope** is every
//! code owned by it or by a unit below it: 通化 = `2205…` minus `220581…`; 白山 and 抚松县
//! exclude `220621120`/`220621121`; 延边 and 安图县 exclude `222426120`.
use std::collections::HashMap;
use std::sync::Arc;

use entity::users::CadreLevel;
use entity::{league_unit_regions, league_units};
use sea_orm::sea_query::{Condition, Expr, ExprTrait, IntoColumnRef};
use sea_orm::{ConnectionTrait, EntityTrait, QueryOrder};

use crate::regions::RegionCode;
use crate::regions::code::prefix_end;

/// The region codes a unit answers for, as prefixes: an include matches and no exclude does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitScope {
    pub include: Vec<String>,
    pub exclude: Vec<String>,
}

impl UnitScope {
    /// Whether a region code lies in the scope (anything that is not a region code does not).
    pub fn covers(&self, code: &str) -> bool {
        RegionCode::parse(code).is_some()
            && self.include.iter().any(|p| code.starts_with(p.as_str()))
            && !self.exclude.iter().any(|p| code.starts_with(p.as_str()))
    }

    /// The SQL condition "`col` lies in the scope": index range predicates on the code with bound
    /// values (`col >= '2205' AND col < '2206' AND NOT (col >= '220581' AND col < '220582')`).
    pub fn condition(&self, col: impl IntoColumnRef + Clone) -> Condition {
        let range = |p: &str| {
            Condition::all()
                .add(Expr::col(col.clone()).gte(p.to_owned()))
                .add(Expr::col(col.clone()).lt(prefix_end(p)))
        };
        let include = self
            .include
            .iter()
            .fold(Condition::any(), |c, p| c.add(range(p)));
        let mut cond = Condition::all().add(include);
        for p in &self.exclude {
            cond = cond.add(range(p).not());
        }
        cond
    }

    /// The part of this scope inside a region it covers: the region's prefix, minus the
    /// excluded codes below it.
    pub fn within(&self, region: &RegionCode) -> UnitScope {
        let prefix = region.prefix();
        UnitScope {
            include: vec![prefix.to_owned()],
            exclude: self
                .exclude
                .iter()
                .filter(|e| e.len() > prefix.len() && e.starts_with(prefix))
                .cloned()
                .collect(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct LeagueUnit {
    pub id: i32,
    /// The region code when the unit's area is exactly one region; `CBS` for 长白山.
    pub code: String,
    /// 「共青团长春市委员会」
    pub name: String,
    /// 「长春市团委」
    pub short_name: String,
    pub level: CadreLevel,
    pub parent_code: Option<String>,
    pub sort_order: i32,
    /// The region codes mapped to this unit (for `CBS` its three township codes).
    pub regions: Vec<String>,
    pub scope: UnitScope,
}

impl LeagueUnit {
    /// The unit's single region, for display (`None` for `CBS`).
    pub fn region_code(&self) -> Option<&str> {
        match self.regions.as_slice() {
            [one] if *one == self.code => Some(one),
            _ => None,
        }
    }
}

/// The whole tree: province → 11 top-level units → county units.
#[derive(Debug, Default)]
pub struct LeagueTree {
    units: Vec<Arc<LeagueUnit>>,
    by_code: HashMap<String, usize>,
    by_id: HashMap<i32, usize>,
    /// Mapped region code → unit index.
    owners: HashMap<String, usize>,
    parents: Vec<Option<usize>>,
}

impl LeagueTree {
    /// Read the tree from the database (at start; units change only by migration).
    pub async fn load(db: &impl ConnectionTrait) -> anyhow::Result<Self> {
        let units = league_units::Entity::find()
            .order_by_asc(league_units::Column::SortOrder)
            .all(db)
            .await?;
        let regions = league_unit_regions::Entity::find()
            .order_by_asc(league_unit_regions::Column::RegionCode)
            .all(db)
            .await?
            .into_iter()
            .map(|r| (r.region_code, r.unit_id))
            .collect();
        Self::build(units, regions)
    }

    /// Build the tree and every unit's scope from unit rows and `(region_code, unit_id)` pairs.
    pub fn build(
        mut rows: Vec<league_units::Model>,
        regions: Vec<(String, i32)>,
    ) -> anyhow::Result<Self> {
        rows.sort_by_key(|r| (r.sort_order, r.id));
        let by_id: HashMap<i32, usize> = rows.iter().enumerate().map(|(i, r)| (r.id, i)).collect();
        let parents: Vec<Option<usize>> = rows
            .iter()
            .map(|r| r.parent_id.and_then(|p| by_id.get(&p).copied()))
            .collect();
        let mut mapped: Vec<Vec<String>> = vec![Vec::new(); rows.len()];
        let mut owners = HashMap::new();
        for (code, unit_id) in regions {
            let i = *by_id
                .get(&unit_id)
                .ok_or_else(|| anyhow::anyhow!("region {code} mapped to unknown unit {unit_id}"))?;
            RegionCode::parse(&code)
                .ok_or_else(|| anyhow::anyhow!("unit {unit_id} maps a bad region code {code}"))?;
            owners.insert(code.clone(), i);
            mapped[i].push(code);
        }
        let within = |mut i: usize, ancestor: usize| loop {
            if i == ancestor {
                return true;
            }
            match parents[i] {
                Some(p) => i = p,
                None => return false,
            }
        };
        let mut units = Vec::with_capacity(rows.len());
        for (i, r) in rows.iter().enumerate() {
            let include: Vec<String> = mapped[i]
                .iter()
                .filter_map(|c| RegionCode::parse(c).map(|c| c.prefix().to_owned()))
                .collect();
            // Codes inside the unit's area that another unit, not below this one, owns.
            let mut exclude: Vec<String> = owners
                .iter()
                .filter(|(_, j)| !within(**j, i))
                .filter_map(|(code, _)| RegionCode::parse(code))
                .map(|c| c.prefix().to_owned())
                .filter(|p| {
                    include
                        .iter()
                        .any(|inc| p.len() > inc.len() && p.starts_with(inc.as_str()))
                })
                .collect();
            exclude.sort();
            let nested: Vec<String> = exclude
                .iter()
                .filter(|e| {
                    exclude
                        .iter()
                        .any(|o| o.len() < e.len() && e.starts_with(o.as_str()))
                })
                .cloned()
                .collect();
            exclude.retain(|e| !nested.contains(e));
            units.push(Arc::new(LeagueUnit {
                id: r.id,
                code: r.code.clone(),
                name: r.name.clone(),
                short_name: r.short_name.clone(),
                level: r.level,
                parent_code: parents[i].map(|p| rows[p].code.clone()),
                sort_order: r.sort_order,
                regions: mapped[i].clone(),
                scope: UnitScope { include, exclude },
            }));
        }
        let by_code = units
            .iter()
            .enumerate()
            .map(|(i, u)| (u.code.clone(), i))
            .collect();
        Ok(Self {
            units,
            by_code,
            by_id,
            owners,
            parents,
        })
    }

    /// Every unit, in `sort_order`.
    pub fn units(&self) -> &[Arc<LeagueUnit>] {
        &self.units
    }

    pub fn unit(&self, code: &str) -> Option<&Arc<LeagueUnit>> {
        self.by_code.get(code).map(|i| &self.units[*i])
    }

    pub fn by_id(&self, id: i32) -> Option<&Arc<LeagueUnit>> {
        self.by_id.get(&id).map(|i| &self.units[*i])
    }

    /// The unit owning a region code: the one with the longest mapped code containing it. For a
    /// township or village this is its **local unit** (a county unit, or 梅河口 / 长白山).
    pub fn owner(&self, region_code: &str) -> Option<&Arc<LeagueUnit>> {
        let code = RegionCode::parse(region_code)?;
        std::iter::once(code.as_str().to_owned())
            .chain(code.ancestors().into_iter().rev())
            .find_map(|c| self.owners.get(&c))
            .map(|i| &self.units[*i])
    }

    /// The region a record keeps once retention cuts it (conventions §10: "to the county"): the
    /// place's local unit's own code (the county; 梅河口; for 长白山 its area), so every roll-up
    /// still counts the record where it did. Not a known place: its first six digits.
    pub fn kept_region(&self, region_code: &str) -> String {
        self.owner(region_code)
            .and_then(|u| {
                u.regions
                    .iter()
                    .find(|r| region_code.starts_with(r.as_str()))
                    .cloned()
            })
            .unwrap_or_else(|| region_code.chars().take(6).collect())
    }

    /// Whether `unit` is `ancestor` or lies below it.
    pub fn is_within(&self, unit: &LeagueUnit, ancestor: &LeagueUnit) -> bool {
        let (Some(mut i), Some(a)) = (
            self.by_id.get(&unit.id).copied(),
            self.by_id.get(&ancestor.id),
        ) else {
            return false;
        };
        loop {
            if i == *a {
                return true;
            }
            match self.parents[i] {
                Some(p) => i = p,
                None => return false,
            }
        }
    }

    /// `unit` and every unit below it, in tree order.
    pub fn units_within(&self, unit: &LeagueUnit) -> Vec<&Arc<LeagueUnit>> {
        self.units
            .iter()
            .filter(|u| self.is_within(u, unit))
            .collect()
    }

    /// The codes of `unit` and every unit below it.
    pub fn codes_within(&self, unit: &LeagueUnit) -> Vec<String> {
        self.units_within(unit)
            .into_iter()
            .map(|u| u.code.clone())
            .collect()
    }

    /// The codes of the units whose scope holds a place: its local unit and every unit above
    /// it (whatever such a unit offers or serves reaches the place).
    pub fn codes_covering(&self, region_code: &str) -> Vec<String> {
        let Some(owner) = self.owner(region_code) else {
            return Vec::new();
        };
        self.units
            .iter()
            .filter(|u| self.is_within(owner, u))
            .map(|u| u.code.clone())
            .collect()
    }

    /// The units directly below `code`, in `sort_order`.
    pub fn children(&self, code: &str) -> Vec<&Arc<LeagueUnit>> {
        let Some(parent) = self.by_code.get(code) else {
            return Vec::new();
        };
        self.units
            .iter()
            .enumerate()
            .filter(|(i, _)| self.parents[*i] == Some(*parent))
            .map(|(_, u)| u)
            .collect()
    }

    /// The top of the tree (the province's unit).
    pub fn root(&self) -> Option<&Arc<LeagueUnit>> {
        self.parents
            .iter()
            .position(Option::is_none)
            .map(|i| &self.units[i])
    }
}

/// The tree exactly as the migration seeds it, for unit tests.
#[cfg(test)]
pub(crate) fn seeded_tree() -> LeagueTree {
    use migration::league_seed;
    let seed = league_seed::units(&league_seed::regions());
    let rows = seed
        .iter()
        .map(|u| league_units::Model {
            id: u.id,
            code: u.code.clone(),
            name: u.name.clone(),
            short_name: u.short_name.clone(),
            level: match u.level {
                "province" => CadreLevel::Province,
                "city" => CadreLevel::City,
                _ => CadreLevel::County,
            },
            parent_id: u.parent_id,
            sort_order: u.sort_order,
            active: true,
        })
        .collect();
    let mapped = seed
        .iter()
        .flat_map(|u| u.regions.iter().map(move |r| (r.clone(), u.id)))
        .collect();
    LeagueTree::build(rows, mapped).expect("the seeded tree builds")
}

#[cfg(test)]
mod tests {
    use super::*;
    use migration::league_seed;

    fn seeded() -> (LeagueTree, Vec<league_seed::RegionRow>) {
        (seeded_tree(), league_seed::regions())
    }

    #[test]
    fn the_seed_has_the_province_11_top_level_units_and_68_county_units() {
        let (tree, _) = seeded();
        let root = tree.root().unwrap();
        assert_eq!(root.code, "220000");
        let top: Vec<&str> = tree
            .children("220000")
            .iter()
            .map(|u| u.code.as_str())
            .collect();
        assert_eq!(
            top,
            [
                "220100", "220200", "220300", "220400", "220500", "220600", "220700", "220800",
                "222400", "CBS", "220581"
            ]
        );
        let counties = tree
            .units()
            .iter()
            .filter(|u| u.level == CadreLevel::County)
            .count();
        assert_eq!(counties, 68);
        assert!(tree.children("220581").is_empty() && tree.children("CBS").is_empty());
        assert_eq!(
            tree.unit("220621").unwrap().parent_code.as_deref(),
            Some("220600")
        );
        assert_eq!(tree.unit("CBS").unwrap().region_code(), None);
        assert_eq!(tree.unit("220581").unwrap().region_code(), Some("220581"));
    }

    #[test]
    fn a_place_belongs_to_the_unit_with_the_longest_mapped_code_containing_it() {
        let (tree, _) = seeded();
        let owner = |c: &str| tree.owner(c).map(|u| u.code.clone());
        assert_eq!(owner("220581100001").as_deref(), Some("220581"));
        assert_eq!(owner("220502001001").as_deref(), Some("220502"));
        assert_eq!(owner("220621120300").as_deref(), Some("CBS"));
        assert_eq!(owner("222426120").as_deref(), Some("CBS"));
        assert_eq!(owner("220621100001").as_deref(), Some("220621"));
        assert_eq!(owner("220500").as_deref(), Some("220500"));
        assert_eq!(owner("220000").as_deref(), Some("220000"));
        assert_eq!(owner("2205"), None);
    }

    #[test]
    fn scopes_are_the_documented_prefixes() {
        let (tree, _) = seeded();
        let scope = |c: &str| tree.unit(c).unwrap().scope.clone();
        assert_eq!(scope("220500").include, ["2205"]);
        assert_eq!(scope("220500").exclude, ["220581"]);
        assert_eq!(scope("220600").exclude, ["220621120", "220621121"]);
        assert_eq!(scope("220621").exclude, ["220621120", "220621121"]);
        assert_eq!(scope("222400").exclude, ["222426120"]);
        assert_eq!(scope("222426").exclude, ["222426120"]);
        assert_eq!(
            scope("CBS").include,
            ["220621120", "220621121", "222426120"]
        );
        assert!(scope("CBS").exclude.is_empty());
        assert_eq!(scope("220000").include, ["22"]);
        assert!(scope("220000").exclude.is_empty());
        assert_eq!(scope("220102").include, ["220102"]);
    }

    /// The prefix form used in SQL and `covers` agrees with the ownership rule on every code of
    /// the tree for every unit: a code is in a unit's scope exactly when its owner is the unit or
    /// lies below it.
    #[test]
    fn prefix_scopes_agree_with_ownership_on_every_code_and_unit() {
        let (tree, regions) = seeded();
        let owners: Vec<_> = regions
            .iter()
            .map(|r| tree.owner(&r.code).unwrap())
            .collect();
        for unit in tree.units() {
            for (r, o) in regions.iter().zip(&owners) {
                let owned = tree.is_within(o, unit);
                assert_eq!(
                    unit.scope.covers(&r.code),
                    owned,
                    "unit {} code {}",
                    unit.code,
                    r.code
                );
            }
        }
    }

    #[test]
    fn a_scope_inside_a_region_keeps_the_exclusions_below_it() {
        let (tree, _) = seeded();
        let baishan = &tree.unit("220600").unwrap().scope;
        let fusong = RegionCode::parse("220621").unwrap();
        assert_eq!(baishan.within(&fusong).exclude, ["220621120", "220621121"]);
        let town = RegionCode::parse("220621100").unwrap();
        assert!(baishan.within(&town).exclude.is_empty());
    }
}
