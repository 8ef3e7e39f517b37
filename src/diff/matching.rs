//! Matching: which ChartHop person (if any) each export row is, and why.
//!
//! Rows are matched by the mapping's key, then by its fallback (the work email, compared
//! without case). Nothing is guessed: a key or email repeated in the export, several ChartHop
//! people for one row, or an email that belongs to someone else is a conflict with a reason.
//! This module decides matches only; what changes is decided in `categories`, and what is known
//! of the whole export (repeats, rows claiming the same person) in `facts`.

use std::borrow::Cow;

use super::ConflictKind;
use super::export_facts::ExportFacts;
use super::keys::{WORK_EMAIL, desired_email};
use crate::fetch::{Column, Roster};
use crate::mapping::{Desired, Mapping};
use crate::textindex::{Fold, Ids, TextIndex};

/// How one export row relates to the roster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Outcome {
    /// The row is this roster person (index), matched as `how` explains.
    Matched { person: usize, how: How },
    /// No ChartHop person has this row's key or email.
    NoMatch,
    /// Left out: the kind, the reason with what to do, and the roster people involved.
    Conflict {
        kind: ConflictKind,
        reason: String,
        people: Vec<usize>,
    },
}

/// Which key matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum How {
    Key,
    Fallback,
}

/// A manager as the import names them: work email, and ChartHop job when they have one.
pub(super) type Manager = (String, Option<String>);

/// The roster, indexed for matching, and what is known of the export as a whole.
pub(super) struct Context<'a> {
    pub mapping: &'a Mapping,
    pub roster: &'a Roster,
    pub key_code: &'a str,
    /// The mapped field holding the work email, if any.
    pub email_field: Option<usize>,
    /// Each mapped field's column in the roster.
    pub field_cols: Vec<Option<Column>>,
    key_col: Option<Column>,
    email_col: Option<Column>,
    /// Roster: payroll key -> people; work email (without case) -> people.
    by_key: Cow<'a, TextIndex>,
    by_email: Cow<'a, TextIndex>,
    pub facts: ExportFacts,
    /// `matched by <key>` and `matched by <fallback>`.
    matched_by: [String; 2],
    /// The last manager looked up: payroll key, work email and ChartHop job.
    pub manager_memo: std::cell::RefCell<Option<(String, Option<std::sync::Arc<Manager>>)>>,
    /// The plan's as-of date: "future" and "past" are relative to it.
    pub as_of: chrono::NaiveDate,
    /// The mapped `startDate` field, if any.
    pub start_field: Option<usize>,
    /// The `resolve = "manager"` field, if any.
    pub manager_field: Option<usize>,
    /// People who left ChartHop, when they were fetched (rows no roster person matches are
    /// looked up there: a rehire, not a new hire).
    pub former: Option<super::former::Former<'a>>,
}

impl<'a> Context<'a> {
    /// Indexes the roster for `mapping`, for a plan as of `as_of`; export facts are added as
    /// the passes learn them.
    pub fn new(mapping: &'a Mapping, roster: &'a Roster, as_of: chrono::NaiveDate) -> Self {
        let key_code = mapping.key.charthop_field.as_str();
        let key_col = roster.column(key_code);
        let email_col = roster.column(WORK_EMAIL);
        let text = |col: Option<Column>| column_text(roster, col);
        // The roster may have been indexed while it was fetched; else the index is built here.
        let index = |code: &str, col: Option<Column>, fold: Fold| match roster.index(code, fold) {
            Some(ix) => Cow::Borrowed(ix),
            None => {
                let mut ix = TextIndex::new(fold, roster.len());
                for p in roster.iter() {
                    let id = p.index() as u32;
                    ix.insert(id, text(col)(id), text(col));
                }
                Cow::Owned(ix)
            }
        };
        let by_key = index(key_code, key_col, Fold::Trim);
        let by_email = index(WORK_EMAIL, email_col, Fold::TrimLower);
        Context {
            mapping,
            roster,
            key_code,
            email_field: mapping.field_index(WORK_EMAIL),
            field_cols: mapping
                .fields
                .iter()
                .map(|f| roster.column(&f.code))
                .collect(),
            key_col,
            email_col,
            by_key,
            by_email,
            facts: ExportFacts::default(),
            manager_memo: std::cell::RefCell::new(None),
            as_of,
            start_field: mapping.field_index("startDate"),
            manager_field: mapping.fields.iter().position(|f| f.resolve_manager),
            former: None,
            matched_by: [
                format!("matched by {key_code}"),
                format!(
                    "matched by {}",
                    mapping
                        .key
                        .fallback
                        .as_ref()
                        .map_or(key_code, |(_, c)| c.as_str())
                ),
            ],
        }
    }

