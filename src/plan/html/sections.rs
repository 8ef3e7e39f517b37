//! The page's parts: the overview (summary, attention, guards, rollups, contents) and the
//! detail sections, each a folding `<details>` with an anchor.

use std::fmt::Write;

use super::markup::{escape, person_row_into, prose, val, val_into};
use crate::plan::review::words::thousands;
use crate::plan::review::{Cell, Review, Section, Sign, Who};

/// The summary, one line per kind of change, each linked to its section; the plan hash and
/// what to run next.
pub(super) fn summary(o: &mut String, review: &Review) {
    let _ = writeln!(
        o,
        "<h2 id=\"summary\">Summary</h2>\n<pre class=\"summary\">"
    );
    for l in &review.summary {
        let class = match l.sign {
            Sign::Add => "add",
            Sign::Change => "change",
            Sign::Remove => "remove",
            Sign::LeftOut => "leftout",
            Sign::Info => "info",
        };
        let what = match l.anchor.and_then(|id| review.link(id)) {
            Some((id, _)) => format!("<a href=\"#{id}\">{}</a>", escape(&l.what)),
            None => escape(&l.what),
        };
        let note = if l.note.is_empty() {
            String::new()
        } else {
            format!(" <span class=\"note\">{}</span>", prose(&l.note))
        };
        let _ = writeln!(
            o,
            "<span class=\"{class}\">{} {:>7}</span> {what}{note}",
            l.sign.mark(),
            thousands(l.count)
        );
    }
    let _ = writeln!(o, "</pre>");
    let _ = writeln!(
        o,
        "<p>Plan hash: <code class=\"hash\">{}</code></p>",
        escape(&review.hash)
    );
    let class = if review.refused() { "refused" } else { "next" };
    let _ = writeln!(o, "<p class=\"{class}\">{}</p>", prose(&review.next_step));
    if let Some(s) = &review.sensitive {
        let _ = writeln!(o, "<p class=\"note\">{}</p>", prose(s));
    }
}

/// What needs attention, each linked to its section.
pub(super) fn attention(o: &mut String, review: &Review) {
    if review.attention.is_empty() {
        return;
    }
    let _ = writeln!(
        o,
        "<div class=\"attention\">\n<h2 id=\"attention\">Needs attention</h2>\n<ul>"
    );
    for a in &review.attention {
        let link = a
            .anchor
            .and_then(|id| review.link(id))
            .map(|(id, title)| format!(" <a href=\"#{id}\">{}</a>", escape(&title)))
            .unwrap_or_default();
        let _ = write!(o, "<li>{}{link}", prose(&a.text));
        if !a.items.is_empty() {
            let _ = write!(o, "<ul>");
            for item in &a.items {
                let _ = write!(o, "<li>{}</li>", prose(item));
            }
            let _ = write!(o, "</ul>");
        }
        let _ = writeln!(o, "</li>");
    }
    let _ = writeln!(o, "</ul>\n</div>");
}

/// The guards and their headroom.
pub(super) fn guards(o: &mut String, review: &Review) {
    if review.guards.is_empty() {
        return;
    }
    let _ = writeln!(
        o,
        "<details class=\"section\" id=\"guards\" open>\n<summary><h2>Safety guards</h2> <span class=\"note\">{}</span></summary>\n<table class=\"cards\"><thead><tr><th>Guard</th><th>Planned</th><th>Limit</th><th>Headroom</th><th></th></tr></thead><tbody>",
        prose(&review.guard_summary())
    );
    for g in &review.guards {
        let class = if g.tripped { " class=\"tripped\"" } else { "" };
        let note = g
            .note
            .as_deref()
            .map(|n| format!(" <span class=\"note\">({})</span>", prose(n)))
            .unwrap_or_default();
        let _ = writeln!(
            o,
            "<tr{class}><td data-label=\"Guard\"><code>{}</code></td><td class=\"n\" data-label=\"Planned\">{}</td><td class=\"n\" data-label=\"Limit\">{}</td><td data-label=\"Headroom\">{}{note}</td><td data-label=\"Verdict\">{}</td></tr>",
            escape(&g.guard),
            thousands(g.actual),
            g.limit_text(),
            escape(&g.headroom()),
            g.verdict()
        );
    }
    let _ = writeln!(o, "</tbody></table>\n</details>");
}

