//! A Carrot filter over many rows at once: which of a listing's rows it keeps, with each
//! `:` comparison searched over all the rows' texts in one run (see [`Joined`]) instead of
//! row by row, and over texts joined beforehand when the caller keeps them
//! ([`RowTexts::joined`]). The answers are those of [`Expr::matches`] row by row.
//!
//! Layering: above `carrot` (the filter) and `needles`.

use std::sync::Arc;

use crate::carrot::{Expr, Texts};
use crate::needles::Joined;

/// A listing's rows as a filter reads them.
pub struct RowTexts<'l, 'a, F> {
    /// How many rows: they are numbered `0..rows`.
    pub rows: usize,
    /// A row's texts of a field.
    pub lookup: &'l dyn Fn(usize, F) -> Texts<'a>,
    /// Every row's texts of a field joined as [`joined_texts`] joins them, when the caller
    /// keeps them (`None`: joined here, for the rows a comparison looks at).
    pub joined: &'l dyn Fn(F) -> Option<Arc<Joined>>,
}

/// The texts of `field` of the rows `0..rows`, joined for searching, each under its row
/// number; a row with no text is searched as `""`, as [`Expr::matches`] does.
pub fn joined_texts<'a, F: Copy>(
    rows: usize,
    field: F,
    lookup: &dyn Fn(usize, F) -> Texts<'a>,
) -> Joined {
    join((0..rows).map(|row| (row, row)), field, lookup)
}

/// The texts of `field` of each `(mark, row)`'s row, each under `mark`.
fn join<'a, F: Copy>(
    rows: impl Iterator<Item = (usize, usize)>,
    field: F,
    lookup: &dyn Fn(usize, F) -> Texts<'a>,
) -> Joined {
    let mut joined = Joined::default();
    for (mark, row) in rows {
        match lookup(row, field) {
            Texts::One(text) => joined.push(mark, text),
            Texts::Owned(list) if list.is_empty() => joined.push(mark, ""),
            Texts::Owned(list) => {
                for text in &list {
                    joined.push(mark, text);
                }
            }
        }
    }
    joined
}

impl<F: Copy> Expr<F> {
    /// For each of the rows, whether it matches. `&&` looks only at the rows its earlier
    /// parts kept, `||` only at the rows its earlier parts did not.
    pub fn matching_rows(&self, rows: &RowTexts<'_, '_, F>) -> Vec<bool> {
        let all: Vec<usize> = (0..rows.rows).collect();
        let kept = self.keep(&all, rows);
        let mut out = vec![false; rows.rows];
        for (row, keep) in all.into_iter().zip(kept) {
            out[row] = keep;
        }
        out
    }

    /// Whether each of `rows` (row numbers, ascending) matches, in their order.
    fn keep(&self, rows: &[usize], texts: &RowTexts<'_, '_, F>) -> Vec<bool> {
        match self {
            Expr::And(parts) | Expr::Or(parts) => {
                let and = matches!(self, Expr::And(_));
                // Start from what an empty `&&` (all) or `||` (none) holds.
                let mut answer = vec![and; rows.len()];
                for part in parts {
                    // The rows this part can still change: kept ones for `&&`, others for `||`.
                    let open: Vec<usize> = (0..rows.len()).filter(|&i| answer[i] == and).collect();
                    if open.is_empty() {
                        break;
                    }
                    let asked: Vec<usize> = open.iter().map(|&i| rows[i]).collect();
                    for (i, keep) in open.into_iter().zip(part.keep(&asked, texts)) {
                        answer[i] = keep;
                    }
                }
                answer
            }
            Expr::Match { field, needles } if needles.can_search_joined() => {
                let mut marks = vec![false; rows.len()];
                match (texts.joined)(*field) {
                    // Every row's texts: mark those asked about (`rows` is ascending).
                    Some(all) => {
                        needles.search_joined(&all, |row| {
                            if let Ok(i) = rows.binary_search(&row) {
                                marks[i] = true;
                            }
                        });
                    }
                    None => {
                        let asked = join(rows.iter().copied().enumerate(), *field, texts.lookup);
                        needles.search_joined(&asked, |i| marks[i] = true);
                    }
                }
                marks
            }
            Expr::Match { .. } | Expr::Cmp { .. } => rows
                .iter()
                .map(|&row| self.matches(&|f| (texts.lookup)(row, f)))
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::{RowTexts, joined_texts};
    use crate::carrot::{Expr, Texts, parse};
    use crate::catalogue::Catalogue;
    use crate::fields::FieldCode;

    /// Rows of (first name, email, titles: a list field).
    const ROWS: [(&str, &str, &[&str]); 5] = [
        ("Ada", "ada@x.example", &["a", "b"]),
        ("Grace", "GRACE@x.example", &[]),
        ("", "", &["c"]),
        ("Émile", "emile@y.example", &["b"]),
        ("Alan", "alan@x.example", &[]),
    ];

    fn lookup(row: usize, field: FieldCode) -> Texts<'static> {
        let (first, email, tags) = ROWS[row];
        match field {
            FieldCode::NameFirst => Texts::One(first),
            FieldCode::WorkEmail => Texts::One(email),
            _ => Texts::Owned(tags.iter().map(|t| t.to_string()).collect()),
        }
    }

    #[test]
    fn many_rows_at_once_answer_as_each_row_would() {
        let catalogue = Catalogue::default();
        for q in [
            "name.first:ad,gr",
            "contact.workEmail:x.example && name.first:a",
            "name.first:é || contact.workEmail:alan,grace",
            "name.first: || name.first:*",
            "(name.first:a || name.first:g) && contact.workEmail:x.",
            "name.first=alan || contact.workEmail:y.",
            "name.first!=ada && name.first:a",
            "title:b || title:",
            "title:c,a && contact.workEmail:x",
        ] {
            let f: Expr = parse(q, &catalogue).unwrap_or_else(|e| panic!("{q}: {e}"));
            let one_by_one: Vec<bool> = (0..ROWS.len())
                .map(|row| f.matches(&|field| lookup(row, field)))
                .collect();
            let joined_here = RowTexts {
                rows: ROWS.len(),
                lookup: &lookup,
                joined: &|_| None,
            };
            assert_eq!(f.matching_rows(&joined_here), one_by_one, "{q}");
            // The same with every field's texts joined beforehand, as a caller keeps them.
            let kept = |field| Some(Arc::new(joined_texts(ROWS.len(), field, &lookup)));
            let joined_before = RowTexts {
                joined: &kept,
                ..joined_here
            };
            assert_eq!(f.matching_rows(&joined_before), one_by_one, "{q}");
        }
    }
}
