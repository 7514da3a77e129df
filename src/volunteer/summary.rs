use std::collections::BTreeMap;

use actix_web::{HttpResponse, get, post, web};
use chrono::{Datelike, Duration, Utc};
use entity::{
    talent_profiles, volunteer_certificates as certificates, volunteer_hour_entries as entries,
    volunteer_reports as reports,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set,
};
use uuid::Uuid;

use super::dto::{
    CertificateRequest, CertificateView, EntryView, SummaryView, YearMinutes, masked_id,
};
use super::rules::{minutes_to_next_star, star_level};
use crate::app_state::AppState;
use crate::auth::CurrentUser;
use crate::choices::Labelled;
use crate::error::{ApiError, ApiResult, ErrorEnvelope};
use crate::input::Json;
use crate::regions;
use crate::time::{start_of_day, to_china, today_in_china};

/// The caller's verified volunteer hours: total, by year, star level and the ledger.
#[utoipa::path(
    tag = "volunteer",
    operation_id = "get_my_volunteer_summary",
    security(("bearer" = [])),
    responses((status = 200, body = SummaryView), (status = 401, body = ErrorEnvelope))
)]
#[get("/me/volunteer/summary")]
pub async fn get_my_volunteer_summary(
    state: web::Data<AppState>,
    user: CurrentUser,
) -> ApiResult<web::Json<SummaryView>> {
    let rows = entries::Entity::find()
        .filter(entries::Column::UserId.eq(user.id()))
        .order_by_desc(entries::Column::Seq)
        .all(&state.db)
        .await?;
    let total: i64 = rows.iter().map(|e| i64::from(e.minutes)).sum();
    let mut by_year: BTreeMap<i32, i64> = BTreeMap::new();
    for e in &rows {
        *by_year.entry(to_china(e.served_at).year()).or_insert(0) += i64::from(e.minutes);
    }
    let pending_reports = reports::Entity::find()
        .filter(reports::Column::UserId.eq(user.id()))
        .filter(reports::Column::Status.eq(entity::volunteer_reports::ReportStatus::Pending))
        .count(&state.db)
        .await?;
    let thresholds = state.settings.volunteer_star_hours.clone();
    Ok(web::Json(SummaryView {
        total_minutes: total,
        by_year: by_year
            .into_iter()
            .rev()
            .map(|(year, minutes)| YearMinutes { year, minutes })
            .collect(),
        stars: star_level(total, &thresholds),
        minutes_to_next_star: minutes_to_next_star(total, &thresholds),
        star_thresholds_hours: thresholds,
        pending_reports,
        records: rows.into_iter().map(EntryView::from).collect(),
    }))
}

/// `JQZY-2026-7KQ2M9XD`.
fn certificate_number(year: i32) -> String {
    crate::crypto::serial_number("JQZY", year)
}

/// Issue a volunteer service certificate (志愿服务证明) for the caller's verified hours in a
/// period. It is a snapshot: later corrections do not change an issued certificate.
#[utoipa::path(
    tag = "volunteer",
    operation_id = "create_volunteer_certificate",
    security(("bearer" = [])),
    request_body = CertificateRequest,
    responses(
        (status = 201, body = CertificateView),
        (status = 409, body = ErrorEnvelope, description = "TALENT_PROFILE_REQUIRED"),
        (status = 422, body = ErrorEnvelope, description = "RANGE / NO_HOURS")
    )
)]
#[post("/me/volunteer/certificates")]
pub async fn create_volunteer_certificate(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: Json<CertificateRequest>,
) -> ApiResult<HttpResponse> {
    let today = today_in_china(Utc::now());
    if body.to < body.from {
        return Err(ApiError::field("to", "RANGE", "结束日期不能早于开始日期"));
    }
    if body.to > today {
        return Err(ApiError::field("to", "RANGE", "结束日期不能晚于今天"));
    }
    let profile = talent_profiles::Entity::find()
        .filter(talent_profiles::Column::UserId.eq(user.id()))
        .one(&state.db)
        .await?
        .ok_or_else(crate::talents::profile_required)?;
    let rows = entries::Entity::find()
        .filter(entries::Column::UserId.eq(user.id()))
        .filter(entries::Column::ServedAt.gte(start_of_day(body.from)))
        .filter(entries::Column::ServedAt.lt(start_of_day(body.to + Duration::days(1))))
        .order_by_asc(entries::Column::ServedAt)
        .all(&state.db)
        .await?;
    let minutes: i64 = rows.iter().map(|e| i64::from(e.minutes)).sum();
    if minutes <= 0 {
        return Err(ApiError::field(
            "from",
            "NO_HOURS",
            "该期间没有已认证的志愿服务时长",
        ));
    }
    // What was done: each kind of service with its verified minutes.
    let mut by_kind: BTreeMap<(String, String), (&'static str, i64)> = BTreeMap::new();
    for e in &rows {
        by_kind
            .entry((crate::choices::code(e.category), e.content.clone()))
            .or_insert((e.category.label(), 0))
            .1 += i64::from(e.minutes);
    }
    let content = by_kind
        .into_iter()
        .filter(|(_, (_, m))| *m > 0)
        .map(|((_, what), (label, m))| format!("{label}·{what}（{}小时{}分钟）", m / 60, m % 60))
        .collect::<Vec<_>>()
        .join("；");
    let county = regions::queries::find(&state.db, profile.home_region_code.get(..6).unwrap_or(""))
        .await?
        .map(|r| r.name)
        .unwrap_or_else(|| "吉林省".into());
    let id_number = state
        .cipher
        .decrypt(&profile.id_number_enc)
        .map_err(|e| ApiError::Unexpected(anyhow::anyhow!("decrypt id number: {e}")))?;
    let mut last_err = None;
    for _ in 0..3 {
        let c = certificates::ActiveModel {
            id: Set(Uuid::now_v7()),
            number: Set(certificate_number(today.year())),
            user_id: Set(user.id()),
            real_name: Set(profile.real_name.clone()),
            id_number_masked: Set(masked_id(&id_number)),
            period_from: Set(body.from),
            period_to: Set(body.to),
            minutes: Set(minutes.min(i64::from(i32::MAX)) as i32),
            content: Set(content.clone()),
            issuer: Set(format!("共青团{county}委员会")),
            issued_at: Set(Utc::now()),
        }
        .insert(&state.db)
        .await;
        match c {
            Ok(c) => return Ok(HttpResponse::Created().json(CertificateView::owner(c))),
            Err(e) => last_err = Some(e),
        }
    }
    Err(last_err
        .map(ApiError::from)
        .unwrap_or_else(|| ApiError::Unexpected(anyhow::anyhow!("certificate"))))
}

/// Check a certificate by its number (anyone; the identity is shown masked).
#[utoipa::path(
    tag = "volunteer",
    operation_id = "get_certificate",
    responses(
        (status = 200, body = CertificateView),
        (status = 404, body = ErrorEnvelope)
    )
)]
#[get("/certificates/{number}")]
pub async fn get_certificate(
    state: web::Data<AppState>,
    number: web::Path<String>,
) -> ApiResult<web::Json<CertificateView>> {
    let number = number.trim().to_ascii_uppercase();
    if number.len() > 32 {
        return Err(ApiError::not_found("证明"));
    }
    let c = certificates::Entity::find()
        .filter(certificates::Column::Number.eq(number))
        .one(&state.db)
        .await?
        .ok_or_else(|| ApiError::not_found("证明"))?;
    Ok(web::Json(CertificateView::public(c)))
}
