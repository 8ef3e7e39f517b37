//! `report.md`: the plan for people. Counts first, then the changes grouped by category and by
//! field (`title: 3 people`), each with name, export row, match reason and old -> new; then
//! what needs a person (conflicts, rejected rows) with what to do; then warnings.
//!
//! Every value is neutralized (a leading `'` when a spreadsheet would run it as a formula) and
//! `|` is escaped, so a value from the export can neither break a table nor run in a
//! spreadsheet. Sensitive fields are masked unless the plan was made with `--show-sensitive`.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::PlanDoc;
use super::safe::{Masker, neutralize};
use crate::diff::{Category, ConflictKind, RowChange};

/// The counts table's rows: category, label and count, in report order (departures say when
/// they are reported only).
pub fn counts(plan: &PlanDoc) -> [(&'static str, &'static str, usize); 10] {
    let s = &plan.summary;
    let held = departures_reported_only(plan);
    [
        ("new_hire", "New hires", s.new_hires),
        ("rehire", "Rehires (people coming back)", s.rehires),
        ("update", "Updates", s.updates),
        ("email_change", "Work email changes", s.email_changes),
        (
            "departure",
            if held {
                "Departures (reported only, not sent)"
            } else {
                "Departures"
            },
            s.departures,
        ),
        (
            "scheduled_departure",
            if held {
                "Scheduled departures (reported only, not sent)"
            } else {
                "Scheduled departures"
            },
            s.scheduled_departures,
        ),
        ("unchanged", "Unchanged", s.unchanged),
        ("absent", "Absent from the export (not changed)", s.absent),
        ("conflict", "Conflicts (not imported)", s.conflicts),
        ("rejected", "Rejected rows (not imported)", s.rejected),
    ]
}

/// True when the plan's departures are not uploaded (`departures.hold`).
pub fn departures_reported_only(plan: &PlanDoc) -> bool {
    plan.import.departures_held
}

/// What the departures section says about where its rows go.
pub fn departures_intro(plan: &PlanDoc) -> &'static str {
    if plan.import.departures_held {
        "Reported only: `departures.hold` is on, so `departures.csv` is written for review and not uploaded."
    } else if plan.import.backfill {
        "Imported with `departures.csv` (last day, type), each opening a backfill job (`departures.backfill`). A scheduled departure keeps the person active in ChartHop until their last day."
    } else {
        "Imported with `departures.csv` (last day, type), without backfill jobs (`departures.backfill` is off: a payroll sync does not invent open jobs). A scheduled departure keeps the person active in ChartHop until their last day."
    }
}

/// Field changes of `update` rows grouped by field code (sorted), rows in export order.
pub fn updates_by_field(plan: &PlanDoc) -> BTreeMap<&str, Vec<(&RowChange, &str, &str)>> {
    let mut by_field: BTreeMap<&str, Vec<(&RowChange, &str, &str)>> = BTreeMap::new();
    let updated = |r: &&RowChange| matches!(r.category, Category::Update | Category::EmailChange);
    for r in plan.rows.iter().filter(updated) {
        for c in r.changes.iter().filter(|c| c.field != "contact.workEmail") {
            by_field
                .entry(&c.field)
                .or_default()
                .push((r, &c.old, &c.new));
        }
    }
    by_field
}

/// What a reviewer does about a conflict of this kind.
pub fn conflict_advice(kind: Option<ConflictKind>) -> &'static str {
    match kind {
        Some(
            ConflictKind::DuplicateKey | ConflictKind::DuplicateEmail | ConflictKind::SamePerson,
        ) => "fix the export so each person appears once",
        Some(ConflictKind::SeveralPeople) => "merge or correct the duplicate people in ChartHop",
        Some(ConflictKind::EmailOwnedByOther) => {
            "check which person the row is, then correct the export or ChartHop"
        }
        Some(ConflictKind::NoWorkEmail) => "add the person's work email in ChartHop",
        Some(ConflictKind::EmailChange) => {
            "change the work email in ChartHop first, or set `[key] trust = \"payroll\"`"
        }
        Some(ConflictKind::DepartureWithoutDate) => "fill in the termination date in the payroll",
        Some(ConflictKind::ContradictoryDates) => "fix the status or the dates in the payroll",
        Some(ConflictKind::FutureStart) => "fix the hire date, or give the rehire dates",
        Some(ConflictKind::SeveralFormerPeople) => "merge or correct the former people in ChartHop",
        Some(ConflictKind::RehireEmailChange) => "give the former person the new email in ChartHop",
        None => "read the reason",
    }
}

