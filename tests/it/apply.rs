//! Issue 7: applying safely: guards with bound approval, stale plans, one run at a time,
//! verification and the run ledger.

use std::path::{Path, PathBuf};

use crate::support::*;

fn plan_hash(dir: &std::path::Path) -> String {
    payroll_sync::plan::sha256(&std::fs::read(dir.join("plan.json")).unwrap())
}

/// The acme export with one engineer moved to a department ChartHop does not have.
fn export_with_a_new_department(dir: &std::path::Path) -> std::path::PathBuf {
    let text = std::fs::read_to_string(fixture("payroll/acme.csv"))
        .unwrap()
        .replace(
            ",Software Engineer,Engineering,San Francisco,2005,",
            ",Software Engineer,Robotics Lab,San Francisco,2005,",
        );
    let input = dir.join("export.csv");
    std::fs::write(&input, text).unwrap();
    input
}

#[test]
fn a_truncated_export_trips_the_guard_and_only_its_own_hash_approves_it() {
    let tmp = tempfile::tempdir().unwrap();
    let mut rows = write_org(&tmp.path().join("seed"), 500);
    let emu = emulator_from(&tmp.path().join("seed"));
    rows.truncate(300);
    for r in rows.iter_mut().skip(1).take(5) {
        r[4] = "Senior Specialist".into();
    }
    let export = tmp.path().join("export.csv");
    write_export(&export, &rows);

    // sync: refused, plan written, nothing uploaded.
    let out = run(cmd(&emu, tmp.path()).args(sync_args(
        export.to_str().unwrap(),
        mapping("acme.toml").to_str().unwrap(),
        Some("nightly"),
    )));
    assert_eq!(code(&out), 4, "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("300 rows but ChartHop has 500 active people"),
        "{err}"
    );
    assert!(err.contains("by 100"), "{err}");
    assert!(err.contains("--approve"), "{err}");
    assert!(tmp.path().join("nightly/plan.json").exists());
    assert!(emu.uploads().is_empty());

    // Another hash is refused; the plan's own hash passes.
    let out = run(cmd(&emu, tmp.path()).args(["apply", "nightly", "--approve", &"0".repeat(64)]));
    assert_eq!(code(&out), 4);
    assert!(
        stderr(&out).contains("is not this plan's hash"),
        "{}",
        stderr(&out)
    );
    let out = run(cmd(&emu, tmp.path()).args(["apply", "nightly"]));
    assert_eq!(code(&out), 4);
    assert!(emu.uploads().is_empty());
    let hash = plan_hash(&tmp.path().join("nightly"));
    let out = run(cmd(&emu, tmp.path()).args(["apply", "nightly", "--approve", &hash]));
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(emu.uploads().len(), 1);
    assert_eq!(emu.uploads()[0].rows.len(), 5);
    // The approval was one-shot: the same plan does not apply again.
    let out = run(cmd(&emu, tmp.path()).args(["apply", "nightly", "--approve", &hash]));
    assert_eq!(code(&out), 4);
    assert_eq!(emu.uploads().len(), 1);
    // The ledger names who approved.
    let ledger = std::fs::read_to_string(tmp.path().join("runs/runs.jsonl")).unwrap();
    let lines: Vec<serde_json::Value> = ledger
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(
        lines
            .iter()
            .any(|l| l["outcome"] == "applied" && l["approved_by"].is_string()),
        "{ledger}"
    );
}

#[test]
fn a_stale_plan_is_refused_and_uploads_nothing() {
    let emu = emulator();
    let tmp = tempfile::tempdir().unwrap();
    assert_eq!(
        code(&plan_in(
            &emu,
            tmp.path(),
            &fixture("payroll/acme.csv"),
            "plan"
        )),
        0
    );
    // Someone edits a planned person in ChartHop meanwhile.
    emu.set_job_field("kwame.mensah@acme.example", "department", "Finance")
        .unwrap();
    let out = run(cmd(&emu, tmp.path()).args(["apply", "plan"]));
    assert_eq!(code(&out), 4);
    let err = stderr(&out);
    assert!(err.contains("stale"), "{err}");
    assert!(err.contains("Kwame Mensah"), "{err}");
    assert!(emu.uploads().is_empty());
}

