//! Line numbers of CSV records, counted from the bytes the parser is fed, and the cap on one
//! record's size. Used by [`super::csv_file`] only.

use std::collections::VecDeque;
use std::io::Read;

/// Line breaks seen by [`LineCounter`] and not yet passed by the records read.
///
/// The csv crate's own line numbers lag behind with CRLF and do not count a lone CR, so lines
/// are counted here: `\n`, `\r\n` and a lone `\r` each end one line. Only breaks inside the
/// reader's read-ahead buffer are kept.
#[derive(Debug, Default)]
pub(super) struct Breaks {
    /// Offset and length (1, or 2 for CRLF) of each break.
    pub(super) pending: VecDeque<(u64, u64)>,
    pub(super) offset: u64,
    pub(super) prev_cr: bool,
    /// Lines ended before the last record asked about.
    pub(super) passed: usize,
    /// Where the record being read starts (the end of the last one read).
    pub(super) record_start: u64,
    /// The cap on one record's bytes, and whether a read refused to go past it.
    pub(super) max_record: u64,
    pub(super) over_limit: bool,
}

/// Reads the file and notes where its line breaks are; refuses to feed the CSV parser more
/// than `max_record` bytes past the start of the record it is reading.
///
/// The parser asks for bytes only once it has consumed all it was given, and it is parsing one
/// record at a time, so every byte between `record_start` and `offset` belongs to the record in
/// progress (or blank lines before it): the record never holds much more than the cap plus one
/// read buffer.
pub(super) struct LineCounter<R> {
    pub(super) inner: R,
    pub(super) breaks: Breaks,
}

impl<R: Read> Read for LineCounter<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let b = &mut self.breaks;
        if b.max_record > 0 && b.offset.saturating_sub(b.record_start) > b.max_record {
            b.over_limit = true;
            return Err(std::io::Error::other("record too long"));
        }
        let n = self.inner.read(buf)?;
        let base = b.offset;
        let mut prev_cr = b.prev_cr;
        let mut last = None;
        for i in memchr::memchr2_iter(b'\n', b'\r', &buf[..n]) {
            let is_lf_after_cr =
                buf[i] == b'\n' && prev_cr && last.map_or(i == 0, |l: usize| l + 1 == i);
            if !is_lf_after_cr {
                b.pending.push_back((base + i as u64, 1));
            } else if let Some(cr) = b.pending.back_mut()
                && cr.0 + 1 == base + i as u64
            {
                cr.1 = 2;
            }
            prev_cr = buf[i] == b'\r';
            last = Some(i);
        }
        b.prev_cr = if n == 0 {
            prev_cr
        } else {
            last == Some(n - 1) && buf[n - 1] == b'\r'
        };
        b.offset = base + n as u64;
        Ok(n)
    }
}

/// The 1-based line where `record` starts.
///
/// The csv crate puts a record's position before the empty lines it skipped (or on the LF of
/// the CRLF ending the previous record), so a break at the position is passed and the record
/// starts after it.
pub(super) fn line_of(b: &mut Breaks, record: &csv::ByteRecord) -> usize {
    let mut start = record.position().map_or(0, |p| p.byte());
    while let Some(&(offset, len)) = b.pending.front() {
        if offset > start {
            break;
        }
        // The position may also point into the middle of a CRLF.
        if offset + len > start {
            start = offset + len;
        }
        b.pending.pop_front();
        b.passed += 1;
    }
    b.passed + 1
}
