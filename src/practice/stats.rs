//! `GET /admin/practice/stats` (issue 12 point 7): for the caller's unit (or a unit or place
//! inside it) and each child of the league roll-up, the positions and slots offered, the
//! applications per status, the fill rate, the report acceptance rate, the applicants by home
//! unit and the counts per category, for one campaign or all.
//!
//! Attribution is by the position's place (`region_code`, copied onto applications and
//! reports). Everything is counted by `GROUP BY` in SQL over the roll-up's children (a `CASE`
//! naming the child of each row), so the province's answer reads a handful of rows per child
//! whatever the size of the campaign. Every count is additive: a row outside every child (a
//! position placed at a county's own code when the children are its townships) goes to a last
//! line 「…本级」, so the children's sums always equal the area's line.
use std::collections::BTreeMap;

use actix_web::{get, web};
use entity::practice_applications::{self, ApplicationStatus, Column as A};
use entity::practice_positions::{self, Column as P, PositionCategory, PositionStatus};
use entity::practice_reports::{self, Column as R, PracticeReportStatus};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, IntoColumnRef, Query, SelectStatement};
use sea_orm::{ActiveEnum, ConnectionTrait, Iterable, QueryResult};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::app_state::AppState;
use crate::auth::Cadre;
use crate::choices::{Labelled, code, parse};
use crate::error::{ApiResult, ErrorEnvelope};
use crate::league::LeagueTree;
use crate::league::rollup::{Area, Rollup, rollup};
use crate::talents::stats::permille;

#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct PracticeStatsQuery {
    /// One campaign (default: every campaign).
    pub campaign_id: Option<Uuid>,
    /// A league unit code or a place inside the caller's unit (default: their unit).
    pub region: Option<String>,
}

/// Applications in one status.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PracticeStatusCount {
    pub status: ApplicationStatus,
    pub label: &'static str,
    pub count: u64,
}

/// One category of positions.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PracticeCategoryCount {
    pub category: PositionCategory,
    pub label: &'static str,
    pub positions: u64,
    pub slots: u64,
    pub applications: u64,
    /// Applications that reached `confirmed`.
    pub placements: u64,
}

/// Applicants of one home unit (the local unit of their 生源地).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PracticeHomeUnitCount {
    pub unit_code: String,
    pub unit_name: String,
    pub applications: u64,
    /// Of those, the ones that reached `confirmed` (per campaign: the students placed, as a
    /// student has one placement per campaign).
    pub placements: u64,
}

/// One line of the stats: the area or a child.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PracticeStatsLine {
    pub code: String,
    pub name: String,
    /// Positions past their draft (published, closed or cancelled).
    pub positions: u64,
    /// Their slots.
    pub slots: u64,
    pub applications: u64,
    /// Every status, zeros included.
    pub by_status: Vec<PracticeStatusCount>,
    /// Applications that reached `confirmed`, whatever their status now.
    pub placements: u64,
    /// `placements ÷ slots`, permille rounded down (0 without slots).
    pub fill_rate_permille: u64,
    /// Reports handed in at least once (submitted, returned or accepted).
    pub reports_submitted: u64,
    pub reports_accepted: u64,
    /// `reportsAccepted ÷ reportsSubmitted`, permille rounded down.
    pub report_acceptance_permille: u64,
    /// Applicants by the local unit of their home region (units with applicants only).
    pub students_by_home_unit: Vec<PracticeHomeUnitCount>,
    /// Every category, zeros included.
    pub by_category: Vec<PracticeCategoryCount>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "campaignId": "01937c1e-8a2b-7c3d-9e4f-5a6b7c8d9e0f",
    "area": {"code": "220102", "name": "南关区团委", "positions": 2, "slots": 5, "applications": 7,
             "byStatus": [{"status": "submitted", "label": "已报名", "count": 3}],
             "placements": 3, "fillRatePermille": 600, "reportsSubmitted": 2,
             "reportsAccepted": 1, "reportAcceptancePermille": 500,
             "studentsByHomeUnit": [{"unitCode": "220102", "unitName": "南关区团委",
                                     "applications": 7, "placements": 3}],
             "byCategory": [{"category": "field_survey", "label": "乡土调查", "positions": 2,
                             "slots": 5, "applications": 7, "placements": 3}]},
    "children": []
}))]
pub struct PracticeStatsView {
    pub campaign_id: Option<Uuid>,
    pub area: PracticeStatsLine,
    /// The children in roll-up order; their counts add up to the area's.
    pub children: Vec<PracticeStatsLine>,
}

