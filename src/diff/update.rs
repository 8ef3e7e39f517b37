//! An active person's row: the field changes (a manager compared by who the manager is), the
//! target value of every owned field for the change file, and the work email change when the
//! mapping trusts the payroll id.

use std::sync::Arc;

use super::FieldChange;
use super::compare::same;
use super::keys::WORK_EMAIL;
use super::matching::{Context, Manager};
use super::outcome::reject;
use super::{Category, RowChange};
use crate::fetch::PersonRef;
use crate::mapping::{Desired, Trust};

/// The update (or nothing) for an active, matched person.
pub(super) fn update(
    ctx: &Context<'_>,
    d: &Desired,
    person: PersonRef<'_>,
    mut out: RowChange,
) -> RowChange {
    // First the changes alone: most rows have none, and an unchanged row carries no targets.
    let current_of = |i: usize| ctx.field_cols[i].map_or("", |c| person.value(c));
    for (i, (field, value)) in ctx.mapping.fields.iter().zip(&d.values).enumerate() {
        if field.resolve_manager || Some(i) == ctx.email_field {
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
    let manager = match ctx.manager_field {
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
                Ok(Some(found)) => {
                    let (email, job) = &*found;
                    let same_manager = match job {
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
                    Some((code, m, Some(found)))
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
    if let Some((code, m, found)) = manager {
        let email = found.map(|f| f.0.clone()).unwrap_or_else(|| {
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

/// A person matched by the payroll key whose export work email differs from ChartHop's, with
/// the payroll trusted: the new email first among the changes, then any other update.
pub(super) fn email_change(
    ctx: &Context<'_>,
    d: &Desired,
    person: PersonRef<'_>,
    current: &str,
    new: &str,
    out: RowChange,
) -> RowChange {
    let mut out = update(ctx, d, person, out);
    if out.category == Category::Rejected {
        return out;
    }
    if out.target.is_empty() {
        // Nothing else changes: the key and the email are what the change file needs.
        if let Some(k) = &d.key {
            out.target.insert(ctx.key_code.to_string(), k.clone());
        }
    }
    out.changes.insert(
        0,
        FieldChange {
            field: WORK_EMAIL.to_string(),
            old: current.to_string(),
            new: new.to_string(),
        },
    );
    out.target.insert(WORK_EMAIL.to_string(), new.to_string());
    out.category = Category::EmailChange;
    out
}

/// The manager named by a row: their work email, and their ChartHop job when they have one.
/// `Ok(None)` when the row names no manager; `Err` with the reason when the manager is the
/// row itself or nobody known.
pub(super) fn resolve_manager(
    ctx: &Context<'_>,
    d: &Desired,
) -> Result<Option<Arc<Manager>>, String> {
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
    let found = lookup_manager(ctx, reference).map(Arc::new);
    *memo = Some((reference.to_string(), found.clone()));
    found
        .map(Some)
        .ok_or_else(|| unknown_manager(ctx, reference))
}

/// The manager with payroll key `reference`: their work email and ChartHop job. The export's
/// own row for them says more than ChartHop when ChartHop does not know them (a new hire), or
/// when the payroll is trusted with their new email (their email change is imported first);
/// otherwise ChartHop's email names them, as the import will find them.
fn lookup_manager(ctx: &Context<'_>, reference: &str) -> Option<Manager> {
    let in_roster = ctx.single_with_key(reference);
    if let Some(email) = ctx.facts.manager_email(reference)
        && (in_roster.is_none() || ctx.mapping.key.trust == Trust::Payroll)
    {
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
