//! The pipeline's entry points: `plan` (dry run), `apply` (a reviewed plan) and `sync` (both,
//! for cron). Each strings the stages together; none of them prints.

use std::path::{Path, PathBuf};

use crate::charthop::Client;
use crate::diff::{self, ChangeSet};
use crate::error::Error;
use crate::fetch::fetch_roster;
use crate::import::{self, ApplyRecord};
use crate::mapping::Mapping;
use crate::plan::{self, CharthopRef, InputRef, LoadedPlan, PlanDoc, PlanInputs, RosterRef};
use crate::progress::{Progress, Stage};
use crate::read::{self, ReadOptions};
use crate::settings::Settings;

/// What to plan.
#[derive(Debug, Clone)]
pub struct PlanRequest {
    pub input: PathBuf,
    pub mapping: PathBuf,
    pub out: PathBuf,
    /// Overrides the mapping's `[source] sheet`.
    pub sheet: Option<String>,
}

/// A written plan.
#[derive(Debug)]
pub struct Planned {
    pub dir: PathBuf,
    pub doc: PlanDoc,
}

/// The ChartHop client the settings describe. Fails when the token is missing (77) or the URL
/// is not acceptable (78).
pub fn client(settings: &Settings) -> Result<Client, Error> {
    Ok(Client::new(settings.charthop.client_config()?)?)
}

/// Dry run: read, map, fetch, diff, and write the plan directory. Sends ChartHop only reads.
pub async fn plan(
    settings: &Settings,
    client: &Client,
    req: &PlanRequest,
    progress: &dyn Progress,
) -> Result<Planned, Error> {
    let mapping_bytes = std::fs::read(&req.mapping).map_err(|source| {
        Error::Mapping(crate::mapping::MappingError::Io {
            path: req.mapping.clone(),
            source,
        })
    })?;
    let mapping = Mapping::parse(&req.mapping, &String::from_utf8_lossy(&mapping_bytes))?;
    progress.stage(Stage::Reading);
    let options = ReadOptions {
        sheet: req.sheet.clone().or_else(|| mapping.sheet.clone()),
        delimiter: mapping.delimiter,
        encoding: mapping.encoding,
        header_row: mapping.header_row,
        limits: settings.read,
    };
    let input_sha256 = hash_file(&req.input)?;
    let mut table = read::open(&req.input, &options)?;
    let bound = mapping.bind(&table.header)?;
    progress.stage(Stage::Mapping);
    let mut desired = Vec::new();
    let mut rejected = Vec::new();
    let mut rows = 0;
    for row in table.by_ref() {
        let row = row?;
        rows += 1;
        match bound.map_row(row.row, &row.cells) {
            Ok(d) => desired.push(d),
            Err(r) => rejected.push(r),
        }
    }
    progress.stage(Stage::FetchingRoster);
    let mut fields = vec![mapping.key.charthop_field.clone()];
    if let Some((_, f)) = &mapping.key.fallback {
        fields.push(f.clone());
    }
    fields.extend(mapping.fields.iter().map(|f| f.code.clone()));
    let roster = fetch_roster(client, &fields, settings.charthop.page_size, progress).await?;
    let fetched_at = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    progress.stage(Stage::Diffing);
    let changes: ChangeSet = diff::diff(&mapping, &desired, &rejected, &roster);
    progress.stage(Stage::Writing);
    let inputs = PlanInputs {
        mapping: &mapping,
        mapping_sha256: plan::sha256(&mapping_bytes),
        input: InputRef {
            path: req.input.display().to_string(),
            sha256: input_sha256,
            format: format!("{:?}", table.info.format).to_lowercase(),
            sheet: table.info.sheet.clone(),
            header_row: table.info.header_row,
            rows,
            blank_rows: table.blank_rows,
        },
        charthop: CharthopRef {
            url: settings.charthop.url.clone(),
            org: settings.charthop.org.clone(),
        },
        roster: RosterRef {
            people: roster.people.len(),
            sha256: roster.fingerprint(),
            fetched_at,
        },
    };
    let doc = plan::write(&req.out, inputs, changes)?;
    Ok(Planned {
        dir: req.out.clone(),
        doc,
    })
}

/// Executes a reviewed plan directory exactly as written.
pub async fn apply(
    settings: &Settings,
    client: &Client,
    dir: &Path,
    progress: &dyn Progress,
) -> Result<(LoadedPlan, ApplyRecord), Error> {
    let plan = LoadedPlan::load(dir)?;
    progress.stage(Stage::Importing);
    let record = import::apply(client, &plan, &settings.import, progress).await?;
    Ok((plan, record))
}

/// A new plan directory under `runs_dir`, named by the current UTC time.
pub fn run_dir(settings: &Settings) -> PathBuf {
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S%.3fZ");
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
