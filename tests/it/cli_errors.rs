//! Errors a user can hit: each with its exit code and a message saying what to do.

use std::process::Output;

use charthop_emulator::Emulator;

use crate::support::*;

fn plan_args() -> Vec<String> {
    plan_args_with("acme.toml")
}

/// `plan` of the acme export with the shipped mapping `file`.
fn plan_args_with(file: &str) -> Vec<String> {
    vec![
        "plan".into(),
        "--input".into(),
        fixture("payroll/acme.csv").display().to_string(),
        "--mapping".into(),
        mapping(file).display().to_string(),
        "--out".into(),
        "plan".into(),
    ]
}

#[test]
fn a_missing_token_exits_77_naming_the_setting() {
    let emu = emulator();
    let tmp = tempfile::tempdir().unwrap();
    let out = run(cmd(&emu, tmp.path())
        .env_remove("PAYROLL_SYNC_CHARTHOP_TOKEN")
        .args(plan_args()));
    assert_eq!(code(&out), 77);
    assert!(
        stderr(&out).contains("PAYROLL_SYNC_CHARTHOP_TOKEN"),
        "{}",
        stderr(&out)
    );
    assert!(
        emu.requests().is_empty(),
        "nothing was sent without a token"
    );
}

#[test]
fn a_wrong_token_exits_77_naming_the_setting_and_never_printing_the_token() {
    let emu = emulator();
    let tmp = tempfile::tempdir().unwrap();
    let out = run(cmd(&emu, tmp.path())
        .env("PAYROLL_SYNC_CHARTHOP_TOKEN", "wrong-SENTINEL-token")
        .args(["-vv"])
        .args(plan_args()));
    assert_eq!(code(&out), 77);
    let err = stderr(&out);
    assert!(err.contains("401"), "{err}");
    assert!(err.contains("PAYROLL_SYNC_CHARTHOP_TOKEN"), "{err}");
    assert!(!err.contains("SENTINEL"), "the token leaked: {err}");
    assert!(!String::from_utf8_lossy(&out.stdout).contains("SENTINEL"));
}

#[test]
fn an_unreachable_chart_hop_exits_75_after_bounded_retries() {
    let emu = emulator();
    let tmp = tempfile::tempdir().unwrap();
    // A port that was free a moment ago: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let out = run(cmd(&emu, tmp.path())
        .env(
            "PAYROLL_SYNC_CHARTHOP_URL",
            format!("http://127.0.0.1:{port}"),
        )
        .env("PAYROLL_SYNC_CHARTHOP_MAX_ATTEMPTS", "3")
        .args(plan_args()));
    assert_eq!(code(&out), 75);
    let err = stderr(&out);
    assert!(err.contains("failed 3 time(s)"), "{err}");
    assert!(err.contains("cannot connect"), "{err}");
}

#[test]
fn plain_http_to_a_remote_host_is_refused() {
    let emu = emulator();
    let tmp = tempfile::tempdir().unwrap();
    let out = run(cmd(&emu, tmp.path())
        .env("PAYROLL_SYNC_CHARTHOP_URL", "http://api.charthop.com")
        .args(plan_args()));
    assert_eq!(code(&out), 78);
    assert!(stderr(&out).contains("https://"), "{}", stderr(&out));
}

#[test]
fn a_mapping_naming_a_missing_column_exits_78_with_a_suggestion() {
    let emu = emulator();
    let tmp = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(mapping("acme.toml"))
        .unwrap()
        .replace("\"Hire Date\"", "\"Hire Dat\"");
    let m = tmp.path().join("m.toml");
    std::fs::write(&m, text).unwrap();
    let out = run(cmd(&emu, tmp.path()).args([
        "plan",
        "--input",
        fixture("payroll/acme.csv").to_str().unwrap(),
        "--mapping",
        m.to_str().unwrap(),
    ]));
    assert_eq!(code(&out), 78);
    let err = stderr(&out);
    assert!(err.contains("no column `Hire Dat`"), "{err}");
    assert!(err.contains("did you mean `Hire Date`?"), "{err}");
}

