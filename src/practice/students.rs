//! The student's own 返家乡 profile: read, save (which makes the user a student), delete.
use actix_web::{HttpResponse, delete, get, put, web};
use chrono::{Datelike, Utc};
use entity::student_profiles::{self, Column as P};
use entity::users;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use super::dto::{StudentProfileRequest, StudentProfileView};
use super::rules::{FIRST_ENROLLMENT_YEAR, PROFILE_CONSENT, STUDENT_MAX_AGE, STUDENT_MIN_AGE};
use crate::app_state::AppState;
use crate::auth::CurrentUser;
use crate::choices::Labelled;
use crate::crypto::{mask_id_number, mask_phone};
use crate::error::{ApiError, ApiResult, ErrorEnvelope, FieldError};
use crate::input::Json;
use crate::regions::{RegionCode, RegionLevel};
use crate::talents::rules::{IdNumber, IdProblem, age_on, id_matches};
use crate::time::{to_china, today_in_china};
use crate::validation::normalize_mainland_mobile;

pub async fn profile_of(
    db: &impl ConnectionTrait,
    user_id: Uuid,
) -> ApiResult<Option<student_profiles::Model>> {
    Ok(student_profiles::Entity::find()
        .filter(P::UserId.eq(user_id))
        .one(db)
        .await?)
}

fn view(state: &AppState, p: student_profiles::Model) -> StudentProfileView {
    let reveal = |enc: &Option<String>| enc.as_deref().and_then(|e| state.cipher.decrypt(e).ok());
    StudentProfileView {
        id: p.id,
        home_unit_code: state
            .league
            .owner(&p.home_region_code)
            .map(|u| u.code.clone()),
        emergency_contact_phone: reveal(&p.emergency_contact_phone_enc).map(|v| mask_phone(&v)),
        id_number: reveal(&p.id_number_enc).map(|v| mask_id_number(&v)),
        degree_level_label: p.degree_level.label().to_owned(),
        real_name: p.real_name,
        gender: p.gender,
        date_of_birth: p.date_of_birth,
        school_name: p.school_name,
        school_province: p.school_province,
        major: p.major,
        degree_level: p.degree_level,
        enrollment_year: p.enrollment_year,
        expected_graduation: p.expected_graduation,
        home_region_code: p.home_region_code,
        student_number: p.student_number,
        emergency_contact_name: p.emergency_contact_name,
        verified: p.verified,
        consent_version: p.consent_version,
        version: p.version,
        updated_at: to_china(p.updated_at),
    }
}

fn student_only(user: &CurrentUser) -> ApiResult<()> {
    if user.is_youth() {
        Ok(())
    } else {
        Err(ApiError::Forbidden(
            "YOUTH_ONLY",
            "实践档案仅对学生用户开放".into(),
        ))
    }
}

/// The caller's student profile.
#[utoipa::path(
    tag = "practice",
    operation_id = "get_my_student_profile",
    security(("bearer" = [])),
    responses(
        (status = 200, body = StudentProfileView),
        (status = 403, body = ErrorEnvelope, description = "YOUTH_ONLY"),
        (status = 404, body = ErrorEnvelope, description = "No profile yet")
    )
)]
#[get("/me/student-profile")]
pub async fn get_my_student_profile(
    state: web::Data<AppState>,
    user: CurrentUser,
) -> ApiResult<web::Json<StudentProfileView>> {
    student_only(&user)?;
    let p = profile_of(&state.db, user.id())
        .await?
        .ok_or_else(|| ApiError::not_found("实践档案"))?;
    Ok(web::Json(view(&state, p)))
}

/// What a request stores after every check.
struct Checked {
    emergency_phone: Option<String>,
    id_number: Option<IdNumber>,
}

