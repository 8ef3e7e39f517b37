//! Conditions on a row's cells, for `when` (a field applies only to some rows) and `[[skip]]`
//! (rows left out, counted in the plan).
//!
//! A condition is an inline table: `{ column = "Worker Type", is = "CTR" }`, with `is`,
//! `is_not`, `in`, `not_in` (trimmed text, ASCII case ignored), `matches` (a regex on the
//! trimmed text) or `blank = true|false`; or a combination: `{ all = [...] }`,
//! `{ any = [...] }`, `{ not = {...} }`. Columns are resolved to positions once, by `bind`.

use regex::Regex;
use toml::de::DeValue;

use super::Columns;
use super::spec::{Item, Reader, get};
use super::transform::text::{is_blank, trimmed};

/// A compiled condition; columns are ids in the mapping's [`Columns`].
#[derive(Debug, Clone)]
pub(crate) enum Cond {
    /// The cell is (or, negated, is not) one of the values.
    OneOf {
        col: usize,
        values: Vec<String>,
        negate: bool,
    },
    Matches {
        col: usize,
        re: Regex,
    },
    Blank {
        col: usize,
        blank: bool,
    },
    All(Vec<Cond>),
    Any(Vec<Cond>),
    Not(Box<Cond>),
}

const KEYS: [&str; 10] = [
    "column", "is", "is_not", "in", "not_in", "matches", "blank", "all", "any", "not",
];
const OPERATORS: [&str; 6] = ["is", "is_not", "in", "not_in", "matches", "blank"];

impl Cond {
    /// Evaluates against a row; `cell(col)` gives a column's text.
    pub(crate) fn eval<'a, F: Fn(usize) -> &'a str>(&self, cell: &F) -> bool {
        match self {
            Cond::OneOf {
                col,
                values,
                negate,
            } => {
                let t = trimmed(cell(*col));
                values.iter().any(|v| v.eq_ignore_ascii_case(t)) != *negate
            }
            Cond::Matches { col, re } => re.is_match(trimmed(cell(*col))),
            Cond::Blank { col, blank } => is_blank(cell(*col)) == *blank,
            Cond::All(cs) => cs.iter().all(|c| c.eval(cell)),
            Cond::Any(cs) => cs.iter().any(|c| c.eval(cell)),
            Cond::Not(c) => !c.eval(cell),
        }
    }
}

/// Compiles a condition, recording every problem.
pub(crate) fn parse(
    r: &mut Reader,
    item: &Item<'_>,
    key: &str,
    cols: &mut Columns,
) -> Option<Cond> {
    let DeValue::Table(t) = item.get_ref() else {
        r.mismatch(
            item,
            key,
            "a condition table",
            &format!("{key} = {{ column = \"Status\", is = \"Active\" }}"),
        );
        return None;
    };
    r.check_keys(t, &KEYS, "a condition");
    let list = |r: &mut Reader, cols: &mut Columns, v: &Item<'_>, k: &str| -> Option<Vec<Cond>> {
        let items = r.array(v, k)?;
        let cs: Vec<Cond> = items.iter().filter_map(|i| parse(r, i, k, cols)).collect();
        (cs.len() == items.len() && !cs.is_empty()).then_some(cs)
    };
    if let Some(v) = get(t, "all") {
        return list(r, cols, v, "all").map(Cond::All);
    }
    if let Some(v) = get(t, "any") {
        return list(r, cols, v, "any").map(Cond::Any);
    }
    if let Some(v) = get(t, "not") {
        return parse(r, v, "not", cols).map(|c| Cond::Not(Box::new(c)));
    }
    let ops: Vec<&str> = OPERATORS
        .iter()
        .copied()
        .filter(|o| get(t, o).is_some())
        .collect();
    let Some(column) = get(t, "column") else {
        r.diags.error_hint(
            item.span(),
            "the condition names no `column`",
            "no column",
            Some("e.g. `{ column = \"Status\", is = \"Active\" }`".into()),
        );
        return None;
    };
    let name = r.string(column, "column")?;
    let col = cols.intern(name, column.span());
    let &[op] = ops.as_slice() else {
        r.diags.error_hint(
            item.span(),
            format!("a condition needs exactly one test, found {}", ops.len()),
            "one test",
            Some(format!("use one of: {}", OPERATORS.join(", "))),
        );
        return None;
    };
    let v = get(t, op)?;
    match op {
        "is" | "is_not" => {
            let s = r.string(v, op)?;
            Some(Cond::OneOf {
                col,
                values: vec![s.trim().to_string()],
                negate: op == "is_not",
            })
        }
        "in" | "not_in" => {
            let values: Vec<String> = r
                .strings(v, op)
                .into_iter()
                .map(|(s, _)| s.trim().to_string())
                .collect();
            Some(Cond::OneOf {
                col,
                values,
                negate: op == "not_in",
            })
        }
        "matches" => r.regex(v, op).map(|re| Cond::Matches { col, re }),
        _ => r.boolean(v, op).map(|blank| Cond::Blank { col, blank }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cond(text: &str) -> (Option<Cond>, Columns, usize) {
        let doc = format!("c = {text}");
        let Ok(table) = toml::de::DeTable::parse(&doc) else {
            return (None, Columns::default(), 1);
        };
        let mut r = Reader::new();
        let mut cols = Columns::default();
        let c = table
            .get_ref()
            .get("c")
            .and_then(|i| parse(&mut r, i, "c", &mut cols));
        (c, cols, r.diags.items.len())
    }

    #[test]
    fn evaluates_tests_and_combinations() {
        let (c, cols, errors) = cond(
            r#"{ any = [{ column = "Type", in = ["CTR", "tmp"] }, { all = [{ column = "Email", matches = "^test" }, { not = { column = "Id", blank = true } }] }] }"#,
        );
        assert_eq!(errors, 0);
        let Some(c) = c else { panic!("no condition") };
        let names = &cols.names;
        let row = |t: &'static str, e: &'static str, i: &'static str| {
            move |col: usize| match names[col].as_str() {
                "Type" => t,
                "Email" => e,
                _ => i,
            }
        };
        assert!(c.eval(&row(" ctr ", "a@x", "1")));
        assert!(c.eval(&row("FT", "test1@x", "1")));
        assert!(!c.eval(&row("FT", "test1@x", " ")));
        assert!(!c.eval(&row("FT", "ada@x", "1")));
    }

    #[test]
    fn problems_are_reported() {
        assert_eq!(cond(r#"{ column = "A", is = "x", in = ["y"] }"#).2, 1);
        assert_eq!(cond(r#"{ column = "A", iss = "x" }"#).2, 2);
        assert_eq!(cond(r#"{ is = "x" }"#).2, 1);
        assert_eq!(cond(r#"{ column = "A", matches = "(" }"#).2, 1);
        assert_eq!(cond(r#""A == x""#).2, 1);
    }
}
