//! Loan applications for `bench/loans.sh`: one partner bank, one published product offered in the
//! whole province, and one application per seeded youth spread over the statuses the way a
//! programme year would leave them (most closed or paid out, a working queue at the league and the
//! bank).
use chrono::{Duration, NaiveDate, Utc};
use entity::loan_applications::{self as apps, LoanPurpose, LoanStatus};
use entity::loan_products::{
    self as products, BorrowerKind, GuaranteeType, ProductStatus, SubsidyKind,
};
use entity::{banks, league_units, talent_profiles, users};
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use uuid::Uuid;

use jiqing::loans::dto::ProductTerms;

use super::rng::Rng;

/// The bank's name: `bench/loans.sh` finds it (and creates its officer) by this name.
pub const BANK_NAME: &str = "基准测试农村商业银行";

/// Statuses and their share (‰) of the applications.
const MIX: &[(LoanStatus, u64)] = &[
    (LoanStatus::Submitted, 120),
    (LoanStatus::Returned, 30),
    (LoanStatus::Recommended, 120),
    (LoanStatus::NotRecommended, 50),
    (LoanStatus::BankReviewing, 60),
    (LoanStatus::Approved, 40),
    (LoanStatus::Rejected, 60),
    (LoanStatus::Withdrawn, 40),
    (LoanStatus::Lapsed, 20),
    (LoanStatus::Disbursed, 300),
    (LoanStatus::Overdue, 20),
    (LoanStatus::Closed, 140),
];

fn pick(rng: &mut Rng) -> LoanStatus {
    let mut n = rng.below(1000);
    for (status, share) in MIX {
        if n < *share {
            return *status;
        }
        n -= share;
    }
    LoanStatus::Closed
}