#[test]
fn sync_verifies_every_row_landed_and_records_the_run() {
    let emu = emulator();
    let tmp = tempfile::tempdir().unwrap();
    let out = run(cmd(&emu, tmp.path()).args(sync_args(
        fixture("payroll/acme.csv").to_str().unwrap(),
        mapping("acme.toml").to_str().unwrap(),
        None,
    )));
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("Verified: all 13 planned rows are in ChartHop."),
        "{}",
        stderr(&out)
    );
    let runs: Vec<_> = std::fs::read_dir(tmp.path().join("runs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    assert_eq!(runs.len(), 1);
    let verify: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(runs[0].join("verify.json")).unwrap())
            .unwrap();
    assert_eq!(verify["landed"], true);
    assert_eq!(verify["checked_rows"], 13);
    let ledger = std::fs::read_to_string(tmp.path().join("runs/runs.jsonl")).unwrap();
    let entry: serde_json::Value = serde_json::from_str(ledger.lines().last().unwrap()).unwrap();
    assert_eq!(entry["outcome"], "applied");
    assert_eq!(entry["verified"], true);
    assert_eq!(entry["process_ids"].as_array().unwrap().len(), 2);
    assert_eq!(entry["summary"]["new_hires"], 5);
    assert_eq!(entry["exit_code"], 0);
}

#[test]
fn two_syncs_at_once_upload_once() {
    let emu = emulator();
    let tmp = tempfile::tempdir().unwrap();
    let spawn = |out: &str| {
        cmd(&emu, tmp.path())
            .args(sync_args(
                fixture("payroll/acme.csv").to_str().unwrap(),
                mapping("acme.toml").to_str().unwrap(),
                Some(out),
            ))
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let a = spawn("a");
    let b = spawn("b");
    let a = a.wait_with_output().unwrap();
    let b = b.wait_with_output().unwrap();
    let codes = [code(&a), code(&b)];
    eprintln!("{}\n{}", stderr(&a), stderr(&b));
    // Exactly one import of each file: the other run was either locked out (75) or found
    // nothing left to do (0).
    let uploads = emu.uploads();
    assert_eq!(uploads.len(), 2, "{codes:?}");
    assert!(codes.iter().all(|c| *c == 0 || *c == 75), "{codes:?}");
    if codes.contains(&75) {
        let locked = if code(&a) == 75 {
            stderr(&a)
        } else {
            stderr(&b)
        };
        assert!(locked.contains("another run holds the lock"), "{locked}");
    }
}

/// The fixture export with one new hire (row 5, Kofi Asante) in a department ChartHop does not
/// have, so ChartHop refuses that row; written into `dir`.
fn export_with_an_unknown_department(dir: &Path) -> PathBuf {
    let text = std::fs::read_to_string(fixture("payroll/acme.csv")).unwrap();
    let text = text.replace(
        "2002,Kofi,Asante,kofi.asante@acme.example,Software Engineer,Engineering,",
        "2002,Kofi,Asante,kofi.asante@acme.example,Software Engineer,Robotics Lab,",
    );
    assert!(text.contains("Robotics Lab"));
    let input = dir.join("export.csv");
    std::fs::write(&input, text).unwrap();
    input
}

/// Issue 19 (reports): the next plan's "needs attention" names the people ChartHop refused in
/// the last run who are in the plan again, with ChartHop's reason.
#[test]
fn the_next_plan_names_the_people_chart_hop_refused_last_time() {
    let emu = emulator();
    let tmp = tempfile::tempdir().unwrap();
    let input = export_with_an_unknown_department(tmp.path());
    let (input, m) = (input.to_str().unwrap(), mapping("acme.toml"));
    let before = run(cmd(&emu, tmp.path())
        .args(["plan", "--input", input, "--mapping"])
        .arg(&m)
        .args(["--out", "before"]));
    assert_eq!(code(&before), 0, "{}", stderr(&before));
    assert!(
        !std::fs::read_to_string(tmp.path().join("before/report.md"))
            .unwrap()
            .contains("ChartHop refused")
    );
    let out = run(cmd(&emu, tmp.path()).args(sync_args(input, m.to_str().unwrap(), Some("run"))));
    assert_eq!(code(&out), 5, "{}", stderr(&out));
    let next = run(cmd(&emu, tmp.path())
        .args(["plan", "--input", input, "--mapping"])
        .arg(&m)
        .args(["--out", "next"]));
    assert_eq!(code(&next), 0, "{}", stderr(&next));
    for report in ["report.md", "report.html"] {
        let text = std::fs::read_to_string(tmp.path().join("next").join(report)).unwrap();
        assert!(
            text.contains("ChartHop refused 1 row in the last run"),
            "{report}: {text}"
        );
        assert!(
            text.contains("1 of those people is in this plan again"),
            "{report}: {text}"
        );
        assert!(text.contains("Kofi Asante (row 5): "), "{report}: {text}");
    }
}

#[test]
fn rows_chart_hop_refuses_end_in_exit_5_naming_the_payroll_rows() {
    let emu = emulator();
    let tmp = tempfile::tempdir().unwrap();
    let input = export_with_an_unknown_department(tmp.path());
    let out = run(cmd(&emu, tmp.path()).args(sync_args(
        input.to_str().unwrap(),
        mapping("acme.toml").to_str().unwrap(),
        Some("run"),
    )));
    assert_eq!(code(&out), 5, "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("ChartHop refused 1 row(s)"), "{err}");
    assert!(
        err.contains("payroll row 5 (kofi.asante@acme.example)"),
        "{err}"
    );
    let outcomes: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(tmp.path().join("run/outcomes.json")).unwrap(),
    )
    .unwrap();
    let failed: Vec<_> = outcomes
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["ok"] == false)
        .collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0]["payroll_row"], 5);
    assert!(
        failed[0]["error"]
            .as_str()
            .unwrap()
            .contains("Robotics Lab"),
        "{failed:?}"
    );
    // The other new hires landed.
    assert!(roster_by_email(&emu).contains_key("renee.gauthier@acme.example"));
    // The plan is not applied again.
    let out = run(cmd(&emu, tmp.path()).args(["apply", "run"]));
    assert_eq!(code(&out), 4);
}

