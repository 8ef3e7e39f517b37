//! Field codes (`fields=`, Carrot filters) and their values on a job, including its lifecycle
//! (`state`, `upcoming`, `personStartDate`, `personEndDate`).
//!
//! Codes are matched case-insensitively; the org's custom fields answer by their code too
//! ([`FieldCode::parse_in`]). Values are computed from [`OrgState`]; a stored MONEY field
//! (`base`, `hourly`) is served as the spec's `Money` object. This module does not decide how
//! rows are shaped on the wire (see `routes::jobs`).
//!
//! Layering: this sits above `state` (it reads jobs, groups, the catalogue and the history's
//! scheduled changes through it and maps codes to [`Attr`]), `model` (the [`STORED`] table),
//! `catalogue` and `builtin` (how a stored field is served); none of them knows field codes.

use chrono::{Datelike, NaiveDate};
use serde_json::Value;

use crate::catalogue::{Catalogue, CustomField, Entity};
use crate::model::STORED;
use crate::state::{Attr, Job, OrgState, Person};

/// A field code the emulator can answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldCode {
    /// `jobId`
    JobId,
    /// `id` (same as `jobId`)
    Id,
    /// `personId`
    PersonId,
    /// `open`: `filled` for FILLED and DEPART jobs, `open` for OPEN and START
    Open,
    /// `state`: `OPEN`, `FILLED`, `DEPART` or `START`
    State,
    /// `upcoming`: the job's scheduled changes, `[{id, type, date, announceDate?, personId}]`
    Upcoming,
    /// `personStartDate`: the person's start (a rehire's new start), ISO
    PersonStartDate,
    /// `personEndDate`: the person's last day, while departing, ISO
    PersonEndDate,
    /// `endDate`: the same as `personEndDate`
    EndDate,
    /// `name`: preferred or first name, then last name
    Name,
    /// `name.first`
    NameFirst,
    /// `name.last`
    NameLast,
    /// `name.pref`
    NamePref,
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
    /// `department`
    Department,
    /// `department.name`
    DepartmentName,
    /// `location`
    Location,
    /// `location.name`
    LocationName,
    /// `manager`: the manager's job id
    Manager,
    /// `manager.contact.workEmail`
    ManagerWorkEmail,
    /// `startDate` (ISO)
    StartDate,
    /// `employment` (enum)
    Employment,
    /// `tenure`: whole months from the start date to "today"
    Tenure,
    /// One of [`STORED`], by index: a built-in field kept as text.
    Stored(u8),
    /// One of the org's custom fields, by catalogue handle: the job's value for a JOB field,
    /// its person's for a PERSON field.
    Custom(u16),
}

/// Every code with its canonical spelling, in the order the admin view lists them.
pub const ALL: [(&str, FieldCode); 27] = [
    ("jobId", FieldCode::JobId),
    ("id", FieldCode::Id),
    ("personId", FieldCode::PersonId),
    ("open", FieldCode::Open),
    ("state", FieldCode::State),
    ("upcoming", FieldCode::Upcoming),
    ("personStartDate", FieldCode::PersonStartDate),
    ("personEndDate", FieldCode::PersonEndDate),
    ("endDate", FieldCode::EndDate),
    ("name", FieldCode::Name),
    ("name.first", FieldCode::NameFirst),
    ("name.last", FieldCode::NameLast),
    ("name.pref", FieldCode::NamePref),
    ("title", FieldCode::Title),
    ("contact.workEmail", FieldCode::WorkEmail),
    ("contact.homeEmail", FieldCode::HomeEmail),
    ("contact.workPhone", FieldCode::WorkPhone),
    ("contact.employee", FieldCode::EmployeeId),
    ("department", FieldCode::Department),
    ("department.name", FieldCode::DepartmentName),
    ("location", FieldCode::Location),
    ("location.name", FieldCode::LocationName),
    ("manager", FieldCode::Manager),
    ("manager.contact.workEmail", FieldCode::ManagerWorkEmail),
    ("startDate", FieldCode::StartDate),
    ("employment", FieldCode::Employment),
    ("tenure", FieldCode::Tenure),
];

/// The codes `findJobs` returns when `fields` is absent.
pub const DEFAULT_FIELDS: &str = "jobId,personId,open,state,name,title,contact.workEmail,department,location,manager,startDate,employment";

