//! The org's field catalogue through the binary (issue 17): a mapping's codes in any case
//! match as ChartHop spells them, unknown fields stop the plan with their place, `check --org`
//! reads only, `apply` refuses a plan whose written fields changed, and `doctor` reports.

use crate::support::*;

/// acme's mapping with every code lower-cased, as a hand-edited mapping might have them.
fn lower_cased(dir: &std::path::Path) -> std::path::PathBuf {
    let text = std::fs::read_to_string(mapping("acme.toml")).expect("acme.toml");
    let text = text
        .replace("contact.workEmail", "contact.workemail")
        .replace("contact.employee", "contact.EMPLOYEE")
        .replace("[fields.startDate]", "[fields.startdate]");
    let path = dir.join("lower.toml");
    std::fs::write(&path, text).expect("write the mapping");
    path
}

#[test]
fn codes_in_another_case_plan_exactly_as_chart_hop_spells_them() {
    let emu = emulator();
    let tmp = tempfile::tempdir().expect("tmp");
    let m = lower_cased(tmp.path());
    let out = run(cmd(&emu, tmp.path()).args([
        "plan",
        "--input",
        fixture("payroll/acme.csv").to_str().unwrap_or_default(),
        "--mapping",
        m.to_str().unwrap_or_default(),
        "--out",
        "lower",
    ]));
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let lower = plan_json(&tmp.path().join("lower"));
    let out = plan_in(&emu, tmp.path(), &fixture("payroll/acme.csv"), "exact");
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let exact = plan_json(&tmp.path().join("exact"));
    assert_eq!(lower["summary"], exact["summary"]);
    assert_eq!(lower["summary"]["conflicts"], 0);
    assert_eq!(
        std::fs::read(tmp.path().join("lower/updates.csv")).ok(),
        std::fs::read(tmp.path().join("exact/updates.csv")).ok(),
        "the same change files"
    );
}

#[test]
fn an_unknown_field_stops_the_plan_naming_the_mapping_line_and_a_suggestion() {
    let emu = emulator();
    let tmp = tempfile::tempdir().expect("tmp");
    let text = std::fs::read_to_string(mapping("acme.toml")).expect("acme.toml")
        + "\n[fields.\"Job Titel\"]\nfrom = \"Title\"\n";
    let m = tmp.path().join("typo.toml");
    std::fs::write(&m, text).expect("write");
    for args in [
        vec!["check", m.to_str().unwrap_or_default(), "--org"],
        vec![
            "plan",
            "--input",
            fixture("payroll/acme.csv").to_str().unwrap_or_default(),
            "--mapping",
            m.to_str().unwrap_or_default(),
            "--out",
            "p",
        ],
    ] {
        let out = run(cmd(&emu, tmp.path()).args(&args));
        let err = stderr(&out);
        assert_eq!(code(&out), 78, "{err}");
        assert!(
            err.contains("`Job Titel` is not a field of this ChartHop org"),
            "{err}"
        );
        assert!(err.contains("typo.toml:"), "the mapping's line: {err}");
        assert!(err.contains("did you mean `title`"), "{err}");
    }
    assert!(
        !tmp.path().join("p/plan.json").exists(),
        "no plan is written"
    );
    assert!(emu.uploads().is_empty());
}

#[test]
fn check_org_reads_only_and_says_what_it_adjusted() {
    let emu = emulator();
    let tmp = tempfile::tempdir().expect("tmp");
    // acme's mapping, and the org's custom `nationalId` spelled in lower case.
    let text = std::fs::read_to_string(lower_cased(tmp.path())).expect("mapping")
        + "\n[fields.nationalid]\nfrom = \"National ID\"\n";
    let m = tmp.path().join("custom.toml");
    std::fs::write(&m, text).expect("write");
    let out = run(cmd(&emu, tmp.path()).args(["check", m.to_str().unwrap_or_default(), "--org"]));
    let err = stderr(&out);
    assert_eq!(code(&out), 0, "{err}");
    assert!(err.contains("every field is one of the org's"), "{err}");
    assert!(
        err.contains("`nationalid` is spelled `nationalId` in ChartHop"),
        "{err}"
    );
    assert!(
        err.contains("`nationalId` is sensitive in ChartHop: masked"),
        "{err}"
    );
    let writes = emu
        .requests()
        .into_iter()
        .filter(|r| r.method != "GET")
        .count();
    assert_eq!(writes, 0, "check --org only reads");
}

