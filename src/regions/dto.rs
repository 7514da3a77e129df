use entity::regions;
use serde::Serialize;
use utoipa::ToSchema;

/// A unit of the official region tree.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"code": "220100", "name": "长春市", "level": "city", "parentCode": "220000"}))]
pub struct RegionView {
    /// Official statistical code (6 digits to county, 9 township, 12 village).
    pub code: String,
    pub name: String,
    /// province, city, county, township or village.
    pub level: String,
    pub parent_code: Option<String>,
}

impl From<regions::Model> for RegionView {
    fn from(m: regions::Model) -> Self {
        Self {
            code: m.code,
            name: m.name,
            level: m.level,
            parent_code: m.parent,
        }
    }
}
