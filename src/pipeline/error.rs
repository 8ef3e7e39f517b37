//! The error a command ends with, and the exit-code table (README, section Exit codes).
//!
//! This is the top of the program: every stage has its own error type saying which
//! [`Failure`] it is; here they meet, and here alone a kind of failure becomes a number.

use crate::charthop::ApiError;
use crate::failure::Failure;
use crate::fetch::export::ExportError;
use crate::import::ImportError;
use crate::mapping::MappingError;
use crate::plan::PlanError;
use crate::read::ReadError;
use crate::settings::SettingsError;

/// Exit codes, stable for cron, systemd and Kubernetes.
pub mod exit {
    use crate::failure::Failure;

    /// The exit code of a kind of failure.
    pub fn code(failure: Failure) -> u8 {
        match failure {
            Failure::Internal => INTERNAL,
            Failure::Guard => GUARD,
            Failure::Partial => PARTIAL,
            Failure::BadInput => BAD_INPUT,
            Failure::Temporary => TEMPORARY,
            Failure::Auth => AUTH,
            Failure::Config => CONFIG,
        }
    }

    pub const OK: u8 = 0;
    pub const INTERNAL: u8 = 1;
    pub const USAGE: u8 = 2;
    pub const CHANGES_PENDING: u8 = 3;
    pub const GUARD: u8 = 4;
    pub const PARTIAL: u8 = 5;
    /// Done: everything planned landed, but some export rows were left out as conflicts or
    /// rejected (see the report); the run's own work is complete.
    pub const LEFT_OUT: u8 = 6;
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
    #[error(transparent)]
    Export(#[from] ExportError),
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
    #[error("{count} planned change(s) did not land in ChartHop: {first}; see `{}`", .dir.join("verify.json").display())]
    NotLanded {
        count: usize,
        /// The first few, each naming its row, person and field.
        first: String,
        dir: std::path::PathBuf,
    },
}

impl Error {
    /// The process exit code for this error.
    pub fn exit_code(&self) -> u8 {
        exit::code(self.failure())
    }

    /// What kind of failure this is.
    pub fn failure(&self) -> Failure {
        match self {
            Error::Read(_) => Failure::BadInput,
            Error::Mapping(e) => e.failure(),
            Error::Settings(e) => e.failure(),
            Error::Api(e) => e.failure(),
            Error::Plan(e) => e.failure(),
            Error::Import(e) => e.failure(),
            Error::Export(e) => e.failure(),
            Error::Io { .. } | Error::Emulator(_) => Failure::Internal,
            Error::Lock(e) => e.failure(),
            Error::Guard { .. } | Error::WrongApproval { .. } | Error::Stale { .. } => {
                Failure::Guard
            }
            Error::NotLanded { .. } => Failure::Partial,
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
            Error::Export(e) => e.hint(),
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
