//! What a state machine is made of: statuses (the entity's string-backed enum, labelled),
//! actions (declared with [`actions!`](crate::actions)), the pure `next` function a domain writes
//! in its `state.rs`, and [`Subject`], which tells the transition helper where a record keeps
//! its status, version and events.
use std::fmt::Debug;

use entity::workflow_events::ActorKind;
use sea_orm::{ActiveEnum, EntityTrait};
use uuid::Uuid;

use super::events::EventLog;
use crate::choices::Labelled;
use crate::error::ApiError;

/// A status column: a stored enum with a Chinese label (「已推荐」).
/// Serialised and documented as its snake_case value (a timeline's `fromStatus`/`toStatus` is
/// the domain's status enum in the OpenAPI document, not a bare string).
pub trait Status:
    ActiveEnum<Value = String>
    + Labelled
    + serde::Serialize
    + utoipa::ToSchema
    + Copy
    + Eq
    + Debug
    + Send
    + Sync
    + 'static
{
}

impl<T> Status for T where
    T: ActiveEnum<Value = String>
        + Labelled
        + serde::Serialize
        + utoipa::ToSchema
        + Copy
        + Eq
        + Debug
        + Send
        + Sync
        + 'static
{
}

/// An action of a transition table. Declare them with [`actions!`](crate::actions), which also
/// serialises an action as its stored verb and documents it as a string enum of the verbs.
pub trait Action:
    serde::Serialize + utoipa::ToSchema + Copy + Eq + Debug + Send + Sync + 'static
{
    /// The snake_case verb stored in `<domain>_events.action` (`recommend`).
    fn as_str(self) -> &'static str;
    /// How a timeline shows it (`actionLabel`: 「县团委推荐」).
    fn label(self) -> &'static str;
    /// The bare verb for refusals (「当前状态为“已推荐”，无法退回」).
    fn verb(self) -> &'static str;
    fn parse(s: &str) -> Option<Self>;
}

/// Why `next` refuses an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// This kind of actor may never take the action (403 `ROLE_REQUIRED`).
    WrongActor,
    /// Not from the current status (409 `INVALID_STATE`, unless the transition helper finds a
    /// better answer first: a repeat, a domain code, a stale version).
    WrongState,
}

/// 409 `INVALID_STATE` naming the current status: 「当前状态为“已推荐”，无法退回」.
pub fn invalid_state<S: Status, A: Action>(current: S, action: A) -> ApiError {
    ApiError::Conflict(
        "INVALID_STATE",
        format!("当前状态为“{}”，无法{}", current.label(), action.verb()),
    )
}

/// 403 for an actor who may never take the action.
pub fn wrong_actor<A: Action>(action: A) -> ApiError {
    ApiError::Forbidden("ROLE_REQUIRED", format!("无权{}", action.verb()))
}

/// A record with a lifecycle: implemented by the entity model in the domain's `state.rs`.
///
/// The table has `id` (uuid), `status` and `version` (integer, starts at 1) columns; every
/// event-writing action adds one to `version`, and the event's `seq` is the version after it.
pub trait Subject: Clone + Send + Sync + Sized + 'static {
    type Entity: EntityTrait<Model = Self>;
    type Status: Status;
    type Action: Action;
    /// Where its events go (`talent_events`, or `volunteer_events` with kind `report`, …).
    const EVENTS: EventLog;
    /// What people call it, for 404s (「志愿服务申报」).
    const NAME: &'static str;
    /// The 409 for staff who acted on an older version: `("PROFILE_CHANGED", "…请刷新后重试")`.
    const CHANGED: (&'static str, &'static str);

    fn id(&self) -> Uuid;
    fn status(&self) -> Self::Status;
    fn version(&self) -> i32;
    /// The domain's transition table (`state::next`).
    fn next(
        from: Self::Status,
        action: Self::Action,
        actor: ActorKind,
    ) -> Result<Self::Status, Refusal>;
}

