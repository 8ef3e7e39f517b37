//! Starting the emulator and running the binary.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use charthop_emulator::{Config, Emulator};

pub const TOKEN: &str = "test-token-4f1c";

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture(rel: &str) -> PathBuf {
    root().join("fixtures").join(rel)
}

pub fn mapping(name: &str) -> PathBuf {
    root().join("mappings").join(name)
}

/// An emulator seeded with the acme fixture org, on an ephemeral port.
pub fn emulator() -> Emulator {
    let mut config = Config::new(fixture("charthop/acme"), TOKEN);
    config.import_step_delay = std::time::Duration::from_millis(2);
    Emulator::start(config).expect("the emulator starts")
}

/// A command for the binary with settings pointing at `emu`, and nothing from the caller's
/// environment that could change the result.
pub fn cmd(emu: &Emulator, dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_payroll-sync"));
    for (k, _) in std::env::vars() {
        if k.starts_with("PAYROLL_SYNC_") || k == "RUST_LOG" {
            c.env_remove(k);
        }
    }
    c.current_dir(dir)
        .env("PAYROLL_SYNC_CHARTHOP_URL", emu.base_url())
        .env("PAYROLL_SYNC_CHARTHOP_ORG", emu.org_slug())
        .env("PAYROLL_SYNC_CHARTHOP_TOKEN", TOKEN)
        .env("PAYROLL_SYNC_IMPORT_POLL_INTERVAL_MS", "20")
        .env("PAYROLL_SYNC_CHARTHOP_RETRY_INITIAL_MS", "10")
        .env("NO_COLOR", "1");
    c
}

/// Runs a command and returns its output, with stderr echoed into the test log on failure.
pub fn run(c: &mut Command) -> Output {
    let out = c.output().expect("the binary runs");
    eprintln!("--- stderr ---\n{}", String::from_utf8_lossy(&out.stderr));
    out
}

pub fn code(out: &Output) -> i32 {
    out.status.code().unwrap_or(-1)
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The emulator's filled jobs keyed by lower-cased work email.
pub fn roster_by_email(emu: &Emulator) -> BTreeMap<String, BTreeMap<String, String>> {
    emu.jobs()
        .into_iter()
        .filter_map(|j| {
            let email = j.get("contact.workEmail")?.to_lowercase();
            Some((email, j))
        })
        .collect()
}

/// The expected outcome of the acme fixture export.
pub struct Expected {
    pub new_hires: Vec<String>,
    pub updates: BTreeMap<String, BTreeMap<String, (String, String)>>,
    pub absent: Vec<String>,
    pub unchanged: usize,
}

pub fn expected() -> Expected {
    let text =
        std::fs::read_to_string(fixture("payroll/acme.expected.json")).expect("expected.json");
    let v: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
    let strings = |v: &serde_json::Value| -> Vec<String> {
        v.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|s| s.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut updates = BTreeMap::new();
    if let Some(obj) = v["updates"].as_object() {
        for (email, fields) in obj {
            let mut m = BTreeMap::new();
            for (code, pair) in fields.as_object().into_iter().flatten() {
                let p = strings(pair);
                m.insert(code.clone(), (p[0].clone(), p[1].clone()));
            }
            updates.insert(email.clone(), m);
        }
    }
    Expected {
        new_hires: strings(&v["new_hires"]),
        updates,
        absent: strings(&v["absent"]),
        unchanged: v["unchanged_count"].as_u64().unwrap_or(0) as usize,
    }
}

/// Reads a plan directory's `plan.json`, and checks it against `schemas/plan.schema.json`.
pub fn plan_json(dir: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(dir.join("plan.json")).expect("plan.json exists");
    let doc = serde_json::from_str(&text).expect("plan.json is JSON");
    crate::schema::assert_valid_plan(&doc);
    doc
}
