//! Typed values: what a field's final text becomes (`type = ...`), how it is written in change
//! files, and how ChartHop's text is read back for comparison. No I/O.

use chrono::NaiveDate;

/// How a field's values are typed and compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Text, compared with surrounding and repeated whitespace ignored.
    Text,
    /// A calendar date, compared as a date whatever its layout.
    Date,
    /// A decimal number, compared as a number (`85000` = `85000.00`).
    Number,
    /// An amount and a currency, compared as both.
    Money,
    /// Yes or no.
    Boolean,
}

/// The names accepted by `type = "..."`.
pub const KIND_NAMES: [&str; 5] = ["text", "date", "number", "money", "boolean"];

impl Kind {
    /// The kind named in a mapping, or `None`.
    pub fn parse(name: &str) -> Option<Kind> {
        Some(match name {
            "text" => Kind::Text,
            "date" => Kind::Date,
            "number" => Kind::Number,
            "money" => Kind::Money,
            "boolean" => Kind::Boolean,
            _ => return None,
        })
    }
}

/// An exact decimal: `units / 10^scale`, normalized (no trailing fractional zeros), so that
/// equal numbers are equal values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Decimal {
    units: i128,
    scale: u32,
}

/// At most this many significant digits (well inside `i128`).
const MAX_DIGITS: usize = 30;

impl Decimal {
    /// Parses plain decimal text: optional sign, digits, optional `sep` and digits
    /// (`"-1234.50"` with `sep = '.'`). No grouping; see [`super::transform::number`] for
    /// human-formatted numbers.
    pub fn parse_plain(text: &str, sep: char) -> Option<Decimal> {
        let t = text.trim();
        let (negative, digits) = match t.as_bytes().first() {
            Some(b'-') => (true, &t[1..]),
            Some(b'+') => (false, &t[1..]),
            _ => (false, t),
        };
        let (int, frac) = match digits.split_once(sep) {
            Some((i, f)) => (i, f),
            None => (digits, ""),
        };
        if int.is_empty() && frac.is_empty() {
            return None;
        }
        if !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit()) {
            return None;
        }
        if int.len() + frac.len() > MAX_DIGITS {
            return None;
        }
        let mut units: i128 = 0;
        for b in int.bytes().chain(frac.bytes()) {
            units = units.checked_mul(10)?.checked_add(i128::from(b - b'0'))?;
        }
        let d = Decimal {
            units: if negative { -units } else { units },
            scale: u32::try_from(frac.len()).ok()?,
        };
        Some(d.normalized())
    }

    fn normalized(mut self) -> Decimal {
        while self.scale > 0 && self.units % 10 == 0 {
            self.units /= 10;
            self.scale -= 1;
        }
        if self.units == 0 {
            self.scale = 0;
        }
        self
    }

    /// Plain text with a point: `1234.5`, `-3`, `0.05`.
    pub fn render(&self) -> String {
        let mut out = String::new();
        self.render_into(&mut out);
        out
    }

    /// Appends [`Decimal::render`]'s text to `out`, without allocating a string of its own.
    pub fn render_into(&self, out: &mut String) {
        use std::fmt::Write;
        if self.units < 0 {
            out.push('-');
        }
        let start = out.len();
        // Writing to a `String` cannot fail.
        let _ = write!(out, "{}", self.units.unsigned_abs());
        let scale = self.scale as usize;
        if scale == 0 {
            return;
        }
        let digits = out.len() - start;
        for _ in digits..scale + 1 {
            out.insert(start, '0');
        }
        out.insert(out.len() - scale, '.');
    }
}

/// A typed value for one ChartHop field.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Value {
    Text(String),
    Date(NaiveDate),
    Number(Decimal),
    /// An amount and its ISO 4217 currency code.
    Money {
        amount: Decimal,
        currency: String,
    },
    Boolean(bool),
    /// `on_empty = "clear"` on a blank cell: ChartHop's value is to be erased.
    Clear,
}

impl Value {
    /// The value as written in change files and reports: dates ISO 8601, numbers with a point,
    /// money as `85000.5 USD`, booleans `true`/`false`, a clear as an empty string.
    pub fn render(&self) -> String {
        match self {
            Value::Text(t) => t.clone(),
            _ => {
                let mut out = String::new();
                self.render_into(&mut out);
                out
            }
        }
    }

    /// Appends [`Value::render`]'s text to `out`: the same text, without a string of its own.
    pub fn render_into(&self, out: &mut String) {
        match self {
            Value::Text(t) => out.push_str(t),
            Value::Date(d) => push_iso_date(*d, out),
            Value::Number(n) => n.render_into(out),
            Value::Money { amount, currency } => {
                amount.render_into(out);
                out.push(' ');
                out.push_str(currency);
            }
            Value::Boolean(b) => out.push_str(if *b { "true" } else { "false" }),
            Value::Clear => {}
        }
    }
}

/// Appends a date as chrono's `%Y-%m-%d` writes it. Years 0 to 9999 (every payroll date) are
/// written digit by digit; others (`+10000-01-01`, `-0001-01-01`) through chrono.
pub(crate) fn push_iso_date(d: NaiveDate, out: &mut String) {
    use chrono::Datelike;
    let year = d.year();
    if !(0..=9999).contains(&year) {
        use std::fmt::Write;
        // Writing to a `String` cannot fail.
        let _ = write!(out, "{}", d.format("%Y-%m-%d"));
        return;
    }
    let digit = |n: u32| char::from(b'0' + (n % 10) as u8);
    let y = year.unsigned_abs();
    for n in [y / 1000, y / 100, y / 10, y] {
        out.push(digit(n));
    }
    out.push('-');
    out.push(digit(d.month() / 10));
    out.push(digit(d.month()));
    out.push('-');
    out.push(digit(d.day() / 10));
    out.push(digit(d.day()));
}

