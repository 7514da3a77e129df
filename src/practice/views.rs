//! Views of applications: the student's (next step, timeline), the host's and the cadres'
//! (with the applicant, numbers masked unless the placement lets the host call the student).
use std::collections::HashMap;

use chrono::{Duration, NaiveDate, Utc};
use entity::practice_applications::{self, ApplicationStatus, Column as A};
use entity::practice_attendance;
use entity::practice_campaigns;
use entity::practice_positions;
use entity::{host_units, student_profiles, users};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use uuid::Uuid;

use super::attendance_sheet::{days_of, has_attendance, sheet, sheet_of};
use super::dto::{
    ApplicantView, ApplicationCounts, ApplicationView, MyApplicationItem, MyApplicationView,
    StaffApplicationDetailView, StaffApplicationView,
};
use super::report_views::{report_of, report_view};
use super::state::{PlacementDates, TodayAttendance, next_step};
use crate::app_state::AppState;
use crate::choices::Labelled;
use crate::crypto::mask_phone;
use crate::error::{ApiError, ApiResult};
use crate::talents::rules::age_on;
use crate::time::{to_china, today_in_china};
use crate::workflow::{Audience, Subject, timeline::timeline};

/// Days after the practice ends during which the host still sees the student's phone in full.
pub const HOST_CONTACT_DAYS: i64 = 30;

/// Who reads an applicant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reader {
    /// The host unit's supervisor.
    Host,
    /// A cadre of the position's local unit.
    LocalCadre,
    /// A cadre above the local unit.
    OtherCadre,
}

/// The positions (and their hosts' names) of some applications.
pub struct Context {
    positions: HashMap<Uuid, practice_positions::Model>,
    hosts: HashMap<Uuid, String>,
}

impl Context {
    pub async fn load(
        db: &impl ConnectionTrait,
        apps: &[practice_applications::Model],
    ) -> ApiResult<Self> {
        let ids: Vec<Uuid> = apps.iter().map(|a| a.position_id).collect();
        let mut positions = HashMap::new();
        let mut hosts = HashMap::new();
        if !ids.is_empty() {
            // One statement for the positions and their hosts' names.
            for (p, host) in practice_positions::Entity::find()
                .filter(practice_positions::Column::Id.is_in(ids))
                .find_also_related(host_units::Entity)
                .all(db)
                .await?
            {
                if let Some(h) = host {
                    hosts.insert(h.id, h.name);
                }
                positions.insert(p.id, p);
            }
        }
        Ok(Self { positions, hosts })
    }

    pub fn position(&self, id: Uuid) -> Option<&practice_positions::Model> {
        self.positions.get(&id)
    }

    pub fn view(&self, a: practice_applications::Model) -> ApplicationView {
        let p = self.positions.get(&a.position_id);
        ApplicationView {
            id: a.id,
            position_id: a.position_id,
            position_title: p.map(|p| p.title.clone()).unwrap_or_default(),
            campaign_id: a.campaign_id,
            host_unit_id: a.host_unit_id,
            host_name: self.hosts.get(&a.host_unit_id).cloned().unwrap_or_default(),
            region_code: a.region_code,
            starts_on: p.map(|p| p.starts_on).unwrap_or_default(),
            ends_on: p.map(|p| p.ends_on).unwrap_or_default(),
            status: a.status,
            status_label: a.status.label().to_owned(),
            motivation: a.motivation,
            available_from: a.available_from,
            available_to: a.available_to,
            offer_expires_at: a.offer_expires_at.map(to_china),
            decided_by_kind: a.decided_by_kind,
            decision_reason: a.decision_reason,
            offered_at: a.offered_at.map(to_china),
            confirmed_at: a.confirmed_at.map(to_china),
            started_at: a.started_at.map(to_china),
            ended_at: a.ended_at.map(to_china),
            dropped_reason: a.dropped_reason,
            version: a.version,
            created_at: to_china(a.created_at),
        }
    }
}

async fn report_days(
    db: &impl ConnectionTrait,
    apps: &[practice_applications::Model],
) -> ApiResult<HashMap<Uuid, i32>> {
    let ids: Vec<Uuid> = apps.iter().map(|a| a.campaign_id).collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(practice_campaigns::Entity::find()
        .filter(practice_campaigns::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c.report_due_days))
        .collect())
}

