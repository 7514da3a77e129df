//! The official Jilin region tree (NBS 2023 statistical codes, 13,014 units), loaded in batches.
use sea_orm_migration::{prelude::*, schema::*};
use serde::Deserialize;

/// Copied from `shared/data/jilin-regions.json`; compiled into the binary so nothing is read at run time.
const REGIONS_JSON: &str = include_str!("../data/jilin-regions.json");
/// Rows per INSERT: 4 bound values each keeps us far below SQLite's and PostgreSQL's parameter limits.
const BATCH: usize = 2_000;

#[derive(Deserialize)]
struct RegionRow {
    code: String,
    name: String,
    level: String,
    parent: Option<String>,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("regions")
                    .if_not_exists()
                    .col(string_len("code", 12).primary_key())
                    .col(string_len("name", 64))
                    .col(string_len("level", 16))
                    .col(string_len_null("parent", 12))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("idx_regions_parent")
                    .table("regions")
                    .col("parent")
                    .to_owned(),
            )
            .await?;

        let rows: Vec<RegionRow> = serde_json::from_str(REGIONS_JSON)
            .map_err(|e| DbErr::Custom(format!("region data is not valid JSON: {e}")))?;
        for chunk in rows.chunks(BATCH) {
            let mut insert = Query::insert();
            insert
                .into_table("regions")
                .columns(["code", "name", "level", "parent"]);
            for r in chunk {
                insert.values_panic([
                    r.code.clone().into(),
                    r.name.clone().into(),
                    r.level.clone().into(),
                    r.parent.clone().into(),
                ]);
            }
            manager.exec_stmt(insert).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("regions").to_owned())
            .await
    }
}
