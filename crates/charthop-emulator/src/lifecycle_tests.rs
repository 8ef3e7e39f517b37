//! The clock's advance: hires start, departures take effect the day after the last day, and a
//! scheduled update that can no longer apply conflicts.

use super::*;
use crate::state::{Job, Org, Person};

fn day(s: &str) -> NaiveDate {
    crate::dates::parse_iso(s).unwrap_or_default()
}

fn org_with(email: &str) -> OrgState {
    let mut s = OrgState::new(Org {
        id: "a".repeat(24),
        slug: "t".into(),
        name: "T".into(),
    });
    let person = Person {
        id: "p1".into(),
        work_email: Some(email.into()),
        ..Person::default()
    };
    let mut job = Job::new("j1".into(), Some(person));
    job.start_date = Some(day("2020-01-01"));
    s.insert_job(job);
    s
}

fn stamp(today: &str) -> Stamp<'static> {
    Stamp {
        today: day(today),
        process_id: None,
    }
}

#[test]
fn a_departure_keeps_the_person_through_their_last_day() {
    let mut s = org_with("a@x");
    let input = DepartInput {
        end: day("2025-01-31"),
        ..DepartInput::default()
    };
    assert_eq!(
        depart(&mut s, "j1", &input, stamp("2025-01-15")),
        Ok(DepartOutcome::Scheduled)
    );
    assert!(!advance(&mut s, day("2025-01-31")));
    assert_eq!(s.job("j1").map(|j| j.state), Some(JobState::Depart));
    assert!(advance(&mut s, day("2025-02-01")));
    let job = s.job("j1").cloned();
    assert_eq!(
        job.as_ref().map(|j| j.state),
        Some(JobState::Open),
        "backfill by default"
    );
    assert!(job.is_some_and(|j| j.person.is_none() && j.start_date.is_none()));
    let former = s.history.former("p1").cloned().unwrap_or_default();
    assert_eq!(former.end_date, Some(day("2025-01-31")));
    assert_eq!(former.start_date_org, Some(day("2020-01-01")));
    assert_eq!(former.work_email.as_deref(), Some("a@x"));
}

#[test]
fn a_hire_starts_on_its_date() {
    let mut s = org_with("a@x");
    s.insert_job(Job::new(
        "j2".into(),
        Some(Person {
            id: "p2".into(),
            ..Person::default()
        }),
    ));
    hire(
        &mut s,
        "j2",
        day("2025-02-01"),
        BTreeMap::new(),
        stamp("2025-01-15"),
    );
    assert_eq!(s.job("j2").map(|j| j.state), Some(JobState::Start));
    assert_eq!(
        s.history.upcoming("j2")[0].announce_date,
        Some(day("2025-01-15"))
    );
    advance(&mut s, day("2025-02-01"));
    assert_eq!(s.job("j2").map(|j| j.state), Some(JobState::Filled));
    assert!(s.history.upcoming("j2").is_empty());
}

#[test]
fn a_scheduled_update_that_no_longer_resolves_conflicts() {
    let mut s = org_with("a@x");
    let mut change = new_change(
        ChangeType::Update,
        day("2025-02-01"),
        "p1",
        "j1",
        stamp("2025-01-15"),
    );
    change
        .fields
        .insert("manager.contact.workEmail".into(), "gone@x".into());
    change.fields.insert("title".into(), "Lead".into());
    let id = change.id.clone();
    s.history.record(change);
    advance(&mut s, day("2025-02-01"));
    let change = s.history.change(&id).cloned();
    assert_eq!(
        change.as_ref().map(|c| c.status),
        Some(ChangeStatus::Conflict)
    );
    assert!(
        change
            .and_then(|c| c.note)
            .unwrap_or_default()
            .contains("gone@x")
    );
    assert_eq!(
        s.job("j1").and_then(|j| j.title.clone()),
        None,
        "all or nothing"
    );
}
