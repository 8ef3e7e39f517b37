//! The diff on a real organization's people lifecycle: rehires found among former people,
//! departures ChartHop already records, future start dates, details that cannot be read, and
//! the plan's notes.

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
[fields.department]
from = "Dept"
[fields.startDate]
from = "Start"
type = "date"
[import]
create_groups = true
[departure]
from = "Status"
values = ["Terminated"]
date = "Term"
rehire_date = "Rehire"
reason = { from = "Code", lookup = "reasons" }
[lookups.reasons]
entries = { RES = "Resignation" }
"#;

/// Id, Email, First, Dept, Start, Status, Term, Rehire, Code.
type Row = [&'static str; 9];
const HEADER: Row = [
    "Id", "Email", "First", "Dept", "Start", "Status", "Term", "Rehire", "Code",
];

fn job(
    id: &str,
    key: &str,
    email: &str,
    dept: &str,
    start: &str,
    extra: &[(&str, &str)],
) -> Person {
    let mut values: HashMap<String, String> = [
        ("contact.employee", key),
        ("contact.workEmail", email),
        ("department", dept),
        ("startDate", start),
        ("name.first", "F"),
        ("personId", &format!("p{id}")),
    ]
    .iter()
    .chain(extra)
    .filter(|(_, v)| !v.is_empty())
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    values.retain(|_, v| !v.is_empty());
    Person {
        job_id: format!("j{id}"),
        name: format!("P{id}"),
        values,
    }
}

fn roster() -> Roster {
    Roster::new(vec![
        job("1", "1", "a@x.com", "Sales", "2015-01-05", &[]),
        job("2", "2", "b@x.com", "Sales", "2020-03-01", &[]),
        // Departing on 2026-12-31, as ChartHop records it.
        job(
            "3",
            "3",
            "c@x.com",
            "Sales",
            "2019-05-06",
            &[("state", "DEPART"), ("personEndDate", "2026-12-31")],
        ),
        // An upcoming DEPART change only.
        job(
            "4",
            "4",
            "d@x.com",
            "Sales",
            "2018-02-01",
            &[("upcoming", r#"[{"type":"DEPART","date":"2027-01-15"}]"#)],
        ),
    ])
}

/// People as `findPersons` lists them: former ones have a last day and no job.
fn people() -> Roster {
    let page = br#"{"data":[
        {"id":"pf1","name":"Former One","contact.employee":"50","contact.workEmail":"f1@x.com","endDateOrg":"2023-06-30"},
        {"id":"pf2","name":"Former Two","contact.employee":"60","contact.workEmail":"f2@x.com","endDateOrg":"2022-01-31"},
        {"id":"pf3","name":"Former Three","contact.employee":"61","contact.workEmail":"f3@x.com","endDateOrg":"2021-01-31"},
        {"id":"p1","name":"P1","contact.employee":"1","contact.workEmail":"a@x.com"},
        {"id":"p9","name":"In A Job","contact.employee":"77","contact.workEmail":"z@x.com","endDateOrg":"2020-01-31","jobId":"j1"}]}"#;
    let mut r = Roster::people_with_indexes(&[]);
    r.push_page_json(page).expect("page");
    r
}

fn run(rows: &[Row], with_former: bool) -> ChangeSet {
    run_on(roster(), rows, with_former)
}

/// The mapping, and `rows` spooled and sighted as the pipeline does.
fn spool_rows(rows: &[[&str; 9]]) -> (Mapping, Sighting, Vec<u8>) {
    let m = Mapping::parse(Path::new("t.toml"), MAPPING).unwrap_or_else(|e| panic!("{e}"));
    let header: Vec<String> = HEADER.iter().map(|s| s.to_string()).collect();
    let bound = m.bind(&header).unwrap_or_else(|e| panic!("{e}"));
    let email_field = m.field_index(WORK_EMAIL);
    let mut sighting = Sighting::new().expect("sighting");
    let mut w = SpoolWriter::new(Vec::new());
    for (i, r) in rows.iter().enumerate() {
        match bound.map_row(i + 2, &r.map(str::to_string)) {
            Ok(d) => {
                sighting.observe(&d, email_field).expect("observe");
                w.mapped(&d).expect("spool");
            }
            Err(e) => w.rejected(&e).expect("spool"),
        }
    }
    (m, sighting, w.finish().expect("spool"))
}

/// The keys and emails a survey tells its watcher, in order.
#[derive(Default, Debug, PartialEq)]
struct Told {
    keys: Vec<String>,
    emails: Vec<String>,
}

/// Prepares `spool` against `roster`; checks that the watcher was told exactly the keys and
/// emails the prepared diff lists (nothing when it lists none), and returns what it was told.
fn prepare_told<'a>(
    m: &'a Mapping,
    roster: &'a Roster,
    sighting: Sighting,
    spool: &dyn Rows,
) -> (Prepared<'a>, Told) {
    let mut told = Told::default();
    let prepared = prepare_watching(
        m,
        roster,
        super::tests::AS_OF,
        sighting,
        spool,
        &mut |k, e| {
            told.keys.extend(k.map(str::to_string));
            told.emails.extend(e.map(str::to_string));
        },
    )
    .expect("prepare");
    let listed = prepared
        .unmatched_keys_and_emails()
        .map(|(keys, emails)| Told {
            keys: keys.to_vec(),
            emails: emails.to_vec(),
        });
    match listed {
        Some(listed) => assert_eq!(told, listed, "told as listed"),
        None => assert!(
            told.keys.len().max(told.emails.len()) <= facts::MAX_LISTED,
            "told at most the rows that could be listed"
        ),
    }
    (prepared, told)
}

