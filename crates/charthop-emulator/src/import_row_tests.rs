//! Applying rows: keys (Job ID, work email, a former person's email), departures, rehires,
//! announced hires and effective dates, each row all or nothing.

use super::*;
use crate::history::ChangeStatus;
use crate::state::{JobState, Org, Person};

fn day(s: &str) -> NaiveDate {
    crate::dates::parse_iso(s).unwrap_or_default()
}

const TODAY: &str = "2025-01-15";

/// Ada (j1, CEO), Bob (j2, reports to Ada), an open job j3, and Cy, who left on 2024-06-30.
fn org() -> OrgState {
    let mut s = OrgState::new(Org {
        id: "a".repeat(24),
        slug: "t".into(),
        name: "T".into(),
    });
    for (job, id, email, manager) in [
        ("j1", "p1", "ada@x", None),
        ("j2", "p2", "bob@x", Some("j1")),
    ] {
        let mut j = Job::new(
            job.into(),
            Some(Person {
                id: id.into(),
                work_email: Some(email.into()),
                ..Person::default()
            }),
        );
        j.start_date = Some(day("2020-01-01"));
        j.manager = manager.map(str::to_string);
        s.insert_job(j);
    }
    s.insert_job(Job::new("j3".into(), None));
    s.history.add_former(Person {
        id: "p9".into(),
        work_email: Some("cy@x".into()),
        first_name: Some("Cy".into()),
        end_date: Some(day("2024-06-30")),
        ..Person::default()
    });
    s
}

fn run(state: &mut OrgState, csv: &str, upsert: bool, default: Option<&str>) -> Vec<RowOutcome> {
    let parsed = crate::import_csv::parse(csv, &state.catalogue).unwrap_or_else(|e| panic!("{e}"));
    let ctx = ImportContext {
        upsert,
        create_groups: false,
        default_change_date: default.map(day),
        today: day(TODAY),
        process_id: Some("proc".into()),
    };
    let mut applier = Applier::new(&parsed, ctx);
    parsed
        .rows
        .iter()
        .map(|r| applier.apply(state, r))
        .collect()
}

fn failed(o: &RowOutcome) -> String {
    match &o.kind {
        RowKind::Failed(m) => m.clone(),
        other => panic!("row {} did not fail: {other:?}", o.line),
    }
}

#[test]
fn a_future_end_date_departs_later_and_a_past_one_at_once() {
    let mut s = org();
    let out = run(
        &mut s,
        "Work Email,End Date,Depart Type,backfillJob\nbob@x,1/31/2025,voluntary,\nada@x,2025-01-10,Involuntary,no\n",
        false,
        None,
    );
    assert_eq!(out[0].kind, RowKind::Departed);
    assert!(
        out[0]
            .updates
            .contains(&("endDate".into(), "2025-01-31".into()))
    );
    let bob = s
        .job("j2")
        .cloned()
        .unwrap_or_else(|| Job::new(String::new(), None));
    assert_eq!(bob.state, JobState::Depart);
    assert_eq!(bob.person.and_then(|p| p.end_date), Some(day("2025-01-31")));
    // Ada's day had passed: she left, and without a backfill her job is gone; Bob reports to
    // her manager (none).
    assert!(s.job("j1").is_none());
    assert_eq!(s.job("j2").and_then(|j| j.manager.clone()), None);
    assert_eq!(
        s.history.former_by_email("ada@x").and_then(|p| p.end_date),
        Some(day("2025-01-10"))
    );
    let upcoming = s.history.upcoming("j2");
    assert_eq!(upcoming.len(), 1);
    assert_eq!(
        upcoming[0].departure.as_ref().map(|d| d.backfill),
        Some(true)
    );
}

