use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// One in-app notification for one user. `kind` is `<domain>.<event>` (e.g. `training.offered`).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "notifications")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub user_id: Uuid,
    pub kind: NotificationKind,
    pub title: String,
    pub body: String,
    pub link: Option<String>,
    pub read_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// What a notification announces: `<domain>.<event>`. The domain part chooses the WeChat template
/// (`WECHAT_TEMPLATE_<DOMAIN>`).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    EnumIter,
    DeriveActiveEnum,
    Serialize,
    Deserialize,
    ToSchema,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(48))")]
pub enum NotificationKind {
    #[sea_orm(string_value = "training.enrolled")]
    #[serde(rename = "training.enrolled")]
    TrainingEnrolled,
    #[sea_orm(string_value = "training.waiting")]
    #[serde(rename = "training.waiting")]
    TrainingWaiting,
    #[sea_orm(string_value = "training.offered")]
    #[serde(rename = "training.offered")]
    TrainingOffered,
    #[sea_orm(string_value = "training.offer_lapsed")]
    #[serde(rename = "training.offer_lapsed")]
    TrainingOfferLapsed,
    #[sea_orm(string_value = "training.changed")]
    #[serde(rename = "training.changed")]
    TrainingChanged,
    #[sea_orm(string_value = "training.cancelled")]
    #[serde(rename = "training.cancelled")]
    TrainingCancelled,
    #[sea_orm(string_value = "training.completed")]
    #[serde(rename = "training.completed")]
    TrainingCompleted,
    #[sea_orm(string_value = "talent.verified")]
    #[serde(rename = "talent.verified")]
    TalentVerified,
    #[sea_orm(string_value = "talent.rejected")]
    #[serde(rename = "talent.rejected")]
    TalentRejected,
    #[sea_orm(string_value = "volunteer.report_approved")]
    #[serde(rename = "volunteer.report_approved")]
    VolunteerReportApproved,
    #[sea_orm(string_value = "volunteer.report_rejected")]
    #[serde(rename = "volunteer.report_rejected")]
    VolunteerReportRejected,
    #[sea_orm(string_value = "volunteer.correction_approved")]
    #[serde(rename = "volunteer.correction_approved")]
    VolunteerCorrectionApproved,
    #[sea_orm(string_value = "volunteer.correction_rejected")]
    #[serde(rename = "volunteer.correction_rejected")]
    VolunteerCorrectionRejected,
    #[sea_orm(string_value = "volunteer.activity_changed")]
    #[serde(rename = "volunteer.activity_changed")]
    VolunteerActivityChanged,
    #[sea_orm(string_value = "volunteer.activity_cancelled")]
    #[serde(rename = "volunteer.activity_cancelled")]
    VolunteerActivityCancelled,
    #[sea_orm(string_value = "mentor.certified")]
    #[serde(rename = "mentor.certified")]
    MentorCertified,
    #[sea_orm(string_value = "mentor.rejected")]
    #[serde(rename = "mentor.rejected")]
    MentorRejected,
    #[sea_orm(string_value = "mentor.suspended")]
    #[serde(rename = "mentor.suspended")]
    MentorSuspended,
    #[sea_orm(string_value = "mentor.org_assigned")]
    #[serde(rename = "mentor.org_assigned")]
    MentorOrgAssigned,
    #[sea_orm(string_value = "mentorship.requested")]
    #[serde(rename = "mentorship.requested")]
    MentorshipRequested,
    #[sea_orm(string_value = "mentorship.proposed")]
    #[serde(rename = "mentorship.proposed")]
    MentorshipProposed,
    #[sea_orm(string_value = "mentorship.accepted")]
    #[serde(rename = "mentorship.accepted")]
    MentorshipAccepted,
    #[sea_orm(string_value = "mentorship.declined")]
    #[serde(rename = "mentorship.declined")]
    MentorshipDeclined,
    #[sea_orm(string_value = "mentorship.expired")]
    #[serde(rename = "mentorship.expired")]
    MentorshipExpired,
    #[sea_orm(string_value = "mentorship.cancelled")]
    #[serde(rename = "mentorship.cancelled")]
    MentorshipCancelled,
    #[sea_orm(string_value = "mentorship.auto_cancelled")]
    #[serde(rename = "mentorship.auto_cancelled")]
    MentorshipAutoCancelled,
    #[sea_orm(string_value = "mentorship.record_logged")]
    #[serde(rename = "mentorship.record_logged")]
    MentorshipRecordLogged,
    #[sea_orm(string_value = "mentorship.ended")]
    #[serde(rename = "mentorship.ended")]
    MentorshipEnded,
    #[sea_orm(string_value = "mentorship.completed")]
    #[serde(rename = "mentorship.completed")]
    MentorshipCompleted,
    #[sea_orm(string_value = "kpi.target_set")]
    #[serde(rename = "kpi.target_set")]
    KpiTargetSet,
    /// Staff only (in-app): a manual report was returned to its unit (to the maker).
    #[sea_orm(string_value = "kpi.manual_report_returned")]
    #[serde(rename = "kpi.manual_report_returned")]
    KpiManualReportReturned,
    /// Staff only (in-app): the province unaccepted a report (to its approver).
    #[sea_orm(string_value = "kpi.manual_report_unaccepted")]
    #[serde(rename = "kpi.manual_report_unaccepted")]
    KpiManualReportUnaccepted,
    /// Staff only (in-app): the monthly digest of a local unit's lines behind their targets.
    #[sea_orm(string_value = "kpi.behind_digest")]
    #[serde(rename = "kpi.behind_digest")]
    KpiBehindDigest,
    #[sea_orm(string_value = "loan.submitted")]
    #[serde(rename = "loan.submitted")]
    LoanSubmitted,
    #[sea_orm(string_value = "loan.returned")]
    #[serde(rename = "loan.returned")]
    LoanReturned,
    #[sea_orm(string_value = "loan.recommended")]
    #[serde(rename = "loan.recommended")]
    LoanRecommended,
    #[sea_orm(string_value = "loan.not_recommended")]
    #[serde(rename = "loan.not_recommended")]
    LoanNotRecommended,
    #[sea_orm(string_value = "loan.accepted_by_bank")]
    #[serde(rename = "loan.accepted_by_bank")]
    LoanAcceptedByBank,
    #[sea_orm(string_value = "loan.approved")]
    #[serde(rename = "loan.approved")]
    LoanApproved,
    #[sea_orm(string_value = "loan.rejected")]
    #[serde(rename = "loan.rejected")]
    LoanRejected,
    #[sea_orm(string_value = "loan.disbursed")]
    #[serde(rename = "loan.disbursed")]
    LoanDisbursed,
    #[sea_orm(string_value = "loan.lapsed")]
    #[serde(rename = "loan.lapsed")]
    LoanLapsed,
    #[sea_orm(string_value = "loan.withdrawn")]
    #[serde(rename = "loan.withdrawn")]
    LoanWithdrawn,
    #[sea_orm(string_value = "loan.subsidy_approved")]
    #[serde(rename = "loan.subsidy_approved")]
    LoanSubsidyApproved,
    #[sea_orm(string_value = "loan.subsidy_paid")]
    #[serde(rename = "loan.subsidy_paid")]
    LoanSubsidyPaid,
    /// Staff only (in-app): the daily count of loan applications past their deadline.
    #[sea_orm(string_value = "loan.due_digest")]
    #[serde(rename = "loan.due_digest")]
    LoanDueDigest,
    #[sea_orm(string_value = "practice.application_received")]
    #[serde(rename = "practice.application_received")]
    PracticeApplicationReceived,
    #[sea_orm(string_value = "practice.offered")]
    #[serde(rename = "practice.offered")]
    PracticeOffered,
    #[sea_orm(string_value = "practice.rejected")]
    #[serde(rename = "practice.rejected")]
    PracticeRejected,
    #[sea_orm(string_value = "practice.offer_lapsed")]
    #[serde(rename = "practice.offer_lapsed")]
    PracticeOfferLapsed,
    #[sea_orm(string_value = "practice.confirmed")]
    #[serde(rename = "practice.confirmed")]
    PracticeConfirmed,
    #[sea_orm(string_value = "practice.dropped")]
    #[serde(rename = "practice.dropped")]
    PracticeDropped,
    #[sea_orm(string_value = "practice.position_cancelled")]
    #[serde(rename = "practice.position_cancelled")]
    PracticePositionCancelled,
    #[sea_orm(string_value = "practice.report_returned")]
    #[serde(rename = "practice.report_returned")]
    PracticeReportReturned,
    /// The report is due in 3 days (`practice-report-reminder`, daily 09:00 China time).
    #[sea_orm(string_value = "practice.report_due")]
    #[serde(rename = "practice.report_due")]
    PracticeReportDue,
    #[sea_orm(string_value = "practice.certified")]
    #[serde(rename = "practice.certified")]
    PracticeCertified,
    #[sea_orm(string_value = "pioneer.nominated")]
    #[serde(rename = "pioneer.nominated")]
    PioneerNominated,
    #[sea_orm(string_value = "pioneer.qualified")]
    #[serde(rename = "pioneer.qualified")]
    PioneerQualified,
    #[sea_orm(string_value = "pioneer.disqualified")]
    #[serde(rename = "pioneer.disqualified")]
    PioneerDisqualified,
    #[sea_orm(string_value = "pioneer.shortlisted")]
    #[serde(rename = "pioneer.shortlisted")]
    PioneerShortlisted,
    #[sea_orm(string_value = "pioneer.not_selected")]
    #[serde(rename = "pioneer.not_selected")]
    PioneerNotSelected,
    #[sea_orm(string_value = "pioneer.in_publicity")]
    #[serde(rename = "pioneer.in_publicity")]
    PioneerInPublicity,
    #[sea_orm(string_value = "pioneer.named")]
    #[serde(rename = "pioneer.named")]
    PioneerNamed,
    #[sea_orm(string_value = "pioneer.withdrawn_by_review")]
    #[serde(rename = "pioneer.withdrawn_by_review")]
    PioneerWithdrawnByReview,
}
