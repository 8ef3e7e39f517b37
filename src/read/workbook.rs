//! Opening a workbook and streaming its cells, on a worker thread.
//!
//! calamine's streaming cell reader for `.xlsx`/`.xlsm` borrows the workbook, so the workbook
//! lives on a thread that sends each stored row (its non-empty cells, already turned into text)
//! through a small bounded channel: memory holds a few rows, never the sheet. `.xls` and `.ods`
//! have no streaming reader in calamine; their range is checked against the cell cap before
//! rows are sent. A panic inside calamine on a damaged file ends as an error, not a crash.
//!
//! Rows go out in file order, each at most once; cells beyond the column cap, rows beyond the
//! row cap and more cells than the cell cap end the stream with [`ReadError::Limit`].

use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use calamine::{Reader, SheetVisible, Xlsx, open_workbook_auto};

use super::{Format, Limits, ReadError, cells, error};

/// A stored row: its 1-based number and its cells (0-based column, text), blanks left out.
pub(super) type SparseRow = (usize, Vec<(usize, String)>);

/// What the worker sends.
pub(super) enum Msg {
    /// The workbook is open: the sheet chosen and all sheet names.
    Opened {
        sheet: String,
        sheets: Vec<String>,
    },
    Row(SparseRow),
    Err(ReadError),
    /// Every row was sent.
    End,
}

const CHANNEL_ROWS: usize = 256;

/// Starts the worker on `path` and waits for it to open the workbook and choose the sheet.
/// Returns the sheet, all sheet names and the receiving end for the rows.
pub(super) fn start(
    path: &Path,
    format: Format,
    wanted: Option<String>,
    limits: Limits,
) -> Result<(String, Vec<String>, Receiver<Msg>), ReadError> {
    let (tx, rx) = sync_channel(CHANNEL_ROWS);
    let owned = path.to_path_buf();
    let spawned = std::thread::Builder::new()
        .name("read-workbook".into())
        .spawn(move || {
            let worker = std::panic::AssertUnwindSafe(|| {
                run(&owned, format, wanted.as_deref(), &limits, &tx)
            });
            let outcome = match std::panic::catch_unwind(worker) {
                Ok(Ok(())) => Msg::End,
                Ok(Err(e)) => Msg::Err(e),
                Err(_) => Msg::Err(ReadError::Workbook {
                    path: owned.clone(),
                    message: "the spreadsheet reader failed on this file; it may be damaged".into(),
                }),
            };
            let _ = tx.send(outcome);
        });
    if let Err(source) = spawned {
        return Err(ReadError::Io {
            path: path.to_path_buf(),
            source,
        });
    }
    match rx.recv() {
        Ok(Msg::Opened { sheet, sheets }) => Ok((sheet, sheets, rx)),
        Ok(Msg::Err(e)) => Err(e),
        Ok(Msg::Row(_)) | Ok(Msg::End) | Err(_) => Err(stopped(path)),
    }
}

/// The error for a worker that went away without saying why.
pub(super) fn stopped(path: &Path) -> ReadError {
    ReadError::Workbook {
        path: path.to_path_buf(),
        message: "the spreadsheet reader stopped unexpectedly".into(),
    }
}

/// Stops quietly when the receiver is gone (the table was dropped).
struct Sender<'a> {
    tx: &'a SyncSender<Msg>,
}

impl Sender<'_> {
    /// `false` when nobody listens any more.
    fn send(&self, msg: Msg) -> bool {
        self.tx.send(msg).is_ok()
    }
}

