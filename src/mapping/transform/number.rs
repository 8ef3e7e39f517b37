//! Numbers and money as payroll exports write them: `1,234.50`, `1.234,50`, `1 234,5`,
//! `(1,200.00)`, `$85,000`, `85.000,00 EUR`.

use crate::mapping::value::Decimal;

/// Reads a human-formatted number with `decimal` (`.` or `,`) as the decimal separator.
///
/// Spaces, no-break spaces and apostrophes are grouping; the other of `.`/`,` is grouping too,
/// and then every group after the first must have exactly three digits, so `1,5` with
/// `decimal = '.'` is refused rather than read as 15. A leading or trailing `-`, or
/// parentheses, make it negative.
///
/// Fails (with the reason) on anything else: letters, two decimal separators, bad grouping,
/// more than 30 digits.
///
/// Plain numbers (`85000`, `-1234.50`: digits, an optional leading `-` and at most one
/// `decimal` between digits) take a fast path with the same answer (see the tests).
pub fn parse_number(text: &str, decimal: char) -> Result<Decimal, String> {
    let t = text.trim();
    if is_plain(t, decimal)
        && let Some(d) = Decimal::parse_plain(t, decimal)
    {
        return Ok(d);
    }
    parse_general(text, decimal)
}

/// `-?[0-9]+(D[0-9]+)?` with `D` the decimal separator: text that [`parse_general`] would
/// hand to [`Decimal::parse_plain`] unchanged.
fn is_plain(t: &str, decimal: char) -> bool {
    let b = t.as_bytes();
    let digits = b.strip_prefix(b"-").unwrap_or(b);
    let (int, frac) = match u8::try_from(decimal) {
        Ok(sep) if decimal.is_ascii() => match digits.iter().position(|&c| c == sep) {
            Some(at) => (&digits[..at], Some(&digits[at + 1..])),
            None => (digits, None),
        },
        _ => (digits, None),
    };
    let all_digits = |s: &[u8]| !s.is_empty() && s.iter().all(u8::is_ascii_digit);
    all_digits(int) && frac.is_none_or(all_digits)
}

/// [`parse_number`] without its fast path.
fn parse_general(text: &str, decimal: char) -> Result<Decimal, String> {
    let fail = || format!("`{}` is not a number", text.trim());
    let mut t = text.trim();
    let mut negative = false;
    if let Some(inner) = t.strip_prefix('(').and_then(|s| s.strip_suffix(')')) {
        negative = true;
        t = inner.trim();
    }
    if let Some(rest) = t.strip_prefix('-') {
        negative = !negative;
        t = rest.trim_start();
    } else if let Some(rest) = t.strip_suffix('-') {
        negative = !negative;
        t = rest.trim_end();
    } else if let Some(rest) = t.strip_prefix('+') {
        t = rest.trim_start();
    }
    let group = if decimal == ',' { '.' } else { ',' };
    let mut plain = String::with_capacity(t.len() + 1);
    if negative {
        plain.push('-');
    }
    let (int, frac) = match t.rsplit_once(decimal) {
        Some((i, f)) => (i, Some(f)),
        None => (t, None),
    };
    let mut groups = int.split(|c: char| {
        c == group || c == ' ' || c == '\u{a0}' || c == '\u{202f}' || c == '\'' || c == '’'
    });
    if let Some(first) = groups.next() {
        if first.is_empty() && !int.is_empty() {
            return Err(fail());
        }
        plain.push_str(first);
    }
    for g in groups {
        if g.len() != 3 {
            return Err(fail());
        }
        plain.push_str(g);
    }
    if let Some(f) = frac {
        plain.push('.');
        plain.push_str(f);
    }
    Decimal::parse_plain(&plain, '.').ok_or_else(fail)
}

/// Currency symbols people type, and the ISO 4217 code each stands for. `$` is USD unless the
/// default currency is another dollar.
const SYMBOLS: [(&str, &str); 6] = [
    ("€", "EUR"),
    ("£", "GBP"),
    ("¥", "JPY"),
    ("₹", "INR"),
    ("R$", "BRL"),
    ("$", "USD"),
];

