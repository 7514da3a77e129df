//! The bank's queue as CSV for its core system (`csv_export`: UTF-8 with BOM, CRLF, formula
//! cells defused): name and phone as the officer sees them on screen, never the ID number.
//! Every export is logged in `loan_reveals` (`field` = `export`, with the row count).
use actix_web::{HttpResponse, get, web};
use bytes::Bytes;
use chrono::Utc;
use entity::loan_applications::Column as A;
use entity::loan_reveals::{self as reveals, RevealField};
use entity::workflow_events::ActorKind;
use sea_orm::{ActiveModelTrait, ColumnTrait, QueryFilter, QueryOrder, Set};
use uuid::Uuid;

use super::bank_applications::of_bank;
use super::dto::BankApplicationFilter;
use super::views::terms_of;
use crate::app_state::AppState;
use crate::auth::BankOfficer;
use crate::choices::Labelled;
use crate::csv_export::{self, CsvWriter};
use crate::error::{ApiResult, ErrorEnvelope};
use crate::time::{to_china, today_in_china};

const HEADER: [&str; 14] = [
    "申请编号",
    "贷款产品",
    "申请人",
    "手机号码",
    "所在地代码",
    "借款人类型",
    "申请金额（分）",
    "推荐金额（分）",
    "期限（月）",
    "贷款用途",
    "担保方式",
    "状态",
    "推荐时间",
    "审批截止时间",
];

fn time(t: Option<chrono::DateTime<Utc>>) -> String {
    t.map(|t| to_china(t).format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_default()
}

/// Download the bank's applications (optionally of one status) as CSV; the export is logged.
#[utoipa::path(
    tag = "loans",
    operation_id = "export_bank_loan_applications",
    security(("bearer" = [])),
    params(BankApplicationFilter),
    responses(
        (status = 200, content_type = "text/csv", body = String,
         description = "CSV, UTF-8 with BOM, CRLF line ends",
         example = "\u{feff}申请编号,贷款产品,申请人,手机号码,所在地代码,借款人类型,申请金额（分）,推荐金额（分）,期限（月）,贷款用途,担保方式,状态,推荐时间,审批截止时间\r\nJQD-2026-7KQ2M9XD,青创贷,张晓明,13912345678,220102001001,个人,20000000,15000000,24,畜牧养殖,信用,已推荐至银行,2026-12-02 10:15,2026-12-16 10:15\r\n"),
        (status = 422, body = ErrorEnvelope)
    )
)]
#[get("/admin/bank/loan-applications/export")]
pub async fn export_bank_loan_applications(
    state: web::Data<AppState>,
    officer: BankOfficer,
    filter: crate::input::Query<BankApplicationFilter>,
) -> ApiResult<HttpResponse> {
    let mut q = of_bank(officer.bank_id);
    if let Some(s) = filter.status {
        q = q.filter(A::Status.eq(s));
    }
    let rows = q
        .order_by_asc(A::BankDueAt)
        .order_by_asc(A::Id)
        .all(&state.db)
        .await?;
    let mut out = CsvWriter::with_header(&HEADER)?;
    for app in &rows {
        let plain = |enc: &Option<String>| {
            enc.as_deref()
                .and_then(|e| state.cipher.decrypt(e).ok())
                .unwrap_or_default()
        };
        out.row([
            app.number.clone(),
            terms_of(app)?.name,
            app.applicant_name.clone().unwrap_or_default(),
            plain(&app.applicant_phone_enc),
            app.region_code.clone(),
            app.borrower_kind.label().to_owned(),
            app.amount_fen.to_string(),
            app.recommended_amount_fen
                .map(|a| a.to_string())
                .unwrap_or_default(),
            app.term_months.to_string(),
            app.purpose.label().to_owned(),
            app.guarantee_type.label().to_owned(),
            app.status.label().to_owned(),
            time(app.recommended_at),
            time(app.bank_due_at),
        ])?;
    }
    reveals::ActiveModel {
        id: Set(Uuid::now_v7()),
        application_id: Set(None),
        viewer_user_id: Set(officer.user.id()),
        viewer_kind: Set(ActorKind::BankOfficer),
        field: Set(RevealField::Export),
        reason: Set("导出银行受理清单".into()),
        row_count: Set(Some(i32::try_from(rows.len()).unwrap_or(i32::MAX))),
        created_at: Set(Utc::now()),
    }
    .insert(&state.db)
    .await?;
    let filename = format!(
        "loan-applications-{}.csv",
        today_in_china(Utc::now()).format("%Y%m%d")
    );
    Ok(csv_export::response(
        &filename,
        out.into_bytes()?,
        futures_util::stream::empty::<Result<Bytes, crate::error::ApiError>>(),
    ))
}
