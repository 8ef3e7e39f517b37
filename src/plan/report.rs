//! `report.md`: the plan for people. Counts first, then the changes grouped by category and by
//! field, then what needs a person (conflicts, rejected rows).
//!
//! Cells a spreadsheet would run as a formula are neutralized, and `|` is escaped, so a value
//! from the export can neither break the table nor run in a spreadsheet.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::PlanDoc;
use crate::diff::{Category, RowChange};

/// Renders the report.
pub fn markdown(plan: &PlanDoc) -> String {
    let mut out = String::new();
    let s = &plan.summary;
    let _ = writeln!(out, "# Payroll sync plan\n");
    let _ = writeln!(
        out,
        "Export `{}` ({} rows) with mapping `{}`, against ChartHop org `{}` ({} people), planned {}.\n",
        file_name(&plan.input.path),
        plan.input.rows,
        file_name(&plan.mapping.path),
        cell(&plan.charthop.org),
        plan.roster.people,
        plan.created_at
    );
    if s.new_hires + s.updates + s.departures == 0 {
        let _ = writeln!(out, "**Nothing to change in ChartHop.**\n");
    }
    let _ = writeln!(out, "| | people |\n|---|---:|");
    for (label, n) in [
        ("New hires", s.new_hires),
        ("Updates", s.updates),
        ("Departures", s.departures),
        ("Unchanged", s.unchanged),
        ("Absent from the export (not changed)", s.absent),
        ("Conflicts (not imported)", s.conflicts),
        ("Rejected rows (not imported)", s.rejected),
    ] {
        let _ = writeln!(out, "| {label} | {n} |");
    }
    let rows_of = |c: Category| plan.rows.iter().filter(move |r| r.category == c);

    let hires: Vec<&RowChange> = rows_of(Category::NewHire).collect();
    if !hires.is_empty() {
        let _ = writeln!(out, "\n## New hires ({})\n", hires.len());
        let _ = writeln!(
            out,
            "| Row | Name | Work email | Title | Start date | Manager |\n|---:|---|---|---|---|---|"
        );
        for r in hires {
            let t = |code: &str| cell(r.target.get(code).map_or("", String::as_str));
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} |",
                r.row,
                cell(&r.name),
                t("contact.workEmail"),
                t("title"),
                t("startDate"),
                t("manager")
            );
        }
    }

    let updates: Vec<&RowChange> = rows_of(Category::Update).collect();
    if !updates.is_empty() {
        let _ = writeln!(out, "\n## Updates ({})", updates.len());
        let mut by_field: BTreeMap<&str, Vec<(&RowChange, &str, &str)>> = BTreeMap::new();
        for r in &updates {
            for c in &r.changes {
                by_field
                    .entry(&c.field)
                    .or_default()
                    .push((r, &c.old, &c.new));
            }
        }
        for (field, list) in by_field {
            let people = if list.len() == 1 { "person" } else { "people" };
            let _ = writeln!(out, "\n### {field}: {} {people}\n", list.len());
            let _ = writeln!(
                out,
                "| Row | Name | Matched | Old | New |\n|---:|---|---|---|---|"
            );
            for (r, old, new) in list {
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} | {} |",
                    r.row,
                    cell(&r.name),
                    cell(&r.matched),
                    or_blank(old),
                    or_blank(new)
                );
            }
        }
    }

    if !plan.absent.is_empty() {
        let _ = writeln!(
            out,
            "\n## Absent from the export ({})\n\nIn ChartHop but not in the export, with no termination in it: reported only, never changed. Check whether the export is complete.\n",
            plan.absent.len()
        );
        let _ = writeln!(out, "| Name | Work email |\n|---|---|");
        for a in &plan.absent {
            let _ = writeln!(out, "| {} | {} |", cell(&a.name), cell(&a.charthop_email));
        }
    }

    for (category, title, advice) in [
        (
            Category::Conflict,
            "Conflicts",
            "These rows were left out of the import. Fix the export or ChartHop as each reason says, then plan again.",
        ),
        (
            Category::Rejected,
            "Rejected rows",
            "These rows could not be mapped and were left out. Fix the cell named in each reason (or the mapping), then plan again.",
        ),
    ] {
        let list: Vec<&RowChange> = rows_of(category).collect();
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n## {title} ({})\n\n{advice}\n", list.len());
        let _ = writeln!(out, "| Row | Name | Reason |\n|---:|---|---|");
        for r in list {
            let _ = writeln!(
                out,
                "| {} | {} | {} |",
                r.row,
                cell(&r.name),
                cell(r.reason.as_deref().unwrap_or(""))
            );
        }
    }
    let _ = writeln!(
        out,
        "\n---\nUnchanged rows are listed in `plan.json`. Apply this plan with `payroll-sync apply <this directory>`."
    );
    out
}

fn file_name(path: &str) -> String {
    cell(
        std::path::Path::new(path)
            .file_name()
            .map_or(path.into(), |n| n.to_string_lossy()),
    )
}

fn or_blank(value: &str) -> String {
    if value.trim().is_empty() {
        "(blank)".into()
    } else {
        cell(value)
    }
}

/// A value made safe for a Markdown table cell that may be pasted into a spreadsheet.
pub fn cell(value: impl AsRef<str>) -> String {
    let value = value.as_ref();
    let mut out = String::with_capacity(value.len() + 1);
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        out.push('\'');
    }
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
    }
}
