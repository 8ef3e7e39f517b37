//! Stage 2, map: a mapping file turns export rows into desired ChartHop field values.
//!
//! [`Mapping::load`] parses and validates the file once; [`Mapping::bind`] checks every column it
//! names against an export's header; [`Bound::map_row`] maps one row or rejects it with the
//! reason. This module does not know ChartHop's roster: a manager given as a payroll id is
//! carried as a reference and resolved by the diff.

mod error;
mod spec;
pub mod transform;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

pub use error::{MappingError, Rejection};
use transform::Transform;

/// How a field's values are typed and compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Text, compared with surrounding and repeated whitespace ignored.
    Text,
    /// A calendar date, compared as a date whatever its layout.
    Date,
}

/// A typed value for one ChartHop field.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Value {
    Text(String),
    Date(NaiveDate),
}

impl Value {
    /// The value as written in change files and reports (dates in ISO 8601).
    pub fn render(&self) -> String {
        match self {
            Value::Text(t) => t.clone(),
            Value::Date(d) => d.format("%Y-%m-%d").to_string(),
        }
    }
}

/// One mapped ChartHop field.
#[derive(Debug, Clone)]
pub struct Field {
    /// The ChartHop field code, e.g. `contact.workEmail`.
    pub code: String,
    pub kind: Kind,
    /// The export column it comes from.
    pub column: Option<String>,
    transforms: Vec<Transform>,
    default: Option<String>,
    map: Option<BTreeMap<String, String>>,
    /// The cell holds the manager's payroll id, resolved to the manager by the diff.
    pub resolve_manager: bool,
    required: bool,
}

/// How a row finds its ChartHop person.
#[derive(Debug, Clone)]
pub struct Key {
    pub payroll_column: String,
    pub charthop_field: String,
    pub fallback: Option<(String, String)>,
}

/// A validated mapping file.
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
    date_formats: Vec<String>,
    tests: Vec<spec::TestSpec>,
}

/// A mapping bound to one export's header: column positions resolved.
#[derive(Debug, Clone)]
pub struct Bound<'m> {
    pub mapping: &'m Mapping,
    key_col: Option<usize>,
    fallback_col: Option<usize>,
    field_cols: Vec<Option<usize>>,
}

/// What a row maps to: values by field index (`None`: blank, left as it is in ChartHop).
#[derive(Debug, Clone, PartialEq)]
pub struct Desired {
    /// The row's number in the export.
    pub row: usize,
    /// The payroll key (trimmed), when the cell is not blank.
    pub key: Option<String>,
    /// The fallback key (trimmed, lower-cased), when the cell is not blank.
    pub fallback: Option<String>,
    pub values: Vec<Option<Value>>,
    /// For a `resolve = "manager"` field: the manager's payroll id.
    pub manager_ref: Option<String>,
}