fn step_of(
    ctx: &Context,
    days: &HashMap<Uuid, i32>,
    a: &practice_applications::Model,
    today: NaiveDate,
    today_attendance: TodayAttendance,
) -> Option<crate::workflow::NextStep> {
    let p = ctx.position(a.position_id)?;
    let due_days = days.get(&a.campaign_id).copied().unwrap_or(0);
    next_step(
        a.status,
        &PlacementDates {
            offer_expires_at: a.offer_expires_at,
            starts_on: p.starts_on,
            ends_on: p.ends_on,
            report_due_on: p.ends_on + Duration::days(due_days.into()),
            today,
            today_attendance,
        },
    )
}

fn today_state(d: Option<&practice_attendance::Model>) -> TodayAttendance {
    match d {
        None => TodayAttendance::None,
        Some(d) if d.check_out_at.is_some() || d.confirmed_by.is_some() => TodayAttendance::Done,
        Some(d) if d.check_in_at.is_some() => TodayAttendance::CheckedIn,
        Some(_) => TodayAttendance::None,
    }
}

/// Today's attendance of some placements (one query).
async fn attendance_today(
    db: &impl ConnectionTrait,
    apps: &[practice_applications::Model],
    today: NaiveDate,
) -> ApiResult<HashMap<Uuid, practice_attendance::Model>> {
    let ids: Vec<Uuid> = apps
        .iter()
        .filter(|a| has_attendance(a.status))
        .map(|a| a.id)
        .collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(practice_attendance::Entity::find()
        .filter(practice_attendance::Column::ApplicationId.is_in(ids))
        .filter(practice_attendance::Column::Day.eq(today))
        .all(db)
        .await?
        .into_iter()
        .map(|d| (d.application_id, d))
        .collect())
}

/// The student's list items.
pub async fn my_items(
    db: &impl ConnectionTrait,
    apps: Vec<practice_applications::Model>,
) -> ApiResult<Vec<MyApplicationItem>> {
    let ctx = Context::load(db, &apps).await?;
    let days = report_days(db, &apps).await?;
    let today = today_in_china(Utc::now());
    let attendance = attendance_today(db, &apps, today).await?;
    Ok(apps
        .into_iter()
        .map(|a| MyApplicationItem {
            next_step: step_of(&ctx, &days, &a, today, today_state(attendance.get(&a.id))),
            application: ctx.view(a),
        })
        .collect())
}

/// The student's detail.
pub async fn my_view(
    db: &impl ConnectionTrait,
    a: practice_applications::Model,
) -> ApiResult<MyApplicationView> {
    let ctx = Context::load(db, std::slice::from_ref(&a)).await?;
    let days = report_days(db, std::slice::from_ref(&a)).await?;
    let timeline = timeline(
        db,
        practice_applications::Model::EVENTS,
        a.id,
        Some(a.student_user_id),
        Audience::Person,
    )
    .await?;
    let today = today_in_china(Utc::now());
    let rows = if has_attendance(a.status) {
        days_of(db, a.id).await?
    } else {
        Vec::new()
    };
    let today_attendance = today_state(rows.iter().find(|d| d.day == today));
    Ok(MyApplicationView {
        next_step: step_of(&ctx, &days, &a, today, today_attendance),
        attendance: has_attendance(a.status).then(|| sheet(rows)),
        application: ctx.view(a),
        timeline,
    })
}