impl FieldCode {
    /// Parses a code ignoring ASCII case; `None` for an unknown code.
    pub fn parse(raw: &str) -> Option<FieldCode> {
        let raw = raw.trim();
        ALL.iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(raw))
            .map(|(_, c)| *c)
            .or_else(|| {
                STORED
                    .iter()
                    .position(|code| code.eq_ignore_ascii_case(raw))
                    .and_then(|i| u8::try_from(i).ok())
                    .map(FieldCode::Stored)
            })
    }

    /// Parses a built-in code as [`FieldCode::parse`] does, else the code of one of the org's
    /// custom fields (ignoring ASCII case); `None` for an unknown code.
    pub fn parse_in(raw: &str, catalogue: &Catalogue) -> Option<FieldCode> {
        FieldCode::parse(raw).or_else(|| {
            catalogue
                .find(raw)
                .map(|(handle, _)| FieldCode::Custom(handle))
        })
    }

    /// Every built-in code the emulator answers, canonical spelling first: [`ALL`] then
    /// [`STORED`].
    pub fn every() -> impl Iterator<Item = (&'static str, FieldCode)> {
        ALL.iter().copied().chain(
            STORED
                .iter()
                .enumerate()
                .filter_map(|(i, code)| Some((*code, FieldCode::Stored(u8::try_from(i).ok()?)))),
        )
    }

    /// Every code the emulator answers for this org: [`FieldCode::every`], then the custom
    /// fields in catalogue order.
    pub fn every_in(catalogue: &Catalogue) -> Vec<(String, FieldCode)> {
        FieldCode::every()
            .map(|(code, f)| (code.to_string(), f))
            .chain(
                catalogue
                    .fields()
                    .map(|(handle, f)| (f.name.clone(), FieldCode::Custom(handle))),
            )
            .collect()
    }

    /// The value of this field on `job`, or `None` when unset or empty. `tenure` is a JSON
    /// number, `upcoming` an array (empty when nothing is scheduled), a stored MONEY field a
    /// `Money` object, a custom field's value as stored; everything else is a string.
    pub fn value(self, job: &Job, org: &OrgState, today: NaiveDate) -> Option<Value> {
        if self == FieldCode::Tenure {
            return job
                .start_date
                .map(|start| Value::from(whole_months(start, today)));
        }
        if self == FieldCode::Upcoming {
            return Some(upcoming(job, org));
        }
        if let FieldCode::Custom(handle) = self {
            return custom(job, org.catalogue.get(handle)?);
        }
        if let FieldCode::Stored(i) = self {
            let text = self.text(job, org).filter(|s| !s.is_empty())?;
            return Some(crate::builtin::served(STORED.get(usize::from(i))?, text));
        }
        self.text(job, org)
            .filter(|s| !s.is_empty())
            .map(Value::String)
    }

    /// The attribute this code sets, for codes that can be set (`set_job_field`).
    pub fn attr(self) -> Option<Attr> {
        Some(match self {
            FieldCode::NameFirst => Attr::FirstName,
            FieldCode::NameLast => Attr::LastName,
            FieldCode::NamePref => Attr::PrefName,
            FieldCode::Title => Attr::Title,
            FieldCode::WorkEmail => Attr::WorkEmail,
            FieldCode::HomeEmail => Attr::HomeEmail,
            FieldCode::WorkPhone => Attr::WorkPhone,
            FieldCode::EmployeeId => Attr::EmployeeId,
            FieldCode::Department | FieldCode::DepartmentName => Attr::Department,
            FieldCode::Location | FieldCode::LocationName => Attr::Location,
            FieldCode::Manager => Attr::ManagerJobId,
            FieldCode::ManagerWorkEmail => Attr::ManagerEmail,
            FieldCode::StartDate => Attr::StartDate,
            FieldCode::Employment => Attr::Employment,
            FieldCode::Stored(i) => Attr::Stored(i),
            _ => return None,
        })
    }

    fn text(self, job: &Job, org: &OrgState) -> Option<String> {
        let person = job.person.as_ref();
        let group_name = |id: &Option<String>| {
            id.as_deref()
                .and_then(|id| org.group(id))
                .map(|g| g.name.clone())
        };
        match self {
            FieldCode::JobId | FieldCode::Id => Some(job.id.clone()),
            FieldCode::PersonId => person.map(|p| p.id.clone()),
            FieldCode::Open => Some(job.state.open_field().to_string()),
            FieldCode::State => Some(job.state.code().to_string()),
            FieldCode::Upcoming => None,
            FieldCode::PersonStartDate => person.and(job.start_date).map(|d| d.to_string()),
            FieldCode::PersonEndDate | FieldCode::EndDate => {
                person.and_then(|p| p.end_date).map(|d| d.to_string())
            }
            FieldCode::Name => person.and_then(display_name),
            FieldCode::NameFirst => person.and_then(|p| p.first_name.clone()),
            FieldCode::NameLast => person.and_then(|p| p.last_name.clone()),
            FieldCode::NamePref => person.and_then(|p| p.pref_name.clone()),
            FieldCode::Title => job.title.clone(),
            FieldCode::WorkEmail => person.and_then(|p| p.work_email.clone()),
            FieldCode::HomeEmail => person.and_then(|p| p.home_email.clone()),
            FieldCode::WorkPhone => person.and_then(|p| p.work_phone.clone()),
            FieldCode::EmployeeId => person.and_then(|p| p.employee_id.clone()),
            FieldCode::Department | FieldCode::DepartmentName => group_name(&job.department),
            FieldCode::Location | FieldCode::LocationName => group_name(&job.location),
            FieldCode::Manager => job.manager.clone(),
            FieldCode::ManagerWorkEmail => job
                .manager
                .as_deref()
                .and_then(|id| org.job(id))
                .and_then(|m| m.person.as_ref())
                .and_then(|p| p.work_email.clone()),
            FieldCode::StartDate => job.start_date.map(|d| d.to_string()),
            FieldCode::Employment => job.employment.map(|e| e.code().to_string()),
            FieldCode::Tenure | FieldCode::Custom(_) => None,
            FieldCode::Stored(i) => {
                let code = STORED.get(usize::from(i))?;
                person.and_then(|p| p.extra.get(*code).cloned())
            }
        }
    }
}

