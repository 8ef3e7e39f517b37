//! `report.md`: the plan's [`Review`] as Markdown, for a pull request or a terminal pager.
//!
//! The top is the summary, the plan hash and the command to run next, what needs attention,
//! the guards with their headroom, the rollups and a table of contents; the detail follows,
//! each section behind an anchor (`#update`, `#conflict`, ...), one line per person.
//!
//! Every value is neutralized (a leading `'` when a spreadsheet would run it as a formula) and
//! `|` is escaped, so a value from the export can neither break a table nor run in a
//! spreadsheet. Sensitive fields arrive masked from the review.

use std::fmt::Write;

use super::review::words::{counted, thousands};
use super::review::{Cell, Review, Section};
use super::safe::neutralize;

/// Renders the review as Markdown.
pub fn markdown(review: &Review) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Payroll sync plan\n\n{}\n", review.intro);
    if review.nothing_to_change {
        let _ = writeln!(out, "**Nothing to change in ChartHop.**\n");
    }
    let _ = writeln!(out, "## Summary\n\n```diff");
    for l in &review.summary {
        let note = if l.note.is_empty() {
            String::new()
        } else {
            format!(" {}", l.note)
        };
        let _ = writeln!(
            out,
            "{} {} {}{note}",
            l.sign.mark(),
            thousands(l.count),
            l.what
        );
    }
    let _ = writeln!(out, "```\n");
    let _ = writeln!(out, "Plan hash: `{}`\n", review.hash);
    if review.refused() {
        let _ = writeln!(out, "**{}**\n", review.next_step);
    } else {
        let _ = writeln!(out, "{}\n", review.next_step);
    }
    if let Some(s) = &review.sensitive {
        let _ = writeln!(out, "{s}\n");
    }
    if !review.attention.is_empty() {
        let _ = writeln!(out, "## Needs attention\n");
        for a in &review.attention {
            let link = a
                .anchor
                .and_then(|id| review.link(id))
                .map(|(id, title)| format!(" ([{title}](#{id}))"))
                .unwrap_or_default();
            let _ = writeln!(out, "- {}{link}", cell(&a.text));
            for item in &a.items {
                let _ = writeln!(out, "  - {}", cell(item));
            }
        }
        let _ = writeln!(out);
    }
    guards(&mut out, review);
    rollups(&mut out, review);
    if !review.sections.is_empty() {
        let _ = writeln!(out, "## Contents\n");
        for s in &review.sections {
            let _ = writeln!(out, "- [{}](#{})", s.title, s.id);
        }
    }
    for s in &review.sections {
        section(&mut out, s);
    }
    let _ = writeln!(out, "\n---\n{}", review.next_step);
    out
}

/// The guards, each with its headroom.
fn guards(out: &mut String, review: &Review) {
    if review.guards.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "<a id=\"guards\"></a>\n\n## Safety guards\n\n{}\n\n| Guard | Planned | Limit | Headroom | |\n|---|---:|---:|---|---|",
        review.guard_summary()
    );
    for g in &review.guards {
        let mut headroom = g.headroom();
        if let Some(note) = &g.note {
            headroom = format!("{headroom} ({note})");
        }
        let (headroom, verdict) = if g.tripped {
            (format!("**{headroom}**"), format!("**{}**", g.verdict()))
        } else {
            (headroom, g.verdict().to_string())
        };
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {headroom} | {verdict} |",
            g.guard,
            thousands(g.actual),
            g.limit_text()
        );
    }
    let _ = writeln!(out);
}

/// The changes per field and per department.
fn rollups(out: &mut String, review: &Review) {
    if !review.by_field.is_empty() {
        let _ = writeln!(
            out,
            "## Changes by field\n\n| Field | People | Cleared |\n|---|---:|---:|"
        );
        for f in &review.by_field {
            let _ = writeln!(
                out,
                "| `{}` | {} | {} |",
                cell(&f.field),
                thousands(f.people),
                thousands(f.cleared)
            );
        }
        let _ = writeln!(out);
    }
    if !review.by_department.is_empty() {
        let columns = review.department_columns();
        let _ = writeln!(
            out,
            "## Changes by department\n\n| {} |\n|---|---:|---:|---:|---:|",
            columns.join(" | ")
        );
        for d in &review.by_department {
            let counts: Vec<String> = d.counts().iter().map(|n| thousands(*n)).collect();
            let _ = writeln!(out, "| {} | {} |", cell(&d.name), counts.join(" | "));
        }
        if let Some(more) = review.more_departments() {
            let _ = writeln!(out, "\n{more}");
        }
        let _ = writeln!(out);
    }
}

/// One detail section: its anchor and heading, its paragraphs, its table (folded away when
/// the section is not open).
fn section(out: &mut String, s: &Section) {
    let _ = write!(out, "\n<a id=\"{}\"></a>\n\n## {}\n\n", s.id, s.title);
    for p in &s.intro {
        let _ = write!(out, "{p}\n\n");
    }
    if !s.open {
        let _ = write!(
            out,
            "<details><summary>{} listed</summary>\n\n",
            counted(s.lines.len(), "person", "people")
        );
    }
    let numeric = |i: usize| {
        s.lines
            .first()
            .is_some_and(|l| matches!(l.cells.get(i), Some(Cell::Number(_))))
    };
    let _ = writeln!(out, "| {} |", s.columns.join(" | "));
    let rule: Vec<&str> = (0..s.columns.len())
        .map(|i| if numeric(i) { "---:" } else { "---" })
        .collect();
    let _ = writeln!(out, "|{}|", rule.join("|"));
    let mut row = String::new();
    for l in &s.lines {
        row.clear();
        row.push('|');
        for c in &l.cells {
            row.push(' ');
            render_cell(&mut row, c);
            row.push_str(" |");
        }
        let _ = writeln!(out, "{row}");
    }
    if !s.open {
        let _ = writeln!(out, "\n</details>");
    }
}

fn render_cell(out: &mut String, c: &Cell) {
    match c {
        Cell::Number(n) => {
            let _ = write!(out, "{n}");
        }
        Cell::Value(v) | Cell::Prose(v) => out.push_str(&cell(v)),
        Cell::Changes(changes) => {
            for (i, ch) in changes.iter().enumerate() {
                if i > 0 {
                    out.push_str("<br>");
                }
                let _ = write!(
                    out,
                    "`{}`: {} → {}",
                    cell(&ch.field),
                    cell(&ch.old),
                    cell(&ch.new)
                );
            }
        }
    }
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
