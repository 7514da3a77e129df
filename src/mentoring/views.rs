//! Requests and pairings as each party sees them. The mentee sees their mentor's phone, and the
//! mentor the mentee's full name and phone, only from acceptance until 30 days after the pairing
//! ended — and the mentee's only while the consent naming that mentor is in force. Before that
//! the mentor sees 张**, 138****1234, the talent categories and the business type; cadres
//! always see masked values (they use the logged reveal).
use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, Utc};
use entity::mentor_profiles;
use entity::mentorship_requests as requests;
use entity::mentorships::{self, MentorshipStatus};
use entity::sharing_consents::{self, ConsentPurpose, ConsentSubject};
use entity::talent_profiles;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::dto::{MenteeRef, MentorRef, MentorshipRequestView, MentorshipView};
use super::queries::{json_list, phones};
use super::rules::CONTACT_DAYS_AFTER_END;
use crate::choices::Labelled;
use crate::crypto::{DataCipher, mask_name, mask_phone};
use crate::error::ApiResult;
use crate::talents::choices::TalentCategory;
use crate::time::to_china;

/// Who is reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Viewer {
    Mentee,
    Mentor,
    Cadre,
}

/// Whether the parties of a pairing see each other's phone now: while it is active, and for 30
/// days after it ended.
pub fn contact_open(pairing: Option<&mentorships::Model>, now: DateTime<Utc>) -> bool {
    match pairing {
        Some(p) if p.status == MentorshipStatus::Active => true,
        Some(p) => p
            .ended_at
            .is_some_and(|at| now < at + Duration::days(CONTACT_DAYS_AFTER_END)),
        None => false,
    }
}

/// Everything the views of some requests or pairings need, read in a few queries.
#[derive(Default)]
pub struct Parties {
    mentors: HashMap<Uuid, mentor_profiles::Model>,
    talents: HashMap<Uuid, talent_profiles::Model>,
    /// By request id.
    pairings: HashMap<Uuid, mentorships::Model>,
    /// Bound phones of mentor users.
    mentor_phones: HashMap<Uuid, String>,
    /// Requests whose `mentoring_contact` consent is in force.
    consented: HashSet<Uuid>,
}

impl Parties {
    /// Load the mentors, mentees, pairings and consents of these `(request id, mentor id,
    /// mentee)` triples.
    pub async fn load(
        db: &impl ConnectionTrait,
        cipher: &DataCipher,
        items: &[(Uuid, Option<Uuid>, Option<Uuid>)],
    ) -> ApiResult<Self> {
        if items.is_empty() {
            return Ok(Self::default());
        }
        let request_ids: Vec<Uuid> = items.iter().map(|i| i.0).collect();
        let mentor_ids: HashSet<Uuid> = items.iter().filter_map(|i| i.1).collect();
        let mentee_ids: HashSet<Uuid> = items.iter().filter_map(|i| i.2).collect();
        let mentors: HashMap<Uuid, mentor_profiles::Model> = if mentor_ids.is_empty() {
            HashMap::new()
        } else {
            mentor_profiles::Entity::find()
                .filter(mentor_profiles::Column::Id.is_in(mentor_ids))
                .all(db)
                .await?
                .into_iter()
                .map(|m| (m.id, m))
                .collect()
        };
        let talents = if mentee_ids.is_empty() {
            HashMap::new()
        } else {
            talent_profiles::Entity::find()
                .filter(talent_profiles::Column::UserId.is_in(mentee_ids))
                .all(db)
                .await?
                .into_iter()
                .map(|t| (t.user_id, t))
                .collect()
        };
        let pairings = mentorships::Entity::find()
            .filter(mentorships::Column::RequestId.is_in(request_ids.clone()))
            .all(db)
            .await?
            .into_iter()
            .map(|p| (p.request_id, p))
            .collect();
        let consented = sharing_consents::Entity::find()
            .filter(sharing_consents::Column::SubjectKind.eq(ConsentSubject::MentorshipRequest))
            .filter(sharing_consents::Column::SubjectId.is_in(request_ids))
            .filter(sharing_consents::Column::Purpose.eq(ConsentPurpose::MentoringContact))
            .filter(sharing_consents::Column::WithdrawnAt.is_null())
            .all(db)
            .await?
            .into_iter()
            .filter_map(|c| c.subject_id)
            .collect();
        let mentor_users: Vec<Uuid> = mentors.values().map(|m| m.user_id).collect();
        let mentor_phones = phones(db, cipher, &mentor_users).await?;
        Ok(Self {
            mentors,
            talents,
            pairings,
            mentor_phones,
            consented,
        })
    }

    pub fn mentor(&self, id: Uuid) -> Option<&mentor_profiles::Model> {
        self.mentors.get(&id)
    }

    pub fn pairing(&self, request_id: Uuid) -> Option<&mentorships::Model> {
        self.pairings.get(&request_id)
    }

    fn mentor_ref(
        &self,
        mentor_id: Option<Uuid>,
        request_id: Uuid,
        viewer: Viewer,
        now: DateTime<Utc>,
    ) -> Option<MentorRef> {
        let m = self.mentors.get(&mentor_id?)?;
        let open = viewer == Viewer::Mentee && contact_open(self.pairing(request_id), now);
        Some(MentorRef {
            id: m.id,
            name: m.real_name.clone(),
            organisation: m.organisation.clone(),
            title: m.title.clone(),
            phone: if open {
                self.mentor_phones.get(&m.user_id).cloned()
            } else {
                None
            },
        })
    }

