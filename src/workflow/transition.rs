//! The one way a lifecycle changes (conventions §2): a conditional update of the subject and its
//! event, in the caller's transaction.
//!
//! ```text
//! UPDATE t SET status = :to, version = version + 1, … WHERE id = :id AND status = :from
//!                                                      [AND version = :seen] [AND …guards]
//! ```
//!
//! When no row matched, the record is read again and the answer is, in this order:
//! 1. the same actor already did the same action with the same body (the subject's last event
//!    has their `actor_user_id`, `action` and `payload_json`) → [`Applied::Repeated`] with the
//!    current record, nothing written (the handler answers 200);
//! 2. the domain's own code for the situation ([`Transition::or_else`]: `OFFER_LAPSED`, …);
//! 3. staff sent a `version` that is no longer current while the action would still be allowed
//!    → 409 `<SUBJECT>_CHANGED` ([`Subject::CHANGED`]): look again before deciding;
//! 4. otherwise 409 `INVALID_STATE` naming the current status (「当前状态为“已推荐”，无法退回」).
//!
//! An action the pure `next` refuses from the status the caller read goes the same way, so a
//! repeat of a finished action is a 200 and not a conflict.
use entity::workflow_events::EventRow;
use sea_orm::sea_query::{
    Condition, DynIden, Expr, ExprTrait, IntoCondition, IntoIden, SimpleExpr,
};
use sea_orm::{ActiveEnum, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter};
use serde::Serialize;
use uuid::Uuid;

use super::actor::Actor;
use super::events::{self, NewEvent};
use super::machine::{Action, Refusal, Subject, invalid_state, wrong_actor};
use crate::error::{ApiError, ApiResult};

/// What a transition did.
#[derive(Debug, Clone)]
pub enum Applied<M> {
    /// The change was made and logged.
    Done { record: M, event: Box<EventRow> },
    /// The same actor had already done this with the same body: nothing was written.
    Repeated(M),
}

impl<M> Applied<M> {
    pub fn record(&self) -> &M {
        match self {
            Self::Done { record, .. } | Self::Repeated(record) => record,
        }
    }

    pub fn into_record(self) -> M {
        match self {
            Self::Done { record, .. } | Self::Repeated(record) => record,
        }
    }

    /// True when this call made the change (run side effects, notify).
    pub fn is_done(&self) -> bool {
        matches!(self, Self::Done { .. })
    }
}

type Explain<'a, M> = Box<dyn Fn(&M) -> Option<ApiError> + Send + Sync + 'a>;

/// One transition of one record, built from the record as the caller read it.
pub struct Transition<'a, M: Subject> {
    current: &'a M,
    action: M::Action,
    actor: &'a Actor,
    seen: Option<i32>,
    sets: Vec<(DynIden, SimpleExpr)>,
    guard: Condition,
    reason: Option<String>,
    internal_note: Option<String>,
    payload: Option<String>,
    idempotency_key: Option<String>,
    explain: Option<Explain<'a, M>>,
}

impl<'a, M: Subject> Transition<'a, M> {
    pub fn new(current: &'a M, action: M::Action, actor: &'a Actor) -> Self {
        Self {
            current,
            action,
            actor,
            seen: None,
            sets: Vec::new(),
            guard: Condition::all(),
            reason: None,
            internal_note: None,
            payload: None,
            idempotency_key: None,
            explain: None,
        }
    }

    /// The version the caller looked at (staff send it back): the update also requires it.
    pub fn seen(mut self, version: Option<i32>) -> Self {
        self.seen = version;
        self
    }

    /// Another column to set in the same statement.
    pub fn set(mut self, column: impl IntoIden, value: impl Into<SimpleExpr>) -> Self {
        self.sets.push((column.into_iden(), value.into()));
        self
    }

    /// A further condition of the update (`offer_expires_at > :now`); when it fails, say why
    /// with [`or_else`](Self::or_else).
    pub fn only_if(mut self, condition: impl IntoCondition) -> Self {
        self.guard = self.guard.add(condition);
        self
    }

    /// Shown on the timeline to everyone who sees it (≤500 characters).
    pub fn reason(mut self, reason: Option<impl Into<String>>) -> Self {
        self.reason = reason.map(Into::into);
        self
    }

    /// Shown to staff only (≤500 characters).
    pub fn internal_note(mut self, note: Option<impl Into<String>>) -> Self {
        self.internal_note = note.map(Into::into);
        self
    }

    /// The request body, kept in canonical form; a repeat is recognised by it. Never pass
    /// personal data (ID numbers, phones).
    pub fn payload<T: Serialize>(mut self, body: &T) -> Self {
        self.payload = events::payload(body);
        self
    }

    /// A payload already in canonical form ([`events::payload`]), for a body that was consumed.
    pub fn payload_json(mut self, payload: Option<String>) -> Self {
        self.payload = payload;
        self
    }