#[test]
fn a_broken_export_exits_65_naming_the_row() {
    let emu = emulator();
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("broken.csv");
    let mut text = std::fs::read_to_string(fixture("payroll/acme.csv")).unwrap();
    text.push_str("1999,Only,Three\r\n");
    std::fs::write(&input, text).unwrap();
    let out = run(cmd(&emu, tmp.path()).args([
        "plan",
        "--input",
        input.to_str().unwrap(),
        "--mapping",
        mapping("acme.toml").to_str().unwrap(),
    ]));
    assert_eq!(code(&out), 65);
    let err = stderr(&out);
    assert!(err.contains("row 63"), "{err}");
    assert!(err.contains("expected 10 fields"), "{err}");
    assert!(
        !tmp.path().join("plan").exists(),
        "no plan is written from a broken export"
    );
}

#[test]
fn a_token_file_readable_by_others_gives_a_warning() {
    use std::os::unix::fs::PermissionsExt;
    let emu = emulator();
    let tmp = tempfile::tempdir().unwrap();
    let token = tmp.path().join("token");
    std::fs::write(&token, format!("{TOKEN}\n")).unwrap();
    std::fs::set_permissions(&token, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = run(cmd(&emu, tmp.path())
        .env_remove("PAYROLL_SYNC_CHARTHOP_TOKEN")
        .env("PAYROLL_SYNC_CHARTHOP_TOKEN_FILE", &token)
        .args(plan_args()));
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("readable by other users"),
        "{}",
        stderr(&out)
    );
    std::fs::set_permissions(&token, std::fs::Permissions::from_mode(0o600)).unwrap();
    let out = run(cmd(&emu, tmp.path())
        .env_remove("PAYROLL_SYNC_CHARTHOP_TOKEN")
        .env("PAYROLL_SYNC_CHARTHOP_TOKEN_FILE", &token)
        .args(plan_args()));
    assert_eq!(code(&out), 0);
    assert!(!stderr(&out).contains("readable by other users"));
}

#[test]
fn a_403_exits_77_with_a_hint_about_the_app_access_level() {
    use charthop_emulator::{Fault, FaultRule};
    let emu = emulator();
    let tmp = tempfile::tempdir().unwrap();
    emu.add_fault(FaultRule::always(
        "findJobs",
        Fault::ClientError {
            status: 403,
            message: "permission denied".into(),
        },
    ))
    .unwrap();
    let out = run(cmd(&emu, tmp.path()).args(plan_args()));
    assert_eq!(code(&out), 77);
    let err = stderr(&out);
    assert!(err.contains("403 permission denied"), "{err}");
    assert!(err.contains("access level"), "{err}");
    let find_jobs = emu
        .requests()
        .into_iter()
        .filter(|r| r.operation.as_deref() == Some("findJobs"))
        .count();
    assert_eq!(find_jobs, 1, "a 403 is not retried");
}

#[test]
fn a_400_on_import_is_one_request_with_chart_hops_message_and_exit_1() {
    use charthop_emulator::{Fault, FaultRule};
    let emu = emulator();
    let tmp = tempfile::tempdir().unwrap();
    emu.add_fault(FaultRule::new(
        "importDataCsv",
        Fault::ClientError {
            status: 400,
            message: "invalid data: unknown column `Foo`".into(),
        },
        1,
    ))
    .unwrap();
    let out = run(cmd(&emu, tmp.path()).args(sync_args(
        fixture("payroll/acme.csv").to_str().unwrap(),
        mapping("acme.toml").to_str().unwrap(),
        None,
    )));
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("400 invalid data: unknown column `Foo`"),
        "{err}"
    );
    assert!(err.contains("POST /v1/org/acme/import/csv/data"), "{err}");
    let posts = emu.requests().iter().filter(|r| r.method == "POST").count();
    assert_eq!(
        posts, 1,
        "a 400 is not retried and nothing else is uploaded"
    );
}

