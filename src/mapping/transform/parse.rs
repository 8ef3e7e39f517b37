//! Compiling `transform` list items from the mapping's TOML, with a diagnostic for every
//! problem (unknown names, missing or bad parameters).

use std::sync::Arc;

use toml::de::DeValue;

use super::date::DateParser;
use super::{Defaults, NAMES, Transform, phone};
use crate::mapping::spec::{Item, Reader, get};

fn unknown(r: &mut Reader, name: &str, span: std::ops::Range<usize>) {
    r.diags.error_hint(
        span,
        format!("unknown transform `{name}`"),
        "unknown transform",
        crate::mapping::diag::did_you_mean(name, NAMES)
            .or_else(|| Some("the transforms are listed in mappings/README.md".into())),
    );
}

/// Compiles one `transform` list item, recording any problem.
pub(crate) fn parse(r: &mut Reader, item: &Item<'_>, d: &Defaults) -> Option<Transform> {
    match item.get_ref() {
        DeValue::String(name) => {
            let t = match name.as_ref() {
                "trim" => Transform::Trim,
                "lower" => Transform::Lower,
                "upper" => Transform::Upper,
                "title" => Transform::Title,
                "collapse_spaces" => Transform::CollapseSpaces,
                "strip_zeros" => Transform::StripZeros,
                "date" => Transform::Date(d.dates.clone()),
                "number" => Transform::Number(d.decimal),
                "money" => Transform::Money {
                    decimal: d.decimal,
                    currency: d.currency.clone(),
                },
                "phone" => Transform::Phone(d.country.clone()),
                "country" => Transform::Country,
                "email" => Transform::Email,
                n @ ("pad_zeros" | "replace" | "regex" | "split" | "prefix" | "suffix") => {
                    r.diags.error_hint(
                        item.span(),
                        format!("the transform `{n}` needs a parameter"),
                        "needs a parameter",
                        Some(format!("write it as an inline table, e.g. {}", example(n))),
                    );
                    return None;
                }
                other => {
                    unknown(r, other, item.span());
                    return None;
                }
            };
            Some(t)
        }
        DeValue::Table(t) => {
            let found = t
                .iter()
                .find(|(k, _)| NAMES.contains(&k.get_ref().as_ref()));
            let Some((name_key, value)) = found else {
                match t.iter().next() {
                    Some((k, _)) => unknown(r, k.get_ref(), k.span()),
                    None => r.diags.error(item.span(), "an empty transform", "empty"),
                }
                return None;
            };
            let name = name_key.get_ref().as_ref();
            let allowed: &[&str] = match name {
                "replace" => &["replace", "with"],
                "split" => &["split", "take"],
                "money" => &["money", "decimal"],
                "pad_zeros" | "regex" | "date" | "number" | "phone" | "prefix" | "suffix" => {
                    &[name][..]
                }
                other => {
                    r.diags.error_hint(
                        name_key.span(),
                        format!("the transform `{other}` takes no parameter"),
                        "takes no parameter",
                        Some(format!("write it as a name: `\"{other}\"`")),
                    );
                    return None;
                }
            };
            r.check_keys(t, allowed, &format!("the `{name}` transform"));
            param(r, name, value, t, d)
        }
        _ => {
            r.mismatch(
                item,
                "transform",
                "a name or an inline table",
                "transform = [\"trim\"]",
            );
            None
        }
    }
}

fn example(name: &str) -> &'static str {
    match name {
        "pad_zeros" => "`{ pad_zeros = 6 }`",
        "replace" => "`{ replace = \"-\", with = \"\" }`",
        "regex" => "`{ regex = \"^EMP-(\\\\d+)$\" }`",
        "split" => "`{ split = \",\", take = 0 }`",
        "prefix" => "`{ prefix = \"EMP-\" }`",
        _ => "`{ suffix = \"@example.com\" }`",
    }
}