fn run_on(roster: Roster, rows: &[Row], with_former: bool) -> ChangeSet {
    let (m, sighting, spool) = spool_rows(rows);
    let people = people();
    let mut set = ChangeSet::default();
    let (mut prepared, _) = prepare_told(&m, &roster, sighting, &spool);
    if with_former {
        assert!(prepared.unmatched() > 0, "some row needs the former people");
        prepared.with_former(&people);
    }
    let outline = prepared.run(&spool, &mut set).expect("run");
    set.summary = outline.summary;
    set.absent = outline.absent;
    set.notes = outline.notes;
    set
}

fn row(cs: &ChangeSet, n: usize) -> &RowChange {
    cs.rows
        .iter()
        .find(|r| r.row == n)
        .unwrap_or_else(|| panic!("row {n}"))
}

const A: Row = [
    "1",
    "a@x.com",
    "F",
    "Sales",
    "01/05/2015",
    "Active",
    "",
    "",
    "",
];

#[test]
fn a_former_person_comes_back_as_a_rehire_with_the_rehire_date() {
    let rows = [
        A,
        // Former One, rehired: the old termination and a later rehire date.
        [
            "50",
            "f1@x.com",
            "F",
            "Sales",
            "04/01/2016",
            "Active",
            "06/30/2023",
            "11/02/2026",
            "",
        ],
        // Nobody known: a new hire.
        [
            "70",
            "new@x.com",
            "N",
            "Sales",
            "12/01/2026",
            "Active",
            "",
            "",
            "",
        ],
    ];
    let cs = run(&rows, true);
    let r = row(&cs, 3);
    assert_eq!(r.category, Category::Rehire, "{r:#?}");
    assert_eq!(r.person_id.as_deref(), Some("pf1"));
    assert_eq!(r.target["contact.workEmail"], "f1@x.com");
    assert_eq!(r.target["startDate"], "2026-11-02");
    assert!(
        r.matched.contains("left ChartHop on 2023-06-30"),
        "{}",
        r.matched
    );
    assert_eq!(row(&cs, 4).category, Category::NewHire);
    assert_eq!((cs.summary.rehires, cs.summary.new_hires), (1, 1));
    // Without the former people (not fetched), the same row would be a new hire.
    assert_eq!(row(&run(&rows, false), 3).category, Category::NewHire);
}