#[test]
fn a_server_dry_run_reports_refusals_and_applies_nothing() {
    let emu = emulator();
    let tmp = tempfile::tempdir().unwrap();
    let input = export_with_a_new_department(tmp.path());
    assert_eq!(code(&plan_in(&emu, tmp.path(), &input, "plan")), 0);
    let before = roster_by_email(&emu);
    let out = run(cmd(&emu, tmp.path()).args(["apply", "plan", "--server-dry-run"]));
    assert_eq!(code(&out), 5, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("1 would be refused"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("Robotics Lab"), "{}", stderr(&out));
    assert_eq!(roster_by_email(&emu), before, "a dry run changes nothing");
    assert!(emu.uploads().iter().all(|u| u.flags.import_dry_run));
    // The plan can still be applied.
    assert!(!tmp.path().join("plan/apply.json").exists());
    // The real import sends exactly the flags the dry run sent, `importDryRun` aside.
    let dry = emu.uploads();
    let out = run(cmd(&emu, tmp.path()).args(["apply", "plan"]));
    assert_eq!(code(&out), 5, "{}", stderr(&out));
    let real = emu.uploads().split_off(dry.len());
    assert_eq!(real.len(), dry.len(), "{real:#?}");
    for (d, r) in dry.iter().zip(&real) {
        // The dry run's tag says so (a later run never adopts a dry run's process).
        let mut flags = d.flags.clone();
        flags.import_dry_run = false;
        flags.import_source = flags.import_source.map(|s| s.replace(":dry-run", ""));
        assert_eq!((&d.file_name, &flags), (&r.file_name, &r.flags));
    }
}

mod faults {
    use super::*;
    use charthop_emulator::{Fault, FaultRule};

    fn sync(
        emu: &charthop_emulator::Emulator,
        dir: &std::path::Path,
        out: &str,
    ) -> std::process::Output {
        run(cmd(emu, dir).args(sync_args(
            fixture("payroll/acme.csv").to_str().unwrap(),
            mapping("acme.toml").to_str().unwrap(),
            Some(out),
        )))
    }

    /// Imports ChartHop actually ran (accepted uploads whose process exists).
    fn imports(emu: &charthop_emulator::Emulator) -> usize {
        emu.process_ids()
            .iter()
            .filter(|id| emu.process(id).is_some_and(|p| p["type"] == "import"))
            .count()
    }

    #[test]
    fn a_connection_dropped_mid_upload_is_never_sent_twice_in_one_run() {
        // Issue 18, point 4: the body may have reached ChartHop, and no process with its tag
        // shows up: the run stops (75) rather than send it again; the next one decides.
        let emu = emulator();
        let tmp = tempfile::tempdir().unwrap();
        emu.add_fault(FaultRule::new("importDataCsv", Fault::DropMidUpload, 1))
            .unwrap();
        let posts = || {
            emu.requests()
                .iter()
                .filter(|r| r.method == "POST" && r.path.ends_with("/import/csv/data"))
                .count()
        };
        let out = sync(&emu, tmp.path(), "run");
        let err = stderr(&out);
        assert_eq!(code(&out), 75, "{err}");
        assert!(
            err.contains("may or may not have reached ChartHop") && err.contains("not sent again"),
            "{err}"
        );
        assert_eq!(
            posts(),
            1,
            "the dropped upload was not sent again in that run"
        );
        // The next night looks for it by its tag, finds none, and sends it: once.
        let out = sync(&emu, tmp.path(), "run2");
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        assert_eq!(
            posts(),
            3,
            "new hires twice (dropped, then the next run), updates once"
        );
        assert_eq!(imports(&emu), 2, "one import per file");
        assert!(roster_by_email(&emu).contains_key("kofi.asante@acme.example"));
        assert!(
            stderr(&out).contains("Nothing to change"),
            "{}",
            stderr(&out)
        );
    }

    #[test]
    fn a_connection_dropped_after_the_process_was_created_is_adopted() {
        let emu = emulator();
        let tmp = tempfile::tempdir().unwrap();
        emu.add_fault(FaultRule::new(
            "importDataCsv",
            Fault::DropAfterProcessCreated,
            1,
        ))
        .unwrap();
        let out = sync(&emu, tmp.path(), "run");
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        let posts = emu
            .requests()
            .iter()
            .filter(|r| r.method == "POST" && r.path.ends_with("/import/csv/data"))
            .count();
        assert_eq!(posts, 2, "the dropped upload was adopted, not sent again");
        assert_eq!(imports(&emu), 2);
        let record: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(tmp.path().join("run/apply.json")).unwrap(),
        )
        .unwrap();
        assert!(record["uploads"][0]["process_id"].is_string());
        assert_eq!(record["uploads"][0]["status"], "DONE");
    }

    #[test]
    fn a_stuck_import_exits_75_and_the_next_run_follows_it_without_uploading() {
        let emu = emulator();
        let tmp = tempfile::tempdir().unwrap();
        emu.add_fault(FaultRule::new(
            "importDataCsv",
            Fault::ProcessNeverFinishes,
            1,
        ))
        .unwrap();
        let out = run(cmd(&emu, tmp.path())
            .env("PAYROLL_SYNC_IMPORT_DEADLINE_SECS", "1")
            .args(sync_args(
                fixture("payroll/acme.csv").to_str().unwrap(),
                mapping("acme.toml").to_str().unwrap(),
                Some("run"),
            )));
        assert_eq!(code(&out), 75, "{}", stderr(&out));
        let err = stderr(&out);
        assert!(err.contains("still running"), "{err}");
        let record: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(tmp.path().join("run/apply.json")).unwrap(),
        )
        .unwrap();
        let stuck = record["uploads"][0]["process_id"]
            .as_str()
            .unwrap()
            .to_string();
        assert_eq!(record["uploads"][0]["status"], "RUNNING");
        assert_eq!(emu.uploads().len(), 1);
        // The next run polls the saved process (still stuck) and uploads nothing new.
        let out = run(cmd(&emu, tmp.path())
            .env("PAYROLL_SYNC_IMPORT_DEADLINE_SECS", "1")
            .args(["apply", "run"]));
        assert_eq!(code(&out), 75, "{}", stderr(&out));
        assert_eq!(emu.uploads().len(), 1, "no new upload");
        assert!(
            emu.requests()
                .iter()
                .any(|r| r.method == "GET" && r.path.ends_with(&stuck)),
            "the saved process was polled"
        );
        // A nightly `sync` also finds the unfinished apply (through the ledger) and follows it
        // before planning, instead of planning the same changes and uploading them again.
        let before = emu.requests().len();
        let out = run(cmd(&emu, tmp.path())
            .env("PAYROLL_SYNC_IMPORT_DEADLINE_SECS", "1")
            .args(sync_args(
                fixture("payroll/acme.csv").to_str().unwrap(),
                mapping("acme.toml").to_str().unwrap(),
                Some("run2"),
            )));
        assert_eq!(code(&out), 75, "{}", stderr(&out));
        assert_eq!(emu.uploads().len(), 1, "still no new upload");
        assert!(
            emu.requests()[before..]
                .iter()
                .any(|r| r.path.ends_with(&stuck))
        );
        assert!(
            !tmp.path().join("run2").exists(),
            "no new plan while an import is unfinished"
        );
    }
}

