//! The spool's format: what a row holds, its tags, and the numbers' encodings. Shared by the
//! writer and the reader.

use std::io;

use crate::mapping::{Desired, Rejection};

/// One row read back.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Mapped(Desired),
    Rejected(Rejection),
}

// Row tags.
pub(super) const MAPPED: u8 = 1;
pub(super) const REJECTED: u8 = 2;

// Value tags.
pub(super) const NONE: u8 = 0;
pub(super) const TEXT: u8 = 1;
pub(super) const DATE: u8 = 2;
pub(super) const NUMBER: u8 = 3;
pub(super) const MONEY: u8 = 4;
pub(super) const TRUE: u8 = 5;
pub(super) const FALSE: u8 = 6;
pub(super) const CLEAR: u8 = 7;

/// The longest row and the longest text read back; longer means the bytes are not a spool.
pub(super) const MAX_LEN: u64 = 1 << 30;
/// The most values a row has.
pub(super) const MAX_VALUES: usize = 1 << 16;

/// A mapped row with nothing in it (a buffer to read into).
pub fn empty_desired() -> Desired {
    Desired {
        row: 0,
        key: None,
        fallback: None,
        values: Vec::new(),
        manager_ref: None,
        left_status: false,
        status_active: false,
        termination_date: None,
        rehire_date: None,
        effective_date: None,
        depart: None,
    }
}

/// A rejection with nothing in it (a buffer to read into).
pub(super) fn empty_rejection() -> Rejection {
    Rejection {
        row: 0,
        column: None,
        field: String::new(),
        reason: String::new(),
        value: None,
        name: None,
    }
}

/// The error for bytes that are not a spool: only a damaged temporary file can cause it.
pub(super) fn bad(what: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("the temporary row spool is damaged: {what}"),
    )
}

/// Appends `n` as LEB128.
pub(super) fn put_uint(b: &mut Vec<u8>, mut n: u64) {
    while n >= 0x80 {
        b.push((n as u8) | 0x80);
        n >>= 7;
    }
    b.push(n as u8);
}

pub(super) fn zigzag(n: i64) -> u64 {
    ((n << 1) ^ (n >> 63)) as u64
}

pub(super) fn unzigzag(n: u64) -> i64 {
    ((n >> 1) as i64) ^ -((n & 1) as i64)
}
