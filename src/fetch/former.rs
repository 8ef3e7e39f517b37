//! Looking up ChartHop's people, former ones included (`findPersons` with `includeAll`), by the
//! payroll keys and work emails of export rows no roster person matches: a [`FormerLookup`] is
//! told those rows one at a time while the diff surveys the export, and sends a query as soon
//! as it has a batch of them, so the first answers arrive while the survey is still reading.

use tokio::runtime::Handle;
use tokio::task::JoinSet;

use super::{PERSON_FIELDS, Roster};
use crate::charthop::{ApiError, Client, JobPages, PersonQuery};
use crate::textindex::Fold;

/// How many export rows one `findPersons` lookup asks about: each adds its key and email to
/// the query's lists, about 5 KB of URL for 100 rows, well under common 8 KiB limits.
pub const FORMER_LOOKUP_BATCH: usize = 100;

/// How many lookups are in flight at once.
const FORMER_LOOKUPS_IN_FLIGHT: usize = 8;

/// Every page of one query: (page number, path, JSON bytes).
type Pages = Vec<(u32, String, Vec<u8>)>;

/// A lookup of the people who have one of the given keys as their payroll key field or one of
/// the given emails as their work email, fed row by row ([`FormerLookup::row`]) and ended by
/// [`FormerLookup::finish`], which returns their key, work email, name and last day in the org
/// (`endDateOrg`), keyed by person id ([`super::PersonRef::job_id`] gives it).
///
/// The cost follows the rows that need it: a query (Carrot lists, `key:"a","b" ||
/// contact.workEmail:"c","d"`) holds the keys and emails told since the previous one and is
/// sent as soon as either list has [`FORMER_LOOKUP_BATCH`] values (rows without a work email,
/// as new hires often are, fill the key list alone); a few are in flight at once, each paged
/// `page_size` a page. When naming the rows would take more requests than walking every person
/// once (an export of mostly new people: more batches of keys or of emails than
/// `org_size / page_size` pages), it walks every person instead, and the queries already sent
/// are dropped: so that this never costs much more than the walk, at most half as many queries
/// as the walk has pages (and never more than are in flight at once) are sent before `finish`.
/// Each is one page unless more than `page_size` people match it. `:` matches substrings, so
/// callers match exactly on the result; a person may appear twice (found by key and by email,
/// or by two queries). A value that cannot be quoted in Carrot (it holds both quote marks) is
/// left out of the lookup.
///
/// Dropping a lookup aborts its queries.
pub struct FormerLookup {
    client: Client,
    key_field: String,
    fields: Vec<String>,
    page_size: u32,
    indexes: Vec<(String, Fold)>,
    /// Pages a walk of every person would take.
    walk_pages: usize,
    /// Where queries may be sent before `finish`: `None` outside a Tokio runtime.
    runtime: Option<Handle>,
    /// How many queries may be sent before `finish`.
    early: usize,
    /// The keys and emails told so far (how many), and those not yet in a sent query (as
    /// Carrot literals; a value that cannot be quoted is counted, not kept).
    keys_told: usize,
    emails_told: usize,
    keys: Vec<String>,
    emails: Vec<String>,
    running: JoinSet<Result<Pages, ApiError>>,
}

impl FormerLookup {
    /// A lookup by `key_field` (the mapping's payroll key) and the work email in an org of
    /// `org_size` people, indexing the people found by `indexes`. Sends nothing yet.
    pub fn new(
        client: &Client,
        key_field: &str,
        org_size: usize,
        page_size: u32,
        indexes: &[(&str, Fold)],
    ) -> FormerLookup {
        let mut fields = vec!["id".to_string(), key_field.to_string()];
        for f in PERSON_FIELDS {
            if !fields.iter().any(|w| w.eq_ignore_ascii_case(f)) {
                fields.push(f.to_string());
            }
        }
        let walk_pages = org_size.div_ceil(page_size.max(1) as usize) + 1;
        FormerLookup {
            client: client.clone(),
            key_field: key_field.to_string(),
            fields,
            page_size,
            indexes: indexes.iter().map(|(c, f)| (c.to_string(), *f)).collect(),
            walk_pages,
            runtime: Handle::try_current().ok(),
            early: FORMER_LOOKUPS_IN_FLIGHT.min(walk_pages / 2),
            keys_told: 0,
            emails_told: 0,
            keys: Vec::new(),
            emails: Vec::new(),
            running: JoinSet::new(),
        }
    }

