//! The values of a Carrot `:` (match) comparison, searched for all at once.
//!
//! `field:a,b,c` holds when the field contains any of the values, ignoring case. The client's
//! former-people lookup sends hundreds of values per query over an org of 100,000 people, so
//! the values are compiled once, when the filter is parsed, into one Aho-Corasick automaton:
//! each field is scanned once, whatever the number of values; and a filter over everyone
//! searches all the texts of a field in one run ([`Joiner`]).
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

/// Joins the texts a [`Joiner`] searches together; no value may hold it.
const SEPARATOR: u8 = b'\n';

impl Needles {
    /// A [`Joiner`] for these values.
    pub fn joiner(&self) -> Joiner<'_> {
        let joinable = !self.any_value
            && self
                .values
                .iter()
                .all(|v| !v.is_empty() && !v.as_bytes().contains(&SEPARATOR));
        Joiner {
            needles: self,
            searcher: self.searcher.as_ref().filter(|_| joinable),
            joined: String::new(),
            starts: Vec::new(),
            rows: Vec::new(),
        }
    }
}

/// Many texts searched for the values at once: the same answers as [`Needles::matches`]
/// text by text, found in one search over all the texts joined, when the values allow it
/// (none is empty or holds a line break, and there is no `*`); otherwise text by text as
/// they are pushed.
pub struct Joiner<'n> {
    needles: &'n Needles,
    /// The searcher, when the texts are joined.
    searcher: Option<&'n AhoCorasick>,
    /// Every text (lower-cased when not ASCII, the searcher ignores ASCII case), each followed
    /// by the separator: no value holds it, so a match lies inside one text.
    joined: String,
    /// Where each text starts in `joined`, and its row.
    starts: Vec<usize>,
    rows: Vec<usize>,
}

impl Joiner<'_> {
    /// Adds a text of `row`: when it matches, [`finish`](Self::finish) (or this call) marks
    /// `marks[row]`. Rows past `marks` are ignored.
    pub fn push(&mut self, row: usize, text: &str, marks: &mut [bool]) {
        if self.searcher.is_none() {
            if row < marks.len() && self.needles.matches(text) {
                marks[row] = true;
            }
            return;
        }
        self.starts.push(self.joined.len());
        self.rows.push(row);
        if text.is_ascii() {
            self.joined.push_str(text);
        } else {
            self.joined.push_str(&text.to_lowercase());
        }
        self.joined.push(char::from(SEPARATOR));
    }

    /// Searches the texts pushed and marks the rows of those that match.
    pub fn finish(self, marks: &mut [bool]) {
        let Some(searcher) = self.searcher else {
            return;
        };
        for m in searcher.find_iter(&self.joined) {
            let text = self
                .starts
                .partition_point(|&s| s <= m.start())
                .saturating_sub(1);
            if let Some(mark) = self.rows.get(text).and_then(|&row| marks.get_mut(row)) {
                *mark = true;
            }
        }
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
    use super::Needles;

    /// Marks the rows whose texts match, through a joiner.
    fn mark_all<'t>(
        n: &Needles,
        texts: impl Iterator<Item = (usize, &'t str)>,
        marks: &mut [bool],
    ) {
        let mut joiner = n.joiner();
        for (row, text) in texts {
            joiner.push(row, text, marks);
        }
        joiner.finish(marks);
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
        let cases = [
            needles(&["ada", "p2@"]),
            Needles::new(values),
            needles(&["*"]),
            needles(&[]),
            needles(&["e\nb"]),
            needles(&[""]),
            needles(&["É"]),
        ];
        for n in cases {
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
