//! Text transforms: case, spaces, zeros, email. Each works in place on the cell's text.

/// Upper-cases the first letter of each word and lower-cases the rest; words are split at
/// whitespace, `-` and `'`. Example: `"mary-jane O'NEIL"` -> `"Mary-Jane O'Neil"`.
/// Never fails; names like `McDonald` become `Mcdonald` (use a `map` for those).
pub fn title(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut start = true;
    for c in text.chars() {
        if start {
            out.extend(c.to_uppercase());
        } else {
            out.extend(c.to_lowercase());
        }
        start = c.is_whitespace() || c == '-' || c == '\'';
    }
    out
}

/// Trims and replaces every run of whitespace with one space.
/// Example: `" Ada   \t Lovelace "` -> `"Ada Lovelace"`. Never fails.
pub fn collapse_spaces(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for w in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

/// Removes leading zeros, keeping one digit: `"000123"` -> `"123"`, `"000"` -> `"0"`.
/// Never fails; text that does not start with `0` is left as it is.
pub fn strip_zeros(text: &str) -> &str {
    let t = text.trim();
    let s = t.trim_start_matches('0');
    if s.is_empty() && !t.is_empty() {
        "0"
    } else {
        s
    }
}

/// Pads with leading zeros to `width` characters: `"123"` with 6 -> `"000123"`.
/// Never fails; longer text is left as it is.
pub fn pad_zeros(text: &str, width: usize) -> String {
    let t = text.trim();
    format!("{t:0>width$}")
}

/// Normalizes an email address: trims, drops a `mailto:` prefix and surrounding `<>`,
/// lower-cases. Example: `" <Ada@Example.COM>"` -> `"ada@example.com"`.
///
/// Fails unless the result has exactly one `@`, a non-empty local part, a domain with a dot
/// (not at its ends), and no whitespace or commas.
pub fn email(text: &str) -> Result<String, String> {
    let fail = || format!("`{}` is not an email address", text.trim());
    let mut t = text.trim();
    if let Some(rest) = t
        .get(..7)
        .filter(|p| p.eq_ignore_ascii_case("mailto:"))
        .and_then(|_| t.get(7..))
    {
        t = rest;
    }
    let t = t
        .strip_prefix('<')
        .and_then(|s| s.strip_suffix('>'))
        .unwrap_or(t)
        .trim();
    let (local, domain) = t.split_once('@').ok_or_else(fail)?;
    let bad =
        |s: &str| s.is_empty() || s.chars().any(|c| c.is_whitespace() || c == ',' || c == '@');
    if bad(local)
        || bad(domain)
        || !domain.contains('.')
        || domain.starts_with('.')
        || domain.ends_with('.')
    {
        return Err(fail());
    }
    Ok(t.to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_spaces_and_zeros() {
        assert_eq!(title("mary-jane O'NEIL"), "Mary-Jane O'Neil");
        assert_eq!(collapse_spaces(" Ada   \t Lovelace "), "Ada Lovelace");
        assert_eq!(strip_zeros("000123"), "123");
        assert_eq!(strip_zeros("000"), "0");
        assert_eq!(strip_zeros("A01"), "A01");
        assert_eq!(pad_zeros("123", 6), "000123");
        assert_eq!(pad_zeros("1234567", 6), "1234567");
    }

    #[test]
    fn emails() {
        assert_eq!(
            email(" <Ada@Example.COM>").as_deref(),
            Ok("ada@example.com")
        );
        assert_eq!(email("MAILTO:b@x.io").as_deref(), Ok("b@x.io"));
        for bad in [
            "ada",
            "ada@example",
            "a@b@c.io",
            "a b@c.io",
            "@c.io",
            "a@.io",
            "",
        ] {
            assert!(email(bad).is_err(), "{bad}");
        }
    }
}
