//! Runs "Sync now" processes one at a time, each once, reporting to ChartHop.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{mpsc, watch};

use super::reporter::ProcessReporter;
use crate::charthop::Client;
use crate::charthop::wire::ProcessStatus;
use crate::pipeline::Error;
use crate::pipeline::{self, PlanRequest};
use crate::settings::{ServeSettings, Settings};

/// Accepts process ids and runs each once, in arrival order.
#[derive(Clone)]
pub struct Queue {
    tx: mpsc::Sender<String>,
    seen: Seen,
}

/// The process ids queued or run: a redelivery of one of them is a duplicate.
pub type Seen = Arc<Mutex<HashSet<String>>>;

/// What [`Queue::offer`] did with a process.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Offer {
    Queued,
    /// Queued or run before: ignored.
    Duplicate,
    /// The queue is full: not queued and forgotten, so ChartHop's redelivery (asked for with
    /// a 503) can queue it later.
    Busy,
}

impl Queue {
    /// Queues a process unless it was queued before.
    pub fn offer(&self, id: &str) -> Offer {
        let new = lock(&self.seen).insert(id.to_string());
        if !new {
            return Offer::Duplicate;
        }
        if self.tx.try_send(id.to_string()).is_err() {
            lock(&self.seen).remove(id);
            tracing::warn!(
                process = id,
                "the sync queue is full; the process is left for ChartHop to deliver again"
            );
            return Offer::Busy;
        }
        Offer::Queued
    }
}

fn lock(seen: &Seen) -> std::sync::MutexGuard<'_, HashSet<String>> {
    seen.lock().unwrap_or_else(|e| e.into_inner())
}

/// Everything a sync run needs.
pub struct Worker {
    pub settings: Settings,
    pub serve: ServeSettings,
    pub client: Client,
    /// How long a running sync may go on after a shutdown signal.
    pub grace: Duration,
}

/// Starts the worker task; it ends when the shutdown signal fires (after finishing or failing
/// the running sync and failing the queued ones).
pub fn start(
    worker: Worker,
    shutdown: watch::Receiver<bool>,
) -> (Queue, tokio::task::JoinHandle<()>) {
    let (tx, rx) = mpsc::channel(QUEUE);
    let seen: Seen = Arc::new(Mutex::new(HashSet::new()));
    let queue = Queue {
        tx,
        seen: seen.clone(),
    };
    let task = tokio::spawn(run(worker, seen, rx, shutdown));
    (queue, task)
}

/// How many "Sync now" processes may wait.
const QUEUE: usize = 256;

async fn run(
    worker: Worker,
    seen: Seen,
    mut rx: mpsc::Receiver<String>,
    mut shutdown: watch::Receiver<bool>,
) {
    loop {
        let id = tokio::select! {
            id = rx.recv() => match id { Some(id) => id, None => return },
            _ = shutdown.changed() => break,
        };
        let sync = worker.run_one(&id, &seen);
        tokio::pin!(sync);
        tokio::select! {
            () = &mut sync => continue,
            _ = shutdown.changed() => {}
        }
        // Shutting down with a sync running: let it finish within the grace period.
        if tokio::time::timeout(worker.grace, &mut sync).await.is_err() {
            worker
                .fail(&id, "the payroll-sync server shut down before the sync finished; nothing more will be imported by this run. Press \"Sync now\" again.")
                .await;
        }
        break;
    }
    rx.close();
    while let Some(id) = rx.recv().await {
        worker
            .fail(&id, "the payroll-sync server shut down before this sync started. Press \"Sync now\" again.")
            .await;
    }
}

impl Worker {
    /// Confirms the process with our own token, runs the sync, and ends the process DONE or
    /// ERROR. Never panics; failures to report are logged.
    async fn run_one(&self, id: &str, seen: &Seen) {
        let process = match self.client.get_process(id).await {
            Ok(p) => p,
            Err(e) => {
                // Not confirmed (ChartHop did not answer after the client's retries, or does
                // not know the id): forgotten, so a redelivery is run rather than ignored.
                lock(seen).remove(id);
                tracing::warn!(process = id, error = %e, "a webhook's process could not be confirmed; a redelivery will be tried again");
                return;
            }
        };
        if process.status != ProcessStatus::Pending {
            tracing::info!(
                process = id,
                status = process.status.as_str(),
                "ignoring a process that is not pending"
            );
            return;
        }
        if let (Some(ours), Some(theirs)) = (&self.serve.app_id, &process.app_id)
            && ours != theirs
        {
            tracing::info!(process = id, "ignoring a process of another app");
            return;
        }
        tracing::info!(process = id, "sync started by ChartHop");
        let (reporter, sender) = ProcessReporter::start(self.client.clone(), id.to_string());
        reporter.send(0.0, "Starting the payroll sync");
        let result = self.sync(&reporter).await;
        drop(reporter);
        let _ = sender.await;
        if let Err(e) = &result {
            tracing::warn!(process = id, error = %e, "the sync failed");
        }
        let body = match &result {
            Ok((dir, s)) => serde_json::json!({
                "status": "DONE",
                "progress": 1.0,
                "message": format!(
                    "Done: {} hired, {} updated, {} unchanged; {} in ChartHop but not in the export (not changed)",
                    s.new_hires, s.updates, s.unchanged, s.absent
                ),
                "summary": format!(
                    "payroll sync: {} new hires, {} updates, {} conflicts, {} rejected rows; plan {}",
                    s.new_hires, s.updates, s.conflicts, s.rejected, dir.display()
                ),
                "results": {
                    "new_hires": s.new_hires, "updates": s.updates, "departures": s.departures,
                    "unchanged": s.unchanged, "absent": s.absent, "conflicts": s.conflicts,
                    "rejected": s.rejected,
                },
            }),
            Err(e) => {
                serde_json::json!({"status": "ERROR", "message": failure_message(&self.serve.input, e)})
            }
        };
        if let Err(e) = self.client.update_process(id, &body).await {
            tracing::warn!(process = id, error = %e, "could not report the end of the sync to ChartHop");
        }
        tracing::info!(process = id, ok = result.is_ok(), "sync ended");
    }

