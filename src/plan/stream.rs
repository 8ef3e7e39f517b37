//! The plan directory, written while the diff runs: every row goes to `plan.json`'s row list
//! (a private scratch file) and, for a new hire, to `new_hires.csv`'s at once; only what the
//! reports list is kept: every update and departure (at most one per ChartHop person) and the
//! first [`LISTED`] rows of each other category. Memory grows with the roster, not with the
//! export.

use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use super::hires::Hires;
use super::safe::{self, SensitiveField};
use super::*;
use crate::diff::{Category, ChangeSet, Outline, RowChange, Sink};
use crate::fsutil::HashingWriter;
use crate::mapping::Trust;

/// Rows of each category (other than updates and departures) that the reports list.
pub const LISTED: usize = 2_000;

/// A plan directory being written. Feed it the diff's rows ([`Sink`]), then [`Writer::finish`].
#[derive(Debug)]
pub struct Writer {
    dir: PathBuf,
    /// `plan.json` as it is written: its row list first, the rest appended by `finish`; it
    /// appears at its path only then. Buffered before it is hashed, so the hash takes large
    /// chunks, not each of serde's small writes.
    plan: BufWriter<HashingWriter<AtomicFile>>,
    rows_written: usize,
    /// How the change files write cells (dates).
    cells: csv::Cells,
    hires: Hires,
    /// Rows the reports list, in export order.
    listed: Vec<RowChange>,
    listed_per_category: [usize; Category::ALL.len()],
    warnings: Vec<Warning>,
    sensitive: Vec<SensitiveField>,
    sensitive_updates: usize,
    /// What the reports count over every row (they list only some): departments, and the
    /// people ChartHop refused last time.
    tally: review::Tally,
}

impl Writer {
    /// Starts writing a plan for `mapping` into `dir` (created private when missing).
    ///
    /// Refuses a directory that holds an applied plan (its `apply.json` is an audit record);
    /// fails with [`PlanError::Write`] when the directory or a scratch file cannot be made.
    pub fn create(dir: &Path, mapping: &Mapping, cells: csv::Cells) -> Result<Writer, PlanError> {
        if dir.join(APPLY_FILE).exists() {
            return Err(PlanError::DirHoldsAppliedPlan {
                dir: dir.to_path_buf(),
            });
        }
        let werr = |source| PlanError::Write {
            path: dir.to_path_buf(),
            source,
        };
        create_private_dir(dir).map_err(werr)?;
        Ok(Writer {
            dir: dir.to_path_buf(),
            plan: {
                let file = AtomicFile::create(&dir.join(PLAN_FILE)).map_err(werr)?;
                let mut w = BufWriter::with_capacity(1 << 20, HashingWriter::new(file));
                w.write_all(ROWS_OPEN).map_err(werr)?;
                w
            },
            rows_written: 0,
            cells: cells.clone(),
            hires: Hires::new(mapping, cells).map_err(werr)?,
            listed: Vec::new(),
            listed_per_category: [0; Category::ALL.len()],
            warnings: Vec::new(),
            sensitive: safe::sensitive_fields(mapping),
            sensitive_updates: 0,
            tally: review::Tally::new(mapping.department_code()),
        })
    }

    /// Also finds, among every row, the people ChartHop refused in the `last` run (departures
    /// only when they are sent), for the reports.
    pub fn watch_refusals(&mut self, last: &PriorRefusals, departures_sent: bool) {
        self.tally.watch_refusals(last, departures_sent);
    }

    /// Updates that change a sensitive field (for the guard).
    pub fn sensitive_updates(&self) -> usize {
        self.sensitive_updates
    }

