use sea_orm::entity::prelude::*;

/// A talent-profile save refused because another account holds the ID number (409
/// `ID_NUMBER_TAKEN`), kept for the province to watch for probing.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "id_number_conflicts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Who tried.
    pub user_id: Uuid,
    /// The home region they submitted.
    pub home_region_code: String,
    /// The profile that holds the number.
    pub holder_profile_id: Uuid,
    pub holder_region_code: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
