//! Transforms: steps applied to a cell's text, in the order the mapping lists them, before the
//! value is typed. A simple step is a name (`"trim"`); a step with a parameter is an inline
//! table whose first key is the name (`{ pad_zeros = 6 }`). Steps never run on a blank value.
//!
//! Every step is compiled once when the mapping is loaded (regexes, date formats), so the
//! per-row work is the step itself. A step that fails rejects the row with its reason.

mod countries;
pub mod country;
pub mod date;
pub mod number;
mod parse;
pub mod phone;
pub mod text;

use std::sync::Arc;

use regex::Regex;

use date::DateParser;
pub(crate) use parse::{DATE_HINT, country, currency, decimal, parse};

/// Every transform name, for parsing and for "did you mean" hints.
pub const NAMES: [&str; 18] = [
    "trim",
    "lower",
    "upper",
    "title",
    "collapse_spaces",
    "strip_zeros",
    "pad_zeros",
    "replace",
    "regex",
    "split",
    "date",
    "number",
    "money",
    "phone",
    "country",
    "email",
    "prefix",
    "suffix",
];

/// What a mapping's `[source]` sets for every field: the defaults some steps use.
#[derive(Debug, Clone)]
pub(crate) struct Defaults {
    pub(crate) dates: Arc<DateParser>,
    pub(crate) decimal: char,
    pub(crate) currency: Option<String>,
    pub(crate) country: Option<String>,
}

/// One compiled step.
#[derive(Debug, Clone)]
pub enum Transform {
    /// `"trim"`: removes surrounding whitespace. `"  Ada "` -> `"Ada"`. Never fails.
    Trim,
    /// `"lower"`: lower-cases (Unicode). `"Ada@Example.COM"` -> `"ada@example.com"`. Never fails.
    Lower,
    /// `"upper"`: upper-cases (Unicode). `"ft"` -> `"FT"`. Never fails.
    Upper,
    /// `"title"`: see [`text::title`]. `"ADA LOVELACE"` -> `"Ada Lovelace"`. Never fails.
    Title,
    /// `"collapse_spaces"`: see [`text::collapse_spaces`]. `"Ada   Lovelace"` -> `"Ada Lovelace"`.
    CollapseSpaces,
    /// `"strip_zeros"`: see [`text::strip_zeros`]. `"000123"` -> `"123"`. Never fails.
    StripZeros,
    /// `{ pad_zeros = 6 }`: see [`text::pad_zeros`]. `"123"` -> `"000123"`. Never fails.
    PadZeros(usize),
    /// `{ replace = "-", with = "" }`: every occurrence, literally. `"555-01"` -> `"55501"`.
    /// Never fails.
    Replace { find: String, with: String },
    /// `{ regex = "^EMP-(\\d+)$" }`: keeps the group named `value`, else group 1, else the whole
    /// match. `"EMP-0042"` -> `"0042"`. Fails when the pattern does not match.
    Regex(Regex),
    /// `{ split = ",", take = 0 }`: splits on the separator and keeps one part (trimmed);
    /// `take = -1` is the last. `"Smith, Ada"` with take 1 -> `"Ada"`. Fails when the part
    /// does not exist.
    Split { sep: String, take: i64 },
    /// `"date"` or `{ date = ["%d.%m.%Y"] }`: a date in ISO 8601, from ISO or one of the
    /// formats (default: `[source] date_formats`). `"03/01/2021"` -> `"2021-03-01"`. Fails
    /// when no format reads the text (`"31/02/2021"`, `"next Monday"`).
    Date(Arc<DateParser>),
    /// `"number"` or `{ number = "," }`: see [`number::parse_number`]; plain text with a point
    /// out. `"1.234,50"` (decimal `,`) -> `"1234.5"`. Fails on anything that is not a number.
    Number(char),
    /// `"money"` or `{ money = "EUR" }`: see [`number::parse_money`]; `amount CODE` out.
    /// `"$85,000.00"` -> `"85000 USD"`. Fails without a number, or without a currency in the
    /// cell and no default.
    Money {
        decimal: char,
        currency: Option<String>,
    },
    /// `"phone"` or `{ phone = "GB" }`: see [`phone::to_e164`]. `"(415) 555-0123"` ->
    /// `"+14155550123"`. Fails on text that cannot be a phone number.
    Phone(Option<String>),
    /// `"country"`: see [`country::to_alpha2`]. `"United States"` -> `"US"`. Fails on an
    /// unknown country.
    Country,
    /// `"email"`: see [`text::email`]. `" <Ada@Example.COM>"` -> `"ada@example.com"`. Fails on
    /// text that is not an address.
    Email,
    /// `{ prefix = "EMP-" }`: prepends text. `"42"` -> `"EMP-42"`. Never fails.
    Prefix(String),
    /// `{ suffix = "@acme.example" }`: appends text. `"ada"` -> `"ada@acme.example"`. Never fails.
    Suffix(String),
}

