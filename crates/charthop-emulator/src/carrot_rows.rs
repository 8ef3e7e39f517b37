//! A Carrot filter over many rows at once: which of a listing's rows it keeps, with each
//! `:` comparison searched over all the rows' texts in one run (see [`Joiner`])
//! instead of row by row. The answers are those of [`Expr::matches`] row by row.
//!
//! Layering: above `carrot` (the filter) and `needles`.

use crate::carrot::{Expr, Texts};
#[cfg(doc)]
use crate::needles::Joiner;

impl<F: Copy> Expr<F> {
    /// For each of the rows `0..rows`, whether it matches: `lookup(row, field)` gives a
    /// field's texts. `&&` looks only at the rows its earlier parts kept, `||` only at the
    /// rows its earlier parts did not.
    pub fn matching_rows<'a>(
        &self,
        rows: usize,
        lookup: &dyn Fn(usize, F) -> Texts<'a>,
    ) -> Vec<bool> {
        let all: Vec<usize> = (0..rows).collect();
        let kept = self.keep(&all, lookup);
        let mut out = vec![false; rows];
        for (row, keep) in all.into_iter().zip(kept) {
            out[row] = keep;
        }
        out
    }

    /// Whether each of `rows` (row numbers) matches, in their order.
    fn keep<'a>(&self, rows: &[usize], lookup: &dyn Fn(usize, F) -> Texts<'a>) -> Vec<bool> {
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
                    for (i, keep) in open.into_iter().zip(part.keep(&asked, lookup)) {
                        answer[i] = keep;
                    }
                }
                answer
            }
            Expr::Match { field, needles } => {
                let mut marks = vec![false; rows.len()];
                let mut joiner = needles.joiner();
                for (i, &row) in rows.iter().enumerate() {
                    match lookup(row, *field) {
                        Texts::One(text) => joiner.push(i, text, &mut marks),
                        // A field with no text is searched as `""`, as `matches` does.
                        Texts::Owned(list) if list.is_empty() => joiner.push(i, "", &mut marks),
                        Texts::Owned(list) => {
                            for text in &list {
                                joiner.push(i, text, &mut marks);
                            }
                        }
                    }
                }
                joiner.finish(&mut marks);
                marks
            }
            Expr::Cmp { .. } => rows
                .iter()
                .map(|&row| self.matches(&|f| lookup(row, f)))
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
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
            assert_eq!(f.matching_rows(ROWS.len(), &lookup), one_by_one, "{q}");
        }
    }
}
