//! The org's memory beyond its current jobs: former people (people without a job, kept with
//! their end date, work email, employee id and names) and the change log ([`Change`]: every
//! hire, departure and update an import or the seed made, with its effective date; a change
//! dated after today is scheduled until the clock reaches it).
//!
//! This module stores and indexes; it never decides what a change does (see `lifecycle`) or
//! how it is served (see `routes::changes`). Layering: above `model` and `dates`; below
//! `state`, which holds a [`History`].

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Bound;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::model::Person;

/// The kind of a change (ChartHop's change `type`).
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "UPPERCASE")]
pub enum ChangeType {
    /// A person starts (created or rehired); dated by their start date.
    Hire,
    /// A person leaves; dated by their last day.
    Depart,
    /// Field changes; dated by the row's `Date`, else `defaultChangeDate`, else today.
    Update,
}

impl ChangeType {
    /// The API spelling, e.g. `DEPART`.
    pub fn code(self) -> &'static str {
        match self {
            ChangeType::Hire => "HIRE",
            ChangeType::Depart => "DEPART",
            ChangeType::Update => "UPDATE",
        }
    }

    /// Parses the API spelling ignoring case; `None` otherwise.
    pub fn parse(raw: &str) -> Option<ChangeType> {
        [ChangeType::Hire, ChangeType::Depart, ChangeType::Update]
            .into_iter()
            .find(|t| raw.trim().eq_ignore_ascii_case(t.code()))
    }
}

/// A change's status (ChartHop's `ACTIVE | STRUCK | CONFLICT | ...`).
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "UPPERCASE")]
pub enum ChangeStatus {
    /// In force, or scheduled.
    Active,
    /// Dropped before it took effect (its person left first).
    Struck,
    /// Scheduled, but it could not be applied when its day came (see its note).
    Conflict,
}

impl ChangeStatus {
    /// The API spelling, e.g. `ACTIVE`.
    pub fn code(self) -> &'static str {
        match self {
            ChangeStatus::Active => "ACTIVE",
            ChangeStatus::Struck => "STRUCK",
            ChangeStatus::Conflict => "CONFLICT",
        }
    }
}

/// Why a person leaves (ChartHop's `departType`).
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "UPPERCASE")]
pub enum DepartType {
    /// They chose to.
    Voluntary,
    /// They were let go.
    Involuntary,
}

impl DepartType {
    /// The API spelling, e.g. `VOLUNTARY`.
    pub fn code(self) -> &'static str {
        match self {
            DepartType::Voluntary => "VOLUNTARY",
            DepartType::Involuntary => "INVOLUNTARY",
        }
    }

    /// Parses `Voluntary`/`Involuntary` in any case; `None` otherwise.
    pub fn parse(raw: &str) -> Option<DepartType> {
        [DepartType::Voluntary, DepartType::Involuntary]
            .into_iter()
            .find(|t| raw.trim().eq_ignore_ascii_case(t.code()))
    }
}

/// Whether a departure is regretted (ChartHop's `departRegret`).
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "UPPERCASE")]
pub enum Regret {
    /// A loss.
    Regret,
    /// Not a loss.
    Nonregret,
}

impl Regret {
    /// The API spelling, e.g. `NONREGRET`.
    pub fn code(self) -> &'static str {
        match self {
            Regret::Regret => "REGRET",
            Regret::Nonregret => "NONREGRET",
        }
    }

    /// Parses `Regret`, `Non-regret`, `Non regret` or `NONREGRET` in any case; `None`
    /// otherwise.
    pub fn parse(raw: &str) -> Option<Regret> {
        let key: String = raw
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-' && *c != '_')
            .flat_map(char::to_lowercase)
            .collect();
        match key.as_str() {
            "regret" => Some(Regret::Regret),
            "nonregret" => Some(Regret::Nonregret),
            _ => None,
        }
    }
}

