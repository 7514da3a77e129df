//! One way to page every list: `?page=1&pageSize=20` in, `{items, total, page, pageSize}` out.
use sea_orm::sea_query::Expr;
use sea_orm::{
    ConnectionTrait, DbErr, EntityTrait, FromQueryResult, PaginatorTrait, QueryResult, QuerySelect,
    Select,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::{ApiError, ApiResult};

pub const MAX_PAGE_SIZE: u64 = 100;
/// Highest page number accepted: far beyond any list (100 million rows at 100 a page), and small
/// enough that `(page - 1) × pageSize` never overflows an SQL `OFFSET`.
pub const MAX_PAGE: u64 = 1_000_000;

#[derive(Debug, Clone, Copy, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// 1-based page number (default 1), at most 1,000,000.
    #[param(minimum = 1, maximum = 1000000, example = 1)]
    pub page: Option<u64>,
    /// Items per page, 1–100 (default 20).
    #[param(minimum = 1, maximum = 100, example = 20)]
    pub page_size: Option<u64>,
}

impl PageQuery {
    /// The checked (page, page size), both at least 1.
    pub fn parts(&self) -> ApiResult<(u64, u64)> {
        let page = self.page.unwrap_or(1);
        let size = self.page_size.unwrap_or(20);
        if page == 0 || page > MAX_PAGE {
            return Err(ApiError::field("page", "RANGE", "页码应为1至1000000"));
        }
        if size == 0 || size > MAX_PAGE_SIZE {
            return Err(ApiError::field("pageSize", "RANGE", "每页条数应为1至100"));
        }
        Ok((page, size))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(page: Option<u64>, page_size: Option<u64>) -> ApiResult<(u64, u64)> {
        PageQuery { page, page_size }.parts()
    }

    #[test]
    fn pages_are_bounded_so_the_offset_cannot_overflow() {
        assert_eq!(parts(None, None).unwrap(), (1, 20));
        assert_eq!(
            parts(Some(MAX_PAGE), Some(MAX_PAGE_SIZE)).unwrap(),
            (MAX_PAGE, 100)
        );
        for huge in [MAX_PAGE + 1, i64::MAX as u64, u64::MAX, 0] {
            let Err(ApiError::Validation(f)) = parts(Some(huge), Some(20)) else {
                panic!("page {huge} is refused");
            };
            assert_eq!((f[0].field.as_str(), f[0].code.as_str()), ("page", "RANGE"));
        }
        let (page, size) = parts(Some(MAX_PAGE), Some(MAX_PAGE_SIZE)).unwrap();
        assert!(i64::try_from((page - 1) * size).is_ok());
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Number of items across all pages.
    pub total: u64,
    pub page: u64,
    pub page_size: u64,
}

impl<T> Page<T> {
    pub fn new(items: Vec<T>, total: u64, (page, page_size): (u64, u64)) -> Self {
        Self {
            items,
            total,
            page,
            page_size,
        }
    }
}

/// The column every paged statement adds: the number of rows across all pages, computed by the
/// database in the same statement as the page (`COUNT(*) OVER ()`, PostgreSQL and SQLite ≥ 3.25).
pub const TOTAL: &str = "page_total";

pub fn total_column() -> Expr {
    Expr::cust("COUNT(*) OVER ()")
}

/// A row of a page together with [`TOTAL`].
pub struct Counted<M> {
    pub row: M,
    pub total: i64,
}

impl<M: FromQueryResult> FromQueryResult for Counted<M> {
    fn from_query_result(res: &QueryResult, pre: &str) -> Result<Self, DbErr> {
        Ok(Self {
            row: M::from_query_result(res, pre)?,
            // Added to the statement without the entity's prefix (see `SelectTwo`).
            total: res.try_get("", TOTAL)?,
        })
    }
}

/// A second number a paged statement may compute per row (see [`WithExtra`]).
pub const EXTRA: &str = "row_extra";

/// A row with [`TOTAL`] and one more number computed in the same statement, named [`EXTRA`]
/// (the unread count of a notification page, the people ahead of a waiting enrollment).
pub struct WithExtra<M> {
    pub row: Counted<M>,
    pub extra: i64,
}

impl<M: FromQueryResult> FromQueryResult for WithExtra<M> {
    fn from_query_result(res: &QueryResult, pre: &str) -> Result<Self, DbErr> {
        Ok(Self {
            row: Counted::from_query_result(res, pre)?,
            extra: res.try_get("", EXTRA)?,
        })
    }
}

/// The total of a page read with [`total_column`]: taken from its rows; zero for an empty first
/// page; counted separately only when the page lies past the end (the one case the window
/// cannot answer).
pub async fn total_of<E, R>(
    rows: &[Counted<R>],
    query: Select<E>,
    db: &impl ConnectionTrait,
    page: u64,
) -> ApiResult<u64>
where
    E: EntityTrait,
    E::Model: Sync,
{
    Ok(match rows.first() {
        Some(r) => r.total.max(0) as u64,
        None if page <= 1 => 0,
        None => query.count(db).await?,
    })
}

/// One page of `query` and the total count, in one statement (see [`total_column`]).
pub async fn page_rows<E>(
    query: Select<E>,
    db: &impl ConnectionTrait,
    (page, size): (u64, u64),
) -> ApiResult<(Vec<E::Model>, u64)>
where
    E: EntityTrait,
    E::Model: Sync,
{
    let rows: Vec<Counted<E::Model>> = query
        .clone()
        .column_as(total_column(), TOTAL)
        .offset((page - 1) * size)
        .limit(size)
        .into_model()
        .all(db)
        .await?;
    let total = total_of(&rows, query, db, page).await?;
    Ok((rows.into_iter().map(|r| r.row).collect(), total))
}

/// One page and its total in two statements run side by side, for tables that grow large (loan
/// applications): the window count of [`page_rows`] makes the database read every matching row,
/// wide columns included, to return twenty of them (the bank's queue of 12,000 among 100,000
/// applications: 37 ms in one statement, 2.7 ms as an index-only count and an index-ordered
/// page, `bench/loans.sh`). `filtered` is counted exactly (the staff lists that use this are kept
/// per loan list stamp, `loans::kept_lists`, so they count only after a change); `page_query`
/// turns it into the page query (its order, and the joins `P`
/// reads). Each row is read as the partial model `P`: only the columns a list item shows (a
/// loan application's without its product snapshot, its bank's and product's names joined).
pub async fn page_partial_apart<E, P>(
    filtered: Select<E>,
    page_query: impl FnOnce(Select<E>) -> Select<E>,
    db: &impl ConnectionTrait,
    (page, size): (u64, u64),
) -> ApiResult<(Vec<P>, u64)>
where
    E: EntityTrait,
    E::Model: Sync,
    P: sea_orm::PartialModelTrait + Send + Sync,
{
    let rows = page_query(filtered.clone())
        .offset((page - 1) * size)
        .limit(size)
        .into_partial_model::<P>()
        .all(db);
    let (rows, total) = tokio::join!(rows, filtered.count(db));
    Ok((rows?, total?))
}

/// One page of `query` plus the total count, each row mapped to its view (one statement).
pub async fn fetch_page<E, T>(
    query: Select<E>,
    db: &impl ConnectionTrait,
    (page, size): (u64, u64),
    map: impl FnMut(E::Model) -> T,
) -> ApiResult<Page<T>>
where
    E: EntityTrait,
    E::Model: Sync,
{
    let (rows, total) = page_rows(query, db, (page, size)).await?;
    Ok(Page::new(
        rows.into_iter().map(map).collect(),
        total,
        (page, size),
    ))
}
