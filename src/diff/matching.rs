//! Matching: which ChartHop person (if any) each export row is, and why.
//!
//! Rows are matched by the mapping's key, then by its fallback (the work email, compared
//! without case). Nothing is guessed: a key or email repeated in the export, several ChartHop
//! people for one row, or an email that belongs to someone else is a conflict with a reason.
//! This module decides matches only; what changes is decided in `categories`.

use std::collections::HashMap;

use super::ConflictKind;
use crate::fetch::Roster;
use crate::mapping::{Desired, Mapping};

pub(super) const WORK_EMAIL: &str = "contact.workEmail";

/// How one export row relates to the roster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Outcome {
    /// The row is this roster person (index), matched as `how` explains.
    Matched { person: usize, how: String },
    /// No ChartHop person has this row's key or email.
    NoMatch,
    /// Left out: the kind, the reason with what to do, and the roster people involved.
    Conflict {
        kind: ConflictKind,
        reason: String,
        people: Vec<usize>,
    },
}

/// The roster and the export, indexed for matching.
pub(super) struct Index<'a> {
    pub mapping: &'a Mapping,
    pub desired: &'a [Desired],
    pub roster: &'a Roster,
    pub key_code: &'a str,
    pub email_field: Option<usize>,
    /// Roster: payroll key -> people; lower-cased work email -> people.
    pub by_key: HashMap<&'a str, Vec<usize>>,
    pub by_email: HashMap<String, Vec<usize>>,
    /// Export: payroll key -> row indexes; lower-cased work email -> row indexes.
    pub export_keys: HashMap<&'a str, Vec<usize>>,
    pub export_emails: HashMap<String, Vec<usize>>,
}

