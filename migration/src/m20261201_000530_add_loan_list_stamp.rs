//! A stamp that moves with every change of `loan_applications`, so the bank's queue and the
//! cadres' lists can be kept per stamp (`loans::list_stamp`) and rebuilt only after a change.
//!
//! The database moves it, not the service: a trigger on the table catches every change, made
//! through any instance, by a daily job, or by hand. PostgreSQL counts with a sequence, which
//! takes no row lock (loan transactions would otherwise queue behind one counter row); the
//! trigger is deferred to the commit, so a reader can see the new value before the change only
//! within the commit itself. SQLite, with its single writer, counts in a one-row table updated in
//! the writing transaction.
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

const POSTGRES_UP: &[&str] = &[
    "CREATE SEQUENCE IF NOT EXISTS loan_list_stamp",
    "CREATE OR REPLACE FUNCTION move_loan_list_stamp() RETURNS trigger LANGUAGE plpgsql AS $$ \
     BEGIN PERFORM nextval('loan_list_stamp'); RETURN NULL; END $$",
    "CREATE CONSTRAINT TRIGGER loan_applications_list_stamp \
     AFTER INSERT OR UPDATE OR DELETE ON loan_applications \
     DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION move_loan_list_stamp()",
];

const POSTGRES_DOWN: &[&str] = &[
    "DROP TRIGGER IF EXISTS loan_applications_list_stamp ON loan_applications",
    "DROP FUNCTION IF EXISTS move_loan_list_stamp()",
    "DROP SEQUENCE IF EXISTS loan_list_stamp",
];

const SQLITE_UP: &[&str] = &[
    "CREATE TABLE IF NOT EXISTS loan_list_stamp (id INTEGER PRIMARY KEY CHECK (id = 1), \
     value INTEGER NOT NULL)",
    "INSERT OR IGNORE INTO loan_list_stamp (id, value) VALUES (1, 0)",
    "CREATE TRIGGER IF NOT EXISTS loan_applications_insert_stamp AFTER INSERT ON loan_applications \
     BEGIN UPDATE loan_list_stamp SET value = value + 1 WHERE id = 1; END",
    "CREATE TRIGGER IF NOT EXISTS loan_applications_update_stamp AFTER UPDATE ON loan_applications \
     BEGIN UPDATE loan_list_stamp SET value = value + 1 WHERE id = 1; END",
    "CREATE TRIGGER IF NOT EXISTS loan_applications_delete_stamp AFTER DELETE ON loan_applications \
     BEGIN UPDATE loan_list_stamp SET value = value + 1 WHERE id = 1; END",
];

const SQLITE_DOWN: &[&str] = &[
    "DROP TRIGGER IF EXISTS loan_applications_insert_stamp",
    "DROP TRIGGER IF EXISTS loan_applications_update_stamp",
    "DROP TRIGGER IF EXISTS loan_applications_delete_stamp",
    "DROP TABLE IF EXISTS loan_list_stamp",
];

async fn run(manager: &SchemaManager<'_>, postgres: &[&str], sqlite: &[&str]) -> Result<(), DbErr> {
    let db = manager.get_connection();
    let statements = match db.get_database_backend() {
        DatabaseBackend::Postgres => postgres,
        DatabaseBackend::Sqlite => sqlite,
        other => {
            return Err(DbErr::Migration(format!(
                "no loan list stamp for {other:?}"
            )));
        }
    };
    for sql in statements {
        db.execute_unprepared(sql).await?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run(manager, POSTGRES_UP, SQLITE_UP).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run(manager, POSTGRES_DOWN, SQLITE_DOWN).await
    }
}
