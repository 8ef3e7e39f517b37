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

    fn sensitivity(&self, field: &str) -> Option<Sensitivity> {
        self.fields
            .iter()
            .find(|f| f.field.eq_ignore_ascii_case(field))
            .map(|f| f.sensitivity)
            .or_else(|| builtin(field))
    }

    /// The old and new texts a report shows for a change of `field`: each as [`Masker::show`]
    /// gives it, except that a masked new value still shows the change's shape without the
    /// amounts: `(new)` (was blank), `(cleared)` (now blank), `+4.0%` / `-40%` (numbers and
    /// money in one currency), `(changed)` otherwise; a masked old value shows as `(hidden)`,
    /// or `(blank)` when there was none.
    pub fn show_change(&self, field: &str, old: &str, new: &str) -> (String, String) {
        let masked =
            self.sensitivity(field) == Some(Sensitivity::Sensitive) && !self.show_sensitive;
        if !masked {
            return (self.show(field, old), self.show(field, new));
        }
        let before = if old.trim().is_empty() {
            "(blank)".into()
        } else {
            MASK.into()
        };
        (before, change_shape(old, new))
    }

    /// True when `field` is sensitive (masked unless `--show-sensitive`); national ids are
    /// not: they are never shown at all.
    pub fn is_sensitive(&self, field: &str) -> bool {
        self.sensitivity(field) == Some(Sensitivity::Sensitive)
    }

    /// The text a report shows for `field`'s `value`: the value itself (neutralized), or a
    /// mask. A blank value shows as `(blank)` unless masked.
    pub fn show(&self, field: &str, value: &str) -> String {
        match self.sensitivity(field) {
            Some(Sensitivity::NationalId) => NEVER_SHOWN.into(),
            Some(Sensitivity::Sensitive) if !self.show_sensitive => MASK.into(),
            _ if value.trim().is_empty() => "(blank)".into(),
            _ => neutralize(value).into_owned(),
        }
    }
}

/// How a hidden value changed, without its amounts (see [`Masker::show_change`]).
fn change_shape(old: &str, new: &str) -> String {
    let (old, new) = (old.trim(), new.trim());
    match (old.is_empty(), new.is_empty()) {
        (true, false) => return "(new)".into(),
        (false, true) => return "(cleared)".into(),
        (true, true) => return "(blank)".into(),
        (false, false) => {}
    }
    match percent_change(old, new) {
        Some(pct) => format_percent(pct),
        None => "(changed)".into(),
    }
}

/// How much an amount changes, in percent of the old one: both values numbers (or money in
/// the same currency, `85000 USD`), the old one not zero; `None` otherwise.
pub fn percent_change(old: &str, new: &str) -> Option<f64> {
    match (amount(old.trim()), amount(new.trim())) {
        (Some((a, ca)), Some((b, cb))) if ca == cb && a != 0.0 => Some((b - a) / a.abs() * 100.0),
        _ => None,
    }
}

/// A percentage as the reports show one: `+4.0%` under ten, `-40%` from ten.
pub fn format_percent(pct: f64) -> String {
    if pct.abs() < 10.0 {
        format!("{pct:+.1}%")
    } else {
        format!("{pct:+.0}%")
    }
}

/// A number, and the currency (or other word) beside it: `85000 USD`, `USD 85,000.50`, `12`.
fn amount(text: &str) -> Option<(f64, String)> {
    let mut number = None;
    let mut unit = String::new();
    for part in text.split_whitespace() {
        let digits: String = part.chars().filter(|c| *c != ',').collect();
        match digits.parse::<f64>() {
            Ok(n) if number.is_none() && n.is_finite() => number = Some(n),
            _ => unit.push_str(&part.to_uppercase()),
        }
    }
    number.map(|n| (n, unit))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hidden_change_shows_its_shape_not_its_amounts() {
        assert_eq!(change_shape("", "85000 USD"), "(new)");
        assert_eq!(change_shape("85000 USD", " "), "(cleared)");
        assert_eq!(change_shape("100000 USD", "104000 USD"), "+4.0%");
        assert_eq!(change_shape("100000", "60000"), "-40%");
        assert_eq!(change_shape("100,000.00 USD", "100,000.00 USD"), "+0.0%");
        assert_eq!(change_shape("100000 USD", "90000 EUR"), "(changed)");
        assert_eq!(change_shape("1990-01-02", "1990-02-01"), "(changed)");
        let fields = vec![SensitiveField {
            field: "base".into(),
            sensitivity: Sensitivity::Sensitive,
        }];
        let masked = Masker::new(&fields, false);
        assert_eq!(
            masked.show_change("base", "100000 USD", "104000 USD"),
            (MASK.to_string(), "+4.0%".to_string())
        );
        assert_eq!(
            masked.show_change("base", "", "104000 USD"),
            ("(blank)".to_string(), "(new)".to_string())
        );
        let shown = Masker::new(&fields, true);
        assert_eq!(
            shown.show_change("base", "100000 USD", "104000 USD"),
            ("100000 USD".to_string(), "104000 USD".to_string())
        );
        assert_eq!(
            masked.show_change("title", "A", "B"),
            ("A".to_string(), "B".to_string())
        );
    }

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
