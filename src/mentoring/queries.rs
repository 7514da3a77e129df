//! Look-ups the mentoring handlers share: units, who covers whom, mentors by id for each reader.
use std::collections::HashMap;

use entity::mentor_profiles;
use entity::users;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::auth::CadreScope;
use crate::crypto::{DataCipher, mask_phone};
use crate::error::{ApiError, ApiResult};
use crate::league::LeagueTree;

/// A stored JSON array of codes read back (a value that does not parse is a 500, never dropped).
pub fn json_list<T: serde::de::DeserializeOwned>(column: &str, stored: &str) -> ApiResult<Vec<T>> {
    serde_json::from_str(stored).map_err(|e| {
        ApiError::Unexpected(anyhow::Error::new(e).context(format!("mentoring column {column}")))
    })
}

/// A list's `region` filter naming a league unit at or below the caller's: the codes of that
/// unit and those below it (`None` without a filter; 422 `UNKNOWN_UNIT`; 403 `OUTSIDE_REGION`).
pub fn region_units(cadre: &CadreScope, region: Option<&str>) -> ApiResult<Option<Vec<String>>> {
    let Some(code) = region.filter(|c| !c.is_empty()) else {
        return Ok(None);
    };
    let tree = cadre.tree();
    let unit = tree
        .unit(code)
        .ok_or_else(|| ApiError::field("region", "UNKNOWN_UNIT", "请指定一个团组织代码"))?;
    if !cadre.covers_unit(unit) {
        return Err(ApiError::forbidden_region());
    }
    Ok(Some(tree.codes_within(unit)))
}

/// Whether a mentor serving `unit_code` serves the place.
pub fn unit_covers_place(tree: &LeagueTree, unit_code: &str, region_code: &str) -> bool {
    tree.unit(unit_code)
        .is_some_and(|u| u.scope.covers(region_code))
}

/// Full names of units by code (「共青团南关区委员会」).
pub fn unit_names<'a>(
    tree: &LeagueTree,
    codes: impl IntoIterator<Item = &'a str>,
) -> HashMap<String, String> {
    codes
        .into_iter()
        .map(|c| {
            (
                c.to_owned(),
                tree.unit(c).map(|u| u.name.clone()).unwrap_or_default(),
            )
        })
        .collect()
}

pub fn unit_name(tree: &LeagueTree, code: &str) -> String {
    tree.unit(code).map(|u| u.name.clone()).unwrap_or_default()
}

/// How a cadre stands to a mentor's service unit: inside their unit (they manage it), above it
/// (they may read and propose it, conventions §1), or neither (it does not exist for them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    Manage,
    Read,
    None,
}

pub fn reach(cadre: &CadreScope, unit_code: &str) -> Reach {
    let Some(unit) = cadre.tree().unit(unit_code) else {
        return Reach::None;
    };
    if cadre.covers_unit(unit) {
        Reach::Manage
    } else if cadre.tree().is_within(&cadre.unit, unit) {
        Reach::Read
    } else {
        Reach::None
    }
}

/// A mentor profile by id as a cadre may see it (404 outside their reach).
pub async fn visible_mentor(
    db: &impl ConnectionTrait,
    cadre: &CadreScope,
    id: Uuid,
) -> ApiResult<(mentor_profiles::Model, Reach)> {
    let mentor = mentor_profiles::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("导师"))?;
    match reach(cadre, &mentor.service_unit_code) {
        Reach::None => Err(ApiError::not_found("导师")),
        r => Ok((mentor, r)),
    }
}

/// A mentor a cadre must manage (covering the service unit): 404 when they cannot see it, 403
/// `OUTSIDE_REGION` when it serves a unit above theirs.
pub async fn managed_mentor(
    db: &impl ConnectionTrait,
    cadre: &CadreScope,
    id: Uuid,
) -> ApiResult<mentor_profiles::Model> {
    match visible_mentor(db, cadre, id).await? {
        (m, Reach::Manage) => Ok(m),
        _ => Err(ApiError::forbidden_region()),
    }
}

/// The mentor profile of a user, if any.
pub async fn profile_of(
    db: &impl ConnectionTrait,
    user_id: Uuid,
) -> ApiResult<Option<mentor_profiles::Model>> {
    Ok(mentor_profiles::Entity::find()
        .filter(mentor_profiles::Column::UserId.eq(user_id))
        .one(db)
        .await?)
}

/// The bound phone of users, decrypted (for the parties of a pairing) — look-ups by id.
pub async fn phones(
    db: &impl ConnectionTrait,
    cipher: &DataCipher,
    ids: &[Uuid],
) -> ApiResult<HashMap<Uuid, String>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = users::Entity::find()
        .filter(users::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|u| {
            let enc = u.phone_enc?;
            cipher.decrypt(&enc).ok().map(|p| (u.id, p))
        })
        .collect())
}

/// Masked form of a phone (138****1234).
pub fn masked(phone: Option<&String>) -> Option<String> {
    phone.map(|p| mask_phone(p))
}
