//! What needs a reviewer's attention before a plan is applied: tripped guards, rows left out,
//! what ChartHop will refuse, departures not sent, people missing from the export, the largest
//! pay changes (as percentages) and values that look like formulas.

use super::words::{counted, departures_not_sent, in_prose, people, thousands};
use super::{Attention, GuardLine, Tally};
use crate::diff::Category;
use crate::plan::PlanDoc;
use crate::plan::safe::{Masker, format_percent, percent_change};

/// An attention item without a list.
fn plain(text: String, anchor: Option<&'static str>) -> Attention {
    Attention {
        text,
        anchor,
        items: Vec::new(),
    }
}

/// How many of the largest pay changes need attention.
pub const PAY_CHANGES_LISTED: usize = 5;

/// What a reviewer should look at before applying, most pressing first.
pub(super) fn attention(plan: &PlanDoc, guards: &[GuardLine], tally: &Tally) -> Vec<Attention> {
    let s = &plan.summary;
    let mut out = Vec::new();
    let tripped: Vec<&GuardLine> = guards.iter().filter(|g| g.tripped).collect();
    if !tripped.is_empty() {
        let names: Vec<String> = tripped.iter().map(|g| format!("`{}`", g.guard)).collect();
        out.push(plain(
            format!(
                "{} tripped ({}): the plan is not applied without an approval of its hash.",
                counted(tripped.len(), "safety guard", "safety guards"),
                names.join(", ")
            ),
            Some("guards"),
        ));
    }
    if s.conflicts > 0 {
        out.push(plain(
            format!(
                "{} left out as conflicts: matching them would be a guess. Each says what to fix.",
                counted(s.conflicts, "row", "rows")
            ),
            Some("conflict"),
        ));
    }
    if s.rejected > 0 {
        out.push(plain(
            format!(
                "{} rejected: a cell could not be mapped. Each names the cell.",
                counted(s.rejected, "row", "rows")
            ),
            Some("rejected"),
        ));
    }
    if let Some(again) = refused_again(plan, tally) {
        out.push(again);
    }
    let mut notes: Vec<&crate::diff::Note> = plan.notes.iter().collect();
    // What ChartHop will refuse (departments it lacks) comes before what is only worth knowing.
    notes.sort_by_key(|n| n.kind != "department");
    for n in notes {
        let rows: Vec<String> = n.rows.iter().take(20).map(usize::to_string).collect();
        let more = if n.rows.len() > 20 { ", ..." } else { "" };
        let which = if n.rows.len() == 1 { "row" } else { "rows" };
        out.push(plain(
            format!("{} ({which} {}{more}).", n.message, rows.join(", ")),
            None,
        ));
    }
    let leaving = s.departures + s.scheduled_departures;
    if let Some(why) = departures_not_sent(plan)
        && (leaving > 0 || !plan.import.departures_mapped)
    {
        let anchor = (leaving > 0).then_some("departure");
        out.push(plain(
            if plan.import.departures_mapped {
                format!(
                    "{} {why}. ChartHop keeps these people active.",
                    counted(leaving, "departure is", "departures are")
                )
            } else {
                "The mapping has no `[departure]` section, so departures are not looked for: people who left stay active in ChartHop (they count as absent only when they are missing from the export).".to_string()
            },
            anchor,
        ));
    }
    if s.absent > 0 {
        out.push(plain(
            format!(
                "{} in ChartHop {} not in the export: nothing is changed for them. Check that the export is complete.",
                people(s.absent),
                if s.absent == 1 { "is" } else { "are" }
            ),
            Some("absent"),
        ));
    }
    if let Some(pay) = largest_pay_changes(plan) {
        out.push(pay);
    }
    if !plan.warnings.is_empty() {
        out.push(Attention {
            text: format!(
                "{} like a spreadsheet formula: sent to ChartHop unchanged, shown with a leading `'`.",
                counted(plan.warnings.len(), "value starts", "values start")
            ),
            anchor: Some("warnings"),
            items: Vec::new(),
        });
    }
    out
}

/// The rows ChartHop refused in the last run, and which of those people this plan sends
/// again (found by work email over every row, see [`Tally`]): ChartHop will refuse them again
/// unless its reason is fixed.
fn refused_again(plan: &PlanDoc, tally: &Tally) -> Option<Attention> {
    let last = plan.refused_last_run.as_ref()?;
    let (again, listed) = tally.refused_again_count();
    let items = listed
        .iter()
        .map(|r| {
            format!(
                "{} (row {}): {}",
                in_prose(&r.name),
                r.row,
                in_prose(&r.reason)
            )
        })
        .collect();
    let refused = counted(last.rows.len(), "row", "rows");
    let text = if again == 0 {
        format!(
            "ChartHop refused {refused} in the last run ({}); none of those people is sent to ChartHop in this plan.",
            last.time
        )
    } else {
        format!(
            "ChartHop refused {refused} in the last run ({}); {} of those people {} in this plan again, and ChartHop will refuse {} again unless what it said is fixed:",
            last.time,
            thousands(again),
            if again == 1 { "is" } else { "are" },
            if again == 1 { "it" } else { "them" }
        )
    };
    Some(Attention {
        text,
        anchor: None,
        items,
    })
}

/// The largest changes of sensitive amounts (pay), as percentages: never the amounts, even
/// with `--show-sensitive`, so the box can be shown to anyone reviewing the plan.
fn largest_pay_changes(plan: &PlanDoc) -> Option<Attention> {
    let mask = Masker::new(&plan.sensitive_fields, plan.show_sensitive);
    let mut changes: Vec<(f64, usize, &str, &str)> = Vec::new();
    let updated = |r: &&crate::diff::RowChange| {
        matches!(r.category, Category::Update | Category::EmailChange)
    };
    for r in plan.rows.iter().filter(updated) {
        for c in r.changes.iter().filter(|c| mask.is_sensitive(&c.field)) {
            if let Some(pct) = percent_change(&c.old, &c.new) {
                changes.push((pct, r.row, &r.name, &c.field));
            }
        }
    }
    if changes.is_empty() {
        return None;
    }
    let total = changes.len();
    changes.sort_by(|a, b| b.0.abs().total_cmp(&a.0.abs()).then(a.1.cmp(&b.1)));
    let items = changes
        .iter()
        .take(PAY_CHANGES_LISTED)
        .map(|(pct, row, name, field)| {
            format!(
                "{} (row {row}): `{field}` {}",
                in_prose(name),
                format_percent(*pct)
            )
        })
        .collect();
    Some(Attention {
        text: format!(
            "The largest pay changes, of {} (as percentages):",
            thousands(total)
        ),
        anchor: Some("update"),
        items,
    })
}
