//! The detail of a review: one section per kind of row, in the order a reviewer reads them,
//! each a table with one line per person.

use super::words::{conflict_advice, counted, departures_intro, listing_note, thousands};
use super::{Cell, Change, Line, Section, Who};
use crate::diff::{Category, RowChange};
use crate::plan::PlanDoc;
use crate::plan::safe::Masker;

/// How many unchanged people the reports list (all of them are in `plan.json`).
pub const UNCHANGED_LISTED: usize = 2_000;

/// The detail sections of `plan` that have rows, in reading order.
pub(super) fn sections(plan: &PlanDoc) -> Vec<Section<'_>> {
    let mask = Masker::new(&plan.sensitive_fields, plan.show_sensitive);
    let mut by: [Vec<&RowChange>; Category::ALL.len()] = Default::default();
    for r in &plan.rows {
        by[r.category as usize].push(r);
    }
    let mut take = |c: Category| std::mem::take(&mut by[c as usize]);
    let mut departures = take(Category::Departure);
    departures.extend(take(Category::ScheduledDeparture));
    departures.sort_by_key(|r| r.row);
    let department = plan.department_field.as_deref();
    let out = vec![
        new_hires(plan, &take(Category::NewHire), &mask, department),
        rehires(plan, &take(Category::Rehire), &mask),
        updates(&take(Category::Update), &mask),
        email_changes(&take(Category::EmailChange), &mask),
        departures_section(plan, &departures, &mask),
        absent(plan),
        conflicts(plan, &take(Category::Conflict)),
        rejected(plan, &take(Category::Rejected)),
        warnings(plan),
        unchanged(plan, &take(Category::Unchanged)),
    ];
    out.into_iter().flatten().collect()
}

/// A person's first two cells: their export row and name.
fn person(r: &RowChange) -> [Cell; 2] {
    [Cell::Number(r.row), Cell::Value(r.name.clone())]
}

/// A line about `r`: its row and name, then `cells`.
fn line<'a>(r: &'a RowChange, cells: impl IntoIterator<Item = Cell>) -> Line<'a> {
    Line {
        who: Who::Row(r),
        cells: person(r).into_iter().chain(cells).collect(),
    }
}

/// A section of people, open.
fn section<'a>(
    id: &'static str,
    title: String,
    intro: Vec<String>,
    columns: Vec<&'static str>,
    lines: Vec<Line<'a>>,
) -> Option<Section<'a>> {
    (!lines.is_empty()).then_some(Section {
        id,
        title,
        intro: intro.into_iter().filter(|p| !p.is_empty()).collect(),
        columns,
        lines,
        open: true,
    })
}

/// New hires: who, how they were (not) matched, and what ChartHop will first know of them.
fn new_hires<'a>(
    plan: &PlanDoc,
    rows: &[&'a RowChange],
    mask: &Masker,
    department: Option<&str>,
) -> Option<Section<'a>> {
    let total = plan.summary.new_hires;
    let mut columns = vec!["Row", "Name", "Match", "Work email", "Title"];
    columns.extend(department.map(|_| "Department"));
    columns.extend(["Start date", "Manager"]);
    let lines = rows
        .iter()
        .map(|r| {
            let t = |code: &str| {
                Cell::Value(mask.show(code, r.target.get(code).map_or("", String::as_str)))
            };
            let mut cells = vec![
                Cell::Value(r.matched.clone()),
                t("contact.workEmail"),
                t("title"),
            ];
            cells.extend(department.map(t));
            cells.extend([t("startDate"), t("manager")]);
            line(r, cells)
        })
        .collect();
    section(
        "new_hire",
        format!("New hires ({})", thousands(total)),
        vec![
            listing_note(rows.len(), total, "`new_hires.csv` and `plan.json`").unwrap_or_default(),
        ],
        columns,
        lines,
    )
}