#[test]
fn new_departments_are_created_only_when_the_mapping_allows_it() {
    let emu = emulator();
    let tmp = tempfile::tempdir().unwrap();
    let input = export_with_a_new_department(tmp.path());
    let m = tmp.path().join("m.toml");
    std::fs::write(
        &m,
        std::fs::read_to_string(mapping("acme.toml")).unwrap()
            + "\n[import]\ncreate_groups = true\n",
    )
    .unwrap();
    let out = run(cmd(&emu, tmp.path()).args(sync_args(
        input.to_str().unwrap(),
        m.to_str().unwrap(),
        None,
    )));
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let uploads = emu.uploads();
    let upload = |name: &str| {
        uploads
            .iter()
            .find(|u| u.file_name.as_deref() == Some(name))
            .unwrap_or_else(|| panic!("{name} uploaded: {uploads:#?}"))
    };
    assert!(
        !upload("updates.csv").flags.create_groups,
        "never for updates"
    );
    let hires = upload("new_hires.csv");
    assert!(hires.flags.upsert && hires.flags.create_groups);
    assert_eq!(
        roster_by_email(&emu)["kofi.asante@acme.example"]["department"],
        "Robotics Lab"
    );
}

#[test]
fn configured_emails_are_notified_through_their_user_ids() {
    let emu = emulator();
    let tmp = tempfile::tempdir().unwrap();
    let users = std::fs::read_to_string(fixture("charthop/acme/users.csv")).unwrap();
    let first = users.lines().nth(1).unwrap();
    let (id, email) = {
        let mut f = first.split(',');
        (f.next().unwrap().to_string(), f.next().unwrap().to_string())
    };
    let out = run(cmd(&emu, tmp.path())
        .env("PAYROLL_SYNC_IMPORT_NOTIFY_EMAILS", email.to_uppercase())
        .env("PAYROLL_SYNC_IMPORT_NOTIFY_APP_NAME", "Payroll Sync")
        .args(sync_args(
            fixture("payroll/acme.csv").to_str().unwrap(),
            mapping("acme.toml").to_str().unwrap(),
            None,
        )));
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    for u in emu.uploads() {
        assert_eq!(u.flags.notify_user_ids.as_deref(), Some(id.as_str()));
        assert_eq!(u.flags.notify_app_name.as_deref(), Some("Payroll Sync"));
        assert!(
            u.flags
                .import_source
                .as_deref()
                .is_some_and(|s| s.starts_with("payroll-sync:"))
        );
    }
    // An email that is no ChartHop user is a settings error, before anything is uploaded.
    let emu = emulator();
    let out = run(cmd(&emu, tmp.path())
        .env("PAYROLL_SYNC_IMPORT_NOTIFY_EMAILS", "nobody@acme.example")
        .args(sync_args(
            fixture("payroll/acme.csv").to_str().unwrap(),
            mapping("acme.toml").to_str().unwrap(),
            None,
        )));
    assert_eq!(code(&out), 78, "{}", stderr(&out));
    assert!(stderr(&out).contains("nobody@acme.example"));
    assert!(emu.uploads().is_empty());
}

