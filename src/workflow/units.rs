//! League-unit names for timelines and next steps.
//!
//! League units (`league_units`, `users.league_unit_id`) arrive with the league-unit work; until
//! then a cadre's unit is their region and a unit's name is built from the region's name. These
//! three functions are the only places that know it: after the merge each becomes a look-up of
//! the unit (its code, `name` and `short_name`).
use std::collections::HashMap;

use crate::auth::CadreScope;
use crate::error::ApiResult;
use crate::regions;
use sea_orm::ConnectionTrait;

/// The code of the league unit a cadre acts for, stored on their events.
pub fn unit_code_of(cadre: &CadreScope) -> String {
    cadre.region_code.clone()
}

/// Full names of league units (「共青团长春市委员会」) by unit code, for timelines.
pub async fn unit_labels(
    db: &impl ConnectionTrait,
    codes: impl IntoIterator<Item = String>,
) -> ApiResult<HashMap<String, String>> {
    let names = crate::talents::queries::region_names(db, codes).await?;
    Ok(names
        .into_iter()
        .map(|(code, name)| (code, format!("共青团{name}委员会")))
        .collect())
}

/// Short name of the local unit of a place (「南关区团委」, 「梅河口市团委」): the league unit that
/// does county-level work for a township or village, named in next steps.
pub async fn local_unit_short_name(
    db: &impl ConnectionTrait,
    region_code: &str,
) -> ApiResult<String> {
    let county = region_code.get(..6).unwrap_or(region_code);
    Ok(regions::queries::find(db, county)
        .await?
        .map(|r| format!("{}团委", r.name))
        .unwrap_or_else(|| "县级团委".to_owned()))
}
