//! The loan lifecycles (`loans.md`), pure: products (four-eyes) and applications, with what the
//! youth waits for next.
//!
//! Product ("cadre" = a province or top-level cadre covering the area; "officer" = an officer of
//! the product's bank):
//!
//! | from | action | to | who |
//! |---|---|---|---|
//! | — | create, clone | draft | cadre |
//! | draft, awaiting_bank | edit | same (clears the bank's confirmation) | cadre |
//! | draft | send_to_bank | awaiting_bank | cadre |
//! | awaiting_bank | confirm_terms | awaiting_bank | officer |
//! | awaiting_bank | request_changes | draft | officer |
//! | awaiting_bank | publish | published | cadre (≠ creator; bank confirmation) |
//! | published | suspend | suspended | cadre or officer |
//! | suspended | resume | published | the side that suspended |
//! | published, suspended | retire | retired | cadre |
//!
//! Application ("cadre" = of the applicant's local unit; "officer" = of the application's bank):
//!
//! | from | action | to | who |
//! |---|---|---|---|
//! | — | submit | submitted | youth |
//! | submitted | return | returned | cadre |
//! | returned | resubmit | submitted | youth |
//! | submitted | recommend / decline_recommendation | recommended / not_recommended | cadre |
//! | submitted, returned, recommended, bank_reviewing | withdraw | withdrawn | youth |
//! | recommended | accept_referral | bank_reviewing | officer |
//! | recommended, bank_reviewing | approve / reject | approved / rejected | officer |
//! | approved | decline_offer | withdrawn | youth |
//! | returned, approved | lapse | lapsed | system |
//! | approved | disburse | disbursed | officer |
//! | disbursed | report_overdue | overdue | officer |
//! | overdue | report_cured | disbursed | officer |
//! | disbursed, overdue | report_repaid | closed | officer |
//! | overdue | write_off | closed | officer |
//! | approved / disbursed | reverse | recommended / approved | officer |
use chrono::{DateTime, NaiveDate, Utc};
use entity::loan_applications::{
    self, Closure, LoanPurpose, LoanStatus, NotRecommendedReason, RejectReason,
};
use entity::loan_products::{
    self, BorrowerKind, GuaranteeType, ProductStatus, SubsidyKind, SuspendedBy,
};
use entity::loan_subsidy_claims::{self, ClaimStatus};
use entity::workflow_events::ActorKind;

use crate::time::start_of_day;
use crate::workflow::{EventLog, NextActor, NextStep, Refusal};

/// The one events table of the domain (subjects `product`, `application`, `claim`).
pub const EVENTS_TABLE: &str = "loan_events";

crate::labels!(ProductStatus {
    Draft: "草稿",
    AwaitingBank: "待银行确认",
    Published: "已发布",
    Suspended: "暂停受理",
    Retired: "已下架",
});

crate::labels!(BorrowerKind {
    Individual: "个人",
    Business: "经营主体",
});

crate::labels!(GuaranteeType {
    Credit: "信用",
    Guarantor: "保证",
    Collateral: "抵押",
    Pledge: "质押",
    GuaranteeFund: "担保基金",
});

crate::labels!(SubsidyKind {
    None: "无贴息",
    Full: "全额贴息",
    Ratio: "按比例贴息",
});

crate::labels!(SuspendedBy {
    League: "团组织",
    Bank: "合作银行",
});

crate::labels!(LoanStatus {
    Submitted: "待县级团组织推荐",
    Returned: "已退回修改",
    Recommended: "已推荐至银行",
    NotRecommended: "未获推荐",
    BankReviewing: "银行审查中",
    Approved: "银行已审批",
    Rejected: "银行未批准",
    Withdrawn: "已撤回",
    Lapsed: "已失效",
    Disbursed: "已放款",
    Overdue: "已逾期",
    Closed: "已结清",
});

crate::labels!(LoanPurpose {
    Planting: "种植业",
    AnimalHusbandry: "畜牧养殖",
    Aquaculture: "水产养殖",
    Processing: "农产品加工",
    Ecommerce: "农村电商",
    RuralTourism: "乡村旅游",
    Equipment: "购置农机设备",
    WorkingCapital: "流动资金",
    Other: "其他",
});