#[test]
fn a_broken_export_does_not_wait_for_the_roster_walk() {
    use charthop_emulator::{Fault, FaultRule};
    // Reading and mapping run while the roster is fetched; a bad export ends the run at once.
    // The roster's pages are held back ten minutes: a run that waited for one could not end
    // within the wide bound below, which only a hang (or a machine stalled for minutes) hits.
    const HELD_BACK: std::time::Duration = std::time::Duration::from_secs(600);
    const BOUND: std::time::Duration = std::time::Duration::from_secs(120);
    let emu = emulator();
    emu.add_fault(FaultRule::always(
        "findJobs",
        Fault::Slow {
            delay_ms: HELD_BACK.as_millis() as u64,
        },
    ))
    .unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("broken.csv");
    let mut text = std::fs::read_to_string(fixture("payroll/acme.csv")).unwrap();
    text.push_str("1999,Only,Three\r\n");
    std::fs::write(&input, text).unwrap();
    let err_path = tmp.path().join("stderr");
    let mut child = cmd(&emu, tmp.path())
        .args([
            "plan",
            "--input",
            input.to_str().unwrap(),
            "--mapping",
            mapping("acme.toml").to_str().unwrap(),
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::fs::File::create(&err_path).unwrap())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > BOUND {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the run waited for the held-back roster page: still going after {BOUND:?}");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    let err = std::fs::read_to_string(&err_path).unwrap();
    assert_eq!(status.code(), Some(65), "{err}");
    assert!(err.contains("row 63"), "{err}");
    assert!(
        emu.requests()
            .iter()
            .all(|r| r.operation.as_deref() != Some("findJobs") || r.status == 499),
        "the roster was held back: no findJobs call was answered"
    );
}

/// Issue 19: `--version` names the commit the binary was built from.
#[test]
fn version_names_the_commit_it_was_built_from() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_payroll-sync"))
        .arg("--version")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        text.starts_with(&format!("payroll-sync {} (", env!("CARGO_PKG_VERSION"))),
        "{text}"
    );
    let head = std::process::Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .current_dir(crate::support::root())
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    match head {
        Some(head) => assert!(text.contains(&head), "{text} names {head}"),
        None => eprintln!("skipped the commit check: the source tree is not a git checkout"),
    }
}

/// Issue 19 (messages): a wrong base-URL path and a wrong org both answer 404, and both are
/// settings mistakes (78); each is named as what it is, with the base URL and the setting to
/// fix, instead of blaming the org for both.
#[test]
fn a_wrong_url_path_and_a_wrong_org_are_told_apart_and_exit_78() {
    let emu = emulator();
    let tmp = tempfile::tempdir().unwrap();
    let base = emu.base_url();
    let out = run(cmd(&emu, tmp.path())
        .env("PAYROLL_SYNC_CHARTHOP_URL", format!("{base}/api"))
        .args(plan_args()));
    let err = stderr(&out);
    assert_eq!(code(&out), 78, "{err}");
    assert!(
        err.contains(&format!("{base}/api does not answer ChartHop's API paths")),
        "{err}"
    );
    assert!(err.contains("PAYROLL_SYNC_CHARTHOP_URL"), "{err}");
    assert!(!err.contains("PAYROLL_SYNC_CHARTHOP_ORG"), "{err}");

    let out = run(cmd(&emu, tmp.path())
        .env("PAYROLL_SYNC_CHARTHOP_ORG", "no-such-org")
        .args(plan_args()));
    let err = stderr(&out);
    assert_eq!(code(&out), 78, "{err}");
    assert!(
        err.contains(&format!("ChartHop at {base} has no org `no-such-org`")),
        "{err}"
    );
    assert!(err.contains("PAYROLL_SYNC_CHARTHOP_ORG"), "{err}");
    assert!(!tmp.path().join("plan/plan.json").exists());
}

