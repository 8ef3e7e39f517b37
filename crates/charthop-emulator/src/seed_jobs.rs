//! What a seed `jobs.csv` row stands for ([`entry`]: a job, or a former person) and how it is
//! placed in the org ([`place`], [`add_former`]): its state from the person, the `end_date`,
//! the `start_date` and the optional `state` cell, with the scheduled change a DEPART or START
//! job has.
//!
//! Layering: above `state`, `lifecycle`, `history` and `seed_table`; below `seed`.

use chrono::NaiveDate;

use crate::error::Error;
use crate::history::{ChangeType, Departure};
use crate::lifecycle::{self, Stamp};
use crate::seed_table::Row;
use crate::state::{Employment, GroupKind, Job, JobState, OrgState, Person};

/// What a `jobs.csv` row seeds.
pub enum Entry {
    /// A job (with its person's end date and the `state` cell).
    Job(Job, Option<NaiveDate>, Option<JobState>),
    /// A person without a job.
    Former(Person),
}

/// Reads a row: a job (with its person, if any), or a former person (no `job_id`, an
/// `end_date`). Fails on a bad value, naming its column.
pub fn entry(state: &OrgState, row: &Row) -> Result<Entry, Error> {
    let end = row.date("end_date")?;
    let state_cell = match row.get("state") {
        "" => None,
        raw => Some(JobState::parse(raw).ok_or_else(|| {
            row.error(
                "state",
                format!("`{raw}` is not OPEN, FILLED, DEPART or START"),
            )
        })?),
    };
    if !row.get("job_id").is_empty() {
        return Ok(Entry::Job(job_from_row(state, row)?, end, state_cell));
    }
    let Some(end) = end else {
        return Err(row.error(
            "job_id",
            "value is required (a row without a job is a former person: give it an end_date)"
                .into(),
        ));
    };
    if state_cell.is_some() {
        return Err(row.error("state", "a former person has no job, so no state".into()));
    }
    for col in [
        "title",
        "department",
        "location",
        "manager_job_id",
        "employment",
    ] {
        if !row.get(col).is_empty() {
            return Err(row.error(col, "a former person has no job: leave it empty".into()));
        }
    }
    let mut person = person_from_row(row)?;
    person.end_date = Some(end);
    person.start_date_org = row.date("start_date")?;
    Ok(Entry::Former(person))
}

/// Keeps a former person; fails when their end date is not before today or their id or work
/// email is taken.
pub fn add_former(
    state: &mut OrgState,
    row: &Row,
    person: Person,
    today: NaiveDate,
) -> Result<(), Error> {
    if person.end_date.is_some_and(|end| end >= today) {
        return Err(row.error(
            "end_date",
            format!("a former person left before today ({today}); give the row a job_id to seed someone departing"),
        ));
    }
    check_person_unique(state, row, Some(&person))?;
    state.history.add_former(person);
    Ok(())
}

/// Fails when the person's id or work email is already someone's.
pub fn check_person_unique(
    state: &OrgState,
    row: &Row,
    person: Option<&Person>,
) -> Result<(), Error> {
    let Some(person) = person else {
        return Ok(());
    };
    if state.job_by_person(&person.id).is_some() || state.history.former(&person.id).is_some() {
        return Err(row.error("person_id", format!("duplicate person id `{}`", person.id)));
    }
    if let Some(email) = person.work_email.as_deref()
        && (state.job_by_email(email).is_some() || state.history.former_by_email(email).is_some())
    {
        return Err(row.error("work_email", format!("duplicate work email `{email}`")));
    }
    Ok(())
}

