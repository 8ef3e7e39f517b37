//! Reading and mapping the export into a spool while the roster it needs is fetched.

use std::path::Path;

use crate::catalogue::Catalogue;
use crate::charthop::Client;
use crate::diff;
use crate::fetch::{Roster, fetch_roster};
use crate::mapping::{MappedRow, Mapping, Verdict};
use crate::pipeline::Error;
use crate::plan::{self, InputRef};
use crate::progress::{Progress, Stage};
use crate::read::{self, ReadOptions};
use crate::settings::Settings;
use crate::textindex::Fold;

/// An export mapped with one mapping: its rows spooled to a private, unlinked scratch file.
pub(super) struct Mapped {
    pub(super) mapping: Mapping,
    pub(super) mapping_sha256: String,
    pub(super) spool: Spool,
    /// What the diff learns of keys and emails while the rows are read.
    pub(super) sighting: diff::Sighting,
    /// Rows left out by `[[skip]]` rules.
    pub(super) skipped: usize,
    pub(super) input: InputRef,
    /// The org's field catalogue as the mapping was checked against it.
    pub(super) catalogue: plan::CatalogueRef,
}

/// Spooled rows in a scratch file (deleted by the system when closed, even after a crash).
pub(super) struct Spool(std::fs::File);

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
    let input_sha256 = crate::fsutil::sha256_file(input).map_err(|source| {
        Error::Read(crate::read::ReadError::Io {
            path: input.to_path_buf(),
            source,
        })
    })?;
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
    let mut damaged = Damaged::default();
    while table.read_row(&mut row)? {
        rows += 1;
        match bound.outcome_into(row.row, &row.cells, &mut mapped) {
            Verdict::Mapped => {
                if let Some(d) = mapping.damage(&mapped.desired) {
                    damaged.push(d);
                }
                sighting
                    .observe(&mapped.desired, email_field)
                    .map_err(|e| spool_error(&e))?;
                spool.mapped(&mapped.desired).map_err(|e| spool_error(&e))?;
            }
            Verdict::Skipped(_) => skipped += 1,
            Verdict::Rejected(r) => spool.rejected(&r).map_err(|e| spool_error(&e))?,
        }
    }
    damaged.refuse(input)?;
    // The export's repeats are worked out here, while the roster is still being fetched.
    sighting.settle().map_err(|e| spool_error(&e))?;
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
        catalogue: plan::CatalogueRef::default(),
    })
}

/// Rows whose names the export's encoding damaged (see [`crate::mapping::Damage`]): counted,
/// the first few kept for the message.
#[derive(Default)]
struct Damaged {
    count: usize,
    first: Vec<crate::mapping::Damage>,
}

impl Damaged {
    const SHOWN: usize = 3;

    fn push(&mut self, d: crate::mapping::Damage) {
        self.count += 1;
        if self.first.len() < Self::SHOWN {
            self.first.push(d);
        }
    }

    /// Fails with [`read::ReadError::DamagedText`] (exit 65) when any row was damaged.
    fn refuse(self, input: &Path) -> Result<(), Error> {
        if self.count == 0 {
            return Ok(());
        }
        let mut first: Vec<String> = self
            .first
            .iter()
            .map(|d| {
                let place = d
                    .column
                    .as_ref()
                    .map_or_else(|| format!("field {}", d.field), |c| format!("column `{c}`"));
                format!("row {}, {place}: `{}`", d.row, d.value)
            })
            .collect();
        if self.count > self.first.len() {
            first.push(format!("{} more", self.count - self.first.len()));
        }
        Err(Error::Read(read::ReadError::DamagedText {
            path: input.to_path_buf(),
            count: self.count,
            first: first.join("; "),
        }))
    }
}

/// Maps the export with the mapping at `mapping_path` while the roster it needs is fetched:
/// reading and mapping run on a blocking thread, hidden under ChartHop's paging. The first
/// failure ends both (a bad export does not wait for the whole walk).
pub(super) async fn map_and_fetch(
    settings: &Settings,
    client: &Client,
    mapping_path: &Path,
    input: &Path,
    sheet: Option<&str>,
    progress: &dyn Progress,
) -> Result<(Mapped, Roster), Error> {
    let (mut mapping, mapping_sha256) = load_mapping(mapping_path)?;
    // The org's real fields: codes in ChartHop's spelling, enum options, sensitivity.
    let catalogue = Catalogue::fetch(client).await?;
    for line in mapping.against_catalogue(&catalogue)? {
        tracing::info!(adjustment = %line, "mapping checked against the org's fields");
    }
    let catalogue_ref = plan::CatalogueRef::of(&catalogue, &mapping);
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
    let (mut mapped, roster, ()) = tokio::try_join!(
        reading,
        roster_for(settings, client, &mapping, progress),
        mapping_stage
    )?;
    mapped.catalogue = catalogue_ref;
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

/// The fields a mapping compares (its key, its fallback and every mapped field), and the
/// lifecycle fields the diff reads ([`crate::diff::lifecycle_fields`]).
pub(super) fn roster_fields(mapping: &Mapping) -> Vec<String> {
    let mut fields = vec![mapping.key.charthop_field.clone()];
    if let Some((_, f)) = &mapping.key.fallback {
        fields.push(f.clone());
    }
    fields.extend(mapping.fields.iter().map(|f| f.code.clone()));
    fields.extend(crate::diff::lifecycle_fields(mapping).map(str::to_string));
    fields
}

/// The spool of mapped rows could not be written or read back.
pub(super) fn spool_error(e: &std::io::Error) -> Error {
    Error::Io {
        what: "spooling the mapped rows".into(),
        source: std::io::Error::new(e.kind(), e.to_string()),
    }
}
