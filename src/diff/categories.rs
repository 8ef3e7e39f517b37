//! What a row becomes once matched: `new_hire`, `rehire`, `update`, `email_change`,
//! `departure`, `scheduled_departure`, `unchanged`, `conflict` or `rejected`, with the
//! field-level changes and every owned field's target value.
//!
//! This file dispatches on the match and the row's place in the lifecycle (`lifecycle`);
//! hires are made here, updates and managers in `update`, departures in `departure`; the
//! outcome shapes they share (conflict, rejection) in `outcome`.

use super::former::FormerMatch;
use super::keys::WORK_EMAIL;
use super::lifecycle::Life;
use super::matching::{Context, How, Outcome};
pub(super) use super::outcome::rejected;
use super::outcome::{blank_from, conflict, iso, reject};
use super::update::{email_change, resolve_manager, update};
use super::{Category, ConflictKind, RowChange};
use crate::fetch::PersonRef;
use crate::mapping::{Desired, Trust, Value};

/// The row for a mapped export row and its match outcome, filled into `spare` (a row the
/// sink gave back, see [`Sink::spare`](super::Sink::spare)) when there is one.
pub(super) fn row(
    ctx: &Context<'_>,
    d: &Desired,
    outcome: Outcome,
    spare: Option<RowChange>,
) -> RowChange {
    let (mut out, mut room) = blank_from(spare, d.row);
    out.key = d.key.as_deref().map(|k| room.key(k));
    out.effective_date = d.effective_date.map(iso);
    let named = matches!(&outcome, Outcome::Matched { person, .. } if !ctx.roster.person(*person).name().is_empty());
    if !named {
        out.name = export_name(ctx, d);
    }
    let life = ctx.life(d);
    match outcome {
        Outcome::Conflict { kind, reason, .. } => {
            out.matched = "not matched".into();
            conflict(out, kind, reason)
        }
        Outcome::NoMatch => match life {
            // Someone who left and is not active in ChartHop: nothing to do, dates or not.
            _ if d.left_status => {
                out.matched = "no match: left, and not in ChartHop".into();
                out
            }
            Life::Leaving { .. } => {
                out.matched = "no match: left, and not in ChartHop".into();
                out
            }
            Life::Unclear(kind, reason) => match left_on_that_day(ctx, d) {
                Some(why) => {
                    out.matched = why;
                    out
                }
                None => {
                    out.matched = "no match".into();
                    conflict(out, kind, reason)
                }
            },
            Life::Active => hire(ctx, d, out),
        },
        Outcome::Matched { person, how } => {
            let person = ctx.roster.person(person);
            out.job_id = Some(room.job_id(person.job_id()));
            let current = ctx.email_of(person.index());
            out.charthop_email = (!current.is_empty()).then(|| room.email(current));
            if !person.name().is_empty() {
                out.name.clear();
                out.name.push_str(person.name());
            }
            out.matched.clear();
            out.matched.push_str(ctx.how(how));
            if current.is_empty() {
                return conflict(
                    out,
                    ConflictKind::NoWorkEmail,
                    "the ChartHop person has no work email, which the import needs to find them; add it in ChartHop".into(),
                );
            }
            match life {
                // The dates contradict the status, but ChartHop already records the
                // termination date as their last day: nothing to do, nothing to guess.
                Life::Unclear(..)
                    if d.termination_date.is_some()
                        && super::departure::recorded_end(person) == d.termination_date =>
                {
                    out.matched = format!(
                        "{}; ChartHop records the termination date as the last day",
                        out.matched
                    );
                    out
                }
                Life::Unclear(kind, reason) => conflict(out, kind, reason),
                Life::Leaving { date, scheduled } => {
                    super::departure::departure(ctx, d, person, date, scheduled, current, out)
                }
                Life::Active => active(ctx, d, person, current, how, out),
            }
        }
    }
}

/// A row that is an active person in ChartHop: an update (or nothing), an email change, or a
/// conflict when the export starts them in the future or gives another work email.
fn active(
    ctx: &Context<'_>,
    d: &Desired,
    person: PersonRef<'_>,
    current: &str,
    how: How,
    out: RowChange,
) -> RowChange {
    if let Some(reason) = future_start(ctx, d, person) {
        return conflict(out, ConflictKind::FutureStart, reason);
    }
    if let Some(e) = ctx.email(d)
        && !e.eq_ignore_ascii_case(current.trim())
    {
        // Matched by the payroll key: with the payroll trusted, the email is what changes.
        if ctx.mapping.key.trust == Trust::Payroll && how == How::Key {
            return email_change(ctx, d, person, current, &e, out);
        }
        return conflict(
            out,
            ConflictKind::EmailChange,
            format!(
                "the work email differs (payroll `{e}`, ChartHop `{current}`); ChartHop matches imports by work email: change it in ChartHop, or let the payroll id decide with `[key] trust = \"payroll\"` in the mapping"
            ),
        );
    }
    update(ctx, d, person, out)
}

