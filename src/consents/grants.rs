use chrono::{DateTime, Utc};
use entity::sharing_consents::{self as consents, ConsentPurpose, ConsentSubject, RecipientKind};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use uuid::Uuid;

use crate::error::{ApiResult, FieldError};

/// Who receives the data, as the youth was told when agreeing.
#[derive(Debug, Clone, Copy)]
pub struct Recipient<'a> {
    pub kind: RecipientKind,
    /// The mentor profile, bank or host unit; `None` for the public.
    pub id: Option<Uuid>,
    /// Shown to the youth (「中国农业银行吉林省分行」).
    pub name: &'a str,
}

/// What the consent is for: the record whose action shares the data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Subject {
    pub kind: ConsentSubject,
    pub id: Uuid,
}

/// One grant, as a domain action records it.
#[derive(Debug, Clone, Copy)]
pub struct NewConsent<'a> {
    pub user_id: Uuid,
    pub purpose: ConsentPurpose,
    pub recipient: Recipient<'a>,
    pub subject: Subject,
    /// The version of the text the youth agreed to.
    pub consent_version: &'a str,
}

/// A versioned consent text with the recipient's name in it, as a domain's options endpoint
/// serves it: `ConsentText { version: "2026-12", template: "我同意将…提供给{recipient}…" }`.
#[derive(Debug, Clone, Copy)]
pub struct ConsentText {
    pub version: &'static str,
    /// The text, with `{recipient}` where the recipient's name goes.
    pub template: &'static str,
}

impl ConsentText {
    pub fn render(&self, recipient_name: &str) -> String {
        self.template.replace("{recipient}", recipient_name)
    }

    /// The field errors of a request's consent: `agreed_field` must be `true`
    /// (`CONSENT_REQUIRED`) and `consentVersion` the current version (`CONSENT_OUTDATED`).
    pub fn check(&self, agreed_field: &str, agreed: bool, version: &str) -> Vec<FieldError> {
        require(agreed_field, agreed, version, self.version)
    }
}

/// The field errors of a request's consent (see [`ConsentText::check`]).
pub fn require(agreed_field: &str, agreed: bool, version: &str, current: &str) -> Vec<FieldError> {
    if !agreed {
        vec![FieldError::new(
            agreed_field,
            "CONSENT_REQUIRED",
            "请阅读并单独同意向接收方提供个人信息后再提交",
        )]
    } else if version != current {
        vec![FieldError::new(
            "consentVersion",
            "CONSENT_OUTDATED",
            "授权说明已更新，请阅读新版本并重新同意",
        )]
    } else {
        Vec::new()
    }
}

/// Record a grant (in the transaction of the action that shares the data).
pub async fn grant(
    db: &impl ConnectionTrait,
    c: NewConsent<'_>,
    now: DateTime<Utc>,
) -> ApiResult<consents::Model> {
    Ok(consents::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(c.user_id),
        purpose: Set(c.purpose),
        recipient_kind: Set(c.recipient.kind),
        recipient_id: Set(c.recipient.id),
        recipient_name: Set(Some(c.recipient.name.to_owned())),
        subject_kind: Set(c.subject.kind),
        subject_id: Set(Some(c.subject.id)),
        consent_version: Set(c.consent_version.to_owned()),
        granted_at: Set(now),
        withdrawn_at: Set(None),
    }
    .insert(db)
    .await?)
}

/// End the subject's sharing (cancel, withdraw, end): every consent of it still in force, or
/// only those of `purpose`. Returns how many ended; repeating is harmless.
pub async fn withdraw(
    db: &impl ConnectionTrait,
    subject: Subject,
    purpose: Option<ConsentPurpose>,
    now: DateTime<Utc>,
) -> ApiResult<u64> {
    let mut q = consents::Entity::update_many()
        .col_expr(consents::Column::WithdrawnAt, Expr::value(now))
        .filter(consents::Column::SubjectKind.eq(subject.kind))
        .filter(consents::Column::SubjectId.eq(subject.id))
        .filter(consents::Column::WithdrawnAt.is_null());
    if let Some(p) = purpose {
        q = q.filter(consents::Column::Purpose.eq(p));
    }
    Ok(q.exec(db).await?.rows_affected)
}

/// The consents of a subject still in force, oldest first (e.g. before showing a mentor the
/// mentee's phone).
pub async fn active_for(
    db: &impl ConnectionTrait,
    subject: Subject,
) -> ApiResult<Vec<consents::Model>> {
    Ok(consents::Entity::find()
        .filter(consents::Column::SubjectKind.eq(subject.kind))
        .filter(consents::Column::SubjectId.eq(subject.id))
        .filter(consents::Column::WithdrawnAt.is_null())
        .order_by_asc(consents::Column::GrantedAt)
        .all(db)
        .await?)
}

/// Retention (`retention-anonymise`): forget who received the data and for which record; purpose,
/// version and dates stay for the statistics.
pub async fn anonymise(db: &impl ConnectionTrait, subject: Subject) -> ApiResult<u64> {
    Ok(consents::Entity::update_many()
        .col_expr(consents::Column::RecipientId, Expr::value(None::<Uuid>))
        .col_expr(consents::Column::RecipientName, Expr::value(None::<String>))
        .col_expr(consents::Column::SubjectId, Expr::value(None::<Uuid>))
        .filter(consents::Column::SubjectKind.eq(subject.kind))
        .filter(consents::Column::SubjectId.eq(subject.id))
        .exec(db)
        .await?
        .rows_affected)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: ConsentText = ConsentText {
        version: "2026-12",
        template: "我同意将联系方式提供给{recipient}",
    };

    #[test]
    fn the_text_names_the_recipient() {
        assert_eq!(TEXT.render("王导师"), "我同意将联系方式提供给王导师");
    }

    #[test]
    fn consent_must_be_given_for_the_current_text() {
        assert!(TEXT.check("shareContact", true, "2026-12").is_empty());
        let no = TEXT.check("shareContact", false, "2026-12");
        assert_eq!(
            (no[0].field.as_str(), no[0].code.as_str()),
            ("shareContact", "CONSENT_REQUIRED")
        );
        let old = TEXT.check("shareContact", true, "2026-01");
        assert_eq!(
            (old[0].field.as_str(), old[0].code.as_str()),
            ("consentVersion", "CONSENT_OUTDATED")
        );
    }
}
