//! Record fields that hold media keys (`photos`, `attachments`, `evidence`): which keys a caller
//! may put there, and taking them for the record inside the record's transaction.
//!
//! ```ignore
//! const PHOTOS: MediaField = MediaField::new("photos", MediaPurpose::VolunteerReport);
//! let record = Attachment::new("volunteer_report", id);
//! errors.extend(PHOTOS.check(&state.db, user.id(), &body.photos, record).await?);  // before the transaction
//! PHOTOS.attach(&txn, user.id(), &body.photos, record).await?;                      // inside it
//! media::release(&txn, record).await?;                                                // when the record goes
//! ```
use std::collections::{HashMap, HashSet};

use chrono::Utc;
use entity::media::{self, MediaPurpose};
use sea_orm::sea_query::{Condition, Expr};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::store::is_key;
use crate::error::{ApiError, ApiResult, FieldError};

const CODE: &str = "MEDIA_KEY_INVALID";

/// The record a field's files belong to: its kind (`volunteer_report`, `loan_application`, …)
/// and id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attachment {
    pub kind: &'static str,
    pub id: Uuid,
}

impl Attachment {
    pub const fn new(kind: &'static str, id: Uuid) -> Self {
        Self { kind, id }
    }
}

/// A DTO field holding media keys, and the one purpose it accepts.
#[derive(Debug, Clone, Copy)]
pub struct MediaField {
    /// The JSON name, used in field errors (`photos[2]`).
    pub name: &'static str,
    pub purpose: MediaPurpose,
}

/// Why a key cannot go into a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyProblem {
    /// Unknown, expired, or someone else's (not told apart, so keys cannot be probed).
    Unavailable,
    WrongPurpose,
    AttachedElsewhere,
    Repeated,
}

impl KeyProblem {
    fn message(self) -> &'static str {
        match self {
            Self::Unavailable => "文件不存在或已过期，请重新上传",
            Self::WrongPurpose => "该文件不是为此处上传的，请重新上传",
            Self::AttachedElsewhere => "该文件已用于其他记录，请重新上传",
            Self::Repeated => "同一文件不能重复提交",
        }
    }
}

/// The rule for one key, given its row (if any): usable when it is already this record's file
/// of this purpose, or the caller's own unattached upload of this purpose.
pub fn judge(
    row: Option<&media::Model>,
    purpose: MediaPurpose,
    owner: Uuid,
    record: Attachment,
) -> Option<KeyProblem> {
    let Some(row) = row else {
        return Some(KeyProblem::Unavailable);
    };
    let mine_here =
        row.attached_kind.as_deref() == Some(record.kind) && row.attached_id == Some(record.id);
    if mine_here {
        return (row.purpose != purpose).then_some(KeyProblem::WrongPurpose);
    }
    if row.owner_user_id != owner {
        return Some(KeyProblem::Unavailable);
    }
    if row.purpose != purpose {
        return Some(KeyProblem::WrongPurpose);
    }
    row.attached_id
        .is_some()
        .then_some(KeyProblem::AttachedElsewhere)
}

impl MediaField {
    pub const fn new(name: &'static str, purpose: MediaPurpose) -> Self {
        Self { name, purpose }
    }

    /// Field errors (`MEDIA_KEY_INVALID`, naming `photos[2]`) for the keys `owner` may not put
    /// in this field of `record`; empty when all are fine.
    pub async fn check(
        &self,
        db: &impl ConnectionTrait,
        owner: Uuid,
        keys: &[String],
        record: Attachment,
    ) -> ApiResult<Vec<FieldError>> {
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let wanted: Vec<&str> = keys
            .iter()
            .map(String::as_str)
            .filter(|k| is_key(k))
            .collect();
        let rows: HashMap<String, media::Model> = if wanted.is_empty() {
            HashMap::new()
        } else {
            media::Entity::find()
                .filter(media::Column::Key.is_in(wanted))
                .all(db)
                .await?
                .into_iter()
                .map(|m| (m.key.clone(), m))
                .collect()
        };
        let mut seen = HashSet::new();
        Ok(keys
            .iter()
            .enumerate()
            .filter_map(|(i, key)| {
                let problem = if seen.insert(key.as_str()) {
                    judge(rows.get(key), self.purpose, owner, record)
                } else {
                    Some(KeyProblem::Repeated)
                };
                problem.map(|p| FieldError::new(&format!("{}[{i}]", self.name), CODE, p.message()))
            })
            .collect())
    }

