//! Recognitions for the KPI benchmark (issue 13, "Performance": "plus generated … recognitions"):
//! honours of verified talents recorded by their local unit, most confirmed by the parent unit,
//! some waiting or revoked, so the 青年典型 lines and their gaps read a realistic table.
use chrono::{Duration, NaiveDate, Utc};
use entity::recognitions::{self, RecognitionKind, RecognitionLevel, RecognitionStatus};
use entity::talent_profiles::{self, TalentStatus};
use jiqing::league::LeagueTree;
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect, Set,
};
use uuid::Uuid;

use super::rng::Rng;

/// Seed `wanted` recognitions once (0 seeds nothing; skipped when the table holds some).
/// Returns how many were inserted.
pub async fn seed(db: &DatabaseConnection, tree: &LeagueTree, wanted: u64) -> anyhow::Result<u64> {
    if wanted == 0 || recognitions::Entity::find().count(db).await? > 0 {
        return Ok(0);
    }
    let talents: Vec<(Uuid, String)> = talent_profiles::Entity::find()
        .select_only()
        .column(talent_profiles::Column::Id)
        .column(talent_profiles::Column::HomeRegionCode)
        .filter(talent_profiles::Column::Status.eq(TalentStatus::Verified))
        .into_tuple()
        .all(db)
        .await?;
    if talents.is_empty() {
        return Ok(0);
    }
    let mut rng = Rng(0x5EED_7E0A_11CE);
    let now = Utc::now();
    let recorder = Uuid::now_v7();
    let checker = Uuid::now_v7();
    let first = NaiveDate::from_ymd_opt(2022, 9, 1).unwrap_or_default();
    let mut batch = Vec::new();
    let mut done = 0;
    for i in 0..wanted {
        let (talent, home) = &talents[rng.below(talents.len() as u64) as usize];
        let unit = tree
            .owner(home)
            .map(|u| u.code.clone())
            .unwrap_or_else(|| "220000".into());
        let status = match rng.below(100) {
            0..=84 => RecognitionStatus::Confirmed,
            85..=94 => RecognitionStatus::Recorded,
            _ => RecognitionStatus::Revoked,
        };
        let confirmed = status != RecognitionStatus::Recorded;
        let revoked = status == RecognitionStatus::Revoked;
        batch.push(recognitions::ActiveModel {
            id: Set(Uuid::now_v7()),
            talent_profile_id: Set(*talent),
            kind: Set(if i % 3 == 0 {
                RecognitionKind::PioneerModel
            } else {
                RecognitionKind::OtherHonour
            }),
            level: Set(RecognitionLevel::County),
            title: Set("优秀青年农民".into()),
            awarded_on: Set(first + Duration::days(rng.below(1000) as i64)),
            source_round_id: Set(None),
            evidence: Set("[]".into()),
            status: Set(status),
            recorded_by: Set(recorder),
            recorded_by_unit_code: Set(unit),
            confirmed_by: Set(confirmed.then_some(checker)),
            confirmed_at: Set(confirmed.then_some(now)),
            revoked_by: Set(revoked.then_some(checker)),
            revoked_at: Set(revoked.then_some(now)),
            revoke_reason: Set(revoked.then(|| "经核查撤销".to_owned())),
            version: Set(if revoked { 3 } else { 2 }),
            created_at: Set(now - Duration::days(200)),
            updated_at: Set(now),
        });
        if batch.len() == 500 {
            done += batch.len() as u64;
            recognitions::Entity::insert_many(std::mem::take(&mut batch))
                .exec_without_returning(db)
                .await?;
        }
    }
    if !batch.is_empty() {
        done += batch.len() as u64;
        recognitions::Entity::insert_many(batch)
            .exec_without_returning(db)
            .await?;
    }
    Ok(done)
}
