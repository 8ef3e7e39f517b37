//! Per-row outcomes of an import that finished with errors, mapped back to payroll rows.

use std::collections::HashMap;
use std::path::Path;

use serde::Serialize;

use crate::charthop::{ApiError, Client};
use crate::diff::{Category, RowChange};
use crate::plan::{
    ChangeFileRef, DEPARTURES_FILE, EMAIL_CHANGES_FILE, LoadedPlan, NEW_HIRES_FILE, PlanError,
    UPDATES_FILE,
};

/// What happened to one row of a change file.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct RowOutcome {
    pub file: String,
    /// The payroll row, when the event could be traced back to one.
    pub payroll_row: Option<usize>,
    /// The row's key in the change file: its work email (its job id in `email_changes.csv`).
    pub work_email: String,
    pub ok: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl std::fmt::Display for RowOutcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.payroll_row {
            Some(r) => write!(f, "payroll row {r} ({})", self.work_email)?,
            None => write!(f, "{}", self.work_email)?,
        }
        if let Some(e) = &self.error {
            write!(f, ": {e}")?;
        }
        Ok(())
    }
}

/// The value of a change file's first column (its row key: Work Email, or Job ID in
/// `email_changes.csv`) for a plan row that the file carries, lower-cased.
fn file_key(file: &str, r: &RowChange) -> Option<String> {
    let email = |e: Option<&String>| e.map(|e| e.trim().to_lowercase());
    match (file, r.category) {
        (EMAIL_CHANGES_FILE, Category::EmailChange) => r.job_id.as_ref().map(|j| j.to_lowercase()),
        (NEW_HIRES_FILE, Category::NewHire | Category::Rehire) => {
            email(r.target.get("contact.workEmail"))
        }
        (UPDATES_FILE, Category::Update) => email(r.charthop_email.as_ref()),
        (UPDATES_FILE, Category::EmailChange) => email(r.target.get("contact.workEmail")),
        (DEPARTURES_FILE, c) if c.is_departure() => email(r.charthop_email.as_ref()),
        _ => None,
    }
}

/// Reads the process's events and maps each to its payroll row, by the row's key (work email,
/// or job id) or by the line of the change file the event names.
pub async fn collect(
    client: &Client,
    plan: &LoadedPlan,
    file: &ChangeFileRef,
    process_id: &str,
) -> Result<Vec<RowOutcome>, ApiError> {
    let events = client.process_events(process_id).await?;
    // The change file's rows, in order, by their first column.
    let csv = std::fs::read(plan.dir.join(&file.name)).unwrap_or_default();
    let mut keys_in_file: Vec<String> = Vec::new();
    let mut reader = csv::Reader::from_reader(csv.as_slice());
    for rec in reader.records().flatten() {
        keys_in_file.push(rec.get(0).unwrap_or("").trim().to_lowercase());
    }
    let payroll_rows: HashMap<String, usize> = plan
        .doc
        .rows
        .iter()
        .filter_map(|r| file_key(&file.name, r).map(|k| (k, r.row)))
        .collect();
    let mut out = Vec::new();
    for event in events {
        let by_line = || {
            let row: usize = event.entity("row")?.parse().ok()?;
            keys_in_file.get(row.checked_sub(2)?).cloned()
        };
        // The email ChartHop names wins when it is one of this file's rows; else the line.
        let named = event.entity("workEmail").map(|e| e.trim().to_lowercase());
        let key = named
            .clone()
            .filter(|e| payroll_rows.contains_key(e))
            .or_else(|| by_line().map(|k| k.to_lowercase()))
            .or(named)
            .unwrap_or_default();
        let error = event.error();
        out.push(RowOutcome {
            file: file.name.clone(),
            payroll_row: payroll_rows.get(&key).copied(),
            work_email: key,
            ok: error.is_none(),
            error,
        });
    }
    out.sort_by_key(|o| (o.ok, o.payroll_row));
    Ok(out)
}

/// The refused rows an earlier (interrupted) run of this apply wrote to `outcomes.json`;
/// none when there is no such file.
pub fn read(dir: &Path) -> Vec<RowOutcome> {
    std::fs::read(dir.join("outcomes.json"))
        .ok()
        .and_then(|b| serde_json::from_slice::<Vec<RowOutcome>>(&b).ok())
        .map(|v| v.into_iter().filter(|o| !o.ok).collect())
        .unwrap_or_default()
}

/// Writes `outcomes.json` in the plan directory.
pub fn write(dir: &Path, outcomes: &[RowOutcome]) -> Result<(), PlanError> {
    crate::plan::write_json(&dir.join("outcomes.json"), outcomes)
}
