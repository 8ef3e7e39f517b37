//! Making values safe for people: formula neutralization, escaping helpers, and masking of
//! sensitive fields.
//!
//! Files for people (reports) neutralize cells that a spreadsheet would run as a formula; the
//! change files for ChartHop's import carry values unchanged, and `plan.json` flags them as
//! warnings. Sensitive fields (compensation, birth date, anything the mapping marks
//! `sensitive = true`) are masked in reports unless `--show-sensitive`; national ids are
//! never shown.

use std::borrow::Cow;

pub use crate::mapping::sensitivity::{SensitiveField, Sensitivity, builtin, sensitive_fields};

pub use crate::mapping::formula::FORMULA_STARTS;

/// True when a spreadsheet would run `value` as a formula (see [`crate::mapping::formula`]).
pub fn looks_like_formula(value: &str) -> bool {
    crate::mapping::formula::is_formula(value)
}

/// `value` with a leading `'` when it looks like a formula, so a spreadsheet shows it as text.
pub fn neutralize(value: &str) -> Cow<'_, str> {
    if looks_like_formula(value) {
        Cow::Owned(format!("'{value}"))
    } else {
        Cow::Borrowed(value)
    }
}

/// What the report shows in place of a masked value.
pub const MASK: &str = "(hidden)";
/// What the report shows in place of a national id.
pub const NEVER_SHOWN: &str = "(national id: never shown)";

/// Decides how each field's values are shown in a report.
pub struct Masker<'a> {
    fields: &'a [SensitiveField],
    show_sensitive: bool,
}

impl<'a> Masker<'a> {
    pub fn new(fields: &'a [SensitiveField], show_sensitive: bool) -> Self {
        Masker {
            fields,
            show_sensitive,
        }
    }

    /// The text a report shows for `field`'s `value`: the value itself (neutralized), or a
    /// mask. A blank value shows as `(blank)` unless masked.
    pub fn show(&self, field: &str, value: &str) -> String {
        let sensitivity = self
            .fields
            .iter()
            .find(|f| f.field.eq_ignore_ascii_case(field))
            .map(|f| f.sensitivity)
            .or_else(|| builtin(field));
        match sensitivity {
            Some(Sensitivity::NationalId) => NEVER_SHOWN.into(),
            Some(Sensitivity::Sensitive) if !self.show_sensitive => MASK.into(),
            _ if value.trim().is_empty() => "(blank)".into(),
            _ => neutralize(value).into_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralized() {
        assert_eq!(neutralize("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(neutralize("-A1+1"), "'-A1+1");
        assert_eq!(neutralize("-1"), "-1", "a number is no formula");
        assert_eq!(neutralize("Ada"), "Ada");
        assert!(looks_like_formula("\tx") && looks_like_formula("@SUM(A1)"));
    }

    #[test]
    fn sensitive_fields_are_masked_and_national_ids_never_shown() {
        assert_eq!(builtin("comp.base"), Some(Sensitivity::Sensitive));
        assert_eq!(builtin("baseCompAmount"), Some(Sensitivity::Sensitive));
        assert_eq!(builtin("birthDate"), Some(Sensitivity::Sensitive));
        assert_eq!(builtin("person.ssn"), Some(Sensitivity::NationalId));
        assert_eq!(builtin("title"), None);
        assert_eq!(builtin("company"), Some(Sensitivity::Sensitive), "comp*");
        let fields = vec![SensitiveField {
            field: "location".into(),
            sensitivity: Sensitivity::Sensitive,
        }];
        let masked = Masker::new(&fields, false);
        assert_eq!(masked.show("location", "London"), MASK);
        assert_eq!(masked.show("base", "100000"), MASK);
        assert_eq!(masked.show("title", "=1+1"), "'=1+1");
        let shown = Masker::new(&fields, true);
        assert_eq!(shown.show("location", "London"), "London");
        assert_eq!(shown.show("ssn", "123-45-6789"), NEVER_SHOWN);
    }
}
