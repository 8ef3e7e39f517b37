//! `new_hires.csv` (new hires and rehires, imported with `upsert=true`; ChartHop brings a
//! former person back by their work email), written as the diff finds them: each record goes
//! to a private scratch
//! file at once, and only the few hires whose manager is another new hire are remembered, so
//! that a new hire who manages another comes first in the file (ChartHop must know a manager
//! before their report). Memory grows with those few, not with the hires.

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::{self, BufWriter, Read, Seek, SeekFrom, Write};

use super::csv::{Cells, label};
use crate::diff::RowChange;
use crate::fsutil::HashingWriter;
use crate::mapping::Mapping;

const WORK_EMAIL: &str = "contact.workEmail";

/// A hire who may have to wait for their manager, another new hire.
#[derive(Debug)]
struct Waiter {
    ordinal: usize,
    own: Option<String>,
    manager: String,
    /// The record's place in the scratch file.
    start: u64,
    len: u64,
}

/// The new hires written so far.
#[derive(Debug)]
pub struct Hires {
    columns: Vec<String>,
    cells: Cells,
    manager_code: Option<String>,
    scratch: BufWriter<File>,
    written: u64,
    record: Vec<u8>,
    count: usize,
    /// Work emails (lower-case) of managers that ChartHop does not know: only a hire managed by
    /// one of them can wait.
    unknown_managers: HashSet<String>,
    /// Hires whose own email is such a manager's: email -> ordinal.
    manager_hires: HashMap<String, usize>,
    waiters: Vec<Waiter>,
}

impl Hires {
    /// Starts `new_hires.csv`'s scratch file. Columns: Work Email, first and last name, title,
    /// start date, manager, then the other mapped fields.
    pub fn new(mapping: &Mapping, cells: Cells) -> io::Result<Hires> {
        let mut columns: Vec<String> = Vec::new();
        for code in [
            WORK_EMAIL,
            "name.first",
            "name.last",
            "title",
            "startDate",
            "manager",
        ] {
            if let Some(i) = mapping.field_index(code) {
                columns.push(mapping.fields[i].code.clone());
            }
        }
        for f in &mapping.fields {
            if !columns.iter().any(|c| c.eq_ignore_ascii_case(&f.code)) {
                columns.push(f.code.clone());
            }
        }
        Ok(Hires {
            columns,
            cells,
            manager_code: mapping
                .fields
                .iter()
                .find(|f| f.resolve_manager)
                .map(|f| f.code.clone()),
            scratch: BufWriter::with_capacity(1 << 18, tempfile::tempfile()?),
            written: 0,
            record: Vec::with_capacity(256),
            count: 0,
            unknown_managers: HashSet::new(),
            manager_hires: HashMap::new(),
            waiters: Vec::new(),
        })
    }

    /// Managers that ChartHop does not know (work emails): told before the first hire.
    pub fn set_unknown_managers(&mut self, emails: impl IntoIterator<Item = String>) {
        self.unknown_managers = emails.into_iter().map(|e| e.to_lowercase()).collect();
    }

    /// Hires written.
    pub fn count(&self) -> usize {
        self.count
    }

    /// Adds a new hire's record.
    pub fn push(&mut self, row: &RowChange) -> io::Result<()> {
        self.record.clear();
        {
            let mut w = csv::WriterBuilder::new()
                .terminator(csv::Terminator::CRLF)
                .from_writer(&mut self.record);
            w.write_record(self.columns.iter().map(|c| {
                row.target
                    .get(c)
                    .map_or_else(String::new, |v| self.cells.value(c, v))
            }))
            .map_err(io::Error::other)?;
            w.flush()?;
        }
        let own = row.target.get(WORK_EMAIL).map(|e| e.to_lowercase());
        if let Some(e) = &own
            && self.unknown_managers.contains(e)
        {
            self.manager_hires.entry(e.clone()).or_insert(self.count);
        }
        let manager = self
            .manager_code
            .as_ref()
            .and_then(|c| row.target.get(c))
            .map(|m| m.to_lowercase())
            .filter(|m| self.unknown_managers.contains(m) && own.as_deref() != Some(m));
        if let Some(manager) = manager {
            self.waiters.push(Waiter {
                ordinal: self.count,
                own,
                manager,
                start: self.written,
                len: self.record.len() as u64,
            });
        }
        self.scratch.write_all(&self.record)?;
        self.written += self.record.len() as u64;
        self.count += 1;
        Ok(())
    }

