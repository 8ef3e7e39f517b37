//! Mapping files: `check` on each shipped mapping and its fixture (the real binary), and the
//! mapped result of the provider-shaped fixtures (the library, row by row).

use std::path::Path;
use std::process::Command;

use payroll_sync::mapping::check::{InputReport, check_rows};
use payroll_sync::mapping::{Mapping, Outcome, Value};
use payroll_sync::read::{self, ReadOptions};

use crate::support::*;

fn check_cmd(args: &[&str]) -> std::process::Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_payroll-sync"));
    c.env("NO_COLOR", "1")
        .env_remove("RUST_LOG")
        .args(["check"])
        .args(args);
    run(&mut c)
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap_or_default()
}

/// A shipped mapping, a fixture's header and its rows (number, cells).
type Loaded = (Mapping, Vec<String>, Vec<(usize, Vec<String>)>);

/// Reads a fixture once and checks that a shipped mapping binds to its header.
fn mapped(mapping_file: &str, fixture_file: &str) -> Loaded {
    let m = Mapping::load(&mapping(mapping_file)).unwrap_or_else(|e| panic!("{e}"));
    let options = ReadOptions {
        sheet: m.sheet.clone(),
        ..ReadOptions::default()
    };
    let table = read::open(&fixture(fixture_file), &options).expect("the fixture reads");
    let header = table.header.clone();
    let rows: Vec<(usize, Vec<String>)> = table
        .map(|r| r.map(|r| (r.row, r.cells)).expect("a row"))
        .collect();
    m.bind(&header).unwrap_or_else(|e| panic!("{e}"));
    (m, header, rows)
}

fn report(mapping_file: &str, fixture_file: &str) -> InputReport {
    let (m, header, rows) = mapped(mapping_file, fixture_file);
    let b = m.bind(&header).unwrap_or_else(|e| panic!("{e}"));
    check_rows(&b, &header, &rows)
}

/// The mapped value of `code` for the row whose key is `key`.
fn value_of(mapping_file: &str, fixture_file: &str, key: &str, code: &str) -> Option<String> {
    let (m, header, rows) = mapped(mapping_file, fixture_file);
    let b = m.bind(&header).unwrap_or_else(|e| panic!("{e}"));
    let i = m.field_index(code)?;
    rows.iter()
        .find_map(|(row, cells)| match b.outcome(*row, cells) {
            Outcome::Mapped(d) if d.key.as_deref() == Some(key) => {
                if m.fields[i].resolve_manager {
                    d.manager_ref.clone()
                } else {
                    d.values[i].as_ref().map(Value::render)
                }
            }
            _ => None,
        })
}

#[test]
fn every_shipped_mapping_passes_check_on_its_fixture() {
    for (m, f) in [
        ("acme.toml", "payroll/acme.csv"),
        ("acme.toml", "payroll/acme.xlsx"),
        ("adp.toml", "payroll/adp.csv"),
        ("gusto.toml", "payroll/gusto.xlsx"),
        ("paylocity.toml", "payroll/paylocity.csv"),
    ] {
        let out = check_cmd(&[path(&mapping(m)), "--input", path(&fixture(f))]);
        assert_eq!(code(&out), 0, "{m} on {f}: {}", stderr(&out));
        assert!(stderr(&out).contains("test(s) passed"), "{}", stderr(&out));
    }
}

#[test]
fn check_lists_rejected_rows_skips_and_lookup_misses() {
    let out = check_cmd(&[
        path(&mapping("adp.toml")),
        "--input",
        path(&fixture("payroll/adp.csv")),
        "--json",
    ]);
    assert_eq!(code(&out), 0, "rejected rows are not errors");
    let err = stderr(&out);
    assert!(
        err.contains("120 row(s): 116 mapped, 2 skipped, 2 rejected"),
        "{err}"
    );
    assert!(
        err.contains("skipped 1: contractors are not in ChartHop"),
        "{err}"
    );
    assert!(
        err.contains(
            "`9999` in `lookups.departments` (column `Home Department Code`): 1 row(s): 24"
        ),
        "{err}"
    );
    assert!(
        err.contains("row 25, column `Hire Date` (field `startDate`), value `02/30/2021`: `02/30/2021` is not a date"),
        "{err}"
    );
    let json: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("--json prints the report");
    assert_eq!(json["rows"], 120);
    assert_eq!(json["rejected"][0]["row"], 24);
    assert_eq!(json["misses"][0]["first_rows"][0], 24);
}

#[test]
fn a_mapping_with_problems_exits_78_listing_all_of_them() {
    let tmp = tempfile::tempdir().expect("tmp");
    let text = std::fs::read_to_string(mapping("adp.toml"))
        .expect("adp.toml")
        .replace("transform = [\"email\"]", "transform = [\"emial\"]")
        .replace("[fields.hourly]", "[fields.hourli]")
        .replace(
            "type = \"money\"\nsensitive = true\nwhen = { column = \"Pay Type\", is = \"Salary\" }",
            "type = \"mony\"\nsensitive = true\nwhen = { column = \"Pay Type\", is = \"Salary\" }",
        );
    let m = tmp.path().join("adp.toml");
    std::fs::write(&m, text).expect("write");
    std::fs::copy(
        mapping("adp-departments.csv"),
        tmp.path().join("adp-departments.csv"),
    )
    .expect("copy");
    let out = check_cmd(&[path(&m)]);
    assert_eq!(code(&out), 78);
    let err = stderr(&out);
    // Three typos, and the two embedded tests that expect `hourly`, which is no longer mapped.
    assert!(err.contains("has 5 problem(s)"), "{err}");
    assert!(err.contains("`hourly` is not a mapped field"), "{err}");
    assert!(err.contains("hint: did you mean `email`?"), "{err}");
    assert!(err.contains("hint: did you mean `hourly`?"), "{err}");
    assert!(err.contains("hint: did you mean `money`?"), "{err}");
    assert!(err.contains("adp.toml:"), "positions are given: {err}");
}

