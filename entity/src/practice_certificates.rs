use sea_orm::entity::prelude::*;

use crate::practice_evaluations::PracticeGrade;

/// The certificate of a 返家乡 placement (at most one per placement), checkable by anyone by its
/// `number`. What it certifies is a snapshot taken at issue; the holder's name only masked.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "practice_certificates")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub application_id: Uuid,
    /// `JQFX-<campaign year>-<8 random characters>`.
    pub number: String,
    pub student_user_id: Uuid,
    pub campaign_id: Uuid,
    /// The position's place.
    pub region_code: String,
    /// Masked at issue (张**).
    pub holder_name: String,
    pub school_name: Option<String>,
    pub host_name: Option<String>,
    pub position_title: Option<String>,
    pub campaign_name: String,
    pub starts_on: Date,
    pub ends_on: Date,
    /// Confirmed days counted at issue.
    pub days_confirmed: i32,
    pub grade: PracticeGrade,
    /// The local unit's name (共青团…委员会).
    pub issuer_name: String,
    pub issued_by: Uuid,
    pub issued_by_unit_code: String,
    pub issued_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
