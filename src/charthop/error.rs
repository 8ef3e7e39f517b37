use crate::failure::Failure;

/// A failed ChartHop call. Every variant names the method and the path, and says what the
/// operator can do in [`ApiError::hint`].
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
    /// An upload whose fate is unknown: the connection failed, or ChartHop answered 5xx, after
    /// the request may have reached it. Never retried, since a second upload imports twice.
    #[error(
        "{method} {path}: the upload may or may not have reached ChartHop ({reason}); it was not sent again"
    )]
    UploadUnknown {
        method: String,
        path: String,
        reason: String,
    },
    /// ChartHop sent a page cursor it had already sent: following it would loop forever.
    #[error(
        "{method} {path}: ChartHop returned the page cursor `{cursor}` twice (page {page}); stopped instead of looping"
    )]
    CursorRepeated {
        method: String,
        path: String,
        cursor: String,
        page: u32,
    },
    /// 404 on an org's path while the API itself answers (`GET /v1/user/me`): ChartHop has
    /// no org by this id or slug, or not for this token.
    #[error("ChartHop at {base} has no org `{org}` that this token can see ({method} {path}: 404)")]
    OrgNotFound {
        method: String,
        path: String,
        base: String,
        org: String,
    },
    /// 404 on an org's path and on `GET /v1/user/me`: the base URL does not lead to ChartHop's
    /// API (a path after the host, another service).
    #[error(
        "{base} does not answer ChartHop's API paths ({method} {path} and GET /v1/user/me: 404); the base URL is wrong"
    )]
    ApiNotFound {
        method: String,
        path: String,
        base: String,
    },
    #[error("{method} {path}: unexpected answer from ChartHop: {message}")]
    Decode {
        method: String,
        path: String,
        message: String,
    },
    #[error("invalid ChartHop URL `{url}`: {reason}")]
    InvalidUrl { url: String, reason: String },
    /// `charthop.ca_file` cannot be used.
    #[error("the CA file `{}` (charthop.ca_file) cannot be used: {reason}", .path.display())]
    CaFile {
        path: std::path::PathBuf,
        reason: String,
    },
    /// The server's certificate was refused: never retried, it would fail the same way.
    #[error("{method} {url}: the TLS connection was refused: {reason}")]
    Certificate {
        method: String,
        url: String,
        reason: String,
    },
}

impl ApiError {
    /// What kind of failure this is (the exit code is chosen at the top): an auth failure for
    /// 401/403, temporary when ChartHop is unavailable or an upload's fate is unknown, a
    /// settings mistake for a bad URL, internal otherwise (a 4xx answer, an unreadable answer,
    /// a looping cursor).
    pub fn failure(&self) -> Failure {
        match self {
            ApiError::Unauthorized { .. } | ApiError::Forbidden { .. } => Failure::Auth,
            ApiError::Unavailable { .. } | ApiError::UploadUnknown { .. } => Failure::Temporary,
            ApiError::InvalidUrl { .. }
            | ApiError::OrgNotFound { .. }
            | ApiError::ApiNotFound { .. }
            | ApiError::CaFile { .. }
            | ApiError::Certificate { .. } => Failure::Config,
            ApiError::Status { .. } | ApiError::Decode { .. } | ApiError::CursorRepeated { .. } => {
                Failure::Internal
            }
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
            ApiError::UploadUnknown { .. } => Some(
                "check ChartHop's recent imports (Settings > Data > Import history) before running again, or the change may be imported twice".into(),
            ),
            ApiError::CursorRepeated { .. } => Some(
                "this is a ChartHop paging fault; run again later, and report it to ChartHop support if it persists".into(),
            ),
            ApiError::InvalidUrl { .. } => {
                Some("set PAYROLL_SYNC_CHARTHOP_URL to e.g. https://api.charthop.com".into())
            }
            ApiError::CaFile { .. } => Some(
                "point `charthop.ca_file` (PAYROLL_SYNC_CHARTHOP_CA_FILE) at a PEM file of the CA certificates to trust, or unset it to trust the system's roots only".into(),
            ),
            ApiError::Certificate { .. } => Some(
                "check `charthop.url`; if ChartHop is reached through a TLS-inspecting proxy or a private CA, put that CA's certificate (PEM) in a file and set `charthop.ca_file` (PAYROLL_SYNC_CHARTHOP_CA_FILE)".into(),
            ),
            ApiError::OrgNotFound { .. } => Some(
                "check PAYROLL_SYNC_CHARTHOP_ORG (`charthop.org`): the org id or slug, as in app.charthop.com/<slug>/".into(),
            ),
            ApiError::ApiNotFound { .. } => Some(
                "check PAYROLL_SYNC_CHARTHOP_URL (`charthop.url`): ChartHop's API is https://api.charthop.com, with nothing after the host".into(),
            ),
            ApiError::Status { status, .. } if *status == 404 => Some(
                "ChartHop does not know what was asked for; check PAYROLL_SYNC_CHARTHOP_URL and PAYROLL_SYNC_CHARTHOP_ORG (`payroll-sync doctor` tells which)".into(),
            ),
            ApiError::Status { .. } | ApiError::Decode { .. } => None,
        }
    }
}
