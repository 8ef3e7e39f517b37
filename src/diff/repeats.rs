//! Which payroll keys and work emails the export may repeat, found without holding the export's
//! keys in memory: while the export is read, a 64-bit hash of each row's key and email goes to
//! a private scratch file; afterwards each file is sorted in runs of [`RUN`] hashes and the runs
//! merged, and only hashes seen more than once are kept. The diff then collects the rows of
//! those few hashes exactly, by text, so a collision of two different keys is never a repeat.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashSet};
use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Seek, SeekFrom, Write};

use super::keys::desired_email;
use crate::mapping::Desired;
use crate::textindex::hash_bytes;

/// Hashes sorted at a time (1 MiB).
const RUN: usize = 1 << 17;

/// The hashes of every key and email seen while the export is read, and once the export is
/// read ([`Sighting::settle`]), the repeated ones.
#[derive(Debug)]
pub struct Sighting {
    /// The key and email logs, until settled.
    logs: Option<(HashLog, HashLog)>,
    /// The repeats, once settled.
    repeats: Repeats,
}

/// Hashes that occur more than once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Repeats {
    pub keys: HashSet<u64>,
    pub emails: HashSet<u64>,
}

/// The hash a key or (lower-case) email is logged under.
pub(super) fn hash(text: &str) -> u64 {
    hash_bytes(text.as_bytes())
}

impl Sighting {
    /// Starts the two scratch files. Fails when no scratch file can be made.
    pub fn new() -> io::Result<Sighting> {
        Ok(Sighting {
            logs: Some((HashLog::new()?, HashLog::new()?)),
            repeats: Repeats::default(),
        })
    }

    /// Notes one mapped row's key and work email (`email_field`: the mapped work email field).
    /// Fails when the scratch file cannot be written, or once the sighting is settled.
    pub fn observe(&mut self, d: &Desired, email_field: Option<usize>) -> io::Result<()> {
        let Some((keys, emails)) = self.logs.as_mut() else {
            return Err(io::Error::other(
                "a row was noted after the export's repeats were worked out",
            ));
        };
        if let Some(k) = &d.key {
            keys.push(hash(k))?;
        }
        if let Some(e) = desired_email(d, email_field) {
            emails.push(hash(&e))?;
        }
        Ok(())
    }

    /// Works out the repeated hashes now (the export is read: no more rows are noted), so that
    /// the diff does not wait for it: the reading thread settles while the roster is fetched.
    /// Settling again does nothing. Fails when a scratch file cannot be read back.
    pub fn settle(&mut self) -> io::Result<()> {
        if let Some((keys, emails)) = self.logs.take() {
            self.repeats = Repeats {
                keys: keys.repeated()?,
                emails: emails.repeated()?,
            };
        }
        Ok(())
    }

    /// The hashes seen more than once (settling first if need be). Fails as
    /// [`settle`](Self::settle).
    pub(super) fn finish(mut self) -> io::Result<Repeats> {
        self.settle()?;
        Ok(self.repeats)
    }
}

/// A scratch file of 64-bit hashes.
#[derive(Debug)]
struct HashLog {
    out: BufWriter<File>,
    count: usize,
}

impl HashLog {
    fn new() -> io::Result<HashLog> {
        Ok(HashLog {
            out: BufWriter::with_capacity(1 << 16, tempfile::tempfile()?),
            count: 0,
        })
    }

    fn push(&mut self, h: u64) -> io::Result<()> {
        self.count += 1;
        self.out.write_all(&h.to_le_bytes())
    }

    /// Sorts the log in runs, merges the runs, and returns the hashes that occur twice or more.
    fn repeated(self) -> io::Result<HashSet<u64>> {
        let mut file = self.out.into_inner().map_err(|e| e.into_error())?;
        file.seek(SeekFrom::Start(0))?;
        let mut runs_file = tempfile::tempfile()?;
        let mut runs = Vec::new();
        {
            let mut input = BufReader::with_capacity(1 << 16, &mut file);
            let mut out = BufWriter::with_capacity(1 << 16, &mut runs_file);
            let mut run = Vec::with_capacity(RUN.min(self.count));
            let mut left = self.count;
            while left > 0 {
                run.clear();
                for _ in 0..RUN.min(left) {
                    run.push(read_u64(&mut input)?);
                }
                left -= run.len();
                run.sort_unstable();
                runs.push(run.len());
                for h in &run {
                    out.write_all(&h.to_le_bytes())?;
                }
            }
            out.flush()?;
        }
        merge_repeats(&runs_file, &runs)
    }
}

