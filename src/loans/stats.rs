//! `GET /admin/loans/stats`: for the area, each child unit, each bank and each product, counts
//! and fen sums per status, the recommended → approved rate, median days per step, average
//! approved amount and rate, local units with a disbursement, subsidies approved and paid. These
//! feed the KPI trend lines 「提高贷款额度、降低贷款利率、扩大覆盖范围」. Sums are integer fen;
//! averages and medians are computed in Rust (conventions §14).
use std::collections::{BTreeMap, HashMap, HashSet};

use actix_web::{get, web};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use entity::loan_applications::{self, Column as A, LoanStatus};
use entity::loan_products;
use entity::loan_subsidy_claims::{self as claims, ClaimStatus, Column as C};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::queries::banks_by_id;
use crate::app_state::AppState;
use crate::auth::Cadre;
use crate::error::{ApiError, ApiResult, ErrorEnvelope};
use crate::league::rollup::rollup;
use crate::time::start_of_day;

#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct LoanStatsQuery {
    /// A league unit code or a township inside the caller's unit (default: their unit).
    pub region: Option<String>,
    /// Applications submitted on or after this China date.
    pub from: Option<NaiveDate>,
    /// … and on or before this one.
    pub to: Option<NaiveDate>,
}

/// Applications in one status and their amounts applied for.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StatusTotal {
    pub status: LoanStatus,
    pub count: u64,
    pub amount_fen: i64,
}

/// One line of the stats.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LoanStatsLine {
    /// A unit or place code, a bank id or a product id.
    pub key: String,
    pub name: String,
    pub applications: u64,
    /// Every status, zeros included.
    pub by_status: Vec<StatusTotal>,
    pub recommended: u64,
    /// Of the recommended, those the bank approved (also if disbursed or closed since).
    pub approved: u64,
    /// `approved ÷ recommended` in permille, rounded down (null without recommendations).
    pub recommend_to_approve_permille: Option<i64>,
    /// Median whole days from submission to the recommendation.
    pub median_days_to_recommend: Option<i64>,
    /// Median whole days from the recommendation to the bank's decision.
    pub median_days_to_decision: Option<i64>,
    pub average_approved_amount_fen: Option<i64>,
    pub average_approved_rate_bp: Option<i64>,
    pub disbursed_fen: i64,
    /// Local units (county units, 梅河口, 长白山) with at least one disbursement.
    pub local_units_with_disbursement: u64,
    pub subsidy_approved_fen: i64,
    pub subsidy_paid_fen: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LoanStatsView {
    pub area: LoanStatsLine,
    pub children: Vec<LoanStatsLine>,
    pub banks: Vec<LoanStatsLine>,
    pub products: Vec<LoanStatsLine>,
}

type Row = (
    Uuid,
    String,
    Uuid,
    Uuid,
    LoanStatus,
    i64,
    DateTime<Utc>,
    Option<DateTime<Utc>>,
    Option<DateTime<Utc>>,
    Option<i64>,
    Option<i32>,
    Option<i64>,
);

/// What a line sums.
#[derive(Default)]
struct Acc {
    /// Count and amount applied for, per status (in [`STATUSES`] order).
    by_status: [(u64, i64); 12],
    applications: u64,
    recommended: u64,
    approved: u64,
    to_recommend: Vec<i64>,
    to_decide: Vec<i64>,
    approved_sum: i64,
    rate_sum: i64,
    disbursed: i64,
    local_units: HashSet<i32>,
    subsidy_approved: i64,
    subsidy_paid: i64,
}

fn median(mut v: Vec<i64>) -> Option<i64> {
    if v.is_empty() {
        return None;
    }
    v.sort_unstable();
    let n = v.len();
    Some(if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2
    })
}

const STATUSES: [LoanStatus; 12] = [
    LoanStatus::Submitted,
    LoanStatus::Returned,
    LoanStatus::Recommended,
    LoanStatus::NotRecommended,
    LoanStatus::BankReviewing,
    LoanStatus::Approved,
    LoanStatus::Rejected,
    LoanStatus::Withdrawn,
    LoanStatus::Lapsed,
    LoanStatus::Disbursed,
    LoanStatus::Overdue,
    LoanStatus::Closed,
];

impl Acc {
    fn line(self, key: String, name: String) -> LoanStatsLine {
        let by_status = STATUSES
            .iter()
            .zip(self.by_status)
            .map(|(s, (count, amount))| StatusTotal {
                status: *s,
                count,
                amount_fen: amount,
            })
            .collect();
        let approved_n = i64::try_from(self.approved).unwrap_or(i64::MAX);
        LoanStatsLine {
            key,
            name,
            applications: self.applications,
            by_status,
            recommended: self.recommended,
            approved: self.approved,
            recommend_to_approve_permille: (self.recommended > 0)
                .then(|| (self.approved * 1000 / self.recommended) as i64),
            median_days_to_recommend: median(self.to_recommend),
            median_days_to_decision: median(self.to_decide),
            average_approved_amount_fen: (approved_n > 0).then(|| self.approved_sum / approved_n),
            average_approved_rate_bp: (approved_n > 0).then(|| self.rate_sum / approved_n),
            disbursed_fen: self.disbursed,
            local_units_with_disbursement: self.local_units.len() as u64,
            subsidy_approved_fen: self.subsidy_approved,
            subsidy_paid_fen: self.subsidy_paid,
        }
    }
}

