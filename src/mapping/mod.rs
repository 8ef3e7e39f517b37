//! Stage 2, map: a mapping file turns export rows into desired ChartHop field values.
//!
//! [`Mapping::load`] parses and validates the file once, compiling every field into a short
//! list of steps (regexes, date formats, lookups and column ids resolved) and reporting every
//! problem at once with its line and column; [`Mapping::bind`] checks every column it names
//! against an export's header; [`Bound::map_row`] maps one row or rejects it with the reason.
//!
//! This module does not read exports nor know ChartHop's roster: a manager given as a payroll
//! id is carried as a reference and resolved by the diff.

pub mod check;
mod codes;
mod cond;
mod damage;
mod diag;
mod document;
mod error;
mod field;
mod fit;
pub mod formula;
mod lifecycle;
mod lookup;
mod options;
mod org;
mod row;
mod selftest;
pub mod sensitivity;
mod spec;
mod template;
pub mod transform;
mod value;

use std::ops::Range;
use std::path::{Path, PathBuf};

pub use damage::Damage;
pub use diag::{Diagnostic, render};
pub use error::{MappingError, Rejection};
pub use lookup::ValueTable;
pub use row::{Bound, DepartDetails, Desired, MappedRow, Outcome, Verdict};
pub use value::{Decimal, KIND_NAMES, Kind, Value, parse_bool, parse_money_loose};

use cond::Cond;
use template::Template;
use transform::{Defaults, Transform};

/// Every export column a mapping names, interned: conditions, templates and fields refer to
/// columns by id, and [`Mapping::bind`] turns ids into header positions once.
#[derive(Debug, Clone, Default)]
pub(crate) struct Columns {
    pub(crate) names: Vec<String>,
    /// Where each column is first named in the mapping file.
    pub(crate) spans: Vec<Range<usize>>,
}

impl Columns {
    pub(crate) fn intern(&mut self, name: &str, span: Range<usize>) -> usize {
        if let Some(i) = self.names.iter().position(|n| n == name) {
            return i;
        }
        self.names.push(name.to_string());
        self.spans.push(span);
        self.names.len() - 1
    }
}

/// Where a field's text comes from.
#[derive(Debug, Clone)]
pub(crate) enum Source {
    /// One column.
    Column(usize),
    /// The first of several columns that is not blank.
    First(Vec<usize>),
    Template(Template),
    /// No column: the field is its `default`.
    Nothing,
}

/// What a blank value does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnEmpty {
    /// Leave ChartHop's value as it is (the default).
    Keep,
    /// Erase ChartHop's value.
    Clear,
}

/// One mapped ChartHop field.
#[derive(Debug, Clone)]
pub struct Field {
    /// The ChartHop field code, e.g. `contact.workEmail`.
    pub code: String,
    pub kind: Kind,
    /// The first export column it comes from (for messages).
    pub column: Option<String>,
    /// The cell holds the manager's payroll id, resolved to the manager by the diff.
    pub resolve_manager: bool,
    /// Compensation and the like: masked in reports.
    pub sensitive: bool,
    /// `allow_formula = true`: text that starts like a spreadsheet formula is accepted (and
    /// flagged in the plan); by default such a value rejects its row.
    pub allow_formula: bool,
    /// `custom = true`: the mapping says this is a custom field of the org (so a catalogue
    /// without it means the app's token cannot see it, not a typo).
    pub declared_custom: bool,
    pub on_empty: OnEmpty,
    pub(crate) source: Source,
    pub(crate) transforms: Vec<Transform>,
    pub(crate) when: Option<Cond>,
    pub(crate) default: Option<String>,
    /// Index into [`Mapping::tables`] (`map` or `lookup`).
    pub(crate) table: Option<usize>,
    pub(crate) required: bool,
    /// An enum field's options in the org's catalogue (set by [`Mapping::against_catalogue`]):
    /// each value is brought to the option's spelling, an unknown one rejects the row.
    pub(crate) options: Option<std::sync::Arc<options::EnumOptions>>,
}

/// How a row finds its ChartHop person.
#[derive(Debug, Clone)]
pub struct Key {
    pub payroll_column: String,
    pub charthop_field: String,
    pub fallback: Option<(String, String)>,
    /// Which identifier wins when the payroll key and the work email disagree.
    pub trust: Trust,
}