#[test]
fn a_column_missing_from_the_export_exits_78_with_a_suggestion() {
    let tmp = tempfile::tempdir().expect("tmp");
    let text = std::fs::read_to_string(fixture("payroll/paylocity.csv"))
        .expect("paylocity.csv")
        .replacen("Position Title", "Position Titles", 1);
    let input = tmp.path().join("export.csv");
    std::fs::write(&input, text).expect("write");
    let out = check_cmd(&[path(&mapping("paylocity.toml")), "--input", path(&input)]);
    assert_eq!(code(&out), 78);
    let err = stderr(&out);
    assert!(
        err.contains("the export has no column `Position Title`"),
        "{err}"
    );
    assert!(err.contains("did you mean `Position Titles`?"), "{err}");
    assert!(err.contains("paylocity.toml:"), "{err}");
}

#[test]
fn a_failing_embedded_test_exits_78_pointing_at_it() {
    let tmp = tempfile::tempdir().expect("tmp");
    let text = std::fs::read_to_string(mapping("gusto.toml"))
        .expect("gusto.toml")
        .replace("employment = \"TEMP\"", "employment = \"PART\"");
    let m = tmp.path().join("g.toml");
    std::fs::write(&m, text).expect("write");
    let out = check_cmd(&[path(&m)]);
    assert_eq!(code(&out), 78);
    let err = stderr(&out);
    assert!(
        err.contains("`employment`: expected `PART`, got `TEMP`"),
        "{err}"
    );
}

#[test]
fn adp_rows_map_to_typed_chart_hop_values() {
    let r = report("adp.toml", "payroll/adp.csv");
    assert_eq!(
        (r.rows, r.mapped, r.skipped_total(), r.rejected.len()),
        (120, 116, 2, 2)
    );
    let v = |key: &str, code: &str| value_of("adp.toml", "payroll/adp.csv", key, code);
    // Row 2 of the fixture: the CEO, with a mixed-case email and a formatted salary.
    assert_eq!(
        v("NW0000001", "contact.workEmail").as_deref(),
        Some("leila.haddad@northwind.example")
    );
    assert_eq!(v("NW0000001", "base").as_deref(), Some("68000 USD"));
    assert_eq!(v("NW0000001", "department").as_deref(), Some("Executive"));
    assert_eq!(v("NW0000001", "startDate").as_deref(), Some("2014-10-22"));
    assert_eq!(
        v("NW0000001", "contact.workPhone").as_deref(),
        Some("+14155550100")
    );
    assert_eq!(
        v("NW0000001", "endDate"),
        None,
        "a termination date is read by [departure], never written as a field"
    );
    assert_eq!(v("NW0000002", "manager").as_deref(), Some("NW0000001"));
}

#[test]
fn gusto_xlsx_rows_map_with_date_cells_countries_and_pay_units() {
    let r = report("gusto.toml", "payroll/gusto.xlsx");
    assert_eq!(
        (r.rows, r.mapped, r.skipped_total(), r.rejected.len()),
        (80, 76, 2, 2)
    );
    let rejected: Vec<(usize, &str)> = r
        .rejected
        .iter()
        .map(|x| (x.row, x.field.as_str()))
        .collect();
    assert_eq!(rejected, vec![(14, "contact.workEmail"), (15, "base")]);
    let v = |key: &str, code: &str| value_of("gusto.toml", "payroll/gusto.xlsx", key, code);
    let start = v("3001", "startDate").unwrap_or_default();
    assert!(
        chrono::NaiveDate::parse_from_str(&start, "%Y-%m-%d").is_ok(),
        "{start}"
    );
    assert_eq!(v("3001", "workAddress.country").as_deref(), Some("US"));
    assert_eq!(v("3004", "workAddress.country").as_deref(), Some("CA"));
    assert_eq!(v("3005", "workAddress.country").as_deref(), Some("GB"));
    assert_eq!(v("3001", "department").as_deref(), Some("Executive"));
}

#[test]
fn paylocity_rows_map_with_splits_regexes_templates_numbers_and_booleans() {
    let r = report("paylocity.toml", "payroll/paylocity.csv");
    assert_eq!(
        (r.rows, r.mapped, r.skipped_total(), r.rejected.len()),
        (150, 146, 2, 2)
    );
    assert_eq!(r.misses.len(), 1);
    assert_eq!((r.misses[0].value.as_str(), r.misses[0].count), ("LON", 1));
    let v = |key: &str, code: &str| value_of("paylocity.toml", "payroll/paylocity.csv", key, code);
    assert_eq!(
        v("5001", "title").as_deref(),
        Some("Chief Executive Officer"),
        "the level suffix is cut"
    );
    assert_eq!(v("5001", "department").as_deref(), Some("Executive"));
    assert_eq!(v("5001", "payrollRef").as_deref(), Some("INI-5001"));
    assert_eq!(v("5001", "fte").as_deref(), Some("1"));
    assert_eq!(v("5002", "remote").as_deref(), Some("true"));
    assert_eq!(v("5002", "location").as_deref(), Some("Remote"));
    assert_eq!(v("5001", "startDate").as_deref(), Some("2015-02-14"));
}