#[test]
fn a_row_matching_two_former_people_or_an_old_start_is_a_conflict() {
    let cs = run(
        &[
            A,
            // Key of Former Two, email of Former Three.
            [
                "60",
                "f3@x.com",
                "F",
                "Sales",
                "11/02/2026",
                "Active",
                "",
                "",
                "",
            ],
            // Former One with no date after their last day.
            [
                "50",
                "f1@x.com",
                "F",
                "Sales",
                "04/01/2016",
                "Active",
                "",
                "",
                "",
            ],
            // Former Three with another email.
            [
                "61",
                "other@x.com",
                "F",
                "Sales",
                "11/02/2026",
                "Active",
                "",
                "",
                "",
            ],
        ],
        true,
    );
    assert_eq!(
        row(&cs, 3).conflict,
        Some(ConflictKind::SeveralFormerPeople)
    );
    assert_eq!(row(&cs, 4).conflict, Some(ConflictKind::ContradictoryDates));
    assert_eq!(
        row(&cs, 5).conflict,
        Some(ConflictKind::RehireEmailChange),
        "{cs:#?}"
    );
}

#[test]
fn a_departure_chart_hop_records_is_unchanged_and_another_day_moves_it() {
    let cs = run(
        &[
            A,
            // The day ChartHop has (personEndDate).
            [
                "3",
                "c@x.com",
                "F",
                "Sales",
                "05/06/2019",
                "Active",
                "12/31/2026",
                "",
                "",
            ],
            // Another day than the upcoming DEPART's.
            [
                "4",
                "d@x.com",
                "F",
                "Sales",
                "02/01/2018",
                "Terminated",
                "11/20/2026",
                "",
                "RES",
            ],
        ],
        false,
    );
    let c = row(&cs, 3);
    assert_eq!(c.category, Category::Unchanged, "{c:#?}");
    assert!(c.matched.contains("already records"), "{}", c.matched);
    let d = row(&cs, 4);
    assert_eq!(d.category, Category::Departure, "{d:#?}");
    let details = d.departure.as_ref().expect("details");
    assert_eq!(details.previous_end_date.as_deref(), Some("2027-01-15"));
    assert_eq!(details.reason.as_deref(), Some("Resignation"));
    assert_eq!(d.target["contact.employee"], "4");
}

#[test]
fn a_future_start_for_an_active_person_is_a_conflict_saying_what_to_do() {
    let cs = run(
        &[[
            "2",
            "b@x.com",
            "F",
            "Sales",
            "01/05/2027",
            "Active",
            "",
            "",
            "",
        ]],
        false,
    );
    let b = row(&cs, 2);
    assert_eq!(b.conflict, Some(ConflictKind::FutureStart), "{b:#?}");
    assert!(b.reason.as_deref().unwrap_or("").contains("rehire"));
}

#[test]
fn a_stale_reason_code_rejects_only_a_row_that_departs() {
    let cs = run(
        &[
            // A date alone, past, blank status: a departure; its code has no entry.
            [
                "1",
                "a@x.com",
                "F",
                "Sales",
                "01/05/2015",
                "",
                "11/20/2026",
                "",
                "ZZZ",
            ],
            // Rehired after the old termination: active; the stale code does not matter.
            [
                "2",
                "b@x.com",
                "F",
                "Sales",
                "03/01/2020",
                "Active",
                "06/30/2019",
                "",
                "ZZZ",
            ],
        ],
        false,
    );
    let a = row(&cs, 2);
    assert_eq!(a.category, Category::Rejected, "{a:#?}");
    assert!(a.reason.as_deref().unwrap_or("").contains("column `Code`"));
    assert_eq!(row(&cs, 3).category, Category::Unchanged);
}

#[test]
fn moves_into_departments_nobody_is_in_are_noted() {
    let cs = run(
        &[
            [
                "1",
                "a@x.com",
                "F",
                "Data",
                "01/05/2015",
                "Active",
                "",
                "",
                "",
            ],
            [
                "2",
                "b@x.com",
                "F",
                "Legal",
                "03/01/2020",
                "Active",
                "",
                "",
                "",
            ],
            [
                "70",
                "new@x.com",
                "N",
                "Data",
                "12/01/2026",
                "Active",
                "",
                "",
                "",
            ],
        ],
        false,
    );
    let notes: Vec<&str> = cs.notes.iter().map(|n| n.message.as_str()).collect();
    assert_eq!(cs.notes.len(), 2, "{notes:#?}");
    let data = cs
        .notes
        .iter()
        .find(|n| n.message.contains("`Data`"))
        .expect("Data");
    assert_eq!(data.rows, vec![2]);
    assert!(
        data.message.contains("new-hire import creates it"),
        "{}",
        data.message
    );
    let legal = cs
        .notes
        .iter()
        .find(|n| n.message.contains("`Legal`"))
        .expect("Legal");
    assert!(
        legal.message.contains("refuse that row"),
        "{}",
        legal.message
    );
}

