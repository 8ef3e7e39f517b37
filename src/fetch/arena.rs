//! The roster's text arena: values stored one after another with a short length prefix and
//! referenced by their 4-byte offset, and the per-field interning that stores a repeated value
//! once.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use super::error::RosterError;
use crate::textindex::hash_bytes;

/// No value.
pub(super) const NONE: u32 = u32::MAX;

/// Appends a length-prefixed value; its reference. Prefix: one byte below 0x40 (length < 64),
/// two bytes from 0x40 (length < 4096), four bytes from 0x60; every prefix byte below 0x80.
pub(super) fn store(text: &mut String, value: &str) -> Result<u32, RosterError> {
    let at = u32::try_from(text.len() + value.len() + 4)
        .ok()
        .filter(|&end| end < NONE)
        .map(|_| text.len() as u32)
        .ok_or(RosterError::TooLarge)?;
    let n = value.len();
    let mut prefix = [0u8; 4];
    let used = if n < 0x40 {
        prefix[0] = n as u8;
        1
    } else if n < 0x1000 {
        prefix[0] = 0x40 | (n >> 7) as u8;
        prefix[1] = (n & 0x7f) as u8;
        2
    } else {
        prefix[0] = 0x60 | ((n >> 21) & 0x1f) as u8;
        prefix[1] = ((n >> 14) & 0x7f) as u8;
        prefix[2] = ((n >> 7) & 0x7f) as u8;
        prefix[3] = (n & 0x7f) as u8;
        4
    };
    for &b in &prefix[..used] {
        text.push(char::from(b));
    }
    text.push_str(value);
    Ok(at)
}

/// The value at a reference (`""` for none).
pub(super) fn read(text: &str, at: u32) -> &str {
    if at == NONE {
        return "";
    }
    let at = at as usize;
    let b = text.as_bytes();
    let byte = |i: usize| b.get(at + i).map_or(0, |&x| usize::from(x));
    let (len, skip) = match byte(0) {
        x if x < 0x40 => (x, 1),
        x if x < 0x60 => (((x & 0x1f) << 7) | byte(1), 2),
        x => (
            ((x & 0x1f) << 21) | (byte(1) << 14) | (byte(2) << 7) | byte(3),
            4,
        ),
    };
    text.get(at + skip..at + skip + len).unwrap_or("")
}

/// Values of one slot stored once while they keep repeating: after 1,024 values, a slot where
/// more than half were new stops interning (ids, emails), and no slot keeps more than 2^18.
#[derive(Debug, Clone)]
pub(super) struct Intern {
    map: Option<HashMap<u64, u32, BuildHasherDefault<Identity>>>,
    seen: u32,
    added: u32,
}

impl Intern {
    pub(super) fn on() -> Intern {
        Intern {
            map: Some(HashMap::default()),
            seen: 0,
            added: 0,
        }
    }

    pub(super) fn off() -> Intern {
        Intern {
            map: None,
            seen: 0,
            added: 0,
        }
    }

    pub(super) fn find(&mut self, text: &str, value: &str) -> Option<u32> {
        let map = self.map.as_ref()?;
        self.seen += 1;
        let at = *map.get(&hash_bytes(value.as_bytes()))?;
        (read(text, at) == value).then_some(at)
    }

    pub(super) fn add(&mut self, value: &str, at: u32) {
        let Some(map) = &mut self.map else {
            return;
        };
        self.added += 1;
        if self.seen >= 1024 && self.added * 2 > self.seen {
            self.map = None;
            return;
        }
        if map.len() < 1 << 18 {
            map.entry(hash_bytes(value.as_bytes())).or_insert(at);
        }
    }

    pub(super) fn heap_bytes(&self) -> usize {
        self.map.as_ref().map_or(0, |m| m.capacity() * 13)
    }
}

/// A hasher for keys that are hashes already.
#[derive(Debug, Default, Clone, Copy)]
struct Identity(u64);

impl Hasher for Identity {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) | u64::from(b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}
