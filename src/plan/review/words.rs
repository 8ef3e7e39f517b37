//! The review's recurring words: counts as people read them, what to do about each kind of
//! conflict, where the rows a report does not list are, and what happens to departures.

use crate::diff::ConflictKind;
use crate::plan::PlanDoc;

/// A count with thousands separators: `4,928`.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    out
}

/// `1 person` / `3,978 people`.
pub fn people(n: usize) -> String {
    counted(n, "person", "people")
}

/// `n` and the noun in its number: `1 field change`, `4,928 field changes`.
pub fn counted(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{} {many}", thousands(n))
    }
}

/// A value from the export or ChartHop (a name, ChartHop's reason) for the reports' prose:
/// neutralized (a leading `'` when it starts like a spreadsheet formula) and without
/// backticks, which the reports read as code marks.
pub fn in_prose(value: &str) -> String {
    crate::plan::safe::neutralize(value).replace('`', "'")
}

/// The file name of a path the plan records (the export's, the mapping's), for the first line.
pub fn file_name(path: &str) -> String {
    std::path::Path::new(path)
        .file_name()
        .map_or(path.into(), |n| n.to_string_lossy().into_owned())
}

/// What a reviewer does about a conflict of this kind.
pub fn conflict_advice(kind: Option<ConflictKind>) -> &'static str {
    match kind {
        Some(
            ConflictKind::DuplicateKey | ConflictKind::DuplicateEmail | ConflictKind::SamePerson,
        ) => "fix the export so each person appears once",
        Some(ConflictKind::SeveralPeople) => "merge or correct the duplicate people in ChartHop",
        Some(ConflictKind::EmailOwnedByOther) => {
            "check which person the row is, then correct the export or ChartHop"
        }
        Some(ConflictKind::NoWorkEmail) => "add the person's work email in ChartHop",
        Some(ConflictKind::EmailChange) => {
            "change the work email in ChartHop first, or set `[key] trust = \"payroll\"`"
        }
        Some(ConflictKind::DepartureWithoutDate) => "fill in the termination date in the payroll",
        Some(ConflictKind::ContradictoryDates) => "fix the status or the dates in the payroll",
        Some(ConflictKind::FutureStart) => "fix the hire date, or give the rehire dates",
        Some(ConflictKind::SeveralFormerPeople) => "merge or correct the former people in ChartHop",
        Some(ConflictKind::RehireEmailChange) => "give the former person the new email in ChartHop",
        None => "read the reason",
    }
}

/// When a report lists only the first rows of a category (large plans), the sentence that
/// says so and where the rest are; `None` when every row is listed.
pub fn listing_note(listed: usize, total: usize, files: &str) -> Option<String> {
    (listed < total).then(|| {
        format!(
            "The first {} of {} are listed here; all of them are in {files}.",
            thousands(listed),
            thousands(total)
        )
    })
}

/// Whether departures reach ChartHop, and if not, why: `None` when they are uploaded.
pub fn departures_not_sent(plan: &PlanDoc) -> Option<&'static str> {
    if !plan.import.departures_mapped {
        Some("not looked for: the mapping has no `[departure]` section")
    } else if plan.import.departures_held {
        Some("reported only, not sent: `departures.hold` is on")
    } else {
        None
    }
}

/// What the departures section says about where its rows go.
pub fn departures_intro(plan: &PlanDoc) -> &'static str {
    if plan.import.departures_held {
        "Reported only: `departures.hold` is on, so `departures.csv` is written for review and not uploaded."
    } else if plan.import.backfill {
        "Imported with `departures.csv` (last day, type), each opening a backfill job (`departures.backfill`). A scheduled departure keeps the person active in ChartHop until their last day."
    } else {
        "Imported with `departures.csv` (last day, type), without backfill jobs (`departures.backfill` is off: a payroll sync does not invent open jobs). A scheduled departure keeps the person active in ChartHop until their last day."
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_read_as_people_write_them() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(4_928), "4,928");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(people(1), "1 person");
        assert_eq!(people(3_978), "3,978 people");
        assert_eq!(
            counted(1, "field change", "field changes"),
            "1 field change"
        );
        assert_eq!(
            listing_note(2_000, 2_500, "`plan.json`").as_deref(),
            Some("The first 2,000 of 2,500 are listed here; all of them are in `plan.json`.")
        );
        assert_eq!(listing_note(5, 5, "x"), None);
        assert_eq!(in_prose("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(in_prose("Ada `x` Lovelace"), "Ada 'x' Lovelace");
    }
}
