//! Markup helpers: escaping, and the page's repeated pieces (a section, a table group, a
//! person's row).

use std::fmt::Write;

use crate::diff::{Category, RowChange};
use crate::plan::safe::neutralize;

/// HTML-escapes text for element content and quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// A value for a table cell: neutralized, then escaped.
pub(super) fn val(text: &str) -> String {
    escape(&neutralize(text))
}

/// A category's heading.
pub(super) fn title(c: Category) -> &'static str {
    match c {
        Category::NewHire => "New hires",
        Category::Rehire => "Rehires",
        Category::EmailChange => "Work email changes",
        Category::ScheduledDeparture => "Scheduled departures",
        Category::Update => "Updates",
        Category::Departure => "Departures",
        Category::Unchanged => "Unchanged",
        Category::Conflict => "Conflicts",
        Category::Rejected => "Rejected",
    }
}

/// Opens a `<section>` for a category, with its heading and note; the caller closes it.
pub(super) fn section(o: &mut String, category: &str, heading: &str, note: &str) {
    let _ = writeln!(
        o,
        "<section data-category=\"{category}\">\n<h2>{}</h2>",
        escape(heading)
    );
    if !note.is_empty() {
        let _ = writeln!(o, "<p class=\"note\">{}</p>", escape(note));
    }
}

/// Opens a group (`<div class="group">`, an optional already-escaped heading, a table with
/// its header row); the caller closes `</table></div>`.
pub(super) fn group(o: &mut String, heading: Option<&str>, columns: &[&str]) {
    let _ = writeln!(o, "<div class=\"group\">");
    if let Some(h) = heading {
        let _ = writeln!(o, "<h3>{h}</h3>");
    }
    let _ = write!(o, "<table><tr>");
    for c in columns {
        let _ = write!(o, "<th>{c}</th>");
    }
    let _ = writeln!(o, "</tr>");
}

/// A person's row: their export row number and name, then `cells` (already escaped).
pub(super) fn person(r: &RowChange, cells: &[String]) -> String {
    let mut tr = format!(
        "<tr class=\"person\" data-category=\"{}\" data-name=\"{}\"><td class=\"n\">{}</td><td>{}</td>",
        r.category.as_str(),
        escape(&r.name.to_lowercase()),
        r.row,
        val(&r.name)
    );
    for c in cells {
        let _ = write!(tr, "<td>{c}</td>");
    }
    tr.push_str("</tr>");
    tr
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_neutralizes_formulas() {
        assert_eq!(
            escape("<b>\"A&B\"</b>'"),
            "&lt;b&gt;&quot;A&amp;B&quot;&lt;/b&gt;&#39;"
        );
        assert_eq!(val("=cmd|' /C calc'!A0"), "&#39;=cmd|&#39; /C calc&#39;!A0");
    }
}
