//! Closed lists of values (statuses, kinds, categories) and their Chinese labels.
//!
//! Stored lists are the string-backed enums of `entity` (the same snake_case value in the
//! database and in JSON); each domain gives them labels by implementing [`Labelled`] next to its
//! rules, with the programme's wording. Options endpoints list them with [`choices`].
use sea_orm::{ActiveEnum, Iterable};
use serde::Serialize;
use utoipa::ToSchema;

/// One entry of a list, as the front end shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Choice {
    pub value: String,
    pub label: &'static str,
}

/// A value with a Chinese label for people.
pub trait Labelled: Copy + 'static {
    fn label(self) -> &'static str;
}

/// The code of a stored value, as sent in JSON and kept in the database.
pub fn code<T: ActiveEnum<Value = String>>(value: T) -> String {
    value.to_value()
}

/// A stored value from its code (`None` for anything else, e.g. a bad query parameter).
pub fn parse<T: ActiveEnum<Value = String>>(code: &str) -> Option<T> {
    T::try_from_value(&code.to_owned()).ok()
}

/// Every value of a stored list with its label, in declaration order.
pub fn choices<T: ActiveEnum<Value = String> + Iterable + Labelled>() -> Vec<Choice> {
    T::iter()
        .map(|v| Choice {
            label: v.label(),
            value: v.to_value(),
        })
        .collect()
}

/// Give a stored enum its labels, every variant named (a new variant fails to compile until it
/// has one):
///
/// ```ignore
/// jiqing::labels!(TalentStatus { Pending: "待审核", Verified: "已认定", Rejected: "未通过" });
/// ```
#[macro_export]
macro_rules! labels {
    ($name:ty { $($variant:ident : $label:literal),+ $(,)? }) => {
        impl $crate::choices::Labelled for $name {
            fn label(self) -> &'static str {
                match self { $(<$name>::$variant => $label),+ }
            }
        }
    };
}

/// A list as stored in a text column (a JSON array; codes of a choice list, photo keys, …).
pub fn json_text<T: Serialize>(items: &[T]) -> String {
    serde_json::to_string(items).unwrap_or_else(|_| "[]".into())
}
