//! The league-unit denial matrix: for 梅河口, 长白山, a county, a city and the province, a cadre
//! of a unit outside the records' area is refused on EVERY admin operation that takes a region
//! or a record id, and finds none of the records in any list. The operations come from the
//! OpenAPI document, so a new admin endpoint fails here until it is classified.
use chrono::{Duration, Utc};
use entity::{talent_profiles, trainings, volunteer_activities};
use reqwest::{Method, StatusCode};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

use crate::helpers::*;
use crate::mentoring::{apply_mentor, mentor_body};
use crate::trainings::{publish, training_body};
use crate::volunteer::{approved_report, create_activity};

/// The record a `{id}` names.
#[derive(Debug, Clone, Copy)]
enum Record {
    Talent,
    Training,
    Activity,
    Report,
    Correction,
    Entry,
    Staff,
    HostUnit,
    Campaign,
    Mentor,
    Position,
    /// A published position (check-in codes are for positions past their draft).
    OpenPosition,
    PracticeApplication,
    LoanProduct,
    LoanApplication,
    SubsidyClaim,
    Request,
    Pairing,
    Organisation,
    ManualReport,
    YouthHome,
    SignatureProject,
    HopeRoom,
    Recognition,
    /// A 青年先锋 round of the area's unit (a setup, as campaigns are).
    PioneerRound,
    PioneerNomination,
    PioneerObjection,
}

/// How an admin operation keeps a cadre inside their league unit.
#[derive(Debug, Clone, Copy)]
enum Guard {
    /// The path's `{id}` is a record of the area: 404 `NOT_FOUND`.
    ById(Record),
    /// `?region=<the area's unit>`: 403 `OUTSIDE_REGION`.
    RegionQuery,
    /// A create naming the area in its body: 403 `OUTSIDE_REGION`.
    RegionBody,
    /// A list or count: none of the area's records in the answer.
    List,
    /// Takes no region or record of an area (province-only or bank registry).
    NotRegional,
    /// A setup of a league unit (a campaign): 404 outside, but units below it read it (200) and
    /// are refused writes (403 `CAMPAIGN_UNIT_ONLY`).
    Setup(Record),
}

use Guard::*;
use Record::*;

