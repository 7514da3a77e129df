//! Request and response types of the KPI endpoints.
use chrono::{DateTime, FixedOffset, NaiveDate};
use entity::kpi_snapshots::KpiStatus;
use entity::region_flags::RegionFlag;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::catalogue::{IndicatorUnit, PlaceKind};
use crate::kpi_scope::KpiScopes;

/// A default target of the catalogue.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DefaultTargetView {
    #[schema(value_type = String, format = Date)]
    pub due_on: NaiveDate,
    pub value: i64,
}

/// One indicator of the catalogue.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct IndicatorView {
    pub code: &'static str,
    pub name: &'static str,
    pub unit: IndicatorUnit,
    pub programme_quote: &'static str,
    /// What a ratio counts (and `/kpi/gaps` lists); null for counts.
    pub places: Option<PlaceKind>,
    /// Whether targets may be set (trend and display lines take none).
    pub takes_targets: bool,
    pub trend: bool,
    /// False while the domain it counts is not built: its lines report `no_data`.
    pub available: bool,
    pub default_targets: Vec<DefaultTargetView>,
    /// Display-only lines: the lines shown side by side.
    pub components: Vec<&'static str>,
    /// `signature_project_share`: the default targets are per local unit; a unit above the local
    /// units counts its local units meeting their target ÷ its local units, against this fixed
    /// target (‰; targets are set for local units only). Null for every other line.
    pub above_local_units_target: Option<i64>,
    /// Indicators fed by manual reports: the fields a report fills in (integers ≥ 0) and how
    /// often (`quarterly` / `yearly`); empty otherwise.
    pub manual_fields: Vec<ManualFieldView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub manual_periodicity: Option<&'static str>,
}

/// A field of a manual report.
#[derive(Debug, Serialize, ToSchema)]
pub struct ManualFieldView {
    pub key: &'static str,
    pub label: &'static str,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "scopes": {"township": "rural", "village": "village_committees", "county": "gb2260"},
    "baselineOn": "2022-08-20",
    "items": [{"code": "village_talent_coverage", "name": "村村都有好青年（有认定人才的村占比）",
               "unit": "permille", "programmeQuote": "到2025年，实现“村村都有好青年”目标",
               "places": "village", "takesTargets": true, "trend": false, "available": true,
               "defaultTargets": [{"dueOn": "2025-12-31", "value": 1000}], "components": [],
               "aboveLocalUnitsTarget": null, "manualFields": []}]
}))]
#[serde(rename_all = "camelCase")]
pub struct IndicatorList {
    pub scopes: KpiScopes,
    #[schema(value_type = String, format = Date)]
    pub baseline_on: NaiveDate,
    pub items: Vec<IndicatorView>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct ReportQuery {
    /// A league unit at or below the caller's (`220500`, `CBS`), or a township inside it
    /// (default: the caller's unit).
    #[param(example = "220200")]
    pub region: Option<String>,
    /// A past China date answers from the snapshots (default: today, live).
    #[param(value_type = Option<String>, format = Date)]
    pub as_of: Option<NaiveDate>,
    /// Comma-separated indicator codes (default: all).
    #[param(example = "village_talent_coverage,youth_home_township_coverage")]
    pub indicators: Option<String>,
    /// Only the children inside places with this flag.
    pub flag: Option<RegionFlag>,
}

/// The area of a line.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AreaView {
    pub code: String,
    pub name: String,
    /// province, city, county (units) or township, village (places).
    pub level: crate::regions::RegionLevel,
}

/// The target a line is judged against.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TargetView {
    #[schema(value_type = String, format = Date)]
    pub due_on: NaiveDate,
    pub value: i64,
    /// The unit that set it; null for the catalogue default.
    pub set_by_unit: Option<String>,
    /// Not set for this area itself (a parent's target or the default).
    pub inherited: bool,
}

/// A number of a line broken down (by category).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BreakdownView {
    pub key: String,
    pub numerator: Option<i64>,
    pub denominator: Option<i64>,
    pub value: Option<i64>,
}

/// A past value of the line (quarter ends, from the snapshots).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TrendPoint {
    #[schema(value_type = String, format = Date)]
    pub as_of: NaiveDate,
    pub value: Option<i64>,
    pub status: KpiStatus,
}

/// The pooled ratio beside a line counted as local units meeting their target: the places of
/// the area pooled (`signature_project_share`: its townships with an active verified project ÷
/// its townships).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PooledView {
    pub numerator: Option<i64>,
    pub denominator: Option<i64>,
    /// Per mille, rounded down.
    pub value: Option<i64>,
}