    /// Writes the change files, the reports and `plan.json` (last, so a crash never leaves a
    /// `plan.json` naming change files that are not there), each atomically with mode 0600.
    /// Returns `plan.json`'s content with `rows` holding the rows the reports list (the full
    /// list is in the file), and the file's SHA-256 (what `apply --approve` takes).
    ///
    /// Fails with [`PlanError::Write`] naming the file that could not be written.
    pub fn finish(
        self,
        inputs: PlanInputs<'_>,
        outline: Outline,
    ) -> Result<(PlanDoc, String), PlanError> {
        let dir = self.dir.clone();
        let werr = |name: &str| {
            let path = dir.join(name);
            move |source| PlanError::Write { path, source }
        };
        let listed = ChangeSet {
            summary: outline.summary.clone(),
            rows: self.listed,
            absent: Vec::new(),
            notes: Vec::new(),
        };
        let to_io = |e: ::csv::Error| io::Error::other(e.to_string());
        let ref_of = |name: &str, file: &csv::ChangeFile| ChangeFileRef {
            name: name.to_string(),
            sha256: sha256(&file.bytes),
            rows: file.rows,
            upsert: false,
            create_groups: false,
        };
        // email_changes.csv only when the mapping trusts the payroll key with work emails;
        // departures.csv only when it says how a departure is read: otherwise neither can
        // have rows, and an empty file would only puzzle a reviewer.
        let emails = if inputs.mapping.key.trust == Trust::Payroll {
            let file = csv::email_changes(inputs.mapping, &listed, &self.cells)
                .map_err(to_io)
                .map_err(werr(EMAIL_CHANGES_FILE))?;
            write_atomic(&dir.join(EMAIL_CHANGES_FILE), &file.bytes)
                .map_err(werr(EMAIL_CHANGES_FILE))?;
            Some(ref_of(EMAIL_CHANGES_FILE, &file))
        } else {
            None
        };
        let updates = csv::updates(inputs.mapping, &listed, &self.cells)
            .map_err(to_io)
            .map_err(werr(UPDATES_FILE))?;
        write_atomic(&dir.join(UPDATES_FILE), &updates.bytes).map_err(werr(UPDATES_FILE))?;
        let hire_rows = self.hires.count();
        let hires_sha = {
            let path = dir.join(NEW_HIRES_FILE);
            let mut file = AtomicFile::create(&path).map_err(werr(NEW_HIRES_FILE))?;
            let sha = {
                let mut w = BufWriter::with_capacity(1 << 20, &mut file);
                let sha = self.hires.finish(&mut w).map_err(werr(NEW_HIRES_FILE))?;
                w.flush().map_err(werr(NEW_HIRES_FILE))?;
                sha
            };
            file.commit().map_err(werr(NEW_HIRES_FILE))?;
            sha
        };
        let departures = match inputs.mapping.departure {
            Some(_) => {
                let file = csv::departures(
                    inputs.mapping,
                    &listed,
                    &self.cells,
                    &csv::DepartureDefaults {
                        backfill: inputs.departures.backfill,
                        default_type: inputs.departures.default_type.as_deref(),
                    },
                )
                .map_err(to_io)
                .map_err(werr(DEPARTURES_FILE))?;
                write_atomic(&dir.join(DEPARTURES_FILE), &file.bytes)
                    .map_err(werr(DEPARTURES_FILE))?;
                Some(ref_of(DEPARTURES_FILE, &file))
            }
            None => None,
        };
        // Upload order, one import phase each: people get their new work emails first (the
        // other files name them by it), then new hires and rehires (managers before their
        // reports, new departments created), then updates (which may need a new hire or a new
        // department), then departures.
        let mut files: Vec<ChangeFileRef> = emails.into_iter().collect();
        files.push(ChangeFileRef {
            name: NEW_HIRES_FILE.to_string(),
            sha256: hires_sha,
            rows: hire_rows,
            upsert: true,
            create_groups: inputs.mapping.create_groups,
        });
        files.push(ref_of(UPDATES_FILE, &updates));
        let departures_file = match departures {
            Some(file) if inputs.departures.hold => Some(file),
            Some(file) => {
                files.push(file);
                None
            }
            None => None,
        };
        let doc = PlanDoc {
            schema_version: SCHEMA_VERSION,
            tool_version: env!("CARGO_PKG_VERSION").to_string(),
            created_at: inputs.created_at,
            as_of: inputs.as_of.format("%Y-%m-%d").to_string(),
            charthop: inputs.charthop,
            input: inputs.input,
            mapping: FileRef {
                path: inputs.mapping.path.display().to_string(),
                sha256: inputs.mapping_sha256,
            },
            lookups: lookup_refs(inputs.mapping),
            roster: inputs.roster,
            summary: outline.summary,
            files,
            departures_file,
            import: ImportPlan {
                default_change_date: inputs.as_of.format("%Y-%m-%d").to_string(),
                date_format: self.cells.layout,
                backfill: inputs.departures.backfill,
                departures_held: inputs.departures.hold,
                departures_mapped: inputs.mapping.departure.is_some(),
                update_types: inputs
                    .mapping
                    .update_types()
                    .into_iter()
                    .map(str::to_string)
                    .collect(),
                disable_sync_hire_date: !inputs.mapping.owns_start_date(),
            },
            sensitive_fields: self.sensitive,
            show_sensitive: inputs.show_sensitive,
            warnings: self.warnings,
            notes: outline.notes,
            rows: Vec::new(),
            absent: outline.absent,
            guards: inputs.guards,
            create_groups: inputs.mapping.create_groups,
            catalogue: inputs.catalogue,
            manager_field: inputs
                .mapping
                .fields
                .iter()
                .find(|f| f.resolve_manager)
                .map(|f| f.code.clone()),
            refused_last_run: inputs.refused_last_run,
            department_field: inputs.mapping.department_code().map(str::to_string),
        };
        // plan.json's text but the row list (already written; an empty list is not
        // serialized), then the document the reports show, with the rows they list.
        let head = serde_json::to_vec_pretty(&doc)
            .map_err(io::Error::other)
            .map_err(werr(PLAN_FILE))?;
        let doc = PlanDoc {
            rows: listed.rows,
            ..doc
        };
        // plan.json is sealed (its hash known, the reports give it) and made to appear at its
        // path while the reports are rendered on the other core.
        let (plan_file, sha) = seal_plan_json(self.plan, &head).map_err(werr(PLAN_FILE))?;
        let tally = self.tally;
        let shown_dir = dir.display().to_string();
        let stopped = |name: &str, what: &str| PlanError::Write {
            path: dir.join(name),
            source: io::Error::other(format!("{what} stopped unexpectedly")),
        };
        // The reports are worked out on a thread of their own while plan.json is committed
        // (mostly waiting for the disk); the HTML page, the larger, is rendered beside the
        // Markdown report, and written once that is.
        let (reports, committed) = std::thread::scope(|scope| {
            let reports = scope.spawn(|| {
                let stamp = review::Stamp {
                    hash: &sha,
                    dir: &shown_dir,
                };
                let review = review::Review::of(&doc, stamp, &tally);
                std::thread::scope(|inner| {
                    let page = inner.spawn(|| html::render(&review));
                    write_atomic(&dir.join(REPORT_FILE), report::markdown(&review).as_bytes())
                        .map_err(werr(REPORT_FILE))?;
                    let page = page
                        .join()
                        .map_err(|_| stopped(HTML_REPORT_FILE, "rendering the HTML report"))?;
                    write_atomic(&dir.join(HTML_REPORT_FILE), page.as_bytes())
                        .map_err(werr(HTML_REPORT_FILE))
                })
            });
            let committed = plan_file.commit().map_err(werr(PLAN_FILE));
            let reports = reports
                .join()
                .unwrap_or_else(|_| Err(stopped(REPORT_FILE, "rendering the reports")));
            (reports, committed)
        });
        committed?;
        reports?;
        Ok((doc, sha))
    }
}