    /// One row to look up, by its payroll key and its work email (either may be absent). When
    /// a batch is full and the early queries allow, its query is sent now.
    pub fn row(&mut self, key: Option<&str>, email: Option<&str>) {
        if let Some(k) = key {
            self.keys.extend(quoted(k));
            self.keys_told += 1;
        }
        if let Some(e) = email {
            self.emails.extend(quoted(e));
            self.emails_told += 1;
        }
        let full = self.keys.len().max(self.emails.len()) >= FORMER_LOOKUP_BATCH;
        if full
            && self.running.len() < self.early
            && let Some(runtime) = self.runtime.clone()
            && let Some(q) = self.next_query()
        {
            self.spawn(q, &runtime);
        }
    }

    /// Sends what is left and returns everyone found; with `everyone` (or when naming the rows
    /// would take more requests than a walk), walks every person instead (the queries sent
    /// early are then aborted, and their errors do not count). Runs its queries on the Tokio
    /// runtime it is awaited in (as `tokio::spawn` does, it panics outside one).
    ///
    /// Fails with the first error of any query, like [`super::fetch_roster`]; the other
    /// queries are then aborted.
    pub async fn finish(mut self, everyone: bool) -> Result<Roster, ApiError> {
        let batches = self
            .keys_told
            .max(self.emails_told)
            .div_ceil(FORMER_LOOKUP_BATCH);
        let mut pending = Vec::new();
        if everyone || batches > self.walk_pages {
            // The queries sent early are not needed: the walk finds everyone they would.
            // Dropping them aborts them.
            self.running = JoinSet::new();
            pending.push(self.query(None));
        } else {
            while let Some(q) = self.next_query() {
                pending.push(q);
            }
        }
        let indexes: Vec<(&str, Fold)> =
            self.indexes.iter().map(|(c, f)| (c.as_str(), *f)).collect();
        let mut people = Roster::people_with_indexes(&indexes);
        let runtime = Handle::current();
        let mut pending = pending.into_iter();
        loop {
            while self.running.len() < FORMER_LOOKUPS_IN_FLIGHT {
                let Some(q) = pending.next() else { break };
                self.spawn(q, &runtime);
            }
            let Some(done) = self.running.join_next().await else {
                break;
            };
            let pages = done.map_err(|e| ApiError::Decode {
                method: "GET".into(),
                path: self.client.persons_path(),
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

    /// The query for up to a batch of the keys and emails not yet sent (`None` when there
    /// are none), taking them.
    fn next_query(&mut self) -> Option<PersonQuery> {
        let take = |list: &mut Vec<String>| -> Vec<String> {
            let n = list.len().min(FORMER_LOOKUP_BATCH);
            list.drain(..n).collect()
        };
        let (keys, emails) = (take(&mut self.keys), take(&mut self.emails));
        let terms: Vec<String> = [
            (self.key_field.as_str(), keys),
            ("contact.workEmail", emails),
        ]
        .into_iter()
        .filter(|(_, values)| !values.is_empty())
        .map(|(field, values)| format!("{field}:{}", values.join(",")))
        .collect();
        (!terms.is_empty()).then(|| self.query(Some(terms.join(" || "))))
    }

    fn query(&self, q: Option<String>) -> PersonQuery {
        PersonQuery {
            fields: self.fields.clone(),
            q,
            include_all: true,
            limit: self.page_size,
        }
    }

    fn spawn(&mut self, query: PersonQuery, runtime: &Handle) {
        let client = self.client.clone();
        self.running
            .spawn_on(async move { person_pages(&client, query).await }, runtime);
    }
}

/// Every page of one `findPersons` query.
async fn person_pages(client: &Client, query: PersonQuery) -> Result<Pages, ApiError> {
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