#[test]
fn an_active_status_after_the_last_day_chart_hop_records_is_unchanged_else_a_conflict() {
    // The export still says Active on the day after a termination date has passed: ChartHop
    // already records that last day (a DEPART job on its last day, or a former person), so
    // there is nothing to do; any other day is still a contradiction to resolve by hand.
    let mut jobs = vec![job("1", "1", "a@x.com", "Sales", "2015-01-05", &[])];
    jobs.push(job(
        "5",
        "5",
        "e@x.com",
        "Sales",
        "2019-05-06",
        &[("state", "DEPART"), ("personEndDate", "2026-11-27")],
    ));
    let active = |key, email, term| -> Row {
        [
            key,
            email,
            "F",
            "Sales",
            "04/01/2016",
            "Active",
            term,
            "",
            "",
        ]
    };
    let cs = run_on(
        Roster::new(jobs),
        &[
            A,
            // ChartHop's DEPART job, its last day the as-of date.
            active("5", "e@x.com", "11/27/2026"),
            // Former One, who left on the export's termination date.
            active("50", "f1@x.com", "06/30/2023"),
            // Former Two, who left on another day than the export says.
            active("60", "f2@x.com", "03/31/2022"),
        ],
        true,
    );
    let r = row(&cs, 3);
    assert_eq!(r.category, Category::Unchanged, "{r:#?}");
    assert!(
        r.matched.contains("records the termination date"),
        "{}",
        r.matched
    );
    let r = row(&cs, 4);
    assert_eq!(r.category, Category::Unchanged, "{r:#?}");
    assert!(
        r.matched.contains("left ChartHop on 2023-06-30"),
        "{}",
        r.matched
    );
    assert_eq!(row(&cs, 5).conflict, Some(ConflictKind::ContradictoryDates));
}

#[test]
fn a_person_with_a_job_in_the_roster_is_never_taken_for_a_former_one() {
    // findPersons lists them with an old last day, but they hold roster job `j1`: the row is
    // a new hire, not their rehire.
    let cs = run(
        &[
            A,
            [
                "77",
                "z@x.com",
                "Z",
                "Sales",
                "11/02/2026",
                "Active",
                "",
                "",
                "",
            ],
        ],
        true,
    );
    assert_eq!(row(&cs, 3).category, Category::NewHire, "{cs:#?}");
}

#[test]
fn the_survey_tells_each_unmatched_row_as_it_finds_it_until_there_are_too_many_to_name() {
    // Two new people among matched ones: told in export order, email lower-cased; a leaver
    // and matched rows are not told.
    let mut leaver = A;
    leaver[0] = "70";
    leaver[1] = "gone@x.com";
    leaver[5] = "Terminated";
    leaver[6] = "06/30/2026";
    let mut new1 = A;
    new1[0] = " 80 ";
    new1[1] = "New.One@X.com";
    let mut new2 = A;
    new2[0] = "81";
    new2[1] = "";
    let (m, sighting, spool) = spool_rows(&[new1, A, leaver, new2]);
    let roster = roster();
    let (prepared, told) = prepare_told(&m, &roster, sighting, &spool);
    assert_eq!(prepared.unmatched(), 2);
    assert_eq!(
        told,
        Told {
            keys: vec!["80".into(), "81".into()],
            emails: vec!["new.one@x.com".into()],
        }
    );

    // One row more than can be named: the watcher was told the first ones only, and the
    // lookup is to walk everyone.
    let many: Vec<String> = (0..=facts::MAX_LISTED)
        .map(|i| format!("{}", 100_000 + i))
        .collect();
    let rows: Vec<[&str; 9]> = many
        .iter()
        .map(|k| {
            let mut r = A;
            r[0] = k;
            r[1] = "";
            r
        })
        .collect();
    let (m, sighting, spool) = spool_rows(&rows);
    let (prepared, told) = prepare_told(&m, &roster, sighting, &spool);
    assert_eq!(prepared.unmatched(), facts::MAX_LISTED + 1);
    assert!(prepared.unmatched_keys_and_emails().is_none());
    assert_eq!(told.keys, many[..facts::MAX_LISTED]);
}
