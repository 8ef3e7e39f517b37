//! The roster in memory: every person's values as text in one arena, a fixed row of 4-byte
//! references per person, and a compact job-id index. Repeated values (departments, titles,
//! dates, managers) are stored once per column while that column keeps repeating itself.
//!
//! Pages are parsed straight from ChartHop's JSON bytes into the arena, borrowing every string
//! that needs no unescaping, so a page costs no allocation per value ([`page`](super::page)
//! adds pages through the row-building calls here: begin, slot, set, end).

use std::collections::HashMap;

use super::arena::{Intern, NONE, read, store};
use super::error::RosterError;
use super::fingerprint::Fingerprint;
use crate::textindex::{Fold, TextIndex};

/// One filled job and its person, as built by hand (tests, tools): see [`Roster::new`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Person {
    pub job_id: String,
    /// Display name, for reports.
    pub name: String,
    /// Field code -> value as text. Empty values count as absent.
    pub values: HashMap<String, String>,
}

/// Slot of the job id and of the display name in a person's row of references.
const JOB: usize = 0;
const NAME: usize = 1;
/// The longest value kept (64 MiB); a page with a longer one is refused.
const MAX_VALUE: usize = (1 << 26) - 1;

/// A roster: people in ChartHop's order, indexed by job id.
#[derive(Debug, Clone)]
pub struct Roster {
    /// Field codes of the value slots (after the job id and the name).
    columns: Vec<String>,
    /// Length-prefixed values (prefixes are ASCII, so the arena stays valid UTF-8).
    text: String,
    /// `stride()` references per person into `text`, [`NONE`] for no value.
    refs: Vec<u32>,
    people: usize,
    by_job: TextIndex,
    /// Indexes of other fields, declared up front ([`Roster::with_indexes`]), kept up to date
    /// as people are added.
    indexes: Vec<FieldIndex>,
    /// Per slot: repeated values stored once.
    interns: Vec<Intern>,
    /// The slot each key of the last row went to, by key position (rows repeat their layout).
    layout: Vec<usize>,
    /// The key of a row's id: `jobId` for job rows, `id` for person rows.
    id_key: &'static str,
    /// The fingerprint of the people so far.
    fingerprint: Fingerprint,
}

impl Default for Roster {
    fn default() -> Roster {
        Roster {
            columns: Vec::new(),
            text: String::new(),
            refs: Vec::new(),
            people: 0,
            by_job: TextIndex::new(Fold::Trim, 1024),
            indexes: Vec::new(),
            interns: vec![Intern::off(), Intern::on()],
            layout: Vec::new(),
            id_key: "jobId",
            fingerprint: Fingerprint::default(),
        }
    }
}

/// An index on one field, kept as people are added.
#[derive(Debug, Clone)]
struct FieldIndex {
    code: String,
    /// The field's column, once a person had it.
    column: Option<usize>,
    index: TextIndex,
}

/// One person of the roster.
#[derive(Debug, Clone, Copy)]
pub struct PersonRef<'a> {
    roster: &'a Roster,
    index: usize,
}

impl<'a> PersonRef<'a> {
    /// The person's position in the roster.
    pub fn index(&self) -> usize {
        self.index
    }

    pub fn job_id(&self) -> &'a str {
        self.slot(JOB)
    }

    /// Display name, for reports (may be empty).
    pub fn name(&self) -> &'a str {
        self.slot(NAME)
    }

    /// The value of a field, or `""`.
    pub fn get(&self, code: &str) -> &'a str {
        self.roster.column(code).map_or("", |c| self.slot(c.0 + 2))
    }

    /// The value in a column found with [`Roster::column`], or `""`.
    pub fn value(&self, column: Column) -> &'a str {
        self.slot(column.0 + 2)
    }

    /// Every non-empty field value, as (code, value).
    pub fn values(&self) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
        let p = *self;
        self.roster
            .columns
            .iter()
            .enumerate()
            .map(move |(c, code)| (code.as_str(), p.slot(c + 2)))
            .filter(|(_, v)| !v.is_empty())
    }

    fn slot(&self, slot: usize) -> &'a str {
        let r = self.roster;
        r.refs
            .get(self.index * r.stride() + slot)
            .map_or("", |&at| read(&r.text, at))
    }
}

