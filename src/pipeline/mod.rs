//! The pipeline's entry points: `plan` (dry run), `apply` (a reviewed plan) and `sync` (both,
//! for cron). Each strings the stages together; none of them prints.

use std::path::{Path, PathBuf};

use crate::charthop::Client;
use crate::diff::{self, ChangeSet};
use crate::error::Error;
use crate::fetch::{Roster, fetch_roster};
use crate::guard;
use crate::mapping::{MappedRow, Mapping, Verdict};
use crate::plan::{self, CharthopRef, InputRef, PlanDoc, PlanInputs, RosterRef};
use crate::progress::{Progress, Stage};
use crate::read::{self, ReadOptions};
use crate::settings::Settings;
use crate::textindex::Fold;

mod apply;
mod handoff;
mod sync;

pub use apply::{Applied, ApplyOptions, apply};
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

/// An export mapped with one mapping: its rows spooled to a private, unlinked scratch file.
struct Mapped {
    mapping: Mapping,
    mapping_sha256: String,
    spool: Spool,
    /// What the diff learns of keys and emails while the rows are read.
    sighting: diff::Sighting,
    /// Rows left out by `[[skip]]` rules.
    skipped: usize,
    input: InputRef,
}

/// Spooled rows in a scratch file (deleted by the system when closed, even after a crash).
struct Spool(std::fs::File);

impl diff::Rows for Spool {
    fn open(&self) -> std::io::Result<Box<dyn std::io::BufRead + '_>> {
        use std::io::Seek;
        let mut f = self.0.try_clone()?;
        f.seek(std::io::SeekFrom::Start(0))?;
        Ok(Box::new(std::io::BufReader::with_capacity(1 << 18, f)))
    }
}

/// Reads and validates a mapping file; returns it with the SHA-256 of its bytes.
fn load_mapping(path: &Path) -> Result<(Mapping, String), Error> {
    let bytes = std::fs::read(path).map_err(|source| {
        Error::Mapping(crate::mapping::MappingError::Io {
            path: path.to_path_buf(),
            source,
        })
    })?;
    let mapping = Mapping::parse(path, &String::from_utf8_lossy(&bytes))?;
    Ok((mapping, plan::sha256(&bytes)))
}

/// Reads the export and maps every row with `mapping`.
/// `mapping_started` is told when the header is bound and rows start to be mapped.
fn map_rows(
    mapping: Mapping,
    mapping_sha256: String,
    input: &Path,
    sheet: Option<&str>,
    limits: read::Limits,
    mapping_started: tokio::sync::oneshot::Sender<()>,
) -> Result<Mapped, Error> {
    let options = ReadOptions {
        sheet: sheet.map(str::to_string).or_else(|| mapping.sheet.clone()),
        delimiter: mapping.delimiter,
        encoding: mapping.encoding,
        header_row: mapping.header_row,
        limits,
    };
    let input_sha256 = hash_file(input)?;
    let mut table = read::open(input, &options)?;
    let bound = mapping.bind(&table.header)?;
    let _ = mapping_started.send(());
    let file = tempfile::tempfile().map_err(|e| spool_error(&e))?;
    let mut spool = diff::spool::SpoolWriter::new(std::io::BufWriter::with_capacity(1 << 18, file));
    let mut sighting = diff::Sighting::new().map_err(|e| spool_error(&e))?;
    let email_field = mapping.field_index("contact.workEmail");
    let mut rows = 0;
    let mut skipped = 0;
    // One row's buffers, reused from row to row.
    let mut row = read::RawRow::default();
    let mut mapped = MappedRow::default();
    while table.read_row(&mut row)? {
        rows += 1;
        match bound.outcome_into(row.row, &row.cells, &mut mapped) {
            Verdict::Mapped => {
                sighting
                    .observe(&mapped.desired, email_field)
                    .map_err(|e| spool_error(&e))?;
                spool.mapped(&mapped.desired).map_err(|e| spool_error(&e))?;
            }
            Verdict::Skipped(_) => skipped += 1,
            Verdict::Rejected(r) => spool.rejected(&r).map_err(|e| spool_error(&e))?,
        }
    }
    let spool = spool
        .finish()
        .and_then(|w| w.into_inner().map_err(|e| e.into_error()))
        .map_err(|e| spool_error(&e))?;
    let input = InputRef {
        path: input.display().to_string(),
        sha256: input_sha256,
        format: format!("{:?}", table.info.format).to_lowercase(),
        sheet: table.info.sheet.clone(),
        header_row: table.info.header_row,
        rows,
        blank_rows: table.blank_rows,
    };
    Ok(Mapped {
        mapping_sha256,
        mapping,
        spool: Spool(spool),
        sighting,
        skipped,
        input,
    })
}