/// The numbers of one area for one indicator.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LineNumbers {
    pub region: AreaView,
    pub numerator: Option<i64>,
    pub denominator: Option<i64>,
    /// Per mille (rounded down) for ratios, the count for counts.
    pub value: Option<i64>,
    pub target: Option<TargetView>,
    /// Where the value should be today on the way to the target (floored).
    pub expected: Option<i64>,
    pub status: KpiStatus,
    /// Places (or units, person-times) still needed to reach the target.
    pub gap: Option<i64>,
    /// Only on `signature_project_share` lines of a unit above the local units (a city unit, the
    /// province) and of the province's children: those lines count the local units meeting their
    /// own target ÷ the local units (target 1000 ‰), and this is the pooled township ratio beside
    /// them. Null on every other line.
    pub pooled: Option<PooledView>,
}

/// One indicator of a report: the area's line and the same line for each child.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReportLine {
    pub code: &'static str,
    pub name: &'static str,
    pub unit: IndicatorUnit,
    pub programme_quote: &'static str,
    #[serde(flatten)]
    pub numbers: LineNumbers,
    /// For a count counted up to its due date: the window `[from, to]` counted.
    #[schema(value_type = Option<String>, format = Date)]
    pub counted_from: Option<NaiveDate>,
    #[schema(value_type = Option<String>, format = Date)]
    pub counted_to: Option<NaiveDate>,
    pub trend: Vec<TrendPoint>,
    pub breakdown: Vec<BreakdownView>,
    pub components: Vec<&'static str>,
    pub children: Vec<LineNumbers>,
}

/// Where a report's numbers come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum KpiServedFrom {
    Live,
    Snapshot,
    None,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "region": {"code": "220000", "name": "团省委", "level": "province"},
    "asOf": "2026-11-29", "servedFrom": "live", "computedAt": "2026-11-29T20:45:00+08:00",
    "scopes": {"township": "rural", "village": "village_committees", "county": "gb2260"},
    "flag": null,
    "indicators": [{
        "code": "village_talent_coverage", "name": "村村都有好青年（有认定人才的村占比）",
        "unit": "permille", "programmeQuote": "到2025年，实现“村村都有好青年”目标",
        "region": {"code": "220000", "name": "团省委", "level": "province"},
        "numerator": 4660, "denominator": 9321, "value": 499,
        "target": {"dueOn": "2025-12-31", "value": 1000, "setByUnit": null, "inherited": true},
        "expected": 1000, "status": "missed", "gap": 4661, "pooled": null,
        "countedFrom": null, "countedTo": null,
        "trend": [{"asOf": "2026-09-30", "value": 480, "status": "missed"}],
        "breakdown": [], "components": [],
        "children": [{"region": {"code": "220100", "name": "长春市团委", "level": "city"},
                      "numerator": 700, "denominator": 1400, "value": 500,
                      "target": {"dueOn": "2025-12-31", "value": 1000, "setByUnit": null, "inherited": true},
                      "expected": 1000, "status": "missed", "gap": 700, "pooled": null}]
    }, {
        "code": "signature_project_share", "name": "有标志性服务项目的乡镇占比",
        "unit": "permille", "programmeQuote": "县域内60%以上乡镇团委至少有1个标志性服务项目；到2025年……县域内80%以上乡镇团委至少有1个标志性服务项目",
        "region": {"code": "220000", "name": "团省委", "level": "province"},
        "numerator": 40, "denominator": 61, "value": 655,
        "target": {"dueOn": "2025-12-31", "value": 1000, "setByUnit": null, "inherited": true},
        "expected": 1000, "status": "missed", "gap": 21,
        "pooled": {"numerator": 420, "denominator": 613, "value": 685},
        "countedFrom": null, "countedTo": null, "trend": [], "breakdown": [], "components": [],
        "children": [{"region": {"code": "220200", "name": "吉林市团委", "level": "city"},
                      "numerator": 6, "denominator": 9, "value": 666,
                      "target": {"dueOn": "2025-12-31", "value": 1000, "setByUnit": null, "inherited": true},
                      "expected": 1000, "status": "missed", "gap": 3,
                      "pooled": {"numerator": 70, "denominator": 98, "value": 714}}]
    }]
}))]
#[serde(rename_all = "camelCase")]
pub struct KpiReport {
    pub region: AreaView,
    #[schema(value_type = String, format = Date)]
    pub as_of: NaiveDate,
    /// `live` (today), `snapshot` (a past date with snapshots), `none` (a past date without).
    pub served_from: KpiServedFrom,
    /// When the oldest counts of the answer were counted (live counts are cached up to 5 min).
    pub computed_at: Option<DateTime<FixedOffset>>,
    pub scopes: KpiScopes,
    pub flag: Option<RegionFlag>,
    pub indicators: Vec<ReportLine>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct GapsQuery {
    /// A coverage indicator (its places are listed; default `village_talent_coverage`).
    #[param(example = "village_talent_coverage")]
    pub indicator: Option<String>,
    /// A league unit at or below the caller's, or a township inside it (default: the caller's).
    pub region: Option<String>,
    pub page: Option<u64>,
    pub page_size: Option<u64>,
}

/// A place that does not count yet.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct GapPlace {
    pub code: String,
    pub name: String,
    /// The township (for a village) and the local unit it belongs to.
    pub township_name: Option<String>,
    pub local_unit: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct TargetsQuery {
    /// A league unit at or below the caller's (default: the caller's); its targets and those of
    /// every unit below it.
    #[param(example = "220200")]
    pub region: Option<String>,
    /// Only this indicator.
    #[param(example = "youth_home_township_coverage")]
    pub indicator: Option<String>,
    pub page: Option<u64>,
    pub page_size: Option<u64>,
}

/// A target set for a league unit.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "id": "01937b1e-55aa-7c2e-9d41-0a6f3c1b2e77", "indicatorCode": "youth_home_township_coverage",
    "areaUnitCode": "220281", "areaUnitName": "蛟河市团委", "dueOn": "2023-12-31", "value": 700,
    "note": "山区乡镇多，按七成安排", "setByUnit": "220200", "version": 1,
    "updatedAt": "2026-11-30T09:12:00+08:00"
}))]
pub struct TargetRow {
    pub id: uuid::Uuid,
    pub indicator_code: String,
    pub area_unit_code: String,
    pub area_unit_name: String,
    #[schema(value_type = String, format = Date)]
    pub due_on: NaiveDate,
    /// Per mille (0–1000) for ratios, a count for counts.
    pub value: i64,
    pub note: Option<String>,
    /// The unit whose cadre set it last.
    pub set_by_unit: String,
    /// Name it when changing the target (`PUT`), so a change made meanwhile is not overwritten.
    pub version: i32,
    pub updated_at: DateTime<FixedOffset>,
}

