//! Stage 6, import: upload the plan's change files with `importDataCsv` and follow each
//! process to its end, exactly once.
//!
//! Updates go first with `upsert=false`, then new hires alone with `upsert=true`. Before each
//! upload the intent is recorded in `apply.json`, and the process id right after, so the record
//! always says what was sent. Each upload carries a tag unique to its plan and file (as
//! `importSource`), so after an ambiguous failure (the connection lost while uploading) the
//! process it may have created is found with `findProcesses` and adopted instead of uploading
//! twice. A run that died while polling resumes that process on the next run.

mod outcome;
mod record;

use std::time::{Duration, Instant};

use crate::charthop::wire::{Process, ProcessStatus};
use crate::charthop::{ApiError, Client, ImportFlags};
use crate::failure::Failure;
use crate::plan::{ChangeFileRef, LoadedPlan, PlanError};
use crate::progress::Progress;
use crate::settings::ImportSettings;

pub use outcome::RowOutcome;
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
    #[error(
        "ChartHop's import of `{file}` (process {process_id}) finished with errors on {count} row(s): {rows}"
    )]
    RowErrors {
        file: String,
        process_id: String,
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
}

impl ImportError {
    /// What kind of failure this is (the exit code is chosen at the top).
    pub fn failure(&self) -> Failure {
        match self {
            ImportError::Api(e) => e.failure(),
            ImportError::Plan(e) => e.failure(),
            ImportError::Failed { .. } => Failure::Internal,
            ImportError::RowErrors { .. } => Failure::Partial,
            ImportError::Deadline { .. } => Failure::Temporary,
        }
    }

    pub fn hint(&self) -> Option<String> {
        match self {
            ImportError::Api(e) => e.hint(),
            ImportError::Plan(e) => e.hint(),
            ImportError::Failed { .. } => Some("read ChartHop's message, fix the cause, and make a new plan".into()),
            ImportError::RowErrors { .. } => Some("the other rows were applied; see outcomes.json in the plan directory, fix those rows, and make a new plan".into()),
            ImportError::Deadline { .. } => Some("the process id is saved in apply.json; the next `apply` (or `sync`) follows it instead of uploading again".into()),
        }
    }
}

/// How to import.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// `createGroups` for the new-hire file.
    pub create_groups: bool,
    /// ChartHop user ids to notify when each import ends.
    pub notify_user_ids: Vec<String>,
}

/// Uploads the plan's non-empty change files in order and waits for each import to end,
/// resuming or adopting what an interrupted run left.
///
/// Refuses a plan whose `apply.json` says it was applied ([`PlanError::AlreadyApplied`]).
/// Stops at the first import that does not end `DONE`.
pub async fn apply(
    client: &Client,
    plan: &LoadedPlan,
    settings: &ImportSettings,
    options: &ImportOptions,
    progress: &dyn Progress,
) -> Result<ApplyRecord, ImportError> {
    check_not_applied(plan)?;
    let mut record = match load_record(&plan.dir)? {
        Some(r) => {
            tracing::info!("resuming an apply that did not finish");
            r
        }
        None => ApplyRecord::new(&plan.hash),
    };
    record.save(&plan.dir)?;
    for file in plan.doc.files.iter().filter(|f| f.rows > 0) {
        let tag = format!(
            "{}:{}:{}",
            settings.import_source,
            &plan.hash[..12.min(plan.hash.len())],
            file.name
        );
        let existing = record.uploads.iter().find(|u| u.file == file.name).cloned();
        let id = match existing {
            Some(u) if u.status == "DONE" => continue,
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
        progress.import_started(&file.name, &id);
        let end = poll(client, &file.name, &id, settings, progress).await;
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
                outcome::write(&plan.dir, &outcomes)?;
                record.finish(&plan.dir)?;
                let failed: Vec<&RowOutcome> = outcomes.iter().filter(|o| !o.ok).collect();
                return Err(ImportError::RowErrors {
                    file: file.name.clone(),
                    process_id: process.id,
                    count: failed.len(),
                    rows: failed
                        .iter()
                        .take(10)
                        .map(|o| o.to_string())
                        .collect::<Vec<_>>()
                        .join("; "),
                });
            }
            _ => {
                record.finish(&plan.dir)?;
                return Err(ImportError::Failed {
                    file: file.name.clone(),
                    process_id: process.id,
                    message: process.message.unwrap_or_else(|| "(no message)".into()),
                });
            }
        }
    }
    record.finish(&plan.dir)?;
    Ok(record)
}