fn check(
    body: &StudentProfileRequest,
    today: chrono::NaiveDate,
) -> Result<Checked, Vec<FieldError>> {
    let mut errors = Vec::new();
    let age = age_on(body.date_of_birth, today);
    if !(STUDENT_MIN_AGE..=STUDENT_MAX_AGE).contains(&age) {
        errors.push(FieldError::new(
            "dateOfBirth",
            "AGE_RANGE",
            format!("年龄应在{STUDENT_MIN_AGE}至{STUDENT_MAX_AGE}周岁之间"),
        ));
    }
    if !(FIRST_ENROLLMENT_YEAR..=today.year()).contains(&body.enrollment_year) {
        errors.push(FieldError::new(
            "enrollmentYear",
            "RANGE",
            format!("入学年份应为{FIRST_ENROLLMENT_YEAR}年至今年"),
        ));
    }
    let graduation = body
        .expected_graduation
        .split_once('-')
        .filter(|(y, m)| y.len() == 4 && m.len() == 2)
        .and_then(|(y, m)| Some((y.parse::<i32>().ok()?, m.parse::<u32>().ok()?)))
        .filter(|(_, m)| (1..=12).contains(m));
    match graduation {
        None => errors.push(FieldError::new(
            "expectedGraduation",
            "FORMAT",
            "预计毕业时间格式应为YYYY-MM",
        )),
        Some((y, _)) if y < body.enrollment_year || y > body.enrollment_year + 12 => {
            errors.push(FieldError::new(
                "expectedGraduation",
                "RANGE",
                "预计毕业时间不能早于入学年份",
            ))
        }
        Some(_) => {}
    }
    match RegionCode::parse(&body.home_region_code) {
        Some(code) if code.level() >= RegionLevel::County => {}
        Some(_) => errors.push(FieldError::new(
            "homeRegionCode",
            "LEVEL",
            "生源地须精确到县（市、区）或以下",
        )),
        None => errors.push(FieldError::new(
            "homeRegionCode",
            "UNKNOWN_REGION",
            "行政区划代码不存在",
        )),
    }
    let emergency_phone = match body.emergency_contact_phone.as_deref() {
        None | Some("") => None,
        Some(p) => match normalize_mainland_mobile(p) {
            Some(p) => Some(p),
            None => {
                errors.push(FieldError::new(
                    "emergencyContactPhone",
                    "FORMAT",
                    "请输入正确的手机号码",
                ));
                None
            }
        },
    };
    if emergency_phone.is_some() != body.emergency_contact_name.is_some() {
        let field = if emergency_phone.is_some() {
            "emergencyContactName"
        } else {
            "emergencyContactPhone"
        };
        if !errors.iter().any(|e| e.field == field) {
            errors.push(FieldError::new(
                field,
                "REQUIRED",
                "紧急联系人姓名和电话须同时填写",
            ));
        }
    }
    let id_number = match body.id_number.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(raw) => match IdNumber::parse(raw) {
            Ok(id) => {
                errors.extend(id_matches(&id, body.date_of_birth, body.gender));
                if !body.id_number_consent {
                    errors.push(FieldError::new(
                        "idNumberConsent",
                        "CONSENT_REQUIRED",
                        "提供身份证号须单独同意其用途",
                    ));
                }
                Some(id)
            }
            Err(p) => {
                let (code, message) = match p {
                    IdProblem::Checksum => ("ID_CHECKSUM", "身份证号校验位不正确，请核对"),
                    _ => ("FORMAT", "身份证号应为18位，最后一位可以是数字或X"),
                };
                errors.push(FieldError::new("idNumber", code, message));
                None
            }
        },
    };
    errors.extend(PROFILE_CONSENT.check("consent", body.consent, &body.consent_version));
    if errors.is_empty() {
        Ok(Checked {
            emergency_phone,
            id_number,
        })
    } else {
        Err(errors)
    }
}

