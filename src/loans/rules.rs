//! The fixed numbers, texts and pure rules of 银团合作 loans (`loans.md`): product terms as data,
//! their checks, and the summary youth read (「最高30万元，年利率3.85%–4.35%，贴息：全额」).
//! Money is integer fen and rates integer basis points: nothing here touches a float.
use entity::loan_products::{BorrowerKind, GuaranteeType, SubsidyKind};

use super::dto::ProductTerms;
use crate::consents::ConsentText;
use crate::error::FieldError;

/// The 征信查询授权 for the named bank (purpose `loan_credit_inquiry`).
pub const CREDIT_INQUIRY_CONSENT: ConsentText = ConsentText {
    version: "2026-12",
    template: "本人授权{recipient}在审查本人贷款申请及贷后管理期间，向金融信用信息基础数据库查询、\
打印、保存本人的信用报告。",
};

/// The separate consent to share the application with the named bank (purpose
/// `loan_bank_sharing`, PIPL Art. 23).
pub const BANK_SHARING_CONSENT: ConsentText = ConsentText {
    version: "2026-12",
    template: "我同意团组织在推荐本人贷款申请后，将本人的姓名、手机号码、身份证号码、创业项目和申请材料\
提供给{recipient}，用于贷款审查、发放和贷后管理。",
};

/// Times a local unit may return one application.
pub const RETURN_LIMIT: i32 = 3;
/// Documents per application.
pub const ATTACHMENTS_MAX: usize = 9;
/// Longest loan term, in months.
pub const TERM_MONTHS_MAX: i32 = 60;
/// Highest rate a product may name, in basis points (24 %).
pub const RATE_MAX_BP: i32 = 2400;
/// No bank receives a minor's data.
pub const AGE_MIN_FLOOR: i32 = 18;
pub const AGE_MAX_CEILING: i32 = 70;
/// Defaults of a new product.
pub const DEFAULT_AMOUNT_STEP_FEN: i64 = 100_000;
pub const DEFAULT_AGE_MIN: i32 = 18;
pub const DEFAULT_AGE_MAX: i32 = 45;
pub const DEFAULT_OFFER_VALID_DAYS: i32 = 60;
pub const OFFER_VALID_DAYS_MAX: i32 = 365;

/// `[A-Z0-9_]{2,20}`.
pub fn valid_product_code(code: &str) -> bool {
    (2..=20).contains(&code.len())
        && code
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
}

/// The numbers of a product's terms, as a cadre enters them (before defaults are stored).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TermNumbers {
    pub min_amount_fen: i64,
    pub max_amount_fen: i64,
    pub max_amount_business_fen: Option<i64>,
    pub amount_step_fen: i64,
    pub min_term_months: i32,
    pub max_term_months: i32,
    pub rate_min_bp: i32,
    pub rate_max_bp: i32,
    pub subsidy_kind: SubsidyKind,
    pub subsidy_ratio_permille: Option<i32>,
    pub subsidy_cap_fen: Option<i64>,
    pub age_min: i32,
    pub age_max: i32,
    pub quota_fen: Option<i64>,
    pub offer_valid_days: i32,
}

fn range(field: &str, message: &str) -> FieldError {
    FieldError::new(field, "RANGE", message)
}

