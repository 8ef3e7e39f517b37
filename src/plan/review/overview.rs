//! The top of a review: the summary, the guards, the next step, what needs attention, and the
//! rollups per field and per department.

use std::collections::BTreeMap;

use super::words::{counted, departures_not_sent, file_name, people, thousands};
use super::{DepartmentRollup, FieldRollup, GuardLine, Sign, Stamp, SummaryLine, Tally};
use crate::diff::Category;
use crate::plan::PlanDoc;
use crate::plan::safe::Masker;

/// How many departments the rollup names; the rest are counted.
pub const DEPARTMENTS_LISTED: usize = 15;

/// What the plan was made from, one sentence (prose).
pub(super) fn intro(plan: &PlanDoc) -> String {
    format!(
        "Export `{}` ({} rows) with mapping `{}`, against ChartHop org `{}` ({}), planned {} as of {}.",
        file_name(&plan.input.path),
        thousands(plan.input.rows),
        file_name(&plan.mapping.path),
        plan.charthop.org,
        people(plan.roster.people),
        plan.created_at,
        plan.as_of
    )
}

/// Every guard's verdict, as the review shows it.
pub(super) fn guards(plan: &PlanDoc) -> Vec<GuardLine> {
    plan.guards
        .iter()
        .map(|v| GuardLine {
            guard: v.guard.clone(),
            actual: v.actual,
            limit: v.limit,
            minimum: v.guard == "truncated_export",
            tripped: v.tripped,
            explain: v.explain.clone(),
            note: (v.guard == "departures" && plan.import.departures_held).then(|| {
                "departures are only reported (`departures.hold`): not counted".to_string()
            }),
        })
        .collect()
}

/// What to run next: apply the plan in `stamp`'s directory, or, when a guard tripped
/// (`refused`), approve exactly its hash.
pub(super) fn next_step(stamp: Stamp<'_>, refused: bool) -> String {
    let dir = shell_word(stamp.dir);
    if refused {
        format!(
            "Refused by the safety guards: nothing is applied without an approval of this plan's hash. After review, approve exactly this plan with `payroll-sync apply {dir} --approve {}`.",
            stamp.hash
        )
    } else {
        format!("Apply this plan with `payroll-sync apply {dir}`.")
    }
}

/// The busiest departments (at most [`DEPARTMENTS_LISTED`]) and how many others there are;
/// none when the department field is sensitive and masked (the rollup would show its values).
pub(super) fn departments(plan: &PlanDoc, tally: &Tally) -> (Vec<DepartmentRollup>, usize) {
    let mask = Masker::new(&plan.sensitive_fields, plan.show_sensitive);
    let masked = plan
        .department_field
        .as_deref()
        .is_some_and(|code| mask.is_sensitive(code) && !plan.show_sensitive);
    if masked {
        return (Vec::new(), 0);
    }
    let mut all = tally.departments();
    all.sort_by(|a, b| b.total().cmp(&a.total()).then(a.name.cmp(&b.name)));
    let others = all.len().saturating_sub(DEPARTMENTS_LISTED);
    all.truncate(DEPARTMENTS_LISTED);
    (all, others)
}

