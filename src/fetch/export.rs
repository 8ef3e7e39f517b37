//! Streaming a roster out of ChartHop as CSV or JSON, page by page (`payroll-sync roster`).
//!
//! Each page is written as soon as it arrives, so memory stays at one page whatever the org's
//! size. Values are written as ChartHop sent them: no normalization, no spreadsheet-formula
//! neutralization (this is data for scripts; the plan's files are the ones meant for people).
//! Where the bytes go (stdout, an atomic file) is the caller's business.

use std::io::Write;

use serde_json::Value;

use crate::charthop::wire::Row;
use crate::charthop::{ApiError, Client, JobPages, JobQuery};
use crate::failure::Failure;
use crate::progress::{Progress, Stage};

/// Why a roster export stopped.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// ChartHop failed (including a repeating cursor).
    #[error(transparent)]
    Api(#[from] ApiError),
    /// The output could not be written.
    #[error("writing the roster: {0}")]
    Write(#[source] std::io::Error),
}

impl ExportError {
    /// What kind of failure this is.
    pub fn failure(&self) -> Failure {
        match self {
            ExportError::Api(e) => e.failure(),
            ExportError::Write(_) => Failure::Internal,
        }
    }

    /// What to do about it.
    pub fn hint(&self) -> Option<String> {
        match self {
            ExportError::Api(e) => e.hint(),
            ExportError::Write(_) => None,
        }
    }
}

/// The fields exported when none are named.
pub const DEFAULT_FIELDS: &str = "jobId,name,name.first,name.last,title,contact.workEmail,contact.employee,department,location,manager,startDate,employment";

/// The output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A header row of field codes, then one row per job (RFC 4180 quoting, `\n` line ends);
    /// a value a spreadsheet would run as a formula gets a leading `'`.
    Csv,
    /// As [`Format::Csv`], values exactly as ChartHop sent them (`--raw`).
    CsvRaw,
    /// One JSON array of objects, keys in the requested order, values as ChartHop sent them
    /// (`null` for a missing field); one object per line.
    Json,
}

/// What was exported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Exported {
    pub rows: usize,
    pub pages: u32,
}

/// `open:filled` unless the filter already says something about `open` (then it is the
/// caller's choice); a filter without it is narrowed to filled jobs: `open:filled && (q)`.
pub fn filled_only(q: Option<&str>) -> String {
    let Some(q) = q.map(str::trim).filter(|q| !q.is_empty()) else {
        return "open:filled".into();
    };
    let lower = q.to_ascii_lowercase();
    let mentions_open = lower.match_indices("open").any(|(i, _)| {
        let before = lower[..i].chars().next_back();
        let after = lower[i + 4..].trim_start().chars().next();
        !before.is_some_and(|c| c.is_alphanumeric() || c == '.')
            && matches!(after, Some(':' | '=' | '!' | '<' | '>'))
    });
    if mentions_open {
        q.to_string()
    } else {
        format!("open:filled && ({q})")
    }
}

