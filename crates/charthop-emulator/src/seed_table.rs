//! Reading a seed CSV file as rows addressable by column name ([`Table`], [`Row`]), each
//! error naming the file, row and column.
//!
//! It knows no seed semantics (see `seed`, `seed_jobs`). Layering: above `error`, `ids` and
//! `dates`; below `seed` and `seed_jobs`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use csv::StringRecord;

use crate::error::Error;
use crate::ids;

/// Reads a whole file as text. Fails with [`Error::Io`].
pub fn read(file: &Path) -> Result<String, Error> {
    std::fs::read_to_string(file).map_err(|source| Error::Io {
        action: "reading",
        file: file.to_path_buf(),
        source,
    })
}

/// One data row of a seed CSV, addressable by column name.
pub struct Row {
    file: PathBuf,
    line: u64,
    record: StringRecord,
    index: std::rc::Rc<HashMap<String, usize>>,
}

impl Row {
    /// The trimmed cell of `column` (matched ignoring ASCII case, as the header is read);
    /// empty when the file has no such column.
    pub fn get(&self, column: &str) -> &str {
        self.index
            .get(&column.to_ascii_lowercase())
            .and_then(|&i| self.record.get(i))
            .map_or("", str::trim)
    }

    pub fn required(&self, column: &str) -> Result<&str, Error> {
        Some(self.get(column))
            .filter(|v| !v.is_empty())
            .ok_or_else(|| self.error(column, "value is required".into()))
    }

    /// An optional ISO date cell.
    pub fn date(&self, column: &str) -> Result<Option<NaiveDate>, Error> {
        match self.get(column) {
            "" => Ok(None),
            raw => crate::dates::parse_iso(raw)
                .map(Some)
                .ok_or_else(|| self.error(column, format!("`{raw}` is not a YYYY-MM-DD date"))),
        }
    }

    pub fn id(&self, column: &str) -> Result<String, Error> {
        let raw = self.required(column)?;
        if ids::is_valid(raw) {
            Ok(raw.to_string())
        } else {
            Err(self.error(
                column,
                format!("`{raw}` is not 24 lowercase hex characters"),
            ))
        }
    }

    pub fn error(&self, column: &str, message: String) -> Error {
        Error::Seed {
            file: self.file.clone(),
            row: self.line,
            column: column.to_string(),
            message,
        }
    }
}

/// A seed CSV file with a required set of columns.
pub struct Table;

impl Table {
    /// Reads `file`; fails on a syntax error or a missing one of `columns` (optional
    /// columns may be absent: their cells read as empty).
    pub fn read(file: &Path, columns: &[&str]) -> Result<Vec<Row>, Error> {
        let text = read(file)?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let csv_err = |source: csv::Error| Error::SeedCsv {
            file: file.to_path_buf(),
            row: source.position().map_or(0, |p| p.line()),
            source,
        };
        let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
        let headers = reader.headers().map_err(csv_err)?.clone();
        let index: HashMap<String, usize> = headers
            .iter()
            .enumerate()
            .map(|(i, h)| (h.trim().to_ascii_lowercase(), i))
            .collect();
        if let Some(missing) = columns.iter().find(|c| !index.contains_key(**c)) {
            return Err(Error::Seed {
                file: file.to_path_buf(),
                row: 1,
                column: missing.to_string(),
                message: "missing column in the header".into(),
            });
        }
        let index = std::rc::Rc::new(index);
        let mut rows = Vec::new();
        for record in reader.records() {
            let record = record.map_err(csv_err)?;
            let line = record.position().map_or(0, |p| p.line());
            rows.push(Row {
                file: file.to_path_buf(),
                line,
                record,
                index: index.clone(),
            });
        }
        Ok(rows)
    }
}
