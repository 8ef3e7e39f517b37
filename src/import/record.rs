//! `apply.json`: what `apply` did with a plan, written before and after every upload.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::plan::{APPLY_FILE, LoadedPlan, PlanError};

/// `apply.json`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ApplyRecord {
    /// The hash of the plan applied.
    pub plan_sha256: String,
    pub started_at: String,
    /// Set when the apply ended, well or not: such a plan is never applied again.
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
    /// `updateTypes` as sent (absent: ChartHop's default, every kind).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub update_types: Option<String>,
    /// `disableSyncHireDate` as sent.
    #[serde(default)]
    pub disable_sync_hire_date: bool,
    /// The tag sent as `importSource`, unique to this plan and file.
    #[serde(default)]
    pub import_source: String,
    /// Set once ChartHop accepted the upload; absent while the outcome is unknown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub process_id: Option<String>,
    /// `UPLOADING` (intent recorded), then the process's last known status.
    pub status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

impl ApplyRecord {
    pub fn new(plan_sha256: &str) -> ApplyRecord {
        ApplyRecord {
            plan_sha256: plan_sha256.to_string(),
            started_at: now(),
            finished_at: None,
            uploads: Vec::new(),
        }
    }

    /// Changes the record of `file`, if there is one.
    pub fn set(&mut self, file: &str, f: impl FnOnce(&mut UploadRecord)) {
        if let Some(u) = self.uploads.iter_mut().find(|u| u.file == file) {
            f(u);
        }
    }

    /// Writes the record atomically.
    pub fn save(&self, dir: &Path) -> Result<(), PlanError> {
        crate::plan::write_json(&dir.join(APPLY_FILE), self)
    }

    /// Marks the apply ended and writes the record.
    pub fn finish(&mut self, dir: &Path) -> Result<(), PlanError> {
        self.finished_at = Some(now());
        self.save(dir)
    }

    /// Whether an earlier run left this apply unfinished (it will be resumed).
    pub fn unfinished(&self) -> bool {
        self.finished_at.is_none()
    }
}

/// Reads `apply.json` from a plan directory, if there is one.
pub fn load_record(dir: &Path) -> Result<Option<ApplyRecord>, PlanError> {
    let path = dir.join(APPLY_FILE);
    match std::fs::read(&path) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|e| PlanError::Read {
                path,
                message: e.to_string(),
            }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(PlanError::Read {
            path,
            message: e.to_string(),
        }),
    }
}

/// Fails with [`PlanError::AlreadyApplied`] when the plan was applied (its apply finished,
/// well or not). An unfinished apply is not an error: it is resumed.
pub fn check_not_applied(plan: &LoadedPlan) -> Result<(), PlanError> {
    match load_record(&plan.dir)? {
        Some(r) if !r.unfinished() => Err(PlanError::AlreadyApplied {
            dir: plan.dir.clone(),
            when: format!(
                "started {}, ended {}",
                r.started_at,
                r.finished_at.unwrap_or_default()
            ),
        }),
        _ => Ok(()),
    }
}

fn now() -> String {
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}
