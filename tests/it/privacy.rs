//! Personal data and the token never leak: a full `sync` at trace level over an export with
//! known national ids, salaries and personal emails (synthetic sentinels) leaves none of them
//! in the log, the error output or the default reports; `--show-sensitive` shows salaries and
//! personal emails but never national ids. The token, at trace level and through a failing
//! call, appears nowhere either.

use std::path::{Path, PathBuf};

use charthop_emulator::{Config, Emulator};

use crate::support::*;

/// National ids: never shown anywhere.
const NATIONAL_IDS: [&str; 3] = ["987-65-4320", "987-65-4321", "987-65-4322"];
/// Salaries as digits (they are rendered `913579.24 USD`), and as grouped in the export.
const SALARIES: [&str; 4] = ["913579.24", "824681.35", "913,579", "824,681"];
/// Personal (home) emails, marked sensitive.
const HOME_EMAILS: [&str; 2] = [
    "sentinel.home.a@private.example",
    "sentinel.home.b@private.example",
];
/// In a row the mapping rejects (a malformed salary).
const REJECTED_SALARY: &str = "7531x59";

const EXPORT: &str = "\
Employee ID,First Name,Last Name,Work Email,Home Email,Salary,National ID
1001,Margaret,Okonkwo,margaret.okonkwo@acme.example,sentinel.home.a@private.example,\"$913,579.24\",987-65-4320
9901,Sentry,Newhire,sentry.newhire@acme.example,sentinel.home.b@private.example,\"$824,681.35\",987-65-4321
9902,Broken,Salary,broken.salary@acme.example,,$7531x59,987-65-4322
";

const MAPPING: &str = r#"
[key]
payroll = "Employee ID"
charthop = "contact.employee"

[fields."contact.employee"]
from = "Employee ID"

[fields."contact.workEmail"]
from = "Work Email"
transform = ["trim", "lower"]
required = true

[fields."name.first"]
from = "First Name"

[fields."name.last"]
from = "Last Name"

[fields."contact.homeEmail"]
from = "Home Email"
sensitive = true

[fields.base]
from = "Salary"
type = "money"
sensitive = true

[fields.nationalId]
from = "National ID"
custom = true
"#;

fn write_inputs(dir: &Path) -> (PathBuf, PathBuf) {
    let input = dir.join("export.csv");
    let mapping = dir.join("mapping.toml");
    std::fs::write(&input, EXPORT).unwrap();
    std::fs::write(&mapping, MAPPING).unwrap();
    (input, mapping)
}

fn assert_absent(what: &str, text: &str, sentinels: &[&str]) {
    for s in sentinels {
        assert!(
            !text.contains(s),
            "{what} carries the sentinel `{s}`:\n{text}"
        );
    }
}

fn all_sentinels() -> Vec<&'static str> {
    let mut all: Vec<&str> = NATIONAL_IDS.to_vec();
    all.extend(SALARIES);
    all.extend(HOME_EMAILS);
    all.push(REJECTED_SALARY);
    all
}

/// The one plan directory under `runs`.
fn only_run(runs: &Path) -> PathBuf {
    let dirs: Vec<PathBuf> = std::fs::read_dir(runs)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    assert_eq!(dirs.len(), 1, "{dirs:?}");
    dirs[0].clone()
}