    /// A roster person's payroll key (as ChartHop has it).
    pub fn key_of(&self, person: usize) -> &'a str {
        self.key_col
            .map_or("", |c| self.roster.person(person).value(c))
    }

    /// A roster person's work email (as ChartHop has it).
    pub fn email_of(&self, person: usize) -> &'a str {
        self.email_col
            .map_or("", |c| self.roster.person(person).value(c))
    }

    /// Roster people whose payroll key is `key` (trimmed).
    pub fn people_with_key(&self, key: &str) -> Ids<'_> {
        self.by_key.get(key, column_text(self.roster, self.key_col))
    }

    /// Roster people whose work email is `email` (trimmed, without case).
    pub fn people_with_email(&self, email: &str) -> Ids<'_> {
        self.by_email
            .get(email, column_text(self.roster, self.email_col))
    }

    /// The one roster person with this payroll key, if exactly one has it.
    pub fn single_with_key(&self, key: &str) -> Option<usize> {
        let ids = self.people_with_key(key);
        (ids.len() == 1)
            .then(|| ids.map(|i| i as usize).next())
            .flatten()
    }

    /// The one roster person with this work email, if exactly one has it.
    pub fn single_with_email(&self, email: &str) -> Option<usize> {
        let ids = self.people_with_email(email);
        (ids.len() == 1)
            .then(|| ids.map(|i| i as usize).next())
            .flatten()
    }

    /// The row's work email from the export (trimmed, lower-cased), else its fallback key.
    pub fn email<'d>(&self, d: &'d Desired) -> Option<Cow<'d, str>> {
        desired_email(d, self.email_field)
    }

    /// Matches one row. With `repeats`, a key or email that the export repeats is a conflict
    /// (the export's repeats must be known by then); two rows matching the same person are
    /// settled by the caller with [`ExportFacts::contested`].
    pub fn match_row(&self, d: &Desired, email: Option<&str>, repeats: bool) -> Outcome {
        let conflict = |kind, reason: String, people: Vec<usize>| Outcome::Conflict {
            kind,
            reason,
            people,
        };
        let all = |ids: Ids<'_>| ids.map(|i| i as usize).collect::<Vec<_>>();
        if repeats {
            if let Some(k) = &d.key
                && let Some(rows) = self.facts.rows_with_key(k)
            {
                return conflict(
                    ConflictKind::DuplicateKey,
                    format!(
                        "the payroll key `{k}` appears on rows {}; fix the export so each person appears once",
                        row_numbers(rows)
                    ),
                    all(self.people_with_key(k)),
                );
            }
            if let Some(e) = email
                && let Some(rows) = self.facts.rows_with_email(e)
            {
                return conflict(
                    ConflictKind::DuplicateEmail,
                    format!(
                        "the work email `{e}` appears on rows {}; each person needs their own",
                        row_numbers(rows)
                    ),
                    all(self.people_with_email(e)),
                );
            }
        }
        if let Some(k) = &d.key {
            let people = self.people_with_key(k);
            if people.len() > 1 {
                let people = all(people);
                return conflict(
                    ConflictKind::SeveralPeople,
                    format!(
                        "{} ChartHop people have `{}` = `{k}` ({}); correct them in ChartHop",
                        people.len(),
                        self.key_code,
                        self.names(&people)
                    ),
                    people,
                );
            }
            if let Some(person) = people.map(|i| i as usize).next() {
                // The row's email must not belong to another ChartHop person (nobody else can
                // have it when it is this person's and no two people share an email).
                let theirs = || {
                    !self.by_email.has_repeats()
                        && email
                            .is_some_and(|e| self.by_email.fold().equal(e, self.email_of(person)))
                };
                if let Some(e) = email
                    && !theirs()
                    && let Some(other) = self
                        .people_with_email(e)
                        .map(|o| o as usize)
                        .find(|&o| o != person)
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
                    how: How::Key,
                };
            }
        }
        if let (Some(_), Some(f)) = (&self.mapping.key.fallback, &d.fallback) {
            let people = self.people_with_email(f);
            if people.len() > 1 {
                let people = all(people);
                return conflict(
                    ConflictKind::SeveralPeople,
                    format!(
                        "{} ChartHop people have the work email `{f}` ({}); correct them in ChartHop",
                        people.len(),
                        self.names(&people)
                    ),
                    people,
                );
            }
            if let Some(person) = people.map(|i| i as usize).next() {
                let their_key = self.key_of(person).trim();
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
                    how: How::Fallback,
                };
            }
        }
        if let Some(e) = email {
            let owners = all(self.people_with_email(e));
            if !owners.is_empty() {
                return conflict(
                    ConflictKind::EmailOwnedByOther,
                    format!(
                        "no ChartHop person has this payroll key, but the work email `{e}` belongs to {}; check both records",
                        self.names(&owners)
                    ),
                    owners,
                );
            }
        }
        Outcome::NoMatch
    }

    /// How a match is explained in the plan (`matched by contact.employee`).
    pub fn how(&self, how: How) -> &str {
        match how {
            How::Fallback => &self.matched_by[1],
            How::Key => &self.matched_by[0],
        }
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

    /// A matched row becomes a conflict when other rows match the same person too.
    pub fn settle(&self, outcome: Outcome) -> Outcome {
        match outcome {
            Outcome::Matched { person, .. } => match self.facts.contested(person) {
                Some(rows) => Outcome::Conflict {
                    kind: ConflictKind::SamePerson,
                    reason: format!(
                        "rows {} all match {}; fix the export so each person appears once",
                        row_numbers(rows),
                        self.name(person)
                    ),
                    people: vec![person],
                },
                None => outcome,
            },
            other => other,
        }
    }
}

/// Person id -> their value in `col` (`""` without the column): what the indexes compare.
fn column_text<'r>(roster: &'r Roster, col: Option<Column>) -> impl Fn(u32) -> &'r str + Copy {
    move |i| col.map_or("", |c| roster.person(i as usize).value(c))
}

/// Row numbers as a reader finds them: `3, 7`.
pub(super) fn row_numbers(rows: &[usize]) -> String {
    let numbers: Vec<String> = rows.iter().map(usize::to_string).collect();
    numbers.join(", ")
}
