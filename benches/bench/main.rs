//! `make bench`: generated data at payroll sizes through the real binary (wall time, peak RSS)
//! and through the library (stage numbers), each case judged by its ratio to a baseline run
//! beside it on the same data; printed as one table and written as JSON to
//! `<target dir>/bench/results.json` (and a Markdown table to `results.md` beside it).
//!
//! `cargo bench --bench bench -- --scale 0.1` runs every case at a tenth of the size (for
//! development); `--runs N` sets how many runs a median is taken over (default 3).
//! Data is generated once per size into `<target dir>/bench/data-*` and reused.

mod baseline;
mod cases;
mod data;
mod measure;
mod replay;
mod report;
mod runs;
mod stages;
mod whole;

use std::path::{Path, PathBuf};

#[global_allocator]
static ALLOC: measure::Counting = measure::Counting;

fn main() {
    let argv: Vec<String> = std::env::args().collect();
    if argv.get(1).map(String::as_str) == Some("--launch") {
        let code = match argv.get(2) {
            Some(program) => measure::launch(program, &argv[3..]).map_or(1, |()| 0),
            None => 2,
        };
        std::process::exit(code);
    }
    // `cargo test --all-targets` (make test) runs bench targets without `--bench`: nothing to
    // measure in a debug build.
    if !argv.iter().any(|a| a == "--bench") {
        eprintln!("bench: run with `make bench` (cargo bench passes --bench)");
        return;
    }
    let mut scale = 1.0f64;
    let mut runs = 3usize;
    let mut only = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--scale" => scale = args.next().and_then(|v| v.parse().ok()).unwrap_or(1.0),
            "--runs" => runs = args.next().and_then(|v| v.parse().ok()).unwrap_or(3),
            "--only" => only = args.next(),
            // `cargo bench` passes `--bench`.
            _ => {}
        }
    }
    let root = bench_root();
    match cases::run_all(&root, scale, runs.max(1), only.as_deref()) {
        Ok(results) => {
            let table = report::table(&results);
            println!("{table}");
            if let Err(e) = report::write(&root, &results, scale) {
                eprintln!("bench: writing the results failed: {e}");
                std::process::exit(1);
            }
            println!("written: {}", root.join("results.json").display());
        }
        Err(e) => {
            eprintln!("bench: {e}");
            std::process::exit(1);
        }
    }
}

/// Where the bench keeps its data, scratch files and results: `bench/` in the target directory
/// this binary was built into (cargo runs it from `<target dir>/<profile>/deps/`), so
/// `CARGO_TARGET_DIR` and `build.target-dir` are respected; `target/bench` beside the
/// manifest when the binary is elsewhere.
fn bench_root() -> PathBuf {
    let built_into = std::env::current_exe().ok().and_then(|exe| {
        let deps = exe.parent()?;
        if deps.file_name()? != "deps" {
            return None;
        }
        Some(deps.parent()?.parent()?.to_path_buf())
    });
    built_into
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"))
        .join("bench")
}
