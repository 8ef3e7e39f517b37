//! One test per category and per conflict kind, through the mapping (so `[departure]` is
//! exercised as a mapping file states it).

use std::collections::HashMap;
use std::path::Path;

use super::*;
use crate::fetch::Person;

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
[fields.title]
from = "Title"
[fields.startDate]
from = "Start"
type = "date"
[departure]
from = "Status"
values = ["Terminated", "T"]
date = "Term"
"#;

/// Id, Email, First, Title, Start, Status, Term.
type Row = [&'static str; 7];
const HEADER: Row = ["Id", "Email", "First", "Title", "Start", "Status", "Term"];

fn person(job: &str, id: &str, email: &str, title: &str, start: &str) -> Person {
    let mut values = HashMap::new();
    for (k, v) in [
        ("contact.employee", id),
        ("contact.workEmail", email),
        ("title", title),
        ("startDate", start),
        ("name.first", "F"),
    ] {
        if !v.is_empty() {
            values.insert(k.to_string(), v.to_string());
        }
    }
    Person {
        job_id: job.into(),
        name: format!("P{job}"),
        values,
    }
}

fn roster(extra: Vec<Person>) -> Roster {
    let mut people = vec![
        person("j1", "1", "a@x.com", "CEO", "2015-01-05"),
        person("j2", "2", "b@x.com", "Engineer", "2020-03-01"),
        // Announced, not started yet.
        person("j3", "3", "future@x.com", "Engineer", "2027-01-11"),
    ];
    people.extend(extra);
    Roster::new(people)
}

fn run(rows: &[Row], roster: &Roster) -> ChangeSet {
    let m = Mapping::parse(Path::new("t.toml"), MAPPING).unwrap();
    let header: Vec<String> = HEADER.iter().map(|s| s.to_string()).collect();
    let bound = m.bind(&header).unwrap();
    let mut desired = vec![];
    let mut rejected = vec![];
    for (i, r) in rows.iter().enumerate() {
        let cells: Vec<String> = r.iter().map(|s| s.to_string()).collect();
        match bound.map_row(i + 2, &cells) {
            Ok(d) => desired.push(d),
            Err(e) => rejected.push(e),
        }
    }
    diff(&m, &desired, &rejected, roster, super::tests::AS_OF).expect("diff")
}

const A: Row = ["1", "a@x.com", "F", "CEO", "01/05/2015", "Active", ""];
const B: Row = ["2", "b@x.com", "F", "Engineer", "03/01/2020", "", ""];
const FUTURE: Row = ["3", "future@x.com", "F", "Engineer", "01/11/2027", "", ""];

fn only(cs: &ChangeSet, row: usize) -> &RowChange {
    cs.rows.iter().find(|r| r.row == row).unwrap()
}

#[test]
fn each_category() {
    let cs = run(
        &[
            A,
            ["2", "b@x.com", "F", "Staff Engineer", "03/01/2020", "", ""],
            ["9", "new@x.com", "N", "Analyst", "02/01/2027", "", ""],
            ["8", "gone@x.com", "G", "Analyst", "02/01/2020", "T", ""],
            ["7", "bad@x.com", "B", "Analyst", "13/45/2020", "", ""],
        ],
        &roster(vec![]),
    );
    let cats: Vec<Category> = cs.rows.iter().map(|r| r.category).collect();
    assert_eq!(
        cats,
        [
            Category::Unchanged,
            Category::Update,
            Category::NewHire,
            Category::Unchanged,
            Category::Rejected
        ]
    );
    assert_eq!(only(&cs, 3).matched, "matched by contact.employee");
    assert_eq!(only(&cs, 4).matched, "no match: new hire");
    assert_eq!(only(&cs, 5).matched, "no match: left, and not in ChartHop");
    // Bartosz-like: a future start already in ChartHop is absent from this export, and
    // reported as absent, never changed.
    assert_eq!(cs.absent.len(), 1);
    assert_eq!(cs.absent[0].job_id, "j3");
    assert_eq!(
        cs.summary,
        Summary {
            new_hires: 1,
            updates: 1,
            departures: 0,
            absent: 1,
            unchanged: 2,
            conflicts: 0,
            rejected: 1,
            ..Summary::default()
        }
    );
}

#[test]
fn a_future_hire_already_in_charthop_is_matched_not_hired_again() {
    let cs = run(&[A, B, FUTURE], &roster(vec![]));
    let f = only(&cs, 4);
    assert_eq!(f.category, Category::Unchanged, "{f:#?}");
    assert_eq!(f.job_id.as_deref(), Some("j3"));
    assert_eq!(cs.summary.new_hires, 0);
    // Matched by email too, when the key is not in ChartHop yet.
    let mut p = person("j3", "", "future@x.com", "Engineer", "2027-01-11");
    p.values.remove("contact.employee");
    let r = Roster::new(vec![p]);
    let cs = run(&[FUTURE], &r);
    assert_eq!(cs.rows[0].category, Category::Update);
    assert_eq!(cs.rows[0].matched, "matched by contact.workEmail");
}

#[test]
fn departures_come_from_status_or_termination_date_as_of_the_plan() {
    // As of 2026-11-27 (the tests' as-of date).
    let cs = run(
        &[
            // Left, with no date: never an undated departure.
            ["1", "a@x.com", "F", "CEO", "01/05/2015", " terminated ", ""],
            // Blank status, past date: the date says they left.
            [
                "2",
                "b@x.com",
                "F",
                "Engineer",
                "03/01/2020",
                "",
                "04/30/2026",
            ],
            // Active with a future date: scheduled (ADP shows a scheduled termination so).
            [
                "3",
                "future@x.com",
                "F",
                "Engineer",
                "01/11/2027",
                "Active",
                "03/31/2027",
            ],
        ],
        &roster(vec![]),
    );
    let a = only(&cs, 2);
    assert_eq!(a.category, Category::Conflict, "{a:#?}");
    assert_eq!(a.conflict, Some(ConflictKind::DepartureWithoutDate));
    let b = only(&cs, 3);
    assert_eq!(b.category, Category::Departure, "{b:#?}");
    assert!(b.changes.is_empty());
    assert_eq!(b.charthop_email.as_deref(), Some("b@x.com"));
    assert_eq!(b.termination_date.as_deref(), Some("2026-04-30"));
    let f = only(&cs, 4);
    assert_eq!(f.category, Category::ScheduledDeparture, "{f:#?}");
    assert_eq!(f.termination_date.as_deref(), Some("2027-03-31"));
    assert_eq!(cs.summary.departures, 1);
    assert_eq!(cs.summary.scheduled_departures, 1);
    assert!(!cs.summary.is_empty());
}

#[test]
fn an_old_termination_date_before_a_later_hire_is_history() {
    let cs = run(
        &[
            // Rehired in 2020 after leaving in 2019: active, nothing to change.
            [
                "2",
                "b@x.com",
                "F",
                "Engineer",
                "03/01/2020",
                "Active",
                "06/30/2019",
            ],
            // Active, a past termination date and no later hire: the dates contradict.
            [
                "1",
                "a@x.com",
                "F",
                "CEO",
                "01/05/2015",
                "Active",
                "04/30/2026",
            ],
        ],
        &roster(vec![]),
    );
    assert_eq!(only(&cs, 2).category, Category::Unchanged, "{cs:#?}");
    let a = only(&cs, 3);
    assert_eq!(a.conflict, Some(ConflictKind::ContradictoryDates), "{a:#?}");
    assert!(a.reason.as_deref().unwrap_or("").contains("2026-04-30"));
}

#[test]
fn a_bad_termination_date_rejects_the_row() {
    let cs = run(
        &[["1", "a@x.com", "F", "CEO", "01/05/2015", "", "soon"]],
        &roster(vec![]),
    );
    assert_eq!(cs.rows[0].category, Category::Rejected);
    assert!(
        cs.rows[0]
            .reason
            .as_ref()
            .unwrap()
            .contains("column `Term`")
    );
}

fn conflict_of(cs: &ChangeSet, row: usize) -> (ConflictKind, String) {
    let r = only(cs, row);
    assert_eq!(r.category, Category::Conflict, "{r:#?}");
    (r.conflict.unwrap(), r.reason.clone().unwrap())
}

#[test]
fn duplicate_payroll_keys_name_both_rows() {
    let cs = run(
        &[A, ["1", "a2@x.com", "F", "CEO", "01/05/2015", "", ""]],
        &roster(vec![]),
    );
    for row in [2, 3] {
        let (kind, reason) = conflict_of(&cs, row);
        assert_eq!(kind, ConflictKind::DuplicateKey);
        assert!(reason.contains("rows 2, 3"), "{reason}");
    }
    assert!(
        cs.absent.iter().all(|a| a.job_id != "j1"),
        "not absent: in conflict"
    );
}

#[test]
fn duplicate_emails_name_both_rows() {
    let cs = run(
        &[A, ["5", "A@x.com", "F", "CEO", "01/05/2015", "", ""]],
        &roster(vec![]),
    );
    let (kind, reason) = conflict_of(&cs, 3);
    assert_eq!(kind, ConflictKind::DuplicateEmail);
    assert!(reason.contains("rows 2, 3"), "{reason}");
}

#[test]
fn two_charthop_people_for_one_row() {
    let r = roster(vec![person("j9", "1", "other@x.com", "CEO", "2015-01-05")]);
    let (kind, reason) = conflict_of(&run(&[A], &r), 2);
    assert_eq!(kind, ConflictKind::SeveralPeople);
    assert!(reason.contains("j1") && reason.contains("j9"), "{reason}");
    // Two people with the same work email, found by the fallback.
    let r = roster(vec![
        person("j8", "", "dup@x.com", "X", ""),
        person("j9", "", "DUP@x.com", "X", ""),
    ]);
    let (kind, _) = conflict_of(&run(&[["", "dup@x.com", "F", "X", "", "", ""]], &r), 2);
    assert_eq!(kind, ConflictKind::SeveralPeople);
}

#[test]
fn an_email_that_belongs_to_someone_else() {
    // The key is person j1, the email person j2's.
    let (kind, reason) = conflict_of(
        &run(
            &[["1", "b@x.com", "F", "CEO", "01/05/2015", "", ""]],
            &roster(vec![]),
        ),
        2,
    );
    assert_eq!(kind, ConflictKind::EmailOwnedByOther);
    assert!(reason.contains("j1") && reason.contains("j2"), "{reason}");
    // An unknown key with an email that ChartHop has under another key.
    let (kind, reason) = conflict_of(
        &run(
            &[["99", "b@x.com", "F", "X", "01/05/2015", "", ""]],
            &roster(vec![]),
        ),
        2,
    );
    assert_eq!(kind, ConflictKind::EmailOwnedByOther);
    assert!(reason.contains("belongs to"), "{reason}");
}

#[test]
fn two_rows_for_one_person_are_both_conflicts() {
    // Row 2 by key (no email), row 3 by email (no key): both are person j2.
    let cs = run(
        &[
            ["2", "", "F", "Engineer", "03/01/2020", "", ""],
            ["", "b@x.com", "F", "Engineer", "03/01/2020", "", ""],
        ],
        &roster(vec![]),
    );
    for row in [2, 3] {
        let (kind, reason) = conflict_of(&cs, row);
        assert_eq!(kind, ConflictKind::SamePerson);
        assert!(reason.contains("rows 2, 3"), "{reason}");
    }
}

#[test]
fn a_person_without_work_email_or_with_another_one() {
    let r = roster(vec![person("j7", "7", "", "X", "")]);
    let (kind, _) = conflict_of(&run(&[["7", "", "F", "X", "", "", ""]], &r), 2);
    assert_eq!(kind, ConflictKind::NoWorkEmail);
    let (kind, reason) = conflict_of(
        &run(
            &[["2", "new.b@x.com", "F", "Engineer", "03/01/2020", "", ""]],
            &roster(vec![]),
        ),
        2,
    );
    assert_eq!(kind, ConflictKind::EmailChange);
    assert!(reason.contains("new.b@x.com"), "{reason}");
}