    pub fn idempotency_key(mut self, key: Option<String>) -> Self {
        self.idempotency_key = key;
        self
    }

    /// The domain's answer when the update did not happen, given the record as it is now
    /// (step 2 of the order above). Return `None` to fall through.
    pub fn or_else(mut self, explain: impl Fn(&M) -> Option<ApiError> + Send + Sync + 'a) -> Self {
        self.explain = Some(Box::new(explain));
        self
    }

    /// Make the change, or explain in the order above why not.
    pub async fn run(self, db: &DatabaseTransaction) -> ApiResult<Applied<M>> {
        let from = self.current.status();
        match M::next(from, self.action, self.actor.kind) {
            Ok(to) => {
                if let Some((record, event)) = self.apply(db, to).await? {
                    return Ok(Applied::Done {
                        record,
                        event: Box::new(event),
                    });
                }
            }
            Err(Refusal::WrongActor) => return Err(wrong_actor(self.action)),
            Err(Refusal::WrongState) => {}
        }
        let now = reload::<M>(db, self.current.id()).await?;
        self.refusal(db, now).await
    }

    /// Make the change, or `None` when the record moved since the caller read it (no
    /// explanation: for callers that read again and retry, such as an owner's optimistic save).
    pub async fn attempt(self, db: &DatabaseTransaction) -> ApiResult<Option<(M, EventRow)>> {
        let from = self.current.status();
        match M::next(from, self.action, self.actor.kind) {
            Ok(to) => self.apply(db, to).await,
            Err(Refusal::WrongActor) => Err(wrong_actor(self.action)),
            Err(Refusal::WrongState) => Err(invalid_state(from, self.action)),
        }
    }

    async fn apply(
        &self,
        db: &DatabaseTransaction,
        to: M::Status,
    ) -> ApiResult<Option<(M, EventRow)>> {
        let id = self.current.id();
        let from = self.current.status();
        let mut update = M::Entity::update_many()
            .col_expr("status", Expr::value(to.to_value()))
            .col_expr("version", Expr::col("version").add(1));
        for (column, value) in &self.sets {
            update = update.col_expr(column.clone(), value.clone());
        }
        update = update
            .filter(Expr::col("id").eq(id))
            .filter(Expr::col("status").eq(from.to_value()))
            .filter(self.guard.clone());
        if let Some(seen) = self.seen {
            update = update.filter(Expr::col("version").eq(seen));
        }
        if update.exec(db).await?.rows_affected == 0 {
            return Ok(None);
        }
        // This transaction holds the row now, so the version read back is the one it wrote.
        let record = reload::<M>(db, id).await?;
        let event = events::append(
            db,
            M::EVENTS,
            NewEvent {
                subject_id: id,
                seq: record.version(),
                action: self.action.as_str(),
                from_status: Some(from.to_value()),
                to_status: to.to_value(),
                actor: self.actor.clone(),
                reason: self.reason.clone(),
                internal_note: self.internal_note.clone(),
                payload_json: self.payload.clone(),
                idempotency_key: self.idempotency_key.clone(),
            },
        )
        .await?;
        Ok(Some((record, event)))
    }

    async fn refusal(self, db: &DatabaseTransaction, now: M) -> ApiResult<Applied<M>> {
        if let (Some(user), Some(last)) = (
            self.actor.user_id,
            events::last(db, M::EVENTS, now.id()).await?,
        ) && last.actor_user_id == Some(user)
            && last.action == self.action.as_str()
            && last.payload_json == self.payload
        {
            return Ok(Applied::Repeated(now));
        }
        if let Some(err) = self.explain.as_ref().and_then(|explain| explain(&now)) {
            return Err(err);
        }
        let still_allowed = M::next(now.status(), self.action, self.actor.kind).is_ok();
        if still_allowed && self.seen.is_some_and(|seen| seen != now.version()) {
            let (code, message) = M::CHANGED;
            return Err(ApiError::Conflict(code, message.into()));
        }
        Err(invalid_state(now.status(), self.action))
    }
}

/// Log the creation of a subject just inserted (version 1): `from_status` is null.
pub async fn record_creation<M: Subject>(
    db: &DatabaseTransaction,
    record: &M,
    action: M::Action,
    actor: &Actor,
    payload: Option<String>,
    idempotency_key: Option<String>,
) -> ApiResult<EventRow> {
    events::append(
        db,
        M::EVENTS,
        NewEvent {
            subject_id: record.id(),
            seq: record.version(),
            action: action.as_str(),
            from_status: None,
            to_status: record.status().to_value(),
            actor: actor.clone(),
            reason: None,
            internal_note: None,
            payload_json: payload,
            idempotency_key,
        },
    )
    .await
}

/// The record by id, or 404 with its name.
pub async fn reload<M: Subject>(db: &impl ConnectionTrait, id: Uuid) -> ApiResult<M> {
    M::Entity::find()
        .filter(Expr::col("id").eq(id))
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found(M::NAME))
}
