//! `jiqing`: serve (default) | migrate | create-admin | openapi | rebuild-leaderboards |
//! kpi-snapshot.
use clap::{Parser, Subcommand};
use jiqing::config::Settings;
use jiqing::staff::dto::StaffRole;
use jiqing::startup::Application;
use jiqing::{db, openapi, staff, telemetry};

#[derive(Parser)]
#[command(name = "jiqing", about = "吉青助农工程 backend")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the HTTP server (the default).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Create a staff account from the command line (bootstraps the first province cadre).
    CreateAdmin {
        #[arg(long)]
        username: String,
        /// cadre or bank_officer
        #[arg(long, default_value = "cadre")]
        role: String,
        /// League unit of a cadre: 220000 (团省委), a city code, 220581, CBS or a county code.
        #[arg(long)]
        unit: Option<String>,
        /// Older form of --unit: a province, city or county code naming the unit.
        #[arg(long)]
        region: Option<String>,
        /// Bank id for a bank officer.
        #[arg(long)]
        bank: Option<uuid::Uuid>,
        #[arg(long, default_value = "管理员")]
        display_name: String,
        /// The password; read from JIQING_ADMIN_PASSWORD so it stays out of shell history.
        #[arg(long, env = "JIQING_ADMIN_PASSWORD", hide_env_values = true)]
        password: String,
    },
    /// Print the OpenAPI document (regenerates openapi/openapi.json).
    Openapi,
    /// Rebuild every volunteer-hours leaderboard from the ledger now, and print how long it took.
    RebuildLeaderboards,
    /// Freeze every KPI indicator of every league unit for yesterday (China time), as the daily
    /// job does at 02:00, and print how long it took.
    KpiSnapshot {
        /// Only yesterday is accepted (an older day's counts are no longer what they were
        /// then): any other date writes nothing and fails.
        #[arg(long)]
        as_of: Option<chrono::NaiveDate>,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    if let Some(Command::Openapi) = cli.command {
        print!("{}", openapi::document_json());
        return Ok(());
    }
    let settings = match Settings::from_env() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    telemetry::init(settings.is_production());
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            let app = Application::build(settings.clone()).await?;
            let host = settings
                .bind
                .rsplit_once(':')
                .map(|(h, _)| h)
                .unwrap_or("127.0.0.1");
            let base = format!("http://{host}:{}", app.port());
            tracing::info!(
                database = if db::is_sqlite(&settings.database_url) {
                    "sqlite"
                } else {
                    "postgres"
                },
                cache = if settings.redis_url.is_some() {
                    "redis"
                } else {
                    "memory"
                },
                "listening on {base}"
            );
            println!("吉青助农 API listening on {base}");
            println!("API docs: {base}/swagger-ui/  (OpenAPI JSON: {base}/api-docs/openapi.json)");
            app.run_until_stopped().await?;
        }
        Command::Migrate => {
            let conn = db::connect(&settings.database_url).await?;
            db::migrate(&conn).await?;
            println!("migrations applied");
        }
        Command::CreateAdmin {
            username,
            role,
            unit,
            region,
            bank,
            display_name,
            password,
        } => {
            let Some(role) = jiqing::choices::parse::<StaffRole>(&role) else {
                anyhow::bail!("--role must be cadre or bank_officer, not {role:?}");
            };
            let conn = db::connect(&settings.database_url).await?;
            db::migrate(&conn).await?;
            let user = staff::create_account(
                &conn,
                staff::NewStaff {
                    username,
                    password,
                    display_name,
                    role,
                    league_unit_code: unit,
                    region_code: region,
                    bank_id: bank,
                },
            )
            .await
            .map_err(|e| {
                anyhow::anyhow!(
                    "{}",
                    serde_json::to_string(&e.envelope()).unwrap_or_default()
                )
            })?;
            println!(
                "created {} ({})",
                user.username.unwrap_or_default(),
                user.id
            );
        }
        Command::RebuildLeaderboards => {
            let state = jiqing::app_state::AppState::connect(settings).await?;
            let started = std::time::Instant::now();
            let generation = jiqing::leaderboards::sync::rebuild_now(&state).await?;
            println!(
                "leaderboards rebuilt (generation {generation}) in {:.2} s",
                started.elapsed().as_secs_f64()
            );
        }
        Command::KpiSnapshot { as_of } => {
            let yesterday = jiqing::kpi::snapshot::snapshot_date(chrono::Utc::now())
                .ok_or_else(|| anyhow::anyhow!("no date before today"))?;
            let as_of = as_of.unwrap_or(yesterday);
            if as_of != yesterday {
                anyhow::bail!(
                    "kpi-snapshot freezes yesterday only ({yesterday}, China time); nothing written for {as_of}"
                );
            }
            let state = jiqing::app_state::AppState::connect(settings).await?;
            let started = std::time::Instant::now();
            let taken = jiqing::kpi::snapshot::take(&state, as_of).await?;
            println!(
                "KPI snapshot for {as_of}: {} lines{} in {:.2} s",
                taken.lines,
                if taken.kept { " (kept for good)" } else { "" },
                started.elapsed().as_secs_f64()
            );
        }
        Command::Openapi => unreachable!("handled above"),
    }
    Ok(())
}
