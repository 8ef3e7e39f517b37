//! Stage 1, read: a payroll export (CSV or spreadsheet) into rows of cell text with positions.
//!
//! The reader never interprets values: cells are text exactly as the file holds them (spreadsheet
//! cells are turned into text by the fixed rules in `cells`). Typing is the mapping's job.
//! It does not know about mappings or ChartHop.
//!
//! Rows are streamed: a CSV record or a worksheet row at a time (`.xlsx`/`.xlsm` through
//! calamine's streaming cell reader on a worker thread). Spreadsheet containers are checked
//! before calamine opens them (`container`) and every source is held to [`Limits`].

mod cells;
mod container;
mod csv_file;
mod csv_lines;
mod decode;
mod error;
mod header;
mod sheet;
mod workbook;

pub use error::ReadError;
pub use header::HeaderRow;

use std::path::{Path, PathBuf};

/// What the caller may say about how to read a file.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// The sheet to read (spreadsheets only); default: the first visible sheet.
    pub sheet: Option<String>,
    /// The field delimiter (CSV only); default: detected among `,` `;` tab `|`.
    pub delimiter: Option<u8>,
    /// The text encoding (CSV only); default: from the BOM, else UTF-8 when the whole file is
    /// valid UTF-8, else Windows-1252 (with a warning).
    pub encoding: Option<TextEncoding>,
    /// Where the header is.
    pub header_row: HeaderRow,
    /// Caps on the size of what is read.
    pub limits: Limits,
}

/// Caps that keep a huge or hostile file from exhausting memory or time: the settings'
/// `[read]` section, defined with the settings (a leaf the reader may use).
pub use crate::settings::ReadLimits as Limits;

/// A text encoding a CSV export may be in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum TextEncoding {
    #[serde(rename = "UTF-8")]
    Utf8,
    #[serde(rename = "UTF-16LE")]
    Utf16Le,
    #[serde(rename = "UTF-16BE")]
    Utf16Be,
    #[serde(rename = "Windows-1252")]
    Windows1252,
}

impl TextEncoding {
    /// Parses a name as people write it: `utf-8`, `utf8`, `utf-16le`, `utf-16be`,
    /// `windows-1252`, `cp1252`, `latin1` (case-insensitive). `None` for anything else.
    pub fn parse(name: &str) -> Option<TextEncoding> {
        let n: String = name
            .chars()
            .filter(|c| !matches!(c, '-' | '_' | ' '))
            .collect::<String>()
            .to_ascii_lowercase();
        match n.as_str() {
            "utf8" => Some(TextEncoding::Utf8),
            "utf16le" => Some(TextEncoding::Utf16Le),
            "utf16be" => Some(TextEncoding::Utf16Be),
            "windows1252" | "cp1252" | "latin1" | "iso88591" => Some(TextEncoding::Windows1252),
            _ => None,
        }
    }

    /// The canonical name, as shown to people.
    pub fn name(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "UTF-8",
            TextEncoding::Utf16Le => "UTF-16LE",
            TextEncoding::Utf16Be => "UTF-16BE",
            TextEncoding::Windows1252 => "Windows-1252",
        }
    }
}

impl std::fmt::Display for TextEncoding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
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
    /// Every sheet of the workbook in order, for spreadsheets.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sheets: Vec<String>,
    /// The delimiter used, for CSV.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delimiter: Option<char>,
    /// The text encoding, for CSV.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encoding: Option<TextEncoding>,
    /// Whether the file starts with a byte order mark (CSV).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub bom: bool,
    /// The 1-based row number of the header.
    pub header_row: usize,
    /// Things a person should know about how the file was read (e.g. a guessed encoding).
    /// They never carry cell contents.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

/// One data row: its 1-based row number in the file (the line where a CSV record starts, or
/// the spreadsheet row) and its cells, one per header column.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawRow {
    pub row: usize,
    pub cells: Vec<String>,
}

/// An opened export: the header, and the data rows as a stream.
///
/// Iterating yields data rows in file order; rows whose cells are all blank are skipped and
/// counted in `blank_rows`. After the first `Err` the stream should not be read further.
pub struct Table {
    pub info: SourceInfo,
    pub header: Vec<String>,
    rows: Rows,
    /// Rows skipped because every cell was blank (so far, or in all once the stream is done).
    pub blank_rows: usize,
    /// Data rows yielded so far, checked against `max_rows`.
    yielded: usize,
    max_rows: usize,
}

enum Rows {
    Csv(Box<csv_file::CsvRows>),
    Sheet(sheet::SheetRows),
}

