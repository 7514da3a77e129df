//! The lifecycles of 返家乡 campaigns and host units (the application machine comes with the
//! applications).
//!
//! Campaign (cadres of the campaign's unit or above):
//!
//! | from | action | to |
//! |---|---|---|
//! | — | create | draft |
//! | draft, open | edit | same (settings and practice dates only while draft) |
//! | draft | open | open |
//! | open | close | closed |
//! | closed | archive | archived |
//!
//! Host unit (its local unit's cadres; `bind_supervisor` by the invited WeChat user):
//!
//! | from | action | to |
//! |---|---|---|
//! | — | create | active |
//! | active, suspended | edit, invite, bind_supervisor, revoke_supervisor | same |
//! | active | suspend | suspended |
//! | suspended | reinstate | active |
//!
//! Position (its local unit's cadres):
//!
//! | from | action | to |
//! |---|---|---|
//! | — | create | draft |
//! | draft, published | edit | same |
//! | draft | publish | published |
//! | published | close | closed (no new applications; those in hand carry on) |
//! | draft, published, closed | cancel(reason) | cancelled |
use entity::host_units::{self, HostStatus};
use entity::practice_campaigns::{self, CampaignStatus};
use entity::practice_positions::{self, PositionStatus};
use entity::workflow_events::ActorKind;

use crate::workflow::{EventLog, Refusal};

crate::actions! {
    /// What happens to a campaign.
    pub enum CampaignAction {
        Create = "create", "团组织创建实践活动", "创建";
        Edit = "edit", "团组织修改实践活动", "修改";
        Open = "open", "开始报名", "开始报名";
        Close = "close", "结束报名", "结束报名";
        Archive = "archive", "归档", "归档";
    }
}

crate::actions! {
    /// What happens to a host unit.
    pub enum HostAction {
        Create = "create", "团组织登记接收单位", "登记";
        Edit = "edit", "团组织修改接收单位信息", "修改";
        Suspend = "suspend", "团组织暂停接收单位", "暂停";
        Reinstate = "reinstate", "团组织恢复接收单位", "恢复";
        Invite = "invite", "团组织邀请带教负责人", "邀请带教负责人";
        BindSupervisor = "bind_supervisor", "带教负责人接受邀请", "接受邀请";
        RevokeSupervisor = "revoke_supervisor", "团组织解除带教负责人", "解除带教负责人";
    }
}

crate::actions! {
    /// What happens to a position.
    pub enum PositionAction {
        Create = "create", "团组织创建岗位", "创建";
        Edit = "edit", "团组织修改岗位", "修改";
        Publish = "publish", "团组织发布岗位", "发布";
        Close = "close", "团组织停止招募", "停止招募";
        Cancel = "cancel", "团组织取消岗位", "取消";
    }
}

pub fn next_position(
    from: PositionStatus,
    action: PositionAction,
    actor: ActorKind,
) -> Result<PositionStatus, Refusal> {
    use PositionAction as A;
    use PositionStatus as S;
    if actor != ActorKind::Cadre {
        return Err(Refusal::WrongActor);
    }
    match (action, from) {
        (A::Edit, S::Draft) => Ok(S::Draft),
        (A::Edit, S::Published) => Ok(S::Published),
        (A::Publish, S::Draft) => Ok(S::Published),
        (A::Close, S::Published) => Ok(S::Closed),
        (A::Cancel, S::Draft | S::Published | S::Closed) => Ok(S::Cancelled),
        _ => Err(Refusal::WrongState),
    }
}

pub fn next_campaign(
    from: CampaignStatus,
    action: CampaignAction,
    actor: ActorKind,
) -> Result<CampaignStatus, Refusal> {
    use CampaignAction as A;
    use CampaignStatus as S;
    if actor != ActorKind::Cadre {
        return Err(Refusal::WrongActor);
    }
    match (action, from) {
        (A::Edit, S::Draft) => Ok(S::Draft),
        (A::Edit, S::Open) => Ok(S::Open),
        (A::Open, S::Draft) => Ok(S::Open),
        (A::Close, S::Open) => Ok(S::Closed),
        (A::Archive, S::Closed) => Ok(S::Archived),
        _ => Err(Refusal::WrongState),
    }
}

pub fn next_host(
    from: HostStatus,
    action: HostAction,
    actor: ActorKind,
) -> Result<HostStatus, Refusal> {
    use HostAction as A;
    use HostStatus as S;
    let who = match action {
        A::BindSupervisor => ActorKind::Host,
        _ => ActorKind::Cadre,
    };
    if actor != who {
        return Err(Refusal::WrongActor);
    }
    match (action, from) {
        (A::Edit | A::Invite | A::BindSupervisor | A::RevokeSupervisor, s) => Ok(s),
        (A::Suspend, S::Active) => Ok(S::Suspended),
        (A::Reinstate, S::Suspended) => Ok(S::Active),
        _ => Err(Refusal::WrongState),
    }
}

