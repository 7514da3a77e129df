use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// One separate consent (PIPL Art. 23) of a youth to give their data to a named recipient other
/// than the league, for one subject (a request, an application, a nomination). Append-only: the
/// action that ends the sharing sets `withdrawn_at`; retention anonymisation nulls the recipient
/// and subject.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sharing_consents")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub user_id: Uuid,
    pub purpose: ConsentPurpose,
    pub recipient_kind: RecipientKind,
    pub recipient_id: Option<Uuid>,
    /// The recipient's name as shown to the youth when they agreed.
    pub recipient_name: Option<String>,
    /// The kind of record the consent belongs to.
    pub subject_kind: ConsentSubject,
    pub subject_id: Option<Uuid>,
    pub consent_version: String,
    pub granted_at: DateTimeUtc,
    pub withdrawn_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// Why a youth's data goes to someone outside the league.
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
#[sea_orm(
    rs_type = "String",
    db_type = "String(StringLen::N(32))",
    rename_all = "snake_case"
)]
#[serde(rename_all = "snake_case")]
pub enum ConsentPurpose {
    /// 向创业导师提供联系方式
    MentoringContact,
    /// 向合作银行提供贷款申请信息
    LoanBankSharing,
    /// 授权合作银行查询征信
    LoanCreditInquiry,
    /// 向实践单位提供报名信息
    PracticeHostSharing,
    /// 向实践单位提供身份证号用于投保
    PracticeInsurance,
    /// 青年先锋公示
    PioneerPublicity,
}

/// Who receives the data.
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
#[sea_orm(
    rs_type = "String",
    db_type = "String(StringLen::N(16))",
    rename_all = "snake_case"
)]
#[serde(rename_all = "snake_case")]
pub enum RecipientKind {
    /// 创业导师
    Mentor,
    /// 合作银行
    Bank,
    /// 实践单位
    HostUnit,
    /// 社会公众（公示）
    Public,
}

/// The kind of record a consent was given for (the record whose action shares the data).
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
#[sea_orm(
    rs_type = "String",
    db_type = "String(StringLen::N(32))",
    rename_all = "snake_case"
)]
#[serde(rename_all = "snake_case")]
pub enum ConsentSubject {
    /// 导师帮扶申请
    MentorshipRequest,
    /// 贷款申请
    LoanApplication,
    /// 返家乡实践报名
    PracticeApplication,
    /// 返家乡实践岗位安排（投保）
    PracticePlacement,
    /// 青年先锋推荐
    PioneerNomination,
}
