//! The org the emulator serves, with its lookups (by id, by work email, by person, by group
//! name), its [`History`] (former people, the change log) and the clock's explicit setting.
//!
//! This module knows nothing of HTTP, CSV or field codes on the wire, and decides no
//! transitions (see `lifecycle`); it offers lookups and a two-phase edit API
//! ([`OrgState::resolve`] validates a raw value without mutating, then [`OrgState::apply`]
//! stores it), which keeps an import row atomic without cloning the org.
//!
//! Custom fields' values are checked and stored by the child module `state_custom.rs`.
//!
//! Layering: above `model` (the data and the stored-field table), `attr`, `catalogue`,
//! `builtin` (stored fields' types), `custom_value`, `money`, `history`, `dates` and `ids`;
//! below `lifecycle`, `fields`, `people`, `import_csv`, `seed`, `persist` and the HTTP side,
//! none of which it uses.

use std::collections::{BTreeMap, HashMap};
use std::ops::Bound;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub use crate::attr::{Attr, Resolved};
pub use crate::model::{Employment, Group, GroupKind, Job, JobState, Org, Person, User};

use crate::catalogue::{Catalogue, Kind};
use crate::history::History;
use crate::ids;
use crate::money::Money;

#[path = "state_custom.rs"]
mod custom;

/// The whole org. Jobs are kept sorted by id; indexes map lower-cased work emails of people
/// in jobs, and person ids, to job ids.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct OrgState {
    /// The org.
    pub org: Org,
    groups: Vec<Group>,
    users: Vec<User>,
    jobs: BTreeMap<String, Job>,
    /// Former people and the change log.
    #[serde(default)]
    pub history: History,
    /// The date the clock was explicitly set to (`--today`, `POST /_emulator/today`); `None`:
    /// the system's UTC date.
    #[serde(default, with = "crate::dates::iso_opt")]
    pub clock: Option<NaiveDate>,
    /// The org's custom fields (options added by imports included).
    #[serde(default)]
    pub catalogue: Catalogue,
    #[serde(skip)]
    by_email: HashMap<String, String>,
    #[serde(skip)]
    by_person: BTreeMap<String, String>,
}

impl OrgState {
    /// An empty org.
    pub fn new(org: Org) -> Self {
        OrgState {
            org,
            groups: Vec::new(),
            users: Vec::new(),
            jobs: BTreeMap::new(),
            history: History::default(),
            clock: None,
            catalogue: Catalogue::default(),
            by_email: HashMap::new(),
            by_person: BTreeMap::new(),
        }
    }

    /// Rebuilds the indexes and makes each job's state agree with its person (a job without
    /// one is OPEN; an OPEN job with one is FILLED); call after deserializing.
    pub fn reindex(&mut self) {
        for job in self.jobs.values_mut() {
            match (&job.person, job.state) {
                (None, _) => job.state = JobState::Open,
                (Some(_), JobState::Open) => job.state = JobState::Filled,
                _ => {}
            }
        }
        self.by_email = self
            .jobs
            .values()
            .filter_map(|j| {
                let email = j.person.as_ref()?.work_email.as_ref()?;
                Some((email.to_lowercase(), j.id.clone()))
            })
            .collect();
        self.by_person = self
            .jobs
            .values()
            .filter_map(|j| Some((j.person.as_ref()?.id.clone(), j.id.clone())))
            .collect();
        self.history.reindex();
    }

    /// Adds a group (no duplicate check; the seed does that).
    pub fn add_group(&mut self, group: Group) {
        self.groups.push(group);
    }

    /// Adds a user.
    pub fn add_user(&mut self, user: User) {
        self.users.push(user);
    }

    /// Every user (logins), in seed order.
    pub fn users(&self) -> &[User] {
        &self.users
    }

    /// Inserts or replaces a job, keeping the indexes current.
    pub fn insert_job(&mut self, job: Job) {
        self.unindex_job(&job.id);
        if let Some(person) = &job.person {
            if let Some(email) = &person.work_email {
                self.by_email.insert(email.to_lowercase(), job.id.clone());
            }
            self.by_person.insert(person.id.clone(), job.id.clone());
        }
        self.jobs.insert(job.id.clone(), job);
    }

    fn unindex_job(&mut self, id: &str) {
        let Some(old) = self.jobs.get(id).and_then(|j| j.person.as_ref()) else {
            return;
        };
        if let Some(email) = &old.work_email
            && self.by_email.get(&email.to_lowercase()).map(String::as_str) == Some(id)
        {
            self.by_email.remove(&email.to_lowercase());
        }
        if self.by_person.get(&old.id).map(String::as_str) == Some(id) {
            self.by_person.remove(&old.id);
        }
    }

