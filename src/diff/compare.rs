//! Normalized comparison: is ChartHop's text already the value the export asks for?
//!
//! Each field's [`Kind`] (and, for emails, its code) picks a [`Normalizer`]; both sides are
//! brought to a canonical form and compared. Formatting noise (surrounding or repeated
//! whitespace, email case, a date's layout or time of day) is never a change. A new kind of
//! value adds one normalizer here and nothing else in the diff.

use chrono::NaiveDate;

use crate::mapping::{Decimal, Kind, Value, parse_bool, parse_money_loose};

/// How a field's values are brought to a canonical form before comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Normalizer {
    /// Trimmed, runs of whitespace as one space, case kept.
    Text,
    /// As [`Normalizer::Text`], and lower-cased: email addresses are compared without case.
    Email,
    /// A calendar day in ISO 8601; a time of day after it is ignored.
    Date,
    /// A decimal number: `85000`, `85000.0` and ` 85000.00 ` are the same.
    Number,
    /// Yes or no, in any of the spellings the mapping accepts.
    Boolean,
}

impl Normalizer {
    /// The normalizer for a mapped field: by its kind, and for text by its code (a code that
    /// names an email, such as `contact.workEmail`, compares without case).
    pub fn for_field(kind: Kind, code: &str) -> Normalizer {
        match kind {
            Kind::Date => Normalizer::Date,
            Kind::Number => Normalizer::Number,
            Kind::Boolean => Normalizer::Boolean,
            Kind::Text | Kind::Money if names_email(code) => Normalizer::Email,
            Kind::Text | Kind::Money => Normalizer::Text,
        }
    }

    /// The canonical form of `text`, or `None` when the text is not a value of this kind (a
    /// date that does not parse): such a value never equals anything, so it shows as a change.
    pub fn normalize(self, text: &str) -> Option<String> {
        match self {
            Normalizer::Text => Some(collapse(text)),
            Normalizer::Email => Some(collapse(text).to_lowercase()),
            Normalizer::Date => iso_day(text).map(|d| d.format("%Y-%m-%d").to_string()),
            Normalizer::Number => Decimal::parse_plain(text.trim(), '.').map(|d| d.render()),
            Normalizer::Boolean => parse_bool(text).map(|b| b.to_string()),
        }
    }
}

/// The calendar day of ChartHop's date text (`2021-03-01`, or with a time of day after a `T`
/// or a space), or `None` when it is not one. Plain `YYYY-MM-DD` is read without the general
/// parser.
pub fn iso_day(text: &str) -> Option<NaiveDate> {
    let t = text.trim();
    let day = match t.get(..10) {
        Some(day) if t[10..].is_empty() || t[10..].starts_with(['T', ' ']) => day,
        _ => t,
    };
    let b = day.as_bytes();
    if b.len() == 10 && b[4] == b'-' && b[7] == b'-' {
        let num = |r: std::ops::Range<usize>| {
            b[r].iter().try_fold(0u32, |n, &c| {
                c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
            })
        };
        if let (Some(y), Some(m), Some(d)) = (num(0..4), num(5..7), num(8..10)) {
            return i32::try_from(y)
                .ok()
                .and_then(|y| NaiveDate::from_ymd_opt(y, m, d));
        }
    }
    NaiveDate::parse_from_str(day, "%Y-%m-%d").ok()
}

/// Whether ChartHop's text `current` already holds `desired`, after normalization.
pub fn same(kind: Kind, code: &str, current: &str, desired: &Value) -> bool {
    match desired {
        // A clear is done when ChartHop's value is blank.
        Value::Clear => return current.trim().is_empty(),
        // Money: the same amount, in the same currency when ChartHop names one, and at the
        // pay interval the field stands for (`base` is yearly, `hourly` hourly) when ChartHop's
        // value names one (a base comp read as `31 USD/HOURLY`).
        Value::Money { amount, currency } => {
            let (money, interval) = match current.rsplit_once('/') {
                Some((m, i)) => (m, Some(i.trim())),
                None => (current, None),
            };
            let wanted = match code {
                "base" => Some("YEARLY"),
                "hourly" => Some("HOURLY"),
                _ => None,
            };
            if let (Some(have), Some(want)) = (interval, wanted)
                && !have.eq_ignore_ascii_case(want)
            {
                return false;
            }
            return parse_money_loose(money).is_some_and(|(a, c)| {
                a == *amount && c.is_none_or(|c| c.eq_ignore_ascii_case(currency))
            });
        }
        _ => {}
    }
    let n = Normalizer::for_field(kind, code);
    // The common cases compare in place, without building normalized copies (this runs for
    // every mapped field of every matched row).
    match (n, desired) {
        (Normalizer::Text, Value::Text(t)) => return words_eq(current, t, false),
        (Normalizer::Email, Value::Text(t)) => return words_eq(current, t, true),
        (Normalizer::Date, Value::Date(d)) => return iso_day(current) == Some(*d),
        _ => {}
    }
    match (n.normalize(current), n.normalize(&desired.render())) {
        (Some(a), Some(b)) => a == b,
        _ => false,
    }
}

