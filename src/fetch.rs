//! Stage 3, fetch: the current ChartHop roster, keyed for the diff, and the people who left.
//!
//! Pages through `findJobs` with [`ROSTER_QUERY`] (filled jobs, and jobs held by an announced
//! future hire), `format=minimal` and exactly the fields the mapping owns, re-sending every
//! filter on each page; only a missing `next` ends the walk, and a cursor seen twice is an
//! error (never a loop). [`fetch_former_people`] looks the rows no roster person matches up
//! with `findPersons` (`includeAll`, a few rows a query, paged the same way), for telling a
//! rehire from a new hire. [`export`] streams a roster out as CSV
//! or JSON for `payroll-sync roster`.

mod arena;
mod error;
pub mod export;
mod fingerprint;
mod page;
mod pager;
mod roster;

pub use error::RosterError;
pub use roster::{Column, Person, PersonRef, Roster};

use crate::charthop::{ApiError, Client, JobPages, JobQuery, PersonQuery};
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

/// How many export rows one `findPersons` lookup asks about: each adds its key and email to
/// the query's lists, about 5 KB of URL for 100 rows, well under common 8 KiB limits.
pub const FORMER_LOOKUP_BATCH: usize = 100;

/// How many lookups are in flight at once.
const FORMER_LOOKUPS_IN_FLIGHT: usize = 8;

/// Looks up ChartHop's people, former people included (`findPersons` with `includeAll`), who
/// have one of `wanted`'s keys as their payroll key field `key_field` or one of its emails as
/// their work email (`None`: too many rows to name, walk everyone), and returns their key, work email, name and last day in the org (`endDateOrg`),
/// indexed by `indexes`; rows are keyed by person id ([`PersonRef::job_id`] gives it).
///
/// The cost follows the rows that need it: one query per [`FORMER_LOOKUP_BATCH`] rows (Carrot
/// lists, `key:"a","b" || contact.workEmail:"c","d"`), a few in flight at once, each paged
/// `page_size` a page. When that would take more requests than walking every person once
/// (an export of mostly new people: more batches than `org_size / page_size` pages), it walks
/// every person instead. `:` matches substrings, so callers match exactly on the result; a
/// person may appear twice (found by key and by email). A value that cannot be quoted in
/// Carrot (it holds both quote marks) is left out of the lookup.
///
/// Fails like [`fetch_roster`].
pub async fn fetch_former_people(
    client: &Client,
    key_field: &str,
    wanted: Option<(&[String], &[String])>,
    org_size: usize,
    page_size: u32,
    indexes: &[(&str, crate::textindex::Fold)],
) -> Result<Roster, ApiError> {
    let mut fields = vec!["id".to_string(), key_field.to_string()];
    for f in PERSON_FIELDS {
        if !fields.iter().any(|w| w.eq_ignore_ascii_case(f)) {
            fields.push(f.to_string());
        }
    }
    let query = |q: Option<String>| PersonQuery {
        fields: fields.clone(),
        q,
        include_all: true,
        limit: page_size,
    };
    let (keys, emails) = wanted.unwrap_or_default();
    let batches = keys.len().max(emails.len()).div_ceil(FORMER_LOOKUP_BATCH);
    let walk_pages = org_size.div_ceil(page_size.max(1) as usize) + 1;
    let queries: Vec<PersonQuery> = if wanted.is_none() || batches > walk_pages {
        vec![query(None)]
    } else {
        (0..batches)
            .filter_map(|b| {
                let part = |list: &[String]| -> Vec<String> {
                    list.iter()
                        .skip(b * FORMER_LOOKUP_BATCH)
                        .take(FORMER_LOOKUP_BATCH)
                        .filter_map(|v| quoted(v))
                        .collect()
                };
                let terms: Vec<String> =
                    [(key_field, part(keys)), ("contact.workEmail", part(emails))]
                        .into_iter()
                        .filter(|(_, values)| !values.is_empty())
                        .map(|(field, values)| format!("{field}:{}", values.join(",")))
                        .collect();
                (!terms.is_empty()).then(|| query(Some(terms.join(" || "))))
            })
            .collect()
    };
    let mut people = Roster::people_with_indexes(indexes);
    let mut pending = queries.into_iter();
    let mut running = tokio::task::JoinSet::new();
    loop {
        while running.len() < FORMER_LOOKUPS_IN_FLIGHT {
            let Some(q) = pending.next() else { break };
            let client = client.clone();
            running.spawn(async move { person_pages(&client, q).await });
        }
        let Some(done) = running.join_next().await else {
            break;
        };
        let pages = done.map_err(|e| ApiError::Decode {
            method: "GET".into(),
            path: format!("/v2/org/{}/person", client.org()),
            message: format!("a people lookup stopped: {e}"),
        })??;
        for (page, path, body) in pages {
            people.push_page_json(&body).map_err(|e| ApiError::Decode {
                method: "GET".into(),
                path,
                message: format!("page {page} of the people: {e}"),
            })?;
        }
    }
    Ok(people)
}

/// Every page of one `findPersons` query: (page number, path, JSON bytes).
async fn person_pages(
    client: &Client,
    query: PersonQuery,
) -> Result<Vec<(u32, String, Vec<u8>)>, ApiError> {
    let mut pages = JobPages::persons(client, query);
    let mut out = Vec::new();
    while let Some(body) = pages.next_raw().await? {
        out.push((pages.pages(), pages.path(), body));
    }
    Ok(out)
}

/// `value` as a Carrot string literal (double quotes, else single quotes); `None` when it
/// holds both kinds of quote mark or is blank.
fn quoted(value: &str) -> Option<String> {
    let v = value.trim();
    if v.is_empty() {
        None
    } else if !v.contains('"') {
        Some(format!("\"{v}\""))
    } else if !v.contains('\'') {
        Some(format!("'{v}'"))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::quoted;

    #[test]
    fn values_are_quoted_for_carrot_or_left_out() {
        assert_eq!(quoted(" a@x.com ").as_deref(), Some("\"a@x.com\""));
        assert_eq!(quoted("O\"Neil").as_deref(), Some("'O\"Neil'"));
        assert_eq!(quoted("it's \"x\""), None);
        assert_eq!(quoted("  "), None);
    }
}
