//! What the reports count over every row of a plan, as the plan is written: the reports list
//! only the first rows of some categories (new hires, conflicts, ...), but the department
//! rollup and the people ChartHop refused last time are found among all of them.

use std::collections::HashMap;

use super::DepartmentRollup;
use crate::diff::{Category, RowChange};
use crate::plan::PriorRefusals;

/// What a department's rollup says when a person has none.
pub const NO_DEPARTMENT: &str = "(no department)";
/// How many of the people ChartHop refused last time the reports name.
pub const REFUSED_LISTED: usize = 10;

/// A person of this plan whom ChartHop refused in the last run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefusedAgain {
    pub row: usize,
    pub name: String,
    /// ChartHop's reason, last time.
    pub reason: String,
}

/// Counts over every row of a plan.
#[derive(Debug, Default)]
pub struct Tally {
    /// The department field's code; without one, departments are not counted.
    code: Option<String>,
    departments: HashMap<String, DepartmentRollup>,
    /// The last run's refusals: ChartHop's reason by work email (lower-cased).
    refused: HashMap<String, String>,
    /// Departures are sent (not held back): only then can ChartHop refuse them again.
    departures_sent: bool,
    again: usize,
    again_listed: Vec<RefusedAgain>,
}

impl Tally {
    /// A tally by the field `code` (the mapping's department field), or no department.
    pub fn new(code: Option<&str>) -> Tally {
        Tally {
            code: code.map(str::to_string),
            ..Tally::default()
        }
    }

    /// Also looks, in every row sent to ChartHop, for the people ChartHop refused in the last
    /// run (by work email); departures count only when `departures_sent`.
    pub fn watch_refusals(&mut self, last: &PriorRefusals, departures_sent: bool) {
        self.refused = last
            .rows
            .iter()
            .filter(|r| !r.work_email.trim().is_empty())
            .map(|r| (r.work_email.trim().to_lowercase(), r.reason.clone()))
            .collect();
        self.departures_sent = departures_sent;
    }

    /// Counts one decided row: a hire or rehire in its new department, an update in the
    /// department it ends in (moving in when it changes it), a departure in the one it leaves;
    /// and a row sent to ChartHop for a person it refused last time. Allocates only for a
    /// department it has not seen and a refused person it names.
    pub fn row(&mut self, r: &RowChange) {
        if matches!(
            r.category,
            Category::Unchanged | Category::Conflict | Category::Rejected
        ) {
            return;
        }
        if !self.refused.is_empty() {
            self.refused_again(r);
        }
        let Some(code) = &self.code else { return };
        let department = match r.category {
            Category::Departure | Category::ScheduledDeparture => {
                r.departure.as_ref().and_then(|d| d.department.as_deref())
            }
            _ => r.target.get(code).map(String::as_str),
        };
        let name = department.map(str::trim).filter(|d| !d.is_empty());
        let name = name.unwrap_or(NO_DEPARTMENT);
        let d = match self.departments.get_mut(name) {
            Some(d) => d,
            None => self
                .departments
                .entry(name.to_string())
                .or_insert_with(|| DepartmentRollup {
                    name: name.to_string(),
                    ..DepartmentRollup::default()
                }),
        };
        match r.category {
            Category::NewHire | Category::Rehire => d.hires += 1,
            Category::Update | Category::EmailChange => {
                d.updates += 1;
                if r.changes.iter().any(|c| &c.field == code) {
                    d.moving_in += 1;
                }
            }
            _ => d.departures += 1,
        }
    }

    fn refused_again(&mut self, r: &RowChange) {
        if r.category.is_departure() && !self.departures_sent {
            return;
        }
        let emails = [
            r.charthop_email.as_deref(),
            r.target.get("contact.workEmail").map(String::as_str),
        ];
        let reason = emails
            .into_iter()
            .flatten()
            .find_map(|e| self.refused.get(&e.trim().to_lowercase()));
        if let Some(reason) = reason {
            self.again += 1;
            if self.again_listed.len() < REFUSED_LISTED {
                let again = RefusedAgain {
                    row: r.row,
                    name: r.name.clone(),
                    reason: reason.clone(),
                };
                self.again_listed.push(again);
            }
        }
    }

    /// Every department counted, in no particular order.
    pub fn departments(&self) -> Vec<DepartmentRollup> {
        self.departments.values().cloned().collect()
    }

    /// How many people of the plan ChartHop refused last time, and the first of them.
    pub fn refused_again_count(&self) -> (usize, &[RefusedAgain]) {
        (self.again, &self.again_listed)
    }
}
