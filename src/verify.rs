//! Checks a plan against the roster as it is now: before applying (has ChartHop moved in a
//! field the plan touches?) and after (did every planned row land?).
//!
//! Works from `plan.json` alone (each row's job, its changes with the old values, and its
//! target values), so a plan can be checked without the export or the mapping.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::diff::{Category, RowChange};
use crate::fetch::{PersonRef, Roster};
use crate::plan::PlanDoc;
use crate::textindex::Fold;

const WORK_EMAIL: &str = "contact.workEmail";

/// The roster indexes verification looks people up by: fetch the roster with these.
pub const INDEXES: [(&str, Fold); 1] = [(WORK_EMAIL, Fold::TrimLower)];

/// A planned value that is not what ChartHop has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mismatch {
    /// The payroll row.
    pub row: usize,
    pub name: String,
    pub field: String,
    pub expected: String,
    pub actual: String,
}

impl std::fmt::Display for Mismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let shown = |v: &str| {
            if v.trim().is_empty() {
                "(blank)".to_string()
            } else {
                format!("`{v}`")
            }
        };
        write!(
            f,
            "row {} ({}): `{}` is {}, expected {}",
            self.row,
            self.name,
            self.field,
            shown(&self.actual),
            shown(&self.expected)
        )
    }
}

/// The fields to fetch to check a plan: the roster's, every target field, and what departures
/// and rehires are checked by.
pub fn fields(plan: &PlanDoc) -> Vec<String> {
    let mut out: Vec<String> = plan.roster.fields.clone();
    let lifecycle = plan
        .rows
        .iter()
        .any(|r| r.category.is_departure() || r.category == Category::Rehire);
    if lifecycle {
        for f in ["personId", "personEndDate", "upcoming", "state"] {
            if !out.iter().any(|o| o == f) {
                out.push(f.to_string());
            }
        }
    }
    for r in &plan.rows {
        for k in r.target.keys() {
            if !out.iter().any(|o| o.eq_ignore_ascii_case(k)) {
                out.push(k.clone());
            }
        }
    }
    if !out.iter().any(|o| o == WORK_EMAIL) {
        out.push(WORK_EMAIL.to_string());
    }
    out
}

/// Before applying: every change's old value must still be what ChartHop has, every other
/// value an update row sends must still be ChartHop's (so an edit made in ChartHop since the
/// plan is never undone), the matched people must still exist, and no new hire's email may
/// have appeared meanwhile.
pub fn drift(plan: &PlanDoc, roster: &Roster) -> Vec<Mismatch> {
    let view = View::new(plan, roster);
    // updates.csv has a column for every field some update changes; in a row that does not
    // change it, the cell holds ChartHop's value at plan time, which must still be ChartHop's
    // (else the upload would undo an edit made since: a value no reviewer saw as a change).
    let mut columns: Vec<&str> = Vec::new();
    for r in plan.rows.iter().filter(|r| r.category == Category::Update) {
        for c in &r.changes {
            if !columns.contains(&c.field.as_str()) {
                columns.push(&c.field);
            }
        }
    }
    let mut out = Vec::new();
    for r in &plan.rows {
        match r.category {
            Category::Update => {
                let Some(person) = r.job_id.as_deref().and_then(|j| view.person(j)) else {
                    out.push(mismatch(
                        r,
                        "jobId",
                        r.job_id.as_deref().unwrap_or(""),
                        "(gone)",
                    ));
                    continue;
                };
                for c in &r.changes {
                    let now = view.value(person, &c.field);
                    if !same(&c.field, &c.old, &now, view.is_manager(&c.field)) {
                        out.push(mismatch(r, &c.field, &c.old, &now));
                    }
                }
                for &field in &columns {
                    if r.changes.iter().any(|c| c.field == field) {
                        continue;
                    }
                    // A blank cell is kept by ChartHop: it writes nothing.
                    let Some(sent) = r.target.get(field).filter(|v| !v.trim().is_empty()) else {
                        continue;
                    };
                    let now = view.value(person, field);
                    if !same(field, sent, &now, view.is_manager(field)) {
                        out.push(mismatch(r, field, sent, &now));
                    }
                }
            }
            Category::EmailChange | Category::Departure | Category::ScheduledDeparture => {
                let Some(person) = r.job_id.as_deref().and_then(|j| view.person(j)) else {
                    out.push(mismatch(
                        r,
                        "jobId",
                        r.job_id.as_deref().unwrap_or(""),
                        "(gone)",
                    ));
                    continue;
                };
                let was = r.charthop_email.as_deref().unwrap_or("");
                let now = person.get(WORK_EMAIL);
                if !same(WORK_EMAIL, was, now, false) {
                    out.push(mismatch(r, WORK_EMAIL, was, now));
                }
                for c in r.changes.iter().filter(|c| c.field != WORK_EMAIL) {
                    let now = view.value(person, &c.field);
                    if !same(&c.field, &c.old, &now, view.is_manager(&c.field)) {
                        out.push(mismatch(r, &c.field, &c.old, &now));
                    }
                }
            }
            Category::NewHire | Category::Rehire => {
                let email = r
                    .target
                    .get(WORK_EMAIL)
                    .map(|e| e.trim().to_lowercase())
                    .unwrap_or_default();
                if let Some(p) = view.by_email(&email) {
                    out.push(mismatch(
                        r,
                        WORK_EMAIL,
                        "(nobody)",
                        &format!("{email} (job {})", p.job_id()),
                    ));
                }
            }
            _ => {}
        }
    }
    out
}

