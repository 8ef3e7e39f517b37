//! `findJobs`: one page at a time (see [`paging`](super::paging) to walk them all).

use reqwest::Method;

use super::client::Client;
use super::error::ApiError;
use super::transport::Mode;
use super::wire::JobsPage;

/// What to ask `findJobs` for; re-sent on every page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobQuery {
    /// Field codes, sent as `fields=a,b,c` and returned as keys spelled the same way.
    pub fields: Vec<String>,
    /// A Carrot filter, e.g. `open:filled`.
    pub q: String,
    /// `YYYY-MM-DD`: the roster as of that date; `None` for today.
    pub date: Option<String>,
    /// Page size (`limit`).
    pub limit: u32,
}

impl Client {
    /// `findJobs`' path, `/v2/org/{org}/job` (for requests and error messages).
    pub fn jobs_path(&self) -> String {
        format!("/v2/org/{}/job", self.org_path())
    }

    /// `findPersons`' path, `/v2/org/{org}/person` (for requests and error messages).
    pub fn persons_path(&self) -> String {
        format!("/v2/org/{}/person", self.org_path())
    }

    /// One page of `findJobs` (`GET /v2/org/{org}/job`) with `format=minimal`, every filter of
    /// `query`, and `from` when continuing. Use [`JobPages`](super::JobPages) to walk them all.
    pub async fn find_jobs(
        &self,
        query: &JobQuery,
        from: Option<&str>,
    ) -> Result<JobsPage, ApiError> {
        let path = self.jobs_path();
        let params = jobs_params(query, from);
        self.call(Method::GET, &path, &params, Mode::Read, Ok).await
    }

    /// `findJobs` as [`Client::find_jobs`], answering the page's JSON bytes undecoded (for
    /// parsing straight into the roster).
    pub async fn find_jobs_raw(
        &self,
        query: &JobQuery,
        from: Option<&str>,
    ) -> Result<Vec<u8>, ApiError> {
        let path = self.jobs_path();
        let params = jobs_params(query, from);
        self.call_bytes(Method::GET, &path, &params, Mode::Read, Ok)
            .await
    }
}

/// `findJobs`'s query parameters: every filter, re-sent on every page, and the cursor.
fn jobs_params(query: &JobQuery, from: Option<&str>) -> Vec<(&'static str, String)> {
    let mut params = vec![
        ("q", query.q.clone()),
        ("fields", query.fields.join(",")),
        ("format", "minimal".to_string()),
        ("limit", query.limit.to_string()),
    ];
    if let Some(date) = &query.date {
        params.push(("date", date.clone()));
    }
    if let Some(from) = from {
        params.push(("from", from.to_string()));
    }
    params
}