/// `1 person` / `3 people`.
pub fn people(n: usize) -> String {
    if n == 1 {
        "1 person".into()
    } else {
        format!("{n} people")
    }
}

/// The export's and mapping's file names, for the report's first line.
pub fn file_name(path: &str) -> String {
    std::path::Path::new(path)
        .file_name()
        .map_or(path.into(), |n| n.to_string_lossy().into_owned())
}

/// Renders the report.
pub fn markdown(plan: &PlanDoc) -> String {
    let mask = Masker::new(&plan.sensitive_fields, plan.show_sensitive);
    let mut out = String::new();
    let s = &plan.summary;
    let _ = writeln!(out, "# Payroll sync plan\n");
    let _ = writeln!(
        out,
        "Export `{}` ({} rows) with mapping `{}`, against ChartHop org `{}` ({} people), planned {} as of {}.\n",
        cell(file_name(&plan.input.path)),
        plan.input.rows,
        cell(file_name(&plan.mapping.path)),
        cell(&plan.charthop.org),
        plan.roster.people,
        plan.created_at,
        plan.as_of
    );
    if s.is_empty() {
        let _ = writeln!(out, "**Nothing to change in ChartHop.**\n");
    }
    let tripped: Vec<_> = plan.tripped().collect();
    if !tripped.is_empty() {
        let _ = writeln!(
            out,
            "**Refused by the safety guards: nothing is applied without an approval of this plan's hash.**\n"
        );
        for v in tripped {
            let _ = writeln!(out, "- `{}`: {}", v.guard, cell(&v.explain));
        }
        let _ = writeln!(out);
    }
    if !plan.sensitive_fields.is_empty() {
        let names: Vec<String> = plan
            .sensitive_fields
            .iter()
            .map(|f| format!("`{}`", cell(&f.field)))
            .collect();
        let how = if plan.show_sensitive {
            "shown (`--show-sensitive`), except national ids"
        } else {
            "masked; make the plan with `--show-sensitive` to see them"
        };
        let _ = writeln!(out, "Sensitive fields ({}) are {how}.\n", names.join(", "));
    }
    let _ = writeln!(out, "| | people |\n|---|---:|");
    for (_, label, n) in counts(plan) {
        let _ = writeln!(out, "| {label} | {n} |");
    }
    if s.skipped > 0 {
        let _ = writeln!(
            out,
            "| Skipped by the mapping's `[[skip]]` rules | {} |",
            s.skipped
        );
    }
    let rows_of = |c: Category| plan.rows.iter().filter(move |r| r.category == c);

    let hires: Vec<&RowChange> = rows_of(Category::NewHire).collect();
    if !hires.is_empty() {
        heading(
            &mut out,
            &format!("New hires ({})", s.new_hires),
            "",
            listing_note(hires.len(), s.new_hires, "`new_hires.csv` and `plan.json`"),
        );
        let _ = writeln!(
            out,
            "| Row | Name | Match | Work email | Title | Start date | Manager |\n|---:|---|---|---|---|---|---|"
        );
        for r in hires {
            let t =
                |code: &str| cell(mask.show(code, r.target.get(code).map_or("", String::as_str)));
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} | {} |",
                r.row,
                cell(&r.name),
                cell(&r.matched),
                t("contact.workEmail"),
                t("title"),
                t("startDate"),
                t("manager")
            );
        }
    }

    let rehires: Vec<&RowChange> = rows_of(Category::Rehire).collect();
    if !rehires.is_empty() {
        heading(
            &mut out,
            &format!("Rehires ({})", s.rehires),
            "People who left ChartHop and come back: the same ChartHop person, with a new start date (`new_hires.csv`, matched to them by work email).",
            listing_note(rehires.len(), s.rehires, "`new_hires.csv` and `plan.json`"),
        );
        let _ = writeln!(
            out,
            "| Row | Name | Before | Work email | New start date |\n|---:|---|---|---|---|"
        );
        for r in rehires {
            let t =
                |code: &str| cell(mask.show(code, r.target.get(code).map_or("", String::as_str)));
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} |",
                r.row,
                cell(&r.name),
                cell(&r.matched),
                t("contact.workEmail"),
                t("startDate")
            );
        }
    }

    let by_field = updates_by_field(plan);
    if !by_field.is_empty() {
        let _ = writeln!(out, "\n## Updates ({})", s.updates + s.email_changes);
        for (field, list) in by_field {
            let _ = writeln!(out, "\n### {}: {}\n", cell(field), people(list.len()));
            let _ = writeln!(
                out,
                "| Row | Name | Match | Old | New |\n|---:|---|---|---|---|"
            );
            for (r, old, new) in list {
                let (old, new) = mask.show_change(field, old, new);
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} | {} |",
                    r.row,
                    cell(&r.name),
                    cell(&r.matched),
                    cell(old),
                    cell(new)
                );
            }
        }
    }

    let emails: Vec<&RowChange> = rows_of(Category::EmailChange).collect();
    if !emails.is_empty() {
        heading(
            &mut out,
            &format!("Work email changes ({})", s.email_changes),
            "The payroll id is trusted (`[key] trust = \"payroll\"`): these people get the export's work email first (`email_changes.csv`, by ChartHop job), and their other changes are listed with the updates.",
            None,
        );
        let _ = writeln!(
            out,
            "| Row | Name | Old email | New email |\n|---:|---|---|---|"
        );
        for r in emails {
            let change = r.changes.first();
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                r.row,
                cell(&r.name),
                cell(change.map_or("", |c| c.old.as_str())),
                cell(change.map_or("", |c| c.new.as_str()))
            );
        }
    }

    let departures: Vec<&RowChange> = plan
        .rows
        .iter()
        .filter(|r| r.category.is_departure())
        .collect();
    if !departures.is_empty() {
        heading(
            &mut out,
            &format!(
                "Departures ({}, of which {} scheduled)",
                departures.len(),
                s.scheduled_departures
            ),
            &format!(
                "The export says these people leave while ChartHop shows them active. {}",
                departures_intro(plan)
            ),
            None,
        );
        let _ = writeln!(
            out,
            "| Row | Name | Work email | Last day | When | Type | Reason |\n|---:|---|---|---|---|---|---|"
        );
        for r in departures {
            let d = r.departure.as_ref();
            let when = match (r.category, d.and_then(|d| d.previous_end_date.as_deref())) {
                (_, Some(prev)) => format!("moves the last day from {prev}"),
                (Category::ScheduledDeparture, None) => "scheduled".into(),
                _ => "on or before the as-of date".into(),
            };
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} | {} |",
                r.row,
                cell(&r.name),
                cell(r.charthop_email.as_deref().unwrap_or("")),
                cell(r.termination_date.as_deref().unwrap_or("(not given)")),
                when,
                cell(d.and_then(|d| d.depart_type.as_deref()).unwrap_or("")),
                cell(d.and_then(|d| d.reason.as_deref()).unwrap_or(""))
            );
        }
    }

    if !plan.absent.is_empty() {
        heading(
            &mut out,
            &format!("Absent from the export ({})", plan.absent.len()),
            "In ChartHop but not in the export, with no termination in it: reported only, never changed. Check whether the export is complete.",
            None,
        );
        let _ = writeln!(out, "| Name | Work email |\n|---|---|");
        for a in &plan.absent {
            let _ = writeln!(out, "| {} | {} |", cell(&a.name), cell(&a.charthop_email));
        }
    }

    let conflicts: Vec<&RowChange> = rows_of(Category::Conflict).collect();
    if !conflicts.is_empty() {
        heading(
            &mut out,
            &format!("Conflicts ({})", s.conflicts),
            "These rows were left out of the import: matching them would be a guess. Fix the export or ChartHop as each row says, then plan again.",
            listing_note(conflicts.len(), s.conflicts, "`plan.json`"),
        );
        let _ = writeln!(
            out,
            "| Row | Name | Reason | What to do |\n|---:|---|---|---|"
        );
        for r in conflicts {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                r.row,
                cell(&r.name),
                cell(r.reason.as_deref().unwrap_or("")),
                conflict_advice(r.conflict)
            );
        }
    }
    let rejected: Vec<&RowChange> = rows_of(Category::Rejected).collect();
    if !rejected.is_empty() {
        heading(
            &mut out,
            &format!("Rejected rows ({})", s.rejected),
            "These rows could not be mapped and were left out. Fix the cell named in each reason (or the mapping), then plan again.",
            listing_note(rejected.len(), s.rejected, "`plan.json`"),
        );
        let _ = writeln!(out, "| Row | Name | Reason |\n|---:|---|---|");
        for r in rejected {
            let _ = writeln!(
                out,
                "| {} | {} | {} |",
                r.row,
                cell(&r.name),
                cell(r.reason.as_deref().unwrap_or(""))
            );
        }
    }
    if !plan.notes.is_empty() {
        heading(&mut out, "Notes", "", None);
        for n in &plan.notes {
            let rows: Vec<String> = n.rows.iter().take(20).map(usize::to_string).collect();
            let more = if n.rows.len() > 20 { ", ..." } else { "" };
            let _ = writeln!(
                out,
                "- {} (rows {}{more})",
                cell(&n.message),
                rows.join(", ")
            );
        }
    }
    if !plan.warnings.is_empty() {
        let _ = writeln!(
            out,
            "\n## Warnings ({})\n\nValues that start like a spreadsheet formula: sent to ChartHop unchanged, shown here with a leading `'`.\n",
            plan.warnings.len()
        );
        let _ = writeln!(out, "| Row | Field |\n|---:|---|");
        for w in &plan.warnings {
            let _ = writeln!(out, "| {} | {} |", w.row, cell(&w.field));
        }
    }
    let _ = writeln!(
        out,
        "\n---\nUnchanged rows are listed in `plan.json`. Apply this plan with `payroll-sync apply <this directory>`."
    );
    out
}