/// Issue 19 (messages): an export run with another provider's mapping said "the export has no
/// column X" a dozen times; it says once that the export is not the one the mapping
/// describes, lists the export's columns and names the mapping that fits.
#[test]
fn another_providers_mapping_is_named_once_with_the_closest_mapping() {
    let emu = emulator();
    let tmp = tempfile::tempdir().unwrap();
    let out = run(cmd(&emu, tmp.path()).args(plan_args_with("adp.toml")));
    let err = stderr(&out);
    assert_eq!(code(&out), 78, "{err}");
    assert!(
        err.contains("this export does not look like the one mapping"),
        "{err}"
    );
    assert!(
        err.contains("`Legal First Name`, `Last Name`"),
        "lists the columns: {err}"
    );
    assert!(
        err.contains("acme.toml"),
        "names the closest mapping: {err}"
    );
    assert!(!err.contains("the export has no column"), "{err}");
}

/// Issue 19 (the terminal): a plain `plan` prints prose, not timestamped log lines, even when
/// stderr is not a terminal (as here and under cron); `-v` adds the log lines, and
/// `--log-format json` gives one JSON object per event.
#[test]
fn a_plain_plan_prints_prose_and_logs_come_with_v_or_as_json() {
    let emu = emulator();
    let tmp = tempfile::tempdir().unwrap();
    let out = run(cmd(&emu, tmp.path()).args(plan_args()));
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        !err.contains(" INFO ") && !err.contains("elapsed_ms"),
        "{err}"
    );
    assert!(err.contains("Plan written to"), "{err}");

    let out = run(cmd(&emu, tmp.path()).arg("-v").args(plan_args()));
    assert!(stderr(&out).contains(" INFO "), "{}", stderr(&out));

    let out = run(cmd(&emu, tmp.path())
        .args(["--log-format", "json", "-v"])
        .args(plan_args()));
    let err = stderr(&out);
    // Every line is JSON: the log's events and the lines for people alike.
    let events: Vec<serde_json::Value> = err
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    assert!(
        events.iter().any(|e| e["message"]
            .as_str()
            .is_some_and(|m| m.contains("new hires"))),
        "the summary too: {err}"
    );
    assert!(
        events
            .iter()
            .any(|e| e["level"] == "INFO" && e["message"] == "plan written"),
        "{err}"
    );
    assert!(events.iter().all(|e| e["timestamp"].is_string()), "{err}");

    // A run that fails ends with its error as JSON, with the hint and the exit code.
    let out = run(cmd(&emu, tmp.path())
        .env_remove("PAYROLL_SYNC_CHARTHOP_TOKEN")
        .args(["--log-format", "json"])
        .args(plan_args()));
    assert_eq!(code(&out), 77);
    let err = stderr(&out);
    let last: serde_json::Value = err
        .lines()
        .last()
        .and_then(|l| serde_json::from_str(l).ok())
        .unwrap_or_else(|| panic!("the last line is JSON: {err}"));
    assert_eq!(last["level"], "ERROR", "{err}");
    assert_eq!(last["exit_code"], 77, "{err}");
    assert!(
        last["hint"].as_str().is_some_and(|h| !h.is_empty()),
        "{err}"
    );
    assert!(
        err.lines()
            .all(|l| serde_json::from_str::<serde_json::Value>(l).is_ok()),
        "{err}"
    );
}

/// `plan` of the review scenario (every kind of row; its departures read by `[departure]`),
/// as of 2026-05-04, into `out`, with the settings `env`.
fn plan_scenario(emu: &Emulator, dir: &std::path::Path, env: &[(&str, &str)], out: &str) -> Output {
    let input = crate::review_support::scenario_export(dir);
    let m = crate::review_support::sensitive_mapping(
        dir,
        "acme-departures.toml",
        crate::review_support::DEPARTURE,
    );
    let mut c = cmd(emu, dir);
    c.envs(env.iter().copied())
        .env("PAYROLL_SYNC_PLAN_NOW", "2026-05-04T08:30:00Z")
        .args(["plan", "--input"])
        .arg(&input)
        .arg("--mapping")
        .arg(&m)
        .args(["--out", out]);
    run(&mut c)
}

