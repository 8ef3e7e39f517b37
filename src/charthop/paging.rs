//! Walking `findJobs` (or `findPersons`) page by page, without ever looping or losing rows.
//!
//! ChartHop's paging rules: every filter is re-sent on every page with `from=<next>`; an
//! empty page that carries a `next` is followed; only a missing or empty `next` ends the walk;
//! a cursor seen before is an error at once (so a server that repeats itself costs at most one
//! extra request). Pages are handed out one at a time, so callers can stream them.

use std::collections::HashSet;

use super::client::Client;
use super::error::ApiError;
use super::jobs::JobQuery;
use super::persons::PersonQuery;
use super::url::path_segment;
use super::wire::Row;

/// Just the cursor of a page (the rows are skipped without being built).
#[derive(serde::Deserialize)]
struct Cursor {
    #[serde(default)]
    next: Option<String>,
}

/// What is listed.
#[derive(Debug)]
enum Listing {
    Jobs(JobQuery),
    Persons(PersonQuery),
}

/// The pages of one `findJobs` (or `findPersons`) query, in order.
#[derive(Debug)]
pub struct JobPages<'a> {
    client: &'a Client,
    query: Listing,
    from: Option<String>,
    seen: HashSet<String>,
    pages: u32,
    done: bool,
}

impl<'a> JobPages<'a> {
    /// Starts a walk; nothing is sent until [`JobPages::next_page`].
    pub fn new(client: &'a Client, query: JobQuery) -> JobPages<'a> {
        Self::listing(client, Listing::Jobs(query))
    }

    /// Starts a walk of `findPersons`; only [`JobPages::next_raw`] reads its pages.
    pub fn persons(client: &'a Client, query: PersonQuery) -> JobPages<'a> {
        Self::listing(client, Listing::Persons(query))
    }

    fn listing(client: &'a Client, query: Listing) -> JobPages<'a> {
        JobPages {
            client,
            query,
            from: None,
            seen: HashSet::new(),
            pages: 0,
            done: false,
        }
    }

    /// The next page's rows (possibly none), or `None` once the last page was returned.
    ///
    /// Fails with the client's errors, or [`ApiError::CursorRepeated`] when ChartHop sends a
    /// cursor it sent before; after an error the walk is over.
    pub async fn next_page(&mut self) -> Result<Option<Vec<Row>>, ApiError> {
        if self.done {
            return Ok(None);
        }
        self.done = true;
        let Listing::Jobs(query) = &self.query else {
            return Err(ApiError::Decode {
                method: "GET".into(),
                path: self.path(),
                message: "people are read as raw pages only".into(),
            });
        };
        let page = self.client.find_jobs(query, self.from.as_deref()).await?;
        self.pages += 1;
        self.follow(page.next)?;
        Ok(Some(page.data))
    }

    /// The next page as ChartHop's JSON bytes, undecoded but for its `next` cursor (read
    /// first, so the following request can go out while the caller parses this page), or
    /// `None` once the last page was returned.
    ///
    /// Fails as [`JobPages::next_page`], and with [`ApiError::Decode`] when the answer is not
    /// a JSON object with an optional string `next`.
    pub async fn next_raw(&mut self) -> Result<Option<Vec<u8>>, ApiError> {
        if self.done {
            return Ok(None);
        }
        self.done = true;
        let from = self.from.as_deref();
        let body = match &self.query {
            Listing::Jobs(q) => self.client.find_jobs_raw(q, from).await?,
            Listing::Persons(q) => self.client.find_persons_raw(q, from).await?,
        };
        let cursor: Cursor = serde_json::from_slice(&body).map_err(|e| ApiError::Decode {
            method: "GET".into(),
            path: self.path(),
            message: e.to_string(),
        })?;
        self.pages += 1;
        self.follow(cursor.next)?;
        Ok(Some(body))
    }

    /// Continues the walk at `next`, unless it is missing (the end) or was seen before.
    fn follow(&mut self, next: Option<String>) -> Result<(), ApiError> {
        if let Some(next) = next.filter(|n| !n.is_empty()) {
            if !self.seen.insert(next.clone()) {
                return Err(ApiError::CursorRepeated {
                    method: "GET".into(),
                    path: self.path(),
                    cursor: next,
                    page: self.pages,
                });
            }
            self.from = Some(next);
            self.done = false;
        }
        Ok(())
    }

    /// The path the pages come from (for error messages).
    pub fn path(&self) -> String {
        let entity = match self.query {
            Listing::Jobs(_) => "job",
            Listing::Persons(_) => "person",
        };
        format!("/v2/org/{}/{entity}", path_segment(self.client.org()))
    }

    /// Pages fetched so far.
    pub fn pages(&self) -> u32 {
        self.pages
    }
}
