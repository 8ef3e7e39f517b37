//! Loads the seed directory (`org.json`, `groups.csv`, `users.csv`, `jobs.csv`, and the optional
//! `fields.json` of custom fields) into an [`OrgState`] as of a given today, rejecting the first
//! bad value with its file, row and column (or field). `jobs.csv`'s optional `end_date` and
//! `state` columns seed former people, departing people (DEPART) and announced hires (START);
//! so does a `start_date` after today. A column named by a custom field's code seeds its values.
//!
//! Does not read the persisted state file (see `persist`). Layering: above `seed_jobs` (what
//! a row seeds), `seed_fields` (the catalogue), `seed_custom` (custom values), `seed_table`
//! (reading the files), `state`, `lifecycle`, `ids` and `error`.

use std::path::Path;

use chrono::NaiveDate;

use crate::error::Error;
use crate::ids;
use crate::lifecycle;
use crate::seed_custom::{self, Holder};
use crate::seed_jobs::{Entry, add_former, check_person_unique, entry, place};
use crate::seed_table::{Table, read};
use crate::state::{Group, GroupKind, Org, OrgState, User};

/// The columns of a seed's `jobs.csv`, in order: the seed format's one definition (the
/// benchmark data generator writes it too).
pub const JOB_COLUMNS: [&str; 15] = [
    "job_id",
    "person_id",
    "employee_id",
    "first_name",
    "last_name",
    "pref_name",
    "work_email",
    "home_email",
    "work_phone",
    "title",
    "department",
    "location",
    "manager_job_id",
    "start_date",
    "employment",
];

/// The optional columns of a seed's `jobs.csv`: `end_date` (ISO, a person's last day) and
/// `state` (`OPEN`, `FILLED`, `DEPART` or `START`; blank: from the person and the dates).
/// Besides these, a column named by the code of a field the emulator stores as text
/// ([`crate::model::STORED`], e.g. `base`, `name.middle`) seeds that field of the person, and
/// one named by a custom field's code (from `fields.json`) seeds that field's value.
pub const OPTIONAL_JOB_COLUMNS: [&str; 2] = ["end_date", "state"];

/// Reads and validates the seed in `dir`, as of `today`: a row with an empty `job_id` and an
/// `end_date` before today is a former person; a job whose person has an `end_date` on or
/// after today is DEPART (earlier: they have left, leaving an open backfill); a person whose
/// `start_date` is after today is START; an explicit `state` is checked against the row.
///
/// Fails on an unreadable file, a CSV/JSON syntax error, a missing column, a duplicate or
/// malformed id, an unknown department/location, a dangling manager id, a bad date, amount,
/// state or employment type, a state that contradicts the row, a bad custom field (see
/// [`crate::seed_fields::load`]) or a custom value its field refuses.
pub fn load(dir: &Path, today: NaiveDate) -> Result<OrgState, Error> {
    let org_file = dir.join("org.json");
    let text = read(&org_file)?;
    let org: Org = serde_json::from_str(&text).map_err(|source| Error::Json {
        file: org_file,
        source,
    })?;
    let mut state = OrgState::new(org);
    state.catalogue = crate::seed_fields::load(dir)?;

    let file = dir.join("groups.csv");
    for row in Table::read(&file, &["type", "name"])? {
        let kind = match row.get("type").to_ascii_uppercase().as_str() {
            "DEPARTMENT" => GroupKind::Department,
            "LOCATION" => GroupKind::Location,
            other => {
                return Err(row.error("type", format!("`{other}` is not DEPARTMENT or LOCATION")));
            }
        };
        let name = row.required("name")?;
        if state.find_group(kind, name).is_some() {
            return Err(row.error("name", format!("duplicate group `{name}`")));
        }
        state.add_group(Group {
            id: ids::new_id(),
            kind,
            name: name.to_string(),
        });
    }

    let file = dir.join("users.csv");
    for row in Table::read(&file, &["user_id", "email", "first_name", "last_name"])? {
        state.add_user(User {
            id: row.id("user_id")?,
            email: row.required("email")?.to_string(),
            first_name: row.get("first_name").to_string(),
            last_name: row.get("last_name").to_string(),
        });
    }

    let file = dir.join("jobs.csv");
    let rows = Table::read(&file, &JOB_COLUMNS)?;
    let mut managers = Vec::new();
    let mut placed = Vec::with_capacity(rows.len());
    for row in &rows {
        let (job, end, state_cell) = match entry(&state, row)? {
            Entry::Former(person) => {
                placed.push((row, Holder::Former(person.id.clone())));
                add_former(&mut state, row, person, today)?;
                continue;
            }
            Entry::Job(job, end, state_cell) => (job, end, state_cell),
        };
        placed.push((row, Holder::Job(job.id.clone())));
        if state.job(&job.id).is_some() {
            return Err(row.error("job_id", format!("duplicate job id `{}`", job.id)));
        }
        check_person_unique(&state, row, job.person.as_ref())?;
        managers.push((row, job.manager.clone()));
        place(&mut state, row, job, end, state_cell, today)?;
    }
    for (row, manager) in managers {
        if let Some(manager) = manager
            && state.job(&manager).is_none()
        {
            return Err(row.error("manager_job_id", format!("no job with id `{manager}`")));
        }
    }
    for (row, holder) in &placed {
        seed_custom::apply(&mut state, row, holder)?;
    }
    lifecycle::advance(&mut state, today);
    Ok(state)
}

#[cfg(test)]
#[path = "seed_tests.rs"]
mod tests;
