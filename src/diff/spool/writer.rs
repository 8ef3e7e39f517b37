//! Appending rows to a spool: each row encoded into a buffer, then written as its length and
//! its bytes.

use std::io::{self, Write};

use chrono::{Datelike, NaiveDate};

use super::format::{
    CLEAR, DATE, FALSE, MAPPED, MONEY, NONE, NUMBER, REJECTED, TEXT, TRUE, put_uint, zigzag,
};
use crate::mapping::{DepartDetails, Desired, Rejection, Value};

/// Appends rows to a spool.
#[derive(Debug)]
pub struct SpoolWriter<W: Write> {
    out: W,
    buf: Vec<u8>,
    head: Vec<u8>,
    rows: usize,
}

impl<W: Write> SpoolWriter<W> {
    pub fn new(out: W) -> SpoolWriter<W> {
        SpoolWriter {
            out,
            buf: Vec::with_capacity(512),
            head: Vec::with_capacity(10),
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
        put_uint(b, d.row as u64);
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
        put_uint(b, d.values.len() as u64);
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
        self.emit()
    }

    /// Appends a rejected row. Fails only when the writer fails.
    pub fn rejected(&mut self, r: &Rejection) -> io::Result<()> {
        let b = &mut self.buf;
        b.clear();
        b.push(REJECTED);
        rejection(b, r);
        self.emit()
    }

    /// Writes the row in the buffer: its length, then its bytes.
    fn emit(&mut self) -> io::Result<()> {
        self.head.clear();
        put_uint(&mut self.head, self.buf.len() as u64);
        self.rows += 1;
        self.out.write_all(&self.head)?;
        self.out.write_all(&self.buf)
    }

    /// Flushes and gives the writer back.
    pub fn finish(mut self) -> io::Result<W> {
        self.out.flush()?;
        Ok(self.out)
    }
}

fn date(b: &mut Vec<u8>, t: NaiveDate) {
    put_uint(b, zigzag(i64::from(t.num_days_from_ce())));
}

/// A rejection's row, optional column, value and name, field and reason.
fn rejection(b: &mut Vec<u8>, r: &Rejection) {
    put_uint(b, r.row as u64);
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

fn text(b: &mut Vec<u8>, s: &str) {
    put_uint(b, s.len() as u64);
    b.extend_from_slice(s.as_bytes());
}