fn param(
    r: &mut Reader,
    name: &str,
    value: &Item<'_>,
    t: &toml::de::DeTable<'_>,
    d: &Defaults,
) -> Option<Transform> {
    match name {
        "pad_zeros" => {
            let w = r.integer(value, name)?;
            match usize::try_from(w).ok().filter(|w| (1..=64).contains(w)) {
                Some(w) => Some(Transform::PadZeros(w)),
                None => {
                    r.diags.error(
                        value.span(),
                        "`pad_zeros` must be between 1 and 64",
                        "out of range",
                    );
                    None
                }
            }
        }
        "replace" => {
            let find = r.string(value, name)?.to_string();
            let with = match get(t, "with") {
                Some(w) => r.string(w, "with")?.to_string(),
                None => String::new(),
            };
            if find.is_empty() {
                r.diags
                    .error(value.span(), "`replace` needs text to find", "empty");
                return None;
            }
            Some(Transform::Replace { find, with })
        }
        "regex" => r.regex(value, name).map(Transform::Regex),
        "split" => {
            let sep = r.string(value, name)?.to_string();
            let take = match get(t, "take") {
                Some(i) => r.integer(i, "take")?,
                None => 0,
            };
            if sep.is_empty() {
                r.diags
                    .error(value.span(), "`split` needs a separator", "empty");
                return None;
            }
            Some(Transform::Split { sep, take })
        }
        "date" => {
            let formats: Vec<String> = r.strings(value, name).into_iter().map(|(s, _)| s).collect();
            match DateParser::new(&formats) {
                Ok(p) => Some(Transform::Date(Arc::new(p))),
                Err(m) => {
                    r.diags
                        .error_hint(value.span(), m, "bad date format", Some(DATE_HINT.into()));
                    None
                }
            }
        }
        "number" => decimal(r, value, name).map(Transform::Number),
        "money" => {
            let currency = currency(r, value, name)?;
            let dec = match get(t, "decimal") {
                Some(v) => decimal(r, v, "decimal")?,
                None => d.decimal,
            };
            Some(Transform::Money {
                decimal: dec,
                currency: Some(currency),
            })
        }
        "phone" => country(r, value, name).map(|c| Transform::Phone(Some(c))),
        "prefix" => r
            .string(value, name)
            .map(|s| Transform::Prefix(s.to_string())),
        _ => r
            .string(value, name)
            .map(|s| Transform::Suffix(s.to_string())),
    }
}

/// Hint for a date format problem.
pub(crate) const DATE_HINT: &str =
    "date formats use chrono's strftime syntax and name a year, month and day, e.g. `%m/%d/%Y`";

/// `"."` or `","`.
pub(crate) fn decimal(r: &mut Reader, item: &Item<'_>, key: &str) -> Option<char> {
    match r.string(item, key)? {
        "." => Some('.'),
        "," => Some(','),
        other => {
            r.diags.error_hint(
                item.span(),
                format!("`{key}` must be \".\" or \",\", not `{other}`"),
                "not a decimal separator",
                None,
            );
            None
        }
    }
}

/// A three-letter ISO 4217 code, upper case.
pub(crate) fn currency(r: &mut Reader, item: &Item<'_>, key: &str) -> Option<String> {
    let c = r.string(item, key)?;
    if c.len() == 3 && c.bytes().all(|b| b.is_ascii_uppercase()) {
        Some(c.to_string())
    } else {
        r.diags.error_hint(
            item.span(),
            format!("`{c}` is not an ISO 4217 currency code"),
            "not a currency code",
            Some("write three capital letters, e.g. `USD`".into()),
        );
        None
    }
}

/// A country whose phone numbers the `phone` step can complete.
pub(crate) fn country(r: &mut Reader, item: &Item<'_>, key: &str) -> Option<String> {
    let c = r.string(item, key)?;
    if phone::known(c) {
        Some(c.to_string())
    } else {
        let hint = crate::mapping::diag::did_you_mean(c, phone::countries()).or_else(|| {
            Some(format!(
                "known countries: {}",
                phone::countries().collect::<Vec<_>>().join(", ")
            ))
        });
        r.diags.error_hint(
            item.span(),
            format!("`{c}` is not a country code the phone step knows"),
            "unknown country",
            hint,
        );
        None
    }
}
