//! The error type of the emulator's library API.

use std::net::SocketAddr;
use std::path::PathBuf;

/// Why the emulator could not start, or why an admin call failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A seed file has a bad value; names the file, the 1-based line (header = 1) and column.
    #[error("seed `{}` row {row}, column `{column}`: {message}", .file.display())]
    Seed {
        /// The seed file.
        file: PathBuf,
        /// 1-based file line; the header is line 1.
        row: u64,
        /// The column name.
        column: String,
        /// What is wrong.
        message: String,
    },
    /// A seed CSV file cannot be parsed.
    #[error("seed `{}` row {row}: {source}", .file.display())]
    SeedCsv {
        /// The seed file.
        file: PathBuf,
        /// 1-based file line where parsing failed (0 when unknown).
        row: u64,
        /// The parser's error.
        source: csv::Error,
    },
    /// A field of the seed's `fields.json` is wrong; names the file, the field (its code, or
    /// `#N` for the N-th entry without one) and what is wrong.
    #[error("seed `{}` field `{field}`: {message}", .file.display())]
    SeedField {
        /// The seed file.
        file: PathBuf,
        /// The field's code as written, or `#N`.
        field: String,
        /// What is wrong.
        message: String,
    },
    /// A JSON file (`org.json`, `fields.json` or the state file) cannot be parsed.
    #[error("parsing `{}`: {source}", .file.display())]
    Json {
        /// The file.
        file: PathBuf,
        /// The parser's error, with line and column.
        source: serde_json::Error,
    },
    /// A file cannot be read or written.
    #[error("{action} `{}`: {source}", .file.display())]
    Io {
        /// "reading" or "writing".
        action: &'static str,
        /// The file.
        file: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// The listening socket cannot be bound.
    #[error("binding the emulator to {addr}: {source}")]
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// The OS error.
        source: std::io::Error,
    },
    /// The async runtime or its thread cannot be started, or the server failed while running.
    #[error("emulator runtime: {0}")]
    Runtime(std::io::Error),
    /// `set_job_field` named a work email no filled job has.
    #[error("no filled job with work email `{0}`")]
    UnknownPerson(String),
    /// `set_job_field` named a field it cannot set, or a value that field rejects.
    #[error("field `{code}`: {message}")]
    InvalidField {
        /// The field code as given.
        code: String,
        /// What is wrong.
        message: String,
    },
    /// The HTTPS identity (certificate chain or key) is unusable.
    #[error("TLS identity: {0}")]
    Tls(String),
    /// `add_fault` got a rule it cannot apply.
    #[error("fault rule: {0}")]
    InvalidFault(String),
}