/// Insert the bank, the product and `count` applications unless the table already holds at least
/// `count`. Returns how many applications were inserted (0 when skipped).
pub async fn seed(db: &DatabaseConnection, count: u64) -> anyhow::Result<u64> {
    if count == 0 || apps::Entity::find().count(db).await? >= count {
        return Ok(0);
    }
    let now = Utc::now();
    // Offered in the province's unit: every youth may apply.
    let province: String = league_units::Entity::find()
        .select_only()
        .column(league_units::Column::Code)
        .filter(league_units::Column::Level.eq(users::CadreLevel::Province))
        .into_tuple()
        .one(db)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no province unit: run the migrations first"))?;
    let bank_id = Uuid::now_v7();
    banks::Entity::insert(banks::ActiveModel {
        id: Set(bank_id),
        name: Set(BANK_NAME.into()),
        created_at: Set(now),
        short_name: Set(Some("基准农商行".into())),
        unified_credit_code: Set(None),
        active: Set(true),
    })
    .exec_without_returning(db)
    .await?;
    let cadre: Uuid = users::Entity::find()
        .select_only()
        .column(users::Column::Id)
        .order_by_asc(users::Column::CreatedAt)
        .into_tuple()
        .one(db)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no users: seed the youths first"))?;
    let product = products::Model {
        id: Uuid::now_v7(),
        bank_id,
        code: "BENCH-2026".into(),
        name: "青年创业贷（基准测试）".into(),
        description: "基准测试数据".into(),
        area_unit_code: province.clone(),
        borrower_kinds: "[\"individual\",\"business\"]".into(),
        min_amount_fen: 1_000_000,
        max_amount_fen: 30_000_000,
        max_amount_business_fen: None,
        amount_step_fen: 100_000,
        min_term_months: 6,
        max_term_months: 36,
        rate_min_bp: 385,
        rate_max_bp: 435,
        rate_note: None,
        guarantee_types: "[\"credit\",\"guarantor\"]".into(),
        subsidy_kind: SubsidyKind::Ratio,
        subsidy_ratio_permille: Some(500),
        subsidy_cap_fen: Some(500_000),
        subsidy_payer_note: None,
        age_min: 18,
        age_max: 45,
        requires_verified_talent: true,
        allow_concurrent_loans: false,
        quota_fen: None,
        committed_fen: 0,
        offer_valid_days: 30,
        valid_from: NaiveDate::from_ymd_opt(2025, 1, 1).unwrap_or_default(),
        valid_to: NaiveDate::from_ymd_opt(2030, 12, 31).unwrap_or_default(),
        status: ProductStatus::Published,
        created_by: cadre,
        created_unit_code: province,
        bank_confirmed_by: Some(cadre),
        bank_confirmed_at: Some(now),
        change_request_note: None,
        published_by: Some(cadre),
        published_at: Some(now),
        suspended_by_kind: None,
        cloned_from_id: None,
        version: 3,
        created_at: now,
        updated_at: now,
    };
    let snapshot =
        serde_json::to_string(&ProductTerms::of(&product).map_err(|e| anyhow::anyhow!("{e:?}"))?)?;
    let product_id = product.id;
    products::Entity::insert(products::ActiveModel::from(product))
        .exec_without_returning(db)
        .await?;

    let people: Vec<(Uuid, Uuid, String, String, String, String)> = talent_profiles::Entity::find()
        .select_only()
        .column(talent_profiles::Column::UserId)
        .column(talent_profiles::Column::Id)
        .column(talent_profiles::Column::RealName)
        .column(talent_profiles::Column::PhoneEnc)
        .column(talent_profiles::Column::IdNumberEnc)
        .column(talent_profiles::Column::HomeRegionCode)
        .filter(talent_profiles::Column::UserId.is_not_null())
        .order_by_asc(talent_profiles::Column::Id)
        .limit(count)
        .into_tuple()
        .all(db)
        .await?;
    anyhow::ensure!(
        people.len() as u64 == count,
        "{count} applications need {count} youths; the database has {}",
        people.len()
    );

    let mut rng = Rng(0xD1B5_4A32_D192_ED03);
    let mut batch = Vec::with_capacity(1_000);
    let mut inserted = 0u64;
    for (i, (user, profile, name, phone, id_number, region)) in people.into_iter().enumerate() {
        let status = pick(&mut rng);
        let submitted = now - Duration::minutes(rng.below(365 * 24 * 60) as i64 + 60);
        let amount = 100_000 * (100 + rng.below(200) as i64);
        let past_league = !matches!(
            status,
            LoanStatus::Submitted | LoanStatus::Returned | LoanStatus::NotRecommended
        );
        let recommended_at = past_league.then(|| submitted + Duration::days(rng.below(7) as i64));
        let decided = matches!(
            status,
            LoanStatus::Approved
                | LoanStatus::Rejected
                | LoanStatus::Lapsed
                | LoanStatus::Disbursed
                | LoanStatus::Overdue
                | LoanStatus::Closed
        );
        let approved = decided && status != LoanStatus::Rejected;
        let paid_out = matches!(
            status,
            LoanStatus::Disbursed | LoanStatus::Overdue | LoanStatus::Closed
        );
        let decided_at = recommended_at
            .filter(|_| decided)
            .map(|r| r + Duration::days(1 + rng.below(14) as i64));
        let disbursed_at = decided_at
            .filter(|_| paid_out)
            .map(|d| d + Duration::days(1 + rng.below(10) as i64));
        batch.push(apps::ActiveModel {
            id: Set(Uuid::now_v7()),
            number: Set(format!("JQD-BENCH-{i:07}")),
            applicant_user_id: Set(Some(user)),
            talent_profile_id: Set(Some(profile)),
            product_id: Set(product_id),
            bank_id: Set(bank_id),
            product_terms: Set(snapshot.clone()),
            borrower_kind: Set(BorrowerKind::Individual),
            region_code: Set(region),
            applicant_name: Set(Some(name)),
            applicant_phone_enc: Set(Some(phone)),
            applicant_id_number_enc: Set(Some(id_number)),
            amount_fen: Set(amount),
            term_months: Set(12 + 12 * rng.below(3) as i32),
            purpose: Set(LoanPurpose::Planting),
            purpose_detail: Set(Some("扩大种植规模".into())),
            business_name: Set(None),
            business_registered: Set(false),
            unified_credit_code: Set(None),
            annual_revenue_fen: Set(None),
            existing_debt_fen: Set(None),
            jobs_created: Set(Some(rng.below(5) as i32)),
            guarantee_type: Set(GuaranteeType::Credit),
            guarantee_detail: Set(None),
            attachments: Set("[]".into()),
            status: Set(status),
            return_count: Set(i32::from(status == LoanStatus::Returned)),
            recommended_amount_fen: Set(recommended_at.map(|_| amount)),
            recommendation_note: Set(None),
            recommended_by: Set(recommended_at.map(|_| cadre)),
            recommended_at: Set(recommended_at),
            submitted_at: Set(submitted),
            review_due_at: Set(submitted + Duration::days(7)),
            bank_due_at: Set(recommended_at.map(|r| r + Duration::days(14))),
            resubmit_due_at: Set((status == LoanStatus::Returned).then(|| now + Duration::days(7))),
            accepted_at: Set(recommended_at
                .filter(|_| status != LoanStatus::Recommended)
                .map(|r| r + Duration::hours(4))),
            decided_at: Set(decided_at),
            approved_amount_fen: Set(approved.then_some(amount)),
            approved_rate_bp: Set(approved.then_some(385 + 10 * rng.below(6) as i32)),
            approved_term_months: Set(approved.then_some(12)),
            approved_at: Set(decided_at.filter(|_| approved)),
            offer_expires_at: Set(decided_at
                .filter(|_| approved)
                .map(|d| d + Duration::days(30))),
            disbursed_amount_fen: Set(paid_out.then_some(amount)),
            disbursed_on: Set(disbursed_at.map(|d| d.date_naive())),
            maturity_on: Set(disbursed_at.map(|d| (d + Duration::days(365)).date_naive())),
            disbursed_at: Set(disbursed_at),
            bank_reference: Set(paid_out.then(|| format!("BENCH{i:08}"))),
            overdue_since: Set(
                (status == LoanStatus::Overdue).then(|| (now - Duration::days(20)).date_naive())
            ),
            closed_on: Set((status == LoanStatus::Closed).then(|| now.date_naive())),
            closure: Set((status == LoanStatus::Closed).then_some(apps::Closure::Repaid)),
            subsidy_claimed_fen: Set(0),
            reason_code: Set(None),
            reason_note: Set(None),
            idempotency_key: Set(None),
            request_hash: Set(None),
            version: Set(3),
            anonymised_at: Set(None),
            created_at: Set(submitted),
            updated_at: Set(decided_at.or(recommended_at).unwrap_or(submitted)),
        });
        if batch.len() == 1_000 {
            inserted += batch.len() as u64;
            apps::Entity::insert_many(std::mem::take(&mut batch))
                .exec_without_returning(db)
                .await?;
        }
    }
    if !batch.is_empty() {
        inserted += batch.len() as u64;
        apps::Entity::insert_many(batch)
            .exec_without_returning(db)
            .await?;
    }
    Ok(inserted)
}
