use entity::regions;
use serde::Serialize;
use utoipa::ToSchema;

use super::code::RegionLevel;
use crate::error::ApiError;

/// A unit of the official region tree.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"code": "220100", "name": "长春市", "level": "city", "parentCode": "220000"}))]
pub struct RegionView {
    /// Official statistical code (6 digits to county, 9 township, 12 village).
    pub code: String,
    pub name: String,
    pub level: RegionLevel,
    pub parent_code: Option<String>,
}

impl TryFrom<regions::Model> for RegionView {
    type Error = ApiError;

    /// A stored level the code does not know is corrupt data (500), never a guess.
    fn try_from(m: regions::Model) -> Result<Self, ApiError> {
        let level = RegionLevel::parse(&m.level).ok_or_else(|| {
            ApiError::Unexpected(anyhow::anyhow!("region {} has level {:?}", m.code, m.level))
        })?;
        Ok(Self {
            code: m.code,
            name: m.name,
            level,
            parent_code: m.parent,
        })
    }
}
