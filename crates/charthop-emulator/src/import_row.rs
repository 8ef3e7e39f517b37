//! Applying one import row to an org, atomically: find its person (by `Job ID`, else by work
//! email; a former person's email means a rehire), check every cell, then create, rehire,
//! update (now, or scheduled by the row's `Date`) and/or record a departure, each recorded as a
//! change.
//!
//! Pure and synchronous: no HTTP, no clock of its own (the import passes today). Layering:
//! above `import_csv` (the parsed file), `import_depart` (departure cells), `lifecycle`,
//! `state` (custom fields' cells too), `catalogue`, `history`, `dates` and `ids`; below
//! `routes::import`.

use std::collections::{BTreeMap, HashSet};

use chrono::NaiveDate;

use crate::catalogue::Entity;
use crate::dates::parse_cell;
use crate::history::ChangeType;
use crate::import_csv::{Column, CsvRow, ParsedCsv};
use crate::import_depart;
use crate::lifecycle::{self, DepartInput, DepartOutcome, Stamp};
use crate::state::{Attr, Job, OrgState, Resolved};

/// What one row did (or would do).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RowKind {
    /// Created a person and job (a HIRE).
    Created,
    /// Brought a former person back in a new job (a HIRE).
    Rehired,
    /// Matched an existing person and set fields (now or scheduled).
    Updated,
    /// Recorded, moved or confirmed a departure.
    Departed,
    /// Failed; nothing of the row was applied.
    Failed(String),
}

/// One row's outcome, with the fields it set as `(code, value)`.
#[derive(Clone, Debug)]
pub struct RowOutcome {
    /// The row's file line.
    pub line: u64,
    /// The row's work email cell.
    pub work_email: String,
    /// What the row did.
    pub kind: RowKind,
    /// Field code and value per cell applied.
    pub updates: Vec<(String, String)>,
}

/// The flags and context of one import.
#[derive(Clone, Debug)]
pub struct ImportContext {
    /// `upsert`: create people (and rehire former ones).
    pub upsert: bool,
    /// `createGroups`.
    pub create_groups: bool,
    /// `defaultChangeDate`: the effective date of rows without a `Date`.
    pub default_change_date: Option<NaiveDate>,
    /// The clock's today.
    pub today: NaiveDate,
    /// The import's process id, recorded on its changes.
    pub process_id: Option<String>,
}

/// Applies the rows of one file in order, remembering the emails and job ids already seen.
pub struct Applier<'a> {
    csv: &'a ParsedCsv,
    ctx: ImportContext,
    seen: HashSet<String>,
    seen_jobs: HashSet<String>,
}

/// Whom a row is about.
enum Target {
    /// A job that exists (with or without a person).
    Job(String),
    /// A new person.
    Create,
    /// A former person, by id, with their last day.
    Rehire(String, Option<NaiveDate>),
}

impl<'a> Applier<'a> {
    /// An applier for `csv` in the import context `ctx`.
    pub fn new(csv: &'a ParsedCsv, ctx: ImportContext) -> Self {
        Applier {
            csv,
            ctx,
            seen: HashSet::new(),
            seen_jobs: HashSet::new(),
        }
    }

    /// Applies `row` to `state` atomically: all its cells, or (on any error) none of them.
    pub fn apply(&mut self, state: &mut OrgState, row: &CsvRow) -> RowOutcome {
        let email = self
            .cell(row, Column::Field(Attr::WorkEmail))
            .unwrap_or_default()
            .to_string();
        let mut outcome = RowOutcome {
            line: row.line,
            work_email: email,
            kind: RowKind::Updated,
            updates: Vec::new(),
        };
        if let Err(message) = self.try_apply(state, row, &mut outcome) {
            outcome.kind = RowKind::Failed(message);
            outcome.updates.clear();
        }
        outcome
    }