crate::subject! {
    practice_campaigns::Model {
        entity: practice_campaigns::Entity,
        status: CampaignStatus,
        action: CampaignAction,
        events: EventLog::kind("practice_events", "campaign"),
        name: "实践活动",
        changed: ("CAMPAIGN_CHANGED", "实践活动已被修改，请刷新后重试"),
        next: next_campaign,
    }
}

crate::subject! {
    host_units::Model {
        entity: host_units::Entity,
        status: HostStatus,
        action: HostAction,
        events: EventLog::kind("practice_events", "host_unit"),
        name: "接收单位",
        changed: ("HOST_UNIT_CHANGED", "接收单位信息已被修改，请刷新后重试"),
        next: next_host,
    }
}

crate::subject! {
    practice_positions::Model {
        entity: practice_positions::Entity,
        status: PositionStatus,
        action: PositionAction,
        events: EventLog::kind("practice_events", "position"),
        name: "实践岗位",
        changed: ("POSITION_CHANGED", "岗位信息已被修改，请刷新后重试"),
        next: next_position,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::Iterable;

    use CampaignAction as CA;
    use CampaignStatus as CS;
    use HostAction as HA;
    use HostStatus as HS;

    const CAMPAIGN_CELLS: &[(CA, CS, CS)] = &[
        (CA::Edit, CS::Draft, CS::Draft),
        (CA::Edit, CS::Open, CS::Open),
        (CA::Open, CS::Draft, CS::Open),
        (CA::Close, CS::Open, CS::Closed),
        (CA::Archive, CS::Closed, CS::Archived),
    ];

    #[test]
    fn every_campaign_cell_allowed_or_refused() {
        for &action in CA::ALL {
            for from in CS::iter() {
                let expected = CAMPAIGN_CELLS
                    .iter()
                    .find(|c| c.0 == action && c.1 == from)
                    .map(|c| c.2)
                    .ok_or(Refusal::WrongState);
                assert_eq!(
                    next_campaign(from, action, ActorKind::Cadre),
                    expected,
                    "{action:?} from {from:?}"
                );
                for wrong in [ActorKind::Student, ActorKind::Host, ActorKind::System] {
                    assert_eq!(next_campaign(from, action, wrong), Err(Refusal::WrongActor));
                }
            }
        }
    }

    #[test]
    fn every_position_cell_allowed_or_refused() {
        use PositionAction as PA;
        use PositionStatus as PS;
        const CELLS: &[(PA, PS, PS)] = &[
            (PA::Edit, PS::Draft, PS::Draft),
            (PA::Edit, PS::Published, PS::Published),
            (PA::Publish, PS::Draft, PS::Published),
            (PA::Close, PS::Published, PS::Closed),
            (PA::Cancel, PS::Draft, PS::Cancelled),
            (PA::Cancel, PS::Published, PS::Cancelled),
            (PA::Cancel, PS::Closed, PS::Cancelled),
        ];
        for &action in PA::ALL {
            for from in PS::iter() {
                let expected = CELLS
                    .iter()
                    .find(|c| c.0 == action && c.1 == from)
                    .map(|c| c.2)
                    .ok_or(Refusal::WrongState);
                assert_eq!(
                    next_position(from, action, ActorKind::Cadre),
                    expected,
                    "{action:?} from {from:?}"
                );
                for wrong in [ActorKind::Student, ActorKind::Host, ActorKind::System] {
                    assert_eq!(next_position(from, action, wrong), Err(Refusal::WrongActor));
                }
            }
        }
    }

    #[test]
    fn every_host_cell_allowed_or_refused() {
        for &action in HA::ALL {
            let actor = if action == HA::BindSupervisor {
                ActorKind::Host
            } else {
                ActorKind::Cadre
            };
            for from in HS::iter() {
                let expected = match (action, from) {
                    (HA::Create, _) => Err(Refusal::WrongState),
                    (HA::Suspend, HS::Active) => Ok(HS::Suspended),
                    (HA::Reinstate, HS::Suspended) => Ok(HS::Active),
                    (HA::Suspend | HA::Reinstate, _) => Err(Refusal::WrongState),
                    (_, s) => Ok(s),
                };
                assert_eq!(
                    next_host(from, action, actor),
                    expected,
                    "{action:?} {from:?}"
                );
            }
            for wrong in [ActorKind::Student, ActorKind::System, ActorKind::Youth] {
                assert_eq!(
                    next_host(HS::Active, action, wrong),
                    Err(Refusal::WrongActor)
                );
            }
        }
    }
}
