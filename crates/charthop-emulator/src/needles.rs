//! The values of a Carrot `:` (match) comparison, searched for all at once.
//!
//! `field:a,b,c` holds when the field contains any of the values, ignoring case. The client's
//! former-people lookup sends hundreds of values per query over an org of 100,000 people, so
//! the values are compiled once, when the filter is parsed, into one Aho-Corasick automaton:
//! each field is scanned once, whatever the number of values; and a filter over everyone
//! searches all the texts of a field in one run ([`Joined`]).
//!
//! Layering: a leaf, used by `carrot`.

use aho_corasick::AhoCorasick;

/// Lower-cased match values and the searcher built from them.
#[derive(Clone)]
pub struct Needles {
    /// The values as parsed, lower-cased (for equality and messages).
    values: Vec<String>,
    /// `*` was among them: any non-empty value matches.
    any_value: bool,
    /// The other values; `None` when there are none (or the automaton could not be built,
    /// when each value is searched on its own).
    searcher: Option<AhoCorasick>,
}

impl Needles {
    /// The values of one `:` comparison (lower-cased here). Never fails: values the automaton
    /// cannot take (it has size limits) are searched one by one instead.
    pub fn new(values: Vec<String>) -> Needles {
        let values: Vec<String> = values.into_iter().map(|v| v.to_lowercase()).collect();
        let any_value = values.iter().any(|v| v == "*");
        let words: Vec<&str> = values
            .iter()
            .map(String::as_str)
            .filter(|v| *v != "*")
            .collect();
        let searcher = if words.is_empty() {
            None
        } else {
            // ASCII case is ignored by the searcher, so ASCII texts are searched as they are.
            // Texts are short or joined ones full of near matches: a prefilter costs more than
            // it skips.
            AhoCorasick::builder()
                .ascii_case_insensitive(true)
                .prefilter(false)
                .build(&words)
                .ok()
        };
        Needles {
            values,
            any_value,
            searcher,
        }
    }

    /// Whether `actual` matches: with no values, when it is empty; with `*`, when it is not;
    /// otherwise when it contains one of the values, ignoring case.
    pub fn matches(&self, actual: &str) -> bool {
        if self.values.is_empty() {
            return actual.is_empty();
        }
        if self.any_value && !actual.is_empty() {
            return true;
        }
        let lowered;
        let actual = if !actual.is_ascii() {
            lowered = actual.to_lowercase();
            lowered.as_str()
        } else {
            actual
        };
        match &self.searcher {
            Some(s) => s.is_match(actual),
            None => {
                let actual = actual.to_ascii_lowercase();
                self.values
                    .iter()
                    .any(|v| v != "*" && actual.contains(v.as_str()))
            }
        }
    }
}

/// Joins the texts of a [`Joined`]; no value it is searched for may hold it.
const SEPARATOR: u8 = b'\n';

/// Many texts, each of a row, joined to be searched for a [`Needles`]' values in one run
/// ([`Needles::search_joined`]). Built once, it can be searched for any values: a listing's
/// texts of one field can be kept and searched by every filter on that field.
#[derive(Debug, Default)]
pub struct Joined {
    /// Every text (lower-cased when not ASCII, the searcher ignores ASCII case), each followed
    /// by the separator: no value searched for holds it, so a match lies inside one text.
    text: String,
    /// Where each text starts in `text`, and its row.
    starts: Vec<usize>,
    rows: Vec<usize>,
}

impl Joined {
    /// Adds a text of `row` (a row may have several texts).
    pub fn push(&mut self, row: usize, text: &str) {
        self.starts.push(self.text.len());
        self.rows.push(row);
        if text.is_ascii() {
            self.text.push_str(text);
        } else {
            self.text.push_str(&text.to_lowercase());
        }
        self.text.push(char::from(SEPARATOR));
    }
}

impl Needles {
    /// Whether the values can be searched in [`Joined`] texts: there is at least one, none is
    /// empty or holds a line break, and there is no `*`. Otherwise each text is given to
    /// [`matches`](Self::matches) on its own.
    pub fn can_search_joined(&self) -> bool {
        self.joined_searcher().is_some()
    }

    /// The searcher, when [`can_search_joined`](Self::can_search_joined).
    fn joined_searcher(&self) -> Option<&AhoCorasick> {
        let joinable = !self.any_value
            && self
                .values
                .iter()
                .all(|v| !v.is_empty() && !v.as_bytes().contains(&SEPARATOR));
        self.searcher.as_ref().filter(|_| joinable)
    }

