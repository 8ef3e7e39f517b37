//! In-process stage cases: the raw `csv` baseline, read -> map -> write through the library,
//! roster ingestion from recorded pages, and the library's own `plan` with its stages timed.

use std::io::Write;
use std::path::Path;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use payroll_sync::fetch::Roster;
use payroll_sync::mapping::{Mapping, Outcome};
use payroll_sync::progress::{Progress, Stage};
use payroll_sync::read::{self, ReadOptions};

use crate::measure;

type Error = Box<dyn std::error::Error>;

/// Reads every record of a CSV file as `ByteRecord`s (the baseline); returns the field count.
pub fn raw_csv(path: &Path) -> Result<usize, Error> {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(true)
        .buffer_capacity(256 * 1024)
        .from_path(path)?;
    let mut record = csv::ByteRecord::new();
    let mut fields = 0;
    while r.read_byte_record(&mut record)? {
        fields += record.len();
    }
    Ok(fields)
}

/// Reads the export, maps every row and writes the mapped values as CSV (rendered as in the
/// change files) to `out`; returns the rows mapped.
pub fn read_map_write(input: &Path, mapping: &Path, out: &Path) -> Result<usize, Error> {
    let mapping = Mapping::load(mapping)?;
    let options = ReadOptions {
        sheet: mapping.sheet.clone(),
        header_row: mapping.header_row,
        ..ReadOptions::default()
    };
    let mut table = read::open(input, &options)?;
    let bound = mapping.bind(&table.header)?;
    let file = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(out)?);
    let mut w = csv::Writer::from_writer(file);
    let mut record: Vec<String> = Vec::new();
    let mut mapped = 0;
    for row in table.by_ref() {
        let row = row?;
        if let Outcome::Mapped(d) = bound.outcome(row.row, &row.cells) {
            record.clear();
            record.push(d.key.unwrap_or_default());
            record.extend(
                d.values
                    .iter()
                    .map(|v| v.as_ref().map(|v| v.render()).unwrap_or_default()),
            );
            w.write_record(&record)?;
            mapped += 1;
        }
    }
    w.into_inner().map_err(|e| e.to_string())?.flush()?;
    Ok(mapped)
}

/// Roster ingestion: parses recorded pages (already in memory) and builds the roster.
/// Returns the time, the people, and the roster's heap bytes per person.
pub fn ingest(pages: &[Vec<u8>]) -> Result<(Duration, usize, f64), Error> {
    let before = measure::live();
    let start = Instant::now();
    let mut roster = Roster::default();
    for page in pages {
        roster.push_page_json(page)?;
    }
    let took = start.elapsed();
    let people = roster.len();
    let per_person = (measure::live().saturating_sub(before)) as f64 / people.max(1) as f64;
    drop(roster);
    Ok((took, people, per_person))
}

/// Records when each stage of `plan` starts.
#[derive(Default)]
pub struct Stages {
    marks: Mutex<Vec<(Stage, Instant)>>,
}

impl Progress for Stages {
    fn stage(&self, stage: Stage) {
        if let Ok(mut m) = self.marks.lock() {
            m.push((stage, Instant::now()));
        }
    }
}

impl Stages {
    /// Each stage's duration, the last one ending at `end`.
    pub fn durations(&self, end: Instant) -> Vec<(Stage, Duration)> {
        let m = self.marks.lock().map(|m| m.clone()).unwrap_or_default();
        m.iter()
            .enumerate()
            .map(|(i, (s, t))| (*s, m.get(i + 1).map_or(end, |n| n.1) - *t))
            .collect()
    }
}
