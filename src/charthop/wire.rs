//! ChartHop's JSON shapes as the client reads them. Every field is optional and unknown fields
//! are kept, because the published description and the live API are known to differ.

use serde::Deserialize;

/// One `findJobs` row: field code (as requested) -> value.
pub type Row = serde_json::Map<String, serde_json::Value>;

/// One page of `findJobs`: rows of field code -> value, and the cursor of the next page.
#[derive(Debug, Deserialize)]
pub struct JobsPage {
    #[serde(default)]
    pub data: Vec<Row>,
    #[serde(default)]
    pub next: Option<String>,
}

/// A process's status. ChartHop documents PENDING, RUNNING, DONE and ERROR; the UI also shows
/// "complete with errors", so any other value is kept as `Other`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProcessStatus {
    Pending,
    Running,
    Done,
    DoneWithErrors,
    Error,
    Other(String),
}

impl ProcessStatus {
    /// True when the process will not change any more.
    pub fn is_terminal(&self) -> bool {
        !matches!(self, ProcessStatus::Pending | ProcessStatus::Running)
    }

    pub fn as_str(&self) -> &str {
        match self {
            ProcessStatus::Pending => "PENDING",
            ProcessStatus::Running => "RUNNING",
            ProcessStatus::Done => "DONE",
            ProcessStatus::DoneWithErrors => "DONE_WITH_ERRORS",
            ProcessStatus::Error => "ERROR",
            ProcessStatus::Other(s) => s,
        }
    }
}

impl<'de> Deserialize<'de> for ProcessStatus {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Ok(match s.to_ascii_uppercase().as_str() {
            "PENDING" => ProcessStatus::Pending,
            "RUNNING" => ProcessStatus::Running,
            "DONE" => ProcessStatus::Done,
            "DONE_WITH_ERRORS" => ProcessStatus::DoneWithErrors,
            "ERROR" => ProcessStatus::Error,
            _ => ProcessStatus::Other(s),
        })
    }
}

/// A ChartHop process (an import, an app run).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Process {
    pub id: String,
    pub status: ProcessStatus,
    #[serde(default)]
    pub progress: Option<f64>,
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub summary: Option<String>,
    #[serde(default)]
    pub results: Option<serde_json::Value>,
    /// The app that owns the process, for app runs ("Sync now").
    #[serde(default)]
    pub app_id: Option<String>,
    /// The options the process was started with (for an import: its query flags).
    #[serde(default)]
    pub options: Option<serde_json::Value>,
}

/// ChartHop's error body, `{code, message}`.
#[derive(Debug, Deserialize)]
pub(super) struct ErrorBody {
    #[serde(default)]
    pub message: Option<String>,
}
