//! The shapes of a row's outcome the other files build on: an empty outcome, a conflict, a
//! rejection (by the mapping or by a detail the diff reads), and ISO days. A leaf of the diff:
//! `categories`, `departure` and `update` use it, it uses none of them.

use std::collections::BTreeMap;

use super::{Category, ConflictKind, RowChange};
use crate::mapping::Rejection;

/// A row the mapping rejected.
pub(super) fn rejected(r: &Rejection) -> RowChange {
    let mut out = blank(r.row);
    out.category = Category::Rejected;
    out.name = r.name.as_deref().unwrap_or_default().to_string();
    out.matched = "not mapped".into();
    out.reason = Some(rejection_reason(r));
    out
}

/// A rejection as a plan's reason: the column (or field) and why.
fn rejection_reason(r: &Rejection) -> String {
    match &r.column {
        Some(c) => format!("column `{c}` (field `{}`): {}", r.field, r.reason),
        None => format!("field `{}`: {}", r.field, r.reason),
    }
}

/// An empty outcome for export row `row`.
pub(super) fn blank(row: usize) -> RowChange {
    RowChange {
        row,
        category: Category::Unchanged,
        key: None,
        name: String::new(),
        job_id: None,
        charthop_email: None,
        matched: String::new(),
        changes: vec![],
        target: BTreeMap::new(),
        termination_date: None,
        departure: None,
        effective_date: None,
        person_id: None,
        conflict: None,
        reason: None,
    }
}

/// An ISO 8601 day.
pub(super) fn iso(day: chrono::NaiveDate) -> String {
    day.format("%Y-%m-%d").to_string()
}

pub(super) fn conflict(mut out: RowChange, kind: ConflictKind, reason: String) -> RowChange {
    out.category = Category::Conflict;
    out.conflict = Some(kind);
    out.reason = Some(reason);
    out.changes.clear();
    out.target.clear();
    out.termination_date = None;
    out.departure = None;
    out
}

pub(super) fn reject(mut out: RowChange, reason: String) -> RowChange {
    out.category = Category::Rejected;
    out.reason = Some(reason);
    out.changes.clear();
    out.target.clear();
    out.termination_date = None;
    out.departure = None;
    out
}

/// A row rejected for a problem the mapping found in a detail (a departure's reason code).
pub(super) fn reject_with(out: RowChange, r: &Rejection) -> RowChange {
    reject(out, rejection_reason(r))
}
