//! The mapped export, kept out of memory: every row's outcome (mapped values or the rejection)
//! encoded compactly, in export order, into any writer (a private temporary file for `plan`,
//! a byte vector for the in-memory diff), and read back as often as the diff needs.
//!
//! The encoding is private to this module and lives only as long as one run: each row is its
//! length and its bytes; lengths are LEB128, texts are UTF-8, numbers are their canonical text.
//! The format is in `format`, writing in `writer`, reading in `reader`. Reading decodes a row
//! from the reader's buffer and reuses the caller's buffers, so a pass over a million rows
//! allocates almost nothing; a pass that needs only the rows' keys ([`Fields::Keys`]) skips
//! the other values' texts.

mod format;
mod reader;
mod writer;

pub use format::{Item, empty_desired};
pub use reader::{Fields, SpoolReader};
pub use writer::SpoolWriter;

#[cfg(test)]
mod tests;