#[test]
fn changes_to_fields_the_mapping_marks_sensitive_count_against_their_guard() {
    let emu = emulator();
    let tmp = tempfile::tempdir().unwrap();
    let m = tmp.path().join("m.toml");
    let text = std::fs::read_to_string(mapping("acme.toml"))
        .unwrap()
        .replace(
            "[fields.title]\nfrom = \"Job Title\"\n",
            "[fields.title]\nfrom = \"Job Title\"\nsensitive = true\n",
        );
    assert!(text.contains("sensitive = true"));
    std::fs::write(&m, text).unwrap();
    let out = run(cmd(&emu, tmp.path())
        .env("PAYROLL_SYNC_GUARDS_SENSITIVE_UPDATES_FLOOR", "2")
        .env("PAYROLL_SYNC_GUARDS_SENSITIVE_UPDATES_SHARE", "0")
        .args(sync_args(
            fixture("payroll/acme.csv").to_str().unwrap(),
            m.to_str().unwrap(),
            Some("run"),
        )));
    assert_eq!(code(&out), 4, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("3 updates of sensitive fields exceed the limit of 2"),
        "{}",
        stderr(&out)
    );
    assert!(emu.uploads().is_empty());
}

/// Issue 18, point 5: a guard's verdict edited in `plan.json` does not let a tripped plan
/// through: `apply` judges the plan's counts again with the settings in force.
#[test]
fn editing_a_tripped_guard_in_plan_json_does_not_let_the_plan_through() {
    let tmp = tempfile::tempdir().unwrap();
    let mut rows = write_org(&tmp.path().join("seed"), 500);
    let emu = emulator_from(&tmp.path().join("seed"));
    rows.truncate(300);
    for r in rows.iter_mut().skip(1).take(5) {
        r[4] = "Senior Specialist".into();
    }
    let export = tmp.path().join("export.csv");
    write_export(&export, &rows);
    let out = run(cmd(&emu, tmp.path()).args([
        "plan",
        "--input",
        export.to_str().unwrap(),
        "--mapping",
        mapping("acme.toml").to_str().unwrap(),
        "--out",
        "p",
    ]));
    assert_eq!(
        code(&out),
        4,
        "the plan says a guard tripped: {}",
        stderr(&out)
    );
    let path = tmp.path().join("p/plan.json");
    let mut doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let guards = doc["guards"].as_array_mut().unwrap();
    assert!(
        guards.iter().any(|g| g["tripped"] == true),
        "the plan trips a guard"
    );
    for g in guards.iter_mut() {
        g["tripped"] = serde_json::json!(false);
    }
    std::fs::write(&path, serde_json::to_vec(&doc).unwrap()).unwrap();
    let out = run(cmd(&emu, tmp.path()).args(["apply", "p"]));
    let err = stderr(&out);
    assert_eq!(code(&out), 4, "{err}");
    assert!(
        err.contains("300 rows but ChartHop has 500 active people"),
        "{err}"
    );
    assert!(emu.uploads().is_empty(), "nothing uploaded");
}

