//! The review model: what the top of every report says, and one line per person below it.

use serde_json::json;

use super::*;
use crate::diff::Category;

/// A plan document from its JSON, as `plan.json` holds it.
fn plan(rows: serde_json::Value, extra: serde_json::Value) -> PlanDoc {
    let mut doc = json!({
        "schema_version": 2,
        "tool_version": "0",
        "created_at": "2026-05-04T08:30:00Z",
        "as_of": "2026-05-04",
        "charthop": {"url": "http://127.0.0.1:1", "org": "acme"},
        "input": {"path": "/x/export.csv", "sha256": "s", "format": "csv", "header_row": 1, "rows": 1200, "blank_rows": 0},
        "mapping": {"path": "/x/acme.toml", "sha256": "m"},
        "roster": {"people": 1000, "sha256": "r", "fetched_at": "2026-05-04T08:30:00Z"},
        "summary": {"new_hires": 1, "updates": 3, "departures": 1, "scheduled_departures": 1,
                    "absent": 2, "unchanged": 5, "conflicts": 1, "rejected": 0},
        "files": [],
        "import": {"default_change_date": "2026-05-04", "date_format": "iso", "backfill": false,
                   "departures_held": false, "departures_mapped": true},
        "sensitive_fields": [{"field": "comp.base", "sensitivity": "sensitive"}],
        "rows": rows,
        "absent": [],
        "guards": [
            {"guard": "updates", "actual": 3, "limit": 250, "tripped": false, "explain": "3 updates, within the limit of 250"},
            {"guard": "departures", "actual": 0, "limit": 50, "tripped": false, "explain": "ok"},
            {"guard": "truncated_export", "actual": 1200, "limit": 800, "tripped": false, "explain": "ok"}
        ],
        "department_field": "department"
    });
    if let (Some(d), Some(e)) = (doc.as_object_mut(), extra.as_object()) {
        for (k, v) in e {
            d.insert(k.clone(), v.clone());
        }
    }
    serde_json::from_value(doc).unwrap_or_else(|e| panic!("a plan document: {e}"))
}

fn update(row: usize, name: &str, changes: &[(&str, &str, &str)]) -> serde_json::Value {
    let changes: Vec<serde_json::Value> = changes
        .iter()
        .map(|(f, o, n)| json!({"field": f, "old": o, "new": n}))
        .collect();
    json!({"row": row, "category": "update", "name": name, "matched": "matched by contact.employee",
           "changes": changes, "target": {"department": "Sales"}})
}

fn rows() -> serde_json::Value {
    json!([
        {"row": 2, "category": "new_hire", "name": "Kofi Asante", "matched": "no match: new hire",
         "target": {"department": "Robotics", "contact.workEmail": "kofi@x.example"}},
        update(3, "Ada One", &[("title", "Engineer", "Senior Engineer"), ("comp.base", "100000 USD", "104000 USD")]),
        update(4, "Bo Two", &[("comp.base", "90000 USD", "126000 USD")]),
        update(5, "Cy Three", &[("department", "Ops", "Sales"), ("location", "Austin", "")]),
        {"row": 6, "category": "departure", "name": "Di Four", "matched": "m", "termination_date": "2026-04-30",
         "departure": {"department": "Ops"}},
        {"row": 7, "category": "scheduled_departure", "name": "Ed Five", "matched": "m", "termination_date": "2026-06-30"},
        {"row": 8, "category": "conflict", "name": "Fay Six", "matched": "m", "reason": "the payroll key appears twice"}
    ])
}

const STAMP: Stamp<'static> = Stamp {
    hash: "abc123",
    dir: "runs/2026-05-04",
};

#[test]
fn the_summary_reads_like_a_plan_with_counts_that_agree() {
    let doc = plan(rows(), json!({}));
    let lines: Vec<String> = summary(&doc)
        .iter()
        .map(|l| format!("{} {} {} {}", l.sign.mark(), l.count, l.what, l.note))
        .collect();
    assert_eq!(
        lines,
        [
            "+ 1 new hire ",
            "~ 3 people updated (5 field changes)",
            "- 1 departure ",
            "- 1 scheduled departure (active in ChartHop until their last day)",
            "! 1 conflict (left out: matching them would be a guess)",
            "  5 unchanged ",
            "  2 absent from the export (in ChartHop, not in the export: reported, not changed)",
        ]
    );
    let review = Review::of(&doc, STAMP, &Tally::default());
    let updates = review.sections.iter().find(|s| s.id == "update");
    assert_eq!(
        updates.map(|s| s.title.as_str()),
        Some("Updates (3 people, 5 field changes)")
    );
    let ada = updates.and_then(|s| {
        s.lines
            .iter()
            .find(|l| l.cells.get(1) == Some(&Cell::Value("Ada One".into())))
    });
    assert_eq!(
        ada.map(|l| l.cells.last().cloned()),
        Some(Some(Cell::Changes(vec![
            Change {
                field: "title".into(),
                old: "Engineer".into(),
                new: "Senior Engineer".into()
            },
            Change {
                field: "comp.base".into(),
                old: "(hidden)".into(),
                new: "+4.0%".into()
            },
        ]))),
        "one line per person, every field on it, sensitive ones masked to their shape"
    );
}

