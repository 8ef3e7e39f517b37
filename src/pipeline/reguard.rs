//! The safety guards again at `apply`: `plan.json` is a file anyone can edit, so a plan's own
//! verdicts are not trusted alone. The counts are taken again from what would be uploaded (the
//! change files, whose hashes `apply` checks) and the plan's rows, and judged by the settings in
//! force; a guard trips when either the plan's verdict or this one does.

use std::path::Path;

use crate::diff::Category;
use crate::guard::{self, Counts, Verdict};
use crate::plan::{DEPARTURES_FILE, EMAIL_CHANGES_FILE, LoadedPlan, NEW_HIRES_FILE, UPDATES_FILE};
use crate::settings::Settings;

/// Every guard that trips for `plan`, by the plan's verdicts or by counts taken again now;
/// one explanation each (the plan's wording first).
pub(super) fn tripped(settings: &Settings, plan: &LoadedPlan) -> Vec<String> {
    let mut out: Vec<String> = plan.doc.tripped().map(|v| v.explain.clone()).collect();
    for v in verdicts(settings, plan).into_iter().filter(|v| v.tripped) {
        let already = plan
            .doc
            .guards
            .iter()
            .any(|p| p.guard == v.guard && p.tripped);
        if !already {
            out.push(v.explain);
        }
    }
    out
}

/// The guards' verdicts on the plan's counts, taken from the change files and rows.
fn verdicts(settings: &Settings, plan: &LoadedPlan) -> Vec<Verdict> {
    let doc = &plan.doc;
    let rows = |c: Category| doc.rows.iter().filter(|r| r.category == c).count();
    let uploaded = |name: &str| -> usize {
        if doc.files.iter().any(|f| f.name == name) {
            data_rows(&plan.dir.join(name))
        } else {
            0
        }
    };
    let rehires = rows(Category::Rehire);
    let hires = uploaded(NEW_HIRES_FILE).max(rows(Category::NewHire) + rehires);
    let email_changes = uploaded(EMAIL_CHANGES_FILE).max(rows(Category::EmailChange));
    let updates = uploaded(UPDATES_FILE)
        .saturating_sub(rows(Category::EmailChange))
        .max(rows(Category::Update));
    let departures = uploaded(DEPARTURES_FILE).max(if doc.import.departures_held {
        0
    } else {
        rows(Category::Departure) + rows(Category::ScheduledDeparture)
    });
    let sensitive = |code: &str| {
        crate::mapping::sensitivity::builtin(code).is_some()
            || doc.sensitive_fields.iter().any(|s| s.field == code)
    };
    let sensitive_updates = doc
        .rows
        .iter()
        .filter(|r| r.category.is_change())
        .filter(|r| r.changes.iter().any(|c| sensitive(&c.field)))
        .count();
    let counts = Counts {
        active: doc.roster.people,
        export_rows: doc.input.rows,
        new_hires: hires - rehires.min(hires),
        rehires,
        updates,
        email_changes,
        departures,
        sensitive_updates,
        left_out: rows(Category::Conflict) + rows(Category::Rejected),
    };
    guard::check(&settings.guards, &counts)
}

/// The data rows of a change file (0 when it cannot be read: `apply` fails on it later, with
/// its own message).
fn data_rows(path: &Path) -> usize {
    csv::Reader::from_path(path)
        .map(|mut r| r.records().filter(Result::is_ok).count())
        .unwrap_or(0)
}
