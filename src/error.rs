//! The error a command ends with, and its exit code (the table in README.md, Exit codes).

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
    #[error(transparent)]
    Lock(#[from] crate::lock::LockError),
    #[error("refused by the safety guards, nothing was uploaded: {reasons}")]
    Guard {
        reasons: String,
        dir: std::path::PathBuf,
        hash: String,
    },
    #[error("the approval `{given}` is not this plan's hash; nothing was uploaded")]
    WrongApproval {
        given: String,
        dir: std::path::PathBuf,
    },
    #[error("the plan is stale: ChartHop changed since planning, nothing was uploaded: {details}")]
    Stale { details: String },
    #[error("{count} planned change(s) did not land in ChartHop; see `{}`", .dir.join("verify.json").display())]
    NotLanded {
        count: usize,
        dir: std::path::PathBuf,
    },
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
            Error::Lock(crate::lock::LockError::Held { .. }) => exit::TEMPORARY,
            Error::Lock(_) => exit::INTERNAL,
            Error::Guard { .. } | Error::WrongApproval { .. } | Error::Stale { .. } => exit::GUARD,
            Error::NotLanded { .. } => exit::PARTIAL,
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
            Error::Lock(_) => Some("wait for the other run to finish; a lock left by a crashed run is taken over automatically".into()),
            Error::Guard { dir, hash, .. } => Some(format!(
                "review {}, then approve exactly this plan with: payroll-sync apply {} --approve {hash}",
                dir.join("report.md").display(),
                dir.display()
            )),
            Error::WrongApproval { dir, .. } => Some(format!(
                "the hash to approve is printed by `payroll-sync plan` and is the SHA-256 of {}",
                dir.join("plan.json").display()
            )),
            Error::Stale { .. } => Some("make a new plan and review it again".into()),
            Error::NotLanded { .. } => Some("check those people in ChartHop; a new plan shows what is still different".into()),
        }
    }
}