const OPERATIONS: &[(&str, &str, &[Guard])] = &[
    ("GET", "/api/v1/admin/banks", &[NotRegional]),
    ("POST", "/api/v1/admin/banks", &[NotRegional]),
    // Bank officers' routes: a cadre is no officer (the bank scope is tested in loans.rs).
    (
        "GET",
        "/api/v1/admin/bank/loan-applications",
        &[NotRegional],
    ),
    (
        "GET",
        "/api/v1/admin/bank/loan-applications/export",
        &[NotRegional],
    ),
    (
        "GET",
        "/api/v1/admin/bank/loan-applications/{id}",
        &[NotRegional],
    ),
    (
        "POST",
        "/api/v1/admin/bank/loan-applications/{id}/acceptances",
        &[NotRegional],
    ),
    (
        "POST",
        "/api/v1/admin/bank/loan-applications/{id}/decisions",
        &[NotRegional],
    ),
    (
        "POST",
        "/api/v1/admin/bank/loan-applications/{id}/disbursements",
        &[NotRegional],
    ),
    (
        "POST",
        "/api/v1/admin/bank/loan-applications/{id}/reveals",
        &[NotRegional],
    ),
    (
        "POST",
        "/api/v1/admin/bank/loan-applications/{id}/reversals",
        &[NotRegional],
    ),
    (
        "POST",
        "/api/v1/admin/bank/loan-applications/{id}/status-reports",
        &[NotRegional],
    ),
    (
        "POST",
        "/api/v1/admin/bank/loan-applications/{id}/subsidy-claims",
        &[NotRegional],
    ),
    (
        "GET",
        "/api/v1/admin/loan-subsidy-claims",
        &[List, RegionQuery],
    ),
    (
        "POST",
        "/api/v1/admin/loan-subsidy-claims/{id}/approvals",
        &[ById(SubsidyClaim)],
    ),
    (
        "POST",
        "/api/v1/admin/loan-subsidy-claims/{id}/payments",
        &[ById(SubsidyClaim)],
    ),
    (
        "POST",
        "/api/v1/admin/loan-subsidy-claims/{id}/rejections",
        &[ById(SubsidyClaim)],
    ),
    (
        "POST",
        "/api/v1/admin/loan-subsidy-claims/{id}/verifications",
        &[ById(SubsidyClaim)],
    ),
    ("GET", "/api/v1/admin/bank/loan-products", &[NotRegional]),
    (
        "POST",
        "/api/v1/admin/bank/loan-products/{id}/change-requests",
        &[NotRegional],
    ),
    (
        "POST",
        "/api/v1/admin/bank/loan-products/{id}/confirmations",
        &[NotRegional],
    ),
    (
        "POST",
        "/api/v1/admin/bank/loan-products/{id}/resumptions",
        &[NotRegional],
    ),
    (
        "POST",
        "/api/v1/admin/bank/loan-products/{id}/suspensions",
        &[NotRegional],
    ),
    (
        "GET",
        "/api/v1/admin/loan-applications",
        &[List, RegionQuery],
    ),
    (
        "GET",
        "/api/v1/admin/loan-applications/{id}",
        &[ById(LoanApplication)],
    ),
    (
        "POST",
        "/api/v1/admin/loan-applications/{id}/non-recommendations",
        &[ById(LoanApplication)],
    ),
    (
        "POST",
        "/api/v1/admin/loan-applications/{id}/recommendations",
        &[ById(LoanApplication)],
    ),
    (
        "POST",
        "/api/v1/admin/loan-applications/{id}/returns",
        &[ById(LoanApplication)],
    ),
    (
        "POST",
        "/api/v1/admin/loan-applications/{id}/reveals",
        &[ById(LoanApplication)],
    ),
    ("GET", "/api/v1/admin/loan-reveals", &[NotRegional]),
    ("GET", "/api/v1/admin/loan-products", &[List]),
    ("GET", "/api/v1/admin/loans/stats", &[RegionQuery]),
    ("POST", "/api/v1/admin/loan-products", &[RegionBody]),
    (
        "GET",
        "/api/v1/admin/loan-products/{id}",
        &[Setup(LoanProduct)],
    ),
    (
        "PUT",
        "/api/v1/admin/loan-products/{id}",
        &[Setup(LoanProduct)],
    ),
    (
        "POST",
        "/api/v1/admin/loan-products/{id}/bank-submissions",
        &[Setup(LoanProduct)],
    ),
    (
        "POST",
        "/api/v1/admin/loan-products/{id}/clones",
        &[Setup(LoanProduct)],
    ),
    (
        "POST",
        "/api/v1/admin/loan-products/{id}/publications",
        &[Setup(LoanProduct)],
    ),
    (
        "POST",
        "/api/v1/admin/loan-products/{id}/resumptions",
        &[Setup(LoanProduct)],
    ),
    (
        "POST",
        "/api/v1/admin/loan-products/{id}/retirements",
        &[Setup(LoanProduct)],
    ),
    (
        "POST",
        "/api/v1/admin/loan-products/{id}/suspensions",
        &[Setup(LoanProduct)],
    ),
    (
        "GET",
        "/api/v1/admin/practice/applications",
        &[List, RegionQuery],
    ),
    (
        "GET",
        "/api/v1/admin/practice/applications/export",
        &[List, RegionQuery],
    ),
    (
        "GET",
        "/api/v1/admin/practice/applications/{id}",
        &[ById(PracticeApplication)],
    ),
    (
        "POST",
        "/api/v1/admin/practice/applications/{id}/attendance-confirmations",
        &[ById(PracticeApplication)],
    ),
    (
        "POST",
        "/api/v1/admin/practice/applications/{id}/certificates",
        &[ById(PracticeApplication)],
    ),
    (
        "POST",
        "/api/v1/admin/practice/applications/{id}/completions",
        &[ById(PracticeApplication)],
    ),
    (
        "POST",
        "/api/v1/admin/practice/applications/{id}/drops",
        &[ById(PracticeApplication)],
    ),
    (
        "POST",
        "/api/v1/admin/practice/applications/{id}/evaluations",
        &[ById(PracticeApplication)],
    ),
    (
        "POST",
        "/api/v1/admin/practice/applications/{id}/duty-reports",
        &[ById(PracticeApplication)],
    ),
    (
        "POST",
        "/api/v1/admin/practice/applications/{id}/offers",
        &[ById(PracticeApplication)],
    ),
    (
        "POST",
        "/api/v1/admin/practice/applications/{id}/rejections",
        &[ById(PracticeApplication)],
    ),
    (
        "POST",
        "/api/v1/admin/practice/applications/{id}/report-deadline-extensions",
        &[ById(PracticeApplication)],
    ),
    (
        "POST",
        "/api/v1/admin/practice/applications/{id}/report-reviews",
        &[ById(PracticeApplication)],
    ),
    ("GET", "/api/v1/admin/practice/campaigns", &[List]),
    // The batch names its applications in the body and answers per id: one outside the
    // caller's unit is `refused` with `NOT_FOUND` (tests/api/practice/certificates.rs).
    (
        "POST",
        "/api/v1/admin/practice/certificates",
        &[NotRegional],
    ),
    // The template names nothing of an area; an import's rows are each checked as the single
    // create (OUTSIDE_REGION / LOCAL_UNIT_ONLY per row, tests/api/practice/imports.rs).
    (
        "GET",
        "/api/v1/admin/practice/positions/import-template",
        &[NotRegional],
    ),
    (
        "POST",
        "/api/v1/admin/practice/positions/imports",
        &[NotRegional],
    ),
    ("POST", "/api/v1/admin/practice/campaigns", &[NotRegional]),
    (
        "GET",
        "/api/v1/admin/practice/campaigns/{id}",
        &[Setup(Campaign)],
    ),
    (
        "PUT",
        "/api/v1/admin/practice/campaigns/{id}",
        &[Setup(Campaign)],
    ),
    (
        "POST",
        "/api/v1/admin/practice/campaigns/{id}/archivings",
        &[Setup(Campaign)],
    ),
    (
        "POST",
        "/api/v1/admin/practice/campaigns/{id}/closings",
        &[Setup(Campaign)],
    ),
    (
        "POST",
        "/api/v1/admin/practice/campaigns/{id}/openings",
        &[Setup(Campaign)],
    ),
    (
        "GET",
        "/api/v1/admin/practice/host-units",
        &[List, RegionQuery],
    ),
    ("POST", "/api/v1/admin/practice/host-units", &[RegionBody]),
    (
        "GET",
        "/api/v1/admin/practice/host-units/{id}",
        &[ById(HostUnit)],
    ),
    (
        "PUT",
        "/api/v1/admin/practice/host-units/{id}",
        &[ById(HostUnit)],
    ),
    (
        "POST",
        "/api/v1/admin/practice/host-units/{id}/invitations",
        &[ById(HostUnit)],
    ),
    (
        "POST",
        "/api/v1/admin/practice/host-units/{id}/reinstatements",
        &[ById(HostUnit)],
    ),
    (
        "POST",
        "/api/v1/admin/practice/host-units/{id}/suspensions",
        &[ById(HostUnit)],
    ),
    (
        "DELETE",
        "/api/v1/admin/practice/host-units/{id}/supervisors/{userId}",
        &[ById(HostUnit)],
    ),
    (
        "GET",
        "/api/v1/admin/practice/positions",
        &[List, RegionQuery],
    ),
    ("POST", "/api/v1/admin/practice/positions", &[RegionBody]),
    (
        "GET",
        "/api/v1/admin/practice/positions/{id}",
        &[ById(Position)],
    ),
    (
        "PUT",
        "/api/v1/admin/practice/positions/{id}",
        &[ById(Position)],
    ),
    (
        "POST",
        "/api/v1/admin/practice/positions/{id}/cancellations",
        &[ById(Position)],
    ),
    (
        "GET",
        "/api/v1/admin/practice/positions/{id}/check-in-code",
        &[ById(OpenPosition)],
    ),
    (
        "POST",
        "/api/v1/admin/practice/positions/{id}/closings",
        &[ById(Position)],
    ),
    (
        "POST",
        "/api/v1/admin/practice/positions/{id}/publications",
        &[ById(Position)],
    ),
    ("GET", "/api/v1/admin/practice/stats", &[List, RegionQuery]),
    ("GET", "/api/v1/admin/kpi/gaps", &[RegionQuery]),
    ("GET", "/api/v1/admin/kpi/indicators", &[NotRegional]),
    ("GET", "/api/v1/admin/kpi/report", &[RegionQuery]),
    ("GET", "/api/v1/admin/kpi/report/export", &[RegionQuery]),
    ("GET", "/api/v1/admin/kpi/targets", &[RegionQuery]),
    ("GET", "/api/v1/admin/region-flags", &[List, RegionQuery]),
    ("PUT", "/api/v1/admin/region-flags/{code}", &[NotRegional]),
    (
        "DELETE",
        "/api/v1/admin/region-flags/{code}",
        &[NotRegional],
    ),
    ("PUT", "/api/v1/admin/kpi/targets", &[RegionBody]),
    (
        "GET",
        "/api/v1/admin/kpi/manual-reports",
        &[List, RegionQuery],
    ),
    ("POST", "/api/v1/admin/kpi/manual-reports", &[RegionBody]),
    (
        "GET",
        "/api/v1/admin/kpi/manual-reports/{id}",
        &[ById(ManualReport)],
    ),
    (
        "PUT",
        "/api/v1/admin/kpi/manual-reports/{id}",
        &[ById(ManualReport)],
    ),
    (
        "POST",
        "/api/v1/admin/kpi/manual-reports/{id}/approvals",
        &[ById(ManualReport)],
    ),
    (
        "POST",
        "/api/v1/admin/kpi/manual-reports/{id}/returns",
        &[ById(ManualReport)],
    ),
    (
        "POST",
        "/api/v1/admin/kpi/manual-reports/{id}/unapprovals",
        &[ById(ManualReport)],
    ),
    (
        "POST",
        "/api/v1/admin/kpi/manual-reports/{id}/acceptances",
        &[ById(ManualReport)],
    ),
    (
        "POST",
        "/api/v1/admin/kpi/manual-reports/{id}/unacceptances",
        &[ById(ManualReport)],
    ),
    (
        "GET",
        "/api/v1/admin/kpi/targets/allocation",
        &[RegionQuery],
    ),
    ("GET", "/api/v1/admin/staff", &[List]),
    ("POST", "/api/v1/admin/staff", &[RegionBody]),
    (
        "POST",
        "/api/v1/admin/staff/{id}/reinstatements",
        &[ById(Staff)],
    ),
    (
        "POST",
        "/api/v1/admin/staff/{id}/suspensions",
        &[ById(Staff)],
    ),
    ("GET", "/api/v1/admin/mentors", &[List, RegionQuery]),
    ("GET", "/api/v1/admin/mentors/{id}", &[ById(Mentor)]),
    (
        "POST",
        "/api/v1/admin/mentors/{id}/reviews",
        &[ById(Mentor)],
    ),
    (
        "GET",
        "/api/v1/admin/mentorship-requests",
        &[List, RegionQuery],
    ),
    (
        "GET",
        "/api/v1/admin/mentorship-requests/{id}",
        &[ById(Request)],
    ),
    (
        "POST",
        "/api/v1/admin/mentorship-requests/{id}/assignments",
        &[ById(Request)],
    ),
    ("GET", "/api/v1/admin/mentoring/stats", &[List, RegionQuery]),
    ("GET", "/api/v1/admin/mentorships", &[List, RegionQuery]),
    ("GET", "/api/v1/admin/mentorships/{id}", &[ById(Pairing)]),
    (
        "POST",
        "/api/v1/admin/mentorships/{id}/endings",
        &[ById(Pairing)],
    ),
    (
        "POST",
        "/api/v1/admin/mentorships/{id}/records/{recordId}/settlements",
        &[ById(Pairing)],
    ),
    (
        "GET",
        "/api/v1/admin/youth-organisations",
        &[List, RegionQuery],
    ),
    ("POST", "/api/v1/admin/youth-organisations", &[RegionBody]),
    (
        "GET",
        "/api/v1/admin/youth-organisations/stats",
        &[List, RegionQuery],
    ),
    (
        "GET",
        "/api/v1/admin/youth-organisations/{id}",
        &[ById(Organisation)],
    ),
    (
        "PUT",
        "/api/v1/admin/youth-organisations/{id}",
        &[ById(Organisation)],
    ),
    (
        "POST",
        "/api/v1/admin/youth-organisations/{id}/dissolutions",
        &[ById(Organisation)],
    ),
    (
        "POST",
        "/api/v1/admin/youth-organisations/{id}/mentor-assignments",
        &[ById(Organisation)],
    ),
    (
        "DELETE",
        "/api/v1/admin/youth-organisations/{id}/mentor-assignments/{assignmentId}",
        &[ById(Organisation)],
    ),
    (
        "POST",
        "/api/v1/admin/youth-organisations/{id}/verifications",
        &[ById(Organisation)],
    ),
    ("GET", "/api/v1/admin/youth-homes", &[List, RegionQuery]),
    ("POST", "/api/v1/admin/youth-homes", &[RegionBody]),
    (
        "GET",
        "/api/v1/admin/youth-homes/stats",
        &[List, RegionQuery],
    ),
    ("GET", "/api/v1/admin/youth-homes/{id}", &[ById(YouthHome)]),
    ("PUT", "/api/v1/admin/youth-homes/{id}", &[ById(YouthHome)]),
    (
        "POST",
        "/api/v1/admin/youth-homes/{id}/status-changes",
        &[ById(YouthHome)],
    ),
    (
        "POST",
        "/api/v1/admin/youth-homes/{id}/verifications",
        &[ById(YouthHome)],
    ),
    (
        "POST",
        "/api/v1/admin/youth-homes/{id}/checks",
        &[ById(YouthHome)],
    ),
    (
        "GET",
        "/api/v1/admin/signature-projects",
        &[List, RegionQuery],
    ),
    ("POST", "/api/v1/admin/signature-projects", &[RegionBody]),
    (
        "GET",
        "/api/v1/admin/signature-projects/{id}",
        &[ById(SignatureProject)],
    ),
    (
        "PUT",
        "/api/v1/admin/signature-projects/{id}",
        &[ById(SignatureProject)],
    ),
    (
        "POST",
        "/api/v1/admin/signature-projects/{id}/status-changes",
        &[ById(SignatureProject)],
    ),
    (
        "POST",
        "/api/v1/admin/signature-projects/{id}/verifications",
        &[ById(SignatureProject)],
    ),
    ("GET", "/api/v1/admin/hope-rooms", &[List, RegionQuery]),
    ("POST", "/api/v1/admin/hope-rooms", &[RegionBody]),
    (
        "GET",
        "/api/v1/admin/hope-rooms/stats",
        &[List, RegionQuery],
    ),
    ("GET", "/api/v1/admin/hope-rooms/{id}", &[ById(HopeRoom)]),
    ("PUT", "/api/v1/admin/hope-rooms/{id}", &[ById(HopeRoom)]),
    (
        "POST",
        "/api/v1/admin/hope-rooms/{id}/status-changes",
        &[ById(HopeRoom)],
    ),
    (
        "POST",
        "/api/v1/admin/hope-rooms/{id}/acceptances",
        &[ById(HopeRoom)],
    ),
    // 青年先锋: rounds are setups of a unit; nominations and objections by the nominee's place.
    ("GET", "/api/v1/admin/pioneer-rounds", &[List]),
    ("POST", "/api/v1/admin/pioneer-rounds", &[NotRegional]),
    (
        "GET",
        "/api/v1/admin/pioneer-rounds/{id}",
        &[Setup(PioneerRound)],
    ),
    (
        "PUT",
        "/api/v1/admin/pioneer-rounds/{id}",
        &[Setup(PioneerRound)],
    ),
    (
        "POST",
        "/api/v1/admin/pioneer-rounds/{id}/openings",
        &[Setup(PioneerRound)],
    ),
    (
        "POST",
        "/api/v1/admin/pioneer-rounds/{id}/closings",
        &[Setup(PioneerRound)],
    ),
    (
        "POST",
        "/api/v1/admin/pioneer-rounds/{id}/nominations",
        &[Setup(PioneerRound)],
    ),
    (
        "GET",
        "/api/v1/admin/pioneer-nominations",
        &[List, RegionQuery],
    ),
    (
        "GET",
        "/api/v1/admin/pioneer-nominations/{id}",
        &[ById(PioneerNomination)],
    ),
    (
        "POST",
        "/api/v1/admin/pioneer-nominations/{id}/qualifications",
        &[ById(PioneerNomination)],
    ),
    (
        "POST",
        "/api/v1/admin/pioneer-nominations/{id}/shortlistings",
        &[ById(PioneerNomination)],
    ),
    (
        "POST",
        "/api/v1/admin/pioneer-nominations/{id}/publicisations",
        &[ById(PioneerNomination)],
    ),
    (
        "POST",
        "/api/v1/admin/pioneer-nominations/{id}/namings",
        &[ById(PioneerNomination)],
    ),
    (
        "POST",
        "/api/v1/admin/pioneer-nominations/{id}/withdrawals",
        &[ById(PioneerNomination)],
    ),
    (
        "GET",
        "/api/v1/admin/pioneer-objections",
        &[List, RegionQuery],
    ),
    (
        "POST",
        "/api/v1/admin/pioneer-objections/{id}/reviews",
        &[ById(PioneerObjection)],
    ),
    // Recognitions are guarded by the talent's home.
    ("GET", "/api/v1/admin/recognitions", &[List, RegionQuery]),
    ("POST", "/api/v1/admin/recognitions", &[RegionBody]),
    (
        "GET",
        "/api/v1/admin/recognitions/{id}",
        &[ById(Recognition)],
    ),
    (
        "POST",
        "/api/v1/admin/recognitions/{id}/confirmations",
        &[ById(Recognition)],
    ),
    (
        "POST",
        "/api/v1/admin/recognitions/{id}/revocations",
        &[ById(Recognition)],
    ),
    ("GET", "/api/v1/admin/talent-reveals", &[NotRegional]),
    ("GET", "/api/v1/admin/talents", &[List, RegionQuery]),
    ("GET", "/api/v1/admin/talents/export", &[List, RegionQuery]),
    (
        "GET",
        "/api/v1/admin/talents/id-number-conflicts",
        &[NotRegional],
    ),
    ("GET", "/api/v1/admin/talents/stats", &[RegionQuery]),
    ("GET", "/api/v1/admin/talents/{id}", &[ById(Talent)]),
    (
        "POST",
        "/api/v1/admin/talents/{id}/reveals",
        &[ById(Talent)],
    ),
    (
        "POST",
        "/api/v1/admin/talents/{id}/reviews",
        &[ById(Talent)],
    ),
    ("GET", "/api/v1/admin/todos", &[List]),
    ("GET", "/api/v1/admin/trainings", &[List]),
    ("POST", "/api/v1/admin/trainings", &[RegionBody]),
    ("GET", "/api/v1/admin/trainings/stats", &[RegionQuery]),
    ("GET", "/api/v1/admin/trainings/{id}", &[ById(Training)]),
    ("PUT", "/api/v1/admin/trainings/{id}", &[ById(Training)]),
    (
        "POST",
        "/api/v1/admin/trainings/{id}/cancellations",
        &[ById(Training)],
    ),
    (
        "GET",
        "/api/v1/admin/trainings/{id}/check-in-code",
        &[ById(Training)],
    ),
    (
        "POST",
        "/api/v1/admin/trainings/{id}/completions",
        &[ById(Training)],
    ),
    (
        "GET",
        "/api/v1/admin/trainings/{id}/participants",
        &[ById(Training)],
    ),
    (
        "GET",
        "/api/v1/admin/trainings/{id}/participants/export",
        &[ById(Training)],
    ),
    ("POST", "/api/v1/admin/volunteer/activities", &[RegionBody]),
    ("GET", "/api/v1/admin/volunteer/activities", &[List]),
    (
        "GET",
        "/api/v1/admin/volunteer/activities/{id}",
        &[ById(Activity)],
    ),
    (
        "PUT",
        "/api/v1/admin/volunteer/activities/{id}",
        &[ById(Activity)],
    ),
    (
        "POST",
        "/api/v1/admin/volunteer/activities/{id}/cancellations",
        &[ById(Activity)],
    ),
    (
        "GET",
        "/api/v1/admin/volunteer/activities/{id}/check-in-code",
        &[ById(Activity)],
    ),
    (
        "POST",
        "/api/v1/admin/volunteer/activities/{id}/makeups",
        &[ById(Activity)],
    ),
    (
        "GET",
        "/api/v1/admin/volunteer/activities/{id}/signups",
        &[ById(Activity)],
    ),
    ("GET", "/api/v1/admin/volunteer/corrections", &[List]),
    (
        "POST",
        "/api/v1/admin/volunteer/corrections/{id}/reviews",
        &[ById(Correction)],
    ),
    (
        "POST",
        "/api/v1/admin/volunteer/entries/{id}/revocations",
        &[ById(Entry)],
    ),
    ("GET", "/api/v1/admin/volunteer/reports", &[List]),
    (
        "GET",
        "/api/v1/admin/volunteer/reports/{id}",
        &[ById(Report)],
    ),
    (
        "POST",
        "/api/v1/admin/volunteer/reports/{id}/reviews",
        &[ById(Report)],
    ),
];

