//! The streamed plan directory: every row in `plan.json`, new hires managers first, the reports
//! listing the first rows of large categories, and the approval hash of what was written.

use std::collections::BTreeMap;
use std::path::Path;

use super::*;
use crate::diff::{Absent, Category, Outline, RowChange, Sink, Summary};
use crate::mapping::Mapping;
use crate::plan::review::words::thousands;

const MAPPING: &str = r#"
[key]
payroll = "Id"
charthop = "contact.employee"
[fields."contact.workEmail"]
from = "Email"
[fields."contact.employee"]
from = "Id"
[fields."name.first"]
from = "First"
[fields.manager]
from = "Manager"
resolve = "manager"
"#;

fn hire(row: usize, email: &str, manager: &str) -> RowChange {
    let mut target = BTreeMap::new();
    target.insert("contact.workEmail".to_string(), email.to_string());
    target.insert("name.first".to_string(), format!("N{row}"));
    if !manager.is_empty() {
        target.insert("manager".to_string(), manager.to_string());
    }
    RowChange {
        row,
        category: Category::NewHire,
        key: Some(format!("E{row}")),
        name: format!("N{row}"),
        job_id: None,
        charthop_email: None,
        matched: "no match: new hire".into(),
        changes: vec![],
        target,
        termination_date: None,
        departure: None,
        effective_date: None,
        person_id: None,
        conflict: None,
        reason: None,
    }
}

fn inputs<'a>(mapping: &'a Mapping) -> PlanInputs<'a> {
    PlanInputs {
        mapping,
        mapping_sha256: "m".into(),
        input: InputRef {
            path: "export.csv".into(),
            sha256: "x".into(),
            format: "csv".into(),
            sheet: None,
            header_row: 1,
            rows: 0,
            blank_rows: 0,
        },
        charthop: CharthopRef {
            url: "http://127.0.0.1:1".into(),
            org: "acme".into(),
        },
        roster: RosterRef {
            people: 0,
            fields: vec![],
            sha256: "r".into(),
            fetched_at: "2026-11-27T00:00:00Z".into(),
        },
        guards: vec![],
        created_at: "2026-11-27T00:00:00Z".into(),
        as_of: chrono::NaiveDate::from_ymd_opt(2026, 11, 27).unwrap_or_default(),
        departures: crate::settings::DepartureSettings::default(),
        show_sensitive: false,
        catalogue: CatalogueRef::default(),
        refused_last_run: None,
    }
}

/// Writes `rows` as a plan into `dir`; returns the document and the hash.
fn write(dir: &Path, rows: Vec<RowChange>, unknown: &[&str]) -> (PlanDoc, String) {
    let mapping = Mapping::parse(Path::new("m.toml"), MAPPING).expect("mapping");
    let cells = csv::Cells::new(&mapping, crate::settings::DateLayout::Iso);
    let mut w = Writer::create(dir, &mapping, cells).expect("writer");
    w.unknown_managers(unknown.iter().map(|s| s.to_string()).collect());
    let mut summary = Summary::default();
    for r in rows {
        match r.category {
            Category::NewHire => summary.new_hires += 1,
            Category::Unchanged => summary.unchanged += 1,
            _ => {}
        }
        w.row(r).expect("row");
    }
    let outline = Outline {
        summary,
        absent: vec![Absent {
            job_id: "j9".into(),
            name: "Gone".into(),
            charthop_email: "gone@x.example".into(),
            key: String::new(),
        }],
        notes: vec![],
    };
    w.finish(inputs(&mapping), outline).expect("finish")
}

fn emails_in(dir: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(dir.join(NEW_HIRES_FILE)).expect("csv");
    text.lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap_or("").to_string())
        .collect()
}

#[test]
fn a_new_hire_comes_after_the_new_hire_who_manages_them() {
    let dir = tempfile::tempdir().expect("tmp");
    // a (row 2) is managed by c (row 4), who is managed by d (row 5); b has a known manager;
    // e and f manage each other (a cycle keeps export order).
    let rows = vec![
        hire(2, "a@x", "c@x"),
        hire(3, "b@x", "boss@x"),
        hire(4, "c@x", "d@x"),
        hire(5, "d@x", ""),
        hire(6, "e@x", "f@x"),
        hire(7, "f@x", "e@x"),
    ];
    write(dir.path(), rows, &["c@x", "d@x", "e@x", "f@x"]);
    assert_eq!(
        emails_in(dir.path()),
        ["b@x", "d@x", "c@x", "a@x", "e@x", "f@x"]
    );
}

#[test]
fn every_row_is_in_plan_json_and_reports_list_the_first_ones() {
    let dir = tempfile::tempdir().expect("tmp");
    let hires = LISTED + 500;
    let rows: Vec<RowChange> = (0..hires)
        .map(|i| hire(i + 2, &format!("h{i}@x"), ""))
        .collect();
    let (doc, sha) = write(dir.path(), rows, &[]);
    let bytes = std::fs::read(dir.path().join(PLAN_FILE)).expect("plan.json");
    assert_eq!(sha, sha256(&bytes), "the hash is of the file written");
    let back: PlanDoc = serde_json::from_slice(&bytes).expect("plan.json is JSON");
    assert_eq!(back.rows.len(), hires);
    let loaded = LoadedPlan::load(dir.path()).expect("load");
    assert_eq!(loaded.hash, sha);
    assert_eq!(loaded.doc.rows.len(), hires);
    assert_eq!(back.rows[hires - 1].row, hires + 1);
    assert_eq!(back.absent.len(), 1);
    let hires_file = back.files.iter().find(|f| f.name == NEW_HIRES_FILE);
    assert_eq!(hires_file.map(|f| f.rows), Some(hires));
    assert_eq!(
        doc.rows.len(),
        LISTED,
        "the returned document holds the listed rows"
    );
    assert_eq!(emails_in(dir.path()).len(), hires);
    let report = std::fs::read_to_string(dir.path().join(REPORT_FILE)).expect("report");
    assert!(
        report.contains(&format!("## New hires ({})", thousands(hires))),
        "{report}"
    );
    assert!(report.contains(&format!(
        "The first {} of {} are listed here",
        thousands(LISTED),
        thousands(hires)
    )));
    let html = std::fs::read_to_string(dir.path().join(HTML_REPORT_FILE)).expect("html");
    assert!(html.contains(&format!("New hires ({})", thousands(hires))));
}

#[test]
fn an_empty_plan_is_valid_json() {
    let dir = tempfile::tempdir().expect("tmp");
    let (_, sha) = write(dir.path(), vec![], &[]);
    let bytes = std::fs::read(dir.path().join(PLAN_FILE)).expect("plan.json");
    assert_eq!(sha, sha256(&bytes));
    let back: PlanDoc = serde_json::from_slice(&bytes).expect("JSON");
    assert!(back.rows.is_empty());
}

#[test]
fn a_loaded_plan_keeps_the_rows_to_act_on() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut unchanged = hire(3, "u@x", "");
    unchanged.category = Category::Unchanged;
    unchanged.target.clear();
    let (_, sha) = write(dir.path(), vec![hire(2, "h@x", ""), unchanged], &[]);
    let text = std::fs::read_to_string(dir.path().join(PLAN_FILE)).expect("plan.json");
    let all: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(
        all["rows"].as_array().map(Vec::len),
        Some(2),
        "the file has every row"
    );
    let loaded = LoadedPlan::load(dir.path()).expect("load");
    assert_eq!(loaded.hash, sha);
    let rows: Vec<usize> = loaded.doc.rows.iter().map(|r| r.row).collect();
    assert_eq!(rows, [2], "unchanged rows stay in the file");
}