#[test]
fn departures_that_are_not_sent_say_so_on_their_lines() {
    let held = plan(
        rows(),
        json!({"import": {"default_change_date": "2026-05-04", "date_format": "iso", "backfill": false,
                          "departures_held": true, "departures_mapped": true}}),
    );
    let notes: Vec<String> = summary(&held)
        .iter()
        .filter(|l| l.sign == Sign::Remove)
        .map(|l| l.note.clone())
        .collect();
    assert_eq!(
        notes,
        [
            "(reported only, not sent: `departures.hold` is on)",
            "(reported only, not sent: `departures.hold` is on)"
        ]
    );
    let review = Review::of(&held, STAMP, &Tally::default());
    assert!(
        review.attention.iter().any(|a| a
            .text
            .starts_with("2 departures are reported only, not sent")),
        "{:#?}",
        review.attention
    );
    let title = review
        .sections
        .iter()
        .find(|s| s.id == "departure")
        .map(|s| s.title.clone());
    assert_eq!(
        title.as_deref(),
        Some("Departures (2, of which 1 scheduled, reported only)")
    );

    let unmapped = plan(
        json!([]),
        json!({"summary": {"new_hires": 0, "updates": 0, "departures": 0, "absent": 0, "unchanged": 0, "conflicts": 0, "rejected": 0},
               "import": {"default_change_date": "2026-05-04", "date_format": "iso", "backfill": false,
                          "departures_held": false, "departures_mapped": false}}),
    );
    let departures = summary(&unmapped)
        .into_iter()
        .find(|l| l.what == "departures");
    assert_eq!(
        departures.map(|l| l.note),
        Some("(not looked for: the mapping has no `[departure]` section)".into())
    );
}

#[test]
fn guards_show_their_headroom_and_a_tripped_one_gives_the_approve_command() {
    let doc = plan(rows(), json!({}));
    let review = Review::of(&doc, STAMP, &Tally::default());
    let headroom: Vec<String> = review.guards.iter().map(GuardLine::headroom).collect();
    assert_eq!(headroom, ["247 to spare", "50 to spare", "400 to spare"]);
    let limits: Vec<String> = review.guards.iter().map(GuardLine::limit_text).collect();
    assert_eq!(limits, ["250", "50", "at least 800"]);
    assert_eq!(
        review.next_step,
        "Apply this plan with `payroll-sync apply runs/2026-05-04`."
    );
    assert_eq!(
        review.guard_summary(),
        "All 3 are within their limits; the closest is `truncated_export` (400 to spare).",
        "closest as a share of its limit: 400 of 800 before 247 of 250"
    );
    assert!(!review.refused());

    let tripped = plan(
        rows(),
        json!({"guards": [
            {"guard": "updates", "actual": 3, "limit": 2, "tripped": true, "explain": "3 updates exceed 2"},
            {"guard": "truncated_export", "actual": 700, "limit": 800, "tripped": true, "explain": "short"}
        ]}),
    );
    let review = Review::of(&tripped, STAMP, &Tally::default());
    let headroom: Vec<String> = review.guards.iter().map(GuardLine::headroom).collect();
    assert_eq!(headroom, ["over by 1", "short by 100"]);
    assert!(review.refused());
    assert!(
        review.next_step.ends_with(
            "approve exactly this plan with `payroll-sync apply runs/2026-05-04 --approve abc123`."
        ),
        "{}",
        review.next_step
    );
    assert!(
        review.attention[0]
            .text
            .starts_with("2 safety guards tripped (`updates`, `truncated_export`)")
    );
}

