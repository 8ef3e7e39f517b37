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
    /// Fills the template from a row into `out` (cleared first).
    pub(crate) fn render<'a, F: Fn(usize) -> &'a str>(&self, cell: &F, out: &mut String) {
        out.clear();
        let mut any = false;
        let mut raw = String::new();
        for p in &self.pieces {
            match p {
                Piece::Text(t) => raw.push_str(t),
                Piece::Column(c) => {
                    let v = cell(*c).trim();
                    any |= !v.is_empty();
                    raw.push_str(v);
                }
            }
        }
        if any {
            out.push_str(&super::transform::text::collapse_spaces(&raw));
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
