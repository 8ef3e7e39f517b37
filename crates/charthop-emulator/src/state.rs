//! The org the emulator serves, with its lookups (by id, by work email, by group name).
//!
//! This module knows nothing of HTTP, CSV or field codes on the wire; it offers lookups and a
//! two-phase edit API ([`OrgState::resolve`] validates a raw value without mutating, then
//! [`OrgState::apply`] stores it), which keeps an import row atomic without cloning the org.
//!
//! Layering: above `model` (the data and the stored-field table) and `ids`; below `fields`,
//! `import_csv`, `seed`, `persist` and the HTTP side, none of which it uses.

use std::collections::{BTreeMap, HashMap};
use std::ops::Bound;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub use crate::model::{Employment, Group, GroupKind, Job, Org, Person, User};

use crate::ids;

/// An attribute an import column or a test can set.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Attr {
    /// `name.first`
    FirstName,
    /// `name.last`
    LastName,
    /// `name.pref`
    PrefName,
    /// `title`
    Title,
    /// `contact.workEmail`
    WorkEmail,
    /// `contact.homeEmail`
    HomeEmail,
    /// `contact.workPhone`
    WorkPhone,
    /// `contact.employee`
    EmployeeId,
    /// `department` (by group name)
    Department,
    /// `location` (by group name)
    Location,
    /// `manager.contact.workEmail` (the manager's work email)
    ManagerEmail,
    /// `manager` (the manager's job id)
    ManagerJobId,
    /// `startDate`
    StartDate,
    /// `employment`
    Employment,
    /// One of [`crate::model::STORED`], by index.
    Stored(u8),
}

impl Attr {
    /// The field code this attribute is reported under in process events.
    pub fn code(self) -> &'static str {
        match self {
            Attr::FirstName => "name.first",
            Attr::LastName => "name.last",
            Attr::PrefName => "name.pref",
            Attr::Title => "title",
            Attr::WorkEmail => "contact.workEmail",
            Attr::HomeEmail => "contact.homeEmail",
            Attr::WorkPhone => "contact.workPhone",
            Attr::EmployeeId => "contact.employee",
            Attr::Department => "department",
            Attr::Location => "location",
            Attr::ManagerEmail => "manager.contact.workEmail",
            Attr::ManagerJobId => "manager",
            Attr::StartDate => "startDate",
            Attr::Employment => "employment",
            Attr::Stored(i) => crate::model::STORED
                .get(usize::from(i))
                .map_or("", |(code, _)| code),
        }
    }
}

/// A validated value, ready for [`OrgState::apply`].
#[derive(Clone, Debug)]
pub enum Resolved {
    /// A text attribute set to a value.
    Text(Attr, String),
    /// A group assignment; `Err(name)` means the group is created on apply.
    Group(GroupKind, Result<String, String>),
    /// The manager's job id.
    Manager(String),
    /// A start date.
    Date(NaiveDate),
    /// An employment type.
    Employment(Employment),
    /// Clears the attribute.
    Clear(Attr),
}

impl Resolved {
    /// The canonical text of the value, for process events.
    pub fn display(&self) -> String {
        match self {
            Resolved::Text(_, v) | Resolved::Manager(v) => v.clone(),
            Resolved::Group(_, Ok(id) | Err(id)) => id.clone(),
            Resolved::Date(d) => d.to_string(),
            Resolved::Employment(e) => e.code().to_string(),
            Resolved::Clear(_) => String::new(),
        }
    }
}

/// The whole org. Jobs are kept sorted by id; an index maps lower-cased work emails of
/// filled jobs to job ids.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct OrgState {
    /// The org.
    pub org: Org,
    groups: Vec<Group>,
    users: Vec<User>,
    jobs: BTreeMap<String, Job>,
    #[serde(skip)]
    by_email: HashMap<String, String>,
}

impl OrgState {
    /// An empty org.
    pub fn new(org: Org) -> Self {
        OrgState {
            org,
            groups: Vec::new(),
            users: Vec::new(),
            jobs: BTreeMap::new(),
            by_email: HashMap::new(),
        }
    }

    /// Rebuilds the email index; call after deserializing.
    pub fn reindex(&mut self) {
        self.by_email = self
            .jobs
            .values()
            .filter_map(|j| {
                let email = j.person.as_ref()?.work_email.as_ref()?;
                Some((email.to_lowercase(), j.id.clone()))
            })
            .collect();
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

    /// Inserts or replaces a job, keeping the email index current.
    pub fn insert_job(&mut self, job: Job) {
        if let Some(email) = self
            .jobs
            .get(&job.id)
            .and_then(|old| old.person.as_ref()?.work_email.as_ref())
        {
            self.by_email.remove(&email.to_lowercase());
        }
        if let Some(email) = job.person.as_ref().and_then(|p| p.work_email.as_ref()) {
            self.by_email.insert(email.to_lowercase(), job.id.clone());
        }
        self.jobs.insert(job.id.clone(), job);
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

    /// The filled job whose person has this work email (case-insensitive).
    pub fn job_by_email(&self, email: &str) -> Option<&Job> {
        self.by_email
            .get(&email.trim().to_lowercase())
            .and_then(|id| self.jobs.get(id))
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
    /// unknown manager, a job managing itself, a bad date or employment type.
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
                .ok_or_else(|| format!("start date `{raw}` is not YYYY-MM-DD or M/D/YYYY")),
            Attr::Employment => Employment::parse(raw)
                .map(Resolved::Employment)
                .ok_or_else(|| format!("unknown employment type `{raw}`")),
            Attr::WorkEmail => match self.job_by_email(raw) {
                Some(other) if other.id != job_id => {
                    Err(format!("work email `{raw}` is already used"))
                }
                _ => Ok(Resolved::Text(attr, raw.to_string())),
            },
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

/// Parses `YYYY-MM-DD` or `M/D/YYYY`.
pub fn parse_date(raw: &str) -> Option<NaiveDate> {
    let raw = raw.trim();
    NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(raw, "%m/%d/%Y"))
        .ok()
}

#[cfg(test)]
#[path = "state_tests.rs"]
mod tests;
