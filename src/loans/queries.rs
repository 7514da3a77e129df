//! Look-ups the loan handlers share: products by id for each reader, bank names, product views.
use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::banks;
use entity::loan_products::{self, BorrowerKind, ProductStatus};
use entity::users::CadreLevel;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::dto::{AdminLoanProductView, LoanProductView, ProductTerms};
use super::rules;
use crate::auth::CadreScope;
use crate::choices::Labelled;
use crate::error::{ApiError, ApiResult};
use crate::league::LeagueTree;
use crate::mentoring::queries::{Reach, reach, unit_name};
use crate::time::{to_china, today_in_china};
use crate::workflow::Subject;

/// Banks by id (name, short name), for views.
pub async fn banks_by_id(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = Uuid>,
) -> ApiResult<HashMap<Uuid, banks::Model>> {
    let ids: Vec<Uuid> = ids.into_iter().collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(banks::Entity::find()
        .filter(banks::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|b| (b.id, b))
        .collect())
}

/// Whether a cadre may change a product: a province or top-level cadre whose unit covers the
/// offer area (product terms are set at province and city level, `loans.md`).
pub fn may_manage(cadre: &CadreScope, area_unit_code: &str) -> bool {
    cadre.level != CadreLevel::County && reach(cadre, area_unit_code) == Reach::Manage
}

/// A product by id as a cadre may see it: offered in their unit or below it (manage), or in a
/// unit above theirs (read, conventions §1). Anything else is 404.
pub async fn visible_product(
    db: &impl ConnectionTrait,
    cadre: &CadreScope,
    id: Uuid,
) -> ApiResult<loan_products::Model> {
    let p = loan_products::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found(loan_products::Model::NAME))?;
    match reach(cadre, &p.area_unit_code) {
        Reach::None => Err(ApiError::not_found(loan_products::Model::NAME)),
        _ => Ok(p),
    }
}

/// 403 for cadres who read a product but may not change it.
pub fn not_manager() -> ApiError {
    ApiError::Forbidden(
        "OUTSIDE_REGION",
        "贷款产品由省级或覆盖发放区域的市（州）级团组织管理，下级团组织只能查看".into(),
    )
}

/// A product by id that the cadre may change (404 when they cannot see it, 403 when they only
/// read it).
pub async fn managed_product(
    db: &impl ConnectionTrait,
    cadre: &CadreScope,
    id: Uuid,
) -> ApiResult<loan_products::Model> {
    let p = visible_product(db, cadre, id).await?;
    if may_manage(cadre, &p.area_unit_code) {
        Ok(p)
    } else {
        Err(not_manager())
    }
}

/// A product of the officer's bank that the bank has been shown (anything but a draft); any
/// other id is 404.
pub async fn bank_product(
    db: &impl ConnectionTrait,
    bank_id: Uuid,
    id: Uuid,
) -> ApiResult<loan_products::Model> {
    loan_products::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|p| p.bank_id == bank_id && p.status != ProductStatus::Draft)
        .ok_or_else(|| ApiError::not_found(loan_products::Model::NAME))
}

/// The one-line summary for a kind of borrower (individuals where the product takes them).
pub fn summary_of(terms: &ProductTerms, kind: Option<BorrowerKind>) -> String {
    let kind = kind.unwrap_or(
        if terms.borrower_kinds.contains(&BorrowerKind::Individual) {
            BorrowerKind::Individual
        } else {
            BorrowerKind::Business
        },
    );
    rules::summary(
        rules::max_amount_for(kind, terms.max_amount_fen, terms.max_amount_business_fen),
        terms.rate_min_bp,
        terms.rate_max_bp,
        terms.subsidy_kind,
        terms.subsidy_ratio_permille,
        terms.subsidy_cap_fen,
    )
}

/// The staff view of a product (without its timeline).
pub fn admin_view(
    tree: &LeagueTree,
    banks: &HashMap<Uuid, banks::Model>,
    p: loan_products::Model,
    manageable: bool,
) -> ApiResult<AdminLoanProductView> {
    let terms = ProductTerms::of(&p)?;
    Ok(AdminLoanProductView {
        id: p.id,
        bank_name: banks
            .get(&p.bank_id)
            .map(|b| b.name.clone())
            .unwrap_or_default(),
        area_unit_name: unit_name(tree, &p.area_unit_code),
        summary: summary_of(&terms, None),
        terms,
        status_label: p.status.label().to_owned(),
        status: p.status,
        quota_fen: p.quota_fen,
        committed_fen: p.committed_fen,
        created_unit_code: p.created_unit_code,
        bank_confirmed_at: p.bank_confirmed_at.map(to_china),
        change_request_note: p.change_request_note,
        published_at: p.published_at.map(to_china),
        suspended_by_kind: p.suspended_by_kind,
        cloned_from_id: p.cloned_from_id,
        manageable,
        version: p.version,
        created_at: to_china(p.created_at),
        updated_at: to_china(p.updated_at),
        timeline: None,
    })
}

/// Whether a product takes applications on the China date of `now`: published and within its
/// validity.
pub fn is_open(p: &loan_products::Model, now: DateTime<Utc>) -> bool {
    let today = today_in_china(now);
    p.status == ProductStatus::Published && p.valid_from <= today && today <= p.valid_to
}

/// The youth's view of a product.
pub fn youth_view(
    tree: &LeagueTree,
    banks: &HashMap<Uuid, banks::Model>,
    p: &loan_products::Model,
    kind: Option<BorrowerKind>,
    now: DateTime<Utc>,
) -> ApiResult<LoanProductView> {
    let terms = ProductTerms::of(p)?;
    let bank = banks.get(&p.bank_id);
    Ok(LoanProductView {
        id: p.id,
        bank_name: bank.map(|b| b.name.clone()).unwrap_or_default(),
        bank_short_name: bank.and_then(|b| b.short_name.clone()),
        area_unit_name: unit_name(tree, &p.area_unit_code),
        summary: summary_of(&terms, kind),
        open: is_open(p, now),
        terms,
    })
}
