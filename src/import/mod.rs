//! Stage 6, import: upload the plan's change files with `importDataCsv` and follow each
//! process to its end, exactly once.
//!
//! The files are uploaded in the plan's order, one phase each: email changes, new hires and
//! rehires (alone with `upsert=true`, and `createGroups` when the mapping allows), updates,
//! departures. A phase whose import ends with refused rows (`DONE_WITH_ERRORS`), or fails as a
//! whole (`ERROR`), never stops the phases after it: every phase runs, and every refused row is
//! reported with its payroll row and ChartHop's reason; only an import still running at the
//! deadline stops the run (the next one follows it). Every upload carries the plan's as-of date
//! as `defaultChangeDate`, so no change is dated by the day it happens to be imported. Before each
//! upload the intent is recorded in `apply.json`, and the process id right after, so the record
//! always says what was sent. Each upload carries a tag unique to its plan and file (as
//! `importSource`), so after an ambiguous failure (the connection lost while uploading) the
//! process it may have created is found with `findProcesses` and adopted instead of uploading
//! twice. A run that died while polling resumes that process on the next run.

mod flags;
mod outcome;
mod process;
mod record;

use crate::charthop::wire::ProcessStatus;
use crate::charthop::{ApiError, Client};
use crate::failure::Failure;
use crate::plan::{ChangeFileRef, LoadedPlan, PlanError};
use crate::progress::{ImportStart, Progress};
use crate::settings::ImportSettings;

pub use flags::flags;
use flags::tag;
pub use outcome::RowOutcome;
use process::{adopt, adopt_within, poll};
pub use record::{ApplyRecord, UploadRecord, check_not_applied, load_record};

/// Why the imports did not all end well.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error(transparent)]
    Api(#[from] ApiError),
    #[error(transparent)]
    Plan(#[from] PlanError),
    #[error("ChartHop's import of `{file}` (process {process_id}) failed: {message}")]
    Failed {
        file: String,
        process_id: String,
        message: String,
    },
    #[error("ChartHop refused {count} row(s): {rows}")]
    RowErrors {
        /// The first file with a refused row.
        file: String,
        count: usize,
        rows: String,
    },
    #[error(
        "ChartHop's import of `{file}` (process {process_id}) was still running after {waited}s"
    )]
    Deadline {
        file: String,
        process_id: String,
        waited: u64,
    },
    /// The upload may have reached ChartHop, and no process with its tag showed up: sending it
    /// again could import it twice, so this run stops and the next one looks again.
    #[error(
        "the upload of `{file}` may or may not have reached ChartHop ({reason}), and no import with its tag `{tag}` appeared; it was not sent again"
    )]
    UploadUnknown {
        file: String,
        tag: String,
        reason: String,
    },
}

impl ImportError {
    /// What kind of failure this is (the exit code is chosen at the top).
    pub fn failure(&self) -> Failure {
        match self {
            ImportError::Api(e) => e.failure(),
            ImportError::Plan(e) => e.failure(),
            ImportError::Failed { .. } => Failure::Internal,
            ImportError::RowErrors { .. } => Failure::Partial,
            ImportError::Deadline { .. } | ImportError::UploadUnknown { .. } => Failure::Temporary,
        }
    }

    pub fn hint(&self) -> Option<String> {
        match self {
            ImportError::Api(e) => e.hint(),
            ImportError::Plan(e) => e.hint(),
            ImportError::Failed { .. } => Some("read ChartHop's message, fix the cause, and make a new plan".into()),
            ImportError::RowErrors { .. } => Some("the other rows were applied; see outcomes.json in the plan directory, fix those rows, and make a new plan".into()),
            ImportError::Deadline { .. } => Some("the process id is saved in apply.json; the next `apply` (or `sync`) follows it instead of uploading again".into()),
            ImportError::UploadUnknown { .. } => Some("run again later: the next `apply` (or `sync`) looks for the import by its tag first, and uploads only if ChartHop never received it".into()),
        }
    }
}

