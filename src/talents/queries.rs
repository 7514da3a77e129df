use std::collections::HashMap;

use entity::{regions, talent_profiles};
use sea_orm::sea_query::{Condition, LikeExpr};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect};
use uuid::Uuid;

use super::choices::{Industry, TalentCategory, TalentStatus};
use super::dto::{BusinessView, MyTalentProfileView, TalentDetailView, TalentFilter, TalentView};
use super::state;
use crate::auth::identity::CadreScope;
use crate::crypto::{DataCipher, mask_id_number, mask_name, mask_phone};
use crate::error::{ApiError, ApiResult, FieldError};
use crate::time::to_china;
use crate::validation::normalize_mainland_mobile;
use crate::workflow::timeline::{Audience, timeline};
use crate::workflow::{Subject, units};

/// The mini-program page of the youth's own profile (notification links).
pub const PROFILE_PAGE: &str = "pages/talent/profile";

/// 409 `TALENT_PROFILE_REQUIRED`: the one answer of every domain that needs a talent profile
/// first (conventions §13; trainings used to answer `PROFILE_REQUIRED`, now retired).
pub fn profile_required() -> ApiError {
    ApiError::Conflict("TALENT_PROFILE_REQUIRED", "请先登记青年人才信息".into())
}

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

/// The home region of a youth, or `None` when they have no talent profile (never registered, or
/// withdrew their consent and so their profile).
pub async fn home_region_of(
    db: &impl ConnectionTrait,
    user_id: Uuid,
) -> ApiResult<Option<HomeRegion>> {
    Ok(talent_profiles::Entity::find()
        .filter(talent_profiles::Column::UserId.eq(user_id))
        .one(db)
        .await?
        .map(|p| HomeRegion {
            verified: p.status == TalentStatus::Verified,
            region_code: p.home_region_code,
            real_name: p.real_name,
        }))
}

/// Masked real names (`张**`) of the given users who have a talent profile: the one query every
/// domain uses to show people to others (rosters, leaderboards, logs).
pub async fn masked_names(
    db: &impl ConnectionTrait,
    users: &[Uuid],
) -> Result<HashMap<Uuid, String>, DbErr> {
    let mut names = HashMap::with_capacity(users.len());
    // Bound parameters per statement are limited (SQLite 32,766; PostgreSQL 65,535).
    for chunk in users.chunks(10_000) {
        let rows: Vec<(Uuid, String)> = talent_profiles::Entity::find()
            .select_only()
            .column(talent_profiles::Column::UserId)
            .column(talent_profiles::Column::RealName)
            .filter(talent_profiles::Column::UserId.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(db)
            .await?;
        names.extend(rows.into_iter().map(|(u, n)| (u, mask_name(&n))));
    }
    Ok(names)
}

pub async fn profile_of_user(
    db: &impl ConnectionTrait,
    user_id: Uuid,
) -> ApiResult<Option<talent_profiles::Model>> {
    Ok(talent_profiles::Entity::find()
        .filter(talent_profiles::Column::UserId.eq(user_id))
        .one(db)
        .await?)
}

/// A profile by id, as a cadre may see it: outside their region it does not exist.
pub async fn visible_profile(
    db: &impl ConnectionTrait,
    cadre: &CadreScope,
    id: Uuid,
) -> ApiResult<talent_profiles::Model> {
    let profile = talent_profiles::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("人才信息"))?;
    cadre.ensure_visible(&profile.home_region_code, "人才信息")?;
    Ok(profile)
}

/// Names of the given region codes.
pub async fn region_names(
    db: &impl ConnectionTrait,
    codes: impl IntoIterator<Item = String>,
) -> ApiResult<HashMap<String, String>> {
    let mut codes: Vec<String> = codes.into_iter().collect();
    codes.sort();
    codes.dedup();
    if codes.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(regions::Entity::find()
        .filter(regions::Column::Code.is_in(codes))
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.code, r.name))
        .collect())
}

/// A stored JSON array read back. A value that does not parse is an error (logged, 500), never
/// silently dropped.
pub fn json_list<T: serde::de::DeserializeOwned>(column: &str, stored: &str) -> ApiResult<Vec<T>> {
    serde_json::from_str(stored).map_err(|e| {
        ApiError::Unexpected(anyhow::Error::new(e).context(format!("talent_profiles.{column}")))
    })
}

fn masked(cipher: &DataCipher, stored: &str, mask: fn(&str) -> String) -> String {
    cipher
        .decrypt(stored)
        .map(|v| mask(&v))
        .unwrap_or_else(|_| "***".into())
}

pub fn to_view(
    cipher: &DataCipher,
    p: talent_profiles::Model,
    region_name: String,
) -> ApiResult<TalentView> {
    Ok(TalentView {
        id: p.id,
        user_id: p.user_id,
        phone: masked(cipher, &p.phone_enc, mask_phone),
        id_number: masked(cipher, &p.id_number_enc, mask_id_number),
        gender: p.gender,
        date_of_birth: p.date_of_birth,
        home_region_name: region_name,
        education: p.education,
        industries: json_list("industries", &p.industries)?,
        categories: json_list("categories", &p.categories)?,
        business: match (p.business_name, p.business_type) {
            (Some(name), Some(kind)) => Some(BusinessView { name, kind }),
            _ => None,
        },
        political_status: p.political_status,
        skills: json_list("skills", &p.skills)?,
        introduction: p.introduction,
        status: p.status,
        review_reason: p.review_reason,
        reviewed_at: p.reviewed_at.map(to_china),
        version: p.version,
        consent_version: p.consent_version,
        consent_at: to_china(p.consent_at),
        created_at: to_china(p.created_at),
        updated_at: to_china(p.updated_at),
        real_name: p.real_name,
        home_region_code: p.home_region_code,
    })
}