/// The settings in force at `apply` count too: a stricter limit set since the plan trips it.
#[test]
fn a_limit_made_stricter_since_planning_trips_at_apply() {
    let emu = emulator();
    let tmp = tempfile::tempdir().unwrap();
    let out = plan_in(&emu, tmp.path(), &fixture("payroll/acme.csv"), "p");
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let doc = plan_json(&tmp.path().join("p"));
    assert!(
        doc["guards"]
            .as_array()
            .unwrap()
            .iter()
            .all(|g| g["tripped"] == false)
    );
    let out = run(cmd(&emu, tmp.path())
        .env("PAYROLL_SYNC_GUARDS_NEW_HIRES_SHARE", "0.01")
        .env("PAYROLL_SYNC_GUARDS_NEW_HIRES_FLOOR", "1")
        .args(["apply", "p"]));
    let err = stderr(&out);
    assert_eq!(code(&out), 4, "{err}");
    assert!(err.contains("5 new hires exceed the limit of 1"), "{err}");
    assert!(emu.uploads().is_empty());
}

/// Issue 18, point 2: what a crash leaves of the run lock (an empty file, garbage, a lock
/// recorded by another host's pod) never wedges the next night: the kernel decides, and no
/// live run holds it.
#[test]
fn a_lock_file_left_behind_does_not_block_the_next_sync() {
    let emu = emulator();
    let tmp = tempfile::tempdir().unwrap();
    let runs = tmp.path().join("runs");
    std::fs::create_dir_all(&runs).unwrap();
    for (i, left) in [
        "",
        "{not json",
        r#"{"pid":1,"host":"payroll-sync-28f1c-x7k2p","started_at":"2026-12-01T02:00:00Z"}"#,
    ]
    .into_iter()
    .enumerate()
    {
        std::fs::write(runs.join(".lock-acme"), left).unwrap();
        let out = run(cmd(&emu, tmp.path())
            .env("PAYROLL_SYNC_PLAN_RUNS_DIR", &runs)
            .args(sync_args(
                fixture("payroll/acme.csv").to_str().unwrap(),
                mapping("acme.toml").to_str().unwrap(),
                Some(&format!("run{i}")),
            )));
        assert_eq!(code(&out), 0, "{left:?}: {}", stderr(&out));
    }
}

/// Issue 18, point 1: an edit made in ChartHop after planning is never undone. Kwame Mensah's
/// update changes only his department; his title, in `updates.csv` because other rows change
/// titles, holds ChartHop's value at plan time. Someone edits his title in ChartHop: `apply`
/// refuses the stale plan naming him and the field, and his new title stays.
#[test]
fn apply_never_writes_back_a_value_chart_hop_changed_since_the_plan() {
    let emu = emulator();
    let tmp = tempfile::tempdir().unwrap();
    let out = plan_in(&emu, tmp.path(), &fixture("payroll/acme.csv"), "p");
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let updates = std::fs::read_to_string(tmp.path().join("p/updates.csv")).unwrap();
    assert!(
        updates.lines().next().unwrap().contains("Title"),
        "{updates}"
    );
    assert!(updates.contains("kwame.mensah@acme.example"), "{updates}");
    emu.set_job_field("kwame.mensah@acme.example", "title", "Head of Partnerships")
        .unwrap();
    let out = run(cmd(&emu, tmp.path()).args(["apply", "p"]));
    let err = stderr(&out);
    assert_eq!(code(&out), 4, "{err}");
    assert!(
        err.contains("stale") && err.contains("Kwame") && err.contains("`title`"),
        "{err}"
    );
    assert!(emu.uploads().is_empty(), "nothing uploaded");
    assert_eq!(
        roster_by_email(&emu)["kwame.mensah@acme.example"]["title"],
        "Head of Partnerships"
    );
}