/// `PUT /admin/kpi/targets`: create a target (no `version`) or change one (the `version` seen).
#[derive(Debug, Deserialize, Serialize, ToSchema, validator::Validate)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "indicatorCode": "youth_home_township_coverage", "areaUnitCode": "220281",
    "dueOn": "2023-12-31", "value": 700, "note": "山区乡镇多，按七成安排"
}))]
pub struct SetTargetRequest {
    pub indicator_code: String,
    /// A league unit below the caller's (the province may also set its own).
    pub area_unit_code: String,
    #[schema(value_type = String, format = Date)]
    pub due_on: NaiveDate,
    /// Per mille 0–1000 for ratios, a count ≥ 0 for counts.
    pub value: i64,
    /// Up to 200 characters.
    #[serde(default)]
    #[schema(max_length = 200)]
    pub note: Option<String>,
    /// The version of the target being changed; absent to create one.
    #[serde(default)]
    pub version: Option<i32>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct AllocationQuery {
    /// A count indicator (default: `ecommerce_training_person_times`, the one count with targets).
    #[param(example = "ecommerce_training_person_times")]
    pub indicator: Option<String>,
    /// The parent unit (default: the caller's).
    pub region: Option<String>,
    /// The due date (default: the parent's target applying today).
    #[param(value_type = Option<String>, format = Date)]
    pub due_on: Option<NaiveDate>,
}

/// A child unit's share of the parent's count target (`null`: not allocated).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AllocationChild {
    pub unit_code: String,
    pub unit_name: String,
    pub value: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "indicatorCode": "ecommerce_training_person_times", "unitCode": "220000", "unitName": "团省委",
    "dueOn": "2023-12-31", "parentTarget": 5000, "allocated": 4200, "allocationShortfall": 800,
    "children": [{"unitCode": "220100", "unitName": "长春市团委", "value": 1200}]
}))]
pub struct TargetAllocation {
    pub indicator_code: &'static str,
    pub unit_code: String,
    pub unit_name: String,
    #[schema(value_type = String, format = Date)]
    pub due_on: NaiveDate,
    /// The parent's own or inherited target for that date (`null`: none).
    pub parent_target: Option<i64>,
    /// The sum of the children's targets.
    pub allocated: i64,
    /// `parentTarget − allocated`, never below 0.
    pub allocation_shortfall: Option<i64>,
    pub children: Vec<AllocationChild>,
}
