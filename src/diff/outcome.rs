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

/// An empty outcome for export row `row`, the same as [`blank`]: `spare` (a row the sink gave
/// back) emptied when there is one, its texts keeping their room, and the room of the texts
/// it held that are set anew for most rows (see [`Room`]).
pub(super) fn blank_from(spare: Option<RowChange>, row: usize) -> (RowChange, Room) {
    let Some(mut out) = spare else {
        return (blank(row), Room::default());
    };
    // Every field named, so that a new one cannot be left holding an earlier row's value.
    let RowChange {
        row: number,
        category,
        key,
        name,
        job_id,
        charthop_email,
        matched,
        changes,
        target,
        termination_date,
        departure,
        effective_date,
        person_id,
        conflict,
        reason,
    } = &mut out;
    let room = Room {
        key: key.take(),
        job_id: job_id.take(),
        email: charthop_email.take(),
    };
    *number = row;
    *category = Category::Unchanged;
    name.clear();
    matched.clear();
    changes.clear();
    target.clear();
    *termination_date = None;
    *departure = None;
    *effective_date = None;
    *person_id = None;
    *conflict = None;
    *reason = None;
    (out, room)
}

/// The texts a used row held for its key, job id and work email, to be filled in again
/// without allocating: each gives its text once, then a new one.
#[derive(Default)]
pub(super) struct Room {
    key: Option<String>,
    job_id: Option<String>,
    email: Option<String>,
}

impl Room {
    /// `value` in the key's room.
    pub(super) fn key(&mut self, value: &str) -> String {
        refill(&mut self.key, value)
    }

    /// `value` in the job id's room.
    pub(super) fn job_id(&mut self, value: &str) -> String {
        refill(&mut self.job_id, value)
    }

    /// `value` in the work email's room.
    pub(super) fn email(&mut self, value: &str) -> String {
        refill(&mut self.email, value)
    }
}

/// `value` in `room`'s text when there is one (taken), else in a new one.
fn refill(room: &mut Option<String>, value: &str) -> String {
    let mut text = room.take().unwrap_or_default();
    text.clear();
    text.push_str(value);
    text
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

/// A row with every field set (for tests of rows filled in anew).
#[cfg(test)]
pub(super) fn every_field_set() -> RowChange {
    use super::{DepartureDetails, FieldChange};
    RowChange {
        row: 3,
        category: Category::Conflict,
        key: Some("E1".into()),
        name: "Ada Lovelace".into(),
        job_id: Some("6a01".into()),
        charthop_email: Some("ada@x.example".into()),
        matched: "matched by contact.employee".into(),
        changes: vec![FieldChange {
            field: "title".into(),
            old: "a".into(),
            new: "b".into(),
        }],
        target: [("title".to_string(), "b".to_string())].into(),
        termination_date: Some("2025-01-31".into()),
        departure: Some(DepartureDetails::default()),
        effective_date: Some("2025-02-01".into()),
        person_id: Some("7b01".into()),
        conflict: Some(ConflictKind::NoWorkEmail),
        reason: Some("why".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::{blank, blank_from, every_field_set};

    #[test]
    fn a_spare_row_emptied_is_a_blank_row_and_its_texts_keep_their_room() {
        let used = every_field_set();
        let (out, mut room) = blank_from(Some(used), 9);
        assert_eq!(out, blank(9));
        assert!(out.name.capacity() >= "Ada Lovelace".len());
        let key = room.key("E2");
        assert_eq!(key, "E2");
        assert!(key.capacity() >= 2);
        // Each room gives its text once, then new ones.
        assert_eq!(room.key("E3"), "E3");
        assert_eq!(room.job_id("6a02"), "6a02");
        assert_eq!(room.email("b@x"), "b@x");
        let (fresh, mut none) = blank_from(None, 4);
        assert_eq!(fresh, blank(4));
        assert_eq!(none.email("c@x"), "c@x");
    }
}
