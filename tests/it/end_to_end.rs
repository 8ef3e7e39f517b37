//! Issue 2's acceptance: the fixture export into the emulated ChartHop, end to end.

use std::collections::{BTreeMap, BTreeSet};

use crate::support::*;

fn sync(
    emu: &charthop_emulator::Emulator,
    dir: &std::path::Path,
    input: &str,
    out: &str,
) -> std::process::Output {
    run(cmd(emu, dir).args(sync_args(
        fixture(input).to_str().unwrap(),
        mapping("acme.toml").to_str().unwrap(),
        Some(out),
    )))
}

fn plan(
    emu: &charthop_emulator::Emulator,
    dir: &std::path::Path,
    input: &str,
    out: &str,
) -> std::process::Output {
    run(cmd(emu, dir).args([
        "plan",
        "--input",
        fixture(input).to_str().unwrap(),
        "--mapping",
        mapping("acme.toml").to_str().unwrap(),
        "--out",
        out,
    ]))
}

#[test]
fn sync_brings_chart_hop_in_step_with_the_export() {
    let emu = emulator();
    let tmp = tempfile::tempdir().unwrap();
    let before = roster_by_email(&emu);
    let exp = expected();

    let out = sync(&emu, tmp.path(), "payroll/acme.csv", "run1");
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let after = roster_by_email(&emu);

    // Every new hire is there with the fields a new hire needs.
    let csv = std::fs::read_to_string(fixture("payroll/acme.csv")).unwrap();
    let mut rdr = csv::Reader::from_reader(csv.as_bytes());
    let header = rdr.headers().unwrap().clone();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let export: BTreeMap<String, csv::StringRecord> = rdr
        .records()
        .map(|r| r.unwrap())
        .map(|r| (r[col("Work Email")].trim().to_lowercase(), r))
        .collect();
    let by_id: BTreeMap<String, String> = export
        .iter()
        .map(|(email, r)| (r[col("Employee ID")].trim().to_string(), email.clone()))
        .collect();
    for email in &exp.new_hires {
        let job = after
            .get(email)
            .unwrap_or_else(|| panic!("new hire {email} is in ChartHop"));
        let row = &export[email];
        assert_eq!(
            job["name.first"],
            row[col("Legal First Name")].trim(),
            "{email}"
        );
        assert_eq!(job["name.last"], row[col("Last Name")].trim(), "{email}");
        assert_eq!(job["title"], row[col("Job Title")].trim(), "{email}");
        assert_eq!(job["department"], row[col("Department")].trim(), "{email}");
        assert_eq!(
            job["contact.employee"],
            row[col("Employee ID")].trim(),
            "{email}"
        );
        let hire = chrono::NaiveDate::parse_from_str(&row[col("Hire Date")], "%m/%d/%Y").unwrap();
        assert_eq!(
            job["startDate"],
            hire.format("%Y-%m-%d").to_string(),
            "{email}"
        );
        let manager_email = &by_id[row[col("Manager Employee ID")].trim()];
        assert_eq!(&job["manager.contact.workEmail"], manager_email, "{email}");
    }
    // Every changed field now holds the export's value.
    for (email, fields) in &exp.updates {
        let job = &after[email];
        for (code, (_, new)) in fields {
            let got = if code == "manager" {
                &job["manager.contact.workEmail"]
            } else {
                &job[code]
            };
            assert_eq!(got, new, "{email} {code}");
        }
    }
    // Fields the mapping does not own keep their values; absent people are untouched.
    for (email, old) in &before {
        let new = &after[email];
        for code in ["contact.homeEmail", "contact.workPhone", "name.pref"] {
            assert_eq!(old.get(code), new.get(code), "{email} {code}");
        }
    }
    for email in &exp.absent {
        assert_eq!(before[email], after[email], "absent {email} is untouched");
    }
    assert_eq!(after.len(), before.len() + exp.new_hires.len());

    // Exactly one upload of new hires with upsert=true (first, so the updates can name them as
    // managers), then one of existing people with upsert=false.
    let uploads = emu.uploads();
    assert_eq!(uploads.len(), 2, "{uploads:#?}");
    let emails = |u: &charthop_emulator::UploadRecord| -> BTreeSet<String> {
        u.rows
            .iter()
            .map(|r| r["Work Email"].to_lowercase())
            .collect()
    };
    assert_eq!(uploads[0].file_name.as_deref(), Some("new_hires.csv"));
    assert!(uploads[0].flags.upsert);
    assert_eq!(emails(&uploads[0]), exp.new_hires.iter().cloned().collect());
    assert_eq!(uploads[1].file_name.as_deref(), Some("updates.csv"));
    assert!(!uploads[1].flags.upsert);
    assert_eq!(emails(&uploads[1]), exp.updates.keys().cloned().collect());
    assert!(
        uploads[1]
            .rows
            .iter()
            .all(|r| before.contains_key(&r["Work Email"].to_lowercase()))
    );

    // A second plan is empty and a second sync uploads nothing.
    let out = plan(&emu, tmp.path(), "payroll/acme.csv", "plan2");
    assert_eq!(code(&out), 0);
    let p = plan_json(&tmp.path().join("plan2"));
    assert_eq!(p["summary"]["new_hires"], 0);
    assert_eq!(p["summary"]["updates"], 0);
    assert_eq!(
        p["summary"]["unchanged"],
        exp.unchanged + exp.updates.len() + exp.new_hires.len()
    );
    let out = sync(&emu, tmp.path(), "payroll/acme.csv", "run2");
    assert_eq!(code(&out), 0);
    assert!(stderr(&out).contains("Nothing to change"));
    assert_eq!(emu.uploads().len(), 2, "the second sync uploaded nothing");
}

