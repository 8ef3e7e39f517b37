//! Reading a spool back: a row's length from the reader, then the row decoded from the
//! reader's own buffer (copied out only when it straddles the buffer's end).

use std::io::{self, BufRead, Read};

use chrono::NaiveDate;

use super::format::{
    CLEAR, DATE, FALSE, Item, MAPPED, MAX_LEN, MAX_VALUES, MONEY, NONE, NUMBER, REJECTED, TEXT,
    TRUE, bad, empty_desired, empty_rejection, unzigzag,
};
use crate::mapping::{Decimal, DepartDetails, Desired, Rejection, Value};

/// Which of a mapped row's values a read fills in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fields {
    /// Every value.
    All,
    /// What matching a row reads: its number, keys, manager reference, lifecycle flags, dates
    /// and departure details, and only the value at this index (the work email); every other
    /// value reads as `None`. Rejected rows are read whole.
    Keys(Option<usize>),
}

impl Fields {
    fn wants(self, value: usize) -> bool {
        match self {
            Fields::All => true,
            Fields::Keys(keep) => keep == Some(value),
        }
    }
}

/// Reads rows back, in the order they were written.
#[derive(Debug)]
pub struct SpoolReader<R: BufRead> {
    input: R,
    /// A row that straddles the end of the reader's buffer, copied out.
    straddling: Vec<u8>,
}

impl<R: BufRead> SpoolReader<R> {
    pub fn new(input: R) -> SpoolReader<R> {
        SpoolReader {
            input,
            straddling: Vec::new(),
        }
    }

    /// Reads the next row into `item` (reusing its buffers); `false` at the end.
    ///
    /// Fails with `InvalidData` when the bytes are not a spool (which only a damaged temporary
    /// file can cause), with `UnexpectedEof` when the spool ends inside a row, or with the
    /// reader's error.
    pub fn next_into(&mut self, item: &mut Item) -> io::Result<bool> {
        self.next_with(item, Fields::All)
    }

    /// Reads the next row as [`next_into`](Self::next_into) does, filling in only `fields`.
    pub fn next_with(&mut self, item: &mut Item, fields: Fields) -> io::Result<bool> {
        if self.input.fill_buf()?.is_empty() {
            return Ok(false);
        }
        let len = read_uint(&mut self.input)?;
        if len > MAX_LEN {
            return Err(bad("row too long"));
        }
        let len = len as usize;
        let SpoolReader { input, straddling } = self;
        let buf = input.fill_buf()?;
        if buf.len() >= len {
            let decoded = Decoder { b: &buf[..len] }.item(item, fields);
            input.consume(len);
            decoded?;
        } else {
            straddling.clear();
            straddling.resize(len, 0);
            input.read_exact(straddling)?;
            Decoder { b: straddling }.item(item, fields)?;
        }
        Ok(true)
    }
}

/// One row's bytes, read from the front.
struct Decoder<'a> {
    b: &'a [u8],
}

impl<'a> Decoder<'a> {
    /// Decodes the whole row into `item`; fails when the bytes are not exactly one row.
    fn item(mut self, item: &mut Item, fields: Fields) -> io::Result<()> {
        match self.byte()? {
            MAPPED => {
                if !matches!(item, Item::Mapped(_)) {
                    *item = Item::Mapped(empty_desired());
                }
                if let Item::Mapped(d) = item {
                    self.mapped(d, fields)?;
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
        if self.b.is_empty() {
            Ok(())
        } else {
            Err(bad("a row is longer than its contents"))
        }
    }

    /// Reads a text into `slot` (reusing its buffer) when `present`; else empties the slot.
    fn optional_text(&mut self, present: bool, slot: &mut Option<String>) -> io::Result<()> {
        if present {
            let text = self.text()?;
            let s = slot.get_or_insert_with(String::new);
            s.clear();
            s.push_str(text);
        } else {
            *slot = None;
        }
        Ok(())
    }

    fn mapped(&mut self, d: &mut Desired, fields: Fields) -> io::Result<()> {
        d.row = self.number()?;
        let flags = self.byte()?;
        for (bit, slot) in [
            (1, &mut d.key),
            (2, &mut d.fallback),
            (4, &mut d.manager_ref),
        ] {
            self.optional_text(flags & bit != 0, slot)?;
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
        let n = self.number()?;
        if n > MAX_VALUES {
            return Err(bad("too many values"));
        }
        d.values.resize(n, None);
        for (i, v) in d.values.iter_mut().enumerate() {
            let tag = self.byte()?;
            if !fields.wants(i) {
                self.skip_value(tag)?;
                *v = None;
                continue;
            }
            match tag {
                NONE => *v = None,
                TEXT => {
                    let text = self.text()?;
                    match v {
                        Some(Value::Text(s)) => {
                            s.clear();
                            s.push_str(text);
                        }
                        _ => *v = Some(Value::Text(text.to_string())),
                    }
                }
                DATE => *v = Some(Value::Date(self.date()?)),
                NUMBER => *v = Some(Value::Number(self.decimal()?)),
                MONEY => {
                    let amount = self.decimal()?;
                    let currency = self.text()?.to_string();
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

    /// Steps over a value with this tag.
    fn skip_value(&mut self, tag: u8) -> io::Result<()> {
        match tag {
            NONE | TRUE | FALSE | CLEAR => Ok(()),
            TEXT | NUMBER => self.bytes().map(drop),
            DATE => self.uint().map(drop),
            MONEY => self.bytes().and_then(|_| self.bytes()).map(drop),
            other => Err(bad(&format!("unknown value tag {other}"))),
        }
    }

    fn rejected(&mut self, r: &mut Rejection) -> io::Result<()> {
        r.row = self.number()?;
        let flags = self.byte()?;
        for (bit, slot) in [(1, &mut r.column), (2, &mut r.value)] {
            self.optional_text(flags & bit != 0, slot)?;
        }
        r.name = if flags & 4 != 0 {
            Some(self.text()?.into())
        } else {
            None
        };
        for s in [&mut r.field, &mut r.reason] {
            let text = self.text()?;
            s.clear();
            s.push_str(text);
        }
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
                *slot = Some(self.text()?.to_string());
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
        let (&first, rest) = self.b.split_first().ok_or_else(ends_early)?;
        self.b = rest;
        Ok(first)
    }

    fn uint(&mut self) -> io::Result<u64> {
        let mut n = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            n |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(n);
            }
        }
        Err(bad("length too long"))
    }

    /// A count or a row number.
    fn number(&mut self) -> io::Result<usize> {
        usize::try_from(self.uint()?).map_err(|_| bad("number too large"))
    }

    /// A length-prefixed run of bytes.
    fn bytes(&mut self) -> io::Result<&'a [u8]> {
        let n = self.uint()?;
        if n > self.b.len() as u64 {
            return Err(ends_early());
        }
        let (run, rest) = self.b.split_at(n as usize);
        self.b = rest;
        Ok(run)
    }

    fn text(&mut self) -> io::Result<&'a str> {
        std::str::from_utf8(self.bytes()?).map_err(|_| bad("text is not UTF-8"))
    }

    fn date(&mut self) -> io::Result<NaiveDate> {
        let days = unzigzag(self.uint()?);
        i32::try_from(days)
            .ok()
            .and_then(NaiveDate::from_num_days_from_ce_opt)
            .ok_or_else(|| bad("bad date"))
    }

    fn decimal(&mut self) -> io::Result<Decimal> {
        Decimal::parse_plain(self.text()?, '.').ok_or_else(|| bad("bad number"))
    }
}

fn ends_early() -> io::Error {
    bad("a row ends early")
}

/// A row's length, from the reader.
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
