//! Reader errors. Each names the file, and where the problem is: sheet (spreadsheets), row and
//! column (as a cell name like `B7` in a sheet), so HR can find it and fix the export.

use std::path::PathBuf;

/// Why an export could not be read. Every variant names the file, and the sheet, row and
/// column when the problem is in one place.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("cannot read `{path}`: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("`{path}`: unknown file type; expected .csv, .xlsx, .xlsm, .xls or .ods")]
    UnknownFormat { path: PathBuf },
    #[error("`{path}`{}: no header row (the file or sheet has no non-blank row)", in_sheet(.sheet))]
    NoHeader {
        path: PathBuf,
        sheet: Option<String>,
    },
    #[error("`{path}`{}: the header row {row} asked for is blank or past the end of the data", in_sheet(.sheet))]
    NoSuchHeaderRow {
        path: PathBuf,
        sheet: Option<String>,
        row: usize,
    },
    #[error("`{path}` {place}: the header column has no name")]
    BlankHeader { path: PathBuf, place: String },
    #[error("`{path}` {place}: header `{name}` appears twice (columns {first} and {second})")]
    DuplicateHeader {
        path: PathBuf,
        place: String,
        name: String,
        first: String,
        second: String,
    },
    #[error("`{path}` {place}: expected {expected} fields like the header, found {found}")]
    Ragged {
        path: PathBuf,
        place: String,
        expected: usize,
        found: usize,
    },
    #[error("`{path}` {place}: a value outside the header's columns {first} to {last}")]
    OutsideHeader {
        path: PathBuf,
        place: String,
        first: String,
        last: String,
    },
    #[error("`{path}` row {row}: {message}")]
    Csv {
        path: PathBuf,
        row: usize,
        message: String,
    },
    #[error("`{path}` {place}: the bytes are not valid {encoding}")]
    Encoding {
        path: PathBuf,
        place: String,
        encoding: &'static str,
    },
    #[error(
        "`{path}` line {line}: byte 0x{byte:02X} is not UTF-8, while the rest of the file is UTF-8 with accented letters: reading it all as Windows-1252 would garble every one of them, so nothing was read"
    )]
    MixedEncoding {
        path: PathBuf,
        line: usize,
        byte: u8,
    },
    #[error("`{path}` {place}: the cell holds a NUL byte, which no payroll value has")]
    NulByte { path: PathBuf, place: String },
    #[error(
        "`{path}`: the file is an encrypted (password-protected) workbook, or an old-style container renamed `.{extension}`"
    )]
    Encrypted { path: PathBuf, extension: String },
    #[error("`{path}`: cannot open the workbook: {message}")]
    Workbook { path: PathBuf, message: String },
    #[error("`{path}`: no sheet named `{sheet}`; the sheets are: {available}")]
    NoSuchSheet {
        path: PathBuf,
        sheet: String,
        available: String,
    },
    #[error("`{path}` sheet `{sheet}` cell {cell}: the cell holds the error `{value}`")]
    CellError {
        path: PathBuf,
        sheet: String,
        cell: String,
        value: String,
    },
    #[error("`{path}`: refused, the spreadsheet container is unsafe to open: {reason}")]
    Hostile { path: PathBuf, reason: String },
    #[error("`{path}` {place}: too large: {what}")]
    Limit {
        path: PathBuf,
        place: String,
        what: String,
        setting: &'static str,
    },
    /// Names with `?` (or U+FFFD) where letters were: the export was saved in an encoding
    /// that cannot hold them. `first` names the first few, each with its row and column.
    #[error("`{path}`: {count} {} hold names with `?` (or the replacement character) where letters should be ({first}): the export was saved in an encoding that cannot hold those letters, and planning it would overwrite the names in ChartHop; nothing was planned", if *.count == 1 { "row" } else { "rows" })]
    DamagedText {
        path: PathBuf,
        count: usize,
        first: String,
    },
}

