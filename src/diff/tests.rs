use std::collections::HashMap;
use std::path::Path;

use super::*;
use crate::fetch::Person;

/// The as-of date the diff tests plan at.
pub(super) const AS_OF: chrono::NaiveDate = match chrono::NaiveDate::from_ymd_opt(2026, 11, 27) {
    Some(d) => d,
    None => chrono::NaiveDate::MIN,
};

const MAPPING: &str = r#"
[source]
date_formats = ["%m/%d/%Y"]
[key]
payroll = "Id"
charthop = "contact.employee"
fallback = { payroll = "Email", charthop = "contact.workEmail" }
[fields."contact.workEmail"]
from = "Email"
transform = ["trim", "lower"]
[fields."contact.employee"]
from = "Id"
[fields."name.first"]
from = "First"
[fields."name.last"]
from = "Last"
[fields.title]
from = "Title"
[fields.startDate]
from = "Start"
type = "date"
[fields.manager]
from = "Manager"
resolve = "manager"
"#;

const HEADER: [&str; 7] = ["Id", "Email", "First", "Last", "Title", "Start", "Manager"];

fn mapping() -> Mapping {
    Mapping::parse(Path::new("t.toml"), MAPPING).unwrap()
}

fn person(job: &str, id: &str, email: &str, title: &str, start: &str, manager: &str) -> Person {
    let mut values = HashMap::new();
    for (k, v) in [
        ("contact.employee", id),
        ("contact.workEmail", email),
        ("title", title),
        ("startDate", start),
        ("manager", manager),
        ("name.first", "F"),
        ("name.last", "L"),
    ] {
        if !v.is_empty() {
            values.insert(k.to_string(), v.to_string());
        }
    }
    Person {
        job_id: job.into(),
        name: format!("Person {id}"),
        values,
    }
}

fn roster() -> Roster {
    Roster::new(vec![
        person("j1", "1", "boss@x.com", "CEO", "2015-01-05", ""),
        person("j2", "2", "ada@x.com", "Engineer", "2020-03-01", "j1"),
        person("j3", "3", "bob@x.com", "Designer", "2021-06-15", "j1"),
        person("j4", "", "cy@x.com", "Analyst", "2022-01-10", "j2"),
    ])
}

fn run<R: AsRef<[S]>, S: AsRef<str>>(rows: &[R]) -> ChangeSet {
    run_with(&mapping(), rows)
}

fn run_with<R: AsRef<[S]>, S: AsRef<str>>(m: &Mapping, rows: &[R]) -> ChangeSet {
    let m = m.clone();
    let header: Vec<String> = HEADER.iter().map(|s| s.to_string()).collect();
    let bound = m.bind(&header).unwrap();
    let mut desired = vec![];
    let mut rejected = vec![];
    for (i, r) in rows.iter().enumerate() {
        let cells: Vec<String> = r.as_ref().iter().map(|s| s.as_ref().to_string()).collect();
        match bound.map_row(i + 2, &cells) {
            Ok(d) => desired.push(d),
            Err(e) => rejected.push(e),
        }
    }
    diff(&m, &desired, &rejected, &roster(), AS_OF).expect("diff")
}

fn same_as_roster() -> Vec<[&'static str; 7]> {
    vec![
        ["1", "boss@x.com", "F", "L", "CEO", "01/05/2015", ""],
        ["2", "ada@x.com", "F", "L", "Engineer", "03/01/2020", "1"],
        ["3", "bob@x.com", "F", "L", "Designer", "06/15/2021", "1"],
        ["", "cy@x.com", "F", "L", "Analyst", "01/10/2022", "2"],
    ]
}

#[test]
fn the_roster_against_itself_is_empty() {
    let cs = run(&same_as_roster());
    assert_eq!(cs.summary.unchanged, 4, "{cs:#?}");
    assert!(cs.summary.is_empty());
    assert_eq!(cs.summary.absent, 0);
}

