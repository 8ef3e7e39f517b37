//! Mapping one row: the compiled steps of each field run over the row's cells, by header
//! position. The per-row path reuses one text buffer across fields; [`Bound::outcome_into`]
//! also reuses the previous row's strings, so mapping a stream allocates only while its
//! buffers grow.

mod leaving;
mod typed;

pub use leaving::DepartDetails;

use super::transform::text::{is_blank, trimmed};
use super::value::{Kind, Value};
use super::{Field, Mapping, OnEmpty, Rejection, Source};
pub(crate) use typed::typed;
use typed::{set_text, typed_into};

/// A mapping bound to one export's header: every column id resolved to a position.
#[derive(Debug, Clone)]
pub struct Bound<'m> {
    pub mapping: &'m Mapping,
    /// Column id -> header position.
    pos: Vec<usize>,
}

/// What a row maps to: values by field index (`None`: blank, left as it is in ChartHop).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Desired {
    /// The row's number in the export.
    pub row: usize,
    /// The payroll key (trimmed), when the cell is not blank.
    pub key: Option<String>,
    /// The fallback key (trimmed, lower-cased), when the cell is not blank.
    pub fallback: Option<String>,
    pub values: Vec<Option<Value>>,
    /// For a `resolve = "manager"` field: the manager's payroll id.
    pub manager_ref: Option<String>,
    /// `[departure]`: the status column holds a value that means "left".
    pub left_status: bool,
    /// `[departure]`: the status column holds another value (the person is active, on leave,
    /// ...); false when it is blank or there is no status column.
    pub status_active: bool,
    /// `[departure] date`: the last day worked, when the cell holds one.
    pub termination_date: Option<chrono::NaiveDate>,
    /// `[departure] rehire_date`, when the cell holds one.
    pub rehire_date: Option<chrono::NaiveDate>,
    /// `[effective]`: the date the row's changes take effect, when the cell holds one.
    pub effective_date: Option<chrono::NaiveDate>,
    /// The departure's details, read when the row carries departure evidence (a status that
    /// means "left", or a termination date).
    pub depart: Option<Box<DepartDetails>>,
}

impl Desired {
    /// True when the row carries departure evidence: a status meaning "left", or a
    /// termination date (which may be in the future, or history before a rehire: the diff
    /// decides with the plan's as-of date).
    pub fn has_departure_evidence(&self) -> bool {
        self.left_status || self.termination_date.is_some()
    }
}

/// A row's fate.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Mapped(Desired),
    /// Left out by the `[[skip]]` rule with this index.
    Skipped(usize),
    Rejected(Rejection),
}

/// A row's fate as [`Bound::outcome_into`] tells it: when mapped, the row is in the
/// [`MappedRow`] it was given.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    Mapped,
    /// Left out by the `[[skip]]` rule with this index.
    Skipped(usize),
    Rejected(Rejection),
}

/// Where [`Bound::outcome_into`] maps rows one after another: the last row mapped, and the
/// text buffer the fields are worked in, both reused from row to row.
#[derive(Debug, Clone, Default)]
pub struct MappedRow {
    /// The row last mapped (meaningful after [`Verdict::Mapped`] only).
    pub desired: Desired,
    buf: String,
}

/// A field's text before its table and type: blank (with what a blank does) or text.
enum Prepared {
    Keep,
    Clear,
    Text,
}

