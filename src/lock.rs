//! One run at a time per org: a kernel lock (`flock`) on a file beside the run ledger.
//!
//! The kernel releases the lock when its holder dies, in any container or pid namespace, so a
//! crashed or OOM-killed run never wedges the nights after it, and racing runs cannot both win.
//! The file's content (the holder's pid, host and start time, as JSON) is information for the
//! message only, never what decides: an empty or garbled file, or one naming another host, is
//! simply taken. The file stays in place (removing it would let two runs lock two files).

use crate::failure::Failure;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// A held lock; released on drop.
#[derive(Debug)]
pub struct RunLock {
    path: PathBuf,
    /// Holds the kernel lock while open; closing it (drop) releases the lock.
    file: std::fs::File,
}

#[derive(Debug, Serialize, Deserialize)]
struct Owner {
    pid: u32,
    host: String,
    started_at: String,
}

/// Why the lock could not be taken.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error("another run holds the lock `{path}` (pid {pid} on {host}, since {since})")]
    Held {
        path: PathBuf,
        pid: u32,
        host: String,
        since: String,
    },
    #[error("cannot take the run lock `{path}`: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl LockError {
    /// What kind of failure this is: a lock another run holds is temporary (try later).
    pub fn failure(&self) -> Failure {
        match self {
            LockError::Held { .. } => Failure::Temporary,
            LockError::Io { .. } => Failure::Internal,
        }
    }
}

impl RunLock {
    /// Takes the lock for `org` in `dir` (created if missing) and records who holds it.
    ///
    /// Fails with [`LockError::Held`] while another live run holds it, and with
    /// [`LockError::Io`] when the file cannot be opened, locked or written.
    pub fn acquire(dir: &Path, org: &str) -> Result<RunLock, LockError> {
        let path = lock_path(dir, org);
        let io = |source| LockError::Io {
            path: path.clone(),
            source,
        };
        crate::fsutil::create_private_dir(dir).map_err(io)?;
        let mut file = open(&path).map_err(io)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                let owner = read_owner(&path);
                return Err(LockError::Held {
                    path,
                    pid: owner.as_ref().map_or(0, |o| o.pid),
                    host: owner
                        .as_ref()
                        .map_or_else(|| "?".into(), |o| o.host.clone()),
                    since: owner.map_or_else(|| "(not recorded)".into(), |o| o.started_at),
                });
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(io(e)),
        }
        let owner = Owner {
            pid: std::process::id(),
            host: hostname(),
            started_at: chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        };
        let text = serde_json::to_string(&owner).unwrap_or_default();
        file.set_len(0).map_err(io)?;
        file.write_all(text.as_bytes()).map_err(io)?;
        Ok(RunLock { path, file })
    }
}

/// The lock file, opened for writing (created private if missing), never truncated here.
fn open(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o600)
        .open(path)
}

/// The holder the lock file names, when it can be read.
fn read_owner(path: &Path) -> Option<Owner> {
    std::fs::read_to_string(path)
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
}

/// Who holds the lock for `org` in `dir` now, without taking it: `Some("pid N on HOST, since
/// T")` while a live run holds it, `None` when it is free (asked of the kernel: a file left
/// behind by a run that is gone is free).
pub fn holder(dir: &Path, org: &str) -> Option<String> {
    let path = lock_path(dir, org);
    if !path.exists() {
        return None;
    }
    let file = open(&path).ok()?;
    match file.try_lock() {
        Ok(()) => {
            let _ = file.unlock();
            None
        }
        Err(_) => Some(match read_owner(&path) {
            Some(o) => format!("pid {} on {}, since {}", o.pid, o.host, o.started_at),
            None => "a run whose details are not recorded yet".into(),
        }),
    }
}

/// The lock file of `org` in `dir`.
fn lock_path(dir: &Path, org: &str) -> PathBuf {
    let safe: String = org
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    dir.join(format!(".lock-{safe}"))
}

impl Drop for RunLock {
    fn drop(&mut self) {
        // The file stays; the lock goes with the handle (and with the process, if it dies).
        let _ = self.file.set_len(0);
        let _ = self.file.unlock();
        tracing::debug!(path = %self.path.display(), "run lock released");
    }
}

fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_string())
        .or_else(|_| std::env::var("HOSTNAME"))
        .unwrap_or_else(|_| "localhost".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_holder_at_a_time_and_what_a_dead_run_left_is_taken() {
        let dir = tempfile::tempdir().unwrap();
        let a = RunLock::acquire(dir.path(), "acme").unwrap();
        let e = RunLock::acquire(dir.path(), "acme").unwrap_err();
        assert!(e.to_string().contains("another run holds the lock"), "{e}");
        assert!(
            e.to_string()
                .contains(&format!("pid {}", std::process::id())),
            "{e}"
        );
        assert!(holder(dir.path(), "acme").is_some());
        drop(a);
        assert!(holder(dir.path(), "acme").is_none());
        // What a crash between creating and writing leaves, garbage, a lock from another host:
        // none is held by the kernel, so each is taken.
        let other = Owner {
            pid: 1,
            host: "pod-7f9c".into(),
            started_at: "yesterday".into(),
        };
        for text in [
            String::new(),
            "\u{0}garbage".into(),
            serde_json::to_string(&other).unwrap(),
        ] {
            std::fs::write(dir.path().join(".lock-acme"), &text).unwrap();
            let l = RunLock::acquire(dir.path(), "acme");
            assert!(l.is_ok(), "{text:?}: {l:?}");
        }
    }

    #[test]
    fn racing_runs_never_both_hold_it() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(".lock-acme"), "stale").unwrap();
        let path = dir.path().to_path_buf();
        let held = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let most = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let threads: Vec<_> = (0..3)
            .map(|_| {
                let (path, held, most) = (path.clone(), held.clone(), most.clone());
                std::thread::spawn(move || {
                    for _ in 0..50 {
                        if let Ok(l) = RunLock::acquire(&path, "acme") {
                            let now = held.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
                            most.fetch_max(now, std::sync::atomic::Ordering::SeqCst);
                            std::thread::yield_now();
                            held.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
                            drop(l);
                        }
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        assert_eq!(most.load(std::sync::atomic::Ordering::SeqCst), 1);
    }

    #[test]
    fn the_kernel_frees_the_lock_of_a_killed_holder() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".lock-acme");
        std::fs::write(&path, "").unwrap();
        // A holder in another process: `flock -o FILE sleep 60` (the lock stays with `flock`
        // itself, not its child), then SIGKILL.
        let Ok(mut child) = std::process::Command::new("flock")
            .arg("-o")
            .arg(&path)
            .args(["sleep", "60"])
            .spawn()
        else {
            eprintln!("skipped: the `flock` command (util-linux) is not installed");
            return;
        };
        let mut held = false;
        for _ in 0..100 {
            if holder(dir.path(), "acme").is_some() {
                held = true;
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        assert!(held, "the child took the lock");
        assert!(RunLock::acquire(dir.path(), "acme").is_err());
        child.kill().unwrap();
        child.wait().unwrap();
        let l = RunLock::acquire(dir.path(), "acme");
        assert!(l.is_ok(), "{l:?}");
    }
}
