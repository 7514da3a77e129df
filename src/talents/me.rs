//! The youth's own profile: read, create or edit, withdraw.
use actix_web::{HttpResponse, delete, get, put, web};
use chrono::Utc;
use entity::talent_consents::{self, ConsentAction};
use entity::talent_profiles::{self, TalentStatus};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set,
};
use uuid::Uuid;

use super::dto::{MyTalentProfileView, TalentProfileRequest};
use super::id_conflicts;
use super::queries::{my_view, profile_of_user};
use super::rules::{self, CONSENT_VERSION, IdNumber, KeyFields, ProfileInput};
use super::state::{self, ProfileAction};
use crate::app_state::AppState;
use crate::auth::CurrentUser;
use crate::choices;
use crate::error::{ApiError, ApiResult, ErrorEnvelope};
use crate::input::Json;
use crate::time::today_in_china;
use crate::workflow::transition::record_creation;
use crate::workflow::{Actor, Subject, Transition, events};

/// The caller's talent profile, with its review status and, when rejected, the reason; its
/// timeline and the next step.
#[utoipa::path(
    tag = "talents",
    operation_id = "get_my_talent_profile",
    security(("bearer" = [])),
    responses(
        (status = 200, body = MyTalentProfileView),
        (status = 403, body = ErrorEnvelope, description = "YOUTH_ONLY"),
        (status = 404, body = ErrorEnvelope, description = "No profile yet")
    )
)]
#[get("/me/talent-profile")]
#[tracing::instrument(skip(state, user), fields(user_id = %user.id()))]
pub async fn get_my_talent_profile(
    state: web::Data<AppState>,
    user: CurrentUser,
) -> ApiResult<web::Json<MyTalentProfileView>> {
    user.require_youth()?;
    let p = profile_of_user(&state.db, user.id())
        .await?
        .ok_or_else(|| ApiError::not_found("人才库登记信息"))?;
    Ok(web::Json(my_view(&state.db, &state.cipher, p).await?))
}

/// Encrypted value and blind index of one sensitive value.
struct Sealed {
    enc: String,
    index: String,
}

fn seal(state: &AppState, kind: &str, value: &str) -> Sealed {
    Sealed {
        enc: state.cipher.encrypt(value),
        index: state.cipher.blind_index(kind, value),
    }
}

/// The ID number to store: the submitted one, else the one already stored (checked against the
/// possibly changed birth date and gender).
fn sealed_id(
    state: &AppState,
    input: &ProfileInput,
    existing: Option<&talent_profiles::Model>,
) -> ApiResult<Sealed> {
    if let Some(id) = &input.id_number {
        return Ok(seal(state, "id_number", id.as_str()));
    }
    let Some(p) = existing else {
        return Err(ApiError::field("idNumber", "REQUIRED", "请填写身份证号"));
    };
    let stored = state
        .cipher
        .decrypt(&p.id_number_enc)
        .map_err(|e| ApiError::Unexpected(e.into()))?;
    if let Ok(id) = IdNumber::parse(&stored) {
        let problems = rules::id_matches(&id, input.date_of_birth, input.gender);
        if !problems.is_empty() {
            return Err(ApiError::Validation(problems));
        }
    }
    Ok(Sealed {
        enc: p.id_number_enc.clone(),
        index: p.id_number_index.clone(),
    })
}

/// The phone to store: the submitted one, else the profile's, else the WeChat-bound one.
fn sealed_phone(
    state: &AppState,
    user: &CurrentUser,
    input: &ProfileInput,
    existing: Option<&talent_profiles::Model>,
) -> ApiResult<Sealed> {
    if let Some(phone) = &input.phone {
        return Ok(seal(state, "phone", phone));
    }
    if let Some(p) = existing {
        return Ok(Sealed {
            enc: p.phone_enc.clone(),
            index: p.phone_index.clone(),
        });
    }
    let bound = user
        .user
        .phone_enc
        .as_deref()
        .and_then(|enc| state.cipher.decrypt(enc).ok());
    match bound {
        Some(phone) => Ok(seal(state, "phone", &phone)),
        None => Err(ApiError::field(
            "phone",
            "REQUIRED",
            "请填写手机号码（当前微信账号未绑定手机号）",
        )),
    }
}

fn json_codes<T: Copy>(items: &[T], code: fn(T) -> &'static str) -> String {
    serde_json::to_string(&items.iter().map(|i| code(*i)).collect::<Vec<_>>())
        .unwrap_or_else(|_| "[]".into())
}

/// A unique index refused the write: the only one a save can hit is the ID number's.
fn is_unique_violation(e: &ApiError) -> bool {
    matches!(e, ApiError::Conflict("DUPLICATE", _))
}

