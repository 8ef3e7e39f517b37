//! `[departure]`, `[effective]` and `[key] trust`: how they are read, refused, and what they
//! make of a row.

use std::path::Path;

use super::{Mapping, Outcome, Trust};

const BASE: &str = r#"
[source]
date_formats = ["%m/%d/%Y"]
[key]
payroll = "Id"
charthop = "contact.employee"
trust = "payroll"
[fields."contact.workEmail"]
from = "Email"
[fields.startDate]
from = "Hire"
type = "date"
[effective]
from = "Effective"
[departure]
from = "Status"
values = ["Terminated"]
date = "Term"
rehire_date = "Rehire"
type = { from = "Flag", map = { V = "Voluntary", I = "Involuntary" } }
regret = { from = "Regret" }
reason = { from = "Code", lookup = "reasons" }
[lookups.reasons]
entries = { RES = "Resignation", RIF = "Reduction in force" }
"#;

const HEADER: [&str; 10] = [
    "Id",
    "Email",
    "Hire",
    "Effective",
    "Status",
    "Term",
    "Rehire",
    "Flag",
    "Regret",
    "Code",
];

fn outcome(cells: [&str; 10]) -> Outcome {
    let m = Mapping::parse(Path::new("t.toml"), BASE).unwrap_or_else(|e| panic!("{e}"));
    let header: Vec<String> = HEADER.iter().map(|s| s.to_string()).collect();
    let b = m.bind(&header).unwrap_or_else(|e| panic!("{e}"));
    b.outcome(2, &cells.map(str::to_string))
}

fn day(s: &str) -> Option<chrono::NaiveDate> {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

#[test]
fn a_leaver_row_carries_its_dates_and_details_in_chart_hops_spelling() {
    let Outcome::Mapped(d) = outcome([
        "1",
        "a@x.example",
        "03/01/2020",
        "12/01/2026",
        "Terminated",
        "11/30/2026",
        "",
        "I",
        "yes",
        "RIF",
    ]) else {
        panic!("mapped")
    };
    assert!(d.left_status && !d.status_active);
    assert_eq!(d.termination_date, day("2026-11-30"));
    assert_eq!(d.effective_date, day("2026-12-01"));
    let details = d.depart.expect("details");
    assert_eq!(details.depart_type.as_deref(), Some("Involuntary"));
    assert_eq!(details.regret.as_deref(), Some("Regret"));
    assert_eq!(details.reason.as_deref(), Some("Reduction in force"));
    assert!(details.problem.is_none());
    let m = Mapping::parse(Path::new("t.toml"), BASE).expect("mapping");
    assert_eq!(m.key.trust, Trust::Payroll);
    assert!(m.has_effective_date());
}

#[test]
fn a_reason_code_with_no_entry_rejects_a_leaver_and_waits_on_an_active_row() {
    let leaver = outcome([
        "1",
        "a@x.example",
        "03/01/2020",
        "",
        "Terminated",
        "11/30/2026",
        "",
        "V",
        "",
        "NCNS",
    ]);
    let Outcome::Rejected(r) = leaver else {
        panic!("rejected: {leaver:?}")
    };
    assert_eq!(r.column.as_deref(), Some("Code"));
    assert!(r.reason.contains("reasons"), "{}", r.reason);
    // An active row with an old termination: the stale code matters only if it departs.
    let Outcome::Mapped(d) = outcome([
        "1",
        "a@x.example",
        "03/01/2022",
        "",
        "Active",
        "11/30/2019",
        "03/01/2022",
        "",
        "",
        "NCNS",
    ]) else {
        panic!("mapped")
    };
    assert!(d.status_active);
    assert_eq!(d.rehire_date, day("2022-03-01"));
    assert!(d.depart.and_then(|x| x.problem).is_some());
}

#[test]
fn dates_that_are_not_dates_reject_the_row_naming_the_column() {
    for (col, cells) in [
        (
            "Term",
            [
                "1",
                "a@x.example",
                "",
                "",
                "Terminated",
                "13/45/2026",
                "",
                "",
                "",
                "",
            ],
        ),
        (
            "Rehire",
            [
                "1",
                "a@x.example",
                "",
                "",
                "Active",
                "",
                "someday",
                "",
                "",
                "",
            ],
        ),
        (
            "Effective",
            ["1", "a@x.example", "", "tomorrow", "", "", "", "", "", ""],
        ),
    ] {
        let Outcome::Rejected(r) = outcome(cells) else {
            panic!("{col}: rejected")
        };
        assert_eq!(r.column.as_deref(), Some(col));
        assert!(r.reason.contains("date_formats"), "{}", r.reason);
    }
}

#[test]
fn a_departure_type_chart_hop_does_not_take_is_named() {
    let o = outcome([
        "1",
        "a@x.example",
        "",
        "",
        "Terminated",
        "11/30/2026",
        "",
        "X",
        "",
        "",
    ]);
    let Outcome::Rejected(r) = o else {
        panic!("rejected: {o:?}")
    };
    assert!(r.reason.contains("departure.type.map"), "{}", r.reason);
    // Without a map, the value itself must be one ChartHop takes.
    let text = BASE.replace(
        r#"type = { from = "Flag", map = { V = "Voluntary", I = "Involuntary" } }"#,
        r#"type = { from = "Flag" }"#,
    );
    let m = Mapping::parse(Path::new("t.toml"), &text).unwrap_or_else(|e| panic!("{e}"));
    let header: Vec<String> = HEADER.iter().map(|s| s.to_string()).collect();
    let b = m.bind(&header).unwrap_or_else(|e| panic!("{e}"));
    let cells = [
        "1",
        "a@x.example",
        "",
        "",
        "Terminated",
        "11/30/2026",
        "",
        "fired",
        "",
        "",
    ];
    let Outcome::Rejected(r) = b.outcome(2, &cells.map(str::to_string)) else {
        panic!("rejected")
    };
    assert!(
        r.reason.contains("`Voluntary` or `Involuntary`"),
        "{}",
        r.reason
    );
    let cells = [
        "1",
        "a@x.example",
        "",
        "",
        "Terminated",
        "11/30/2026",
        "",
        "VOLUNTARY",
        "",
        "",
    ];
    let Outcome::Mapped(d) = b.outcome(2, &cells.map(str::to_string)) else {
        panic!("mapped")
    };
    assert_eq!(
        d.depart.and_then(|x| x.depart_type).as_deref(),
        Some("Voluntary")
    );
}

#[test]
fn fields_a_departure_writes_and_bad_sections_are_refused() {
    let err = |text: &str| {
        Mapping::parse(Path::new("t.toml"), text)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default()
    };
    let with = |extra: &str| format!("{BASE}{extra}");
    let e = err(&with(
        "[fields.endDate]\nfrom = \"Term\"\ntype = \"date\"\n",
    ));
    assert!(e.contains("written by a departure"), "{e}");
    let e = err(&BASE.replace("trust = \"payroll\"", "trust = \"hr\""));
    assert!(e.contains("`trust` must be"), "{e}");
    let e = err(&BASE.replace("date = \"Term\"\n", ""));
    assert!(e.contains("`rehire_date` needs `date`"), "{e}");
    let e = err(&BASE.replace("from = \"Effective\"", "column = \"Effective\""));
    assert!(e.contains("`[effective]` has no `from`"), "{e}");
}
