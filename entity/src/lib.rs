//! SeaORM entities: data mapping only, no business rules.
//!
//! Status and kind columns are string-backed enums (`DeriveActiveEnum`) holding the same
//! snake_case values the API sends, so one type serves the database and the API schema. A stored
//! value that is not one of them fails the read (a 500 with the cause logged), never a default.
pub mod auth_sessions;
pub mod banks;
pub mod hope_rooms;
pub mod host_supervisors;
pub mod host_units;
pub mod id_number_conflict_days;
pub mod id_number_conflicts;
pub mod job_runs;
pub mod kpi_manual_reports;
pub mod kpi_snapshots;
pub mod kpi_targets;
pub mod league_unit_regions;
pub mod league_units;
pub mod loan_applications;
pub mod loan_borrowers;
pub mod loan_overdue_periods;
pub mod loan_products;
pub mod loan_reveals;
pub mod loan_subsidy_claims;
pub mod media;
pub mod mentee_counters;
pub mod mentor_profiles;
pub mod mentoring_records;
pub mod mentorship_requests;
pub mod mentorships;
pub mod notifications;
pub mod org_mentor_assignments;
pub mod pioneer_nominations;
pub mod pioneer_objection_counters;
pub mod pioneer_objections;
pub mod pioneer_rounds;
pub mod practice_application_digests;
pub mod practice_applications;
pub mod practice_attendance;
pub mod practice_campaigns;
pub mod practice_certificates;
pub mod practice_evaluations;
pub mod practice_grade_quota;
pub mod practice_positions;
pub mod practice_report_reminders;
pub mod practice_reports;
pub mod practice_student_campaigns;
pub mod recognitions;
pub mod refresh_tokens;
pub mod region_flags;
pub mod regions;
pub mod sharing_consents;
pub mod signature_projects;
pub mod student_profiles;
pub mod talent_consents;
pub mod talent_profiles;
pub mod talent_reveals;
pub mod training_enrollments;
pub mod trainings;
pub mod users;
pub mod volunteer_activities;
pub mod volunteer_certificates;
pub mod volunteer_corrections;
pub mod volunteer_hour_entries;
pub mod volunteer_ledger_state;
pub mod volunteer_reports;
pub mod volunteer_signups;
pub mod workflow_events;
pub mod youth_home_checks;
pub mod youth_homes;
pub mod youth_organisations;

#[cfg(test)]
mod tests {
    use sea_orm::{ActiveEnum, Iterable};

    /// The value stored in the database and the value the API sends must be the same string.
    fn same_in_json_and_database<T>()
    where
        T: ActiveEnum<Value = String> + Iterable + serde::Serialize + std::fmt::Debug,
    {
        for v in T::iter() {
            assert_eq!(
                serde_json::to_value(&v).unwrap(),
                serde_json::Value::String(v.to_value()),
                "{v:?}"
            );
        }
    }

