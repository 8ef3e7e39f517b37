//! Custom fields' values on the org: checking a cell against the org's catalogue
//! ([`OrgState::resolve_custom`]), resolving a stored change's field by its code
//! ([`OrgState::resolve_code`]), and storing a checked value on the job or its person by the
//! field's entity type (adding the options it brings first).
//!
//! A child of `state` (it stores through the job map). Layering: as `state`.

use super::{Attr, OrgState, Resolved};
use crate::catalogue::Entity;
use crate::custom_value::{self, CustomSet};

impl OrgState {
    /// Checks `raw` as a value of the custom field with this catalogue handle (see
    /// [`custom_value::parse`]; a PERSON field takes the work email of anyone, in a job or
    /// former). A blank `raw` resolves to clearing the value.
    ///
    /// Fails with the cell's problem, naming the field, or for an unknown handle.
    pub fn resolve_custom(&self, handle: u16, raw: &str) -> Result<Resolved, String> {
        let field = self
            .catalogue
            .get(handle)
            .ok_or_else(|| format!("no custom field #{handle}"))?;
        if raw.trim().is_empty() {
            return Ok(Resolved::Custom(CustomSet {
                field: handle,
                value: serde_json::Value::Null,
                added: Vec::new(),
            }));
        }
        let (value, added) = custom_value::parse(field, raw, &|email| self.person_id(email))?;
        Ok(Resolved::Custom(CustomSet {
            field: handle,
            value,
            added,
        }))
    }

    /// Checks `raw` as a new value of the field with this exact code (a built-in attribute's,
    /// else a custom field's, ignoring case) for job `job_id`, as [`OrgState::resolve`] and
    /// [`OrgState::resolve_custom`] do. Scheduled changes keep their fields by code.
    ///
    /// Fails with their messages, or `unknown field` for a code that is neither.
    pub fn resolve_code(
        &self,
        job_id: &str,
        code: &str,
        raw: &str,
        create_groups: bool,
    ) -> Result<Resolved, String> {
        if let Some(attr) = Attr::from_code(code) {
            return self.resolve(job_id, attr, raw, create_groups);
        }
        match self.catalogue.find(code) {
            Some((handle, _)) => self.resolve_custom(handle, raw),
            None => Err(format!("unknown field `{code}`")),
        }
    }

    /// The person id of the person (in a job, or former) with this work email.
    pub fn person_id(&self, email: &str) -> Option<String> {
        self.job_by_email(email)
            .and_then(|j| j.person.as_ref())
            .or_else(|| self.history.former_by_email(email))
            .map(|p| p.id.clone())
    }

    /// Stores a checked custom value on job `job_id` (a JOB field) or its person (a PERSON
    /// field; ignored on an open job), adding the options it brings to the catalogue. A null
    /// value removes it. Returns `false` when the job or the field does not exist.
    pub(super) fn store_custom(&mut self, job_id: &str, set: CustomSet) -> bool {
        let Some((code, entity)) = self
            .catalogue
            .get(set.field)
            .map(|f| (f.name.clone(), f.entity))
        else {
            return false;
        };
        let Some(mut job) = self.jobs.get(job_id).cloned() else {
            return false;
        };
        for option in set.added {
            self.catalogue.add_option(set.field, option);
        }
        let values = match entity {
            Entity::Job => &mut job.custom,
            Entity::Person => match job.person.as_mut() {
                Some(person) => &mut person.custom,
                None => return true,
            },
        };
        if set.value.is_null() {
            values.remove(&code);
        } else {
            values.insert(code, set.value);
        }
        self.insert_job(job);
        true
    }
}
