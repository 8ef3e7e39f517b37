//! Running a case `runs` times with its baseline beside it: baseline and case alternate, so
//! both see the same machine; medians of each.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::data::Data;
use crate::measure::{self, median, median_u64};

type Error = Box<dyn std::error::Error>;

/// The bench's ChartHop token (the emulator and the replay accept it).
pub const TOKEN: &str = "bench-token";

/// Medians over the runs of a case and its baseline.
#[derive(Debug, Clone, Copy)]
pub struct Paired {
    /// The baseline's median time.
    pub base: Duration,
    /// The case's median wall time.
    pub wall: Duration,
    /// The case's median memory: peak RSS (whole-process cases) or peak heap (in-process).
    pub memory: u64,
}

/// Runs `base` and `case` alternately, `runs` times each, with one more `base` at the end, so
/// each run of the case has a baseline run just before and just after it; medians of each.
/// `case` returns its wall time and memory.
///
/// Fails with the first error of either.
pub fn paired(
    runs: usize,
    mut base: impl FnMut() -> Result<Duration, Error>,
    mut case: impl FnMut() -> Result<(Duration, u64), Error>,
) -> Result<Paired, Error> {
    let (mut bases, mut walls, mut memory) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..runs.max(1) {
        bases.push(base()?);
        let (w, m) = case()?;
        walls.push(w);
        memory.push(m);
    }
    bases.push(base()?);
    Ok(Paired {
        base: median(bases),
        wall: median(walls),
        memory: median_u64(memory),
    })
}

/// Runs `f` in-process; its wall time and the peak live heap it added.
pub fn in_process<T>(mut f: impl FnMut() -> Result<T, Error>) -> Result<(Duration, u64), Error> {
    let base = measure::reset_peak();
    let t = Instant::now();
    f()?;
    let wall = t.elapsed();
    Ok((wall, measure::peak().saturating_sub(base) as u64))
}

/// `payroll-sync` with settings for `url`, nothing from the caller's environment.
pub fn binary(url: &str, dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_payroll-sync"));
    for (k, _) in std::env::vars() {
        if k.starts_with("PAYROLL_SYNC_") || k == "RUST_LOG" {
            c.env_remove(k);
        }
    }
    c.current_dir(dir)
        .env("PAYROLL_SYNC_CHARTHOP_URL", url)
        .env("PAYROLL_SYNC_CHARTHOP_ORG", bench_data::ORG)
        .env("PAYROLL_SYNC_CHARTHOP_TOKEN", TOKEN)
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    c
}

/// Runs `payroll-sync plan` once into a fresh `out`; its wall time and peak RSS. Exit 0, or 4
/// when a guard trips (the plan is still written).
///
/// Fails when the process cannot be run or exits with anything else.
pub fn plan_once(
    url: &str,
    data: &Data,
    input: &Path,
    out: &Path,
) -> Result<(Duration, u64), Error> {
    let _ = std::fs::remove_dir_all(out);
    let mut c = binary(url, &data.dir);
    c.args(["plan", "--input"])
        .arg(input)
        .arg("--mapping")
        .arg(data.mapping())
        .arg("--out")
        .arg(out);
    let r = measure::run(&mut c)?;
    if r.code != 0 && r.code != 4 {
        return Err(format!("plan exited with {} on {}", r.code, input.display()).into());
    }
    Ok((r.wall, r.max_rss))
}

/// Runs `payroll-sync check MAPPING --input FILE` (read and map, streamed) once; its wall
/// time and peak RSS.
///
/// Fails when the process cannot be run or does not exit 0.
pub fn check_once(data: &Data, input: &Path) -> Result<(Duration, u64), Error> {
    let mut c = binary("http://127.0.0.1:9", &data.dir);
    c.arg("check").arg(data.mapping()).arg("--input").arg(input);
    let r = measure::run(&mut c)?;
    if r.code != 0 {
        return Err(format!("check exited with {} on {}", r.code, input.display()).into());
    }
    Ok((r.wall, r.max_rss))
}