/// Reads a boolean as people write it: `true/false`, `yes/no`, `y/n`, `1/0`, `on/off`
/// (any case). `None` for anything else.
pub fn parse_bool(text: &str) -> Option<bool> {
    let t = text.trim();
    const TRUE: [&str; 6] = ["true", "yes", "y", "1", "on", "t"];
    const FALSE: [&str; 6] = ["false", "no", "n", "0", "off", "f"];
    if TRUE.iter().any(|w| t.eq_ignore_ascii_case(w)) {
        Some(true)
    } else if FALSE.iter().any(|w| t.eq_ignore_ascii_case(w)) {
        Some(false)
    } else {
        None
    }
}

/// Reads money as ChartHop or a report writes it back: `85000 USD`, `USD 85000`, `85000.00`,
/// `{"amount":85000,"currency":"USD"}`-style text is not handled (the fetch flattens it).
/// Returns the amount and the currency when present.
pub fn parse_money_loose(text: &str) -> Option<(Decimal, Option<&str>)> {
    let t = text.trim();
    let is_code = |s: &str| s.len() == 3 && s.bytes().all(|b| b.is_ascii_alphabetic());
    if let Some((a, b)) = t.split_once(' ') {
        let (a, b) = (a.trim(), b.trim());
        if is_code(b) {
            return Decimal::parse_plain(a, '.').map(|d| (d, Some(b)));
        }
        if is_code(a) {
            return Decimal::parse_plain(b, '.').map(|d| (d, Some(a)));
        }
        return None;
    }
    Decimal::parse_plain(t, '.').map(|d| (d, None))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_normalize_and_render() {
        let d = |s| Decimal::parse_plain(s, '.').map(|d| d.render());
        assert_eq!(d("85000.00").as_deref(), Some("85000"));
        assert_eq!(d("-0.050").as_deref(), Some("-0.05"));
        assert_eq!(d("+12.5").as_deref(), Some("12.5"));
        assert_eq!(d(".5").as_deref(), Some("0.5"));
        assert_eq!(d("-0.0").as_deref(), Some("0"));
        assert_eq!(d("1,5"), None);
        assert_eq!(d(""), None);
        assert_eq!(d("-"), None);
        assert_eq!(d("1e5"), None);
        assert_eq!(d(&"9".repeat(40)), None);
        assert_eq!(
            Decimal::parse_plain("1,25", ','),
            Decimal::parse_plain("1.250", '.')
        );
    }

    #[test]
    fn render_into_appends_what_render_gives() {
        let d = |s| Decimal::parse_plain(s, '.').unwrap();
        let values = [
            Value::Text(" Ada ".into()),
            Value::Number(d("-0.05")),
            Value::Number(d("1234.5")),
            Value::Number(d("85000")),
            Value::Number(d("-123456789012345678901234567.891")),
            Value::Money {
                amount: d("0.5"),
                currency: "EUR".into(),
            },
            Value::Boolean(true),
            Value::Boolean(false),
            Value::Clear,
        ];
        for v in values {
            let mut out = String::from("x");
            v.render_into(&mut out);
            assert_eq!(out, format!("x{}", v.render()));
        }
        assert_eq!(d("-0.05").render(), "-0.05");
        assert_eq!(d("0.5").render(), "0.5");
        assert_eq!(d("100.25").render(), "100.25");
    }

    #[test]
    fn dates_render_as_chrono_writes_them() {
        let days = [
            NaiveDate::MIN,
            NaiveDate::MAX,
            NaiveDate::from_ymd_opt(-1, 12, 31).unwrap(),
            NaiveDate::from_ymd_opt(0, 1, 1).unwrap(),
            NaiveDate::from_ymd_opt(5, 3, 9).unwrap(),
            NaiveDate::from_ymd_opt(999, 10, 10).unwrap(),
            NaiveDate::from_ymd_opt(2021, 3, 1).unwrap(),
            NaiveDate::from_ymd_opt(9999, 12, 31).unwrap(),
            NaiveDate::from_ymd_opt(10000, 1, 1).unwrap(),
        ];
        let mut day = NaiveDate::from_ymd_opt(1899, 12, 25).unwrap();
        let every = std::iter::from_fn(|| {
            day = day.checked_add_days(chrono::Days::new(37))?;
            (day.year() < 2200).then_some(day)
        });
        use chrono::Datelike;
        for d in days.into_iter().chain(every) {
            let mut out = String::new();
            push_iso_date(d, &mut out);
            assert_eq!(out, d.format("%Y-%m-%d").to_string());
        }
    }

    #[test]
    fn booleans_and_loose_money() {
        assert_eq!(parse_bool(" Yes "), Some(true));
        assert_eq!(parse_bool("0"), Some(false));
        assert_eq!(parse_bool("maybe"), None);
        let m = parse_money_loose("85000.00 USD");
        assert_eq!(
            m.map(|(d, c)| (d.render(), c)),
            Some(("85000".into(), Some("USD")))
        );
        assert_eq!(
            parse_money_loose("EUR 12.5").map(|(d, c)| (d.render(), c)),
            Some(("12.5".into(), Some("EUR")))
        );
        assert_eq!(parse_money_loose("12 dollars"), None);
    }
}