    /// Calls `mark(row)` for each row of `joined` that has a text [`matches`](Self::matches)
    /// holds for (a row may be called more than once), and returns true; returns false, having
    /// called nothing, when the values cannot be searched joined
    /// ([`can_search_joined`](Self::can_search_joined)).
    pub fn search_joined(&self, joined: &Joined, mut mark: impl FnMut(usize)) -> bool {
        let Some(searcher) = self.joined_searcher() else {
            return false;
        };
        for m in searcher.find_iter(&joined.text) {
            let text = joined
                .starts
                .partition_point(|&s| s <= m.start())
                .saturating_sub(1);
            if let Some(&row) = joined.rows.get(text) {
                mark(row);
            }
        }
        true
    }
}

impl PartialEq for Needles {
    fn eq(&self, other: &Needles) -> bool {
        self.values == other.values
    }
}

impl std::fmt::Debug for Needles {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Needles").field(&self.values).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::{Joined, Needles};

    /// Marks the rows whose texts match, searched joined when the values allow it, else text
    /// by text.
    fn mark_all<'t>(
        n: &Needles,
        texts: impl Iterator<Item = (usize, &'t str)> + Clone,
        marks: &mut [bool],
    ) {
        let mut joined = Joined::default();
        for (row, text) in texts.clone() {
            joined.push(row, text);
        }
        let searched = n.search_joined(&joined, |row| marks[row] = true);
        assert_eq!(searched, n.can_search_joined());
        if !searched {
            for (row, text) in texts {
                marks[row] |= n.matches(text);
            }
        }
    }

    fn needles(values: &[&str]) -> Needles {
        Needles::new(values.iter().map(|v| v.to_string()).collect())
    }

    #[test]
    fn any_value_is_found_anywhere_ignoring_case() {
        let n = needles(&["Smith", "7b"]);
        assert!(n.matches("Agent SMITH"));
        assert!(n.matches("6a07b1"));
        assert!(n.matches("smith"));
        assert!(!n.matches("smit"));
        assert!(!n.matches(""));
    }

    #[test]
    fn star_means_any_value_and_no_values_means_empty() {
        assert!(needles(&["*"]).matches("x"));
        assert!(!needles(&["*"]).matches(""));
        assert!(needles(&["*", "zz"]).matches("x"));
        assert!(needles(&[]).matches(""));
        assert!(!needles(&[]).matches("x"));
    }

    #[test]
    fn marking_many_texts_at_once_answers_as_each_text_would() {
        let texts = [
            "Ada@X.example",
            "",
            "q1p10@x.example",
            "p500@x.example",
            "Émile P2@x.example",
            "p",
            "line\nbreak",
        ];
        let values: Vec<String> = (0..20).map(|i| format!("p{i}@x.example")).collect();
        // The values, and whether they can be searched joined.
        let cases = [
            (needles(&["ada", "p2@"]), true),
            (Needles::new(values), true),
            (needles(&["*"]), false),
            (needles(&[]), false),
            (needles(&["e\nb"]), false),
            (needles(&[""]), false),
            (needles(&["É"]), true),
        ];
        for (n, joined) in cases {
            assert_eq!(n.can_search_joined(), joined, "{n:?}");
            let one_by_one: Vec<bool> = texts.iter().map(|t| n.matches(t)).collect();
            let mut marks = vec![false; texts.len()];
            mark_all(&n, texts.iter().copied().enumerate(), &mut marks);
            assert_eq!(marks, one_by_one, "{n:?}");
        }
        // Several texts for one row: any of them marks it.
        let mut marks = vec![false; 2];
        mark_all(
            &needles(&["zz"]),
            [(1, "a"), (1, "xzzx"), (0, "z")].into_iter(),
            &mut marks,
        );
        assert_eq!(marks, [false, true]);
    }

    #[test]
    fn many_values_match_as_one_by_one_would() {
        let values: Vec<String> = (0..500).map(|i| format!("p{i}@x.example")).collect();
        let n = Needles::new(values.clone());
        for i in [0, 250, 499] {
            assert!(n.matches(&format!("P{i}@X.example")));
        }
        assert!(!n.matches("p500@x.example"));
        assert!(
            n.matches("q1p10@x.example"),
            "p10@x.example is a part of it"
        );
    }
}
