//! The closed lists a profile chooses from, with the programme's Chinese labels
//! (wording from the 2022 work plan). Values are stored and sent as the snake_case codes.
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// One entry of a list, as the front end shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Choice {
    pub value: &'static str,
    pub label: &'static str,
}

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
                match self { $($name::$variant => $label),+ }
            }

            pub fn parse(s: &str) -> Option<Self> {
                match s { $($code => Some($name::$variant),)+ _ => None }
            }

            pub fn choices() -> Vec<Choice> {
                Self::ALL.iter().map(|c| Choice { value: c.as_str(), label: c.label() }).collect()
            }
        }
    };
}

choices!(
    /// 性别
    Gender {
        Male = "male": "男",
        Female = "female": "女",
    }
);

choices!(
    /// 学历
    Education {
        PrimaryOrBelow = "primary_or_below": "小学及以下",
        JuniorHigh = "junior_high": "初中",
        HighSchool = "high_school": "高中",
        Vocational = "vocational": "中专/职高/技校",
        JuniorCollege = "junior_college": "大学专科",
        Bachelor = "bachelor": "大学本科",
        Postgraduate = "postgraduate": "研究生",
    }
);

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

choices!(
    /// 经营主体类型
    BusinessType {
        Cooperative = "cooperative": "农民专业合作社",
        FamilyFarm = "family_farm": "家庭农场",
        IndividualBusiness = "individual_business": "个体工商户（店铺）",
        OnlineShop = "online_shop": "网店",
        Company = "company": "企业",
        Other = "other": "其他",
    }
);

choices!(
    /// 政治面貌
    PoliticalStatus {
        PartyMember = "party_member": "中共党员",
        ProbationaryPartyMember = "probationary_party_member": "中共预备党员",
        LeagueMember = "league_member": "共青团员",
        DemocraticParty = "democratic_party": "民主党派",
        Masses = "masses": "群众",
    }
);

choices!(
    /// 审核状态
    ReviewStatus {
        Pending = "pending": "待审核",
        Verified = "verified": "已认定",
        Rejected = "rejected": "未通过",
    }
);

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