    /// The trimmed, non-blank cell of `column` in `row`.
    fn cell<'r>(&self, row: &'r CsvRow, column: Column) -> Option<&'r str> {
        let i = self.csv.columns.iter().position(|c| *c == column)?;
        row.cells.get(i).map(|c| c.trim()).filter(|c| !c.is_empty())
    }

    fn stamp(&self) -> Stamp<'_> {
        Stamp {
            today: self.ctx.today,
            process_id: self.ctx.process_id.as_deref(),
        }
    }

    fn try_apply(
        &mut self,
        state: &mut OrgState,
        row: &CsvRow,
        out: &mut RowOutcome,
    ) -> Result<(), String> {
        if row.cells.len() != self.csv.columns.len() {
            return Err(format!(
                "row has {} cells but the header has {}",
                row.cells.len(),
                self.csv.columns.len()
            ));
        }
        let email = out.work_email.clone();
        let effective = match self.cell(row, Column::Date) {
            Some(raw) => parse_cell(raw)
                .ok_or_else(|| format!("date `{raw}` is not M/D/YYYY or YYYY-MM-DD"))?,
            None => self.ctx.default_change_date.unwrap_or(self.ctx.today),
        };
        let depart = self.depart_input(row)?;
        let target = self.target(state, row, &email, depart.as_ref())?;
        let Some(target) = target else {
            // The same departure of a former person again: nothing to do.
            out.kind = RowKind::Departed;
            return Ok(());
        };
        let (job_id, open_job) = match &target {
            Target::Job(id) => (
                id.clone(),
                state.job(id).is_some_and(|j| j.person.is_none()),
            ),
            Target::Create | Target::Rehire(..) => (crate::ids::new_id(), false),
        };
        let by_job_id = self.cell(row, Column::JobId).is_some();
        let mut resolved = Vec::new();
        for (column, raw) in self.csv.columns.iter().zip(&row.cells) {
            let raw = raw.trim();
            if raw.is_empty() {
                continue;
            }
            let (code, on_person) = match *column {
                Column::Field(Attr::WorkEmail) if !by_job_id => continue,
                Column::Field(attr) => {
                    if attr == Attr::ManagerEmail && raw.eq_ignore_ascii_case(&email) {
                        return Err("a person cannot manage themself".into());
                    }
                    (attr.code().to_string(), attr.is_person())
                }
                Column::Custom(handle) => match state.catalogue.get(handle) {
                    Some(f) => (f.name.clone(), f.entity == Entity::Person),
                    None => continue,
                },
                _ => continue,
            };
            if open_job && on_person {
                return Err(format!(
                    "job `{job_id}` is open: it has no person to set `{code}` on"
                ));
            }
            let value = match *column {
                Column::Custom(handle) => state.resolve_custom(handle, raw)?,
                Column::Field(attr) => state.resolve(&job_id, attr, raw, self.ctx.create_groups)?,
                _ => continue,
            };
            let shown = match &value {
                Resolved::Group(..) | Resolved::Manager(_) => raw.to_string(),
                _ => value.display(),
            };
            resolved.push((code, value, shown, raw.to_string()));
        }
        let new_start = resolved.iter().find_map(|(_, v, _, _)| match v {
            Resolved::Date(d) => Some(*d),
            _ => None,
        });
        match target {
            Target::Job(_) => {
                if let Some(input) = &depart {
                    let start = new_start.or(state.job(&job_id).and_then(|j| j.start_date));
                    if let Some(start) = start.filter(|s| input.end < *s) {
                        return Err(format!(
                            "end date {} is before the start date {start}",
                            input.end
                        ));
                    }
                    lifecycle::departable(state, &job_id)?;
                }
                self.update(state, &job_id, effective, resolved, out);
                if let Some(input) = depart {
                    self.record_departure(state, &job_id, &input, out)?;
                }
            }
            Target::Create | Target::Rehire(..) => {
                let start = new_start.unwrap_or(effective);
                let person = match target {
                    Target::Rehire(id, end) => {
                        if let Some(end) = end.filter(|end| start <= *end) {
                            return Err(format!(
                                "start date {start} is not after `{email}`'s last day {end}; a rehire starts after they left"
                            ));
                        }
                        let mut person = state.history.take_former(&id).unwrap_or_default();
                        person.end_date = None;
                        person.start_date_org = None;
                        out.kind = RowKind::Rehired;
                        person
                    }
                    _ => {
                        out.kind = RowKind::Created;
                        crate::state::Person {
                            id: crate::ids::new_id(),
                            work_email: Some(email.clone()),
                            ..Default::default()
                        }
                    }
                };
                state.insert_job(Job::new(job_id.clone(), Some(person)));
                out.updates
                    .push((Attr::WorkEmail.code().to_string(), email));
                let mut fields = BTreeMap::new();
                for (code, value, shown, _) in resolved {
                    state.apply(&job_id, value);
                    fields.insert(code.clone(), shown.clone());
                    out.updates.push((code, shown));
                }
                lifecycle::hire(state, &job_id, start, fields, self.stamp());
            }
        }
        Ok(())
    }

    /// Finds whom the row is about; `Ok(None)` for a departure a former person already has.
    fn target(
        &mut self,
        state: &OrgState,
        row: &CsvRow,
        email: &str,
        depart: Option<&DepartInput>,
    ) -> Result<Option<Target>, String> {
        if let Some(job_id) = self.cell(row, Column::JobId) {
            if !self.seen_jobs.insert(job_id.to_string()) {
                return Err(format!(
                    "job id `{job_id}` appears more than once in the file"
                ));
            }
            return match state.job(job_id) {
                Some(job) => Ok(Some(Target::Job(job.id.clone()))),
                None => Err(format!("no job with id `{job_id}`")),
            };
        }
        if email.is_empty() {
            return Err("work email is empty".into());
        }
        if !self.seen.insert(email.to_lowercase()) {
            return Err(format!(
                "work email `{email}` appears more than once in the file"
            ));
        }
        if let Some(job) = state.job_by_email(email) {
            return Ok(Some(Target::Job(job.id.clone())));
        }
        let former = state.history.former_by_email(email);
        let left = former.and_then(|p| p.end_date);
        let left_text = left.map_or_else(|| "an unknown day".to_string(), |d| d.to_string());
        match (former, depart) {
            (Some(_), Some(input)) if left == Some(input.end) => Ok(None),
            (Some(_), Some(_)) => Err(format!(
                "`{email}` already left on {left_text}; a former person's end date cannot be changed"
            )),
            (Some(p), None) if self.ctx.upsert => Ok(Some(Target::Rehire(p.id.clone(), left))),
            (Some(_), None) => Err(format!(
                "no person with work email `{email}` in a job: they left on {left_text}; set upsert=true to rehire them"
            )),
            (None, Some(_)) => Err(format!(
                "no person with work email `{email}`; a row with an End Date departs an existing person and never creates one"
            )),
            (None, None) if self.ctx.upsert => {
                if self.cell(row, Column::Field(Attr::FirstName)).is_none()
                    || self.cell(row, Column::Field(Attr::LastName)).is_none()
                {
                    return Err(format!(
                        "first and last name are required to create `{email}`"
                    ));
                }
                Ok(Some(Target::Create))
            }
            (None, None) => Err(format!(
                "no person with work email `{email}`; set upsert=true to create people"
            )),
        }
    }

    /// The row's departure cells (see [`import_depart::read`]).
    fn depart_input(&self, row: &CsvRow) -> Result<Option<DepartInput>, String> {
        import_depart::read(&|column| self.cell(row, column))
    }

    /// Sets the row's fields on an existing job: now (an UPDATE change dated `effective`), or
    /// scheduled when `effective` is after today.
    fn update(
        &self,
        state: &mut OrgState,
        job_id: &str,
        effective: NaiveDate,
        resolved: Vec<(String, Resolved, String, String)>,
        out: &mut RowOutcome,
    ) {
        if resolved.is_empty() {
            return;
        }
        let person_id = state
            .job(job_id)
            .and_then(|j| j.person.as_ref())
            .map(|p| p.id.clone())
            .unwrap_or_default();
        let mut change = lifecycle::new_change(
            ChangeType::Update,
            effective,
            &person_id,
            job_id,
            self.stamp(),
        );
        for (code, value, shown, raw) in resolved {
            if change.done {
                state.apply(job_id, value);
                change.fields.insert(code.clone(), shown.clone());
            } else {
                change.fields.insert(code.clone(), raw);
            }
            out.updates.push((code, shown));
        }
        change.create_groups = self.ctx.create_groups;
        state.history.record(change);
    }

    fn record_departure(
        &self,
        state: &mut OrgState,
        job_id: &str,
        input: &DepartInput,
        out: &mut RowOutcome,
    ) -> Result<(), String> {
        let outcome = lifecycle::depart(state, job_id, input, self.stamp())?;
        out.kind = RowKind::Departed;
        if outcome == DepartOutcome::Unchanged {
            return Ok(());
        }
        out.updates.extend(
            import_depart::reported(input)
                .into_iter()
                .map(|(code, value)| (code.to_string(), value)),
        );
        Ok(())
    }
}

#[cfg(test)]
#[path = "import_row_tests.rs"]
mod tests;
