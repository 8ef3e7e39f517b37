//! How a row is found: the work email's field code, and a row's work email as matching and
//! the repeat search compare it.

use crate::mapping::{Desired, Value};

/// ChartHop's work email field.
pub(super) const WORK_EMAIL: &str = "contact.workEmail";

/// The row's work email (trimmed, lower-cased) from the mapped field, else its fallback key.
pub(super) fn desired_email(d: &Desired, email_field: Option<usize>) -> Option<String> {
    let lower = |t: &str| {
        let t = t.trim();
        if t.bytes().any(|b| b.is_ascii_uppercase() || !b.is_ascii()) {
            t.to_lowercase()
        } else {
            t.to_string()
        }
    };
    email_field
        .and_then(|i| d.values.get(i).and_then(Option::as_ref))
        .map(|v| match v {
            Value::Text(t) => lower(t),
            other => lower(&other.render()),
        })
        .filter(|e| !e.is_empty())
        .or_else(|| d.fallback.clone())
}