#[test]
fn attention_lists_what_is_left_out_what_charthop_will_refuse_and_the_largest_pay_changes() {
    let doc = plan(
        rows(),
        json!({"notes": [
            {"kind": "email_domain", "rows": [3, 4, 5], "message": "3 of the 3 work email changes move domain"},
            {"kind": "department", "rows": [5], "message": "1 person moving into `Robotics`, which no one in ChartHop is in"}
        ]}),
    );
    let review = Review::of(&doc, STAMP, &Tally::default());
    let texts: Vec<&str> = review.attention.iter().map(|a| a.text.as_str()).collect();
    assert!(
        texts[0].starts_with("1 row left out as conflicts"),
        "{texts:#?}"
    );
    assert!(
        texts[1].starts_with("1 person moving into `Robotics`"),
        "refusals first: {texts:#?}"
    );
    assert!(texts[1].ends_with("(row 5)."), "{texts:#?}");
    assert!(texts[2].ends_with("(rows 3, 4, 5)."), "{texts:#?}");
    assert!(
        texts
            .iter()
            .any(|t| t.starts_with("2 people in ChartHop are not in the export"))
    );
    let pay = review
        .attention
        .iter()
        .find(|a| a.text.starts_with("The largest pay changes"));
    assert_eq!(
        pay.map(|a| a.items.clone()),
        Some(vec![
            "Bo Two (row 4): `comp.base` +40%".to_string(),
            "Ada One (row 3): `comp.base` +4.0%".to_string()
        ]),
        "largest first, as percentages, never the amounts"
    );
}

#[test]
fn rollups_count_fields_and_departments() {
    let doc = plan(rows(), json!({}));
    let mut tally = Tally::new(doc.department_field.as_deref());
    for r in &doc.rows {
        tally.row(r);
    }
    let review = Review::of(&doc, STAMP, &tally);
    let fields: Vec<(&str, usize, usize)> = review
        .by_field
        .iter()
        .map(|f| (f.field.as_str(), f.people, f.cleared))
        .collect();
    assert_eq!(
        fields,
        [
            ("comp.base", 2, 0),
            ("department", 1, 0),
            ("location", 1, 1),
            ("title", 1, 0)
        ]
    );
    let departments: Vec<(&str, usize, usize, usize, usize)> = review
        .by_department
        .iter()
        .map(|d| {
            (
                d.name.as_str(),
                d.hires,
                d.updates,
                d.moving_in,
                d.departures,
            )
        })
        .collect();
    assert_eq!(
        departments,
        [
            ("Sales", 0, 3, 1, 0),
            (NO_DEPARTMENT, 0, 0, 0, 1),
            ("Ops", 0, 0, 0, 1),
            ("Robotics", 1, 0, 0, 0)
        ]
    );
    assert!(
        doc.rows
            .iter()
            .any(|r| r.category == Category::ScheduledDeparture)
    );
}

#[test]
fn a_sensitive_department_is_masked_in_the_departures_and_left_out_of_the_rollup() {
    let doc = plan(
        rows(),
        json!({"sensitive_fields": [{"field": "department", "sensitivity": "sensitive"}]}),
    );
    let mut tally = Tally::new(doc.department_field.as_deref());
    for r in &doc.rows {
        tally.row(r);
    }
    let review = Review::of(&doc, STAMP, &tally);
    assert!(
        review.by_department.is_empty(),
        "{:?}",
        review.by_department
    );
    let departures = review.sections.iter().find(|s| s.id == "departure");
    let di = departures.and_then(|s| s.lines.first());
    assert_eq!(
        di.and_then(|l| l.cells.get(3)),
        Some(&Cell::Value(crate::plan::safe::MASK.into())),
        "Di Four leaves a masked department"
    );
}

#[test]
fn the_people_chart_hop_refused_last_time_are_found_among_every_row() {
    let last = json!({"time": "2026-05-03T02:15:00Z", "plan_dir": "runs/x", "rows": [
        {"file": "new_hires.csv", "row": 9, "work_email": "KOFI@x.example", "reason": "unknown department"},
        {"file": "updates.csv", "work_email": "gone@x.example", "reason": "no such person"}
    ]});
    let doc = plan(rows(), json!({"refused_last_run": last}));
    let mut tally = Tally::new(None);
    if let Some(last) = &doc.refused_last_run {
        tally.watch_refusals(last, true);
    }
    for r in &doc.rows {
        tally.row(r);
    }
    let review = Review::of(&doc, STAMP, &tally);
    let box_ = review
        .attention
        .iter()
        .find(|a| a.text.starts_with("ChartHop refused 2 rows"));
    assert_eq!(
        box_.map(|a| a.items.clone()),
        Some(vec!["Kofi Asante (row 2): unknown department".to_string()]),
        "{:#?}",
        review.attention
    );
    assert!(box_.is_some_and(|a| a.text.contains("1 of those people is in this plan again")));
}
