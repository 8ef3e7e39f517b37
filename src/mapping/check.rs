//! `check --input`: runs a bound mapping over every row of an export without touching
//! ChartHop, and says what would happen: rows mapped, skipped (by rule), rejected (with row,
//! column, value and reason), and, before any mapping, every value of a `map`/`lookup`
//! column that has no entry, with its count and first rows (lookup coverage).

use std::collections::BTreeMap;

use super::{Bound, Outcome, Rejection};

/// How many row numbers a coverage miss lists.
const FIRST_ROWS: usize = 5;

/// A value with no entry in a field's table.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Miss {
    /// `lookups.NAME` or `fields.CODE.map`.
    pub table: String,
    pub field: String,
    pub column: Option<String>,
    pub value: String,
    pub count: usize,
    pub first_rows: Vec<usize>,
}

/// What the mapping does with an export.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct InputReport {
    pub rows: usize,
    pub mapped: usize,
    /// Rows left out, per `[[skip]]` reason, in rule order.
    pub skipped: Vec<(String, usize)>,
    pub rejected: Vec<Rejection>,
    /// Lookup coverage, by table then by count (most frequent first).
    pub misses: Vec<Miss>,
    /// Rows that may depart but whose departure details cannot be read (a reason code with no
    /// entry, a type that is neither voluntary nor involuntary): rejected if they depart.
    pub departure_problems: Vec<Rejection>,
    /// Things to know about the mapping against this export (e.g. status or termination
    /// columns while the mapping has no `[departure]`).
    pub warnings: Vec<String>,
}

impl InputReport {
    /// Rows skipped by every rule.
    pub fn skipped_total(&self) -> usize {
        self.skipped.iter().map(|(_, n)| n).sum()
    }
}

/// Export columns that look like a person's status or termination date.
const LIFECYCLE_WORDS: [&str; 7] = [
    "status",
    "termination",
    "term date",
    "separation",
    "end date",
    "last day",
    "rehire",
];

/// A warning when the export has status or termination columns while the mapping has no
/// `[departure]`: its leavers would never be departed in ChartHop.
pub fn lifecycle_warnings(mapping: &super::Mapping, header: &[String]) -> Vec<String> {
    if mapping.departure.is_some() {
        return Vec::new();
    }
    let found: Vec<String> = header
        .iter()
        .filter(|h| {
            let h = h.to_lowercase();
            LIFECYCLE_WORDS.iter().any(|w| h.contains(w))
        })
        .map(|h| format!("`{h}`"))
        .collect();
    if found.is_empty() {
        return Vec::new();
    }
    vec![format!(
        "the export has status or termination columns ({}) but the mapping has no `[departure]` section: people who leave are never departed in ChartHop; add `[departure]` with `from`/`values` and `date` (see mappings/README.md)",
        found.join(", ")
    )]
}

/// Checks every row (row number, cells in header order).
pub fn check_rows(
    bound: &Bound<'_>,
    header: &[String],
    rows: &[(usize, Vec<String>)],
) -> InputReport {
    let mut checker = Checker::new(bound, header);
    for (row, cells) in rows {
        checker.row(*row, cells);
    }
    checker.finish()
}

/// Checks rows one at a time, so an export is streamed through it: memory holds the report
/// (rejections, lookup misses), never the rows.
pub struct Checker<'b, 'm> {
    bound: &'b Bound<'m>,
    report: InputReport,
    /// Per field with a table: value -> (count, first rows).
    misses: Vec<BTreeMap<String, (usize, Vec<usize>)>>,
}

impl<'b, 'm> Checker<'b, 'm> {
    /// A checker of rows under `header` (the export's columns, for the mapping's warnings).
    pub fn new(bound: &'b Bound<'m>, header: &[String]) -> Checker<'b, 'm> {
        let m = bound.mapping;
        Checker {
            bound,
            report: InputReport {
                skipped: m.skips.iter().map(|s| (s.reason.clone(), 0)).collect(),
                warnings: lifecycle_warnings(m, header),
                ..InputReport::default()
            },
            misses: vec![BTreeMap::new(); m.fields.len()],
        }
    }

    /// Checks one row: lookup coverage (unless a rule skips it), then its outcome.
    pub fn row(&mut self, row: usize, cells: &[String]) {
        let (bound, m) = (self.bound, self.bound.mapping);
        self.report.rows += 1;
        if bound.skip_rule(cells).is_none() {
            for (fi, field) in m.fields.iter().enumerate() {
                let Some(ti) = field.table else { continue };
                if let Some(key) = bound.table_key(fi, cells)
                    && m.tables[ti].get(&key).is_none()
                {
                    let e = self.misses[fi].entry(key).or_default();
                    e.0 += 1;
                    if e.1.len() < FIRST_ROWS {
                        e.1.push(row);
                    }
                }
            }
        }
        match bound.outcome(row, cells) {
            Outcome::Mapped(d) => {
                self.report.mapped += 1;
                if let Some(p) = d.depart.and_then(|x| x.problem) {
                    self.report.departure_problems.push(p);
                }
            }
            Outcome::Skipped(s) => self.report.skipped[s].1 += 1,
            Outcome::Rejected(r) => self.report.rejected.push(r),
        }
    }

    /// The report: misses by table (in field order), then by count, most frequent first.
    pub fn finish(mut self) -> InputReport {
        let m = self.bound.mapping;
        for (fi, misses) in std::mem::take(&mut self.misses).into_iter().enumerate() {
            let (field, Some(ti)) = (&m.fields[fi], m.fields[fi].table) else {
                continue;
            };
            let table = &m.tables[ti];
            let mut list: Vec<Miss> = misses
                .into_iter()
                .map(|(value, (count, first_rows))| Miss {
                    table: table.name.clone(),
                    field: field.code.clone(),
                    column: field.column.clone(),
                    value,
                    count,
                    first_rows,
                })
                .collect();
            list.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
            self.report.misses.extend(list);
        }
        self.report
    }
}
