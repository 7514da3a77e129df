//! The same rankings computed by SQL from the ledger: the fallback while the cache is being
//! rebuilt, and the baseline the cached boards are tested and benchmarked against.
use chrono::{DateTime, Utc};
use entity::{talent_profiles, volunteer_hour_entries as entries};
use sea_orm::sea_query::{Condition, Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Select,
};
use uuid::Uuid;

use crate::error::ApiResult;

pub struct SqlBoard {
    pub top: Vec<(Uuid, i64)>,
    pub participants: u64,
    pub me: Option<(u64, i64)>,
}

pub use crate::regions::code::prefix_end;

fn in_scope(
    prefix: &str,
    range: Option<(DateTime<Utc>, DateTime<Utc>)>,
) -> Select<entries::Entity> {
    let mut q = entries::Entity::find()
        .filter(entries::Column::RegionCode.gte(prefix))
        .filter(entries::Column::RegionCode.lt(prefix_end(prefix)));
    if let Some((from, to)) = range {
        q = q
            .filter(entries::Column::ServedAt.gte(from))
            .filter(entries::Column::ServedAt.lt(to));
    }
    q
}

fn total() -> Expr {
    Expr::col(entries::Column::Minutes).sum()
}

/// Individuals ranked by minutes, ties by user id ascending (the rule the cached boards encode).
pub async fn user_board(
    db: &impl ConnectionTrait,
    prefix: &str,
    range: Option<(DateTime<Utc>, DateTime<Utc>)>,
    limit: u64,
    me: Option<Uuid>,
) -> ApiResult<SqlBoard> {
    let grouped = || {
        in_scope(prefix, range)
            .select_only()
            .column(entries::Column::UserId)
            .column_as(total(), "total")
            .group_by(entries::Column::UserId)
    };
    let top: Vec<(Uuid, i64)> = grouped()
        .having(total().gt(0))
        .order_by_desc(total())
        .order_by_asc(entries::Column::UserId)
        .limit(limit)
        .into_tuple()
        .all(db)
        .await?;
    let participants = grouped().having(total().gt(0)).count(db).await?;
    let me = match me {
        None => None,
        Some(me) => {
            let mine: Option<i64> = in_scope(prefix, range)
                .select_only()
                .column_as(total(), "total")
                .filter(entries::Column::UserId.eq(me))
                .into_tuple::<Option<i64>>()
                .one(db)
                .await?
                .flatten();
            match mine.filter(|m| *m > 0) {
                None => Some((0, 0)),
                Some(mine) => {
                    let ahead = grouped()
                        .having(
                            Condition::any().add(total().gt(mine)).add(
                                Condition::all()
                                    .add(ExprTrait::eq(total(), mine))
                                    .add(entries::Column::UserId.lt(me)),
                            ),
                        )
                        .count(db)
                        .await?;
                    Some((ahead + 1, mine))
                }
            }
        }
    };
    Ok(SqlBoard {
        top,
        participants,
        me,
    })
}

/// Minutes per home region code (township or village) inside `prefix` for the period.
pub async fn minutes_by_home(
    db: &impl ConnectionTrait,
    prefix: &str,
    range: Option<(DateTime<Utc>, DateTime<Utc>)>,
) -> ApiResult<Vec<(String, i64)>> {
    Ok(in_scope(prefix, range)
        .select_only()
        .column(entries::Column::RegionCode)
        .column_as(total(), "total")
        .group_by(entries::Column::RegionCode)
        .into_tuple()
        .all(db)
        .await?)
}

/// Verified youth in the talent pool inside `prefix`, per the first `digits` digits of their home
/// region code (one row per child region, not per village: the province board reads 9 rows, not
/// 11,860). The prefix is an index range, not `LIKE` (conventions §14).
pub async fn youth_by_home(
    db: &impl ConnectionTrait,
    prefix: &str,
    digits: usize,
) -> ApiResult<Vec<(String, i64)>> {
    // The length is written into the SQL (a number from the code, never input): PostgreSQL
    // matches the SELECT and GROUP BY expressions only when they are identical, and bound
    // parameters would make them two different ones.
    let head = || Expr::cust(format!("substr(home_region_code, 1, {})", digits.min(12)));
    Ok(talent_profiles::Entity::find()
        .select_only()
        .column_as(head(), "head")
        .column_as(Expr::col(talent_profiles::Column::Id).count(), "n")
        .filter(talent_profiles::Column::HomeRegionCode.gte(prefix))
        .filter(talent_profiles::Column::HomeRegionCode.lt(prefix_end(prefix)))
        .filter(talent_profiles::Column::Status.eq(talent_profiles::TalentStatus::Verified))
        .group_by(head())
        .into_tuple()
        .all(db)
        .await?)
}

#[cfg(test)]
mod tests {
    use super::prefix_end;

    #[test]
    fn the_end_of_a_prefix_range_is_the_next_digit_string() {
        assert_eq!(prefix_end("220102"), "220103");
        assert_eq!(prefix_end("2201"), "2202");
        assert_eq!(prefix_end("220199"), "220200");
        assert_eq!(prefix_end("220102009"), "220102010");
        assert!("220102999999".as_bytes() < prefix_end("220102").as_bytes());
        assert!("220103".as_bytes() >= prefix_end("220102").as_bytes());
    }
}