/// Staff views of a page of applications: the applicants in two queries.
pub async fn staff_views(
    state: &AppState,
    apps: Vec<practice_applications::Model>,
    reader: Reader,
) -> ApiResult<Vec<StaffApplicationView>> {
    let db = &state.db;
    let ctx = Context::load(db, &apps).await?;
    let students: Vec<Uuid> = apps.iter().map(|a| a.student_user_id).collect();
    let (profiles, people) = if students.is_empty() {
        (HashMap::new(), HashMap::new())
    } else {
        // One statement for the profiles and the accounts' phones.
        let mut profiles: HashMap<Uuid, student_profiles::Model> = HashMap::new();
        let mut people: HashMap<Uuid, Option<String>> = HashMap::new();
        for (p, user) in student_profiles::Entity::find()
            .filter(student_profiles::Column::UserId.is_in(students))
            .find_also_related(users::Entity)
            .all(db)
            .await?
        {
            people.insert(p.user_id, user.and_then(|u| u.phone_enc));
            profiles.insert(p.user_id, p);
        }
        (profiles, people)
    };
    let now = Utc::now();
    let today = today_in_china(now);
    Ok(apps
        .into_iter()
        .map(|a| {
            let placed = matches!(
                a.status,
                ApplicationStatus::Confirmed
                    | ApplicationStatus::OnDuty
                    | ApplicationStatus::Completed
            );
            let in_contact = placed
                || (a.status == ApplicationStatus::Certified
                    && ctx
                        .position(a.position_id)
                        .is_some_and(|p| today <= p.ends_on + Duration::days(HOST_CONTACT_DAYS)));
            let applicant = profiles.get(&a.student_user_id).map(|p| {
                let reveal = |enc: Option<&String>| enc.and_then(|e| state.cipher.decrypt(e).ok());
                let phone = reveal(people.get(&a.student_user_id).and_then(Option::as_ref));
                let full_phone = reader == Reader::Host && in_contact;
                let emergency = placed && matches!(reader, Reader::Host | Reader::LocalCadre);
                ApplicantView {
                    real_name: p.real_name.clone(),
                    gender: p.gender,
                    age: age_on(p.date_of_birth, today),
                    school_name: p.school_name.clone(),
                    major: p.major.clone(),
                    degree_level: p.degree_level,
                    degree_level_label: p.degree_level.label().to_owned(),
                    expected_graduation: p.expected_graduation.clone(),
                    home_region_code: p.home_region_code.clone(),
                    phone: phone.map(|v| if full_phone { v } else { mask_phone(&v) }),
                    emergency_contact_name: emergency
                        .then(|| p.emergency_contact_name.clone())
                        .flatten(),
                    emergency_contact_phone: emergency
                        .then(|| reveal(p.emergency_contact_phone_enc.as_ref()))
                        .flatten(),
                }
            });
            StaffApplicationView {
                application: ctx.view(a),
                applicant,
            }
        })
        .collect())
}

/// One application for staff, with its timeline.
pub async fn staff_detail(
    state: &AppState,
    a: practice_applications::Model,
    reader: Reader,
) -> ApiResult<StaffApplicationDetailView> {
    let timeline = timeline(
        &state.db,
        practice_applications::Model::EVENTS,
        a.id,
        None,
        if reader == Reader::Host {
            Audience::Person
        } else {
            Audience::Staff
        },
    )
    .await?;
    let attendance = sheet_of(&state.db, a.id, a.status).await?;
    let report = report_of(&state.db, a.id)
        .await?
        .map(|r| report_view(state, r));
    let evaluation = super::closing_views::evaluation_of(&state.db, a.id)
        .await?
        .map(super::closing_views::evaluation_view);
    let certificate = super::closing_views::certificate_of(&state.db, a.id)
        .await?
        .map(super::closing_views::certificate_view);
    let view = staff_views(state, vec![a], reader)
        .await?
        .pop()
        .ok_or_else(|| ApiError::not_found(practice_applications::Model::NAME))?;
    Ok(StaffApplicationDetailView {
        application: view.application,
        applicant: view.applicant,
        attendance,
        report,
        evaluation,
        certificate,
        timeline,
    })
}

/// Applications per position and status, for a page of positions (one grouped query).
pub async fn counts(
    db: &impl ConnectionTrait,
    positions: &[Uuid],
) -> ApiResult<HashMap<Uuid, ApplicationCounts>> {
    let mut out: HashMap<Uuid, ApplicationCounts> = HashMap::new();
    if positions.is_empty() {
        return Ok(out);
    }
    let rows: Vec<(Uuid, ApplicationStatus, i64)> = practice_applications::Entity::find()
        .select_only()
        .column(A::PositionId)
        .column(A::Status)
        .column_as(Expr::col(A::Id).count(), "n")
        .filter(A::PositionId.is_in(positions.to_vec()))
        .group_by(A::PositionId)
        .group_by(A::Status)
        .into_tuple()
        .all(db)
        .await?;
    for (position, status, n) in rows {
        let c = out.entry(position).or_default();
        let n = u64::try_from(n).unwrap_or(0);
        use ApplicationStatus as S;
        *match status {
            S::Submitted => &mut c.submitted,
            S::Offered => &mut c.offered,
            S::Confirmed => &mut c.confirmed,
            S::OnDuty => &mut c.on_duty,
            S::Completed => &mut c.completed,
            S::Certified => &mut c.certified,
            S::Rejected => &mut c.rejected,
            S::Declined => &mut c.declined,
            S::Lapsed => &mut c.lapsed,
            S::Withdrawn => &mut c.withdrawn,
            S::Dropped => &mut c.dropped,
            S::PositionCancelled => &mut c.position_cancelled,
        } += n;
    }
    Ok(out)
}
