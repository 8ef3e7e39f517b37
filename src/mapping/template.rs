//! Templates: `template = "{Legal First Name} {Last Name}"` builds a value from several
//! columns. `{{` and `}}` are literal braces. The result has its whitespace collapsed, so a
//! blank middle name leaves no double space; it is blank when every column it names is blank.

use std::ops::Range;

use super::Columns;
use super::spec::Reader;

/// A compiled template.
#[derive(Debug, Clone)]
pub(crate) struct Template {
    pieces: Vec<Piece>,
}

#[derive(Debug, Clone)]
enum Piece {
    Text(String),
    Column(usize),
}

impl Template {
    /// Fills the template from a row into `out` (cleared first), collapsing whitespace as
    /// it goes (the text of [`collapse_spaces`](super::transform::text::collapse_spaces) on
    /// the whole), without a string of its own.
    pub(crate) fn render<'a, F: Fn(usize) -> &'a str>(&self, cell: &F, out: &mut String) {
        out.clear();
        let mut any = false;
        let mut space = false;
        for p in &self.pieces {
            let text = match p {
                Piece::Text(t) => t.as_str(),
                Piece::Column(c) => {
                    let v = cell(*c).trim();
                    any |= !v.is_empty();
                    v
                }
            };
            for c in text.chars() {
                if c.is_whitespace() {
                    space = true;
                    continue;
                }
                if space && !out.is_empty() {
                    out.push(' ');
                }
                space = false;
                out.push(c);
            }
        }
        if !any {
            out.clear();
        }
    }

    /// The columns it names.
    pub(crate) fn columns(&self) -> impl Iterator<Item = usize> + '_ {
        self.pieces.iter().filter_map(|p| match p {
            Piece::Column(c) => Some(*c),
            Piece::Text(_) => None,
        })
    }
}

/// Compiles a template string; `span` is the string's place in the mapping (its opening quote).
pub(crate) fn parse(
    r: &mut Reader,
    text: &str,
    span: Range<usize>,
    cols: &mut Columns,
) -> Option<Template> {
    let mut pieces = Vec::new();
    let mut lit = String::new();
    let mut chars = text.char_indices().peekable();
    // Offsets inside the string map to the file when the string has no escapes (the usual
    // case); otherwise the whole string is pointed at.
    let at = |i: usize, len: usize| {
        let start = span.start + 1 + i;
        if span.end.saturating_sub(span.start) == text.len() + 2 {
            start..start + len
        } else {
            span.clone()
        }
    };
    while let Some((i, c)) = chars.next() {
        match c {
            '{' if chars.peek().map(|x| x.1) == Some('{') => {
                chars.next();
                lit.push('{');
            }
            '}' if chars.peek().map(|x| x.1) == Some('}') => {
                chars.next();
                lit.push('}');
            }
            '{' => {
                let rest = &text[i + 1..];
                let Some(end) = rest.find('}') else {
                    r.diags.error_hint(
                        at(i, 1),
                        "the template has an unclosed `{`",
                        "unclosed",
                        Some("write `{{` for a literal brace".into()),
                    );
                    return None;
                };
                let name = &rest[..end];
                if name.trim().is_empty() {
                    r.diags
                        .error(at(i, end + 2), "the template has an empty `{}`", "empty");
                    return None;
                }
                if !lit.is_empty() {
                    pieces.push(Piece::Text(std::mem::take(&mut lit)));
                }
                pieces.push(Piece::Column(cols.intern(name, at(i + 1, name.len()))));
                for _ in 0..name.chars().count() + 1 {
                    chars.next();
                }
            }
            '}' => {
                r.diags.error_hint(
                    at(i, 1),
                    "the template has a `}` with no `{`",
                    "unmatched",
                    Some("write `}}` for a literal brace".into()),
                );
                return None;
            }
            _ => lit.push(c),
        }
    }
    if !lit.is_empty() {
        pieces.push(Piece::Text(lit));
    }
    if !pieces.iter().any(|p| matches!(p, Piece::Column(_))) {
        r.diags.error_hint(
            span,
            "the template names no column",
            "no column",
            Some("name columns in braces: `\"{First Name} {Last Name}\"`".into()),
        );
        return None;
    }
    Some(Template { pieces })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_and_collapses() {
        let mut r = Reader::new();
        let mut cols = Columns::default();
        let t = parse(&mut r, "{First} {Middle} {Last} {{x}}", 0..32, &mut cols);
        assert!(r.diags.is_empty());
        let Some(t) = t else { panic!("no template") };
        let cell = |c: usize| ["Ada", "", "Lovelace"][c];
        let mut out = String::new();
        t.render(&cell, &mut out);
        assert_eq!(out, "Ada Lovelace {x}");
        let blank = |_c: usize| " ";
        t.render(&blank, &mut out);
        assert_eq!(out, "");
    }

    #[test]
    fn fills_as_collapsing_the_joined_text_would() {
        let mut r = Reader::new();
        let mut cols = Columns::default();
        let t = parse(&mut r, " {A}\t-{B} {C}  x ", 0..20, &mut cols);
        let Some(t) = t else { panic!("no template") };
        let cells = ["", " ", "Ada", " Zoë  Lee ", "\u{a0}", "a\tb"];
        let mut out = String::new();
        for a in cells {
            for b in cells {
                for c in cells {
                    let cell = |i: usize| [a, b, c][i];
                    t.render(&cell, &mut out);
                    let raw = format!(" {}\t-{} {}  x ", a.trim(), b.trim(), c.trim());
                    let any = [a, b, c].iter().any(|v| !v.trim().is_empty());
                    let want = if any {
                        crate::mapping::transform::text::collapse_spaces(&raw)
                    } else {
                        String::new()
                    };
                    assert_eq!(out, want, "{a:?} {b:?} {c:?}");
                }
            }
        }
    }

    #[test]
    fn malformed_templates() {
        for bad in ["{First", "First}", "{}", "no columns"] {
            let mut r = Reader::new();
            let mut cols = Columns::default();
            assert!(
                parse(&mut r, bad, 0..bad.len() + 2, &mut cols).is_none(),
                "{bad}"
            );
            assert_eq!(r.diags.items.len(), 1, "{bad}");
        }
    }
}
