//! The mapped export, kept out of memory: every row's outcome (mapped values or the rejection)
//! encoded compactly, in export order, into any writer (a private temporary file for `plan`,
//! a byte vector for the in-memory diff), and read back as often as the diff needs.
//!
//! The encoding is private to this module and lives only as long as one run: lengths are
//! LEB128, texts are UTF-8, numbers are their canonical text. Reading reuses the caller's
//! buffers, so a pass over a million rows allocates almost nothing.

use std::io::{self, BufRead, Read, Write};

use chrono::{Datelike, NaiveDate};

use crate::mapping::{Decimal, DepartDetails, Desired, Rejection, Value};

/// One row read back.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Mapped(Desired),
    Rejected(Rejection),
}

const MAPPED: u8 = 1;
const REJECTED: u8 = 2;

// Value tags.
const NONE: u8 = 0;
const TEXT: u8 = 1;
const DATE: u8 = 2;
const NUMBER: u8 = 3;
const MONEY: u8 = 4;
const TRUE: u8 = 5;
const FALSE: u8 = 6;
const CLEAR: u8 = 7;

/// Appends rows to a spool.
#[derive(Debug)]
pub struct SpoolWriter<W: Write> {
    out: W,
    buf: Vec<u8>,
    rows: usize,
}

impl<W: Write> SpoolWriter<W> {
    pub fn new(out: W) -> SpoolWriter<W> {
        SpoolWriter {
            out,
            buf: Vec::with_capacity(512),
            rows: 0,
        }
    }

    /// Rows written so far.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Appends a mapped row. Fails only when the writer fails.
    pub fn mapped(&mut self, d: &Desired) -> io::Result<()> {
        let b = &mut self.buf;
        b.clear();
        b.push(MAPPED);
        uint(b, d.row as u64);
        let flags = u8::from(d.key.is_some())
            | u8::from(d.fallback.is_some()) << 1
            | u8::from(d.manager_ref.is_some()) << 2
            | u8::from(d.left_status) << 3
            | u8::from(d.termination_date.is_some()) << 4
            | u8::from(d.rehire_date.is_some()) << 5
            | u8::from(d.effective_date.is_some()) << 6
            | u8::from(d.depart.is_some()) << 7;
        b.push(flags);
        for s in [&d.key, &d.fallback, &d.manager_ref].into_iter().flatten() {
            text(b, s);
        }
        for t in [d.termination_date, d.rehire_date, d.effective_date]
            .into_iter()
            .flatten()
        {
            date(b, t);
        }
        b.push(u8::from(d.status_active));
        if let Some(dd) = &d.depart {
            depart(b, dd);
        }
        uint(b, d.values.len() as u64);
        for v in &d.values {
            match v {
                None => b.push(NONE),
                Some(Value::Text(s)) => {
                    b.push(TEXT);
                    text(b, s);
                }
                Some(Value::Date(t)) => {
                    b.push(DATE);
                    date(b, *t);
                }
                Some(Value::Number(n)) => {
                    b.push(NUMBER);
                    text(b, &n.render());
                }
                Some(Value::Money { amount, currency }) => {
                    b.push(MONEY);
                    text(b, &amount.render());
                    text(b, currency);
                }
                Some(Value::Boolean(true)) => b.push(TRUE),
                Some(Value::Boolean(false)) => b.push(FALSE),
                Some(Value::Clear) => b.push(CLEAR),
            }
        }
        self.rows += 1;
        self.out.write_all(&self.buf)
    }

    /// Appends a rejected row. Fails only when the writer fails.
    pub fn rejected(&mut self, r: &Rejection) -> io::Result<()> {
        let b = &mut self.buf;
        b.clear();
        b.push(REJECTED);
        rejection(b, r);
        self.rows += 1;
        self.out.write_all(&self.buf)
    }

    /// Flushes and gives the writer back.
    pub fn finish(mut self) -> io::Result<W> {
        self.out.flush()?;
        Ok(self.out)
    }
}

/// Reads rows back, in the order they were written.
#[derive(Debug)]
pub struct SpoolReader<R: BufRead> {
    input: R,
    scratch: String,
}

impl<R: BufRead> SpoolReader<R> {
    pub fn new(input: R) -> SpoolReader<R> {
        SpoolReader {
            input,
            scratch: String::new(),
        }
    }

