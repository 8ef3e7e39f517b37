//! The page's sections, one function each, in the order the page shows them.

use std::fmt::Write;

use super::markup::{escape, group, person, search_text, section, val};
use crate::diff::{Category, RowChange};
use crate::plan::PlanDoc;
use crate::plan::report::{
    conflict_advice, departures_intro, listing_note, people, updates_by_field,
};
use crate::plan::safe::Masker;

/// How many unchanged rows the page lists.
pub const UNCHANGED_LISTED: usize = 2_000;

/// The rows of one category, in plan order.
fn rows_of(plan: &PlanDoc, c: Category) -> Vec<&RowChange> {
    plan.rows.iter().filter(|r| r.category == c).collect()
}

/// New hires: who, their work email, title, start date and manager.
pub(super) fn new_hires(o: &mut String, plan: &PlanDoc, mask: &Masker) {
    let hires = rows_of(plan, Category::NewHire);
    if !hires.is_empty() {
        section(
            o,
            "new_hire",
            &format!("New hires ({})", plan.summary.new_hires),
            &listing_note(
                hires.len(),
                plan.summary.new_hires,
                "new_hires.csv and plan.json",
            )
            .unwrap_or_default(),
        );
        group(
            o,
            None,
            &[
                "Row",
                "Name",
                "Match",
                "Work email",
                "Title",
                "Start date",
                "Manager",
            ],
        );
        for r in hires {
            let t = |code: &str| {
                escape(&mask.show(code, r.target.get(code).map_or("", String::as_str)))
            };
            let cells = [
                val(&r.matched),
                t("contact.workEmail"),
                t("title"),
                t("startDate"),
                t("manager"),
            ];
            let _ = writeln!(o, "{}", person(r, &cells));
        }
        let _ = writeln!(o, "</table></div>\n</section>");
    }
}

/// Updates, grouped by field: old -> new for each person.
pub(super) fn updates(o: &mut String, plan: &PlanDoc, mask: &Masker) {
    let by_field = updates_by_field(plan);
    if !by_field.is_empty() {
        section(
            o,
            "update",
            &format!("Updates ({})", plan.summary.updates),
            "",
        );
        for (field, list) in by_field {
            let heading = format!("{}: {}", val(field), people(list.len()));
            group(o, Some(&heading), &["Row", "Name", "Match", "Old", "New"]);
            for (r, old, new) in list {
                let (old, new) = mask.show_change(field, old, new);
                let cells = [
                    val(&r.matched),
                    format!("<span class=\"old\">{}</span>", escape(&old)),
                    format!("<span class=\"new\">{}</span>", escape(&new)),
                ];
                let _ = writeln!(o, "{}", person(r, &cells));
            }
            let _ = writeln!(o, "</table></div>");
        }
        let _ = writeln!(o, "</section>");
    }
}

/// Departures found in the export (scheduled ones included), and whether they are sent or
/// reported only.
pub(super) fn departures(o: &mut String, plan: &PlanDoc) {
    let departures: Vec<&RowChange> = plan
        .rows
        .iter()
        .filter(|r| r.category.is_departure())
        .collect();
    if departures.is_empty() {
        return;
    }
    section(
        o,
        "departure",
        &format!(
            "Departures ({}, of which {} scheduled)",
            departures.len(),
            plan.summary.scheduled_departures
        ),
        &format!(
            "The export says these people leave while ChartHop shows them active. {}",
            departures_intro(plan).replace('`', "")
        ),
    );
    group(
        o,
        None,
        &[
            "Row",
            "Name",
            "Work email",
            "Last day",
            "When",
            "Type",
            "Reason",
        ],
    );
    for r in departures {
        let d = r.departure.as_ref();
        let when = match (r.category, d.and_then(|d| d.previous_end_date.as_deref())) {
            (_, Some(prev)) => format!("moves the last day from {prev}"),
            (Category::ScheduledDeparture, None) => "scheduled".into(),
            _ => "on or before the as-of date".into(),
        };
        let cells = [
            val(r.charthop_email.as_deref().unwrap_or("")),
            val(r.termination_date.as_deref().unwrap_or("(not given)")),
            val(&when),
            val(d.and_then(|d| d.depart_type.as_deref()).unwrap_or("")),
            val(d.and_then(|d| d.reason.as_deref()).unwrap_or("")),
        ];
        let _ = writeln!(o, "{}", person(r, &cells));
    }
    let _ = writeln!(o, "</table></div>\n</section>");
}

/// People who left ChartHop and come back.
pub(super) fn rehires(o: &mut String, plan: &PlanDoc, mask: &Masker) {
    let rows = rows_of(plan, Category::Rehire);
    if rows.is_empty() {
        return;
    }
    section(
        o,
        "rehire",
        &format!("Rehires ({})", plan.summary.rehires),
        "People who left ChartHop and come back: the same ChartHop person, with a new start date (new_hires.csv, matched to them by work email).",
    );
    group(
        o,
        None,
        &["Row", "Name", "Before", "Work email", "New start date"],
    );
    for r in rows {
        let t =
            |code: &str| escape(&mask.show(code, r.target.get(code).map_or("", String::as_str)));
        let cells = [val(&r.matched), t("contact.workEmail"), t("startDate")];
        let _ = writeln!(o, "{}", person(r, &cells));
    }
    let _ = writeln!(o, "</table></div>\n</section>");
}

