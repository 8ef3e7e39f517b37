//! One function per command: build the request, call the pipeline, report.

use std::path::PathBuf;

use clap::Args;

use super::Cli;
use super::output::Ui;
use super::progress::Bars;
use crate::error::{Error, exit};
use crate::pipeline::{self, PlanRequest};
use crate::settings::Settings;

#[derive(Debug, Args)]
pub struct PlanArgs {
    /// The payroll export (.csv, .xlsx, .xlsm, .xls, .ods).
    #[arg(long, value_name = "FILE")]
    pub input: PathBuf,
    /// The mapping file (TOML).
    #[arg(long, value_name = "FILE")]
    pub mapping: PathBuf,
    /// The plan directory to write.
    #[arg(long, value_name = "DIR", default_value = "plan")]
    pub out: PathBuf,
    /// The sheet to read (spreadsheets); overrides the mapping's `[source] sheet`.
    #[arg(long)]
    pub sheet: Option<String>,
    /// Print the plan's summary as JSON on stdout.
    #[arg(long)]
    pub json: bool,
    /// Exit 3 when changes are pending, 0 when there is nothing to change.
    #[arg(long)]
    pub detailed_exitcode: bool,
}

#[derive(Debug, Args)]
pub struct ApplyArgs {
    /// The plan directory written by `plan`.
    pub dir: PathBuf,
}

#[derive(Debug, Args)]
pub struct SyncArgs {
    /// The payroll export.
    #[arg(long, value_name = "FILE")]
    pub input: PathBuf,
    /// The mapping file.
    #[arg(long, value_name = "FILE")]
    pub mapping: PathBuf,
    /// The plan directory (default: a new one under the `plan.runs_dir` setting).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// The sheet to read (spreadsheets).
    #[arg(long)]
    pub sheet: Option<String>,
}

#[derive(Debug, Args)]
pub struct EmulatorArgs {
    /// The seed directory (org.json, groups.csv, users.csv, jobs.csv).
    #[arg(long, value_name = "DIR", default_value = "fixtures/charthop/acme")]
    pub seed: PathBuf,
    /// The port on 127.0.0.1 (0: any free port).
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
    /// The bearer token the emulator accepts.
    #[arg(long)]
    pub token: String,
    /// Keep the org's state in this file across runs.
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,
    /// Write the base URL here once listening (for scripts using --port 0).
    #[arg(long, value_name = "FILE")]
    pub addr_file: Option<PathBuf>,
    /// Delay between an import's steps, in milliseconds.
    #[arg(long, default_value_t = 30)]
    pub import_step_ms: u64,
}

/// Runs the chosen command; `Ok` carries the exit code.
pub async fn dispatch(cli: Cli, ui: &Ui) -> Result<u8, Error> {
    match cli.command {
        super::Command::Emulator(args) => emulator(args).await,
        super::Command::Inspect(args) => {
            super::inspect::inspect(cli.global.config.as_deref(), args, ui).await
        }
        super::Command::Plan(args) => {
            let settings = Settings::load(cli.global.config.as_deref())?;
            plan(&settings, args, ui).await
        }
        super::Command::Apply(args) => {
            let settings = Settings::load(cli.global.config.as_deref())?;
            apply(&settings, args, ui).await
        }
        super::Command::Sync(args) => {
            let settings = Settings::load(cli.global.config.as_deref())?;
            sync(&settings, args, ui).await
        }
    }
}

async fn plan(settings: &Settings, args: PlanArgs, ui: &Ui) -> Result<u8, Error> {
    let client = pipeline::client(settings)?;
    let bars = Bars::new(ui.progress);
    let req = PlanRequest {
        input: args.input,
        mapping: args.mapping,
        out: args.out,
        sheet: args.sheet,
    };
    let planned = pipeline::plan(settings, &client, &req, &bars).await;
    bars.finish();
    let planned = planned?;
    ui.say(&format!(
        "Plan written to {} (review report.md there; apply with `payroll-sync apply {}`)",
        planned.dir.display(),
        planned.dir.display()
    ));
    ui.summary(&planned.doc.summary);
    if args.json {
        let out = serde_json::json!({
            "dir": planned.dir.display().to_string(),
            "summary": planned.doc.summary,
        });
        println!("{out}");
    }
    if args.detailed_exitcode && !planned.doc.summary.is_empty() {
        return Ok(exit::CHANGES_PENDING);
    }
    Ok(exit::OK)
}

async fn apply(settings: &Settings, args: ApplyArgs, ui: &Ui) -> Result<u8, Error> {
    let client = pipeline::client(settings)?;
    let bars = Bars::new(ui.progress);
    let result = pipeline::apply(settings, &client, &args.dir, &bars).await;
    bars.finish();
    let (plan, record) = result?;
    if record.uploads.is_empty() {
        ui.say("Nothing to import: the plan has no changes.");
    }
    for u in &record.uploads {
        ui.say(&format!(
            "Imported {} ({} rows, upsert={}): {} (process {})",
            u.file,
            u.rows,
            u.upsert,
            u.status,
            u.process_id.as_deref().unwrap_or("-")
        ));
    }
    ui.summary(&plan.doc.summary);
    Ok(exit::OK)
}

async fn sync(settings: &Settings, args: SyncArgs, ui: &Ui) -> Result<u8, Error> {
    let client = pipeline::client(settings)?;
    let bars = Bars::new(ui.progress);
    let req = PlanRequest {
        input: args.input,
        mapping: args.mapping,
        out: args.out.unwrap_or_else(|| pipeline::run_dir(settings)),
        sheet: args.sheet,
    };
    let planned = pipeline::plan(settings, &client, &req, &bars).await;
    bars.finish();
    let planned = planned?;
    ui.say(&format!("Plan written to {}", planned.dir.display()));
    ui.summary(&planned.doc.summary);
    let left_out = planned.doc.summary.conflicts + planned.doc.summary.rejected;
    if planned.doc.summary.is_empty() {
        ui.say("Nothing to change in ChartHop.");
    } else {
        let result = pipeline::apply(settings, &client, &planned.dir, &bars).await;
        bars.finish();
        let (_, record) = result?;
        for u in &record.uploads {
            ui.say(&format!(
                "Imported {} ({} rows, upsert={}): {} (process {})",
                u.file,
                u.rows,
                u.upsert,
                u.status,
                u.process_id.as_deref().unwrap_or("-")
            ));
        }
    }
    if left_out > 0 {
        ui.say(&format!(
            "{left_out} row(s) were left out (conflicts or rejected): see {}",
            planned.dir.join("report.md").display()
        ));
        return Ok(exit::PARTIAL);
    }
    Ok(exit::OK)
}

async fn emulator(args: EmulatorArgs) -> Result<u8, Error> {
    let mut config = charthop_emulator::Config::new(args.seed, args.token);
    config.state_file = args.state;
    config.import_step_delay = std::time::Duration::from_millis(args.import_step_ms);
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], args.port));
    let addr_file = args.addr_file;
    tokio::task::spawn_blocking(move || {
        charthop_emulator::run_blocking(config, addr, addr_file.as_deref())
    })
    .await
    .map_err(|e| Error::Emulator(format!("the emulator stopped: {e}")))?
    .map_err(|e| Error::Emulator(e.to_string()))?;
    Ok(exit::OK)
}