impl<'m> Bound<'m> {
    pub(super) fn new(mapping: &'m Mapping, pos: Vec<usize>) -> Bound<'m> {
        Bound { mapping, pos }
    }

    fn cell<'c>(&self, cells: &'c [String], col: usize) -> &'c str {
        self.pos
            .get(col)
            .and_then(|&p| cells.get(p))
            .map_or("", String::as_str)
    }

    /// The `[[skip]]` rule that leaves this row out, if any (the first that matches).
    pub fn skip_rule(&self, cells: &[String]) -> Option<usize> {
        let cell = |c: usize| self.cell(cells, c);
        self.mapping.skips.iter().position(|s| s.when.eval(&cell))
    }

    /// Applies the `[[skip]]` rules, then maps the row.
    pub fn outcome(&self, row: usize, cells: &[String]) -> Outcome {
        if let Some(s) = self.skip_rule(cells) {
            return Outcome::Skipped(s);
        }
        match self.map_row(row, cells) {
            Ok(d) => Outcome::Mapped(d),
            Err(r) => Outcome::Rejected(r),
        }
    }

    /// Maps one row's cells (in header order) or rejects it. Does not apply `[[skip]]` rules:
    /// see [`Bound::outcome`].
    ///
    /// Blank values become `None` (left alone in ChartHop), or a clear with
    /// `on_empty = "clear"`, unless the field has a `default`; a blank required field, a
    /// failing transform, a value missing from a `map` or `lookup`, or a value that does not
    /// parse as the field's type rejects the row with the column, value and reason.
    pub fn map_row(&self, row: usize, cells: &[String]) -> Result<Desired, Rejection> {
        let mut out = MappedRow::default();
        self.map_row_into(row, cells, &mut out)?;
        Ok(out.desired)
    }

    /// [`Bound::outcome`] into a reused [`MappedRow`]: the same fate, and after
    /// [`Verdict::Mapped`] the same [`Desired`] in `out.desired`, with the strings of the row
    /// mapped before reused. For a caller that is done with each row before the next.
    pub fn outcome_into(&self, row: usize, cells: &[String], out: &mut MappedRow) -> Verdict {
        if let Some(s) = self.skip_rule(cells) {
            return Verdict::Skipped(s);
        }
        match self.map_row_into(row, cells, out) {
            Ok(()) => Verdict::Mapped,
            Err(r) => Verdict::Rejected(r),
        }
    }

    /// [`Bound::map_row`] into `out.desired`, reusing its strings; fails as `map_row` does,
    /// and `out.desired` holds nothing meaningful then.
    fn map_row_into(
        &self,
        row: usize,
        cells: &[String],
        out: &mut MappedRow,
    ) -> Result<(), Rejection> {
        let m = self.mapping;
        let MappedRow { desired: d, buf } = out;
        d.row = row;
        let key = Some(trimmed(self.cell(cells, m.key_col))).filter(|s| !s.is_empty());
        set_text(&mut d.key, key);
        let fallback = m
            .fallback_col
            .map(|c| trimmed(self.cell(cells, c)))
            .filter(|s| !s.is_empty());
        set_text(&mut d.fallback, fallback);
        if let Some(f) = &mut d.fallback {
            if f.is_ascii() {
                f.make_ascii_lowercase();
            } else {
                *f = f.to_lowercase();
            }
        }
        d.values.resize(m.fields.len(), None);
        let mut manager_ref = false;
        for (field, slot) in m.fields.iter().zip(d.values.iter_mut()) {
            let col = match self.prepare(field, cells, buf) {
                Err((col, reason)) => return Err(self.reject(row, field, col, cells, reason)),
                Ok((Prepared::Keep, _)) => {
                    *slot = None;
                    continue;
                }
                Ok((Prepared::Clear, _)) => {
                    *slot = Some(Value::Clear);
                    continue;
                }
                Ok((Prepared::Text, col)) => col,
            };
            if let Some(t) = field.table {
                let table = &m.tables[t];
                match table.get(buf) {
                    Some(v) => {
                        buf.clear();
                        buf.push_str(v);
                    }
                    None => {
                        let reason = format!("`{}` has no entry in `{}`", buf.trim(), table.name);
                        return Err(self.reject(row, field, col, cells, reason));
                    }
                }
            }
            if field.resolve_manager {
                set_text(&mut d.manager_ref, Some(trimmed(buf)));
                manager_ref = true;
                *slot = None;
                continue;
            }
            if let Some(options) = &field.options
                && let Err(reason) = options.normalize(buf)
            {
                return Err(self.reject(row, field, col, cells, reason));
            }
            if field.kind == Kind::Text
                && !field.allow_formula
                && super::formula::is_formula(buf.trim_end())
            {
                let reason = format!(
                    "`{}` starts like a spreadsheet formula: ChartHop, and anyone who opens a CSV of it, could run it; fix the cell, or set `allow_formula = true` on the field if such values are real",
                    buf.trim_end()
                );
                return Err(self.reject(row, field, col, cells, reason));
            }
            if let Err(reason) = typed_into(field.kind, buf, &m.defaults, slot) {
                return Err(self.reject(row, field, col, cells, reason));
            }
        }
        if !manager_ref {
            d.manager_ref = None;
        }
        self.leaving(row, cells, d, buf)?;
        Ok(())
    }

    /// The text a field looks up in its table, for lookup coverage: `None` when the field has
    /// no table, the row leaves the field blank, or an earlier step fails.
    pub fn table_key(&self, field: usize, cells: &[String]) -> Option<String> {
        let f = self.mapping.fields.get(field)?;
        f.table?;
        let mut buf = String::new();
        match self.prepare(f, cells, &mut buf) {
            Ok((Prepared::Text, _)) => Some(buf.trim().to_string()),
            _ => None,
        }
    }

    /// Source, `when`, transforms and blank handling; the column used rides along for
    /// messages.
    fn prepare(
        &self,
        field: &Field,
        cells: &[String],
        buf: &mut String,
    ) -> Result<(Prepared, Option<usize>), (Option<usize>, String)> {
        let cell = |c: usize| self.cell(cells, c);
        if let Some(w) = &field.when
            && !w.eval(&cell)
        {
            return Ok((Prepared::Keep, None));
        }
        buf.clear();
        let col = match &field.source {
            Source::Column(c) => {
                buf.push_str(cell(*c));
                Some(*c)
            }
            Source::First(cs) => {
                let c = cs.iter().copied().find(|&c| !is_blank(cell(c)));
                if let Some(c) = c {
                    buf.push_str(cell(c));
                }
                c.or(cs.first().copied())
            }
            Source::Template(t) => {
                t.render(&cell, buf);
                t.columns().next()
            }
            Source::Nothing => None,
        };
        let mut blank = is_blank(buf);
        if !blank && !field.transforms.is_empty() {
            for t in &field.transforms {
                t.apply(buf).map_err(|reason| (col, reason))?;
            }
            blank = is_blank(buf);
        }
        if blank {
            match &field.default {
                Some(d) => {
                    buf.clear();
                    buf.push_str(d);
                }
                None if field.required => {
                    return Err((col, "the value is required and the cell is blank".into()));
                }
                None if field.on_empty == OnEmpty::Clear => return Ok((Prepared::Clear, col)),
                None => return Ok((Prepared::Keep, col)),
            }
        }
        Ok((Prepared::Text, col))
    }

    fn reject(
        &self,
        row: usize,
        field: &Field,
        col: Option<usize>,
        cells: &[String],
        reason: String,
    ) -> Rejection {
        let names = &self.mapping.columns.names;
        // A sensitive field's value (salary, national id) stays out of the reason, which
        // reports and logs show: the row, column and field say where to look.
        let hidden = field.sensitive || super::sensitivity::builtin(&field.code).is_some();
        Rejection {
            row,
            column: col.and_then(|c| names.get(c).cloned()),
            field: field.code.clone(),
            reason: if hidden {
                redact_quoted(&reason)
            } else {
                reason
            },
            value: col
                .filter(|_| !hidden)
                .map(|c| self.cell(cells, c).to_string()),
            name: self.display_name(cells),
        }
    }

    /// The row's first and last name as the mapping reads them (after their transforms), for
    /// telling a reviewer whose rejected row it is; `None` when neither is there.
    fn display_name(&self, cells: &[String]) -> Option<Box<str>> {
        let part = |code: &str| {
            let field = self.mapping.fields.get(self.mapping.field_index(code)?)?;
            let mut buf = String::new();
            match self.prepare(field, cells, &mut buf) {
                Ok((Prepared::Text, _)) => Some(buf.trim().to_string()).filter(|t| !t.is_empty()),
                _ => None,
            }
        };
        match (part("name.first"), part("name.last")) {
            (Some(f), Some(l)) => Some(format!("{f} {l}").into()),
            (f, l) => f.or(l).map(String::into_boxed_str),
        }
    }
}

/// `reason` with every `quoted` span (the values a reason quotes) replaced by `the value`.
fn redact_quoted(reason: &str) -> String {
    let mut out = String::with_capacity(reason.len());
    let mut parts = reason.split('`');
    if let Some(first) = parts.next() {
        out.push_str(first);
    }
    let mut quoted = true;
    for part in parts {
        if quoted {
            out.push_str("the value");
        } else {
            out.push_str(part);
        }
        quoted = !quoted;
    }
    out
}

#[cfg(test)]
mod redact_tests {
    #[test]
    fn quoted_values_are_replaced() {
        assert_eq!(
            super::redact_quoted("`$7531x59` is not an amount of money"),
            "the value is not an amount of money"
        );
        assert_eq!(super::redact_quoted("no quotes"), "no quotes");
        assert_eq!(
            super::redact_quoted("a `x` and `y`."),
            "a the value and the value."
        );
    }
}

#[cfg(test)]
#[path = "row_tests.rs"]
mod tests;