/// After applying: every planned row's target values are in ChartHop, but for the rows in
/// `refused` (payroll rows ChartHop refused, already reported) and departures held back for
/// review. A departure has landed when ChartHop records its last day (`personEndDate`) or the
/// person has already left the roster; a rehire when the former person (by person id) holds
/// a job again.
pub fn missing(plan: &PlanDoc, roster: &Roster, refused: &HashSet<usize>) -> Vec<Mismatch> {
    let view = View::new(plan, roster);
    let mut out = Vec::new();
    let held = plan.import.departures_held;
    for r in plan.rows.iter().filter(|r| !refused.contains(&r.row)) {
        match r.category {
            Category::Update | Category::EmailChange => {
                let Some(person) = r.job_id.as_deref().and_then(|j| view.person(j)) else {
                    out.push(mismatch(
                        r,
                        "jobId",
                        r.job_id.as_deref().unwrap_or(""),
                        "(not in ChartHop)",
                    ));
                    continue;
                };
                targets(&view, r, person, &mut out);
            }
            Category::NewHire | Category::Rehire => {
                let email = r
                    .target
                    .get(WORK_EMAIL)
                    .map(|e| e.trim().to_lowercase())
                    .unwrap_or_default();
                let Some(person) = view.by_email(&email) else {
                    out.push(mismatch(r, WORK_EMAIL, &email, "(not in ChartHop)"));
                    continue;
                };
                if let Some(id) = &r.person_id {
                    let now = person.get("personId");
                    if !now.is_empty() && now != id {
                        out.push(mismatch(r, "personId", id, now));
                    }
                }
                targets(&view, r, person, &mut out);
            }
            Category::Departure | Category::ScheduledDeparture if !held => {
                let Some(person) = r.job_id.as_deref().and_then(|j| view.person(j)) else {
                    continue; // Left already: the departure landed.
                };
                let expected = r.termination_date.as_deref().unwrap_or("");
                let now = crate::diff::recorded_end(person)
                    .map(|d| d.format("%Y-%m-%d").to_string())
                    .unwrap_or_default();
                if now != expected {
                    out.push(mismatch(r, "personEndDate", expected, &now));
                }
            }
            _ => {}
        }
    }
    out
}

/// The row's target values that ChartHop does not have. A blank target is a value only when
/// the row plans it as a change (a clear, `on_empty = "clear"`): then ChartHop's value must be
/// blank too; otherwise a blank cell is kept by ChartHop and says nothing.
fn targets(view: &View<'_>, r: &RowChange, person: PersonRef<'_>, out: &mut Vec<Mismatch>) {
    for (field, expected) in &r.target {
        if expected.trim().is_empty() && !clears(r, field) {
            continue;
        }
        let now = view.value(person, field);
        if !same(field, expected, &now, view.is_manager(field)) {
            out.push(mismatch(r, field, expected, &now));
        }
    }
}

/// Whether the row plans to clear `field`: a change to a blank value.
fn clears(r: &RowChange, field: &str) -> bool {
    r.changes
        .iter()
        .any(|c| c.field.eq_ignore_ascii_case(field) && c.new.trim().is_empty())
}

struct View<'a> {
    roster: &'a Roster,
    manager_field: Option<&'a str>,
}

impl<'a> View<'a> {
    fn new(plan: &'a PlanDoc, roster: &'a Roster) -> Self {
        View {
            roster,
            manager_field: plan.manager_field.as_deref(),
        }
    }