    #[test]
    fn every_enum_has_the_same_value_in_json_and_in_the_database() {
        same_in_json_and_database::<super::auth_sessions::LoginMethod>();
        same_in_json_and_database::<super::kpi_manual_reports::ManualReportStatus>();
        same_in_json_and_database::<super::kpi_snapshots::KpiStatus>();
        same_in_json_and_database::<super::media::MediaPurpose>();
        same_in_json_and_database::<super::region_flags::RegionFlag>();
        same_in_json_and_database::<super::notifications::NotificationKind>();
        same_in_json_and_database::<super::sharing_consents::ConsentPurpose>();
        same_in_json_and_database::<super::sharing_consents::RecipientKind>();
        same_in_json_and_database::<super::talent_consents::ConsentAction>();
        same_in_json_and_database::<super::talent_profiles::TalentStatus>();
        same_in_json_and_database::<super::talent_profiles::Gender>();
        same_in_json_and_database::<super::talent_profiles::Education>();
        same_in_json_and_database::<super::talent_profiles::BusinessType>();
        same_in_json_and_database::<super::talent_profiles::PoliticalStatus>();
        same_in_json_and_database::<super::training_enrollments::EnrollmentStatus>();
        same_in_json_and_database::<super::trainings::TrainingCategory>();
        same_in_json_and_database::<super::trainings::TrainingStatus>();
        same_in_json_and_database::<super::users::StaffRole>();
        same_in_json_and_database::<super::users::CadreLevel>();
        same_in_json_and_database::<super::volunteer_activities::VolunteerCategory>();
        same_in_json_and_database::<super::volunteer_corrections::CorrectionStatus>();
        same_in_json_and_database::<super::volunteer_hour_entries::EntrySource>();
        same_in_json_and_database::<super::volunteer_reports::ReportStatus>();
        same_in_json_and_database::<super::workflow_events::ActorKind>();
        same_in_json_and_database::<super::student_profiles::DegreeLevel>();
        same_in_json_and_database::<super::practice_campaigns::Season>();
        same_in_json_and_database::<super::practice_campaigns::CampaignStatus>();
        same_in_json_and_database::<super::practice_positions::PositionCategory>();
        same_in_json_and_database::<super::practice_positions::PositionMode>();
        same_in_json_and_database::<super::practice_positions::PositionStatus>();
        same_in_json_and_database::<super::practice_applications::ApplicationStatus>();
        same_in_json_and_database::<super::practice_applications::DeciderKind>();
        same_in_json_and_database::<super::practice_attendance::AttendanceSource>();
        same_in_json_and_database::<super::practice_reports::PracticeReportStatus>();
        same_in_json_and_database::<super::practice_evaluations::PracticeGrade>();
        same_in_json_and_database::<super::host_units::HostKind>();
        same_in_json_and_database::<super::host_units::HostStatus>();
        same_in_json_and_database::<super::mentor_profiles::MentorStatus>();
        same_in_json_and_database::<super::mentor_profiles::Expertise>();
        same_in_json_and_database::<super::mentor_profiles::ServiceMode>();
        same_in_json_and_database::<super::mentorship_requests::RequestKind>();
        same_in_json_and_database::<super::mentorship_requests::RequestStatus>();
        same_in_json_and_database::<super::mentorship_requests::DeclineReason>();
        same_in_json_and_database::<super::mentorships::MentorshipStatus>();
        same_in_json_and_database::<super::mentorships::EndedBy>();
        same_in_json_and_database::<super::mentoring_records::RecordMode>();
        same_in_json_and_database::<super::mentoring_records::RecordStatus>();
        same_in_json_and_database::<super::youth_organisations::OrgKind>();
        same_in_json_and_database::<super::youth_organisations::OrgLevel>();
        same_in_json_and_database::<super::youth_organisations::OrgStatus>();
        same_in_json_and_database::<super::loan_products::ProductStatus>();
        same_in_json_and_database::<super::loan_products::BorrowerKind>();
        same_in_json_and_database::<super::loan_products::GuaranteeType>();
        same_in_json_and_database::<super::loan_products::SubsidyKind>();
        same_in_json_and_database::<super::loan_products::SuspendedBy>();
        same_in_json_and_database::<super::loan_applications::LoanStatus>();
        same_in_json_and_database::<super::loan_applications::LoanPurpose>();
        same_in_json_and_database::<super::loan_applications::Closure>();
        same_in_json_and_database::<super::loan_applications::NotRecommendedReason>();
        same_in_json_and_database::<super::loan_applications::RejectReason>();
        same_in_json_and_database::<super::loan_subsidy_claims::ClaimStatus>();
        same_in_json_and_database::<super::loan_reveals::RevealField>();
    }

    #[test]
    fn an_unknown_stored_value_is_an_error_not_a_default() {
        use super::talent_profiles::Gender;
        assert!(Gender::try_from_value(&"unknown".to_owned()).is_err());
        assert_eq!(
            Gender::try_from_value(&"female".to_owned()).unwrap(),
            Gender::Female
        );
    }
}