/// Views of several profiles with their region names, in the given order.
pub async fn to_views(
    db: &impl ConnectionTrait,
    cipher: &DataCipher,
    profiles: Vec<talent_profiles::Model>,
) -> ApiResult<Vec<TalentView>> {
    let names = region_names(db, profiles.iter().map(|p| p.home_region_code.clone())).await?;
    profiles
        .into_iter()
        .map(|p| {
            let name = names.get(&p.home_region_code).cloned().unwrap_or_default();
            to_view(cipher, p, name)
        })
        .collect()
}

/// One profile with its region name.
pub async fn view_of(
    db: &impl ConnectionTrait,
    cipher: &DataCipher,
    p: talent_profiles::Model,
) -> ApiResult<TalentView> {
    let names = region_names(db, [p.home_region_code.clone()]).await?;
    let name = names.get(&p.home_region_code).cloned().unwrap_or_default();
    to_view(cipher, p, name)
}

/// A profile as a cadre sees it by id: with the timeline, staff names and notes included.
pub async fn detail(
    db: &impl ConnectionTrait,
    cipher: &DataCipher,
    p: talent_profiles::Model,
) -> ApiResult<TalentDetailView> {
    let timeline = timeline(
        db,
        talent_profiles::Model::EVENTS,
        p.id,
        Some(p.user_id),
        Audience::Staff,
    )
    .await?;
    Ok(TalentDetailView {
        profile: view_of(db, cipher, p).await?,
        timeline,
    })
}

/// The youth's own profile: reviewers shown as their league unit, and the next step.
pub async fn my_view(
    db: &impl ConnectionTrait,
    cipher: &DataCipher,
    p: talent_profiles::Model,
) -> ApiResult<MyTalentProfileView> {
    let timeline = timeline(
        db,
        talent_profiles::Model::EVENTS,
        p.id,
        Some(p.user_id),
        Audience::Person,
    )
    .await?;
    let local_unit = units::local_unit_short_name(db, &p.home_region_code).await?;
    Ok(MyTalentProfileView {
        next_step: state::next_step(p.status, &local_unit),
        profile: view_of(db, cipher, p).await?,
        timeline,
    })
}

/// `LIKE` pattern matching `needle` literally anywhere (`%`, `_` and `\` escaped).
pub fn contains_pattern(needle: &str) -> LikeExpr {
    let escaped: String = needle
        .chars()
        .flat_map(|c| match c {
            '%' | '_' | '\\' => vec!['\\', c],
            c => vec![c],
        })
        .collect();
    LikeExpr::new(format!("%{escaped}%")).escape('\\')
}

/// The SQL condition of a cadre's list or export: always inside the cadre's region, narrowed by
/// the filters. A region filter outside the cadre's own is refused (403), bad values are 422.
pub async fn scope_condition(
    db: &impl ConnectionTrait,
    cipher: &DataCipher,
    cadre: &CadreScope,
    filter: &TalentFilter,
) -> ApiResult<Condition> {
    use talent_profiles::Column as C;
    let mut errors = Vec::new();
    let scope = cadre
        .filter_scope(db, filter.region.as_deref(), "region")
        .await?;
    let mut cond = Condition::all().add(scope.condition(C::HomeRegionCode));
    if let Some(v) = filter.industry.as_deref().filter(|v| !v.is_empty()) {
        match Industry::parse(v) {
            Some(i) => {
                cond =
                    cond.add(C::Industries.like(contains_pattern(&format!("\"{}\"", i.as_str()))))
            }
            None => errors.push(FieldError::new(
                "industry",
                "INVALID_VALUE",
                "从事产业不在可选范围内",
            )),
        }
    }
    if let Some(v) = filter.category.as_deref().filter(|v| !v.is_empty()) {
        match TalentCategory::parse(v) {
            Some(c) => {
                cond =
                    cond.add(C::Categories.like(contains_pattern(&format!("\"{}\"", c.as_str()))))
            }
            None => errors.push(FieldError::new(
                "category",
                "INVALID_VALUE",
                "人才类别不在可选范围内",
            )),
        }
    }
    if let Some(v) = filter.status.as_deref().filter(|v| !v.is_empty()) {
        match crate::choices::parse::<TalentStatus>(v) {
            Some(s) => cond = cond.add(C::Status.eq(s)),
            None => errors.push(FieldError::new(
                "status",
                "INVALID_VALUE",
                "审核状态不在可选范围内",
            )),
        }
    }
    if let Some(k) = filter
        .keyword
        .as_deref()
        .map(str::trim)
        .filter(|k| !k.is_empty())
    {
        if k.chars().count() > 20 {
            errors.push(FieldError::new(
                "keyword",
                "LENGTH",
                "姓名关键词不超过20个字",
            ));
        } else {
            cond = cond.add(C::RealName.like(contains_pattern(k)));
        }
    }
    if let Some(p) = filter
        .phone
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        match normalize_mainland_mobile(p) {
            Some(phone) => cond = cond.add(C::PhoneIndex.eq(cipher.blind_index("phone", &phone))),
            None => errors.push(FieldError::new(
                "phone",
                "FORMAT",
                "请填写11位中国大陆手机号码",
            )),
        }
    }
    if errors.is_empty() {
        Ok(cond)
    } else {
        Err(ApiError::Validation(errors))
    }
}
