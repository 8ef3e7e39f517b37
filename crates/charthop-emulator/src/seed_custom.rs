//! Custom field values in a seed's `jobs.csv`: a column named by a custom field's code (any
//! case), as `base` is for a stored field, holds the row's value, checked like an import cell
//! (see `custom_value`). A JOB field lands on the row's job, a PERSON field on its person; a
//! PERSON field's cell is a work email, so values are read once every row is placed.
//!
//! Layering: above `state` (checking and storing), `catalogue`, `seed_table` and `error`;
//! below `seed`.

use crate::catalogue::Entity;
use crate::error::Error;
use crate::seed_table::Row;
use crate::state::{OrgState, Resolved};

/// What a seed row placed.
pub enum Holder {
    /// A job (open or with a person), by id.
    Job(String),
    /// A former person, by id.
    Former(String),
}

/// Stores the row's custom field cells (blank ones are skipped) on what it placed.
///
/// Fails, naming the row and the column, on a cell its field refuses (see
/// [`crate::custom_value::parse`]), a PERSON field's value on an open job, or a JOB field's on a
/// former person.
pub fn apply(state: &mut OrgState, row: &Row, holder: &Holder) -> Result<(), Error> {
    let fields: Vec<(u16, String, Entity)> = state
        .catalogue
        .fields()
        .map(|(handle, f)| (handle, f.name.clone(), f.entity))
        .collect();
    for (handle, code, entity) in fields {
        let raw = row.get(&code);
        if raw.is_empty() {
            continue;
        }
        match holder {
            Holder::Job(job_id) => {
                let open = state.job(job_id).is_some_and(|j| j.person.is_none());
                if open && entity == Entity::Person {
                    return Err(
                        row.error(&code, "an open job has no person: leave it empty".into())
                    );
                }
                let value = state
                    .resolve_custom(handle, raw)
                    .map_err(|m| row.error(&code, m))?;
                state.apply(job_id, value);
            }
            Holder::Former(person_id) => {
                if entity == Entity::Job {
                    return Err(
                        row.error(&code, "a former person has no job: leave it empty".into())
                    );
                }
                let Resolved::Custom(set) = state
                    .resolve_custom(handle, raw)
                    .map_err(|m| row.error(&code, m))?
                else {
                    continue;
                };
                for option in set.added {
                    state.catalogue.add_option(handle, option);
                }
                if let Some(mut person) = state.history.take_former(person_id) {
                    person.custom.insert(code, set.value);
                    state.history.add_former(person);
                }
            }
        }
    }
    Ok(())
}
