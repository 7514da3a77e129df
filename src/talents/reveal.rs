//! Full ID numbers and phones only on purpose: each reveal names a reason and is logged; province
//! cadres read the log.
use std::collections::HashMap;

use actix_web::{get, post, web};
use chrono::Utc;
use entity::{talent_reveals, users};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use uuid::Uuid;

use super::dto::{RevealLogView, RevealRequest, RevealedView};
use super::queries::visible_profile;
use crate::app_state::AppState;
use crate::auth::Cadre;
use crate::error::{ApiError, ApiResult, ErrorEnvelope};
use crate::input::Json;
use crate::pagination::{Page, PageQuery};
use crate::time::to_china;

/// Reveal one talent's full ID number and phone, giving a reason. Every reveal is logged (who,
/// whose, when, why) before the values are returned.
#[utoipa::path(
    tag = "talents",
    operation_id = "reveal_talent",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Talent profile id")),
    request_body = RevealRequest,
    responses(
        (status = 200, body = RevealedView),
        (status = 404, body = ErrorEnvelope, description = "No such profile in the cadre's region"),
        (status = 422, body = ErrorEnvelope, description = "reason LENGTH")
    )
)]
#[post("/admin/talents/{id}/reveals")]
#[tracing::instrument(skip(state, cadre, body), fields(cadre = %cadre.user_id))]
pub async fn reveal_talent(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
    body: Json<RevealRequest>,
) -> ApiResult<web::Json<RevealedView>> {
    let reason = body.reason.as_str();
    let p = visible_profile(&state.db, &cadre, *id).await?;
    let decrypt = |v: &str| {
        state
            .cipher
            .decrypt(v)
            .map_err(|e| ApiError::Unexpected(e.into()))
    };
    let id_number = decrypt(&p.id_number_enc)?;
    let phone = decrypt(&p.phone_enc)?;
    talent_reveals::ActiveModel {
        id: Set(Uuid::now_v7()),
        cadre_id: Set(cadre.user_id),
        profile_id: Set(p.id),
        subject_user_id: Set(p.user_id),
        subject_region_code: Set(p.home_region_code.clone()),
        reason: Set(reason.to_owned()),
        created_at: Set(Utc::now()),
    }
    .insert(&state.db)
    .await?;
    tracing::info!(profile = %p.id, "full personal data revealed");
    Ok(web::Json(RevealedView {
        profile_id: p.id,
        real_name: p.real_name,
        id_number,
        phone,
    }))
}

/// The reveal log, newest first (province cadres only).
#[utoipa::path(
    tag = "talents",
    operation_id = "list_talent_reveals",
    security(("bearer" = [])),
    params(PageQuery),
    responses(
        (status = 200, body = Page<RevealLogView>),
        (status = 403, body = ErrorEnvelope, description = "ROLE_REQUIRED, PROVINCE_CADRE_ONLY"),
        (status = 422, body = ErrorEnvelope)
    )
)]
#[get("/admin/talent-reveals")]
#[tracing::instrument(skip(state, cadre, page), fields(cadre = %cadre.user_id))]
pub async fn list_talent_reveals(
    state: web::Data<AppState>,
    cadre: Cadre,
    page: crate::input::Query<PageQuery>,
) -> ApiResult<web::Json<Page<RevealLogView>>> {
    if !cadre.is_province() {
        return Err(ApiError::Forbidden(
            "PROVINCE_CADRE_ONLY",
            "仅省级团干部可以查看敏感信息查看记录".into(),
        ));
    }
    let parts = page.parts()?;
    let (rows, total) = crate::pagination::page_rows(
        talent_reveals::Entity::find()
            .order_by_desc(talent_reveals::Column::CreatedAt)
            .order_by_desc(talent_reveals::Column::Id),
        &state.db,
        parts,
    )
    .await?;
    let cadres: HashMap<Uuid, users::Model> = users::Entity::find()
        .filter(users::Column::Id.is_in(rows.iter().map(|r| r.cadre_id).collect::<Vec<_>>()))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect();
    let subjects: Vec<Uuid> = rows.iter().map(|r| r.subject_user_id).collect();
    let names = super::queries::masked_names(&state.db, &subjects).await?;
    let items = rows
        .into_iter()
        .map(|r| {
            let cadre = cadres.get(&r.cadre_id);
            RevealLogView {
                id: r.id,
                cadre_id: r.cadre_id,
                cadre_name: cadre.map(|u| u.display_name.clone()).unwrap_or_default(),
                cadre_username: cadre.and_then(|u| u.username.clone()).unwrap_or_default(),
                profile_id: r.profile_id,
                subject_user_id: r.subject_user_id,
                subject_name: names.get(&r.subject_user_id).cloned().unwrap_or_default(),
                subject_region_code: r.subject_region_code,
                reason: r.reason,
                created_at: to_china(r.created_at),
            }
        })
        .collect();
    Ok(web::Json(Page::new(items, total, parts)))
}