#[test]
fn formatting_noise_is_not_a_change() {
    let cs = run(&[
        ["1", " BOSS@X.com ", " F ", "L", "CEO ", "1/5/2015", ""],
        ["2", "Ada@X.COM", "F", "L", "  Engineer", "03/01/2020", "1"],
    ]);
    assert_eq!(cs.summary.unchanged, 2, "{cs:#?}");
    assert_eq!(cs.summary.absent, 2);
}

#[test]
fn changes_are_field_by_field_with_old_and_new() {
    let cs = run(&[
        ["1", "boss@x.com", "F", "L", "CEO", "01/05/2015", ""],
        [
            "2",
            "ada@x.com",
            "F",
            "L",
            "Staff Engineer",
            "03/01/2020",
            "3",
        ],
    ]);
    let ada = cs
        .rows
        .iter()
        .find(|r| r.key.as_deref() == Some("2"))
        .unwrap();
    assert_eq!(ada.category, Category::Update);
    assert_eq!(ada.matched, "matched by contact.employee");
    assert_eq!(
        ada.changes,
        vec![
            FieldChange {
                field: "title".into(),
                old: "Engineer".into(),
                new: "Staff Engineer".into()
            },
            FieldChange {
                field: "manager".into(),
                old: "boss@x.com".into(),
                new: "bob@x.com".into()
            },
        ]
    );
    assert_eq!(ada.target["manager"], "bob@x.com");
}

#[test]
fn email_fallback_fills_in_the_key() {
    let cs = run(&[["4", "cy@x.com", "F", "L", "Analyst", "01/10/2022", "2"]]);
    let cy = &cs.rows[0];
    assert_eq!(cy.matched, "matched by contact.workEmail");
    assert_eq!(
        cy.changes,
        vec![FieldChange {
            field: "contact.employee".into(),
            old: "".into(),
            new: "4".into()
        }]
    );
}

#[test]
fn new_hires_resolve_managers_from_the_export() {
    let cs = run(&[
        [
            "10",
            "new1@x.com",
            "N",
            "One",
            "Engineer",
            "12/01/2026",
            "11",
        ],
        ["11", "new2@x.com", "N", "Two", "Lead", "12/01/2026", "2"],
    ]);
    assert_eq!(cs.summary.new_hires, 2);
    assert_eq!(cs.rows[0].target["manager"], "new2@x.com");
    assert_eq!(cs.rows[1].target["manager"], "ada@x.com");
    assert_eq!(cs.rows[0].target["startDate"], "2026-12-01");
}

/// Ada's export row gives her a new email; a new hire she manages; Bob (managed by the
/// CEO, unchanged); Cy (managed by Ada, unchanged).
const ADA_MOVES: [[&str; 7]; 4] = [
    [
        "2",
        "ada.new@x.com",
        "F",
        "L",
        "Engineer",
        "03/01/2020",
        "1",
    ],
    [
        "12",
        "new3@x.com",
        "N",
        "Three",
        "Intern",
        "12/01/2026",
        "2",
    ],
    ["3", "bob@x.com", "F", "L", "Designer", "06/15/2021", "1"],
    ["", "cy@x.com", "F", "L", "Analyst", "01/10/2022", "2"],
];

#[test]
fn a_manager_whose_email_change_is_a_conflict_is_named_by_charthops_email() {
    // Without `[key] trust`, Ada's own row is a conflict (ChartHop matches imports by email):
    // her new email is not applied, so her reports name her as ChartHop knows her.
    let cs = run(&ADA_MOVES);
    assert_eq!(
        cs.rows[0].conflict,
        Some(ConflictKind::EmailChange),
        "{cs:#?}"
    );
    assert!(cs.rows[0].reason.as_deref().unwrap_or("").contains("trust"));
    assert_eq!(cs.rows[1].category, Category::NewHire);
    assert_eq!(cs.rows[1].target["manager"], "ada@x.com");
    assert_eq!(cs.rows[2].category, Category::Unchanged);
    assert_eq!(
        cs.rows[3].category,
        Category::Unchanged,
        "{:#?}",
        cs.rows[3]
    );
}

