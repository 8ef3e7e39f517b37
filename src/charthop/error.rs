/// A failed ChartHop call. Every variant names the method and the path.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("ChartHop refused the token ({method} {path}: {status} {message})")]
    Unauthorized {
        method: String,
        path: String,
        status: u16,
        message: String,
    },
    #[error("ChartHop denied access ({method} {path}: {status} {message})")]
    Forbidden {
        method: String,
        path: String,
        status: u16,
        message: String,
    },
    #[error("{method} {path} failed: {status} {message}")]
    Status {
        method: String,
        path: String,
        status: u16,
        message: String,
    },
    #[error("ChartHop is unavailable: {method} {path} failed {attempts} time(s); last: {last}")]
    Unavailable {
        method: String,
        path: String,
        attempts: u32,
        last: String,
    },
    #[error("{method} {path}: unexpected answer from ChartHop: {message}")]
    Decode {
        method: String,
        path: String,
        message: String,
    },
    #[error("invalid ChartHop URL `{url}`: {reason}")]
    InvalidUrl { url: String, reason: String },
}

impl ApiError {
    /// The exit code of design.md section 2: 77 for 401/403, 75 when ChartHop is unavailable,
    /// 78 for a bad URL setting, 1 otherwise.
    pub fn exit_code(&self) -> u8 {
        match self {
            ApiError::Unauthorized { .. } | ApiError::Forbidden { .. } => 77,
            ApiError::Unavailable { .. } => 75,
            ApiError::InvalidUrl { .. } => 78,
            ApiError::Status { .. } | ApiError::Decode { .. } => 1,
        }
    }

    /// A line telling the operator what to do.
    pub fn hint(&self) -> Option<String> {
        match self {
            ApiError::Unauthorized { .. } => Some(
                "check the token in PAYROLL_SYNC_CHARTHOP_TOKEN or PAYROLL_SYNC_CHARTHOP_TOKEN_FILE (settings `charthop.token_file`)".into(),
            ),
            ApiError::Forbidden { .. } => Some(
                "the app's access level is too low: importing needs an org editor (primary) level; ask a ChartHop owner to raise it".into(),
            ),
            ApiError::Unavailable { .. } => Some(
                "nothing was changed by the failed call; run again later, or check `charthop.url`".into(),
            ),
            ApiError::InvalidUrl { .. } => {
                Some("set PAYROLL_SYNC_CHARTHOP_URL to e.g. https://api.charthop.com".into())
            }
            _ => None,
        }
    }
}