impl ReadError {
    /// A line telling the person what to do, when there is one.
    pub fn hint(&self) -> Option<String> {
        match self {
            ReadError::OutsideHeader { .. } => Some(
                "give that column a name in the header row, or clear the stray cell".into(),
            ),
            ReadError::Ragged { .. } | ReadError::Csv { .. } => Some(
                "check the export for a stray delimiter or an unclosed quote on that row; if title lines sit above the header, set `header_row = \"auto\"` in [source] (or --header-row auto)".into(),
            ),
            ReadError::Encoding { .. } => Some(
                "save the export as UTF-8 (CSV UTF-8 in Excel), or name its encoding with `encoding` in the mapping's [source] (or --encoding)".into(),
            ),
            ReadError::MixedEncoding { .. } => Some(
                "fix that line's character in the export (or export again as CSV UTF-8); if the file really is Windows-1252, say so with `encoding = \"windows-1252\"` in the mapping's [source]".into(),
            ),
            ReadError::DamagedText { .. } => Some(
                "export the file again as CSV UTF-8 (Excel: Save As > CSV UTF-8) or as .xlsx; if it is in an encoding the reader guessed wrong, name it with `encoding` in the mapping's [source] (or --encoding)".into(),
            ),
            ReadError::NoSuchSheet { .. } => Some(
                "name one of those sheets with `sheet` in the mapping's [source] or --sheet".into(),
            ),
            ReadError::NulByte { .. } => Some(
                "a UTF-16 export without a byte order mark looks like this: name its encoding with `encoding` in the mapping's [source] (or --encoding), or export again as CSV UTF-8".into(),
            ),
            ReadError::Encrypted { .. } => Some(
                "remove the password (File > Info > Protect Workbook in Excel) and save as .xlsx, or export CSV".into(),
            ),
            ReadError::CellError { .. } => {
                Some("fix the formula in the spreadsheet and export again".into())
            }
            ReadError::DuplicateHeader { .. } | ReadError::BlankHeader { .. } => Some(
                "give every column of the header row a distinct name, or point at the right header row with `header_row` in [source] (or --header-row)".into(),
            ),
            ReadError::NoHeader { .. } | ReadError::NoSuchHeaderRow { .. } => {
                Some("check that this is the right file and sheet".into())
            }
            ReadError::Hostile { .. } => Some(
                "open the file in Excel or LibreOffice and save it again (or export CSV); if it really is this large, raise `read.max_unzipped_mb`".into(),
            ),
            ReadError::Limit { setting, .. } => Some(format!(
                "remove the stray cells or split the export; if the data really is this large, raise the `{setting}` setting"
            )),
            ReadError::Io { .. } | ReadError::UnknownFormat { .. } | ReadError::Workbook { .. } => {
                None
            }
        }
    }
}

fn in_sheet(sheet: &Option<String>) -> String {
    match sheet {
        Some(s) => format!(" sheet `{s}`"),
        None => String::new(),
    }
}

/// Where in a file: `sheet `S` cell B7` for a spreadsheet cell, `sheet `S` row 7` for a
/// spreadsheet row, `row 7 column 2` / `row 7` for CSV. `row` and `column` are 1-based.
pub(crate) fn place(sheet: Option<&str>, row: usize, column: Option<usize>) -> String {
    match (sheet, column) {
        (Some(s), Some(c)) => format!("sheet `{s}` cell {}{row}", column_name(c - 1)),
        (Some(s), None) => format!("sheet `{s}` row {row}"),
        (None, Some(c)) => format!("row {row} column {c}"),
        (None, None) => format!("row {row}"),
    }
}

/// The spreadsheet letters of a 0-based column: 0 is `A`, 26 is `AA`, 16383 is `XFD`.
pub(crate) fn column_name(col: usize) -> String {
    let mut letters = Vec::new();
    let mut n = col + 1;
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(b'A' + rem as u8);
        n = (n - 1) / 26;
    }
    letters.reverse();
    String::from_utf8_lossy(&letters).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_names_and_places() {
        assert_eq!(column_name(0), "A");
        assert_eq!(column_name(25), "Z");
        assert_eq!(column_name(26), "AA");
        assert_eq!(column_name(16383), "XFD");
        assert_eq!(place(Some("Pay"), 7, Some(2)), "sheet `Pay` cell B7");
        assert_eq!(place(None, 7, Some(2)), "row 7 column 2");
        assert_eq!(place(Some("Pay"), 7, None), "sheet `Pay` row 7");
    }
}
