//! Effective dates and date layouts through the binary (issue 16, point 5), and `check`'s
//! warning about an export whose leavers the mapping cannot see (point 2).

use crate::support::*;

/// acme's export with an `Effective Date` column: Kwame Mensah's move takes effect on
/// 2026-12-01; every other row leaves it blank.
fn export_with_effective_dates(dir: &std::path::Path) -> std::path::PathBuf {
    let text = std::fs::read_to_string(fixture("payroll/acme.csv")).expect("acme.csv");
    let mut out = String::new();
    for (i, line) in text.lines().enumerate() {
        let extra = match i {
            0 => "Effective Date",
            _ if line.starts_with("1037,") => "12/01/2026",
            _ => "",
        };
        out.push_str(&format!("{line},{extra}\r\n"));
    }
    let path = dir.join("export.csv");
    std::fs::write(&path, out).expect("write");
    path
}

fn mapping_with_effective(dir: &std::path::Path) -> std::path::PathBuf {
    let text = std::fs::read_to_string(mapping("acme.toml")).expect("acme.toml")
        + "\n[effective]\nfrom = \"Effective Date\"\n";
    let path = dir.join("acme-effective.toml");
    std::fs::write(&path, text).expect("write");
    path
}

#[test]
fn a_row_with_an_effective_date_is_dated_by_it_and_the_others_by_the_as_of_date() {
    // A row without a date of its own leaves the cell blank: ChartHop dates it by
    // `defaultChangeDate`, the plan's as-of date.
    for (layout, kwame, others) in [(None, "12/1/2026", ""), (Some("iso"), "2026-12-01", "")] {
        let emu = emulator();
        let tmp = tempfile::tempdir().expect("tmp");
        let input = export_with_effective_dates(tmp.path());
        let m = mapping_with_effective(tmp.path());
        let mut c = cmd(&emu, tmp.path());
        c.env("PAYROLL_SYNC_PLAN_NOW", "2026-12-04T02:00:00Z");
        if let Some(l) = layout {
            c.env("PAYROLL_SYNC_IMPORT_DATE_FORMAT", l);
        }
        let out = run(c.args(sync_args(
            input.to_str().unwrap_or_default(),
            m.to_str().unwrap_or_default(),
            Some("run"),
        )));
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        // updates.csv carries a Date per row, in the layout the settings name.
        let updates = std::fs::read_to_string(tmp.path().join("run/updates.csv")).expect("csv");
        let mut rdr = csv::Reader::from_reader(updates.as_bytes());
        let header: Vec<String> = rdr
            .headers()
            .expect("header")
            .iter()
            .map(String::from)
            .collect();
        let date = header
            .iter()
            .position(|h| h == "Date")
            .expect("a Date column");
        for rec in rdr.records() {
            let rec = rec.expect("a row");
            let want = if &rec[0] == "kwame.mensah@acme.example" {
                kwame
            } else {
                others
            };
            assert_eq!(&rec[date], want, "{layout:?}: {:?}", rec);
        }
        // ChartHop dates each change by it.
        let upload = emu
            .uploads()
            .into_iter()
            .find(|u| u.file_name.as_deref() == Some("updates.csv"))
            .expect("updates uploaded");
        assert_eq!(
            upload.flags.default_change_date.as_deref(),
            Some("2026-12-04")
        );
        let kwame_id = emu
            .people()
            .into_iter()
            .find(|p| {
                p.get("contact.workEmail").map(String::as_str) == Some("kwame.mensah@acme.example")
            })
            .and_then(|p| p.get("id").cloned())
            .expect("Kwame");
        let changes: Vec<serde_json::Value> = emu
            .changes()
            .into_iter()
            .filter(|c| c["processId"].as_str() == Some(upload.process_id.as_str()))
            .collect();
        let dated = |kwame: bool| -> Vec<&str> {
            changes
                .iter()
                .filter(|c| (c["personId"].as_str() == Some(kwame_id.as_str())) == kwame)
                .filter_map(|c| c["date"].as_str())
                .collect()
        };
        assert_eq!(dated(true), vec!["2026-12-01"], "{layout:?}");
        let rest = dated(false);
        assert!(
            !rest.is_empty() && rest.iter().all(|d| *d == "2026-12-04"),
            "{rest:?}"
        );
    }
}

#[test]
fn check_warns_when_the_export_has_leavers_the_mapping_cannot_see() {
    let tmp = tempfile::tempdir().expect("tmp");
    let input = crate::review_support::scenario_export(tmp.path());
    let out = run(
        std::process::Command::new(env!("CARGO_BIN_EXE_payroll-sync")).args([
            "check",
            mapping("acme.toml").to_str().unwrap_or_default(),
            "--input",
            input.to_str().unwrap_or_default(),
        ]),
    );
    let err = stderr(&out);
    assert_eq!(code(&out), 0, "{err}");
    assert!(
        err.contains("warning: the export has status or termination columns")
            && err.contains("no `[departure]` section"),
        "{err}"
    );
}
