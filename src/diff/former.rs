//! People who left ChartHop (`findPersons` with `includeAll`), indexed for telling a rehire
//! from a new hire: a row that matches nobody in the roster but whose payroll key or work email
//! belongs to a former person brings that person back.
//!
//! A former person is one in the list with a last day in the org (`endDateOrg`) and no job in
//! the roster (the `jobId` `findPersons` gives them, if any, is no roster job's).

use std::borrow::Cow;

use crate::fetch::{Column, Roster};
use crate::textindex::{Fold, TextIndex};

/// The people list, indexed by payroll key and work email.
pub(super) struct Former<'a> {
    people: &'a Roster,
    key_col: Option<Column>,
    email_col: Option<Column>,
    end_col: Option<Column>,
    by_key: Cow<'a, TextIndex>,
    by_email: Cow<'a, TextIndex>,
    /// The job each person holds (`findPersons`' `jobId`), to leave out anyone in the roster.
    job_col: Option<Column>,
    roster: &'a Roster,
}

/// Who a row is among the former people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum FormerMatch {
    None,
    One(usize),
    Several(Vec<usize>),
}

impl<'a> Former<'a> {
    /// Indexes `people` (rows keyed by person id) for `key_code`, leaving out anyone who holds
    /// a job in `roster`.
    pub(super) fn new(people: &'a Roster, key_code: &str, roster: &'a Roster) -> Former<'a> {
        let key_col = people.column(key_code);
        let email_col = people.column(super::keys::WORK_EMAIL);
        let index = |code: &str, col: Option<Column>, fold: Fold| match people.index(code, fold) {
            Some(ix) => Cow::Borrowed(ix),
            None => {
                let text = move |i: u32| col.map_or("", |c| people.person(i as usize).value(c));
                let mut ix = TextIndex::new(fold, people.len());
                for p in people.iter() {
                    let id = p.index() as u32;
                    ix.insert(id, text(id), text);
                }
                Cow::Owned(ix)
            }
        };
        Former {
            people,
            key_col,
            email_col,
            end_col: people.column("endDateOrg"),
            by_key: index(key_code, key_col, Fold::Trim),
            by_email: index(super::keys::WORK_EMAIL, email_col, Fold::TrimLower),
            job_col: people.column("jobId"),
            roster,
        }
    }

    /// The former people with this payroll key or work email.
    pub(super) fn find(&self, key: Option<&str>, email: Option<&str>) -> FormerMatch {
        let text = |col: Option<Column>| {
            let people = self.people;
            move |i: u32| col.map_or("", |c| people.person(i as usize).value(c))
        };
        let mut found: Vec<usize> = Vec::new();
        if let Some(k) = key.filter(|k| !k.is_empty()) {
            found.extend(self.by_key.get(k, text(self.key_col)).map(|i| i as usize));
        }
        if let Some(e) = email.filter(|e| !e.is_empty()) {
            found.extend(
                self.by_email
                    .get(e, text(self.email_col))
                    .map(|i| i as usize),
            );
        }
        found.retain(|&i| self.is_former(i));
        // One person may be listed twice (looked up by key and by email): by id, once.
        found.sort_unstable_by_key(|&i| (self.people.person(i).job_id(), i));
        found.dedup_by_key(|i| self.people.person(*i).job_id());
        match found.as_slice() {
            [] => FormerMatch::None,
            [one] => FormerMatch::One(*one),
            _ => FormerMatch::Several(found),
        }
    }

    /// True for someone who left: a last day, and no job in the roster.
    fn is_former(&self, i: usize) -> bool {
        let p = self.people.person(i);
        let ended = self.end_col.is_some_and(|c| !p.value(c).trim().is_empty());
        let job = self.job_col.map_or("", |c| p.value(c).trim());
        ended && (job.is_empty() || self.roster.find_job(job).is_none())
    }

    /// A former person's id, work email, name and last day.
    pub(super) fn person(&self, i: usize) -> FormerPerson<'a> {
        let p = self.people.person(i);
        let value = |col: Option<Column>| col.map_or("", |c| p.value(c));
        FormerPerson {
            id: p.job_id(),
            email: value(self.email_col),
            name: p.name(),
            end_date: value(self.end_col),
        }
    }
}

/// What the plan says of a former person.
#[derive(Debug, Clone, Copy)]
pub(super) struct FormerPerson<'a> {
    pub id: &'a str,
    pub email: &'a str,
    pub name: &'a str,
    pub end_date: &'a str,
}