/// The details of a departure.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Departure {
    /// `departType`, when given.
    pub depart_type: Option<DepartType>,
    /// `departRegret`, when given.
    pub regret: Option<Regret>,
    /// Free-text reason, when given.
    pub reason: Option<String>,
    /// Whether the job stays as an open backfill (else it is removed).
    pub backfill: bool,
}

/// One recorded change.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Change {
    /// 24-hex id; changes are listed in id order (creation order).
    pub id: String,
    /// HIRE, DEPART or UPDATE.
    pub kind: ChangeType,
    /// The effective date (a departure's date is the last day worked).
    #[serde(with = "crate::dates::iso")]
    pub date: NaiveDate,
    /// The person it concerns.
    pub person_id: String,
    /// The job it concerns (possibly removed since).
    pub job_id: String,
    /// ACTIVE, STRUCK or CONFLICT.
    pub status: ChangeStatus,
    /// Whether it took effect; an ACTIVE change not yet done is scheduled (`upcoming[]`).
    pub done: bool,
    /// The fields it sets, by field code: raw cells while scheduled (checked again when due),
    /// the values stored once done.
    #[serde(default)]
    pub fields: BTreeMap<String, String>,
    /// Whether a scheduled update may create the groups it names (the import's flag).
    #[serde(default)]
    pub create_groups: bool,
    /// ISO timestamp of its creation.
    pub create_at: String,
    /// The import process that made it, if any.
    #[serde(default)]
    pub process_id: Option<String>,
    /// When a future change was announced (the clock's today when it was recorded).
    #[serde(default, with = "crate::dates::iso_opt")]
    pub announce_date: Option<NaiveDate>,
    /// A departure's details.
    #[serde(default)]
    pub departure: Option<Departure>,
    /// Why a scheduled change was struck or conflicted.
    #[serde(default)]
    pub note: Option<String>,
}

impl Change {
    /// The first day the change is in force: the day after a departure's last day, else its
    /// date.
    pub fn effective(&self) -> NaiveDate {
        match self.kind {
            ChangeType::Depart => self.date.succ_opt().unwrap_or(self.date),
            _ => self.date,
        }
    }

    /// Whether it is still to take effect.
    pub fn scheduled(&self) -> bool {
        !self.done && self.status == ChangeStatus::Active
    }
}

/// Former people and the change log, with indexes rebuilt by [`History::reindex`].
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct History {
    former: BTreeMap<String, Person>,
    changes: BTreeMap<String, Change>,
    #[serde(skip)]
    former_by_email: HashMap<String, String>,
    #[serde(skip)]
    pending: BTreeSet<(NaiveDate, String)>,
    #[serde(skip)]
    pending_by_job: HashMap<String, BTreeSet<String>>,
}

impl History {
    /// Rebuilds the indexes; call after deserializing.
    pub fn reindex(&mut self) {
        self.former_by_email = self
            .former
            .values()
            .filter_map(|p| Some((p.work_email.as_ref()?.to_lowercase(), p.id.clone())))
            .collect();
        self.pending.clear();
        self.pending_by_job.clear();
        let scheduled: Vec<(NaiveDate, String, String)> = self
            .changes
            .values()
            .filter(|c| c.scheduled())
            .map(|c| (c.effective(), c.id.clone(), c.job_id.clone()))
            .collect();
        for (day, id, job) in scheduled {
            self.index(day, id, job);
        }
    }

    fn index(&mut self, day: NaiveDate, id: String, job: String) {
        self.pending.insert((day, id.clone()));
        self.pending_by_job.entry(job).or_default().insert(id);
    }

    fn unindex(&mut self, change: &Change) {
        self.pending
            .remove(&(change.effective(), change.id.clone()));
        if let Some(ids) = self.pending_by_job.get_mut(&change.job_id) {
            ids.remove(&change.id);
            if ids.is_empty() {
                self.pending_by_job.remove(&change.job_id);
            }
        }
    }

    /// Keeps a person who has no job (replacing one with the same id).
    pub fn add_former(&mut self, person: Person) {
        self.take_former(&person.id);
        if let Some(email) = &person.work_email {
            self.former_by_email
                .insert(email.to_lowercase(), person.id.clone());
        }
        self.former.insert(person.id.clone(), person);
    }

