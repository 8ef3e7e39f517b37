//! The pipeline's entry points: `plan` (dry run), `apply` (a reviewed plan) and `sync` (both,
//! for cron). Each strings the stages together; none of them prints.

use std::path::{Path, PathBuf};

use crate::charthop::Client;
use crate::diff::{self, ChangeSet};
use crate::fetch::Roster;
use crate::guard;
use crate::plan::{self, CharthopRef, PlanDoc, PlanInputs, RosterRef};
use crate::progress::{Progress, Stage};
use crate::settings::Settings;
use crate::textindex::Fold;

mod apply;
pub mod doctor;
mod error;
mod handoff;
mod mapped;
mod prune;
mod reguard;
mod sync;

use mapped::{map_and_fetch, roster_fields};

pub use apply::{Applied, ApplyOptions, apply, server_dry_run};
pub use error::{Error, exit};
pub use sync::sync;

/// What to plan.
#[derive(Debug, Clone)]
pub struct PlanRequest {
    pub input: PathBuf,
    pub mapping: PathBuf,
    pub out: PathBuf,
    /// Overrides the mapping's `[source] sheet`.
    pub sheet: Option<String>,
    /// Reports show sensitive fields (national ids stay hidden).
    pub show_sensitive: bool,
    /// Also plan with this (old) mapping and write what differs (`mapping-diff.md`).
    pub compare_mapping: Option<PathBuf>,
}

/// A written plan.
#[derive(Debug)]
pub struct Planned {
    pub dir: PathBuf,
    /// `plan.json`'s content; `rows` holds the rows the reports list (all are in the file).
    pub doc: PlanDoc,
    /// `plan.json`'s SHA-256: what `apply --approve` takes when a guard tripped.
    pub plan_sha256: String,
    /// With `compare_mapping`: the comparison, as written to `mapping-diff.md`.
    pub mapping_diff: Option<String>,
}

/// The ChartHop client the settings describe. Fails when the token is missing (77) or the URL
/// is not acceptable (78).
pub fn client(settings: &Settings) -> Result<Client, Error> {
    Ok(Client::new(settings.charthop.client_config()?)?)
}

