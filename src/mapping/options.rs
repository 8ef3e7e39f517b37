//! An enum field's options as the org's catalogue lists them: a value from the export (or the
//! mapping's `map`/lookup) is matched to an option by name or label, ignoring case and spacing,
//! and written in the option's own spelling (its `name`); a value that is no option rejects
//! the row, naming the allowed ones, unless ChartHop adds unknown values itself
//! (`shouldAutoAddValue`). A multi-enum's values are separated by `;`.

use std::collections::HashMap;

use crate::charthop::EnumValue;

/// An enum field's options.
#[derive(Debug, Clone)]
pub struct EnumOptions {
    field: String,
    /// Squashed name or label -> the option's name.
    by_key: HashMap<String, String>,
    /// The options' names, in the catalogue's order (for messages).
    names: Vec<String>,
    multi: bool,
    auto_add: bool,
}

/// Lower case, surrounding space off, inner runs of whitespace as one space.
fn squash(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

impl EnumOptions {
    /// The options of the field `field`.
    pub fn new(field: &str, values: &[EnumValue], multi: bool, auto_add: bool) -> EnumOptions {
        let mut by_key = HashMap::new();
        for v in values {
            by_key
                .entry(squash(&v.name))
                .or_insert_with(|| v.name.clone());
            if let Some(l) = v.label.as_deref().filter(|l| !l.trim().is_empty()) {
                by_key.entry(squash(l)).or_insert_with(|| v.name.clone());
            }
        }
        EnumOptions {
            field: field.to_string(),
            by_key,
            names: values.iter().map(|v| v.name.clone()).collect(),
            multi,
            auto_add,
        }
    }

    /// The option `value` names (by name or label, any case and spacing), or `None`. An exact
    /// name (the common case, row after row) is found without building a key.
    pub fn option(&self, value: &str) -> Option<&str> {
        if let Some(name) = self.names.iter().find(|n| n.as_str() == value) {
            return Some(name);
        }
        self.by_key.get(&squash(value)).map(String::as_str)
    }

    /// The allowed options, for messages: the first 20 names, then how many more.
    pub fn allowed(&self) -> String {
        let shown: Vec<String> = self
            .names
            .iter()
            .take(20)
            .map(|n| format!("`{n}`"))
            .collect();
        let more = self.names.len().saturating_sub(20);
        if more > 0 {
            format!("{} and {more} more", shown.join(", "))
        } else {
            shown.join(", ")
        }
    }

    /// Brings `buf` (one value, or `;`-separated values for a multi-enum) to the options'
    /// spelling in place; a blank value stays blank.
    ///
    /// Fails with the reason when a value is no option and ChartHop would not add it.
    pub fn normalize(&self, buf: &mut String) -> Result<(), String> {
        if buf.trim().is_empty() {
            return Ok(());
        }
        // Already an option's own spelling: nothing to rebuild.
        if !self.multi && self.names.iter().any(|n| n.as_str() == buf.as_str()) {
            return Ok(());
        }
        let parts: Vec<&str> = if self.multi {
            buf.split(';')
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .collect()
        } else {
            vec![buf.trim()]
        };
        let mut out = String::with_capacity(buf.len());
        for (i, part) in parts.iter().enumerate() {
            if i > 0 {
                out.push(';');
            }
            match self.option(part) {
                Some(name) => out.push_str(name),
                None if self.auto_add => out.push_str(part),
                None => {
                    return Err(format!(
                        "`{part}` is not an option of `{}` in ChartHop (allowed: {}); map it with `map =` or a lookup, or add the option in ChartHop",
                        self.field,
                        self.allowed()
                    ));
                }
            }
        }
        *buf = out;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(multi: bool, auto_add: bool) -> EnumOptions {
        let v = |n: &str, l: &str| EnumValue {
            name: n.into(),
            label: Some(l.into()),
        };
        EnumOptions::new(
            "workerCategory",
            &[v("FULL_TIME", "Full Time"), v("PART_TIME", "Part Time")],
            multi,
            auto_add,
        )
    }

    #[test]
    fn values_take_the_options_spelling_or_are_refused_with_the_allowed_ones() {
        let o = options(false, false);
        let mut b = String::from("  full   time ");
        assert_eq!(o.normalize(&mut b), Ok(()));
        assert_eq!(b, "FULL_TIME");
        let mut b = String::from("part_time");
        assert_eq!(o.normalize(&mut b), Ok(()));
        assert_eq!(b, "PART_TIME");
        let mut b = String::from("Seasonal");
        let e = o.normalize(&mut b).err().unwrap_or_default();
        assert!(
            e.contains("`Seasonal`") && e.contains("`FULL_TIME`, `PART_TIME`"),
            "{e}"
        );
        let mut b = String::from("Seasonal");
        assert_eq!(options(false, true).normalize(&mut b), Ok(()));
        assert_eq!(b, "Seasonal");
        let mut b = String::from("Full Time; part time");
        assert_eq!(options(true, false).normalize(&mut b), Ok(()));
        assert_eq!(b, "FULL_TIME;PART_TIME");
    }
}
