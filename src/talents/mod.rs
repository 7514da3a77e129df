//! The talent pool (青年人才库). Other domains ask it where a youth belongs.
pub mod queries;

pub use queries::{HomeRegion, home_region_of};
