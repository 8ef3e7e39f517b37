//! Stage 4, diff: desired people (from the mapping) against the roster, into a change set.
//!
//! Deterministic: no network, no clock, the same rows and roster give the same outcomes in
//! export row order (absent people by name, then job id). Its only I/O is its own scratch
//! files: the mapped rows come as a spool (`spool`) read in passes, so memory grows with the
//! roster, never with the export; what must be known of the whole export first (repeats,
//! claims, managers' emails) is learned in `repeats` and `facts`. Matching lives in `matching`,
//! value comparison in `compare`, the types in `model`, and what each matched or unmatched row becomes in
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
mod model;
mod notes;
mod outcome;
mod passes;
mod repeats;
pub mod spool;
mod update;

use std::io;

use chrono::NaiveDate;

use crate::fetch::Roster;
use crate::mapping::{Desired, Mapping, Rejection};
pub use departure::{DEPARTURE_FIELDS, lifecycle_fields, recorded_end};
use facts::Survey;
use keys::WORK_EMAIL;
use matching::{Context, Outcome};
pub use model::{
    Absent, Category, ChangeSet, ConflictKind, DepartureDetails, FieldChange, Note, Outline,
    RowChange, Rows, Sink, Summary,
};
pub use repeats::Sighting;
use spool::{Fields, Item, SpoolWriter};

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
    prepare_watching(mapping, roster, as_of, sighting, rows, &mut |_, _| {})
}

/// [`prepare`], telling `watch` each row [`Prepared::unmatched_keys_and_emails`] will list, as
/// the survey finds it: its payroll key (trimmed) and work email (trimmed, lower-cased), each
/// when it has one, in export order. Once there are too many rows to name (when
/// [`Prepared::unmatched_keys_and_emails`] will say `None`), `watch` is told no more. Looking
/// those rows up can so start before the survey ends.
pub fn prepare_watching<'a>(
    mapping: &'a Mapping,
    roster: &'a Roster,
    as_of: NaiveDate,
    sighting: Sighting,
    rows: &dyn Rows,
    watch: &mut dyn FnMut(Option<&str>, Option<&str>),
) -> io::Result<Prepared<'a>> {
    let mut ctx = Context::new(mapping, roster, as_of);
    let mut survey = Survey::new(sighting.finish()?, roster.len());
    let fields = Fields::Keys(ctx.email_field);
    each_mapped(rows, fields, |d| survey.row(&ctx, d, watch))?;
    let unmatched = std::mem::take(&mut survey.unmatched);
    let (facts, wanted) = survey.finish();
    ctx.facts = facts;
    if let Some(mut wanted) = wanted {
        each_mapped(rows, fields, |d| wanted.row(&ctx, d))?;
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
        passes::each_item(rows, Fields::All, |item| {
            let mut export_email = None;
            let change = match item {
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
                    categories::row(&ctx, d, outcome, sink.spare())
                }
            };
            summary.add(change.category);
            notes.row(&change, export_email.as_deref());
            sink.row(change)
        })?;
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

/// Calls `f` with every mapped row of the spool, in order, with `fields` filled in.
fn each_mapped(rows: &dyn Rows, fields: Fields, mut f: impl FnMut(&Desired)) -> io::Result<()> {
    passes::each_item(rows, fields, |item| {
        if let Item::Mapped(d) = item {
            f(d);
        }
        Ok(())
    })
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
    let (sighting, spool) = spooled(mapping, desired, rejected)?;
    let mut set = ChangeSet::default();
    let outline = run(mapping, roster, as_of, sighting, &spool, &mut set)?;
    set.summary = outline.summary;
    set.absent = outline.absent;
    set.notes = outline.notes;
    Ok(set)
}

/// Rows held in memory spooled in row order, as the pipeline spools them, and sighted.
fn spooled(
    mapping: &Mapping,
    desired: &[Desired],
    rejected: &[Rejection],
) -> io::Result<(Sighting, Vec<u8>)> {
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
    Ok((sighting, w.finish()?))
}

#[cfg(test)]
mod kinds_tests;
#[cfg(test)]
mod lifecycle_tests;
#[cfg(test)]
mod prop_tests;
#[cfg(test)]
mod tests;