/// Implement [`Subject`] for a model with `id`, `status` and `version` columns: the one place the
/// four accessors are written, so a domain states only what differs.
///
/// ```ignore
/// jiqing::subject! {
///     loan_applications::Model {
///         entity: loan_applications::Entity,
///         status: LoanStatus,
///         action: LoanAction,
///         events: EventLog::kind("loan_events", "application"),
///         name: "贷款申请",
///         changed: ("APPLICATION_CHANGED", "该申请已有更新，请刷新后重试"),
///         next: next_application,
///     }
/// }
/// ```
#[macro_export]
macro_rules! subject {
    ($model:ty {
        entity: $entity:ty,
        status: $status:ty,
        action: $action:ty,
        events: $events:expr,
        name: $name:expr,
        changed: $changed:expr,
        next: $next:path $(,)?
    }) => {
        impl $crate::workflow::Subject for $model {
            type Entity = $entity;
            type Status = $status;
            type Action = $action;
            const EVENTS: $crate::workflow::EventLog = $events;
            const NAME: &'static str = $name;
            const CHANGED: (&'static str, &'static str) = $changed;

            fn id(&self) -> ::uuid::Uuid {
                self.id
            }
            fn status(&self) -> $status {
                self.status
            }
            fn version(&self) -> i32 {
                self.version
            }
            fn next(
                from: $status,
                action: $action,
                actor: ::entity::workflow_events::ActorKind,
            ) -> Result<$status, $crate::workflow::Refusal> {
                $next(from, action, actor)
            }
        }
    };
}

/// Declare the actions of a transition table with their stored verb, timeline label and bare
/// verb for refusals:
///
/// ```ignore
/// jiqing::actions! {
///     /// What happens to a loan application.
///     pub enum LoanAction {
///         Recommend = "recommend", "县团委推荐", "推荐";
///         Return = "return", "县团委退回修改", "退回";
///     }
/// }
/// ```
#[macro_export]
macro_rules! actions {
    ($(#[$meta:meta])* $vis:vis enum $name:ident {
        $($(#[$vmeta:meta])* $variant:ident = $code:literal, $label:literal, $verb:literal;)+
    }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        $vis enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
        }

        impl $crate::workflow::Action for $name {
            fn as_str(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }
            fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }
            fn verb(self) -> &'static str {
                match self { $($name::$variant => $verb),+ }
            }
            fn parse(s: &str) -> Option<Self> {
                match s { $($code => Some($name::$variant),)+ _ => None }
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<Ser: ::serde::Serializer>(&self, s: Ser) -> Result<Ser::Ok, Ser::Error> {
                s.serialize_str($crate::workflow::Action::as_str(*self))
            }
        }

        impl ::utoipa::PartialSchema for $name {
            fn schema() -> ::utoipa::openapi::RefOr<::utoipa::openapi::schema::Schema> {
                ::utoipa::openapi::schema::ObjectBuilder::new()
                    .schema_type(::utoipa::openapi::schema::Type::String)
                    .enum_values(Some([$($code),+]))
                    .into()
            }
        }

        impl ::utoipa::ToSchema for $name {
            fn name() -> ::std::borrow::Cow<'static, str> {
                ::std::borrow::Cow::Borrowed(stringify!($name))
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::talents::state::ProfileAction;
    use entity::talent_profiles::TalentStatus;

    #[test]
    fn refusals_name_the_current_status_and_the_action() {
        let e = invalid_state(TalentStatus::Verified, ProfileAction::Reject);
        assert_eq!(e.code(), "INVALID_STATE");
        assert_eq!(e.envelope().error.message, "当前状态为“已认定”，无法退回");
        let e = wrong_actor(ProfileAction::Verify);
        assert_eq!(e.code(), "ROLE_REQUIRED");
        assert_eq!(e.envelope().error.message, "无权认定");
    }
}