/// How `plan.json` starts: its row list comes first, so rows are written as the diff finds them.
const ROWS_OPEN: &[u8] = b"{\n  \"rows\": [\n";

/// Ends `plan.json`: closes the row list and appends `head` (the rest of the document,
/// pretty-printed without its rows) after its opening brace. Returns the file, complete but
/// not yet at its path (commit it), and the SHA-256 of its whole content.
fn seal_plan_json(
    mut plan: BufWriter<HashingWriter<AtomicFile>>,
    head: &[u8],
) -> io::Result<(AtomicFile, String)> {
    let rest = head
        .strip_prefix(b"{")
        .ok_or_else(|| io::Error::other("plan.json's document is not an object"))?;
    plan.write_all(b"\n  ],")?;
    plan.write_all(rest)?;
    plan.flush()?;
    let (file, sha) = plan.into_inner().map_err(|e| e.into_error())?.into_parts();
    Ok((file, sha))
}

impl Sink for Writer {
    fn unknown_managers(&mut self, emails: Vec<String>) {
        self.hires.set_unknown_managers(emails);
    }

    fn row(&mut self, row: RowChange) -> io::Result<()> {
        self.take(row).map(drop)
    }
}

impl Writer {
    /// [`Sink::row`], giving the row back when the plan does not keep it for its reports and
    /// change files (most unchanged rows), so that its room can be used again
    /// ([`Sink::spare`]). Fails as `row` does: writing `plan.json` or the hires' scratch file.
    pub fn take(&mut self, row: RowChange) -> io::Result<Option<RowChange>> {
        if self.rows_written > 0 {
            self.plan.write_all(b",\n")?;
        }
        self.plan.write_all(b"    ")?;
        serde_json::to_writer(&mut self.plan, &row)?;
        self.rows_written += 1;
        self.tally.row(&row);
        if !matches!(row.category, Category::Conflict | Category::Rejected) {
            for (field, value) in &row.target {
                if safe::looks_like_formula(value) {
                    self.warnings.push(formula_warning(row.row, field));
                }
            }
        }
        match row.category {
            Category::NewHire | Category::Rehire => self.hires.push(&row)?,
            Category::Update | Category::EmailChange
                if row
                    .changes
                    .iter()
                    .any(|c| self.sensitive.iter().any(|f| f.field == c.field)) =>
            {
                self.sensitive_updates += 1;
            }
            _ => {}
        }
        let n = &mut self.listed_per_category[row.category as usize];
        let cap = match row.category {
            // At most one per ChartHop person: the change files are written from these.
            Category::Update
            | Category::EmailChange
            | Category::Departure
            | Category::ScheduledDeparture => usize::MAX,
            Category::Unchanged => review::UNCHANGED_LISTED,
            _ => LISTED,
        };
        if *n < cap {
            *n += 1;
            self.listed.push(row);
            return Ok(None);
        }
        Ok(Some(row))
    }
}

#[cfg(test)]
#[path = "stream_tests.rs"]
mod tests;