/// The counts of one line, indexed like `ApplicationStatus::iter()` and
/// `PositionCategory::iter()`.
#[derive(Debug, Clone, Default)]
struct Acc {
    positions: u64,
    slots: u64,
    by_status: Vec<u64>,
    placements: u64,
    reports_submitted: u64,
    reports_accepted: u64,
    /// Home unit id → (applications, placements).
    homes: BTreeMap<i32, (u64, u64)>,
    /// (positions, slots, applications, placements) per category.
    by_category: Vec<[u64; 4]>,
}

impl Acc {
    fn new() -> Self {
        Self {
            by_status: vec![0; ApplicationStatus::iter().count()],
            by_category: vec![[0; 4]; PositionCategory::iter().count()],
            ..Self::default()
        }
    }

    fn is_empty(&self) -> bool {
        self.positions == 0 && self.by_status.iter().all(|n| *n == 0) && self.homes.is_empty()
    }

    fn add(&mut self, o: &Acc) {
        self.positions += o.positions;
        self.slots += o.slots;
        self.placements += o.placements;
        self.reports_submitted += o.reports_submitted;
        self.reports_accepted += o.reports_accepted;
        for (a, b) in self.by_status.iter_mut().zip(&o.by_status) {
            *a += b;
        }
        for (a, b) in self.by_category.iter_mut().zip(&o.by_category) {
            for i in 0..4 {
                a[i] += b[i];
            }
        }
        for (unit, (n, p)) in &o.homes {
            let e = self.homes.entry(*unit).or_default();
            e.0 += n;
            e.1 += p;
        }
    }

    fn line(self, tree: &LeagueTree, code: String, name: String) -> PracticeStatsLine {
        let applications = self.by_status.iter().sum();
        let mut homes: Vec<_> = self
            .homes
            .into_iter()
            .filter_map(|(id, (n, p))| tree.by_id(id).map(|u| (u, n, p)))
            .collect();
        homes.sort_by_key(|(u, _, _)| (u.sort_order, u.code.clone()));
        PracticeStatsLine {
            code,
            name,
            positions: self.positions,
            slots: self.slots,
            applications,
            by_status: ApplicationStatus::iter()
                .zip(&self.by_status)
                .map(|(status, count)| PracticeStatusCount {
                    status,
                    label: status.label(),
                    count: *count,
                })
                .collect(),
            placements: self.placements,
            fill_rate_permille: permille(self.placements, self.slots),
            reports_submitted: self.reports_submitted,
            reports_accepted: self.reports_accepted,
            report_acceptance_permille: permille(self.reports_accepted, self.reports_submitted),
            students_by_home_unit: homes
                .into_iter()
                .map(|(u, applications, placements)| PracticeHomeUnitCount {
                    unit_code: u.code.clone(),
                    unit_name: u.short_name.clone(),
                    applications,
                    placements,
                })
                .collect(),
            by_category: PositionCategory::iter()
                .zip(&self.by_category)
                .map(|(category, [positions, slots, applications, placements])| {
                    PracticeCategoryCount {
                        category,
                        label: category.label(),
                        positions: *positions,
                        slots: *slots,
                        applications: *applications,
                        placements: *placements,
                    }
                })
                .collect(),
        }
    }
}

/// `CASE` naming the index of the child holding `col` (−1: none), written with bound values.
fn child_of(roll: &Rollup, col: impl IntoColumnRef + Clone) -> Expr {
    let mut children = roll.children.iter().enumerate();
    let Some((_, first)) = children.next() else {
        return Expr::val(-1i64);
    };
    let mut case = Expr::case(first.scope.condition(col.clone()), 0i64);
    for (i, c) in children {
        case = case.case(c.scope.condition(col.clone()), i as i64);
    }
    case.finally(-1i64).into()
}

/// Group by the first `n` selected expressions (by position, so a `CASE` with bound values is
/// one expression to PostgreSQL).
fn group_by_first(q: &mut SelectStatement, n: usize) {
    q.add_group_by((1..=n).map(|i| Expr::cust(i.to_string())));
}

fn count(row: &QueryResult, col: &str) -> ApiResult<u64> {
    let v: Option<i64> = row.try_get("", col)?;
    Ok(Ord::max(v.unwrap_or(0), 0) as u64)
}

/// The rows of `q` (each naming its child first), narrowed to `campaign` when given and grouped
/// by its first `n` expressions.
async fn grouped(
    db: &impl ConnectionTrait,
    mut q: SelectStatement,
    campaign_col: impl IntoColumnRef,
    campaign: Option<Uuid>,
    n: usize,
) -> ApiResult<Vec<QueryResult>> {
    if let Some(c) = campaign {
        q.and_where(Expr::col(campaign_col).eq(c));
    }
    group_by_first(&mut q, n);
    Ok(db
        .query_all_raw(db.get_database_backend().build(&q))
        .await?)
}

