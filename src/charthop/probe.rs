//! One-shot reads that say what is wrong with the connection: for `doctor`, the smallest
//! `findJobs` there is (status, ChartHop's clock); after a 404, `getMe` to tell a wrong org
//! from a wrong base URL. Once each, no retries.

use chrono::{DateTime, Utc};

use super::client::Client;
use super::error::ApiError;

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
    /// A GET of `url` with the token, asking for JSON: sent once, outside the retrying
    /// transport.
    fn once(&self, url: &str) -> reqwest::RequestBuilder {
        self.http
            .get(url)
            .bearer_auth(self.config.token.expose())
            .header("accept", "application/json")
    }

    /// `GET /v2/org/{org}/job?limit=1&fields=jobId`, once: the status and ChartHop's `Date`
    /// header. Never fails: a request that gets no answer is a `Probe` without a status.
    pub async fn probe(&self) -> Probe {
        let url = format!("{}/v2/org/{}/job", self.base, self.org_path());
        let sent = self
            .once(&url)
            .query(&[("limit", "1"), ("fields", "jobId"), ("format", "minimal")])
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

    /// Says why an org's path answered 404: when `err` is such a 404, asks `GET /v1/user/me`
    /// once (it needs no org): answered, the org is unknown ([`ApiError::OrgNotFound`]); 404
    /// too, the base URL is wrong ([`ApiError::ApiNotFound`]). Any other error, or a probe
    /// that tells nothing, comes back as it was.
    pub async fn explain_not_found(&self, err: ApiError) -> ApiError {
        let ApiError::Status {
            status: 404,
            method,
            path,
            ..
        } = &err
        else {
            return err;
        };
        let sent = self.once(&format!("{}/v1/user/me", self.base)).send().await;
        let (method, path, base) = (method.clone(), path.clone(), self.base.clone());
        match sent.map(|r| r.status().as_u16()) {
            Ok(200..=299) => ApiError::OrgNotFound {
                method,
                path,
                base,
                org: self.config.org.clone(),
            },
            Ok(404) => ApiError::ApiNotFound { method, path, base },
            _ => err,
        }
    }
}