#[test]
fn a_traced_sync_leaks_no_national_id_salary_or_personal_email() {
    let emu = emulator();
    let tmp = tempfile::tempdir().unwrap();
    let (input, mapping) = write_inputs(tmp.path());
    let args = |c: &mut std::process::Command| {
        c.env("PAYROLL_SYNC_GUARDS_MIN_EXPORT_SHARE", "0")
            .env("RUST_LOG", "trace")
            .args(["-vv", "--no-progress"]);
    };

    // The review copy, with --show-sensitive: salaries and personal emails, no national id.
    let mut c = cmd(&emu, tmp.path());
    args(&mut c);
    let out = run(c
        .args(["plan", "--show-sensitive", "--out", "shown", "--input"])
        .arg(&input)
        .arg("--mapping")
        .arg(&mapping));
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_absent("plan's log", &stderr(&out), &all_sentinels());
    for report in ["report.md", "report.html"] {
        let text = std::fs::read_to_string(tmp.path().join("shown").join(report)).unwrap();
        assert!(
            text.contains("913579.24"),
            "{report} shows the salary:\n{text}"
        );
        assert!(
            text.contains(HOME_EMAILS[0]),
            "{report} shows the personal email"
        );
        assert_absent(report, &text, &NATIONAL_IDS);
    }

    // The nightly run, traced: nothing personal in any log line or in the default reports.
    let mut c = cmd(&emu, tmp.path());
    args(&mut c);
    let out = run(c
        .args(["sync", "--input"])
        .arg(&input)
        .arg("--mapping")
        .arg(&mapping));
    let log = stderr(&out);
    assert!(log.lines().count() > 20, "trace logging is on:\n{log}");
    assert!(log.contains("TRACE"), "trace lines are there:\n{log}");
    assert_absent("sync's log", &log, &all_sentinels());
    assert_absent(
        "sync's stdout",
        &String::from_utf8_lossy(&out.stdout),
        &all_sentinels(),
    );
    let dir = only_run(&tmp.path().join("runs"));
    for report in ["report.md", "report.html"] {
        let text = std::fs::read_to_string(dir.join(report)).unwrap();
        assert!(
            text.contains("Newhire"),
            "{report} lists the new hire:\n{text}"
        );
        assert_absent(report, &text, &all_sentinels());
    }
    // The data did reach ChartHop: the sentinels were really in the run.
    assert!(
        matches!(code(&out), 0 | 5 | 6),
        "sync ran to its end: {}",
        code(&out)
    );
    let roster = roster_by_email(&emu);
    let margaret = &roster["margaret.okonkwo@acme.example"];
    assert_eq!(
        margaret.get("contact.homeEmail").map(String::as_str),
        Some(HOME_EMAILS[0])
    );
}

/// An emulator that takes `token`.
fn emulator_with_token(token: &str) -> Emulator {
    let mut config = Config::new(fixture("charthop/acme"), token);
    config.import_step_delay = std::time::Duration::from_millis(2);
    Emulator::start(config).expect("the emulator starts")
}

#[test]
fn the_token_appears_in_no_log_error_or_file_at_trace_level() {
    const SENTINEL: &str = "tok-SENTINEL-5d2e9a";
    let emu = emulator_with_token(SENTINEL);
    let tmp = tempfile::tempdir().unwrap();
    let traced = |c: &mut std::process::Command| {
        c.env("RUST_LOG", "trace")
            .env("PAYROLL_SYNC_CHARTHOP_MAX_ATTEMPTS", "2")
            .args(["-vv", "--no-progress"]);
    };
    let plan = |c: &mut std::process::Command, out: &str| {
        c.args(["plan", "--input"])
            .arg(fixture("payroll/acme.csv"))
            .arg("--mapping")
            .arg(mapping("acme.toml"))
            .args(["--out", out]);
    };
    // A working run, the token from a file.
    let token_file = tmp.path().join("token");
    std::fs::write(&token_file, format!("{SENTINEL}\n")).unwrap();
    let mut c = cmd(&emu, tmp.path());
    c.env_remove("PAYROLL_SYNC_CHARTHOP_TOKEN")
        .env("PAYROLL_SYNC_CHARTHOP_TOKEN_FILE", &token_file);
    traced(&mut c);
    plan(&mut c, "ok");
    let out = run(&mut c);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let mut seen = vec![
        stderr(&out),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    ];
    for entry in std::fs::read_dir(tmp.path().join("ok")).unwrap() {
        seen.push(String::from_utf8_lossy(&std::fs::read(entry.unwrap().path()).unwrap()).into());
    }
    // A failing call: ChartHop refuses a token that differs from it in one character.
    let wrong = SENTINEL.replace("5d2e", "5d2f");
    let mut c = cmd(&emu, tmp.path());
    c.env("PAYROLL_SYNC_CHARTHOP_TOKEN", &wrong);
    traced(&mut c);
    plan(&mut c, "refused");
    let out = run(&mut c);
    assert_eq!(code(&out), 77, "{}", stderr(&out));
    assert!(stderr(&out).contains("401"), "{}", stderr(&out));
    seen.push(stderr(&out));
    seen.push(String::from_utf8_lossy(&out.stdout).into_owned());
    assert!(seen[0].contains("TRACE"), "trace logging is on");
    for text in &seen {
        assert!(!text.contains("SENTINEL"), "the token leaked:\n{text}");
        assert!(
            !text.contains("5d2e9a") && !text.contains("5d2f9a"),
            "{text}"
        );
    }
}
