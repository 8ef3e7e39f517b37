//! Text an export's encoding damaged: letters a re-save could not hold.
//!
//! Saving an export as Windows-1252 (or another single-byte code page) turns every letter
//! the code page lacks into `?` (`Łukasz` -> `?ukasz`), and a decoder that gave up leaves
//! U+FFFD. Read back, such a file is valid text, so only the values tell: a `?` touching a
//! letter in a person's name, or U+FFFD in any text. Planned, they would overwrite correct
//! names in ChartHop, so the run refuses them (see `pipeline::mapped`).

use super::row::Desired;
use super::value::Value;
use super::{Field, Mapping};

/// One damaged value: where it is and what it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Damage {
    /// The row's number in the export.
    pub row: usize,
    /// The export column the field comes from, when it is one column.
    pub column: Option<String>,
    /// The ChartHop field code.
    pub field: String,
    /// The value as the export holds it (a name; never a sensitive field's value).
    pub value: String,
}

/// Whether `text` looks damaged for this field: U+FFFD anywhere, or, in a name, a `?` next
/// to a letter.
pub fn is_damaged(field: &Field, text: &str) -> bool {
    if text.contains('\u{FFFD}') {
        return true;
    }
    // The cheap test first: nearly every name has no `?` at all.
    text.contains('?') && is_name(&field.code) && question_mark_in_a_word(text)
}

/// The name fields, whose values never hold a `?` inside a word.
fn is_name(code: &str) -> bool {
    code.eq_ignore_ascii_case("name")
        || code
            .get(..5)
            .is_some_and(|p| p.eq_ignore_ascii_case("name."))
}

fn question_mark_in_a_word(text: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    chars.iter().enumerate().any(|(i, &c)| {
        c == '?'
            && (i.checked_sub(1).is_some_and(|p| chars[p].is_alphabetic())
                || chars.get(i + 1).is_some_and(|n| n.is_alphabetic()))
    })
}

impl Mapping {
    /// The first damaged text value of a mapped row, if any. Sensitive fields are not
    /// looked at (their values must not be shown).
    pub fn damage(&self, desired: &Desired) -> Option<Damage> {
        self.fields
            .iter()
            .zip(&desired.values)
            .find_map(|(field, value)| match value {
                // The cheap test first: this runs on every row.
                Some(Value::Text(text))
                    if is_damaged(field, text)
                        && !field.sensitive
                        && super::sensitivity::builtin(&field.code).is_none() =>
                {
                    Some(Damage {
                        row: desired.row,
                        column: field.column.clone(),
                        field: field.code.clone(),
                        value: text.clone(),
                    })
                }
                _ => None,
            })
    }
}

#[cfg(test)]
mod tests {
    use super::question_mark_in_a_word;

    #[test]
    fn a_question_mark_touching_a_letter_is_damage() {
        for damaged in ["?ukasz", "Wi?niewski", "Ng?c", "Tr?n", "O?Brien"] {
            assert!(question_mark_in_a_word(damaged), "{damaged}");
        }
        for fine in ["Łukasz", "Ada", "", "?", "Jo ? Ann", "Smith-Jones"] {
            assert!(!question_mark_in_a_word(fine), "{fine}");
        }
    }
}
