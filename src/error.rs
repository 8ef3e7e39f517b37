//! The error a command ends with, and its exit code (design.md section 2).

use crate::charthop::ApiError;
use crate::import::ImportError;
use crate::mapping::MappingError;
use crate::plan::PlanError;
use crate::read::ReadError;
use crate::settings::SettingsError;

/// Exit codes, stable for cron, systemd and Kubernetes.
pub mod exit {
    pub const OK: u8 = 0;
    pub const INTERNAL: u8 = 1;
    pub const USAGE: u8 = 2;
    pub const CHANGES_PENDING: u8 = 3;
    pub const GUARD: u8 = 4;
    pub const PARTIAL: u8 = 5;
    pub const BAD_INPUT: u8 = 65;
    pub const TEMPORARY: u8 = 75;
    pub const AUTH: u8 = 77;
    pub const CONFIG: u8 = 78;
}

/// Everything a command can fail with.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Read(#[from] ReadError),
    #[error(transparent)]
    Mapping(#[from] MappingError),
    #[error(transparent)]
    Settings(#[from] SettingsError),
    #[error(transparent)]
    Api(#[from] ApiError),
    #[error(transparent)]
    Plan(#[from] PlanError),
    #[error(transparent)]
    Import(#[from] ImportError),
    #[error("{what}: {source}")]
    Io {
        what: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{0}")]
    Emulator(String),
}

impl Error {
    /// The process exit code for this error.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Read(_) => exit::BAD_INPUT,
            Error::Mapping(_) => exit::CONFIG,
            Error::Settings(e) => e.exit_code(),
            Error::Api(e) => e.exit_code(),
            Error::Plan(e) => e.exit_code(),
            Error::Import(e) => e.exit_code(),
            Error::Io { .. } | Error::Emulator(_) => exit::INTERNAL,
        }
    }

    /// What to do about it, when there is something to say.
    pub fn hint(&self) -> Option<String> {
        match self {
            Error::Read(e) => e.hint(),
            Error::Mapping(e) => e.hint(),
            Error::Settings(e) => e.hint(),
            Error::Api(e) => e.hint(),
            Error::Plan(e) => e.hint(),
            Error::Import(e) => e.hint(),
            Error::Io { .. } | Error::Emulator(_) => None,
        }
    }
}