impl Mapping {
    /// Reads and validates a mapping file.
    ///
    /// Fails with [`MappingError`] (exit 78) when the file cannot be read, is not valid TOML,
    /// has an unknown key, an unknown transform or type, a bad date format, or names a field
    /// twice. Parse errors carry line, column and the offending line with a caret.
    pub fn load(path: &Path) -> Result<Mapping, MappingError> {
        let text = std::fs::read_to_string(path).map_err(|source| MappingError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Self::parse(path, &text)
    }

    /// Validates mapping text; `path` is used in messages.
    pub fn parse(path: &Path, text: &str) -> Result<Mapping, MappingError> {
        let spec: spec::MappingSpec = toml::from_str(text).map_err(|e| MappingError::Parse {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        let invalid = |field: &str, message: String, hint: Option<String>| MappingError::Invalid {
            path: path.to_path_buf(),
            field: field.to_string(),
            message,
            hint,
        };
        for format in &spec.source.date_formats {
            check_date_format(format).map_err(|m| invalid("source.date_formats", m, None))?;
        }
        let (header_row, encoding, delimiter) =
            read_options(&spec.source).map_err(|(field, message)| invalid(field, message, None))?;
        let mut fields: Vec<Field> = Vec::new();
        for (code, f) in spec.fields.0 {
            if fields.iter().any(|x| x.code.eq_ignore_ascii_case(&code)) {
                return Err(invalid(&code, "the field is mapped twice".into(), None));
            }
            let kind = match f.kind.as_deref() {
                None | Some("text") => Kind::Text,
                Some("date") => Kind::Date,
                Some(other) => {
                    let hint = crate::suggest::closest(other, ["text", "date"])
                        .map(|s| format!("did you mean `{s}`?"));
                    return Err(invalid(&code, format!("unknown type `{other}`"), hint));
                }
            };
            let mut transforms = Vec::new();
            for name in &f.transform {
                let t = Transform::parse(name).ok_or_else(|| {
                    let hint = crate::suggest::closest(name, transform::NAMES)
                        .map(|s| format!("did you mean `{s}`?"));
                    invalid(&code, format!("unknown transform `{name}`"), hint)
                })?;
                transforms.push(t);
            }
            let resolve_manager = match f.resolve.as_deref() {
                None => false,
                Some("manager") => true,
                Some(other) => {
                    return Err(invalid(
                        &code,
                        format!("unknown resolve `{other}`"),
                        Some("the only resolver is `manager`".into()),
                    ));
                }
            };
            if f.from.is_none() && f.default.is_none() {
                return Err(invalid(
                    &code,
                    "the field has neither `from` nor `default`".into(),
                    Some("name the export column with `from = \"Column\"`".into()),
                ));
            }
            fields.push(Field {
                code,
                kind,
                column: f.from,
                transforms,
                default: f.default,
                map: f.map,
                resolve_manager,
                required: f.required,
            });
        }
        if !fields
            .iter()
            .any(|f| f.code.eq_ignore_ascii_case("contact.workEmail"))
        {
            return Err(invalid(
                "fields",
                "the mapping does not map `contact.workEmail`".into(),
                Some("ChartHop matches imported rows by work email; add [fields.\"contact.workEmail\"]".into()),
            ));
        }
        if fields.iter().filter(|f| f.resolve_manager).count() > 1 {
            return Err(invalid(
                "fields",
                "only one field may resolve a manager".into(),
                None,
            ));
        }
        Ok(Mapping {
            path: path.to_path_buf(),
            sheet: spec.source.sheet,
            header_row,
            encoding,
            delimiter,
            key: Key {
                payroll_column: spec.key.payroll,
                charthop_field: spec.key.charthop,
                fallback: spec.key.fallback.map(|f| (f.payroll, f.charthop)),
            },
            fields,
            date_formats: spec.source.date_formats,
            tests: spec.tests,
        })
    }

    /// Every export column the mapping names, in mapping order, without repeats.
    pub fn columns(&self) -> Vec<&str> {
        let mut out: Vec<&str> = vec![self.key.payroll_column.as_str()];
        if let Some((col, _)) = &self.key.fallback {
            out.push(col);
        }
        out.extend(self.fields.iter().filter_map(|f| f.column.as_deref()));
        let mut seen = std::collections::HashSet::new();
        out.retain(|c| seen.insert(*c));
        out
    }

    /// Index of the field with this ChartHop code (case-insensitive).
    pub fn field_index(&self, code: &str) -> Option<usize> {
        self.fields
            .iter()
            .position(|f| f.code.eq_ignore_ascii_case(code))
    }

    /// Resolves every column against an export's header.
    ///
    /// Fails with [`MappingError::UnknownColumn`] for the first column the header lacks, with the
    /// closest header name as a hint.
    pub fn bind(&self, header: &[String]) -> Result<Bound<'_>, MappingError> {
        let find = |column: &str, field: &str| -> Result<usize, MappingError> {
            header
                .iter()
                .position(|h| h == column)
                .ok_or_else(|| MappingError::UnknownColumn {
                    path: self.path.clone(),
                    field: field.to_string(),
                    column: column.to_string(),
                    suggestion: crate::suggest::closest(column, header.iter().map(String::as_str))
                        .map(str::to_string),
                })
        };
        let key_col = Some(find(&self.key.payroll_column, "key.payroll")?);
        let fallback_col = match &self.key.fallback {
            Some((col, _)) => Some(find(col, "key.fallback.payroll")?),
            None => None,
        };
        let mut field_cols = Vec::with_capacity(self.fields.len());
        for f in &self.fields {
            field_cols.push(match &f.column {
                Some(c) => Some(find(c, &f.code)?),
                None => None,
            });
        }
        Ok(Bound {
            mapping: self,
            key_col,
            fallback_col,
            field_cols,
        })
    }

    /// Runs the `[[tests]]` embedded in the mapping; returns one message per failed test.
    pub fn run_tests(&self) -> Vec<String> {
        let mut failures = Vec::new();
        for (i, test) in self.tests.iter().enumerate() {
            let name = test
                .name
                .clone()
                .unwrap_or_else(|| format!("test {}", i + 1));
            let header: Vec<String> = self.columns().iter().map(|c| c.to_string()).collect();
            let cells: Vec<String> = header
                .iter()
                .map(|c| test.input.get(c).cloned().unwrap_or_default())
                .collect();
            if let Some(unknown) = test.input.keys().find(|k| !header.contains(k)) {
                failures.push(format!(
                    "{name}: input column `{unknown}` is not used by the mapping"
                ));
                continue;
            }
            let bound = match self.bind(&header) {
                Ok(b) => b,
                Err(e) => {
                    failures.push(format!("{name}: {e}"));
                    continue;
                }
            };
            match (bound.map_row(2, &cells), test.rejected) {
                (Err(r), false) => failures.push(format!("{name}: rejected: {}", r.reason)),
                (Ok(_), true) => {
                    failures.push(format!("{name}: expected a rejection, the row mapped"))
                }
                (Err(_), true) => {}
                (Ok(d), false) => {
                    for (code, want) in &test.expect {
                        let got = match self.field_index(code) {
                            Some(i) if self.fields[i].resolve_manager => d.manager_ref.clone(),
                            Some(i) => d.values[i].as_ref().map(Value::render),
                            None => {
                                failures.push(format!("{name}: `{code}` is not a mapped field"));
                                continue;
                            }
                        };
                        if got.as_deref().unwrap_or("") != want {
                            failures.push(format!(
                                "{name}: `{code}`: expected `{want}`, got `{}`",
                                got.unwrap_or_default()
                            ));
                        }
                    }
                }
            }
        }
        failures
    }

    fn parse_date(&self, text: &str) -> Option<NaiveDate> {
        if let Ok(d) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            return Some(d);
        }
        // A spreadsheet date cell with a time of day reads as `YYYY-MM-DDTHH:MM:SS`.
        if let Some((day, _)) = text.split_once('T')
            && let Ok(d) = NaiveDate::parse_from_str(day, "%Y-%m-%d")
        {
            return Some(d);
        }
        self.date_formats
            .iter()
            .find_map(|f| NaiveDate::parse_from_str(text, f).ok())
    }
}

type ReadSource = (
    crate::read::HeaderRow,
    Option<crate::read::TextEncoding>,
    Option<u8>,
);

/// `[source]`'s `header_row`, `encoding` and `delimiter`, validated; `Err` names the key.
fn read_options(source: &spec::SourceSpec) -> Result<ReadSource, (&'static str, String)> {
    use crate::read::{HeaderRow, TextEncoding};
    let header_row = match &source.header_row {
        None => HeaderRow::First,
        Some(spec::HeaderRowSpec::Number(n)) => usize::try_from(*n)
            .ok()
            .filter(|n| *n >= 1)
            .map(HeaderRow::Row)
            .ok_or((
                "source.header_row",
                format!("{n} is not a row number from 1"),
            ))?,
        Some(spec::HeaderRowSpec::Word(w)) => HeaderRow::parse(w).ok_or((
            "source.header_row",
            format!("`{w}` is not `auto`, `first` or a row number"),
        ))?,
    };
    let encoding = match &source.encoding {
        None => None,
        Some(name) => Some(TextEncoding::parse(name).ok_or((
            "source.encoding",
            format!("`{name}` is not one of utf-8, utf-16le, utf-16be, windows-1252"),
        ))?),
    };
    let delimiter = match source.delimiter.as_deref() {
        None => None,
        Some("tab") | Some("\t") => Some(b'\t'),
        Some(d) if d.len() == 1 && d.is_ascii() && d != "\"" => Some(d.as_bytes()[0]),
        Some(d) => {
            return Err((
                "source.delimiter",
                format!("`{d}` is not one ASCII character (or `tab`) other than a quote"),
            ));
        }
    };
    Ok((header_row, encoding, delimiter))
}

/// Checks a chrono date format string: it must parse and name a year, a month and a day.
fn check_date_format(format: &str) -> Result<(), String> {
    use chrono::format::{Item, StrftimeItems};
    let items: Vec<Item> = StrftimeItems::new(format).collect();
    if items.iter().any(|i| matches!(i, Item::Error)) {
        return Err(format!("`{format}` is not a valid date format"));
    }
    let probe = NaiveDate::from_ymd_opt(2021, 3, 9).map(|d| d.format(format).to_string());
    match probe.and_then(|p| NaiveDate::parse_from_str(&p, format).ok()) {
        Some(_) => Ok(()),
        None => Err(format!(
            "`{format}` does not name a whole date (year, month and day), e.g. `%m/%d/%Y`"
        )),
    }
}

impl Bound<'_> {
    /// Maps one row's cells (in header order) or rejects it.
    ///
    /// Blank cells become `None` (left alone in ChartHop) unless the field has a `default`;
    /// a blank required field, a value missing from a `map`, or an unparsable date rejects the
    /// row with the column and reason.
    pub fn map_row(&self, row: usize, cells: &[String]) -> Result<Desired, Rejection> {
        let cell = |col: Option<usize>| col.and_then(|c| cells.get(c)).map(String::as_str);
        let key = cell(self.key_col)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string);
        let fallback = cell(self.fallback_col)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_lowercase);
        let mut values = Vec::with_capacity(self.mapping.fields.len());
        let mut manager_ref = None;
        for (field, col) in self.mapping.fields.iter().zip(&self.field_cols) {
            let reject = |reason: String| Rejection {
                row,
                column: field.column.clone(),
                field: field.code.clone(),
                reason,
            };
            let mut text = cell(*col).unwrap_or("").to_string();
            for t in &field.transforms {
                t.apply(&mut text);
            }
            if text.trim().is_empty() {
                match &field.default {
                    Some(d) => text = d.clone(),
                    None if field.required => {
                        return Err(reject("the value is required and the cell is blank".into()));
                    }
                    None => {
                        values.push(None);
                        continue;
                    }
                }
            }
            if let Some(map) = &field.map {
                match map.get(text.trim()) {
                    Some(v) => text = v.clone(),
                    None => {
                        return Err(reject(format!(
                            "`{}` has no entry in the field's `map`",
                            text.trim()
                        )));
                    }
                }
            }
            if field.resolve_manager {
                manager_ref = Some(text.trim().to_string());
                values.push(None);
                continue;
            }
            let value = match field.kind {
                Kind::Text => Value::Text(text),
                Kind::Date => match self.mapping.parse_date(text.trim()) {
                    Some(d) => Value::Date(d),
                    None => {
                        return Err(reject(format!(
                            "`{}` is not a date in any of the formats {:?}",
                            text.trim(),
                            self.mapping.date_formats
                        )));
                    }
                },
            };
            values.push(Some(value));
        }
        Ok(Desired {
            row,
            key,
            fallback,
            values,
            manager_ref,
        })
    }
}

#[cfg(test)]
mod tests;
