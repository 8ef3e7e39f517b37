//! Files that hold personal data: a private plan directory (0700) of private files (0600),
//! replaced atomically even when the run is killed mid-write, and change-file names from
//! `plan.json` that cannot point outside the plan directory.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use crate::support::*;

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// An acme-shaped export of `n` synthetic new hires (plus the header).
fn big_export(path: &Path, n: usize, title: &str) {
    let mut text = String::from(
        "Employee ID,Legal First Name,Last Name,Work Email,Job Title,Department,Location,Manager Employee ID,Hire Date,Worker Type\n",
    );
    for i in 0..n {
        text.push_str(&format!(
            "{},Synth{i},Person{i},synth.person{i}@acme.example,{title} {i},Finance,New York,1001,07/15/2019,FT\n",
            50_000 + i
        ));
    }
    std::fs::write(path, text).unwrap();
}

#[test]
fn the_plan_directory_is_private_and_its_files_too() {
    let emu = emulator();
    let tmp = tempfile::tempdir().unwrap();
    let out = plan_in(&emu, tmp.path(), &fixture("payroll/acme.csv"), "plan");
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let dir = tmp.path().join("plan");
    assert_eq!(mode(&dir), 0o700);
    let mut names = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        assert_eq!(mode(&path), 0o600, "{}", path.display());
        names.push(path.file_name().unwrap().to_string_lossy().into_owned());
    }
    names.sort();
    assert_eq!(
        names,
        [
            "new_hires.csv",
            "plan.json",
            "report.html",
            "report.md",
            "updates.csv"
        ]
    );
}

/// The plan files a run writes, in the order it writes them (each through a hidden temporary
/// file `.<name>.tmp-<pid>` renamed over its name): `plan.json`'s row list while the diff runs
/// (the file appears last), then the change files and the reports.
const WRITTEN: [&str; 4] = ["plan.json", "new_hires.csv", "report.md", "report.html"];

#[test]
fn a_run_killed_while_writing_leaves_a_whole_plan_json() {
    let emu = emulator();
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a.csv"), tmp.path().join("b.csv"));
    big_export(&a, 1_500, "Analyst");
    big_export(&b, 1_500, "Associate");
    let plan = |input: &Path| {
        let mut c = cmd(&emu, tmp.path());
        c.args(["--quiet", "plan", "--input"])
            .arg(input)
            .arg("--mapping")
            .arg(mapping("acme.toml"))
            .args(["--out", "plan"])
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        c
    };
    let status = plan(&a).status().unwrap();
    assert!(matches!(status.code(), Some(0 | 4)), "{status:?}");
    let plan_dir = tmp.path().join("plan");
    let plan_json = plan_dir.join("plan.json");
    let hash_of = |p: &Path| payroll_sync::plan::sha256(&std::fs::read(p).unwrap());
    let inputs = [hash_of(&a), hash_of(&b)];
    let check = |k: usize| {
        let text = std::fs::read(&plan_json).expect("plan.json is always there");
        let doc: serde_json::Value = serde_json::from_slice(&text)
            .unwrap_or_else(|e| panic!("kill {k}: plan.json is not whole JSON: {e}"));
        let input_hash = doc["input"]["sha256"].as_str().unwrap_or_default();
        assert!(
            inputs.iter().any(|h| h == input_hash),
            "kill {k}: {input_hash}"
        );
        // Anything left behind is a hidden private temporary file, never a final name.
        for entry in std::fs::read_dir(&plan_dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            assert_eq!(mode(&path), 0o600, "{name}");
            if name.starts_with('.') {
                assert!(name.contains(".tmp-"), "{name}");
            }
        }
    };
    // Each run is killed as soon as one of its plan files is being written (its temporary file
    // is there): no timing guess, so a loaded machine only makes the kill land later in that
    // file's writing. A run that ended before the kill landed is checked too, and run again.
    let mut killed = 0;
    let mut landed = Vec::new();
    for k in 0..8usize {
        let input = if k % 2 == 0 { &b } else { &a };
        let file = WRITTEN[k % WRITTEN.len()];
        for _attempt in 0..10 {
            let mut child = plan(input).spawn().unwrap();
            let writing = plan_dir.join(format!(".{file}.tmp-{}", child.id()));
            while child.try_wait().unwrap().is_none() {
                if writing.exists() {
                    let _ = child.kill();
                    break;
                }
                std::thread::sleep(Duration::from_micros(200));
            }
            let status = child.wait().unwrap();
            check(k);
            if status.code().is_none() {
                killed += 1;
                landed.push(file);
                break;
            }
        }
    }
    eprintln!("{killed} of 8 runs killed while writing: {landed:?}");
    assert!(killed >= 3, "the kills landed while the runs were going");
}

#[test]
fn a_plan_json_naming_a_file_outside_its_directory_is_refused() {
    let emu = emulator();
    let tmp = tempfile::tempdir().unwrap();
    let out = plan_in(&emu, tmp.path(), &fixture("payroll/acme.csv"), "plan");
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let plan_json = tmp.path().join("plan/plan.json");
    let original = std::fs::read_to_string(&plan_json).unwrap();
    let outside = tmp.path().join("outside.csv");
    std::fs::write(&outside, "Work Email,Job Title\nx@acme.example,Owned\n").unwrap();
    let before = emu.uploads().len();
    for name in [
        "../outside.csv",
        outside.to_str().unwrap(),
        "/dev/zero",
        "sub/../../outside.csv",
    ] {
        let mut doc: serde_json::Value = serde_json::from_str(&original).unwrap();
        doc["files"][0]["name"] = serde_json::Value::from(name);
        std::fs::write(&plan_json, serde_json::to_vec_pretty(&doc).unwrap()).unwrap();
        let out = run(cmd(&emu, tmp.path()).args(["apply", "plan"]));
        assert_eq!(code(&out), 1, "{name}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(
            err.contains(&format!("names the change file `{name}`")),
            "{err}"
        );
    }
    assert_eq!(emu.uploads().len(), before, "nothing was uploaded");
}
