//! What the diff must know of the export as a whole before it can decide any row: keys and
//! emails that repeat, ChartHop people that several rows match, and the work emails the export
//! gives the managers it names. Learned in passes over the spooled rows, with memory that
//! grows with the roster and with the repeats, not with the export:
//!
//! 1. while the export is read ([`Sighting`]): the hashes of keys and emails that repeat,
//!    found through scratch files (see `repeats`);
//! 2. the survey ([`Survey`]): the exact rows of those keys and emails, each row's tentative
//!    match (claims on roster people), managers to look up in the export, and managers whose
//!    export email differs from ChartHop's;
//! 3. only when the export names managers ChartHop does not know: their export emails.

use std::collections::{HashMap, HashSet};

use super::export_facts::ExportFacts;
use super::matching::{Context, How, Outcome};
use super::repeats::{self, Repeats};
use crate::mapping::Desired;

/// How many unmatched rows are named one by one for the former-people lookup; beyond it the
/// lookup walks every person (100 queries of 100 rows already cost more than walking most
/// orgs), and memory stays small however many new people an export has.
pub const MAX_LISTED: usize = 10_000;

/// The export rows no roster person matches that may be former people: how many, and the
/// payroll keys and work emails to look them up by (each list in export order; both empty
/// when there are more than [`MAX_LISTED`] rows).
#[derive(Debug, Default, Clone)]
pub struct Unmatched {
    pub rows: usize,
    pub keys: Vec<String>,
    pub emails: Vec<String>,
}

/// The second pass: everything but the export emails of managers ChartHop does not know.
pub(super) struct Survey {
    repeats: Repeats,
    key_rows: HashMap<String, Vec<usize>>,
    email_rows: HashMap<String, Vec<usize>>,
    /// Per roster person: the first row matching them (row number + 1), and the others.
    first_claim: Vec<u32>,
    more_claims: HashMap<usize, Vec<usize>>,
    /// Per roster person: an export row with their key was seen.
    key_seen: Vec<bool>,
    overrides: HashMap<String, Option<String>>,
    /// Managers named by the export whose key is not exactly one ChartHop person's.
    wanted: HashSet<String>,
    last_manager: String,
    /// Rows no roster person matches that do not say the person left: a former person may be
    /// one of them (a rehire). Their payroll keys and work emails, to look them up by.
    pub unmatched: Unmatched,
}

impl Survey {
    pub fn new(repeats: Repeats, people: usize) -> Survey {
        Survey {
            repeats,
            key_rows: HashMap::new(),
            email_rows: HashMap::new(),
            first_claim: vec![0; people],
            more_claims: HashMap::new(),
            key_seen: vec![false; people],
            overrides: HashMap::new(),
            wanted: HashSet::new(),
            last_manager: String::new(),
            unmatched: Unmatched::default(),
        }
    }

