//! Custom fields in the seed: `fields.json` is optional, `jobs.csv` columns named by a custom
//! field's code seed its values (checked like import cells), and the project's fixture seeds
//! load with their catalogues.

use std::path::Path;

use charthop_emulator::Config;
use serde_json::{Value, json};

use super::super::{Harness, ORG, TOKEN, config, seed_dir};

/// The test seed in a temp dir, with `fields.json` only when `with_fields`, and `extra` columns
/// appended to `jobs.csv` (`extra[0]` the header's, then one per line).
fn seed(with_fields: bool, extra: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut files = vec!["org.json", "groups.csv", "users.csv"];
    if with_fields {
        files.push("fields.json");
    }
    for name in files {
        std::fs::copy(seed_dir().join(name), dir.path().join(name))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    let jobs = std::fs::read_to_string(seed_dir().join("jobs.csv")).unwrap_or_default();
    let lines: String = jobs
        .lines()
        .enumerate()
        .map(|(i, line)| match extra.get(i) {
            Some(cells) => format!("{line},{cells}\n"),
            None => format!(
                "{line}{}\n",
                ",".repeat(extra.first().map_or(0, |h| h.split(',').count()))
            ),
        })
        .collect();
    std::fs::write(dir.path().join("jobs.csv"), lines).unwrap_or_else(|e| panic!("{e}"));
    dir
}

fn start(dir: &Path) -> Result<Harness, String> {
    let mut cfg = config();
    cfg.seed_dir = dir.to_path_buf();
    Harness::try_with(cfg).map_err(|e| e.to_string())
}

#[tokio::test]
async fn a_seed_without_fields_json_has_built_in_fields_only() {
    let dir = seed(false, &[]);
    let h = start(dir.path()).unwrap_or_else(|e| panic!("{e}"));
    let (_, custom) = h.get(&format!("/v1/org/{ORG}/field")).await;
    assert_eq!(custom["data"], json!([]));
    let (_, all) = h
        .get(&format!("/v1/org/{ORG}/field?builtin=all&limit=1000"))
        .await;
    assert!(all["data"].as_array().is_some_and(|d| d.len() > 40));
    let (status, body) = h
        .post_csv("upsert=false", "Work Email,skills\nalan@test.example,Go\n")
        .await;
    assert_eq!(
        (status, body["message"].as_str()),
        (400, Some("unknown column `skills`"))
    );
}

#[tokio::test]
async fn jobs_csv_columns_named_by_custom_codes_seed_checked_values() {
    // Alan's buddy (Frances) comes later in the file; Kotlin is a new skill (auto-added).
    let dir = seed(
        true,
        &[
            "workerCategory,BUDDY,skills,base",
            "Full Time,,,250000 USD",
            "part_time,frances@test.example,Go;Kotlin,",
            ",,,",
            "Full Time,,,",
        ],
    );
    let h = start(dir.path()).unwrap_or_else(|e| panic!("{e}"));
    let (_, body) = h
        .get(&format!(
            "/v2/org/{ORG}/job?format=minimal&fields=jobId,workerCategory,buddy,skills,base&q=workerCategory:*"
        ))
        .await;
    assert_eq!(
        body["data"],
        json!([
            {"jobId": "6a0000000000000000000001", "workerCategory": "FULL_TIME",
             "base": {"amount": 250000, "currency": "USD", "places": 0}},
            {"jobId": "6a0000000000000000000002", "workerCategory": "PART_TIME",
             "buddy": "7b0000000000000000000007", "skills": ["GO", "Kotlin"]},
            {"jobId": "6a0000000000000000000004", "workerCategory": "FULL_TIME"}
        ])
    );
    let (_, fields) = h
        .get(&format!("/v1/org/{ORG}/field?ids=5e0000000000000000000004"))
        .await;
    assert_eq!(
        fields["data"][0]["values"],
        json!([{"name": "GO", "label": "Go"}, {"name": "Kotlin", "label": "Kotlin"}])
    );
}

#[test]
fn a_seed_value_its_field_refuses_names_the_file_row_and_column() {
    for (extra, wanted) in [
        (
            ["workerCategory", "Seasonal"],
            "jobs.csv` row 2, column `workerCategory`: field `workerCategory`: `Seasonal` is not one of its options",
        ),
        (
            ["seniorityDate", "soon"],
            "row 2, column `seniorityDate`: field `seniorityDate`: `soon` is not M/D/YYYY or YYYY-MM-DD",
        ),
        (
            ["base", "lots"],
            "row 2, column `base`: `base` `lots` is not an amount of money",
        ),
    ] {
        let dir = seed(true, &extra);
        let err = start(dir.path()).err().unwrap_or_default();
        assert!(err.contains(wanted), "{wanted}\n{err}");
    }
    let mut open = vec!["seniorityDate"];
    open.extend(["", "", "", "2020-01-01"]);
    let dir = seed(true, &open);
    let err = start(dir.path()).err().unwrap_or_default();
    assert!(
        err.contains("row 5, column `seniorityDate`: an open job has no person"),
        "{err}"
    );
    let dir = seed(true, &[]);
    std::fs::write(dir.path().join("fields.json"), r#"[{"name": "x"}]"#)
        .unwrap_or_else(|e| panic!("{e}"));
    let err = start(dir.path()).err().unwrap_or_default();
    assert!(
        err.contains("fields.json` field `x`: missing field"),
        "{err}"
    );
}

/// The names, and each enum's option labels, that a fixture seed's `findFields` lists.
async fn fixture_fields(name: &str, today: (i32, u32, u32)) -> Vec<(String, Value)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/charthop")
        .join(name);
    let mut cfg = Config::new(dir, TOKEN);
    cfg.today = chrono::NaiveDate::from_ymd_opt(today.0, today.1, today.2);
    let h = Harness::with(cfg);
    let (status, page) = h.get(&format!("/v1/org/{}/field", h.emu.org_slug())).await;
    assert_eq!(status, 200, "{page}");
    page["data"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| {
            (
                f["name"].as_str().unwrap_or_default().to_string(),
                f.clone(),
            )
        })
        .collect()
}

#[tokio::test]
async fn the_fixture_seeds_declare_custom_fields_of_every_kind() {
    let adp: Vec<&str> = vec![
        "Full Time",
        "Part Time",
        "Temporary",
        "Intern",
        "Contractor",
    ];
    for (name, today) in [("acme", (2026, 12, 4)), ("northwind", (2026, 12, 4))] {
        let fields = fixture_fields(name, today).await;
        let kinds: std::collections::BTreeSet<&str> = fields
            .iter()
            .filter_map(|(_, f)| f["type"].as_str())
            .collect();
        for kind in ["ENUM", "DATE", "MONEY", "ENUM_MULTI", "PERSON"] {
            assert!(kinds.contains(kind), "{name}: no {kind} field");
        }
        assert!(
            fields
                .iter()
                .any(|(_, f)| f["expr"].is_string() && f["readonly"] == true),
            "{name}: a computed field"
        );
        let category = fields
            .iter()
            .find(|(n, _)| n == "workerCategory")
            .map(|(_, f)| f.clone())
            .unwrap_or_default();
        assert_eq!(category["entityType"], "JOB", "{name}");
        let labels: Vec<&str> = category["values"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| v["label"].as_str())
            .collect();
        assert_eq!(
            labels, adp,
            "{name}: ADP's Worker Category Description values"
        );
    }
    let acme = fixture_fields("acme", (2026, 12, 4)).await;
    let id = acme
        .iter()
        .find(|(n, _)| n == "nationalId")
        .map(|(_, f)| f.clone())
        .unwrap_or_default();
    assert_eq!(
        (&id["type"], &id["entityType"], &id["sensitive"]),
        (&json!("STRING"), &json!("PERSON"), &json!("PRIVATE"))
    );
    let date = fixture_fields("northwind", (2026, 12, 4)).await;
    assert!(
        date.iter()
            .any(|(n, f)| n == "seniorityDate" && f["entityType"] == "PERSON")
    );
}