/// Every rule the numbers of a product break (422 `RANGE`, `REQUIRED`), all at once.
pub fn check_terms(t: &TermNumbers) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let step = t.amount_step_fen;
    let on_step = |fen: i64| step > 0 && fen % step == 0;
    if step <= 0 {
        errors.push(range("amountStepFen", "金额步长应大于0"));
    }
    if t.min_amount_fen <= 0 {
        errors.push(range("minAmountFen", "最低贷款金额应大于0"));
    } else if !on_step(t.min_amount_fen) {
        errors.push(range("minAmountFen", "最低贷款金额应为金额步长的整数倍"));
    }
    if t.max_amount_fen < t.min_amount_fen {
        errors.push(range("maxAmountFen", "最高贷款金额不能低于最低贷款金额"));
    } else if !on_step(t.max_amount_fen) {
        errors.push(range("maxAmountFen", "最高贷款金额应为金额步长的整数倍"));
    }
    if let Some(b) = t.max_amount_business_fen {
        if b < t.min_amount_fen {
            errors.push(range(
                "maxAmountBusinessFen",
                "经营主体最高贷款金额不能低于最低贷款金额",
            ));
        } else if !on_step(b) {
            errors.push(range(
                "maxAmountBusinessFen",
                "经营主体最高贷款金额应为金额步长的整数倍",
            ));
        }
    }
    if !(1..=TERM_MONTHS_MAX).contains(&t.min_term_months) {
        errors.push(range("minTermMonths", "最短期限应为1至60个月"));
    }
    if t.max_term_months < t.min_term_months || t.max_term_months > TERM_MONTHS_MAX {
        errors.push(range(
            "maxTermMonths",
            "最长期限应不短于最短期限且不超过60个月",
        ));
    }
    if !(0..=RATE_MAX_BP).contains(&t.rate_min_bp) {
        errors.push(range("rateMinBp", "年利率应在0至24%之间"));
    }
    if t.rate_max_bp < t.rate_min_bp || t.rate_max_bp > RATE_MAX_BP {
        errors.push(range(
            "rateMaxBp",
            "最高年利率应不低于最低年利率且不超过24%",
        ));
    }
    match (t.subsidy_kind, t.subsidy_ratio_permille) {
        (SubsidyKind::Ratio, None) => errors.push(FieldError::new(
            "subsidyRatioPermille",
            "REQUIRED",
            "按比例贴息须填写贴息比例",
        )),
        (SubsidyKind::Ratio, Some(r)) if !(1..=1000).contains(&r) => {
            errors.push(range("subsidyRatioPermille", "贴息比例应为1‰至1000‰"))
        }
        _ => {}
    }
    if t.subsidy_cap_fen.is_some_and(|c| c <= 0) {
        errors.push(range("subsidyCapFen", "每笔贴息上限应大于0"));
    }
    if t.age_min < AGE_MIN_FLOOR {
        errors.push(range("ageMin", "申请人年龄下限不能低于18周岁"));
    }
    if t.age_max < t.age_min || t.age_max > AGE_MAX_CEILING {
        errors.push(range("ageMax", "申请人年龄上限应不低于下限且不超过70周岁"));
    }
    if t.quota_fen.is_some_and(|q| q <= 0) {
        errors.push(range("quotaFen", "授信总额度应大于0"));
    }
    if !(0..=OFFER_VALID_DAYS_MAX).contains(&t.offer_valid_days) {
        errors.push(range("offerValidDays", "审批有效期应为0至365天"));
    }
    errors
}

/// The listed choices without repeats, first occurrence first.
pub fn distinct<T: PartialEq + Copy>(items: &[T]) -> Vec<T> {
    let mut out: Vec<T> = Vec::with_capacity(items.len());
    for i in items {
        if !out.contains(i) {
            out.push(*i);
        }
    }
    out
}

/// Digits after a decimal point without trailing zeros (`"50"` → `"5"`, `"00"` → `""`).
fn decimals(whole: i64, fraction: i64, width: usize) -> String {
    let frac = format!("{fraction:0width$}");
    let frac = frac.trim_end_matches('0');
    if frac.is_empty() {
        whole.to_string()
    } else {
        format!("{whole}.{frac}")
    }
}

/// An amount as people read it: 「30万元」, 「2.5万元」, 「5000元」, 「1234.56元」.
pub fn amount_label(fen: i64) -> String {
    const WAN_FEN: i64 = 1_000_000;
    if fen >= WAN_FEN {
        format!("{}万元", decimals(fen / WAN_FEN, fen % WAN_FEN, 6))
    } else {
        format!("{}元", decimals(fen / 100, fen % 100, 2))
    }
}

/// A rate in basis points as a percentage: 385 → 「3.85%」, 400 → 「4%」.
pub fn rate_label(bp: i32) -> String {
    format!("{}%", decimals(i64::from(bp / 100), i64::from(bp % 100), 2))
}

/// A ratio in permille as a percentage: 500 → 「50%」, 333 → 「33.3%」.
pub fn permille_label(permille: i32) -> String {
    format!(
        "{}%",
        decimals(i64::from(permille / 10), i64::from(permille % 10), 1)
    )
}

/// What a product offers, in one line:
/// 「最高30万元，年利率3.85%–4.35%，贴息：全额」.
pub fn summary(
    max_amount_fen: i64,
    rate_min_bp: i32,
    rate_max_bp: i32,
    subsidy: SubsidyKind,
    ratio_permille: Option<i32>,
    cap_fen: Option<i64>,
) -> String {
    let rate = if rate_min_bp == rate_max_bp {
        rate_label(rate_min_bp)
    } else {
        format!("{}–{}", rate_label(rate_min_bp), rate_label(rate_max_bp))
    };
    let mut s = format!("最高{}，年利率{rate}", amount_label(max_amount_fen));
    let share = match (subsidy, ratio_permille) {
        (SubsidyKind::None, _) => None,
        (SubsidyKind::Full, _) => Some("全额".to_owned()),
        (SubsidyKind::Ratio, r) => Some(permille_label(r.unwrap_or(0))),
    };
    if let Some(share) = share {
        s.push_str(&format!("，贴息：{share}"));
        if let Some(cap) = cap_fen {
            s.push_str(&format!("（每笔最高{}）", amount_label(cap)));
        }
    }
    s
}

