//! The sections about people's lifecycle and dates: `[departure]` (how the export says a
//! person left, and the details ChartHop records), `[effective]` (the date a row's changes
//! take effect) and `[import]` (how the change files are imported).
//!
//! This file reads the sections; what they mean for one row is `row/leaving.rs`, and what a
//! row becomes once compared with ChartHop (a departure, a scheduled one, an active person) is
//! decided by the diff, which knows the plan's as-of date.

use toml::de::DeTable;

use super::field;
use super::spec::{Reader, get, key_span};
use super::{Columns, Departure};

/// `[departure]`'s keys.
const DEPARTURE: [&str; 7] = [
    "from",
    "values",
    "date",
    "rehire_date",
    "type",
    "regret",
    "reason",
];

/// `[departure]`: a status column with the values that mean "left", and/or a termination-date
/// column; optionally a rehire-date column and where the departure's type, regret and reason
/// come from (each a constant or a small field: `{ from, map | lookup, ... }`).
pub(super) fn departure(
    r: &mut Reader,
    doc: &DeTable<'_>,
    cx: &mut field::Context<'_>,
) -> Option<Departure> {
    let item = get(doc, "departure")?;
    let t = r.table(item, "departure")?;
    r.check_keys(t, &DEPARTURE, "`[departure]`");
    let span = key_span(doc, "departure").unwrap_or(0..0);
    let column = |r: &mut Reader, key: &str, cols: &mut Columns| {
        get(t, key)
            .and_then(|v| r.string(v, key).map(|s| (s.to_string(), v.span())))
            .map(|(col, col_span)| cols.intern(&col, col_span))
    };
    let from = get(t, "from").and_then(|v| r.string(v, "from").map(|s| (s.to_string(), v.span())));
    let values: Vec<String> = get(t, "values")
        .map(|v| r.strings(v, "values").into_iter().map(|(s, _)| s).collect())
        .unwrap_or_default();
    let status = match (from, values.is_empty()) {
        (Some((col, col_span)), false) => Some((cx.cols.intern(&col, col_span), values)),
        (Some((_, col_span)), true) => {
            r.diags.error_hint(
                col_span,
                "`from` names a status column but `values` is empty",
                "no values",
                Some(
                    "list the statuses that mean the person left, e.g. `values = [\"Terminated\"]`"
                        .into(),
                ),
            );
            None
        }
        (None, false) => {
            r.diags.error(
                span.clone(),
                "`values` is set but `from` names no status column",
                "no `from`",
            );
            None
        }
        (None, true) => None,
    };
    let date_col = column(r, "date", cx.cols);
    let rehire_col = column(r, "rehire_date", cx.cols);
    let mut part = |r: &mut Reader, key: &str| {
        get(t, key).and_then(|v| field::parse_part(r, &format!("departure.{key}"), v, cx))
    };
    let depart_type = part(r, "type");
    let regret = part(r, "regret");
    let reason = part(r, "reason");
    if status.is_none() && date_col.is_none() {
        r.diags.error(
            span,
            "`[departure]` names neither a status column (`from` with `values`) nor a date column (`date`)",
            "empty section",
        );
        return None;
    }
    if rehire_col.is_some() && date_col.is_none() {
        let at = key_span(t, "rehire_date").unwrap_or(span);
        r.diags.error_hint(
            at,
            "`rehire_date` needs `date`: a rehire date only matters against a termination date",
            "no termination date column",
            Some("name the termination-date column with `date = \"Termination Date\"`".into()),
        );
    }
    Some(Departure {
        status,
        date_col,
        rehire_col,
        depart_type,
        regret,
        reason,
    })
}

/// `[effective]`: `from` names the column holding the date each row's changes take effect.
pub(super) fn effective(r: &mut Reader, doc: &DeTable<'_>, cols: &mut Columns) -> Option<usize> {
    let t = get(doc, "effective").and_then(|v| r.table(v, "effective"))?;
    r.check_keys(t, &["from"], "`[effective]`");
    match get(t, "from") {
        Some(v) => r.string(v, "from").map(|s| cols.intern(s, v.span())),
        None => {
            let span = key_span(doc, "effective").unwrap_or(0..0);
            r.diags.error_hint(
                span,
                "`[effective]` has no `from`",
                "no column",
                Some("name the effective-date column, e.g. `from = \"Effective Date\"`".into()),
            );
            None
        }
    }
}

/// `[import]`: how the change files are imported. `create_groups = true` lets the new-hire
/// import create departments and locations ChartHop does not have yet (`createGroups`).
pub(super) fn import_section(r: &mut Reader, doc: &DeTable<'_>) -> bool {
    let Some(t) = get(doc, "import").and_then(|v| r.table(v, "import")) else {
        return false;
    };
    r.check_keys(t, &["create_groups"], "`[import]`");
    get(t, "create_groups")
        .and_then(|v| r.boolean(v, "create_groups"))
        .unwrap_or(false)
}
