//! Stage 3, fetch: the current ChartHop roster, keyed for the diff, and the people who left.
//!
//! Pages through `findJobs` with [`ROSTER_QUERY`] (filled jobs, and jobs held by an announced
//! future hire), `format=minimal` and exactly the fields the mapping owns, re-sending every
//! filter on each page; only a missing `next` ends the walk, and a cursor seen twice is an
//! error (never a loop). A [`FormerLookup`] looks the rows no roster person matches up with
//! `findPersons` (`includeAll`, a few rows a query, paged the same way), for telling a rehire
//! from a new hire. [`export`] streams a roster out as CSV
//! or JSON for `payroll-sync roster`.

mod arena;
mod error;
pub mod export;
mod fingerprint;
mod former;
mod page;
mod pager;
mod roster;

pub use error::RosterError;
pub use former::{FORMER_LOOKUP_BATCH, FormerLookup};
pub use roster::{Column, Person, PersonRef, Roster};

use crate::charthop::{ApiError, Client, JobQuery};
use crate::progress::Progress;

/// The roster the diff compares with: filled jobs, and jobs held by an announced future hire
/// (`is:start`: ChartHop's job has the person, with a start date still to come), so a hire
/// already entered in ChartHop is matched, never created twice.
pub const ROSTER_QUERY: &str = "open:filled || is:start";

/// The person fields asked of `findPersons` besides the mapping's key and the work email.
pub const PERSON_FIELDS: [&str; 4] = ["name", "contact.workEmail", "endDateOrg", "jobId"];

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
        q: ROSTER_QUERY.into(),
        date: None,
        limit: page_size,
    };
    let mut roster = Roster::with_indexes(indexes);
    // The pages are walked on a task of their own and parsed here as they come: the next
    // request leaves from the thread that read the last answer, while this one parses.
    let mut pages = pager::Pager::start(client, query);
    while let Some((page, body)) = pages.next().await? {
        let parsed = roster.push_page_json(&body);
        progress.roster_page(roster.len());
        parsed.map_err(|e| ApiError::Decode {
            method: "GET".into(),
            path: pages.path().to_string(),
            message: format!("page {page} of the roster: {e}"),
        })?;
    }
    Ok(roster)
}
