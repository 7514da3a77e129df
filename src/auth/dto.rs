use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

use super::identity::{CadreLevel, Role};

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WechatLoginRequest {
    /// The code from `wx.login()` (single use). In development without WeChat, `dev:<name>`.
    #[validate(custom(
        function = "crate::input::text::visible_length::<1, 128>",
        message = "登录凭证不能为空"
    ))]
    #[schema(min_length = 1, max_length = 128, example = "0a3Xyz000abcDEF")]
    pub code: String,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PhoneBindRequest {
    /// The code from the `getPhoneNumber` button (single use, 5 minutes).
    #[validate(custom(
        function = "crate::input::text::visible_length::<1, 128>",
        message = "手机号授权凭证不能为空"
    ))]
    #[schema(min_length = 1, max_length = 128)]
    pub code: String,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StaffLoginRequest {
    #[validate(custom(
        function = "crate::input::text::visible_length::<1, 64>",
        message = "请输入用户名"
    ))]
    #[schema(min_length = 1, max_length = 64, example = "changchun_admin")]
    pub username: String,
    #[validate(length(min = 1, max = 128, message = "请输入密码"))]
    #[schema(min_length = 1, max_length = 128, format = Password)]
    pub password: String,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RefreshRequest {
    #[validate(custom(
        function = "crate::input::text::visible_length::<1, 256>",
        message = "刷新令牌不能为空"
    ))]
    #[schema(min_length = 1, max_length = 256)]
    pub refresh_token: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CadreView {
    /// The league unit's level.
    pub level: CadreLevel,
    /// The league unit the cadre acts for (`220100`, `220581`, `CBS`).
    pub unit_code: String,
    /// 「共青团长春市委员会」
    pub unit_name: String,
    /// 「长春市团委」
    pub unit_short_name: String,
    /// The unit's region when it is exactly one (null for `CBS`).
    pub region_code: Option<String>,
    /// That region's name (the unit's short name for `CBS`).
    pub region_name: String,
}

/// The caller's own account.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MeView {
    pub id: Uuid,
    pub display_name: String,
    pub roles: Vec<Role>,
    /// The bound phone, masked (`138****1234`).
    pub phone: Option<String>,
    pub cadre: Option<CadreView>,
    pub bank_id: Option<Uuid>,
    pub bank_name: Option<String>,
}

/// `tokenType` is always `Bearer`.
fn bearer_schema() -> utoipa::openapi::schema::Object {
    utoipa::openapi::schema::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .enum_values(Some(["Bearer"]))
        .build()
}

/// Tokens for a new or refreshed login.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TokenResponse {
    /// JWT for `Authorization: Bearer …`.
    pub access_token: String,
    #[schema(schema_with = bearer_schema)]
    pub token_type: String,
    /// Seconds until the access token expires.
    pub expires_in: u64,
    /// Single-use token for `POST /api/v1/auth/refresh`; each use returns a new one.
    pub refresh_token: String,
    pub user: MeView,
}
