//! `[[tests]]`: example rows embedded in a mapping with the fields they must give (or the
//! rejection or skip they must cause). `check` runs them, and so does `make test` for every
//! file in `mappings/`. A failure is a diagnostic pointing at the test.

use std::ops::Range;

use super::diag::{Diagnostic, Diagnostics, did_you_mean};
use super::spec::{Item, Reader, get, key_span};
use super::{Columns, Field, Mapping, Outcome};

/// One compiled test.
#[derive(Debug, Clone)]
pub(crate) struct TestCase {
    name: String,
    span: Range<usize>,
    input: Vec<(usize, String)>,
    expect: Vec<(usize, Range<usize>, String)>,
    rejected: bool,
    reason: Option<String>,
    skipped: bool,
}

const KEYS: [&str; 6] = ["name", "input", "expect", "rejected", "reason", "skipped"];

/// `declared` holds every field code written in the file, compiled or not: a test naming a
/// field whose own definition is broken is not reported again.
pub(crate) fn parse(
    r: &mut Reader,
    item: &Item<'_>,
    fields: &[Field],
    declared: &[String],
    cols: &Columns,
) -> Vec<TestCase> {
    let Some(list) = r.array(item, "tests") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    // Mapping columns already reported as respelled by a test.
    let mut respelled: Vec<usize> = Vec::new();
    for (i, t) in list.iter().enumerate() {
        let Some(table) = r.table(t, "tests") else {
            continue;
        };
        r.check_keys(table, &KEYS, "a `[[tests]]` case");
        let span = key_span(table, "name")
            .or_else(|| table.iter().next().map(|(k, _)| k.span()))
            .unwrap_or(t.span());
        let name = get(table, "name")
            .and_then(|v| r.string(v, "name"))
            .map_or_else(|| format!("test {}", i + 1), str::to_string);
        let flag =
            |r: &mut Reader, k: &str| get(table, k).and_then(|v| r.boolean(v, k)).unwrap_or(false);
        let (rejected, skipped) = (flag(r, "rejected"), flag(r, "skipped"));
        let reason = get(table, "reason")
            .and_then(|v| r.string(v, "reason"))
            .map(str::to_string);
        let mut input = Vec::new();
        match get(table, "input") {
            None => r.diags.error(
                span.clone(),
                format!("test `{name}` has no `input` row"),
                "no input",
            ),
            Some(v) => {
                for (col, kspan, value, _) in r.string_table(v, "input") {
                    match cols.names.iter().position(|c| *c == col) {
                        Some(c) => input.push((c, value)),
                        None => match same_but_spacing(&col, cols) {
                            // Said once, at the mapping's column: a doubled or stray space
                            // there is the likelier typo (tests are typed from the header).
                            Some(c) if !respelled.contains(&c) => {
                                respelled.push(c);
                                r.diags.error_hint(
                                    cols.spans[c].clone(),
                                    format!(
                                        "column `{}` differs from `{col}` (in test `{name}`) only in spaces or case",
                                        cols.names[c]
                                    ),
                                    "spaces or case differ from the tests'",
                                    Some(format!(
                                        "write the column exactly as the export's header does (`payroll-sync inspect EXPORT` shows it), here and in the tests; most likely `{col}`"
                                    )),
                                );
                            }
                            Some(_) => {}
                            None => r.diags.error_hint(
                                kspan,
                                format!("test `{name}`: the mapping uses no column `{col}`"),
                                "unknown column",
                                did_you_mean(&col, cols.names.iter().map(String::as_str)).map(
                                    |d| format!("{d} (if the export's header says `{col}`, the typo is in the mapping instead)"),
                                ),
                            ),
                        },
                    }
                }
            }
        }
        let mut expect = Vec::new();
        if let Some(v) = get(table, "expect") {
            for (code, kspan, value, _) in r.string_table(v, "expect") {
                match fields
                    .iter()
                    .position(|f| f.code.eq_ignore_ascii_case(&code))
                {
                    Some(f) => expect.push((f, kspan, value)),
                    None if declared.iter().any(|d| d.eq_ignore_ascii_case(&code)) => {}
                    None => r.diags.error_hint(
                        kspan,
                        format!("test `{name}`: `{code}` is not a mapped field"),
                        "unknown field",
                        did_you_mean(&code, fields.iter().map(|f| f.code.as_str())),
                    ),
                }
            }
        }
        if (rejected || skipped) && !expect.is_empty() {
            r.diags.error(
                span.clone(),
                format!("test `{name}` expects fields and a rejection or skip"),
                "contradiction",
            );
        }
        if !rejected && !skipped && get(table, "expect").is_none() {
            r.diags.error_hint(
                span.clone(),
                format!("test `{name}` expects nothing"),
                "asserts nothing",
                Some("add `expect = { ... }`, `rejected = true` or `skipped = true`".into()),
            );
        }
        out.push(TestCase {
            name,
            span,
            input,
            expect,
            rejected,
            reason,
            skipped,
        });
    }
    out
}

/// Runs every test; one diagnostic per failure.
pub(crate) fn run(m: &Mapping) -> Vec<Diagnostic> {
    let mut d = Diagnostics::default();
    let header: Vec<String> = m.columns.names.clone();
    let Ok(bound) = m.bind(&header) else {
        return d.items;
    };
    for t in &m.tests {
        let mut cells = vec![String::new(); header.len()];
        for (c, v) in &t.input {
            cells[*c] = v.clone();
        }
        let fail = |d: &mut Diagnostics, span: Range<usize>, what: String| {
            d.error(
                span,
                format!("test `{}` failed: {what}", t.name),
                "this test",
            );
        };
        match bound.outcome(2, &cells) {
            Outcome::Skipped(s) if !t.skipped => fail(
                &mut d,
                t.span.clone(),
                format!("the row was skipped ({})", m.skips[s].reason),
            ),
            Outcome::Skipped(_) => {}
            _ if t.skipped => fail(
                &mut d,
                t.span.clone(),
                "expected the row to be skipped".into(),
            ),
            Outcome::Rejected(r) if !t.rejected => fail(
                &mut d,
                t.span.clone(),
                format!("the row was rejected: field `{}`: {}", r.field, r.reason),
            ),
            Outcome::Rejected(r) => {
                if let Some(want) = &t.reason
                    && !r.reason.contains(want.as_str())
                {
                    fail(
                        &mut d,
                        t.span.clone(),
                        format!(
                            "rejected for `{}`, expected a reason containing `{want}`",
                            r.reason
                        ),
                    );
                }
            }
            Outcome::Mapped(_) if t.rejected => fail(
                &mut d,
                t.span.clone(),
                "expected a rejection, the row mapped".into(),
            ),
            Outcome::Mapped(row) => {
                for (f, span, want) in &t.expect {
                    let field = &m.fields[*f];
                    let got = if field.resolve_manager {
                        row.manager_ref.clone().unwrap_or_default()
                    } else {
                        row.values[*f]
                            .as_ref()
                            .map(|v| v.render())
                            .unwrap_or_default()
                    };
                    if got != *want {
                        d.error(
                            span.clone(),
                            format!(
                                "test `{}` failed: `{}`: expected `{want}`, got `{got}`",
                                t.name, field.code
                            ),
                            "expected here",
                        );
                    }
                }
            }
        }
    }
    d.items
}

/// The mapping column that is `col` but for spaces (doubled, leading, trailing) and case.
fn same_but_spacing(col: &str, cols: &Columns) -> Option<usize> {
    let folded = |s: &str| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    let want = folded(col);
    cols.names.iter().position(|n| folded(n) == want)
}
