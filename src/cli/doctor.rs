//! `payroll-sync doctor`: the checks an operator runs before the first night (and support asks
//! for), one line each with the fix; `--json` for machines.

use std::path::PathBuf;

use clap::Args;

use super::output::Ui;
use crate::pipeline::Error;
use crate::pipeline::doctor::{DoctorRequest, Level, doctor, exit_code};

#[derive(Debug, Args)]
pub struct DoctorArgs {
    /// Also check this mapping: valid, and every field one the org has and can take.
    #[arg(long, value_name = "FILE")]
    pub mapping: Option<PathBuf>,
    /// Also read and map this export with the mapping (needs --mapping).
    #[arg(long, value_name = "FILE", requires = "mapping")]
    pub input: Option<PathBuf>,
    /// The sheet to read (spreadsheets).
    #[arg(long)]
    pub sheet: Option<String>,
    /// Print the findings as one JSON object on stdout.
    #[arg(long)]
    pub json: bool,
}

/// Exit 0 when nothing fails (warnings included), else the worst finding's code: 77 (token or
/// access), 78 (settings, mapping), 65 (export), 75 (ChartHop unavailable, lock held).
pub async fn run(config: Option<&std::path::Path>, args: DoctorArgs, ui: &Ui) -> Result<u8, Error> {
    let req = DoctorRequest {
        config: config.map(|p| p.to_path_buf()),
        mapping: args.mapping,
        input: args.input,
        sheet: args.sheet,
    };
    let findings = doctor(&req).await;
    let code = exit_code(&findings);
    for f in &findings {
        let mark = match f.level {
            Level::Ok => "✓",
            Level::Warn => "!",
            Level::Fail => "✗",
        };
        ui.say(&format!("{mark} {:<14} {}", f.check, f.detail));
        if let Some(fix) = &f.fix {
            ui.say(&format!("  {:<14} fix: {fix}", ""));
        }
    }
    if args.json {
        let out = serde_json::json!({ "exit": code, "findings": findings });
        println!("{out}");
    }
    Ok(code)
}
