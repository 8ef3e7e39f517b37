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
        // Each test keeps its runs' state (lock, ledger, sync's plans) in its own directory.
        .env("PAYROLL_SYNC_PLAN_RUNS_DIR", dir.join("runs"))
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

/// Writes a synthetic org of `people` (all filled jobs, one CEO, everyone else reporting to
/// them) as an emulator seed in `dir`, and returns each person's export row
/// (id, first, last, email, title, department, location, manager id, hire date, worker type).
pub fn write_org(dir: &Path, people: usize) -> Vec<[String; 10]> {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(
        dir.join("org.json"),
        r#"{"id":"5f0000000000000000000b01","slug":"big","name":"Big Co"}"#,
    )
    .unwrap();
    std::fs::write(
        dir.join("groups.csv"),
        "type,name\nDEPARTMENT,Engineering\nDEPARTMENT,Sales\nLOCATION,Remote\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("users.csv"),
        "user_id,email,first_name,last_name\n6c0000000000000000000001,hr@big.example,Hana,Reyes\n",
    )
    .unwrap();
    let mut jobs = charthop_emulator::JOB_COLUMNS.join(",") + "\n";
    let mut rows = Vec::new();
    for i in 0..people {
        let id = 5000 + i;
        let job = format!("6a{:022x}", i + 1);
        let manager = if i == 0 {
            String::new()
        } else {
            format!("6a{:022x}", 1)
        };
        let dept = if i % 2 == 0 { "Engineering" } else { "Sales" };
        let title = if i == 0 {
            "CEO".to_string()
        } else {
            format!("Specialist {}", i % 7)
        };
        jobs.push_str(&format!(
            "{job},7b{:022x},{id},First{i},Last{i},,person{i}@big.example,,,{title},{dept},Remote,{manager},2020-01-15,FULL\n",
            i + 1
        ));
        rows.push([
            id.to_string(),
            format!("First{i}"),
            format!("Last{i}"),
            format!("person{i}@big.example"),
            title,
            dept.to_string(),
            "Remote".to_string(),
            if i == 0 {
                String::new()
            } else {
                "5000".to_string()
            },
            "01/15/2020".to_string(),
            "FT".to_string(),
        ]);
    }
    std::fs::write(dir.join("jobs.csv"), jobs).unwrap();
    rows
}

/// Writes export rows in the acme mapping's layout.
pub fn write_export(path: &Path, rows: &[[String; 10]]) {
    let mut w = csv::Writer::from_path(path).unwrap();
    w.write_record([
        "Employee ID",
        "Legal First Name",
        "Last Name",
        "Work Email",
        "Job Title",
        "Department",
        "Location",
        "Manager Employee ID",
        "Hire Date",
        "Worker Type",
    ])
    .unwrap();
    for r in rows {
        w.write_record(r).unwrap();
    }
    w.flush().unwrap();
}

/// An emulator seeded from `dir`.
pub fn emulator_from(dir: &Path) -> Emulator {
    let mut config = Config::new(dir, TOKEN);
    config.import_step_delay = std::time::Duration::from_millis(2);
    Emulator::start(config).expect("the emulator starts")
}

/// A minimal HTTP/1.1 request over a fresh connection; returns the status and the body.
pub fn http(addr: &str, method: &str, path: &str, body: &[u8]) -> (u16, String) {
    http_auth(addr, method, path, body, None)
}

/// [`http`] with a bearer token.
pub fn http_auth(
    addr: &str,
    method: &str,
    path: &str,
    body: &[u8],
    token: Option<&str>,
) -> (u16, String) {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(std::time::Duration::from_secs(20)))
        .unwrap();
    let auth = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\n{auth}Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = s.write_all(head.as_bytes());
    let _ = s.write_all(body);
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    let text = String::from_utf8_lossy(&out).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

/// A running `payroll-sync serve`, killed on drop.
pub struct Server {
    pub child: std::process::Child,
    pub addr: String,
    pub stderr: std::sync::Arc<std::sync::Mutex<String>>,
}

impl Server {
    /// Starts `serve` with `c` (a command from [`cmd`] with the serve settings in its
    /// environment) and waits for it to listen.
    pub fn start(mut c: Command) -> Server {
        use std::io::BufRead;
        let mut child = c
            .args(["serve", "--listen", "127.0.0.1:0", "--grace-secs", "5"])
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("serve starts");
        let stderr = child.stderr.take().expect("stderr");
        let log = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let (tx, rx) = std::sync::mpsc::channel();
        let log2 = log.clone();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stderr)
                .lines()
                .map_while(Result::ok)
            {
                if let Some(addr) = line.split("listening on http://").nth(1) {
                    let _ = tx.send(addr.trim().to_string());
                }
                log2.lock().unwrap().push_str(&(line + "\n"));
            }
        });
        let addr = rx
            .recv_timeout(std::time::Duration::from_secs(20))
            .unwrap_or_else(|_| panic!("serve did not start: {}", log.lock().unwrap()));
        Server {
            child,
            addr,
            stderr: log,
        }
    }

    pub fn log(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// Sends SIGTERM and waits for the exit code.
    pub fn terminate(mut self) -> i32 {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        self.child
            .wait()
            .map(|s| s.code().unwrap_or(-1))
            .unwrap_or(-1)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The arguments of `sync --input INPUT --mapping MAPPING [--out OUT]`.
pub fn sync_args(input: &str, mapping: &str, out: Option<&str>) -> Vec<String> {
    let mut a: Vec<String> = ["sync", "--input", input, "--mapping", mapping]
        .iter()
        .map(|s| s.to_string())
        .collect();
    if let Some(out) = out {
        a.extend(["--out".to_string(), out.to_string()]);
    }
    a
}

/// `payroll-sync plan` of `input` with the acme mapping, in `dir`, into `out`.
pub fn plan_in(
    emu: &charthop_emulator::Emulator,
    dir: &std::path::Path,
    input: &std::path::Path,
    out: &str,
) -> std::process::Output {
    run(cmd(emu, dir).args([
        "plan",
        "--input",
        input.to_str().unwrap(),
        "--mapping",
        mapping("acme.toml").to_str().unwrap(),
        "--out",
        out,
    ]))
}
