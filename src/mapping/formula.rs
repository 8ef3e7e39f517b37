//! Values a spreadsheet would run as a formula: text starting with `=`, `+`, `-`, `@`, a tab or
//! a carriage return, or their full-width forms (`＝＋－＠`, which spreadsheets also take).
//! A signed number (`-5`, `+1.5`) or a phone number in international form (`+1 415 555-0100`)
//! is not one: after its sign it holds only digits and number or phone punctuation.

/// The characters that make a spreadsheet treat a cell as a formula when they start it.
pub const FORMULA_STARTS: [char; 10] = [
    '=', '+', '-', '@', '\t', '\r', '\u{FF1D}', '\u{FF0B}', '\u{FF0D}', '\u{FF20}',
];

/// True when a spreadsheet would run `value` as a formula (see the module doc).
pub fn is_formula(value: &str) -> bool {
    let Some(first) = value.chars().next() else {
        return false;
    };
    if !FORMULA_STARTS.contains(&first) {
        return false;
    }
    let signed = matches!(first, '+' | '-' | '\u{FF0B}' | '\u{FF0D}');
    let rest = &value[first.len_utf8()..];
    let number_like = rest.chars().any(|c| c.is_ascii_digit())
        && rest
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '.' | ',' | '(' | ')' | '-'));
    !(signed && number_like)
}

#[cfg(test)]
mod tests {
    use super::is_formula;

    #[test]
    fn formulas_are_told_from_numbers_and_phones() {
        for f in [
            "=HYPERLINK(\"x\")",
            "@SUM(A1)",
            "+A1",
            "-A1+1",
            "\tx",
            "\rx",
            "\u{FF1D}1+1",
            "+",
            "-",
        ] {
            assert!(is_formula(f), "{f:?}");
        }
        for ok in [
            "-5",
            "+1.5",
            "+14155550100",
            "+1 (415) 555-0100",
            "Ada",
            "",
            "5-3",
        ] {
            assert!(!is_formula(ok), "{ok:?}");
        }
    }
}
