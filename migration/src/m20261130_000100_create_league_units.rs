//! League units (团组织) and the region codes they own, seeded from the region tree; staff
//! accounts get `league_unit_id`, and existing cadres move to the unit of their region code
//! (so a 通化 cadre no longer covers 梅河口, and a 梅河口 cadre becomes a city-level unit's).
use sea_orm_migration::{prelude::*, schema::*};

use crate::league_seed;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("league_units")
                    .if_not_exists()
                    .col(integer("id").primary_key())
                    .col(string_len_uniq("code", 12))
                    .col(string_len("name", 64))
                    .col(string_len("short_name", 32))
                    .col(string_len("level", 16))
                    .col(integer_null("parent_id"))
                    .col(integer("sort_order"))
                    .col(boolean("active").default(true))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_league_units_parent")
                            .from("league_units", "parent_id")
                            .to("league_units", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("idx_league_units_parent")
                    .table("league_units")
                    .col("parent_id")
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("league_unit_regions")
                    .if_not_exists()
                    .col(string_len("region_code", 12).primary_key())
                    .col(integer("unit_id"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_league_unit_regions_unit")
                            .from("league_unit_regions", "unit_id")
                            .to("league_units", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("idx_league_unit_regions_unit")
                    .table("league_unit_regions")
                    .col("unit_id")
                    .to_owned(),
            )
            .await?;

        let units = league_seed::units(&league_seed::regions());
        let mut insert = Query::insert();
        insert.into_table("league_units").columns([
            "id",
            "code",
            "name",
            "short_name",
            "level",
            "parent_id",
            "sort_order",
            "active",
        ]);
        for u in &units {
            insert.values_panic([
                u.id.into(),
                u.code.clone().into(),
                u.name.clone().into(),
                u.short_name.clone().into(),
                u.level.into(),
                u.parent_id.into(),
                u.sort_order.into(),
                true.into(),
            ]);
        }
        manager.exec_stmt(insert).await?;
        let mut insert = Query::insert();
        insert
            .into_table("league_unit_regions")
            .columns(["region_code", "unit_id"]);
        for u in &units {
            for r in &u.regions {
                insert.values_panic([r.clone().into(), u.id.into()]);
            }
        }
        manager.exec_stmt(insert).await?;

        manager
            .alter_table(
                Table::alter()
                    .table("users")
                    .add_column(integer_null("league_unit_id"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("idx_users_league_unit")
                    .table("users")
                    .col("league_unit_id")
                    .to_owned(),
            )
            .await?;
        // Existing cadres: the unit mapped to their region code, and that unit's level.
        let db = manager.get_connection();
        db.execute_unprepared(
            "UPDATE users SET league_unit_id = (SELECT r.unit_id FROM league_unit_regions r \
             WHERE r.region_code = users.region_code) WHERE staff_role = 'cadre'",
        )
        .await?;
        db.execute_unprepared(
            "UPDATE users SET cadre_level = (SELECT u.level FROM league_units u \
             WHERE u.id = users.league_unit_id) WHERE league_unit_id IS NOT NULL",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_users_league_unit")
                    .table("users")
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("users")
                    .drop_column("league_unit_id")
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table("league_unit_regions").to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table("league_units").to_owned())
            .await
    }
}