/// `[key] trust`: what a row matched by its payroll key does with a work email that differs
/// from ChartHop's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Trust {
    /// The default: the two disagree, so the row is a conflict for a person to settle.
    #[default]
    Email,
    /// The payroll id wins: the person gets the export's work email (an `email_change`).
    Payroll,
}

/// `[departure]`: which export cells say that a person left, and what ChartHop records of it.
#[derive(Debug, Clone)]
pub struct Departure {
    /// The status column (its id) and the values (compared trimmed, ignoring case) that mean
    /// "left".
    pub(crate) status: Option<(usize, Vec<String>)>,
    /// The termination-date column (its id): the last day worked.
    pub(crate) date_col: Option<usize>,
    /// The rehire-date column (its id): a rehire date after the termination date makes the
    /// termination history.
    pub(crate) rehire_col: Option<usize>,
    /// Where the departure's type (`Voluntary`/`Involuntary`), regret and reason come from.
    pub(crate) depart_type: Option<Field>,
    pub(crate) regret: Option<Field>,
    pub(crate) reason: Option<Field>,
}

impl Departure {
    /// True when the section names a status column (else a termination date alone says
    /// "left").
    pub fn has_status(&self) -> bool {
        self.status.is_some()
    }
}

impl Mapping {
    /// `updateTypes` for an import of updates: the kinds of update this mapping's fields can
    /// make (`title, comp, group, relationship, data, other`), in that order, each once.
    pub fn update_types(&self) -> Vec<&'static str> {
        let mut kinds: Vec<&'static str> = self
            .fields
            .iter()
            .map(|f| codes::update_type(&f.code))
            .collect();
        let order = ["title", "comp", "group", "relationship", "data", "other"];
        kinds.sort_by_key(|k| order.iter().position(|o| o == k));
        kinds.dedup();
        kinds
    }

    /// One line per enum field some of whose values matched an option only with case or
    /// spacing aside, for the plan's notes (counts and one example; see `options`).
    pub fn respelled_values(&self) -> Vec<String> {
        self.fields
            .iter()
            .filter_map(|f| f.options.as_ref()?.respelled())
            .collect()
    }

    /// True when the mapping owns the start date (else ChartHop is asked not to move hire
    /// dates: `disableSyncHireDate`).
    pub fn owns_start_date(&self) -> bool {
        self.fields
            .iter()
            .any(|f| f.code.eq_ignore_ascii_case("startDate"))
    }

    /// The code of the field that names a person's department (`department`), when the mapping
    /// has one.
    pub fn department_code(&self) -> Option<&str> {
        self.field_index("department")
            .map(|i| self.fields[i].code.as_str())
    }

    /// The export column (by name) that `[departure] date` reads, for messages.
    pub fn termination_column(&self) -> Option<&str> {
        self.column_name(self.departure.as_ref()?.date_col?)
    }

    /// The export column (by name) that `[departure] rehire_date` reads, for messages.
    pub fn rehire_column(&self) -> Option<&str> {
        self.column_name(self.departure.as_ref()?.rehire_col?)
    }

    /// The export column (by name) that `[departure] from` reads, for messages.
    pub fn status_column(&self) -> Option<&str> {
        self.column_name(self.departure.as_ref()?.status.as_ref()?.0)
    }

    fn column_name(&self, col: usize) -> Option<&str> {
        self.columns.names.get(col).map(String::as_str)
    }
}

/// A row filter: rows matching `when` are left out and counted.
#[derive(Debug, Clone)]
pub struct Skip {
    pub reason: String,
    pub(crate) when: Cond,
}

/// A validated, compiled mapping file.
#[derive(Debug, Clone)]
pub struct Mapping {
    pub path: PathBuf,
    pub sheet: Option<String>,
    /// How to read the export, from `[source]`: where the header is, the CSV encoding and
    /// delimiter (`None`: detected).
    pub header_row: crate::read::HeaderRow,
    pub encoding: Option<crate::read::TextEncoding>,
    pub delimiter: Option<u8>,
    pub key: Key,
    pub fields: Vec<Field>,
    pub skips: Vec<Skip>,
    /// The departure evidence, when the mapping has a `[departure]` section.
    pub departure: Option<Departure>,
    /// `[effective] from`: the column (its id) with the date each row's changes take effect.
    pub(crate) effective_col: Option<usize>,
    /// `[import] create_groups`: new hires may bring new departments and locations.
    pub create_groups: bool,
    /// Inline maps and lookups, referenced by fields.
    pub tables: Vec<ValueTable>,
    pub(crate) columns: Columns,
    pub(crate) key_col: usize,
    pub(crate) fallback_col: Option<usize>,
    pub(crate) defaults: Defaults,
    pub(crate) tests: Vec<selftest::TestCase>,
    /// The file's text, for diagnostics found after loading (columns, tests).
    pub(crate) text: String,
}

