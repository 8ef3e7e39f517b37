//! Compiler-style diagnostics for mapping files: every problem at once, each pointing at a byte
//! span of the file, rendered as `file:line:column`, the source line, a caret under the
//! offending text, and a hint.
//!
//! This module only collects and renders; it does not decide what is wrong.

use std::fmt::Write as _;
use std::ops::Range;

/// One problem in a mapping file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Byte range in the mapping text (empty when the problem has no place, e.g. a missing key).
    pub span: Range<usize>,
    /// What is wrong, one sentence, values in backticks.
    pub message: String,
    /// A short label printed after the carets.
    pub label: String,
    /// What to do about it.
    pub hint: Option<String>,
}

/// Problems found so far, in the order they were found.
#[derive(Debug, Default)]
pub(crate) struct Diagnostics {
    pub(crate) items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// Records a problem.
    pub(crate) fn error(&mut self, span: Range<usize>, message: impl Into<String>, label: &str) {
        self.items.push(Diagnostic {
            span,
            message: message.into(),
            label: label.to_string(),
            hint: None,
        });
    }

    /// Records a problem with a hint.
    pub(crate) fn error_hint(
        &mut self,
        span: Range<usize>,
        message: impl Into<String>,
        label: &str,
        hint: Option<String>,
    ) {
        self.items.push(Diagnostic {
            span,
            message: message.into(),
            label: label.to_string(),
            hint,
        });
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

/// `did you mean `x`?` when a candidate is within typo distance of `word`.
pub(crate) fn did_you_mean<'a, I>(word: &str, candidates: I) -> Option<String>
where
    I: IntoIterator<Item = &'a str>,
{
    let candidates: Vec<&str> = candidates.into_iter().collect();
    crate::suggest::closest(word, candidates.iter().copied())
        .or_else(|| transposed(word, &candidates))
        .map(|s| format!("did you mean `{s}`?"))
}

/// A candidate that is `word` with two neighbouring letters swapped (`emial` -> `email`),
/// which plain Levenshtein counts as two edits.
fn transposed<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let w: Vec<char> = word.to_lowercase().chars().collect();
    candidates.iter().copied().find(|c| {
        let c: Vec<char> = c.to_lowercase().chars().collect();
        if c.len() != w.len() {
            return false;
        }
        let diff: Vec<usize> = (0..w.len()).filter(|&i| w[i] != c[i]).collect();
        matches!(diff.as_slice(), [a, b] if *b == a + 1 && w[*a] == c[*b] && w[*b] == c[*a])
    })
}

/// 1-based line and column (in characters) of a byte offset, and the line's text.
fn locate(text: &str, offset: usize) -> (usize, usize, &str) {
    let offset = offset.min(text.len());
    // Step back to a character boundary so slicing never panics on odd spans.
    let mut at = offset;
    while at > 0 && !text.is_char_boundary(at) {
        at -= 1;
    }
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    let line_no = text[..line_start].matches('\n').count() + 1;
    let col = text[line_start..at].chars().count() + 1;
    let line = text[line_start..line_end].trim_end_matches('\r');
    (line_no, col, line)
}

/// Renders diagnostics as plain text (no colour: the message must read the same without it).
///
/// ```text
/// error: unknown key `transfrom` in field `title`
///   --> mappings/acme.toml:12:1
///    |
/// 12 | transfrom = ["trim"]
///    | ^^^^^^^^^ unknown key
///    = hint: did you mean `transform`?
/// ```
pub fn render(path: &str, text: &str, diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for (i, d) in diagnostics.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let (line_no, col, line) = locate(text, d.span.start);
        let gutter = line_no.to_string().len();
        let pad = " ".repeat(gutter);
        let _ = writeln!(out, "error: {}", d.message);
        let _ = writeln!(out, "{pad}--> {path}:{line_no}:{col}");
        let _ = writeln!(out, "{pad} |");
        let _ = writeln!(out, "{line_no} | {line}");
        let line_chars = line.chars().count();
        let span_text = text
            .get(d.span.start.min(text.len())..d.span.end.min(text.len()))
            .unwrap_or("");
        // Underline the span on its first line only; at least one caret.
        let width = span_text
            .split('\n')
            .next()
            .map_or(0, |s| s.chars().count())
            .min(line_chars.saturating_sub(col - 1))
            .max(1);
        let _ = writeln!(
            out,
            "{pad} | {}{} {}",
            " ".repeat(col - 1),
            "^".repeat(width),
            d.label
        );
        if let Some(h) = &d.hint {
            let _ = writeln!(out, "{pad} = hint: {h}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_line_column_and_caret() {
        let text = "[a]\nkey = 1\n  transfrom = 2\n";
        let start = text.find("transfrom").unwrap_or(0);
        let d = Diagnostic {
            span: start..start + 9,
            message: "unknown key `transfrom`".into(),
            label: "unknown key".into(),
            hint: Some("did you mean `transform`?".into()),
        };
        let out = render("m.toml", text, &[d]);
        assert_eq!(
            out,
            "error: unknown key `transfrom`\n --> m.toml:3:3\n  |\n3 |   transfrom = 2\n  |   ^^^^^^^^^ unknown key\n  = hint: did you mean `transform`?\n"
        );
    }

    #[test]
    fn odd_spans_never_panic() {
        let text = "é = 1";
        for span in [0..0, 1..2, 4..100, 100..200] {
            let d = Diagnostic {
                span,
                message: "m".into(),
                label: String::new(),
                hint: None,
            };
            assert!(render("m", text, &[d]).contains("m:1:"));
        }
    }
}