impl Transform {
    /// Applies the step in place; `Err` carries the reason the row is rejected.
    pub fn apply(&self, value: &mut String) -> Result<(), String> {
        let replace = |value: &mut String, new: String| *value = new;
        match self {
            Transform::Trim => text::trim_in_place(value),
            // ASCII text (the usual case) changes case in place; for it, the check and the
            // Unicode mapping below come to the same.
            Transform::Lower if value.is_ascii() => value.make_ascii_lowercase(),
            Transform::Lower => {
                if value.chars().any(char::is_uppercase) {
                    replace(value, value.to_lowercase());
                }
            }
            Transform::Upper if value.is_ascii() => value.make_ascii_uppercase(),
            Transform::Upper => {
                if value.chars().any(char::is_lowercase) {
                    replace(value, value.to_uppercase());
                }
            }
            Transform::Title => replace(value, text::title(value)),
            Transform::CollapseSpaces => replace(value, text::collapse_spaces(value)),
            Transform::StripZeros => replace(value, text::strip_zeros(value).to_string()),
            Transform::PadZeros(w) => replace(value, text::pad_zeros(value, *w)),
            Transform::Replace { find, with } => {
                if value.contains(find.as_str()) {
                    replace(value, value.replace(find.as_str(), with));
                }
            }
            Transform::Regex(re) => {
                let caps = re
                    .captures(value)
                    .ok_or_else(|| format!("`{value}` does not match the pattern `{re}`"))?;
                let m = caps
                    .name("value")
                    .or_else(|| caps.get(1))
                    .or_else(|| caps.get(0))
                    .map_or("", |m| m.as_str());
                replace(value, m.to_string());
            }
            Transform::Split { sep, take } => {
                let parts: Vec<&str> = value.split(sep.as_str()).collect();
                let index = if *take < 0 {
                    usize::try_from(take.unsigned_abs())
                        .ok()
                        .and_then(|t| parts.len().checked_sub(t))
                } else {
                    usize::try_from(*take).ok()
                };
                let part = index
                    .and_then(|i| parts.get(i))
                    .ok_or_else(|| format!("`{value}` has no part {take} when split on `{sep}`"))?;
                replace(value, part.trim().to_string());
            }
            Transform::Date(p) => {
                let d = p.parse(value).ok_or_else(|| {
                    format!(
                        "`{}` is not a date in ISO or any of {:?}",
                        value.trim(),
                        p.formats()
                    )
                })?;
                value.clear();
                crate::mapping::value::push_iso_date(d, value);
            }
            Transform::Number(sep) => replace(value, number::parse_number(value, *sep)?.render()),
            Transform::Money { decimal, currency } => {
                let (a, c) = number::parse_money(value, *decimal, currency.as_deref())?;
                replace(value, format!("{} {c}", a.render()));
            }
            Transform::Phone(c) => replace(value, phone::to_e164(value, c.as_deref())?),
            Transform::Country => replace(value, country::to_alpha2(value)?.to_string()),
            Transform::Email => replace(value, text::email(value)?),
            Transform::Prefix(p) => value.insert_str(0, p),
            Transform::Suffix(s) => value.push_str(s),
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::Transform;

    #[test]
    fn case_steps_give_what_unicode_case_mapping_gives() {
        let words = [
            "",
            "ada",
            "ADA",
            "Ada@Example.COM",
            "ﬁ Straße",
            "ǅemal",
            "ÉLODIE",
            "x9-Y",
        ];
        for w in words {
            let (mut lower, mut upper) = (w.to_string(), w.to_string());
            assert_eq!(Transform::Lower.apply(&mut lower), Ok(()));
            assert_eq!(Transform::Upper.apply(&mut upper), Ok(()));
            let want_lower = if w.chars().any(char::is_uppercase) {
                w.to_lowercase()
            } else {
                w.to_string()
            };
            let want_upper = if w.chars().any(char::is_lowercase) {
                w.to_uppercase()
            } else {
                w.to_string()
            };
            assert_eq!((lower, upper), (want_lower, want_upper), "{w}");
        }
    }
}
