//! Spreadsheet exports (`.xlsx`, `.xlsm`, `.xls`, `.ods`) through calamine.
//!
//! Cells become text by fixed rules, so the same export gives the same rows as CSV or as a
//! workbook: text as is (leading zeros kept); whole numbers without a fraction (`1001`); other
//! numbers in the shortest form that reads back the same (`85000.5`); date cells as ISO 8601
//! (`2021-03-01`, or `2021-03-01T08:30:00` with a time, rounded to the second); booleans as
//! `true`/`false`; empty cells as empty text. An error cell (`#REF!`) is an error naming its cell.

use std::path::Path;

use calamine::{Data, Reader, SheetVisible, open_workbook_auto};

use super::{Format, RawRow, ReadError, ReadOptions, SourceInfo, Table, check_header};

pub(super) fn open(path: &Path, format: Format, options: &ReadOptions) -> Result<Table, ReadError> {
    let mut workbook = open_workbook_auto(path).map_err(|e| ReadError::Workbook {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    let names = workbook.sheet_names();
    let sheet = match &options.sheet {
        Some(wanted) => names
            .iter()
            .find(|n| *n == wanted)
            .or_else(|| names.iter().find(|n| n.eq_ignore_ascii_case(wanted)))
            .cloned()
            .ok_or_else(|| ReadError::NoSuchSheet {
                path: path.to_path_buf(),
                sheet: wanted.clone(),
                available: names
                    .iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
            })?,
        None => workbook
            .sheets_metadata()
            .iter()
            .find(|s| s.visible == SheetVisible::Visible)
            .map(|s| s.name.clone())
            .or_else(|| names.first().cloned())
            .ok_or_else(|| ReadError::Workbook {
                path: path.to_path_buf(),
                message: "the workbook has no sheets".into(),
            })?,
    };
    let range = workbook
        .worksheet_range(&sheet)
        .map_err(|e| ReadError::Workbook {
            path: path.to_path_buf(),
            message: format!("sheet `{sheet}`: {e}"),
        })?;
    let Some((first_row, first_col)) = range.start() else {
        return Err(ReadError::NoHeader {
            path: path.to_path_buf(),
        });
    };
    let mut rows = Vec::new();
    let mut header: Option<(usize, Vec<String>)> = None;
    for (i, cells) in range.rows().enumerate() {
        let row = first_row as usize + i + 1;
        let mut texts = Vec::with_capacity(cells.len());
        for (j, cell) in cells.iter().enumerate() {
            let col = first_col as usize + j;
            texts.push(cell_text(cell).map_err(|value| ReadError::CellError {
                path: path.to_path_buf(),
                sheet: sheet.clone(),
                cell: cell_name(row, col),
                value,
            })?);
        }
        match &header {
            None => {
                if texts.iter().all(|t| t.trim().is_empty()) {
                    continue;
                }
                // Trailing unnamed columns of a workbook are not part of the header.
                while texts.last().is_some_and(|t| t.trim().is_empty()) {
                    texts.pop();
                }
                header = Some((row, texts));
            }
            Some((_, names)) => {
                let extra = texts.iter().skip(names.len()).any(|t| !t.trim().is_empty());
                if extra {
                    return Err(ReadError::Ragged {
                        path: path.to_path_buf(),
                        row,
                        expected: names.len(),
                        found: texts
                            .iter()
                            .rposition(|t| !t.trim().is_empty())
                            .map_or(0, |p| p + 1),
                    });
                }
                texts.resize(names.len(), String::new());
                rows.push(RawRow { row, cells: texts });
            }
        }
    }
    let (header_row, header) = header.ok_or_else(|| ReadError::NoHeader {
        path: path.to_path_buf(),
    })?;
    check_header(path, header_row, &header)?;
    Ok(Table {
        info: SourceInfo {
            path: path.to_path_buf(),
            format,
            sheet: Some(sheet),
            delimiter: None,
            header_row,
        },
        header,
        rows: super::Rows::Sheet(rows.into_iter()),
        blank_rows: 0,
    })
}

/// The text of one cell by the module's rules; `Err` carries an error cell's value.
fn cell_text(cell: &Data) -> Result<String, String> {
    Ok(match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => number_text(*f),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) => {
            if dt.is_datetime() {
                match dt.as_datetime() {
                    Some(value) => datetime_text(value),
                    None => number_text(dt.as_f64()),
                }
            } else {
                number_text(dt.as_f64())
            }
        }
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => return Err(e.to_string()),
    })
}

/// Whole numbers without a fraction; others in the shortest form that reads back the same.
fn number_text(f: f64) -> String {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

/// A date, or a date and time rounded to the nearest second.
fn datetime_text(value: chrono::NaiveDateTime) -> String {
    let rounded = if value.and_utc().timestamp_subsec_millis() >= 500 {
        value + chrono::Duration::seconds(1)
    } else {
        value
    };
    let rounded = rounded.with_nanosecond_zero();
    if rounded.time() == chrono::NaiveTime::MIN {
        rounded.date().format("%Y-%m-%d").to_string()
    } else {
        rounded.format("%Y-%m-%dT%H:%M:%S").to_string()
    }
}

trait NanosZero {
    fn with_nanosecond_zero(self) -> Self;
}

impl NanosZero for chrono::NaiveDateTime {
    fn with_nanosecond_zero(self) -> Self {
        use chrono::Timelike;
        self.with_nanosecond(0).unwrap_or(self)
    }
}

/// `A1`-style name of a cell from 1-based row and 0-based column.
fn cell_name(row: usize, col: usize) -> String {
    let mut letters = Vec::new();
    let mut n = col + 1;
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(b'A' + rem as u8);
        n = (n - 1) / 26;
    }
    letters.reverse();
    format!("{}{row}", String::from_utf8_lossy(&letters))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_back_exactly() {
        assert_eq!(number_text(1001.0), "1001");
        assert_eq!(number_text(85000.5), "85000.5");
        assert_eq!(number_text(0.1 + 0.2), "0.30000000000000004");
        assert_eq!(number_text(-3.0), "-3");
    }

    #[test]
    fn cell_names() {
        assert_eq!(cell_name(1, 0), "A1");
        assert_eq!(cell_name(7, 25), "Z7");
        assert_eq!(cell_name(2, 26), "AA2");
        assert_eq!(cell_name(1048576, 16383), "XFD1048576");
    }

    #[test]
    fn datetimes_round_to_the_second() {
        let d = chrono::NaiveDate::from_ymd_opt(2021, 3, 1).unwrap();
        assert_eq!(datetime_text(d.and_hms_opt(0, 0, 0).unwrap()), "2021-03-01");
        let t = d.and_hms_milli_opt(8, 29, 59, 700).unwrap();
        assert_eq!(datetime_text(t), "2021-03-01T08:30:00");
    }
}