/// Maps the export with the mapping at `mapping_path` while the roster it needs is fetched:
/// reading and mapping run on a blocking thread, hidden under ChartHop's paging. The first
/// failure ends both (a bad export does not wait for the whole walk).
async fn map_and_fetch(
    settings: &Settings,
    client: &Client,
    mapping_path: &Path,
    input: &Path,
    sheet: Option<&str>,
    progress: &dyn Progress,
) -> Result<(Mapped, Roster), Error> {
    let (mapping, mapping_sha256) = load_mapping(mapping_path)?;
    progress.stage(Stage::Reading);
    let for_rows = mapping.clone();
    let (input, sheet, limits) = (
        input.to_path_buf(),
        sheet.map(str::to_string),
        settings.read,
    );
    let (started_tx, started_rx) = tokio::sync::oneshot::channel();
    let reading = tokio::task::spawn_blocking(move || {
        map_rows(
            for_rows,
            mapping_sha256,
            &input,
            sheet.as_deref(),
            limits,
            started_tx,
        )
    });
    let reading = async {
        reading.await.map_err(|e| Error::Io {
            what: "reading the export".into(),
            source: std::io::Error::other(e.to_string()),
        })?
    };
    let mapping_stage = async {
        if started_rx.await.is_ok() {
            progress.stage(Stage::Mapping);
        }
        Ok::<(), Error>(())
    };
    let (mapped, roster, ()) = tokio::try_join!(
        reading,
        roster_for(settings, client, &mapping, progress),
        mapping_stage
    )?;
    Ok((mapped, roster))
}

/// The roster with exactly the fields a mapping owns (and its keys).
async fn roster_for(
    settings: &Settings,
    client: &Client,
    mapping: &Mapping,
    progress: &dyn Progress,
) -> Result<Roster, Error> {
    progress.stage(Stage::FetchingRoster);
    let fields = roster_fields(mapping);
    // The diff looks people up by payroll key and by work email: indexed as pages arrive.
    let indexes = [
        (mapping.key.charthop_field.as_str(), Fold::Trim),
        ("contact.workEmail", Fold::TrimLower),
    ];
    Ok(fetch_roster(
        client,
        &fields,
        settings.charthop.page_size,
        &indexes,
        progress,
    )
    .await?)
}

/// The fields a mapping compares: its key, its fallback and every mapped field.
fn roster_fields(mapping: &Mapping) -> Vec<String> {
    let mut fields = vec![mapping.key.charthop_field.clone()];
    if let Some((_, f)) = &mapping.key.fallback {
        fields.push(f.clone());
    }
    fields.extend(mapping.fields.iter().map(|f| f.code.clone()));
    fields
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
    let mut writer = plan::Writer::create(&req.out, &mapped.mapping)?;
    // With `--compare-mapping`, the rows are also kept to compare with the old mapping's.
    let mut kept = req.compare_mapping.as_ref().map(|_| ChangeSet::default());
    let (mut outline, fingerprint) = handoff::diff_into(
        &mapped.mapping,
        &roster,
        mapped.sighting,
        &mapped.spool,
        &mut writer,
        kept.as_mut(),
    )
    .map_err(|e| diff_error(&req.out, &e))?;
    outline.summary.skipped = mapped.skipped;
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
                &plan::report::file_name(&old_path.display().to_string()),
                &plan::report::file_name(&req.mapping.display().to_string()),
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
        updates: outline.summary.updates,
        departures: outline.summary.departures,
        // Sensitive by nature (compensation, birth date, national ids) or marked so in the
        // mapping: counted as the rows went by.
        sensitive_updates: writer.sensitive_updates(),
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
            sha256: fingerprint,
            fetched_at,
        },
        created_at: settings.clock.stamp(),
        departures: settings.departures,
        show_sensitive: req.show_sensitive,
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

/// A new plan directory under `runs_dir`, named by the current UTC time.
pub fn run_dir(settings: &Settings) -> PathBuf {
    let stamp = settings.clock.now().format("%Y%m%dT%H%M%S%.3fZ");
    settings.runs_dir.join(format!("run-{stamp}"))
}

fn hash_file(path: &Path) -> Result<String, Error> {
    use sha2::{Digest, Sha256};
    use std::io::Read;
    let mut file = std::fs::File::open(path).map_err(|source| {
        Error::Read(crate::read::ReadError::Io {
            path: path.to_path_buf(),
            source,
        })
    })?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        let n = file.read(&mut buf).map_err(|source| {
            Error::Read(crate::read::ReadError::Io {
                path: path.to_path_buf(),
                source,
            })
        })?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(crate::fetch::hex(&hasher.finalize()))
}

/// The spool of mapped rows could not be written or read back.
fn spool_error(e: &std::io::Error) -> Error {
    Error::Io {
        what: "spooling the mapped rows".into(),
        source: std::io::Error::new(e.kind(), e.to_string()),
    }
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
