//! The benchmark's data generator (issue 9): deterministic, its recorded pages are what the
//! emulator answers for its seed, and a dry run finds exactly the changes it made.

use std::collections::BTreeSet;
use std::path::Path;

use bench_data::{self, PAGE_FIELDS, Spec};
use payroll_sync::charthop::{Client, ClientConfig, JobPages, JobQuery};
use payroll_sync::secret::Secret;

use crate::support::*;

const PAGE: usize = 400;

fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).unwrap().display().to_string();
                out.push((rel, std::fs::read(&p).unwrap()));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn the_generator_is_deterministic() {
    let spec = Spec::same(2_500);
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    bench_data::write_all(a.path(), &spec, true, PAGE).unwrap();
    bench_data::write_all(b.path(), &spec, true, PAGE).unwrap();
    let (fa, fb) = (files(a.path()), files(b.path()));
    assert!(
        fa.len() >= 10,
        "{:?}",
        fa.iter().map(|f| &f.0).collect::<Vec<_>>()
    );
    assert_eq!(
        fa.iter().map(|f| &f.0).collect::<Vec<_>>(),
        fb.iter().map(|f| &f.0).collect::<Vec<_>>()
    );
    for ((name, x), (_, y)) in fa.iter().zip(&fb) {
        assert!(x == y, "{name} differs between two runs");
    }
    // A different size is different data, and a prefix of people does not depend on the size.
    assert_eq!(
        Spec::same(2_500).person(7).first,
        Spec::same(90).person(7).first
    );
}

#[test]
fn recorded_pages_are_what_the_emulator_answers() {
    let spec = Spec::same(1_500);
    let tmp = tempfile::tempdir().unwrap();
    let f = bench_data::write_all(tmp.path(), &spec, false, PAGE).unwrap();
    let emu = emulator_from(&f.seed);
    let client = Client::new(ClientConfig {
        base_url: emu.base_url(),
        org: emu.org_slug(),
        token: Secret::new(TOKEN),
        max_attempts: 1,
        initial_backoff: std::time::Duration::from_millis(10),
        max_backoff: std::time::Duration::from_millis(10),
        retry_budget: std::time::Duration::from_secs(5),
        timeout: std::time::Duration::from_secs(10),
        ca_file: None,
    })
    .unwrap();
    let query = JobQuery {
        fields: PAGE_FIELDS.iter().map(|s| s.to_string()).collect(),
        q: "open:filled".into(),
        date: None,
        limit: PAGE as u32,
    };
    let rt = tokio::runtime::Runtime::new().unwrap();
    let served: Vec<Vec<serde_json::Map<String, serde_json::Value>>> = rt.block_on(async {
        let mut pages = JobPages::new(&client, query);
        let mut out = Vec::new();
        while let Some(rows) = pages.next_page().await.unwrap() {
            out.push(rows);
        }
        out
    });
    let index: Vec<Option<String>> =
        serde_json::from_slice(&std::fs::read(f.pages.join("index.json")).unwrap()).unwrap();
    assert_eq!(index.len(), served.len());
    assert!(served.len() >= 3);
    for (n, rows) in served.iter().enumerate() {
        let text = std::fs::read(f.pages.join(bench_data::page_file(n))).unwrap();
        let page: serde_json::Value = serde_json::from_slice(&text).unwrap();
        assert_eq!(
            page["data"].as_array().unwrap().len(),
            rows.len(),
            "page {n}"
        );
        for (got, want) in rows.iter().zip(page["data"].as_array().unwrap()) {
            assert_eq!(&serde_json::Value::Object(got.clone()), want, "page {n}");
        }
        let next = page.get("next").and_then(|v| v.as_str());
        assert_eq!(
            next,
            index.get(n + 1).and_then(|c| c.as_deref()),
            "page {n}"
        );
    }
}

#[test]
fn a_dry_run_finds_exactly_the_generated_changes() {
    let spec = Spec::same(3_000);
    let expected = bench_data::expected(&spec);
    assert!(!expected.new_hires.is_empty() && !expected.departures.is_empty());
    let tmp = tempfile::tempdir().unwrap();
    let f = bench_data::write_all(tmp.path(), &spec, true, PAGE).unwrap();
    let emu = emulator_from(&f.seed);
    for (input, out) in [(&f.csv, "plan-csv"), (&f.xlsx, "plan-xlsx")] {
        let o = run(cmd(&emu, tmp.path()).args([
            "plan",
            "--input",
            input.to_str().unwrap(),
            "--mapping",
            f.mapping.to_str().unwrap(),
            "--out",
            out,
        ]));
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        let p = plan_json(&tmp.path().join(out));
        let s = &p["summary"];
        assert_eq!(s["new_hires"], expected.new_hires.len(), "{input:?}");
        assert_eq!(s["updates"], expected.updates.len(), "{input:?}");
        assert_eq!(s["departures"], expected.departures.len(), "{input:?}");
        assert_eq!(s["unchanged"], expected.unchanged, "{input:?}");
        assert_eq!(s["conflicts"], 0);
        assert_eq!(s["rejected"], 0);
        let rows = p["rows"].as_array().unwrap();
        let keys = |cat: &str| -> Vec<String> {
            rows.iter()
                .filter(|r| r["category"] == cat)
                .map(|r| r["key"].as_str().unwrap_or_default().to_string())
                .collect()
        };
        assert_eq!(keys("new_hire"), expected.new_hires);
        assert_eq!(keys("departure"), expected.departures);
        let updates: BTreeSet<(String, String)> = rows
            .iter()
            .filter(|r| r["category"] == "update")
            .flat_map(|r| {
                let key = r["key"].as_str().unwrap_or_default().to_string();
                r["changes"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(move |c| (key.clone(), c["field"].as_str().unwrap().to_string()))
            })
            .collect();
        let want: BTreeSet<(String, String)> = expected
            .updates
            .iter()
            .map(|(k, f)| (k.clone(), f.to_string()))
            .collect();
        assert_eq!(updates, want, "{input:?}");
    }
}