async fn log_consent(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    action: ConsentAction,
    version: &str,
) -> Result<(), DbErr> {
    talent_consents::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(user_id),
        action: Set(action),
        version: Set(version.into()),
        created_at: Set(Utc::now()),
    }
    .insert(db)
    .await
    .map(|_| ())
}

/// Create or edit the caller's talent profile.
///
/// A new profile starts `pending`. Editing a `rejected` profile resubmits it (`pending`); editing
/// a key field of a `verified` profile (name, gender, birth date, ID number, home region,
/// education, categories, business, political status) sends it back to `pending`, other fields
/// keep it verified. Requires the separate consent to process sensitive personal information.
/// Safe to repeat: the same request again changes nothing but the revision.
#[utoipa::path(
    tag = "talents",
    operation_id = "save_my_talent_profile",
    security(("bearer" = [])),
    request_body = TalentProfileRequest,
    responses(
        (status = 200, body = MyTalentProfileView, description = "Updated"),
        (status = 201, body = MyTalentProfileView, description = "Created"),
        (status = 403, body = ErrorEnvelope, description = "YOUTH_ONLY"),
        (status = 409, body = ErrorEnvelope, description = "ID_NUMBER_TAKEN: another account registered this ID number (recorded for the province); CONCURRENT_EDIT"),
        (status = 422, body = ErrorEnvelope, description = "Field codes: REQUIRED, LENGTH, FORMAT, INVALID_VALUE, ID_CHECKSUM, ID_BIRTH_MISMATCH, ID_GENDER_MISMATCH, AGE_RANGE, LEVEL, UNKNOWN_REGION, CONSENT_REQUIRED, CONSENT_OUTDATED"),
        (status = 429, body = ErrorEnvelope, description = "ID_NUMBER_CHECKS_EXHAUSTED: too many ID-number conflicts today (retryable, Retry-After until midnight China time)")
    )
)]
#[put("/me/talent-profile")]
#[tracing::instrument(skip(state, user, body), fields(user_id = %user.id()))]
pub async fn save_my_talent_profile(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: Json<TalentProfileRequest>,
) -> ApiResult<HttpResponse> {
    user.require_youth()?;
    let settings = &state.settings;
    let input = rules::parse_profile(
        &body,
        today_in_china(Utc::now()),
        (settings.talent_min_age, settings.talent_max_age),
    )
    .map_err(ApiError::Validation)?;
    crate::regions::queries::require(&state.db, &input.home_region_code, "homeRegionCode").await?;

    // Optimistic concurrency: read, decide, write only if nobody (another save, a review) wrote
    // in between; on a lost race read again.
    for _ in 0..3 {
        let existing = profile_of_user(&state.db, user.id()).await?;
        let id = sealed_id(&state, &input, existing.as_ref())?;
        let phone = sealed_phone(&state, &user, &input, existing.as_ref())?;
        let new_number = existing
            .as_ref()
            .is_none_or(|p| p.id_number_index != id.index);
        if new_number {
            id_conflicts::ensure_checks_left(&state, user.id()).await?;
        }
        let holder = talent_profiles::Entity::find()
            .filter(talent_profiles::Column::IdNumberIndex.eq(&id.index))
            .filter(talent_profiles::Column::UserId.ne(user.id()))
            .one(&state.db)
            .await?;
        if let Some(holder) = holder {
            return Err(id_conflicts::conflict(
                &state,
                user.id(),
                &input.home_region_code,
                &holder,
            )
            .await?);
        }
        let outcome = match existing {
            None => create(&state, user.id(), &input, id, phone).await?,
            Some(p) => update(&state, p, &input, id, phone).await?,
        };
        if let Some((created, profile)) = outcome {
            let view = my_view(&state.db, &state.cipher, profile).await?;
            return Ok(if created {
                HttpResponse::Created().json(view)
            } else {
                HttpResponse::Ok().json(view)
            });
        }
    }
    Err(ApiError::Conflict(
        "CONCURRENT_EDIT",
        "资料正在被同时修改，请刷新后重试".into(),
    ))
}

