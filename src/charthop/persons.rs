//! `findPersons`: one page at a time (see [`paging`](super::paging) to walk them all). With
//! `includeAll`, ChartHop also lists people who left (and people never in a job): how a
//! rehire is told from a new hire.

use reqwest::Method;

use super::client::Client;
use super::error::ApiError;
use super::transport::Mode;

/// What to ask `findPersons` for; re-sent on every page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonQuery {
    /// Field codes, sent as `fields=a,b,c` and returned as keys spelled the same way.
    pub fields: Vec<String>,
    /// A Carrot filter, when there is one.
    pub q: Option<String>,
    /// `includeAll`: people who left and people never in a job too.
    pub include_all: bool,
    /// Page size (`limit`).
    pub limit: u32,
}

impl Client {
    /// One page of `findPersons` (`GET /v2/org/{org}/person`) with `format=minimal`, every
    /// filter of `query`, and `from` when continuing, as ChartHop's JSON bytes.
    pub async fn find_persons_raw(
        &self,
        query: &PersonQuery,
        from: Option<&str>,
    ) -> Result<Vec<u8>, ApiError> {
        let path = self.persons_path();
        let mut params = vec![
            ("fields", query.fields.join(",")),
            ("format", "minimal".to_string()),
            ("limit", query.limit.to_string()),
            ("includeAll", query.include_all.to_string()),
        ];
        if let Some(q) = &query.q {
            params.push(("q", q.clone()));
        }
        if let Some(from) = from {
            params.push(("from", from.to_string()));
        }
        self.call_bytes(Method::GET, &path, &params, Mode::Read, Ok)
            .await
    }
}