impl Table {
    /// Position of a header name, exactly as spelled.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name)
    }

    fn new(info: SourceInfo, header: Vec<String>, rows: Rows, limits: &Limits) -> Table {
        Table {
            info,
            header,
            rows,
            blank_rows: 0,
            yielded: 0,
            max_rows: limits.max_rows,
        }
    }
}

impl Table {
    /// Reads the next data row into `row`, reusing its cells' buffers (CSV): `Ok(false)` at
    /// the end. The same rows, errors and counts as iterating, without a new row per record,
    /// for callers that are done with a row before reading the next.
    ///
    /// Fails with the [`ReadError`] the iterator would give; `row` holds nothing meaningful
    /// then, and the stream should not be read further.
    pub fn read_row(&mut self, row: &mut RawRow) -> Result<bool, ReadError> {
        loop {
            let more = match &mut self.rows {
                Rows::Csv(rows) => rows.read_into(row)?,
                Rows::Sheet(rows) => {
                    let item = rows.next();
                    self.blank_rows += rows.take_gaps();
                    match item {
                        Some(next) => {
                            *row = next?;
                            true
                        }
                        None => false,
                    }
                }
            };
            if !more {
                return Ok(false);
            }
            if row.cells.iter().all(|c| is_blank(c)) {
                self.blank_rows += 1;
                continue;
            }
            self.yielded += 1;
            if self.yielded > self.max_rows {
                return Err(ReadError::Limit {
                    path: self.info.path.clone(),
                    place: error::place(self.info.sheet.as_deref(), row.row, None),
                    what: format!("more than {} data rows", self.max_rows),
                    setting: "read.max_rows",
                });
            }
            return Ok(true);
        }
    }
}

impl Iterator for Table {
    type Item = Result<RawRow, ReadError>;

    fn next(&mut self) -> Option<Self::Item> {
        let mut row = RawRow::default();
        match self.read_row(&mut row) {
            Ok(true) => Some(Ok(row)),
            Ok(false) => None,
            Err(e) => Some(Err(e)),
        }
    }
}

/// `text.trim().is_empty()`, answered at once for text that starts with a visible ASCII
/// character (most cells).
fn is_blank(text: &str) -> bool {
    !text.as_bytes().first().is_some_and(u8::is_ascii_graphic)
        && text.chars().all(char::is_whitespace)
}

/// Opens an export and reads its header.
///
/// Fails with [`ReadError`] when the file cannot be opened, its format is unknown, a
/// spreadsheet container is hostile or over the [`Limits`], the header is missing, blank or
/// repeats a name, or (spreadsheets) the sheet does not exist.
pub fn open(path: &Path, options: &ReadOptions) -> Result<Table, ReadError> {
    let format = Format::from_path(path).ok_or_else(|| ReadError::UnknownFormat {
        path: path.to_path_buf(),
    })?;
    match format {
        Format::Csv => csv_file::open(path, options),
        _ => sheet::open(path, format, options),
    }
}

/// Checks a header: not wider than the cap, no blank names and no name twice. `row` is the
/// header's row number, `sheet` the sheet it is in (spreadsheets).
fn check_header(
    path: &Path,
    sheet: Option<&str>,
    row: usize,
    header: &[String],
    limits: &Limits,
) -> Result<(), ReadError> {
    if header.is_empty() {
        return Err(ReadError::NoHeader {
            path: path.to_path_buf(),
            sheet: sheet.map(str::to_string),
        });
    }
    if header.len() > limits.max_columns {
        return Err(ReadError::Limit {
            path: path.to_path_buf(),
            place: error::place(sheet, row, Some(limits.max_columns + 1)),
            what: format!(
                "the header has {} columns, more than {}",
                header.len(),
                limits.max_columns
            ),
            setting: "read.max_columns",
        });
    }
    for (i, name) in header.iter().enumerate() {
        if name.trim().is_empty() {
            return Err(ReadError::BlankHeader {
                path: path.to_path_buf(),
                place: error::place(sheet, row, Some(i + 1)),
            });
        }
        if let Some(first) = header[..i].iter().position(|h| h.trim() == name.trim()) {
            return Err(ReadError::DuplicateHeader {
                path: path.to_path_buf(),
                place: error::place(sheet, row, Some(i + 1)),
                name: name.clone(),
                first: column_label(sheet, first),
                second: column_label(sheet, i),
            });
        }
    }
    Ok(())
}

/// A 0-based column as people see it: the letters in a sheet, the 1-based number in CSV.
fn column_label(sheet: Option<&str>, col: usize) -> String {
    match sheet {
        Some(_) => error::column_name(col),
        None => (col + 1).to_string(),
    }
}