/// A section's heading, what the section is about (may be empty), and the note saying where
/// the rows not listed are (see [`listing_note`]).
fn heading(out: &mut String, title: &str, intro: &str, note: Option<String>) {
    let _ = write!(out, "\n## {title}\n\n");
    for text in std::iter::once(intro).chain(note.as_deref()) {
        if !text.is_empty() {
            let _ = write!(out, "{text}\n\n");
        }
    }
}

/// When a report lists only the first rows of a category (large plans), the sentence that
/// says so and where the rest are; `None` when every row is listed.
pub fn listing_note(listed: usize, total: usize, files: &str) -> Option<String> {
    (listed < total).then(|| {
        format!("The first {listed} of {total} are listed here; all of them are in {files}.")
    })
}

/// A value made safe for a Markdown table cell that may be pasted into a spreadsheet:
/// neutralized, `|` escaped, line breaks as spaces. Idempotent on values already neutralized.
pub fn cell(value: impl AsRef<str>) -> String {
    let value = value.as_ref();
    let value = if value.starts_with('\'') {
        std::borrow::Cow::Borrowed(value)
    } else {
        neutralize(value)
    };
    let mut out = String::with_capacity(value.len() + 1);
    for c in value.chars() {
        match c {
            '|' => out.push_str("\\|"),
            '\n' | '\r' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_neutralized_and_escaped() {
        assert_eq!(cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(cell("a|b\nc"), "a\\|b c");
        assert_eq!(cell("Ada"), "Ada");
        assert_eq!(cell(neutralize("+A1")), "'+A1", "not neutralized twice");
    }
}
