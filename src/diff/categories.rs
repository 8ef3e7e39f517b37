//! What a row becomes once matched: `new_hire`, `update`, `departure`, `unchanged`,
//! `conflict` or `rejected`, with the field-level changes and every owned field's target value.

use std::collections::BTreeMap;

use super::compare::same;
use super::keys::WORK_EMAIL;
use super::matching::{Context, Outcome};
use super::{Category, ConflictKind, FieldChange, RowChange};
use crate::fetch::PersonRef;
use crate::mapping::{Desired, Rejection, Value};

/// A row the mapping rejected.
pub(super) fn rejected(r: &Rejection) -> RowChange {
    RowChange {
        row: r.row,
        category: Category::Rejected,
        key: None,
        name: r.name.as_deref().unwrap_or_default().to_string(),
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
pub(super) fn row(ctx: &Context<'_>, d: &Desired, outcome: Outcome) -> RowChange {
    let mut out = RowChange {
        row: d.row,
        category: Category::Unchanged,
        key: d.key.clone(),
        // The export's name only when ChartHop has none (set below).
        name: String::new(),
        job_id: None,
        charthop_email: None,
        matched: String::new(),
        changes: vec![],
        target: BTreeMap::new(),
        termination_date: d.termination_date.map(|t| t.format("%Y-%m-%d").to_string()),
        conflict: None,
        reason: None,
    };
    let named = matches!(&outcome, Outcome::Matched { person, .. } if !ctx.roster.person(*person).name().is_empty());
    if !named {
        out.name = export_name(ctx, d);
    }
    match outcome {
        Outcome::Conflict { kind, reason, .. } => {
            out.matched = "not matched".into();
            conflict(out, kind, reason)
        }
        Outcome::NoMatch if d.departing => {
            out.matched = "no match: left, and not in ChartHop".into();
            out
        }
        Outcome::NoMatch => new_hire(ctx, d, out),
        Outcome::Matched { person, how } => {
            let how = ctx.how(how);
            matched(ctx, d, ctx.roster.person(person), how, out)
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
    ctx: &Context<'_>,
    d: &Desired,
    person: PersonRef<'_>,
    how: String,
    mut out: RowChange,
) -> RowChange {
    out.job_id = Some(person.job_id().to_string());
    out.charthop_email = Some(ctx.email_of(person.index()).to_string()).filter(|e| !e.is_empty());
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
    if let Some(e) = ctx.email(d)
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
            out.target.insert(ctx.key_code.to_string(), k.clone());
        }
        out.target.insert(WORK_EMAIL.to_string(), current);
        return out;
    }
    update(ctx, d, person, out)
}

fn new_hire(ctx: &Context<'_>, d: &Desired, mut out: RowChange) -> RowChange {
    out.category = Category::NewHire;
    out.matched = "no match: new hire".into();
    for (field, value) in ctx.mapping.fields.iter().zip(&d.values) {
        if let Some(v) = value {
            out.target.insert(field.code.clone(), v.render());
        }
    }
    if let Some(m) = manager_field(ctx) {
        match resolve_manager(ctx, d) {
            Ok(Some((email, _))) => {
                out.target.insert(ctx.mapping.fields[m].code.clone(), email);
            }
            Ok(None) => {}
            Err(reason) => return reject(out, reason),
        }
    }
    out
}

fn update(ctx: &Context<'_>, d: &Desired, person: PersonRef<'_>, mut out: RowChange) -> RowChange {
    // First the changes alone: most rows have none, and an unchanged row carries no targets.
    let current_of = |i: usize| ctx.field_cols[i].map_or("", |c| person.value(c));
    for (i, (field, value)) in ctx.mapping.fields.iter().zip(&d.values).enumerate() {
        if field.resolve_manager {
            continue;
        }
        if let Some(v) = value {
            let current = current_of(i);
            if !same(field.kind, &field.code, current, v) {
                out.changes.push(FieldChange {
                    field: field.code.clone(),
                    old: current.to_string(),
                    new: v.render(),
                });
            }
        }
    }
    let manager = match manager_field(ctx) {
        None => None,
        Some(m) => {
            let code = &ctx.mapping.fields[m].code;
            let current_job = current_of(m);
            // ChartHop's manager by work email, looked up only when it is needed.
            let current_email = || {
                ctx.roster
                    .find_job(current_job)
                    .map(|i| ctx.email_of(i).to_string())
                    .unwrap_or_default()
            };
            match resolve_manager(ctx, d) {
                Err(reason) => return reject(out, reason),
                Ok(None) => Some((code, m, None)),
                Ok(Some((email, job))) => {
                    let same_manager = match &job {
                        Some(j) => j == current_job,
                        None => email.eq_ignore_ascii_case(&current_email()),
                    };
                    if !same_manager {
                        out.changes.push(FieldChange {
                            field: code.clone(),
                            old: current_email(),
                            new: email.clone(),
                        });
                    }
                    Some((code, m, Some(email)))
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
    for (i, (field, value)) in ctx.mapping.fields.iter().zip(&d.values).enumerate() {
        if field.resolve_manager {
            continue;
        }
        let target = match value {
            Some(v) => v.render(),
            None => current_of(i).to_string(),
        };
        out.target.insert(field.code.clone(), target);
    }
    if let Some((code, m, email)) = manager {
        let email = email.unwrap_or_else(|| {
            ctx.roster
                .find_job(current_of(m))
                .map(|i| ctx.email_of(i).to_string())
                .unwrap_or_default()
        });
        out.target.insert(code.clone(), email);
    }
    out.category = Category::Update;
    out
}

fn manager_field(ctx: &Context<'_>) -> Option<usize> {
    ctx.mapping.fields.iter().position(|f| f.resolve_manager)
}

/// The manager named by a row: their work email, and their ChartHop job when they have one.
/// `Ok(None)` when the row names no manager; `Err` with the reason when the manager is the
/// row itself or nobody known.
fn resolve_manager(
    ctx: &Context<'_>,
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
    // Rows often name the same manager one after the other: the last answer is kept.
    let mut memo = ctx.manager_memo.borrow_mut();
    if let Some((r, found)) = memo.as_ref()
        && r == reference
    {
        return found
            .clone()
            .map(Some)
            .ok_or_else(|| unknown_manager(ctx, reference));
    }
    let found = lookup_manager(ctx, reference);
    *memo = Some((reference.to_string(), found.clone()));
    found
        .map(Some)
        .ok_or_else(|| unknown_manager(ctx, reference))
}

/// The manager with payroll key `reference`: their work email and ChartHop job, from the
/// export's own row for them where it says more than ChartHop, else from ChartHop.
fn lookup_manager(ctx: &Context<'_>, reference: &str) -> Option<(String, Option<String>)> {
    let in_roster = ctx.single_with_key(reference);
    if let Some(email) = ctx.facts.manager_email(reference) {
        let job = ctx
            .single_with_email(email)
            .or(in_roster)
            .map(|i| ctx.roster.person(i).job_id().to_string());
        return Some((email.to_string(), job));
    }
    let i = in_roster?;
    let email = ctx.email_of(i).trim().to_lowercase();
    (!email.is_empty()).then(|| (email, Some(ctx.roster.person(i).job_id().to_string())))
}

fn unknown_manager(ctx: &Context<'_>, reference: &str) -> String {
    format!(
        "the manager `{reference}` is neither in the export nor in ChartHop (`{}`)",
        ctx.key_code
    )
}

fn export_name(ctx: &Context<'_>, d: &Desired) -> String {
    let get = |code: &str| {
        ctx.mapping
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