/// Insert a new profile with its consent record; `None` when a concurrent request won a unique
/// key (the loop then reads again and decides between update and `ID_NUMBER_TAKEN`).
async fn create(
    state: &AppState,
    user_id: Uuid,
    input: &ProfileInput,
    id: Sealed,
    phone: Sealed,
) -> ApiResult<Option<(bool, talent_profiles::Model)>> {
    let now = Utc::now();
    let (business_name, business_type) = match &input.business {
        Some((name, kind)) => (Some(name.clone()), Some(*kind)),
        None => (None, None),
    };
    let actor = Actor::youth(user_id);
    let status = state::on_create(actor.kind).map_err(|_| ApiError::unauthenticated())?;
    let txn = crate::db::begin(&state.db).await?;
    let inserted = talent_profiles::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(user_id),
        real_name: Set(input.real_name.clone()),
        gender: Set(input.gender),
        date_of_birth: Set(input.date_of_birth),
        phone_enc: Set(phone.enc),
        phone_index: Set(phone.index),
        id_number_enc: Set(id.enc),
        id_number_index: Set(id.index),
        home_region_code: Set(input.home_region_code.clone()),
        education: Set(input.education),
        industries: Set(json_codes(&input.industries, |i| i.as_str())),
        categories: Set(json_codes(&input.categories, |c| c.as_str())),
        business_name: Set(business_name),
        business_type: Set(business_type),
        political_status: Set(input.political_status),
        skills: Set(crate::choices::json_text(&input.skills)),
        introduction: Set(input.introduction.clone()),
        status: Set(status),
        version: Set(1),
        review_reason: Set(None),
        reviewed_by: Set(None),
        reviewed_at: Set(None),
        consent_version: Set(CONSENT_VERSION.into()),
        consent_at: Set(now),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await;
    let profile = match inserted.map_err(ApiError::from) {
        Ok(p) => p,
        Err(e) if is_unique_violation(&e) => return Ok(None),
        Err(e) => return Err(e),
    };
    // No payload: the body holds the ID number and phone, which stay encrypted.
    record_creation(&txn, &profile, ProfileAction::Create, &actor, None, None).await?;
    log_consent(&txn, user_id, ConsentAction::Granted, CONSENT_VERSION).await?;
    txn.commit().await?;
    Ok(Some((true, profile)))
}

async fn update(
    state: &AppState,
    old: talent_profiles::Model,
    input: &ProfileInput,
    id: Sealed,
    phone: Sealed,
) -> ApiResult<Option<(bool, talent_profiles::Model)>> {
    use talent_profiles::Column as C;
    let now = Utc::now();
    let categories = json_codes(&input.categories, |c| c.as_str());
    let (business_name, business_type) = match &input.business {
        Some((name, kind)) => (Some(name.clone()), Some(*kind)),
        None => (None, None),
    };
    let before = KeyFields {
        real_name: &old.real_name,
        gender: old.gender,
        date_of_birth: old.date_of_birth,
        id_number_index: &old.id_number_index,
        home_region_code: &old.home_region_code,
        education: old.education,
        categories: &old.categories,
        business_name: old.business_name.as_deref(),
        business_type: old.business_type,
        political_status: old.political_status,
    };
    let after = KeyFields {
        real_name: &input.real_name,
        gender: input.gender,
        date_of_birth: input.date_of_birth,
        id_number_index: &id.index,
        home_region_code: &input.home_region_code,
        education: input.education,
        categories: &categories,
        business_name: business_name.as_deref(),
        business_type,
        political_status: input.political_status,
    };
    let industries = json_codes(&input.industries, |i| i.as_str());
    let skills = crate::choices::json_text(&input.skills);
    let new_consent = old.consent_version != CONSENT_VERSION;
    // A repeat of the same submission (a retry) writes nothing, so it cannot invalidate a review
    // in progress.
    if before == after
        && phone.index == old.phone_index
        && industries == old.industries
        && skills == old.skills
        && input.introduction == old.introduction
        && !new_consent
        && old.status != TalentStatus::Rejected
    {
        return Ok(Some((false, old)));
    }
    let action = state::save_action(old.status, before != after);
    let actor = Actor::youth(old.user_id);

    let txn = crate::db::begin(&state.db).await?;
    let mut change = Transition::new(&old, action, &actor)
        // The version this save was decided on: a concurrent save or review makes it miss, and
        // the caller reads again.
        .seen(Some(old.version))
        .set(C::RealName, Expr::value(input.real_name.clone()))
        .set(C::Gender, Expr::value(choices::code(input.gender)))
        .set(C::DateOfBirth, Expr::value(input.date_of_birth))
        .set(C::PhoneEnc, Expr::value(phone.enc))
        .set(C::PhoneIndex, Expr::value(phone.index))
        .set(C::IdNumberEnc, Expr::value(id.enc))
        .set(C::IdNumberIndex, Expr::value(id.index.clone()))
        .set(
            C::HomeRegionCode,
            Expr::value(input.home_region_code.clone()),
        )
        .set(C::Education, Expr::value(choices::code(input.education)))
        .set(C::Industries, Expr::value(industries))
        .set(C::Categories, Expr::value(categories.clone()))
        .set(C::BusinessName, Expr::value(business_name.clone()))
        .set(
            C::BusinessType,
            Expr::value(business_type.map(choices::code)),
        )
        .set(
            C::PoliticalStatus,
            Expr::value(choices::code(input.political_status)),
        )
        .set(C::Skills, Expr::value(skills))
        .set(C::Introduction, Expr::value(input.introduction.clone()))
        .set(C::UpdatedAt, Expr::value(now));
    if action == ProfileAction::Save {
        // Back to review: the last review no longer applies.
        change = change
            .set(C::ReviewReason, Expr::value(Option::<String>::None))
            .set(C::ReviewedBy, Expr::value(Option::<Uuid>::None))
            .set(
                C::ReviewedAt,
                Expr::value(Option::<chrono::DateTime<Utc>>::None),
            );
    }
    if new_consent {
        change = change
            .set(C::ConsentVersion, Expr::value(CONSENT_VERSION))
            .set(C::ConsentAt, Expr::value(now));
    }
    // No payload: the body holds the ID number and phone, which stay encrypted.
    let profile = match change.attempt(&txn).await {
        Ok(Some((profile, _))) => profile,
        Ok(None) => return Ok(None),
        // A concurrent save took the number: read again, and the holder check answers.
        Err(e) if is_unique_violation(&e) => return Ok(None),
        Err(e) => return Err(e),
    };
    if new_consent {
        log_consent(&txn, old.user_id, ConsentAction::Granted, CONSENT_VERSION).await?;
    }
    txn.commit().await?;
    Ok(Some((false, profile)))
}

