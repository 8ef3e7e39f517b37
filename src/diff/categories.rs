//! What a row becomes once matched: `new_hire`, `update`, `departure`, `unchanged`,
//! `conflict` or `rejected`, with the field-level changes and every owned field's target value.

use std::collections::BTreeMap;

use super::compare::same;
use super::matching::{Index, Outcome, WORK_EMAIL};
use super::{Category, ConflictKind, FieldChange, RowChange};
use crate::fetch::PersonRef;
use crate::mapping::{Desired, Rejection, Value};

/// A row the mapping rejected.
pub(super) fn rejected(r: &Rejection) -> RowChange {
    RowChange {
        row: r.row,
        category: Category::Rejected,
        key: None,
        name: String::new(),
        job_id: None,
        charthop_email: None,
        matched: "not mapped".into(),
        changes: vec![],
        target: BTreeMap::new(),
        termination_date: None,
        conflict: None,
        reason: Some(match &r.column {
            Some(c) => format!("column `{c}` (field `{}`): {}", r.field, r.reason),
            None => format!("field `{}`: {}", r.field, r.reason),
        }),
    }
}

/// The row for a mapped export row and its match outcome.
pub(super) fn row(index: &Index<'_>, d: &Desired, outcome: Outcome) -> RowChange {
    let mut out = RowChange {
        row: d.row,
        category: Category::Unchanged,
        key: d.key.clone(),
        name: export_name(index, d),
        job_id: None,
        charthop_email: None,
        matched: String::new(),
        changes: vec![],
        target: BTreeMap::new(),
        termination_date: d.termination_date.map(|t| t.format("%Y-%m-%d").to_string()),
        conflict: None,
        reason: None,
    };
    match outcome {
        Outcome::Conflict { kind, reason, .. } => {
            out.matched = "not matched".into();
            conflict(out, kind, reason)
        }
        Outcome::NoMatch if d.departing => {
            out.matched = "no match: left, and not in ChartHop".into();
            out
        }
        Outcome::NoMatch => new_hire(index, d, out),
        Outcome::Matched { person, how } => {
            matched(index, d, index.roster.person(person), how, out)
        }
    }
}

fn conflict(mut out: RowChange, kind: ConflictKind, reason: String) -> RowChange {
    out.category = Category::Conflict;
    out.conflict = Some(kind);
    out.reason = Some(reason);
    out.changes.clear();
    out.target.clear();
    out
}

fn reject(mut out: RowChange, reason: String) -> RowChange {
    out.category = Category::Rejected;
    out.reason = Some(reason);
    out.changes.clear();
    out.target.clear();
    out
}

fn matched(
    index: &Index<'_>,
    d: &Desired,
    person: PersonRef<'_>,
    how: String,
    mut out: RowChange,
) -> RowChange {
    out.job_id = Some(person.job_id().to_string());
    out.charthop_email = Some(person.get(WORK_EMAIL).to_string()).filter(|e| !e.is_empty());
    if !person.name().is_empty() {
        out.name = person.name().to_string();
    }
    out.matched = how;
    let Some(current) = out.charthop_email.clone() else {
        return conflict(
            out,
            ConflictKind::NoWorkEmail,
            "the ChartHop person has no work email, which the import needs to find them; add it in ChartHop".into(),
        );
    };
    if let Some(e) = index.email(d)
        && !e.eq_ignore_ascii_case(current.trim())
    {
        return conflict(
            out,
            ConflictKind::EmailChange,
            format!(
                "the work email differs (payroll `{e}`, ChartHop `{current}`); ChartHop matches imports by work email, so change it in ChartHop first"
            ),
        );
    }
    if d.departing {
        // ChartHop's roster holds filled jobs only: a matched person is active there.
        out.category = Category::Departure;
        if let Some(k) = &d.key {
            out.target.insert(index.key_code.to_string(), k.clone());
        }
        out.target.insert(WORK_EMAIL.to_string(), current);
        return out;
    }
    update(index, d, person, out)
}

fn new_hire(index: &Index<'_>, d: &Desired, mut out: RowChange) -> RowChange {
    out.category = Category::NewHire;
    out.matched = "no match: new hire".into();
    for (field, value) in index.mapping.fields.iter().zip(&d.values) {
        if let Some(v) = value {
            out.target.insert(field.code.clone(), v.render());
        }
    }
    if let Some(m) = manager_field(index) {
        match resolve_manager(index, d) {
            Ok(Some((email, _))) => {
                out.target
                    .insert(index.mapping.fields[m].code.clone(), email);
            }
            Ok(None) => {}
            Err(reason) => return reject(out, reason),
        }
    }
    out
}