/// Former ChartHop people coming back, with their new start date.
fn rehires<'a>(plan: &PlanDoc, rows: &[&'a RowChange], mask: &Masker) -> Option<Section<'a>> {
    let total = plan.summary.rehires;
    let lines = rows
        .iter()
        .map(|r| {
            let t = |code: &str| {
                Cell::Value(mask.show(code, r.target.get(code).map_or("", String::as_str)))
            };
            line(
                r,
                [
                    Cell::Value(r.matched.clone()),
                    t("contact.workEmail"),
                    t("startDate"),
                ],
            )
        })
        .collect();
    section(
        "rehire",
        format!("Rehires ({})", thousands(total)),
        vec![
            "People who left ChartHop and come back: the same ChartHop person, with a new start date (`new_hires.csv`, matched to them by work email).".into(),
            listing_note(rows.len(), total, "`new_hires.csv` and `plan.json`").unwrap_or_default(),
        ],
        vec!["Row", "Name", "Before", "Work email", "New start date"],
        lines,
    )
}

/// A row's changes as shown, but those of `skip` (the work email of an email change).
fn changes(r: &RowChange, mask: &Masker, skip: Option<&str>) -> Vec<Change> {
    r.changes
        .iter()
        .filter(|c| Some(c.field.as_str()) != skip)
        .map(|c| {
            let (old, new) = mask.show_change(&c.field, &c.old, &c.new);
            Change {
                field: c.field.clone(),
                old,
                new,
            }
        })
        .collect()
}

/// Updates: each person once, every field that changes on their line.
fn updates<'a>(rows: &[&'a RowChange], mask: &Masker) -> Option<Section<'a>> {
    let field_changes: usize = rows.iter().map(|r| r.changes.len()).sum();
    let lines = rows
        .iter()
        .map(|r| {
            line(
                r,
                [
                    Cell::Value(r.matched.clone()),
                    Cell::Changes(changes(r, mask, None)),
                ],
            )
        })
        .collect();
    section(
        "update",
        format!(
            "Updates ({}, {})",
            counted(rows.len(), "person", "people"),
            counted(field_changes, "field change", "field changes")
        ),
        vec!["Each person once, with every field that changes: old → new. `updates.csv` carries them.".into()],
        vec!["Row", "Name", "Match", "Changes"],
        lines,
    )
}

/// Work email changes (the payroll id trusted), with the person's other changes.
fn email_changes<'a>(rows: &[&'a RowChange], mask: &Masker) -> Option<Section<'a>> {
    let lines = rows
        .iter()
        .map(|r| {
            let email = r.changes.first();
            line(
                r,
                [
                    Cell::Value(email.map_or("", |c| c.old.as_str()).to_string()),
                    Cell::Value(email.map_or("", |c| c.new.as_str()).to_string()),
                    Cell::Changes(changes(r, mask, Some("contact.workEmail"))),
                ],
            )
        })
        .collect();
    section(
        "email_change",
        format!("Work email changes ({})", thousands(rows.len())),
        vec!["The payroll id is trusted (`[key] trust = \"payroll\"`): these people get the export's work email first (`email_changes.csv`, by ChartHop job), then their other changes (`updates.csv`).".into()],
        vec!["Row", "Name", "Old email", "New email", "Other changes"],
        lines,
    )
}

/// Departures and scheduled ones, in export order: the last day, when, type and reason.
fn departures_section<'a>(
    plan: &PlanDoc,
    rows: &[&'a RowChange],
    mask: &Masker,
) -> Option<Section<'a>> {
    let scheduled = rows
        .iter()
        .filter(|r| r.category == Category::ScheduledDeparture)
        .count();
    let department = plan.department_field.as_deref();
    let mut columns = vec!["Row", "Name", "Work email"];
    columns.extend(department.map(|_| "Department"));
    columns.extend(["Last day", "When", "Type", "Reason"]);
    let lines = rows
        .iter()
        .map(|r| {
            let d = r.departure.as_ref();
            let when = match (r.category, d.and_then(|d| d.previous_end_date.as_deref())) {
                (_, Some(prev)) => format!("moves the last day from {prev}"),
                (Category::ScheduledDeparture, None) => "scheduled".into(),
                _ => "on or before the as-of date".into(),
            };
            let value = |v: Option<&str>| Cell::Value(v.unwrap_or("").to_string());
            let mut cells = vec![value(r.charthop_email.as_deref())];
            if let Some(code) = department {
                let left = d.and_then(|d| d.department.as_deref()).unwrap_or("");
                cells.push(Cell::Value(mask.show(code, left)));
            }
            cells.extend([
                value(r.termination_date.as_deref().or(Some("(not given)"))),
                Cell::Prose(when),
                value(d.and_then(|d| d.depart_type.as_deref())),
                value(d.and_then(|d| d.reason.as_deref())),
            ]);
            line(r, cells)
        })
        .collect();
    let held = if plan.import.departures_held {
        ", reported only"
    } else {
        ""
    };
    section(
        "departure",
        format!(
            "Departures ({}, of which {} scheduled{held})",
            thousands(rows.len()),
            thousands(scheduled)
        ),
        vec![format!(
            "The export says these people leave while ChartHop shows them active. {}",
            departures_intro(plan)
        )],
        columns,
        lines,
    )
}

