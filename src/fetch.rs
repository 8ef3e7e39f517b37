//! Stage 3, fetch: the current ChartHop roster (filled jobs and announced future hires), keyed
//! for the diff.
//!
//! Pages through `findJobs` with `q=open:filled || is:start` (a future hire holds a START job,
//! which `open:filled` leaves out), `format=minimal` and exactly the fields the
//! mapping owns, re-sending every filter on each page; only a missing `next` ends the walk, and
//! a cursor seen twice is an error (never a loop). [`export`] streams a roster out as CSV or
//! JSON for `payroll-sync roster`.

mod arena;
mod error;
pub mod export;
mod page;
mod roster;

pub use error::RosterError;
pub use roster::{Column, Person, PersonRef, Roster};

use crate::charthop::{ApiError, Client, JobPages, JobQuery};
use crate::progress::Progress;

/// Fetches every filled job with `fields` (plus `jobId` and `name`), `page_size` rows a page,
/// indexing the fields of `indexes` as the pages arrive (see [`Roster::with_indexes`]).
///
/// Fails with the client's [`ApiError`], including [`ApiError::CursorRepeated`] when ChartHop
/// returns a cursor it already returned (which would loop forever).
pub async fn fetch_roster(
    client: &Client,
    fields: &[String],
    page_size: u32,
    indexes: &[(&str, crate::textindex::Fold)],
    progress: &dyn Progress,
) -> Result<Roster, ApiError> {
    let mut wanted = vec!["jobId".to_string(), "name".to_string()];
    for f in fields {
        if !wanted.iter().any(|w| w.eq_ignore_ascii_case(f)) {
            wanted.push(f.clone());
        }
    }
    let query = JobQuery {
        fields: wanted,
        q: "open:filled || is:start".into(),
        date: None,
        limit: page_size,
    };
    let mut roster = Roster::with_indexes(indexes);
    let mut pages = JobPages::new(client, query);
    let mut current = pages.next_raw().await?;
    // Each page is parsed into the roster while the next one is on its way: its cursor is read
    // first, the next request is sent, and the parsing runs while ChartHop answers.
    while let Some(body) = current {
        let (page, path) = (pages.pages(), pages.path());
        let parse = async {
            let parsed = roster.push_page_json(&body);
            progress.roster_page(roster.len());
            parsed
        };
        let (next, parsed) = tokio::join!(pages.next_raw(), parse);
        parsed.map_err(|e| ApiError::Decode {
            method: "GET".into(),
            path,
            message: format!("page {page} of the roster: {e}"),
        })?;
        current = next?;
    }
    Ok(roster)
}
