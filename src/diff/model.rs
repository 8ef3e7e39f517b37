//! The diff's vocabulary: what happens to a row ([`Category`], [`ConflictKind`]), a row's
//! outcome ([`RowChange`]), the counts ([`Summary`]), and where outcomes go ([`Sink`]) and rows
//! come from ([`Rows`]). Types and their small methods only; the deciding is in the siblings.

use std::collections::BTreeMap;
use std::io::{self, BufRead};

use serde::{Deserialize, Serialize};

/// What happens to an export row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// Not in ChartHop: created by the import (`new_hires.csv`).
    NewHire,
    /// A person who left ChartHop comes back: the same ChartHop person, with a new start date
    /// (`new_hires.csv`, which ChartHop matches to the former person by work email).
    Rehire,
    /// In ChartHop with at least one owned field to change (`updates.csv`).
    Update,
    /// Matched by the payroll key with another work email, applied because the mapping trusts
    /// the payroll id (`[key] trust = "payroll"`): `email_changes.csv`.
    EmailChange,
    /// The export says the person left, on or before the plan's as-of date, while ChartHop
    /// shows them active (`departures.csv`).
    Departure,
    /// The export gives a last day after the plan's as-of date (`departures.csv`, with that
    /// date: ChartHop keeps the person active until then).
    ScheduledDeparture,
    /// Nothing to change.
    Unchanged,
    /// Matching could not be decided without guessing: left out of the import.
    Conflict,
    /// The mapping could not map the row: left out of the import.
    Rejected,
}

impl Category {
    /// Every category, in report order.
    pub const ALL: [Category; 9] = [
        Category::NewHire,
        Category::Rehire,
        Category::Update,
        Category::EmailChange,
        Category::Departure,
        Category::ScheduledDeparture,
        Category::Unchanged,
        Category::Conflict,
        Category::Rejected,
    ];

    /// The name used in `plan.json` (`new_hire`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Category::NewHire => "new_hire",
            Category::Rehire => "rehire",
            Category::Update => "update",
            Category::EmailChange => "email_change",
            Category::Departure => "departure",
            Category::ScheduledDeparture => "scheduled_departure",
            Category::Unchanged => "unchanged",
            Category::Conflict => "conflict",
            Category::Rejected => "rejected",
        }
    }

    /// True for the categories a plan writes to ChartHop.
    pub fn is_change(self) -> bool {
        !matches!(
            self,
            Category::Unchanged | Category::Conflict | Category::Rejected
        )
    }

    /// True for departures, scheduled or not.
    pub fn is_departure(self) -> bool {
        matches!(self, Category::Departure | Category::ScheduledDeparture)
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
    /// The export gives the matched person another work email than ChartHop has, and the
    /// mapping does not trust the payroll id to change it (`[key] trust`).
    EmailChange,
    /// The status says the person left, but the termination date is blank: ChartHop needs the
    /// last day, and a departure is never imported undated.
    DepartureWithoutDate,
    /// The row's dates contradict each other (a status that says active with a past
    /// termination date and no later hire or rehire date; a rehire date before the
    /// termination date on a row that says left).
    ContradictoryDates,
    /// The export starts an active ChartHop person after the plan's as-of date.
    FutureStart,
    /// The row matches several former ChartHop people (by payroll key or email).
    SeveralFormerPeople,
    /// A rehire whose export work email differs from the former person's: ChartHop brings a
    /// person back by their work email.
    RehireEmailChange,
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
    /// For a departure: the last day worked (ISO 8601), from the export.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub termination_date: Option<String>,
    /// For a departure: what ChartHop records with it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub departure: Option<DepartureDetails>,
    /// `[effective]`: the date this row's changes take effect (ISO 8601); without one, the
    /// plan's as-of date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective_date: Option<String>,
    /// For a rehire: the former ChartHop person who comes back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub person_id: Option<String>,
    /// For a conflict: its kind.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conflict: Option<ConflictKind>,
    /// Why a row is a conflict or rejected, and what to do.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// What a departure carries besides its date.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DepartureDetails {
    /// `Voluntary` or `Involuntary`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub depart_type: Option<String>,
    /// `Regret` or `Non-regret`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regret: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The last day ChartHop already has, when the export moves it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_end_date: Option<String>,
    /// The department the person leaves, as ChartHop has it (for the reports).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
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
    #[serde(default)]
    pub rehires: usize,
    pub updates: usize,
    #[serde(default)]
    pub email_changes: usize,
    pub departures: usize,
    #[serde(default)]
    pub scheduled_departures: usize,
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
        Category::ALL
            .iter()
            .all(|&c| !c.is_change() || self.count(c) == 0)
    }

    /// Rows left out of the import: conflicts and rejected rows.
    pub fn left_out(&self) -> usize {
        self.conflicts + self.rejected
    }

    /// The count for a row category.
    pub fn count(&self, c: Category) -> usize {
        match c {
            Category::NewHire => self.new_hires,
            Category::Rehire => self.rehires,
            Category::Update => self.updates,
            Category::EmailChange => self.email_changes,
            Category::Departure => self.departures,
            Category::ScheduledDeparture => self.scheduled_departures,
            Category::Unchanged => self.unchanged,
            Category::Conflict => self.conflicts,
            Category::Rejected => self.rejected,
        }
    }

    pub(super) fn add(&mut self, c: Category) {
        let n = match c {
            Category::NewHire => &mut self.new_hires,
            Category::Rehire => &mut self.rehires,
            Category::Update => &mut self.updates,
            Category::EmailChange => &mut self.email_changes,
            Category::Departure => &mut self.departures,
            Category::ScheduledDeparture => &mut self.scheduled_departures,
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
    /// Notes on the plan as a whole.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<Note>,
}

/// Receives the diff's rows, one at a time, in export order.
pub trait Sink {
    /// Told once, before the first row: the work emails (lower-case) of the managers the export
    /// names that ChartHop does not know (new hires who manage others, or nobody).
    fn unknown_managers(&mut self, emails: Vec<String>) {
        let _ = emails;
    }

    /// Takes one row's outcome. An error ends the diff with that error.
    fn row(&mut self, row: RowChange) -> io::Result<()>;

    /// A row given to [`row`](Self::row) earlier that the sink no longer needs, for the diff
    /// to fill in anew instead of allocating its texts again; `None` (the default) when there
    /// is none. What it held is never read: the diff empties it first.
    fn spare(&mut self) -> Option<RowChange> {
        None
    }
}

impl Sink for ChangeSet {
    fn row(&mut self, row: RowChange) -> io::Result<()> {
        self.rows.push(row);
        Ok(())
    }
}

/// Spooled rows (see [`spool`](crate::diff::spool)) that can be read from the start as often as the diff needs,
/// from any thread (a pass reads them on a thread of its own).
pub trait Rows: Sync {
    /// A reader positioned at the first row.
    fn open(&self) -> io::Result<Box<dyn BufRead + '_>>;
}

impl Rows for Vec<u8> {
    fn open(&self) -> io::Result<Box<dyn BufRead + '_>> {
        Ok(Box::new(self.as_slice()))
    }
}

/// What the diff found besides the rows it gave the sink.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outline {
    pub summary: Summary,
    /// Roster people that no row matched or conflicted with, sorted by name then job id.
    pub absent: Vec<Absent>,
    /// What a reviewer should know of the plan as a whole (see [`Note`]).
    pub notes: Vec<Note>,
}

/// A note on the plan as a whole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    /// `department`, `email_domain`, `enum_spelling` or `clear`.
    pub kind: String,
    /// The export rows it is about.
    pub rows: Vec<usize>,
    pub message: String,
}