/// The ceiling for a kind of borrower: businesses have their own when the product names one.
pub fn max_amount_for(kind: BorrowerKind, max_fen: i64, business_max_fen: Option<i64>) -> i64 {
    match kind {
        BorrowerKind::Business => business_max_fen.unwrap_or(max_fen),
        BorrowerKind::Individual => max_fen,
    }
}

/// What an application asks of a product, as far as it is known.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Ask {
    pub borrower_kind: Option<BorrowerKind>,
    pub amount_fen: Option<i64>,
    pub term_months: Option<i32>,
    pub guarantee_type: Option<GuaranteeType>,
}

/// The field errors of an application against a product's terms (the snapshot, once submitted):
/// borrower kind and guarantee type among the product's (`INVALID_VALUE`), amount within the
/// range for the borrower kind and on the step, term within the range (`RANGE`).
pub fn ask_errors(terms: &ProductTerms, ask: Ask) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if let Some(kind) = ask.borrower_kind
        && !terms.borrower_kinds.contains(&kind)
    {
        errors.push(FieldError::new(
            "borrowerKind",
            "INVALID_VALUE",
            "该产品不面向此类借款人",
        ));
    }
    if let Some(amount) = ask.amount_fen {
        let max = max_amount_for(
            ask.borrower_kind.unwrap_or(BorrowerKind::Individual),
            terms.max_amount_fen,
            terms.max_amount_business_fen,
        );
        if amount < terms.min_amount_fen || amount > max {
            errors.push(FieldError::new(
                "amountFen",
                "RANGE",
                format!(
                    "贷款金额应在{}至{}之间",
                    amount_label(terms.min_amount_fen),
                    amount_label(max)
                ),
            ));
        } else if terms.amount_step_fen > 0 && amount % terms.amount_step_fen != 0 {
            errors.push(FieldError::new(
                "amountFen",
                "RANGE",
                format!(
                    "贷款金额应为{}的整数倍",
                    amount_label(terms.amount_step_fen)
                ),
            ));
        }
    }
    if let Some(term) = ask.term_months
        && (term < terms.min_term_months || term > terms.max_term_months)
    {
        errors.push(FieldError::new(
            "termMonths",
            "RANGE",
            format!(
                "贷款期限应为{}至{}个月",
                terms.min_term_months, terms.max_term_months
            ),
        ));
    }
    if let Some(g) = ask.guarantee_type
        && !terms.guarantee_types.contains(&g)
    {
        errors.push(FieldError::new(
            "guaranteeType",
            "INVALID_VALUE",
            "该产品不接受此担保方式",
        ));
    }
    errors
}

/// A recommended amount: at most the amount applied for, at least the product's minimum, on
/// its step (422 `RANGE` on `recommendedAmountFen`).
pub fn recommended_amount_error(
    terms: &ProductTerms,
    applied_fen: i64,
    amount_fen: i64,
) -> Option<FieldError> {
    let field = "recommendedAmountFen";
    if amount_fen > applied_fen {
        Some(FieldError::new(field, "RANGE", "推荐金额不能高于申请金额"))
    } else if amount_fen < terms.min_amount_fen {
        Some(FieldError::new(
            field,
            "RANGE",
            format!("推荐金额不能低于{}", amount_label(terms.min_amount_fen)),
        ))
    } else if terms.amount_step_fen > 0 && amount_fen % terms.amount_step_fen != 0 {
        Some(FieldError::new(
            field,
            "RANGE",
            format!(
                "推荐金额应为{}的整数倍",
                amount_label(terms.amount_step_fen)
            ),
        ))
    } else {
        None
    }
}