/// People in ChartHop but not in the export: reported, never changed.
fn absent(plan: &PlanDoc) -> Option<Section<'_>> {
    let lines = plan
        .absent
        .iter()
        .map(|a| Line {
            who: Who::Absent(a),
            cells: vec![
                Cell::Value(a.name.clone()),
                Cell::Value(a.charthop_email.clone()),
            ],
        })
        .collect();
    section(
        "absent",
        format!("Absent from the export ({})", thousands(plan.absent.len())),
        vec!["In ChartHop but not in the export, with no termination in it: reported only, never changed. Check whether the export is complete.".into()],
        vec!["Name", "Work email"],
        lines,
    )
}

/// Conflicts, each with its reason and what to do.
fn conflicts<'a>(plan: &PlanDoc, rows: &[&'a RowChange]) -> Option<Section<'a>> {
    let total = plan.summary.conflicts;
    let lines = rows
        .iter()
        .map(|r| {
            line(
                r,
                [
                    Cell::Value(r.reason.clone().unwrap_or_default()),
                    Cell::Prose(conflict_advice(r.conflict).to_string()),
                ],
            )
        })
        .collect();
    section(
        "conflict",
        format!("Conflicts ({})", thousands(total)),
        vec![
            "These rows were left out of the import: matching them would be a guess. Fix the export or ChartHop as each row says, then plan again.".into(),
            listing_note(rows.len(), total, "`plan.json`").unwrap_or_default(),
        ],
        vec!["Row", "Name", "Reason", "What to do"],
        lines,
    )
}

/// Rows the mapping could not map, with the cell at fault.
fn rejected<'a>(plan: &PlanDoc, rows: &[&'a RowChange]) -> Option<Section<'a>> {
    let total = plan.summary.rejected;
    let lines = rows
        .iter()
        .map(|r| line(r, [Cell::Value(r.reason.clone().unwrap_or_default())]))
        .collect();
    section(
        "rejected",
        format!("Rejected rows ({})", thousands(total)),
        vec![
            "These rows could not be mapped and were left out. Fix the cell named in each reason (or the mapping), then plan again.".into(),
            listing_note(rows.len(), total, "`plan.json`").unwrap_or_default(),
        ],
        vec!["Row", "Name", "Reason"],
        lines,
    )
}

/// Values that start like a spreadsheet formula.
fn warnings(plan: &PlanDoc) -> Option<Section<'_>> {
    let lines = plan
        .warnings
        .iter()
        .map(|w| Line {
            who: Who::Nobody,
            cells: vec![Cell::Number(w.row), Cell::Value(w.field.clone())],
        })
        .collect();
    section(
        "warnings",
        format!("Warnings ({})", thousands(plan.warnings.len())),
        vec!["Values that start like a spreadsheet formula: sent to ChartHop unchanged, shown here with a leading `'`.".into()],
        vec!["Row", "Field"],
        lines,
    )
}

/// The unchanged people (the first [`UNCHANGED_LISTED`]), folded away.
fn unchanged<'a>(plan: &PlanDoc, rows: &[&'a RowChange]) -> Option<Section<'a>> {
    let total = plan.summary.unchanged;
    let listed = rows.len().min(UNCHANGED_LISTED);
    let lines = rows
        .iter()
        .take(UNCHANGED_LISTED)
        .map(|r| line(r, [Cell::Value(r.matched.clone())]))
        .collect();
    let mut s = section(
        "unchanged",
        format!("Unchanged ({})", thousands(total)),
        vec![listing_note(listed, total, "`plan.json`").unwrap_or_default()],
        vec!["Row", "Name", "Match"],
        lines,
    )?;
    s.open = false;
    Some(s)
}