impl Mapping {
    /// Reads and validates a mapping file.
    ///
    /// Fails with [`MappingError`] (exit 78) when the file cannot be read, or with every
    /// problem it has at once ([`MappingError::Invalid`]): not valid TOML, an unknown key,
    /// transform, type or ChartHop field, a bad date format, a type mismatch, a field mapped
    /// twice, a missing lookup file, a malformed test.
    pub fn load(path: &Path) -> Result<Mapping, MappingError> {
        let text = std::fs::read_to_string(path).map_err(|source| MappingError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Self::parse(path, &text)
    }

    /// Validates mapping text; `path` names it in messages, and lookup files are found in its
    /// directory.
    pub fn parse(path: &Path, text: &str) -> Result<Mapping, MappingError> {
        document::parse(path, text)
    }

    /// Every export column the mapping names, in the order it names them, without repeats.
    pub fn columns(&self) -> Vec<&str> {
        self.columns.names.iter().map(String::as_str).collect()
    }

    /// Index of the field with this ChartHop code (case-insensitive).
    pub fn field_index(&self, code: &str) -> Option<usize> {
        self.fields
            .iter()
            .position(|f| f.code.eq_ignore_ascii_case(code))
    }

    /// True when the mapping names an effective-date column (`[effective]`).
    pub fn has_effective_date(&self) -> bool {
        self.effective_col.is_some()
    }

    /// The number of embedded `[[tests]]`.
    pub fn test_count(&self) -> usize {
        self.tests.len()
    }

    /// Resolves every column against an export's header.
    ///
    /// Fails with [`MappingError::Invalid`] listing every column the header lacks, each at its
    /// place in the mapping with the closest header name as a hint.
    pub fn bind(&self, header: &[String]) -> Result<Bound<'_>, MappingError> {
        // Columns in the header, or close to one (a typo): when most are neither, the export
        // is another one, said once.
        let fitting = self
            .columns
            .names
            .iter()
            .filter(|n| {
                header.contains(n)
                    || diag::did_you_mean(n, header.iter().map(String::as_str)).is_some()
            })
            .count();
        if fit::is_foreign(fitting, self.columns.names.len()) {
            return Err(self.foreign_export(header));
        }
        let mut diags = diag::Diagnostics::default();
        let mut pos = Vec::with_capacity(self.columns.names.len());
        for (name, span) in self.columns.names.iter().zip(&self.columns.spans) {
            match header.iter().position(|h| h == name) {
                Some(p) => pos.push(p),
                None => {
                    let hint = diag::did_you_mean(name, header.iter().map(String::as_str))
                        .or_else(|| {
                            Some("list the export's columns with `payroll-sync check MAPPING --input FILE`".into())
                        });
                    diags.error_hint(
                        span.clone(),
                        format!("the export has no column `{name}`"),
                        "not in the export's header",
                        hint,
                    );
                    pos.push(usize::MAX);
                }
            }
        }
        if !diags.is_empty() {
            return Err(self.error(diags.items));
        }
        Ok(Bound::new(self, pos))
    }

    /// Runs the `[[tests]]` embedded in the mapping; returns one diagnostic per failed test,
    /// pointing at the test.
    pub fn run_tests(&self) -> Vec<Diagnostic> {
        selftest::run(self)
    }

    /// Renders diagnostics against this mapping's text.
    pub fn render(&self, diagnostics: &[Diagnostic]) -> String {
        render(&self.path.display().to_string(), &self.text, diagnostics)
    }

    /// The error for diagnostics found after loading (columns, failed tests), rendered
    /// against this mapping's text.
    pub fn error(&self, diagnostics: Vec<Diagnostic>) -> MappingError {
        MappingError::invalid(&self.path, &self.text, diagnostics)
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
#[path = "lifecycle_tests.rs"]
mod lifecycle_tests;

#[cfg(test)]
#[path = "org_tests.rs"]
mod org_tests;
