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
        let digits = self.units.unsigned_abs().to_string();
        let sign = if self.units < 0 { "-" } else { "" };
        let scale = self.scale as usize;
        if scale == 0 {
            return format!("{sign}{digits}");
        }
        let padded = format!("{digits:0>width$}", width = scale + 1);
        let (int, frac) = padded.split_at(padded.len() - scale);
        format!("{sign}{int}.{frac}")
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
            Value::Date(d) => d.format("%Y-%m-%d").to_string(),
            Value::Number(n) => n.render(),
            Value::Money { amount, currency } => format!("{} {currency}", amount.render()),
            Value::Boolean(b) => b.to_string(),
            Value::Clear => String::new(),
        }
    }
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