/// Why the export's start date cannot be right for an active person: it is after the as-of
/// date while ChartHop shows them started on or before it.
fn future_start(ctx: &Context<'_>, d: &Desired, person: PersonRef<'_>) -> Option<String> {
    let i = ctx.start_field?;
    let Some(Value::Date(start)) = d.values.get(i)? else {
        return None;
    };
    if *start <= ctx.as_of {
        return None;
    }
    let theirs = ctx.field_cols[i].map_or("", |c| person.value(c));
    let started = super::compare::iso_day(theirs)?;
    let column = ctx.mapping.fields[i]
        .column
        .as_deref()
        .map_or_else(String::new, |c| format!(" (column `{c}`)"));
    (started <= ctx.as_of).then(|| {
        format!(
            "the export starts this person on {}{column}, after the plan's as-of date {}, but ChartHop shows them active since {}; if they left and come back, give the termination and rehire dates; otherwise fix the hire date",
            iso(*start),
            iso(ctx.as_of),
            iso(started)
        )
    })
}

/// For a row no roster person matches whose dates contradict its status: how it matched when
/// ChartHop has exactly one former person for it who left on the row's termination date (the
/// export is behind, ChartHop is not: nothing to do). `None` otherwise.
fn left_on_that_day(ctx: &Context<'_>, d: &Desired) -> Option<String> {
    let former = ctx.former.as_ref()?;
    let day = d.termination_date?;
    let FormerMatch::One(i) = former.find(d.key.as_deref(), ctx.email(d).as_deref()) else {
        return None;
    };
    let p = former.person(i);
    (super::compare::iso_day(p.end_date) == Some(day)).then(|| {
        format!(
            "no match: {} left ChartHop on {}, the termination date",
            p.name,
            iso(day)
        )
    })
}

/// A row no roster person matches: a rehire when it is a former ChartHop person, else a new
/// hire.
fn hire(ctx: &Context<'_>, d: &Desired, out: RowChange) -> RowChange {
    let Some(former) = &ctx.former else {
        return new_hire(ctx, d, out);
    };
    let email = ctx.email(d);
    match former.find(d.key.as_deref(), email.as_deref()) {
        FormerMatch::None => new_hire(ctx, d, out),
        FormerMatch::Several(people) => {
            let names: Vec<String> = people
                .iter()
                .map(|&i| {
                    let p = former.person(i);
                    format!("{} (person `{}`)", p.name, p.id)
                })
                .collect();
            conflict(
                out,
                ConflictKind::SeveralFormerPeople,
                format!(
                    "the row matches several people who left ChartHop ({}); correct them in ChartHop so the payroll id and the work email name one person",
                    names.join(", ")
                ),
            )
        }
        FormerMatch::One(i) => {
            let p = former.person(i);
            let mut out = out;
            out.person_id = Some(p.id.to_string());
            if !p.name.is_empty() {
                out.name = p.name.to_string();
            }
            if let Some(e) = &email
                && !p.email.is_empty()
                && !e.eq_ignore_ascii_case(p.email.trim())
            {
                return conflict(
                    out,
                    ConflictKind::RehireEmailChange,
                    format!(
                        "a rehire of {} (who left on {}), with a new work email: payroll `{e}`, ChartHop `{}`; ChartHop brings a person back by their work email: give them the new email in ChartHop first, or use the old one in the export",
                        p.name, p.end_date, p.email
                    ),
                );
            }
            let left = super::compare::iso_day(p.end_date);
            let back = ctx.latest_hire(d);
            if let (Some(left), Some(back)) = (left, back)
                && back <= left
            {
                return conflict(
                    out,
                    ConflictKind::ContradictoryDates,
                    format!(
                        "{} left ChartHop on {}; the export lists them active with no hire or rehire date after it (the latest is {}): give the rehire date",
                        p.name,
                        iso(left),
                        iso(back)
                    ),
                );
            }
            let mut out = new_hire(ctx, d, out);
            if out.category != Category::NewHire {
                return out;
            }
            out.category = Category::Rehire;
            out.matched = format!("rehire: {} left ChartHop on {}", p.name, p.end_date);
            if !p.email.is_empty() {
                out.target
                    .insert(WORK_EMAIL.to_string(), p.email.trim().to_lowercase());
            }
            if let (Some(i), Some(back)) = (ctx.start_field, back) {
                out.target
                    .insert(ctx.mapping.fields[i].code.clone(), iso(back));
            }
            out
        }
    }
}

fn new_hire(ctx: &Context<'_>, d: &Desired, mut out: RowChange) -> RowChange {
    out.category = Category::NewHire;
    out.matched = "no match: new hire".into();
    for (field, value) in ctx.mapping.fields.iter().zip(&d.values) {
        if let Some(v) = value {
            out.target.insert(field.code.clone(), v.render());
        }
    }
    if let Some(m) = ctx.manager_field {
        match resolve_manager(ctx, d) {
            Ok(Some(found)) => {
                let email = found.0.clone();
                out.target.insert(ctx.mapping.fields[m].code.clone(), email);
            }
            Ok(None) => {}
            Err(reason) => return reject(out, reason),
        }
    }
    out
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
