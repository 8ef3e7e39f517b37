//! `plan --compare-mapping OLD.toml`: what a mapping edit changes in the plan.
//!
//! The same export and roster are planned with the old and the new mapping; this module
//! compares the two change sets row by row (by export row number) and renders the differences
//! for review (`mapping-diff.md`). Pure: no I/O. Sensitive fields are masked like in the
//! reports.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::report::cell;
use super::safe::{Masker, SensitiveField};
use crate::diff::{ChangeSet, RowChange};

/// One row whose outcome differs between the two plans.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowDiff {
    pub row: usize,
    pub name: String,
    /// `old category -> new category`, when it changed.
    pub category: Option<(String, String)>,
    /// Field changes only one plan has, or with another target: (field, old plan's new value
    /// or `None`, new plan's new value or `None`).
    pub fields: Vec<(String, Option<String>, Option<String>)>,
}

/// The rows whose category or field changes differ, in row order.
pub fn compare(old: &ChangeSet, new: &ChangeSet) -> Vec<RowDiff> {
    let index = |cs: &ChangeSet| -> BTreeMap<usize, RowChange> {
        cs.rows.iter().map(|r| (r.row, r.clone())).collect()
    };
    let (a, b) = (index(old), index(new));
    let mut rows: Vec<usize> = a.keys().chain(b.keys()).copied().collect();
    rows.sort_unstable();
    rows.dedup();
    let mut out = Vec::new();
    for row in rows {
        let (ra, rb) = (a.get(&row), b.get(&row));
        let cat = |r: Option<&RowChange>| {
            r.map_or("(no row)".to_string(), |r| r.category.as_str().to_string())
        };
        let category = (cat(ra) != cat(rb)).then(|| (cat(ra), cat(rb)));
        let changes = |r: Option<&RowChange>| -> BTreeMap<String, String> {
            r.map(|r| {
                r.changes
                    .iter()
                    .map(|c| (c.field.clone(), c.new.clone()))
                    .collect()
            })
            .unwrap_or_default()
        };
        let (ca, cb) = (changes(ra), changes(rb));
        let mut fields = Vec::new();
        let mut codes: Vec<&String> = ca.keys().chain(cb.keys()).collect();
        codes.sort();
        codes.dedup();
        for code in codes {
            let (va, vb) = (ca.get(code), cb.get(code));
            if va != vb {
                fields.push((code.clone(), va.cloned(), vb.cloned()));
            }
        }
        if category.is_some() || !fields.is_empty() {
            let name = rb.or(ra).map(|r| r.name.clone()).unwrap_or_default();
            out.push(RowDiff {
                row,
                name,
                category,
                fields,
            });
        }
    }
    out
}

/// Renders the comparison as Markdown: the two summaries side by side, then each differing row.
pub fn markdown(
    old_mapping: &str,
    new_mapping: &str,
    old: &ChangeSet,
    new: &ChangeSet,
    sensitive: &[SensitiveField],
    show_sensitive: bool,
) -> String {
    let mask = Masker::new(sensitive, show_sensitive);
    let diffs = compare(old, new);
    let mut o = String::new();
    let _ = writeln!(
        o,
        "# Mapping change: `{}` -> `{}`\n",
        cell(old_mapping),
        cell(new_mapping)
    );
    let _ = writeln!(o, "| | old mapping | new mapping |\n|---|---:|---:|");
    let (s, t) = (&old.summary, &new.summary);
    for (label, a, b) in [
        ("New hires", s.new_hires, t.new_hires),
        ("Updates", s.updates, t.updates),
        ("Departures", s.departures, t.departures),
        ("Unchanged", s.unchanged, t.unchanged),
        ("Absent", s.absent, t.absent),
        ("Conflicts", s.conflicts, t.conflicts),
        ("Rejected", s.rejected, t.rejected),
    ] {
        let _ = writeln!(o, "| {label} | {a} | {b} |");
    }
    if diffs.is_empty() {
        let _ = writeln!(o, "\n**The two mappings give the same plan.**");
        return o;
    }
    let _ = writeln!(o, "\n## Rows that differ ({})\n", diffs.len());
    let _ = writeln!(
        o,
        "| Row | Name | Category | Field | Old mapping sets | New mapping sets |\n|---:|---|---|---|---|---|"
    );
    for d in &diffs {
        let category = d
            .category
            .as_ref()
            .map_or(String::new(), |(a, b)| format!("{a} -> {b}"));
        let show = |field: &str, v: &Option<String>| match v {
            None => "(no change)".to_string(),
            Some(v) => cell(mask.show(field, v)),
        };
        if d.fields.is_empty() {
            let _ = writeln!(o, "| {} | {} | {} | | | |", d.row, cell(&d.name), category);
        }
        for (i, (field, a, b)) in d.fields.iter().enumerate() {
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} | {} | {} |",
                d.row,
                cell(&d.name),
                if i == 0 { category.as_str() } else { "" },
                cell(field),
                show(field, a),
                show(field, b)
            );
        }
    }
    o
}