    async fn sync(
        &self,
        reporter: &ProcessReporter,
    ) -> Result<(PathBuf, crate::diff::Summary), Error> {
        let input = newest_export(&self.serve.input)?;
        let req = PlanRequest {
            input,
            mapping: self.serve.mapping.clone(),
            out: pipeline::run_dir(&self.settings),
            sheet: self.serve.sheet.clone(),
            show_sensitive: false,
            compare_mapping: None,
        };
        let (planned, _) =
            pipeline::sync(&self.settings, &self.client, &req, reporter, &|_| {}).await?;
        Ok((planned.dir, planned.doc.summary))
    }

    async fn fail(&self, id: &str, message: &str) {
        let body = serde_json::json!({"status": "ERROR", "message": message});
        if let Err(e) = self.client.update_process(id, &body).await {
            tracing::warn!(process = id, error = %e, "could not mark the process ERROR");
        }
    }
}

/// What a person reads in ChartHop when a sync fails: which export, the first line of the
/// error (a mapping's diagnostics can run long), and what to do.
fn failure_message(input: &Path, e: &Error) -> String {
    let text = e.to_string();
    let first = text.lines().next().unwrap_or("").trim();
    let mut message = format!("Payroll sync of `{}` failed: {first}", input.display());
    let more = text.lines().count().saturating_sub(1);
    if more > 0 {
        message.push_str(&format!(" (and {more} more line(s) in the server log)"));
    }
    if let Some(h) = e.hint() {
        message.push_str(". ");
        message.push_str(&h);
    }
    message.chars().take(1000).collect()
}

/// The export to read: the file itself, or the newest export in a folder.
pub fn newest_export(path: &Path) -> Result<PathBuf, Error> {
    if !path.is_dir() {
        return Ok(path.to_path_buf());
    }
    let io = |source| Error::Io {
        what: format!("listing the export folder `{}`", path.display()),
        source,
    };
    let mut best: Option<(std::time::SystemTime, PathBuf)> = None;
    for entry in std::fs::read_dir(path).map_err(io)? {
        let entry = entry.map_err(io)?;
        let p = entry.path();
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if name.starts_with('.') || !p.is_file() || crate::read::Format::from_path(&p).is_none() {
            continue;
        }
        let modified = entry.metadata().and_then(|m| m.modified()).map_err(io)?;
        if best
            .as_ref()
            .is_none_or(|(t, bp)| (modified, &p) > (*t, bp))
        {
            best = Some((modified, p));
        }
    }
    best.map(|(_, p)| p).ok_or_else(|| {
        Error::Read(crate::read::ReadError::Io {
            path: path.to_path_buf(),
            source: std::io::Error::new(
                std::io::ErrorKind::NotFound,
                "the folder holds no payroll export (.csv, .xlsx, .xlsm, .xls, .ods)",
            ),
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_gives_its_newest_export() {
        let dir = tempfile::tempdir().unwrap();
        let old = dir.path().join("2026-11-01.csv");
        let new = dir.path().join("2026-11-02.xlsx");
        std::fs::write(&old, "a\n").unwrap();
        std::fs::write(dir.path().join("notes.txt.bak"), "x").unwrap();
        std::fs::write(dir.path().join(".hidden.csv"), "x").unwrap();
        let then = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
        std::fs::File::options()
            .write(true)
            .open(&old)
            .unwrap()
            .set_modified(then)
            .unwrap();
        std::fs::write(&new, "b").unwrap();
        assert_eq!(newest_export(dir.path()).unwrap(), new);
        assert_eq!(
            newest_export(&old).unwrap(),
            old,
            "a file is taken as it is"
        );
        let empty = tempfile::tempdir().unwrap();
        let e = newest_export(empty.path()).unwrap_err().to_string();
        assert!(e.contains("no payroll export"), "{e}");
    }
}
