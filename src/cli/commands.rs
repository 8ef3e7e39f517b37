//! One function per command: build the request, call the pipeline, report.

use std::path::PathBuf;

use clap::Args;

use super::Cli;
use super::output::Ui;
use crate::pipeline::{self, Applied, ApplyOptions, PlanRequest};
use crate::pipeline::{Error, exit};
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
    /// Show sensitive fields (compensation, birth date, fields marked `sensitive`) in the
    /// reports. National ids are never shown.
    #[arg(long)]
    pub show_sensitive: bool,
    /// Also plan with this older mapping and report what the mapping edit changes
    /// (printed, and written to `mapping-diff.md` in the plan directory).
    #[arg(long, value_name = "OLD.toml")]
    pub compare_mapping: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ApplyArgs {
    /// The plan directory written by `plan`.
    pub dir: PathBuf,
    /// Approve a plan that tripped a safety guard: the plan's hash, as `plan` printed it.
    /// The approval holds for that plan only.
    #[arg(long, value_name = "PLAN_HASH")]
    pub approve: Option<String>,
    /// Ask ChartHop to validate the change files (`importDryRun`) and report the rows it would
    /// refuse; nothing is applied and the plan can still be applied afterwards.
    #[arg(long)]
    pub server_dry_run: bool,
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
pub struct ServeArgs {
    /// Address to listen on (overrides `serve.listen`; default 127.0.0.1:8787).
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<String>,
    /// Seconds a running sync may go on after SIGTERM before its process is marked ERROR.
    #[arg(long, default_value_t = 300)]
    pub grace_secs: u64,
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
    /// The emulator's "today" (YYYY-MM-DD): start dates, departures and dated changes are
    /// judged by it (default: a date saved in --state by POST /_emulator/today, else today in UTC).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub today: Option<chrono::NaiveDate>,
    /// Serve HTTPS with this certificate chain (PEM, the server's first); needs --tls-key.
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// The private key (PEM) of --tls-cert.
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
}

/// Runs the chosen command; `Ok` carries the exit code.
pub async fn dispatch(cli: Cli, ui: &Ui) -> Result<u8, Error> {
    match cli.command {
        super::Command::Emulator(args) => emulator(args).await,
        super::Command::Completions(args) => super::docs::completions(&args),
        super::Command::Man => super::docs::man(),
        super::Command::Doctor(args) => {
            super::doctor::run(cli.global.config.as_deref(), args, ui).await
        }
        super::Command::Check(args) => {
            super::check::run(cli.global.config.as_deref(), args, ui).await
        }
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
        super::Command::Serve(args) => {
            let mut settings = Settings::load(cli.global.config.as_deref())?;
            if let Some(listen) = args.listen {
                settings.set_serve_listen(listen);
            }
            let client = pipeline::client(&settings)?;
            let grace = std::time::Duration::from_secs(args.grace_secs);
            crate::serve::run(settings, client, grace, |addr| {
                ui.say(&format!("payroll-sync serve listening on http://{addr}"));
            })
            .await?;
            Ok(exit::OK)
        }
        super::Command::Roster(args) => {
            let settings = Settings::load(cli.global.config.as_deref())?;
            super::roster::roster(&settings, args, ui).await
        }
        super::Command::Sync(args) => {
            let settings = Settings::load(cli.global.config.as_deref())?;
            sync(&settings, args, ui).await
        }
    }
}

async fn plan(settings: &Settings, args: PlanArgs, ui: &Ui) -> Result<u8, Error> {
    let client = pipeline::client(settings)?;
    let bars = ui.bars();
    let req = PlanRequest {
        input: args.input,
        mapping: args.mapping,
        out: args.out,
        sheet: args.sheet,
        show_sensitive: args.show_sensitive,
        compare_mapping: args.compare_mapping,
    };
    let planned = pipeline::plan(settings, &client, &req, &bars).await;
    bars.finish();
    let planned = planned?;
    if let Some(text) = &planned.mapping_diff {
        ui.say(text);
    }
    let tripped: Vec<_> = planned.doc.tripped().collect();
    let shown_dir = crate::plan::review::shell_word(&planned.dir.display().to_string());
    // With a guard tripped, the way on is the approve command below, not a plain apply.
    let next = if tripped.is_empty() {
        format!("; apply with `payroll-sync apply {shown_dir}`")
    } else {
        String::new()
    };
    ui.say(&format!(
        "Plan written to {} (review report.md or report.html there{next})",
        planned.dir.display()
    ));
    ui.summary(&planned.doc);
    if args.json {
        let out = serde_json::json!({
            "dir": planned.dir.display().to_string(),
            "summary": planned.doc.summary,
        });
        println!("{out}");
    }
    if !tripped.is_empty() {
        for v in &tripped {
            ui.say(&format!("guard `{}` tripped: {}", v.guard, v.explain));
        }
        let hash = &planned.plan_sha256;
        ui.say(&format!(
            "After review, approve exactly this plan with: payroll-sync apply {shown_dir} --approve {hash}"
        ));
        return Ok(exit::GUARD);
    }
    if args.detailed_exitcode && !planned.doc.summary.is_empty() {
        return Ok(exit::CHANGES_PENDING);
    }
    Ok(exit::OK)
}

async fn apply(settings: &Settings, args: ApplyArgs, ui: &Ui) -> Result<u8, Error> {
    let client = pipeline::client(settings)?;
    let bars = ui.bars();
    if args.server_dry_run {
        let result = pipeline::server_dry_run(settings, &client, &args.dir, &bars).await;
        bars.finish();
        let outcomes = result?;
        let refused: Vec<_> = outcomes.iter().filter(|o| !o.ok).collect();
        ui.say(&format!(
            "ChartHop's dry run: {} row(s) would import, {} would be refused (details in {}).",
            outcomes.len() - refused.len(),
            refused.len(),
            args.dir.join("dry-run.json").display()
        ));
        for o in &refused {
            ui.say(&format!("  refused: {o}"));
        }
        return Ok(if refused.is_empty() {
            exit::OK
        } else {
            exit::PARTIAL
        });
    }
    let options = ApplyOptions {
        approve: args.approve,
        check_drift: true,
        command: "apply",
    };
    let result = pipeline::apply(settings, &client, &args.dir, &options, &bars).await;
    bars.finish();
    report_applied(ui, &result?);
    Ok(exit::OK)
}

async fn sync(settings: &Settings, args: SyncArgs, ui: &Ui) -> Result<u8, Error> {
    let client = pipeline::client(settings)?;
    let bars = ui.bars();
    let req = PlanRequest {
        input: args.input,
        mapping: args.mapping,
        out: args.out.unwrap_or_else(|| pipeline::run_dir(settings)),
        sheet: args.sheet,
        show_sensitive: false,
        compare_mapping: None,
    };
    // The summary is printed once the plan is written and before anything is uploaded, so the
    // terminal (and cron's mail) show what is about to be sent first. A plan with nothing to
    // do is said at the end instead.
    let shown = std::sync::atomic::AtomicBool::new(false);
    let before_apply = |planned: &pipeline::Planned| {
        let s = &planned.doc.summary;
        if s.is_empty() && s.left_out() == 0 {
            return;
        }
        bars.finish();
        ui.say(&format!("Plan written to {}", planned.dir.display()));
        ui.summary(&planned.doc);
        shown.store(true, std::sync::atomic::Ordering::SeqCst);
    };
    let result = pipeline::sync(settings, &client, &req, &bars, &before_apply).await;
    bars.finish();
    let shown = shown.load(std::sync::atomic::Ordering::SeqCst);
    let (planned, applied) = match result {
        Ok(r) => r,
        Err(e) => {
            if !shown && req.out.join(crate::plan::PLAN_FILE).exists() {
                ui.say(&format!("The plan is in {}", req.out.display()));
                // What was planned, and its notes (they often name the cause of a refusal).
                if let Ok(plan) = crate::plan::LoadedPlan::load(&req.out) {
                    ui.summary(&plan.doc);
                }
            }
            return Err(e);
        }
    };
    if !shown {
        if planned.dir.exists() {
            ui.say(&format!("Plan written to {}", planned.dir.display()));
        } else {
            ui.say(
                "Plan made (nothing to change: its directory is not kept; runs.jsonl has its record)",
            );
        }
        ui.summary(&planned.doc);
    }
    if applied.record.uploads.is_empty() {
        ui.say("Nothing to change in ChartHop.");
    } else {
        report_applied(ui, &applied);
    }
    let left_out = planned.doc.summary.conflicts + planned.doc.summary.rejected;
    if left_out > 0 {
        ui.say(&format!(
            "{left_out} row(s) were left out (conflicts or rejected): see {}",
            planned.dir.join("report.md").display()
        ));
        return Ok(exit::LEFT_OUT);
    }
    Ok(exit::OK)
}

fn report_applied(ui: &Ui, applied: &Applied) {
    for u in &applied.record.uploads {
        ui.say(&format!(
            "Imported {} ({} rows, upsert={}): {} (process {})",
            u.file,
            u.rows,
            u.upsert,
            u.status,
            u.process_id.as_deref().unwrap_or("-")
        ));
    }
    if !applied.record.uploads.is_empty() && applied.missing.is_empty() {
        let s = &applied.plan.doc.summary;
        ui.say(&format!(
            "Verified: all {} planned rows are in ChartHop.",
            s.new_hires + s.updates
        ));
    }
}

async fn emulator(args: EmulatorArgs) -> Result<u8, Error> {
    let mut config = charthop_emulator::Config::new(args.seed, args.token);
    config.state_file = args.state;
    config.import_step_delay = std::time::Duration::from_millis(args.import_step_ms);
    config.today = args.today;
    if let (Some(cert), Some(key)) = (&args.tls_cert, &args.tls_key) {
        let read = |f: &PathBuf| {
            std::fs::read(f).map_err(|e| Error::Emulator(format!("reading `{}`: {e}", f.display())))
        };
        config.tls = Some(charthop_emulator::TlsIdentity {
            cert_chain_pem: read(cert)?,
            key_pem: read(key)?,
        });
    }
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