crate::labels!(Closure {
    Repaid: "已结清",
    WrittenOff: "已核销",
});

crate::labels!(NotRecommendedReason {
    NotEntrepreneur: "非创业青年或无实际经营项目",
    ProjectNotViable: "项目不具备可行性",
    IncompleteInformation: "材料不全或信息不实",
    OutsidePolicy: "不符合政策",
    Other: "其他",
});

crate::labels!(RejectReason {
    CreditRecord: "征信不良",
    BusinessRisk: "经营风险",
    InsufficientGuarantee: "担保不足",
    IncompleteDocuments: "材料不全",
    OutsidePolicy: "不符合政策",
    Other: "其他",
});

crate::labels!(ClaimStatus {
    Submitted: "待县级团组织核实",
    Verified: "待上级团组织审批",
    Approved: "待拨付",
    Paid: "已拨付",
    Rejected: "未通过",
});

crate::actions! {
    /// What happens to a subsidy claim.
    pub enum ClaimAction {
        Submit = "submit", "银行申报贴息", "申报";
        Verify = "verify", "县级团组织核实", "核实";
        Approve = "approve", "上级团组织审批通过", "审批";
        Reject = "reject", "团组织退回贴息申报", "退回";
        MarkPaid = "mark_paid", "团省委拨付贴息", "拨付";
    }
}

/// Subsidy claims: submitted –verify/reject (local unit)→ verified/rejected; verified
/// –approve/reject (parent unit or province, ≠ verifier)→ approved/rejected; approved –mark_paid
/// (province)→ paid. Who within the cadres acts is checked by the handlers.
pub fn next_claim(
    from: ClaimStatus,
    action: ClaimAction,
    actor: ActorKind,
) -> Result<ClaimStatus, Refusal> {
    use {ClaimAction as A, ClaimStatus as S};
    let who = match action {
        A::Submit => ActorKind::BankOfficer,
        _ => ActorKind::Cadre,
    };
    if actor != who {
        return Err(Refusal::WrongActor);
    }
    match (action, from) {
        (A::Verify, S::Submitted) => Ok(S::Verified),
        (A::Reject, S::Submitted | S::Verified) => Ok(S::Rejected),
        (A::Approve, S::Verified) => Ok(S::Approved),
        (A::MarkPaid, S::Approved) => Ok(S::Paid),
        _ => Err(Refusal::WrongState),
    }
}

crate::actions! {
    /// What happens to a loan product.
    pub enum ProductAction {
        Create = "create", "团组织创建贷款产品", "创建";
        Clone = "clone", "团组织复制产品为新版本", "复制";
        Edit = "edit", "团组织修改产品条款", "修改";
        SendToBank = "send_to_bank", "提交合作银行确认", "提交银行确认";
        ConfirmTerms = "confirm_terms", "合作银行确认产品条款", "确认条款";
        RequestChanges = "request_changes", "合作银行要求修改条款", "要求修改";
        Publish = "publish", "团组织发布产品", "发布";
        Suspend = "suspend", "暂停受理", "暂停";
        Resume = "resume", "恢复受理", "恢复";
        Retire = "retire", "产品下架", "下架";
    }
}

crate::actions! {
    /// What happens to a loan application.
    pub enum ApplicationAction {
        Submit = "submit", "提交贷款申请", "提交";
        Return = "return", "县级团组织退回修改", "退回";
        Resubmit = "resubmit", "修改后重新提交", "重新提交";
        Recommend = "recommend", "县级团组织推荐", "推荐";
        DeclineRecommendation = "decline_recommendation", "县级团组织不予推荐", "不予推荐";
        Withdraw = "withdraw", "本人撤回申请", "撤回";
        AcceptReferral = "accept_referral", "银行受理", "受理";
        Approve = "approve", "银行审批通过", "审批";
        Reject = "reject", "银行未批准", "拒绝";
        DeclineOffer = "decline_offer", "本人放弃贷款", "放弃";
        Lapse = "lapse", "逾期未办理，申请失效", "失效";
        Disburse = "disburse", "银行放款", "放款";
        ReportOverdue = "report_overdue", "银行报告逾期", "报告逾期";
        ReportCured = "report_cured", "银行报告逾期已还清", "报告逾期还清";
        ReportRepaid = "report_repaid", "贷款结清", "报告结清";
        WriteOff = "write_off", "银行核销", "核销";
        Reverse = "reverse", "银行撤销上一步操作", "撤销";
    }
}

