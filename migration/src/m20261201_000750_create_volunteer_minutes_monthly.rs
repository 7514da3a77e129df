//! Volunteer minutes per township (or the coarser code a ledger row names), category and China
//! month (`volunteer_minutes_monthly`), kept by the database as the hours ledger is written, so
//! the KPI line `volunteer_minutes` sums a few thousand monthly totals instead of every ledger
//! row of the year (`supervision.md` §3, performance).
//!
//! A trigger keeps it: every insert adds its minutes; an update of the minutes, the date, the
//! region or the category moves them; a delete takes them away. The ledger is append-only and
//! its writers are serialised by the ledger's sequence row, so the upsert adds no contention;
//! the trigger also catches rows written by hand or by the benchmark seed. The month is the
//! China month of `served_at` (UTC+8, no daylight saving); a village's minutes go to its
//! township (the first nine digits of the code).
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLE: &str = "CREATE TABLE IF NOT EXISTS volunteer_minutes_monthly (\
     place_code VARCHAR(12) NOT NULL, \
     category VARCHAR(32) NOT NULL, \
     month DATE NOT NULL, \
     minutes BIGINT NOT NULL, \
     PRIMARY KEY (place_code, month, category))";

/// The township of a code (a village's first nine digits), anything coarser as it is.
const PLACE: &str = "CASE WHEN length(region_code) = 12 THEN substr(region_code, 1, 9) \
                     ELSE region_code END";

const POSTGRES_MONTH: &str =
    "CAST(date_trunc('month', (served_at AT TIME ZONE 'UTC') + INTERVAL '8 hours') AS DATE)";

/// SQLite keeps `served_at` as text (`2026-11-30T16:00:00.123456+00:00`) and rounds fractions to
/// the millisecond, which would put 15:59:59.9999 into the next day: the whole seconds and the
/// offset are read, never the fraction.
const SQLITE_MONTH: &str =
    "strftime('%Y-%m-01', substr(served_at, 1, 19) || substr(served_at, -6), '+8 hours')";

fn backfill(month: &str) -> String {
    format!(
        "INSERT INTO volunteer_minutes_monthly (place_code, category, month, minutes) \
         SELECT {PLACE}, category, {month}, SUM(minutes) FROM volunteer_hour_entries \
         GROUP BY {PLACE}, category, {month}"
    )
}

/// One signed change of the monthly totals, for the row named by `r` (`NEW` or `OLD`).
fn change(r: &str, month: &str, sign: &str) -> String {
    let place = PLACE.replace("region_code", &format!("{r}.region_code"));
    let month = month.replace("served_at", &format!("{r}.served_at"));
    format!(
        "INSERT INTO volunteer_minutes_monthly (place_code, category, month, minutes) \
         VALUES ({place}, {r}.category, {month}, {sign}{r}.minutes) \
         ON CONFLICT (place_code, month, category) \
         DO UPDATE SET minutes = volunteer_minutes_monthly.minutes + excluded.minutes;"
    )
}

fn postgres_up() -> Vec<String> {
    let (add, take) = (
        change("NEW", POSTGRES_MONTH, ""),
        change("OLD", POSTGRES_MONTH, "-"),
    );
    vec![
        TABLE.to_owned(),
        backfill(POSTGRES_MONTH),
        format!(
            "CREATE OR REPLACE FUNCTION keep_volunteer_minutes_monthly() RETURNS trigger \
             LANGUAGE plpgsql AS $$ BEGIN \
             IF TG_OP IN ('UPDATE', 'DELETE') THEN {take} END IF; \
             IF TG_OP IN ('INSERT', 'UPDATE') THEN {add} END IF; \
             RETURN NULL; END $$"
        ),
        "CREATE TRIGGER volunteer_hour_entries_monthly \
         AFTER INSERT OR DELETE OR UPDATE OF minutes, served_at, region_code, category \
         ON volunteer_hour_entries FOR EACH ROW EXECUTE FUNCTION keep_volunteer_minutes_monthly()"
            .to_owned(),
    ]
}

const POSTGRES_DOWN: &[&str] = &[
    "DROP TRIGGER IF EXISTS volunteer_hour_entries_monthly ON volunteer_hour_entries",
    "DROP FUNCTION IF EXISTS keep_volunteer_minutes_monthly()",
    "DROP TABLE IF EXISTS volunteer_minutes_monthly",
];

fn sqlite_up() -> Vec<String> {
    let (add, take) = (
        change("NEW", SQLITE_MONTH, ""),
        change("OLD", SQLITE_MONTH, "-"),
    );
    vec![
        TABLE.to_owned(),
        backfill(SQLITE_MONTH),
        format!(
            "CREATE TRIGGER IF NOT EXISTS volunteer_hour_entries_monthly_insert \
             AFTER INSERT ON volunteer_hour_entries BEGIN {add} END"
        ),
        format!(
            "CREATE TRIGGER IF NOT EXISTS volunteer_hour_entries_monthly_update \
             AFTER UPDATE OF minutes, served_at, region_code, category \
             ON volunteer_hour_entries BEGIN {take} {add} END"
        ),
        format!(
            "CREATE TRIGGER IF NOT EXISTS volunteer_hour_entries_monthly_delete \
             AFTER DELETE ON volunteer_hour_entries BEGIN {take} END"
        ),
    ]
}

const SQLITE_DOWN: &[&str] = &[
    "DROP TRIGGER IF EXISTS volunteer_hour_entries_monthly_insert",
    "DROP TRIGGER IF EXISTS volunteer_hour_entries_monthly_update",
    "DROP TRIGGER IF EXISTS volunteer_hour_entries_monthly_delete",
    "DROP TABLE IF EXISTS volunteer_minutes_monthly",
];

async fn run(manager: &SchemaManager<'_>, statements: &[String]) -> Result<(), DbErr> {
    let db = manager.get_connection();
    for sql in statements {
        db.execute_unprepared(sql).await?;
    }
    Ok(())
}

fn backend(manager: &SchemaManager<'_>) -> Result<DatabaseBackend, DbErr> {
    match manager.get_connection().get_database_backend() {
        b @ (DatabaseBackend::Postgres | DatabaseBackend::Sqlite) => Ok(b),
        other => Err(DbErr::Migration(format!(
            "no monthly volunteer minutes for {other:?}"
        ))),
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let statements = match backend(manager)? {
            DatabaseBackend::Postgres => postgres_up(),
            _ => sqlite_up(),
        };
        run(manager, &statements).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let statements = match backend(manager)? {
            DatabaseBackend::Postgres => POSTGRES_DOWN,
            _ => SQLITE_DOWN,
        };
        let statements: Vec<String> = statements.iter().map(|s| (*s).to_owned()).collect();
        run(manager, &statements).await
    }
}
