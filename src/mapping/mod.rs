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
    /// `sensitive = true`: masked in reports unless `--show-sensitive`.
    pub sensitive: bool,
}

/// `[departure]`: which export cells say that a person left.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Departure {
    /// The status column and the values (compared trimmed, ignoring case) that mean "left".
    pub status: Option<(String, Vec<String>)>,
    /// The termination-date column: any date in it means "left".
    pub date_column: Option<String>,
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
    pub key: Key,
    pub fields: Vec<Field>,
    /// The departure evidence, when the mapping has a `[departure]` section.
    pub departure: Option<Departure>,
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
    status_col: Option<usize>,
    termination_col: Option<usize>,
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
    /// The export says the person left (`[departure]`).
    pub departing: bool,
    /// The termination date, when the mapping names a date column and the cell holds one.
    pub termination_date: Option<NaiveDate>,
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
                sensitive: f.sensitive,
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
        let departure = match spec.departure {
            None => None,
            Some(d) => {
                let status = match (d.from, d.values.is_empty()) {
                    (Some(col), false) => Some((col, d.values)),
                    (Some(_), true) => {
                        return Err(invalid(
                            "departure",
                            "`from` names a status column but `values` is empty".into(),
                            Some("list the statuses that mean the person left, e.g. `values = [\"Terminated\"]`".into()),
                        ));
                    }
                    (None, false) => {
                        return Err(invalid(
                            "departure",
                            "`values` is set but `from` names no status column".into(),
                            None,
                        ));
                    }
                    (None, true) => None,
                };
                if status.is_none() && d.date.is_none() {
                    return Err(invalid(
                        "departure",
                        "the section names neither a status column (`from`) nor a date column (`date`)".into(),
                        None,
                    ));
                }
                Some(Departure {
                    status,
                    date_column: d.date,
                })
            }
        };
        Ok(Mapping {
            path: path.to_path_buf(),
            sheet: spec.source.sheet,
            key: Key {
                payroll_column: spec.key.payroll,
                charthop_field: spec.key.charthop,
                fallback: spec.key.fallback.map(|f| (f.payroll, f.charthop)),
            },
            fields,
            departure,
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
        if let Some(d) = &self.departure {
            out.extend(d.status.as_ref().map(|(c, _)| c.as_str()));
            out.extend(d.date_column.as_deref());
        }
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
        let departure = self.departure.as_ref();
        let status_col = match departure.and_then(|d| d.status.as_ref()) {
            Some((col, _)) => Some(find(col, "departure.from")?),
            None => None,
        };
        let termination_col = match departure.and_then(|d| d.date_column.as_deref()) {
            Some(col) => Some(find(col, "departure.date")?),
            None => None,
        };
        Ok(Bound {
            mapping: self,
            key_col,
            fallback_col,
            field_cols,
            status_col,
            termination_col,
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
        let status_left = match (cell(self.status_col), self.mapping.departure.as_ref()) {
            (
                Some(status),
                Some(Departure {
                    status: Some((_, left)),
                    ..
                }),
            ) => {
                let status = status.trim();
                !status.is_empty() && left.iter().any(|v| v.trim().eq_ignore_ascii_case(status))
            }
            _ => false,
        };
        let termination_date = match cell(self.termination_col).map(str::trim) {
            None | Some("") => None,
            Some(text) => match self.mapping.parse_date(text) {
                Some(d) => Some(d),
                None => {
                    return Err(Rejection {
                        row,
                        column: self
                            .mapping
                            .departure
                            .as_ref()
                            .and_then(|d| d.date_column.clone()),
                        field: "departure.date".into(),
                        reason: format!(
                            "`{text}` is not a date in any of the formats {:?}",
                            self.mapping.date_formats
                        ),
                    });
                }
            },
        };
        Ok(Desired {
            row,
            key,
            fallback,
            values,
            manager_ref,
            departing: status_left || termination_date.is_some(),
            termination_date,
        })
    }
}

#[cfg(test)]
mod tests;