/// The subsidy (贴息) of one claim, in fen: `full` the interest paid, `ratio` the interest paid ×
/// ‰ ÷ 1000 rounded down (integer division), `none` nothing; then at most what is left of the
/// loan's cap (`None`: no cap).
pub fn subsidy_fen(
    kind: SubsidyKind,
    ratio_permille: Option<i32>,
    interest_paid_fen: i64,
    cap_left_fen: Option<i64>,
) -> i64 {
    let raw = match kind {
        SubsidyKind::None => 0,
        SubsidyKind::Full => interest_paid_fen,
        SubsidyKind::Ratio => {
            interest_paid_fen.saturating_mul(i64::from(ratio_permille.unwrap_or(0))) / 1000
        }
    };
    match cap_left_fen {
        Some(left) => raw.min(left.max(0)),
        None => raw,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms() -> TermNumbers {
        TermNumbers {
            min_amount_fen: 1_000_000,
            max_amount_fen: 30_000_000,
            max_amount_business_fen: None,
            amount_step_fen: DEFAULT_AMOUNT_STEP_FEN,
            min_term_months: 12,
            max_term_months: 36,
            rate_min_bp: 385,
            rate_max_bp: 435,
            subsidy_kind: SubsidyKind::Full,
            subsidy_ratio_permille: None,
            subsidy_cap_fen: None,
            age_min: 18,
            age_max: 45,
            quota_fen: None,
            offer_valid_days: 60,
        }
    }

    fn fields(t: TermNumbers) -> Vec<(String, String)> {
        check_terms(&t)
            .into_iter()
            .map(|e| (e.field, e.code))
            .collect()
    }

    #[test]
    fn the_summary_reads_amounts_rates_and_subsidies_from_integers() {
        assert_eq!(
            summary(30_000_000, 385, 435, SubsidyKind::Full, None, None),
            "最高30万元，年利率3.85%–4.35%，贴息：全额"
        );
        assert_eq!(
            summary(25_000_000, 400, 400, SubsidyKind::None, None, None),
            "最高25万元，年利率4%"
        );
        assert_eq!(
            summary(
                2_500_000,
                390,
                410,
                SubsidyKind::Ratio,
                Some(500),
                Some(1_000_000)
            ),
            "最高2.5万元，年利率3.9%–4.1%，贴息：50%（每笔最高1万元）"
        );
        assert_eq!(amount_label(500_000), "5000元");
        assert_eq!(amount_label(123_456), "1234.56元");
        assert_eq!(amount_label(1_000_001), "1.000001万元");
        assert_eq!(rate_label(5), "0.05%");
        assert_eq!(permille_label(333), "33.3%");
        assert_eq!(permille_label(1000), "100%");
    }

    #[test]
    fn sensible_terms_pass() {
        assert!(check_terms(&terms()).is_empty());
    }

    #[test]
    fn amounts_must_be_positive_ordered_and_on_the_step() {
        let mut t = terms();
        t.min_amount_fen = 0;
        assert_eq!(fields(t), [("minAmountFen".into(), "RANGE".into())]);
        let mut t = terms();
        t.max_amount_fen = 500_000;
        assert_eq!(fields(t), [("maxAmountFen".into(), "RANGE".into())]);
        let mut t = terms();
        t.max_amount_fen = 30_050_000;
        assert_eq!(fields(t), [("maxAmountFen".into(), "RANGE".into())]);
        let mut t = terms();
        t.max_amount_business_fen = Some(50_000_001);
        assert_eq!(fields(t), [("maxAmountBusinessFen".into(), "RANGE".into())]);
    }

    #[test]
    fn terms_rates_ages_and_subsidies_have_their_bounds() {
        let mut t = terms();
        t.max_term_months = 61;
        t.rate_max_bp = 2401;
        t.age_min = 17;
        t.subsidy_kind = SubsidyKind::Ratio;
        t.quota_fen = Some(0);
        t.offer_valid_days = -1;
        assert_eq!(
            fields(t),
            [
                ("maxTermMonths".into(), "RANGE".into()),
                ("rateMaxBp".into(), "RANGE".into()),
                ("subsidyRatioPermille".into(), "REQUIRED".into()),
                ("ageMin".into(), "RANGE".into()),
                ("quotaFen".into(), "RANGE".into()),
                ("offerValidDays".into(), "RANGE".into()),
            ]
        );
        let mut t = terms();
        t.subsidy_kind = SubsidyKind::Ratio;
        t.subsidy_ratio_permille = Some(1001);
        t.rate_min_bp = 500;
        assert_eq!(
            fields(t),
            [
                ("rateMaxBp".into(), "RANGE".into()),
                ("subsidyRatioPermille".into(), "RANGE".into()),
            ]
        );
    }

    #[test]
    fn product_codes_are_capitals_digits_and_underscores() {
        assert!(valid_product_code("QCD_2027"));
        assert!(!valid_product_code("qcd"));
        assert!(!valid_product_code("Q"));
        assert!(!valid_product_code("青创贷"));
        assert!(!valid_product_code(&"A".repeat(21)));
    }

    #[test]
    fn businesses_have_their_own_ceiling_when_named() {
        assert_eq!(max_amount_for(BorrowerKind::Business, 10, Some(20)), 20);
        assert_eq!(max_amount_for(BorrowerKind::Business, 10, None), 10);
        assert_eq!(max_amount_for(BorrowerKind::Individual, 10, Some(20)), 10);
    }

    fn qcd() -> ProductTerms {
        ProductTerms {
            code: "QCD".into(),
            name: "青创贷".into(),
            description: String::new(),
            bank_id: uuid::Uuid::nil(),
            area_unit_code: "220000".into(),
            borrower_kinds: vec![BorrowerKind::Individual],
            min_amount_fen: 1_000_000,
            max_amount_fen: 30_000_000,
            max_amount_business_fen: None,
            amount_step_fen: 100_000,
            min_term_months: 12,
            max_term_months: 36,
            rate_min_bp: 385,
            rate_max_bp: 435,
            rate_note: None,
            guarantee_types: vec![GuaranteeType::Credit],
            subsidy_kind: SubsidyKind::Full,
            subsidy_ratio_permille: None,
            subsidy_cap_fen: None,
            subsidy_payer_note: None,
            age_min: 18,
            age_max: 45,
            requires_verified_talent: true,
            allow_concurrent_loans: false,
            offer_valid_days: 60,
            valid_from: chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            valid_to: chrono::NaiveDate::from_ymd_opt(2027, 12, 31).unwrap(),
        }
    }

    #[test]
    fn an_application_asks_within_the_terms() {
        let ok = Ask {
            borrower_kind: Some(BorrowerKind::Individual),
            amount_fen: Some(20_000_000),
            term_months: Some(24),
            guarantee_type: Some(GuaranteeType::Credit),
        };
        assert!(ask_errors(&qcd(), ok).is_empty());
        assert!(ask_errors(&qcd(), Ask::default()).is_empty());
        let bad = Ask {
            borrower_kind: Some(BorrowerKind::Business),
            amount_fen: Some(40_000_000),
            term_months: Some(48),
            guarantee_type: Some(GuaranteeType::Collateral),
        };
        let got: Vec<(String, String)> = ask_errors(&qcd(), bad)
            .into_iter()
            .map(|e| (e.field, e.code))
            .collect();
        assert_eq!(
            got,
            [
                ("borrowerKind".into(), "INVALID_VALUE".into()),
                ("amountFen".into(), "RANGE".into()),
                ("termMonths".into(), "RANGE".into()),
                ("guaranteeType".into(), "INVALID_VALUE".into()),
            ]
        );
        let off_step = Ask {
            amount_fen: Some(20_050_000),
            ..ok
        };
        assert_eq!(
            ask_errors(&qcd(), off_step)[0].message,
            "贷款金额应为1000元的整数倍"
        );
    }

    #[test]
    fn a_recommendation_is_at_most_the_amount_applied_for_and_on_the_step() {
        assert!(recommended_amount_error(&qcd(), 20_000_000, 15_000_000).is_none());
        assert!(recommended_amount_error(&qcd(), 20_000_000, 20_000_000).is_none());
        assert!(recommended_amount_error(&qcd(), 20_000_000, 20_100_000).is_some());
        assert!(recommended_amount_error(&qcd(), 20_000_000, 900_000).is_some());
        assert!(recommended_amount_error(&qcd(), 20_000_000, 15_050_000).is_some());
    }

    #[test]
    fn subsidies_are_computed_in_integer_fen_and_never_pass_the_cap() {
        use SubsidyKind as K;
        // (rule, ‰, interest paid, cap left, subsidy)
        type Case = (SubsidyKind, Option<i32>, i64, Option<i64>, i64);
        let table: &[Case] = &[
            // The spec's check: 500 ‰ of 123,457 fen rounds down to 61,728.
            (K::Ratio, Some(500), 123_457, None, 61_728),
            (K::Ratio, Some(333), 100, None, 33),
            (K::Ratio, Some(1000), 99_999, None, 99_999),
            (K::Ratio, Some(1), 999, None, 0),
            (K::Full, None, 123_457, None, 123_457),
            (K::Full, None, 123_457, Some(100_000), 100_000),
            (K::Ratio, Some(500), 123_457, Some(61_728), 61_728),
            (K::Ratio, Some(500), 123_457, Some(10), 10),
            (K::Full, None, 500, Some(0), 0),
            (K::Full, None, 500, Some(-5), 0),
            (K::None, None, 123_457, None, 0),
        ];
        for (kind, ratio, interest, cap_left, expected) in table {
            assert_eq!(
                subsidy_fen(*kind, *ratio, *interest, *cap_left),
                *expected,
                "{kind:?} {ratio:?} {interest} {cap_left:?}"
            );
        }
    }
}
