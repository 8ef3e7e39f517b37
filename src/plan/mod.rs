//! Stage 5, emit: the plan directory, the unit of review and of audit (DESIGN.md: why plan, then apply).
//!
//! `plan.json` holds the whole change set with the hashes of everything it was made from and of
//! the change files (its layout: `schemas/plan.schema.json`); the change files are what
//! `apply` uploads, one import phase each, in this order: `email_changes.csv`,
//! `new_hires.csv` (new hires and rehires), `updates.csv`, `departures.csv` (held back for
//! review, not uploaded, with `departures.hold`); `report.md` and `report.html` are for
//! people. Every file is written atomically with mode 0600 in a 0700 directory.

pub mod csv;
mod hires;
pub mod html;
pub mod mapping_diff;
pub mod report;
pub mod review;
pub mod safe;
mod stream;

pub use stream::{LISTED, Writer};

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::diff::{Absent, RowChange, Summary};
use crate::failure::Failure;
use crate::fsutil::hex;
use crate::fsutil::{AtomicFile, create_private_dir, write_atomic};
use crate::guard::Verdict;
use crate::mapping::Mapping;
use safe::SensitiveField;

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

/// `plan.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PlanDoc {
    pub schema_version: u32,
    pub tool_version: String,
    /// When the plan was made (UTC, RFC 3339).
    pub created_at: String,
    /// The plan's as-of date (ISO 8601): "future" and "past" are relative to it, and it dates
    /// every change that carries no date of its own (`defaultChangeDate`).
    pub as_of: String,
    pub charthop: CharthopRef,
    pub input: InputRef,
    pub mapping: FileRef,
    /// The lookup files the mapping reads (`[lookups.NAME] file`), with their hashes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lookups: Vec<FileRef>,
    pub roster: RosterRef,
    pub summary: Summary,
    /// The change files to upload, in upload order.
    pub files: Vec<ChangeFileRef>,
    /// `departures.csv` when departures are held back (`departures.hold`): written for review,
    /// not uploaded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub departures_file: Option<ChangeFileRef>,
    /// How the change files are imported besides each file's own flags.
    pub import: ImportPlan,
    /// Fields the reports mask (national ids are never shown).
    #[serde(default)]
    pub sensitive_fields: Vec<SensitiveField>,
    /// Whether the reports show sensitive fields (`--show-sensitive`).
    #[serde(default)]
    pub show_sensitive: bool,
    /// Things a reviewer should know that do not stop the plan, e.g. formula-looking values.
    #[serde(default)]
    pub warnings: Vec<Warning>,
    /// Notes on the plan as a whole (departments ChartHop lacks, a work-email domain move).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<crate::diff::Note>,
    /// Every export row's outcome. Read back (`LoadedPlan`, `apply`), `unchanged` rows are left
    /// in the file: nothing acts on them, and a large org's plan is mostly them.
    /// Written by the plan writer itself, first in the file (so never serialized empty here).
    #[serde(
        deserialize_with = "rows_to_act_on",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub rows: Vec<RowChange>,
    pub absent: Vec<Absent>,
    /// Every safety guard's verdict; a tripped one needs `apply --approve <plan hash>`.
    #[serde(default)]
    pub guards: Vec<Verdict>,
    /// `createGroups` for the new-hire import: the mapping allows new departments and
    /// locations (`[import] create_groups`).
    #[serde(default)]
    pub create_groups: bool,
    /// The org's field catalogue the mapping was checked against; `apply` refuses the plan
    /// when a field it writes changed since.
    #[serde(default, skip_serializing_if = "CatalogueRef::is_unknown")]
    pub catalogue: CatalogueRef,
    /// The field that names a manager (its ChartHop value is the manager's job id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manager_field: Option<String>,
    /// What ChartHop refused in the last run (the run ledger's last entry), so the reports can
    /// name the people it will refuse again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refused_last_run: Option<PriorRefusals>,
    /// The mapping's department field (the reports' rollup per department).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department_field: Option<String>,
}

