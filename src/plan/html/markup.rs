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

/// What the page's search looks in, folded as its script folds the query (see
/// [`fold_for_search`]): the name, the work emails and the payroll id.
pub(super) fn search_text(parts: &[Option<&str>]) -> String {
    let joined: Vec<&str> = parts.iter().flatten().copied().collect();
    fold_for_search(&joined.join(" "))
}

/// Lower case without accents, so `renee` finds `Renée` and `lukasz` finds `Łukasz`: the
/// canonical decomposition without its combining marks, and a few letters that have no
/// decomposition spelled as ASCII. The page's script (`assets::SCRIPT`, `fold`) does the same.
pub(super) fn fold_for_search(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let mut out = String::with_capacity(text.len());
    for c in text.nfd().flat_map(char::to_lowercase) {
        match c {
            '\u{0300}'..='\u{036f}' => {}
            'ł' => out.push('l'),
            'ø' => out.push('o'),
            'đ' => out.push('d'),
            'ı' => out.push('i'),
            'ß' => out.push_str("ss"),
            'æ' => out.push_str("ae"),
            'œ' => out.push_str("oe"),
            c => out.push(c),
        }
    }
    out
}

/// A person's row: their export row number and name, then `cells` (already escaped).
pub(super) fn person(r: &RowChange, cells: &[String]) -> String {
    let search = search_text(&[
        Some(&r.name),
        r.charthop_email.as_deref(),
        r.target.get("contact.workEmail").map(String::as_str),
        r.key.as_deref(),
    ]);
    let mut tr = format!(
        "<tr class=\"person\" data-category=\"{}\" data-name=\"{}\"><td class=\"n\">{}</td><td>{}</td>",
        r.category.as_str(),
        escape(&search),
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

    const NAMES: [&str; 6] = [
        "Renée Gauthier",
        "Łukasz Nowicki",
        "Søren Kierkegaard",
        "JOSÉ GARCÍA",
        "Ngọc Trần",
        "Straße Ærø",
    ];

    #[test]
    fn search_text_ignores_case_and_accents() {
        let folded: Vec<String> = NAMES.iter().map(|n| fold_for_search(n)).collect();
        assert_eq!(
            folded,
            [
                "renee gauthier",
                "lukasz nowicki",
                "soren kierkegaard",
                "jose garcia",
                "ngoc tran",
                "strasse aero"
            ]
        );
        assert_eq!(
            search_text(&[Some("Renée"), None, Some("renee@x.example"), Some("1001")]),
            "renee renee@x.example 1001"
        );
    }

    /// The page's script folds a query exactly as the rows' search text is folded. Needs
    /// Node.js to run the script; skipped with a line saying so where there is none.
    #[test]
    fn the_pages_fold_agrees_with_the_rows_fold() {
        let names = serde_json::to_string(&NAMES).unwrap_or_default();
        let program = format!(
            "{}\nprocess.stdout.write(JSON.stringify({names}.map(fold)));",
            super::super::assets::FOLD
        );
        let out = match std::process::Command::new("node")
            .args(["-e", &program])
            .output()
        {
            Ok(out) => out,
            Err(e) => {
                eprintln!(
                    "skipped: no Node.js to run the page's script ({e}); install nodejs to run this test"
                );
                return;
            }
        };
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let js: Vec<String> = serde_json::from_slice(&out.stdout).unwrap_or_default();
        let rust: Vec<String> = NAMES.iter().map(|n| fold_for_search(n)).collect();
        assert_eq!(js, rust);
    }

    #[test]
    fn escapes_markup_and_neutralizes_formulas() {
        assert_eq!(
            escape("<b>\"A&B\"</b>'"),
            "&lt;b&gt;&quot;A&amp;B&quot;&lt;/b&gt;&#39;"
        );
        assert_eq!(val("=cmd|' /C calc'!A0"), "&#39;=cmd|&#39; /C calc&#39;!A0");
    }
}
