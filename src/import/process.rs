//! Following ChartHop's import processes: finding the one an upload created (by its tag),
//! and polling one to its end with progress.

use std::time::{Duration, Instant};

use crate::charthop::Client;
use crate::charthop::wire::Process;
use crate::progress::Progress;
use crate::settings::ImportSettings;

use super::ImportError;

/// [`adopt`], three times over a short window (`step`, then twice and four times as long):
/// a process ChartHop creates for an upload can take a moment to be listed.
pub(super) async fn adopt_within(
    client: &Client,
    tag: &str,
    step: Duration,
) -> Result<Option<Process>, ImportError> {
    for wait in [step, step * 2, step * 4] {
        if let Some(p) = adopt(client, tag).await? {
            return Ok(Some(p));
        }
        tokio::time::sleep(wait).await;
    }
    adopt(client, tag).await
}

/// The process an upload with this tag created, if ChartHop has one.
pub(super) async fn adopt(client: &Client, tag: &str) -> Result<Option<Process>, ImportError> {
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
pub(super) async fn poll(
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