fn admin_operations() -> Vec<(String, String)> {
    let doc = serde_json::to_value(jiqing::openapi::document()).unwrap();
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        if path.starts_with("/api/v1/admin") {
            for verb in item.as_object().unwrap().keys() {
                out.push((verb.to_uppercase(), path.clone()));
            }
        }
    }
    out
}

#[test]
fn every_admin_operation_is_classified_in_the_denial_matrix() {
    let ops = admin_operations();
    for (method, path) in &ops {
        assert!(
            OPERATIONS.iter().any(|(m, p, _)| m == method && p == path),
            "{method} {path} is not in the league-unit denial matrix: classify it in OPERATIONS"
        );
    }
    for (m, p, _) in OPERATIONS {
        assert!(
            ops.iter().any(|(method, path)| method == m && path == p),
            "{m} {p} is in the matrix but no longer in the document"
        );
    }
}

/// Records of one area and the outsider who must not reach them.
struct Area {
    /// The league unit owning the records (its cadre creates them).
    unit: &'static str,
    /// The home village of the youth.
    village: &'static str,
    /// The organiser region of the trainings and activities.
    organiser: &'static str,
    /// A unit outside the area.
    outsider: &'static str,
}

struct Seeded {
    talent: String,
    training: String,
    activity: String,
    report: String,
    correction: String,
    entry: String,
    staff: String,
    youth: String,
    mentor: String,
    request: String,
    pairing: String,
    /// A youth organisation of the area's unit, and the body that created it.
    organisation: String,
    org_body: Value,
    names: Vec<String>,
    host_unit: String,
    campaign: String,
    position: String,
    /// A published position of the area's local unit.
    open_position: String,
    /// An application of a student of the area to a published position there.
    practice_application: String,
    /// The campaign as created (a position body names its dates).
    campaign_body: Value,
    /// A loan product offered in the area (a setup, as campaigns are), and its bank.
    loan_product: String,
    bank: String,
    /// A loan application of a youth of the area, and (on another, disbursed loan) a subsidy claim.
    loan_application: String,
    subsidy_claim: String,
    /// A 12355 manual report of the area's local unit.
    manual_report: String,
    youth_home: String,
    signature_project: String,
    hope_room: String,
    /// An outside honour of a verified talent of the area, recorded by the local unit.
    recognition: String,
    /// An open round of the area's unit, a nomination of a youth of the area in publicity, and an
    /// objection to it.
    pioneer_round: String,
    pioneer_nomination: String,
    pioneer_objection: String,
    /// The outsider's unit lies below the area's: it reads the area's setups (campaigns).
    outsider_below: bool,
}

