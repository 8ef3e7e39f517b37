//! Stage 4, diff: desired people (from the mapping) against the roster, into a change set.
//!
//! A pure function: no I/O, no clock, deterministic order (export row order; absent people by
//! name, then job id). Matching lives in `matching`, value comparison in `compare`, and what
//! each matched or unmatched row becomes in `categories`. Only fields the mapping owns are
//! compared; a manager is compared by who the manager is. The diff never decides to write
//! anything for people who are absent from the export.

mod categories;
pub mod compare;
mod matching;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::fetch::Roster;
use crate::mapping::{Desired, Mapping, Rejection};
use matching::{Index, Outcome, WORK_EMAIL};

/// What happens to an export row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// Not in ChartHop: created by the import (`new_hires.csv`).
    NewHire,
    /// In ChartHop with at least one owned field to change (`updates.csv`).
    Update,
    /// The export says the person left while ChartHop shows them active.
    Departure,
    /// Nothing to change.
    Unchanged,
    /// Matching could not be decided without guessing: left out of the import.
    Conflict,
    /// The mapping could not map the row: left out of the import.
    Rejected,
}

impl Category {
    /// Every category, in report order.
    pub const ALL: [Category; 6] = [
        Category::NewHire,
        Category::Update,
        Category::Departure,
        Category::Unchanged,
        Category::Conflict,
        Category::Rejected,
    ];

    /// The name used in `plan.json` (`new_hire`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Category::NewHire => "new_hire",
            Category::Update => "update",
            Category::Departure => "departure",
            Category::Unchanged => "unchanged",
            Category::Conflict => "conflict",
            Category::Rejected => "rejected",
        }
    }
}

/// Why a row is a conflict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConflictKind {
    /// The payroll key appears on several export rows.
    DuplicateKey,
    /// The work email appears on several export rows.
    DuplicateEmail,
    /// Several ChartHop people have the row's key (or its fallback email).
    SeveralPeople,
    /// The row's work email belongs to a ChartHop person other than the one the key names.
    EmailOwnedByOther,
    /// Several export rows match the same ChartHop person.
    SamePerson,
    /// The matched ChartHop person has no work email, which the import needs.
    NoWorkEmail,
    /// The export gives the matched person another work email than ChartHop has; the import
    /// matches by work email, so it cannot change it.
    EmailChange,
}

/// One field's change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldChange {
    pub field: String,
    pub old: String,
    pub new: String,
}

/// The outcome for one export row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowChange {
    /// The row number in the export.
    pub row: usize,
    pub category: Category,
    /// The payroll key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// Display name (ChartHop's, or first and last name from the export).
    pub name: String,
    /// The matched ChartHop job.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub job_id: Option<String>,
    /// The work email ChartHop knows the person by (the import's match key).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub charthop_email: Option<String>,
    /// How the row was matched, or why it was not (`matched by contact.employee`,
    /// `no match: new hire`).
    pub matched: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<FieldChange>,
    /// Every owned field's target value (the desired value, else ChartHop's), by field code.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub target: BTreeMap<String, String>,
    /// For a departure: the termination date from the export (ISO 8601), when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub termination_date: Option<String>,
    /// For a conflict: its kind.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conflict: Option<ConflictKind>,
    /// Why a row is a conflict or rejected, and what to do.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// A ChartHop person missing from the export: reported, never changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Absent {
    pub job_id: String,
    pub name: String,
    pub charthop_email: String,
    #[serde(skip_serializing_if = "String::is_empty", default)]
    pub key: String,
}

/// Counts per category.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    pub new_hires: usize,
    pub updates: usize,
    pub departures: usize,
    pub absent: usize,
    pub unchanged: usize,
    pub conflicts: usize,
    pub rejected: usize,
    /// Rows left out by the mapping's `[[skip]]` rules (test accounts, contractors, ...).
    #[serde(default)]
    pub skipped: usize,
}

impl Summary {
    /// True when applying the plan would change nothing.
    pub fn is_empty(&self) -> bool {
        self.new_hires == 0 && self.updates == 0 && self.departures == 0
    }

    /// The count for a row category.
    pub fn count(&self, c: Category) -> usize {
        match c {
            Category::NewHire => self.new_hires,
            Category::Update => self.updates,
            Category::Departure => self.departures,
            Category::Unchanged => self.unchanged,
            Category::Conflict => self.conflicts,
            Category::Rejected => self.rejected,
        }
    }

    fn add(&mut self, c: Category) {
        let n = match c {
            Category::NewHire => &mut self.new_hires,
            Category::Update => &mut self.updates,
            Category::Departure => &mut self.departures,
            Category::Unchanged => &mut self.unchanged,
            Category::Conflict => &mut self.conflicts,
            Category::Rejected => &mut self.rejected,
        };
        *n += 1;
    }
}

/// The diff's result.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeSet {
    pub summary: Summary,
    /// One entry per export row (rejected rows included), in export row order.
    pub rows: Vec<RowChange>,
    pub absent: Vec<Absent>,
}

/// Diffs desired rows (and the mapping's rejections) against the roster.
///
/// Promises: every export row appears exactly once in `rows`, sorted by row number; every
/// roster person that no row matched or conflicted with appears in `absent`, sorted by name
/// then job id; the same inputs in any order give the same change set. Never fails: problems
/// with a row become a `conflict` or `rejected` row with the reason.
pub fn diff(
    mapping: &Mapping,
    desired: &[Desired],
    rejected: &[Rejection],
    roster: &Roster,
) -> ChangeSet {
    let index = Index::new(mapping, desired, roster);
    let mut outcomes: Vec<Outcome> = desired.iter().map(|d| index.match_row(d)).collect();
    matching::claims(&index, &mut outcomes);

    let mut involved = vec![false; roster.len()];
    let mut rows: Vec<RowChange> = rejected.iter().map(categories::rejected).collect();
    for (d, outcome) in desired.iter().zip(outcomes) {
        match &outcome {
            Outcome::Matched { person, .. } => involved[*person] = true,
            Outcome::Conflict { people, .. } => {
                for &p in people {
                    involved[p] = true;
                }
            }
            Outcome::NoMatch => {}
        }
        rows.push(categories::row(&index, d, outcome));
    }
    rows.sort_by_key(|r| r.row);
    let mut absent: Vec<Absent> = roster
        .iter()
        .filter(|p| !involved[p.index()])
        .map(|p| Absent {
            job_id: p.job_id().to_string(),
            name: p.name().to_string(),
            charthop_email: p.get(WORK_EMAIL).to_string(),
            key: p.get(index.key_code).to_string(),
        })
        .collect();
    absent.sort_by(|a, b| (&a.name, &a.job_id).cmp(&(&b.name, &b.job_id)));
    let mut summary = Summary {
        absent: absent.len(),
        ..Summary::default()
    };
    for r in &rows {
        summary.add(r.category);
    }
    ChangeSet {
        summary,
        rows,
        absent,
    }
}

#[cfg(test)]
mod kinds_tests;
#[cfg(test)]
mod prop_tests;
#[cfg(test)]
mod tests;
