//! Records the commit the binary is built from, for `--version`: `git rev-parse` of the
//! source tree when it is a git checkout, else `PAYROLL_SYNC_COMMIT` if the packager sets it,
//! else "unknown commit". Re-run when HEAD moves (not on every change of the index, which
//! would rebuild the crate after each `git status`).

use std::process::Command;

fn main() {
    println!("cargo:rerun-if-env-changed=PAYROLL_SYNC_COMMIT");
    for f in [".git/HEAD", ".git/refs/heads", ".git/packed-refs"] {
        if std::path::Path::new(f).exists() {
            println!("cargo:rerun-if-changed={f}");
        }
    }
    let git = |args: &[&str]| {
        Command::new("git")
            .args(args)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
    };
    let commit = git(&["rev-parse", "--short=12", "HEAD"])
        .filter(|c| !c.is_empty())
        .or_else(|| {
            std::env::var("PAYROLL_SYNC_COMMIT")
                .ok()
                .filter(|c| !c.is_empty())
        })
        .unwrap_or_else(|| "unknown commit".to_string());
    println!("cargo:rustc-env=PAYROLL_SYNC_BUILD_COMMIT={commit}");
}