#[test]
fn a_departure_again_moves_the_date_or_changes_nothing() {
    let mut s = org();
    run(
        &mut s,
        "Work Email,End Date\nbob@x,2025-01-31\n",
        false,
        None,
    );
    let out = run(
        &mut s,
        "Work Email,End Date\nbob@x,1/31/2025\n",
        false,
        None,
    );
    assert_eq!(
        (&out[0].kind, out[0].updates.len()),
        (&RowKind::Departed, 0)
    );
    run(
        &mut s,
        "Work Email,End Date\nbob@x,2025-02-14\n",
        false,
        None,
    );
    let upcoming = s.history.upcoming("j2");
    assert_eq!(upcoming.len(), 1, "moved, not added");
    assert_eq!(upcoming[0].date, day("2025-02-14"));
    // Moved into the past: the person leaves at once, into the open backfill.
    run(
        &mut s,
        "Work Email,End Date\nbob@x,2025-01-14\n",
        false,
        None,
    );
    assert_eq!(s.job("j2").map(|j| j.state), Some(JobState::Open));
    assert!(s.job_by_email("bob@x").is_none());
}

#[test]
fn bad_departure_rows_are_refused_whole() {
    let mut s = org();
    let out = run(
        &mut s,
        "Work Email,Title,End Date,Depart Type,Depart Regret,backfillJob\n\
         bob@x,Boss,2/30/2025,,,\n\
         bob@x,Boss,2025-02-01,fired,,\n\
         nobody@x,,2025-02-01,,,\n\
         ada@x,Boss,2019-12-31,,,\n\
         cy@x,,2025-01-01,,,\n\
         ada@x,,,Voluntary,,\n",
        true,
        None,
    );
    assert!(failed(&out[0]).contains("end date `2/30/2025` is not M/D/YYYY or YYYY-MM-DD"));
    assert!(failed(&out[1]).contains("depart type `fired`"));
    assert!(failed(&out[2]).starts_with("no person with work email `nobody@x`"));
    assert!(failed(&out[3]).contains("before the start date 2020-01-01"));
    assert!(failed(&out[4]).contains("already left on 2024-06-30"));
    assert!(failed(&out[5]).contains("need an End Date"));
    let out = run(
        &mut s,
        "Work Email,End Date,Depart Regret,backfillJob\nbob@x,2025-02-01,sad,\nada@x,2025-02-01,,maybe\n",
        false,
        None,
    );
    assert!(failed(&out[0]).contains("depart regret `sad`"));
    assert!(failed(&out[1]).contains("backfillJob `maybe`"));
    assert_eq!(
        s.job("j1").and_then(|j| j.title.clone()),
        None,
        "nothing applied"
    );
    assert!(s.history.changes_after(None).next().is_none());
}

#[test]
fn a_former_persons_email_rehires_the_same_person() {
    let mut s = org();
    let out = run(
        &mut s,
        "Work Email,Start Date,Title\ncy@x,2025-01-06,Analyst\n",
        false,
        None,
    );
    assert!(failed(&out[0]).contains("set upsert=true to rehire them"));
    let out = run(
        &mut s,
        "Work Email,Start Date\ncy@x,2024-06-01\n",
        true,
        None,
    );
    assert!(failed(&out[0]).contains("not after `cy@x`'s last day 2024-06-30"));
    let out = run(
        &mut s,
        "Work Email,Start Date,Title\ncy@x,2025-01-06,Analyst\n",
        true,
        None,
    );
    assert_eq!(out[0].kind, RowKind::Rehired);
    let job = s
        .job_by_email("cy@x")
        .cloned()
        .unwrap_or_else(|| Job::new(String::new(), None));
    let person = job.person.clone().unwrap_or_default();
    assert_eq!((person.id.as_str(), person.end_date), ("p9", None));
    assert_eq!(person.first_name.as_deref(), Some("Cy"));
    assert_eq!(
        (job.state, job.start_date),
        (JobState::Filled, Some(day("2025-01-06")))
    );
    assert!(s.history.former_by_email("cy@x").is_none());
    let hire = s.history.changes_after(None).last().cloned();
    assert_eq!(
        hire.map(|c| (c.kind, c.person_id, c.date)),
        Some((ChangeType::Hire, "p9".into(), day("2025-01-06")))
    );
}