async fn set_student_flag(db: &impl ConnectionTrait, user_id: Uuid, on: bool) -> ApiResult<()> {
    users::Entity::update_many()
        .col_expr(users::Column::IsStudent, Expr::value(on))
        .filter(users::Column::Id.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Create or replace the caller's student profile; saving makes the caller a student. An omitted
/// ID number keeps the stored one; the emergency contact is needed before confirming a placement.
#[utoipa::path(
    tag = "practice",
    operation_id = "save_my_student_profile",
    security(("bearer" = [])),
    request_body = StudentProfileRequest,
    responses(
        (status = 200, body = StudentProfileView, description = "Updated"),
        (status = 201, body = StudentProfileView, description = "Created"),
        (status = 403, body = ErrorEnvelope, description = "YOUTH_ONLY"),
        (status = 422, body = ErrorEnvelope, description = "Field codes: REQUIRED, LENGTH, FORMAT, RANGE, AGE_RANGE, LEVEL, UNKNOWN_REGION, ID_CHECKSUM, ID_BIRTH_MISMATCH, ID_GENDER_MISMATCH, CONSENT_REQUIRED, CONSENT_OUTDATED")
    )
)]
#[put("/me/student-profile")]
pub async fn save_my_student_profile(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: Json<StudentProfileRequest>,
) -> ApiResult<HttpResponse> {
    student_only(&user)?;
    let now = Utc::now();
    let checked = check(&body, today_in_china(now)).map_err(ApiError::Validation)?;
    crate::regions::queries::require(&state.db, &body.home_region_code, "homeRegionCode").await?;
    let b = body.into_inner();
    let cipher = &state.cipher;
    let phone_enc = checked
        .emergency_phone
        .as_deref()
        .map(|p| cipher.encrypt(p));
    let id_sealed = checked.id_number.as_ref().map(|id| {
        (
            cipher.encrypt(id.as_str()),
            cipher.blind_index("id_number", id.as_str()),
        )
    });
    let txn = crate::db::begin(&state.db).await?;
    let existing = profile_of(&txn, user.id()).await?;
    let created = existing.is_none();
    let mut m = match existing {
        Some(p) => {
            let version = p.version;
            let mut m: student_profiles::ActiveModel = p.into();
            m.version = Set(version + 1);
            m
        }
        None => student_profiles::ActiveModel {
            id: Set(Uuid::now_v7()),
            user_id: Set(user.id()),
            verified: Set(false),
            version: Set(1),
            anonymised_at: Set(None),
            id_number_enc: Set(None),
            id_number_index: Set(None),
            id_number_consent_at: Set(None),
            created_at: Set(now),
            ..Default::default()
        },
    };
    m.real_name = Set(b.real_name.trim().to_owned());
    m.gender = Set(b.gender);
    m.date_of_birth = Set(b.date_of_birth);
    m.school_name = Set(b.school_name.trim().to_owned());
    m.school_province = Set(b.school_province.trim().to_owned());
    m.major = Set(b.major.trim().to_owned());
    m.degree_level = Set(b.degree_level);
    m.enrollment_year = Set(b.enrollment_year);
    m.expected_graduation = Set(b.expected_graduation);
    m.home_region_code = Set(b.home_region_code);
    m.student_number = Set(b.student_number.filter(|s| !s.trim().is_empty()));
    m.emergency_contact_name = Set(b.emergency_contact_name);
    m.emergency_contact_phone_enc = Set(phone_enc);
    if let Some((enc, index)) = id_sealed {
        m.id_number_enc = Set(Some(enc));
        m.id_number_index = Set(Some(index));
        m.id_number_consent_at = Set(Some(now));
    }
    m.consent_version = Set(b.consent_version);
    m.consent_at = Set(now);
    m.updated_at = Set(now);
    let saved = if created {
        m.insert(&txn).await?
    } else {
        m.update(&txn).await?
    };
    set_student_flag(&txn, user.id(), true).await?;
    txn.commit().await?;
    let v = view(&state, saved);
    Ok(if created {
        HttpResponse::Created().json(v)
    } else {
        HttpResponse::Ok().json(v)
    })
}

/// Delete the caller's student profile (and the student role).
#[utoipa::path(
    tag = "practice",
    operation_id = "delete_my_student_profile",
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, body = ErrorEnvelope, description = "YOUTH_ONLY"),
        (status = 404, body = ErrorEnvelope, description = "No profile"),
        (status = 409, body = ErrorEnvelope, description = "PLACEMENT_OPEN")
    )
)]
#[delete("/me/student-profile")]
pub async fn delete_my_student_profile(
    state: web::Data<AppState>,
    user: CurrentUser,
) -> ApiResult<HttpResponse> {
    student_only(&user)?;
    let txn = crate::db::begin(&state.db).await?;
    let p = profile_of(&txn, user.id())
        .await?
        .ok_or_else(|| ApiError::not_found("实践档案"))?;
    // Hosts and cadres act on the profile while an application or placement is open.
    use entity::practice_applications::{self, ApplicationStatus as S, Column as A};
    let open = practice_applications::Entity::find()
        .filter(A::StudentUserId.eq(user.id()))
        .filter(A::Status.is_in([
            S::Submitted,
            S::Offered,
            S::Confirmed,
            S::OnDuty,
            S::Completed,
        ]))
        .one(&txn)
        .await?;
    if open.is_some() {
        return Err(ApiError::Conflict(
            "PLACEMENT_OPEN",
            "您有进行中的实践报名或岗位，暂不能删除实践档案".into(),
        ));
    }
    student_profiles::Entity::delete_by_id(p.id)
        .exec(&txn)
        .await?;
    set_student_flag(&txn, user.id(), false).await?;
    txn.commit().await?;
    Ok(HttpResponse::NoContent().finish())
}
