use sea_orm::entity::prelude::*;

/// A volunteer activity published by a cadre (the organiser) in their region. A point is stored
/// as integer micro-degrees; `signed_up` is taken by conditional update against `wanted`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "volunteer_activities")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub region_code: String,
    pub category: String,
    pub title: String,
    pub description: String,
    pub place: String,
    pub lat_e6: Option<i64>,
    pub lng_e6: Option<i64>,
    pub radius_m: Option<i32>,
    pub starts_at: DateTimeUtc,
    pub ends_at: DateTimeUtc,
    pub wanted: i32,
    pub signed_up: i32,
    pub organiser_id: Uuid,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