/// Products: the table above. `create` and `clone` are creations, never transitions.
pub fn next_product(
    from: ProductStatus,
    action: ProductAction,
    actor: ActorKind,
) -> Result<ProductStatus, Refusal> {
    use {ProductAction as A, ProductStatus as S};
    let allowed = match action {
        A::ConfirmTerms | A::RequestChanges => actor == ActorKind::BankOfficer,
        A::Suspend | A::Resume => matches!(actor, ActorKind::Cadre | ActorKind::BankOfficer),
        _ => actor == ActorKind::Cadre,
    };
    if !allowed {
        return Err(Refusal::WrongActor);
    }
    match (action, from) {
        (A::Edit, S::Draft) => Ok(S::Draft),
        (A::Edit, S::AwaitingBank) => Ok(S::AwaitingBank),
        (A::SendToBank, S::Draft) => Ok(S::AwaitingBank),
        (A::ConfirmTerms, S::AwaitingBank) => Ok(S::AwaitingBank),
        (A::RequestChanges, S::AwaitingBank) => Ok(S::Draft),
        (A::Publish, S::AwaitingBank) => Ok(S::Published),
        (A::Suspend, S::Published) => Ok(S::Suspended),
        (A::Resume, S::Suspended) => Ok(S::Published),
        (A::Retire, S::Published | S::Suspended) => Ok(S::Retired),
        _ => Err(Refusal::WrongState),
    }
}

/// Applications: the table above. `submit` is a creation, never a transition.
pub fn next_application(
    from: LoanStatus,
    action: ApplicationAction,
    actor: ActorKind,
) -> Result<LoanStatus, Refusal> {
    use {ApplicationAction as A, LoanStatus as S};
    let who = match action {
        A::Submit | A::Resubmit | A::Withdraw | A::DeclineOffer => ActorKind::Youth,
        A::Return | A::Recommend | A::DeclineRecommendation => ActorKind::Cadre,
        A::Lapse => ActorKind::System,
        A::AcceptReferral
        | A::Approve
        | A::Reject
        | A::Disburse
        | A::ReportOverdue
        | A::ReportCured
        | A::ReportRepaid
        | A::WriteOff
        | A::Reverse => ActorKind::BankOfficer,
    };
    if actor != who {
        return Err(Refusal::WrongActor);
    }
    match (action, from) {
        (A::Return, S::Submitted) => Ok(S::Returned),
        (A::Resubmit, S::Returned) => Ok(S::Submitted),
        (A::Recommend, S::Submitted) => Ok(S::Recommended),
        (A::DeclineRecommendation, S::Submitted) => Ok(S::NotRecommended),
        (A::Withdraw, S::Submitted | S::Returned | S::Recommended | S::BankReviewing) => {
            Ok(S::Withdrawn)
        }
        (A::AcceptReferral, S::Recommended) => Ok(S::BankReviewing),
        (A::Approve, S::Recommended | S::BankReviewing) => Ok(S::Approved),
        (A::Reject, S::Recommended | S::BankReviewing) => Ok(S::Rejected),
        (A::DeclineOffer, S::Approved) => Ok(S::Withdrawn),
        (A::Lapse, S::Returned | S::Approved) => Ok(S::Lapsed),
        (A::Disburse, S::Approved) => Ok(S::Disbursed),
        (A::ReportOverdue, S::Disbursed) => Ok(S::Overdue),
        (A::ReportCured, S::Overdue) => Ok(S::Disbursed),
        (A::ReportRepaid, S::Disbursed | S::Overdue) => Ok(S::Closed),
        (A::WriteOff, S::Overdue) => Ok(S::Closed),
        (A::Reverse, S::Approved) => Ok(S::Recommended),
        (A::Reverse, S::Disbursed) => Ok(S::Approved),
        _ => Err(Refusal::WrongState),
    }
}