    /// Reads the next row into `item` (reusing its buffers); `false` at the end.
    ///
    /// Fails with `InvalidData` when the bytes are not a spool (which only a damaged temporary
    /// file can cause), or with the reader's error.
    pub fn next_into(&mut self, item: &mut Item) -> io::Result<bool> {
        let mut tag = [0u8; 1];
        if self.input.read(&mut tag)? == 0 {
            return Ok(false);
        }
        match tag[0] {
            MAPPED => {
                if !matches!(item, Item::Mapped(_)) {
                    *item = Item::Mapped(empty_desired());
                }
                if let Item::Mapped(d) = item {
                    self.mapped(d)?;
                }
            }
            REJECTED => {
                let mut r = match std::mem::replace(item, Item::Mapped(empty_desired())) {
                    Item::Rejected(r) => r,
                    Item::Mapped(_) => empty_rejection(),
                };
                self.rejected(&mut r)?;
                *item = Item::Rejected(r);
            }
            other => return Err(bad(&format!("unknown row tag {other}"))),
        }
        Ok(true)
    }

    fn mapped(&mut self, d: &mut Desired) -> io::Result<()> {
        d.row = self.uint()? as usize;
        let flags = self.byte()?;
        for (bit, slot) in [
            (1, &mut d.key),
            (2, &mut d.fallback),
            (4, &mut d.manager_ref),
        ] {
            if flags & bit != 0 {
                let s = slot.get_or_insert_with(String::new);
                read_text(&mut self.input, s)?;
            } else {
                *slot = None;
            }
        }
        d.left_status = flags & 8 != 0;
        for (bit, slot) in [
            (16, &mut d.termination_date),
            (32, &mut d.rehire_date),
            (64, &mut d.effective_date),
        ] {
            *slot = if flags & bit != 0 {
                Some(self.date()?)
            } else {
                None
            };
        }
        d.status_active = self.byte()? & 1 != 0;
        d.depart = if flags & 128 != 0 {
            Some(Box::new(self.depart()?))
        } else {
            None
        };
        let n = self.uint()? as usize;
        if n > 1 << 16 {
            return Err(bad("too many values"));
        }
        d.values.resize(n, None);
        for v in &mut d.values {
            match self.byte()? {
                NONE => *v = None,
                TEXT => {
                    if !matches!(v, Some(Value::Text(_))) {
                        *v = Some(Value::Text(String::new()));
                    }
                    if let Some(Value::Text(s)) = v {
                        read_text(&mut self.input, s)?;
                    }
                }
                DATE => *v = Some(Value::Date(self.date()?)),
                NUMBER => *v = Some(Value::Number(self.decimal()?)),
                MONEY => {
                    let amount = self.decimal()?;
                    let mut currency = String::new();
                    read_text(&mut self.input, &mut currency)?;
                    *v = Some(Value::Money { amount, currency });
                }
                TRUE => *v = Some(Value::Boolean(true)),
                FALSE => *v = Some(Value::Boolean(false)),
                CLEAR => *v = Some(Value::Clear),
                other => return Err(bad(&format!("unknown value tag {other}"))),
            }
        }
        Ok(())
    }

    fn rejected(&mut self, r: &mut Rejection) -> io::Result<()> {
        r.row = self.uint()? as usize;
        let flags = self.byte()?;
        for (bit, slot) in [(1, &mut r.column), (2, &mut r.value)] {
            if flags & bit != 0 {
                let s = slot.get_or_insert_with(String::new);
                read_text(&mut self.input, s)?;
            } else {
                *slot = None;
            }
        }
        r.name = if flags & 4 != 0 {
            read_text(&mut self.input, &mut self.scratch)?;
            Some(self.scratch.as_str().into())
        } else {
            None
        };
        read_text(&mut self.input, &mut r.field)?;
        read_text(&mut self.input, &mut r.reason)?;
        Ok(())
    }

    fn depart(&mut self) -> io::Result<DepartDetails> {
        let flags = self.byte()?;
        let mut d = DepartDetails::default();
        for (bit, slot) in [
            (1, &mut d.depart_type),
            (2, &mut d.regret),
            (4, &mut d.reason),
        ] {
            if flags & bit != 0 {
                let mut s = String::new();
                read_text(&mut self.input, &mut s)?;
                *slot = Some(s);
            }
        }
        if flags & 8 != 0 {
            let mut r = empty_rejection();
            self.rejected(&mut r)?;
            d.problem = Some(r);
        }
        Ok(d)
    }

    fn byte(&mut self) -> io::Result<u8> {
        let mut b = [0u8; 1];
        self.input.read_exact(&mut b)?;
        Ok(b[0])
    }

    fn uint(&mut self) -> io::Result<u64> {
        read_uint(&mut self.input)
    }

