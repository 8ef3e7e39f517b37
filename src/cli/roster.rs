//! `payroll-sync roster`: the current ChartHop roster as CSV or JSON, streamed.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::output::Ui;
use crate::charthop::JobQuery;
use crate::fetch::export::{self, DEFAULT_FIELDS, Format};
use crate::fsutil::AtomicFile;
use crate::pipeline;
use crate::pipeline::{Error, exit};
use crate::settings::Settings;

#[derive(Debug, Args)]
pub struct RosterArgs {
    /// Field codes to export, comma-separated, in column order.
    #[arg(long, value_name = "F", default_value = DEFAULT_FIELDS)]
    pub fields: String,
    /// A Carrot filter. Narrowed to filled jobs (`open:filled && (Q)`) unless it names `open`
    /// itself, e.g. `--q 'open:open'` for open reqs.
    #[arg(long, value_name = "CARROT")]
    pub q: Option<String>,
    /// The roster as of this date (YYYY-MM-DD) instead of today.
    #[arg(long, value_name = "D", value_parser = parse_date)]
    pub date: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutFormat::Csv)]
    pub format: OutFormat,
    /// CSV values exactly as ChartHop holds them: without it, a value a spreadsheet would run
    /// as a formula (`=...`, `@...`) gets a leading `'`.
    #[arg(long)]
    pub raw: bool,
    /// Write to FILE (mode 0600, replaced atomically when complete) instead of stdout.
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutFormat {
    Csv,
    Json,
}

fn parse_date(raw: &str) -> Result<String, String> {
    chrono::NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .map(|d| d.to_string())
        .map_err(|_| format!("`{raw}` is not a date in YYYY-MM-DD form"))
}

/// Exports the roster; `Ok` carries the exit code.
pub async fn roster(settings: &Settings, args: RosterArgs, ui: &Ui) -> Result<u8, Error> {
    let client = pipeline::client(settings)?;
    let fields: Vec<String> = args
        .fields
        .split(',')
        .map(str::trim)
        .filter(|f| !f.is_empty())
        .map(str::to_string)
        .collect();
    let query = JobQuery {
        fields,
        q: export::filled_only(args.q.as_deref()),
        date: args.date,
        limit: settings.charthop.page_size,
    };
    let format = match args.format {
        OutFormat::Csv if args.raw => Format::CsvRaw,
        OutFormat::Csv => Format::Csv,
        OutFormat::Json => Format::Json,
    };
    let bars = ui.bars();
    let done = match &args.output {
        Some(path) if path.as_os_str() != "-" => {
            let io = |source| Error::Io {
                what: format!("writing `{}`", path.display()),
                source,
            };
            let mut file = AtomicFile::create(path).map_err(io)?;
            let done = export::export_roster(&client, query, format, &mut file, &bars).await;
            bars.finish();
            let done = done?;
            file.commit().map_err(io)?;
            ui.say(&format!("Wrote {} job(s) to {}", done.rows, path.display()));
            done
        }
        _ => {
            let stdout = std::io::stdout();
            let mut out = stdout.lock();
            let done = export::export_roster(&client, query, format, &mut out, &bars).await;
            bars.finish();
            done?
        }
    };
    tracing::info!(rows = done.rows, pages = done.pages, "roster exported");
    Ok(exit::OK)
}
