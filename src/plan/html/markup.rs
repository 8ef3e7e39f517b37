//! Markup helpers: escaping, and the page's repeated pieces (a section, a table group, a
//! person's row).

use std::fmt::Write;

use crate::diff::Category;
use crate::plan::review::Who;
use crate::plan::safe::neutralize;

/// HTML-escapes text for element content and quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape_into(&mut out, text);
    out
}

/// [`escape`], appended to `out`: the text between characters that need escaping is copied
/// as it is.
pub(super) fn escape_into(out: &mut String, text: &str) {
    let mut plain = 0;
    for (i, b) in text.bytes().enumerate() {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        // An ASCII byte is always a whole character: `plain..i` is on character boundaries.
        out.push_str(&text[plain..i]);
        out.push_str(entity);
        plain = i + 1;
    }
    out.push_str(&text[plain..]);
}

/// A value for a table cell: neutralized, then escaped.
pub(super) fn val(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    val_into(&mut out, text);
    out
}

/// [`val`], appended to `out`.
pub(super) fn val_into(out: &mut String, text: &str) {
    escape_into(out, &neutralize(text));
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

/// Our words for the page: escaped, and each span between backticks as `<code>` (an
/// unpaired backtick stays a backtick).
pub(super) fn prose(text: &str) -> String {
    let escaped = escape(text);
    let parts: Vec<&str> = escaped.split('`').collect();
    let mut out = String::with_capacity(escaped.len() + 16);
    let paired = parts.len() % 2 == 1;
    for (i, part) in parts.iter().enumerate() {
        let last = i + 1 == parts.len();
        match (i % 2 == 1, paired || !last) {
            (true, true) => {
                let _ = write!(out, "<code>{part}</code>");
            }
            (true, false) => {
                out.push('`');
                out.push_str(part);
            }
            (false, _) => out.push_str(part),
        }
    }
    out
}

/// What the page's search looks in, folded as its script folds the query (see
/// [`fold_into`]): the name, the work emails and the payroll id, joined by spaces.
pub(super) fn search_text(parts: &[Option<&str>]) -> String {
    let mut out = String::new();
    for (i, part) in parts.iter().flatten().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        fold_into(&mut out, part);
    }
    out
}

/// Appends `text` in lower case without accents, so `renee` finds `Renée` and `lukasz` finds
/// `Łukasz`: the canonical decomposition without its combining marks, and a few letters that
/// have no decomposition spelled as ASCII. The page's script (`assets::SCRIPT`, `fold`) does
/// the same.
fn fold_into(out: &mut String, text: &str) {
    if text.is_ascii() {
        // Nothing to decompose: only the case to fold (most names and every email).
        out.extend(text.bytes().map(|b| char::from(b.to_ascii_lowercase())));
    } else {
        fold_decomposed_into(out, text);
    }
}

/// [`fold_into`] on its own.
#[cfg(test)]
fn fold_for_search(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    fold_into(&mut out, text);
    out
}

/// [`fold_into`] for any text, ASCII or not.
fn fold_decomposed_into(out: &mut String, text: &str) {
    use unicode_normalization::UnicodeNormalization;
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
}

/// A table row of already rendered `cells`, appended to `out`; a row about a person carries
/// their category and search text for the page's filter and search.
pub(super) fn person_row_into(out: &mut String, who: Who<'_>, cells: &str) {
    let (category, search) = match who {
        Who::Row(r) => (
            r.category.as_str(),
            search_text(&[
                Some(&r.name),
                r.charthop_email.as_deref(),
                r.target.get("contact.workEmail").map(String::as_str),
                r.key.as_deref(),
            ]),
        ),
        Who::Absent(a) => (
            "absent",
            search_text(&[
                Some(&a.name),
                Some(&a.charthop_email),
                Some(a.key.as_str()).filter(|k| !k.is_empty()),
            ]),
        ),
        Who::Nobody => {
            out.push_str("<tr>");
            out.push_str(cells);
            out.push_str("</tr>");
            return;
        }
    };
    out.push_str("<tr class=\"person\" data-category=\"");
    out.push_str(category);
    out.push_str("\" data-name=\"");
    escape_into(out, &search);
    out.push_str("\">");
    out.push_str(cells);
    out.push_str("</tr>");
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

    #[test]
    fn ascii_text_folds_as_any_text_does() {
        let every: String = (' '..='~').collect();
        for text in [
            every.as_str(),
            "JOHN O'Neil-Smith 1001",
            "A.B@X.Example",
            "",
        ] {
            let mut decomposed = String::new();
            fold_decomposed_into(&mut decomposed, text);
            assert_eq!(fold_for_search(text), decomposed, "{text}");
        }
    }

    #[test]
    fn escaping_copies_the_text_between_entities_whole() {
        for (text, escaped) in [
            ("", ""),
            ("plain é text", "plain é text"),
            (
                "<a href=\"x\">O'Neil & Ærø</a>",
                "&lt;a href=&quot;x&quot;&gt;O&#39;Neil &amp; Ærø&lt;/a&gt;",
            ),
            ("&&", "&amp;&amp;"),
            ("ends with >", "ends with &gt;"),
        ] {
            assert_eq!(escape(text), escaped, "{text}");
        }
    }

    #[test]
    fn a_persons_row_carries_their_category_and_search_text() {
        let absent = crate::diff::Absent {
            job_id: "j1".into(),
            name: "Renée O'Neil".into(),
            charthop_email: "R.ONeil@X.example".into(),
            key: String::new(),
        };
        let person_row = |who| {
            let mut out = String::new();
            person_row_into(&mut out, who, "<td>x</td>");
            out
        };
        assert_eq!(
            person_row(Who::Absent(&absent)),
            "<tr class=\"person\" data-category=\"absent\" data-name=\"renee o&#39;neil r.oneil@x.example\"><td>x</td></tr>"
        );
        assert_eq!(person_row(Who::Nobody), "<tr><td>x</td></tr>");
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
    fn prose_shows_code_spans_and_escapes_the_rest() {
        assert_eq!(
            prose("set `[key] trust` & <plan>"),
            "set <code>[key] trust</code> &amp; &lt;plan&gt;"
        );
        assert_eq!(prose("a leading `'`."), "a leading <code>&#39;</code>.");
        assert_eq!(prose("one ` alone"), "one ` alone");
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
