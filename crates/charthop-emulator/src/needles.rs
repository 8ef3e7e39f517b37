//! The values of a Carrot `:` (match) comparison, searched for all at once.
//!
//! `field:a,b,c` holds when the field contains any of the values, ignoring case. The client's
//! former-people lookup sends hundreds of values per query over an org of 100,000 people, so
//! the values are compiled once, when the filter is parsed, into one Aho-Corasick automaton:
//! each field is scanned once, whatever the number of values.
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
            AhoCorasick::new(&words).ok()
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
        let actual = if actual
            .bytes()
            .any(|b| b.is_ascii_uppercase() || !b.is_ascii())
        {
            lowered = actual.to_lowercase();
            lowered.as_str()
        } else {
            actual
        };
        match &self.searcher {
            Some(s) => s.is_match(actual),
            None => self
                .values
                .iter()
                .any(|v| v != "*" && actual.contains(v.as_str())),
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