/// The loan stats of the caller's unit or the area `region` names, per child unit, bank and
/// product, for applications submitted in [`from`, `to`] (China dates).
#[utoipa::path(
    tag = "loans",
    operation_id = "get_loan_stats",
    security(("bearer" = [])),
    params(LoanStatsQuery),
    responses(
        (status = 200, body = LoanStatsView),
        (status = 403, body = ErrorEnvelope, description = "OUTSIDE_REGION"),
        (status = 422, body = ErrorEnvelope, description = "UNKNOWN_REGION; to: RANGE (before from)")
    )
)]
#[get("/admin/loans/stats")]
pub async fn get_loan_stats(
    state: web::Data<AppState>,
    cadre: Cadre,
    query: crate::input::Query<LoanStatsQuery>,
) -> ApiResult<web::Json<LoanStatsView>> {
    if let (Some(f), Some(t)) = (query.from, query.to)
        && t < f
    {
        return Err(ApiError::field("to", "RANGE", "截止日期不能早于开始日期"));
    }
    let roll = rollup(&state.db, &cadre, query.region.as_deref(), "region").await?;
    let mut q = loan_applications::Entity::find().filter(roll.area.scope.condition(A::RegionCode));
    if let Some(f) = query.from {
        q = q.filter(A::SubmittedAt.gte(start_of_day(f)));
    }
    if let Some(t) = query.to {
        q = q.filter(A::SubmittedAt.lt(start_of_day(t) + Duration::days(1)));
    }
    let rows: Vec<Row> = q
        .select_only()
        .columns([
            A::Id,
            A::RegionCode,
            A::BankId,
            A::ProductId,
            A::Status,
            A::AmountFen,
            A::SubmittedAt,
            A::RecommendedAt,
            A::DecidedAt,
            A::ApprovedAmountFen,
            A::ApprovedRateBp,
            A::DisbursedAmountFen,
        ])
        .into_tuple()
        .all(&state.db)
        .await?;
    let ids: HashSet<Uuid> = rows.iter().map(|r| r.0).collect();
    let mut subsidies: HashMap<Uuid, (i64, i64)> = HashMap::new();
    if !ids.is_empty() {
        let claim_rows: Vec<(Uuid, ClaimStatus, i64)> = claims::Entity::find()
            .filter(roll.area.scope.condition(C::RegionCode))
            .filter(C::Status.is_in([ClaimStatus::Approved, ClaimStatus::Paid]))
            .select_only()
            .columns([C::ApplicationId, C::Status, C::SubsidyFen])
            .into_tuple()
            .all(&state.db)
            .await?;
        for (app, status, fen) in claim_rows.into_iter().filter(|c| ids.contains(&c.0)) {
            let e = subsidies.entry(app).or_default();
            e.0 += fen;
            if status == ClaimStatus::Paid {
                e.1 += fen;
            }
        }
    }
    let tree = cadre.tree();
    let mut area = Acc::default();
    let mut children: Vec<Acc> = roll.children.iter().map(|_| Acc::default()).collect();
    let mut banks: BTreeMap<Uuid, Acc> = BTreeMap::new();
    let mut products: BTreeMap<Uuid, Acc> = BTreeMap::new();
    for r in &rows {
        let child = roll.child_of(&r.1);
        let local = tree.owner(&r.1).map(|u| u.id);
        let sub = subsidies.get(&r.0).copied().unwrap_or_default();
        let mut targets: Vec<&mut Acc> = vec![&mut area];
        if let Some(i) = child {
            targets.push(&mut children[i]);
        }
        targets.push(banks.entry(r.2).or_default());
        targets.push(products.entry(r.3).or_default());
        for acc in targets {
            add(acc, r, local, sub);
        }
    }
    let bank_names = banks_by_id(&state.db, banks.keys().copied()).await?;
    let product_names: HashMap<Uuid, String> = if products.is_empty() {
        HashMap::new()
    } else {
        loan_products::Entity::find()
            .filter(loan_products::Column::Id.is_in(products.keys().copied()))
            .all(&state.db)
            .await?
            .into_iter()
            .map(|p| (p.id, format!("{}（{}）", p.name, p.code)))
            .collect()
    };
    Ok(web::Json(LoanStatsView {
        area: area.line(roll.area.code.clone(), roll.area.name.clone()),
        children: children
            .into_iter()
            .zip(&roll.children)
            .map(|(acc, c)| acc.line(c.code.clone(), c.name.clone()))
            .collect(),
        banks: banks
            .into_iter()
            .map(|(id, acc)| {
                let name = bank_names
                    .get(&id)
                    .map(|b| b.name.clone())
                    .unwrap_or_default();
                acc.line(id.to_string(), name)
            })
            .collect(),
        products: products
            .into_iter()
            .map(|(id, acc)| {
                let name = product_names.get(&id).cloned().unwrap_or_default();
                acc.line(id.to_string(), name)
            })
            .collect(),
    }))
}

fn add(acc: &mut Acc, r: &Row, local: Option<i32>, (approved_sub, paid_sub): (i64, i64)) {
    let (_, _, _, _, status, amount, submitted, recommended, decided, approved, rate, disbursed) =
        r;
    acc.applications += 1;
    if let Some(i) = STATUSES.iter().position(|s| s == status) {
        acc.by_status[i].0 += 1;
        acc.by_status[i].1 += amount;
    }
    if let Some(rec) = recommended {
        acc.recommended += 1;
        acc.to_recommend.push((*rec - *submitted).num_days());
        if let Some(d) = decided {
            acc.to_decide.push((*d - *rec).num_days());
        }
        if let (Some(a), Some(bp)) = (approved, rate) {
            acc.approved += 1;
            acc.approved_sum += a;
            acc.rate_sum += i64::from(*bp);
        }
    }
    if let Some(d) = disbursed {
        acc.disbursed += d;
        if let Some(u) = local {
            acc.local_units.insert(u);
        }
    }
    acc.subsidy_approved += approved_sub;
    acc.subsidy_paid += paid_sub;
}
