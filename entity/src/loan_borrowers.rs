use sea_orm::entity::prelude::*;

/// The guard row of one borrower (made on first use): `outstanding_loans` counts their disbursed
/// and overdue loans. A submit locks it by a conditional update, so a submit and a disbursement
/// racing cannot both leave two loans outstanding.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "loan_borrowers")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: Uuid,
    pub outstanding_loans: i32,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
