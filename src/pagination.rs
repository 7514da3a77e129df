//! One way to page every list: `?page=1&pageSize=20` in, `{items, total, page, pageSize}` out.
use sea_orm::{ConnectionTrait, EntityTrait, PaginatorTrait, Select};
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

/// One page of `query` plus the total count, each row mapped to its view.
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
    let pages = query.paginate(db, size);
    let total = pages.num_items().await?;
    let items = pages.fetch_page(page - 1).await?;
    Ok(Page::new(
        items.into_iter().map(map).collect(),
        total,
        (page, size),
    ))
}
