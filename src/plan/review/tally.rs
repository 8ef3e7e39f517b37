//! The department rollup, counted over every row of a plan as the plan is written: the
//! reports list only the first rows of some categories, but the rollup counts them all.

use std::collections::HashMap;

use super::DepartmentRollup;
use crate::diff::{Category, RowChange};

/// What a department's rollup says when a person has none.
pub const NO_DEPARTMENT: &str = "(no department)";

/// Counts per department of the rows that change ChartHop.
#[derive(Debug, Default)]
pub struct Tally {
    /// The department field's code; without one, nothing is counted.
    code: Option<String>,
    departments: HashMap<String, DepartmentRollup>,
}

impl Tally {
    /// A tally by the field `code` (the mapping's department field), or none.
    pub fn new(code: Option<&str>) -> Tally {
        Tally {
            code: code.map(str::to_string),
            departments: HashMap::new(),
        }
    }

    /// Counts one decided row: a hire or rehire in its new department, an update in the
    /// department it ends in (moving in when it changes it), a departure in the one it leaves.
    /// Allocates only for a department it has not seen.
    pub fn row(&mut self, r: &RowChange) {
        let Some(code) = &self.code else { return };
        let department = match r.category {
            Category::NewHire | Category::Rehire | Category::Update | Category::EmailChange => {
                r.target.get(code).map(String::as_str)
            }
            Category::Departure | Category::ScheduledDeparture => {
                r.departure.as_ref().and_then(|d| d.department.as_deref())
            }
            Category::Unchanged | Category::Conflict | Category::Rejected => return,
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

    /// Every department counted, in no particular order.
    pub fn departments(&self) -> Vec<DepartmentRollup> {
        self.departments.values().cloned().collect()
    }
}