    /// Take the keys for `record`, in the record's transaction: one conditional update (the
    /// caller's unattached files of this purpose, or files this record already has). Fails with
    /// the field errors when a key was taken or removed meanwhile. Files of this field the record
    /// had and no longer lists are released (deleted by the next `media-cleanup`).
    pub async fn attach(
        &self,
        txn: &impl ConnectionTrait,
        owner: Uuid,
        keys: &[String],
        record: Attachment,
    ) -> ApiResult<()> {
        let distinct: HashSet<&str> = keys.iter().map(String::as_str).collect();
        if !keys.is_empty() {
            let this_record = Condition::all()
                .add(media::Column::AttachedKind.eq(record.kind))
                .add(media::Column::AttachedId.eq(record.id));
            let free_and_mine = Condition::all()
                .add(media::Column::AttachedId.is_null())
                .add(media::Column::OwnerUserId.eq(owner));
            let res = media::Entity::update_many()
                .col_expr(media::Column::AttachedKind, Expr::value(record.kind))
                .col_expr(media::Column::AttachedId, Expr::value(record.id))
                .col_expr(media::Column::AttachedAt, Expr::value(Utc::now()))
                .filter(media::Column::Key.is_in(distinct.iter().copied()))
                .filter(media::Column::Purpose.eq(self.purpose))
                .filter(Condition::any().add(this_record).add(free_and_mine))
                .exec(txn)
                .await?;
            if res.rows_affected != distinct.len() as u64 || distinct.len() != keys.len() {
                let mut errors = self.check(txn, owner, keys, record).await?;
                if errors.is_empty() {
                    errors.push(FieldError::new(
                        self.name,
                        CODE,
                        KeyProblem::Unavailable.message(),
                    ));
                }
                return Err(ApiError::Validation(errors));
            }
        }
        media::Entity::delete_many()
            .filter(media::Column::AttachedKind.eq(record.kind))
            .filter(media::Column::AttachedId.eq(record.id))
            .filter(media::Column::Purpose.eq(self.purpose))
            .filter(media::Column::Key.is_not_in(distinct))
            .exec(txn)
            .await?;
        Ok(())
    }
}

/// Release every file of a record that is deleted or anonymised (in its transaction): the rows
/// go now, the files with the next `media-cleanup`.
pub async fn release(db: &impl ConnectionTrait, record: Attachment) -> ApiResult<u64> {
    Ok(media::Entity::delete_many()
        .filter(media::Column::AttachedKind.eq(record.kind))
        .filter(media::Column::AttachedId.eq(record.id))
        .exec(db)
        .await?
        .rows_affected)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(owner: Uuid, purpose: MediaPurpose, attached: Option<Attachment>) -> media::Model {
        media::Model {
            key: "k".into(),
            owner_user_id: owner,
            purpose,
            content_type: "image/jpeg".into(),
            size_bytes: 1,
            sha256: String::new(),
            attached_kind: attached.map(|a| a.kind.to_owned()),
            attached_id: attached.map(|a| a.id),
            attached_at: None,
            created_at: Utc::now(),
        }
    }

    #[test]
    fn only_own_free_files_of_the_purpose_or_this_records_files_are_usable() {
        let (me, other) = (Uuid::now_v7(), Uuid::now_v7());
        let here = Attachment::new("volunteer_report", Uuid::now_v7());
        let elsewhere = Attachment::new("volunteer_report", Uuid::now_v7());
        let p = MediaPurpose::VolunteerReport;
        let judge = |r: Option<&media::Model>| judge(r, p, me, here);
        assert_eq!(judge(Some(&row(me, p, None))), None);
        assert_eq!(judge(Some(&row(me, p, Some(here)))), None);
        assert_eq!(
            judge(Some(&row(other, p, Some(here)))),
            None,
            "the record's own file"
        );
        assert_eq!(judge(None), Some(KeyProblem::Unavailable));
        assert_eq!(
            judge(Some(&row(other, p, None))),
            Some(KeyProblem::Unavailable)
        );
        assert_eq!(
            judge(Some(&row(me, MediaPurpose::LoanDocument, None))),
            Some(KeyProblem::WrongPurpose)
        );
        assert_eq!(
            judge(Some(&row(me, p, Some(elsewhere)))),
            Some(KeyProblem::AttachedElsewhere)
        );
    }
}