/// Merges sorted runs (their lengths, one after another in `file`) and returns the values
/// that occur more than once.
fn merge_repeats(file: &File, runs: &[usize]) -> io::Result<HashSet<u64>> {
    let mut readers = Vec::with_capacity(runs.len());
    let mut start = 0u64;
    for &len in runs {
        readers.push(RunReader {
            pos: start,
            end: start + len as u64,
            buf: Vec::new(),
            at: 0,
        });
        start += len as u64;
    }
    // The smallest head of the runs first.
    let mut heads = BinaryHeap::with_capacity(readers.len());
    for (i, r) in readers.iter_mut().enumerate() {
        if let Some(h) = r.next(file)? {
            heads.push(Reverse((h, i)));
        }
    }
    let mut out = HashSet::new();
    let mut last: Option<u64> = None;
    while let Some(Reverse((h, i))) = heads.pop() {
        if last == Some(h) {
            out.insert(h);
        }
        last = Some(h);
        if let Some(h) = readers[i].next(file)? {
            heads.push(Reverse((h, i)));
        }
    }
    Ok(out)
}

/// One sorted run of the file, read a block at a time (the runs share the file, so each block
/// is read at its own position).
struct RunReader {
    /// Next value to read and end of the run, counted in values.
    pos: u64,
    end: u64,
    buf: Vec<u64>,
    at: usize,
}

impl RunReader {
    const BLOCK: u64 = 1024;

    fn next(&mut self, mut file: &File) -> io::Result<Option<u64>> {
        if self.at == self.buf.len() {
            if self.pos == self.end {
                return Ok(None);
            }
            let n = Self::BLOCK.min(self.end - self.pos);
            file.seek(SeekFrom::Start(self.pos * 8))?;
            let mut bytes = vec![0u8; n as usize * 8];
            file.read_exact(&mut bytes)?;
            self.buf.clear();
            self.buf.extend(bytes.chunks_exact(8).map(|c| {
                let mut b = [0u8; 8];
                b.copy_from_slice(c);
                u64::from_le_bytes(b)
            }));
            self.at = 0;
            self.pos += n;
        }
        let h = self.buf[self.at];
        self.at += 1;
        Ok(Some(h))
    }
}

fn read_u64(r: &mut impl Read) -> io::Result<u64> {
    let mut b = [0u8; 8];
    r.read_exact(&mut b)?;
    Ok(u64::from_le_bytes(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repeated(values: &[u64], run: usize) -> HashSet<u64> {
        let mut log = HashLog::new().expect("log");
        for &v in values {
            log.push(v).expect("push");
        }
        // Sort with small runs to exercise the merge.
        let mut file = log.out.into_inner().expect("inner");
        file.seek(SeekFrom::Start(0)).expect("seek");
        let mut all = Vec::new();
        for _ in 0..values.len() {
            all.push(read_u64(&mut file).expect("read"));
        }
        let mut runs_file = tempfile::tempfile().expect("tmp");
        let mut runs = Vec::new();
        for chunk in all.chunks(run) {
            let mut c = chunk.to_vec();
            c.sort_unstable();
            runs.push(c.len());
            for h in c {
                runs_file.write_all(&h.to_le_bytes()).expect("write");
            }
        }
        merge_repeats(&runs_file, &runs).expect("merge")
    }

    #[test]
    fn repeats_across_runs_are_found_and_nothing_else() {
        let mut values: Vec<u64> = (0..10_000u64)
            .map(|i| i.wrapping_mul(0x9e37_79b9_7f4a_7c15))
            .collect();
        values.push(values[17]);
        values.push(values[9_999]);
        values.push(values[9_999]);
        values.insert(0, values[5_000]);
        let want: HashSet<u64> = [values[18], values[10_000], values[0]]
            .into_iter()
            .collect();
        for run in [1, 7, 1000, 100_000] {
            assert_eq!(repeated(&values, run), want, "runs of {run}");
        }
        assert!(repeated(&[], 4).is_empty());
    }

    #[test]
    fn repeats_settled_early_are_the_repeats_found_at_the_end() {
        let desired = |key: &str| {
            let mut d = crate::diff::spool::empty_desired();
            d.key = Some(key.into());
            d
        };
        let sighted = || {
            let mut s = Sighting::new().expect("sighting");
            for k in ["a", "b", "a", "c", "c", "c"] {
                s.observe(&desired(k), None).expect("observe");
            }
            s
        };
        let at_the_end = sighted().finish().expect("finish");
        assert_eq!(
            at_the_end.keys,
            [hash("a"), hash("c")].into_iter().collect()
        );
        let mut early = sighted();
        early.settle().expect("settle");
        early.settle().expect("settling twice does nothing");
        assert!(early.observe(&desired("d"), None).is_err());
        assert_eq!(early.finish().expect("finish"), at_the_end);
    }

    #[test]
    fn the_whole_path_through_scratch_files() {
        let mut log = HashLog::new().expect("log");
        for i in 0..(RUN as u64 * 2 + 10) {
            log.push(i % (RUN as u64 * 2)).expect("push");
        }
        let got = log.repeated().expect("repeated");
        assert_eq!(got, (0..10).collect::<HashSet<u64>>());
    }
}