impl Seeded {
    fn id(&self, r: Record) -> &str {
        match r {
            Talent => &self.talent,
            Training => &self.training,
            Activity => &self.activity,
            Report => &self.report,
            Correction => &self.correction,
            Entry => &self.entry,
            Staff => &self.staff,
            HostUnit => &self.host_unit,
            Campaign => &self.campaign,
            Mentor => &self.mentor,
            Position => &self.position,
            OpenPosition => &self.open_position,
            PracticeApplication => &self.practice_application,
            LoanProduct => &self.loan_product,
            LoanApplication => &self.loan_application,
            SubsidyClaim => &self.subsidy_claim,
            Request => &self.request,
            Pairing => &self.pairing,
            Organisation => &self.organisation,
            ManualReport => &self.manual_report,
            YouthHome => &self.youth_home,
            SignatureProject => &self.signature_project,
            HopeRoom => &self.hope_room,
            Recognition => &self.recognition,
            PioneerRound => &self.pioneer_round,
            PioneerNomination => &self.pioneer_nomination,
            PioneerObjection => &self.pioneer_objection,
        }
    }

    /// What must not appear in an outsider's list.
    fn secrets(&self) -> Vec<&str> {
        let mut all = vec![
            self.talent.as_str(),
            &self.training,
            &self.activity,
            &self.report,
            &self.correction,
            &self.staff,
            &self.host_unit,
            &self.mentor,
            &self.position,
            &self.practice_application,
            &self.loan_application,
            &self.subsidy_claim,
            &self.request,
            &self.pairing,
            &self.organisation,
            &self.manual_report,
            &self.youth_home,
            &self.signature_project,
            &self.hope_room,
            &self.recognition,
            &self.pioneer_nomination,
            &self.pioneer_objection,
        ];
        if !self.outsider_below {
            all.push(&self.campaign);
            all.push(&self.pioneer_round);
            all.push(&self.loan_product);
        }
        all.extend(self.names.iter().map(String::as_str));
        all
    }
}

