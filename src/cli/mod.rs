//! The command line: argument definitions, dispatch, and error reporting.
//!
//! The only module that talks to the terminal. Commands are thin: each builds its request and
//! calls one pipeline function.

mod check;
mod commands;
mod docs;
mod doctor;
mod inspect;
mod lines;
mod logging;
mod output;
mod progress;
mod roster;

use std::io::IsTerminal;

pub use logging::LogFormat;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::pipeline::Error;

/// `--version`: the package version and the commit it was built from (see `build.rs`).
const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (",
    env!("PAYROLL_SYNC_BUILD_COMMIT"),
    ")"
);

const EXIT_CODES: &str = "\
Exit codes:
  0   done, or nothing to do
  1   unexpected internal error
  2   usage error
  3   changes pending (plan --detailed-exitcode)
  4   refused: a safety guard tripped, or the plan is stale, edited or already applied;
      nothing written (approve with `apply DIR --approve <plan hash>`, or plan again)
  5   partial: ChartHop refused some rows, or a planned value did not land
  6   done, but some export rows were left out as conflicts or rejected (see the report)
  65  bad input file
  75  temporary: ChartHop unavailable after retries, another run holds the lock, or the
      import still running at the deadline (its id is saved; the next run follows it)
  77  ChartHop refused the token or the app's access level
  78  settings or mapping error, or ChartHop's TLS certificate refused

Settings: --config FILE (TOML), then PAYROLL_SYNC_<SECTION>_<KEY> variables, e.g.
  PAYROLL_SYNC_CHARTHOP_URL, PAYROLL_SYNC_CHARTHOP_ORG,
  PAYROLL_SYNC_CHARTHOP_TOKEN or PAYROLL_SYNC_CHARTHOP_TOKEN_FILE,
  PAYROLL_SYNC_CHARTHOP_CA_FILE (a private CA's certificates, PEM),
  PAYROLL_SYNC_PLAN_RUNS_DIR, PAYROLL_SYNC_PLAN_KEEP_DAYS; every one is in README.md";

/// Keeps a ChartHop roster in step with a payroll export.
#[derive(Debug, Parser)]
// Commands are listed in the order a newcomer uses them: look at the export, check the
// mapping, check the setup, plan, apply; then the nightly `sync` and the rest.
#[command(name = "payroll-sync", version = VERSION, about, after_help = EXIT_CODES)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

/// Options for every command (listed apart from each command's own in `--help`).
#[derive(Debug, Args)]
#[command(next_help_heading = "Global options")]
pub struct Global {
    /// Settings file (TOML); environment variables override it.
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Only errors on stderr.
    #[arg(long, short, global = true)]
    pub quiet: bool,
    /// More log detail: -v info (stage timings, counts), -vv debug, -vvv trace. Without it, only warnings and errors, as prose. Logs never carry row contents above trace.
    #[arg(long, short, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// No progress bars (they are hidden anyway when stderr is not a terminal).
    #[arg(long, global = true)]
    pub no_progress: bool,
    /// Colour in messages.
    #[arg(long, global = true, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
    /// Log events as text (prose, or log lines with -v) or as one JSON object per line (for
    /// syslog collectors and Kubernetes).
    #[arg(long, global = true, value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show what the reader sees in an export: format, encoding, delimiter, sheet, header row,
    /// columns with sample values, row counts. Sends nothing anywhere.
    ///
    /// With --json, prints one JSON object per data row on stdout (header name -> cell text,
    /// exactly as read), for scripting.
    ///
    /// Example: payroll-sync inspect payroll.xlsx --sheet Employees --header-row auto
    Inspect(inspect::InspectArgs),
    /// Validate a mapping file and run its embedded tests; with --input, map a whole export.
    ///
    /// Checks every column the mapping names against the export's header, maps every row,
    /// and lists rejected rows and lookup values with no entry. Sends ChartHop nothing.
    ///
    /// Example: payroll-sync check mappings/acme.toml --input fixtures/payroll/acme.csv
    Check(check::CheckArgs),
    /// Check the setup before the first night: settings, token, org, import access, fields,
    /// export, runs directory, lock, unfinished imports, clock. Changes nothing in ChartHop.
    ///
    /// One line per check, with the fix; the exit code is the worst finding's.
    ///
    /// Example: payroll-sync doctor --mapping mappings/acme.toml --input /data/payroll.csv
    Doctor(doctor::DoctorArgs),
    /// Dry run: read, map, fetch the roster, diff, and write a plan directory to review.
    ///
    /// Sends ChartHop nothing but reads.
    ///
    /// Example: payroll-sync plan --input payroll.xlsx --mapping mappings/acme.toml --out plan/
    Plan(commands::PlanArgs),
    /// Execute a reviewed plan directory exactly as written.
    ///
    /// Refuses a plan whose change files were edited, or that was already applied.
    ///
    /// Example: payroll-sync apply plan/
    Apply(commands::ApplyArgs),
    /// Plan and apply in one go: the nightly cron entry point.
    ///
    /// Example: payroll-sync sync --input /data/payroll.csv --mapping mappings/acme.toml
    Sync(commands::SyncArgs),
    /// Export the current ChartHop roster (filled jobs) as CSV or JSON, streamed page by page.
    ///
    /// Data goes to stdout, or to FILE with -o (private, written atomically).
    ///
    /// Example: payroll-sync roster --fields jobId,name,contact.workEmail --format json -o roster.json
    Roster(roster::RosterArgs),
    /// Serve ChartHop's webhooks: "Sync now" (process.create.<app>) and change events.
    ///
    /// Settings: [serve] app_name, webhook_secret (or PAYROLL_SYNC_SERVE_WEBHOOK_SECRET /
    /// webhook_secret_file), input (a file or a folder: its newest export), mapping, feed_file.
    ///
    /// Example: payroll-sync serve --listen 0.0.0.0:8787
    Serve(commands::ServeArgs),
    /// Run the local ChartHop emulator (for tests, demos and trying mappings).
    ///
    /// Move its clock while it runs with POST /_emulator/today {"date":"YYYY-MM-DD"}.
    ///
    /// Example: payroll-sync emulator --seed fixtures/charthop/acme --port 8080 --token dev --today 2025-01-15
    Emulator(commands::EmulatorArgs),
    /// Print a shell completion script (bash, zsh or fish) on stdout.
    ///
    /// Example: payroll-sync completions bash > /etc/bash_completion.d/payroll-sync
    Completions(docs::CompletionsArgs),
    /// Print the man page (roff) on stdout.
    ///
    /// Example: payroll-sync man > /usr/local/share/man/man1/payroll-sync.1
    Man,
}

/// Installs the log subscriber for `global`'s verbosity and format (see `logging`).
pub fn init_logging(global: &Global) {
    logging::init(global);
}

/// Whether messages are coloured: `--color`, else `NO_COLOR` and whether stderr is a terminal.
pub(super) fn use_color(color: Color) -> bool {
    match color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => std::env::var_os("NO_COLOR").is_none() && std::io::stderr().is_terminal(),
    }
}

/// Runs a command and returns the exit code, after printing any error with its hint.
pub fn run(cli: Cli) -> u8 {
    let ui = output::Ui::new(&cli.global);
    let result = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt.block_on(commands::dispatch(cli, &ui)),
        Err(e) => Err(Error::Io {
            what: "starting the async runtime".into(),
            source: e,
        }),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            ui.error(&e);
            e.exit_code()
        }
    }
}
