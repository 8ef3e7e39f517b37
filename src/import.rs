//! Stage 6, import: upload the plan's change files with `importDataCsv` and follow each
//! process to its end.
//!
//! Updates go first with `upsert=false`, then new hires alone with `upsert=true`. Before each
//! upload the intent is recorded in `apply.json`, and the process id right after, so the record
//! always says what was sent.

use std::path::Path;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::charthop::wire::ProcessStatus;
use crate::charthop::{ApiError, Client, ImportFlags};
use crate::fsutil::write_atomic;
use crate::plan::{APPLY_FILE, LoadedPlan, PlanError};
use crate::progress::Progress;
use crate::settings::ImportSettings;

/// `apply.json`: what `apply` did with a plan.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ApplyRecord {
    /// The hash of the plan applied.
    pub plan_sha256: String,
    pub started_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub finished_at: Option<String>,
    pub uploads: Vec<UploadRecord>,
}

/// One upload and its process.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UploadRecord {
    pub file: String,
    pub upsert: bool,
    pub rows: usize,
    /// Set once ChartHop accepted the upload.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub process_id: Option<String>,
    /// The process's last known status.
    pub status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

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
        "ChartHop's import of `{file}` (process {process_id}) finished with row errors: {message}"
    )]
    RowErrors {
        file: String,
        process_id: String,
        message: String,
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
    pub fn exit_code(&self) -> u8 {
        match self {
            ImportError::Api(e) => e.exit_code(),
            ImportError::Plan(e) => e.exit_code(),
            ImportError::Failed { .. } => 1,
            ImportError::RowErrors { .. } => 5,
            ImportError::Deadline { .. } => 75,
        }
    }

    pub fn hint(&self) -> Option<String> {
        match self {
            ImportError::Api(e) => e.hint(),
            ImportError::Plan(e) => e.hint(),
            ImportError::Failed { .. } => Some(
                "nothing from this file was applied; read ChartHop's message, fix, and plan again"
                    .into(),
            ),
            ImportError::RowErrors { .. } => {
                Some("see apply.json in the plan directory and ChartHop's import history".into())
            }
            ImportError::Deadline { .. } => Some(
                "the process id is saved in apply.json; check it in ChartHop before planning again"
                    .into(),
            ),
        }
    }
}

/// Uploads the plan's non-empty change files in order and waits for each import to end.
///
/// Refuses a plan that already has an `apply.json` ([`PlanError::AlreadyApplied`]). Stops at the
/// first import that does not end `DONE`.
pub async fn apply(
    client: &Client,
    plan: &LoadedPlan,
    settings: &ImportSettings,
    progress: &dyn Progress,
) -> Result<ApplyRecord, ImportError> {
    check_not_applied(plan)?;
    let record_path = plan.dir.join(APPLY_FILE);
    let mut record = ApplyRecord {
        plan_sha256: plan.hash.clone(),
        started_at: now(),
        finished_at: None,
        uploads: Vec::new(),
    };
    save(&record_path, &record)?;
    for file in plan.doc.files.iter().filter(|f| f.rows > 0) {
        let bytes = std::fs::read(plan.dir.join(&file.name)).map_err(|e| PlanError::Read {
            path: plan.dir.join(&file.name),
            message: e.to_string(),
        })?;
        record.uploads.push(UploadRecord {
            file: file.name.clone(),
            upsert: file.upsert,
            rows: file.rows,
            process_id: None,
            status: "UPLOADING".into(),
            message: None,
        });
        save(&record_path, &record)?;
        let flags = ImportFlags {
            upsert: file.upsert,
            create_groups: false,
            skip_errors: false,
            dry_run: false,
            import_source: Some(settings.import_source.clone()),
            notify_app_name: settings.notify_app_name.clone(),
        };
        tracing::info!(file = %file.name, rows = file.rows, upsert = file.upsert, "uploading");
        let process = client.import_csv(&file.name, bytes, &flags).await?;
        progress.import_started(&file.name, &process.id);
        if let Some(u) = record.uploads.last_mut() {
            u.process_id = Some(process.id.clone());
            u.status = process.status.as_str().to_string();
        }
        save(&record_path, &record)?;
        let end = poll(client, &file.name, &process.id, settings, progress).await;
        let (status, message) = match &end {
            Ok(p) => (p.status.as_str().to_string(), p.message.clone()),
            Err(ImportError::Deadline { .. }) => ("RUNNING".to_string(), None),
            Err(e) => ("UNKNOWN".to_string(), Some(e.to_string())),
        };
        if let Some(u) = record.uploads.last_mut() {
            u.status = status;
            u.message = message.clone();
        }
        save(&record_path, &record)?;
        let process = end?;
        progress.import_finished(&file.name, process.status.as_str());
        let message = message.unwrap_or_else(|| "(no message)".into());
        match process.status {
            ProcessStatus::Done => {}
            ProcessStatus::DoneWithErrors => {
                return Err(ImportError::RowErrors {
                    file: file.name.clone(),
                    process_id: process.id,
                    message,
                });
            }
            _ => {
                return Err(ImportError::Failed {
                    file: file.name.clone(),
                    process_id: process.id,
                    message,
                });
            }
        }
    }
    record.finished_at = Some(now());
    save(&record_path, &record)?;
    Ok(record)
}

/// Fails with [`PlanError::AlreadyApplied`] when the plan directory records an earlier apply.
pub fn check_not_applied(plan: &LoadedPlan) -> Result<(), PlanError> {
    match std::fs::read(plan.dir.join(APPLY_FILE)) {
        Ok(bytes) => {
            let when = serde_json::from_slice::<ApplyRecord>(&bytes)
                .map(|r| format!("started {}", r.started_at))
                .unwrap_or_else(|_| "apply.json exists".into());
            Err(PlanError::AlreadyApplied {
                dir: plan.dir.clone(),
                when,
            })
        }
        Err(_) => Ok(()),
    }
}

/// Polls a process until it ends or the deadline passes.
async fn poll(
    client: &Client,
    file: &str,
    id: &str,
    settings: &ImportSettings,
    progress: &dyn Progress,
) -> Result<crate::charthop::wire::Process, ImportError> {
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

fn save(path: &Path, record: &ApplyRecord) -> Result<(), PlanError> {
    let json = serde_json::to_vec_pretty(record).map_err(|e| PlanError::Write {
        path: path.to_path_buf(),
        source: std::io::Error::other(e.to_string()),
    })?;
    write_atomic(path, &json).map_err(|source| PlanError::Write {
        path: path.to_path_buf(),
        source,
    })
}

fn now() -> String {
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}
