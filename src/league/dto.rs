use entity::users::CadreLevel;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::tree::LeagueUnit;

/// A league organisation (团组织).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"code": "220581", "name": "共青团梅河口市委员会", "shortName": "梅河口市团委",
    "level": "city", "parentCode": "220000", "regionCodes": ["220581"]}))]
pub struct LeagueUnitView {
    /// The region code when the unit's area is exactly one region; `CBS` for 长白山保护开发区团委.
    pub code: String,
    pub name: String,
    pub short_name: String,
    /// province, city or county (梅河口 and 长白山 are city).
    pub level: CadreLevel,
    pub parent_code: Option<String>,
    /// The region codes the unit owns (with everything below them that no other unit owns).
    pub region_codes: Vec<String>,
}

impl From<&LeagueUnit> for LeagueUnitView {
    fn from(u: &LeagueUnit) -> Self {
        Self {
            code: u.code.clone(),
            name: u.name.clone(),
            short_name: u.short_name.clone(),
            level: u.level,
            parent_code: u.parent_code.clone(),
            region_codes: u.regions.clone(),
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LeagueUnitQuery {
    /// Only units of this level (`province`, `city` or `county`).
    pub level: Option<CadreLevel>,
}
