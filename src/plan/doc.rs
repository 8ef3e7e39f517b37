//! `plan.json`'s document: what a plan was made from, its summary, change files, import
//! settings and rows, as written by [`super::Writer`] and read back by
//! [`super::LoadedPlan`] (its layout: `schemas/plan.schema.json`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::safe::SensitiveField;
use crate::diff::{Absent, RowChange, Summary};
use crate::guard::Verdict;
use crate::mapping::Mapping;

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