/// How to import.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// ChartHop user ids to notify when each import ends.
    pub notify_user_ids: Vec<String>,
}

/// What the imports did.
#[derive(Debug, Clone, Default)]
pub struct Imported {
    pub record: ApplyRecord,
    /// The rows ChartHop refused, in every phase (also in `outcomes.json`).
    pub refused: Vec<RowOutcome>,
    /// Files whose whole import failed: the file, the process and ChartHop's message.
    pub failed: Vec<(String, String, String)>,
}

impl Imported {
    /// The error the run ends with when not everything landed: a failed file first (exit 1),
    /// then refused rows (exit 5).
    pub fn problem(&self) -> Option<ImportError> {
        if let Some((file, process_id, message)) = self.failed.first() {
            return Some(ImportError::Failed {
                file: file.clone(),
                process_id: process_id.clone(),
                message: message.clone(),
            });
        }
        let first = self.refused.first()?;
        Some(ImportError::RowErrors {
            file: first.file.clone(),
            count: self.refused.len(),
            rows: self
                .refused
                .iter()
                .take(10)
                .map(|o| format!("{}: {o}", o.file))
                .collect::<Vec<_>>()
                .join("; "),
        })
    }
}

/// True for an upload record whose import ended (the statuses a process ends with; the record
/// also holds `UPLOADING`, `RUNNING` and `UNKNOWN` for uploads still to follow).
fn ended(status: &str) -> bool {
    matches!(status, "DONE" | "DONE_WITH_ERRORS" | "ERROR" | LOST)
}

/// The record status of an upload whose process ChartHop no longer knows (and no other process
/// with its tag exists): not followed again; verification tells which of its rows landed, and
/// the next plan carries the others.
const LOST: &str = "LOST";