    fn date(&mut self) -> io::Result<NaiveDate> {
        let days = unzigzag(self.uint()?);
        i32::try_from(days)
            .ok()
            .and_then(NaiveDate::from_num_days_from_ce_opt)
            .ok_or_else(|| bad("bad date"))
    }

    fn decimal(&mut self) -> io::Result<Decimal> {
        read_text(&mut self.input, &mut self.scratch)?;
        Decimal::parse_plain(&self.scratch, '.').ok_or_else(|| bad("bad number"))
    }
}

/// A mapped row with nothing in it (a buffer to read into).
pub fn empty_desired() -> Desired {
    Desired {
        row: 0,
        key: None,
        fallback: None,
        values: Vec::new(),
        manager_ref: None,
        left_status: false,
        status_active: false,
        termination_date: None,
        rehire_date: None,
        effective_date: None,
        depart: None,
    }
}

fn empty_rejection() -> Rejection {
    Rejection {
        row: 0,
        column: None,
        field: String::new(),
        reason: String::new(),
        value: None,
        name: None,
    }
}

fn date(b: &mut Vec<u8>, t: NaiveDate) {
    uint(b, zigzag(i64::from(t.num_days_from_ce())));
}

/// A rejection's row, optional column, value and name, field and reason.
fn rejection(b: &mut Vec<u8>, r: &Rejection) {
    uint(b, r.row as u64);
    b.push(
        u8::from(r.column.is_some())
            | u8::from(r.value.is_some()) << 1
            | u8::from(r.name.is_some()) << 2,
    );
    for s in [&r.column, &r.value].into_iter().flatten() {
        text(b, s);
    }
    if let Some(name) = &r.name {
        text(b, name);
    }
    text(b, &r.field);
    text(b, &r.reason);
}

/// A departure's details: which are there, their texts, and the problem (a rejection).
fn depart(b: &mut Vec<u8>, d: &DepartDetails) {
    b.push(
        u8::from(d.depart_type.is_some())
            | u8::from(d.regret.is_some()) << 1
            | u8::from(d.reason.is_some()) << 2
            | u8::from(d.problem.is_some()) << 3,
    );
    for s in [&d.depart_type, &d.regret, &d.reason].into_iter().flatten() {
        text(b, s);
    }
    if let Some(p) = &d.problem {
        rejection(b, p);
    }
}

fn bad(what: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("the temporary row spool is damaged: {what}"),
    )
}

fn uint(b: &mut Vec<u8>, mut n: u64) {
    while n >= 0x80 {
        b.push((n as u8) | 0x80);
        n >>= 7;
    }
    b.push(n as u8);
}

fn zigzag(n: i64) -> u64 {
    ((n << 1) ^ (n >> 63)) as u64
}

fn unzigzag(n: u64) -> i64 {
    ((n >> 1) as i64) ^ -((n & 1) as i64)
}

fn text(b: &mut Vec<u8>, s: &str) {
    uint(b, s.len() as u64);
    b.extend_from_slice(s.as_bytes());
}

fn read_uint<R: Read>(r: &mut R) -> io::Result<u64> {
    let mut n = 0u64;
    for shift in (0..64).step_by(7) {
        let mut b = [0u8; 1];
        r.read_exact(&mut b)?;
        n |= u64::from(b[0] & 0x7f) << shift;
        if b[0] & 0x80 == 0 {
            return Ok(n);
        }
    }
    Err(bad("length too long"))
}

/// Reads a length-prefixed text into `s` (replacing it).
fn read_text<R: BufRead>(r: &mut R, s: &mut String) -> io::Result<()> {
    let n = read_uint(r)? as usize;
    if n > 1 << 30 {
        return Err(bad("text too long"));
    }
    s.clear();
    // Fast path: the whole text is in the reader's buffer.
    let buf = r.fill_buf()?;
    if buf.len() >= n {
        let t = std::str::from_utf8(&buf[..n]).map_err(|_| bad("text is not UTF-8"))?;
        s.push_str(t);
        r.consume(n);
        return Ok(());
    }
    let mut bytes = Vec::with_capacity(n);
    r.take(n as u64).read_to_end(&mut bytes)?;
    if bytes.len() != n {
        return Err(io::ErrorKind::UnexpectedEof.into());
    }
    s.push_str(std::str::from_utf8(&bytes).map_err(|_| bad("text is not UTF-8"))?);
    Ok(())
}

#[cfg(test)]
#[path = "spool_tests.rs"]
mod tests;