/// The changes per field and per department.
pub(super) fn rollups(o: &mut String, review: &Review) {
    if !review.by_field.is_empty() {
        let _ = writeln!(
            o,
            "<h2 id=\"by_field\">Changes by field</h2>\n<table class=\"cards\"><thead><tr><th>Field</th><th>People</th><th>Cleared</th></tr></thead><tbody>"
        );
        for f in &review.by_field {
            let _ = writeln!(
                o,
                "<tr><td data-label=\"Field\"><code>{}</code></td><td class=\"n\" data-label=\"People\">{}</td><td class=\"n\" data-label=\"Cleared\">{}</td></tr>",
                val(&f.field),
                thousands(f.people),
                thousands(f.cleared)
            );
        }
        let _ = writeln!(o, "</tbody></table>");
    }
    if !review.by_department.is_empty() {
        let columns = review.department_columns();
        let _ = write!(
            o,
            "<h2 id=\"by_department\">Changes by department</h2>\n<table class=\"cards\"><thead><tr>"
        );
        for c in columns {
            let _ = write!(o, "<th>{c}</th>");
        }
        let _ = writeln!(o, "</tr></thead><tbody>");
        for d in &review.by_department {
            let _ = write!(
                o,
                "<tr><td data-label=\"{}\">{}</td>",
                columns[0],
                val(&d.name)
            );
            for (label, n) in columns[1..].iter().zip(d.counts()) {
                let _ = write!(
                    o,
                    "<td class=\"n\" data-label=\"{label}\">{}</td>",
                    thousands(n)
                );
            }
            let _ = writeln!(o, "</tr>");
        }
        let _ = writeln!(o, "</tbody></table>");
        if let Some(more) = review.more_departments() {
            let _ = writeln!(o, "<p class=\"note\">{}</p>", escape(&more));
        }
    }
}

/// Links to the detail sections.
pub(super) fn contents(o: &mut String, review: &Review) {
    if review.sections.is_empty() {
        return;
    }
    let _ = write!(o, "<nav class=\"contents\"><h2>Contents</h2><ul>");
    for s in &review.sections {
        let _ = write!(o, "<li><a href=\"#{}\">{}</a></li>", s.id, escape(&s.title));
    }
    let _ = writeln!(o, "</ul></nav>");
}

/// A detail section: a `<details>` with the section's anchor (and, for people, the category
/// the filter uses), its paragraphs and its table, one row per line.
pub(super) fn detail(o: &mut String, s: &Section) {
    let people = s.lines.iter().any(|l| !matches!(l.who, Who::Nobody));
    let category = if people {
        format!(" data-category=\"{}\"", s.id)
    } else {
        String::new()
    };
    let _ = writeln!(
        o,
        "<details class=\"section\" id=\"{}\"{category}{}>\n<summary><h2>{}</h2></summary>",
        s.id,
        if s.open { " open" } else { "" },
        escape(&s.title)
    );
    for p in &s.intro {
        let _ = writeln!(o, "<p class=\"note\">{}</p>", prose(p));
    }
    let _ = write!(o, "<table class=\"cards\"><thead><tr>");
    for c in &s.columns {
        let _ = write!(o, "<th>{c}</th>");
    }
    let _ = writeln!(o, "</tr></thead><tbody>");
    let mut cells = String::new();
    for l in &s.lines {
        cells.clear();
        for (i, c) in l.cells.iter().enumerate() {
            let label = s.columns.get(i).copied().unwrap_or("");
            let class = if matches!(c, Cell::Number(_)) {
                " class=\"n\""
            } else {
                ""
            };
            let _ = write!(cells, "<td{class} data-label=\"{label}\">");
            render_cell(&mut cells, c);
            cells.push_str("</td>");
        }
        person_row_into(o, l.who, &cells);
        o.push('\n');
    }
    let _ = writeln!(o, "</tbody></table>\n</details>");
}

fn render_cell(out: &mut String, c: &Cell) {
    match c {
        Cell::Number(n) => {
            let _ = write!(out, "{n}");
        }
        Cell::Value(v) => val_into(out, v),
        Cell::Prose(p) => out.push_str(&prose(p)),
        Cell::Changes(changes) => {
            if changes.is_empty() {
                return;
            }
            out.push_str("<ul class=\"changes\">");
            for ch in changes {
                out.push_str("<li><code>");
                val_into(out, &ch.field);
                out.push_str("</code> <span class=\"old\">");
                val_into(out, &ch.old);
                out.push_str("</span> → <span class=\"new\">");
                val_into(out, &ch.new);
                out.push_str("</span></li>");
            }
            out.push_str("</ul>");
        }
    }
}