/// Issue 18, point 6: rows left out are "done, with rows left out" (exit 6), not a partial
/// import (5); and so many left out that the export must be broken trips the `left_out` guard.
#[test]
fn rows_left_out_end_in_exit_6_and_too_many_trip_their_guard() {
    let emu = emulator();
    let tmp = tempfile::tempdir().unwrap();
    // Two rows with one payroll id: a conflict each, left out; the rest is imported.
    let text = std::fs::read_to_string(fixture("payroll/acme.csv")).unwrap();
    let dup = text.lines().nth(3).unwrap().replacen(
        text.lines().nth(3).unwrap().split(',').nth(3).unwrap(),
        "someone.else@acme.example",
        1,
    );
    let input = tmp.path().join("dup.csv");
    std::fs::write(&input, format!("{text}{dup}\n")).unwrap();
    let out = run(cmd(&emu, tmp.path()).args(sync_args(
        input.to_str().unwrap(),
        mapping("acme.toml").to_str().unwrap(),
        Some("a"),
    )));
    let err = stderr(&out);
    assert_eq!(code(&out), 6, "{err}");
    assert!(err.contains("2 row(s) were left out"), "{err}");
    assert_eq!(emu.uploads().len(), 2, "the other rows were imported");

    // Every key column turned into a date by a spreadsheet: every row a conflict or a new
    // face; the guard stops it before anything is sent.
    let emu = emulator();
    let mut lines = text.lines();
    let mut broken = format!("{}\n", lines.next().unwrap());
    for line in lines {
        let mut cells: Vec<&str> = line.split(',').collect();
        cells[0] = "1905-10-04";
        broken.push_str(&cells.join(","));
        broken.push('\n');
    }
    let input = tmp.path().join("broken.csv");
    std::fs::write(&input, broken).unwrap();
    let out = run(cmd(&emu, tmp.path()).args(sync_args(
        input.to_str().unwrap(),
        mapping("acme.toml").to_str().unwrap(),
        Some("b"),
    )));
    let err = stderr(&out);
    assert_eq!(code(&out), 4, "{err}");
    assert!(
        err.contains("rows left out as conflicts or rejected exceed the limit"),
        "{err}"
    );
    assert!(emu.uploads().is_empty());
}

/// Issue 18, point 8: runs keep their state in one absolute place whatever directory they start
/// in (by default the user's state directory), and a relative `plan.runs_dir` is refused.
#[test]
fn runs_keep_their_state_in_one_absolute_place_wherever_they_start() {
    let emu = emulator();
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().join("home");
    for (i, start_in) in ["a", "b"].into_iter().enumerate() {
        let dir = tmp.path().join(start_in);
        std::fs::create_dir_all(&dir).unwrap();
        let out = run(cmd(&emu, &dir)
            .env_remove("PAYROLL_SYNC_PLAN_RUNS_DIR")
            .env_remove("XDG_STATE_HOME")
            .env_remove("STATE_DIRECTORY")
            .env("HOME", &home)
            .args(sync_args(
                fixture("payroll/acme.csv").to_str().unwrap(),
                mapping("acme.toml").to_str().unwrap(),
                None,
            )));
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        let ledger = std::fs::read_to_string(home.join(".local/state/payroll-sync/runs.jsonl"))
            .expect("one ledger in the state directory");
        assert_eq!(ledger.lines().count(), i + 1, "{ledger}");
        assert!(
            !dir.join("runs").exists(),
            "nothing beside the working directory"
        );
    }
    let out = run(cmd(&emu, tmp.path())
        .env("PAYROLL_SYNC_PLAN_RUNS_DIR", "runs")
        .args(sync_args(
            fixture("payroll/acme.csv").to_str().unwrap(),
            mapping("acme.toml").to_str().unwrap(),
            None,
        )));
    let err = stderr(&out);
    assert_eq!(code(&out), 78, "{err}");
    assert!(err.contains("plan.runs_dir `runs` is relative"), "{err}");
}

/// Issue 18, point 9: a nightly `sync` with nothing to change leaves no plan directory (its
/// ledger line stays), and finished plans older than `plan.keep_days` are removed.
#[test]
fn personal_data_does_not_pile_up_in_the_runs_directory() {
    let emu = emulator();
    let tmp = tempfile::tempdir().unwrap();
    let runs = tmp.path().join("runs");
    let sync = || {
        run(cmd(&emu, tmp.path()).args(sync_args(
            fixture("payroll/acme.csv").to_str().unwrap(),
            mapping("acme.toml").to_str().unwrap(),
            None,
        )))
    };
    let plans = || -> Vec<std::path::PathBuf> {
        std::fs::read_dir(&runs)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_dir())
            .collect()
    };
    assert_eq!(code(&sync()), 0);
    let first = plans();
    assert_eq!(
        first.len(),
        1,
        "the run that changed something keeps its plan"
    );
    let out = sync();
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("nothing to change"),
        "{}",
        stderr(&out)
    );
    assert_eq!(plans(), first, "the run with nothing to do kept no plan");
    let ledger = std::fs::read_to_string(runs.join("runs.jsonl")).unwrap();
    assert_eq!(ledger.lines().count(), 2, "both runs are in the ledger");
    // The first plan is 40 days old now: the next sync removes it.
    let old = std::time::SystemTime::now() - std::time::Duration::from_secs(40 * 86_400);
    std::fs::File::open(&first[0])
        .unwrap()
        .set_modified(old)
        .unwrap();
    assert_eq!(code(&sync()), 0);
    assert!(plans().is_empty(), "{:?}", plans());
}

