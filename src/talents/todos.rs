//! The talent pool's to-do queue: profiles waiting for verification in the cadre's scope, overdue
//! after `JIQING_REVIEW_DUE_DAYS` since their last submission (`updated_at`: a resubmission
//! restarts the wait).
use entity::talent_profiles::{self as profiles, TalentStatus};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::todos::{self, TodoQueue};

pub const TALENTS_TO_VERIFY: TodoQueue = TodoQueue {
    queue: "talents_to_verify",
    label: "待审核人才信息",
    link: "/admin/talents?status=pending",
    serves: todos::cadres,
    count: |cx| {
        Box::pin(todos::cadre_review_queue(
            cx,
            profiles::Entity::find().filter(profiles::Column::Status.eq(TalentStatus::Pending)),
            profiles::Column::HomeRegionCode,
            profiles::Column::UpdatedAt,
        ))
    },
};
