//! Full personal data, logged: cadres reveal an applicant's name or phone (they see them
//! masked), the officer of the recommended bank reveals the ID number for the credit inquiry
//! (they see name and phone already). Every reveal lands in `loan_reveals`, which province
//! cadres list.
use actix_web::{get, post, web};
use chrono::Utc;
use entity::loan_applications;
use entity::loan_reveals::{self as reveals, Column as R, RevealField};
use entity::users;
use entity::workflow_events::ActorKind;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use uuid::Uuid;

use super::bank_applications::bank_application;
use super::dto::{LoanRevealLogView, LoanRevealRequest, LoanRevealView};
use super::review::visible_application;
use crate::app_state::AppState;
use crate::auth::{BankOfficer, Cadre};
use crate::error::{ApiError, ApiResult, ErrorEnvelope};
use crate::input::Json;
use crate::pagination::{Page, PageQuery, page_rows};
use crate::time::to_china;

fn value_of(
    state: &AppState,
    app: &loan_applications::Model,
    field: RevealField,
) -> ApiResult<String> {
    let enc = match field {
        RevealField::Name => return app.applicant_name.clone().ok_or_else(gone),
        RevealField::Phone => app.applicant_phone_enc.as_deref(),
        RevealField::IdNumber => app.applicant_id_number_enc.as_deref(),
        RevealField::Export => None,
    };
    let enc = enc.ok_or_else(gone)?;
    state
        .cipher
        .decrypt(enc)
        .map_err(|e| ApiError::Unexpected(anyhow::anyhow!("loan applicant data: {e}")))
}

fn gone() -> ApiError {
    ApiError::Conflict(
        "PERSONAL_DATA_REMOVED",
        "该申请的个人信息已按保存期限删除".into(),
    )
}

async fn log(
    state: &AppState,
    application: Uuid,
    viewer: Uuid,
    kind: ActorKind,
    body: &LoanRevealRequest,
) -> ApiResult<()> {
    reveals::ActiveModel {
        id: Set(Uuid::now_v7()),
        application_id: Set(Some(application)),
        viewer_user_id: Set(viewer),
        viewer_kind: Set(kind),
        field: Set(body.field),
        reason: Set(body.reason.trim().to_owned()),
        row_count: Set(None),
        created_at: Set(Utc::now()),
    }
    .insert(&state.db)
    .await?;
    Ok(())
}

/// Reveal an applicant's full name or phone, with a reason (logged), as a cadre covering the
/// application.
#[utoipa::path(
    tag = "loans",
    operation_id = "reveal_loan_applicant",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = LoanRevealRequest,
    responses(
        (status = 200, body = LoanRevealView),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "PERSONAL_DATA_REMOVED"),
        (status = 422, body = ErrorEnvelope, description = "field: INVALID_VALUE (cadres reveal name or phone)")
    )
)]
#[post("/admin/loan-applications/{id}/reveals")]
pub async fn reveal_loan_applicant(
    state: web::Data<AppState>,
    cadre: Cadre,
    id: web::Path<Uuid>,
    body: Json<LoanRevealRequest>,
) -> ApiResult<web::Json<LoanRevealView>> {
    if !matches!(body.field, RevealField::Name | RevealField::Phone) {
        return Err(ApiError::field(
            "field",
            "INVALID_VALUE",
            "团干部可查看申请人的姓名或手机号",
        ));
    }
    let app = visible_application(&state.db, &cadre, *id).await?;
    let value = value_of(&state, &app, body.field)?;
    log(&state, app.id, cadre.user_id, ActorKind::Cadre, &body).await?;
    Ok(web::Json(LoanRevealView {
        application_id: app.id,
        field: body.field,
        value,
    }))
}

/// Reveal the applicant's ID number for the credit inquiry (征信查询), with the purpose
/// (logged), as an officer of the bank the application was recommended to.
#[utoipa::path(
    tag = "loans",
    operation_id = "reveal_bank_loan_applicant",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = LoanRevealRequest,
    responses(
        (status = 200, body = LoanRevealView),
        (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope, description = "PERSONAL_DATA_REMOVED"),
        (status = 422, body = ErrorEnvelope, description = "field: INVALID_VALUE (officers reveal the ID number)")
    )
)]
#[post("/admin/bank/loan-applications/{id}/reveals")]
pub async fn reveal_bank_loan_applicant(
    state: web::Data<AppState>,
    officer: BankOfficer,
    id: web::Path<Uuid>,
    body: Json<LoanRevealRequest>,
) -> ApiResult<web::Json<LoanRevealView>> {
    if body.field != RevealField::IdNumber {
        return Err(ApiError::field(
            "field",
            "INVALID_VALUE",
            "银行工作人员可查看申请人的身份证号码（用于征信查询）",
        ));
    }
    let app = bank_application(&state.db, &officer, *id).await?;
    let value = value_of(&state, &app, body.field)?;
    log(
        &state,
        app.id,
        officer.user.id(),
        ActorKind::BankOfficer,
        &body,
    )
    .await?;
    Ok(web::Json(LoanRevealView {
        application_id: app.id,
        field: body.field,
        value,
    }))
}

/// The loan reveal and export log, newest first (province cadres).
#[utoipa::path(
    tag = "loans",
    operation_id = "list_loan_reveals",
    security(("bearer" = [])),
    params(PageQuery),
    responses(
        (status = 200, body = Page<LoanRevealLogView>),
        (status = 403, body = ErrorEnvelope, description = "PROVINCE_CADRE_ONLY")
    )
)]
#[get("/admin/loan-reveals")]
pub async fn list_loan_reveals(
    state: web::Data<AppState>,
    cadre: Cadre,
    page: crate::input::Query<PageQuery>,
) -> ApiResult<web::Json<Page<LoanRevealLogView>>> {
    if !cadre.is_province() {
        return Err(ApiError::Forbidden(
            "PROVINCE_CADRE_ONLY",
            "贷款信息查看记录仅团省委可查阅".into(),
        ));
    }
    let parts = page.parts()?;
    let q = reveals::Entity::find()
        .order_by_desc(R::CreatedAt)
        .order_by_desc(R::Id);
    let (rows, total) = page_rows(q, &state.db, parts).await?;
    let names: std::collections::HashMap<Uuid, String> = users::Entity::find()
        .filter(users::Column::Id.is_in(rows.iter().map(|r| r.viewer_user_id)))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.display_name))
        .collect();
    let items = rows
        .into_iter()
        .map(|r| LoanRevealLogView {
            viewer_name: names.get(&r.viewer_user_id).cloned().unwrap_or_default(),
            id: r.id,
            application_id: r.application_id,
            viewer_user_id: r.viewer_user_id,
            viewer_kind: r.viewer_kind,
            field: r.field,
            reason: r.reason,
            row_count: r.row_count,
            created_at: to_china(r.created_at),
        })
        .collect();
    Ok(web::Json(Page::new(items, total, parts)))
}
