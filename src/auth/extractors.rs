//! Request extractors: `CurrentUser` (any logged-in caller), `Cadre`, `BankOfficer`,
//! `HostSupervisor`.
//!
//! A handler that takes `cadre: Cadre` can only run for a cadre, and `cadre.ensure_covers(code)?`
//! is the single line that keeps them inside their region.
use std::ops::Deref;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use entity::{auth_sessions, users};
use futures_util::future::{LocalBoxFuture, Ready, ready};
use sea_orm::sea_query::{Expr, ExprTrait, Query, SimpleExpr};
use sea_orm::{ColumnTrait, EntityTrait};
use tokio::sync::oneshot;
use uuid::Uuid;

use super::identity::{CadreScope, StaffRole};
use crate::app_state::AppState;
use crate::error::ApiError;

#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub user: users::Model,
    pub session_id: Uuid,
}

impl CurrentUser {
    pub fn id(&self) -> Uuid {
        self.user.id
    }

    pub fn is_youth(&self) -> bool {
        self.user.staff_role.is_none()
    }

    /// Youth-only endpoints (talent profile, sign-ups): staff accounts are refused.
    pub fn require_youth(&self) -> Result<(), ApiError> {
        if self.is_youth() {
            Ok(())
        } else {
            Err(ApiError::Forbidden(
                "YOUTH_ONLY",
                "该功能仅对青年用户开放".into(),
            ))
        }
    }
}

/// The token of an `Authorization: Bearer …` header, if one was sent.
pub fn bearer(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_owned())
}

fn state_of(req: &HttpRequest) -> Result<&web::Data<AppState>, ApiError> {
    req.app_data::<web::Data<AppState>>()
        .ok_or_else(|| ApiError::Unexpected(anyhow::anyhow!("AppState missing")))
}

/// The claims of the request's bearer token, verified (`UNAUTHENTICATED` / `INVALID_TOKEN`).
fn claims_of(req: &HttpRequest) -> Result<super::jwt::Verified, ApiError> {
    let state = state_of(req)?;
    let token = bearer(req).ok_or_else(ApiError::unauthenticated)?;
    state
        .jwt
        .verify(&token)
        .ok_or_else(|| ApiError::Unauthorized("INVALID_TOKEN", "登录已失效，请重新登录".into()))
}

async fn load(req: HttpRequest) -> Result<CurrentUser, ApiError> {
    let state = state_of(&req)?;
    let claims = claims_of(&req)?;
    // One query for the session and its user: every authenticated request passes here.
    let ended = || ApiError::Unauthorized("SESSION_ENDED", "登录已结束，请重新登录".into());
    let (session, user) = auth_sessions::Entity::find_by_id(claims.sid)
        .find_also_related(users::Entity)
        .one(&state.db)
        .await?
        .ok_or_else(ended)?;
    let user = user.ok_or_else(ended)?;
    if session.revoked_at.is_some() || session.user_id != claims.sub {
        return Err(ended());
    }
    if user.disabled {
        return Err(ApiError::Forbidden(
            "ACCOUNT_DISABLED",
            "账号已停用，请联系管理员".into(),
        ));
    }
    Ok(CurrentUser {
        user,
        session_id: session.id,
    })
}

/// Identity look-ups under way for this request, one per identity extractor. actix runs a
/// handler's extractors side by side, so a body error could beat the slower "you are not a
/// cadre" answer; the body extractor waits for these first (role before body).
#[derive(Default)]
struct PendingIdentity(Vec<oneshot::Receiver<()>>);

/// Note an identity look-up; the returned sender is dropped when it is settled.
fn identity_started(req: &HttpRequest) -> oneshot::Sender<()> {
    let (tx, rx) = oneshot::channel();
    let mut ext = req.extensions_mut();
    match ext.get_mut::<PendingIdentity>() {
        Some(p) => p.0.push(rx),
        None => {
            ext.insert(PendingIdentity(vec![rx]));
        }
    }
    tx
}

/// Resolves once every identity extractor of this request has its answer (at once when the
/// handler takes none).
pub async fn identity_settled(req: &HttpRequest) {
    let pending = req.extensions_mut().remove::<PendingIdentity>();
    for rx in pending.map(|p| p.0).unwrap_or_default() {
        // An error only means the sender is gone, which is what we wait for.
        let _ = rx.await;
    }
}

impl FromRequest for CurrentUser {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let settled = identity_started(req);
        let req = req.clone();
        Box::pin(async move {
            let _settled = settled;
            load(req).await
        })
    }
}

/// A caller whose token is verified and whose session the handler checks inside its own
/// statement, for the lists a youth opens first: one statement instead of the session look-up
/// and then the page. The handler adds [`InlineSession::is_live`] to its query and runs its body
/// in [`InlineSession::settle`]: a session that has ended (or an account disabled) returns no
/// rows, and when the body found none, or failed, the session is looked up as [`CurrentUser`]
/// does first, so the caller gets the same answers in the same order (`SESSION_ENDED`,
/// `ACCOUNT_DISABLED` before a parameter error or an empty page).
pub struct InlineSession {
    pub user_id: Uuid,
    session_id: Uuid,
    req: HttpRequest,
}

impl InlineSession {
    /// True while the token's session is open, belongs to the token's user and that account is
    /// not disabled: exactly what [`CurrentUser`] checks (an uncorrelated `EXISTS`, evaluated
    /// once per statement).
    pub fn is_live(&self) -> SimpleExpr {
        Expr::exists(
            Query::select()
                .expr(Expr::val(1))
                .from(auth_sessions::Entity)
                .inner_join(
                    users::Entity,
                    Expr::col((users::Entity, users::Column::Id))
                        .equals((auth_sessions::Entity, auth_sessions::Column::UserId)),
                )
                .and_where(auth_sessions::Column::Id.eq(self.session_id))
                .and_where(auth_sessions::Column::UserId.eq(self.user_id))
                .and_where(auth_sessions::Column::RevokedAt.is_null())
                .and_where(users::Column::Disabled.eq(false))
                .to_owned(),
        )
    }

