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

/// `text.trim()`, answered at once for text that starts and ends with a visible ASCII
/// character (most cells), which has nothing to trim.
#[inline]
pub(crate) fn trimmed(text: &str) -> &str {
    match text.as_bytes() {
        [first, .., last] if first.is_ascii_graphic() && last.is_ascii_graphic() => text,
        [only] if only.is_ascii_graphic() => text,
        _ => text.trim(),
    }
}

/// `text.trim().is_empty()`, answered at once for text that starts with a visible ASCII
/// character.
#[inline]
pub(crate) fn is_blank(text: &str) -> bool {
    !text.as_bytes().first().is_some_and(u8::is_ascii_graphic)
        && text.chars().all(char::is_whitespace)
}

/// Removes surrounding whitespace in place (the text of `str::trim`), without a new string.
pub fn trim_in_place(text: &mut String) {
    if trimmed(text).len() == text.len() {
        return;
    }
    let end = text.trim_end().len();
    text.truncate(end);
    let start = text.len() - text.trim_start().len();
    if start > 0 {
        text.drain(..start);
    }
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

/// Brings `text` to Unicode NFC in place (ASCII and already-composed text are left as they
/// are without copying): the export's text is compared with ChartHop's, and written, in NFC.
pub fn to_nfc(text: &mut String) {
    use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};
    if text.is_ascii() || is_nfc_quick(text.chars()) == IsNormalized::Yes {
        return;
    }
    *text = text.nfc().collect();
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
    fn trims_as_trim_does() {
        let texts = [
            "",
            " ",
            "a",
            "ab",
            "a ",
            " a",
            "  Ada ",
            "\u{a0}Zoë\t\n",
            "Zoë",
            "éa",
            "x y",
            "\u{3000}",
            "\u{3000}x\u{2028}",
            "\t",
            "\n\n",
            "a\u{85}",
            "\u{7f}",
        ];
        for t in texts {
            let mut s = t.to_string();
            trim_in_place(&mut s);
            assert_eq!(s, t.trim(), "{t:?}");
            assert_eq!(trimmed(t), t.trim(), "{t:?}");
            assert_eq!(is_blank(t), t.trim().is_empty(), "{t:?}");
        }
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
