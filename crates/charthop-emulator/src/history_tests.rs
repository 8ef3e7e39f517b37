//! The history: former people by email, scheduling and settling changes.

use super::*;

fn change(id: &str, kind: ChangeType, date: &str, job: &str) -> Change {
    Change {
        id: id.into(),
        kind,
        date: crate::dates::parse_iso(date).unwrap_or_default(),
        person_id: "p1".into(),
        job_id: job.into(),
        status: ChangeStatus::Active,
        done: false,
        fields: BTreeMap::new(),
        create_groups: false,
        create_at: String::new(),
        process_id: None,
        announce_date: None,
        departure: None,
        note: None,
    }
}

fn day(s: &str) -> NaiveDate {
    crate::dates::parse_iso(s).unwrap_or_default()
}

#[test]
fn former_people_are_found_by_email_until_taken() {
    let mut h = History::default();
    h.add_former(Person {
        id: "p1".into(),
        work_email: Some("Ada@X.com".into()),
        ..Person::default()
    });
    assert_eq!(
        h.former_by_email("ada@x.COM").map(|p| p.id.as_str()),
        Some("p1")
    );
    h.add_former(Person {
        id: "p1".into(),
        work_email: Some("ada2@x.com".into()),
        ..Person::default()
    });
    assert!(h.former_by_email("ada@x.com").is_none());
    assert!(h.take_former("p1").is_some());
    assert!(h.former_by_email("ada2@x.com").is_none());
    assert_eq!(h.former_after(None).count(), 0);
}

#[test]
fn a_departure_is_due_the_day_after_its_date_and_settling_unschedules() {
    let mut h = History::default();
    h.record(change("c2", ChangeType::Depart, "2025-01-31", "j1"));
    h.record(change("c1", ChangeType::Update, "2025-02-01", "j1"));
    assert_eq!(h.next_due(day("2025-01-31")), None);
    assert_eq!(h.upcoming("j1").len(), 2);
    // Both take effect on 2025-02-01; the older id first.
    assert_eq!(h.next_due(day("2025-02-01")).as_deref(), Some("c1"));
    h.settle("c1", ChangeStatus::Active, None, None);
    assert!(h.change("c1").is_some_and(|c| c.done));
    assert_eq!(h.next_due(day("2025-02-01")).as_deref(), Some("c2"));
    h.reschedule("c2", day("2025-03-01"), None);
    assert_eq!(h.next_due(day("2025-02-28")), None);
    let mut copy = h.clone();
    copy.reindex();
    assert_eq!(copy.next_due(day("2025-03-02")).as_deref(), Some("c2"));
    h.settle("c2", ChangeStatus::Struck, Some("gone".into()), None);
    assert!(h.upcoming("j1").is_empty());
    assert_eq!(h.change("c2").map(|c| c.status), Some(ChangeStatus::Struck));
}

#[test]
fn departure_spellings_parse() {
    assert_eq!(DepartType::parse("voluntary"), Some(DepartType::Voluntary));
    assert_eq!(
        DepartType::parse("INVOLUNTARY"),
        Some(DepartType::Involuntary)
    );
    assert_eq!(DepartType::parse("fired"), None);
    for (raw, want) in [
        ("Regret", Some(Regret::Regret)),
        ("Non-regret", Some(Regret::Nonregret)),
        ("NONREGRET", Some(Regret::Nonregret)),
        ("non regret", Some(Regret::Nonregret)),
        ("maybe", None),
    ] {
        assert_eq!(Regret::parse(raw), want, "{raw}");
    }
    assert_eq!(ChangeType::parse("depart"), Some(ChangeType::Depart));
}
