//! The outbound feed: jobs named by ChartHop change events, appended as JSON lines for a
//! downstream system.

use std::io::Write;
use std::path::Path;

use crate::charthop::{ApiError, Client};

/// The fields written for each job.
pub const FIELDS: [&str; 10] = [
    "jobId",
    "personId",
    "name",
    "title",
    "contact.workEmail",
    "department",
    "location",
    "manager",
    "startDate",
    "employment",
];

/// How many feed fetches run at once.
pub const FEED_FETCHES: usize = 4;
/// How many feed fetches may wait, running ones included; beyond, events are refused (503).
pub const FEED_WAITING: usize = 64;

/// Bounds the feed's fetches: a claimed slot waits its turn among [`FEED_FETCHES`].
#[derive(Clone)]
pub struct Limiter {
    waiting: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    running: std::sync::Arc<tokio::sync::Semaphore>,
}

/// A claimed place in the feed's line; released when dropped.
pub struct Slot(Limiter);

impl Limiter {
    pub fn new() -> Limiter {
        Limiter {
            waiting: std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0)),
            running: std::sync::Arc::new(tokio::sync::Semaphore::new(FEED_FETCHES)),
        }
    }

    /// A place in line, or `None` when [`FEED_WAITING`] are already waiting.
    pub fn try_claim(&self) -> Option<Slot> {
        use std::sync::atomic::Ordering;
        let before = self.waiting.fetch_add(1, Ordering::SeqCst);
        if before >= FEED_WAITING {
            self.waiting.fetch_sub(1, Ordering::SeqCst);
            return None;
        }
        Some(Slot(self.clone()))
    }
}

impl Default for Limiter {
    fn default() -> Limiter {
        Limiter::new()
    }
}

impl Slot {
    /// Waits for a turn to fetch; the turn ends when the returned permit is dropped.
    pub async fn fetching(&self) -> Option<tokio::sync::SemaphorePermit<'_>> {
        self.0.running.acquire().await.ok()
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.0
            .waiting
            .fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
    }
}

/// Fetches job `job_id` with `findJobs` (an exact `q=jobId=<id>`, not a substring match) and
/// appends it to `feed` with the event code and the time received. A job ChartHop does not
/// return is skipped with a warning.
pub async fn append_job(
    client: &Client,
    feed: &Path,
    code: &str,
    job_id: &str,
) -> Result<(), ApiError> {
    let query = crate::charthop::JobQuery {
        fields: FIELDS.iter().map(|f| f.to_string()).collect(),
        q: format!("jobId=\"{}\"", job_id.replace('"', "")),
        date: None,
        limit: 1,
    };
    let page = client.find_jobs(&query, None).await?;
    let Some(job) = page.data.into_iter().next() else {
        tracing::warn!(
            job = job_id,
            "a change event named a job that ChartHop does not return"
        );
        return Ok(());
    };
    let line = serde_json::json!({
        "received_at": chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        "event": code,
        "job": job,
    });
    let result = (|| -> std::io::Result<()> {
        let mut options = std::fs::OpenOptions::new();
        options.append(true).create(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut file = options.open(feed)?;
        let mut bytes = serde_json::to_vec(&line).map_err(std::io::Error::other)?;
        bytes.push(b'\n');
        file.write_all(&bytes)
    })();
    if let Err(e) = result {
        tracing::warn!(feed = %feed.display(), error = %e, "could not append to the outbound feed");
    }
    Ok(())
}
