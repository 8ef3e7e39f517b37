//! Stage 4, diff: desired people (from the mapping) against the roster, into a change set.
//!
//! Deterministic: no network, no clock, the same rows and roster give the same outcomes in
//! export row order (absent people by name, then job id). Its only I/O is its own scratch
//! files: the mapped rows come as a spool (`spool`) read in passes, so memory grows with the
//! roster, never with the export; what must be known of the whole export first (repeats,
//! claims, managers' emails) is learned in `repeats` and `facts`. Matching lives in `matching`,
//! value comparison in `compare`, and what each matched or unmatched row becomes in
//! `categories`. Only fields the mapping owns are compared; a manager is compared by who the
//! manager is. The diff never decides to write anything for people who are absent from the
//! export.

mod categories;
pub mod compare;
mod export_facts;
mod facts;
mod keys;
mod matching;
mod repeats;
pub mod spool;

use std::collections::BTreeMap;
use std::io::{self, BufRead};

use serde::{Deserialize, Serialize};

use crate::fetch::Roster;
use crate::mapping::{Desired, Mapping, Rejection};
use facts::Survey;
use keys::WORK_EMAIL;
use matching::{Context, Outcome};
pub use repeats::Sighting;
use spool::{Item, SpoolReader, SpoolWriter};

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

/// Receives the diff's rows, one at a time, in export order.
pub trait Sink {
    /// Told once, before the first row: the work emails (lower-case) of the managers the export
    /// names that ChartHop does not know (new hires who manage others, or nobody).
    fn unknown_managers(&mut self, emails: Vec<String>) {
        let _ = emails;
    }

    /// Takes one row's outcome. An error ends the diff with that error.
    fn row(&mut self, row: RowChange) -> io::Result<()>;
}

impl Sink for ChangeSet {
    fn row(&mut self, row: RowChange) -> io::Result<()> {
        self.rows.push(row);
        Ok(())
    }
}

/// Spooled rows (see [`spool`]) that can be read from the start as often as the diff needs.
pub trait Rows {
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
}

/// Diffs spooled export rows against the roster, giving every row's outcome to `sink` in the
/// spool's (export) order. `sighting` must have observed every mapped row of the spool.
///
/// Promises: every spooled row reaches the sink exactly once; the same rows and roster give
/// the same outcomes. Memory grows with the roster and with the export's repeats, not with
/// the export: the spool is read two or three times instead. Fails only when reading the spool
/// or the sink fails.
pub fn run(
    mapping: &Mapping,
    roster: &Roster,
    sighting: Sighting,
    rows: &dyn Rows,
    sink: &mut dyn Sink,
) -> io::Result<Outline> {
    let mut ctx = Context::new(mapping, roster);
    let mut survey = Survey::new(sighting.finish()?, roster.len());
    each_mapped(rows, |d| survey.row(&ctx, d))?;
    let (facts, wanted) = survey.finish();
    ctx.facts = facts;
    if let Some(mut wanted) = wanted {
        each_mapped(rows, |d| wanted.row(&ctx, d))?;
        wanted.finish(&mut ctx.facts);
    }
    sink.unknown_managers(ctx.facts.unknown_manager_emails());
    let mut involved = vec![false; roster.len()];
    let mut summary = Summary::default();
    let mut reader = SpoolReader::new(rows.open()?);
    let mut item = Item::Mapped(spool::empty_desired());
    while reader.next_into(&mut item)? {
        let change = match &item {
            Item::Rejected(r) => categories::rejected(r),
            Item::Mapped(d) => {
                let email = ctx.email(d);
                let outcome = ctx.settle(ctx.match_row(d, email.as_deref(), true));
                match &outcome {
                    Outcome::Matched { person, .. } => involved[*person] = true,
                    Outcome::Conflict { people, .. } => {
                        for &p in people {
                            involved[p] = true;
                        }
                    }
                    Outcome::NoMatch => {}
                }
                categories::row(&ctx, d, outcome)
            }
        };
        summary.add(change.category);
        sink.row(change)?;
    }
    let mut absent: Vec<Absent> = roster
        .iter()
        .filter(|p| !involved[p.index()])
        .map(|p| Absent {
            job_id: p.job_id().to_string(),
            name: p.name().to_string(),
            charthop_email: ctx.email_of(p.index()).to_string(),
            key: ctx.key_of(p.index()).to_string(),
        })
        .collect();
    absent.sort_by(|a, b| (&a.name, &a.job_id).cmp(&(&b.name, &b.job_id)));
    summary.absent = absent.len();
    Ok(Outline { summary, absent })
}

/// Calls `f` with every mapped row of the spool, in order.
fn each_mapped(rows: &dyn Rows, mut f: impl FnMut(&Desired)) -> io::Result<()> {
    let mut reader = SpoolReader::new(rows.open()?);
    let mut item = Item::Mapped(spool::empty_desired());
    while reader.next_into(&mut item)? {
        if let Item::Mapped(d) = &item {
            f(d);
        }
    }
    Ok(())
}

/// Diffs desired rows (and the mapping's rejections), held in memory, against the roster: the
/// same as [`run`] over a spool in memory.
///
/// Promises: every export row appears exactly once in `rows`, sorted by row number; every
/// roster person that no row matched or conflicted with appears in `absent`, sorted by name
/// then job id; the same inputs in any order give the same change set. Problems with a row
/// become a `conflict` or `rejected` row with the reason; fails only if the spool in memory
/// cannot be read back, which would be a bug.
pub fn diff(
    mapping: &Mapping,
    desired: &[Desired],
    rejected: &[Rejection],
    roster: &Roster,
) -> io::Result<ChangeSet> {
    let mut order: Vec<(usize, Result<&Desired, &Rejection>)> = desired
        .iter()
        .map(|d| (d.row, Ok(d)))
        .chain(rejected.iter().map(|r| (r.row, Err(r))))
        .collect();
    order.sort_by_key(|(row, _)| *row);
    let email_field = mapping.field_index(WORK_EMAIL);
    let mut sighting = Sighting::new()?;
    let mut w = SpoolWriter::new(Vec::new());
    for (_, item) in order {
        match item {
            Ok(d) => {
                sighting.observe(d, email_field)?;
                w.mapped(d)?;
            }
            Err(r) => w.rejected(r)?,
        }
    }
    let spool = w.finish()?;
    let mut set = ChangeSet::default();
    let outline = run(mapping, roster, sighting, &spool, &mut set)?;
    set.summary = outline.summary;
    set.absent = outline.absent;
    Ok(set)
}

#[cfg(test)]
mod kinds_tests;
#[cfg(test)]
mod prop_tests;
#[cfg(test)]
mod tests;
