//! One run at a time per org: a lock file beside the run ledger.
//!
//! The lock is a file created exclusively, holding the owner's pid, host and start time. A lock
//! whose process no longer runs on this host is stale and is taken over (a crashed run must not
//! block every night after it). The file is removed when the lock is dropped.

use crate::failure::Failure;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// A held lock; released on drop.
#[derive(Debug)]
pub struct RunLock {
    path: PathBuf,
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
    /// Takes the lock for `org` in `dir` (created if missing), taking over a stale one.
    ///
    /// Fails with [`LockError::Held`] while another live run holds it.
    pub fn acquire(dir: &Path, org: &str) -> Result<RunLock, LockError> {
        let path = lock_path(dir, org);
        let io = |source| LockError::Io {
            path: path.clone(),
            source,
        };
        crate::fsutil::create_private_dir(dir).map_err(io)?;
        for _ in 0..2 {
            match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
            {
                Ok(mut file) => {
                    let owner = Owner {
                        pid: std::process::id(),
                        host: hostname(),
                        started_at: chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string(),
                    };
                    let text = serde_json::to_string(&owner).unwrap_or_default();
                    file.write_all(text.as_bytes()).map_err(io)?;
                    return Ok(RunLock { path });
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    let owner: Option<Owner> = std::fs::read_to_string(&path)
                        .ok()
                        .and_then(|t| serde_json::from_str(&t).ok());
                    match owner {
                        Some(o) if o.host != hostname() || alive(o.pid) => {
                            return Err(LockError::Held {
                                path,
                                pid: o.pid,
                                host: o.host,
                                since: o.started_at,
                            });
                        }
                        Some(o) => {
                            tracing::warn!(
                                pid = o.pid,
                                "taking over a stale run lock left by a run that is gone"
                            );
                            let _ = std::fs::remove_file(&path);
                        }
                        None => {
                            // Being written this instant, or unreadable: treat as held.
                            return Err(LockError::Held {
                                path,
                                pid: 0,
                                host: "?".into(),
                                since: "just now".into(),
                            });
                        }
                    }
                }
                Err(e) => return Err(io(e)),
            }
        }
        Err(LockError::Io {
            path,
            source: std::io::Error::other("the lock changed hands while taking it"),
        })
    }
}

/// Who holds the lock for `org` in `dir` now, without taking it: `Some("pid N on HOST, since
/// T")` for a live run, `None` when it is free (no lock file, or a stale one a run would take
/// over).
pub fn holder(dir: &Path, org: &str) -> Option<String> {
    let path = lock_path(dir, org);
    let text = std::fs::read_to_string(&path).ok()?;
    match serde_json::from_str::<Owner>(&text) {
        Ok(o) if o.host != hostname() || alive(o.pid) => Some(format!(
            "pid {} on {}, since {}",
            o.pid, o.host, o.started_at
        )),
        Ok(_) => None,
        Err(_) => Some("a run starting this instant (the lock file is being written)".into()),
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
        let _ = std::fs::remove_file(&self.path);
    }
}

fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_string())
        .or_else(|_| std::env::var("HOSTNAME"))
        .unwrap_or_else(|_| "localhost".into())
}

/// Whether a process with this pid exists on this host.
fn alive(pid: u32) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_holder_at_a_time_and_stale_locks_are_taken_over() {
        let dir = tempfile::tempdir().unwrap();
        let a = RunLock::acquire(dir.path(), "acme").unwrap();
        let e = RunLock::acquire(dir.path(), "acme").unwrap_err();
        assert!(e.to_string().contains("another run holds the lock"), "{e}");
        drop(a);
        let b = RunLock::acquire(dir.path(), "acme").unwrap();
        drop(b);
        // A lock left by a process that is gone.
        let stale = Owner {
            pid: u32::MAX - 1,
            host: hostname(),
            started_at: "yesterday".into(),
        };
        std::fs::write(
            dir.path().join(".lock-acme"),
            serde_json::to_string(&stale).unwrap(),
        )
        .unwrap();
        let c = RunLock::acquire(dir.path(), "acme");
        assert!(c.is_ok());
    }
}
