//! Spreadsheet exports (`.xlsx`, `.xlsm`, `.xls`, `.ods`): the container check, the header,
//! and rows laid out under the header's columns. Cells become text by the rules in
//! [`super::cells`]; the workbook is read by [`super::workbook`].
//!
//! The table's columns are those of the header, from its first to its last named cell; a value
//! outside them is an error naming its cell. Rows missing from the sheet between data rows are
//! counted as blank rows.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::mpsc::Receiver;

use super::header::{self, HeaderRow, Step};
use super::workbook::{self, Msg, SparseRow};
use super::{
    Format, RawRow, ReadError, ReadOptions, SourceInfo, Table, check_header, container, error,
};

/// The data rows of a sheet, as the worker sends them.
pub(super) struct SheetRows {
    path: PathBuf,
    sheet: String,
    rx: Receiver<Msg>,
    ended: bool,
    pending: VecDeque<SparseRow>,
    /// The header's first column (0-based) and width.
    first_col: usize,
    width: usize,
    /// The last row number seen, for counting rows the sheet does not store.
    last_row: usize,
    gaps: usize,
}

pub(super) fn open(path: &Path, format: Format, options: &ReadOptions) -> Result<Table, ReadError> {
    if format != Format::Xls {
        container::check(path, format, &options.limits)?;
    }
    let (sheet, sheets, rx) = workbook::start(path, format, options.sheet.clone(), options.limits)?;
    let mut rows = SheetRows {
        path: path.to_path_buf(),
        sheet: sheet.clone(),
        rx,
        ended: false,
        pending: VecDeque::new(),
        first_col: 0,
        width: 0,
        last_row: 0,
        gaps: 0,
    };
    let (header_row, header) = rows.find_header(options.header_row)?;
    check_header(path, Some(&sheet), header_row, &header, &options.limits)?;
    rows.last_row = header_row;
    let info = SourceInfo {
        path: path.to_path_buf(),
        format,
        sheet: Some(sheet),
        sheets,
        delimiter: None,
        encoding: None,
        bom: false,
        header_row,
        warnings: Vec::new(),
    };
    Ok(Table::new(
        info,
        header,
        super::Rows::Sheet(rows),
        &options.limits,
    ))
}

fn is_blank(row: &SparseRow) -> bool {
    row.1.iter().all(|(_, t)| t.trim().is_empty())
}

impl SheetRows {
    /// The next stored row from the worker, `None` at the end.
    fn receive(&mut self) -> Option<Result<SparseRow, ReadError>> {
        if self.ended {
            return None;
        }
        match self.rx.recv() {
            Ok(Msg::Row(row)) => Some(Ok(row)),
            Ok(Msg::Err(e)) => {
                self.ended = true;
                Some(Err(e))
            }
            Ok(Msg::End) => {
                self.ended = true;
                None
            }
            Ok(Msg::Opened { .. }) | Err(_) => {
                self.ended = true;
                Some(Err(workbook::stopped(&self.path)))
            }
        }
    }

    /// Reads up to the header; rows read past it (under `Auto`) are kept in `pending`. Sets the
    /// table's columns from the header's first to its last non-empty cell.
    fn find_header(&mut self, mode: HeaderRow) -> Result<(usize, Vec<String>), ReadError> {
        let mut buffered: Vec<SparseRow> = Vec::new();
        let mut non_blank = 0;
        let found = loop {
            let Some(row) = self.receive() else {
                break None;
            };
            let row = row?;
            // Rows the sheet does not store are blank: the named header row may be one.
            if let HeaderRow::Row(n) = mode
                && row.0 > n
            {
                break None;
            }
            match header::step(mode, row.0, is_blank(&row)) {
                Step::Skip => {}
                Step::Header => break Some(row),
                Step::Missing => break None,
                Step::Buffer => {
                    if is_blank(&row) {
                        if !buffered.is_empty() {
                            buffered.push(row);
                        }
                        continue;
                    }
                    buffered.push(row);
                    non_blank += 1;
                    if non_blank == header::AUTO_WINDOW {
                        break None;
                    }
                }
            }
        };
        let row = match (found, mode) {
            (Some(row), _) => row,
            (None, HeaderRow::Auto) if !buffered.is_empty() => {
                let candidates: Vec<usize> = (0..buffered.len())
                    .filter(|&i| !is_blank(&buffered[i]))
                    .collect();
                let counts: Vec<usize> = candidates
                    .iter()
                    .map(|&i| {
                        buffered[i]
                            .1
                            .iter()
                            .filter(|(_, t)| !t.trim().is_empty())
                            .count()
                    })
                    .collect();
                let at = header::pick(&counts).map_or(0, |p| candidates[p]);
                let mut rest = buffered.split_off(at);
                let header = rest.remove(0);
                self.pending = rest.into();
                header
            }
            (None, HeaderRow::Row(n)) => {
                return Err(ReadError::NoSuchHeaderRow {
                    path: self.path.clone(),
                    sheet: Some(self.sheet.clone()),
                    row: n,
                });
            }
            (None, _) => {
                return Err(ReadError::NoHeader {
                    path: self.path.clone(),
                    sheet: Some(self.sheet.clone()),
                });
            }
        };
        let (number, cells) = row;
        let named: Vec<&(usize, String)> =
            cells.iter().filter(|(_, t)| !t.trim().is_empty()).collect();
        let (Some(first), Some(last)) = (named.first(), named.last()) else {
            return Err(ReadError::NoHeader {
                path: self.path.clone(),
                sheet: Some(self.sheet.clone()),
            });
        };
        self.first_col = first.0;
        self.width = last.0 - first.0 + 1;
        // The worker refuses cells past the column cap, so the width is within it.
        let mut header = vec![String::new(); self.width];
        for (c, t) in cells {
            if let Some(slot) = c
                .checked_sub(self.first_col)
                .and_then(|i| header.get_mut(i))
            {
                *slot = t;
            }
        }
        Ok((number, header))
    }

    /// Rows the sheet does not store, between the last two rows given out.
    pub(super) fn take_gaps(&mut self) -> usize {
        std::mem::take(&mut self.gaps)
    }

    fn lay_out(&mut self, (row, cells): SparseRow) -> Result<RawRow, ReadError> {
        self.gaps += row.saturating_sub(self.last_row + 1);
        self.last_row = row;
        let mut out = vec![String::new(); self.width];
        for (c, text) in cells {
            match c.checked_sub(self.first_col).and_then(|i| out.get_mut(i)) {
                Some(slot) => *slot = text,
                None if text.trim().is_empty() => {}
                None => {
                    return Err(ReadError::OutsideHeader {
                        path: self.path.clone(),
                        place: error::place(Some(&self.sheet), row, Some(c + 1)),
                        first: error::column_name(self.first_col),
                        last: error::column_name(self.first_col + self.width - 1),
                    });
                }
            }
        }
        Ok(RawRow { row, cells: out })
    }
}

impl Iterator for SheetRows {
    type Item = Result<RawRow, ReadError>;

    fn next(&mut self) -> Option<Self::Item> {
        let row = match self.pending.pop_front() {
            Some(row) => row,
            None => match self.receive()? {
                Ok(row) => row,
                Err(e) => return Some(Err(e)),
            },
        };
        let laid = self.lay_out(row);
        if laid.is_err() {
            self.ended = true;
        }
        Some(laid)
    }
}
