//! People's lifecycle: hires (START until the start date, then FILLED), departures (DEPART
//! until the day after the last day, then the person becomes a former person and the job an
//! open backfill or nothing), scheduled updates, and the clock's advance that carries out
//! whatever has come due ([`advance`]). Every step is recorded in the history as a change.
//!
//! It works on [`OrgState`] through its public API and knows nothing of CSV, HTTP or field
//! codes on the wire. Layering: above `state`, `history`, `attr`, `ids` and `process` (for
//! timestamps); below `import_row`, `seed` and the HTTP side.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::history::{Change, ChangeStatus, ChangeType, DepartType, Departure, Regret};
use crate::state::{JobState, OrgState};

/// When and by what a change is made.
#[derive(Clone, Copy, Debug)]
pub struct Stamp<'a> {
    /// The clock's today.
    pub today: NaiveDate,
    /// The import process making it, if any.
    pub process_id: Option<&'a str>,
}

/// A departure as an import row gives it: the last day, and the details it states (absent
/// ones keep what an earlier departure row said; backfill defaults to yes).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DepartInput {
    /// The last day worked.
    pub end: NaiveDate,
    /// `Depart Type`.
    pub depart_type: Option<DepartType>,
    /// `Depart Regret`.
    pub regret: Option<Regret>,
    /// `Depart Reason`.
    pub reason: Option<String>,
    /// `backfillJob`.
    pub backfill: Option<bool>,
}

impl DepartInput {
    fn merged(&self, old: Option<&Departure>) -> Departure {
        Departure {
            depart_type: self.depart_type.or(old.and_then(|d| d.depart_type)),
            regret: self.regret.or(old.and_then(|d| d.regret)),
            reason: self
                .reason
                .clone()
                .or_else(|| old.and_then(|d| d.reason.clone())),
            backfill: self.backfill.or(old.map(|d| d.backfill)).unwrap_or(true),
        }
    }
}

/// What recording a departure did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DepartOutcome {
    /// A new departure, scheduled (job state DEPART).
    Scheduled,
    /// The person left at once (the last day had passed).
    Departed,
    /// A departure already scheduled got another date or other details.
    Moved,
    /// The same departure again: nothing changed.
    Unchanged,
}

/// A new change of `kind` dated `date`: done when it is in force by the stamp's today,
/// scheduled (and announced today) otherwise.
pub fn new_change(
    kind: ChangeType,
    date: NaiveDate,
    person_id: &str,
    job_id: &str,
    stamp: Stamp<'_>,
) -> Change {
    let mut change = Change {
        id: crate::ids::new_id(),
        kind,
        date,
        person_id: person_id.to_string(),
        job_id: job_id.to_string(),
        status: ChangeStatus::Active,
        done: true,
        fields: BTreeMap::new(),
        create_groups: false,
        create_at: crate::process::now_iso(),
        process_id: stamp.process_id.map(str::to_string),
        announce_date: None,
        departure: None,
        note: None,
    };
    if change.effective() > stamp.today {
        change.done = false;
        change.announce_date = Some(stamp.today);
    }
    change
}

/// Carries out, in date order, every scheduled change in force by `today`. Returns whether
/// any was.
pub fn advance(state: &mut OrgState, today: NaiveDate) -> bool {
    let mut any = false;
    while let Some(id) = state.history.next_due(today) {
        apply_due(state, &id);
        any = true;
    }
    any
}

fn apply_due(state: &mut OrgState, id: &str) {
    let Some(change) = state.history.change(id).cloned() else {
        return;
    };
    match change.kind {
        ChangeType::Hire => {
            if let Some(mut job) = state.job(&change.job_id).cloned()
                && job.state == JobState::Start
                && job
                    .person
                    .as_ref()
                    .is_some_and(|p| p.id == change.person_id)
            {
                job.state = JobState::Filled;
                state.insert_job(job);
            }
            state.history.settle(id, ChangeStatus::Active, None, None);
        }
        ChangeType::Depart => {
            state.history.settle(id, ChangeStatus::Active, None, None);
            let backfill = change.departure.as_ref().is_none_or(|d| d.backfill);
            leave(state, &change.job_id, change.date, backfill);
        }
        ChangeType::Update => {
            match apply_fields(state, &change.job_id, &change.fields, change.create_groups) {
                Ok(()) => state.history.settle(id, ChangeStatus::Active, None, None),
                Err(note) => state
                    .history
                    .settle(id, ChangeStatus::Conflict, Some(note), None),
            }
        }
    }
}

/// Checks every `code -> raw` field against job `job_id`, then stores them all, or none.
///
/// Fails with the first rejected value's message, or when the job is gone.
pub fn apply_fields(
    state: &mut OrgState,
    job_id: &str,
    fields: &BTreeMap<String, String>,
    create_groups: bool,
) -> Result<(), String> {
    if state.job(job_id).is_none() {
        return Err(format!("job `{job_id}` no longer exists"));
    }
    let mut resolved = Vec::new();
    for (code, raw) in fields {
        resolved.push(state.resolve_code(job_id, code, raw, create_groups)?);
    }
    for value in resolved {
        state.apply(job_id, value);
    }
    Ok(())
}

