use actix_web::{HttpResponse, get, post, web};
use chrono::Utc;
use entity::banks;
use sea_orm::{ActiveModelTrait, EntityTrait, QueryOrder, Set};
use uuid::Uuid;

use super::dto::{BankView, CreateBankRequest};
use crate::app_state::AppState;
use crate::auth::Cadre;
use crate::error::{ApiError, ApiResult, ErrorEnvelope};
use crate::input::Json;
use crate::pagination::{Page, PageQuery};
use crate::validation::normalize_unified_credit_code;

/// Register a partner bank (province cadres only), with its short name and its unified social
/// credit code (统一社会信用代码, checked by GB 32100).
#[utoipa::path(
    tag = "staff",
    operation_id = "create_bank",
    security(("bearer" = [])),
    request_body = CreateBankRequest,
    responses(
        (status = 201, body = BankView),
        (status = 403, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "DUPLICATE: a bank with that name or unified credit code exists"),
        (status = 422, body = ErrorEnvelope, description = "unifiedCreditCode: FORMAT (GB 32100 check character)")
    )
)]
#[post("/admin/banks")]
pub async fn create_bank(
    state: web::Data<AppState>,
    cadre: Cadre,
    body: Json<CreateBankRequest>,
) -> ApiResult<HttpResponse> {
    if !cadre.is_province() {
        return Err(ApiError::Forbidden(
            "PROVINCE_CADRE_ONLY",
            "仅省级团干部可以添加合作银行".into(),
        ));
    }
    let code = match body.unified_credit_code.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(raw) => Some(normalize_unified_credit_code(raw).ok_or_else(|| {
            ApiError::field(
                "unifiedCreditCode",
                "FORMAT",
                "统一社会信用代码应为18位，且校验位正确",
            )
        })?),
    };
    let bank = banks::ActiveModel {
        id: Set(Uuid::now_v7()),
        name: Set(body.name.trim().to_owned()),
        created_at: Set(Utc::now()),
        short_name: Set(body
            .short_name
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)),
        unified_credit_code: Set(code),
        active: Set(true),
    }
    .insert(&state.db)
    .await?;
    Ok(HttpResponse::Created().json(BankView::from(bank)))
}

/// The partner banks.
#[utoipa::path(
    tag = "staff",
    operation_id = "list_banks",
    security(("bearer" = [])),
    params(PageQuery),
    responses(
        (status = 200, body = Page<BankView>),
        (status = 403, body = ErrorEnvelope)
    )
)]
#[get("/admin/banks")]
pub async fn list_banks(
    state: web::Data<AppState>,
    _cadre: Cadre,
    page: crate::input::Query<PageQuery>,
) -> ApiResult<web::Json<Page<BankView>>> {
    Ok(web::Json(
        crate::pagination::fetch_page(
            banks::Entity::find()
                .order_by_asc(banks::Column::Name)
                .order_by_asc(banks::Column::Id),
            &state.db,
            page.parts()?,
            BankView::from,
        )
        .await?,
    ))
}
