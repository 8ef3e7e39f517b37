//! Reports a sync's progress to ChartHop with `updateProcess`, for the "Sync now" progress bar.
//!
//! The pipeline calls [`Progress`] synchronously; updates go through a channel to one task that
//! PATCHes them in order. Progress only rises: each stage has a band of the 0..1 range, the
//! import's own progress is folded into its band, and a value below the last one sent is raised
//! to it.

use std::sync::Mutex;

use tokio::sync::mpsc;

use crate::charthop::Client;
use crate::progress::{ImportStart, Progress, Stage};

/// One PATCH to send.
#[derive(Debug, Clone, PartialEq)]
pub struct Update {
    pub progress: f64,
    pub message: String,
}

/// A [`Progress`] that becomes `updateProcess` calls.
pub struct ProcessReporter {
    tx: mpsc::UnboundedSender<Update>,
    last: Mutex<f64>,
}

impl ProcessReporter {
    /// A reporter and the task that sends its updates for process `id`; the task ends when the
    /// reporter is dropped, after sending everything queued.
    pub fn start(client: Client, id: String) -> (ProcessReporter, tokio::task::JoinHandle<()>) {
        let (tx, mut rx) = mpsc::unbounded_channel::<Update>();
        let task = tokio::spawn(async move {
            while let Some(u) = rx.recv().await {
                let body = serde_json::json!({
                    "status": "RUNNING",
                    "progress": u.progress,
                    "message": u.message,
                });
                if let Err(e) = client.update_process(&id, &body).await {
                    tracing::warn!(process = %id, error = %e, "could not report progress to ChartHop");
                }
            }
        });
        (
            ProcessReporter {
                tx,
                last: Mutex::new(0.0),
            },
            task,
        )
    }

    /// Queues an update, never below the last progress sent.
    pub fn send(&self, progress: f64, message: impl Into<String>) {
        let mut last = self.last.lock().unwrap_or_else(|e| e.into_inner());
        let p = progress.clamp(*last, 1.0);
        *last = p;
        let _ = self.tx.send(Update {
            progress: p,
            message: message.into(),
        });
    }

    fn last(&self) -> f64 {
        *self.last.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The band of the progress range each stage starts at.
fn stage_start(stage: Stage) -> f64 {
    match stage {
        Stage::Reading => 0.02,
        Stage::Mapping => 0.05,
        Stage::FetchingRoster => 0.10,
        Stage::FetchingFormer => 0.35,
        Stage::Diffing => 0.40,
        Stage::Writing => 0.45,
        Stage::Importing => 0.50,
        Stage::Verifying => 0.92,
    }
}

/// The import band of a change file, in upload order: email changes, new hires, updates,
/// departures.
fn import_band(file: &str) -> (f64, f64) {
    if file.starts_with("email_changes") {
        (0.50, 0.55)
    } else if file.starts_with("new_hires") {
        (0.55, 0.70)
    } else if file.starts_with("updates") {
        (0.70, 0.85)
    } else {
        (0.85, 0.90)
    }
}

impl Progress for ProcessReporter {
    fn stage(&self, stage: Stage) {
        let label = stage.label();
        let mut chars = label.chars();
        let message = match chars.next() {
            Some(c) => c.to_uppercase().collect::<String>() + chars.as_str(),
            None => String::new(),
        };
        self.send(stage_start(stage), message);
    }

    fn roster_page(&self, rows: usize) {
        let next = (self.last() + 0.02).min(0.38);
        self.send(next, format!("Fetching the ChartHop roster: {rows} people"));
    }

    fn import_started(&self, import: &ImportStart<'_>) {
        let file = import.file;
        let rows = if import.rows == 1 { "row" } else { "rows" };
        self.send(
            import_band(file).0,
            format!(
                "Importing {file} (phase {} of {}, {} {rows})",
                import.phase, import.phases, import.rows
            ),
        );
    }

    fn import_progress(&self, file: &str, fraction: f64, message: Option<&str>) {
        let (lo, hi) = import_band(file);
        let p = lo + (hi - lo) * fraction.clamp(0.0, 1.0);
        let text = match message {
            Some(m) if !m.is_empty() => format!("Importing {file}: {m}"),
            _ => format!("Importing {file}"),
        };
        self.send(p, text);
    }

    fn import_finished(&self, file: &str, status: &str) {
        self.send(import_band(file).1, format!("Imported {file}: {status}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn progress_only_rises() {
        let (tx, mut rx) = mpsc::unbounded_channel();
        let r = ProcessReporter {
            tx,
            last: Mutex::new(0.0),
        };
        r.stage(Stage::Importing);
        r.import_progress("updates.csv", 0.5, Some("half"));
        r.stage(Stage::Reading);
        // An earlier phase's progress never moves the bar back.
        r.import_progress("new_hires.csv", 1.0, None);
        r.import_progress("departures.csv", 1.0, None);
        drop(r);
        let mut seen = vec![];
        while let Some(u) = rx.recv().await {
            seen.push(u.progress);
        }
        let expected = [0.5, 0.775, 0.775, 0.775, 0.9];
        assert_eq!(seen.len(), expected.len(), "{seen:?}");
        for (s, e) in seen.iter().zip(expected) {
            assert!((s - e).abs() < 1e-9, "{seen:?}");
        }
    }
}