    fn mentee_ref(
        &self,
        mentee: Option<Uuid>,
        request_id: Uuid,
        viewer: Viewer,
        cipher: &DataCipher,
        now: DateTime<Utc>,
    ) -> ApiResult<Option<MenteeRef>> {
        if viewer == Viewer::Mentee {
            return Ok(None);
        }
        let Some(t) = mentee.and_then(|u| self.talents.get(&u)) else {
            return Ok(None);
        };
        let full = viewer == Viewer::Mentor
            && contact_open(self.pairing(request_id), now)
            && self.consented.contains(&request_id);
        let phone = cipher.decrypt(&t.phone_enc).ok();
        let categories: Vec<String> = json_list("categories", &t.categories)?;
        Ok(Some(MenteeRef {
            name: if full {
                t.real_name.clone()
            } else {
                mask_name(&t.real_name)
            },
            phone: phone.map(|p| if full { p } else { mask_phone(&p) }),
            categories: categories
                .iter()
                .filter_map(|c| TalentCategory::parse(c))
                .collect(),
            business_type: t.business_type,
        }))
    }

    /// A request for `viewer`.
    pub fn request(
        &self,
        r: &requests::Model,
        viewer: Viewer,
        cipher: &DataCipher,
        now: DateTime<Utc>,
    ) -> ApiResult<MentorshipRequestView> {
        Ok(MentorshipRequestView {
            id: r.id,
            kind: r.kind,
            topic: r.topic,
            description: r.description.clone(),
            preferred_mode: r.preferred_mode,
            status: r.status,
            status_label: r.status.label(),
            expires_at: r.expires_at.map(to_china),
            mentor: self.mentor_ref(r.mentor_profile_id, r.id, viewer, now),
            mentee: self.mentee_ref(r.mentee_user_id, r.id, viewer, cipher, now)?,
            mentee_region_code: (viewer == Viewer::Cadre).then(|| r.mentee_region_code.clone()),
            origin_request_id: r.origin_request_id,
            response_reason_code: r.response_reason_code,
            response_note: r.response_note.clone(),
            mentorship_id: self.pairing(r.id).map(|p| p.id),
            created_at: to_china(r.created_at),
            version: r.version,
        })
    }

    /// A pairing for `viewer`.
    pub fn mentorship(
        &self,
        p: &mentorships::Model,
        viewer: Viewer,
        cipher: &DataCipher,
        now: DateTime<Utc>,
    ) -> ApiResult<MentorshipView> {
        let mentor = self
            .mentor_ref(Some(p.mentor_profile_id), p.request_id, viewer, now)
            .unwrap_or_else(|| MentorRef {
                id: p.mentor_profile_id,
                name: String::new(),
                organisation: None,
                title: None,
                phone: None,
            });
        let mentee = self
            .mentee_ref(p.mentee_user_id, p.request_id, viewer, cipher, now)?
            .unwrap_or_else(|| MenteeRef {
                name: if viewer == Viewer::Mentee {
                    "本人".into()
                } else {
                    String::new()
                },
                phone: None,
                categories: Vec::new(),
                business_type: None,
            });
        Ok(MentorshipView {
            id: p.id,
            request_id: p.request_id,
            kind: p.kind,
            status: p.status,
            status_label: p.status.label(),
            started_at: to_china(p.started_at),
            planned_end_on: p.planned_end_on,
            extended: p.extended,
            ended_at: p.ended_at.map(to_china),
            ended_by_kind: p.ended_by_kind,
            end_reason: p.end_reason.clone(),
            mentor_summary: p.mentor_summary.clone(),
            records_count: p.records_count,
            counted_records: p.counted_records,
            mentee_rating: p.mentee_rating,
            mentee_comment: p.mentee_comment.clone(),
            rated_at: p.rated_at.map(to_china),
            version: p.version,
            mentor,
            mentee,
        })
    }
}

/// The `(request id, mentor, mentee)` triples of requests.
pub fn request_keys(rows: &[requests::Model]) -> Vec<(Uuid, Option<Uuid>, Option<Uuid>)> {
    rows.iter()
        .map(|r| (r.id, r.mentor_profile_id, r.mentee_user_id))
        .collect()
}

/// The `(request id, mentor, mentee)` triples of pairings.
pub fn mentorship_keys(rows: &[mentorships::Model]) -> Vec<(Uuid, Option<Uuid>, Option<Uuid>)> {
    rows.iter()
        .map(|p| (p.request_id, Some(p.mentor_profile_id), p.mentee_user_id))
        .collect()
}

/// Requests as `viewer` sees them, in one load of their parties.
pub async fn request_views(
    db: &impl ConnectionTrait,
    cipher: &DataCipher,
    rows: &[requests::Model],
    viewer: Viewer,
) -> ApiResult<Vec<MentorshipRequestView>> {
    let parties = Parties::load(db, cipher, &request_keys(rows)).await?;
    let now = Utc::now();
    rows.iter()
        .map(|r| parties.request(r, viewer, cipher, now))
        .collect()
}

/// Pairings as `viewer` sees them, in one load of their parties.
pub async fn mentorship_views(
    db: &impl ConnectionTrait,
    cipher: &DataCipher,
    rows: &[mentorships::Model],
    viewer: Viewer,
) -> ApiResult<Vec<MentorshipView>> {
    let parties = Parties::load(db, cipher, &mentorship_keys(rows)).await?;
    let now = Utc::now();
    rows.iter()
        .map(|p| parties.mentorship(p, viewer, cipher, now))
        .collect()
}
