//! The run ledger: `runs.jsonl`, one JSON line appended per `apply`/`sync`, never rewritten.

use std::io::Write;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::diff::Summary;

/// One run's record.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    pub time: String,
    pub command: String,
    pub plan_dir: String,
    pub input_sha256: String,
    pub plan_sha256: String,
    /// Who approved a tripped guard (the user running the command), if one was approved.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub approved_by: Option<String>,
    pub process_ids: Vec<String>,
    /// `applied`, `nothing to do`, `refused: ...`, `failed: ...`, `partial: ...`.
    pub outcome: String,
    pub exit_code: u8,
    pub summary: Summary,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verified: Option<bool>,
    /// The rows ChartHop refused (payroll row and ChartHop's reason).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub refused: Vec<Refused>,
}

/// A row ChartHop refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refused {
    /// The change file.
    pub file: String,
    /// The payroll row, when ChartHop's answer could be traced back to one.
    pub row: Option<usize>,
    /// The row's work email in the change file (how the next plan finds the person again).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub work_email: String,
    pub reason: String,
}

/// What the next plan needs of the last run: when it ran and what ChartHop refused.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct LastRun {
    #[serde(default)]
    pub time: String,
    #[serde(default)]
    pub plan_dir: String,
    #[serde(default)]
    pub refused: Vec<Refused>,
}

/// The last run the ledger in `dir` records (`None` without a ledger or a readable line).
pub fn last_run(dir: &Path) -> Option<LastRun> {
    let text = std::fs::read_to_string(dir.join("runs.jsonl")).ok()?;
    text.lines()
        .rev()
        .find_map(|l| serde_json::from_str::<LastRun>(l).ok())
}

/// The plan directories the ledger in `dir` names, oldest first (unreadable lines skipped).
pub fn plan_dirs(dir: &Path) -> Vec<std::path::PathBuf> {
    let Ok(text) = std::fs::read_to_string(dir.join("runs.jsonl")) else {
        return Vec::new();
    };
    text.lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v.get("plan_dir")?.as_str().map(std::path::PathBuf::from))
        .collect()
}

/// Appends an entry to `dir/runs.jsonl` (created 0600). Failures are logged, not fatal: the
/// ledger must never turn a good run into a failed one.
pub fn append(dir: &Path, entry: &Entry) {
    let path = dir.join("runs.jsonl");
    let result = (|| -> std::io::Result<()> {
        crate::fsutil::create_private_dir(dir)?;
        let mut options = std::fs::OpenOptions::new();
        options.append(true).create(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut file = options.open(&path)?;
        let mut line = serde_json::to_vec(entry).map_err(std::io::Error::other)?;
        line.push(b'\n');
        file.write_all(&line)?;
        file.sync_data()
    })();
    if let Err(e) = result {
        tracing::warn!(path = %path.display(), error = %e, "could not append to the run ledger");
    }
}
