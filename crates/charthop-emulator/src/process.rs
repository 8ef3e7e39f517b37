//! The Process object (`getProcess`) and its per-row events (`getProcessEvents`), as wire
//! types owned by the emulator.

use serde::Serialize;
use serde_json::Value;

/// The status names a client may send in `updateProcess` (the spec's four, plus
/// `DONE_WITH_ERRORS`, which ChartHop's process filters and UI know).
pub const STATUS_NAMES: [&str; 5] = ["PENDING", "RUNNING", "DONE", "DONE_WITH_ERRORS", "ERROR"];

/// A process status. `DONE_WITH_ERRORS` is what ChartHop's UI calls "Complete with Errors".
#[derive(Clone, Copy, Debug, Serialize, PartialEq, Eq)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Status {
    /// Accepted, not started.
    Pending,
    /// Rows are being handled.
    Running,
    /// Finished without row errors.
    Done,
    /// Finished; some rows were skipped (`skipErrors`).
    DoneWithErrors,
    /// Failed; nothing was applied.
    Error,
}

impl Status {
    /// Parses a status name ignoring case; `None` for anything else.
    pub fn parse(raw: &str) -> Option<Status> {
        Some(match raw.to_ascii_uppercase().as_str() {
            "PENDING" => Status::Pending,
            "RUNNING" => Status::Running,
            "DONE" => Status::Done,
            "DONE_WITH_ERRORS" => Status::DoneWithErrors,
            "ERROR" => Status::Error,
            _ => return None,
        })
    }

    /// The wire name, e.g. `DONE_WITH_ERRORS`.
    pub fn name(self) -> &'static str {
        match self {
            Status::Pending => "PENDING",
            Status::Running => "RUNNING",
            Status::Done => "DONE",
            Status::DoneWithErrors => "DONE_WITH_ERRORS",
            Status::Error => "ERROR",
        }
    }
}

/// Counts of an import, served as `results`.
#[derive(Clone, Copy, Debug, Default, Serialize, PartialEq, Eq)]
pub struct ImportResults {
    /// Data rows in the file.
    pub rows: usize,
    /// Rows that created a person and job.
    pub created: usize,
    /// Rows that matched an existing person.
    pub updated: usize,
    /// Rows that failed.
    pub errors: usize,
}

/// The Process object, per the process API's `Process` schema.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Process {
    /// 24-hex id.
    pub id: String,
    /// The org id.
    pub org_id: String,
    /// Human-readable label.
    pub label: String,
    /// `import` for uploads, `app` for app runs.
    #[serde(rename = "type")]
    pub kind: String,
    /// Current status.
    pub status: Status,
    /// The emulator's API user.
    pub run_user_id: String,
    /// The emulator's API user.
    pub create_id: String,
    /// ISO timestamp.
    pub create_at: String,
    /// The import flags.
    pub options: Value,
    /// Status or error message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// 0.0 to 1.0.
    pub progress: f64,
    /// Counts of an import once finished ([`ImportResults`]), or what `updateProcess` set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub results: Option<Value>,
    /// Human-readable summary, once finished.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// ISO timestamp, once running.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_at: Option<String>,
    /// ISO timestamp, once finished.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_at: Option<String>,
    /// ISO timestamp of the last change.
    pub update_at: String,
    /// The `parentProcessId` the import was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent_process_id: Option<String>,
    /// The app that owns the process (app runs).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub app_id: Option<String>,
    /// Fields `updateProcess` set that the emulator only stores (`logDataList`, `state`,
    /// `filePath`, `internalError`), served back as given.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, Value>,
}

impl Process {
    /// A new PENDING process created now, with progress 0 and nothing else set.
    pub fn pending(
        id: String,
        org_id: String,
        label: String,
        kind: &str,
        run_user_id: &str,
        options: Value,
    ) -> Process {
        let now = now_iso();
        Process {
            id,
            org_id,
            label,
            kind: kind.to_string(),
            status: Status::Pending,
            run_user_id: run_user_id.to_string(),
            create_id: run_user_id.to_string(),
            create_at: now.clone(),
            options,
            message: None,
            progress: 0.0,
            results: None,
            summary: None,
            start_at: None,
            end_at: None,
            update_at: now,
            parent_process_id: None,
            app_id: None,
            extra: serde_json::Map::new(),
        }
    }
}

/// One `updateProcess` call as received, for tests and `/_emulator/process/{id}/updates`.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ProcessUpdate {
    /// ISO timestamp of the call.
    pub at: String,
    /// The JSON body as sent.
    pub body: Value,
    /// The process's status after the call.
    pub status: &'static str,
    /// The process's progress after the call.
    pub progress: f64,
}

/// One row's account, per the `ProcessEvent` schema.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProcessEvent {
    /// 24-hex id.
    pub id: String,
    /// `HIRE` (a created or rehired person), `DEPART` (a departure row), `UPDATE` or `ERROR`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// `{"row": N, "workEmail": ..}`.
    pub entity_data: Value,
    /// `[{"type":"FIELD","payload":{"key","value"}}]` or one `ERROR` update.
    pub updates: Vec<Value>,
    /// ISO timestamp (the spec types it as a string).
    pub at: String,
}

/// The fixed user id the emulator runs processes as.
pub const EMULATOR_USER_ID: &str = "5f00000000000000000000ff";

/// The current time as an ISO timestamp with millis, e.g. `2024-01-02T03:04:05.678Z`.
pub fn now_iso() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}
