//! A row's `[departure]` and `[effective]` cells: whether the status says the person left, the
//! termination, rehire and effective dates, and the departure's type, regret and reason.
//!
//! What this evidence means (a departure, a scheduled one, an active person whose old
//! termination date is history) depends on the plan's as-of date, so the diff decides it. A
//! detail that cannot be read (a reason code the lookup lacks, a type that is neither
//! voluntary nor involuntary) matters only for a departure: it is kept as the row's
//! [`DepartDetails::problem`], and the diff rejects the row with it if the row departs.

use chrono::NaiveDate;

use super::super::transform::text::trimmed;
use super::super::{Field, Rejection};
use super::{Bound, Desired, Prepared};

/// What the export says of a departure besides its date.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DepartDetails {
    /// `Voluntary` or `Involuntary`, as ChartHop's import spells them.
    pub depart_type: Option<String>,
    /// `Regret` or `Non-regret`.
    pub regret: Option<String>,
    /// The reason, as the mapping reads it (e.g. through a lookup of reason codes).
    pub reason: Option<String>,
    /// Why a detail could not be read: the rejection the row gets if it departs.
    pub problem: Option<Rejection>,
}

impl Bound<'_> {
    /// Reads the row's lifecycle cells into `d`. A termination, rehire or effective date that
    /// is not a date rejects the row (with its column and value).
    pub(super) fn leaving(
        &self,
        row: usize,
        cells: &[String],
        d: &mut Desired,
        buf: &mut String,
    ) -> Result<(), Rejection> {
        let m = self.mapping;
        d.effective_date = match m.effective_col {
            Some(col) => self.date_cell(row, cells, col, "effective", "an effective date")?,
            None => None,
        };
        let Some(dep) = &m.departure else {
            d.left_status = false;
            d.status_active = false;
            d.termination_date = None;
            d.rehire_date = None;
            d.depart = None;
            return Ok(());
        };
        (d.left_status, d.status_active) = match &dep.status {
            None => (false, false),
            Some((col, left)) => {
                let status = trimmed(self.cell(cells, *col));
                let gone = left.iter().any(|v| v.trim().eq_ignore_ascii_case(status));
                (!status.is_empty() && gone, !status.is_empty() && !gone)
            }
        };
        d.termination_date = match dep.date_col {
            Some(col) => self.date_cell(row, cells, col, "departure.date", "a termination date")?,
            None => None,
        };
        d.rehire_date = match dep.rehire_col {
            Some(col) => {
                self.date_cell(row, cells, col, "departure.rehire_date", "a rehire date")?
            }
            None => None,
        };
        d.depart = None;
        if d.left_status || d.termination_date.is_some() {
            let mut details = DepartDetails::default();
            let parts = [
                (&dep.depart_type, Detail::Type),
                (&dep.regret, Detail::Regret),
                (&dep.reason, Detail::Reason),
            ];
            for (field, detail) in parts {
                let Some(field) = field else { continue };
                match self
                    .part(field, cells, buf)
                    .and_then(|v| detail.check(v, field))
                {
                    Ok(value) => *detail.slot(&mut details) = value,
                    Err((col, reason)) => {
                        if details.problem.is_none() {
                            details.problem = Some(self.reject(row, field, col, cells, reason));
                        }
                    }
                }
            }
            // The status says the person left: the details will be sent, so a detail that
            // cannot be read rejects the row now (with only a date, it may be history).
            if d.left_status
                && let Some(problem) = details.problem.take()
            {
                return Err(problem);
            }
            d.depart = Some(Box::new(details));
        }
        Ok(())
    }

    /// A date cell: `None` when blank; rejects the row when it is not a date in ISO or the
    /// mapping's `[source] date_formats`.
    fn date_cell(
        &self,
        row: usize,
        cells: &[String],
        col: usize,
        field: &str,
        what: &str,
    ) -> Result<Option<NaiveDate>, Rejection> {
        let text = trimmed(self.cell(cells, col));
        if text.is_empty() {
            return Ok(None);
        }
        match self.mapping.defaults.dates.parse(text) {
            Some(date) => Ok(Some(date)),
            None => Err(Rejection {
                row,
                column: self.mapping.columns.names.get(col).cloned(),
                field: field.into(),
                reason: format!(
                    "`{text}` is not {what} in ISO (YYYY-MM-DD) or `[source] date_formats`; fix the cell, or add its layout to `date_formats`"
                ),
                value: Some(text.to_string()),
                name: self.display_name(cells),
            }),
        }
    }

    /// A detail's text: its source, transforms, default and table, like a field's.
    fn part(
        &self,
        field: &Field,
        cells: &[String],
        buf: &mut String,
    ) -> Result<Option<String>, (Option<usize>, String)> {
        let col = match self.prepare(field, cells, buf)? {
            (Prepared::Text, col) => col,
            _ => return Ok(None),
        };
        if let Some(t) = field.table {
            let table = &self.mapping.tables[t];
            return match table.get(buf) {
                Some(v) => Ok(Some(v.to_string())),
                None => Err((
                    col,
                    format!(
                        "`{}` has no entry in `{}`; add it there (or fix the cell)",
                        buf.trim(),
                        table.name
                    ),
                )),
            };
        }
        Ok(Some(buf.trim().to_string()))
    }
}

/// One departure detail.
#[derive(Clone, Copy)]
enum Detail {
    Type,
    Regret,
    Reason,
}

impl Detail {
    fn slot(self, d: &mut DepartDetails) -> &mut Option<String> {
        match self {
            Detail::Type => &mut d.depart_type,
            Detail::Regret => &mut d.regret,
            Detail::Reason => &mut d.reason,
        }
    }

    /// The value in ChartHop's spelling, or why it is not one.
    fn check(
        self,
        value: Option<String>,
        field: &Field,
    ) -> Result<Option<String>, (Option<usize>, String)> {
        let Some(v) = value.filter(|v| !v.trim().is_empty()) else {
            return Ok(None);
        };
        let squashed: String = v
            .chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect();
        let known = match self {
            Detail::Reason => return Ok(Some(v)),
            Detail::Type => match squashed.as_str() {
                "voluntary" => Some("Voluntary"),
                "involuntary" => Some("Involuntary"),
                _ => None,
            },
            Detail::Regret => match squashed.as_str() {
                "regret" | "regrettable" | "regretted" | "yes" | "y" | "true" => Some("Regret"),
                "nonregret" | "nonregrettable" | "unregretted" | "no" | "n" | "false" => {
                    Some("Non-regret")
                }
                _ => None,
            },
        };
        known.map(|k| Some(k.to_string())).ok_or_else(|| {
            let allowed = match self {
                Detail::Type => "`Voluntary` or `Involuntary`",
                _ => "`Regret` or `Non-regret`",
            };
            (
                None,
                format!(
                    "`{v}` is not a value ChartHop takes for `{}` ({allowed}); map the payroll's values with `map = {{ ... }}`",
                    field.code
                ),
            )
        })
    }
}
