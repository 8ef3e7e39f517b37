//! How a row is found: the work email's field code, and a row's work email as matching and
//! the repeat search compare it.

use std::borrow::Cow;

use crate::mapping::{Desired, Value};

/// ChartHop's work email field.
pub(super) const WORK_EMAIL: &str = "contact.workEmail";

/// The row's work email (trimmed, lower-cased) from the mapped field, else its fallback key;
/// borrowed from the row when it is already so (most emails), so most rows copy nothing.
pub(super) fn desired_email(d: &Desired, email_field: Option<usize>) -> Option<Cow<'_, str>> {
    email_field
        .and_then(|i| d.values.get(i).and_then(Option::as_ref))
        .map(|v| match v {
            Value::Text(t) => lowered(t),
            other => Cow::Owned(lowered(&other.render()).into_owned()),
        })
        .filter(|e| !e.is_empty())
        .or_else(|| d.fallback.as_deref().map(Cow::Borrowed))
}

/// `text` trimmed and lower-cased, borrowed when it already is.
fn lowered(text: &str) -> Cow<'_, str> {
    let t = text.trim();
    if t.bytes().any(|b| b.is_ascii_uppercase() || !b.is_ascii()) {
        Cow::Owned(t.to_lowercase())
    } else {
        Cow::Borrowed(t)
    }
}