/// Dry run: read, map, fetch, diff, and write the plan directory. Sends ChartHop only reads.
///
/// With `compare_mapping`, the export is also planned with that (old) mapping against a roster
/// fetched for it, and `mapping-diff.md` in the plan directory says what differs.
pub async fn plan(
    settings: &Settings,
    client: &Client,
    req: &PlanRequest,
    progress: &dyn Progress,
) -> Result<Planned, Error> {
    let started = std::time::Instant::now();
    let (mapped, roster) = map_and_fetch(
        settings,
        client,
        &req.mapping,
        &req.input,
        req.sheet.as_deref(),
        progress,
    )
    .await?;
    let fetched_at = settings.clock.stamp();
    tracing::info!(
        rows = mapped.input.rows,
        people = roster.len(),
        elapsed_ms = started.elapsed().as_millis() as u64,
        "export mapped and roster fetched"
    );
    progress.stage(Stage::Diffing);
    let as_of = settings.clock.as_of();
    let cells = plan::csv::Cells::new(&mapped.mapping, settings.import.date_format);
    let mut writer = plan::Writer::create(&req.out, &mapped.mapping, cells)?;
    let refused_last_run = refused_last_run(&settings.runs_dir);
    if let Some(last) = &refused_last_run {
        writer.watch_refusals(last, !settings.departures.hold);
    }
    // With `--compare-mapping`, the rows are also kept to compare with the old mapping's.
    let mut kept = req.compare_mapping.as_ref().map(|_| ChangeSet::default());
    let former: Roster;
    // Rows nobody in the roster matches may each be a person who left (a rehire): they are
    // looked up while the survey goes on, a batch at a time.
    let mut lookup = former_lookup(settings, client, &mapped.mapping, roster.len());
    let mut prepared = diff::prepare_watching(
        &mapped.mapping,
        &roster,
        as_of,
        mapped.sighting,
        &mapped.spool,
        &mut |key, email| lookup.row(key, email),
    )
    .map_err(|e| diff_error(&req.out, &e))?;
    tracing::debug!(
        unmatched = prepared.unmatched(),
        elapsed_ms = started.elapsed().as_millis() as u64,
        "export surveyed against the roster"
    );
    if prepared.unmatched() > 0 {
        progress.stage(Stage::FetchingFormer);
        let everyone = prepared.unmatched_keys_and_emails().is_none();
        former = lookup.finish(everyone).await?;
        prepared.with_former(&former);
        tracing::debug!(
            found = former.len(),
            elapsed_ms = started.elapsed().as_millis() as u64,
            "former people looked up"
        );
        progress.stage(Stage::Diffing);
    }
    let mut outline = handoff::diff_into(prepared, &mapped.spool, &mut writer, kept.as_mut())
        .map_err(|e| diff_error(&req.out, &e))?;
    outline.summary.skipped = mapped.skipped;
    for message in mapped.mapping.respelled_values() {
        outline.notes.push(diff::Note {
            kind: "enum_spelling".into(),
            rows: Vec::new(),
            message,
        });
    }
    tracing::info!(
        elapsed_ms = started.elapsed().as_millis() as u64,
        "export compared with the roster"
    );
    let compared = match (&req.compare_mapping, kept) {
        (Some(old_path), Some(mut changes)) => {
            changes.summary = outline.summary.clone();
            changes.absent = outline.absent.clone();
            let (old, old_roster) = map_and_fetch(
                settings,
                client,
                old_path,
                &req.input,
                req.sheet.as_deref(),
                progress,
            )
            .await?;
            progress.stage(Stage::Diffing);
            let mut old_changes = ChangeSet::default();
            let old_outline = diff::run(
                &old.mapping,
                &old_roster,
                as_of,
                old.sighting,
                &old.spool,
                &mut old_changes,
            )
            .map_err(|e| diff_error(&req.out, &e))?;
            old_changes.summary = old_outline.summary;
            old_changes.summary.skipped = old.skipped;
            old_changes.absent = old_outline.absent;
            let mut sensitive = plan::safe::sensitive_fields(&old.mapping);
            sensitive.extend(plan::safe::sensitive_fields(&mapped.mapping));
            Some(plan::mapping_diff::markdown(
                &plan::review::words::file_name(&old_path.display().to_string()),
                &plan::review::words::file_name(&req.mapping.display().to_string()),
                &old_changes,
                &changes,
                &sensitive,
                req.show_sensitive,
            ))
        }
        _ => None,
    };
    let counts = guard::Counts {
        active: roster.len(),
        export_rows: mapped.input.rows,
        new_hires: outline.summary.new_hires,
        rehires: outline.summary.rehires,
        updates: outline.summary.updates,
        email_changes: outline.summary.email_changes,
        // Held back (`departures.hold`), departures are only reported: nothing to guard.
        departures: if settings.departures.hold {
            0
        } else {
            outline.summary.departures + outline.summary.scheduled_departures
        },
        // Sensitive by nature (compensation, birth date, national ids) or marked so in the
        // mapping: counted as the rows went by.
        sensitive_updates: writer.sensitive_updates(),
        left_out: outline.summary.left_out(),
    };
    let verdicts = guard::check(&settings.guards, &counts);
    progress.stage(Stage::Writing);
    let inputs = PlanInputs {
        mapping: &mapped.mapping,
        mapping_sha256: mapped.mapping_sha256.clone(),
        input: mapped.input.clone(),
        charthop: CharthopRef {
            url: settings.charthop.url.clone(),
            org: settings.charthop.org.clone(),
        },
        guards: verdicts,
        roster: RosterRef {
            fields: roster_fields(&mapped.mapping),
            people: roster.len(),
            sha256: roster.fingerprint(),
            fetched_at,
        },
        created_at: settings.clock.stamp(),
        as_of,
        departures: settings.departures.clone(),
        show_sensitive: req.show_sensitive,
        catalogue: mapped.catalogue.clone(),
        refused_last_run,
    };
    let (doc, plan_sha256) = writer.finish(inputs, outline)?;
    tracing::info!(
        elapsed_ms = started.elapsed().as_millis() as u64,
        "plan written"
    );
    if let Some(text) = &compared {
        let path = req.out.join(plan::MAPPING_DIFF_FILE);
        crate::fsutil::write_atomic(&path, text.as_bytes()).map_err(|source| {
            Error::Plan(plan::PlanError::Write {
                path: path.clone(),
                source,
            })
        })?;
    }
    Ok(Planned {
        dir: req.out.clone(),
        doc,
        plan_sha256,
        mapping_diff: compared,
    })
}

/// What ChartHop refused in the last run the ledger records, when it refused anything.
fn refused_last_run(runs_dir: &std::path::Path) -> Option<plan::PriorRefusals> {
    let last = crate::ledger::last_run(runs_dir)?;
    (!last.refused.is_empty()).then(|| plan::PriorRefusals {
        time: last.time,
        plan_dir: last.plan_dir,
        rows: last
            .refused
            .into_iter()
            .map(|r| plan::PriorRefusal {
                file: r.file,
                row: r.row,
                work_email: r.work_email,
                reason: r.reason,
            })
            .collect(),
    })
}

/// The lookup of ChartHop's people, former ones included, by the payroll key and the work
/// email of the rows it is told, indexed by both (see [`crate::fetch::FormerLookup`]).
fn former_lookup(
    settings: &Settings,
    client: &Client,
    mapping: &crate::mapping::Mapping,
    org_size: usize,
) -> crate::fetch::FormerLookup {
    let key = mapping.key.charthop_field.as_str();
    let indexes = [(key, Fold::Trim), ("contact.workEmail", Fold::TrimLower)];
    let page = settings.charthop.page_size;
    crate::fetch::FormerLookup::new(client, key, org_size, page, &indexes)
}

/// A new plan directory under `runs_dir`, named by the current UTC time.
pub fn run_dir(settings: &Settings) -> PathBuf {
    let stamp = settings.clock.now().format("%Y%m%dT%H%M%S%.3fZ");
    settings.runs_dir.join(format!("run-{stamp}"))
}

/// The diff failed: its scratch files could not be read or written.
fn diff_error(out: &Path, e: &std::io::Error) -> Error {
    Error::Plan(plan::PlanError::Write {
        path: out.to_path_buf(),
        source: std::io::Error::new(
            e.kind(),
            format!("while comparing the export with the roster: {e}"),
        ),
    })
}