/// The index of a stored code among its enum's values.
fn index_of<T: ActiveEnum<Value = String> + Iterable + PartialEq>(code: &str) -> Option<usize> {
    let value = parse::<T>(code)?;
    T::iter().position(|x| x == value)
}

/// The counts per child (the last entry: rows outside every child).
struct Counted {
    children: Vec<Acc>,
    rest: Acc,
}

impl Counted {
    fn at(&mut self, row: &QueryResult) -> ApiResult<&mut Acc> {
        let i: i64 = row.try_get("", "child")?;
        Ok(usize::try_from(i)
            .ok()
            .and_then(|i| self.children.get_mut(i))
            .unwrap_or(&mut self.rest))
    }
}

async fn count_positions(
    db: &impl ConnectionTrait,
    roll: &Rollup,
    campaign: Option<Uuid>,
    out: &mut Counted,
) -> ApiResult<()> {
    let mut q = Query::select();
    q.expr_as(child_of(roll, P::RegionCode), Alias::new("child"))
        .column(P::Category)
        .expr_as(Expr::cust("COUNT(*)"), Alias::new("n"))
        .expr_as(
            Expr::cust("CAST(SUM(slots) AS BIGINT)"),
            Alias::new("slots"),
        )
        .from(practice_positions::Entity)
        .and_where(Expr::col(P::Status).ne(code(PositionStatus::Draft)))
        .cond_where(roll.area.scope.condition(P::RegionCode));
    for row in grouped(db, q, P::CampaignId, campaign, 2).await? {
        let category: String = row.try_get("", "category")?;
        let (n, slots) = (count(&row, "n")?, count(&row, "slots")?);
        let acc = out.at(&row)?;
        acc.positions += n;
        acc.slots += slots;
        if let Some(i) = index_of::<PositionCategory>(&category) {
            acc.by_category[i][0] += n;
            acc.by_category[i][1] += slots;
        }
    }
    Ok(())
}

async fn count_applications(
    db: &impl ConnectionTrait,
    roll: &Rollup,
    campaign: Option<Uuid>,
    out: &mut Counted,
) -> ApiResult<()> {
    let apps = practice_applications::Entity;
    let positions = practice_positions::Entity;
    let mut q = Query::select();
    q.expr_as(child_of(roll, (apps, A::RegionCode)), Alias::new("child"))
        .expr_as(Expr::col((apps, A::Status)), Alias::new("status"))
        .expr_as(Expr::col((positions, P::Category)), Alias::new("category"))
        .expr_as(Expr::cust("COUNT(*)"), Alias::new("n"))
        .expr_as(
            Expr::cust("COUNT(practice_applications.confirmed_at)"),
            Alias::new("placed"),
        )
        .from(apps)
        .inner_join(
            positions,
            Expr::col((positions, P::Id)).equals((apps, A::PositionId)),
        )
        .cond_where(roll.area.scope.condition((apps, A::RegionCode)));
    for row in grouped(db, q, (apps, A::CampaignId), campaign, 3).await? {
        let status: String = row.try_get("", "status")?;
        let category: String = row.try_get("", "category")?;
        let (n, placed) = (count(&row, "n")?, count(&row, "placed")?);
        let acc = out.at(&row)?;
        acc.placements += placed;
        if let Some(i) = index_of::<ApplicationStatus>(&status) {
            acc.by_status[i] += n;
        }
        if let Some(i) = index_of::<PositionCategory>(&category) {
            acc.by_category[i][2] += n;
            acc.by_category[i][3] += placed;
        }
    }
    Ok(())
}

/// Digits of a home region enough to find its local unit (the longest code mapped to a unit).
fn home_digits(tree: &LeagueTree) -> usize {
    tree.units()
        .iter()
        .flat_map(|u| u.regions.iter().map(String::len))
        .max()
        .unwrap_or(6)
        .clamp(6, 12)
}

