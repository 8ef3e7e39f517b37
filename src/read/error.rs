use std::path::PathBuf;

/// Why an export could not be read. Every variant names the file, and the row and column (or
/// sheet and cell) when the problem is in one place.
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
    #[error("`{path}` is empty: no header row")]
    NoHeader { path: PathBuf },
    #[error("`{path}` row {row}: header column {column} has no name")]
    BlankHeader {
        path: PathBuf,
        row: usize,
        column: usize,
    },
    #[error("`{path}` row {row}: header `{name}` appears twice (columns {first} and {second})")]
    DuplicateHeader {
        path: PathBuf,
        row: usize,
        name: String,
        first: usize,
        second: usize,
    },
    #[error("`{path}` row {row}: expected {expected} fields like the header, found {found}")]
    Ragged {
        path: PathBuf,
        row: usize,
        expected: usize,
        found: usize,
    },
    #[error("`{path}` row {row}: {message}")]
    Csv {
        path: PathBuf,
        row: usize,
        message: String,
    },
    #[error("`{path}` row {row} column {column}: the bytes are not valid UTF-8")]
    Encoding {
        path: PathBuf,
        row: usize,
        column: usize,
    },
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
}

impl ReadError {
    /// A line telling the person what to do, when there is one.
    pub fn hint(&self) -> Option<String> {
        match self {
            ReadError::Ragged { .. } | ReadError::Csv { .. } => Some(
                "check the export for a stray delimiter or an unclosed quote on that row".into(),
            ),
            ReadError::Encoding { .. } => {
                Some("save the export as UTF-8 (CSV UTF-8 in Excel)".into())
            }
            ReadError::NoSuchSheet { .. } => Some(
                "name one of those sheets with `sheet` in the mapping's [source] or --sheet".into(),
            ),
            ReadError::CellError { .. } => {
                Some("fix the formula in the spreadsheet and export again".into())
            }
            ReadError::DuplicateHeader { .. } | ReadError::BlankHeader { .. } => {
                Some("give every column of the header row a distinct name".into())
            }
            _ => None,
        }
    }
}