/// Inserts a seeded job in its state (failing on a `state` the row contradicts), with the scheduled change a DEPART or START job has.
pub fn place(
    state: &mut OrgState,
    row: &Row,
    mut job: Job,
    end: Option<NaiveDate>,
    cell: Option<JobState>,
    today: NaiveDate,
) -> Result<(), Error> {
    let stamp = Stamp {
        today,
        process_id: None,
    };
    let derived = match (&job.person, end, job.start_date) {
        (None, _, _) => JobState::Open,
        (Some(_), Some(_), _) => JobState::Depart,
        (Some(_), None, Some(start)) if start > today => JobState::Start,
        (Some(_), None, _) => JobState::Filled,
    };
    let wanted = cell.unwrap_or(derived);
    let contradiction = match (wanted, &job.person, end) {
        (JobState::Open, Some(_), _) => Some("an OPEN job has no person"),
        (JobState::Open, None, Some(_)) => Some("an open job has no person to end"),
        (_, None, _) if wanted != JobState::Open => Some("this state needs a person"),
        (JobState::Filled | JobState::Start, _, Some(_)) => {
            Some("an end_date needs state DEPART (or blank)")
        }
        (JobState::Depart, _, None) => Some("a DEPART job needs an end_date"),
        (JobState::Start, _, _) if job.start_date.is_none() => {
            Some("a START job needs a start_date")
        }
        _ => None,
    };
    if let Some(message) = contradiction {
        return Err(row.error("state", message.into()));
    }
    if let (Some(end), Some(start)) = (end, job.start_date)
        && end < start
    {
        return Err(row.error(
            "end_date",
            format!("{end} is before the start_date {start}"),
        ));
    }
    let person_id = job
        .person
        .as_ref()
        .map(|p| p.id.clone())
        .unwrap_or_default();
    job.state = wanted;
    let mut change = None;
    match (wanted, end, job.start_date) {
        (JobState::Depart, Some(end), _) => {
            if let Some(p) = job.person.as_mut() {
                p.end_date = Some(end);
            }
            let mut c = lifecycle::new_change(ChangeType::Depart, end, &person_id, &job.id, stamp);
            c.departure = Some(Departure {
                backfill: true,
                ..Departure::default()
            });
            // Scheduled even if already in force: the advance after loading carries it out.
            c.done = false;
            change = Some(c);
        }
        (JobState::Start, _, Some(start)) => {
            let c = lifecycle::new_change(ChangeType::Hire, start, &person_id, &job.id, stamp);
            if c.done {
                job.state = JobState::Filled;
            }
            change = Some(c);
        }
        _ => {}
    }
    state.insert_job(job);
    if let Some(c) = change {
        state.history.record(c);
    }
    Ok(())
}

fn person_from_row(row: &Row) -> Result<Person, Error> {
    let opt = |col: &str| Some(row.get(col).to_string()).filter(|s| !s.is_empty());
    Ok(Person {
        id: row.id("person_id")?,
        employee_id: opt("employee_id"),
        first_name: opt("first_name"),
        last_name: opt("last_name"),
        pref_name: opt("pref_name"),
        work_email: opt("work_email"),
        home_email: opt("home_email"),
        work_phone: opt("work_phone"),
        extra: stored(row)?,
        ..Person::default()
    })
}

/// The row's stored fields (a column named by a [`crate::model::STORED`] code, e.g. `base`),
/// checked by type; fails naming the column of a MONEY or DATE cell that does not read.
fn stored(row: &Row) -> Result<std::collections::BTreeMap<String, String>, Error> {
    let mut extra = std::collections::BTreeMap::new();
    for code in crate::model::STORED {
        let raw = row.get(code);
        if !raw.is_empty() {
            let text = crate::state::stored_text(code, raw).map_err(|m| row.error(code, m))?;
            extra.insert(code.to_string(), text);
        }
    }
    Ok(extra)
}

fn job_from_row(state: &OrgState, row: &Row) -> Result<Job, Error> {
    let opt = |col: &str| Some(row.get(col).to_string()).filter(|s| !s.is_empty());
    let group = |col: &str, kind: GroupKind| -> Result<Option<String>, Error> {
        match opt(col) {
            None => Ok(None),
            Some(name) => state
                .find_group(kind, &name)
                .map(|g| Some(g.id.clone()))
                .ok_or_else(|| row.error(col, format!("no group named `{name}` in groups.csv"))),
        }
    };
    let person = match opt("person_id") {
        None => None,
        Some(_) => Some(person_from_row(row)?),
    };
    let employment = match opt("employment") {
        None => None,
        Some(raw) => Some(
            Employment::parse(&raw)
                .ok_or_else(|| row.error("employment", format!("unknown employment `{raw}`")))?,
        ),
    };
    let manager = match opt("manager_job_id") {
        None => None,
        Some(_) => Some(row.id("manager_job_id")?),
    };
    let mut job = Job::new(row.id("job_id")?, person);
    job.title = opt("title");
    job.department = group("department", GroupKind::Department)?;
    job.location = group("location", GroupKind::Location)?;
    job.manager = manager;
    job.start_date = row.date("start_date")?;
    job.employment = employment;
    Ok(job)
}
