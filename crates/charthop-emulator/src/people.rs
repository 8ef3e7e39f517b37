//! People as `findPersons` serves them: everyone in a job (FILLED, DEPART or START) and, with
//! `includeAll`, former people, in person-id order ([`people_after`]); the person field codes
//! ([`PersonField`]: built-in ones, and the org's PERSON custom fields) and their values.
//!
//! It does not shape rows on the wire or page them (see `routes::persons`). Layering: above
//! `state` (jobs, the history's former people), `catalogue`, `builtin` (how a stored field is
//! served), `fields` (display names) and `carrot` (it gives Carrot its field codes through
//! [`Fields`]).

use serde_json::Value;

use crate::carrot::Fields;
use crate::catalogue::{Catalogue, Entity};
use crate::fields::display_name;
use crate::model::STORED;
use crate::state::{Job, OrgState, Person};

/// One person, with their job when they have one.
#[derive(Clone, Copy, Debug)]
pub struct PersonRow<'a> {
    /// The person.
    pub person: &'a Person,
    /// Their job; `None` for a former person.
    pub job: Option<&'a Job>,
}

/// A person field code the emulator can answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PersonField {
    /// `id`: the person id
    Id,
    /// `personId` (same as `id`)
    PersonId,
    /// `jobId`: their job's id (none for a former person)
    JobId,
    /// `name`: preferred or first name, then last name
    Name,
    /// `name.first`
    NameFirst,
    /// `name.last`
    NameLast,
    /// `name.pref`
    NamePref,
    /// `contact.workEmail`
    WorkEmail,
    /// `contact.homeEmail`
    HomeEmail,
    /// `contact.workPhone`
    WorkPhone,
    /// `contact.employee`
    EmployeeId,
    /// `startDateOrg`: the start of their latest stint, ISO
    StartDateOrg,
    /// `endDateOrg`: their last day (departing or former), ISO
    EndDateOrg,
    /// One of [`STORED`], by index.
    Stored(u8),
    /// One of the org's PERSON custom fields, by catalogue handle.
    Custom(u16),
}

/// Every named code with its canonical spelling.
pub const ALL: [(&str, PersonField); 13] = [
    ("id", PersonField::Id),
    ("personId", PersonField::PersonId),
    ("jobId", PersonField::JobId),
    ("name", PersonField::Name),
    ("name.first", PersonField::NameFirst),
    ("name.last", PersonField::NameLast),
    ("name.pref", PersonField::NamePref),
    ("contact.workEmail", PersonField::WorkEmail),
    ("contact.homeEmail", PersonField::HomeEmail),
    ("contact.workPhone", PersonField::WorkPhone),
    ("contact.employee", PersonField::EmployeeId),
    ("startDateOrg", PersonField::StartDateOrg),
    ("endDateOrg", PersonField::EndDateOrg),
];

/// The codes `findPersons` returns when `fields` is absent.
pub const DEFAULT_FIELDS: &str =
    "id,name,contact.workEmail,contact.employee,startDateOrg,endDateOrg";