    /// Writes the file to `out`: the header, then the hires in export order, except that a
    /// hire whose manager is a new hire not yet placed is placed after that manager (in rounds,
    /// export order within each; a cycle keeps export order). Returns the SHA-256 of what was
    /// written.
    pub fn finish(self, out: &mut dyn Write) -> io::Result<String> {
        let mut out = HashingWriter::new(out);
        let mut header = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(Vec::new());
        header
            .write_record(self.columns.iter().map(|c| label(c)))
            .map_err(io::Error::other)?;
        let header = header.into_inner().map_err(|e| e.into_error())?;
        out.write_all(&header)?;
        let order = self.late_order();
        let late: HashSet<usize> = order.iter().map(|&i| self.waiters[i].ordinal).collect();
        let mut scratch = self.scratch.into_inner().map_err(|e| e.into_error())?;
        scratch.seek(SeekFrom::Start(0))?;
        // Export order, skipping the records that come later.
        let mut skip = self.waiters.iter().filter(|w| late.contains(&w.ordinal));
        let mut at = 0u64;
        let mut reader = io::BufReader::with_capacity(1 << 18, &mut scratch);
        for w in skip.by_ref() {
            io::copy(&mut (&mut reader).take(w.start - at), &mut out)?;
            io::copy(&mut (&mut reader).take(w.len), &mut io::sink())?;
            at = w.start + w.len;
        }
        io::copy(&mut reader, &mut out)?;
        drop(reader);
        for i in order {
            let w = &self.waiters[i];
            scratch.seek(SeekFrom::Start(w.start))?;
            io::copy(&mut (&mut scratch).take(w.len), &mut out)?;
        }
        Ok(out.finish())
    }

    /// The waiters placed after the others, as indexes into `waiters`, in placement order.
    fn late_order(&self) -> Vec<usize> {
        let by_ordinal: HashMap<usize, usize> = self
            .waiters
            .iter()
            .enumerate()
            .map(|(i, w)| (w.ordinal, i))
            .collect();
        // Round one: in export order, a hire waits when their manager's record comes later or
        // waits itself.
        let mut waiting = vec![false; self.waiters.len()];
        for (i, w) in self.waiters.iter().enumerate() {
            waiting[i] = self
                .manager_hires
                .get(&w.manager)
                .is_some_and(|&m| m > w.ordinal || by_ordinal.get(&m).is_some_and(|&j| waiting[j]));
        }
        let mut placed: HashSet<&str> = HashSet::new();
        let is_placed = |placed: &HashSet<&str>, manager: &str| {
            placed.contains(manager)
                || self
                    .manager_hires
                    .get(manager)
                    .is_none_or(|m| !by_ordinal.get(m).is_some_and(|&j| waiting[j]))
        };
        let mut pending: Vec<usize> = (0..self.waiters.len()).filter(|&i| waiting[i]).collect();
        let mut order = Vec::with_capacity(pending.len());
        while !pending.is_empty() {
            let before = pending.len();
            let mut rest = Vec::new();
            for i in pending {
                let w = &self.waiters[i];
                if is_placed(&placed, &w.manager) {
                    order.push(i);
                    if let Some(e) = &w.own {
                        placed.insert(e);
                    }
                } else {
                    rest.push(i);
                }
            }
            if rest.len() == before {
                // A cycle among new hires: export order for the rest.
                order.extend(rest);
                break;
            }
            pending = rest;
        }
        order
    }
}