    /// Surveys one mapped row (in export order); an unmatched row that is named (see
    /// [`Unmatched`]) is also given to `watch`, by its key and email as they are listed.
    pub fn row(
        &mut self,
        ctx: &Context<'_>,
        d: &Desired,
        watch: &mut dyn FnMut(Option<&str>, Option<&str>),
    ) {
        let email = ctx.email(d);
        if let Some(k) = &d.key
            && self.repeats.keys.contains(&repeats::hash(k))
        {
            self.key_rows.entry(k.clone()).or_default().push(d.row);
        }
        if let Some(e) = &email
            && self.repeats.emails.contains(&repeats::hash(e))
        {
            self.email_rows
                .entry(e.to_string())
                .or_default()
                .push(d.row);
        }
        let outcome = ctx.match_row(d, email.as_deref(), false);
        if outcome == Outcome::NoMatch && !d.left_status {
            self.unmatched.rows += 1;
            if self.unmatched.rows > MAX_LISTED {
                // So many that walking every person is cheaper than naming them: forget them.
                self.unmatched.keys = Vec::new();
                self.unmatched.emails = Vec::new();
            } else {
                let key = d.key.as_deref().map(str::trim).filter(|k| !k.is_empty());
                let email = email
                    .as_deref()
                    .map(str::trim)
                    .filter(|e| !e.is_empty())
                    .map(str::to_lowercase);
                if let Some(k) = key {
                    self.unmatched.keys.push(k.to_string());
                }
                watch(key, email.as_deref());
                if let Some(e) = email {
                    self.unmatched.emails.push(e);
                }
            }
        }
        if let Outcome::Matched { person, .. } = outcome {
            match self.first_claim[person] {
                0 => self.first_claim[person] = u32::try_from(d.row + 1).unwrap_or(u32::MAX),
                _ => self.more_claims.entry(person).or_default().push(d.row),
            }
        }
        let by_key = match outcome {
            Outcome::Matched {
                person,
                how: How::Key,
            } => Some(person),
            _ => d.key.as_deref().and_then(|k| ctx.single_with_key(k)),
        };
        // The first row with a ChartHop person's key names that manager's export email.
        if let Some(k) = &d.key
            && let Some(p) = by_key
            && !std::mem::replace(&mut self.key_seen[p], true)
            && let Some(e) = &email
            && *e != ctx.email_of(p).trim().to_lowercase()
        {
            self.overrides.insert(k.clone(), Some(e.to_string()));
        }
        if let Some(r) = d.manager_ref.as_deref().filter(|r| !r.is_empty())
            && d.key.as_deref() != Some(r)
            && self.last_manager != r
        {
            // Rows often name the same manager one after the other.
            self.last_manager.clear();
            self.last_manager.push_str(r);
            if ctx.single_with_key(r).is_none() {
                self.wanted.insert(r.to_string());
            }
        }
    }

    /// Ends the survey: the facts, and the managers whose export emails are still to be read
    /// (see [`Wanted`]), if any.
    pub fn finish(self) -> (ExportFacts, Option<Wanted>) {
        let dup_keys: HashMap<_, _> = self
            .key_rows
            .into_iter()
            .filter(|(_, rows)| rows.len() > 1)
            .collect();
        let dup_emails: HashMap<_, _> = self
            .email_rows
            .into_iter()
            .filter(|(_, rows)| rows.len() > 1)
            .collect();
        let repeated: HashSet<usize> = dup_keys
            .values()
            .chain(dup_emails.values())
            .flatten()
            .copied()
            .collect();
        let mut contested = HashMap::new();
        for (person, more) in self.more_claims {
            let first = self.first_claim[person] as usize - 1;
            let rows: Vec<usize> = std::iter::once(first)
                .chain(more)
                .filter(|r| !repeated.contains(r))
                .collect();
            if rows.len() > 1 {
                contested.insert(person, rows);
            }
        }
        let facts = ExportFacts {
            dup_keys,
            dup_emails,
            contested,
            manager_emails: self.overrides,
            unknown_managers: HashSet::new(),
        };
        let wanted = (!self.wanted.is_empty()).then_some(Wanted {
            refs: self.wanted,
            found: HashMap::new(),
        });
        (facts, wanted)
    }
}

/// The third pass, when needed: the export emails of managers ChartHop does not know.
pub(super) struct Wanted {
    refs: HashSet<String>,
    found: HashMap<String, Option<String>>,
}

impl Wanted {
    /// Looks at one mapped row (in export order): the first row with a wanted key gives its
    /// email.
    pub fn row(&mut self, ctx: &Context<'_>, d: &Desired) {
        if let Some(k) = &d.key
            && self.refs.contains(k)
            && !self.found.contains_key(k)
        {
            self.found
                .insert(k.clone(), ctx.email(d).map(std::borrow::Cow::into_owned));
        }
    }

    /// Adds what was found to the facts.
    pub fn finish(self, facts: &mut ExportFacts) {
        facts
            .unknown_managers
            .extend(self.found.values().flatten().cloned());
        facts.manager_emails.extend(self.found);
    }
}
