//! League-unit names for timelines and next steps: the one place that turns a cadre or a place
//! into the unit youth see (「共青团长春市委员会」, 「梅河口市团委」), never a person.
use std::collections::HashMap;

use entity::{league_unit_regions, league_units};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::auth::CadreScope;
use crate::error::ApiResult;
use crate::league::LeagueTree;
use crate::regions::RegionCode;

/// The code of the league unit a cadre acts for, stored on their events.
pub fn unit_code_of(cadre: &CadreScope) -> String {
    cadre.unit.code.clone()
}

/// Whether a place lies inside a league unit's scope: who may join what the unit organises (a
/// volunteer activity not open to all). A code naming no unit is read as a region (its prefix).
pub fn unit_covers(tree: &LeagueTree, unit_code: &str, region_code: &str) -> bool {
    match tree.unit(unit_code) {
        Some(unit) => unit.scope.covers(region_code),
        None => crate::regions::code::is_within(region_code, unit_code),
    }
}

/// Full names of league units (「共青团长春市委员会」) by unit code, for timelines.
pub async fn unit_labels(
    db: &impl ConnectionTrait,
    codes: impl IntoIterator<Item = String>,
) -> ApiResult<HashMap<String, String>> {
    let codes: Vec<String> = codes.into_iter().collect();
    if codes.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(league_units::Entity::find()
        .filter(league_units::Column::Code.is_in(codes))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.code, u.name))
        .collect())
}

/// Short name of the local unit of a place (「南关区团委」, 「梅河口市团委」,
/// 「长白山保护开发区团委」): the unit owning it (the longest mapped code containing it), which
/// does county-level work for a township or village; named in next steps.
pub async fn local_unit_short_name(
    db: &impl ConnectionTrait,
    region_code: &str,
) -> ApiResult<String> {
    let Some(code) = RegionCode::parse(region_code) else {
        return Ok("县级团委".to_owned());
    };
    let mut candidates = code.ancestors();
    candidates.push(code.as_str().to_owned());
    let owner = league_unit_regions::Entity::find()
        .filter(league_unit_regions::Column::RegionCode.is_in(candidates))
        .all(db)
        .await?
        .into_iter()
        .max_by_key(|m| m.region_code.len());
    let unit = match owner {
        Some(m) => league_units::Entity::find_by_id(m.unit_id).one(db).await?,
        None => None,
    };
    Ok(unit.map_or_else(|| "县级团委".to_owned(), |u| u.short_name))
}