#[test]
fn with_the_payroll_trusted_an_email_change_is_applied_and_names_the_manager() {
    let text = MAPPING.replace("[key]\n", "[key]\ntrust = \"payroll\"\n");
    let m = Mapping::parse(Path::new("t.toml"), &text).unwrap();
    let cs = run_with(&m, &ADA_MOVES);
    let ada = &cs.rows[0];
    assert_eq!(ada.category, Category::EmailChange, "{ada:#?}");
    assert_eq!(ada.charthop_email.as_deref(), Some("ada@x.com"));
    assert_eq!(ada.target["contact.workEmail"], "ada.new@x.com");
    assert_eq!(
        ada.changes[0],
        FieldChange {
            field: "contact.workEmail".into(),
            old: "ada@x.com".into(),
            new: "ada.new@x.com".into()
        }
    );
    // Her report is named by the new email: `email_changes.csv` is imported first.
    assert_eq!(cs.rows[1].target["manager"], "ada.new@x.com");
    // Cy's manager is the same person (by job): no change.
    assert_eq!(
        cs.rows[3].category,
        Category::Unchanged,
        "{:#?}",
        cs.rows[3]
    );
    assert_eq!(cs.summary.email_changes, 1);
}

#[test]
fn a_manager_named_twice_in_a_row_and_rows_repeating_across_the_export() {
    // Repeats far apart are found (the first and the last row), and a manager named by many
    // rows one after another gets the same answer for each row.
    let row = |id: &str, email: &str| -> Vec<String> {
        [id, email, "P", "Q", "T", "12/01/2026", "1"]
            .iter()
            .map(|s| s.to_string())
            .collect()
    };
    let mut rows = vec![row("20", "a@x.com")];
    for i in 0..50 {
        rows.push(row(&format!("{}", 100 + i), &format!("p{i}@x.com")));
    }
    rows.push(row("20", "z@x.com"));
    let cs = run(&rows);
    assert_eq!(cs.rows[0].conflict, Some(ConflictKind::DuplicateKey));
    assert_eq!(cs.rows[51].conflict, Some(ConflictKind::DuplicateKey));
    assert!(
        cs.rows[0]
            .reason
            .as_deref()
            .unwrap_or("")
            .contains("rows 2, 53")
    );
    assert_eq!(cs.summary.new_hires, 50);
    assert!(
        cs.rows[1..51]
            .iter()
            .all(|r| r.target["manager"] == "boss@x.com")
    );
}

#[test]
fn conflicts_are_never_guessed() {
    let cs = run(&[
        ["2", "ada@x.com", "F", "L", "Engineer", "03/01/2020", "1"],
        ["2", "ada2@x.com", "F", "L", "Engineer", "03/01/2020", "1"],
        ["9", "bob@x.com", "F", "L", "Designer", "06/15/2021", "1"],
    ]);
    assert_eq!(cs.summary.conflicts, 3, "{cs:#?}");
    assert!(cs.rows[0].reason.as_ref().unwrap().contains("rows 2, 3"));
    assert!(cs.rows[2].reason.as_ref().unwrap().contains("belongs to"));
}

#[test]
fn unknown_manager_and_bad_dates_are_rejected() {
    let cs = run(&[
        ["2", "ada@x.com", "F", "L", "Engineer", "03/01/2020", "77"],
        ["3", "bob@x.com", "F", "L", "Designer", "31/31/2021", "1"],
    ]);
    assert_eq!(cs.summary.rejected, 2);
    assert!(cs.rows[0].reason.as_ref().unwrap().contains("`77`"));
    assert!(
        cs.rows[1]
            .reason
            .as_ref()
            .unwrap()
            .contains("column `Start`")
    );
}

#[test]
fn the_order_is_stable_whatever_the_input_order() {
    let mut rows = same_as_roster();
    let a = run(&rows);
    rows.reverse();
    let b = run(&rows);
    let names = |cs: &ChangeSet| {
        cs.absent
            .iter()
            .map(|a| a.job_id.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(names(&a), names(&b));
    assert_eq!(a.summary, b.summary);
}