/// Whether two texts of ChartHop values are the same value, without knowing the field's
/// kind (for checking a plan against the roster): emails (and managers, named by email) without
/// case, dates as dates, other text by its words.
pub fn same_text(code: &str, a: &str, b: &str, case_insensitive: bool) -> bool {
    if words_eq(a, b, case_insensitive || names_email(code)) {
        return true;
    }
    matches!(
        (Normalizer::Date.normalize(a), Normalizer::Date.normalize(b)),
        (Some(x), Some(y)) if x == y
    )
}

/// Whether two texts have the same words (whitespace runs and ends ignored), optionally
/// ignoring case: the same answer as comparing [`collapse`]d (and lower-cased) copies.
fn words_eq(a: &str, b: &str, ignore_case: bool) -> bool {
    // Equal texts (the common case, an unchanged value) have the same words; so do texts
    // equal but for ASCII case, whose spaces and other bytes are then the same.
    if a == b || (ignore_case && a.eq_ignore_ascii_case(b)) {
        return true;
    }
    let (mut x, mut y) = (a.split_whitespace(), b.split_whitespace());
    loop {
        match (x.next(), y.next()) {
            (None, None) => return true,
            (Some(p), Some(q)) => {
                let equal = if ignore_case {
                    p.eq_ignore_ascii_case(q)
                        || p.chars()
                            .flat_map(char::to_lowercase)
                            .eq(q.chars().flat_map(char::to_lowercase))
                } else {
                    p == q
                };
                if !equal && !nfc_eq(p, q, ignore_case) {
                    return false;
                }
            }
            _ => return false,
        }
    }
}

/// Whether two words are the same in Unicode NFC (a decomposed `Zoë` is the composed one),
/// optionally ignoring case. ASCII words are never different in NFC.
fn nfc_eq(p: &str, q: &str, ignore_case: bool) -> bool {
    use unicode_normalization::UnicodeNormalization;
    if p.is_ascii() && q.is_ascii() {
        return false;
    }
    if ignore_case {
        p.nfc()
            .flat_map(char::to_lowercase)
            .eq(q.nfc().flat_map(char::to_lowercase))
    } else {
        p.nfc().eq(q.nfc())
    }
}

/// Whether a field code names an email (`contact.workEmail`, `contact.homeemail`), without
/// allocating.
fn names_email(code: &str) -> bool {
    code.as_bytes()
        .windows(5)
        .any(|w| w.eq_ignore_ascii_case(b"email"))
}

