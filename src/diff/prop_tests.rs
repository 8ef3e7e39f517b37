//! Property tests: a roster against itself is empty whatever the formatting noise, and the
//! change set does not depend on the export's row order.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use proptest::prelude::*;

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
[fields."contact.employee"]
from = "Id"
[fields.title]
from = "Title"
[fields.startDate]
from = "Start"
type = "date"
"#;

#[derive(Debug, Clone)]
struct Someone {
    title: String,
    start: chrono::NaiveDate,
    /// How the export spells it: email case, padding.
    shout_email: bool,
    pad: bool,
    /// What the export does with this person.
    fate: Fate,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Fate {
    Same,
    NewTitle,
    NotInExport,
    NotInCharthop,
}

fn someone(fates: bool) -> impl Strategy<Value = Someone> {
    let fate = if fates {
        prop_oneof![
            3 => Just(Fate::Same),
            1 => Just(Fate::NewTitle),
            1 => Just(Fate::NotInExport),
            1 => Just(Fate::NotInCharthop)
        ]
        .boxed()
    } else {
        Just(Fate::Same).boxed()
    };
    (
        "[A-Z][a-z]{1,8}( [A-Z][a-z]{1,8}){0,2}",
        0i64..20_000,
        any::<bool>(),
        any::<bool>(),
        fate,
    )
        .prop_map(|(title, days, shout_email, pad, fate)| Someone {
            title,
            start: chrono::NaiveDate::from_ymd_opt(1990, 1, 1).unwrap()
                + chrono::Duration::days(days),
            shout_email,
            pad,
            fate,
        })
}

/// The roster and the export rows (cells in header order) for a population.
fn world(people: &[Someone]) -> (Roster, Vec<Vec<String>>) {
    let mut roster = vec![];
    let mut rows = vec![];
    for (i, p) in people.iter().enumerate() {
        let id = (1000 + i).to_string();
        let email = format!("p{i}@acme.example");
        if p.fate != Fate::NotInCharthop {
            let mut values = HashMap::new();
            values.insert("contact.employee".to_string(), id.clone());
            values.insert("contact.workEmail".to_string(), email.clone());
            values.insert("title".to_string(), p.title.clone());
            values.insert(
                "startDate".to_string(),
                p.start.format("%Y-%m-%d").to_string(),
            );
            roster.push(Person {
                job_id: format!("job{i}"),
                name: format!("Person {i}"),
                values,
            });
        }
        if p.fate != Fate::NotInExport {
            let email = if p.shout_email {
                email.to_uppercase()
            } else {
                email
            };
            let mut title = if p.fate == Fate::NewTitle {
                format!("Senior {}", p.title)
            } else {
                p.title.clone()
            };
            if p.pad {
                title = format!("  {} ", title.replace(' ', "  "));
            }
            rows.push(vec![
                id,
                email,
                title,
                p.start.format("%m/%d/%Y").to_string(),
            ]);
        }
    }
    (Roster::new(roster), rows)
}

/// The mapping, and the rows mapped (desired, rejected).
fn mapped(rows: &[Vec<String>]) -> (Mapping, Vec<Desired>, Vec<Rejection>) {
    let m = Mapping::parse(Path::new("p.toml"), MAPPING).unwrap();
    let header: Vec<String> = ["Id", "Email", "Title", "Start"].map(String::from).to_vec();
    let bound = m.bind(&header).unwrap();
    let mut desired = vec![];
    let mut rejected = vec![];
    for (i, r) in rows.iter().enumerate() {
        match bound.map_row(i + 2, r) {
            Ok(d) => desired.push(d),
            Err(e) => rejected.push(e),
        }
    }
    (m, desired, rejected)
}

fn plan(roster: &Roster, rows: &[Vec<String>]) -> ChangeSet {
    let (m, desired, rejected) = mapped(rows);
    diff(&m, &desired, &rejected, roster, super::tests::AS_OF).expect("diff")
}

/// A sink that offers, for every row, a spare row full of another row's values.
struct Recycling {
    rows: Vec<RowChange>,
    junk: RowChange,
}

impl Sink for Recycling {
    fn row(&mut self, row: RowChange) -> io::Result<()> {
        self.rows.push(row);
        Ok(())
    }

    fn spare(&mut self) -> Option<RowChange> {
        Some(self.junk.clone())
    }
}

/// Each row's outcome by payroll key (row numbers move when the export is shuffled).
fn by_key(cs: &ChangeSet) -> BTreeMap<String, RowChange> {
    cs.rows
        .iter()
        .map(|r| {
            let mut r = r.clone();
            r.row = 0;
            (r.key.clone().unwrap_or_default(), r)
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn a_roster_diffed_with_itself_is_empty(people in prop::collection::vec(someone(false), 0..40)) {
        let (roster, rows) = world(&people);
        let cs = plan(&roster, &rows);
        prop_assert!(cs.summary.is_empty(), "{:#?}", cs.summary);
        prop_assert_eq!(cs.summary.unchanged, people.len());
        prop_assert_eq!(cs.summary.absent, 0);
        prop_assert!(cs.rows.iter().all(|r| r.changes.is_empty()));
    }

    #[test]
    fn the_change_set_does_not_depend_on_row_order(
        people in prop::collection::vec(someone(true), 1..40),
        seed in any::<u64>(),
    ) {
        let (roster, rows) = world(&people);
        let a = plan(&roster, &rows);
        let mut shuffled = rows.clone();
        // A deterministic shuffle from the seed.
        let mut s = seed | 1;
        for i in (1..shuffled.len()).rev() {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            shuffled.swap(i, (s % (i as u64 + 1)) as usize);
        }
        let b = plan(&roster, &shuffled);
        prop_assert_eq!(&a.summary, &b.summary);
        prop_assert_eq!(by_key(&a), by_key(&b));
        prop_assert_eq!(&a.absent, &b.absent);
        // Rows come out in export order, every time.
        prop_assert!(b.rows.windows(2).all(|w| w[0].row < w[1].row));
        prop_assert_eq!(plan(&roster, &shuffled), b);
        let expected_updates = people.iter().filter(|p| p.fate == Fate::NewTitle).count();
        prop_assert_eq!(a.summary.updates, expected_updates);
    }

    #[test]
    fn rows_filled_into_a_sinks_spare_rows_are_the_rows_made_anew(
        people in prop::collection::vec(someone(true), 1..40),
    ) {
        let (roster, rows) = world(&people);
        let fresh = plan(&roster, &rows);
        let (m, desired, rejected) = mapped(&rows);
        let (sighting, spool) = spooled(&m, &desired, &rejected).expect("spool");
        let mut sink = Recycling { rows: Vec::new(), junk: super::outcome::every_field_set() };
        run(&m, &roster, super::tests::AS_OF, sighting, &spool, &mut sink).expect("diff");
        prop_assert_eq!(sink.rows, fresh.rows);
    }
}
