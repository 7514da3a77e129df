//! Re-encryption of talent data after a data-key rotation: values made with a previous key
//! (still listed in `JIQING_PREVIOUS_DATA_KEYS`) are rewritten with the current one, a batch at a
//! time, so the old key can be retired. Blind indexes use their own key and do not change.
use entity::talent_profiles;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, ExprTrait, QueryFilter, QueryOrder, QuerySelect,
};

use crate::crypto::DataCipher;
use crate::error::ApiResult;

/// Re-encrypt up to `limit` profiles still holding values of an older key; returns how many were
/// rewritten. Each row is a conditional update on the old ciphertext, so instances running this
/// at the same time never overwrite each other or a concurrent edit.
pub async fn reencrypt_batch(
    db: &impl ConnectionTrait,
    cipher: &DataCipher,
    limit: u64,
) -> ApiResult<u64> {
    use talent_profiles::Column as C;
    let current = format!("{}%", cipher.current_prefix());
    let stale = talent_profiles::Entity::find()
        .filter(
            C::PhoneEnc
                .not_like(current.as_str())
                .or(C::IdNumberEnc.not_like(current.as_str())),
        )
        .order_by_asc(C::Id)
        .limit(limit)
        .all(db)
        .await?;
    let mut rewritten = 0;
    for p in stale {
        let renew = |stored: &str| -> Option<String> {
            if cipher.needs_rotation(stored) {
                cipher.decrypt(stored).ok().map(|v| cipher.encrypt(&v))
            } else {
                Some(stored.to_owned())
            }
        };
        let (Some(phone), Some(id_number)) = (renew(&p.phone_enc), renew(&p.id_number_enc)) else {
            tracing::warn!(profile = %p.id, "talent data made with an unknown key; left as is");
            continue;
        };
        let done = talent_profiles::Entity::update_many()
            .col_expr(C::PhoneEnc, Expr::value(phone))
            .col_expr(C::IdNumberEnc, Expr::value(id_number))
            .filter(C::Id.eq(p.id))
            .filter(C::PhoneEnc.eq(p.phone_enc))
            .filter(C::IdNumberEnc.eq(p.id_number_enc))
            .exec(db)
            .await?;
        rewritten += done.rows_affected;
    }
    Ok(rewritten)
}