#[test]
fn a_future_start_is_an_announced_hire_matched_later_by_email() {
    let mut s = org();
    let csv = "Work Email,First Name,Last Name,Start Date\nnew@x,New,Person,3/1/2025\n";
    assert_eq!(run(&mut s, csv, true, None)[0].kind, RowKind::Created);
    let job = s
        .job_by_email("new@x")
        .cloned()
        .unwrap_or_else(|| Job::new(String::new(), None));
    assert_eq!(job.state, JobState::Start);
    let upcoming = s.history.upcoming(&job.id);
    assert_eq!(
        upcoming
            .iter()
            .map(|c| (c.kind, c.date))
            .collect::<Vec<_>>(),
        vec![(ChangeType::Hire, day("2025-03-01"))]
    );
    assert_eq!(
        run(&mut s, csv, true, None)[0].kind,
        RowKind::Updated,
        "never created twice"
    );
    let out = run(
        &mut s,
        "Work Email,End Date\nnew@x,2025-04-01\n",
        false,
        None,
    );
    assert!(failed(&out[0]).contains("has not started"));
    crate::lifecycle::advance(&mut s, day("2025-03-01"));
    assert_eq!(s.job(&job.id).map(|j| j.state), Some(JobState::Filled));
}

#[test]
fn dated_rows_are_scheduled_and_undated_ones_take_the_default_date() {
    let mut s = org();
    let out = run(
        &mut s,
        "Work Email,Title,Date\nada@x,CEO,2/1/2025\nbob@x,CTO,\n",
        false,
        Some("2025-01-01"),
    );
    assert!(out.iter().all(|o| o.kind == RowKind::Updated));
    assert_eq!(s.job("j1").and_then(|j| j.title.clone()), None, "scheduled");
    assert_eq!(
        s.job("j2").and_then(|j| j.title.clone()).as_deref(),
        Some("CTO")
    );
    let dates: Vec<(NaiveDate, bool)> = s
        .history
        .changes_after(None)
        .map(|c| (c.date, c.done))
        .collect();
    assert_eq!(
        dates,
        vec![(day("2025-02-01"), false), (day("2025-01-01"), true)]
    );
    let out = run(
        &mut s,
        "Work Email,Title,Date\nada@x,X,Feb 1\n",
        false,
        None,
    );
    assert!(failed(&out[0]).contains("date `Feb 1`"));
    crate::lifecycle::advance(&mut s, day("2025-02-01"));
    assert_eq!(
        s.job("j1").and_then(|j| j.title.clone()).as_deref(),
        Some("CEO")
    );
}

#[test]
fn a_scheduled_update_is_struck_when_its_person_leaves_first() {
    let mut s = org();
    run(
        &mut s,
        "Work Email,Title,Date\nbob@x,CTO,2025-03-01\n",
        false,
        None,
    );
    run(
        &mut s,
        "Work Email,End Date\nbob@x,2025-02-01\n",
        false,
        None,
    );
    crate::lifecycle::advance(&mut s, day("2025-03-01"));
    let statuses: Vec<ChangeStatus> = s.history.changes_after(None).map(|c| c.status).collect();
    assert_eq!(statuses, vec![ChangeStatus::Struck, ChangeStatus::Active]);
    assert_eq!(
        s.job("j2").map(|j| (j.state, j.title.clone())),
        Some((JobState::Open, None))
    );
}

#[test]
fn a_job_id_key_finds_the_row_and_work_email_becomes_a_value() {
    let mut s = org();
    let out = run(
        &mut s,
        "Job ID,Work Email,Title\nj2,robert@x,Lead\nj404,x@x,\nj3,z@x,\nj2,,\n,ada@x,CEO\n",
        false,
        None,
    );
    assert_eq!(out[0].kind, RowKind::Updated);
    assert_eq!(
        s.job_by_email("robert@x").map(|j| j.id.as_str()),
        Some("j2")
    );
    assert!(s.job_by_email("bob@x").is_none());
    assert_eq!(failed(&out[1]), "no job with id `j404`");
    assert!(failed(&out[2]).contains("job `j3` is open"));
    assert!(failed(&out[3]).contains("appears more than once"));
    assert_eq!(
        out[4].kind,
        RowKind::Updated,
        "a blank Job ID falls back to the email"
    );
    let out = run(
        &mut s,
        "Job ID,Work Email\nj2,ada@x\nj1,cy@x\n",
        false,
        None,
    );
    assert!(failed(&out[0]).contains("already used"));
    assert!(failed(&out[1]).contains("former person"));
}
