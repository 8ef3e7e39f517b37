//! Reading the TOML document with spans: typed getters that record a diagnostic (with the
//! place and a hint) instead of stopping, so one pass reports every problem.
//!
//! This module knows TOML shapes, not what a mapping means.

use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::diag::{Diagnostics, did_you_mean};

pub(crate) type Item<'i> = Spanned<DeValue<'i>>;

/// The diagnostics sink plus helpers to read values of the expected TOML type.
pub(crate) struct Reader {
    pub(crate) diags: Diagnostics,
}

/// "a string", "an integer", ...: how TOML types are named in messages.
fn type_name(v: &DeValue<'_>) -> &'static str {
    match v {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a date-time",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

impl Reader {
    pub(crate) fn new() -> Reader {
        Reader {
            diags: Diagnostics::default(),
        }
    }

    /// Reports every key of `table` not in `allowed`, with the closest allowed key as a hint.
    pub(crate) fn check_keys(&mut self, table: &DeTable<'_>, allowed: &[&str], context: &str) {
        for (key, _) in table.iter() {
            if !allowed.contains(&key.get_ref().as_ref()) {
                let hint = did_you_mean(key.get_ref(), allowed.iter().copied())
                    .or_else(|| Some(format!("the keys of {context} are: {}", allowed.join(", "))));
                self.diags.error_hint(
                    key.span(),
                    format!("unknown key `{}` in {context}", key.get_ref()),
                    "unknown key",
                    hint,
                );
            }
        }
    }

    /// A type mismatch at `item`.
    pub(crate) fn mismatch(&mut self, item: &Item<'_>, key: &str, expected: &str, example: &str) {
        self.diags.error_hint(
            item.span(),
            format!(
                "`{key}` must be {expected}, found {}",
                type_name(item.get_ref())
            ),
            &format!("expected {expected}"),
            Some(format!("write it like `{example}`")),
        );
    }

    pub(crate) fn string<'t>(&mut self, item: &'t Item<'_>, key: &str) -> Option<&'t str> {
        match item.get_ref() {
            DeValue::String(s) => Some(s.as_ref()),
            _ => {
                self.mismatch(item, key, "a string", &format!("{key} = \"...\""));
                None
            }
        }
    }

    /// A string that must be a regular expression; a pattern that does not compile is an error
    /// at the string, with the regex engine's reason.
    pub(crate) fn regex(&mut self, item: &Item<'_>, key: &str) -> Option<regex::Regex> {
        let pattern = self.string(item, key)?;
        match regex::Regex::new(pattern) {
            Ok(re) => Some(re),
            Err(e) => {
                let why = e.to_string();
                let why = why.lines().last().unwrap_or("").trim();
                self.diags.error(
                    item.span(),
                    format!("`{pattern}` is not a valid regex: {why}"),
                    "invalid regex",
                );
                None
            }
        }
    }

    pub(crate) fn boolean(&mut self, item: &Item<'_>, key: &str) -> Option<bool> {
        match item.get_ref() {
            DeValue::Boolean(b) => Some(*b),
            _ => {
                self.mismatch(item, key, "a boolean", &format!("{key} = true"));
                None
            }
        }
    }

    pub(crate) fn integer(&mut self, item: &Item<'_>, key: &str) -> Option<i64> {
        let parsed = match item.get_ref() {
            DeValue::Integer(i) => {
                i64::from_str_radix(&i.as_str().replace('_', ""), i.radix()).ok()
            }
            _ => None,
        };
        if parsed.is_none() {
            self.mismatch(item, key, "an integer", &format!("{key} = 1"));
        }
        parsed
    }

    pub(crate) fn table<'t, 'i>(
        &mut self,
        item: &'t Item<'i>,
        key: &str,
    ) -> Option<&'t DeTable<'i>> {
        match item.get_ref() {
            DeValue::Table(t) => Some(t),
            _ => {
                self.mismatch(item, key, "a table", &format!("{key} = {{ ... }}"));
                None
            }
        }
    }

    pub(crate) fn array<'t, 'i>(
        &mut self,
        item: &'t Item<'i>,
        key: &str,
    ) -> Option<&'t [Item<'i>]> {
        match item.get_ref() {
            DeValue::Array(a) => Some(a),
            _ => {
                self.mismatch(item, key, "an array", &format!("{key} = [...]"));
                None
            }
        }
    }

    /// A string or an array of strings, each with its span.
    pub(crate) fn strings(&mut self, item: &Item<'_>, key: &str) -> Vec<(String, Range<usize>)> {
        match item.get_ref() {
            DeValue::String(s) => vec![(s.to_string(), item.span())],
            DeValue::Array(a) => a
                .iter()
                .filter_map(|v| self.string(v, key).map(|s| (s.to_string(), v.span())))
                .collect(),
            _ => {
                self.mismatch(
                    item,
                    key,
                    "a string or an array of strings",
                    &format!("{key} = [\"...\"]"),
                );
                Vec::new()
            }
        }
    }

    /// A table of string values (`map`, `entries`, test rows), each value with its span.
    pub(crate) fn string_table(
        &mut self,
        item: &Item<'_>,
        key: &str,
    ) -> Vec<(String, Range<usize>, String, Range<usize>)> {
        let Some(t) = self.table(item, key) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (k, v) in t.iter() {
            let text = match v.get_ref() {
                DeValue::String(s) => s.to_string(),
                // Numbers and booleans in a row are written back as the text a cell would hold.
                DeValue::Integer(i) => i.as_str().to_string(),
                DeValue::Float(f) => f.as_str().to_string(),
                DeValue::Boolean(b) => b.to_string(),
                _ => {
                    self.mismatch(
                        v,
                        k.get_ref(),
                        "a string",
                        &format!("\"{}\" = \"...\"", k.get_ref()),
                    );
                    continue;
                }
            };
            out.push((k.get_ref().to_string(), k.span(), text, v.span()));
        }
        out
    }
}

/// The value of `key` in `table`, with its key's span.
pub(crate) fn get<'t, 'i>(table: &'t DeTable<'i>, key: &str) -> Option<&'t Item<'i>> {
    table.get(key)
}

/// The span of `key` itself in `table` (for "here is the thing that is wrong").
pub(crate) fn key_span(table: &DeTable<'_>, key: &str) -> Option<Range<usize>> {
    table
        .iter()
        .find(|(k, _)| k.get_ref().as_ref() == key)
        .map(|(k, _)| k.span())
}
