//! Measuring: a counting allocator (live and peak heap of in-process stages), whole-process
//! runs of the real binary with their peak RSS from `wait4`, and medians.

use std::alloc::{GlobalAlloc, Layout, System};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// The system allocator, counting live bytes and their peak.
pub struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(live, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new) };
        if !p.is_null() {
            if new >= layout.size() {
                let live =
                    LIVE.fetch_add(new - layout.size(), Ordering::Relaxed) + (new - layout.size());
                PEAK.fetch_max(live, Ordering::Relaxed);
            } else {
                LIVE.fetch_sub(layout.size() - new, Ordering::Relaxed);
            }
        }
        p
    }
}

/// Live heap bytes now.
pub fn live() -> usize {
    LIVE.load(Ordering::Relaxed)
}

/// Resets the peak to the live bytes; returns the live bytes.
pub fn reset_peak() -> usize {
    let l = live();
    PEAK.store(l, Ordering::Relaxed);
    l
}

/// The peak of live heap bytes since [`reset_peak`].
pub fn peak() -> usize {
    PEAK.load(Ordering::Relaxed)
}

/// A finished child: wall time, peak RSS and exit code.
#[derive(Debug, Clone, Copy)]
pub struct Run {
    pub wall: Duration,
    pub max_rss: u64,
    pub code: i32,
}

/// Runs `cmd` to the end and measures it, through a launcher: this binary started again with
/// `--launch` (see [`launch`]).
///
/// Why: Linux carries a process's peak RSS across `exec`, so a child forked straight from this
/// process (which holds generated data) would report this process's size as its own peak. The
/// launcher is a fresh, small process, and its child's peak is the child's.
pub fn run(cmd: &mut Command) -> std::io::Result<Run> {
    let mut l = Command::new(std::env::current_exe()?);
    l.arg("--launch")
        .arg(cmd.get_program())
        .args(cmd.get_args());
    if let Some(dir) = cmd.get_current_dir() {
        l.current_dir(dir);
    }
    for (k, v) in cmd.get_envs() {
        match v {
            Some(v) => l.env(k, v),
            None => l.env_remove(k),
        };
    }
    let out = l.stderr(std::process::Stdio::inherit()).output()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let mut it = text.split_whitespace().map(|v| v.parse::<i64>().ok());
    match (
        it.next().flatten(),
        it.next().flatten(),
        it.next().flatten(),
    ) {
        (Some(ns), Some(rss), Some(code)) => Ok(Run {
            wall: Duration::from_nanos(ns as u64),
            max_rss: rss as u64,
            code: code as i32,
        }),
        _ => Err(std::io::Error::other(format!("the launcher said `{text}`"))),
    }
}

/// The launcher's side: runs `program args...` (output discarded) and prints its wall time in
/// nanoseconds, its peak RSS in bytes and its exit code.
pub fn launch(program: &str, args: &[String]) -> std::io::Result<()> {
    let mut c = Command::new(program);
    c.args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    let r = run_direct(&mut c)?;
    println!("{} {} {}", r.wall.as_nanos(), r.max_rss, r.code);
    Ok(())
}

/// Runs `cmd` as a direct child; `wait4` gives its peak RSS.
fn run_direct(cmd: &mut Command) -> std::io::Result<Run> {
    let start = Instant::now();
    let child = cmd.spawn()?;
    let pid = child.id() as libc::pid_t;
    let mut status: libc::c_int = 0;
    // SAFETY: a zeroed rusage is a valid value to be filled in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `pid` is our child, not yet waited for; both pointers are valid.
    let got = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = start.elapsed();
    if got != pid {
        return Err(std::io::Error::last_os_error());
    }
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -1
    };
    // Linux reports ru_maxrss in KiB.
    Ok(Run {
        wall,
        max_rss: usage.ru_maxrss as u64 * 1024,
        code,
    })
}

/// The median of some durations (the upper one of an even count).
pub fn median(mut xs: Vec<Duration>) -> Duration {
    xs.sort();
    xs.get(xs.len() / 2).copied().unwrap_or_default()
}

/// The median of some byte counts.
pub fn median_u64(mut xs: Vec<u64>) -> u64 {
    xs.sort_unstable();
    xs.get(xs.len() / 2).copied().unwrap_or_default()
}
