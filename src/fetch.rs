//! Stage 3, fetch: the current ChartHop roster (filled jobs), keyed for the diff.
//!
//! Pages through `findJobs` with `q=open:filled`, `format=minimal` and exactly the fields the
//! mapping owns, re-sending every filter on each page; only a missing `next` ends the walk, and
//! a cursor seen twice is an error (never a loop). [`export`] streams a roster out as CSV or
//! JSON for `payroll-sync roster`.

pub mod export;

use std::collections::HashMap;

use sha2::{Digest, Sha256};

use crate::charthop::{ApiError, Client, JobPages, JobQuery};
use crate::progress::Progress;

/// One filled job and its person, as ChartHop has them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub job_id: String,
    /// Display name, for reports.
    pub name: String,
    /// Field code (as requested) -> value as text. Empty values are absent.
    pub values: HashMap<String, String>,
}

impl Person {
    /// The value of a field, or `""`.
    pub fn get(&self, code: &str) -> &str {
        self.values.get(code).map_or("", String::as_str)
    }
}

/// The roster: people in ChartHop's order, indexed by job id.
#[derive(Debug, Clone, Default)]
pub struct Roster {
    pub people: Vec<Person>,
    pub by_job: HashMap<String, usize>,
}

impl Roster {
    /// Builds a roster from people, indexing job ids.
    pub fn new(people: Vec<Person>) -> Roster {
        let by_job = people
            .iter()
            .enumerate()
            .map(|(i, p)| (p.job_id.clone(), i))
            .collect();
        Roster { people, by_job }
    }

    /// A fingerprint of the roster's content (order-independent), recorded in the plan so a
    /// later `apply` can tell whether ChartHop moved.
    pub fn fingerprint(&self) -> String {
        let mut rows: Vec<String> = self
            .people
            .iter()
            .map(|p| {
                let mut kv: Vec<_> = p.values.iter().collect();
                kv.sort();
                let mut s = p.job_id.clone();
                for (k, v) in kv {
                    s.push('\u{1f}');
                    s.push_str(k);
                    s.push('=');
                    s.push_str(v);
                }
                s
            })
            .collect();
        rows.sort();
        let mut h = Sha256::new();
        for r in rows {
            h.update(r.as_bytes());
            h.update(b"\x1e");
        }
        hex(&h.finalize())
    }

    /// Parses one page's rows into people. Rows without a job id are skipped.
    pub fn push_page(&mut self, rows: Vec<serde_json::Map<String, serde_json::Value>>) {
        for row in rows {
            let mut values = HashMap::with_capacity(row.len());
            let mut job_id = String::new();
            let mut name = String::new();
            for (k, v) in row {
                let text = match v {
                    serde_json::Value::Null => continue,
                    serde_json::Value::String(s) => s,
                    serde_json::Value::Bool(b) => b.to_string(),
                    serde_json::Value::Number(n) => n.to_string(),
                    other => other.to_string(),
                };
                if text.is_empty() {
                    continue;
                }
                match k.as_str() {
                    "jobId" => job_id = text,
                    "name" => name = text,
                    _ => {
                        values.insert(k, text);
                    }
                }
            }
            if job_id.is_empty() {
                continue;
            }
            self.by_job.insert(job_id.clone(), self.people.len());
            self.people.push(Person {
                job_id,
                name,
                values,
            });
        }
    }
}

/// Lower-case hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// Fetches every filled job with `fields` (plus `jobId` and `name`), `page_size` rows a page.
///
/// Fails with the client's [`ApiError`], including [`ApiError::CursorRepeated`] when ChartHop
/// returns a cursor it already returned (which would loop forever).
pub async fn fetch_roster(
    client: &Client,
    fields: &[String],
    page_size: u32,
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
        q: "open:filled".into(),
        date: None,
        limit: page_size,
    };
    let mut roster = Roster::default();
    let mut pages = JobPages::new(client, query);
    let mut current = pages.next_page().await?;
    // Each page is indexed while the next one is on its way: the request is sent first, and
    // the indexing runs while ChartHop answers.
    while let Some(rows) = current {
        let index = async {
            roster.push_page(rows);
            progress.roster_page(roster.people.len());
        };
        let (next, ()) = tokio::join!(pages.next_page(), index);
        current = next?;
    }
    Ok(roster)
}
