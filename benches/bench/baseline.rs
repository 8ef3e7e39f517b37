//! The baselines: the bare minimum any tool must do with the same data, measured in-process in
//! the same run as the case they judge, so that a loaded machine slows both alike.
//!
//! - [`csv_records`]: the `csv` crate reading every record of the export into one reused
//!   `ByteRecord` (no decoding, no mapping, no output).
//! - [`json_pages`]: serde_json scanning every recorded page into `IgnoredAny` (the page is
//!   parsed and validated; nothing is built).
//! - [`xlsx_cells`]: calamine's streaming cell reader over the workbook's first sheet, every
//!   cell visited once (the shared-string table is loaded, as any reader must).

use std::fs::File;
use std::io::BufReader;
use std::path::Path;
use std::time::{Duration, Instant};

use calamine::{Reader, Xlsx};

type Error = Box<dyn std::error::Error>;

/// Reads every record of the CSV file at `path`; returns the time taken.
///
/// Fails when the file cannot be opened or a record is not CSV.
pub fn csv_records(path: &Path) -> Result<Duration, Error> {
    let start = Instant::now();
    let mut r = csv::ReaderBuilder::new()
        .has_headers(true)
        .buffer_capacity(256 * 1024)
        .from_path(path)?;
    let mut record = csv::ByteRecord::new();
    let mut fields = 0usize;
    while r.read_byte_record(&mut record)? {
        fields += record.len();
    }
    std::hint::black_box(fields);
    Ok(start.elapsed())
}

/// Parses every page (already in memory) as JSON, keeping nothing; returns the time taken.
///
/// Fails when a page is not JSON.
pub fn json_pages(pages: &[Vec<u8>]) -> Result<Duration, Error> {
    let start = Instant::now();
    for page in pages {
        let v: serde::de::IgnoredAny = serde_json::from_slice(page)?;
        std::hint::black_box(v);
    }
    Ok(start.elapsed())
}

/// Visits every cell of the first sheet of the XLSX file at `path`; returns the time taken.
///
/// Fails when the file cannot be opened, is not a workbook, or has no sheet.
pub fn xlsx_cells(path: &Path) -> Result<Duration, Error> {
    let start = Instant::now();
    let mut workbook: Xlsx<_> = Xlsx::new(BufReader::new(File::open(path)?))?;
    let sheet = workbook
        .sheet_names()
        .first()
        .cloned()
        .ok_or("the workbook has no sheet")?;
    let mut reader = workbook.worksheet_cells_reader(&sheet)?;
    let mut cells = 0usize;
    while let Some(cell) = reader.next_cell()? {
        std::hint::black_box(cell.get_value());
        cells += 1;
    }
    std::hint::black_box(cells);
    Ok(start.elapsed())
}