async fn seed(app: &TestApp, area: &Area) -> Seeded {
    let owner = app.admin_of(area.unit).await;
    let province = app.admin_of("220000").await;
    let talent_youth = app.youth_in("mxtalent", area.village, false).await;
    let talent = talent_profiles::Entity::find()
        .filter(
            talent_profiles::Column::UserId.eq(talent_youth.user_id.parse::<uuid::Uuid>().unwrap()),
        )
        .one(app.db())
        .await
        .unwrap()
        .unwrap();
    // Trainings and activities are created at the province and moved to the organiser region
    // (长白山 has no province/city/county code a training could name).
    let training = publish(app, &province, &training_body("220000", 10)).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    trainings::Entity::update_many()
        .col_expr(trainings::Column::RegionCode, Expr::value(area.organiser))
        .filter(trainings::Column::Id.eq(training.parse::<uuid::Uuid>().unwrap()))
        .exec(app.db())
        .await
        .unwrap();
    let starts = Utc::now() + Duration::days(1);
    let activity = create_activity(
        app,
        &province,
        json!({"category": "river_patrol", "title": "巡河护河", "description": "沿河捡拾垃圾",
               "place": "河段", "regionCode": "220000", "startsAt": starts.to_rfc3339(),
               "endsAt": (starts + Duration::hours(2)).to_rfc3339(), "wanted": 5}),
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    volunteer_activities::Entity::update_many()
        .col_expr(
            volunteer_activities::Column::RegionCode,
            Expr::value(area.organiser),
        )
        .filter(volunteer_activities::Column::Id.eq(activity.parse::<uuid::Uuid>().unwrap()))
        .exec(app.db())
        .await
        .unwrap();
    let youth = app.youth_in("mxreport", area.village, true).await;
    let approved = approved_report(app, &youth, &owner, Utc::now() - Duration::days(2), 120).await;
    let entry = approved["entryId"].as_str().unwrap().to_owned();
    let correction = json_of(
        app.post(
            "/api/v1/me/volunteer/corrections",
            Some(&youth.token),
            &json!({"entryId": entry, "minutes": 60, "reason": "实际服务1小时"}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let report = json_of(
        app.post(
            "/api/v1/me/volunteer/reports",
            Some(&youth.token),
            &json!({"category": "rural_teaching", "content": "村小支教", "place": "中心小学",
                    "servedAt": (Utc::now() - Duration::days(1)).to_rfc3339(), "minutes": 90,
                    "description": "数学课", "photos": []}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let local = app.state.league.owner(area.village).unwrap().code.clone();
    let local_cadre = app.admin_of(&local).await;
    let host_unit = crate::practice::create_host(app, &local_cadre, area.village).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let campaign_body =
        crate::practice::create_campaign(app, &owner, &crate::practice::campaign_body()).await;
    let campaign = campaign_body["id"].as_str().unwrap().to_owned();
    let position = crate::practice::positions::create_position(
        app,
        &local_cadre,
        &crate::practice::positions::position_body(&campaign_body, &host_unit, area.village),
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // An open campaign of the area's unit, a published position of the local unit and a
    // student of the area applying to it.
    let open =
        crate::practice::positions::open_campaign(app, &owner, &crate::practice::campaign_body())
            .await;
    let open_position = crate::practice::positions::published(
        app,
        &local_cadre,
        &crate::practice::positions::position_body(&open, &host_unit, area.village),
    )
    .await;
    let student = crate::practice::applications::applicant(app, "mxstudent", area.village).await;
    let practice_application =
        crate::practice::applications::applied(app, &student, &open_position).await;
    let tree = &app.state.league;
    let outsider_below = tree.is_within(
        tree.unit(area.outsider).unwrap(),
        tree.unit(area.unit).unwrap(),
    );
    // A mentor serving the area's unit (for the province, the county of the village: a mentor
    // of the province itself is readable by every unit below it, conventions §1).
    let mentor_unit = if area.unit == "220000" {
        &area.village[..6]
    } else {
        area.unit
    };
    let mut body = mentor_body(mentor_unit, 5);
    body["realName"] = json!("矩阵导师");
    let (_, mentor) = apply_mentor(app, "mxmentor", &body).await;
    let bank = crate::loans::create_bank(app, &province, "矩阵银行", None).await;
    let loan_product = crate::loans::create_product(
        app,
        &province,
        &crate::loans::product_body(&bank, area.unit, "MX_PRODUCT"),
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // A published product for the whole province and an application of a youth of the area.
    let officer = crate::loans::officer_of(app, &bank).await;
    let offer = crate::loans::published_product(
        app,
        &officer,
        &crate::loans::product_body(&bank, "220000", "MX_OFFER"),
    )
    .await;
    let borrower = crate::loans::applicant(app, "mxborrower", area.village).await;
    let loan_application = json_of(
        app.post(
            "/api/v1/loan-applications",
            Some(&borrower.token),
            &crate::loans::application_body(offer["id"].as_str().unwrap()),
        )
        .await,
        StatusCode::CREATED,
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let subsidy_claim = crate::loans::disbursed_claim(app, &officer, &offer, area.village).await;
    let request = crate::mentoring::requests::asked(app, &youth, None, "long_term").await;
    // A pairing of a youth of the area with a certified mentor of the area.
    let (pair_mentor, pair_mentor_id) =
        crate::mentoring::certified_mentor(app, &owner, "矩阵结对导师", mentor_unit, 5).await;
    let pair_youth = app.youth_in("mxpair", area.village, true).await;
    let pair_request =
        crate::mentoring::requests::asked(app, &pair_youth, Some(&pair_mentor_id), "long_term")
            .await;
    let pairing = json_of(
        crate::mentoring::requests::accept(app, &pair_mentor, &pair_request).await,
        StatusCode::OK,
    )
    .await["mentorshipId"]
        .as_str()
        .unwrap()
        .to_owned();
    use entity::users::CadreLevel;
    let org_level = match tree.unit(area.unit).unwrap().level {
        CadreLevel::Province => "province",
        CadreLevel::City => "city",
        CadreLevel::County => "county",
    };
    let org_body = json!({"name": "矩阵青年创业协会", "kind": "entrepreneurship_assoc",
        "level": org_level, "unitCode": area.unit, "leagueAffiliated": true});
    let organisation = json_of(
        app.post(
            "/api/v1/admin/youth-organisations",
            Some(&owner.token),
            &org_body,
        )
        .await,
        StatusCode::CREATED,
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let manual_report = json_of(
        app.post(
            "/api/v1/admin/kpi/manual-reports",
            Some(&local_cadre.token),
            &manual_report_body(&local),
        )
        .await,
        StatusCode::CREATED,
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let township = &area.village[..9];
    let registry = |path: &'static str, body: Value| {
        let cadre = local_cadre.clone();
        async move {
            json_of(
                app.post(path, Some(&cadre.token), &body).await,
                StatusCode::CREATED,
            )
            .await["id"]
                .as_str()
                .unwrap()
                .to_owned()
        }
    };
    let youth_home = registry("/api/v1/admin/youth-homes", home_body(township)).await;
    let signature_project =
        registry("/api/v1/admin/signature-projects", project_body(township)).await;
    let hope_room = registry("/api/v1/admin/hope-rooms", room_body(area.village)).await;
    let verified = talent_profiles::Entity::find()
        .filter(talent_profiles::Column::UserId.eq(youth.user_id.parse::<uuid::Uuid>().unwrap()))
        .one(app.db())
        .await
        .unwrap()
        .unwrap();
    let mut honour = recognition_body(&verified.id.to_string());
    honour["evidence"] = json!([app
        .upload_key(&local_cadre, "recognition", &tiny_jpeg())
        .await]);
    let recognition = registry("/api/v1/admin/recognitions", honour).await;
    let (pioneer_round, pioneer_nomination, pioneer_objection) =
        pioneer_chain(app, &owner, &local_cadre, &youth).await;
    Seeded {
        pioneer_round,
        pioneer_nomination,
        pioneer_objection,
        recognition,
        youth_home,
        signature_project,
        hope_room,
        manual_report,
        organisation,
        org_body,
        loan_product,
        bank,
        loan_application,
        subsidy_claim,
        request,
        pairing,
        host_unit,
        campaign,
        position,
        open_position,
        practice_application,
        campaign_body,
        outsider_below,
        mentor,
        talent: talent.id.to_string(),
        training,
        activity,
        report,
        correction,
        entry,
        staff: owner.user_id.clone(),
        youth: youth.user_id.clone(),
        names: vec![
            talent.real_name,
            "矩阵导师".into(),
            "矩阵结对导师".into(),
            "矩阵青年创业协会".into(),
        ],
    }
}

/// A 12355 report of `unit` for a quarter that has ended.
fn manual_report_body(unit: &str) -> Value {
    json!({"indicatorCode": "youth_case_followup", "areaUnitCode": unit, "period": "2026-Q1",
           "values": {"received": 4, "referredToCounty": 2, "followedUpWithinSla": 2, "closed": 3,
                      "crisisCases": 0, "brandActivities": 1, "participants": 30}})
}

fn home_body(township: &str) -> Value {
    json!({"name": "矩阵青年之家", "townshipCode": township, "hostKind": "standalone"})
}

fn project_body(township: &str) -> Value {
    json!({"townshipCode": township, "name": "矩阵服务项目", "category": "volunteer",
           "frequency": "monthly", "startedOn": "2026-01-01"})
}

/// An open round of the area's unit, the youth's self-nomination taken to publicity (qualified by
/// the local unit, shortlisted and publicised by the round's unit, consented) and an objection.
async fn pioneer_chain(
    app: &TestApp,
    owner: &Login,
    local: &Login,
    youth: &Login,
) -> (String, String, String) {
    let now = Utc::now();
    let id = |v: &Value| v["id"].as_str().unwrap().to_owned();
    let round = json_of(
        app.post(
            "/api/v1/admin/pioneer-rounds",
            Some(&owner.token),
            &json!({"name": "矩阵青年先锋", "categories": ["industry"],
                    "nominationsOpenAt": (now - Duration::hours(1)).to_rfc3339(),
                    "nominationsCloseAt": (now + Duration::days(7)).to_rfc3339(), "quota": 1}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let round = id(&round);
    let ok = |resp: reqwest::Response| json_of(resp, StatusCode::OK);
    ok(app
        .post(
            &format!("/api/v1/admin/pioneer-rounds/{round}/openings"),
            Some(&owner.token),
            &json!({}),
        )
        .await)
    .await;
    let n = json_of(
        app.post(
            &format!("/api/v1/pioneer-rounds/{round}/nominations"),
            Some(&youth.token),
            &pioneer_nomination_body(None),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let n = id(&n);
    let step = |who: &Login, step: &str, body: Value| {
        let url = format!("/api/v1/admin/pioneer-nominations/{n}/{step}");
        let token = who.token.clone();
        async move { app.post(&url, Some(&token), &body).await }
    };
    ok(step(local, "qualifications", json!({"decision": "qualified"})).await).await;
    ok(step(owner, "shortlistings", json!({"decision": "shortlisted"})).await).await;
    ok(app
        .put(
            &format!("/api/v1/me/pioneer-nominations/{n}/publicity-consent"),
            Some(&youth.token),
            &json!({"agreed": true, "consentVersion": "2026-12"}),
        )
        .await)
    .await;
    ok(step(owner, "publicisations", json!({})).await).await;
    let objector = app.login_as_youth("mxobjector").await;
    crate::loans::bind_phone(app, &objector).await;
    let o = json_of(
        app.post(
            &format!("/api/v1/pioneer-nominations/{n}/objections"),
            Some(&objector.token),
            &json!({"reason": "事迹材料与实际情况不符，请核查"}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    (round, n, id(&o))
}

fn pioneer_nomination_body(talent: Option<&str>) -> Value {
    json!({"talentProfileId": talent, "category": "industry",
           "story": "返乡创办食用菌合作社，带动30户村民增收致富。", "yearsInField": 5})
}

/// An outside honour of `talent` (the evidence key is the caller's upload).
fn recognition_body(talent: &str) -> Value {
    json!({"talentProfileId": talent, "kind": "other_honour", "level": "county",
           "title": "矩阵优秀青年", "awardedOn": "2026-05-04", "evidence": ["00000000000000000000000000000000"]})
}

fn room_body(village: &str) -> Value {
    json!({"name": "矩阵希望小屋", "hostKind": "school", "schoolName": "矩阵村小",
           "regionCode": village, "features": ["arts"], "beneficiariesCount": 10})
}

/// A valid body for the operation, so only the guard can refuse it.
fn body_for(
    method: &str,
    path: &str,
    area: &Area,
    seeded: &Seeded,
    outsider: &str,
) -> Option<Value> {
    let reason = json!({"reason": "核对有关情况"});
    Some(match (method, path.rsplit('/').next().unwrap()) {
        ("DELETE", _) if path.contains("/mentor-assignments/") => reason,
        ("GET" | "DELETE", _) => return None,
        ("POST", "youth-organisations") => seeded.org_body.clone(),
        ("POST", "youth-homes") => home_body(&area.village[..9]),
        ("POST", "signature-projects") => project_body(&area.village[..9]),
        ("POST", "hope-rooms") => room_body(area.village),
        ("POST", "recognitions") => recognition_body(&seeded.talent),
        ("POST", "confirmations") => json!({"version": 1}),
        ("POST", "nominations") if path.contains("/pioneer-rounds/") => {
            pioneer_nomination_body(Some(&seeded.talent))
        }
        ("PUT", _) if path.contains("/pioneer-rounds/") => {
            let now = Utc::now();
            json!({"name": "矩阵青年先锋", "categories": ["industry"],
                   "nominationsOpenAt": (now - Duration::hours(1)).to_rfc3339(),
                   "nominationsCloseAt": (now + Duration::days(7)).to_rfc3339(), "quota": 1,
                   "version": 2})
        }
        ("POST", "qualifications") => json!({"decision": "qualified"}),
        ("POST", "shortlistings") => json!({"decision": "shortlisted"}),
        ("POST", "publicisations" | "namings") => json!({}),
        ("POST", "reviews") if path.contains("/pioneer-objections/") => {
            json!({"decision": "dismissed", "note": "核对有关情况"})
        }
        ("PUT", _) if path.contains("/youth-homes/") => {
            let mut b = home_body(&area.village[..9]);
            b["version"] = json!(1);
            b
        }
        ("PUT", _) if path.contains("/signature-projects/") => {
            let mut b = project_body(&area.village[..9]);
            b["version"] = json!(1);
            b
        }
        ("PUT", _) if path.contains("/hope-rooms/") => {
            let mut b = room_body(area.village);
            b["version"] = json!(1);
            b
        }
        ("POST", "status-changes") if path.contains("/youth-homes/") => {
            json!({"action": "open", "on": "2026-11-01"})
        }
        ("POST", "status-changes") if path.contains("/signature-projects/") => {
            json!({"action": "start", "on": "2026-11-01"})
        }
        ("POST", "status-changes") => json!({"action": "start_construction"}),
        ("POST", "checks") => json!({"checkedOn": "2026-11-01", "result": "fail"}),
        ("POST", "acceptances") if path.contains("/hope-rooms/") => json!({"version": 1}),
        ("PUT", _) if path.contains("/youth-organisations/") => {
            let mut b = seeded.org_body.clone();
            b["version"] = json!(1);
            b
        }
        ("POST", "mentor-assignments") => json!({"mentorId": seeded.mentor}),
        ("POST", "staff") => json!({"username": "matrix_new", "password": STAFF_PASSWORD,
            "displayName": "新账号", "role": "cadre", "leagueUnitCode": area.unit}),
        ("POST", "trainings") => training_body(area.unit_region(), 10),
        ("POST", "manual-reports") => manual_report_body(area.unit),
        ("PUT", _) if path.contains("/manual-reports/") => {
            let mut b = manual_report_body(area.unit);
            b["version"] = json!(1);
            b
        }
        ("POST", "acceptances") if path.contains("/manual-reports/") => json!({"version": 1}),
        ("POST", "unapprovals" | "unacceptances") => {
            json!({"reason": "核对有关情况", "version": 1})
        }
        ("PUT", "targets") => json!({"indicatorCode": "village_talent_coverage",
            "areaUnitCode": area.unit, "dueOn": "2030-12-31", "value": 500}),
        ("POST", "activities") => {
            let starts = Utc::now() + Duration::days(1);
            json!({"category": "river_patrol", "title": "巡河护河", "description": "沿河捡拾垃圾",
                   "place": "河段", "regionCode": area.organiser, "startsAt": starts.to_rfc3339(),
                   "endsAt": (starts + Duration::hours(2)).to_rfc3339(), "wanted": 5})
        }
        ("PUT", _) if path.contains("/volunteer/activities/") => {
            let starts = Utc::now() + Duration::days(1);
            json!({"category": "river_patrol", "title": "巡河护河", "description": "沿河捡拾垃圾",
                   "place": "河段", "startsAt": starts.to_rfc3339(),
                   "endsAt": (starts + Duration::hours(2)).to_rfc3339(), "wanted": 5, "version": 1})
        }
        ("PUT", _) if path.contains("/practice/campaigns/") => {
            let mut b = crate::practice::campaign_body();
            b["version"] = json!(1);
            b
        }
        ("PUT", _) if path.contains("/practice/positions/") => {
            let mut b = crate::practice::positions::position_body(
                &seeded.campaign_body,
                &seeded.host_unit,
                area.village,
            );
            b["version"] = json!(1);
            b
        }
        ("POST", "positions") => crate::practice::positions::position_body(
            &seeded.campaign_body,
            &seeded.host_unit,
            area.village,
        ),
        ("POST", "publications" | "offers" | "duty-reports") => json!({}),
        ("PUT", _) if path.contains("/practice/host-units/") => {
            let mut b = crate::practice::host_body(area.village);
            b["version"] = json!(1);
            b
        }
        ("PUT", _) if path.contains("/loan-products/") => {
            let mut b = crate::loans::product_body(&seeded.bank, area.unit, "MX_EDIT");
            b["version"] = json!(1);
            b
        }
        ("POST", "loan-products") => crate::loans::product_body(&seeded.bank, area.unit, "MX_NEW"),
        ("POST", "clones") => json!({"code": "MX_CLONE"}),
        ("POST", "recommendations") => json!({"recommendedAmountFen": 15_000_000, "version": 1}),
        ("POST", "returns") => json!({"reason": "请补充材料", "version": 1}),
        ("POST", "non-recommendations") => json!({"reasonCode": "other", "version": 1}),
        ("POST", "reveals") if path.contains("/loan-applications/") => {
            json!({"field": "phone", "reason": "核对有关情况"})
        }
        ("POST", "verifications" | "approvals") => json!({"version": 1}),
        ("POST", "rejections") => json!({"reason": "核对有关情况", "version": 1}),
        ("POST", "report-reviews") => json!({"decision": "accept"}),
        ("POST", "evaluations") => json!({"grade": "good"}),
        ("POST", "report-deadline-extensions") => json!({"newDueOn": "2030-01-01"}),
        ("POST", "attendance-confirmations") => {
            json!({"days": ["2027-01-01"], "reason": "核对有关情况"})
        }
        ("POST", "payments") => json!({"paidOn": "2027-01-01", "reference": "MX-1", "version": 1}),
        ("PUT", _) => training_body(outsider, 10),
        ("POST", "suspensions") if path.contains("/practice/") => reason,
        ("POST", "openings" | "closings" | "archivings" | "invitations") => {
            json!({})
        }
        ("POST", "host-units") => crate::practice::host_body(area.village),
        ("POST", "reviews") if path.contains("/talents/") => {
            json!({"decision": "approve", "reason": "资料属实，予以认定", "version": 1})
        }
        ("POST", "reviews") if path.contains("/mentors/") => {
            json!({"decision": "certify", "version": 1})
        }
        ("POST", "reviews") => json!({"decision": "approve", "reason": "核实无误"}),
        ("POST", "assignments") => json!({"mentorId": seeded.mentor}),
        ("POST", "settlements") => json!({"outcome": "void", "note": "核对有关情况"}),
        ("POST", "completions") => {
            json!({"enrollmentIds": [uuid::Uuid::now_v7()], "fromAttendance": false})
        }
        ("POST", "makeups") => json!({"userId": seeded.youth,
            "checkedOutAt": (Utc::now() - Duration::minutes(5)).to_rfc3339(), "reason": "忘记签退补录"}),
        ("POST", "suspensions" | "reinstatements") => json!({}),
        ("POST", _) => reason,
        _ => return None,
    })
}

impl Area {
    /// The organiser region a training create names: the organiser when it is a
    /// province/city/county code, else (长白山) the township, which the create refuses too.
    fn unit_region(&self) -> &'static str {
        self.organiser
    }
}

async fn refused_everywhere(area: Area) {
    let app = spawn_app().await;
    let seeded = seed(&app, &area).await;
    let outsider = app.admin_of(area.outsider).await;
    let owner = app.admin_of(area.unit).await;
    let t = Some(outsider.token.as_str());
    for (method, path, guards) in OPERATIONS {
        for guard in *guards {
            let m = Method::from_bytes(method.as_bytes()).unwrap();
            match guard {
                Setup(record) => {
                    let url = path.replace("{id}", seeded.id(*record));
                    let body = body_for(method, path, &area, &seeded, area.outsider);
                    let resp = app.request(m.clone(), &url, t, body.as_ref()).await;
                    let expected = match (seeded.outsider_below, *method) {
                        (false, _) => StatusCode::NOT_FOUND,
                        (true, "GET") => StatusCode::OK,
                        (true, _) => StatusCode::FORBIDDEN,
                    };
                    assert_eq!(
                        resp.status(),
                        expected,
                        "{} outsider on {method} {url}: {}",
                        area.outsider,
                        resp.text().await.unwrap()
                    );
                }
                ById(record) => {
                    let url = path
                        .replace("{id}", seeded.id(*record))
                        .replace("{userId}", &seeded.youth)
                        .replace("{recordId}", &uuid::Uuid::now_v7().to_string())
                        .replace("{assignmentId}", &uuid::Uuid::now_v7().to_string());
                    let url = if (url.contains("/volunteer/activities/")
                        || url.contains("/practice/positions/"))
                        && url.ends_with("/check-in-code")
                    {
                        format!("{url}?kind=in")
                    } else {
                        url
                    };
                    let body = body_for(method, path, &area, &seeded, area.outsider);
                    let resp = app.request(m.clone(), &url, t, body.as_ref()).await;
                    assert_eq!(
                        resp.status(),
                        StatusCode::NOT_FOUND,
                        "{} outsider on {method} {url}: {}",
                        area.outsider,
                        resp.text().await.unwrap()
                    );
                    // The record is there: the owner's unit reads it. (A practice check-in code
                    // is the local unit's only: units above get 403 `LOCAL_UNIT_ONLY`, tested in
                    // practice_checkins.rs.)
                    let practice_code =
                        url.contains("/practice/positions/") && url.contains("/check-in-code");
                    if *method == "GET" && !practice_code {
                        let resp = app.request(m, &url, Some(&owner.token), None).await;
                        assert_eq!(resp.status(), StatusCode::OK, "owner on GET {url}");
                    }
                }
                RegionQuery => {
                    let url = format!("{path}?region={}", area.unit);
                    assert_error(
                        app.request(m, &url, t, None).await,
                        StatusCode::FORBIDDEN,
                        "OUTSIDE_REGION",
                    )
                    .await;
                }
                RegionBody => {
                    let body = body_for(method, path, &area, &seeded, area.outsider);
                    let resp = app.request(m, path, t, body.as_ref()).await;
                    let status = resp.status();
                    let text = resp.text().await.unwrap();
                    // 长白山 has no code a training may be organised by: that create is refused
                    // on the code's level before the unit is asked.
                    let level_refusal = area.unit == "CBS" && path.ends_with("/trainings");
                    if level_refusal {
                        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{path}: {text}");
                    } else {
                        assert_eq!(status, StatusCode::FORBIDDEN, "{path}: {text}");
                        assert!(text.contains("OUTSIDE_REGION"), "{path}: {text}");
                    }
                }
                List => {
                    let resp = app.request(m, path, t, None).await;
                    assert_eq!(resp.status(), StatusCode::OK, "{path}");
                    let text = resp.text().await.unwrap();
                    for secret in seeded.secrets() {
                        assert!(
                            !text.contains(secret),
                            "{} outsider sees {secret} in {path}: {text}",
                            area.outsider
                        );
                    }
                    if path.ends_with("/todos") {
                        let v: Value = serde_json::from_str(&text).unwrap();
                        // What the outsider's own unit owes is theirs, not the area's.
                        for item in v["items"]
                            .as_array()
                            .unwrap()
                            .iter()
                            .filter(|i| i["queue"] != "kpi_reports_to_submit")
                        {
                            assert_eq!(item["count"], 0, "{item}");
                        }
                    }
                }
                NotRegional => {}
            }
        }
    }
    // Nothing changed: the talent and the reports still wait, the owner still works.
    let talent = json_of(
        app.get(
            &format!("/api/v1/admin/talents/{}", seeded.talent),
            Some(&owner.token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(talent["status"], "pending");
    let report = json_of(
        app.get(
            &format!("/api/v1/admin/volunteer/reports/{}", seeded.report),
            Some(&owner.token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(report["status"], "pending");
    let training = json_of(
        app.get(
            &format!("/api/v1/admin/trainings/{}", seeded.training),
            Some(&owner.token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(training["status"], "published");
    let mentor = json_of(
        app.get(
            &format!("/api/v1/admin/mentors/{}", seeded.mentor),
            Some(&owner.token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(mentor["status"], "pending");
    let request = json_of(
        app.get(
            &format!("/api/v1/admin/mentorship-requests/{}", seeded.request),
            Some(&owner.token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(request["status"], "awaiting_assignment");
    let pairing = json_of(
        app.get(
            &format!("/api/v1/admin/mentorships/{}", seeded.pairing),
            Some(&owner.token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(pairing["status"], "active");
    let organisation = json_of(
        app.get(
            &format!("/api/v1/admin/youth-organisations/{}", seeded.organisation),
            Some(&owner.token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(organisation["status"], "active");
    assert_eq!(organisation["verified"], false);
    assert_eq!(organisation["version"], 1);

    let me = app.get("/api/v1/me", Some(&owner.token)).await;
    assert_eq!(
        me.status(),
        StatusCode::OK,
        "the owner's account was not suspended"
    );
}

#[tokio::test]
async fn tonghua_reaches_nothing_of_meihekou_through_any_admin_endpoint() {
    refused_everywhere(Area {
        unit: "220581",
        village: "220581001001",
        organiser: "220581",
        outsider: "220500",
    })
    .await;
}

#[tokio::test]
async fn fusong_reaches_nothing_of_changbaishan_through_any_admin_endpoint() {
    refused_everywhere(Area {
        unit: "CBS",
        village: "220621120300",
        organiser: "220621120",
        outsider: "220621",
    })
    .await;
}

#[tokio::test]
async fn changbaishan_reaches_nothing_of_fusong_through_any_admin_endpoint() {
    refused_everywhere(Area {
        unit: "220621",
        village: "220621100001",
        organiser: "220621",
        outsider: "CBS",
    })
    .await;
}

#[tokio::test]
async fn a_county_reaches_nothing_of_its_neighbour_through_any_admin_endpoint() {
    refused_everywhere(Area {
        unit: "220102",
        village: "220102001001",
        organiser: "220102",
        outsider: "220103",
    })
    .await;
}

#[tokio::test]
async fn a_city_reaches_nothing_of_another_city_through_any_admin_endpoint() {
    refused_everywhere(Area {
        unit: "220200",
        village: "220202001001",
        organiser: "220200",
        outsider: "220100",
    })
    .await;
}

#[tokio::test]
async fn a_city_reaches_nothing_the_province_organises_through_any_admin_endpoint() {
    refused_everywhere(Area {
        unit: "220000",
        village: "220202001001",
        organiser: "220000",
        outsider: "220100",
    })
    .await;
}
