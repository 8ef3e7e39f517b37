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

/// Fetches job `job_id` with `findJobs` (`q=jobId:<id>`) and appends it to `feed` with the event
/// code and the time received. A job ChartHop does not return is skipped with a warning.
pub async fn append_job(
    client: &Client,
    feed: &Path,
    code: &str,
    job_id: &str,
) -> Result<(), ApiError> {
    let query = crate::charthop::JobQuery {
        fields: FIELDS.iter().map(|f| f.to_string()).collect(),
        q: format!("jobId:{job_id}"),
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
