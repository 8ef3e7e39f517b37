//! Files that hold personal data: a private plan directory (0700) of private files (0600),
//! replaced atomically even when the run is killed mid-write, and change-file names from
//! `plan.json` that cannot point outside the plan directory.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Stdio;
use std::time::Instant;

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
    let started = Instant::now();
    let status = plan(&a).status().unwrap();
    let full = started.elapsed();
    assert!(matches!(status.code(), Some(0 | 4)), "{status:?}");
    let plan_json = tmp.path().join("plan/plan.json");
    let hash_of = |p: &Path| payroll_sync::plan::sha256(&std::fs::read(p).unwrap());
    let inputs = [hash_of(&a), hash_of(&b)];
    let mut killed = 0;
    // Kills spread over the second half of a run, where the files are written.
    for k in 0..8u32 {
        let input = if k % 2 == 0 { &b } else { &a };
        let mut child = plan(input).spawn().unwrap();
        std::thread::sleep(full.mul_f64(0.6 + 0.05 * f64::from(k)));
        let _ = child.kill();
        let status = child.wait().unwrap();
        if status.code().is_none() {
            killed += 1;
        }
        let text = std::fs::read(&plan_json).expect("plan.json is always there");
        let doc: serde_json::Value = serde_json::from_slice(&text)
            .unwrap_or_else(|e| panic!("kill {k}: plan.json is not whole JSON: {e}"));
        let input_hash = doc["input"]["sha256"].as_str().unwrap_or_default();
        assert!(
            inputs.iter().any(|h| h == input_hash),
            "kill {k}: {input_hash}"
        );
        // Anything left behind is a hidden private temporary file, never a final name.
        for entry in std::fs::read_dir(tmp.path().join("plan")).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            assert_eq!(mode(&path), 0o600, "{name}");
            if name.starts_with('.') {
                assert!(name.contains(".tmp-"), "{name}");
            }
        }
    }
    eprintln!("{killed} of 8 runs killed mid-way (run time {full:?})");
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
