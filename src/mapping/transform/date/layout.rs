//! The fast reader for the commonest date formats: a day, a month (number or short name) and a
//! four-digit year, in any order, with one separator between them (`%m/%d/%Y`, `%d/%m/%Y`,
//! `%d.%m.%Y`, `%Y/%m/%d`, `%d %b %Y`, ...).
//!
//! It reads only text of the strict shape that such a format describes: one or two digits for
//! `%d` and `%m`, exactly four for `%Y`, three ASCII letters for `%b`, and each separator
//! exactly as written. On that text chrono consumes exactly the same pieces, so its answer is
//! the calendar's: the date, or nothing when the month or day does not exist. Anything else
//! (signs, padding spaces, five-digit years, full month names) is left to chrono.

use chrono::NaiveDate;

/// One part of a layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    /// `%Y`
    Year,
    /// `%m`
    Month,
    /// `%b`
    MonthName,
    /// `%d`
    Day,
}

/// A format of three parts and two one-byte separators, read without chrono.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Layout {
    parts: [Part; 3],
    seps: [u8; 2],
}

impl Layout {
    /// The layout a format string has, if it is one: exactly `%A` `s` `%B` `s` `%C` with a
    /// year, a day and a month (`%m` or `%b`), each separator one ASCII punctuation character
    /// other than `%`, or one space. `None` for every other format (chrono reads those).
    pub(super) fn of(format: &str) -> Option<Layout> {
        let b = format.as_bytes();
        if b.len() != 8 {
            return None;
        }
        let part = |at: usize| -> Option<Part> {
            if b[at] != b'%' {
                return None;
            }
            Some(match b[at + 1] {
                b'Y' => Part::Year,
                b'm' => Part::Month,
                b'b' => Part::MonthName,
                b'd' => Part::Day,
                _ => return None,
            })
        };
        let sep = |c: u8| (c == b' ' || (c.is_ascii_punctuation() && c != b'%')).then_some(c);
        let parts = [part(0)?, part(3)?, part(6)?];
        let count = |p: &[Part]| parts.iter().filter(|x| p.contains(x)).count();
        if count(&[Part::Year]) != 1
            || count(&[Part::Day]) != 1
            || count(&[Part::Month, Part::MonthName]) != 1
        {
            return None;
        }
        Some(Layout {
            parts,
            seps: [sep(b[2])?, sep(b[5])?],
        })
    }

    /// Reads `t` when it has the layout's strict shape: `Some(date)` or `Some(None)` (no such
    /// day) are what chrono would answer; `None` means "not this shape, ask chrono".
    pub(super) fn read(&self, t: &str) -> Option<Option<NaiveDate>> {
        let b = t.as_bytes();
        // chrono matches a literal separator exactly: text without it is not a date in this
        // format, whatever its shape (`07 Mar 2019` against `%m/%d/%Y`). A space matches any
        // run of whitespace, even none, so it proves nothing.
        if self.seps.iter().any(|&s| s != b' ' && !b.contains(&s)) {
            return Some(None);
        }
        let mut at = 0;
        let (mut year, mut month, mut day) = (0i32, 0u32, 0u32);
        for (i, part) in self.parts.iter().enumerate() {
            if i > 0 {
                if b.get(at) != Some(&self.seps[i - 1]) {
                    return None;
                }
                at += 1;
            }
            match part {
                Part::Year => {
                    let (n, len) = digits(&b[at..], 4)?;
                    if len != 4 {
                        return None;
                    }
                    year = i32::try_from(n).ok()?;
                    at += 4;
                }
                Part::Month | Part::Day => {
                    let (n, len) = digits(&b[at..], 2)?;
                    if *part == Part::Month {
                        month = n;
                    } else {
                        day = n;
                    }
                    at += len;
                }
                Part::MonthName => {
                    let name = b.get(at..at + 3)?;
                    if !name.iter().all(u8::is_ascii_alphabetic)
                        || b.get(at + 3).is_some_and(u8::is_ascii_alphabetic)
                    {
                        return None;
                    }
                    let Some(m) = month_number(name) else {
                        // Three letters that name no month: chrono refuses them too.
                        return Some(None);
                    };
                    month = m;
                    at += 3;
                }
            }
        }
        if at != b.len() {
            return None;
        }
        Some(NaiveDate::from_ymd_opt(year, month, day))
    }
}

/// The number in the leading ASCII digits of `b`, at most `max` of them, and how many there
/// are; `None` when `b` does not start with a digit or has more than `max`.
fn digits(b: &[u8], max: usize) -> Option<(u32, usize)> {
    let len = b
        .iter()
        .take(max + 1)
        .take_while(|c| c.is_ascii_digit())
        .count();
    if len == 0 || len > max {
        return None;
    }
    let n = b[..len]
        .iter()
        .fold(0u32, |n, &c| n * 10 + u32::from(c - b'0'));
    Some((n, len))
}

