//! The league's units (团组织) built from the region tree (`supervision.md` §1): the province,
//! the 9 市（州）团委, 长白山保护开发区团委 (three township codes under 抚松县 and 安图县),
//! 团梅河口市委 (220581, a county code under 通化市) and one county unit per other county code.
//!
//! Pure, so the application's tests check the ownership rule on exactly the seeded tree.
use serde::Deserialize;

/// Copied from `shared/data/jilin-regions.json`; compiled in so nothing is read at run time.
pub const REGIONS_JSON: &str = include_str!("../data/jilin-regions.json");

/// The unit code of 长白山保护开发区团委 (its area is three townships, not one region).
pub const CBS: &str = "CBS";
/// 梅河口市: a county code under 通化市, led directly by the province league.
pub const MEIHEKOU: &str = "220581";
/// The three 特殊乡镇 of 长白山保护开发区 (池西区, 池南区 under 抚松县; 池北区 under 安图县).
pub const CBS_REGIONS: [&str; 3] = ["220621120", "220621121", "222426120"];

#[derive(Debug, Clone, Deserialize)]
pub struct RegionRow {
    pub code: String,
    pub name: String,
    pub level: String,
    pub parent: Option<String>,
}

/// Every region of the tree, province to village.
pub fn regions() -> Vec<RegionRow> {
    serde_json::from_str(REGIONS_JSON).expect("the compiled-in region data is valid JSON")
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedUnit {
    pub id: i32,
    pub code: String,
    pub name: String,
    pub short_name: String,
    /// `province`, `city` or `county` (梅河口 and 长白山 are `city`).
    pub level: &'static str,
    pub parent_id: Option<i32>,
    pub sort_order: i32,
    /// Region codes mapped to the unit; each is mapped to one unit only.
    pub regions: Vec<String>,
}

/// The units in id order: province, the 9 cities in code order, 长白山, 梅河口, then the county
/// units in code order (parent = the top-level unit of their city).
pub fn units(regions: &[RegionRow]) -> Vec<SeedUnit> {
    let mut out = Vec::new();
    let province = regions
        .iter()
        .find(|r| r.level == "province")
        .expect("the tree has a province");
    out.push(SeedUnit {
        id: 1,
        code: province.code.clone(),
        name: format!("共青团{}委员会", province.name),
        short_name: "团省委".into(),
        level: "province",
        parent_id: None,
        sort_order: 0,
        regions: vec![province.code.clone()],
    });
    let mut cities: Vec<&RegionRow> = regions.iter().filter(|r| r.level == "city").collect();
    cities.sort_by(|a, b| a.code.cmp(&b.code));
    for city in &cities {
        let id = out.len() as i32 + 1;
        out.push(SeedUnit {
            id,
            code: city.code.clone(),
            name: format!("共青团{}委员会", city.name),
            short_name: format!("{}团委", city.name),
            level: "city",
            parent_id: Some(1),
            sort_order: id - 1,
            regions: vec![city.code.clone()],
        });
    }
    let id = out.len() as i32 + 1;
    out.push(SeedUnit {
        id,
        code: CBS.into(),
        name: "共青团长白山保护开发区委员会".into(),
        short_name: "长白山保护开发区团委".into(),
        level: "city",
        parent_id: Some(1),
        sort_order: id - 1,
        regions: CBS_REGIONS.iter().map(|c| (*c).to_owned()).collect(),
    });
    let meihekou = regions
        .iter()
        .find(|r| r.code == MEIHEKOU)
        .expect("the tree has 梅河口市");
    let id = out.len() as i32 + 1;
    out.push(SeedUnit {
        id,
        code: MEIHEKOU.into(),
        name: format!("共青团{}委员会", meihekou.name),
        short_name: format!("{}团委", meihekou.name),
        level: "city",
        parent_id: Some(1),
        sort_order: id - 1,
        regions: vec![MEIHEKOU.into()],
    });
    let mut counties: Vec<&RegionRow> = regions
        .iter()
        .filter(|r| r.level == "county" && r.code != MEIHEKOU)
        .collect();
    counties.sort_by(|a, b| a.code.cmp(&b.code));
    for county in counties {
        let city_code = format!("{}00", &county.code[..4]);
        let parent = out
            .iter()
            .find(|u| u.code == city_code)
            .map(|u| u.id)
            .expect("every county lies in a city");
        let id = out.len() as i32 + 1;
        out.push(SeedUnit {
            id,
            code: county.code.clone(),
            name: format!("共青团{}委员会", county.name),
            short_name: format!("{}团委", county.name),
            level: "county",
            parent_id: Some(parent),
            sort_order: id - 1,
            regions: vec![county.code.clone()],
        });
    }
    out
}
