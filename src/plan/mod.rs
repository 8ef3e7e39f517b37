//! Stage 5, emit: the plan directory, the unit of review and of audit (DESIGN.md: why plan, then apply).
//!
//! `plan.json` holds the whole change set with the hashes of everything it was made from and of
//! the change files (its layout: `schemas/plan.schema.json`); the change files are what
//! `apply` uploads, one import phase each, in this order: `email_changes.csv`,
//! `new_hires.csv` (new hires and rehires), `updates.csv`, `departures.csv` (held back for
//! review, not uploaded, with `departures.hold`); `report.md` and `report.html` are for
//! people. Every file is written atomically with mode 0600 in a 0700 directory.

pub mod csv;
mod doc;
mod hires;
pub mod html;
mod loaded;
pub mod mapping_diff;
pub mod report;
pub mod review;
pub mod safe;
mod stream;

pub use doc::*;
pub use loaded::LoadedPlan;
pub use stream::{LISTED, Writer};

use std::path::{Path, PathBuf};

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::failure::Failure;
use crate::fsutil::hex;
use crate::fsutil::{AtomicFile, create_private_dir, write_atomic};
use crate::guard::Verdict;
use crate::mapping::Mapping;

pub const PLAN_FILE: &str = "plan.json";
pub const UPDATES_FILE: &str = "updates.csv";
pub const NEW_HIRES_FILE: &str = "new_hires.csv";
pub const DEPARTURES_FILE: &str = "departures.csv";
pub const EMAIL_CHANGES_FILE: &str = "email_changes.csv";
/// Every change file a plan may write, in upload order.
pub const CHANGE_FILES: [&str; 4] = [
    EMAIL_CHANGES_FILE,
    NEW_HIRES_FILE,
    UPDATES_FILE,
    DEPARTURES_FILE,
];
pub const REPORT_FILE: &str = "report.md";
pub const HTML_REPORT_FILE: &str = "report.html";
/// Written by `plan --compare-mapping`.
pub const MAPPING_DIFF_FILE: &str = "mapping-diff.md";
/// Written by `apply`: what was uploaded and how it ended.
pub const APPLY_FILE: &str = "apply.json";

/// The version of `plan.json`'s layout.
pub const SCHEMA_VERSION: u32 = 2;

/// A problem with a plan directory.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error("cannot write `{path}`: {source}")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot read the plan `{path}`: {message}")]
    Read { path: PathBuf, message: String },
    #[error(
        "`{path}` was changed after planning (its hash no longer matches plan.json); refusing to apply it"
    )]
    Edited { path: PathBuf },
    #[error("the plan in `{dir}` was already applied ({when}); refusing to apply it twice")]
    AlreadyApplied { dir: PathBuf, when: String },
    #[error("`{dir}` already holds an applied plan; refusing to overwrite its record")]
    DirHoldsAppliedPlan { dir: PathBuf },
}

impl PlanError {
    /// What kind of failure this is (the exit code is chosen at the top).
    pub fn failure(&self) -> Failure {
        match self {
            PlanError::Write { .. } | PlanError::Read { .. } => Failure::Internal,
            PlanError::Edited { .. }
            | PlanError::AlreadyApplied { .. }
            | PlanError::DirHoldsAppliedPlan { .. } => Failure::Guard,
        }
    }

    pub fn hint(&self) -> Option<String> {
        match self {
            PlanError::Edited { .. } => {
                Some("make a new plan with `payroll-sync plan` and review it".into())
            }
            PlanError::AlreadyApplied { .. } => {
                Some("make a new plan to see what is left to change".into())
            }
            PlanError::DirHoldsAppliedPlan { .. } => Some("choose another --out directory".into()),
            _ => None,
        }
    }
}

/// Writes a JSON file of the plan directory (`apply.json`, `outcomes.json`, ...), pretty-printed,
/// atomically and private. Fails with [`PlanError::Write`] naming the file.
pub fn write_json<T: Serialize + ?Sized>(path: &Path, value: &T) -> Result<(), PlanError> {
    let json = serde_json::to_vec_pretty(value).map_err(|e| PlanError::Write {
        path: path.to_path_buf(),
        source: std::io::Error::other(e.to_string()),
    })?;
    write_atomic(path, &json).map_err(|source| PlanError::Write {
        path: path.to_path_buf(),
        source,
    })
}

/// SHA-256 of bytes, as hex.
pub fn sha256(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// What a plan is made from, besides the change set.
pub struct PlanInputs<'a> {
    pub mapping: &'a Mapping,
    pub mapping_sha256: String,
    pub input: InputRef,
    pub charthop: CharthopRef,
    pub roster: RosterRef,
    pub guards: Vec<Verdict>,
    /// When the plan is made (RFC 3339), from the settings' clock.
    pub created_at: String,
    /// The plan's as-of date.
    pub as_of: chrono::NaiveDate,
    /// What is done with departures.
    pub departures: crate::settings::DepartureSettings,
    /// Reports show sensitive fields (`--show-sensitive`); national ids stay hidden.
    pub show_sensitive: bool,
    pub catalogue: CatalogueRef,
    /// What ChartHop refused in the last run, if it refused anything.
    pub refused_last_run: Option<PriorRefusals>,
}

/// The warning for a value that will be sent to ChartHop (or shown in a report) and starts
/// like a spreadsheet formula.
fn formula_warning(row: usize, field: &str) -> Warning {
    Warning {
        row,
        field: field.to_string(),
        kind: "formula".into(),
        message: "the value starts like a spreadsheet formula; it is sent to ChartHop unchanged and shown with a leading `'` in the reports".into(),
    }
}

/// The mapping's lookup files with their hashes; a file that cannot be read now (it was read
/// moments ago) is recorded with an empty hash.
fn lookup_refs(mapping: &Mapping) -> Vec<FileRef> {
    mapping
        .tables
        .iter()
        .filter_map(|t| t.file.as_ref())
        .map(|f| FileRef {
            path: f.display().to_string(),
            sha256: crate::fsutil::sha256_file(f).unwrap_or_default(),
        })
        .collect()
}
