//! Phone numbers to E.164 (`+14155550123`), with a default country for national numbers.
//!
//! Deliberately small: it knows calling codes and trunk prefixes, not each country's numbering
//! plan, so it checks only the length E.164 allows (8 to 15 digits with the country code) and,
//! for the North American plan, the 10-digit national length.

/// Countries whose national numbers this transform can complete: alpha-2, calling code, and
/// whether national numbers start with a trunk `0` that E.164 drops.
const CALLING_CODES: &[(&str, &str, bool)] = &[
    ("US", "1", false),
    ("CA", "1", false),
    ("MX", "52", false),
    ("BR", "55", true),
    ("AR", "54", true),
    ("CL", "56", false),
    ("CO", "57", false),
    ("GB", "44", true),
    ("IE", "353", true),
    ("FR", "33", true),
    ("DE", "49", true),
    ("NL", "31", true),
    ("BE", "32", true),
    ("LU", "352", false),
    ("CH", "41", true),
    ("AT", "43", true),
    ("IT", "39", false),
    ("ES", "34", false),
    ("PT", "351", false),
    ("SE", "46", true),
    ("NO", "47", false),
    ("DK", "45", false),
    ("FI", "358", true),
    ("PL", "48", false),
    ("CZ", "420", false),
    ("IL", "972", true),
    ("AE", "971", true),
    ("IN", "91", true),
    ("SG", "65", false),
    ("HK", "852", false),
    ("JP", "81", true),
    ("KR", "82", true),
    ("CN", "86", true),
    ("AU", "61", true),
    ("NZ", "64", true),
    ("ZA", "27", true),
    ("PH", "63", true),
    ("NG", "234", true),
];

/// The countries a mapping may name as the default, for "did you mean" hints.
pub fn countries() -> impl Iterator<Item = &'static str> {
    CALLING_CODES.iter().map(|(c, _, _)| *c)
}

/// Whether `country` (alpha-2, upper case) is known.
pub fn known(country: &str) -> bool {
    CALLING_CODES.iter().any(|(c, _, _)| *c == country)
}

/// Normalizes a phone number to E.164, completing national numbers with `country`'s code.
///
/// Example: `(415) 555-0123` with `US` -> `+14155550123`; `020 7946 0018` with `GB` ->
/// `+442079460018`; `0044 20 7946 0018` -> `+442079460018`. An extension (`x12`, `ext. 12`)
/// is dropped (E.164 has none).
///
/// Fails when the text has letters or other stray characters, when a national number has no
/// default country, or when the result has fewer than 8 or more than 15 digits (or, for
/// `US`/`CA`, a national number that is not 10 digits).
pub fn to_e164(text: &str, country: Option<&str>) -> Result<String, String> {
    let t = text.trim();
    let fail = |why: &str| format!("`{t}` is not a phone number{why}");
    let lower = t.to_ascii_lowercase();
    let main = ["ext.", "ext", "x", "#"]
        .iter()
        .filter_map(|m| lower.find(m))
        .min()
        .map_or(t, |i| &t[..i]);
    let mut digits = String::with_capacity(16);
    let mut plus = false;
    for (i, c) in main.trim().chars().enumerate() {
        match c {
            '0'..='9' => digits.push(c),
            '+' if i == 0 => plus = true,
            ' ' | '-' | '.' | '(' | ')' | '/' | '\u{a0}' => {}
            _ => return Err(fail("")),
        }
    }
    let international = if plus {
        digits
    } else if let Some(rest) = digits.strip_prefix("00") {
        rest.to_string()
    } else if let Some(rest) = digits
        .strip_prefix("011")
        .filter(|_| matches!(country, Some("US" | "CA")))
    {
        rest.to_string()
    } else {
        let Some(country) = country else {
            return Err(fail(
                " in international form (+country code) and no default country is set",
            ));
        };
        let Some(&(_, code, trunk)) = CALLING_CODES.iter().find(|(c, _, _)| *c == country) else {
            return Err(fail(""));
        };
        if code == "1" {
            let national = match digits.len() {
                10 => digits.as_str(),
                11 if digits.starts_with('1') => &digits[1..],
                _ => return Err(fail(" (a North American number has 10 digits)")),
            };
            format!("1{national}")
        } else {
            let national = if trunk {
                digits.strip_prefix('0').unwrap_or(&digits)
            } else {
                &digits
            };
            format!("{code}{national}")
        }
    };
    if !(8..=15).contains(&international.len()) {
        return Err(fail(" (E.164 allows 8 to 15 digits)"));
    }
    Ok(format!("+{international}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn national_and_international_numbers() {
        assert_eq!(
            to_e164("(415) 555-0123", Some("US")).as_deref(),
            Ok("+14155550123")
        );
        assert_eq!(
            to_e164("1-415-555-0123 x12", Some("US")).as_deref(),
            Ok("+14155550123")
        );
        assert_eq!(
            to_e164("020 7946 0018", Some("GB")).as_deref(),
            Ok("+442079460018")
        );
        assert_eq!(
            to_e164("0044 20 7946 0018", None).as_deref(),
            Ok("+442079460018")
        );
        assert_eq!(
            to_e164("+49 30 901820", Some("US")).as_deref(),
            Ok("+4930901820")
        );
        assert_eq!(
            to_e164("011 49 30 901820", Some("US")).as_deref(),
            Ok("+4930901820")
        );
    }

    #[test]
    fn failures() {
        assert!(
            to_e164("555-0123", Some("US")).is_err(),
            "too short for the plan"
        );
        assert!(to_e164("415 555 0123", None).is_err(), "no default country");
        assert!(to_e164("call me", Some("US")).is_err());
        assert!(to_e164("+1234", None).is_err());
        assert!(to_e164("+1 2+3", None).is_err());
    }
}