/// Issue 19 (the terminal): the summary a plan prints reads like the reports' own: `+` added,
/// `~` changed, `-` taken away, `!` left out, counts aligned; departures held back say on
/// their own lines that they are reported only.
#[test]
fn the_terminal_summary_reads_like_the_reports() {
    let emu = emulator();
    let tmp = tempfile::tempdir().unwrap();
    let out = plan_scenario(
        &emu,
        tmp.path(),
        &[("PAYROLL_SYNC_DEPARTURES_HOLD", "true")],
        "plan",
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    insta::assert_snapshot!("terminal_summary_departures_held", stderr(&out));
}

/// Issue 19 (the terminal): `sync` shows the plan's summary before it uploads, and without a
/// terminal says when each import starts (a long one then says how far it is every 5 min).
#[test]
fn sync_prints_the_plan_summary_before_it_uploads() {
    let emu = emulator();
    let tmp = tempfile::tempdir().unwrap();
    // `sync` takes plan's arguments but `--out` (its plans go to the runs directory).
    let mut args = plan_args();
    args[0] = "sync".into();
    args.truncate(5);
    let out = run(cmd(&emu, tmp.path()).args(args));
    let err = stderr(&out);
    assert_eq!(code(&out), 0, "{err}");
    let at = |needle: &str| {
        err.find(needle)
            .unwrap_or_else(|| panic!("no `{needle}` in: {err}"))
    };
    assert!(at("new hires") < at("importing new_hires.csv"), "{err}");
    assert!(
        at("importing new_hires.csv") < at("Imported new_hires.csv"),
        "{err}"
    );
    assert_eq!(err.matches("Plan written to").count(), 1, "{err}");
    assert_eq!(err.matches("  new hires").count(), 1, "{err}");
    // Each import says its phase and its rows.
    assert!(
        err.contains("importing new_hires.csv, phase 1 of 2: 5 rows (ChartHop process "),
        "{err}"
    );
    assert!(
        err.contains("importing updates.csv, phase 2 of 2: 8 rows"),
        "{err}"
    );
}

/// Issue 19 (the terminal): `--help` lists commands in the order a newcomer uses them, and a
/// command's help lists the global options apart from its own.
#[test]
fn help_lists_commands_in_the_order_of_use_and_global_options_apart() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_payroll-sync"))
        .arg("--help")
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&out.stdout).to_string();
    let at = |c: &str| {
        help.find(&format!("\n  {c} "))
            .unwrap_or_else(|| panic!("no {c} in {help}"))
    };
    let order = ["inspect", "check", "doctor", "plan", "apply", "sync"];
    for pair in order.windows(2) {
        assert!(at(pair[0]) < at(pair[1]), "{pair:?}: {help}");
    }
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_payroll-sync"))
        .args(["plan", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&out.stdout).to_string();
    let global = help
        .find("Global options:")
        .expect("a heading for global options");
    let own = help.find("--input").expect("plan's own option");
    let log = help.find("--log-format").expect("a global option");
    assert!(own < global && global < log, "{help}");
}

/// Issue 19 (held departures): departures held back (`departures.hold`) are only reported, so
/// the departures guard does not count them: they cannot stop a plan that sends none.
#[test]
fn held_departures_do_not_trip_the_departures_guard() {
    let emu = emulator();
    let tmp = tempfile::tempdir().unwrap();
    let plan = |hold: &str, out: &str| {
        let env = [
            ("PAYROLL_SYNC_DEPARTURES_HOLD", hold),
            ("PAYROLL_SYNC_GUARDS_DEPARTURES_FLOOR", "1"),
            ("PAYROLL_SYNC_GUARDS_DEPARTURES_SHARE", "0"),
        ];
        plan_scenario(&emu, tmp.path(), &env, out)
    };
    let sent = plan("false", "sent");
    assert_eq!(
        code(&sent),
        4,
        "3 departures sent trip a limit of 1: {}",
        stderr(&sent)
    );
    assert!(
        stderr(&sent).contains("guard `departures` tripped"),
        "{}",
        stderr(&sent)
    );
    let held = plan("true", "held");
    assert_eq!(code(&held), 0, "{}", stderr(&held));
    let report = std::fs::read_to_string(tmp.path().join("held/report.md")).unwrap();
    assert!(
        report.contains("| `departures` | 0 | 1 | 1 to spare (departures are only reported (`departures.hold`): not counted) | ok |"),
        "{report}"
    );
}