/// Trimmed, with runs of whitespace as one space.
pub fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_compares_in_nfc() {
        let composed = "Zo\u{eb} Lindqvist";
        let decomposed = "Zoe\u{308} Lindqvist";
        assert_ne!(composed, decomposed);
        assert!(words_eq(composed, decomposed, false));
        assert!(words_eq("ZOE\u{308}", "zo\u{eb}", true));
        assert!(!words_eq("Zoe", "Zo\u{eb}", false));
        assert!(same(
            Kind::Text,
            "name.first",
            decomposed,
            &Value::Text(composed.into())
        ));
    }

    fn text(s: &str) -> Value {
        Value::Text(s.into())
    }

    /// The general parser's answer, as `iso_day` had it before its fast path.
    fn general(text: &str) -> Option<NaiveDate> {
        let t = text.trim();
        let day = match t.get(..10) {
            Some(day) if t[10..].is_empty() || t[10..].starts_with(['T', ' ']) => day,
            _ => t,
        };
        NaiveDate::parse_from_str(day, "%Y-%m-%d").ok()
    }

    proptest::proptest! {
        #[test]
        fn iso_day_fast_path_agrees_with_the_general_parser(
            y in 0u32..10000, m in 0u32..14, d in 0u32..33,
            sep in proptest::sample::select(vec!["-", "/", " "]),
            tail in proptest::sample::select(vec!["", "T00:00:00Z", " 12:00", "x", "Z"]),
            pad in proptest::sample::select(vec!["", " "]),
        ) {
            let s = format!("{pad}{y:04}{sep}{m:02}{sep}{d:02}{tail}{pad}");
            proptest::prop_assert_eq!(iso_day(&s), general(&s), "{:?}", s);
        }
    }

    #[test]
    fn iso_day_odd_inputs() {
        for s in [
            "",
            "2021-3-1",
            "2021-03-1",
            "+2021-03-01",
            "２０２１-03-01",
            "2021-02-29",
            "2020-02-29T",
            "20210301",
            "2021-03-01junk",
        ] {
            assert_eq!(iso_day(s), general(s), "{s:?}");
        }
    }

    #[test]
    fn whitespace_and_email_case_are_noise() {
        assert!(same(
            Kind::Text,
            "title",
            "Data  Engineer ",
            &text(" Data Engineer")
        ));
        assert!(!same(
            Kind::Text,
            "title",
            "data engineer",
            &text("Data Engineer")
        ));
        assert!(same(
            Kind::Text,
            "contact.workEmail",
            "Ada@ACME.example",
            &text("ada@acme.example")
        ));
    }

    #[test]
    fn in_place_word_comparison_matches_the_normalized_one() {
        for (a, b) in [
            ("Data  Engineer ", " Data Engineer"),
            ("a b", "a  b c"),
            ("", "   "),
            ("Zoë", "ZOË"),
            ("x", ""),
        ] {
            assert_eq!(
                words_eq(a, b, false),
                collapse(a) == collapse(b),
                "{a:?} {b:?}"
            );
            assert_eq!(
                words_eq(a, b, true),
                collapse(a).to_lowercase() == collapse(b).to_lowercase(),
                "{a:?} {b:?}"
            );
        }
        assert!(names_email("contact.workEmail") && names_email("EMAIL") && !names_email("title"));
    }

    #[test]
    fn numbers_money_and_booleans_compare_by_value() {
        let n = Value::Number(Decimal::parse_plain("85000", '.').unwrap());
        assert!(same(Kind::Number, "base", "85000.00", &n));
        assert!(!same(Kind::Number, "base", "85001", &n));
        let m = Value::Money {
            amount: Decimal::parse_plain("108000", '.').unwrap(),
            currency: "USD".into(),
        };
        assert!(same(Kind::Money, "base", "108000 USD", &m));
        assert!(same(Kind::Money, "base", "108000", &m));
        assert!(!same(Kind::Money, "base", "108000 EUR", &m));
        assert!(same(Kind::Boolean, "remote", "yes", &Value::Boolean(true)));
        assert!(same(Kind::Text, "title", "", &Value::Clear));
        assert!(!same(Kind::Text, "title", "x", &Value::Clear));
    }

    #[test]
    fn dates_compare_as_dates() {
        let d = Value::Date(NaiveDate::from_ymd_opt(2027, 1, 11).unwrap());
        assert!(same(Kind::Date, "startDate", "2027-01-11", &d));
        assert!(same(Kind::Date, "startDate", "2027-01-11T00:00:00Z", &d));
        assert!(!same(Kind::Date, "startDate", "2027-01-12", &d));
        assert!(!same(Kind::Date, "startDate", "2027-01-11junk", &d));
        assert!(!same(Kind::Date, "startDate", "", &d));
    }

    #[test]
    fn money_compares_by_amount_currency_and_interval() {
        let m = |a: &str, c: &str| Value::Money {
            amount: Decimal::parse_plain(a, '.').unwrap_or_else(|| panic!("{a}")),
            currency: c.to_string(),
        };
        // ChartHop's object, read as text by the roster, in another notation: the same.
        assert!(same(Kind::Money, "base", "85000.0 USD", &m("85000", "USD")));
        assert!(same(
            Kind::Money,
            "base",
            "85000 USD/YEARLY",
            &m("85000.00", "USD")
        ));
        assert!(same(Kind::Money, "base", "85000", &m("85000", "USD")));
        // Another amount, another currency, another interval: a change.
        assert!(!same(Kind::Money, "base", "85001 USD", &m("85000", "USD")));
        assert!(!same(Kind::Money, "base", "85000 EUR", &m("85000", "USD")));
        assert!(!same(
            Kind::Money,
            "base",
            "85000 USD/HOURLY",
            &m("85000", "USD")
        ));
        assert!(same(
            Kind::Money,
            "hourly",
            "31 USD/HOURLY",
            &m("31", "USD")
        ));
    }
}