/// Reads an amount with its currency: a symbol or an ISO code before or after the number, or
/// `default` when the cell has none.
///
/// Fails when the number does not parse (see [`parse_number`]) or when there is no currency
/// in the cell and no default.
pub fn parse_money(
    text: &str,
    decimal: char,
    default: Option<&str>,
) -> Result<(Decimal, String), String> {
    let t = text.trim();
    let mut currency: Option<String> = None;
    let mut rest = t;
    for (sym, code) in SYMBOLS {
        if let Some(r) = rest.strip_prefix(sym).or_else(|| rest.strip_suffix(sym)) {
            let code = match (code, default) {
                ("USD", Some(d)) if d.ends_with('D') => d,
                _ => code,
            };
            currency = Some(code.to_string());
            rest = r.trim();
            break;
        }
    }
    if currency.is_none() {
        let is_code = |s: &str| s.len() == 3 && s.bytes().all(|b| b.is_ascii_alphabetic());
        if let Some((a, b)) = rest.split_once(char::is_whitespace) {
            if is_code(a.trim()) {
                currency = Some(a.trim().to_ascii_uppercase());
                rest = b.trim();
            } else if let Some((num, code)) = rest.rsplit_once(char::is_whitespace)
                && is_code(code.trim())
            {
                currency = Some(code.trim().to_ascii_uppercase());
                rest = num.trim();
            }
        }
    }
    let amount =
        parse_number(rest, decimal).map_err(|_| format!("`{t}` is not an amount of money"))?;
    let currency = match (currency, default) {
        (Some(c), _) => c,
        (None, Some(d)) => d.to_string(),
        (None, None) => {
            return Err(format!(
                "`{t}` names no currency and the mapping sets no default (`[source] currency`)"
            ));
        }
    };
    Ok((amount, currency))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(text: &str, sep: char) -> Option<String> {
        parse_number(text, sep).ok().map(|d| d.render())
    }

    #[test]
    fn numbers_with_either_separator() {
        assert_eq!(n("1,234.50", '.').as_deref(), Some("1234.5"));
        assert_eq!(n("1.234,50", ',').as_deref(), Some("1234.5"));
        assert_eq!(n("1 234,5", ',').as_deref(), Some("1234.5"));
        assert_eq!(n("1'234'567", '.').as_deref(), Some("1234567"));
        assert_eq!(n("(1,200.00)", '.').as_deref(), Some("-1200"));
        assert_eq!(n("12-", '.').as_deref(), Some("-12"));
        assert_eq!(n("0.5", '.').as_deref(), Some("0.5"));
        assert_eq!(n("1,5", '.'), None, "bad grouping is refused");
        assert_eq!(n("1.2.3", '.'), None);
        assert_eq!(n("12a", '.'), None);
        assert_eq!(n("", '.'), None);
        assert_eq!(n(",100", '.'), None);
    }

    #[test]
    fn plain_numbers_take_the_fast_path() {
        assert!(is_plain("85000", '.'));
        assert!(is_plain("-1234.50", '.'));
        assert!(is_plain("1234,5", ','));
        for no in [
            "", "-", "+1", "1.", ".5", "1.2.3", "1,234.5", "1 234", "(1)", "1-", "1,5",
        ] {
            assert!(!is_plain(no, '.'), "{no}");
        }
        assert!(!is_plain("1.5", ','));
        assert_eq!(n(" -0001234.500 ", '.').as_deref(), Some("-1234.5"));
        assert_eq!(
            n(&"9".repeat(31), '.'),
            None,
            "too many digits, either path"
        );
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]

        #[test]
        fn the_fast_path_answers_as_the_general_one(
            t in "[-+(). ,0-9']{0,14}|-?[0-9]{1,33}([.,][0-9]{0,5})?",
            comma in proptest::bool::ANY,
        ) {
            let decimal = if comma { ',' } else { '.' };
            proptest::prop_assert_eq!(parse_number(&t, decimal), parse_general(&t, decimal));
        }
    }

    #[test]
    fn money_with_symbols_and_codes() {
        let m = |t: &str, d: Option<&str>| {
            parse_money(t, '.', d)
                .ok()
                .map(|(a, c)| format!("{} {c}", a.render()))
        };
        assert_eq!(m("$85,000.00", None).as_deref(), Some("85000 USD"));
        assert_eq!(m("$85,000", Some("CAD")).as_deref(), Some("85000 CAD"));
        assert_eq!(m("85000 eur", None).as_deref(), Some("85000 EUR"));
        assert_eq!(m("GBP 1,000.5", None).as_deref(), Some("1000.5 GBP"));
        assert_eq!(m("£42", None).as_deref(), Some("42 GBP"));
        assert_eq!(m("42", Some("USD")).as_deref(), Some("42 USD"));
        assert_eq!(m("42", None), None, "no currency and no default");
        assert_eq!(
            parse_money("85.000,50 €", ',', None)
                .ok()
                .map(|(a, c)| (a.render(), c)),
            Some(("85000.5".into(), "EUR".into()))
        );
        assert!(parse_money("lots", '.', Some("USD")).is_err());
    }
}