#[test]
fn apply_refuses_a_plan_whose_written_fields_changed_in_the_catalogue() {
    let emu = emulator();
    let tmp = tempfile::tempdir().expect("tmp");
    let out = plan_in(&emu, tmp.path(), &fixture("payroll/acme.csv"), "p");
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    // The plan as if the catalogue had another definition of `title` when it was made.
    let path = tmp.path().join("p/plan.json");
    let mut doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&path).expect("plan.json")).expect("json");
    assert!(
        doc["catalogue"]["written"]["title"].is_string(),
        "{:#}",
        doc["catalogue"]
    );
    doc["catalogue"]["written"]["title"] = serde_json::json!("0".repeat(64));
    std::fs::write(&path, serde_json::to_vec(&doc).expect("json")).expect("write");
    let out = run(cmd(&emu, tmp.path()).args(["apply", "p"]));
    let err = stderr(&out);
    assert_eq!(code(&out), 4, "{err}");
    assert!(
        err.contains("field catalogue changed") && err.contains("`title`"),
        "{err}"
    );
    assert!(emu.uploads().is_empty(), "nothing uploaded");
}

#[test]
fn doctor_reports_each_check_and_exits_with_the_worst() {
    let emu = emulator();
    let tmp = tempfile::tempdir().expect("tmp");
    let runs = tmp.path().join("runs");
    let out = run(cmd(&emu, tmp.path())
        .env("PAYROLL_SYNC_PLAN_RUNS_DIR", &runs)
        .args([
            "doctor",
            "--mapping",
            mapping("acme.toml").to_str().unwrap_or_default(),
            "--input",
            fixture("payroll/acme.csv").to_str().unwrap_or_default(),
            "--json",
        ]));
    let err = stderr(&out);
    assert_eq!(code(&out), 0, "{err}");
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("--json");
    let checks: Vec<&str> = doc["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["level"] == "ok")
        .filter_map(|f| f["check"].as_str())
        .collect();
    for c in [
        "settings",
        "token",
        "import_access",
        "fields",
        "export",
        "runs_dir",
        "lock",
        "imports",
        "clock",
    ] {
        assert!(checks.contains(&c), "{c} is ok: {doc:#}");
    }
    assert!(err.contains("✓ token"), "{err}");
    // Nothing but a dry run was sent: ChartHop's data is unchanged.
    assert!(
        emu.uploads().iter().all(|u| u.flags.import_dry_run),
        "{:#?}",
        emu.uploads()
    );
    // A refused token: exit 77, with the fix.
    let out = run(cmd(&emu, tmp.path())
        .env("PAYROLL_SYNC_CHARTHOP_TOKEN", "not-the-token")
        .env("PAYROLL_SYNC_PLAN_RUNS_DIR", &runs)
        .arg("doctor"));
    let err = stderr(&out);
    assert_eq!(code(&out), 77, "{err}");
    assert!(err.contains("✗ token") && err.contains("fix:"), "{err}");
}

#[test]
fn a_catalogue_read_that_keeps_failing_exits_75_naming_the_url_and_plans_nothing() {
    use charthop_emulator::{Fault, FaultRule};
    let emu = emulator();
    let tmp = tempfile::tempdir().expect("tmp");
    emu.add_fault(FaultRule::always(
        "findFields",
        Fault::ServerError { status: 503 },
    ))
    .expect("a fault");
    let out = run(cmd(&emu, tmp.path())
        .env("PAYROLL_SYNC_CHARTHOP_MAX_ATTEMPTS", "2")
        .env("PAYROLL_SYNC_CHARTHOP_RETRY_INITIAL_MS", "10")
        .args([
            "plan",
            "--input",
            fixture("payroll/acme.csv").to_str().unwrap_or_default(),
            "--mapping",
            mapping("acme.toml").to_str().unwrap_or_default(),
            "--out",
            "p",
        ]));
    let err = stderr(&out);
    assert_eq!(code(&out), 75, "{err}");
    assert!(err.contains("/v1/org/acme/field"), "the URL: {err}");
    assert!(!tmp.path().join("p/plan.json").exists(), "no plan");
}

/// Issue 17, point 5: least privilege from what the mapping owns. Updates are sent with
/// `updateTypes` limited to the kinds of update the mapping's fields make; every upload asks
/// ChartHop not to move hire dates unless the mapping owns the start date; `apply.json` says
/// what was sent.
#[test]
fn uploads_ask_for_no_more_than_the_mapping_owns() {
    for (owns_start, m) in [(true, None), (false, Some("without-start.toml"))] {
        let emu = emulator();
        let tmp = tempfile::tempdir().expect("tmp");
        let mapping_path = match m {
            None => mapping("acme.toml"),
            Some(name) => {
                let text = std::fs::read_to_string(mapping("acme.toml")).expect("acme.toml");
                let start = text.find("[fields.startDate]").expect("startDate");
                let end = start + text[start..].find("\n\n").expect("its end");
                // The [[tests]] expect a startDate: leave them out with it.
                let body = format!("{}{}", &text[..start], &text[end + 2..]);
                let body = &body[..body.find("[[tests]]").unwrap_or(body.len())];
                let path = tmp.path().join(name);
                std::fs::write(&path, body).expect("write");
                path
            }
        };
        let out = run(cmd(&emu, tmp.path()).args(sync_args(
            fixture("payroll/acme.csv").to_str().unwrap_or_default(),
            mapping_path.to_str().unwrap_or_default(),
            Some("run"),
        )));
        assert!(matches!(code(&out), 0 | 6), "{}", stderr(&out));
        let uploads = emu.uploads();
        assert!(!uploads.is_empty());
        for u in &uploads {
            let name = u.file_name.as_deref().unwrap_or_default();
            assert_eq!(u.flags.disable_sync_hire_date, !owns_start, "{name}");
            match name {
                "updates.csv" => assert_eq!(
                    u.flags.update_types.as_deref(),
                    Some("title,group,relationship,other"),
                    "{u:#?}"
                ),
                _ => assert_eq!(
                    u.flags.update_types, None,
                    "{name}: a hire creates, not updates"
                ),
            }
        }
        let record: serde_json::Value = serde_json::from_slice(
            &std::fs::read(tmp.path().join("run/apply.json")).expect("apply.json"),
        )
        .expect("json");
        let rec = record["uploads"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|u| u["file"] == "updates.csv")
            .cloned()
            .unwrap_or_default();
        assert_eq!(
            rec["update_types"], "title,group,relationship,other",
            "{record:#}"
        );
        assert_eq!(rec["disable_sync_hire_date"], !owns_start);
    }
}

/// Issue 17, bad input: a field the mapping declares custom that the org's catalogue (as the
/// app's token sees it) lacks is an access problem (exit 77) with the permission explained.
#[test]
fn a_custom_field_hidden_from_the_token_exits_77_explaining_the_permission() {
    let emu = emulator();
    let tmp = tempfile::tempdir().expect("tmp");
    let text = std::fs::read_to_string(mapping("acme.toml")).expect("acme.toml")
        + "\n[fields.salaryBand]\nfrom = \"Worker Type\"\ncustom = true\n";
    let m = tmp.path().join("hidden.toml");
    std::fs::write(&m, text).expect("write");
    let out = run(cmd(&emu, tmp.path()).args(["check", m.to_str().unwrap_or_default(), "--org"]));
    let err = stderr(&out);
    assert_eq!(code(&out), 77, "{err}");
    assert!(
        err.contains("`salaryBand`") && err.contains("hides fields"),
        "{err}"
    );
    assert!(err.contains("hint: give the app access"), "{err}");
}