/// Uploads each change file with `importDryRun=true`: ChartHop validates the rows and applies
/// nothing. Returns every row's would-be outcome (written to `dry-run.json`); `apply.json` is
/// not touched, so the plan can still be applied.
pub async fn server_dry_run(
    client: &Client,
    plan: &LoadedPlan,
    settings: &ImportSettings,
    progress: &dyn Progress,
) -> Result<Vec<RowOutcome>, ImportError> {
    let mut all = Vec::new();
    for file in plan.doc.files.iter().filter(|f| f.rows > 0) {
        let path = plan.dir.join(&file.name);
        let bytes = std::fs::read(&path).map_err(|e| PlanError::Read {
            path: path.clone(),
            message: e.to_string(),
        })?;
        let flags = ImportFlags {
            upsert: file.upsert,
            create_groups: false,
            skip_errors: true,
            dry_run: true,
            import_source: Some(format!("{}:dry-run", settings.import_source)),
            notify_app_name: None,
            notify_user_ids: Vec::new(),
        };
        let process = client.import_csv(&file.name, bytes, &flags).await?;
        progress.import_started(&file.name, &process.id);
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

/// Records the intent, uploads, and records the process id. After a transport failure (the
/// upload may or may not have reached ChartHop) it looks for the process by its tag and
/// adopts it, else uploads once more.
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
    record.uploads.retain(|u| u.file != file.name);
    record.uploads.push(UploadRecord {
        file: file.name.clone(),
        upsert: file.upsert,
        rows: file.rows,
        import_source: tag.to_string(),
        process_id: None,
        status: "UPLOADING".into(),
        message: None,
    });
    record.save(&plan.dir)?;
    let flags = ImportFlags {
        upsert: file.upsert,
        create_groups: file.upsert && options.create_groups,
        skip_errors: settings.skip_errors,
        dry_run: false,
        import_source: Some(tag.to_string()),
        notify_app_name: settings.notify_app_name.clone(),
        notify_user_ids: options.notify_user_ids.clone(),
    };
    tracing::info!(file = %file.name, rows = file.rows, upsert = file.upsert, "uploading");
    let process = match client.import_csv(&file.name, bytes.clone(), &flags).await {
        Ok(p) => p,
        // The upload may or may not have reached ChartHop: look before sending it again.
        Err(ApiError::Unavailable { last, .. } | ApiError::UploadUnknown { reason: last, .. }) => {
            tracing::warn!(file = %file.name, reason = %last, "the upload's outcome is unknown; looking for its process");
            match adopt(client, tag).await? {
                Some(p) => p,
                None => {
                    tracing::info!(file = %file.name, "ChartHop has no process for it: uploading once more");
                    client.import_csv(&file.name, bytes, &flags).await?
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

/// The process an upload with this tag created, if ChartHop has one.
async fn adopt(client: &Client, tag: &str) -> Result<Option<Process>, ImportError> {
    let found = client.find_processes(tag).await?;
    Ok(found.into_iter().find(|p| {
        p.options
            .as_ref()
            .and_then(|o| o.get("importSource"))
            .and_then(|v| v.as_str())
            == Some(tag)
    }))
}

/// Polls a process until it ends or the deadline passes, with a heartbeat log line every five
/// minutes (the progress bar is hidden when stderr is not a terminal).
async fn poll(
    client: &Client,
    file: &str,
    id: &str,
    settings: &ImportSettings,
    progress: &dyn Progress,
) -> Result<Process, ImportError> {
    let started = Instant::now();
    let mut last_heartbeat = Instant::now();
    loop {
        let process = client.get_process(id).await?;
        progress.import_progress(
            file,
            normalize_progress(process.progress),
            process.message.as_deref(),
        );
        if process.status.is_terminal() {
            return Ok(process);
        }
        if last_heartbeat.elapsed() >= Duration::from_secs(300) {
            tracing::info!(
                file,
                process = id,
                status = process.status.as_str(),
                "import still running"
            );
            last_heartbeat = Instant::now();
        }
        if started.elapsed() >= settings.deadline {
            return Err(ImportError::Deadline {
                file: file.to_string(),
                process_id: id.to_string(),
                waited: started.elapsed().as_secs(),
            });
        }
        tokio::time::sleep(settings.poll_interval).await;
    }
}

/// ChartHop's `progress` as a fraction: values above 1 are read as percent.
fn normalize_progress(p: Option<f64>) -> f64 {
    match p {
        Some(v) if v > 1.0 => (v / 100.0).clamp(0.0, 1.0),
        Some(v) if v.is_finite() => v.max(0.0),
        _ => 0.0,
    }
}
