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

/// The counts table's rows: label and count, in report order.
pub fn counts(plan: &PlanDoc) -> [(&'static str, &'static str, usize); 7] {
    let s = &plan.summary;
    [
        ("new_hire", "New hires", s.new_hires),
        ("update", "Updates", s.updates),
        ("departure", "Departures", s.departures),
        ("unchanged", "Unchanged", s.unchanged),
        ("absent", "Absent from the export (not changed)", s.absent),
        ("conflict", "Conflicts (not imported)", s.conflicts),
        ("rejected", "Rejected rows (not imported)", s.rejected),
    ]
}

/// Field changes of `update` rows grouped by field code (sorted), rows in export order.
pub fn updates_by_field(plan: &PlanDoc) -> BTreeMap<&str, Vec<(&RowChange, &str, &str)>> {
    let mut by_field: BTreeMap<&str, Vec<(&RowChange, &str, &str)>> = BTreeMap::new();
    for r in plan.rows.iter().filter(|r| r.category == Category::Update) {
        for c in &r.changes {
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
        Some(ConflictKind::EmailChange) => "change the work email in ChartHop first",
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
        "Export `{}` ({} rows) with mapping `{}`, against ChartHop org `{}` ({} people), planned {}.\n",
        cell(file_name(&plan.input.path)),
        plan.input.rows,
        cell(file_name(&plan.mapping.path)),
        cell(&plan.charthop.org),
        plan.roster.people,
        plan.created_at
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

    let by_field = updates_by_field(plan);
    if !by_field.is_empty() {
        let _ = writeln!(out, "\n## Updates ({})", s.updates);
        for (field, list) in by_field {
            let _ = writeln!(out, "\n### {}: {}\n", cell(field), people(list.len()));
            let _ = writeln!(
                out,
                "| Row | Name | Match | Old | New |\n|---:|---|---|---|---|"
            );
            for (r, old, new) in list {
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} | {} |",
                    r.row,
                    cell(&r.name),
                    cell(&r.matched),
                    cell(mask.show(field, old)),
                    cell(mask.show(field, new))
                );
            }
        }
    }

    let departures: Vec<&RowChange> = rows_of(Category::Departure).collect();
    if !departures.is_empty() {
        let what = if plan.departures_file.is_some() {
            "Listed in `departures.csv` for review."
        } else {
            "Reported only: set `plan.departures = true` in the settings to write `departures.csv`."
        };
        heading(
            &mut out,
            &format!("Departures ({})", departures.len()),
            &format!("The export says these people left while ChartHop shows them active. {what}"),
            None,
        );
        let _ = writeln!(
            out,
            "| Row | Name | Match | Work email | Termination date |\n|---:|---|---|---|---|"
        );
        for r in departures {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} |",
                r.row,
                cell(&r.name),
                cell(&r.matched),
                cell(r.charthop_email.as_deref().unwrap_or("")),
                cell(r.termination_date.as_deref().unwrap_or("(not given)"))
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
        assert_eq!(cell(neutralize("+1")), "'+1", "not neutralized twice");
    }
}