/// Uploads the plan's non-empty change files in order, one phase each, and waits for each
/// import to end, resuming or adopting what an interrupted run left.
///
/// Refuses a plan whose `apply.json` says it was applied ([`PlanError::AlreadyApplied`]).
/// Every phase runs whatever the phases before it ended with; refused rows and failed files
/// are in the [`Imported`] answer. Fails with [`ImportError::Deadline`] (the process id saved
/// for the next run) when an import is still running at the deadline, and with ChartHop's or
/// the plan directory's errors.
pub async fn apply(
    client: &Client,
    plan: &LoadedPlan,
    settings: &ImportSettings,
    options: &ImportOptions,
    progress: &dyn Progress,
) -> Result<Imported, ImportError> {
    check_not_applied(plan)?;
    let mut record = match load_record(&plan.dir)? {
        Some(r) => {
            tracing::info!("resuming an apply that did not finish");
            r
        }
        None => ApplyRecord::new(&plan.hash),
    };
    record.save(&plan.dir)?;
    let mut refused: Vec<RowOutcome> = outcome::read(&plan.dir);
    let mut failed = Vec::new();
    let phases = plan.doc.files.iter().filter(|f| f.rows > 0).count();
    for (phase, file) in plan.doc.files.iter().filter(|f| f.rows > 0).enumerate() {
        let tag = tag(settings, plan, &file.name);
        let existing = record.uploads.iter().find(|u| u.file == file.name).cloned();
        let recorded = matches!(&existing, Some(u) if u.process_id.is_some() && !ended(&u.status));
        let id = match existing {
            // Ended in an earlier run (its refused rows are in outcomes.json already).
            Some(u) if ended(&u.status) => {
                if u.status == ProcessStatus::Error.as_str() {
                    failed.push((
                        file.name.clone(),
                        u.process_id.clone().unwrap_or_default(),
                        u.message.clone().unwrap_or_else(|| "(no message)".into()),
                    ));
                }
                continue;
            }
            Some(UploadRecord {
                process_id: Some(id),
                ..
            }) => {
                tracing::info!(file = %file.name, process = %id, "following the process an earlier run started");
                id
            }
            Some(_) => match adopt(client, &tag).await? {
                Some(p) => {
                    tracing::info!(file = %file.name, process = %p.id, "adopted the process an interrupted upload created");
                    record.set(&file.name, |u| u.process_id = Some(p.id.clone()));
                    record.save(&plan.dir)?;
                    p.id
                }
                None => upload(client, plan, file, &tag, settings, options, &mut record).await?,
            },
            None => upload(client, plan, file, &tag, settings, options, &mut record).await?,
        };
        progress.import_started(&ImportStart {
            file: &file.name,
            process_id: &id,
            rows: file.rows,
            phase: phase + 1,
            phases,
        });
        let mut end = poll(client, &file.name, &id, settings, progress).await;
        // A process an earlier run recorded that ChartHop no longer knows (it lost it, e.g. in
        // a restart): another process with the upload's tag is followed instead; with none,
        // the upload is lost, never sent again blindly.
        if recorded
            && matches!(
                &end,
                Err(ImportError::Api(ApiError::Status { status: 404, .. }))
            )
        {
            match adopt(client, &tag).await? {
                Some(p) if p.id != id => {
                    tracing::warn!(file = %file.name, lost = %id, process = %p.id, "ChartHop no longer knows the recorded process; following the one with the upload's tag");
                    record.set(&file.name, |u| u.process_id = Some(p.id.clone()));
                    record.save(&plan.dir)?;
                    end = poll(client, &file.name, &p.id, settings, progress).await;
                }
                _ => {
                    let message = format!(
                        "ChartHop no longer knows process {id} of `{}`, and has no other import with its tag: its rows are checked against the roster, and those that did not land come back in the next plan",
                        file.name
                    );
                    tracing::warn!(file = %file.name, process = %id, "{message}");
                    record.set(&file.name, |u| {
                        u.status = LOST.into();
                        u.message = Some(message.clone());
                    });
                    record.save(&plan.dir)?;
                    continue;
                }
            }
        }
        let status = match &end {
            Ok(p) => p.status.as_str().to_string(),
            Err(ImportError::Deadline { .. }) => "RUNNING".to_string(),
            Err(_) => "UNKNOWN".to_string(),
        };
        record.set(&file.name, |u| {
            u.status = status.clone();
            if let Ok(p) = &end {
                u.message = p.message.clone();
            }
        });
        record.save(&plan.dir)?;
        let process = end?;
        progress.import_finished(&file.name, process.status.as_str());
        match process.status {
            ProcessStatus::Done => {}
            ProcessStatus::DoneWithErrors => {
                let outcomes = outcome::collect(client, plan, file, &process.id).await?;
                refused.extend(outcomes.into_iter().filter(|o| !o.ok));
                outcome::write(&plan.dir, &refused)?;
            }
            _ => failed.push((
                file.name.clone(),
                process.id,
                process.message.unwrap_or_else(|| "(no message)".into()),
            )),
        }
    }
    record.finish(&plan.dir)?;
    Ok(Imported {
        record,
        refused,
        failed,
    })
}