impl PersonField {
    /// Parses a code ignoring ASCII case; `None` for an unknown code.
    pub fn parse(raw: &str) -> Option<PersonField> {
        let raw = raw.trim();
        ALL.iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(raw))
            .map(|(_, f)| *f)
            .or_else(|| {
                let i = STORED
                    .iter()
                    .position(|code| code.eq_ignore_ascii_case(raw))?;
                Some(PersonField::Stored(u8::try_from(i).ok()?))
            })
    }

    /// Parses a built-in code as [`PersonField::parse`] does, else the code of one of the
    /// org's PERSON custom fields (ignoring ASCII case); `None` otherwise (a JOB custom field
    /// is not a person's).
    pub fn parse_in(raw: &str, catalogue: &Catalogue) -> Option<PersonField> {
        PersonField::parse(raw).or_else(|| {
            let (handle, f) = catalogue.find(raw)?;
            (f.entity == Entity::Person).then_some(PersonField::Custom(handle))
        })
    }

    /// The field's text, borrowed, for the fields stored as plain text (`None` for the
    /// others, and when the text is empty): what [`value`](Self::value) serves as a string,
    /// without building a JSON value for it: how a filter reads the common fields cheaply.
    pub fn plain_text(self, row: PersonRow<'_>) -> Option<&'_ str> {
        let p = row.person;
        let text = match self {
            PersonField::Id | PersonField::PersonId => Some(&p.id),
            PersonField::JobId => row.job.map(|j| &j.id),
            PersonField::NameFirst => p.first_name.as_ref(),
            PersonField::NameLast => p.last_name.as_ref(),
            PersonField::NamePref => p.pref_name.as_ref(),
            PersonField::WorkEmail => p.work_email.as_ref(),
            PersonField::HomeEmail => p.home_email.as_ref(),
            PersonField::WorkPhone => p.work_phone.as_ref(),
            PersonField::EmployeeId => p.employee_id.as_ref(),
            _ => None,
        };
        text.map(String::as_str).filter(|s| !s.is_empty())
    }

    /// The value of this field for `row`, or `None` when unset or empty: a string, but a stored
    /// MONEY field as the spec's `Money` object and a custom field as stored.
    pub fn value(self, row: PersonRow<'_>, catalogue: &Catalogue) -> Option<Value> {
        let p = row.person;
        if let PersonField::Custom(handle) = self {
            return p.custom.get(&catalogue.get(handle)?.name).cloned();
        }
        let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string());
        let text = match self {
            PersonField::Id | PersonField::PersonId => Some(p.id.clone()),
            PersonField::JobId => row.job.map(|j| j.id.clone()),
            PersonField::Name => display_name(p),
            PersonField::NameFirst => p.first_name.clone(),
            PersonField::NameLast => p.last_name.clone(),
            PersonField::NamePref => p.pref_name.clone(),
            PersonField::WorkEmail => p.work_email.clone(),
            PersonField::HomeEmail => p.home_email.clone(),
            PersonField::WorkPhone => p.work_phone.clone(),
            PersonField::EmployeeId => p.employee_id.clone(),
            PersonField::StartDateOrg => match row.job {
                Some(job) => date(job.start_date),
                None => date(p.start_date_org),
            },
            PersonField::EndDateOrg => date(p.end_date),
            PersonField::Stored(i) => {
                let code = STORED.get(usize::from(i))?;
                let text = p.extra.get(*code).cloned().filter(|s| !s.is_empty())?;
                return Some(crate::builtin::served(code, text));
            }
            PersonField::Custom(_) => None,
        };
        text.filter(|s| !s.is_empty()).map(Value::String)
    }
}

impl Fields for PersonField {
    fn is_filter(_name: &str) -> Option<(Self, &'static str)> {
        None
    }

    const IS_FILTERS: &'static str = "none on people";
}

/// Every PERSON custom value of `person`, by code, in catalogue order: what a full person
/// object holds under `fields`.
pub fn custom_values(person: &Person, catalogue: &Catalogue) -> serde_json::Map<String, Value> {
    catalogue
        .fields()
        .filter_map(|(_, f)| Some((f.name.clone(), person.custom.get(&f.name)?.clone())))
        .collect()
}

/// People with a person id strictly greater than `from` (all when `None`), by person id:
/// everyone in a job, and former people too when `include_all`.
pub fn people_after<'a>(
    org: &'a OrgState,
    from: Option<&'a str>,
    include_all: bool,
) -> impl Iterator<Item = PersonRow<'a>> + 'a {
    let mut in_jobs = org.people_in_jobs_after(from).peekable();
    let mut former = include_all
        .then(|| org.history.former_after(from))
        .into_iter()
        .flatten()
        .peekable();
    std::iter::from_fn(move || {
        let from_jobs = match (in_jobs.peek(), former.peek()) {
            (Some((p, _)), Some(f)) => p.id <= f.id,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => return None,
        };
        if from_jobs {
            in_jobs.next().map(|(person, job)| PersonRow {
                person,
                job: Some(job),
            })
        } else {
            former.next().map(|person| PersonRow { person, job: None })
        }
    })
}