/// Statuses that hold the one-open-application slot (the partial unique index's list).
pub const OPEN_STATUSES: [LoanStatus; 5] = [
    LoanStatus::Submitted,
    LoanStatus::Returned,
    LoanStatus::Recommended,
    LoanStatus::BankReviewing,
    LoanStatus::Approved,
];

/// The deadlines an application's next step may name.
#[derive(Debug, Clone, Copy, Default)]
pub struct Deadlines {
    pub review_due_at: Option<DateTime<Utc>>,
    pub resubmit_due_at: Option<DateTime<Utc>>,
    pub bank_due_at: Option<DateTime<Utc>>,
    pub offer_expires_at: Option<DateTime<Utc>>,
    pub maturity_on: Option<NaiveDate>,
}

fn due(step: NextStep, at: Option<DateTime<Utc>>) -> NextStep {
    match at {
        Some(at) => step.due(at),
        None => step,
    }
}

/// What the youth waits for on their application: the local unit (by its short name), the bank
/// (by its name), or themselves; `None` once it ended.
pub fn application_next_step(
    status: LoanStatus,
    local_unit: &str,
    bank: &str,
    d: Deadlines,
) -> Option<NextStep> {
    use LoanStatus as S;
    Some(match status {
        S::Submitted => due(
            NextStep::new(NextActor::CountyLeague, format!("等待{local_unit}推荐")),
            d.review_due_at,
        ),
        S::Returned => due(
            NextStep::new(NextActor::You, "请按退回意见修改后重新提交"),
            d.resubmit_due_at,
        ),
        S::Recommended => due(
            NextStep::new(NextActor::Bank, format!("等待{bank}受理")),
            d.bank_due_at,
        ),
        S::BankReviewing => due(
            NextStep::new(NextActor::Bank, format!("等待{bank}审批")),
            d.bank_due_at,
        ),
        S::Approved => due(
            NextStep::new(NextActor::Bank, format!("请与{bank}联系办理放款")),
            d.offer_expires_at,
        ),
        // Due by the maturity date: 23:59:59 China time of that day (conventions §5).
        S::Disbursed | S::Overdue => due(
            NextStep::new(
                NextActor::You,
                if status == S::Overdue {
                    "贷款已逾期，请尽快还款"
                } else {
                    "请按合同约定按期还款"
                },
            ),
            d.maturity_on
                .and_then(|m| m.succ_opt())
                .map(|next| start_of_day(next) - chrono::Duration::seconds(1)),
        ),
        S::NotRecommended | S::Rejected | S::Withdrawn | S::Lapsed | S::Closed => return None,
    })
}

crate::subject! {
    loan_products::Model {
        entity: loan_products::Entity,
        status: ProductStatus,
        action: ProductAction,
        events: EventLog::kind(EVENTS_TABLE, "product"),
        name: "贷款产品",
        changed: ("PRODUCT_CHANGED", "贷款产品已被修改，请刷新后重试"),
        next: next_product,
    }
}

crate::subject! {
    loan_applications::Model {
        entity: loan_applications::Entity,
        status: LoanStatus,
        action: ApplicationAction,
        events: EventLog::kind(EVENTS_TABLE, "application"),
        name: "贷款申请",
        changed: ("APPLICATION_CHANGED", "申请已被修改，请刷新后重试"),
        next: next_application,
    }
}