/// Work email changes (the payroll id trusted).
pub(super) fn email_changes(o: &mut String, plan: &PlanDoc) {
    let rows = rows_of(plan, Category::EmailChange);
    if rows.is_empty() {
        return;
    }
    section(
        o,
        "email_change",
        &format!("Work email changes ({})", plan.summary.email_changes),
        "The payroll id is trusted: these people get the export's work email first (email_changes.csv, by ChartHop job); their other changes are listed with the updates.",
    );
    group(o, None, &["Row", "Name", "Old email", "New email"]);
    for r in rows {
        let c = r.changes.first();
        let cells = [
            val(c.map_or("", |c| c.old.as_str())),
            val(c.map_or("", |c| c.new.as_str())),
        ];
        let _ = writeln!(o, "{}", person(r, &cells));
    }
    let _ = writeln!(o, "</table></div>\n</section>");
}

/// Notes on the plan as a whole.
pub(super) fn notes(o: &mut String, plan: &PlanDoc) {
    if plan.notes.is_empty() {
        return;
    }
    let _ = writeln!(o, "<h2>Notes</h2>\n<ul>");
    for n in &plan.notes {
        let rows: Vec<String> = n.rows.iter().take(20).map(usize::to_string).collect();
        let more = if n.rows.len() > 20 { ", ..." } else { "" };
        let _ = writeln!(
            o,
            "<li>{} (rows {}{more})</li>",
            val(&n.message),
            rows.join(", ")
        );
    }
    let _ = writeln!(o, "</ul>");
}

/// People in ChartHop but not in the export: reported only, never changed.
pub(super) fn absent(o: &mut String, plan: &PlanDoc) {
    if !plan.absent.is_empty() {
        section(
            o,
            "absent",
            &format!("Absent from the export ({})", plan.absent.len()),
            "In ChartHop but not in the export, with no termination in it: reported only, never changed. Check whether the export is complete.",
        );
        group(o, None, &["Name", "Work email"]);
        for a in &plan.absent {
            let _ = writeln!(
                o,
                "<tr class=\"person\" data-category=\"absent\" data-name=\"{}\"><td>{}</td><td>{}</td></tr>",
                escape(&search_text(&[Some(&a.name), Some(&a.charthop_email)])),
                val(&a.name),
                val(&a.charthop_email)
            );
        }
        let _ = writeln!(o, "</table></div>\n</section>");
    }
}

/// Conflicts, with what to do about each.
pub(super) fn conflicts(o: &mut String, plan: &PlanDoc) {
    let conflicts = rows_of(plan, Category::Conflict);
    if !conflicts.is_empty() {
        section(
            o,
            "conflict",
            &format!("Conflicts ({})", plan.summary.conflicts),
            &format!(
                "Left out of the import: matching these rows would be a guess. Fix the export or ChartHop as each row says, then plan again. {}",
                listing_note(conflicts.len(), plan.summary.conflicts, "plan.json")
                    .unwrap_or_default()
            ),
        );
        group(o, None, &["Row", "Name", "Reason", "What to do"]);
        for r in conflicts {
            let cells = [
                val(r.reason.as_deref().unwrap_or("")),
                escape(conflict_advice(r.conflict)),
            ];
            let _ = writeln!(o, "{}", person(r, &cells));
        }
        let _ = writeln!(o, "</table></div>\n</section>");
    }
}

/// Rows the mapping could not map, with the reason.
pub(super) fn rejected(o: &mut String, plan: &PlanDoc) {
    let rejected = rows_of(plan, Category::Rejected);
    if !rejected.is_empty() {
        section(
            o,
            "rejected",
            &format!("Rejected rows ({})", plan.summary.rejected),
            &format!(
                "These rows could not be mapped and were left out. Fix the cell named in each reason (or the mapping), then plan again. {}",
                listing_note(rejected.len(), plan.summary.rejected, "plan.json")
                    .unwrap_or_default()
            ),
        );
        group(o, None, &["Row", "Name", "Reason"]);
        for r in rejected {
            let _ = writeln!(
                o,
                "{}",
                person(r, &[val(r.reason.as_deref().unwrap_or(""))])
            );
        }
        let _ = writeln!(o, "</table></div>\n</section>");
    }
}

/// Unchanged people (the first [`UNCHANGED_LISTED`] of them).
pub(super) fn unchanged(o: &mut String, plan: &PlanDoc) {
    let unchanged = rows_of(plan, Category::Unchanged);
    if !unchanged.is_empty() {
        // A large org's unchanged rows would make the page too big to open: the first ones are
        // listed, and all of them are in plan.json.
        let listed = unchanged.len().min(UNCHANGED_LISTED);
        let note = listing_note(listed, plan.summary.unchanged, "plan.json").unwrap_or_default();
        section(
            o,
            "unchanged",
            &format!("Unchanged ({})", plan.summary.unchanged),
            &note,
        );
        group(o, None, &["Row", "Name", "Match"]);
        for r in unchanged.iter().take(UNCHANGED_LISTED) {
            let _ = writeln!(o, "{}", person(r, &[val(&r.matched)]));
        }
        let _ = writeln!(o, "</table></div>\n</section>");
    }
}

/// Values that start like a spreadsheet formula.
pub(super) fn warnings(o: &mut String, plan: &PlanDoc) {
    if !plan.warnings.is_empty() {
        let _ = writeln!(
            o,
            "<h2>Warnings ({})</h2>\n<p class=\"note\">Values that start like a spreadsheet formula: sent to ChartHop unchanged, shown here with a leading '.</p>\n<table><tr><th>Row</th><th>Field</th></tr>",
            plan.warnings.len()
        );
        for w in &plan.warnings {
            let _ = writeln!(
                o,
                "<tr><td class=\"n\">{}</td><td>{}</td></tr>",
                w.row,
                val(&w.field)
            );
        }
        let _ = writeln!(o, "</table>");
    }
}
