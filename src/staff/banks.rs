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

/// Register a partner bank (province cadres only).
#[utoipa::path(
    tag = "staff",
    operation_id = "create_bank",
    security(("bearer" = [])),
    request_body = CreateBankRequest,
    responses(
        (status = 201, body = BankView),
        (status = 403, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "DUPLICATE: a bank with that name exists"),
        (status = 422, body = ErrorEnvelope)
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
    let bank = banks::ActiveModel {
        id: Set(Uuid::now_v7()),
        name: Set(body.name.trim().to_owned()),
        created_at: Set(Utc::now()),
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