fn update(index: &Index<'_>, d: &Desired, person: PersonRef<'_>, mut out: RowChange) -> RowChange {
    // First the changes alone: most rows have none, and an unchanged row carries no targets.
    for (field, value) in index.mapping.fields.iter().zip(&d.values) {
        if field.resolve_manager {
            continue;
        }
        if let Some(v) = value {
            let current = person.get(&field.code);
            if !same(field.kind, &field.code, current, v) {
                out.changes.push(FieldChange {
                    field: field.code.clone(),
                    old: current.to_string(),
                    new: v.render(),
                });
            }
        }
    }
    let manager = match manager_field(index) {
        None => None,
        Some(m) => {
            let code = &index.mapping.fields[m].code;
            let current_job = person.get(code);
            let current_email = index
                .roster
                .find_job(current_job)
                .map(|i| index.roster.person(i).get(WORK_EMAIL).to_string())
                .unwrap_or_default();
            match resolve_manager(index, d) {
                Err(reason) => return reject(out, reason),
                Ok(None) => Some((code, current_email)),
                Ok(Some((email, job))) => {
                    let same_manager = match &job {
                        Some(j) => j == current_job,
                        None => email.eq_ignore_ascii_case(&current_email),
                    };
                    if !same_manager {
                        out.changes.push(FieldChange {
                            field: code.clone(),
                            old: current_email,
                            new: email.clone(),
                        });
                    }
                    Some((code, email))
                }
            }
        }
    };
    if out.changes.is_empty() {
        out.category = Category::Unchanged;
        return out;
    }
    // An update: every owned field's target value (the export's, else ChartHop's), so each
    // cell of the change file holds the value to have.
    for (field, value) in index.mapping.fields.iter().zip(&d.values) {
        if field.resolve_manager {
            continue;
        }
        let target = match value {
            Some(v) => v.render(),
            None => person.get(&field.code).to_string(),
        };
        out.target.insert(field.code.clone(), target);
    }
    if let Some((code, email)) = manager {
        out.target.insert(code.clone(), email);
    }
    out.category = Category::Update;
    out
}

fn manager_field(index: &Index<'_>) -> Option<usize> {
    index.mapping.fields.iter().position(|f| f.resolve_manager)
}

/// The manager named by a row: their work email, and their ChartHop job when they have one.
/// `Ok(None)` when the row names no manager; `Err` with the reason when the manager is the
/// row itself or nobody known.
fn resolve_manager(
    index: &Index<'_>,
    d: &Desired,
) -> Result<Option<(String, Option<String>)>, String> {
    let Some(reference) = d.manager_ref.as_deref().filter(|r| !r.is_empty()) else {
        return Ok(None);
    };
    if d.key.as_deref() == Some(reference) {
        return Err(format!(
            "the row names itself (`{reference}`) as its own manager"
        ));
    }
    let in_roster = index
        .by_key
        .get(reference)
        .filter(|p| p.len() == 1)
        .map(|p| p[0]);
    if let Some(rows) = index.export_keys.get(reference)
        && let Some(email) = index.email(&index.desired[rows[0]])
    {
        let job = index
            .by_email
            .get(&email)
            .filter(|p| p.len() == 1)
            .map(|p| index.roster.person(p[0]).job_id().to_string())
            .or_else(|| in_roster.map(|i| index.roster.person(i).job_id().to_string()));
        return Ok(Some((email, job)));
    }
    if let Some(i) = in_roster {
        let p = index.roster.person(i);
        let email = p.get(WORK_EMAIL).trim().to_lowercase();
        if !email.is_empty() {
            return Ok(Some((email, Some(p.job_id().to_string()))));
        }
    }
    Err(format!(
        "the manager `{reference}` is neither in the export nor in ChartHop (`{}`)",
        index.key_code
    ))
}

fn export_name(index: &Index<'_>, d: &Desired) -> String {
    let get = |code: &str| {
        index
            .mapping
            .field_index(code)
            .and_then(|i| d.values[i].as_ref())
            .map(Value::render)
    };
    match (get("name.first"), get("name.last")) {
        (Some(f), Some(l)) => format!("{} {}", f.trim(), l.trim()),
        (Some(f), None) => f,
        (None, Some(l)) => l,
        (None, None) => d.key.clone().unwrap_or_default(),
    }
}