#[test]
fn the_plan_finds_exactly_the_fixture_changes() {
    let emu = emulator();
    let tmp = tempfile::tempdir().unwrap();
    let out = plan(&emu, tmp.path(), "payroll/acme.csv", "plan");
    assert_eq!(code(&out), 0);
    let exp = expected();
    let p = plan_json(&tmp.path().join("plan"));
    let rows = p["rows"].as_array().unwrap();
    let email = |r: &serde_json::Value| {
        r["charthop_email"]
            .as_str()
            .or(r["target"]["contact.workEmail"].as_str())
            .unwrap_or("")
            .to_lowercase()
    };
    let hires: BTreeSet<String> = rows
        .iter()
        .filter(|r| r["category"] == "new_hire")
        .map(email)
        .collect();
    assert_eq!(hires, exp.new_hires.iter().cloned().collect());
    let mut updates = BTreeMap::new();
    for r in rows.iter().filter(|r| r["category"] == "update") {
        let mut fields = BTreeMap::new();
        for c in r["changes"].as_array().unwrap() {
            fields.insert(
                c["field"].as_str().unwrap().to_string(),
                (
                    c["old"].as_str().unwrap().to_string(),
                    c["new"].as_str().unwrap().to_string(),
                ),
            );
        }
        updates.insert(email(r), fields);
    }
    assert_eq!(updates, exp.updates);
    let absent: BTreeSet<String> = p["absent"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["charthop_email"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(absent, exp.absent.iter().cloned().collect());
    assert_eq!(p["summary"]["unchanged"], exp.unchanged);
    assert_eq!(p["summary"]["conflicts"], 0);
    assert_eq!(p["summary"]["rejected"], 0);
    // A dry run sends ChartHop nothing but reads.
    let requests = emu.requests();
    assert!(!requests.is_empty());
    assert!(requests.iter().all(|r| r.method == "GET"), "{requests:#?}");
    assert!(emu.uploads().is_empty());
    // The report leads with the counts.
    let report = std::fs::read_to_string(tmp.path().join("plan/report.md")).unwrap();
    assert!(
        report.contains(&format!("\n+ {} new hires\n", exp.new_hires.len())),
        "{report}"
    );
    assert!(report.contains("| `title` | 3 | 0 |"), "{report}");
}

#[test]
fn csv_and_xlsx_exports_give_the_same_change_set() {
    let tmp = tempfile::tempdir().unwrap();
    let emu_a = emulator();
    let emu_b = emulator();
    assert_eq!(
        code(&plan(&emu_a, tmp.path(), "payroll/acme.csv", "from-csv")),
        0
    );
    assert_eq!(
        code(&plan(&emu_b, tmp.path(), "payroll/acme.xlsx", "from-xlsx")),
        0
    );
    let a = plan_json(&tmp.path().join("from-csv"));
    let b = plan_json(&tmp.path().join("from-xlsx"));
    assert_eq!(a["summary"], b["summary"]);
    assert_eq!(a["rows"], b["rows"]);
    assert_eq!(a["absent"], b["absent"]);
    for f in ["updates.csv", "new_hires.csv"] {
        assert_eq!(
            std::fs::read(tmp.path().join("from-csv").join(f)).unwrap(),
            std::fs::read(tmp.path().join("from-xlsx").join(f)).unwrap(),
            "{f}"
        );
    }
}

#[test]
fn plan_files_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let emu = emulator();
    let tmp = tempfile::tempdir().unwrap();
    assert_eq!(code(&plan(&emu, tmp.path(), "payroll/acme.csv", "plan")), 0);
    let dir = tmp.path().join("plan");
    assert_eq!(
        std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777,
        0o700
    );
    for f in ["plan.json", "updates.csv", "new_hires.csv", "report.md"] {
        let mode = std::fs::metadata(dir.join(f)).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{f}");
    }
}

#[test]
fn an_applied_or_edited_plan_is_refused() {
    let emu = emulator();
    let tmp = tempfile::tempdir().unwrap();
    assert_eq!(
        code(&plan(&emu, tmp.path(), "payroll/acme.csv", "edited")),
        0
    );
    let f = tmp.path().join("edited/updates.csv");
    let mut text = std::fs::read_to_string(&f).unwrap();
    text.push_str("mallory@acme.example,9999,Chief Everything\r\n");
    std::fs::write(&f, text).unwrap();
    let out = run(cmd(&emu, tmp.path()).args(["apply", "edited"]));
    assert_eq!(code(&out), 4);
    assert!(
        stderr(&out).contains("changed after planning"),
        "{}",
        stderr(&out)
    );
    assert!(emu.uploads().is_empty());

    assert_eq!(code(&plan(&emu, tmp.path(), "payroll/acme.csv", "good")), 0);
    assert_eq!(code(&run(cmd(&emu, tmp.path()).args(["apply", "good"]))), 0);
    assert_eq!(emu.uploads().len(), 2);
    let out = run(cmd(&emu, tmp.path()).args(["apply", "good"]));
    assert_eq!(code(&out), 4);
    assert!(stderr(&out).contains("already applied"));
    assert_eq!(emu.uploads().len(), 2);
}

#[test]
fn the_plan_records_the_hashes_of_the_lookup_files_it_read() {
    use sha2::Digest;
    let emu = emulator();
    let tmp = tempfile::tempdir().unwrap();
    // The acme mapping with departments through a lookup file beside it.
    let departments = "code,name\nExecutive,Executive\nEngineering,Engineering\nSales,Sales\nMarketing,Marketing\nFinance,Finance\nPeople,People\nOperations,Operations\nCustomer Success,Customer Success\n";
    std::fs::write(tmp.path().join("depts.csv"), departments).unwrap();
    let text = std::fs::read_to_string(mapping("acme.toml")).unwrap().replace(
        "[fields.department]\nfrom = \"Department\"\ntransform = [\"trim\"]\n",
        "[fields.department]\nfrom = \"Department\"\ntransform = [\"trim\"]\nlookup = \"depts\"\n",
    ) + "\n[lookups.depts]\nfile = \"depts.csv\"\n";
    assert!(text.contains("lookup = \"depts\""));
    let m = tmp.path().join("m.toml");
    std::fs::write(&m, text).unwrap();
    let out = run(cmd(&emu, tmp.path()).args([
        "plan",
        "--input",
        fixture("payroll/acme.csv").to_str().unwrap(),
        "--mapping",
        m.to_str().unwrap(),
        "--out",
        "plan",
    ]));
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let p = plan_json(&tmp.path().join("plan"));
    assert_eq!(
        p["summary"]["updates"], 8,
        "the lookup maps departments as before"
    );
    let lookups = p["lookups"].as_array().expect("lookups recorded");
    assert_eq!(lookups.len(), 1, "{lookups:?}");
    assert!(lookups[0]["path"].as_str().unwrap().ends_with("depts.csv"));
    let want: String = sha2::Sha256::digest(departments.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(lookups[0]["sha256"], want);
}

#[test]
fn built_in_fields_beyond_the_basics_round_trip_through_the_emulator() {
    // A mapping owning compensation, a middle name and a work country plans, imports and
    // verifies like the basic fields.
    let emu = emulator();
    let tmp = tempfile::tempdir().unwrap();
    let export = "Employee ID,Work Email,First,Middle,Last,Salary,Country\n1001,margaret.okonkwo@acme.example,Margaret,Ada,Okonkwo,\"250,000.00\",United States\n";
    std::fs::write(tmp.path().join("e.csv"), export).unwrap();
    let m = r#"
[key]
payroll = "Employee ID"
charthop = "contact.employee"
[fields."contact.workEmail"]
from = "Work Email"
transform = ["trim", "lower"]
[fields."name.middle"]
from = "Middle"
[fields.base]
from = "Salary"
type = "money"
sensitive = true
[fields."workAddress.country"]
from = "Country"
transform = ["country"]
[source]
currency = "USD"
[[tests]]
input = { "Employee ID" = "1", "Work Email" = "a@b.c", "Middle" = "M", "Salary" = "1,000", "Country" = "Canada" }
expect = { "workAddress.country" = "CA" }
"#;
    std::fs::write(tmp.path().join("m.toml"), m).unwrap();
    let args = sync_args("e.csv", "m.toml", Some("run"));
    let out = run(cmd(&emu, tmp.path())
        .env("PAYROLL_SYNC_GUARDS_MIN_EXPORT_SHARE", "0")
        .args(&args));
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("Verified: all 1 planned rows"),
        "{}",
        stderr(&out)
    );
    let ceo = &roster_by_email(&emu)["margaret.okonkwo@acme.example"];
    assert_eq!(ceo["name.middle"], "Ada");
    assert_eq!(ceo["workAddress.country"], "US");
    assert!(ceo["base"].starts_with("250000"), "{ceo:?}");
    // The second run finds nothing to change.
    let out = run(cmd(&emu, tmp.path())
        .env("PAYROLL_SYNC_GUARDS_MIN_EXPORT_SHARE", "0")
        .args(sync_args("e.csv", "m.toml", Some("run2"))));
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("Nothing to change"),
        "{}",
        stderr(&out)
    );
}