/// Uploads each change file with `importDryRun=true`, with exactly the flags the real import
/// sends: ChartHop validates the rows and applies nothing. Returns every row's would-be
/// outcome (written to `dry-run.json`); `apply.json` is not touched, so the plan can still be
/// applied.
pub async fn server_dry_run(
    client: &Client,
    plan: &LoadedPlan,
    settings: &ImportSettings,
    options: &ImportOptions,
    progress: &dyn Progress,
) -> Result<Vec<RowOutcome>, ImportError> {
    let mut all = Vec::new();
    let phases = plan.doc.files.iter().filter(|f| f.rows > 0).count();
    for (phase, file) in plan.doc.files.iter().filter(|f| f.rows > 0).enumerate() {
        let path = plan.dir.join(&file.name);
        let bytes = std::fs::read(&path).map_err(|e| PlanError::Read {
            path: path.clone(),
            message: e.to_string(),
        })?;
        let tag = format!("{}:dry-run", tag(settings, plan, &file.name));
        let flags = flags(plan, file, settings, options, &tag, true);
        let process = client.import_csv(&file.name, bytes, &flags).await?;
        progress.import_started(&ImportStart {
            file: &file.name,
            process_id: &process.id,
            rows: file.rows,
            phase: phase + 1,
            phases,
        });
        let end = poll(client, &file.name, &process.id, settings, progress).await?;
        progress.import_finished(&file.name, end.status.as_str());
        if end.status == ProcessStatus::Error {
            return Err(ImportError::Failed {
                file: file.name.clone(),
                process_id: end.id,
                message: end.message.unwrap_or_else(|| "(no message)".into()),
            });
        }
        all.extend(outcome::collect(client, plan, file, &end.id).await?);
    }
    crate::plan::write_json(&plan.dir.join("dry-run.json"), &all)?;
    Ok(all)
}

/// Records the intent, uploads, and records the process id. When the connection never
/// opened (nothing was sent) it looks for the import by its tag, then sends it; when the body
/// may have reached ChartHop it looks for the process by its tag over a short window and
/// adopts it, and otherwise stops with [`ImportError::UploadUnknown`]: never twice in a run.
async fn upload(
    client: &Client,
    plan: &LoadedPlan,
    file: &ChangeFileRef,
    tag: &str,
    settings: &ImportSettings,
    options: &ImportOptions,
    record: &mut ApplyRecord,
) -> Result<String, ImportError> {
    let path = plan.dir.join(&file.name);
    let bytes = std::fs::read(&path).map_err(|e| PlanError::Read {
        path: path.clone(),
        message: e.to_string(),
    })?;
    let flags = flags(plan, file, settings, options, tag, false);
    record.uploads.retain(|u| u.file != file.name);
    record.uploads.push(UploadRecord {
        file: file.name.clone(),
        upsert: file.upsert,
        rows: file.rows,
        update_types: flags.update_types.clone(),
        disable_sync_hire_date: flags.disable_sync_hire_date,
        import_source: tag.to_string(),
        process_id: None,
        status: "UPLOADING".into(),
        message: None,
    });
    record.save(&plan.dir)?;
    tracing::info!(file = %file.name, rows = file.rows, upsert = file.upsert, "uploading");
    let process = match client.import_csv(&file.name, bytes.clone(), &flags).await {
        Ok(p) => p,
        // Nothing was sent (the connection never opened): sending it now is the first time.
        Err(ApiError::Unavailable { last, .. }) => {
            tracing::warn!(file = %file.name, reason = %last, "ChartHop could not be reached; looking for the import before sending it");
            match adopt(client, tag).await? {
                Some(p) => p,
                None => client.import_csv(&file.name, bytes, &flags).await?,
            }
        }
        // The body may have reached ChartHop: never sent twice in one run. Look for its
        // process over a short window; if none shows up, the next run decides.
        Err(ApiError::UploadUnknown { reason, .. }) => {
            tracing::warn!(file = %file.name, %reason, "the upload's outcome is unknown; looking for its process");
            match adopt_within(client, tag, settings.poll_interval).await? {
                Some(p) => p,
                None => {
                    record.set(&file.name, |u| u.status = "UNKNOWN".into());
                    record.save(&plan.dir)?;
                    return Err(ImportError::UploadUnknown {
                        file: file.name.clone(),
                        tag: tag.to_string(),
                        reason,
                    });
                }
            }
        }
        Err(e) => return Err(e.into()),
    };
    record.set(&file.name, |u| {
        u.process_id = Some(process.id.clone());
        u.status = process.status.as_str().to_string();
    });
    record.save(&plan.dir)?;
    Ok(process.id)
}
