//! Countries to ISO 3166-1 alpha-2 (`US`), from alpha-2, alpha-3, the ISO name, common and
//! official names, and a few everyday aliases (`UK`, `USA`, `Deutschland`).

use std::collections::HashMap;
use std::sync::LazyLock;

use super::countries::COUNTRIES;

/// Lower case, letters and digits only: `"U.S.A."` and `"usa"` meet.
fn fold(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

static INDEX: LazyLock<HashMap<String, &'static str>> = LazyLock::new(|| {
    let mut m = HashMap::with_capacity(COUNTRIES.len() * 5);
    for (a2, a3, names) in COUNTRIES {
        m.insert(fold(a2), *a2);
        m.insert(fold(a3), *a2);
        for n in names.iter() {
            m.entry(fold(n)).or_insert(*a2);
        }
    }
    m
});

/// The alpha-2 code of a country written as a code or a name.
///
/// Example: `"United States of America"`, `"USA"`, `"us"` -> `"US"`; `"Deutschland"` ->
/// `"DE"`. Case, spaces and punctuation are ignored.
///
/// Fails when the text is no code, name or alias in the table (e.g. a city, or a misspelt
/// name), with the reason.
pub fn to_alpha2(text: &str) -> Result<&'static str, String> {
    INDEX
        .get(&fold(text))
        .copied()
        .ok_or_else(|| format!("`{}` is not a country this transform knows", text.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_names_and_aliases() {
        assert_eq!(to_alpha2("USA"), Ok("US"));
        assert_eq!(to_alpha2("United States of America"), Ok("US"));
        assert_eq!(to_alpha2(" u.k. "), Ok("GB"));
        assert_eq!(to_alpha2("DEU"), Ok("DE"));
        assert_eq!(to_alpha2("fr"), Ok("FR"));
        assert_eq!(to_alpha2("South Korea"), Ok("KR"));
        assert!(to_alpha2("Springfield").is_err());
        assert!(to_alpha2("").is_err());
    }
}
