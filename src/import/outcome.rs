//! Per-row outcomes of an import that finished with errors, mapped back to payroll rows.

use std::path::Path;

use serde::Serialize;

use crate::charthop::{ApiError, Client};
use crate::diff::Category;
use crate::plan::{ChangeFileRef, LoadedPlan, PlanError};

/// What happened to one row of a change file.
#[derive(Debug, Clone, Serialize)]
pub struct RowOutcome {
    pub file: String,
    /// The payroll row, when the event could be traced back to one.
    pub payroll_row: Option<usize>,
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

/// Reads the process's events and maps each to its payroll row, by work email (or by the row
/// of the change file the event names).
pub async fn collect(
    client: &Client,
    plan: &LoadedPlan,
    file: &ChangeFileRef,
    process_id: &str,
) -> Result<Vec<RowOutcome>, ApiError> {
    let events = client.process_events(process_id).await?;
    // The change file's rows, in order, as (work email, payroll row).
    let category = if file.upsert {
        Category::NewHire
    } else {
        Category::Update
    };
    let csv = std::fs::read(plan.dir.join(&file.name)).unwrap_or_default();
    let mut emails_in_file: Vec<String> = Vec::new();
    let mut reader = csv::Reader::from_reader(csv.as_slice());
    for rec in reader.records().flatten() {
        emails_in_file.push(rec.get(0).unwrap_or("").trim().to_lowercase());
    }
    let payroll_row = |email: &str| {
        plan.doc
            .rows
            .iter()
            .filter(|r| r.category == category)
            .find(|r| {
                let e = match category {
                    Category::NewHire => r.target.get("contact.workEmail").cloned(),
                    _ => r.charthop_email.clone(),
                };
                e.is_some_and(|e| e.trim().eq_ignore_ascii_case(email))
            })
            .map(|r| r.row)
    };
    let mut out = Vec::new();
    for event in events {
        let email = event
            .entity("workEmail")
            .or_else(|| {
                let row: usize = event.entity("row")?.parse().ok()?;
                emails_in_file.get(row.checked_sub(2)?).cloned()
            })
            .unwrap_or_default()
            .to_lowercase();
        let error = event.error();
        out.push(RowOutcome {
            file: file.name.clone(),
            payroll_row: payroll_row(&email),
            work_email: email,
            ok: error.is_none(),
            error,
        });
    }
    out.sort_by_key(|o| (o.ok, o.payroll_row));
    Ok(out)
}

/// Writes `outcomes.json` in the plan directory.
pub fn write(dir: &Path, outcomes: &[RowOutcome]) -> Result<(), PlanError> {
    crate::plan::write_json(&dir.join("outcomes.json"), outcomes)
}