/// The value of custom field `field` on `job` (a JOB field) or its person (a PERSON field).
fn custom(job: &Job, field: &CustomField) -> Option<Value> {
    match field.entity {
        Entity::Job => job.custom.get(&field.name).cloned(),
        Entity::Person => job.person.as_ref()?.custom.get(&field.name).cloned(),
    }
}

/// Every custom value of `job` and its person, by code, in catalogue order: what a full job
/// object holds under `fields`.
pub fn custom_values(job: &Job, catalogue: &Catalogue) -> serde_json::Map<String, Value> {
    catalogue
        .fields()
        .filter_map(|(_, f)| Some((f.name.clone(), custom(job, f)?)))
        .collect()
}

/// A person's display name: preferred (else first) name, then last name; `None` when both
/// are empty.
pub fn display_name(p: &Person) -> Option<String> {
    let first = p
        .pref_name
        .as_deref()
        .filter(|s| !s.is_empty())
        .or(p.first_name.as_deref());
    let parts: Vec<&str> = [first, p.last_name.as_deref()]
        .into_iter()
        .flatten()
        .filter(|s| !s.is_empty())
        .collect();
    (!parts.is_empty()).then(|| parts.join(" "))
}

/// The scheduled changes of `job` as `upcoming[]` entries, soonest first.
fn upcoming(job: &Job, org: &OrgState) -> Value {
    let entries = org.history.upcoming(&job.id).into_iter().map(|c| {
        let mut entry = serde_json::Map::new();
        entry.insert("id".into(), Value::String(c.id.clone()));
        entry.insert("type".into(), Value::String(c.kind.code().into()));
        entry.insert("date".into(), Value::String(c.date.to_string()));
        if let Some(d) = c.announce_date {
            entry.insert("announceDate".into(), Value::String(d.to_string()));
        }
        entry.insert("personId".into(), Value::String(c.person_id.clone()));
        Value::Object(entry)
    });
    Value::Array(entries.collect())
}

/// Whole months from `from` to `to`; negative when `to` is earlier (a future start).
pub fn whole_months(from: NaiveDate, to: NaiveDate) -> i64 {
    if to < from {
        return -whole_months(to, from);
    }
    let mut months =
        i64::from(to.year() - from.year()) * 12 + i64::from(to.month()) - i64::from(from.month());
    if to.day() < from.day() {
        months -= 1;
    }
    months
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    #[test]
    fn codes_parse_ignoring_case() {
        assert_eq!(
            FieldCode::parse("CONTACT.workemail"),
            Some(FieldCode::WorkEmail)
        );
        assert_eq!(FieldCode::parse("ID"), Some(FieldCode::Id));
        assert_eq!(FieldCode::parse("salary"), None);
    }

    #[test]
    fn tenure_counts_whole_months_both_ways() {
        assert_eq!(whole_months(d(2023, 1, 15), d(2024, 1, 15)), 12);
        assert_eq!(whole_months(d(2023, 1, 15), d(2024, 1, 14)), 11);
        assert_eq!(whole_months(d(2024, 3, 1), d(2024, 1, 15)), -1);
        assert_eq!(whole_months(d(2024, 1, 31), d(2024, 2, 29)), 0);
    }
}
