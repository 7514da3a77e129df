use sea_orm::entity::prelude::*;

/// A partner bank (银团合作). `unified_credit_code` is the 18-character 统一社会信用代码
/// (GB 32100), unique; banks registered before it was asked for have none.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "banks")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub name: String,
    pub created_at: DateTimeUtc,
    pub short_name: Option<String>,
    pub unified_credit_code: Option<String>,
    pub active: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