/// A field's column in the roster.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column(usize);

impl Roster {
    /// A roster of `people`, in that order (a person without a job id is left out).
    pub fn new(people: Vec<Person>) -> Roster {
        let mut roster = Roster::default();
        for p in people {
            roster.begin();
            let mut ok = roster.set(JOB, &p.job_id).is_ok();
            ok &= roster.set(NAME, &p.name).is_ok();
            let mut values: Vec<_> = p.values.into_iter().collect();
            values.sort();
            for (code, value) in values {
                let slot = roster.slot_for(&code);
                ok &= roster.set(slot, &value).is_ok();
            }
            if ok {
                roster.end();
            } else {
                roster.abandon();
            }
        }
        roster
    }

    /// An empty roster that indexes these fields (code, and how values compare) as people are
    /// added, so the index is built while pages arrive: see [`Roster::index`].
    pub fn with_indexes(fields: &[(&str, Fold)]) -> Roster {
        Roster {
            indexes: fields
                .iter()
                .map(|(code, fold)| FieldIndex {
                    code: code.to_string(),
                    column: None,
                    index: TextIndex::new(*fold, 1024),
                })
                .collect(),
            ..Roster::default()
        }
    }

    /// An empty list of `findPersons` rows (their id is `id`, returned by
    /// [`PersonRef::job_id`]) that indexes these fields as people are added.
    pub fn people_with_indexes(fields: &[(&str, Fold)]) -> Roster {
        Roster {
            id_key: "id",
            ..Roster::with_indexes(fields)
        }
    }

    /// The index of a field declared with [`Roster::with_indexes`] with this fold: value ->
    /// people.
    pub fn index(&self, code: &str, fold: Fold) -> Option<&TextIndex> {
        self.indexes
            .iter()
            .find(|f| f.code == code && f.index.fold() == fold)
            .map(|f| &f.index)
    }

    /// People in the roster.
    pub fn len(&self) -> usize {
        self.people
    }

    pub fn is_empty(&self) -> bool {
        self.people == 0
    }