fn run(
    path: &Path,
    format: Format,
    wanted: Option<&str>,
    limits: &Limits,
    tx: &SyncSender<Msg>,
) -> Result<(), ReadError> {
    let tx = Sender { tx };
    let workbook_error = |e: &dyn std::fmt::Display| ReadError::Workbook {
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    match format {
        Format::Xlsx | Format::Xlsm => {
            let file = File::open(path).map_err(|source| ReadError::Io {
                path: path.to_path_buf(),
                source,
            })?;
            let mut workbook: Xlsx<_> =
                Xlsx::new(BufReader::new(file)).map_err(|e| workbook_error(&e))?;
            let (sheet, sheets) = choose_sheet(path, &workbook, wanted)?;
            if !tx.send(Msg::Opened {
                sheet: sheet.clone(),
                sheets,
            }) {
                return Ok(());
            }
            let mut reader = workbook
                .worksheet_cells_reader(&sheet)
                .map_err(|e| workbook_error(&format!("sheet `{sheet}`: {e}")))?;
            let mut rows = RowBuilder::new(path, &sheet, limits);
            loop {
                let cell = reader
                    .next_cell()
                    .map_err(|e| workbook_error(&format!("sheet `{sheet}`: {e}")))?;
                let Some(cell) = cell else { break };
                let (r, c) = cell.get_position();
                let text = cells::text_ref(cell.get_value());
                if let Some(row) = rows.push(r as usize, c as usize, text)?
                    && !tx.send(Msg::Row(row))
                {
                    return Ok(());
                }
            }
            if let Some(row) = rows.finish() {
                tx.send(Msg::Row(row));
            }
            Ok(())
        }
        Format::Xls | Format::Ods => {
            let mut workbook = open_workbook_auto(path).map_err(|e| workbook_error(&e))?;
            let (sheet, sheets) = choose_sheet(path, &workbook, wanted)?;
            if !tx.send(Msg::Opened {
                sheet: sheet.clone(),
                sheets,
            }) {
                return Ok(());
            }
            let range = workbook
                .worksheet_range(&sheet)
                .map_err(|e| workbook_error(&format!("sheet `{sheet}`: {e}")))?;
            let Some((first_row, first_col)) = range.start() else {
                return Ok(());
            };
            let (height, width) = range.get_size();
            if (height as u64).saturating_mul(width as u64) > limits.max_cells {
                return Err(ReadError::Limit {
                    path: path.to_path_buf(),
                    place: format!("sheet `{sheet}`"),
                    what: format!(
                        "the sheet spans {height} rows by {width} columns, more than {} cells",
                        limits.max_cells
                    ),
                    setting: "read.max_cells",
                });
            }
            let mut rows = RowBuilder::new(path, &sheet, limits);
            for (i, cells) in range.rows().enumerate() {
                for (j, cell) in cells.iter().enumerate() {
                    if matches!(cell, calamine::Data::Empty) {
                        continue;
                    }
                    let (r, c) = (first_row as usize + i, first_col as usize + j);
                    if let Some(row) = rows.push(r, c, cells::text(cell))?
                        && !tx.send(Msg::Row(row))
                    {
                        return Ok(());
                    }
                }
            }
            if let Some(row) = rows.finish() {
                tx.send(Msg::Row(row));
            }
            Ok(())
        }
        Format::Csv => Err(workbook_error(&"not a spreadsheet")),
    }
}

/// The sheet to read: `wanted` by exact name, else case-insensitively; without `wanted`, the
/// first visible sheet. Also returns all sheet names in workbook order.
fn choose_sheet<RS: std::io::Read + std::io::Seek, R: Reader<RS>>(
    path: &Path,
    workbook: &R,
    wanted: Option<&str>,
) -> Result<(String, Vec<String>), ReadError> {
    let names = workbook.sheet_names();
    let chosen = match wanted {
        Some(wanted) => names
            .iter()
            .find(|n| *n == wanted)
            .or_else(|| names.iter().find(|n| n.eq_ignore_ascii_case(wanted)))
            .cloned()
            .ok_or_else(|| ReadError::NoSuchSheet {
                path: path.to_path_buf(),
                sheet: wanted.to_string(),
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
    Ok((chosen, names))
}

/// Groups cells (in file order) into rows, turning error cells into errors and enforcing the
/// caps.
struct RowBuilder {
    path: PathBuf,
    sheet: String,
    limits: Limits,
    current: Option<SparseRow>,
    cells: u64,
    last_row: usize,
}

impl RowBuilder {
    fn new(path: &Path, sheet: &str, limits: &Limits) -> RowBuilder {
        RowBuilder {
            path: path.to_path_buf(),
            sheet: sheet.to_string(),
            limits: *limits,
            current: None,
            cells: 0,
            last_row: 0,
        }
    }

    fn limit(&self, row: usize, col: usize, what: String, setting: &'static str) -> ReadError {
        ReadError::Limit {
            path: self.path.clone(),
            place: error::place(Some(&self.sheet), row, Some(col + 1)),
            what,
            setting,
        }
    }

    /// Adds the cell at 0-based (`r`, `c`); returns the previous row when this cell starts a
    /// new one.
    fn push(
        &mut self,
        r: usize,
        c: usize,
        text: Result<String, String>,
    ) -> Result<Option<SparseRow>, ReadError> {
        let row = r + 1;
        self.cells += 1;
        if self.cells > self.limits.max_cells {
            let what = format!("more than {} cells", self.limits.max_cells);
            return Err(self.limit(row, c, what, "read.max_cells"));
        }
        if c >= self.limits.max_columns {
            let what = format!(
                "a cell beyond column {} ({})",
                self.limits.max_columns,
                error::column_name(self.limits.max_columns - 1)
            );
            return Err(self.limit(row, c, what, "read.max_columns"));
        }
        if row > self.limits.max_rows {
            let what = format!("a cell beyond row {}", self.limits.max_rows);
            return Err(self.limit(row, c, what, "read.max_rows"));
        }
        let text = text.map_err(|value| ReadError::CellError {
            path: self.path.clone(),
            sheet: self.sheet.clone(),
            cell: format!("{}{row}", error::column_name(c)),
            value,
        })?;
        let mut done = None;
        if self.current.as_ref().is_none_or(|(cur, _)| *cur != row) {
            if row < self.last_row {
                return Err(ReadError::Workbook {
                    path: self.path.clone(),
                    message: format!(
                        "sheet `{}`: row {row} comes after row {}; the rows are out of order",
                        self.sheet, self.last_row
                    ),
                });
            }
            done = self.current.take();
            self.current = Some((row, Vec::new()));
            self.last_row = row;
        }
        if let Some((_, cells)) = &mut self.current {
            if cells.len() >= self.limits.max_columns {
                let what = format!("more than {} cells in one row", self.limits.max_columns);
                return Err(self.limit(row, c, what, "read.max_columns"));
            }
            if !text.is_empty() {
                cells.push((c, text));
            }
        }
        Ok(done)
    }

    fn finish(&mut self) -> Option<SparseRow> {
        self.current.take()
    }
}