    /// Removes and returns a former person (to rehire them).
    pub fn take_former(&mut self, id: &str) -> Option<Person> {
        let person = self.former.remove(id)?;
        if let Some(email) = &person.work_email {
            self.former_by_email.remove(&email.to_lowercase());
        }
        Some(person)
    }

    /// The former person whose work email this is (case-insensitive).
    pub fn former_by_email(&self, email: &str) -> Option<&Person> {
        self.former_by_email
            .get(&email.trim().to_lowercase())
            .and_then(|id| self.former.get(id))
    }

    /// The former person with this id.
    pub fn former(&self, id: &str) -> Option<&Person> {
        self.former.get(id)
    }

    /// Former people with an id strictly greater than `from` (all when `None`), by id.
    pub fn former_after<'a>(&'a self, from: Option<&'a str>) -> impl Iterator<Item = &'a Person> {
        let lower = from.map_or(Bound::Unbounded, Bound::Excluded);
        self.former
            .range::<str, _>((lower, Bound::Unbounded))
            .map(|(_, p)| p)
    }

    /// Records a change (scheduled when ACTIVE and not done).
    pub fn record(&mut self, change: Change) {
        if change.scheduled() {
            self.index(change.effective(), change.id.clone(), change.job_id.clone());
        }
        self.changes.insert(change.id.clone(), change);
    }

    /// The change with this id.
    pub fn change(&self, id: &str) -> Option<&Change> {
        self.changes.get(id)
    }

    /// Changes with an id strictly greater than `from` (all when `None`), by id.
    pub fn changes_after<'a>(&'a self, from: Option<&'a str>) -> impl Iterator<Item = &'a Change> {
        let lower = from.map_or(Bound::Unbounded, Bound::Excluded);
        self.changes
            .range::<str, _>((lower, Bound::Unbounded))
            .map(|(_, c)| c)
    }

    /// The scheduled change that takes effect first, if it is in force by `today`.
    pub fn next_due(&self, today: NaiveDate) -> Option<String> {
        self.pending
            .first()
            .filter(|(day, _)| *day <= today)
            .map(|(_, id)| id.clone())
    }

    /// Ends a scheduled change: done (ACTIVE), or STRUCK/CONFLICT with a note; with `fields`,
    /// replaces what it records as set.
    pub fn settle(
        &mut self,
        id: &str,
        status: ChangeStatus,
        note: Option<String>,
        fields: Option<BTreeMap<String, String>>,
    ) {
        let Some(change) = self.changes.get(id).cloned() else {
            return;
        };
        self.unindex(&change);
        if let Some(c) = self.changes.get_mut(id) {
            c.done = status == ChangeStatus::Active;
            c.status = status;
            c.note = note;
            if let Some(fields) = fields {
                c.fields = fields;
            }
        }
    }

    /// Moves a scheduled change to another date, and replaces its departure details when
    /// given.
    pub fn reschedule(&mut self, id: &str, date: NaiveDate, departure: Option<Departure>) {
        let Some(change) = self.changes.get(id).cloned() else {
            return;
        };
        self.unindex(&change);
        if let Some(c) = self.changes.get_mut(id) {
            c.date = date;
            if departure.is_some() {
                c.departure = departure;
            }
        }
        if change.scheduled() {
            self.index(
                self.changes.get(id).map_or(date, Change::effective),
                change.id,
                change.job_id,
            );
        }
    }

    /// The scheduled changes of a job, by effective date then id.
    pub fn upcoming(&self, job_id: &str) -> Vec<&Change> {
        let mut list: Vec<&Change> = self
            .pending_by_job
            .get(job_id)
            .into_iter()
            .flatten()
            .filter_map(|id| self.changes.get(id))
            .collect();
        list.sort_by(|a, b| (a.effective(), &a.id).cmp(&(b.effective(), &b.id)));
        list
    }
}

#[cfg(test)]
#[path = "history_tests.rs"]
mod tests;