/// Issue 18, point 3: ChartHop loses a process an earlier run recorded (a restart): the
/// process answers 404. The apply is not stuck on it night after night: with no other import
/// carrying the upload's tag, the upload is recorded lost, the other phases run, verification
/// names what did not land (exit 5), and the next sync uploads exactly that, once.
#[test]
fn a_process_chart_hop_lost_is_not_followed_forever() {
    let emu = emulator();
    let tmp = tempfile::tempdir().unwrap();
    let out = plan_in(&emu, tmp.path(), &fixture("payroll/acme.csv"), "p");
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    // What an earlier, interrupted apply left: new_hires.csv uploaded as process `…bad`.
    let hash = plan_hash(&tmp.path().join("p"));
    let record = serde_json::json!({
        "plan_sha256": hash,
        "started_at": "2026-12-05T02:00:00Z",
        "uploads": [{
            "file": "new_hires.csv", "upsert": true, "rows": 5,
            "import_source": "lost-upload", "process_id": "6b00000000000000000000bad",
            "status": "RUNNING"
        }]
    });
    std::fs::write(tmp.path().join("p/apply.json"), record.to_string()).unwrap();
    let out = run(cmd(&emu, tmp.path()).args(["apply", "p"]));
    let err = stderr(&out);
    assert_eq!(code(&out), 5, "{err}");
    assert!(
        err.contains("no longer knows process 6b00000000000000000000bad"),
        "{err}"
    );
    assert!(err.contains("did not land"), "{err}");
    let uploads = emu.uploads();
    assert_eq!(uploads.len(), 1, "only updates.csv was sent: {uploads:#?}");
    assert_eq!(uploads[0].file_name.as_deref(), Some("updates.csv"));
    // The next night: the new hires, once.
    let out = run(cmd(&emu, tmp.path()).args(sync_args(
        fixture("payroll/acme.csv").to_str().unwrap(),
        mapping("acme.toml").to_str().unwrap(),
        Some("next"),
    )));
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let uploads = emu.uploads();
    assert_eq!(uploads.len(), 2, "{uploads:#?}");
    assert_eq!(uploads[1].file_name.as_deref(), Some("new_hires.csv"));
    assert_eq!(uploads[1].rows.len(), 5);
}

/// Issue 18, point 7: a planned clear (`on_empty = "clear"`) is verified like any other value.
/// The emulator, like ChartHop's spreadsheet import as far as it is documented, keeps the
/// value of a blank cell, so the clear does not land and verification says so (exit 5),
/// naming the person and the field; it never reports "all rows are in ChartHop".
#[test]
fn a_planned_clear_is_verified() {
    let emu = emulator();
    let tmp = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(mapping("acme.toml"))
        .unwrap()
        .replace(
            "[fields.location]\nfrom = \"Location\"\ntransform = [\"trim\"]\n",
            "[fields.location]\nfrom = \"Location\"\ntransform = [\"trim\"]\non_empty = \"clear\"\n",
        );
    assert!(text.contains("on_empty = \"clear\""));
    let map = tmp.path().join("acme-clear.toml");
    std::fs::write(&map, text).unwrap();
    let export = std::fs::read_to_string(fixture("payroll/acme.csv"))
        .unwrap()
        .replace(
            "grace.liu@acme.example,Senior Accountant,Finance,New York,",
            "grace.liu@acme.example,Senior Accountant,Finance,,",
        );
    let input = tmp.path().join("export.csv");
    std::fs::write(&input, export).unwrap();
    let out = run(cmd(&emu, tmp.path()).args(sync_args(
        input.to_str().unwrap(),
        map.to_str().unwrap(),
        Some("p"),
    )));
    let err = stderr(&out);
    assert_eq!(code(&out), 5, "{err}");
    assert!(!err.contains("Verified: all"), "{err}");
    assert!(
        err.contains("1 person has a value cleared: `location` (1)"),
        "{err}"
    );
    let notes = plan_json(&tmp.path().join("p"))["notes"].clone();
    assert!(
        notes
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["kind"] == "clear"),
        "{notes}"
    );
    assert!(
        err.contains("Grace") && err.contains("`location`") && err.contains("(blank)"),
        "{err}"
    );
    let verify: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(tmp.path().join("p/verify.json")).unwrap())
            .unwrap();
    assert_eq!(verify["landed"], false, "{verify}");
    let missing = verify["missing"].as_array().unwrap();
    assert!(
        missing
            .iter()
            .any(|m| m["field"] == "location" && m["expected"] == "" && m["actual"] == "New York"),
        "{verify}"
    );
}