    /// The person at `index` (`index < len()`).
    pub fn person(&self, index: usize) -> PersonRef<'_> {
        PersonRef {
            roster: self,
            index,
        }
    }

    /// Every person, in ChartHop's order.
    pub fn iter(&self) -> impl Iterator<Item = PersonRef<'_>> + '_ {
        (0..self.people).map(|index| self.person(index))
    }

    /// The column of a field code, when the roster has it.
    pub fn column(&self, code: &str) -> Option<Column> {
        self.columns.iter().position(|c| c == code).map(Column)
    }

    /// The person with this job id (the first, if ChartHop repeated it).
    pub fn find_job(&self, job_id: &str) -> Option<usize> {
        let stride = self.stride();
        self.by_job
            .first(job_id, |id| {
                read(&self.text, self.refs[id as usize * stride + JOB])
            })
            .map(|i| i as usize)
    }

    /// A fingerprint of the roster's content (job ids and field values, order-independent),
    /// recorded in the plan so a later `apply` can tell whether ChartHop moved. Taken as the
    /// people were added: asking costs nothing.
    pub fn fingerprint(&self) -> String {
        self.fingerprint.hex(self.people)
    }

    /// Heap bytes the roster holds (for the benchmark's bytes-per-person figure).
    pub fn heap_bytes(&self) -> usize {
        self.text.capacity()
            + self.refs.capacity() * 4
            + self.by_job.heap_bytes()
            + self
                .indexes
                .iter()
                .map(|f| f.index.heap_bytes())
                .sum::<usize>()
            + self.interns.iter().map(Intern::heap_bytes).sum::<usize>()
    }

    fn stride(&self) -> usize {
        self.columns.len() + 2
    }

    /// Starts a person: a row of empty references.
    pub(super) fn begin(&mut self) {
        let stride = self.stride();
        self.refs.resize(self.refs.len() + stride, NONE);
    }

    /// Drops the person begun last.
    pub(super) fn abandon(&mut self) {
        let stride = self.stride();
        self.refs.truncate(self.people * stride);
    }

    /// Ends the person begun last: kept and indexed when they have a job id.
    pub(super) fn end(&mut self) {
        let stride = self.stride();
        let id = self.people;
        if self.refs[id * stride + JOB] == NONE {
            self.abandon();
            return;
        }
        let Roster {
            by_job,
            text,
            refs,
            indexes,
            columns,
            fingerprint,
            ..
        } = self;
        let job = read(text, refs[id * stride + JOB]);
        fingerprint.add(job, columns, |c| read(text, refs[id * stride + c + 2]));
        by_job.insert(id as u32, job, |i| {
            read(text, refs[i as usize * stride + JOB])
        });
        for f in indexes.iter_mut() {
            // Columns are only ever appended, so a column once found stays where it is.
            if f.column.is_none() {
                f.column = columns.iter().position(|k| *k == f.code);
            }
            if let Some(c) = f.column {
                let slot = c + 2;
                let value = read(text, refs[id * stride + slot]);
                f.index.insert(id as u32, value, |i| {
                    read(text, refs[i as usize * stride + slot])
                });
            }
        }
        self.people += 1;
    }

    /// The slot of key number `position` in a row, learning the layout from the rows.
    pub(super) fn slot_at(&mut self, position: usize, key: &str) -> usize {
        if let Some(&slot) = self.layout.get(position)
            && self.slot_is(slot, key)
        {
            return slot;
        }
        let slot = self.slot_for(key);
        if self.layout.len() <= position {
            self.layout.resize(position + 1, usize::MAX);
        }
        self.layout[position] = slot;
        slot
    }

    fn slot_is(&self, slot: usize, key: &str) -> bool {
        match slot {
            JOB => key == self.id_key,
            NAME => key == "name",
            s => self.columns.get(s - 2).is_some_and(|c| c == key),
        }
    }

    /// The slot for a field code, adding a column (and widening every row) when it is new.
    fn slot_for(&mut self, key: &str) -> usize {
        if key == self.id_key {
            return JOB;
        }
        if key == "name" {
            return NAME;
        }
        if let Some(c) = self.columns.iter().position(|c| c == key) {
            return c + 2;
        }
        let old = self.stride();
        self.columns.push(key.to_string());
        self.fingerprint.column_added(&self.columns);
        self.interns.push(Intern::on());
        let new = self.stride();
        let rows = self.refs.len() / old;
        let mut widened = Vec::with_capacity(rows * new);
        for row in self.refs.chunks(old) {
            widened.extend_from_slice(row);
            widened.push(NONE);
        }
        self.refs = widened;
        new - 1
    }

    /// Sets a slot of the person begun last. Blank text is no value.
    pub(super) fn set(&mut self, slot: usize, value: &str) -> Result<(), RosterError> {
        if value.is_empty() {
            return Ok(());
        }
        if value.len() > MAX_VALUE {
            return Err(RosterError::ValueTooLong {
                field: match slot {
                    JOB => self.id_key.into(),
                    NAME => "name".into(),
                    s => self.columns[s - 2].clone(),
                },
            });
        }
        let at = match self.interns[slot].find(&self.text, value) {
            Some(at) => at,
            None => {
                let at = store(&mut self.text, value)?;
                self.interns[slot].add(value, at);
                at
            }
        };
        let stride = self.stride();
        let row = self.refs.len() / stride - 1;
        self.refs[row * stride + slot] = at;
        Ok(())
    }
}

#[cfg(test)]
#[path = "roster_tests.rs"]
mod tests;