    /// Run a handler's body, which answers its value and whether its statement with
    /// [`Self::is_live`] returned rows (which shows the session live). With no rows, or an
    /// error, the session look-up of [`CurrentUser`] runs first and its error wins.
    pub async fn settle<T>(
        &self,
        body: impl Future<Output = Result<(T, bool), ApiError>>,
    ) -> Result<T, ApiError> {
        match body.await {
            Ok((value, true)) => Ok(value),
            Ok((value, false)) => load(self.req.clone()).await.map(|_| value),
            Err(e) => {
                load(self.req.clone()).await?;
                Err(e)
            }
        }
    }
}

impl FromRequest for InlineSession {
    type Error = ApiError;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(claims_of(req).map(|claims| InlineSession {
            user_id: claims.sub,
            session_id: claims.sid,
            req: req.clone(),
        }))
    }
}

/// Extractors for a kind of account: load the caller, then narrow them down or refuse.
trait RoleExtractor: Sized + 'static {
    fn narrow(user: CurrentUser, state: &AppState) -> Result<Self, ApiError>;
}

/// Implements `FromRequest` for role extractors through [`RoleExtractor::narrow`].
macro_rules! role_extractor {
    ($t:ty) => {
        impl FromRequest for $t {
            type Error = ApiError;
            type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

            fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
                let settled = identity_started(req);
                let req = req.clone();
                Box::pin(async move {
                    let _settled = settled;
                    let user = load(req.clone()).await?;
                    <$t>::narrow(user, state_of(&req)?)
                })
            }
        }
    };
}

/// A logged-in league cadre with their league unit (level and scope).
#[derive(Debug, Clone)]
pub struct Cadre {
    pub scope: CadreScope,
    pub user: CurrentUser,
}

impl Deref for Cadre {
    type Target = CadreScope;
    fn deref(&self) -> &CadreScope {
        &self.scope
    }
}

fn not_staff(kind: &str) -> ApiError {
    ApiError::Forbidden("ROLE_REQUIRED", format!("仅限{kind}使用"))
}

impl RoleExtractor for Cadre {
    fn narrow(user: CurrentUser, state: &AppState) -> Result<Self, ApiError> {
        let scope =
            CadreScope::from_user(&user.user, &state.league).ok_or_else(|| not_staff("团干部"))?;
        Ok(Cadre { scope, user })
    }
}
role_extractor!(Cadre);

/// A logged-in partner-bank officer and their bank.
#[derive(Debug, Clone)]
pub struct BankOfficer {
    pub bank_id: Uuid,
    pub user: CurrentUser,
}

impl RoleExtractor for BankOfficer {
    fn narrow(user: CurrentUser, _: &AppState) -> Result<Self, ApiError> {
        match (user.user.staff_role, user.user.bank_id) {
            (Some(StaffRole::BankOfficer), Some(bank_id)) => Ok(BankOfficer { bank_id, user }),
            _ => Err(not_staff("合作银行工作人员")),
        }
    }
}
role_extractor!(BankOfficer);

/// A logged-in staff member of either kind, for the endpoints both use (the to-do counts).
#[derive(Debug, Clone)]
pub enum Staff {
    Cadre(Cadre),
    BankOfficer(BankOfficer),
}

impl RoleExtractor for Staff {
    fn narrow(user: CurrentUser, state: &AppState) -> Result<Self, ApiError> {
        if let Some(scope) = CadreScope::from_user(&user.user, &state.league) {
            return Ok(Staff::Cadre(Cadre { scope, user }));
        }
        BankOfficer::narrow(user, state)
            .map(Staff::BankOfficer)
            .map_err(|_| not_staff("团干部或合作银行工作人员"))
    }
}
role_extractor!(Staff);

/// A WeChat user bound to at least one host unit (an active `host_supervisors` row: accepted,
/// not revoked), with those hosts. Anyone else: 403 `HOST_SUPERVISOR_ONLY`. A suspended host's
/// supervisors still pass (they read; the domain refuses their writes with `HOST_SUSPENDED`).
#[derive(Debug, Clone)]
pub struct HostSupervisor {
    pub user: CurrentUser,
    pub host_unit_ids: Vec<Uuid>,
}

impl HostSupervisor {
    pub fn supervises(&self, host_unit_id: Uuid) -> bool {
        self.host_unit_ids.contains(&host_unit_id)
    }
}

impl FromRequest for HostSupervisor {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        use entity::host_supervisors::{self, Column as HS};
        use sea_orm::{ColumnTrait, QueryFilter, QuerySelect};
        let settled = identity_started(req);
        let req = req.clone();
        Box::pin(async move {
            let _settled = settled;
            let user = load(req.clone()).await?;
            let state = state_of(&req)?;
            let host_unit_ids: Vec<Uuid> = host_supervisors::Entity::find()
                .select_only()
                .column(HS::HostUnitId)
                .filter(HS::UserId.eq(user.id()))
                .filter(HS::AcceptedAt.is_not_null())
                .filter(HS::RevokedAt.is_null())
                .into_tuple()
                .all(&state.db)
                .await?;
            if host_unit_ids.is_empty() {
                return Err(ApiError::Forbidden(
                    "HOST_SUPERVISOR_ONLY",
                    "仅限接收单位带教负责人使用".into(),
                ));
            }
            Ok(HostSupervisor {
                user,
                host_unit_ids,
            })
        })
    }
}