impl PlanDoc {
    /// The guards that tripped.
    pub fn tripped(&self) -> impl Iterator<Item = &Verdict> {
        self.guards.iter().filter(|v| v.tripped)
    }
}

/// The rows ChartHop refused in the last run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriorRefusals {
    /// When that run was (UTC, RFC 3339).
    pub time: String,
    /// Its plan directory.
    pub plan_dir: String,
    pub rows: Vec<PriorRefusal>,
}

/// A row ChartHop refused in the last run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriorRefusal {
    /// The change file it was in.
    pub file: String,
    /// Its payroll row in that run's export.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub row: Option<usize>,
    /// Its work email (how this plan finds the person again).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub work_email: String,
    /// ChartHop's reason.
    pub reason: String,
}

/// A value worth a reviewer's attention.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Warning {
    /// The export row.
    pub row: usize,
    /// The ChartHop field code.
    pub field: String,
    /// `formula`: the value starts like a spreadsheet formula. It is sent to ChartHop
    /// unchanged and neutralized (prefixed with `'`) in the reports.
    pub kind: String,
    pub message: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CharthopRef {
    pub url: String,
    pub org: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct InputRef {
    pub path: String,
    pub sha256: String,
    pub format: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    pub header_row: usize,
    /// Data rows read (blank rows not counted).
    pub rows: usize,
    pub blank_rows: usize,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FileRef {
    pub path: String,
    pub sha256: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RosterRef {
    pub people: usize,
    /// The field codes fetched (for checking the roster again at apply time).
    #[serde(default)]
    pub fields: Vec<String>,
    /// Fingerprint of the roster snapshot the plan was made against.
    pub sha256: String,
    pub fetched_at: String,
}

/// The org's field catalogue, as a plan records it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogueRef {
    /// SHA-256 of the whole catalogue.
    pub sha256: String,
    /// How many fields it has.
    pub fields: usize,
    /// Each field the plan writes (the mapping's codes), with its own hash (`absent` when the
    /// catalogue lacks it: a subfield's parent is hashed instead).
    pub written: BTreeMap<String, String>,
}

impl CatalogueRef {
    /// The record of `catalogue` for a plan with `mapping`.
    pub fn of(catalogue: &crate::catalogue::Catalogue, mapping: &Mapping) -> CatalogueRef {
        let parent = |code: &str| -> String {
            match catalogue.get(code) {
                Some(_) => code.to_string(),
                None => code.split('.').next().unwrap_or(code).to_string(),
            }
        };
        let codes: Vec<String> = mapping.fields.iter().map(|f| parent(&f.code)).collect();
        CatalogueRef {
            sha256: catalogue.sha256(),
            fields: catalogue.len(),
            written: catalogue.field_hashes(codes.iter().map(String::as_str)),
        }
    }

    /// True for a plan made before plans recorded the catalogue.
    pub fn is_unknown(&self) -> bool {
        self.sha256.is_empty()
    }

    /// The written fields whose definition differs in `now`, by code.
    pub fn changed_in(&self, now: &crate::catalogue::Catalogue) -> Vec<String> {
        let current = now.field_hashes(self.written.keys().map(String::as_str));
        self.written
            .iter()
            .filter(|(code, hash)| current.get(*code) != Some(*hash))
            .map(|(code, _)| code.clone())
            .collect()
    }
}

/// A change file and how it is to be imported.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ChangeFileRef {
    pub name: String,
    pub sha256: String,
    pub rows: usize,
    /// `importDataCsv`'s `upsert`: true only for new hires and rehires.
    pub upsert: bool,
    /// `createGroups`: true only for new hires, when the mapping allows it.
    #[serde(default)]
    pub create_groups: bool,
}

/// How the change files are imported, the same for every file.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ImportPlan {
    /// `defaultChangeDate`: the plan's as-of date, dating every row without a date of its own.
    pub default_change_date: String,
    /// How dates are written in the change files.
    pub date_format: crate::settings::DateLayout,
    /// `backfillJob` of every departure.
    pub backfill: bool,
    /// Departures are held back for review (`departures.hold`): not uploaded.
    pub departures_held: bool,
    /// The mapping has a `[departure]` section (without one, departures are never found).
    pub departures_mapped: bool,
    /// `updateTypes` of the updates and email changes: only the kinds of update the mapping's
    /// fields can make (least privilege). Empty in plans made before it was recorded (then
    /// not sent).
    #[serde(default)]
    pub update_types: Vec<String>,
    /// `disableSyncHireDate`: ChartHop must not move hire dates, unless the mapping owns the
    /// start date.
    #[serde(default)]
    pub disable_sync_hire_date: bool,
}

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

