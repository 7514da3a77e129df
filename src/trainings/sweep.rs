//! The background task that moves lapsed waiting-list offers on, without anyone asking.
use chrono::Utc;
use entity::training_enrollments::{self as enrollments, Column as E};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};

use super::rules::EnrollmentStatus as S;
use super::seats::lapse_offer;
use crate::app_state::AppState;
use crate::notifications::deliver;

/// Lapse every offer past its deadline and offer the seat to the next person waiting. Every
/// instance runs this; each offer moves on exactly once because only the transaction whose
/// conditional `offered → lapsed` update hits the row releases the seat (see `lapse_offer`).
pub async fn sweep_lapsed_offers(state: AppState) -> anyhow::Result<()> {
    let now = Utc::now();
    let due = enrollments::Entity::find()
        .filter(E::Status.eq(S::Offered))
        .filter(E::OfferExpiresAt.lte(now))
        .order_by_asc(E::OfferExpiresAt)
        .paginate(&state.db, 200)
        .fetch_page(0)
        .await?;
    for offer in due {
        let txn = crate::db::begin(&state.db).await?;
        let sent = lapse_offer(&txn, &offer, now)
            .await
            .map_err(|e| anyhow::anyhow!("lapsing offer {}: {e}", offer.id))?;
        txn.commit().await?;
        deliver(&state, sent);
    }
    Ok(())
}