async fn count_homes(
    db: &impl ConnectionTrait,
    tree: &LeagueTree,
    roll: &Rollup,
    campaign: Option<Uuid>,
    out: &mut Counted,
) -> ApiResult<()> {
    let mut q = Query::select();
    q.expr_as(child_of(roll, A::RegionCode), Alias::new("child"))
        .expr_as(
            // A number from the code, never input.
            Expr::cust(format!(
                "substr(home_region_code, 1, {})",
                home_digits(tree)
            )),
            Alias::new("home"),
        )
        .expr_as(Expr::cust("COUNT(*)"), Alias::new("n"))
        .expr_as(Expr::cust("COUNT(confirmed_at)"), Alias::new("placed"))
        .from(practice_applications::Entity)
        .cond_where(roll.area.scope.condition(A::RegionCode));
    for row in grouped(db, q, A::CampaignId, campaign, 2).await? {
        let home: String = row.try_get("", "home")?;
        let (n, placed) = (count(&row, "n")?, count(&row, "placed")?);
        let Some(unit) = tree.owner(&home) else {
            continue;
        };
        let e = out.at(&row)?.homes.entry(unit.id).or_default();
        e.0 += n;
        e.1 += placed;
    }
    Ok(())
}

async fn count_reports(
    db: &impl ConnectionTrait,
    roll: &Rollup,
    campaign: Option<Uuid>,
    out: &mut Counted,
) -> ApiResult<()> {
    let mut q = Query::select();
    q.expr_as(child_of(roll, R::RegionCode), Alias::new("child"))
        .expr_as(Expr::cust("COUNT(submitted_at)"), Alias::new("submitted"))
        .expr_as(
            Expr::cust(format!(
                "COUNT(CASE WHEN status = '{}' THEN 1 END)",
                code(PracticeReportStatus::Accepted)
            )),
            Alias::new("accepted"),
        )
        .from(practice_reports::Entity)
        .cond_where(roll.area.scope.condition(R::RegionCode));
    for row in grouped(db, q, R::CampaignId, campaign, 1).await? {
        let (submitted, accepted) = (count(&row, "submitted")?, count(&row, "accepted")?);
        let acc = out.at(&row)?;
        acc.reports_submitted += submitted;
        acc.reports_accepted += accepted;
    }
    Ok(())
}

/// The stats of a roll-up: the area's line and the children's (plus 「…本级」 when some
/// rows lie in no child).
pub async fn practice_stats(
    db: &impl ConnectionTrait,
    tree: &LeagueTree,
    roll: &Rollup,
    campaign: Option<Uuid>,
) -> ApiResult<PracticeStatsView> {
    let mut counted = Counted {
        children: roll.children.iter().map(|_| Acc::new()).collect(),
        rest: Acc::new(),
    };
    count_positions(db, roll, campaign, &mut counted).await?;
    count_applications(db, roll, campaign, &mut counted).await?;
    count_homes(db, tree, roll, campaign, &mut counted).await?;
    count_reports(db, roll, campaign, &mut counted).await?;
    let mut area = Acc::new();
    for c in counted.children.iter().chain([&counted.rest]) {
        area.add(c);
    }
    let mut children: Vec<PracticeStatsLine> = counted
        .children
        .into_iter()
        .zip(&roll.children)
        .map(|(acc, c): (Acc, &Area)| acc.line(tree, c.code.clone(), c.name.clone()))
        .collect();
    if !counted.rest.is_empty() {
        children.push(counted.rest.line(
            tree,
            roll.area.code.clone(),
            format!("{}本级", roll.area.name),
        ));
    }
    Ok(PracticeStatsView {
        campaign_id: campaign,
        area: area.line(tree, roll.area.code.clone(), roll.area.name.clone()),
        children,
    })
}

/// Practice stats of the caller's unit (or the unit or place `region` names inside it), per
/// child: positions and slots, applications per status, the fill rate (placements that reached
/// `confirmed`, whatever their status now, ÷ slots, ‰), the report acceptance rate, applicants
/// by home unit and counts per category. The children add up to the area's line.
#[utoipa::path(
    tag = "practice",
    operation_id = "get_practice_stats",
    security(("bearer" = [])),
    params(PracticeStatsQuery),
    responses(
        (status = 200, body = PracticeStatsView),
        (status = 403, body = ErrorEnvelope, description = "ROLE_REQUIRED; OUTSIDE_REGION"),
        (status = 422, body = ErrorEnvelope, description = "region: UNKNOWN_REGION")
    )
)]
#[get("/admin/practice/stats")]
pub async fn get_practice_stats(
    state: web::Data<AppState>,
    cadre: Cadre,
    query: crate::input::Query<PracticeStatsQuery>,
) -> ApiResult<web::Json<PracticeStatsView>> {
    let roll = rollup(&state.db, &cadre, query.region.as_deref(), "region").await?;
    Ok(web::Json(
        practice_stats(&state.db, cadre.tree(), &roll, query.campaign_id).await?,
    ))
}
