use sea_orm::entity::prelude::*;

/// A 志愿服务证明 as issued: a snapshot, so later ledger changes do not alter it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "volunteer_certificates")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub number: String,
    pub user_id: Uuid,
    pub real_name: String,
    pub id_number_masked: String,
    pub period_from: Date,
    pub period_to: Date,
    pub minutes: i32,
    pub content: String,
    pub issuer: String,
    pub issued_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
