use chrono::{DateTime, FixedOffset};
use entity::{banks, users};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

pub use crate::auth::{CadreLevel, StaffRole};
use crate::league::LeagueTree;
use crate::time::to_china;

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"username": "nanguan_admin", "password": "a-long-passphrase", "displayName": "南关区团委", "role": "cadre", "leagueUnitCode": "220102"}))]
pub struct CreateStaffRequest {
    /// Login name: 3–32 letters, digits, `_` or `.`; stored in lower case.
    #[validate(custom(
        function = "crate::input::text::visible_length::<3, 32>",
        message = "用户名长度应为3至32个字符"
    ))]
    #[schema(min_length = 3, max_length = 32, pattern = "^[A-Za-z0-9_.]+$")]
    pub username: String,
    #[validate(length(min = 10, max = 128, message = "密码长度应为10至128个字符"))]
    #[schema(min_length = 10, max_length = 128, format = Password)]
    pub password: String,
    #[validate(custom(
        function = "crate::input::text::visible_length::<1, 32>",
        message = "姓名或单位名称长度应为1至32个字符"
    ))]
    #[schema(min_length = 1, max_length = 32)]
    pub display_name: String,
    pub role: StaffRole,
    /// For a cadre: the league unit they act for (`220100`, `220581`, `CBS`; their level is the
    /// unit's). The creator's own unit or one below it.
    pub league_unit_code: Option<String>,
    /// For a cadre, the older form: a province, city or county code naming the unit.
    pub region_code: Option<String>,
    /// For a bank officer: their bank.
    pub bank_id: Option<Uuid>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StaffView {
    pub id: Uuid,
    pub username: String,
    pub display_name: String,
    pub role: StaffRole,
    pub cadre_level: Option<CadreLevel>,
    /// A cadre's league unit (null for bank officers).
    pub league_unit_code: Option<String>,
    pub region_code: Option<String>,
    pub bank_id: Option<Uuid>,
    pub disabled: bool,
    pub created_at: DateTime<FixedOffset>,
}

impl StaffView {
    pub fn new(u: users::Model, league: &LeagueTree) -> Self {
        Self {
            league_unit_code: u
                .league_unit_id
                .and_then(|id| league.by_id(id))
                .map(|unit| unit.code.clone()),
            id: u.id,
            username: u.username.unwrap_or_default(),
            display_name: u.display_name,
            // Only staff accounts are listed (the queries filter on `staff_role`).
            role: u.staff_role.unwrap_or(StaffRole::Cadre),
            cadre_level: u.cadre_level,
            region_code: u.region_code,
            bank_id: u.bank_id,
            disabled: u.disabled,
            created_at: to_china(u.created_at),
        }
    }
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"name": "中国农业银行股份有限公司吉林省分行", "shortName": "农行吉林分行", "unifiedCreditCode": "911100001000054748"}))]
pub struct CreateBankRequest {
    #[validate(custom(
        function = "crate::input::text::visible_length::<2, 64>",
        message = "银行名称长度应为2至64个字符"
    ))]
    #[schema(min_length = 2, max_length = 64, example = "吉林银行")]
    pub name: String,
    /// Shown to youth in product lists and timelines (≤16).
    #[validate(custom(
        function = "crate::input::text::visible_length::<1, 16>",
        message = "银行简称长度应为1至16个字符"
    ))]
    #[schema(min_length = 1, max_length = 16)]
    #[serde(default)]
    pub short_name: Option<String>,
    /// 统一社会信用代码 (GB 32100: 18 characters with a check character; else 422 `FORMAT`).
    #[schema(min_length = 18, max_length = 18, example = "911100001000054748")]
    #[serde(default)]
    pub unified_credit_code: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BankView {
    pub id: Uuid,
    pub name: String,
    pub short_name: Option<String>,
    pub unified_credit_code: Option<String>,
    /// Inactive banks get no new products.
    pub active: bool,
}

impl From<banks::Model> for BankView {
    fn from(b: banks::Model) -> Self {
        Self {
            id: b.id,
            name: b.name,
            short_name: b.short_name,
            unified_credit_code: b.unified_credit_code,
            active: b.active,
        }
    }
}
