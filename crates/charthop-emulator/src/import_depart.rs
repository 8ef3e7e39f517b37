//! The departure columns of an import row: reading `End Date`, `Depart Type`, `Depart Regret`,
//! `Depart Reason` and `backfillJob` into a [`DepartInput`] ([`read`]), and what a departure
//! row reports in its process event ([`reported`]).
//!
//! Layering: above `import_csv` (columns), `lifecycle` (the input type), `history` (the
//! enums) and `dates`; below `import_row`.

use crate::dates::parse_cell;
use crate::history::{DepartType, Regret};
use crate::import_csv::Column;
use crate::lifecycle::DepartInput;

/// A row's departure from its cells (`cell` gives a column's trimmed, non-blank cell): `None`
/// without an End Date. Fails on a bad date, depart type, regret or backfill value, or on
/// Depart Type/Regret/Reason without an End Date (`backfillJob` alone is ignored: it only
/// qualifies a departure).
pub fn read<'a>(cell: &dyn Fn(Column) -> Option<&'a str>) -> Result<Option<DepartInput>, String> {
    let depart_type = match cell(Column::DepartType) {
        Some(raw) => Some(
            DepartType::parse(raw)
                .ok_or_else(|| format!("depart type `{raw}` is not Voluntary or Involuntary"))?,
        ),
        None => None,
    };
    let regret = match cell(Column::DepartRegret) {
        Some(raw) => Some(
            Regret::parse(raw)
                .ok_or_else(|| format!("depart regret `{raw}` is not Regret or Non-regret"))?,
        ),
        None => None,
    };
    let backfill = match cell(Column::Backfill) {
        Some(raw) => Some(match raw.to_ascii_lowercase().as_str() {
            "yes" | "true" => true,
            "no" | "false" => false,
            _ => return Err(format!("backfillJob `{raw}` is not yes, no, true or false")),
        }),
        None => None,
    };
    let reason = cell(Column::DepartReason).map(str::to_string);
    let Some(raw) = cell(Column::EndDate) else {
        if depart_type.is_some() || regret.is_some() || reason.is_some() {
            return Err(
                "Depart Type, Depart Regret and Depart Reason need an End Date on the same row"
                    .into(),
            );
        }
        return Ok(None);
    };
    let end =
        parse_cell(raw).ok_or_else(|| format!("end date `{raw}` is not M/D/YYYY or YYYY-MM-DD"))?;
    Ok(Some(DepartInput {
        end,
        depart_type,
        regret,
        reason,
        backfill,
    }))
}

/// The `(code, value)` pairs a departure row reports: `endDate` (ISO), then `departType`,
/// `departRegret`, `departReason` and `backfillJob` when the row gave them.
pub fn reported(input: &DepartInput) -> Vec<(&'static str, String)> {
    let details = [
        (
            "departType",
            input.depart_type.map(|t| t.code().to_string()),
        ),
        ("departRegret", input.regret.map(|r| r.code().to_string())),
        ("departReason", input.reason.clone()),
        ("backfillJob", input.backfill.map(|b| b.to_string())),
    ];
    std::iter::once(("endDate", input.end.to_string()))
        .chain(details.into_iter().filter_map(|(k, v)| Some((k, v?))))
        .collect()
}
