//! Volunteer to-do queues: self-reports and correction requests waiting for a cadre of the
//! region, overdue after `JIQING_REVIEW_DUE_DAYS` since they were sent.
use entity::volunteer_corrections::{self as corrections, CorrectionStatus};
use entity::volunteer_reports::{self as reports, ReportStatus};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::todos::{self, TodoQueue};

pub const REPORTS_TO_REVIEW: TodoQueue = TodoQueue {
    queue: "volunteer_reports_to_review",
    label: "待审核志愿服务申报",
    link: "/admin/volunteer/reports?status=pending",
    serves: todos::cadres,
    count: |cx| {
        Box::pin(todos::cadre_review_queue(
            cx,
            reports::Entity::find().filter(reports::Column::Status.eq(ReportStatus::Pending)),
            reports::Column::RegionCode,
            reports::Column::CreatedAt,
        ))
    },
};

pub const CORRECTIONS_TO_REVIEW: TodoQueue = TodoQueue {
    queue: "volunteer_corrections_to_review",
    label: "待处理志愿时长更正申请",
    link: "/admin/volunteer/corrections?status=pending",
    serves: todos::cadres,
    count: |cx| {
        Box::pin(todos::cadre_review_queue(
            cx,
            corrections::Entity::find()
                .filter(corrections::Column::Status.eq(CorrectionStatus::Pending)),
            corrections::Column::RegionCode,
            corrections::Column::CreatedAt,
        ))
    },
};