    /// Removes a job and returns it; the jobs it managed are given its manager instead.
    pub fn remove_job(&mut self, id: &str) -> Option<Job> {
        self.unindex_job(id);
        let job = self.jobs.remove(id)?;
        for other in self.jobs.values_mut() {
            if other.manager.as_deref() == Some(id) {
                other.manager = job.manager.clone();
            }
        }
        Some(job)
    }

    /// The job with this id.
    pub fn job(&self, id: &str) -> Option<&Job> {
        self.jobs.get(id)
    }

    /// All jobs, sorted by id.
    pub fn jobs(&self) -> impl Iterator<Item = &Job> {
        self.jobs.values()
    }

    /// Jobs with an id strictly greater than `from` (all when `None`), sorted by id.
    pub fn jobs_after<'a>(&'a self, from: Option<&'a str>) -> impl Iterator<Item = &'a Job> + 'a {
        let lower = from.map_or(Bound::Unbounded, Bound::Excluded);
        self.jobs
            .range::<str, _>((lower, Bound::Unbounded))
            .map(|(_, j)| j)
    }

    /// The job (FILLED, DEPART or START) whose person has this work email (case-insensitive).
    pub fn job_by_email(&self, email: &str) -> Option<&Job> {
        self.by_email
            .get(&email.trim().to_lowercase())
            .and_then(|id| self.jobs.get(id))
    }

    /// The job of the person with this id, if they are in one.
    pub fn job_by_person(&self, person_id: &str) -> Option<&Job> {
        self.by_person
            .get(person_id)
            .and_then(|id| self.jobs.get(id))
    }

    /// People in jobs with a person id strictly greater than `from` (all when `None`), by
    /// person id, each with their job.
    pub fn people_in_jobs_after<'a>(
        &'a self,
        from: Option<&'a str>,
    ) -> impl Iterator<Item = (&'a Person, &'a Job)> + 'a {
        let lower = from.map_or(Bound::Unbounded, Bound::Excluded);
        self.by_person
            .range::<str, _>((lower, Bound::Unbounded))
            .filter_map(|(_, job_id)| {
                let job = self.jobs.get(job_id)?;
                Some((job.person.as_ref()?, job))
            })
    }

    /// The group with this id.
    pub fn group(&self, id: &str) -> Option<&Group> {
        self.groups.iter().find(|g| g.id == id)
    }

    /// The group of this kind whose name matches, ignoring case and surrounding spaces.
    pub fn find_group(&self, kind: GroupKind, name: &str) -> Option<&Group> {
        let name = name.trim();
        self.groups
            .iter()
            .find(|g| g.kind == kind && g.name.eq_ignore_ascii_case(name))
    }

    /// Validates `raw` as a new value of `attr` for job `job_id` (which need not exist yet).
    /// An empty `raw` resolves to [`Resolved::Clear`].
    ///
    /// Fails with a one-sentence message for: an unknown group (unless `create_groups`), an
    /// unknown manager, a job managing itself, a bad date or employment type, a stored MONEY
    /// field's cell that is not an amount of money or a stored DATE field's that is not a date.
    pub fn resolve(
        &self,
        job_id: &str,
        attr: Attr,
        raw: &str,
        create_groups: bool,
    ) -> Result<Resolved, String> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Ok(Resolved::Clear(attr));
        }
        match attr {
            Attr::Department | Attr::Location => {
                let kind = if attr == Attr::Department {
                    GroupKind::Department
                } else {
                    GroupKind::Location
                };
                match self.find_group(kind, raw) {
                    Some(g) => Ok(Resolved::Group(kind, Ok(g.id.clone()))),
                    None if create_groups => Ok(Resolved::Group(kind, Err(raw.to_string()))),
                    None => Err(format!(
                        "no {} named `{raw}`; set createGroups=true to create it",
                        if kind == GroupKind::Department {
                            "department"
                        } else {
                            "location"
                        }
                    )),
                }
            }
            Attr::ManagerEmail => {
                let job = self
                    .job_by_email(raw)
                    .ok_or_else(|| format!("no manager with work email `{raw}`"))?;
                self.manager(job_id, &job.id)
            }
            Attr::ManagerJobId => {
                let job = self
                    .job(raw)
                    .ok_or_else(|| format!("no manager job with id `{raw}`"))?;
                self.manager(job_id, &job.id)
            }
            Attr::StartDate => parse_date(raw)
                .map(Resolved::Date)
                .ok_or_else(|| format!("start date `{raw}` is not M/D/YYYY or YYYY-MM-DD")),
            Attr::Employment => Employment::parse(raw)
                .map(Resolved::Employment)
                .ok_or_else(|| format!("unknown employment type `{raw}`")),
            Attr::WorkEmail => match self.job_by_email(raw) {
                Some(other) if other.id != job_id => {
                    Err(format!("work email `{raw}` is already used"))
                }
                _ if self.history.former_by_email(raw).is_some() => Err(format!(
                    "work email `{raw}` belongs to a former person; rehire them with it instead"
                )),
                _ => Ok(Resolved::Text(attr, raw.to_string())),
            },
            Attr::Stored(_) => stored(attr, raw),
            _ => Ok(Resolved::Text(attr, raw.to_string())),
        }
    }

    fn manager(&self, job_id: &str, manager_id: &str) -> Result<Resolved, String> {
        if manager_id == job_id {
            return Err("a person cannot manage themself".to_string());
        }
        Ok(Resolved::Manager(manager_id.to_string()))
    }

    /// Stores a value produced by [`OrgState::resolve`] on job `job_id`, creating the group it
    /// names if needed. Person attributes on an open job are ignored. Returns `false` when the
    /// job does not exist.
    pub fn apply(&mut self, job_id: &str, value: Resolved) -> bool {
        let value = match value {
            Resolved::Custom(set) => return self.store_custom(job_id, set),
            Resolved::Group(kind, Err(name)) => {
                let id = match self.find_group(kind, &name) {
                    Some(g) => g.id.clone(),
                    None => {
                        let id = ids::new_id();
                        self.groups.push(Group {
                            id: id.clone(),
                            kind,
                            name,
                        });
                        id
                    }
                };
                Resolved::Group(kind, Ok(id))
            }
            other => other,
        };
        let Some(mut job) = self.jobs.get(job_id).cloned() else {
            return false;
        };
        set_on_job(&mut job, value);
        self.insert_job(job);
        true
    }
}

