//! A child process's own peak memory (resident set size), for the tests that bound it.
//!
//! `wait4` on a child of this test binary cannot give it. Linux keeps a process's peak RSS
//! across `exec`, and at `exec` it records the peak of the memory the process had until then:
//! a copy of this binary's pages after `fork`, or this binary's own memory after `vfork` (what
//! `std::process::Command` uses when it can). So such a child's `ru_maxrss` is at least this
//! binary's peak, about 220 MB while the whole suite runs, whatever the child itself used.
//!
//! [`measure`] therefore starts the command from a launcher: this test binary started again,
//! fresh, running only [`child_process`] (a few MB). The launcher spawns the command, reaps it
//! with `wait4` and writes what it saw to a file. The reading is then the command's own peak
//! (or the launcher's few MB, if that were more), never this binary's memory; the first test
//! below shows both readings side by side.
//!
//! Linux only: `ru_maxrss` is in KiB there.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// What a measured run gave.
#[derive(Debug)]
pub struct Measured {
    /// The exit code, or minus the signal that ended the command.
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    /// The command's wall time (the launcher's start-up is not in it).
    pub elapsed: Duration,
    /// The command's own peak resident memory.
    pub peak_rss_mb: f64,
}

/// Makes a helper process the launcher: the request file (see [`launch`]).
const REQUEST: &str = "IT_PEAK_REQUEST";
/// Makes a helper process allocate and touch that many MB.
const ALLOCATE_MB: &str = "IT_PEAK_ALLOCATE_MB";