crate::subject! {
    loan_subsidy_claims::Model {
        entity: loan_subsidy_claims::Entity,
        status: ClaimStatus,
        action: ClaimAction,
        events: EventLog::kind(EVENTS_TABLE, "claim"),
        name: "贴息申报",
        changed: ("CLAIM_CHANGED", "贴息申报已被修改，请刷新后重试"),
        next: next_claim,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::Iterable;

    const ACTORS: [ActorKind; 7] = [
        ActorKind::Youth,
        ActorKind::Student,
        ActorKind::Mentor,
        ActorKind::Host,
        ActorKind::Cadre,
        ActorKind::BankOfficer,
        ActorKind::System,
    ];

    /// Every cell of the product table: the allowed ones give their target, every other
    /// `(action, from)` is `WrongState`, every other actor `WrongActor`.
    #[test]
    fn the_product_table_cell_by_cell() {
        use {ActorKind as K, ProductAction as A, ProductStatus as S};
        let allowed: &[(A, S, &[K], S)] = &[
            (A::Edit, S::Draft, &[K::Cadre], S::Draft),
            (A::Edit, S::AwaitingBank, &[K::Cadre], S::AwaitingBank),
            (A::SendToBank, S::Draft, &[K::Cadre], S::AwaitingBank),
            (
                A::ConfirmTerms,
                S::AwaitingBank,
                &[K::BankOfficer],
                S::AwaitingBank,
            ),
            (
                A::RequestChanges,
                S::AwaitingBank,
                &[K::BankOfficer],
                S::Draft,
            ),
            (A::Publish, S::AwaitingBank, &[K::Cadre], S::Published),
            (
                A::Suspend,
                S::Published,
                &[K::Cadre, K::BankOfficer],
                S::Suspended,
            ),
            (
                A::Resume,
                S::Suspended,
                &[K::Cadre, K::BankOfficer],
                S::Published,
            ),
            (A::Retire, S::Published, &[K::Cadre], S::Retired),
            (A::Retire, S::Suspended, &[K::Cadre], S::Retired),
        ];
        for action in A::ALL {
            let who: Vec<K> = allowed
                .iter()
                .filter(|(a, ..)| a == action)
                .flat_map(|(_, _, w, _)| w.iter().copied())
                .collect();
            for from in S::iter() {
                for actor in ACTORS {
                    let got = next_product(from, *action, actor);
                    let cell = allowed
                        .iter()
                        .find(|(a, f, w, _)| a == action && *f == from && w.contains(&actor));
                    match cell {
                        Some((.., to)) => assert_eq!(got, Ok(*to), "{action:?} {from:?} {actor:?}"),
                        None if who.contains(&actor) => {
                            assert_eq!(got, Err(Refusal::WrongState), "{action:?} {from:?}")
                        }
                        None => {
                            // Creations have no actor in the table: any actor is refused.
                            assert!(got.is_err(), "{action:?} {from:?} {actor:?}")
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn the_application_table_cell_by_cell() {
        use {ActorKind as K, ApplicationAction as A, LoanStatus as S};
        let allowed: &[(A, S, K, S)] = &[
            (A::Return, S::Submitted, K::Cadre, S::Returned),
            (A::Resubmit, S::Returned, K::Youth, S::Submitted),
            (A::Recommend, S::Submitted, K::Cadre, S::Recommended),
            (
                A::DeclineRecommendation,
                S::Submitted,
                K::Cadre,
                S::NotRecommended,
            ),
            (A::Withdraw, S::Submitted, K::Youth, S::Withdrawn),
            (A::Withdraw, S::Returned, K::Youth, S::Withdrawn),
            (A::Withdraw, S::Recommended, K::Youth, S::Withdrawn),
            (A::Withdraw, S::BankReviewing, K::Youth, S::Withdrawn),
            (
                A::AcceptReferral,
                S::Recommended,
                K::BankOfficer,
                S::BankReviewing,
            ),
            (A::Approve, S::Recommended, K::BankOfficer, S::Approved),
            (A::Approve, S::BankReviewing, K::BankOfficer, S::Approved),
            (A::Reject, S::Recommended, K::BankOfficer, S::Rejected),
            (A::Reject, S::BankReviewing, K::BankOfficer, S::Rejected),
            (A::DeclineOffer, S::Approved, K::Youth, S::Withdrawn),
            (A::Lapse, S::Returned, K::System, S::Lapsed),
            (A::Lapse, S::Approved, K::System, S::Lapsed),
            (A::Disburse, S::Approved, K::BankOfficer, S::Disbursed),
            (A::ReportOverdue, S::Disbursed, K::BankOfficer, S::Overdue),
            (A::ReportCured, S::Overdue, K::BankOfficer, S::Disbursed),
            (A::ReportRepaid, S::Disbursed, K::BankOfficer, S::Closed),
            (A::ReportRepaid, S::Overdue, K::BankOfficer, S::Closed),
            (A::WriteOff, S::Overdue, K::BankOfficer, S::Closed),
            (A::Reverse, S::Approved, K::BankOfficer, S::Recommended),
            (A::Reverse, S::Disbursed, K::BankOfficer, S::Approved),
        ];
        for action in A::ALL {
            let who = allowed
                .iter()
                .find(|(a, ..)| a == action)
                .map(|(_, _, w, _)| *w);
            for from in S::iter() {
                for actor in ACTORS {
                    let got = next_application(from, *action, actor);
                    let cell = allowed
                        .iter()
                        .find(|(a, f, w, _)| a == action && *f == from && *w == actor);
                    match cell {
                        Some((.., to)) => assert_eq!(got, Ok(*to), "{action:?} {from:?}"),
                        None if who == Some(actor) => {
                            assert_eq!(got, Err(Refusal::WrongState), "{action:?} {from:?}")
                        }
                        None if *action == A::Submit => {
                            assert!(got.is_err(), "submit is a creation")
                        }
                        None => assert_eq!(
                            got,
                            Err(Refusal::WrongActor),
                            "{action:?} {from:?} {actor:?}"
                        ),
                    }
                }
            }
        }
    }

    #[test]
    fn the_youth_sees_who_acts_next_and_by_when() {
        let at = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
        let d = Deadlines {
            review_due_at: Some(at("2026-12-08T02:15:00Z")),
            resubmit_due_at: Some(at("2027-01-01T00:00:00Z")),
            bank_due_at: Some(at("2026-12-20T00:00:00Z")),
            offer_expires_at: Some(at("2027-02-01T00:00:00Z")),
            maturity_on: NaiveDate::from_ymd_opt(2028, 12, 1),
        };
        let step = |s| application_next_step(s, "德惠市团委", "吉林银行", d);
        let submitted = step(LoanStatus::Submitted).unwrap();
        assert_eq!(submitted.actor, NextActor::CountyLeague);
        assert_eq!(submitted.action_label, "等待德惠市团委推荐");
        assert_eq!(
            submitted.due_at.unwrap().to_rfc3339(),
            "2026-12-08T10:15:00+08:00"
        );
        assert_eq!(step(LoanStatus::Returned).unwrap().actor, NextActor::You);
        assert_eq!(
            step(LoanStatus::Recommended).unwrap().action_label,
            "等待吉林银行受理"
        );
        assert_eq!(
            step(LoanStatus::BankReviewing).unwrap().actor,
            NextActor::Bank
        );
        assert_eq!(
            step(LoanStatus::Approved).unwrap().due_at,
            Some(crate::time::to_china(at("2027-02-01T00:00:00Z")))
        );
        assert_eq!(
            step(LoanStatus::Disbursed)
                .unwrap()
                .due_at
                .unwrap()
                .to_rfc3339(),
            "2028-12-01T23:59:59+08:00"
        );
        assert_eq!(step(LoanStatus::Overdue).unwrap().actor, NextActor::You);
        for ended in [
            LoanStatus::NotRecommended,
            LoanStatus::Rejected,
            LoanStatus::Withdrawn,
            LoanStatus::Lapsed,
            LoanStatus::Closed,
        ] {
            assert_eq!(step(ended), None, "{ended:?}");
        }
    }

    #[test]
    fn the_claim_table_cell_by_cell() {
        use {ActorKind as K, ClaimAction as A, ClaimStatus as S};
        let allowed: &[(A, S, S)] = &[
            (A::Verify, S::Submitted, S::Verified),
            (A::Reject, S::Submitted, S::Rejected),
            (A::Reject, S::Verified, S::Rejected),
            (A::Approve, S::Verified, S::Approved),
            (A::MarkPaid, S::Approved, S::Paid),
        ];
        for action in A::ALL {
            let who = if *action == A::Submit {
                K::BankOfficer
            } else {
                K::Cadre
            };
            for from in S::iter() {
                for actor in ACTORS {
                    let got = next_claim(from, *action, actor);
                    match allowed.iter().find(|(a, f, _)| a == action && *f == from) {
                        Some((.., to)) if actor == who => assert_eq!(got, Ok(*to)),
                        _ if actor != who => assert_eq!(got, Err(Refusal::WrongActor)),
                        _ => assert_eq!(got, Err(Refusal::WrongState), "{action:?} {from:?}"),
                    }
                }
            }
        }
    }
}