/// Walks every page of `query` and writes its rows to `out` in `format`, flushing after each
/// page; reports progress per page.
///
/// Fails with [`ExportError::Api`] (ChartHop, including a repeating cursor) or
/// [`ExportError::Write`] (the output). On failure part of the output may have been written; callers writing a file
/// should write it atomically.
pub async fn export_roster(
    client: &Client,
    query: JobQuery,
    format: Format,
    out: &mut dyn Write,
    progress: &dyn Progress,
) -> Result<Exported, ExportError> {
    let io = ExportError::Write;
    let fields = query.fields.clone();
    progress.stage(Stage::FetchingRoster);
    let mut pages = JobPages::new(client, query);
    let mut rows = 0usize;
    match format {
        Format::Csv | Format::CsvRaw => {
            let mut csv = csv_writer();
            csv.write_record(&fields).map_err(csv_io).map_err(io)?;
            drain(csv, out).map_err(io)?;
        }
        Format::Json => out.write_all(b"[").map_err(io)?,
    }
    while let Some(page) = pages.next_page().await? {
        let mut csv = csv_writer();
        for row in &page {
            match format {
                Format::Csv => {
                    let cells = fields
                        .iter()
                        .map(|f| neutralized(cell_text(lookup(row, f))));
                    csv.write_record(cells).map_err(csv_io).map_err(io)?;
                }
                Format::CsvRaw => {
                    let cells = fields.iter().map(|f| cell_text(lookup(row, f)));
                    csv.write_record(cells).map_err(csv_io).map_err(io)?;
                }
                Format::Json => {
                    let sep: &[u8] = if rows == 0 { b"\n" } else { b",\n" };
                    out.write_all(sep).map_err(io)?;
                    out.write_all(json_object(row, &fields).as_bytes())
                        .map_err(io)?;
                }
            }
            rows += 1;
        }
        if format != Format::Json {
            drain(csv, out).map_err(io)?;
        }
        out.flush().map_err(io)?;
        progress.roster_page(rows);
    }
    if format == Format::Json {
        out.write_all(if rows == 0 { b"]\n" } else { b"\n]\n" })
            .map_err(io)?;
    }
    out.flush().map_err(io)?;
    Ok(Exported {
        rows,
        pages: pages.pages(),
    })
}

/// The value of `field` in `row`: the key as requested, else the same key in another case
/// (field codes are case-insensitive in ChartHop).
fn lookup<'r>(row: &'r Row, field: &str) -> Option<&'r Value> {
    row.get(field).or_else(|| {
        row.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(field))
            .map(|(_, v)| v)
    })
}

/// A CSV cell: strings as is, numbers and booleans as JSON writes them, objects and arrays as
/// JSON text, nothing for a missing or null value.
/// `text` with a leading `'` when a spreadsheet would run it as a formula.
fn neutralized(text: String) -> String {
    if crate::mapping::formula::is_formula(&text) {
        format!("'{text}")
    } else {
        text
    }
}

fn cell_text(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

/// `{"field": value, ...}` with the keys in the requested order.
fn json_object(row: &Row, fields: &[String]) -> String {
    let mut s = String::from("{");
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        s.push_str(&Value::String(f.clone()).to_string());
        s.push(':');
        s.push_str(&lookup(row, f).cloned().unwrap_or(Value::Null).to_string());
    }
    s.push('}');
    s
}

fn csv_io(e: csv::Error) -> std::io::Error {
    std::io::Error::other(e)
}

/// A CSV writer into memory, for one page (RFC 4180 quoting, `\n` line ends).
fn csv_writer() -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new())
}

/// Moves what the CSV writer buffered to `out`.
fn drain(csv: csv::Writer<Vec<u8>>, out: &mut dyn Write) -> std::io::Result<()> {
    let bytes = csv.into_inner().map_err(|e| e.into_error())?;
    out.write_all(&bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn filters_default_to_filled_jobs() {
        assert_eq!(filled_only(None), "open:filled");
        assert_eq!(filled_only(Some("  ")), "open:filled");
        assert_eq!(
            filled_only(Some("department:eng")),
            "open:filled && (department:eng)"
        );
        assert_eq!(filled_only(Some("open:open")), "open:open");
        assert_eq!(
            filled_only(Some("tenure>=12 && OPEN = filled")),
            "tenure>=12 && OPEN = filled"
        );
        assert_eq!(
            filled_only(Some("title:opener")),
            "open:filled && (title:opener)"
        );
    }

    #[test]
    fn rows_keep_requested_order_and_missing_fields() {
        let row: Row = json!({"b": 2, "A": "x", "c": {"k": 1}})
            .as_object()
            .cloned()
            .unwrap_or_default();
        let fields = vec!["a".to_string(), "b".into(), "c".into(), "d".into()];
        assert_eq!(
            json_object(&row, &fields),
            r#"{"a":"x","b":2,"c":{"k":1},"d":null}"#
        );
        assert_eq!(cell_text(lookup(&row, "c")), r#"{"k":1}"#);
        assert_eq!(cell_text(lookup(&row, "d")), "");
    }
}