/// The person of job `job_id` leaves now, `end` being their last day: they become a former
/// person (keeping their names, work email and employee id); the job becomes an open backfill,
/// or is removed (its reports then report to its manager). Their scheduled updates are struck.
/// A no-op for an unknown or open job.
pub fn leave(state: &mut OrgState, job_id: &str, end: NaiveDate, backfill: bool) {
    let Some(mut job) = state.job(job_id).cloned() else {
        return;
    };
    let Some(mut person) = job.person.take() else {
        return;
    };
    person.end_date = Some(end);
    person.start_date_org = job.start_date;
    let struck: Vec<String> = state
        .history
        .upcoming(job_id)
        .into_iter()
        .filter(|c| c.kind != ChangeType::Depart)
        .map(|c| c.id.clone())
        .collect();
    for id in struck {
        let note = format!("its person left on {end}");
        state
            .history
            .settle(&id, ChangeStatus::Struck, Some(note), None);
    }
    if backfill {
        job.state = JobState::Open;
        job.start_date = None;
        state.insert_job(job);
    } else {
        state.remove_job(job_id);
    }
    state.history.add_former(person);
}

/// Checks that the person in job `job_id` can be given a departure: the job exists, has a
/// person, and that person has started (not START). Fails with a message saying which.
pub fn departable(state: &OrgState, job_id: &str) -> Result<(), String> {
    let job = state
        .job(job_id)
        .ok_or_else(|| format!("no job with id `{job_id}`"))?;
    match (&job.person, job.state) {
        (None, _) => Err(format!(
            "job `{job_id}` is open: there is no person to depart"
        )),
        (Some(p), JobState::Start) => Err(format!(
            "`{}` is an announced hire who has not started (start date {}); an End Date needs a person who started",
            p.work_email.as_deref().unwrap_or(&p.id),
            job.start_date.map_or_else(String::new, |d| d.to_string())
        )),
        _ => Ok(()),
    }
}

/// Records a departure of the person in job `job_id`: scheduled (state DEPART, their end
/// date set) while the last day is today or later, carried out at once when it has passed. A
/// departure already scheduled is moved to the new date (or given the new details).
///
/// Fails, changing nothing, for an unknown or open job, an announced hire who has not started,
/// or a last day before the person's start date.
pub fn depart(
    state: &mut OrgState,
    job_id: &str,
    input: &DepartInput,
    stamp: Stamp<'_>,
) -> Result<DepartOutcome, String> {
    departable(state, job_id)?;
    let end = input.end;
    let Some(job) = state.job(job_id) else {
        return Err(format!("no job with id `{job_id}`"));
    };
    let Some(person) = job.person.as_ref() else {
        return Err(format!(
            "job `{job_id}` is open: there is no person to depart"
        ));
    };
    if let Some(start) = job.start_date
        && end < start
    {
        return Err(format!("end date {end} is before the start date {start}"));
    }
    let person_id = person.id.clone();
    let scheduled = state
        .history
        .upcoming(job_id)
        .into_iter()
        .find(|c| c.kind == ChangeType::Depart)
        .map(|c| (c.id.clone(), c.date, c.departure.clone()));
    let details;
    let outcome = match scheduled {
        Some((id, date, old)) => {
            details = input.merged(old.as_ref());
            if date == end && old.as_ref() == Some(&details) {
                return Ok(DepartOutcome::Unchanged);
            }
            state.history.reschedule(&id, end, Some(details.clone()));
            DepartOutcome::Moved
        }
        None => {
            details = input.merged(None);
            let mut change = new_change(ChangeType::Depart, end, &person_id, job_id, stamp);
            change.departure = Some(details.clone());
            // Scheduled even when already in force, so the advance below carries it out.
            change.done = false;
            state.history.record(change);
            DepartOutcome::Scheduled
        }
    };
    if end < stamp.today {
        // In force already: the departure is carried out now.
        advance(state, stamp.today);
        return Ok(DepartOutcome::Departed);
    }
    if let Some(mut job) = state.job(job_id).cloned() {
        job.state = JobState::Depart;
        if let Some(p) = job.person.as_mut() {
            p.end_date = Some(end);
        }
        state.insert_job(job);
    }
    Ok(outcome)
}

/// Records the HIRE of the person now in job `job_id`, starting on `start` (also the job's
/// start date): the job is FILLED, or START (an announced hire) when `start` is after today.
/// `fields` are what the row set, as reported. A no-op for an unknown or open job.
pub fn hire(
    state: &mut OrgState,
    job_id: &str,
    start: NaiveDate,
    fields: BTreeMap<String, String>,
    stamp: Stamp<'_>,
) {
    let Some(mut job) = state.job(job_id).cloned() else {
        return;
    };
    let Some(person_id) = job.person.as_ref().map(|p| p.id.clone()) else {
        return;
    };
    let mut change = new_change(ChangeType::Hire, start, &person_id, job_id, stamp);
    change.fields = fields;
    job.start_date = Some(start);
    job.state = if change.done {
        JobState::Filled
    } else {
        JobState::Start
    };
    state.insert_job(job);
    state.history.record(change);
}

#[cfg(test)]
#[path = "lifecycle_tests.rs"]
mod tests;