/// Runs `cmd` to its end (its program, arguments, working directory and environment changes;
/// stdin empty, stdout and stderr captured) through the launcher, and measures it.
/// `env_clear` is not carried over. Panics, as test helpers do, when the launcher fails.
pub fn measure(cmd: &Command) -> Measured {
    let tmp = tempfile::tempdir().unwrap();
    let file = |name: &str| tmp.path().join(name).to_str().unwrap().to_string();
    let request = json!({
        "program": cmd.get_program().to_str().unwrap(),
        "args": cmd.get_args().map(|a| a.to_str().unwrap()).collect::<Vec<_>>(),
        "dir": cmd.get_current_dir().map(|d| d.to_str().unwrap()),
        "stdout": file("stdout"),
        "stderr": file("stderr"),
        "result": file("result"),
    });
    std::fs::write(file("request"), request.to_string()).unwrap();
    let mut launcher = helper();
    for (k, v) in cmd.get_envs() {
        match v {
            Some(v) => launcher.env(k, v),
            None => launcher.env_remove(k),
        };
    }
    launcher.env(REQUEST, file("request"));
    let out = launcher.output().unwrap();
    let result = std::fs::read_to_string(file("result")).unwrap_or_else(|e| {
        panic!(
            "the launcher wrote no result ({e}): {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let result: Value = serde_json::from_str(&result).unwrap();
    Measured {
        code: result["code"].as_i64().unwrap() as i32,
        stdout: std::fs::read_to_string(file("stdout")).unwrap(),
        stderr: std::fs::read_to_string(file("stderr")).unwrap(),
        elapsed: Duration::from_nanos(result["elapsed_ns"].as_u64().unwrap()),
        peak_rss_mb: result["max_rss_kb"].as_f64().unwrap() / 1024.0,
    }
}

/// This test binary started again to run [`child_process`] only.
fn helper() -> Command {
    // `module_path!()` is `it::peak`; libtest names the test without the crate.
    let module = module_path!().split_once("::").map_or("", |(_, m)| m);
    let mut c = Command::new(std::env::current_exe().unwrap());
    c.arg(format!("{module}::child_process"))
        .args(["--exact", "--ignored", "--test-threads=1", "--quiet"])
        .env_remove(REQUEST)
        .env_remove(ALLOCATE_MB)
        .stdin(Stdio::null());
    c
}

/// Not a test: the entry point of the helper processes this module starts, whose job their
/// environment says (run by hand, without it, it does nothing).
#[test]
#[ignore = "a helper process of peak::measure, which starts it"]
fn child_process() {
    if let Some(request) = std::env::var_os(REQUEST) {
        launch(Path::new(&request));
    } else if let Ok(mb) = std::env::var(ALLOCATE_MB) {
        std::hint::black_box(touched(mb.parse().unwrap()));
    }
}

/// The launcher: runs the request's command (without this module's variables), reaps it with
/// `wait4`, and writes its wall time, peak RSS and exit code to the request's result file.
fn launch(request: &Path) {
    let r: Value = serde_json::from_str(&std::fs::read_to_string(request).unwrap()).unwrap();
    let path = |key: &str| PathBuf::from(r[key].as_str().unwrap());
    let mut c = Command::new(path("program"));
    for a in r["args"].as_array().unwrap() {
        c.arg(a.as_str().unwrap());
    }
    if let Some(dir) = r["dir"].as_str() {
        c.current_dir(dir);
    }
    c.env_remove(REQUEST)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(path("stdout")).unwrap())
        .stderr(std::fs::File::create(path("stderr")).unwrap());
    let (code, max_rss_kb, elapsed) = run_and_reap(&mut c);
    let result = json!({
        "code": code,
        "max_rss_kb": max_rss_kb,
        "elapsed_ns": elapsed.as_nanos() as u64,
    });
    std::fs::write(path("result"), result.to_string()).unwrap();
}

/// Spawns `c` as a direct child of this process and reaps it with `wait4`: its exit code (or
/// minus its signal), its `ru_maxrss` in KiB and its wall time. Right only when this process
/// is small (see the module doc).
fn run_and_reap(c: &mut Command) -> (i32, i64, Duration) {
    let started = Instant::now();
    // Reaped by `wait4` below, which clippy cannot see.
    #[allow(clippy::zombie_processes)]
    let child = c.spawn().unwrap();
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value; wait4 fills it for our own child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waits for the child spawned above, which nothing else waits for.
    let got = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let elapsed = started.elapsed();
    assert_eq!(got, pid, "wait4: {}", std::io::Error::last_os_error());
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -libc::WTERMSIG(status)
    };
    (code, usage.ru_maxrss, elapsed)
}

/// `mb` MB of heap, every page written.
fn touched(mb: usize) -> Vec<u8> {
    let mut v = vec![0u8; mb << 20];
    for page in v.chunks_mut(4096) {
        page[0] = 1;
    }
    v
}

/// A helper process that allocates and touches `mb` MB, then exits.
fn allocating(mb: usize) -> Command {
    let mut c = helper();
    c.env(ALLOCATE_MB, mb.to_string())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    c
}

/// The issue this module exists for, reproduced: with this binary holding 300 MB, `wait4` on
/// a direct child that uses 20 MB reports over 300 MB, and [`measure`] reports the child's own
/// 20 MB (plus the few MB any process has), for a small child and for a large one.
#[test]
fn the_reading_is_the_childs_own_peak_not_this_binarys() {
    let ballast = touched(300);
    let (code, direct_kb, _) = run_and_reap(&mut allocating(20));
    assert_eq!(code, 0);
    let small = measure(&allocating(20));
    let large = measure(&allocating(150));
    drop(std::hint::black_box(ballast));
    let direct_mb = direct_kb as f64 / 1024.0;
    eprintln!(
        "20 MB child: wait4 on a direct child {direct_mb:.1} MB, through the launcher {:.1} MB; \
         150 MB child: {:.1} MB",
        small.peak_rss_mb, large.peak_rss_mb
    );
    assert!(
        direct_mb > 300.0,
        "a direct child's ru_maxrss includes this binary's 300 MB: {direct_mb:.1} MB"
    );
    assert_eq!((small.code, large.code), (0, 0), "{small:?} {large:?}");
    assert!(
        small.peak_rss_mb > 20.0 && small.peak_rss_mb < 50.0,
        "{small:?}"
    );
    assert!(
        large.peak_rss_mb > 150.0 && large.peak_rss_mb < 180.0,
        "{large:?}"
    );
}

#[test]
fn a_measured_run_gives_the_commands_exit_code_output_and_time() {
    let mut c = Command::new("sh");
    c.args([
        "-c",
        "echo out; echo \"$PEAK_TEST_WORD\" >&2; sleep 0.2; exit 3",
    ])
    .env("PEAK_TEST_WORD", "err");
    let m = measure(&c);
    assert_eq!(
        (m.code, m.stdout.as_str(), m.stderr.as_str()),
        (3, "out\n", "err\n")
    );
    assert!(m.elapsed >= Duration::from_millis(200), "{:?}", m.elapsed);
    let m = measure(Command::new("sh").args(["-c", "kill -9 $$"]));
    assert_eq!(m.code, -9);
}
