//! Dates: several input layouts in, ISO 8601 out.
//!
//! Formats are compiled once (chrono's items), and the common layouts have fast paths that
//! never touch chrono's format machinery: `YYYY-MM-DD` (and a spreadsheet's
//! `YYYY-MM-DDTHH:MM:SS`), which is what the reader gives for spreadsheet date cells, and
//! formats of a day, a month and a year with one separator between them (`%m/%d/%Y`,
//! `%d.%m.%Y`, `%d %b %Y`, see `layout`).

mod layout;

use chrono::NaiveDate;
use chrono::format::{Item, Parsed, StrftimeItems};

use layout::Layout;

/// Parses dates in ISO 8601 and the given chrono formats, in order.
#[derive(Debug, Clone, Default)]
pub struct DateParser {
    formats: Vec<Format>,
}

/// One compiled format: as written, chrono's items, and its fast reader when it has one.
#[derive(Debug, Clone)]
struct Format {
    text: String,
    items: Vec<Item<'static>>,
    fast: Option<Layout>,
}

impl Format {
    /// The date `t` (trimmed) holds in this format, or `None`: the fast reader's answer when
    /// it has one, chrono's otherwise. Both answer the same (see the tests).
    fn read(&self, t: &str) -> Option<NaiveDate> {
        match self.fast.and_then(|l| l.read(t)) {
            Some(answer) => answer,
            None => self.read_general(t),
        }
    }

    /// The date `t` holds in this format, read by chrono.
    fn read_general(&self, t: &str) -> Option<NaiveDate> {
        let mut parsed = Parsed::new();
        chrono::format::parse(&mut parsed, t, self.items.iter()).ok()?;
        parsed.to_naive_date().ok()
    }
}

impl DateParser {
    /// Compiles `formats`; fails with a message naming the first bad one.
    ///
    /// A format is bad when chrono cannot read it (`%Q`) or when it does not name a whole date
    /// (`%m/%Y` has no day): such a format could never parse a cell.
    pub fn new<S: AsRef<str>>(formats: &[S]) -> Result<DateParser, String> {
        let mut out = Vec::with_capacity(formats.len());
        for f in formats {
            let f = f.as_ref();
            out.push(Format {
                text: f.to_string(),
                items: compile(f)?,
                fast: Layout::of(f),
            });
        }
        Ok(DateParser { formats: out })
    }

    /// The formats, as written in the mapping.
    pub fn formats(&self) -> Vec<&str> {
        self.formats.iter().map(|f| f.text.as_str()).collect()
    }

    /// The date in `text` (trimmed), or `None`.
    pub fn parse(&self, text: &str) -> Option<NaiveDate> {
        let t = super::text::trimmed(text);
        if let Some(d) = iso(t) {
            return Some(d);
        }
        self.formats.iter().find_map(|f| f.read(t))
    }
}

/// Compiles one format and checks that it round-trips a whole date.
pub fn compile(format: &str) -> Result<Vec<Item<'static>>, String> {
    let items = StrftimeItems::new(format)
        .parse_to_owned()
        .map_err(|_| format!("`{format}` is not a valid date format"))?;
    let probe =
        NaiveDate::from_ymd_opt(2021, 3, 9).map(|d| d.format_with_items(items.iter()).to_string());
    let round_trip = probe.and_then(|p| {
        let mut parsed = Parsed::new();
        chrono::format::parse(&mut parsed, &p, items.iter()).ok()?;
        parsed.to_naive_date().ok()
    });
    match round_trip {
        Some(_) => Ok(items),
        None => Err(format!(
            "`{format}` does not name a whole date (year, month and day)"
        )),
    }
}

/// `YYYY-MM-DD`, optionally followed by `T` or a space and a time of day.
fn iso(t: &str) -> Option<NaiveDate> {
    let b = t.as_bytes();
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    if b.len() > 10 && b[10] != b'T' && b[10] != b' ' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        let mut n = 0u32;
        for &c in &b[r] {
            if !c.is_ascii_digit() {
                return None;
            }
            n = n * 10 + u32::from(c - b'0');
        }
        Some(n)
    };
    let year = i32::try_from(num(0..4)?).ok()?;
    NaiveDate::from_ymd_opt(year, num(5..7)?, num(8..10)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, d)
    }

    #[test]
    fn iso_fast_path_and_formats() {
        let p = DateParser::new(&["%m/%d/%Y", "%d.%m.%Y", "%b %d, %Y"]).unwrap_or_default();
        assert_eq!(p.parse("2021-03-01"), day(2021, 3, 1));
        assert_eq!(p.parse("2021-03-01T00:00:00"), day(2021, 3, 1));
        assert_eq!(p.parse(" 3/1/2021 "), day(2021, 3, 1));
        assert_eq!(p.parse("01.03.2021"), day(2021, 3, 1));
        assert_eq!(p.parse("Mar 01, 2021"), day(2021, 3, 1));
        assert_eq!(p.parse("2021-02-30"), None);
        assert_eq!(p.parse("31.02.2021"), None);
        assert_eq!(p.parse("next Monday"), None);
        assert_eq!(p.parse("2021-0a-01"), None);
    }

    #[test]
    fn bad_formats_are_refused() {
        assert!(DateParser::new(&["%m/%Y"]).is_err());
        assert!(DateParser::new(&["%Q"]).is_err());
        assert!(DateParser::new(&["%Y%m%d"]).is_ok());
    }
}
