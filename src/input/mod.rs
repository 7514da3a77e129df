//! What clients send, checked one way: the text rule for every string, the JSON body extractor
//! and the URL check.
pub mod json;
pub mod query;
pub mod text;
pub mod uri;

pub use json::Json;
pub use query::Query;
