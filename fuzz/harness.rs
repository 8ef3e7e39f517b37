//! The entry points the fuzz targets drive, shared with the corpus replay test
//! (`tests/it/fuzz_corpus.rs`), so CI checks every corpus file without a fuzzer.
//!
//! Each function takes arbitrary bytes and must return normally: an `Err` from the library is
//! the expected answer to junk; a panic, a hang or unbounded memory is a bug.

// Each fuzz target, and the replay test, uses only some of these.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use payroll_sync::read::{self, Limits, ReadOptions};

/// Caps for fuzzing: far below the defaults, so a run spends its time on parsing, not on
/// streaming a million generated rows. The checks are the same.
fn limits() -> Limits {
    Limits {
        max_rows: 10_000,
        max_columns: 500,
        max_cells: 200_000,
        max_unzipped_bytes: 64 << 20,
        max_field_bytes: 64 << 10,
        max_record_bytes: 1 << 20,
    }
}

/// A private directory for the files the reader needs (it reads paths, not bytes), made once
/// per process and removed when the process ends normally.
fn scratch(name: &str) -> PathBuf {
    static DIR: std::sync::OnceLock<Option<tempfile::TempDir>> = std::sync::OnceLock::new();
    let dir = DIR.get_or_init(|| tempfile::tempdir().ok());
    match dir {
        Some(d) => d.path().join(format!("{}-{name}", std::process::id())),
        None => {
            std::env::temp_dir().join(format!("payroll-sync-fuzz-{}-{name}", std::process::id()))
        }
    }
}

/// Writes `data` to a scratch file named `name` (its extension picks the format), opens it
/// with the reader and reads every row. Returns the rows read, or the first error's message.
fn read_file(name: &str, data: &[u8], options: &ReadOptions) -> Result<usize, String> {
    let path = scratch(name);
    std::fs::write(&path, data).map_err(|e| e.to_string())?;
    let outcome = read_path(&path, options);
    let _ = std::fs::remove_file(&path);
    outcome
}

fn read_path(path: &Path, options: &ReadOptions) -> Result<usize, String> {
    let table = read::open(path, options).map_err(|e| e.to_string())?;
    let mut rows = 0;
    for row in table {
        let row = row.map_err(|e| e.to_string())?;
        assert!(row.row >= 1, "row numbers are 1-based");
        rows += 1;
    }
    Ok(rows)
}

/// The CSV reader: encoding detection, delimiter sniffing, header rules, record and field
/// caps. The first byte picks the header mode, so `auto` is fuzzed too.
pub fn csv(data: &[u8]) -> Result<usize, String> {
    let mut options = ReadOptions {
        limits: limits(),
        ..ReadOptions::default()
    };
    let data = match data.split_first() {
        Some((mode, rest)) if *mode == b'\x01' => {
            options.header_row = read::HeaderRow::Auto;
            rest
        }
        _ => data,
    };
    read_file("input.csv", data, &options)
}

/// The spreadsheet path: the zip pre-flight in `read::container`, then calamine on a worker
/// thread, then the row layout under the header. Read as `.xlsx`, and as `.ods` when the
/// bytes name the OpenDocument mimetype.
pub fn spreadsheet(data: &[u8]) -> Result<usize, String> {
    let options = ReadOptions {
        limits: limits(),
        ..ReadOptions::default()
    };
    let ods = data
        .windows(b"opendocument.spreadsheet".len())
        .take(256)
        .any(|w| w == b"opendocument.spreadsheet");
    read_file(if ods { "input.ods" } else { "input.xlsx" }, data, &options)
}

/// The mapping parser and validator. Lookup files are looked for beside a path that does not
/// exist, so no input can make it read a real file.
pub fn mapping(data: &[u8]) -> Result<usize, String> {
    let text = std::str::from_utf8(data).map_err(|e| e.to_string())?;
    let path = Path::new("/nonexistent/payroll-sync-fuzz/mapping.toml");
    let mapping = payroll_sync::mapping::Mapping::parse(path, text).map_err(|e| e.to_string())?;
    let failed = mapping.run_tests();
    let _ = mapping.render(&failed);
    Ok(mapping.columns().len())
}

/// The webhook envelope parser, and what the server asks of each event.
pub fn envelope(data: &[u8]) -> Result<usize, String> {
    let events = payroll_sync::serve::envelope::parse(data).map_err(|e| e.to_string())?;
    for e in &events {
        let _ = (
            e.process_to_run("payroll-sync"),
            e.is_other_app_process(),
            e.job_to_fetch(),
        );
    }
    Ok(events.len())
}

/// For the fuzz targets: libFuzzer's panic hook aborts on every panic, but a panic inside
/// calamine on the `read-workbook` thread is caught by the reader by design (it becomes
/// `ReadError::Workbook`), so that one is let through. Every other panic still aborts.
pub fn init() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let fuzzer_hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if std::thread::current().name() != Some("read-workbook") {
                fuzzer_hook(info);
            }
        }));
    });
}