/// Deserializes `plan.json`'s row list keeping the rows something acts on (all but
/// `unchanged`), one row at a time.
fn rows_to_act_on<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<RowChange>, D::Error> {
    struct Rows;
    impl<'de> serde::de::Visitor<'de> for Rows {
        type Value = Vec<RowChange>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a list of rows")
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(
            self,
            mut seq: A,
        ) -> Result<Self::Value, A::Error> {
            let mut rows = Vec::new();
            while let Some(row) = seq.next_element::<RowChange>()? {
                if row.category != crate::diff::Category::Unchanged {
                    rows.push(row);
                }
            }
            Ok(rows)
        }
    }
    d.deserialize_seq(Rows)
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

/// A plan read back for `apply`, with the hash that identifies it.
#[derive(Debug)]
pub struct LoadedPlan {
    pub dir: PathBuf,
    pub doc: PlanDoc,
    /// SHA-256 of `plan.json`: the plan's identity.
    pub hash: String,
}

impl LoadedPlan {
    /// Reads `plan.json` and checks that every change file still has the hash it was planned
    /// with. Fails with [`PlanError::Edited`] naming the first file that changed.
    pub fn load(dir: &Path) -> Result<LoadedPlan, PlanError> {
        let path = dir.join(PLAN_FILE);
        // Read as a stream and hashed on the way: a million-row plan is never held whole.
        let read_err = |e: &dyn std::fmt::Display| PlanError::Read {
            path: path.clone(),
            message: e.to_string(),
        };
        let file = std::fs::File::open(&path).map_err(|e| read_err(&e))?;
        let mut reader =
            std::io::BufReader::with_capacity(1 << 20, crate::fsutil::HashingReader::new(file));
        let doc: PlanDoc = serde_json::from_reader(&mut reader).map_err(|e| read_err(&e))?;
        std::io::copy(&mut reader, &mut std::io::sink()).map_err(|e| read_err(&e))?;
        let hash = reader.into_inner().finish();
        if doc.schema_version != SCHEMA_VERSION {
            return Err(PlanError::Read {
                path,
                message: format!(
                    "schema version {} is not {SCHEMA_VERSION}; make the plan again with this version",
                    doc.schema_version
                ),
            });
        }
        // The names come from the file: only the change files a plan writes, so an edited
        // plan.json cannot point `apply` at `../..`, an absolute path or a device.
        for f in doc.files.iter().chain(&doc.departures_file) {
            if !CHANGE_FILES.contains(&f.name.as_str()) {
                return Err(PlanError::Read {
                    path,
                    message: format!(
                        "it names the change file `{}`; a plan's change files are {} in its own directory",
                        f.name,
                        CHANGE_FILES.map(|n| format!("`{n}`")).join(", ")
                    ),
                });
            }
        }
        for f in &doc.files {
            let fpath = dir.join(&f.name);
            let hash = crate::fsutil::sha256_file(&fpath).map_err(|e| PlanError::Read {
                path: fpath.clone(),
                message: e.to_string(),
            })?;
            if hash != f.sha256 {
                return Err(PlanError::Edited { path: fpath });
            }
        }
        Ok(LoadedPlan {
            dir: dir.to_path_buf(),
            hash,
            doc,
        })
    }
}
