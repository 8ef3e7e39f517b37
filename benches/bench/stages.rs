//! In-process stage cases: read -> map -> write through the library, roster ingestion from
//! recorded pages, and the library's own `plan` with its stages timed.

use std::io::Write;
use std::path::Path;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use payroll_sync::fetch::Roster;
use payroll_sync::mapping::{MappedRow, Mapping, Value, Verdict};
use payroll_sync::progress::{Progress, Stage};
use payroll_sync::read::{self, RawRow, ReadOptions};

use crate::measure;

type Error = Box<dyn std::error::Error>;

/// Reads the export, maps every row and writes the mapped values as CSV (rendered as in the
/// change files) to `out`; returns the rows mapped.
///
/// It streams as a caller that is done with each row before the next would: one reused row
/// ([`read::Table::read_row`]), one reused mapped row ([`Bound::outcome_into`]), and every
/// value rendered into one reused record.
///
/// [`Bound::outcome_into`]: payroll_sync::mapping::Bound::outcome_into
pub fn read_map_write(input: &Path, mapping: &Path, out: &Path) -> Result<usize, Error> {
    let mapping = Mapping::load(mapping)?;
    let options = ReadOptions {
        sheet: mapping.sheet.clone(),
        header_row: mapping.header_row,
        ..ReadOptions::default()
    };
    let mut table = read::open(input, &options)?;
    let bound = mapping.bind(&table.header)?;
    let mut w = csv::WriterBuilder::new()
        .buffer_capacity(1 << 20)
        .from_writer(std::fs::File::create(out)?);
    let mut row = RawRow::default();
    let mut work = MappedRow::default();
    let mut record = csv::ByteRecord::new();
    let mut text = String::new();
    let mut mapped = 0;
    while table.read_row(&mut row)? {
        if let Verdict::Mapped = bound.outcome_into(row.row, &row.cells, &mut work) {
            let d = &work.desired;
            record.clear();
            record.push_field(d.key.as_deref().unwrap_or_default().as_bytes());
            for v in &d.values {
                match v {
                    // Text renders as itself.
                    Some(Value::Text(t)) => record.push_field(t.as_bytes()),
                    Some(v) => {
                        text.clear();
                        v.render_into(&mut text);
                        record.push_field(text.as_bytes());
                    }
                    None => record.push_field(b""),
                }
            }
            w.write_byte_record(&record)?;
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
    /// Each stage's duration, the last one ending at `end`; a stage entered twice (the diff
    /// resumes after the former-people lookup) sums its spans, listed where it first began.
    pub fn durations(&self, end: Instant) -> Vec<(Stage, Duration)> {
        let m = self.marks.lock().map(|m| m.clone()).unwrap_or_default();
        let mut out: Vec<(Stage, Duration)> = Vec::new();
        for (i, (s, t)) in m.iter().enumerate() {
            let d = m.get(i + 1).map_or(end, |n| n.1) - *t;
            match out.iter_mut().find(|(o, _)| o == s) {
                Some((_, sum)) => *sum += d,
                None => out.push((*s, d)),
            }
        }
        out
    }
}