/// Withdraw consent and leave the talent pool.
///
/// The profile row — and with it every piece of personal data (name, ID number, phone, birth
/// date, business, introduction) — is deleted, so the ID number can be registered again. What
/// stays: the consent log (user id, version, times), the reveal log (who looked, when, why; no
/// personal values), the profile's timeline (who acted and when; reasons and the youth's own id
/// cleared) and other domains' records, which refer to the user id only. Counts of verified
/// talents drop by one, consistently with the pool.
#[utoipa::path(
    tag = "talents",
    operation_id = "delete_my_talent_profile",
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Profile deleted, consent withdrawn"),
        (status = 403, body = ErrorEnvelope, description = "YOUTH_ONLY"),
        (status = 404, body = ErrorEnvelope, description = "No profile"),
        (status = 409, body = ErrorEnvelope, description = "TALENT_PROFILE_IN_USE: an open loan application or an outstanding loan; an open mentorship request or an active pairing as mentee; a 青年先锋 nomination before named")
    )
)]
#[delete("/me/talent-profile")]
#[tracing::instrument(skip(state, user), fields(user_id = %user.id()))]
pub async fn delete_my_talent_profile(
    state: web::Data<AppState>,
    user: CurrentUser,
) -> ApiResult<HttpResponse> {
    user.require_youth()?;
    let txn = crate::db::begin(&state.db).await?;
    // The transaction's first statement writes (the mentee counter row a mentorship request
    // also takes first): on SQLite a transaction that read first cannot take the write lock
    // while a request holds it and fails at once instead of waiting its turn.
    crate::mentoring::lifecycle::lock_counter(&txn, user.id()).await?;
    let profile = profile_of_user(&txn, user.id())
        .await?
        .ok_or_else(|| ApiError::not_found("人才库登记信息"))?;
    if crate::loans::eligibility::needs_talent_profile(&txn, user.id()).await? {
        return Err(ApiError::Conflict(
            "TALENT_PROFILE_IN_USE",
            "您有办理中的贷款申请或未结清的贷款，暂不能删除人才库登记信息".into(),
        ));
    }
    if crate::mentoring::lifecycle::needs_talent_profile(&txn, user.id()).await? {
        return Err(ApiError::Conflict(
            "TALENT_PROFILE_IN_USE",
            "您有进行中的创业导师申请或结对帮带，暂不能删除人才库登记信息".into(),
        ));
    }
    if crate::pioneers::profile_use::needs_talent_profile(&txn, user.id()).await? {
        return Err(ApiError::Conflict(
            "TALENT_PROFILE_IN_USE",
            "您有评选中的青年先锋推荐，暂不能删除人才库登记信息".into(),
        ));
    }
    let deleted = talent_profiles::Entity::delete_many()
        .filter(talent_profiles::Column::Id.eq(profile.id))
        .exec(&txn)
        .await?;
    if deleted.rows_affected == 0 {
        // A concurrent withdrawal won; the outcome is the same.
        return Err(ApiError::not_found("人才库登记信息"));
    }
    log_consent(
        &txn,
        user.id(),
        ConsentAction::Withdrawn,
        &profile.consent_version,
    )
    .await?;
    // The profile's history keeps who reviewed it and when, without any personal text.
    events::anonymise(
        &txn,
        talent_profiles::Model::EVENTS,
        profile.id,
        Some(user.id()),
    )
    .await?;
    txn.commit().await?;
    Ok(HttpResponse::NoContent().finish())
}
