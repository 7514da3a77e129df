//! The closed lists a profile chooses from, with the programme's Chinese labels
//! (wording from the 2022 work plan). Values are stored and sent as the snake_case codes.
//!
//! Single-valued fields are columns typed by the entity's enums (labelled here); industries and
//! categories are lists kept as JSON arrays of codes, declared with `choices!`.
pub use entity::talent_profiles::{BusinessType, Education, Gender, PoliticalStatus, TalentStatus};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub use crate::choices::Choice;
use crate::choices::Labelled;

macro_rules! choices {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $code:literal : $label:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            pub fn label(self) -> &'static str {
                <Self as Labelled>::label(self)
            }

            pub fn parse(s: &str) -> Option<Self> {
                match s { $($code => Some($name::$variant),)+ _ => None }
            }

            pub fn choices() -> Vec<Choice> {
                Self::ALL
                    .iter()
                    .map(|c| Choice { value: c.as_str().to_owned(), label: c.label() })
                    .collect()
            }
        }

        impl Labelled for $name {
            fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }
        }
    };
}

crate::labels!(Gender {
    Male: "男",
    Female: "女",
});

crate::labels!(Education {
    PrimaryOrBelow: "小学及以下",
    JuniorHigh: "初中",
    HighSchool: "高中",
    Vocational: "中专/职高/技校",
    JuniorCollege: "大学专科",
    Bachelor: "大学本科",
    Postgraduate: "研究生",
});

choices!(
    /// 从事产业
    Industry {
        Planting = "planting": "种植业",
        AnimalHusbandry = "animal_husbandry": "畜牧养殖业",
        Aquaculture = "aquaculture": "水产养殖",
        ForestSpecialty = "forest_specialty": "林下经济与特产",
        ECommerce = "e_commerce": "电商直播",
        AgriProcessing = "agri_processing": "农产品加工",
        RuralTourism = "rural_tourism": "乡村旅游",
        Services = "services": "农村服务业",
        Other = "other": "其他",
    }
);

choices!(
    /// 人才类别（《吉青助农工程》工作方案）
    TalentCategory {
        WealthLeader = "wealth_leader": "农村青年致富带头人",
        LeadGoose = "lead_goose": "乡村产业振兴青年带头人（头雁）",
        ECommerceTalent = "e_commerce_talent": "青年电商人才",
        LocalExpert = "local_expert": "土专家/田秀才",
        ReturningEntrepreneur = "returning_entrepreneur": "返乡创业青年",
        QualifiedFarmer = "qualified_farmer": "高素质青年农民",
        PioneerCandidate = "pioneer_candidate": "乡村振兴青年先锋（候选）",
    }
);

crate::labels!(BusinessType {
    Cooperative: "农民专业合作社",
    FamilyFarm: "家庭农场",
    IndividualBusiness: "个体工商户（店铺）",
    OnlineShop: "网店",
    Company: "企业",
    Other: "其他",
});

crate::labels!(PoliticalStatus {
    PartyMember: "中共党员",
    ProbationaryPartyMember: "中共预备党员",
    LeagueMember: "共青团员",
    DemocraticParty: "民主党派",
    Masses: "群众",
});

crate::labels!(TalentStatus {
    Pending: "待审核",
    Verified: "已认定",
    Rejected: "未通过",
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_match_serde() {
        for c in TalentCategory::ALL {
            assert_eq!(TalentCategory::parse(c.as_str()), Some(*c));
            assert_eq!(
                serde_json::to_value(c).unwrap(),
                serde_json::Value::from(c.as_str())
            );
        }
        assert_eq!(Industry::parse("e_commerce"), Some(Industry::ECommerce));
        assert_eq!(Industry::parse("种植业"), None);
    }

    #[test]
    fn no_stored_code_is_contained_in_another_when_quoted() {
        // Filters match `"code"` inside the stored JSON array.
        let codes: Vec<String> = Industry::ALL
            .iter()
            .map(|c| format!("\"{}\"", c.as_str()))
            .chain(
                TalentCategory::ALL
                    .iter()
                    .map(|c| format!("\"{}\"", c.as_str())),
            )
            .collect();
        for a in &codes {
            assert_eq!(codes.iter().filter(|b| b.contains(a.as_str())).count(), 1);
        }
    }
}