/// The people `keep` accepts, as [`people_after`] lists them (person id greater than `from`,
/// former people only with `include_all`, by person id): everyone in storage order is given
/// to `keep` at once, which says for each whether to keep them (a filter searches all of
/// them in one pass), and only the kept ones are sorted: a filtered query over a large org
/// costs one pass, with no lookup per person.
pub fn people_matching_after<'a>(
    org: &'a OrgState,
    from: Option<&str>,
    include_all: bool,
    keep: impl FnOnce(&[PersonRow<'a>]) -> Vec<bool>,
) -> Vec<PersonRow<'a>> {
    let after = |p: &Person| from.is_none_or(|f| p.id.as_str() > f);
    let in_jobs = org.jobs().filter_map(|job| {
        Some(PersonRow {
            person: job.person.as_ref()?,
            job: Some(job),
        })
    });
    let former = include_all
        .then(|| org.history.former_after(None))
        .into_iter()
        .flatten()
        .map(|person| PersonRow { person, job: None });
    let listed: Vec<PersonRow<'a>> = in_jobs
        .chain(former)
        .filter(|row| after(row.person))
        .collect();
    let kept = keep(&listed);
    let mut rows: Vec<PersonRow<'a>> = listed
        .into_iter()
        .zip(kept)
        .filter_map(|(row, keep)| keep.then_some(row))
        .collect();
    // A person listed under two jobs counts under the one the org indexes them by, as in
    // `people_in_jobs_after`.
    rows.retain(|row| {
        row.job.is_none_or(|job| {
            org.job_by_person(&row.person.id)
                .is_some_and(|j| j.id == job.id)
        })
    });
    // Stable: someone both in a job and former is listed in a job first, as `people_after` does.
    rows.sort_by(|a, b| a.person.id.cmp(&b.person.id));
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::Org;

    fn person(id: &str, email: &str) -> Person {
        Person {
            id: id.into(),
            work_email: Some(email.into()),
            first_name: Some("Ada".into()),
            last_name: Some("L".into()),
            ..Person::default()
        }
    }

    #[test]
    fn former_people_interleave_by_id_only_with_include_all() {
        let mut org = OrgState::new(Org {
            id: "a".repeat(24),
            slug: "t".into(),
            name: "T".into(),
        });
        for (job, p) in [("j1", "p1"), ("j3", "p3")] {
            org.insert_job(Job::new(job.into(), Some(person(p, &format!("{p}@x")))));
        }
        let mut gone = person("p2", "p2@x");
        gone.end_date = crate::dates::parse_iso("2024-05-31");
        org.history.add_former(gone);
        let ids = |all: bool, from: Option<&str>| -> Vec<String> {
            people_after(&org, from, all)
                .map(|r| r.person.id.clone())
                .collect()
        };
        assert_eq!(ids(false, None), vec!["p1", "p3"]);
        assert_eq!(ids(true, None), vec!["p1", "p2", "p3"]);
        assert_eq!(ids(true, Some("p1")), vec!["p2", "p3"]);
        let row = people_after(&org, Some("p1"), true).next();
        let value = |f: &str| row.and_then(|r| PersonField::parse(f)?.value(r, &org.catalogue));
        assert_eq!(value("endDateOrg"), Some(Value::from("2024-05-31")));
        assert_eq!(value("JOBID"), None);
        assert_eq!(value("name"), Some(Value::from("Ada L")));
        assert!(PersonField::parse("tenure").is_none());
    }

    #[test]
    fn plain_text_is_the_value_as_served_for_every_plain_field() {
        let mut p = person("p1", "ada@x");
        p.employee_id = Some("E1".into());
        p.pref_name = Some(String::new());
        let job = Job::new("j1".into(), None);
        let catalogue = Catalogue::default();
        for row in [
            PersonRow {
                person: &p,
                job: Some(&job),
            },
            PersonRow {
                person: &p,
                job: None,
            },
        ] {
            for (_, field) in ALL {
                let Some(text) = field.plain_text(row) else {
                    let served = field.value(row, &catalogue);
                    assert!(
                        !matches!(served, Some(Value::String(_)))
                            || matches!(
                                field,
                                PersonField::Name
                                    | PersonField::StartDateOrg
                                    | PersonField::EndDateOrg
                            ),
                        "{field:?} is served as text {served:?} but has no plain text"
                    );
                    continue;
                };
                assert_eq!(
                    field.value(row, &catalogue),
                    Some(Value::from(text)),
                    "{field:?}"
                );
            }
        }
    }

    #[test]
    fn a_filtered_listing_is_the_filtered_ordered_listing() {
        let mut org = OrgState::new(Org {
            id: "a".repeat(24),
            slug: "t".into(),
            name: "T".into(),
        });
        for (job, p) in [("j9", "p1"), ("j3", "p3"), ("j1", "p5"), ("j7", "p4")] {
            org.insert_job(Job::new(job.into(), Some(person(p, &format!("{p}@x")))));
        }
        org.history.add_former(person("p2", "p2@x"));
        org.history.add_former(person("p6", "p6@x"));
        let keep = |r: PersonRow<'_>| r.person.id != "p4";
        for all in [false, true] {
            for from in [None, Some("p1"), Some("p3"), Some("p6")] {
                let slow: Vec<&str> = people_after(&org, from, all)
                    .filter(|r| keep(*r))
                    .map(|r| r.person.id.as_str())
                    .collect();
                let keep_all = |rows: &[PersonRow<'_>]| rows.iter().map(|r| keep(*r)).collect();
                let fast: Vec<&str> = people_matching_after(&org, from, all, keep_all)
                    .iter()
                    .map(|r| r.person.id.as_str())
                    .collect();
                assert_eq!(fast, slow, "includeAll {all}, from {from:?}");
            }
        }
    }
}
