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
mod departure;
mod export_facts;
mod facts;
mod former;
mod keys;
mod lifecycle;
mod matching;
mod notes;
mod outcome;
mod repeats;
pub mod spool;
mod update;

use std::collections::BTreeMap;
use std::io::{self, BufRead};

use chrono::NaiveDate;

use serde::{Deserialize, Serialize};

use crate::fetch::Roster;
use crate::mapping::{Desired, Mapping, Rejection};
pub use departure::{DEPARTURE_FIELDS, lifecycle_fields, recorded_end};
use facts::Survey;
use keys::WORK_EMAIL;
use matching::{Context, Outcome};
pub use notes::Note;
pub use repeats::Sighting;
use spool::{Item, SpoolReader, SpoolWriter};

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

    fn add(&mut self, c: Category) {
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
    /// What a reviewer should know of the plan as a whole (see [`Note`]).
    pub notes: Vec<Note>,
}

/// Diffs spooled export rows against the roster for a plan as of `as_of`, giving every row's
/// outcome to `sink` in the spool's (export) order. `sighting` must have observed every mapped
/// row of the spool. No former people are looked up: see [`prepare`] for that.
///
/// Promises: every spooled row reaches the sink exactly once; the same rows and roster give
/// the same outcomes. Memory grows with the roster and with the export's repeats, not with
/// the export: the spool is read two or three times instead. Fails only when reading the spool
/// or the sink fails.
pub fn run(
    mapping: &Mapping,
    roster: &Roster,
    as_of: NaiveDate,
    sighting: Sighting,
    rows: &dyn Rows,
    sink: &mut dyn Sink,
) -> io::Result<Outline> {
    prepare(mapping, roster, as_of, sighting, rows)?.run(rows, sink)
}

/// The diff once it knows the export as a whole (its repeats, claims and managers' emails),
/// before any row is decided: the point where the caller may fetch ChartHop's former people
/// (only when [`Prepared::unmatched`] says a row could be one).
pub struct Prepared<'a> {
    ctx: Context<'a>,
    unmatched: facts::Unmatched,
}

/// The survey passes of [`run`] over the spooled rows. Fails only when reading the spool fails.
pub fn prepare<'a>(
    mapping: &'a Mapping,
    roster: &'a Roster,
    as_of: NaiveDate,
    sighting: Sighting,
    rows: &dyn Rows,
) -> io::Result<Prepared<'a>> {
    let mut ctx = Context::new(mapping, roster, as_of);
    let mut survey = Survey::new(sighting.finish()?, roster.len());
    each_mapped(rows, |d| survey.row(&ctx, d))?;
    let unmatched = std::mem::take(&mut survey.unmatched);
    let (facts, wanted) = survey.finish();
    ctx.facts = facts;
    if let Some(mut wanted) = wanted {
        each_mapped(rows, |d| wanted.row(&ctx, d))?;
        wanted.finish(&mut ctx.facts);
    }
    Ok(Prepared { ctx, unmatched })
}

impl<'a> Prepared<'a> {
    /// Rows that no roster person matches and that do not say the person left: each could be
    /// a rehire. Zero means ChartHop's former people need not be fetched.
    pub fn unmatched(&self) -> usize {
        self.unmatched.rows
    }

    /// The payroll keys and the work emails of the rows [`Prepared::unmatched`] counts: what
    /// ChartHop's former people are looked up by; `None` when there are too many to name
    /// (then every person is to be walked).
    pub fn unmatched_keys_and_emails(&self) -> Option<(&[String], &[String])> {
        (self.unmatched.rows <= facts::MAX_LISTED)
            .then_some((&self.unmatched.keys[..], &self.unmatched.emails[..]))
    }

    /// The mapping's payroll key field, which former people are looked up by.
    pub fn key_field(&self) -> &'a str {
        self.ctx.key_code
    }

    /// Looks rows no roster person matches up among `people` (ChartHop's people, former ones
    /// included, keyed by person id): a former person's row is a rehire.
    pub fn with_former(&mut self, people: &'a Roster) {
        self.ctx.former = Some(former::Former::new(
            people,
            self.ctx.key_code,
            self.ctx.roster,
        ));
    }

    /// Decides every row and gives it to `sink`, in export order. Fails only when reading the
    /// spool or the sink fails.
    pub fn run(self, rows: &dyn Rows, sink: &mut dyn Sink) -> io::Result<Outline> {
        let ctx = self.ctx;
        let roster = ctx.roster;
        sink.unknown_managers(ctx.facts.unknown_manager_emails());
        let mut involved = vec![false; roster.len()];
        let mut summary = Summary::default();
        let mut notes = notes::Notes::new(&ctx);
        let mut reader = SpoolReader::new(rows.open()?);
        let mut item = Item::Mapped(spool::empty_desired());
        while reader.next_into(&mut item)? {
            let mut export_email = None;
            let change = match &item {
                Item::Rejected(r) => categories::rejected(r),
                Item::Mapped(d) => {
                    let email = ctx.email(d);
                    export_email.clone_from(&email);
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
            notes.row(&change, export_email.as_deref());
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
        Ok(Outline {
            summary,
            absent,
            notes: notes.finish(),
        })
    }
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
    as_of: NaiveDate,
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
    let outline = run(mapping, roster, as_of, sighting, &spool, &mut set)?;
    set.summary = outline.summary;
    set.absent = outline.absent;
    set.notes = outline.notes;
    Ok(set)
}

#[cfg(test)]
mod kinds_tests;
#[cfg(test)]
mod lifecycle_tests;
#[cfg(test)]
mod prop_tests;
#[cfg(test)]
mod tests;