/// The month (1 to 12) named by three letters, in any case, as chrono's `%b` reads them.
fn month_number(name: &[u8]) -> Option<u32> {
    const NAMES: [&[u8; 3]; 12] = [
        b"jan", b"feb", b"mar", b"apr", b"may", b"jun", b"jul", b"aug", b"sep", b"oct", b"nov",
        b"dec",
    ];
    let lower = [
        name[0].to_ascii_lowercase(),
        name[1].to_ascii_lowercase(),
        name[2].to_ascii_lowercase(),
    ];
    let i = NAMES.iter().position(|n| **n == lower)?;
    u32::try_from(i + 1).ok()
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::super::{DateParser, Format};
    use super::*;

    /// Formats with a fast reader, and (last) some without.
    const FORMATS: [&str; 12] = [
        "%m/%d/%Y",
        "%d/%m/%Y",
        "%d.%m.%Y",
        "%Y/%m/%d",
        "%d-%m-%Y",
        "%d %b %Y",
        "%b %d %Y",
        "%b-%d-%Y",
        "%Y.%d.%m",
        "%b %d, %Y",
        "%e/%m/%Y",
        "%d %B %Y",
    ];

    fn formats() -> Vec<Format> {
        match DateParser::new(&FORMATS) {
            Ok(p) => p.formats,
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn which_formats_are_read_fast() {
        let fast: Vec<bool> = formats().iter().map(|f| f.fast.is_some()).collect();
        assert_eq!(
            fast,
            [
                true, true, true, true, true, true, true, true, true, false, false, false
            ]
        );
        for no in [
            "%m/%d/%y",
            "%m%d/%Y",
            "%m/%m/%Y",
            "%d/%b/%m",
            "%m/%d/%Y ",
            "%m%%d%Y",
            "%d9%m9%Y",
        ] {
            assert_eq!(Layout::of(no), None, "{no}");
        }
    }

    #[test]
    fn reads_the_strict_shape_and_leaves_the_rest_to_chrono() {
        let us = Layout::of("%m/%d/%Y");
        let day = |y, m, d| Some(NaiveDate::from_ymd_opt(y, m, d));
        let read = |t: &str| us.and_then(|l| l.read(t));
        assert_eq!(read("03/01/2021"), day(2021, 3, 1));
        assert_eq!(read("3/1/2021"), day(2021, 3, 1));
        assert_eq!(read("02/30/2021"), Some(None));
        assert_eq!(read("13/01/2021"), Some(None));
        assert_eq!(read("0/01/2021"), Some(None));
        for other in [
            "3/1/21",
            "3/1/+2021",
            "3/ 1/2021",
            "003/1/2021",
            "3/1/20210",
            "3/1-2021",
        ] {
            assert_eq!(read(other), None, "{other}");
        }
        for no_separator in ["3-1-2021", "07 Mar 2019", ""] {
            assert_eq!(read(no_separator), Some(None), "{no_separator}");
        }
        let named = Layout::of("%d %b %Y");
        let read = |t: &str| named.and_then(|l| l.read(t));
        assert_eq!(read("07 Mar 2019"), day(2019, 3, 7));
        assert_eq!(read("7 mAR 2019"), day(2019, 3, 7));
        assert_eq!(read("07 Mrz 2019"), Some(None));
        assert_eq!(read("07 March 2019"), None);
        assert_eq!(read("07  Mar 2019"), None);
    }

    /// Text near the shapes the formats describe, and some far from them.
    fn date_like() -> impl Strategy<Value = String> {
        prop_oneof![
            "[0-9]{1,3}[/.\\- ][0-9]{1,3}[/.\\- ][0-9]{1,5}",
            "[0-9]{1,5}[/.\\- ][0-9]{1,3}[/.\\- ][0-9]{1,3}",
            "[0-9]{1,3}[ \\-](Jan|feb|MAR|Apr|mAy|jun|Jul|aug|Sep|oct|Nov|dec|Mrz|Marc|Ma)[ \\-,][0-9]{1,5}",
            "(Jan|Feb|Dec|Foo|Sept)[ \\-][0-9]{1,3}[ ,][ 0-9]{1,5}",
            "[0-9 /.\\-+a-zA-Zé]{0,12}",
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn the_fast_reader_answers_as_chrono_does(t in date_like()) {
            for f in formats() {
                prop_assert_eq!(f.read(&t), f.read_general(&t), "`{}` in `{}`", t, f.text);
            }
        }

        #[test]
        fn every_real_day_reads_back_in_every_layout(days in 0u64..(200 * 366)) {
            let Some(d) = NaiveDate::from_ymd_opt(1900, 1, 1)
                .and_then(|d| d.checked_add_days(chrono::Days::new(days)))
            else {
                return Err(TestCaseError::fail("no such day"));
            };
            for f in formats() {
                let text = d.format_with_items(f.items.iter()).to_string();
                prop_assert_eq!(f.read(&text), f.read_general(&text), "`{}` in `{}`", text, f.text);
                if f.fast.is_some() {
                    prop_assert_eq!(f.read(&text), Some(d));
                }
            }
        }
    }
}
