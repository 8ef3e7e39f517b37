//! Stage 1, read: a payroll export (CSV or spreadsheet) into rows of cell text with positions.
//!
//! The reader never interprets values: cells are text exactly as the file holds them (spreadsheet
//! cells are turned into text by the fixed rules in [`sheet`]). Typing is the mapping's job.
//! It does not know about mappings or ChartHop.

mod csv_file;
mod error;
mod sheet;

pub use error::ReadError;

use std::path::{Path, PathBuf};

/// What the caller may say about how to read a file.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// The sheet to read (spreadsheets only); default: the first sheet.
    pub sheet: Option<String>,
    /// The field delimiter (CSV only); default: detected among `,` `;` tab `|`.
    pub delimiter: Option<u8>,
}

/// The kinds of file the reader takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Csv,
    Xlsx,
    Xlsm,
    Xls,
    Ods,
}

impl Format {
    /// The format named by a file's extension, case-insensitively.
    pub fn from_path(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "csv" | "txt" | "tsv" => Some(Format::Csv),
            "xlsx" => Some(Format::Xlsx),
            "xlsm" => Some(Format::Xlsm),
            "xls" => Some(Format::Xls),
            "ods" => Some(Format::Ods),
            _ => None,
        }
    }
}

/// Where the rows came from, for messages and for the plan.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SourceInfo {
    pub path: PathBuf,
    pub format: Format,
    /// The sheet read, for spreadsheets.
    pub sheet: Option<String>,
    /// The delimiter used, for CSV.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delimiter: Option<char>,
    /// The 1-based row number of the header.
    pub header_row: usize,
}

/// One data row: its 1-based row number in the file (the line where a CSV record starts, or
/// the spreadsheet row) and its cells, one per header column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawRow {
    pub row: usize,
    pub cells: Vec<String>,
}

/// An opened export: the header, and the data rows as a stream.
pub struct Table {
    pub info: SourceInfo,
    pub header: Vec<String>,
    rows: Rows,
    /// Rows skipped because every cell was blank.
    pub blank_rows: usize,
}

enum Rows {
    Csv(csv_file::CsvRows),
    Sheet(std::vec::IntoIter<RawRow>),
}

impl Table {
    /// Position of a header name, exactly as spelled.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name)
    }
}

impl Iterator for Table {
    type Item = Result<RawRow, ReadError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let item = match &mut self.rows {
                Rows::Csv(rows) => rows.next(),
                Rows::Sheet(rows) => rows.next().map(Ok),
            }?;
            match item {
                Ok(row) if row.cells.iter().all(|c| c.trim().is_empty()) => {
                    self.blank_rows += 1;
                }
                other => return Some(other),
            }
        }
    }
}

/// Opens an export and reads its header.
///
/// Fails with [`ReadError`] when the file cannot be opened, its format is unknown, the header is
/// missing, blank or repeats a name, or (spreadsheets) the sheet does not exist.
pub fn open(path: &Path, options: &ReadOptions) -> Result<Table, ReadError> {
    let format = Format::from_path(path).ok_or_else(|| ReadError::UnknownFormat {
        path: path.to_path_buf(),
    })?;
    match format {
        Format::Csv => csv_file::open(path, options),
        _ => sheet::open(path, format, options),
    }
}

/// Checks a header: no blank names and no name twice. `row` is the header's row number.
fn check_header(path: &Path, row: usize, header: &[String]) -> Result<(), ReadError> {
    if header.is_empty() {
        return Err(ReadError::NoHeader {
            path: path.to_path_buf(),
        });
    }
    for (i, name) in header.iter().enumerate() {
        if name.trim().is_empty() {
            return Err(ReadError::BlankHeader {
                path: path.to_path_buf(),
                row,
                column: i + 1,
            });
        }
        if let Some(first) = header[..i].iter().position(|h| h.trim() == name.trim()) {
            return Err(ReadError::DuplicateHeader {
                path: path.to_path_buf(),
                row,
                name: name.clone(),
                first: first + 1,
                second: i + 1,
            });
        }
    }
    Ok(())
}
