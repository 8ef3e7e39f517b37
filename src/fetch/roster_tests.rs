//! The compact roster keeps exactly what ChartHop sent.

use std::collections::HashMap;

use super::*;

fn person(job: &str, name: &str, values: &[(&str, &str)]) -> Person {
    Person {
        job_id: job.into(),
        name: name.into(),
        values: values
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect::<HashMap<_, _>>(),
    }
}

#[test]
fn values_of_every_length_read_back() {
    let lengths = [0usize, 1, 63, 64, 4095, 4096, 70_000];
    let people: Vec<Person> = lengths
        .iter()
        .enumerate()
        .map(|(i, &n)| person(&format!("j{i}"), "N", &[("title", &"é".repeat(n / 2))]))
        .collect();
    let r = Roster::new(people);
    assert_eq!(r.len(), lengths.len());
    for (i, &n) in lengths.iter().enumerate() {
        assert_eq!(r.person(i).get("title"), "é".repeat(n / 2), "length {n}");
        assert_eq!(r.find_job(&format!("j{i}")), Some(i));
    }
}

#[test]
fn a_column_appearing_late_widens_every_row() {
    let mut r = Roster::default();
    let mut page = String::from(r#"{"data":["#);
    for i in 0..3000 {
        if i > 0 {
            page.push(',');
        }
        // Departments repeat (interned), emails do not; `remote` appears from row 2000 on.
        page.push_str(&format!(
            r#"{{"jobId":"j{i}","name":"P {i}","department":"D{}","contact.workEmail":"p{i}@x.example"{}}}"#,
            i % 7,
            if i >= 2000 { r#","remote":true"# } else { "" }
        ));
    }
    page.push_str("]}");
    r.push_page_json(page.as_bytes()).expect("parses");
    assert_eq!(r.len(), 3000);
    for i in [0usize, 1999, 2000, 2999] {
        let p = r.person(i);
        assert_eq!(p.job_id(), format!("j{i}"));
        assert_eq!(p.name(), format!("P {i}"));
        assert_eq!(p.get("department"), format!("D{}", i % 7));
        assert_eq!(p.get("contact.workEmail"), format!("p{i}@x.example"));
        assert_eq!(p.get("remote"), if i >= 2000 { "true" } else { "" });
    }
    let values: Vec<_> = r.person(2500).values().collect();
    assert_eq!(values.len(), 3);
}

#[test]
fn fingerprint_ignores_order_and_names_but_not_values() {
    let a = person("j1", "Ana", &[("title", "Eng"), ("department", "R&D")]);
    let b = person("j2", "Bo", &[("title", "PM")]);
    let one = Roster::new(vec![a.clone(), b.clone()]).fingerprint();
    assert_eq!(one, Roster::new(vec![b.clone(), a.clone()]).fingerprint());
    let mut renamed = a.clone();
    renamed.name = "Ana B".into();
    assert_eq!(one, Roster::new(vec![renamed, b.clone()]).fingerprint());
    let mut moved = a.clone();
    moved.values.insert("title".into(), "Staff Eng".into());
    assert_ne!(one, Roster::new(vec![moved, b.clone()]).fingerprint());
    assert_ne!(
        one,
        Roster::new(vec![a.clone(), b.clone(), b]).fingerprint()
    );
    assert_ne!(one, Roster::new(vec![a]).fingerprint());
}

#[test]
fn json_and_hand_built_rosters_agree() {
    let json = br#"{"data":[{"jobId":"j1","name":"Ana","title":"Eng","startDate":"2021-01-04"},
        {"jobId":"j2","name":"Bo","title":"Eng"}]}"#;
    let mut parsed = Roster::default();
    parsed.push_page_json(json).expect("parses");
    let built = Roster::new(vec![
        person(
            "j1",
            "Ana",
            &[("title", "Eng"), ("startDate", "2021-01-04")],
        ),
        person("j2", "Bo", &[("title", "Eng")]),
    ]);
    assert_eq!(parsed.fingerprint(), built.fingerprint());
    assert_eq!(parsed.person(1).get("title"), built.person(1).get("title"));
}

#[test]
fn a_person_without_a_job_id_is_left_out() {
    let r = Roster::new(vec![
        person("", "Ghost", &[("title", "X")]),
        person("j1", "A", &[]),
    ]);
    assert_eq!(r.len(), 1);
    assert_eq!(r.person(0).job_id(), "j1");
    assert_eq!(r.person(0).get("title"), "");
}

#[test]
fn the_fingerprint_taken_page_by_page_is_the_whole_rosters() {
    // The second page brings a field the first lacked, and lists fields in another order.
    let mut paged = Roster::default();
    paged
        .push_page_json(br#"{"data":[{"jobId":"j1","name":"Ana","title":"Eng"}]}"#)
        .expect("parses");
    paged
        .push_page_json(br#"{"data":[{"jobId":"j2","startDate":"2021-01-04","title":"PM"}]}"#)
        .expect("parses");
    let built = Roster::new(vec![
        person("j2", "", &[("title", "PM"), ("startDate", "2021-01-04")]),
        person("j1", "Ana", &[("title", "Eng")]),
    ]);
    assert_eq!(paged.fingerprint(), built.fingerprint());
    let other = Roster::new(vec![
        person("j2", "", &[("title", "PM"), ("startDate", "2021-01-05")]),
        person("j1", "Ana", &[("title", "Eng")]),
    ]);
    assert_ne!(paged.fingerprint(), other.fingerprint());
}