fn set_on_job(job: &mut Job, value: Resolved) {
    let (attr, text) = match value {
        Resolved::Group(GroupKind::Department, id) => return job.department = id.ok(),
        Resolved::Group(GroupKind::Location, id) => return job.location = id.ok(),
        Resolved::Manager(id) => return job.manager = Some(id),
        Resolved::Date(d) => return job.start_date = Some(d),
        Resolved::Employment(e) => return job.employment = Some(e),
        Resolved::Text(attr, v) => (attr, Some(v)),
        Resolved::Clear(attr) => (attr, None),
        Resolved::Custom(_) => return,
    };
    match attr {
        Attr::Title => return job.title = text,
        Attr::Department => return job.department = None,
        Attr::Location => return job.location = None,
        Attr::ManagerEmail | Attr::ManagerJobId => return job.manager = None,
        Attr::StartDate => return job.start_date = None,
        Attr::Employment => return job.employment = None,
        _ => {}
    }
    let Some(person) = job.person.as_mut() else {
        return;
    };
    if let Attr::Stored(_) = attr {
        let code = attr.code().to_string();
        match text {
            Some(v) => person.extra.insert(code, v),
            None => person.extra.remove(&code),
        };
        return;
    }
    let slot = match attr {
        Attr::FirstName => &mut person.first_name,
        Attr::LastName => &mut person.last_name,
        Attr::PrefName => &mut person.pref_name,
        Attr::WorkEmail => &mut person.work_email,
        Attr::HomeEmail => &mut person.home_email,
        Attr::WorkPhone => &mut person.work_phone,
        _ => &mut person.employee_id,
    };
    *slot = text;
}

/// A stored field's value, checked by its built-in type (see [`stored_text`]).
fn stored(attr: Attr, raw: &str) -> Result<Resolved, String> {
    stored_text(attr.code(), raw).map(|text| Resolved::Text(attr, text))
}

/// The text a stored field (`code`, one of [`crate::model::STORED`]) keeps for the cell `raw`,
/// checked by its built-in type: a MONEY field's as `85000 USD` (an amount without a currency is
/// in dollars), a DATE field's as ISO, any other as given (trimmed).
///
/// Fails with a message naming the field and the cell when a MONEY cell is not an amount of
/// money or a DATE cell is not M/D/YYYY or YYYY-MM-DD.
pub fn stored_text(code: &str, raw: &str) -> Result<String, String> {
    let raw = raw.trim();
    match crate::builtin::get(code).map(|f| f.kind) {
        Some(Kind::Money) => Money::parse(raw).map(|m| m.text()).ok_or_else(|| {
            format!("`{code}` `{raw}` is not an amount of money (`85000` or `85000 USD`)")
        }),
        Some(Kind::Date) => parse_date(raw)
            .map(|d| d.to_string())
            .ok_or_else(|| format!("`{code}` `{raw}` is not M/D/YYYY or YYYY-MM-DD")),
        _ => Ok(raw.to_string()),
    }
}

/// Parses an import cell's date: `M/D/YYYY` or `YYYY-MM-DD` (see [`crate::dates::parse_cell`]).
pub fn parse_date(raw: &str) -> Option<NaiveDate> {
    crate::dates::parse_cell(raw)
}

#[cfg(test)]
#[path = "state_tests.rs"]
mod tests;
