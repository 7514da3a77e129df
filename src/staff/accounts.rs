use actix_web::{HttpResponse, get, post, web};
use chrono::Utc;
use entity::{banks, users};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, ExprTrait, PaginatorTrait,
    QueryFilter, QueryOrder, Set,
};
use uuid::Uuid;

use super::dto::{CreateStaffRequest, StaffRole, StaffView};
use crate::app_state::AppState;
use crate::auth::{Cadre, CadreLevel};
use crate::crypto::hash_password;
use crate::error::{ApiError, ApiResult, ErrorEnvelope};
use crate::input::Json;
use crate::pagination::{Page, PageQuery};
use crate::regions::{self, RegionLevel};

/// A staff account to create, already checked.
pub struct NewStaff {
    pub username: String,
    pub password: String,
    pub display_name: String,
    pub role: StaffRole,
    pub region_code: Option<String>,
    pub bank_id: Option<Uuid>,
}

fn valid_username(u: &str) -> bool {
    (3..=32).contains(&u.len())
        && u.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.')
}

/// Create a cadre or bank-officer account (used by the API and by `jiqing create-admin`).
pub async fn create_account(db: &impl ConnectionTrait, new: NewStaff) -> ApiResult<users::Model> {
    let username = new.username.trim().to_lowercase();
    if !valid_username(&username) {
        return Err(ApiError::field(
            "username",
            "FORMAT",
            "用户名只能包含字母、数字、下划线和点，长度3至32",
        ));
    }
    if new.password.chars().count() < 10 {
        return Err(ApiError::field("password", "LENGTH", "密码至少10个字符"));
    }
    let (staff_role, cadre_level, region_code, bank_id) = match new.role {
        StaffRole::Cadre => {
            let code = new.region_code.as_deref().ok_or_else(|| {
                ApiError::field("regionCode", "REQUIRED", "团干部须指定所属行政区划")
            })?;
            let region = regions::queries::require(db, code, "regionCode").await?;
            let level = match RegionLevel::parse(&region.level) {
                Some(RegionLevel::Province) => CadreLevel::Province,
                Some(RegionLevel::City) => CadreLevel::City,
                Some(RegionLevel::County) => CadreLevel::County,
                _ => {
                    return Err(ApiError::field(
                        "regionCode",
                        "LEVEL",
                        "团干部所属区划须为省、市（州）或县（市、区）",
                    ));
                }
            };
            (StaffRole::Cadre, Some(level), Some(region.code), None)
        }
        StaffRole::BankOfficer => {
            let id = new.bank_id.ok_or_else(|| {
                ApiError::field("bankId", "REQUIRED", "银行工作人员须指定所属银行")
            })?;
            banks::Entity::find_by_id(id)
                .one(db)
                .await?
                .ok_or_else(|| ApiError::field("bankId", "UNKNOWN_BANK", "银行不存在"))?;
            (StaffRole::BankOfficer, None, None, Some(id))
        }
    };
    let taken = users::Entity::find()
        .filter(users::Column::Username.eq(&username))
        .count(db)
        .await?;
    if taken > 0 {
        return Err(ApiError::Conflict(
            "USERNAME_TAKEN",
            "用户名已被使用".into(),
        ));
    }
    let password = new.password;
    let hash = tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| ApiError::Unexpected(e.into()))??;
    let now = Utc::now();
    Ok(users::ActiveModel {
        id: Set(Uuid::now_v7()),
        openid: Set(None),
        unionid: Set(None),
        session_key_enc: Set(None),
        username: Set(Some(username)),
        password_hash: Set(Some(hash)),
        display_name: Set(new.display_name.trim().to_owned()),
        phone_enc: Set(None),
        phone_index: Set(None),
        is_student: Set(false),
        is_mentor: Set(false),
        staff_role: Set(Some(staff_role)),
        cadre_level: Set(cadre_level),
        region_code: Set(region_code),
        bank_id: Set(bank_id),
        disabled: Set(false),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await?)
}

/// Create a staff account inside the caller's region.
///
/// A cadre creates cadres for their own region or any province/city/county inside it; only
/// province cadres create bank-officer accounts.
#[utoipa::path(
    tag = "staff",
    operation_id = "create_staff",
    security(("bearer" = [])),
    request_body = CreateStaffRequest,
    responses(
        (status = 201, body = StaffView),
        (status = 401, body = ErrorEnvelope),
        (status = 403, body = ErrorEnvelope, description = "OUTSIDE_REGION or PROVINCE_CADRE_ONLY"),
        (status = 409, body = ErrorEnvelope, description = "USERNAME_TAKEN"),
        (status = 422, body = ErrorEnvelope)
    )
)]
#[post("/admin/staff")]
pub async fn create_staff(
    state: web::Data<AppState>,
    cadre: Cadre,
    body: Json<CreateStaffRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    match body.role {
        StaffRole::Cadre => {
            if let Some(code) = &body.region_code {
                regions::queries::require(&state.db, code, "regionCode").await?;
                cadre.ensure_covers(code)?;
            }
        }
        StaffRole::BankOfficer if !cadre.is_province() => {
            return Err(ApiError::Forbidden(
                "PROVINCE_CADRE_ONLY",
                "仅省级团干部可以创建银行工作人员账号".into(),
            ));
        }
        StaffRole::BankOfficer => {}
    }
    let user = create_account(
        &state.db,
        NewStaff {
            username: body.username,
            password: body.password,
            display_name: body.display_name,
            role: body.role,
            region_code: body.region_code,
            bank_id: body.bank_id,
        },
    )
    .await?;
    Ok(HttpResponse::Created().json(StaffView::from(user)))
}

/// Staff accounts the caller can see: cadres inside their region (province cadres also see bank officers).
#[utoipa::path(
    tag = "staff",
    operation_id = "list_staff",
    security(("bearer" = [])),
    params(PageQuery),
    responses(
        (status = 200, body = Page<StaffView>),
        (status = 401, body = ErrorEnvelope),
        (status = 403, body = ErrorEnvelope),
        (status = 422, body = ErrorEnvelope)
    )
)]
#[get("/admin/staff")]
pub async fn list_staff(
    state: web::Data<AppState>,
    cadre: Cadre,
    query: crate::input::Query<PageQuery>,
) -> ApiResult<web::Json<Page<StaffView>>> {
    let parts = query.parts()?;
    let prefix = cadre.region_prefix();
    let mut filter = users::Column::StaffRole
        .eq(StaffRole::Cadre)
        .and(users::Column::RegionCode.starts_with(prefix));
    if cadre.is_province() {
        filter = filter.or(users::Column::StaffRole.eq(StaffRole::BankOfficer));
    }
    Ok(web::Json(
        crate::pagination::fetch_page(
            users::Entity::find()
                .filter(filter)
                .order_by_asc(users::Column::Username),
            &state.db,
            parts,
            Into::into,
        )
        .await?,
    ))
}
