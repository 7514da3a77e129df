use actix_web::{HttpResponse, get, post, web};
use chrono::Utc;
use entity::{banks, league_units, users};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, ExprTrait, PaginatorTrait,
    QueryFilter, QueryOrder, Set,
};
use uuid::Uuid;

use super::dto::{CreateStaffRequest, StaffRole, StaffView};
use crate::app_state::AppState;
use crate::auth::Cadre;
use crate::crypto::hash_password;
use crate::error::{ApiError, ApiResult, ErrorEnvelope};
use crate::input::Json;
use crate::pagination::{Page, PageQuery};
use crate::regions;

/// A staff account to create, already checked.
pub struct NewStaff {
    pub username: String,
    pub password: String,
    pub display_name: String,
    pub role: StaffRole,
    /// For a cadre: their league unit (`220100`, `220581`, `CBS`).
    pub league_unit_code: Option<String>,
    /// For a cadre, the older form: a province, city or county code naming their unit.
    pub region_code: Option<String>,
    pub bank_id: Option<Uuid>,
}

/// The league unit a new cadre account is for: `leagueUnitCode`, or a `regionCode` naming a
/// unit. Unknown unit: 422 `UNKNOWN_UNIT`; a region that names no unit: `UNKNOWN_REGION` or
/// `LEVEL` as before.
pub async fn unit_for_new_cadre(
    db: &impl ConnectionTrait,
    unit_code: Option<&str>,
    region_code: Option<&str>,
) -> ApiResult<league_units::Model> {
    let by_code = |code: &str| {
        league_units::Entity::find()
            .filter(league_units::Column::Code.eq(code))
            .one(db)
    };
    if let Some(code) = unit_code.filter(|c| !c.is_empty()) {
        return by_code(code)
            .await?
            .ok_or_else(|| ApiError::field("leagueUnitCode", "UNKNOWN_UNIT", "团组织代码不存在"));
    }
    let code = region_code
        .filter(|c| !c.is_empty())
        .ok_or_else(|| ApiError::field("leagueUnitCode", "REQUIRED", "团干部须指定所属团组织"))?;
    let region = regions::queries::require(db, code, "regionCode").await?;
    match by_code(&region.code).await? {
        Some(unit) => Ok(unit),
        None => Err(ApiError::field(
            "regionCode",
            "LEVEL",
            "团干部所属区划须为省、市（州）或县（市、区）",
        )),
    }
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
    let (staff_role, cadre_level, region_code, bank_id, league_unit_id) = match new.role {
        StaffRole::Cadre => {
            let unit = unit_for_new_cadre(
                db,
                new.league_unit_code.as_deref(),
                new.region_code.as_deref(),
            )
            .await?;
            // The region is kept for display: the unit's code when it names one region.
            let region = regions::queries::find(db, &unit.code)
                .await?
                .map(|r| r.code);
            (
                StaffRole::Cadre,
                Some(unit.level),
                region,
                None,
                Some(unit.id),
            )
        }
        StaffRole::BankOfficer => {
            let id = new.bank_id.ok_or_else(|| {
                ApiError::field("bankId", "REQUIRED", "银行工作人员须指定所属银行")
            })?;
            banks::Entity::find_by_id(id)
                .one(db)
                .await?
                .ok_or_else(|| ApiError::field("bankId", "UNKNOWN_BANK", "银行不存在"))?;
            (StaffRole::BankOfficer, None, None, Some(id), None)
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
        league_unit_id: Set(league_unit_id),
        bank_id: Set(bank_id),
        disabled: Set(false),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await?)
}

/// Create a staff account inside the caller's league unit.
///
/// A cadre creates cadres for their own league unit or any unit below it (`leagueUnitCode`;
/// a `regionCode` naming a unit still works); only province cadres create bank-officer accounts.
#[utoipa::path(
    tag = "staff",
    operation_id = "create_staff",
    security(("bearer" = [])),
    request_body = CreateStaffRequest,
    responses(
        (status = 201, body = StaffView),
        (status = 403, body = ErrorEnvelope, description = "OUTSIDE_REGION or PROVINCE_CADRE_ONLY"),
        (status = 409, body = ErrorEnvelope, description = "USERNAME_TAKEN"),
        (status = 422, body = ErrorEnvelope, description = "UNKNOWN_UNIT, UNKNOWN_REGION, LEVEL")
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
            let unit = unit_for_new_cadre(
                &state.db,
                body.league_unit_code.as_deref(),
                body.region_code.as_deref(),
            )
            .await?;
            let unit = state
                .league
                .by_id(unit.id)
                .ok_or_else(|| ApiError::Unexpected(anyhow::anyhow!("unit not loaded")))?;
            if !cadre.covers_unit(unit) {
                return Err(ApiError::forbidden_region());
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
            league_unit_code: body.league_unit_code,
            region_code: body.region_code,
            bank_id: body.bank_id,
        },
    )
    .await?;
    Ok(HttpResponse::Created().json(StaffView::new(user, &state.league)))
}

/// Staff accounts the caller can see: cadres inside their region (province cadres also see bank officers).
#[utoipa::path(
    tag = "staff",
    operation_id = "list_staff",
    security(("bearer" = [])),
    params(PageQuery),
    responses(
        (status = 200, body = Page<StaffView>),
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
    // A cadre sees the cadres of their own unit and of the units below it.
    let units: Vec<i32> = state
        .league
        .units()
        .iter()
        .filter(|u| cadre.covers_unit(u))
        .map(|u| u.id)
        .collect();
    let mut filter = users::Column::StaffRole
        .eq(StaffRole::Cadre)
        .and(users::Column::LeagueUnitId.is_in(units));
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
            |u| StaffView::new(u, &state.league),
        )
        .await?,
    ))
}

/// The active cadre accounts of a league unit: accounts bound to it, and accounts from before
/// league units that name it by region code. Who domain notices to "the unit's cadres" go to.
pub async fn cadres_of_unit(
    db: &impl sea_orm::ConnectionTrait,
    unit: &crate::league::LeagueUnit,
) -> Result<Vec<Uuid>, sea_orm::DbErr> {
    use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QuerySelect};
    use users::Column as U;
    users::Entity::find()
        .select_only()
        .column(U::Id)
        .filter(U::StaffRole.eq(users::StaffRole::Cadre))
        .filter(U::Disabled.eq(false))
        .filter(
            Condition::any().add(U::LeagueUnitId.eq(unit.id)).add(
                Condition::all()
                    .add(U::LeagueUnitId.is_null())
                    .add(U::RegionCode.eq(unit.code.clone())),
            ),
        )
        .into_tuple()
        .all(db)
        .await
}