    fn person(&self, job: &str) -> Option<PersonRef<'a>> {
        self.roster.find_job(job).map(|i| self.roster.person(i))
    }

    /// The roster person with this work email (without case): through the roster's email
    /// index when it was fetched with one (see [`INDEXES`]), else by a scan.
    fn by_email(&self, email: &str) -> Option<PersonRef<'a>> {
        if email.trim().is_empty() {
            return None;
        }
        let roster = self.roster;
        match (
            roster.index(WORK_EMAIL, Fold::TrimLower),
            roster.column(WORK_EMAIL),
        ) {
            (Some(index), Some(col)) => index
                .first(email, |i| roster.person(i as usize).value(col))
                .map(|i| roster.person(i as usize)),
            _ => roster
                .iter()
                .find(|p| Fold::TrimLower.equal(p.get(WORK_EMAIL), email)),
        }
    }

    fn is_manager(&self, field: &str) -> bool {
        self.manager_field
            .is_some_and(|m| m.eq_ignore_ascii_case(field))
    }

    /// A field's value as the plan writes it: a manager as their work email.
    fn value(&self, person: PersonRef<'_>, field: &str) -> String {
        let raw = person.get(field);
        if self.is_manager(field) {
            return self
                .person(raw)
                .map(|m| m.get(WORK_EMAIL).to_string())
                .unwrap_or_default();
        }
        raw.to_string()
    }
}

fn mismatch(r: &RowChange, field: &str, expected: &str, actual: &str) -> Mismatch {
    Mismatch {
        row: r.row,
        name: r.name.clone(),
        field: field.to_string(),
        expected: expected.to_string(),
        actual: actual.to_string(),
    }
}

/// Equal after normalization: whitespace, case for emails and managers, dates as dates (the
/// diff's own comparison, so a plan is checked the way it was made).
fn same(field: &str, a: &str, b: &str, is_manager: bool) -> bool {
    crate::diff::compare::same_text(field, a, b, is_manager)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn people_are_found_by_email_with_and_without_the_index() {
        let page = br#"{"data":[{"jobId":"j1","contact.workEmail":"Ana@X.example"},
            {"jobId":"j2","contact.workEmail":"bo@x.example"}]}"#;
        let mut indexed = Roster::with_indexes(&INDEXES);
        indexed.push_page_json(page).expect("page");
        let mut plain = Roster::default();
        plain.push_page_json(page).expect("page");
        for roster in [&indexed, &plain] {
            let view = View {
                roster,
                manager_field: None,
            };
            let job = |e: &str| view.by_email(e).map(|p| p.job_id().to_string());
            assert_eq!(job("ana@x.example").as_deref(), Some("j1"));
            assert_eq!(job(" BO@x.example").as_deref(), Some("j2"));
            assert_eq!(job("carl@x.example"), None);
            assert_eq!(job(""), None);
        }
    }

    #[test]
    fn a_clear_lands_only_when_chart_hop_has_no_value() {
        let row: RowChange = serde_json::from_value(serde_json::json!({
            "row": 2, "category": "update", "name": "Ana", "job_id": "j1", "matched": "key",
            "changes": [{"field": "location", "old": "Paris", "new": ""}],
            "target": {"location": "", "title": ""}
        }))
        .expect("row");
        let check = |page: &[u8]| {
            let mut roster = Roster::default();
            roster.push_page_json(page).expect("page");
            let view = View {
                roster: &roster,
                manager_field: None,
            };
            let person = view.person("j1").expect("j1");
            let mut out = Vec::new();
            targets(&view, &row, person, &mut out);
            out
        };
        let kept = check(br#"{"data":[{"jobId":"j1","location":"Paris","title":"Chef"}]}"#);
        assert_eq!(kept.len(), 1, "{kept:?}");
        assert_eq!(kept[0].field, "location");
        assert_eq!(
            kept[0].to_string(),
            "row 2 (Ana): `location` is `Paris`, expected (blank)"
        );
        // Cleared; and a blank target the row does not change (`title`) asks nothing.
        let cleared = check(br#"{"data":[{"jobId":"j1","title":"Chef"}]}"#);
        assert!(cleared.is_empty(), "{cleared:?}");
    }

    #[test]
    fn normalization() {
        assert!(same("title", " Engineer ", "Engineer", false));
        assert!(!same("title", "engineer", "Engineer", false));
        assert!(same("contact.workEmail", "A@x.com", "a@x.com", false));
        assert!(same("manager", "A@x.com", "a@x.com", true));
        assert!(same(
            "startDate",
            "2021-03-01",
            "2021-03-01T00:00:00",
            false
        ));
    }
}
