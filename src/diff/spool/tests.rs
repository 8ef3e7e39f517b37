//! The spool reads back exactly what was written, and damage is an error.

use chrono::NaiveDate;

use super::*;
use crate::mapping::{Decimal, DepartDetails, Desired, Rejection, Value};

fn sample() -> Vec<Item> {
    let date = NaiveDate::from_ymd_opt(2021, 3, 1).expect("date");
    vec![
        Item::Mapped(Desired {
            row: 2,
            key: Some("E1".into()),
            fallback: Some("a@x.example".into()),
            values: vec![
                Some(Value::Text("Ana é".into())),
                None,
                Some(Value::Date(date)),
                Some(Value::Number(
                    Decimal::parse_plain("-85000.50", '.').expect("n"),
                )),
                Some(Value::Money {
                    amount: Decimal::parse_plain("12", '.').expect("n"),
                    currency: "EUR".into(),
                }),
                Some(Value::Boolean(true)),
                Some(Value::Boolean(false)),
                Some(Value::Clear),
                Some(Value::Text("x".repeat(70_000))),
            ],
            manager_ref: Some("E0".into()),
            left_status: true,
            status_active: false,
            termination_date: Some(date),
            rehire_date: NaiveDate::from_ymd_opt(2022, 1, 3),
            effective_date: NaiveDate::from_ymd_opt(2021, 2, 1),
            depart: Some(Box::new(DepartDetails {
                depart_type: Some("Voluntary".into()),
                regret: None,
                reason: Some("Resignation".into()),
                problem: Some(Rejection {
                    row: 2,
                    column: Some("Reason Code".into()),
                    field: "departure.reason".into(),
                    reason: "`ZZZ` has no entry".into(),
                    value: Some("ZZZ".into()),
                    name: None,
                }),
            })),
        }),
        Item::Rejected(Rejection {
            row: 3,
            column: Some("Hire Date".into()),
            field: "startDate".into(),
            reason: "not a date".into(),
            value: None,
            name: Some("Ana Lima".into()),
        }),
        Item::Mapped(Desired {
            row: 4,
            key: None,
            fallback: None,
            values: vec![Some(Value::Text(String::new())), None],
            manager_ref: None,
            ..empty_desired()
        }),
        Item::Mapped(Desired {
            row: 1_000_000,
            key: Some("E2".into()),
            fallback: None,
            values: vec![None, Some(Value::Text("b".into()))],
            manager_ref: None,
            ..empty_desired()
        }),
    ]
}

#[test]
fn rows_read_back_as_written_with_buffers_reused() {
    let mut w = SpoolWriter::new(Vec::new());
    for item in sample() {
        match &item {
            Item::Mapped(d) => w.mapped(d).expect("write"),
            Item::Rejected(r) => w.rejected(r).expect("write"),
        }
    }
    assert_eq!(w.rows(), 4);
    let bytes = w.finish().expect("finish");
    // A small buffer forces the slow path for the long text.
    let mut r = SpoolReader::new(std::io::BufReader::with_capacity(64, &bytes[..]));
    let mut item = Item::Mapped(empty_desired());
    let mut back = Vec::new();
    while r.next_into(&mut item).expect("read") {
        back.push(item.clone());
    }
    assert_eq!(back, sample());
}

#[test]
fn damage_is_an_error_not_a_panic() {
    let mut w = SpoolWriter::new(Vec::new());
    if let Item::Mapped(d) = &sample()[0] {
        w.mapped(d).expect("write");
    }
    let bytes = w.finish().expect("finish");
    for cut in 1..bytes.len() {
        let mut r = SpoolReader::new(&bytes[..cut]);
        let mut item = Item::Mapped(empty_desired());
        assert!(r.next_into(&mut item).is_err(), "cut at {cut}");
    }
    let mut r = SpoolReader::new(&[9u8][..]);
    assert!(r.next_into(&mut Item::Mapped(empty_desired())).is_err());
}

#[test]
fn a_keys_read_fills_in_the_keys_and_one_value_only() {
    let mut w = SpoolWriter::new(Vec::new());
    for item in sample() {
        match &item {
            Item::Mapped(d) => w.mapped(d).expect("write"),
            Item::Rejected(r) => w.rejected(r).expect("write"),
        }
    }
    let bytes = w.finish().expect("finish");
    let mut r = SpoolReader::new(std::io::BufReader::with_capacity(64, &bytes[..]));
    // A buffer that held a whole row before: its other values must not linger.
    let mut item = sample().remove(0);
    let mut back = Vec::new();
    while r.next_with(&mut item, Fields::Keys(Some(1))).expect("read") {
        back.push(item.clone());
    }
    let expected: Vec<Item> = sample()
        .into_iter()
        .map(|item| match item {
            Item::Mapped(mut d) => {
                for (i, v) in d.values.iter_mut().enumerate() {
                    if i != 1 {
                        *v = None;
                    }
                }
                Item::Mapped(d)
            }
            rejected => rejected,
        })
        .collect();
    assert_eq!(back, expected);
    assert_eq!(
        back.iter()
            .filter_map(|i| match i {
                Item::Mapped(d) => d.key.clone(),
                Item::Rejected(_) => None,
            })
            .collect::<Vec<_>>(),
        ["E1", "E2"],
        "the keys are read"
    );
}