/// The plan's summary, as `report.md`, `report.html` and the terminal show it: what is added
/// to ChartHop, changed, taken away, left out, and only reported. New hires, updates,
/// departures, the unchanged and the absent are always there; the other lines when they
/// count someone. Departures that are not sent say so on their line.
pub fn summary(plan: &PlanDoc) -> Vec<SummaryLine> {
    let s = &plan.summary;
    let field_changes: usize = plan
        .rows
        .iter()
        .filter(|r| r.category == Category::Update)
        .map(|r| r.changes.len())
        .sum();
    let not_sent = departures_not_sent(plan).map(|why| format!("({why})"));
    let updated_note = if s.updates > 0 {
        format!(
            "({})",
            counted(field_changes, "field change", "field changes")
        )
    } else {
        String::new()
    };
    let lines = [
        line(
            true,
            Sign::Add,
            s.new_hires,
            "new hire",
            "new hires",
            String::new(),
            Some("new_hire"),
        ),
        line(
            false,
            Sign::Add,
            s.rehires,
            "rehire",
            "rehires",
            "(former ChartHop people coming back)".into(),
            Some("rehire"),
        ),
        line(
            true,
            Sign::Change,
            s.updates,
            "person updated",
            "people updated",
            updated_note,
            Some("update"),
        ),
        line(
            false,
            Sign::Change,
            s.email_changes,
            "work email change",
            "work email changes",
            "(new work emails, by payroll id)".into(),
            Some("email_change"),
        ),
        line(
            true,
            Sign::Remove,
            s.departures,
            "departure",
            "departures",
            not_sent.clone().unwrap_or_default(),
            Some("departure"),
        ),
        line(
            false,
            Sign::Remove,
            s.scheduled_departures,
            "scheduled departure",
            "scheduled departures",
            not_sent.unwrap_or_else(|| "(active in ChartHop until their last day)".into()),
            Some("departure"),
        ),
        line(
            false,
            Sign::LeftOut,
            s.conflicts,
            "conflict",
            "conflicts",
            "(left out: matching them would be a guess)".into(),
            Some("conflict"),
        ),
        line(
            false,
            Sign::LeftOut,
            s.rejected,
            "rejected row",
            "rejected rows",
            "(left out: a cell could not be mapped)".into(),
            Some("rejected"),
        ),
        line(
            true,
            Sign::Info,
            s.unchanged,
            "unchanged",
            "unchanged",
            String::new(),
            Some("unchanged"),
        ),
        line(
            true,
            Sign::Info,
            s.absent,
            "absent from the export",
            "absent from the export",
            "(in ChartHop, not in the export: reported, not changed)".into(),
            Some("absent"),
        ),
        line(
            false,
            Sign::Info,
            s.skipped,
            "skipped",
            "skipped",
            "(left out by the mapping's `[[skip]]` rules)".into(),
            None,
        ),
    ];
    lines.into_iter().flatten().collect()
}

/// A summary line, or none when it counts no one and is not `always` shown.
fn line(
    always: bool,
    sign: Sign,
    count: usize,
    one: &str,
    many: &str,
    note: String,
    anchor: Option<&'static str>,
) -> Option<SummaryLine> {
    (always || count > 0).then(|| SummaryLine {
        sign,
        count,
        what: if count == 1 { one } else { many }.to_string(),
        note,
        anchor,
    })
}

/// How the reports show sensitive fields, when the plan has any.
pub(super) fn sensitive(plan: &PlanDoc) -> Option<String> {
    if plan.sensitive_fields.is_empty() {
        return None;
    }
    let names: Vec<String> = plan
        .sensitive_fields
        .iter()
        .map(|f| format!("`{}`", f.field))
        .collect();
    Some(if plan.show_sensitive {
        format!(
            "Sensitive fields ({}) are shown (`--show-sensitive`), except national ids.",
            names.join(", ")
        )
    } else {
        format!(
            "Sensitive fields ({}) are masked: a change shows its shape (`(new)`, `(cleared)`, `+4.0%`), not its values; make the plan with `--show-sensitive` to see them.",
            names.join(", ")
        )
    })
}

/// Per field, the people whose value changes (updates and work email changes), busiest first.
pub(super) fn by_field(plan: &PlanDoc) -> Vec<FieldRollup> {
    let mut fields: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let updated = |r: &&crate::diff::RowChange| {
        matches!(r.category, Category::Update | Category::EmailChange)
    };
    for r in plan.rows.iter().filter(updated) {
        for c in &r.changes {
            let e = fields.entry(&c.field).or_default();
            e.0 += 1;
            if c.new.trim().is_empty() {
                e.1 += 1;
            }
        }
    }
    let mut out: Vec<FieldRollup> = fields
        .into_iter()
        .map(|(field, (people, cleared))| FieldRollup {
            field: field.to_string(),
            people,
            cleared,
        })
        .collect();
    out.sort_by(|a, b| b.people.cmp(&a.people).then(a.field.cmp(&b.field)));
    out
}

/// `dir` as one shell word: quoted when it holds anything but the usual path characters.
pub fn shell_word(dir: &str) -> String {
    let plain = !dir.is_empty()
        && dir
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-+:@%=,".contains(c));
    if plain {
        dir.to_string()
    } else {
        format!("'{}'", dir.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_directory_is_quoted_for_the_shell_only_when_it_needs_it() {
        assert_eq!(
            shell_word("runs/2026-05-04T08-30-00Z"),
            "runs/2026-05-04T08-30-00Z"
        );
        assert_eq!(shell_word("my plans/x"), "'my plans/x'");
        assert_eq!(shell_word("it's"), r"'it'\''s'");
    }
}
