//! A one-shot read for `doctor`: the smallest `findJobs` there is, once, no retries, keeping
//! what the answer says about the connection (status, ChartHop's clock).

use chrono::{DateTime, Utc};

use super::client::Client;

/// What one small read learned.
#[derive(Debug, Clone)]
pub struct Probe {
    /// The HTTP status, or `None` when no answer came (with the transport's reason).
    pub status: Option<u16>,
    pub error: Option<String>,
    /// ChartHop's `Date` header.
    pub server_date: Option<DateTime<Utc>>,
}

impl Client {
    /// `GET /v2/org/{org}/job?limit=1&fields=jobId`, once: the status and ChartHop's `Date`
    /// header. Never fails: a request that gets no answer is a `Probe` without a status.
    pub async fn probe(&self) -> Probe {
        let url = format!("{}/v2/org/{}/job", self.base, self.org_path());
        let sent = self
            .http
            .get(&url)
            .query(&[("limit", "1"), ("fields", "jobId"), ("format", "minimal")])
            .bearer_auth(self.config.token.expose())
            .header("accept", "application/json")
            .send()
            .await;
        match sent {
            Ok(resp) => Probe {
                status: Some(resp.status().as_u16()),
                error: None,
                server_date: resp
                    .headers()
                    .get(reqwest::header::DATE)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| DateTime::parse_from_rfc2822(v).ok())
                    .map(|d| d.with_timezone(&Utc)),
            },
            Err(e) => Probe {
                status: None,
                error: Some(e.to_string()),
                server_date: None,
            },
        }
    }
}
