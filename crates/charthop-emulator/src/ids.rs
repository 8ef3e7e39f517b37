//! Mongo-style 24-hex ids for created jobs, people, groups, processes and events.
//!
//! Not cryptographically random: a timestamp, the process id and a counter, unique within one
//! emulator process, which is all the emulator needs.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// A fresh id: 24 lowercase hex characters, never repeated within this process.
pub fn new_id() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let count = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!(
        "{:08x}{:04x}{:012x}",
        secs & 0xffff_ffff,
        std::process::id() & 0xffff,
        count & 0xffff_ffff_ffff
    )
}

/// Whether `id` is 24 lowercase hex characters.
pub fn is_valid(id: &str) -> bool {
    id.len() == 24
        && id
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_valid_and_distinct() {
        let a = new_id();
        let b = new_id();
        assert!(is_valid(&a), "{a}");
        assert_ne!(a, b);
        assert!(!is_valid("5F0000000000000000000a01"));
        assert!(!is_valid("abc"));
    }
}
