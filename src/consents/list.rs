use actix_web::{get, web};
use entity::sharing_consents as consents;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use super::dto::SharingConsentView;
use crate::app_state::AppState;
use crate::auth::CurrentUser;
use crate::error::{ApiResult, ErrorEnvelope};
use crate::pagination::{Page, PageQuery, fetch_page};

/// The caller's consents to share their data with someone outside the league (a mentor, a bank,
/// a host unit, the public), newest first, with who received it and whether it is still in force.
#[utoipa::path(
    tag = "consents",
    operation_id = "list_my_sharing_consents",
    security(("bearer" = [])),
    params(PageQuery),
    responses(
        (status = 200, body = Page<SharingConsentView>),
        (status = 422, body = ErrorEnvelope, description = "page, pageSize: RANGE")
    )
)]
#[get("/me/sharing-consents")]
pub async fn list_my_sharing_consents(
    state: web::Data<AppState>,
    user: CurrentUser,
    page: crate::input::Query<PageQuery>,
) -> ApiResult<web::Json<Page<SharingConsentView>>> {
    let parts = page.parts()?;
    Ok(web::Json(
        fetch_page(
            consents::Entity::find()
                .filter(consents::Column::UserId.eq(user.id()))
                .order_by_desc(consents::Column::GrantedAt)
                .order_by_desc(consents::Column::Id),
            &state.db,
            parts,
            Into::into,
        )
        .await?,
    ))
}