impl<'a> Index<'a> {
    pub fn new(mapping: &'a Mapping, desired: &'a [Desired], roster: &'a Roster) -> Self {
        let key_code = mapping.key.charthop_field.as_str();
        let mut by_key: HashMap<&str, Vec<usize>> = HashMap::new();
        let mut by_email: HashMap<String, Vec<usize>> = HashMap::new();
        for p in roster.iter() {
            let i = p.index();
            let key = p.get(key_code).trim();
            if !key.is_empty() {
                by_key.entry(key).or_default().push(i);
            }
            let email = p.get(WORK_EMAIL).trim().to_lowercase();
            if !email.is_empty() {
                by_email.entry(email).or_default().push(i);
            }
        }
        let email_field = mapping.field_index(WORK_EMAIL);
        let mut export_keys: HashMap<&str, Vec<usize>> = HashMap::new();
        let mut export_emails: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, d) in desired.iter().enumerate() {
            if let Some(k) = &d.key {
                export_keys.entry(k.as_str()).or_default().push(i);
            }
            if let Some(e) = desired_email(d, email_field) {
                export_emails.entry(e).or_default().push(i);
            }
        }
        Index {
            mapping,
            desired,
            roster,
            key_code,
            email_field,
            by_key,
            by_email,
            export_keys,
            export_emails,
        }
    }

    /// The row's work email from the export (trimmed, lower-cased), else its fallback key.
    pub fn email(&self, d: &Desired) -> Option<String> {
        desired_email(d, self.email_field)
    }

    /// Matches one row, on its own: two rows matching the same person are found afterwards
    /// by [`claims`].
    pub fn match_row(&self, d: &Desired) -> Outcome {
        let conflict = |kind, reason: String, people: Vec<usize>| Outcome::Conflict {
            kind,
            reason,
            people,
        };
        if let Some(k) = &d.key
            && let Some(rows) = self.export_keys.get(k.as_str())
            && rows.len() > 1
        {
            return conflict(
                ConflictKind::DuplicateKey,
                format!(
                    "the payroll key `{k}` appears on rows {}; fix the export so each person appears once",
                    self.row_numbers(rows)
                ),
                self.by_key.get(k.as_str()).cloned().unwrap_or_default(),
            );
        }
        let email = self.email(d);
        if let Some(e) = &email
            && let Some(rows) = self.export_emails.get(e)
            && rows.len() > 1
        {
            return conflict(
                ConflictKind::DuplicateEmail,
                format!(
                    "the work email `{e}` appears on rows {}; each person needs their own",
                    self.row_numbers(rows)
                ),
                self.by_email.get(e).cloned().unwrap_or_default(),
            );
        }
        if let Some(k) = &d.key
            && let Some(people) = self.by_key.get(k.as_str())
        {
            if people.len() > 1 {
                return conflict(
                    ConflictKind::SeveralPeople,
                    format!(
                        "{} ChartHop people have `{}` = `{k}` ({}); correct them in ChartHop",
                        people.len(),
                        self.key_code,
                        self.names(people)
                    ),
                    people.clone(),
                );
            }
            let person = people[0];
            // The row's email must not belong to another ChartHop person.
            if let Some(e) = &email
                && let Some(owners) = self.by_email.get(e)
                && let Some(&other) = owners.iter().find(|&&o| o != person)
            {
                return conflict(
                    ConflictKind::EmailOwnedByOther,
                    format!(
                        "`{}` = `{k}` is {} in ChartHop, but the work email `{e}` belongs to {}; check both records",
                        self.key_code,
                        self.name(person),
                        self.name(other)
                    ),
                    vec![person, other],
                );
            }
            return Outcome::Matched {
                person,
                how: format!("matched by {}", self.key_code),
            };
        }
        if let (Some((_, fallback_code)), Some(f)) = (&self.mapping.key.fallback, &d.fallback)
            && let Some(people) = self.by_email.get(f)
        {
            if people.len() > 1 {
                return conflict(
                    ConflictKind::SeveralPeople,
                    format!(
                        "{} ChartHop people have the work email `{f}` ({}); correct them in ChartHop",
                        people.len(),
                        self.names(people)
                    ),
                    people.clone(),
                );
            }
            let person = people[0];
            let their_key = self.roster.person(person).get(self.key_code).trim();
            if let Some(k) = &d.key
                && !their_key.is_empty()
                && their_key != k
            {
                return conflict(
                    ConflictKind::EmailOwnedByOther,
                    format!(
                        "the work email `{f}` belongs to {} with {} `{their_key}`, not `{k}`; check both records",
                        self.name(person),
                        self.key_code
                    ),
                    vec![person],
                );
            }
            return Outcome::Matched {
                person,
                how: format!("matched by {fallback_code}"),
            };
        }
        if let Some(e) = &email
            && let Some(owners) = self.by_email.get(e)
        {
            return conflict(
                ConflictKind::EmailOwnedByOther,
                format!(
                    "no ChartHop person has this payroll key, but the work email `{e}` belongs to {}; check both records",
                    self.names(owners)
                ),
                owners.clone(),
            );
        }
        Outcome::NoMatch
    }

    fn row_numbers(&self, rows: &[usize]) -> String {
        let numbers: Vec<String> = rows
            .iter()
            .map(|&r| self.desired[r].row.to_string())
            .collect();
        numbers.join(", ")
    }

    /// A roster person as a reader finds them: name and job id.
    pub fn name(&self, person: usize) -> String {
        let p = self.roster.person(person);
        if p.name().is_empty() {
            format!("job `{}`", p.job_id())
        } else {
            format!("{} (job `{}`)", p.name(), p.job_id())
        }
    }

    fn names(&self, people: &[usize]) -> String {
        let names: Vec<String> = people.iter().map(|&p| self.name(p)).collect();
        names.join(", ")
    }
}

/// Turns rows that match the same person into conflicts: never guess which row is right.
pub(super) fn claims(index: &Index<'_>, outcomes: &mut [Outcome]) {
    let mut by_person: HashMap<usize, Vec<usize>> = HashMap::new();
    for (i, o) in outcomes.iter().enumerate() {
        if let Outcome::Matched { person, .. } = o {
            by_person.entry(*person).or_default().push(i);
        }
    }
    for (person, rows) in by_person {
        if rows.len() < 2 {
            continue;
        }
        let numbers = index.row_numbers(&rows);
        for i in rows {
            outcomes[i] = Outcome::Conflict {
                kind: ConflictKind::SamePerson,
                reason: format!(
                    "rows {numbers} all match {}; fix the export so each person appears once",
                    index.name(person)
                ),
                people: vec![person],
            };
        }
    }
}

fn desired_email(d: &Desired, email_field: Option<usize>) -> Option<String> {
    email_field
        .and_then(|i| d.values[i].as_ref())
        .map(|v| v.render().trim().to_lowercase())
        .filter(|e| !e.is_empty())
        .or_else(|| d.fallback.clone())
}
